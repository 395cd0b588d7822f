//! The command-line definitions (clap derive). Doc comments here are the `--help` text, the
//! man pages and the completions, so they are written for users.
//!
//! Conventions: long flags are kebab-case and keep the names of the contract; repeatable
//! flags take one value per occurrence; values that name an algorithm or a mode complete from
//! a fixed list; paths complete as files.

use std::path::PathBuf;

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum, ValueHint};

use super::secret::SecretSource;
use jwtctl::jwa::{JweAlg, JweEnc, JweFamily, JwsAlg};

/// Algorithm names accepted by `sign --alg` (`none` only with `--allow-unsecured`).
fn sign_alg_names() -> Vec<&'static str> {
    let mut v: Vec<&'static str> = JwsAlg::ALL.iter().map(|a| a.name()).collect();
    v.push("none");
    v
}

/// What `sign --alg` asks for: a JWS algorithm, or an unsecured token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignAlg {
    /// `none` (RFC 7515 A.5), made only with --allow-unsecured.
    Unsecured,
    /// A real signature.
    Jws(JwsAlg),
}

/// `sign --alg`, typed at the parser (the names are checked there; case-insensitive).
fn sign_alg() -> impl TypedValueParser<Value = SignAlg> {
    PossibleValuesParser::new(sign_alg_names()).try_map(|s| {
        if s.eq_ignore_ascii_case("none") {
            return Ok(SignAlg::Unsecured);
        }
        s.parse::<JwsAlg>().map(SignAlg::Jws)
    })
}

/// A JWS algorithm as a command-line value (`none` is not one of them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AlgArg(pub JwsAlg);

static ALG_ARGS: std::sync::LazyLock<Vec<AlgArg>> =
    std::sync::LazyLock::new(|| JwsAlg::ALL.iter().map(|a| AlgArg(*a)).collect());

impl ValueEnum for AlgArg {
    fn value_variants<'a>() -> &'a [Self] {
        &ALG_ARGS
    }
    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.0.name()))
    }
}

/// jwtctl — sign, verify, encrypt and inspect JSON Web Tokens (JWS, JWE, JWK), safe by default.
///
/// Results go to standard output and nothing else does; warnings and errors go to standard
/// error, one line each. RFC 8725 best practice is the default: `alg: none` is never
/// accepted, the algorithm is never taken from the token alone, unknown `crit` extensions
/// are rejected, and keys are never fetched from `jku`/`x5u` or taken from a `jwk` header.
#[derive(Debug, Parser)]
#[command(name = "jwtctl", version, propagate_version = true, after_help = super::exit::help_text(), max_term_width = 100)]
pub struct Cli {
    /// When to use colour: auto (only on a terminal, and not with NO_COLOR or TERM=dumb), always, never.
    #[arg(long, global = true, value_enum, default_value_t = ColorWhen::Auto, value_name = "WHEN")]
    pub color: ColorWhen,

    /// Pretty-print JSON output (the default on a terminal).
    #[arg(long, global = true, conflicts_with = "compact")]
    pub pretty: bool,

    /// Print JSON output on one line (the default when piped).
    #[arg(long, global = true)]
    pub compact: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    /// Colour on a terminal only.
    Auto,
    /// Always colour (overrides NO_COLOR).
    Always,
    /// Never colour.
    Never,
}

/// The subcommands. Each one's arguments are built only when it runs (`defer`): building every
/// subcommand's arguments was a quarter of a `--version` run. Deferred arguments are added after
/// the subcommand's description, so a flattened struct's doc comment would replace it: those
/// structs carry plain comments.
#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum Command {
    /// Create a signed token (JWS) from claims.
    #[command(after_help = SIGN_EXAMPLES)]
    Sign(SignArgs),
    /// Verify a token's signature and claims; exit 0 only if it is valid.
    #[command(after_help = VERIFY_EXAMPLES)]
    Verify(Box<VerifyArgs>),
    /// Make an SD-JWT presentation: keep the disclosures for the claims to reveal, and add a
    /// key-binding JWT.
    #[command(after_help = PRESENT_EXAMPLES)]
    Present(PresentArgs),
    /// Make a DPoP proof of possession (RFC 9449) for one HTTP request.
    #[command(after_help = DPOP_EXAMPLES)]
    Dpop(DpopArgs),
    /// Get an access token from an identity provider (an OAuth 2.0 client for scripts).
    #[command(after_help = TOKEN_EXAMPLES)]
    Token(Box<TokenArgs>),
    /// Decode a token WITHOUT verifying it, and point out what looks wrong.
    #[command(after_help = INSPECT_EXAMPLES)]
    Inspect(InspectArgs),
    /// Encrypt a payload to a key or password (JWE).
    #[command(after_help = ENCRYPT_EXAMPLES)]
    Encrypt(EncryptArgs),
    /// Decrypt a JWE; with --verify-key, verify the nested JWT inside.
    #[command(after_help = DECRYPT_EXAMPLES)]
    Decrypt(DecryptArgs),
    /// Generate a key for an algorithm (or of a given type), as PEM or JWK.
    #[command(after_help = KEYGEN_EXAMPLES)]
    Keygen(KeygenArgs),
    /// Build, merge and convert JWK Sets; print RFC 7638 thumbprints.
    #[command(after_help = JWKS_EXAMPLES)]
    Jwks(JwksArgs),
    /// Run a local mock identity provider: discovery, a JWK Set, tokens, sign-in with a login
    /// page, userinfo.
    #[command(after_help = SERVE_EXAMPLES)]
    Serve(ServeArgs),
    /// Print a shell completion script.
    #[command(after_help = COMPLETIONS_EXAMPLES)]
    Completions(CompletionsArgs),
    /// Write the committed completions/ and man/ folders (for maintainers).
    #[command(hide = true, name = "generate-docs")]
    GenerateDocs(GenerateDocsArgs),
}

