//! The `x5c` chain as `inspect` shows it: decoded, never verified.

use serde_json::{Map, Value};

use super::{Finding, finding};
use crate::time::format_timestamp;

/// One certificate of a token's `x5c`, as `inspect` shows it.
#[derive(Debug, Clone)]
pub struct ChainCert {
    /// Subject.
    pub subject: String,
    /// Issuer.
    pub issuer: String,
    /// notBefore, Unix seconds.
    pub not_before: i64,
    /// notAfter, Unix seconds.
    pub not_after: i64,
    /// The key, described.
    pub key: String,
    /// SHA-256 fingerprint of the DER.
    pub fingerprint: String,
}

/// The `x5c` chain of `header`, with its findings: it is never verified here, and a
/// certificate outside its validity at `now` is flagged.
pub(super) fn chain_findings(
    header: &Map<String, Value>,
    now: i64,
    out: &mut Vec<Finding>,
) -> Vec<ChainCert> {
    if !header.contains_key("x5c") {
        return Vec::new();
    }
    out.push(finding(
        "x5c_header",
        "\"x5c\" header: a certificate chain, not verified by inspect; only a verifier with trust anchors may rely on it",
    ));
    let certs = match crate::x5c::chain_from_header(header, crate::x5c::MAX_CHAIN_LIMIT) {
        Ok(Some(c)) => c,
        Ok(None) => return Vec::new(),
        Err(r) => {
            out.push(finding("x5c_invalid", r.message));
            return Vec::new();
        }
    };
    let mut shown = Vec::new();
    for c in certs {
        if now > c.not_after || now < c.not_before {
            let when = if now > c.not_after {
                format!("expired at {}", format_timestamp(c.not_after))
            } else {
                format!("is not valid before {}", format_timestamp(c.not_before))
            };
            out.push(finding(
                "cert_expired",
                format!(
                    "certificate {:?} {when}",
                    crate::sanitize::sanitize(&c.subject)
                ),
            ));
        }
        shown.push(ChainCert {
            key: c.key_description(),
            subject: c.subject,
            issuer: c.issuer,
            not_before: c.not_before,
            not_after: c.not_after,
            fingerprint: c.fingerprint,
        });
    }
    shown
}
