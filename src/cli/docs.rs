//! Completions and man pages, generated from the clap definitions. The committed
//! `completions/` and `man/` folders are written by `jwtctl generate-docs`; a test regenerates
//! them and fails when they are stale.

use std::path::Path;

use clap::CommandFactory;
use clap_complete::Shell;

use jwtctl::error::{Error, RejectCode, Result};

use super::args::Cli;
use super::exit::Exit;

/// A completion script for `shell`. It is built in memory: clap_complete's `generate` panics
/// when its writer fails (`> /dev/full`), so the caller writes the bytes and reports errors.
pub fn completions(shell: Shell) -> Vec<u8> {
    let mut cmd = Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, "jwtctl", &mut buf);
    buf
}

/// The file name a shell's completion script is committed under.
fn completion_file(shell: Shell) -> &'static str {
    match shell {
        Shell::Bash => "jwtctl.bash",
        Shell::Zsh => "_jwtctl",
        Shell::Fish => "jwtctl.fish",
        Shell::Elvish => "jwtctl.elv",
        Shell::PowerShell => "_jwtctl.ps1",
        _ => "jwtctl.unknown",
    }
}

fn escape(text: &str) -> String {
    text.replace('\\', "\\e")
        .replace('-', "\\-")
        .lines()
        .map(|l| {
            if l.starts_with(['.', '\'']) {
                format!("\\&{l}")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn section(title: &str, body: &str) -> String {
    format!(".SH \"{title}\"\n{body}\n")
}

fn tagged(items: &[(&str, &str)]) -> String {
    items
        .iter()
        .map(|(t, d)| format!(".TP\n\\fB{}\\fR\n{}\n", escape(t), escape(d)))
        .collect()
}

/// What each rejection code means, in the command line's terms (for the man pages).
fn code_meaning(code: RejectCode) -> &'static str {
    match code {
        RejectCode::Malformed => {
            "not a well-formed token: parts, base64url, JSON, duplicate members, size"
        }
        RejectCode::BadSignature => "the signature does not verify with the key",
        RejectCode::AlgNotAllowed => {
            "the header algorithm is none, unknown, not in --alg, or does not fit the key"
        }
        RejectCode::CritUnsupported => {
            "crit is invalid or names an extension jwtctl does not understand"
        }
        RejectCode::KidNotFound => "the token's kid matches no key in the set (no fallback)",
        RejectCode::Expired => "exp is in the past (beyond --leeway)",
        RejectCode::NotYetValid => "nbf is in the future (beyond --leeway)",
        RejectCode::TooOld => "iat is older than --max-age",
        RejectCode::IssuedInFuture => "iat is in the future (beyond --leeway)",
        RejectCode::IssMismatch => "iss is not one of the --iss values",
        RejectCode::AudMismatch => "aud contains none of the --aud values",
        RejectCode::AudUnchecked => {
            "the token carries aud but no --aud was given (use --any-aud to skip)"
        }
        RejectCode::SubMismatch => "sub differs from --sub",
        RejectCode::TypMismatch => "the header typ differs from --typ",
        RejectCode::MissingClaim => "a claim named by --require (or needed by a check) is absent",
        RejectCode::InvalidClaim => "a registered claim has the wrong type, e.g. a string exp",
        RejectCode::NotAJwt => "the payload is not a JSON object; use --output payload",
        RejectCode::Revoked => "the token's jti is listed in the --revoked file",
        RejectCode::WrongTokenType => "a JWE was given where a JWS is expected, or the reverse",
        RejectCode::DecryptionFailed => {
            "the JWE does not decrypt: wrong key or altered token (deliberately not told apart)"
        }
        RejectCode::LimitExceeded => {
            "p2c above --max-p2c, plaintext above --max-plaintext, a token over 16 MiB, over 100 signatures or recipients"
        }
        RejectCode::X5cMissing => "--ca was given and the token's protected header has no x5c",
        RejectCode::CertUntrusted => {
            "no path from the x5c leaf to a --ca anchor, or a signature in the path fails"
        }
        RejectCode::CertExpired => "a certificate of the path expired before the verification time",
        RejectCode::CertNotYetValid => {
            "a certificate of the path is not valid yet at the verification time"
        }
        RejectCode::CertInvalid => {
            "CA or key-usage constraint, path length, unknown critical extension, --leaf-name, --leaf-oid, x5t mismatch, or too many certificates"
        }
        RejectCode::CertRevoked => {
            "a certificate of the path is listed by a --crl its issuer signed"
        }
        RejectCode::DisclosureInvalid => {
            "an SD-JWT disclosure is malformed, unreferenced or referenced twice, names _sd, ... or an existing claim; or _sd_alg is unsupported"
        }
        RejectCode::KbMissing => "--require-kb (or --kb-aud, --nonce) and the SD-JWT has no KB-JWT",
        RejectCode::Expiring => {
            "inspect --min-ttl: the token's exp is closer than DURATION, past, or absent"
        }
        RejectCode::KbInvalid => {
            "the KB-JWT's signature (by the cnf key), typ, sd_hash, iat, aud or nonce fails"
        }
        RejectCode::DpopInvalid => {
            "verify --dpop: the proof's typ, alg, signature by its own jwk (no private member), jti, htm, htu, iat, nonce or ath fails"
        }
        RejectCode::DpopBinding => {
            "verify --dpop: the token's cnf.jkt is absent or is not the proof key's thumbprint"
        }
        _ => "",
    }
}

fn extra_sections(page: &str) -> String {
    let mut s = String::new();
    s += &section(
        "EXIT STATUS",
        &Exit::ALL
            .iter()
            .map(|e| tagged(&[(e.code().to_string().as_str(), e.description())]))
            .collect::<String>(),
    );
    if matches!(page, "jwtctl" | "verify" | "decrypt") {
        let codes: Vec<(&str, &str)> = RejectCode::ALL
            .iter()
            .map(|c| (c.as_str(), code_meaning(*c)))
            .collect();
        s += &section(
            "ERROR CODES",
            &format!(
                "Every rejection has a stable code, used in \\-\\-explain and \\-\\-batch output:\n{}",
                tagged(&codes)
            ),
        );
    }
    if matches!(page, "jwtctl" | "verify" | "decrypt" | "jwks") {
        s += &section(
            "REMOTE KEYS",
            &escape(
                "--jwks URL fetches a JWK Set; --issuer URL (verify, jwks; repeatable) reads the issuer's OpenID Connect discovery document at URL/.well-known/openid-configuration, else the RFC 8414 one at /.well-known/oauth-authorization-server, whose issuer must equal URL (one trailing / aside) and whose jwks_uri gives the keys; the token's iss must be one of the --issuer values and picks whose keys are used. Only URLs from the command line are fetched, never one a token names. https only (http to loopback hosts), the system trust store plus --cacert, no redirects, responses up to 1 MiB, --timeout per request (default 10s), HTTPS_PROXY and NO_PROXY honoured. Documents are cached per URL as RFC 9111 says (at most 24 hours; 5 minutes when the server says nothing; no-store is not stored) and revalidated with If-None-Match/If-Modified-Since when stale; --no-cache fetches afresh, --offline uses only the cache. A kid not in the cached set refetches it at most once per --refresh-cooldown (default 30s) per URL. Network, TLS and HTTP failures are exit 2, naming the URL.",
            ),
        );
    }
    if page == "serve" {
        s += &section(
            "ENDPOINTS",
            &tagged(&[
                (
                    "GET /.well-known/openid-configuration, /.well-known/oauth-authorization-server",
                    "The discovery document: issuer, jwks_uri, token_endpoint, grant types, client authentication methods, signing algorithms.",
                ),
                (
                    "GET /jwks.json",
                    "The public part of every --key, with Cache-Control and an ETag; If-None-Match gets 304.",
                ),
                (
                    "POST /token",
                    "OAuth 2.0 client_credentials (RFC 6749 4.4): an RFC 9068 JWT access token (typ at+jwt; iss, sub, client_id, aud, iat, exp, jti, scope and the --claim values). Clients authenticate with HTTP Basic or client_id/client_secret against --client (any client when none is given). Errors are RFC 6749 5.2 JSON: invalid_client (401), unsupported_grant_type and invalid_request (400).",
                ),
                (
                    "anything else",
                    "404. Request heads over 16 KiB: 431; bodies over 64 KiB: 413; malformed requests: 400. 10 s to send a request head or between requests, 10 s for a body. SIGINT and SIGTERM end it with exit 0.",
                ),
            ]),
        );
    }
    s += &section(
        "ENVIRONMENT",
        &tagged(&[
            (
                "NO_COLOR",
                "Any non-empty value turns colour off (unless \\-\\-color always).",
            ),
            ("TERM", "dumb turns colour off."),
            ("CI", "When set, jwtctl never prompts for passphrases."),
            (
                "JWTCTL_TEST_TTY",
                "1 makes jwtctl treat standard output and error as terminals (for tests).",
            ),
            (
                "JWTCTL_CACHE_DIR",
                "Where fetched key sets and discovery documents are cached (else $XDG_CACHE_HOME/jwtctl, else ~/.cache/jwtctl).",
            ),
            (
                "HTTPS_PROXY, ALL_PROXY, NO_PROXY",
                "The proxy for remote keys, and the hosts that bypass it (loopback always does).",
            ),
            (
                "SSL_CERT_FILE, SSL_CERT_DIR",
                "The trust store for remote keys.",
            ),
        ]),
    );
    s += &section(
        "SECURITY",
        &escape(
            "jwtctl follows RFC 8725 by default. It never accepts alg none when verifying; never takes the algorithm from the token alone (it must be in --alg or fit the key); never accepts an HMAC algorithm with an RSA, EC or OKP key or a public key as an HMAC secret; rejects crit extensions it does not understand; never fetches or trusts jku, x5u or an embedded jwk, and fetches keys only from URLs on the command line; checks exp and nbf with an explicit leeway; refuses HMAC secrets shorter than the hash and RSA keys under 2048 bits unless --allow-weak-key; rejects duplicate JSON member names. Secrets given literally on the command line draw a warning.",
        ),
    );
    let examples = match page {
        "sign" => {
            "jwtctl sign \\-\\-alg ES256 \\-\\-key ec.pem \\-\\-iss https://auth.example \\-\\-aud api \\-\\-exp 15m\n.br\njwtctl sign \\-\\-alg HS256 \\-\\-secret env:JWT_SECRET \\-\\-sub alice \\-\\-claim 'roles:=[\"admin\"]'"
        }
        "verify" => {
            "jwtctl verify \\-\\-key rsa\\-public.pem \\-\\-iss https://auth.example \\-\\-aud api \"$TOKEN\"\n.br\njwtctl verify \\-\\-jwks jwks.json \\-\\-alg RS256 \\-\\-output none < token.txt && echo valid\n.br\ncat tokens.txt | jwtctl verify \\-\\-batch \\-\\-jwks jwks.json \\-\\-any\\-aud\n.br\njwtctl verify \\-\\-issuer https://login.example.com \\-\\-aud api \"$TOKEN\""
        }
        "inspect" => {
            "jwtctl inspect \"$TOKEN\"\n.br\njwtctl inspect \\-\\-json \"$TOKEN\" | jq .warnings"
        }
        "encrypt" => {
            "jwtctl encrypt \\-\\-key rsa\\-public.pem 'secret message' > msg.jwe\n.br\njwtctl sign \\-\\-alg ES256 \\-\\-key ec.pem | jwtctl encrypt \\-\\-key rsa\\-public.pem \\-\\-cty JWT"
        }
        "decrypt" => {
            "jwtctl decrypt \\-\\-key rsa\\-private.pem < msg.jwe\n.br\njwtctl decrypt \\-\\-key rsa\\-private.pem \\-\\-verify\\-key ec\\-public.pem \\-\\-aud api < nested.jwe"
        }
        "keygen" => {
            "jwtctl keygen \\-\\-alg ES256 \\-\\-out ec.pem \\-\\-pub\\-out ec.pub.pem\n.br\njwtctl keygen \\-\\-alg HS256 \\-\\-out hmac.jwk"
        }
        "jwks" => {
            "jwtctl jwks ec.pub.pem rsa.cert.pem > jwks.json\n.br\njwtctl jwks \\-\\-merge jwks.json \\-\\-remove old new.pub.pem > next.json"
        }
        "serve" => {
            "jwtctl serve \\-\\-key issuer.pem \\-\\-addr 127.0.0.1:0 \\-\\-client svc:s3cret \\-\\-aud api \\-\\-rotate 10m\n.br\ncurl \\-s \\-u svc:s3cret \\-d grant_type=client_credentials http://127.0.0.1:PORT/token"
        }
        "completions" => {
            "jwtctl completions bash > ~/.local/share/bash\\-completion/completions/jwtctl"
        }
        _ => {
            "jwtctl sign \\-\\-alg HS256 \\-\\-secret @secret.bin \\-\\-sub alice \\-\\-exp 15m | jwtctl verify \\-\\-secret @secret.bin"
        }
    };
    s += &section("EXAMPLES", examples);
    s += &section(
        "STANDARDS",
        &escape(
            "RFC 7515 (JWS), RFC 7516 (JWE), RFC 7517 (JWK), RFC 7518 (JWA), RFC 7519 (JWT), RFC 7638 (JWK thumbprint), RFC 7797 (unencoded payload), RFC 8037 (EdDSA, OKP keys), RFC 8725 (JWT best current practices), RFC 8812 (ES256K), RFC 9864 (fully-specified Ed25519/Ed448).",
        ),
    );
    s
}

/// Renders the man page of `cmd` (named `page_name`), with jwtctl's extra sections.
fn man_page(cmd: clap::Command, page: &str) -> Result<Vec<u8>> {
    let man = clap_mangen::Man::new(cmd.version(env!("CARGO_PKG_VERSION")));
    let mut buf = Vec::new();
    let io = |e| Error::io("<man>", e);
    man.render_title(&mut buf).map_err(io)?;
    man.render_name_section(&mut buf).map_err(io)?;
    man.render_synopsis_section(&mut buf).map_err(io)?;
    man.render_description_section(&mut buf).map_err(io)?;
    man.render_options_section(&mut buf).map_err(io)?;
    man.render_subcommands_section(&mut buf).map_err(io)?;
    buf.extend_from_slice(extra_sections(page).as_bytes());
    man.render_version_section(&mut buf).map_err(io)?;
    Ok(buf)
}

/// Every generated file: relative path and contents.
pub fn generated_files() -> Result<Vec<(String, Vec<u8>)>> {
    let mut files = Vec::new();
    for shell in [
        Shell::Bash,
        Shell::Zsh,
        Shell::Fish,
        Shell::Elvish,
        Shell::PowerShell,
    ] {
        files.push((
            format!("completions/{}", completion_file(shell)),
            completions(shell),
        ));
    }
    let mut root = Cli::command();
    // Subcommands' arguments are deferred until a parse reaches them; the pages need them all.
    root.build();
    files.push((
        "man/jwtctl.1".to_string(),
        man_page(root.clone(), "jwtctl")?,
    ));
    // Building adds clap's own `help` subcommand, which needs no page of its own.
    for sub in root
        .get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
    {
        let name = sub.get_name().to_string();
        let cmd = sub
            .clone()
            .name(format!("jwtctl-{name}"))
            .display_name(format!("jwtctl-{name}"))
            .bin_name(format!("jwtctl {name}"));
        files.push((format!("man/jwtctl-{name}.1"), man_page(cmd, &name)?));
    }
    Ok(files)
}

/// Writes every generated file under `dir`.
pub fn write_all(dir: &Path) -> Result<()> {
    for (rel, bytes) in generated_files()? {
        let path = dir.join(&rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        std::fs::write(&path, bytes).map_err(|e| Error::io(&path, e))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `_` arm above exists because `RejectCode` is non-exhaustive; no published code may
    /// fall into it.
    #[test]
    fn every_rejection_code_has_a_meaning() {
        for code in RejectCode::ALL {
            assert!(!code_meaning(*code).is_empty(), "{code}");
        }
    }
}