const TOKEN_EXAMPLES: &str = "\
Examples:
  TOKEN=$(jwtctl token --issuer https://login.example --client-id ci --client-secret env:CI_SECRET --audience api)
  curl -H \"$(jwtctl token --issuer https://login.example --client-id ci --client-key ci.pem --output header)\" https://api.example/
  jwtctl token --issuer https://login.example --client-id cli --grant device_code --scope openid
  jwtctl token --issuer https://login.example --client-id cli --grant authorization_code --scope 'openid email'
  jwtctl token --issuer https://login.example --client-id ci --client-secret @secret --dpop dpop.pem --output json";

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GrantArg {
    #[value(name = "client_credentials")]
    ClientCredentials,
    #[value(name = "refresh_token")]
    RefreshToken,
    #[value(name = "device_code")]
    DeviceCode,
    #[value(name = "authorization_code")]
    AuthorizationCode,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ClientAuthArg {
    /// client_secret_basic: HTTP Basic.
    Basic,
    /// client_secret_post: in the form.
    Post,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TokenOutput {
    /// The access token and a newline.
    Token,
    /// The token response, plus expires_at (Unix seconds).
    Json,
    /// Authorization: Bearer|DPoP <token>
    Header,
}

// `jwtctl token`. (Not a doc comment: see `Command`.)
#[derive(Debug, Args)]
pub struct TokenArgs {
    /// The identity provider: its discovery document names the endpoints.
    #[arg(long, value_name = "URL", value_hint = ValueHint::Url, required_unless_present = "token_endpoint", conflicts_with = "token_endpoint")]
    pub issuer: Option<String>,

    /// The token endpoint, directly (no discovery).
    #[arg(long, value_name = "URL", value_hint = ValueHint::Url)]
    pub token_endpoint: Option<String>,

    /// The client's id.
    #[arg(long, value_name = "ID")]
    pub client_id: String,

    /// The client's secret (env:NAME, @FILE, prompt, or the text): client_secret_basic, or
    /// client_secret_post with --client-auth post.
    #[arg(long, value_name = "SOURCE", value_parser = clap::value_parser!(SecretSource), conflicts_with = "client_key", allow_hyphen_values = true)]
    pub client_secret: Option<SecretSource>,

    /// How the secret is sent.
    #[arg(long, value_name = "HOW", value_enum, requires = "client_secret")]
    pub client_auth: Option<ClientAuthArg>,

    /// The client's private key: private_key_jwt (RFC 7523).
    #[arg(long, value_name = "KEY", value_hint = ValueHint::FilePath)]
    pub client_key: Option<PathBuf>,

    /// The assertion's algorithm (default: the key's JWK alg, else the one its type fits;
    /// RS256 for RSA).
    #[arg(long, value_name = "ALG", value_enum, requires = "client_key")]
    pub client_alg: Option<AlgArg>,

    /// Passphrase of an encrypted --client-key or --dpop key (same sources as --secret).
    #[arg(long, value_name = "SOURCE", value_parser = clap::value_parser!(SecretSource))]
    pub passphrase: Option<SecretSource>,

    /// The grant.
    #[arg(
        long,
        value_name = "GRANT",
        value_enum,
        default_value = "client_credentials"
    )]
    pub grant: GrantArg,

    /// A scope (repeatable; joined with spaces).
    #[arg(long, value_name = "SCOPE")]
    pub scope: Vec<String>,

    /// An audience, sent as audience= (repeatable).
    #[arg(long, value_name = "AUD")]
    pub audience: Vec<String>,

    /// A resource indicator, sent as resource= (RFC 8707; repeatable).
    #[arg(long, value_name = "URI")]
    pub resource: Vec<String>,

    /// Another request parameter NAME=VALUE (repeatable).
    #[arg(long, value_name = "NAME=VALUE")]
    pub param: Vec<String>,

    /// The refresh token for --grant refresh_token (default: the cached one).
    #[arg(long, value_name = "SOURCE", value_parser = clap::value_parser!(SecretSource), allow_hyphen_values = true)]
    pub refresh_token: Option<SecretSource>,

    /// The loopback port for --grant authorization_code (default: a free one); the redirect
    /// URI is http://127.0.0.1:PORT/callback.
    #[arg(long, value_name = "PORT", value_parser = clap::value_parser!(u16).range(1..))]
    pub redirect_port: Option<u16>,

    /// Never open a browser; the URL goes to standard error.
    #[arg(long)]
    pub no_browser: bool,

    /// DPoP (RFC 9449): every token request carries a proof made with this private key, and
    /// the token must come back DPoP-bound.
    #[arg(long, value_name = "KEY", value_hint = ValueHint::FilePath)]
    pub dpop: Option<PathBuf>,

    /// Neither read nor write the token cache.
    #[arg(long, conflicts_with = "forget")]
    pub no_cache: bool,

    /// Delete the cached token for these settings and exit 0.
    #[arg(long)]
    pub forget: bool,

    /// A cached token is used while it has more than this left [default: 60s].
    #[arg(long, value_name = "DURATION")]
    pub min_ttl: Option<String>,

    /// What to print.
    #[arg(long, value_name = "FORMAT", value_enum, default_value = "token")]
    pub output: TokenOutput,

    /// Extra trusted CA certificates (PEM), on top of the system's trust store.
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub cacert: Option<PathBuf>,

    /// Per request, from connecting to the last byte (default 10s).
    #[arg(long, value_name = "DURATION")]
    pub timeout: Option<String>,
}

const DPOP_EXAMPLES: &str = "\
Examples:
  jwtctl dpop --key dpop.pem --htm POST --htu https://auth.example/token
  curl -H \"Authorization: DPoP $TOKEN\" \\
       -H \"DPoP: $(jwtctl dpop --key dpop.pem --htm GET --htu https://api.example/orders --access-token \"$TOKEN\")\" \\
       https://api.example/orders";

// `jwtctl dpop`. (Not a doc comment: see `Command`.)
#[derive(Debug, Args)]
pub struct DpopArgs {
    /// The private key the proof is signed with (asymmetric; its public JWK goes in the header).
    #[arg(long, value_name = "KEY", value_hint = ValueHint::FilePath)]
    pub key: PathBuf,

    /// Passphrase of an encrypted --key (same sources as --secret).
    #[arg(long, value_name = "SOURCE", value_parser = clap::value_parser!(SecretSource))]
    pub passphrase: Option<SecretSource>,

    /// The request's HTTP method (htm).
    #[arg(long, value_name = "METHOD")]
    pub htm: String,

    /// The request's URL (htu; the query and fragment are dropped).
    #[arg(long, value_name = "URL", value_hint = ValueHint::Url)]
    pub htu: String,

    /// The access token sent with the request: its hash goes in ath (text or @FILE).
    #[arg(long, value_name = "TOKEN", allow_hyphen_values = true)]
    pub access_token: Option<String>,

    /// A nonce the server provided (DPoP-Nonce).
    #[arg(long, value_name = "NONCE", allow_hyphen_values = true)]
    pub nonce: Option<String>,

    /// The algorithm (default: the one the key fits; needed for RSA).
    #[arg(long, value_name = "ALG", value_enum)]
    pub alg: Option<AlgArg>,

    /// iat (default: now).
    #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
    pub iat: Option<String>,

    /// jti (default: 128 random bits).
    #[arg(long, value_name = "ID")]
    pub jti: Option<String>,
}

const PRESENT_EXAMPLES: &str = "\
Examples:
  jwtctl present --disclose email --disclose address.locality @credential.sd-jwt
  jwtctl present --disclose-all --holder-key holder.pem --kb-aud https://verifier.example \\
      --nonce 8c1f2a @credential.sd-jwt";

// `jwtctl present`. (Not a doc comment: see `Command`.)
#[derive(Debug, Args)]
pub struct PresentArgs {
    /// Reveal this claim (repeatable): `email`, `address.street_address`, `nationalities[]`,
    /// `nationalities[1]`; the disclosures above it that make it reachable come too.
    #[arg(long, value_name = "PATH")]
    pub disclose: Vec<String>,

    /// Reveal every claim the SD-JWT's disclosures open.
    #[arg(long, conflicts_with = "disclose")]
    pub disclose_all: bool,

    /// The holder's private key (its public part must be the SD-JWT's cnf.jwk): appends a
    /// key-binding JWT.
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath, requires_all = ["kb_aud", "nonce"])]
    pub holder_key: Option<PathBuf>,

    /// Passphrase of an encrypted --holder-key (same sources as --secret).
    #[arg(long, value_name = "SOURCE", value_parser = clap::value_parser!(SecretSource), requires = "holder_key")]
    pub passphrase: Option<SecretSource>,

    /// The KB-JWT's aud: the verifier.
    #[arg(long, value_name = "AUD", requires = "holder_key")]
    pub kb_aud: Option<String>,

    /// The KB-JWT's nonce, from the verifier.
    #[arg(
        long,
        value_name = "NONCE",
        requires = "holder_key",
        allow_hyphen_values = true
    )]
    pub nonce: Option<String>,

    /// The KB-JWT's iat (default: now).
    #[arg(long, value_name = "TIME", requires = "holder_key")]
    pub kb_iat: Option<String>,

    /// The KB-JWT's algorithm (default: the one the key fits; needed for RSA).
    #[arg(long, value_name = "ALG", value_enum, requires = "holder_key")]
    pub alg: Option<AlgArg>,

    /// The SD-JWT holding every disclosure (compact or JSON); absent or - reads standard input.
    #[arg(value_name = "SD-JWT")]
    pub token: Option<String>,
}

