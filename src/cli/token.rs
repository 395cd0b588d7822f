//! `jwtctl token`: an access token from an identity provider, for scripts. The cache is
//! looked at before anything touches the network, so a hit costs little more than reading a
//! file; everything else is the library's `oauth` module over the remote-keys client.

use std::time::Duration;

use serde_json::{Map, Value};
use zeroize::Zeroizing;

use jwtctl::error::{Error, Result};
use jwtctl::jwa::{JwsAlg, KeyType};
use jwtctl::keys::{Key, read_limited};
use jwtctl::oauth::cache::{CacheKey, Entry, TokenCache};
use jwtctl::oauth::{ClientAuth, OAuthClient, TokenResponse};
use jwtctl::remote::{Fetcher, Options, RemoteUrl, default_cache_dir};
use jwtctl::sanitize::sanitize;
use jwtctl::time::{parse_duration, parse_span, system_now};

use super::args::{ClientAuthArg, GrantArg, TokenArgs, TokenOutput};
use super::input::{load_key, read_secret};
use super::output::Output;

/// How long the browser has to come back to the loopback listener.
const BROWSER_TIMEOUT: Duration = Duration::from_secs(300);
/// Parameters `--param` may not set: jwtctl sets them itself.
const RESERVED: &[&str] = &[
    "grant_type",
    "client_id",
    "client_secret",
    "client_assertion",
    "client_assertion_type",
    "scope",
    "audience",
    "resource",
    "refresh_token",
    "code",
    "code_verifier",
    "redirect_uri",
    "device_code",
    "state",
    "nonce",
];

fn grant_name(g: GrantArg) -> &'static str {
    match g {
        GrantArg::ClientCredentials => "client_credentials",
        GrantArg::RefreshToken => "refresh_token",
        GrantArg::DeviceCode => "device_code",
        GrantArg::AuthorizationCode => "authorization_code",
    }
}

/// A private asymmetric key and its algorithm (the key's JWK alg, else what its type fits;
/// RS256 for RSA).
fn signing_key(
    path: &std::path::Path,
    alg: Option<JwsAlg>,
    flag: &str,
    a: &TokenArgs,
    out: &Output,
) -> Result<(Key, JwsAlg)> {
    let set = load_key(path, a.passphrase.as_ref(), out)?;
    let alg = match alg {
        Some(x) => x,
        None => match set.keys.first().map(Key::key_type) {
            Some(KeyType::Rsa) if set.keys.first().is_some_and(|k| k.meta.alg.is_none()) => {
                JwsAlg::RS256
            }
            _ => super::sign::infer_alg(&set, None)?,
        },
    };
    let key = set
        .keys
        .into_iter()
        .next()
        .ok_or_else(|| Error::usage(format!("{flag} {}: no key in it", path.display())))?;
    if key.key_type() == KeyType::Oct || !key.is_private() {
        return Err(Error::usage(format!(
            "{flag} needs an asymmetric private key; this is a {}",
            key.describe()
        )));
    }
    Ok((key, alg))
}

/// The request parameters every grant shares: scope, audience, resource, --param.
fn extra_params(a: &TokenArgs) -> Result<Vec<(String, String)>> {
    let mut p = Vec::new();
    if !a.scope.is_empty() {
        p.push(("scope".to_string(), a.scope.join(" ")));
    }
    p.extend(
        a.audience
            .iter()
            .map(|v| ("audience".to_string(), v.clone())),
    );
    p.extend(
        a.resource
            .iter()
            .map(|v| ("resource".to_string(), v.clone())),
    );
    for text in &a.param {
        let Some((name, value)) = text.split_once('=').filter(|(n, _)| !n.is_empty()) else {
            return Err(Error::usage(format!(
                "--param expects NAME=VALUE, got {:?}",
                sanitize(text)
            )));
        };
        if RESERVED.contains(&name) {
            return Err(Error::usage(format!(
                "--param {name}: jwtctl sets {name} itself (use the flag for it, if there is one)"
            )));
        }
        p.push((name.to_string(), value.to_string()));
    }
    Ok(p)
}

