//! `jwtctl present`: an SD-JWT presentation from an SD-JWT holding every disclosure.

use jwtctl::error::{Error, Rejection, Result};
use jwtctl::sd_jwt::{SdJwt, SdPath, kb, select};
use jwtctl::time::{parse_time, system_now};

use super::args::PresentArgs;
use super::input::{load_key, read_token};
use super::output::Output;

/// The issuer-signed JWT's claims, decoded without verification (the holder selects; the
/// verifier checks).
fn payload(
    sd: &SdJwt,
) -> std::result::Result<serde_json::Map<String, serde_json::Value>, Rejection> {
    let jwt = sd.compact_jwt.split('.').nth(1).unwrap_or_default();
    let bytes = jwtctl::encoding::b64url_decode(jwt)
        .map_err(|e| Rejection::malformed(format!("the issuer-signed JWT's payload: {e}")))?;
    jwtctl::encoding::parse_object_strict(&bytes)
        .map_err(|e| Rejection::malformed(format!("the issuer-signed JWT's claims: {e}")))
}

pub fn run(a: &PresentArgs, out: &Output) -> Result<()> {
    let text = read_token(a.token.as_deref())?;
    let sd = SdJwt::parse(&text)?;
    if sd.kb_jwt.is_some() {
        return Err(Error::usage(
            "this SD-JWT already carries a KB-JWT: present from the SD-JWT as issued",
        ));
    }
    let claims = payload(&sd)?;
    let paths = a
        .disclose
        .iter()
        .map(|p| SdPath::parse(p))
        .collect::<Result<Vec<_>>>()?;
    let kept = select(&claims, &sd.disclosures, &paths, a.disclose_all)?;
    let kb_jwt = match &a.holder_key {
        None => None,
        Some(path) => {
            let set = load_key(path, a.passphrase.as_ref(), out)?;
            let alg = match &a.alg {
                Some(x) => x.0,
                None => super::sign::infer_alg(&set, None)?,
            };
            let key = set
                .keys
                .into_iter()
                .next()
                .ok_or_else(|| Error::usage(format!("{}: no key in it", path.display())))?;
            if !key.is_private() {
                return Err(Error::usage(format!(
                    "{}: --holder-key must be the private key that signs the KB-JWT",
                    path.display()
                )));
            }
            let cnf = kb::cnf_key(&claims).map_err(|r| Error::usage(r.message))?;
            if cnf.thumbprint()? != key.thumbprint()? {
                return Err(Error::usage(format!(
                    "{}: not the key in the SD-JWT's cnf.jwk",
                    path.display()
                )));
            }
            let iat = match &a.kb_iat {
                Some(t) => parse_time(t, system_now())?,
                None => system_now(),
            };
            let mut presented = sd.clone();
            presented.disclosures = kept.clone();
            let alg_sd = jwtctl::sd_jwt::SdAlg::from_claims(&claims)?;
            let sd_hash = alg_sd.hash(&presented.hash_input());
            let aud = a.kb_aud.as_deref().unwrap_or_default();
            let nonce = a.nonce.as_deref().unwrap_or_default();
            Some(kb::make(&key, alg, aud, nonce, iat, &sd_hash)?)
        }
    };
    out.line(&sd.serialize(&kept, kb_jwt.as_deref()))
        .map_err(|e| Error::io("<stdout>", e))
}
