//! JWTs (RFC 7519): a JWS whose payload is a claims set. Building claims for signing,
//! validating them, and verification as panva/jose's `jwtVerify` does it: the JWS first
//! ([`crate::verify`]), then the claims.

mod build;
mod validate;
mod verify;

pub use build::{ClaimsSpec, build};
pub use validate::{ClaimRules, ClaimSource, parse_revoked, validate};
pub use verify::{Claims, Verified, unverified_issuer, verify_token, verify_token_with};

use serde_json::{Map, Value};