const SIGN_EXAMPLES: &str = "\
Examples:
  jwtctl sign --alg ES256 --key ec-private.pem --iss https://auth.example --aud api --exp 15m
  jwtctl sign --alg HS256 --secret env:JWT_SECRET --sub alice --claim 'roles:=[\"admin\"]'
  echo '{\"sub\":\"svc\"}' | jwtctl sign --alg EdDSA --key ed25519.jwk --kid k1 -";

const VERIFY_EXAMPLES: &str = "\
Examples:
  jwtctl verify --key rsa-public.pem --iss https://auth.example --aud api \"$TOKEN\"
  jwtctl verify --jwks jwks.json --alg RS256 --leeway 30s --output none < token.txt && echo valid
  jwtctl verify --secret env:JWT_SECRET --explain --now 2026-11-23T10:00:00Z \"$TOKEN\"
  jwtctl verify --issuer https://login.example.com --aud api \"$TOKEN\"
  jwtctl verify --jwks https://login.example.com/.well-known/jwks.json --batch < tokens.txt";

const INSPECT_EXAMPLES: &str = "\
Examples:
  jwtctl inspect \"$TOKEN\"
  pbpaste | jwtctl inspect --json | jq .claims";

const ENCRYPT_EXAMPLES: &str = "\
Examples:
  jwtctl encrypt --key rsa-public.pem 'secret message' > msg.jwe
  jwtctl sign --alg ES256 --key ec.pem --sub alice | jwtctl encrypt --key rsa-public.pem --cty JWT
  jwtctl encrypt --secret prompt --zip DEF @report.json";

const DECRYPT_EXAMPLES: &str = "\
Examples:
  jwtctl decrypt --key rsa-private.pem < msg.jwe
  jwtctl decrypt --key rsa-private.pem --verify-key ec-public.pem --aud api < nested.jwe
  jwtctl decrypt --secret env:JWE_PASSWORD --max-p2c 2000000 \"$TOKEN\"";

const KEYGEN_EXAMPLES: &str = "\
Examples:
  jwtctl keygen --alg ES256 --out ec.pem --pub-out ec.pub.pem
  jwtctl keygen --alg RS256 --bits 3072 --format jwk --kid 2026-11 --out rsa.jwk --pub-out rsa.pub.jwk
  jwtctl keygen --alg HS256 --out hmac.jwk";

const JWKS_EXAMPLES: &str = "\
Examples:
  jwtctl jwks ec.pub.pem rsa.cert.pem > jwks.json
  jwtctl jwks --merge jwks.json --remove old-kid new.pub.pem > jwks.next.json
  jwtctl jwks --to-pem jwks.json --kid 2026-11 > key.pem && jwtctl jwks --thumbprint key.pem
  jwtctl jwks --issuer https://login.example.com > idp-keys.json";

