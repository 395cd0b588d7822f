//! `jwtctl jwks`: build, merge, convert, thumbprint.

use serde_json::Value;

use jwtctl::error::{Error, Result};
use jwtctl::jwks::{MemberOptions, SetBuilder, member};
use jwtctl::keygen::{private_pem, public_pem};
use jwtctl::keys::{Key, read_limited, select_by_kid};

use super::args::JwksArgs;
use super::input::load_key;
use super::output::Output;
use jwtctl::remote::looks_like_url;

fn io(e: std::io::Error) -> Error {
    Error::io("<stdout>", e)
}

/// `jwtctl jwks URL` and `jwtctl jwks --issuer URL`: the set as the server publishes it (its
/// members checked as verify would use them), to save, merge or convert.
fn fetched(a: &JwksArgs, url: Option<&str>, out: &Output) -> Result<()> {
    if a.keys.len() > 1 || a.merge.is_some() || a.to_pem.is_some() || a.thumbprint {
        return Err(Error::usage(
            "a key set URL stands alone: fetch it, save it, then merge or convert the file",
        ));
    }
    let fetcher = super::remote::fetcher(&a.remote, None)?;
    let jwks_url = match (&a.issuer, url) {
        (Some(issuer), _) => jwtctl::remote::discovery::discover(issuer, &fetcher)?
            .value
            .jwks_uri
            .as_str()
            .to_string(),
        (None, Some(u)) => u.to_string(),
        (None, None) => return Err(Error::usage("give a key set URL or --issuer URL")),
    };
    let got = super::remote::fetch_set(&jwks_url, &fetcher, false)?;
    for w in fetcher.take_warnings() {
        out.warn(&w);
    }
    let value = jwtctl::encoding::parse_value_strict(&got.body)
        .map_err(|e| Error::fetch(jwks_url.clone(), format!("the response is not JSON: {e}")))?;
    out.json(&value).map_err(io)
}

pub fn run(a: &JwksArgs, out: &Output) -> Result<()> {
    let url = a
        .keys
        .iter()
        .filter_map(|k| k.to_str())
        .find(|k| looks_like_url(k));
    if url.is_some() || a.issuer.is_some() {
        return fetched(a, url, out);
    }
    super::remote::refuse_unused(&a.remote, None, "a key set URL, or --issuer URL")?;
    if let Some(path) = &a.to_pem {
        return to_pem(a, path, out);
    }
    if a.keys.is_empty() && a.merge.is_none() {
        return Err(Error::usage("give at least one KEY file"));
    }
    let mut loaded: Vec<Key> = Vec::new();
    for path in &a.keys {
        let set = load_key(path, a.passphrase.as_ref(), out)?;
        loaded.extend(set.keys);
    }
    if a.thumbprint {
        for k in &loaded {
            out.line(&k.thumbprint()?).map_err(io)?;
        }
        return Ok(());
    }
    if !a.kid.is_empty() && a.kid.len() != loaded.len() {
        return Err(Error::usage(format!(
            "{} --kid values for {} keys: give one per key, in order",
            a.kid.len(),
            loaded.len()
        )));
    }
    let mut set = match &a.merge {
        Some(p) => {
            let bytes = read_limited(p, jwtctl::keys::MAX_KEY_FILE)?;
            let v = jwtctl::encoding::parse_value_strict(&bytes)
                .map_err(|e| Error::usage(format!("{}: invalid JSON: {e}", p.display())))?;
            SetBuilder::from_existing(&v)
                .map_err(|e| Error::usage(format!("{}: {e}", p.display())))?
        }
        None => SetBuilder::default(),
    };
    for kid in &a.remove {
        set.remove(kid)?;
    }
    let opts = MemberOptions {
        private: a.private,
        use_: a.use_.map(|u| u.name().to_string()),
        alg: a.alg.clone(),
    };
    for (i, key) in loaded.iter().enumerate() {
        set.add(member(key, a.kid.get(i).map(String::as_str), &opts)?)?;
    }
    let v: Value = set.build();
    out.json(&v).map_err(io)
}

fn to_pem(a: &JwksArgs, path: &std::path::Path, out: &Output) -> Result<()> {
    let set = load_key(path, a.passphrase.as_ref(), out)?;
    let key = match (a.kid.as_slice(), set.keys.len()) {
        ([], 1) => set.keys.into_iter().next(),
        ([], n) => {
            return Err(Error::usage(format!(
                "the set has {n} keys: choose one with --kid"
            )));
        }
        ([kid], _) => {
            // --kid names the key to convert, in a set or a single JWK alike.
            let picked = select_by_kid(&set.keys, true, Some(kid));
            let mut keys = set.keys;
            picked
                .first()
                .and_then(|&i| (i < keys.len()).then(|| keys.swap_remove(i)))
        }
        _ => {
            return Err(Error::usage(
                "--to-pem converts one key: give at most one --kid",
            ));
        }
    }
    .ok_or_else(|| {
        Error::usage(format!(
            "no key with kid {:?} in {}",
            a.kid.first().map(String::as_str).unwrap_or(""),
            path.display()
        ))
    })?;
    if key.secret().is_some() {
        return Err(Error::usage("a symmetric (oct) key has no PEM form"));
    }
    let pem = if key.is_private() {
        private_pem(&key, None)?
    } else {
        public_pem(&key)?
    };
    out.bytes(&pem).map_err(io)
}
