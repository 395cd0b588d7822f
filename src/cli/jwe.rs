//! `jwtctl encrypt` and `jwtctl decrypt`.

use std::path::Path;

use serde_json::Map;

use jwtctl::error::{Error, RejectCode, Rejection, Result};
use jwtctl::jwa::{JweAlg, JweEnc, JweFamily};
use jwtctl::jwe::{self, DecryptOptions, EncryptOptions};
use jwtctl::keys::{Key, KeySet};
use jwtctl::remote::looks_like_url;
use jwtctl::report::Report;
use jwtctl::verify::KeyRing;

use super::args::{DecryptArgs, EncryptArgs};
use super::input::{load_key, load_keys, read_new_secret, read_text_arg, read_token};
use super::output::Output;
use jwtctl::source::{Cursor, KeySource};

pub fn encrypt(a: &EncryptArgs, out: &Output) -> Result<()> {
    let key: Key = match (&a.key, &a.secret) {
        (Some(path), None) => {
            let set = load_key(path, a.passphrase.as_ref(), out)?;
            let mut keys = set.keys;
            if keys.len() != 1 {
                return Err(Error::usage(
                    "encrypt takes one key, not a set: extract it with jwks --to-pem",
                ));
            }
            keys.pop().ok_or_else(|| Error::key("no key"))?
        }
        (None, Some(src)) => Key::from_secret(read_new_secret(src, "secret", out)?.to_vec()),
        (None, None) => {
            return Err(Error::usage(
                "a key is needed: give --key PATH or --secret SOURCE",
            ));
        }
        _ => return Err(Error::usage("give only one of --key and --secret")),
    };
    let payload = read_text_arg(a.payload.as_deref())?;
    let mut header = Map::new();
    let kid = a.kid.clone().or_else(|| key.meta.kid.clone());
    let reserved = ["alg", "enc", "zip", "epk", "p2c", "p2s", "iv", "tag"];
    super::assign::add_header_members(
        &mut header,
        a.typ.as_deref(),
        kid.as_deref(),
        a.cty.as_deref(),
        &a.headers,
        &reserved,
    )?;
    let pbes2 = a
        .alg
        .map_or_else(|| jwe::default_alg(&key, a.enc).ok(), Some)
        .is_some_and(|alg| alg.family() == JweFamily::Pbes2);
    if pbes2 && a.p2c > jwe::DEFAULT_P2C {
        out.warn(&format!(
            "p2c {} is above {}: panva/jose, jwcrypto and other libraries refuse such tokens by default",
            a.p2c,
            jwe::DEFAULT_P2C
        ));
    }
    let opts = EncryptOptions {
        alg: a.alg,
        enc: a.enc,
        zip: a.zip.is_some(),
        header,
        serialization: a.serialization.into(),
        p2c: a.p2c,
    };
    let token = jwe::encrypt(&payload, &key, &opts)?;
    out.line(&token).map_err(|e| Error::io("<stdout>", e))
}

pub fn decrypt(a: &DecryptArgs, out: &Output) -> Result<()> {
    let remote_set = a.jwks.as_deref().filter(|j| looks_like_url(j));
    let remote_verify = a.verify_key.as_deref().filter(|j| looks_like_url(j));
    let fetcher = super::remote::fetcher_if(
        remote_set.is_some() || remote_verify.is_some(),
        &a.remote,
        a.refresh_cooldown.as_ref(),
        "--jwks URL, or --verify-key URL",
    )?;
    let set: KeySet = match (remote_set, &fetcher) {
        (Some(url), Some(f)) => super::remote::fetch_set(url, f, true)?.value,
        _ => load_keys(
            a.key.as_deref(),
            a.secret.as_ref(),
            a.passphrase.as_ref(),
            a.jwks.as_deref().map(Path::new),
            "--key PATH, --secret SOURCE or --jwks PATH|URL",
            out,
        )?,
    };
    // Refuse keys that can serve no JWE algorithm at all before reading the token.
    if !set.keys.iter().any(|k| {
        JweAlg::ALL
            .iter()
            .any(|&alg| jwe::check_key(alg, None, k, true).is_ok())
    }) {
        let first = set.keys.first().map(|k| k.describe()).unwrap_or_default();
        let why = set.keys.first().and_then(|k| {
            jwe::check_key(
                jwe::default_alg(k, JweEnc::A256Gcm).unwrap_or(JweAlg::Dir),
                None,
                k,
                true,
            )
            .err()
        });
        return Err(why.unwrap_or_else(|| Error::key(format!("the key ({first}) cannot decrypt"))));
    }
    let opts = DecryptOptions {
        algs: a.alg.clone(),
        encs: a.enc.clone(),
        allow_rsa1_5: a.allow_rsa1_5,
        max_p2c: a.max_p2c,
        max_plaintext: a.max_plaintext,
    };
    // The inner verification key and rules are prepared before decrypting, so that usage
    // errors come first and nothing is printed for a token that will be refused.
    let c = &a.claims;
    let claim_flags = !c.iss.is_empty()
        || !c.aud.is_empty()
        || c.any_aud
        || c.sub.is_some()
        || c.typ.is_some()
        || !c.require.is_empty()
        || jwtctl::time::parse_duration(&c.leeway)? != 0
        || c.max_age.is_some()
        || c.now.is_some()
        || c.ignore_exp
        || c.revoked.is_some();
    if claim_flags && a.verify_key.is_none() {
        return Err(Error::usage(
            "claim checks (--iss, --aud, --now, ...) apply to a nested JWT: add --verify-key",
        ));
    }
    let algs: Vec<_> = a.verify_alg.iter().map(|x| x.0).collect();
    let inner = match (&a.verify_key, remote_verify, &fetcher) {
        (Some(_), Some(url), Some(f)) => Some((
            KeySource::jwks(url, f, &algs, false)?,
            super::verify::rules(&a.claims)?,
        )),
        (Some(path), _, _) => {
            let vset = load_key(Path::new(path), None, out)?;
            let ring = KeyRing::new(vset, &algs, false)?;
            Some((KeySource::fixed(ring), super::verify::rules(&a.claims)?))
        }
        _ => None,
    };
    let token = read_token(a.token.as_deref())?;
    let d = jwe::decrypt(&token, &set, &opts)?;
    let Some((keys, rules)) = inner else {
        return out
            .bytes(&d.plaintext)
            .map_err(|e| Error::io("<stdout>", e));
    };
    let text = String::from_utf8(d.plaintext).map_err(|_| {
        Rejection::new(
            RejectCode::Malformed,
            "the decrypted content is not a JWS (not text)",
        )
    })?;
    let need_claims = matches!(
        a.output,
        super::args::OutputMode::Claims | super::args::OutputMode::Full
    );
    let v = Cursor::new(&keys, false).verify(
        &text,
        &rules,
        None,
        need_claims,
        jwtctl::jwt::Claims::All,
        &mut Report::default(),
    );
    super::remote::print_warnings(&keys, out);
    let v = v?;
    super::verify::print_verified(&v, a.output, out)
}