const SERVE_EXAMPLES: &str = "\
Endpoints (under the issuer URL): /.well-known/openid-configuration and
/.well-known/oauth-authorization-server, /jwks.json, /authorize (and /login, its page's form),
/token (client_credentials, authorization_code, refresh_token, device_code, token exchange;
DPoP), /userinfo, /end_session, /introspect, /revoke, /device_authorization and /device (the
verification page). Clients authenticate by client_secret_basic, client_secret_post,
client_secret_jwt, private_key_jwt (jwks or jwks_uri in --config) or none (public).

Control API for tests, under /_jwtctl/ (loopback peers; others with --admin-token as a bearer
token; anyone else gets 404). JSON bodies; unknown members are 400:
  POST next-claims   {\"claims\":{...},\"count\":1,\"client_id\":\"ID\"}   merged into the next tokens
  POST next-error    {\"endpoint\":\"jwks_uri\",\"status\":503,\"error\":\"E\",\"delay\":\"2s\",\"count\":1}
  POST clock         {\"shift\":\"+2h\"}   (\"0s\" restores the real clock)
  POST rotate | POST revoke-all | POST reset | GET requests (secrets redacted)
  POST flawed-token  {\"flaw\":F}, F one of expired, not_yet_valid, wrong_iss, wrong_aud,
                     unknown_kid, bad_signature, alg_none, hmac_with_public_key, missing_exp,
                     wrong_typ, embedded_jwk

Examples:
  jwtctl keygen --alg RS256 --out issuer.pem
  jwtctl serve --key issuer.pem --addr 127.0.0.1:0 --client svc:s3cret --aud api --rotate 10m
  URL=$(jwtctl serve --key issuer.pem --addr 127.0.0.1:0 | head -1)   # in a test harness
  curl -s -u svc:s3cret -d grant_type=client_credentials \"$URL/token\"
  curl -s -d '{\"flaw\":\"expired\"}' \"$URL/_jwtctl/flawed-token\" | jq -r .token
  jwtctl serve --key issuer.pem --client web --redirect-uri http://localhost:3000/callback \\
      --user 'alice:{\"email\":\"alice@example.com\",\"name\":\"Alice\"}' --user bob
  jwtctl serve --config idp.json --login auto   # headless end-to-end tests

A --config file (JSON; flags add to it; unknown members are errors):
  {\"key\": \"issuer.pem\", \"addr\": \"127.0.0.1:4000\", \"login\": \"auto\",
   \"clients\": [{\"client_id\": \"web\", \"redirect_uris\": [\"http://localhost:3000/callback\"],
                \"post_logout_redirect_uris\": [\"http://localhost:3000/\"]},
               {\"client_id\": \"backend\", \"client_secret\": \"s3cret\",
                \"grant_types\": [\"client_credentials\"]},
               {\"client_id\": \"signer\", \"token_endpoint_auth_method\": \"private_key_jwt\",
                \"jwks_uri\": \"https://signer.example/jwks.json\"}],
   \"users\": [{\"sub\": \"alice\", \"claims\": {\"email\": \"alice@example.com\"}}]}";

const COMPLETIONS_EXAMPLES: &str = "\
Examples:
  jwtctl completions bash > ~/.local/share/bash-completion/completions/jwtctl
  jwtctl completions zsh > \"${fpath[1]}/_jwtctl\"
  jwtctl completions fish > ~/.config/fish/completions/jwtctl.fish";

// Where the key comes from (one of these). (Not a doc comment: see `Command`.)
#[derive(Debug, Args)]
pub struct KeyArgs {
    /// Key file: PEM (PKCS#8, encrypted PKCS#8, PKCS#1, SEC1, SPKI, X.509), DER, JWK or JWKS;
    /// the format is read from the content.
    #[arg(long, value_name = "PATH", value_hint = ValueHint::FilePath)]
    pub key: Option<PathBuf>,

    /// HMAC secret: env:NAME, file:PATH or @PATH (raw bytes), prompt, b64:VALUE, or a literal
    /// (which warns: it leaks through shell history and ps).
    #[arg(long, value_name = "SOURCE", value_parser = clap::value_parser!(SecretSource))]
    pub secret: Option<SecretSource>,

    /// Passphrase of an encrypted private key (same sources as --secret); asked on the
    /// terminal when needed and not given.
    #[arg(long, value_name = "SOURCE", value_parser = clap::value_parser!(SecretSource))]
    pub passphrase: Option<SecretSource>,

    /// Accept HMAC secrets shorter than the hash output and RSA keys under 2048 bits (with a
    /// warning), for legacy tokens.
    #[arg(long)]
    pub allow_weak_key: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SerializationArg {
    /// header.payload.signature
    Compact,
    /// JSON with one signature
    Flattened,
    /// JSON with a "signatures" array
    General,
}

impl From<SerializationArg> for jwtctl::jws::Serialization {
    fn from(s: SerializationArg) -> Self {
        match s {
            SerializationArg::Compact => Self::Compact,
            SerializationArg::Flattened => Self::Flattened,
            SerializationArg::General => Self::General,
        }
    }
}

#[derive(Debug, Args)]
pub struct SignArgs {
    /// Signature algorithm. `none` is refused unless --allow-unsecured. Optional for a key
    /// that admits one algorithm: EC keys (ES256, ES384, ES512, ES256K), Ed25519/Ed448 keys
    /// (EdDSA) and JWKs with an "alg"; RSA keys and secrets need it.
    #[arg(long, value_name = "ALG", value_parser = sign_alg(), ignore_case = true)]
    pub alg: Option<SignAlg>,

    #[command(flatten)]
    pub key: KeyArgs,

    /// Key id to put in the header (default: the JWK's kid, if any).
    #[arg(long, value_name = "KID")]
    pub kid: Option<String>,

    /// Header typ (default: JWT for claims, none for --payload).
    #[arg(long, value_name = "TYP")]
    pub typ: Option<String>,

    /// Header cty (content type).
    #[arg(long, value_name = "CTY")]
    pub cty: Option<String>,

    /// Extra protected header member: NAME=VALUE (string) or NAME:=JSON.
    #[arg(long = "header", value_name = "NAME=VALUE")]
    pub headers: Vec<String>,

    /// Certificate chain to carry in the x5c header: PEM certificates, leaf first; the leaf's
    /// key must be the signing key.
    #[arg(long, value_name = "CHAIN_PEM", value_hint = ValueHint::FilePath)]
    pub x5c: Option<PathBuf>,

    /// With --x5c: also write x5t#S256, the leaf certificate's SHA-256 thumbprint.
    #[arg(long, requires = "x5c")]
    pub x5t: bool,

    /// SD-JWT (RFC 9901): make this claim selectively disclosable (repeatable): `email`,
    /// `address.street_address`, `nationalities[]` (every element), `nationalities[1]`. An
    /// object and a member inside it give recursive disclosures. The output is
    /// `<JWT>~<disclosure>~...~`.
    #[arg(long = "sd", value_name = "PATH")]
    pub sd: Vec<String>,

    /// SD-JWT: add N decoy digests to every _sd array written (0 to 100).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(0..=100))]
    pub sd_decoys: Option<u8>,

    /// SD-JWT: the holder's key (public or private; the public part is used) for key binding,
    /// written as cnf.jwk (RFC 7800).
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub holder_key: Option<PathBuf>,

    /// Issuer (iss).
    #[arg(long, value_name = "ISS")]
    pub iss: Option<String>,

    /// Subject (sub).
    #[arg(long, value_name = "SUB")]
    pub sub: Option<String>,

    /// Audience (aud); once gives a string, repeated gives an array.
    #[arg(long, value_name = "AUD")]
    pub aud: Vec<String>,

    /// Expiry (exp): RFC 3339, Unix seconds, or a duration from now (15m, 1h).
    #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
    pub exp: Option<String>,

    /// Not before (nbf): RFC 3339, Unix seconds, or a duration from now.
    #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
    pub nbf: Option<String>,

    /// Issued at (iat); default: now.
    #[arg(
        long,
        value_name = "TIME",
        allow_hyphen_values = true,
        conflicts_with = "no_iat"
    )]
    pub iat: Option<String>,

    /// Leave iat out.
    #[arg(long)]
    pub no_iat: bool,

    /// Token id (jti).
    #[arg(long, value_name = "ID", conflicts_with = "jti_random")]
    pub jti: Option<String>,

    /// Set jti to 128 random bits (base64url).
    #[arg(long)]
    pub jti_random: bool,

    /// Claim: NAME=VALUE gives a string, NAME:=JSON raw JSON (n:=5, roles:='["a"]').
    #[arg(long = "claim", value_name = "NAME=VALUE")]
    pub claims: Vec<String>,

    /// The time "now" for iat and relative times (for reproducible tokens).
    #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
    pub now: Option<String>,

    /// Output serialization.
    #[arg(long, value_enum, default_value_t = SerializationArg::Compact, value_name = "FORM")]
    pub serialization: SerializationArg,

    /// Leave the payload out of the output (RFC 7515 appendix F); verify with --payload.
    #[arg(long)]
    pub detached: bool,

    /// Do not base64url-encode the payload (RFC 7797, header b64: false).
    #[arg(long)]
    pub unencoded: bool,

    /// Allow --alg none (an unsigned token; it still warns).
    #[arg(long)]
    pub allow_unsecured: bool,

    /// Sign the bytes of FILE (`-` for stdin) instead of a claims set: any payload, not only JWT claims.
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath, conflicts_with_all = ["claims_input", "iss", "sub", "aud", "exp", "nbf", "iat", "jti", "jti_random", "claims"])]
    pub payload: Option<PathBuf>,

    /// Start from this token's claims (TOKEN, @FILE or -), decoded without verification: edit
    /// and sign again. Flags override its members; iat is kept unless --iat or --no-iat.
    #[arg(long, value_name = "TOKEN", conflicts_with_all = ["claims_input", "payload"])]
    pub from: Option<String>,

    /// With --from: keep the token's header members too (not alg, kid, x5c, x5t, jwk, jku,
    /// x5u, crit or b64).
    #[arg(long, requires = "from")]
    pub keep_header: bool,

    /// Remove this claim after the others are applied (repeatable).
    #[arg(long, value_name = "CLAIM")]
    pub unset: Vec<String>,

    /// Claims: a JSON object, @FILE, or - for standard input. Flags override its members.
    #[arg(value_name = "CLAIMS")]
    pub claims_input: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputMode {
    /// The claims as JSON.
    Claims,
    /// {"header":...,"claims":...}
    Full,
    /// The payload bytes exactly as signed.
    Payload,
    /// Nothing; use the exit status.
    None,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    #[command(flatten)]
    pub key: KeyArgs,

    /// JWK Set: a file, or an https:// URL (fetched and cached); the key is chosen by the
    /// token's kid, then by algorithm.
    #[arg(long, value_name = "PATH|URL", value_hint = ValueHint::AnyPath, conflicts_with_all = ["key", "secret"])]
    pub jwks: Option<String>,

    /// Issuer whose keys verify the token, found by OpenID Connect discovery (else RFC 8414)
    /// at URL/.well-known/...; repeatable: the token's iss picks one of them, and must.
    #[arg(long, value_name = "URL", value_hint = ValueHint::Url, conflicts_with_all = ["key", "secret", "jwks"])]
    pub issuer: Vec<String>,

    #[command(flatten)]
    pub chain: ChainArgs,

    #[command(flatten)]
    pub sd: SdVerifyArgs,

    #[command(flatten)]
    pub dpop: DpopVerifyArgs,

    #[command(flatten)]
    pub remote: RemoteArgs,

    /// Least time between two refetches of one key set URL for a token whose kid is not in
    /// it (default 30s).
    #[arg(long, value_name = "DURATION")]
    pub refresh_cooldown: Option<String>,

    /// Allowed algorithm (repeatable). Default: the algorithms that fit the key (narrowed to
    /// those an issuer's discovery document lists).
    #[arg(long, value_name = "ALG", value_enum)]
    pub alg: Vec<AlgArg>,

    #[command(flatten)]
    pub claims: ClaimArgs,

    /// What to print on success.
    #[arg(long, value_enum, default_value_t = OutputMode::Claims, value_name = "MODE")]
    pub output: OutputMode,

    /// Detached payload (RFC 7515 appendix F, RFC 7797).
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub payload: Option<PathBuf>,

    /// Verify one token per line of standard input; print one JSON line per token.
    #[arg(long, conflicts_with_all = ["token", "explain", "payload"])]
    pub batch: bool,

    /// Worker threads for --batch (default: every core). Output order is kept.
    #[arg(long, value_name = "N", requires = "batch", value_parser = clap::value_parser!(u16).range(1..=256))]
    pub jobs: Option<u16>,

    /// Print the check-by-check report to standard error.
    #[arg(long)]
    pub explain: bool,

    /// The token (compact or JSON); absent or - reads standard input.
    #[arg(value_name = "TOKEN")]
    pub token: Option<String>,
}

// DPoP proofs with the access token (RFC 9449). (Not a doc comment: see `Command`.)
#[derive(Debug, Args)]
pub struct DpopVerifyArgs {
    /// A DPoP proof (text or @FILE) sent with the token: checked, and the token must be bound
    /// to its key (cnf.jkt).
    #[arg(long, value_name = "PROOF", requires_all = ["htm", "htu"], conflicts_with = "batch")]
    pub dpop: Option<String>,

    /// The request's HTTP method the proof must name.
    #[arg(long, value_name = "METHOD", requires = "dpop")]
    pub htm: Option<String>,

    /// The request's URL the proof must name (compared without query and fragment, after RFC
    /// 3986 normalization).
    #[arg(long, value_name = "URL", requires = "dpop", value_hint = ValueHint::Url)]
    pub htu: Option<String>,

    /// The server nonce the proof must carry.
    #[arg(
        long,
        value_name = "NONCE",
        requires = "dpop",
        allow_hyphen_values = true
    )]
    pub dpop_nonce: Option<String>,

    /// Oldest proof accepted, by its iat [default: 5m].
    #[arg(long, value_name = "DURATION", requires = "dpop")]
    pub dpop_max_age: Option<String>,
}

// SD-JWT key binding (RFC 9901). (Not a doc comment: see `Command`.)
#[derive(Debug, Args)]
pub struct SdVerifyArgs {
    /// SD-JWT: reject one without a key-binding JWT (KB-JWT). A KB-JWT that is present is
    /// always checked against the SD-JWT's cnf.jwk.
    #[arg(long)]
    pub require_kb: bool,

    /// SD-JWT: the KB-JWT's aud must be AUD (implies --require-kb).
    #[arg(long, value_name = "AUD")]
    pub kb_aud: Option<String>,

    /// SD-JWT: the KB-JWT's nonce must be NONCE (implies --require-kb).
    #[arg(long, value_name = "NONCE", allow_hyphen_values = true)]
    pub nonce: Option<String>,

    /// SD-JWT: the KB-JWT's iat may be at most this old (default 5m).
    #[arg(long, value_name = "DURATION")]
    pub kb_max_age: Option<String>,
}

// Tokens whose key is their x5c certificate chain. (Not a doc comment: see `Command`.)
#[derive(Debug, Args)]
pub struct ChainArgs {
    /// Trust anchor(s) for tokens that carry their key as an x5c certificate chain: a PEM or
    /// DER file of one or more certificates (repeatable). The key is the chain's leaf's, once
    /// a path from it reaches an anchor; nothing is fetched.
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath, conflicts_with_all = ["key", "secret", "jwks", "issuer"])]
    pub ca: Vec<PathBuf>,

    /// With --ca: the leaf's subjectAltName DNS name (without a SAN, its subject CN) must be
    /// NAME, compared without regard to ASCII case; wildcards are not expanded.
    #[arg(long, value_name = "NAME", requires = "ca")]
    pub leaf_name: Option<String>,

    /// With --ca: the leaf must carry an extension with this OID, e.g. Apple's
    /// 1.2.840.113635.100.6.11.1 (repeatable).
    #[arg(long, value_name = "OID", requires = "ca", value_parser = parse_oid)]
    pub leaf_oid: Vec<String>,

    /// With --ca: a certificate revocation list, PEM or DER (repeatable); a certificate of
    /// the path that a CRL signed by its issuer lists is rejected. Nothing is fetched.
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath, requires = "ca")]
    pub crl: Vec<PathBuf>,

    /// With --ca: most certificates allowed in x5c (1 to 100, default 10).
    #[arg(long, value_name = "N", requires = "ca", value_parser = clap::value_parser!(u8).range(1..=100))]
    pub max_chain: Option<u8>,
}

