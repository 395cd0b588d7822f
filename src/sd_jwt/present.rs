//! Presentation: from an SD-JWT holding every disclosure, the ones a set of paths needs —
//! each path's own, and those above it that make it reachable (an object disclosed
//! recursively must be disclosed for a member inside it to be).

use serde_json::{Map, Value};

use super::path::{SdPath, Seg};
use super::process::process;
use crate::error::{Error, Result};

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
