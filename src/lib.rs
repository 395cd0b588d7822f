//! jwtctl's library: JOSE keys, JWS signing and verification, JWT claims, JWE, and token
//! inspection. It never prints and never exits; the `jwtctl` binary turns its errors into
//! messages and exit codes: a [`Rejection`] is a refused token (exit 1), anything else exit 2.
//!
//! # Example: verify a token
//!
//! ```
//! use jwtctl::jwt::{ClaimRules, verify_token};
//! use jwtctl::keys::load_key_bytes;
//! use jwtctl::report::Report;
//! use jwtctl::verify::KeyRing;
//!
//! // RFC 7515 appendix A.1: an HS256 token and its key.
//! let jwk = br#"{"kty":"oct","k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"}"#;
//! let token = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9\
//!     .eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ\
//!     .dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
//! let ring = KeyRing::new(load_key_bytes(jwk, "key", None)?, &[], false)?;
//! let rules = ClaimRules {
//!     iss: vec!["joe".into()],
//!     now: 1_300_819_000, // before its exp
//!     ..ClaimRules::default()
//! };
//! let verified = verify_token(token, &ring.verifiers(), &rules, None, true, &mut Report::default())?;
//! assert_eq!(verified.claims.unwrap()["iss"], "joe");
//!
//! // A minute after `exp`, the same token is refused with a stable code.
//! let late = ClaimRules { now: 1_300_819_441, ..rules };
//! let err = verify_token(token, &ring.verifiers(), &late, None, true, &mut Report::default());
//! assert_eq!(err.unwrap_err().code, jwtctl::RejectCode::Expired);
//! # Ok::<(), jwtctl::Error>(())
//! ```
//!
//! # Module map
//!
//! Each layer uses only the ones above it in this list:
//!
//! * `sanitize`, `encoding`, `time`, `der` — text, base64url and strict JSON, TIME/DURATION and
//!   NumericDate, DER reading;
//! * [`jwa`] — the vocabulary: key types, curves, JWS and JWE algorithm tables;
//! * [`error`] — errors with kinds and remedies, rejection codes;
//! * `params` — aws-lc's parameter tables;
//! * [`keys`] — the one key loader (load, jwk, policy, select, native fast path), [`keygen`];
//! * [`x5c`] — certificate chains: parsing an `x5c`, path validation against anchors, CRLs;
//! * [`crypto`] — prepared signers and verifiers;
//! * [`report`] — the check-by-check record;
//! * [`jws`] — parsing, header policy, signing; [`verify`] — JWS verification with a key ring;
//! * [`jwe`] — the one JWE parser, prechecks, encryption, decryption;
//! * [`jwt`] — claims (build, validate) and JWT verification = JWS verification + claims;
//! * [`sd_jwt`] — SD-JWT (RFC 9901): disclosures, issuance, presentation, processing, key
//!   binding; [`dpop`] — DPoP proofs (RFC 9449): making, checking, `htu` normalization, binding;
//! * [`inspect`], [`jwks`] — descriptions and key sets;
//! * [`remote`] — key sets over HTTPS: the fetch policy, the on-disk cache, issuer discovery,
//!   a ring that follows the server, and the form POST OAuth endpoints take;
//! * [`issuer`] — the mock identity provider's answers (discovery, key set, grants, client
//!   authentication, sign-in, sessions, userinfo, introspection, device flow, token exchange,
//!   DPoP, the control API's levers, rotation); it fetches clients' `jwks_uri` with `remote`;
//! * [`source`] — key sources: which keys may verify a token (a fixed ring, a set at a URL,
//!   issuers picked by `iss`, each token's own `x5c` chain), and each thread's view of them;
//! * [`oauth`] — the OAuth 2.0 client of `jwtctl token`: client authentication, DPoP, the
//!   grants' client side, ID token verification (with `source`), the token cache;
//! * [`batch`] — the streaming batch engine: blocks of lines, workers, ordered output.

#![deny(missing_docs)]
#![forbid(unsafe_code)]
#![deny(clippy::arithmetic_side_effects)]

pub mod batch;
pub mod crypto;
mod der;
pub mod dpop;
pub mod encoding;
pub mod error;
pub mod inspect;
pub mod issuer;
pub mod jwa;
pub mod jwe;
pub mod jwks;
pub mod jws;
pub mod jwt;
pub mod keygen;
pub mod keys;
pub mod oauth;
mod params;
pub mod remote;
pub mod report;
pub mod sanitize;
pub mod sd_jwt;
pub mod source;
pub mod time;
pub mod verify;
pub mod x5c;

pub use error::{Error, RejectCode, Rejection, Result};