/// A dotted OID: at least two arcs of digits.
fn parse_oid(text: &str) -> Result<String, String> {
    let arcs: Vec<&str> = text.split('.').collect();
    if arcs.len() >= 2
        && arcs
            .iter()
            .all(|a| !a.is_empty() && a.bytes().all(|b| b.is_ascii_digit()))
    {
        Ok(text.to_string())
    } else {
        Err("an OID is dotted decimal, e.g. 1.2.840.113635.100.6.11.1".into())
    }
}

// How remote key sets are fetched (with --jwks URL, --issuer, or a URL key). (Not a doc comment: see `Command`.)
#[derive(Debug, Args)]
pub struct RemoteArgs {
    /// Extra trusted CA certificates (PEM), on top of the system's trust store.
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub cacert: Option<PathBuf>,

    /// Per request, from connecting to the last byte (default 10s).
    #[arg(long, value_name = "DURATION")]
    pub timeout: Option<String>,

    /// Fetch afresh, ignoring cached copies (the cache is updated).
    #[arg(long, conflicts_with = "offline")]
    pub no_cache: bool,

    /// Use only cached copies, fresh or not; never the network.
    #[arg(long)]
    pub offline: bool,
}

// Claim and time checks, shared by `verify` and `decrypt --verify-key`. (Not a doc comment: see `Command`.)
#[derive(Debug, Args)]
pub struct ClaimArgs {
    /// Accepted issuer (repeatable: any one).
    #[arg(long, value_name = "ISS")]
    pub iss: Vec<String>,

