//! Issuance: claims named by paths become disclosures, and their places digests, deepest
//! first so that naming an object and a member inside it gives recursive disclosures. Salts
//! (128 bits) and decoys come from OpenSSL's CSPRNG; every `_sd` array is kept sorted, so
//! the digests' order says nothing about the claims'.

use serde_json::{Map, Value};

use super::path::{SdPath, Seg};
use super::{Disclosure, MAX_DECOYS, SdAlg};
use crate::encoding::b64url;
use crate::error::{Error, Result};

/// How to issue.
#[derive(Debug, Clone, Copy)]
pub struct IssueOptions {
    /// Decoy digests added to every `_sd` array written (at most [`MAX_DECOYS`]).
    pub decoys: usize,
    /// The digest algorithm.
    pub alg: SdAlg,
}

fn random_b64(bytes: usize) -> Result<String> {
    let mut b = vec![0u8; bytes];
    openssl::rand::rand_bytes(&mut b).map_err(|_| Error::usage("no randomness available"))?;
    Ok(b64url(b))
}

/// Replaces the claims `paths` name in `claims` with digests (and writes `_sd_alg`);
/// returns the disclosures, as they travel. A path that names no claim is a usage error.
pub fn conceal(
    claims: &mut Map<String, Value>,
    paths: &[SdPath],
    opts: &IssueOptions,
) -> Result<Vec<String>> {
    if opts.decoys > MAX_DECOYS {
        return Err(Error::usage(format!(
            "at most {MAX_DECOYS} decoys per _sd array"
        )));
    }
    let mut order: Vec<&SdPath> = Vec::new();
    for p in paths {
        if !order.iter().any(|q| q.segs == p.segs) {
            order.push(p);
        }
    }
    // Deepest first: a member is concealed inside its object before the object is.
    order.sort_by_key(|p| std::cmp::Reverse(p.segs.len()));
    let mut out = Vec::new();
    let mut root = Value::Object(std::mem::take(claims));
    for p in order {
        let found = visit(&mut root, &p.segs, &mut |container, last| {
            conceal_at(container, last, opts, &mut out)
        });
        match found {
            Ok(0) | Err(_) => {
                *claims = match root {
                    Value::Object(m) => m,
                    _ => Map::new(),
                };
                return Err(found.err().unwrap_or_else(|| {
                    Error::usage(format!("claim path {:?} names no claim", p.text))
                }));
            }
            Ok(_) => {}
        }
    }
    if let Value::Object(m) = root {
        *claims = m;
    }
    claims.insert("_sd_alg".into(), opts.alg.name().into());
    Ok(out)
}

/// Calls `f` with each container the path leads to and the path's last step; returns how
/// many there were.
fn visit(
    v: &mut Value,
    segs: &[Seg],
    f: &mut dyn FnMut(&mut Value, &Seg) -> Result<()>,
) -> Result<usize> {
    let Some((first, rest)) = segs.split_first() else {
        return Ok(0);
    };
    if rest.is_empty() {
        f(v, first)?;
        return Ok(1);
    }
    match (first, v) {
        (Seg::Member(name), Value::Object(m)) => match m.get_mut(name) {
            Some(next) => visit(next, rest, f),
            None => Ok(0),
        },
        (Seg::Index(i), Value::Array(a)) => match a.get_mut(*i) {
            Some(next) => visit(next, rest, f),
            None => Ok(0),
        },
        (Seg::All, Value::Array(a)) => {
            let mut n = 0usize;
            for next in a.iter_mut() {
                n = n.saturating_add(visit(next, rest, f)?);
            }
            Ok(n)
        }
        _ => Ok(0),
    }
}

fn is_placeholder(v: &Value) -> bool {
    matches!(v, Value::Object(m) if m.len() == 1 && m.contains_key("..."))
}

fn conceal_at(
    container: &mut Value,
    last: &Seg,
    opts: &IssueOptions,
    out: &mut Vec<String>,
) -> Result<()> {
    let not_found = || Error::usage("a claim path names no claim".to_string());
    match (last, container) {
        (Seg::Member(name), Value::Object(m)) => {
            if matches!(name.as_str(), "_sd" | "..." | "_sd_alg") {
                return Err(Error::usage(format!(
                    "the claim {name:?} cannot be made selectively disclosable"
                )));
            }
            let value = m.remove(name).ok_or_else(not_found)?;
            let d = Disclosure::new(random_b64(16)?, Some(name.clone()), value);
            add_digest(m, d.digest(opts.alg), opts)?;
            out.push(d.encoded);
            Ok(())
        }
        (Seg::Index(i), Value::Array(a)) => {
            let slot = a.get_mut(*i).ok_or_else(not_found)?;
            conceal_element(slot, opts, out)
        }
        (Seg::All, Value::Array(a)) => {
            for slot in a.iter_mut() {
                conceal_element(slot, opts, out)?;
            }
            Ok(())
        }
        _ => Err(not_found()),
    }
}

fn conceal_element(slot: &mut Value, opts: &IssueOptions, out: &mut Vec<String>) -> Result<()> {
    if is_placeholder(slot) {
        return Err(Error::usage("an array element is named twice"));
    }
    let d = Disclosure::new(random_b64(16)?, None, std::mem::take(slot));
    let mut placeholder = Map::new();
    placeholder.insert("...".into(), d.digest(opts.alg).into());
    *slot = Value::Object(placeholder);
    out.push(d.encoded);
    Ok(())
}

/// Adds a digest to an object's `_sd` (created with its decoys), kept sorted.
fn add_digest(m: &mut Map<String, Value>, digest: String, opts: &IssueOptions) -> Result<()> {
    if !m.contains_key("_sd") {
        let mut decoys = Vec::with_capacity(opts.decoys);
        for _ in 0..opts.decoys {
            decoys.push(Value::String(opts.alg.hash(&random_b64(16)?)));
        }
        m.insert("_sd".into(), Value::Array(decoys));
    }
    if let Some(Value::Array(sd)) = m.get_mut("_sd") {
        sd.push(digest.into());
        sd.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
    }
    Ok(())
}