fn print(
    response: &Map<String, Value>,
    expires_at: Option<i64>,
    mode: TokenOutput,
    out: &Output,
) -> Result<()> {
    let token = response
        .get("access_token")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let written = match mode {
        TokenOutput::Token => out.line(token),
        TokenOutput::Header => {
            let dpop = response
                .get("token_type")
                .and_then(Value::as_str)
                .is_some_and(|t| t.eq_ignore_ascii_case("dpop"));
            out.line(&format!(
                "Authorization: {} {token}",
                if dpop { "DPoP" } else { "Bearer" }
            ))
        }
        TokenOutput::Json => {
            let mut body = response.clone();
            if let Some(e) = expires_at {
                body.insert("expires_at".into(), e.into());
            }
            out.json(&Value::Object(body))
        }
    };
    written.map_err(|e| Error::io("<stdout>", e))
}

pub fn run(a: &TokenArgs, out: &Output) -> Result<()> {
    let now = system_now();
    let min_ttl = match &a.min_ttl {
        Some(t) => {
            let d = parse_duration(t)?;
            if d > 366 * 24 * 3600 {
                return Err(Error::usage(format!(
                    "--min-ttl {t:?} is out of range (up to a year)"
                )));
            }
            i64::try_from(d).unwrap_or(i64::MAX)
        }
        None => 60,
    };
    let extra = extra_params(a)?;
    let dpop = match &a.dpop {
        Some(p) => Some(signing_key(p, None, "--dpop", a, out)?),
        None => None,
    };
    let jkt = dpop.as_ref().map(|(k, _)| k.thumbprint()).transpose()?;
    let endpoint_id = a
        .issuer
        .clone()
        .or_else(|| a.token_endpoint.clone())
        .unwrap_or_default();
    let key = CacheKey {
        endpoint: endpoint_id,
        client_id: a.client_id.clone(),
        grant: grant_name(a.grant).into(),
        params: extra.clone(),
        jkt,
    };
    let cache = if a.no_cache {
        None
    } else {
        default_cache_dir().map(|d| TokenCache::new(&d))
    };
    if a.forget {
        if let Some(c) = &cache {
            c.remove(&key).map_err(|e| {
                Error::io(default_cache_dir().unwrap_or_default().join("tokens"), e)
            })?;
        }
        return Ok(());
    }
    let cached = cache.as_ref().and_then(|c| c.read(&key));
    if let Some(e) = &cached {
        if e.left(now).is_some_and(|left| left > min_ttl) {
            return print(&e.response, e.expires_at, a.output, out);
        }
    }

    // The network from here on.
    let timeout = match &a.timeout {
        Some(t) => {
            let d = parse_span(t)?;
            if d < Duration::from_millis(1) || d > Duration::from_secs(600) {
                return Err(Error::usage(format!(
                    "--timeout {t:?} is out of range (1ms to 10m)"
                )));
            }
            d
        }
        None => jwtctl::remote::DEFAULT_TIMEOUT,
    };
    let cacert = match &a.cacert {
        Some(p) => Some((
            read_limited(p, jwtctl::keys::MAX_KEY_FILE)?,
            p.display().to_string(),
        )),
        None => None,
    };
    let fetcher = Fetcher::new(Options {
        timeout,
        cacert,
        cache_dir: default_cache_dir(),
        ..Options::default()
    })?;
    let discovered = match &a.issuer {
        Some(i) => Some(jwtctl::remote::discovery::discover(i, &fetcher)?.value),
        None => None,
    };
    let endpoint = |member: &str| -> Result<RemoteUrl> {
        let d = discovered.as_ref().ok_or_else(|| {
            Error::usage(format!(
                "this grant needs {member} from discovery: give --issuer"
            ))
        })?;
        let url = d
            .endpoints
            .iter()
            .find(|(k, _)| k == member)
            .map(|(_, v)| v.clone())
            .ok_or_else(|| {
                Error::usage(format!(
                    "{}: the discovery document has no {member}",
                    sanitize(&d.issuer)
                ))
            })?;
        RemoteUrl::parse(&url)
    };
    let token_endpoint = match &a.token_endpoint {
        Some(t) => RemoteUrl::parse(t)?,
        None => endpoint("token_endpoint")?,
    };
    let auth = match (&a.client_secret, &a.client_key) {
        (Some(src), _) => {
            let secret = read_secret(src, "--client-secret", out)?;
            let text = String::from_utf8(secret.to_vec())
                .map_err(|_| Error::usage("--client-secret is not text"))?;
            let text = Zeroizing::new(text.trim_end_matches(['\r', '\n']).to_string());
            match a.client_auth {
                Some(ClientAuthArg::Post) => ClientAuth::SecretPost(text),
                _ => ClientAuth::SecretBasic(text),
            }
        }
        (None, Some(path)) => {
            let (key, alg) = signing_key(path, a.client_alg.map(|x| x.0), "--client-key", a, out)?;
            ClientAuth::PrivateKeyJwt {
                key: Box::new(key),
                alg,
            }
        }
        (None, None) => ClientAuth::None,
    };
    let client = OAuthClient::new(&fetcher, token_endpoint, a.client_id.clone(), auth, dpop);
    let refresh = |rt: &str| {
        let mut p = vec![
            ("grant_type".to_string(), "refresh_token".to_string()),
            ("refresh_token".to_string(), rt.to_string()),
        ];
        p.extend(extra.iter().filter(|(k, _)| k == "scope").cloned());
        client.token(&p, system_now())
    };
    let cached_refresh = cached
        .as_ref()
        .and_then(Entry::refresh_token)
        .map(str::to_string);
    let mut nonce = None;
    let response: TokenResponse = match a.grant {
        GrantArg::ClientCredentials => {
            let mut p = vec![("grant_type".to_string(), "client_credentials".to_string())];
            p.extend(extra.iter().cloned());
            client.token(&p, now)?
        }
        GrantArg::RefreshToken => {
            let rt = match &a.refresh_token {
                Some(src) => {
                    let bytes = read_secret(src, "--refresh-token", out)?;
                    String::from_utf8(bytes.to_vec())
                        .map_err(|_| Error::usage("--refresh-token is not text"))?
                        .trim()
                        .to_string()
                }
                None => cached_refresh.clone().ok_or_else(|| {
                    Error::usage("no refresh token: give --refresh-token (none is cached for these settings)")
                })?,
            };
            refresh(&rt)?
        }
        GrantArg::DeviceCode | GrantArg::AuthorizationCode => {
            // A cached refresh token first: no user needed.
            let refreshed = cached_refresh.as_deref().and_then(|rt| refresh(rt).ok());
            match refreshed {
                Some(r) => r,
                None if a.grant == GrantArg::DeviceCode => {
                    let url = endpoint("device_authorization_endpoint")?;
                    let show = |p: &jwtctl::oauth::device::Prompt| {
                        let mut msg = format!(
                            "To sign in, visit {} and enter the code {}",
                            sanitize(&p.verification_uri),
                            sanitize(&p.user_code)
                        );
                        if let Some(c) = &p.verification_uri_complete {
                            msg.push_str(&format!("\n  or open {}", sanitize(c)));
                        }
                        eprintln!("{msg}");
                    };
                    jwtctl::oauth::device::run(&client, &url, &extra, &show, &system_now)?
                }
                None => {
                    let (r, n) = authorization_code(
                        a,
                        &client,
                        &endpoint("authorization_endpoint")?,
                        discovered.as_ref().map(|d| d.issuer.as_str()),
                        &extra,
                    )?;
                    nonce = Some(n);
                    r
                }
            }
        }
    };
    if let Some(id) = &response.id_token {
        let Some(issuer) = &a.issuer else {
            return Err(Error::usage(
                "the token response has an ID token, and without --issuer its keys are unknown: give --issuer",
            ));
        };
        jwtctl::oauth::verify_id_token(
            &fetcher,
            issuer,
            &a.client_id,
            id,
            nonce.as_deref(),
            system_now(),
        )?;
    }
    let issued = system_now();
    let expires_at = response
        .expires_in
        .map(|s| issued.saturating_add(i64::try_from(s).unwrap_or(i64::MAX)));
    let mut body = response.body.clone();
    if let (None, Some(rt)) = (&response.refresh_token, &cached_refresh) {
        // A server that does not rotate refresh tokens answers without one: keep the old.
        if a.grant != GrantArg::ClientCredentials {
            body.insert("refresh_token".into(), rt.clone().into());
        }
    }
    if let Some(c) = &cache {
        let entry = Entry {
            response: body.clone(),
            expires_at,
        };
        if let Err(e) = c.write(&key, &entry) {
            out.warn(&format!("the token cache could not be written: {e}"));
        }
    }
    print(&body, expires_at, a.output, out)
}

