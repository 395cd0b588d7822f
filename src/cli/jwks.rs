//! `jwtctl jwks`: build, merge, convert, thumbprint.

use serde_json::Value;

use jwtctl::error::{Error, Result};
use jwtctl::jwks::{MemberOptions, SetBuilder, member};
use jwtctl::keygen::{private_pem, public_pem};
use jwtctl::keys::{Key, read_limited, select_by_kid};

use super::args::JwksArgs;
use super::input::load_key;
use super::output::Output;

fn io(e: std::io::Error) -> Error {
    Error::io("<stdout>", e)
}

pub fn run(a: &JwksArgs, out: &Output) -> Result<()> {
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