    /// Accepted audience (repeatable: any one). A token with aud is rejected without it.
    #[arg(long, value_name = "AUD")]
    pub aud: Vec<String>,

    /// Accept any audience (skip the aud check).
    #[arg(long, conflicts_with = "aud")]
    pub any_aud: bool,

    /// Expected subject.
    #[arg(long, value_name = "SUB")]
    pub sub: Option<String>,

    /// Expected header typ (application/ prefix optional, case-insensitive).
    #[arg(long, value_name = "TYP")]
    pub typ: Option<String>,

    /// Claim that must be present (repeatable).
    #[arg(long, value_name = "CLAIM")]
    pub require: Vec<String>,

    /// Clock skew allowed on exp, nbf and iat.
    #[arg(long, value_name = "DURATION", default_value = "0s")]
    pub leeway: String,

    /// Reject tokens whose iat is older than this.
    #[arg(long, value_name = "DURATION")]
    pub max_age: Option<String>,

    /// Judge time claims as of this TIME instead of the clock.
    #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
    pub now: Option<String>,

    /// Do not check exp (for old test vectors).
    #[arg(long)]
    pub ignore_exp: bool,

    /// File of revoked token ids (jti), one per line, # comments.
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub revoked: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ZipArg {
    /// DEFLATE (RFC 1951).
    #[value(name = "DEF")]
    Def,
}

/// Parses a size with an optional K/M/G (binary) suffix.
fn parse_size(text: &str) -> Result<usize, String> {
    let t = text.trim();
    let (num, mult) = match t.trim_end_matches(['B', 'b', 'i']).char_indices().last() {
        Some((i, 'K' | 'k')) => (t.get(..i), 1usize << 10),
        Some((i, 'M' | 'm')) => (t.get(..i), 1 << 20),
        Some((i, 'G' | 'g')) => (t.get(..i), 1 << 30),
        _ => (Some(t), 1),
    };
    num.and_then(|n| n.trim().parse::<usize>().ok())
        .and_then(|n| n.checked_mul(mult))
        .ok_or_else(|| format!("invalid size {text:?} (expected bytes, or e.g. 16M, 512K)"))
}

/// A JWE key management algorithm, typed at the parser, from the names in `names`.
fn jwe_alg(names: Vec<&'static str>) -> impl TypedValueParser<Value = JweAlg> {
    PossibleValuesParser::new(names)
        .try_map(|s| JweAlg::from_name(&s).ok_or_else(|| format!("unknown JWE algorithm {s:?}")))
}

fn jwe_alg_names() -> Vec<&'static str> {
    JweAlg::ALL.iter().map(|a| a.name()).collect()
}

fn jwe_encrypt_alg_names() -> Vec<&'static str> {
    JweAlg::ALL
        .iter()
        .filter(|a| **a != JweAlg::Rsa1_5)
        .map(|a| a.name())
        .collect()
}

fn enc_names() -> Vec<&'static str> {
    JweEnc::ALL.iter().map(|e| e.name()).collect()
}

/// A JWE content encryption, typed at the parser.
fn jwe_enc() -> impl TypedValueParser<Value = JweEnc> {
    PossibleValuesParser::new(enc_names()).try_map(|s| {
        JweEnc::from_name(&s).ok_or_else(|| format!("unknown content encryption {s:?}"))
    })
}

#[derive(Debug, Args)]
pub struct EncryptArgs {
    /// Key management algorithm. Default: from the key (RSA: RSA-OAEP-256; EC, X25519/X448:
    /// ECDH-ES+A256KW; secret: the matching A*KW, dir when sized for --enc, else PBES2-HS512+A256KW).
    #[arg(long, value_name = "KEYALG", value_parser = jwe_alg(jwe_encrypt_alg_names()))]
    pub alg: Option<JweAlg>,

    /// Content encryption.
    #[arg(long, value_name = "ENC", default_value = "A256GCM", value_parser = jwe_enc())]
    pub enc: JweEnc,

    /// Recipient key file (public key, or a secret as an oct JWK).
    #[arg(long, value_name = "PATH", value_hint = ValueHint::FilePath)]
    pub key: Option<PathBuf>,

    /// Secret or password (dir, A*KW, A*GCMKW, PBES2): env:NAME, @FILE, prompt (asked twice), b64:VALUE, literal.
    #[arg(long, value_name = "SOURCE", value_parser = clap::value_parser!(SecretSource))]
    pub secret: Option<SecretSource>,

    /// Passphrase of an encrypted key file.
    #[arg(long, value_name = "SOURCE", value_parser = clap::value_parser!(SecretSource))]
    pub passphrase: Option<SecretSource>,

    /// Key id for the header (default: the JWK's kid, if any).
    #[arg(long, value_name = "KID")]
    pub kid: Option<String>,

    /// Header cty; use JWT for a nested (signed, then encrypted) token.
    #[arg(long, value_name = "CTY")]
    pub cty: Option<String>,

    /// Header typ.
    #[arg(long, value_name = "TYP")]
    pub typ: Option<String>,

    /// Compress the plaintext before encrypting.
    #[arg(long, value_enum, value_name = "ZIP")]
    pub zip: Option<ZipArg>,

    /// Extra protected header member: NAME=VALUE or NAME:=JSON.
    #[arg(long = "header", value_name = "NAME=VALUE")]
    pub headers: Vec<String>,

    /// PBES2 iteration count, 1000 to 2147483647. The default, 10000, is what common libraries
    /// (panva/jose, jwcrypto, latchset jose) accept by default; more warns.
    #[arg(long, value_name = "N", default_value_t = jwtctl::jwe::DEFAULT_P2C,
          value_parser = clap::value_parser!(u64).range(1000..=jwtctl::jwe::MAX_P2C))]
    pub p2c: u64,

    /// Output serialization.
    #[arg(long, value_enum, default_value_t = SerializationArg::Compact, value_name = "FORM")]
    pub serialization: SerializationArg,

    /// The plaintext: text, @FILE, or - (standard input; the default).
    #[arg(value_name = "PAYLOAD")]
    pub payload: Option<String>,
}