/// The authorization-code grant: PKCE, state and nonce, a loopback listener, the browser.
/// Returns the token response and the nonce sent.
fn authorization_code(
    a: &TokenArgs,
    client: &OAuthClient<'_>,
    authorize: &RemoteUrl,
    issuer: Option<&str>,
    extra: &[(String, String)],
) -> Result<(TokenResponse, String)> {
    let listener = jwtctl::oauth::loopback::Loopback::bind(a.redirect_port.unwrap_or(0))?;
    let flow = jwtctl::oauth::code::CodeFlow::start(
        authorize.as_str(),
        &a.client_id,
        &listener.redirect_uri(),
        extra,
        issuer,
    )?;
    eprintln!("Sign in at: {}", flow.url());
    if !a.no_browser {
        open_browser(flow.url());
    }
    let back = listener.wait(BROWSER_TIMEOUT)?;
    let nonce = flow.nonce().to_string();
    let form = flow.finish(&back)?;
    Ok((client.token(&form, system_now())?, nonce))
}

/// Opens `url` in the system's browser, best effort.
fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    spawn_detached(opener, url);
}

/// Starts `program url` (found on PATH) with its standard streams on /dev/null, and does not
/// wait for it. posix_spawnp directly rather than std::process::Command: Command brings about
/// thirty C library functions (fork, exec, pipes, credentials, process groups) that the loader
/// binds at every start of the binary, whatever the subcommand — 1.5% of a one-shot verify's
/// instructions for a browser opened once by `token`.
#[cfg(unix)]
fn spawn_detached(program: &str, url: &str) {
    use std::ffi::CString;
    let (Ok(program), Ok(url)) = (CString::new(program), CString::new(url)) else {
        return;
    };
    let null = c"/dev/null";
    let argv = [
        program.as_ptr().cast_mut(),
        url.as_ptr().cast_mut(),
        std::ptr::null_mut(),
    ];
    unsafe extern "C" {
        static environ: *const *mut std::ffi::c_char;
    }
    // SAFETY: the file actions are initialised before use and destroyed once; every pointer
    // passed (program, argv, /dev/null, environ) is a NUL-terminated string or a
    // null-terminated array of them that outlives the call; posix_spawnp copies what it needs.
    unsafe {
        let mut actions = std::mem::zeroed::<libc::posix_spawn_file_actions_t>();
        if libc::posix_spawn_file_actions_init(&mut actions) != 0 {
            return;
        }
        let flags = [libc::O_RDONLY, libc::O_WRONLY, libc::O_WRONLY];
        let opened = (0..3).zip(flags).all(|(fd, flag)| {
            libc::posix_spawn_file_actions_addopen(&mut actions, fd, null.as_ptr(), flag, 0) == 0
        });
        if opened {
            let mut pid: libc::pid_t = 0;
            libc::posix_spawnp(
                &mut pid,
                program.as_ptr(),
                &actions,
                std::ptr::null(),
                argv.as_ptr(),
                environ,
            );
        }
        libc::posix_spawn_file_actions_destroy(&mut actions);
    }
}

