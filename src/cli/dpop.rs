//! `jwtctl dpop`: a DPoP proof (RFC 9449) for one HTTP request, made by the library's `dpop`
//! module with the one key loader and signer.

use jwtctl::dpop::{ProofSpec, make};
use jwtctl::error::{Error, Result};
use jwtctl::jwa::KeyType;
use jwtctl::time::{parse_time, system_now};

use super::args::DpopArgs;
use super::input::{load_key, read_text_arg};
use super::output::Output;

pub fn run(a: &DpopArgs, out: &Output) -> Result<()> {
    let set = load_key(&a.key, a.passphrase.as_ref(), out)?;
    let alg = match &a.alg {
        Some(x) => x.0,
        None => super::sign::infer_alg(&set, None)?,
    };
    let key = set
        .keys
        .into_iter()
        .next()
        .ok_or_else(|| Error::usage(format!("{}: no key in it", a.key.display())))?;
    if key.key_type() == KeyType::Oct {
        return Err(Error::usage(
            "--key: a DPoP proof needs an asymmetric private key; a secret proves nothing to others",
        ));
    }
    if !key.is_private() {
        return Err(Error::usage(format!(
            "--key: a proof is signed, so the key must be private; this is a {}",
            key.describe()
        )));
    }
    if jwtctl::dpop::normalize_htu(&a.htu).is_none() {
        return Err(Error::usage(format!(
            "--htu {:?} is not an absolute http(s) URL",
            jwtctl::sanitize::sanitize(&a.htu)
        )));
    }
    if a.htm.is_empty() || !a.htm.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err(Error::usage(
            "--htm must be an HTTP method such as GET or POST",
        ));
    }
    let access_token = match &a.access_token {
        Some(t) => {
            let bytes = read_text_arg(Some(t))?;
            let text =
                String::from_utf8(bytes).map_err(|_| Error::usage("--access-token is not text"))?;
            Some(jwtctl::jws::normalize_input(&text).to_string())
        }
        None => None,
    };
    let now = system_now();
    let iat = match &a.iat {
        Some(t) => parse_time(t, now)?,
        None => now,
    };
    let spec = ProofSpec {
        htm: a.htm.clone(),
        htu: a.htu.clone(),
        access_token,
        nonce: a.nonce.clone(),
        iat,
        jti: a.jti.clone(),
    };
    let proof = make(&key, alg, &spec)?;
    out.line(&proof).map_err(|e| Error::io("<stdout>", e))
}
