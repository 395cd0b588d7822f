//! Header policy: `crit` (RFC 7515 4.1.11), `b64` (RFC 7797) and the header's `alg`.

use super::*;

/// Header parameters registered by RFC 7515/7516/7518; `crit` may not list them.
const REGISTERED: &[&str] = &[
    "alg", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ", "cty", "crit", "enc",
    "zip", "epk", "apu", "apv", "iv", "tag", "p2s", "p2c",
];

/// Extensions jwtctl understands when they are listed in `crit`.
const UNDERSTOOD_CRIT: &[&str] = &["b64"];

/// Checks a signature's header against jwtctl's policy (RFC 7515 4.1.11 `crit`, RFC 7797
/// `b64`). The algorithm allow-list is checked separately.
pub fn check_header(entry: &SignatureEntry) -> Result<(), Rejection> {
    let crit_err = |m: String| Rejection::new(RejectCode::CritUnsupported, m);
    if member(&entry.unprotected, "crit").is_some() {
        return Err(crit_err("\"crit\" must be in the protected header".into()));
    }
    if let Some(crit) = member(&entry.protected, "crit") {
        let Value::Array(list) = crit else {
            return Err(crit_err(format!(
                "\"crit\" must be an array, not {}",
                json_type(crit)
            )));
        };
        if list.is_empty() {
            return Err(crit_err("\"crit\" must not be empty".into()));
        }
        for v in list {
            let Some(name) = v.as_str() else {
                return Err(crit_err("\"crit\" must list strings".into()));
            };
            if REGISTERED.contains(&name) {
                return Err(crit_err(format!(
                    "\"crit\" lists the registered parameter {name:?}"
                )));
            }
            if member(&entry.protected, name).is_none() {
                return Err(crit_err(format!(
                    "\"crit\" names {name:?}, which is not in the protected header"
                )));
            }
            if !UNDERSTOOD_CRIT.contains(&name) {
                return Err(crit_err(format!(
                    "critical header extension {name:?} is not understood"
                )));
            }
        }
    }
    if member(&entry.unprotected, "b64").is_some() {
        return Err(malformed(
            "\"b64\" must be in the protected header (RFC 7797)",
        ));
    }
    if let Some(b64) = member(&entry.protected, "b64") {
        if !b64.is_boolean() {
            return Err(malformed("\"b64\" must be a boolean"));
        }
        let listed = entry
            .protected
            .get("crit")
            .and_then(Value::as_array)
            .is_some_and(|l| l.iter().any(|v| v == "b64"));
        if !listed {
            return Err(Rejection::new(
                RejectCode::CritUnsupported,
                "\"b64\" is used without being listed in \"crit\" (RFC 7797)",
            ));
        }
    }
    Ok(())
}

/// Classifies a header `alg` string: a supported algorithm, or why it is not acceptable.
pub fn header_alg(entry: &SignatureEntry) -> Result<JwsAlg, Rejection> {
    let alg = match member(&entry.protected, "alg").or_else(|| member(&entry.unprotected, "alg")) {
        None => return Err(malformed("the header has no \"alg\"")),
        Some(Value::String(s)) => s.as_str(),
        Some(v) => {
            return Err(malformed(format!(
                "the header \"alg\" must be a string, not {}",
                json_type(v)
            )));
        }
    };
    if alg.eq_ignore_ascii_case("none") {
        return Err(Rejection::new(
            RejectCode::AlgNotAllowed,
            format!("unsecured token (alg {alg:?}) is never accepted"),
        ));
    }
    JwsAlg::from_header(alg).ok_or_else(|| {
        Rejection::new(
            RejectCode::AlgNotAllowed,
            format!(
                "token algorithm {:?} is not a supported JWS algorithm",
                crate::sanitize::sanitize(alg)
            ),
        )
    })
}