#[cfg(not(unix))]
fn spawn_detached(program: &str, url: &str) {
    let _ = std::process::Command::new(program)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
}

#[cfg(all(test, unix))]
mod tests {
    #![allow(clippy::unwrap_used)]
    use std::os::unix::fs::PermissionsExt;

    /// The opener runs with the URL as its one argument (no shell), its output on /dev/null.
    #[test]
    fn spawn_detached_runs_the_opener_with_the_url() {
        let dir = std::env::temp_dir().join(format!("jwtctl-opener-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let seen = dir.join("seen");
        let opener = dir.join("opener");
        let script = format!(
            "#!/bin/sh\necho out; echo err >&2; printf '%s|%s' \"$#\" \"$1\" > '{}.tmp' && mv '{0}.tmp' '{0}'\n",
            seen.display()
        );
        std::fs::write(&opener, script).unwrap();
        std::fs::set_permissions(&opener, std::fs::Permissions::from_mode(0o700)).unwrap();
        let url = "http://127.0.0.1:1/authorize?a=1&b=$(touch x) 'q'";
        super::spawn_detached(opener.to_str().unwrap(), url);
        let mut got = None;
        for _ in 0..200 {
            if let Ok(s) = std::fs::read_to_string(&seen) {
                got = Some(s);
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(25));
        }
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(got.as_deref(), Some(format!("1|{url}").as_str()));
    }
}
