//! Key binding (RFC 9901 section 4.3): the KB-JWT a holder signs with the key in the SD-JWT's
//! `cnf.jwk`, over `sd_hash` (the presentation's digest), `aud`, `nonce` and `iat`. Made and
//! checked with the one signer and verifier.

use serde_json::{Map, Value, json};

use super::SdAlg;
use crate::crypto::Signer;
use crate::error::{RejectCode, Rejection, Result};
use crate::jwa::JwsAlg;
use crate::jws::sign_compact;
use crate::jwt::{ClaimRules, Claims, verify_token_with};
use crate::keys::{Key, load_key_bytes};
use crate::report::Report;
use crate::verify::KeyRing;

/// The KB-JWT's `typ`.
pub const TYP: &str = "kb+jwt";

/// What a verifier asks of a KB-JWT.
#[derive(Debug, Clone, Default)]
pub struct KbRules {
    /// The expected `aud`, when it is compared.
    pub aud: Option<String>,
    /// The expected `nonce`, when it is compared.
    pub nonce: Option<String>,
    /// Oldest `iat` accepted, seconds before `now`.
    pub max_age: u64,
    /// Clock skew allowed for an `iat` in the future, seconds.
    pub leeway: u64,
    /// The verification time.
    pub now: i64,
}

/// A KB-JWT that passed: its header and claims.
#[derive(Debug, Clone)]
pub struct KbJwt {
    /// The header.
    pub header: Map<String, Value>,
    /// The claims.
    pub claims: Map<String, Value>,
}

/// Signs a KB-JWT with the holder's private key.
pub fn make(
    holder: &Key,
    alg: JwsAlg,
    aud: &str,
    nonce: &str,
    iat: i64,
    sd_hash: &str,
) -> Result<String> {
    let signer = Signer::new(alg, holder)?;
    let mut header = Map::new();
    header.insert("alg".into(), alg.name().into());
    header.insert("typ".into(), TYP.into());
    let claims = json!({"iat": iat, "aud": aud, "nonce": nonce, "sd_hash": sd_hash});
    sign_compact(claims.to_string().as_bytes(), header, Some(&signer))
}

fn bad(msg: impl Into<String>) -> Rejection {
    Rejection::new(RejectCode::KbInvalid, msg)
}

/// The public key of `cnf.jwk` in processed claims; a private member or anything that is not
/// a usable public key is `kb_invalid`.
pub fn cnf_key(claims: &Map<String, Value>) -> std::result::Result<Key, Rejection> {
    let Some(Value::Object(jwk)) = claims
        .get("cnf")
        .and_then(Value::as_object)
        .and_then(|c| c.get("jwk"))
    else {
        return Err(bad(
            "the SD-JWT has no cnf.jwk, so its KB-JWT cannot be checked",
        ));
    };
    if ["d", "p", "q", "dp", "dq", "qi", "k"]
        .iter()
        .any(|m| jwk.contains_key(*m))
    {
        return Err(bad("cnf.jwk holds private key material"));
    }
    let text = Value::Object(jwk.clone()).to_string();
    let set = load_key_bytes(text.as_bytes(), "cnf.jwk", None)
        .map_err(|e| bad(format!("cnf.jwk is not a usable key: {e}")))?;
    set.keys
        .into_iter()
        .next()
        .ok_or_else(|| bad("cnf.jwk is not a usable key"))
}

/// Checks a KB-JWT against the holder key in `claims` (processed), over `hash_input` (the
/// presentation up to its last `~`); returns its header and claims.
pub fn check(
    kb: &str,
    claims: &Map<String, Value>,
    hash_input: &str,
    alg: SdAlg,
    rules: &KbRules,
    report: &mut Report,
) -> std::result::Result<KbJwt, Rejection> {
    let fail = |report: &mut Report, r: Rejection| report.fail("kb-jwt", r);
    let key = cnf_key(claims).map_err(|r| fail(report, r))?;
    let ring = KeyRing::new(
        crate::keys::KeySet {
            keys: vec![key],
            is_set: false,
        },
        &[],
        false,
    )
    .map_err(|e| fail(report, bad(format!("cnf.jwk cannot verify: {e}"))))?;
    let signature_only = ClaimRules {
        any_aud: true,
        ignore_exp: true,
        leeway: rules.leeway,
        now: rules.now,
        ..ClaimRules::default()
    };
    let mut scratch = Report::default();
    let v = verify_token_with(
        kb,
        &ring.verifiers(),
        &signature_only,
        None,
        true,
        Claims::All,
        &mut scratch,
    )
    .map_err(|r| fail(report, bad(format!("KB-JWT: {}", r.message))))?;
    let header = (*v.header).clone();
    let kb_claims = v.claims.unwrap_or_default();
    let typ_ok = header
        .get("typ")
        .and_then(Value::as_str)
        .is_some_and(|t| t.eq_ignore_ascii_case(TYP));
    if !typ_ok {
        return Err(fail(report, bad("the KB-JWT's typ is not kb+jwt")));
    }
    let Some(iat) = kb_claims.get("iat").and_then(Value::as_i64) else {
        return Err(fail(report, bad("the KB-JWT has no numeric iat")));
    };
    let leeway = i64::try_from(rules.leeway).unwrap_or(i64::MAX);
    if iat > rules.now.saturating_add(leeway) {
        return Err(fail(
            report,
            bad(format!(
                "the KB-JWT was issued in the future ({})",
                crate::time::format_timestamp(iat)
            )),
        ));
    }
    let max_age = i64::try_from(rules.max_age).unwrap_or(i64::MAX);
    if rules.now.saturating_sub(iat) > max_age {
        return Err(fail(
            report,
            bad(format!(
                "the KB-JWT is too old: issued {}, more than {} before now",
                crate::time::format_timestamp(iat),
                crate::time::format_span(rules.max_age)
            )),
        ));
    }
    let want = alg.hash(hash_input);
    match kb_claims.get("sd_hash").and_then(Value::as_str) {
        Some(h) if crate::crypto::ct_eq(h.as_bytes(), want.as_bytes()) => {}
        Some(_) => {
            return Err(fail(
                report,
                bad("the KB-JWT's sd_hash does not match this presentation"),
            ));
        }
        None => return Err(fail(report, bad("the KB-JWT has no sd_hash"))),
    }
    let aud_ok = |want: &str| match kb_claims.get("aud") {
        Some(Value::String(a)) => a == want,
        Some(Value::Array(a)) => a.iter().any(|x| x.as_str() == Some(want)),
        _ => false,
    };
    match (&rules.aud, kb_claims.get("aud")) {
        (_, None) => return Err(fail(report, bad("the KB-JWT has no aud"))),
        (Some(want), Some(_)) if !aud_ok(want) => {
            return Err(fail(
                report,
                bad(format!(
                    "the KB-JWT is for another audience, not {:?}",
                    crate::sanitize::sanitize(want)
                )),
            ));
        }
        _ => {}
    }
    match (&rules.nonce, kb_claims.get("nonce").and_then(Value::as_str)) {
        (_, None) => return Err(fail(report, bad("the KB-JWT has no nonce"))),
        (Some(want), Some(n)) if n != want => {
            return Err(fail(
                report,
                bad("the KB-JWT's nonce is not the one expected"),
            ));
        }
        _ => {}
    }
    report.pass("kb-jwt", || {
        format!(
            "signed by the cnf.jwk key, typ kb+jwt, sd_hash matches, iat {}",
            crate::time::format_timestamp(iat)
        )
    });
    Ok(KbJwt {
        header,
        claims: kb_claims,
    })
}