#[derive(Debug, Args)]
pub struct DecryptArgs {
    /// Private key file (PEM, DER, JWK or JWKS; an oct JWK for symmetric algorithms).
    #[arg(long, value_name = "PATH", value_hint = ValueHint::FilePath)]
    pub key: Option<PathBuf>,

    /// Secret or password (dir, A*KW, A*GCMKW, PBES2).
    #[arg(long, value_name = "SOURCE", value_parser = clap::value_parser!(SecretSource))]
    pub secret: Option<SecretSource>,

    /// JWK Set: a file or an https:// URL; the key is chosen by the token's kid, then by
    /// algorithm.
    #[arg(long, value_name = "PATH|URL", value_hint = ValueHint::AnyPath, conflicts_with_all = ["key", "secret"])]
    pub jwks: Option<String>,

    /// Passphrase of an encrypted key file.
    #[arg(long, value_name = "SOURCE", value_parser = clap::value_parser!(SecretSource))]
    pub passphrase: Option<SecretSource>,

    /// Allowed key management algorithm (repeatable). Default: those that fit the key.
    #[arg(long, value_name = "KEYALG", value_parser = jwe_alg(jwe_alg_names()))]
    pub alg: Vec<JweAlg>,

    /// Allowed content encryption (repeatable). Default: all.
    #[arg(long, value_name = "ENC", value_parser = jwe_enc())]
    pub enc: Vec<JweEnc>,

    /// Accept the deprecated RSA1_5 key encryption (RFC 8725 3.2).
    #[arg(long = "allow-rsa1_5")]
    pub allow_rsa1_5: bool,

    /// Highest PBES2 iteration count accepted, 1 to 2147483647: the budget of the whole token,
    /// summed over every recipient tried, checked before each key derivation.
    #[arg(long, value_name = "N", default_value_t = jwtctl::jwe::DEFAULT_MAX_P2C,
          value_parser = clap::value_parser!(u64).range(1..=jwtctl::jwe::MAX_P2C))]
    pub max_p2c: u64,

    /// Largest plaintext accepted, in bytes (K, M, G suffixes); inflating stops there.
    #[arg(long, value_name = "SIZE", default_value = "16M", value_parser = parse_size)]
    pub max_plaintext: usize,

    /// Nested JWT: verify the decrypted JWS with this key (a key file, or a JWK Set file or
    /// https:// URL) and print its claims.
    #[arg(long, value_name = "PATH|URL", value_hint = ValueHint::AnyPath)]
    pub verify_key: Option<String>,

    #[command(flatten)]
    pub remote: RemoteArgs,

    /// With --verify-key URL: least time between two refetches of the set for an unknown kid
    /// (default 30s).
    #[arg(long, value_name = "DURATION")]
    pub refresh_cooldown: Option<String>,

    /// Allowed algorithm of the inner JWS (repeatable; with --verify-key).
    #[arg(long, value_name = "ALG", value_enum, requires = "verify_key")]
    pub verify_alg: Vec<AlgArg>,

    #[command(flatten)]
    pub claims: ClaimArgs,

    /// With --verify-key: what to print on success (as verify --output).
    #[arg(long, value_enum, default_value_t = OutputMode::Claims, value_name = "MODE", requires = "verify_key")]
    pub output: OutputMode,

    /// The token (compact or JSON); absent or - reads standard input.
    #[arg(value_name = "TOKEN")]
    pub token: Option<String>,
}

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// Print the decoded token and warnings as JSON.
    #[arg(long)]
    pub json: bool,

    /// Describe a key file instead (twice: do they form a pair?); with a token, whether the
    /// key fits its alg and kid.
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath, num_args = 1, action = clap::ArgAction::Append)]
    pub key: Vec<PathBuf>,

    /// Passphrase for encrypted keys given with --key.
    #[arg(long, value_name = "SOURCE", value_parser = clap::value_parser!(SecretSource), requires = "key")]
    pub passphrase: Option<SecretSource>,

    /// Judge time claims as of this TIME instead of the clock.
    #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
    pub now: Option<String>,

    /// A freshness check for scripts: exit 0 when the token's exp is at least DURATION away,
    /// exit 1 (code expiring) when it is closer, past or absent. Decodes only: the signature is
    /// not checked.
    #[arg(long, value_name = "DURATION", conflicts_with = "key")]
    pub min_ttl: Option<String>,

    /// The token (compact or JSON); absent or - reads standard input.
    #[arg(value_name = "TOKEN")]
    pub token: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KeyFormat {
    /// PKCS#8 private key and SubjectPublicKeyInfo public key.
    Pem,
    /// JSON Web Key (RFC 7517).
    Jwk,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KtyArg {
    #[value(name = "RSA")]
    Rsa,
    #[value(name = "EC")]
    Ec,
    #[value(name = "OKP")]
    Okp,
    #[value(name = "oct")]
    Oct,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum UseArg {
    /// Signatures.
    Sig,
    /// Encryption.
    Enc,
}

impl UseArg {
    pub fn name(self) -> &'static str {
        match self {
            UseArg::Sig => "sig",
            UseArg::Enc => "enc",
        }
    }
}

/// JWS and JWE algorithm names keygen accepts.
fn keygen_alg_names() -> Vec<&'static str> {
    let mut v = verify_alg_names();
    // Every JWE key management algorithm has a key to generate, but for the password-based
    // PBES2 family and the deprecated RSA1_5.
    v.extend(
        JweAlg::ALL
            .iter()
            .filter(|a| a.family() != JweFamily::Pbes2 && **a != JweAlg::Rsa1_5)
            .map(|a| a.name()),
    );
    v
}

fn verify_alg_names() -> Vec<&'static str> {
    JwsAlg::ALL.iter().map(|a| a.name()).collect()
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["alg", "kty"])))]
pub struct KeygenArgs {
    /// Make a key that fits this JWS or JWE algorithm.
    #[arg(long, value_name = "ALG", value_parser = PossibleValuesParser::new(keygen_alg_names()))]
    pub alg: Option<String>,

    /// Content encryption, to size a key for --alg dir.
    #[arg(long, value_name = "ENC", value_parser = PossibleValuesParser::new(enc_names()))]
    pub enc: Option<String>,

    /// Key type, instead of --alg.
    #[arg(long, value_enum, value_name = "KTY")]
    pub kty: Option<KtyArg>,

    /// Key size: RSA 2048-8192 (default 2048), oct any multiple of 8 (default 256).
    #[arg(long, value_name = "N")]
    pub bits: Option<u32>,

    /// Curve: P-256, P-384, P-521, secp256k1, Ed25519, Ed448, X25519, X448.
    #[arg(long, value_name = "CURVE", value_parser = PossibleValuesParser::new(["P-256", "P-384", "P-521", "secp256k1", "Ed25519", "Ed448", "X25519", "X448"]))]
    pub crv: Option<String>,

    /// Output format (default: pem; jwk for symmetric keys).
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<KeyFormat>,

    /// Write the private key here (mode 0600) instead of standard output.
    #[arg(long, value_name = "PATH", value_hint = ValueHint::FilePath)]
    pub out: Option<PathBuf>,

    /// Write the public key here (mode 0644).
    #[arg(long, value_name = "PATH", value_hint = ValueHint::FilePath)]
    pub pub_out: Option<PathBuf>,

