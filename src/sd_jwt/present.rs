//! Presentation: from an SD-JWT holding every disclosure, the ones a set of paths needs —
//! each path's own, and those above it that make it reachable (an object disclosed
//! recursively must be disclosed for a member inside it to be).

use serde_json::{Map, Value};

use super::path::{SdPath, Seg};
use super::process::process;
use super::{SdAlg, SdJwt, kb};
use crate::error::{Error, Rejection, Result};
use crate::jwa::JwsAlg;
use crate::keys::Key;

/// Whether a disclosure at `location` is needed for `path`: it is the path's claim (or one
/// of the elements `[]` names), or lies on the way to it.
fn needed(path: &[Seg], location: &[Seg]) -> bool {
    location.len() <= path.len()
        && path.iter().zip(location).all(|(p, l)| match (p, l) {
            (Seg::Member(a), Seg::Member(b)) => a == b,
            (Seg::All, Seg::Index(_)) => true,
            (Seg::Index(i), Seg::Index(j)) => i == j,
            _ => false,
        })
}

/// Whether `path` names a claim of the fully disclosed `claims`.
fn exists(v: &Value, path: &[Seg]) -> bool {
    let Some((first, rest)) = path.split_first() else {
        return true;
    };
    match (first, v) {
        (Seg::Member(m), Value::Object(o)) => o.get(m).is_some_and(|n| exists(n, rest)),
        (Seg::Index(i), Value::Array(a)) => a.get(*i).is_some_and(|n| exists(n, rest)),
        (Seg::All, Value::Array(a)) => !a.is_empty() && a.iter().all(|n| exists(n, rest)),
        _ => false,
    }
}

/// The disclosures (in their order) to present for `paths`, or all that are referenced
/// with `all`. A path that names no claim is a usage error.
pub fn select(
    payload: &Map<String, Value>,
    disclosures: &[String],
    paths: &[SdPath],
    all: bool,
) -> Result<Vec<String>> {
    let processed = process(payload, disclosures, false)?;
    let whole = Value::Object(processed.claims);
    for p in paths {
        if !exists(&whole, &p.segs) {
            return Err(Error::usage(format!(
                "claim path {:?} names no claim of this SD-JWT",
                p.text
            )));
        }
    }
    Ok(processed
        .references
        .into_iter()
        .filter(|r| match &r.location {
            None => false,
            Some(_) if all => true,
            Some(l) => paths.iter().any(|p| needed(&p.segs, l)),
        })
        .map(|r| r.disclosure.encoded)
        .collect())
}

/// What the holder's key-binding JWT says.
#[derive(Clone, Copy)]
pub struct KbRequest<'a> {
    /// The holder's private key (its public part must be the SD-JWT's `cnf.jwk`).
    pub key: &'a Key,
    /// The KB-JWT's algorithm.
    pub alg: JwsAlg,
    /// `aud`: the verifier.
    pub aud: &'a str,
    /// `nonce`, from the verifier.
    pub nonce: &'a str,
    /// `iat`.
    pub iat: i64,
}

/// The issuer-signed JWT's claims, decoded without verification (the holder selects; the
/// verifier checks).
fn payload(sd: &SdJwt) -> std::result::Result<Map<String, Value>, Rejection> {
    let jwt = sd.compact_jwt.split('.').nth(1).unwrap_or_default();
    let bytes = crate::encoding::b64url_decode(jwt)
        .map_err(|e| Rejection::malformed(format!("the issuer-signed JWT's payload: {e}")))?;
    crate::encoding::parse_object_strict(&bytes)
        .map_err(|e| Rejection::malformed(format!("the issuer-signed JWT's claims: {e}")))
}

/// A presentation of the SD-JWT `text` (holding every disclosure): the disclosures `paths`
/// need (all with `all`), and a KB-JWT when asked, in the serialization it came in.
pub fn present(
    text: &str,
    paths: &[SdPath],
    all: bool,
    kb_request: Option<KbRequest<'_>>,
) -> Result<String> {
    let sd = SdJwt::parse(text)?;
    if sd.kb_jwt.is_some() {
        return Err(Error::usage(
            "this SD-JWT already carries a KB-JWT: present from the SD-JWT as issued",
        ));
    }
    let claims = payload(&sd)?;
    let kept = select(&claims, &sd.disclosures, paths, all)?;
    let kb_jwt = match kb_request {
        None => None,
        Some(r) => {
            if !r.key.is_private() {
                return Err(Error::usage(
                    "the holder key must be the private key that signs the KB-JWT",
                ));
            }
            let cnf = kb::cnf_key(&claims).map_err(|e| Error::usage(e.message))?;
            if cnf.thumbprint()? != r.key.thumbprint()? {
                return Err(Error::usage(
                    "the holder key is not the key in the SD-JWT's cnf.jwk",
                ));
            }
            let presented = SdJwt {
                disclosures: kept.clone(),
                ..sd.clone()
            };
            let sd_hash = SdAlg::from_claims(&claims)?.hash(&presented.hash_input());
            Some(kb::make(r.key, r.alg, r.aud, r.nonce, r.iat, &sd_hash)?)
        }
    };
    Ok(sd.serialize(&kept, kb_jwt.as_deref()))
}