    /// Key id for JWK output (default: the RFC 7638 thumbprint).
    #[arg(long, value_name = "KID")]
    pub kid: Option<String>,

    /// JWK "use" (default: from --alg).
    #[arg(long = "use", value_enum, value_name = "USE")]
    pub use_: Option<UseArg>,

    /// Encrypt the PEM private key (PKCS#8, AES-256-CBC) with this passphrase; prompt asks twice.
    #[arg(long, value_name = "SOURCE", value_parser = clap::value_parser!(SecretSource))]
    pub passphrase: Option<SecretSource>,

    /// Overwrite existing files (atomically).
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct JwksArgs {
    /// Key files (PEM, DER, certificates, JWK, JWKS); or one https:// URL of a JWK Set, which
    /// is fetched and printed.
    #[arg(value_name = "KEY", value_hint = ValueHint::AnyPath)]
    pub keys: Vec<PathBuf>,

    /// Print the key set of this issuer (found by OpenID Connect or RFC 8414 discovery).
    #[arg(long, value_name = "URL", value_hint = ValueHint::Url, conflicts_with_all = ["keys", "merge", "to_pem", "thumbprint", "private", "kid", "use_", "alg"])]
    pub issuer: Option<String>,

    #[command(flatten)]
    pub remote: RemoteArgs,

    /// kid for each KEY, in order (default: the key's own kid, else its RFC 7638 thumbprint);
    /// with --to-pem, the member to convert.
    #[arg(long, value_name = "KID")]
    pub kid: Vec<String>,

    /// Set "use" on the keys added.
    #[arg(long = "use", value_enum, value_name = "USE")]
    pub use_: Option<UseArg>,

    /// Set "alg" on the keys added.
    #[arg(long, value_name = "ALG", value_parser = PossibleValuesParser::new(keygen_alg_names()))]
    pub alg: Option<String>,

    /// Add to this existing set (key rotation); its order is kept.
    #[arg(long, value_name = "JWKS_FILE", value_hint = ValueHint::FilePath)]
    pub merge: Option<PathBuf>,

    /// Remove the key with this kid (repeatable).
    #[arg(long, value_name = "KID", requires = "merge")]
    pub remove: Vec<String>,

    /// Include private members (a private set; needed for oct keys).
    #[arg(long)]
    pub private: bool,

    /// Passphrase for encrypted private keys.
    #[arg(long, value_name = "SOURCE", value_parser = clap::value_parser!(SecretSource))]
    pub passphrase: Option<SecretSource>,

    /// Convert a JWK, or the set member chosen by --kid, to PEM.
    #[arg(long, value_name = "JWKS_OR_JWK_FILE", value_hint = ValueHint::FilePath, conflicts_with_all = ["keys", "merge", "thumbprint", "private", "use_", "alg"])]
    pub to_pem: Option<PathBuf>,

    /// Print each key's RFC 7638 SHA-256 thumbprint, one per line.
    #[arg(long, conflicts_with_all = ["merge", "private", "use_", "alg", "kid"])]
    pub thumbprint: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LoginArg {
    /// Show the login page.
    Form,
    /// Sign in at once: the login_hint, else the first --user, else "user".
    Auto,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Key file (repeatable; any format --key reads): the first signs, every one is published.
    #[arg(long, value_name = "PATH", value_hint = ValueHint::FilePath)]
    pub key: Vec<PathBuf>,

    /// Passphrase of encrypted key files.
    #[arg(long, value_name = "SOURCE", value_parser = clap::value_parser!(SecretSource))]
    pub passphrase: Option<SecretSource>,

    /// Signing algorithm of the first key (default: its JWK alg, else RS256, ES256/384/512,
    /// ES256K, EdDSA or HS256 by key type).
    #[arg(long, value_name = "ALG", value_enum)]
    pub alg: Option<AlgArg>,

    /// Address to listen on [default: 127.0.0.1:8080]; port 0 picks a free one.
    #[arg(long, value_name = "HOST:PORT")]
    pub addr: Option<String>,

    /// TLS certificate chain (PEM): serve https.
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath, requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,

    /// TLS private key (PEM) of --tls-cert.
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath, requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,

    /// The issuer URL to publish and put in iss (default: the address served, e.g. when it is
    /// reached through another name or a proxy).
    #[arg(long, value_name = "URL", value_hint = ValueHint::Url)]
    pub issuer_url: Option<String>,

    /// A client (repeatable): ID:SECRET is confidential, ID alone is public (PKCE, no
    /// secret). Without any, every client is accepted.
    #[arg(long, value_name = "ID[:SECRET]")]
    pub client: Vec<String>,

    /// A redirect URI every client may use, matched exactly (repeatable). Without any
    /// registered, loopback URIs of any port and path are allowed.
    #[arg(long, value_name = "URI", value_hint = ValueHint::Url)]
    pub redirect_uri: Vec<String>,

    /// A user who can sign in (repeatable): SUB, or SUB:CLAIMS_JSON as
    /// 'alice:{"email":"alice@example.com","name":"Alice"}'.
    #[arg(long, value_name = "SUB[:CLAIMS_JSON]")]
    pub user: Vec<String>,

    /// The login page: form shows it; auto signs in at once (headless tests).
    #[arg(long, value_name = "MODE", value_enum)]
    pub login: Option<LoginArg>,

    /// A JSON file with clients, users and any flag's value under its long name
    /// ("login": "auto"); flags add to it.
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub config: Option<PathBuf>,

    /// Audience of the tokens (repeatable), unless the request names one (audience or
    /// resource parameter).
    #[arg(long, value_name = "AUD")]
    pub aud: Vec<String>,

    /// Token lifetime [default: 15m].
    #[arg(long, value_name = "DURATION")]
    pub exp: Option<String>,

    /// Extra claim in every access token: NAME=VALUE (a string) or NAME:=JSON (repeatable).
    #[arg(long, value_name = "NAME=VALUE")]
    pub claim: Vec<String>,

    /// Every DURATION, sign with a fresh key of the first key's kind; the previous one stays
    /// published for one more period.
    #[arg(long, value_name = "DURATION")]
    pub rotate: Option<String>,

    /// Demand DPoP server nonces: proofs without the current one get use_dpop_nonce.
    #[arg(long)]
    pub dpop_nonce: bool,

    /// Answer the control API (/_jwtctl/) to non-loopback peers presenting this bearer token
    /// (same sources as --secret); loopback peers need none.
    #[arg(long, value_name = "SOURCE", value_parser = clap::value_parser!(SecretSource))]
    pub admin_token: Option<SecretSource>,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct GenerateDocsArgs {
    /// The folder that holds completions/ and man/ (the repository root).
    #[arg(value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definitions_are_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn verify_refuses_alg_none_at_parse_time() {
        assert!(
            Cli::try_parse_from(["jwtctl", "verify", "--secret", "x", "--alg", "none"]).is_err()
        );
        assert!(
            Cli::try_parse_from(["jwtctl", "verify", "--secret", "x", "--alg", "RS256"]).is_ok()
        );
    }
}
