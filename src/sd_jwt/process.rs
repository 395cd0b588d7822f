//! Processing an SD-JWT's payload with its disclosures (RFC 9901 section 7.1): every
//! disclosure's digest must be referenced exactly once, no digest may appear twice, a
//! disclosed name must be neither `_sd` nor `...` nor one already present, and what stays
//! undisclosed is removed. Work is bounded: the number of disclosures before any is hashed,
//! and the nesting depth as it goes.

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};

use super::path::{Seg, show};
use super::{Disclosure, MAX_DEPTH, MAX_DISCLOSURES, SdAlg, invalid};
use crate::error::Rejection;

/// A disclosure, its digest, and where it was referenced.
#[derive(Debug, Clone)]
pub struct Reference {
    /// The disclosure.
    pub disclosure: Disclosure,
    /// Its digest under the SD-JWT's `_sd_alg`.
    pub digest: String,
    /// The location of the claim it discloses (`None`: referenced nowhere).
    pub location: Option<Vec<Seg>>,
}

impl Reference {
    /// The location as text (`address.street_address`, `nationalities[1]`).
    pub fn location_text(&self) -> Option<String> {
        self.location.as_deref().map(show)
    }
}

/// The processed payload.
#[derive(Debug, Clone)]
pub struct Processed {
    /// The claims a verifier may rely on: disclosed values in place, `_sd`, `_sd_alg` and
    /// undisclosed digests removed.
    pub claims: Map<String, Value>,
    /// The digest algorithm.
    pub alg: SdAlg,
    /// Every disclosure given, in order.
    pub references: Vec<Reference>,
    /// Digests that no disclosure given opens (decoys included).
    pub undisclosed: usize,
}

struct Walk {
    alg: SdAlg,
    by_digest: HashMap<String, usize>,
    refs: Vec<Reference>,
    seen: HashSet<String>,
    undisclosed: usize,
}

/// Processes `payload` with `disclosures`. Strict (a verifier): a disclosure referenced
/// nowhere is `disclosure_invalid`. Not strict (`inspect`, `present`): it is left with no
/// location for the caller to report.
pub fn process(
    payload: &Map<String, Value>,
    disclosures: &[String],
    strict: bool,
) -> Result<Processed, Rejection> {
    if disclosures.len() > MAX_DISCLOSURES {
        return Err(invalid(format!(
            "{} disclosures, more than the {MAX_DISCLOSURES} allowed",
            disclosures.len()
        )));
    }
    let alg = SdAlg::from_claims(payload)?;
    let mut refs = Vec::with_capacity(disclosures.len());
    for d in disclosures {
        let disclosure = Disclosure::parse(d)?;
        refs.push(Reference {
            digest: disclosure.digest(alg),
            disclosure,
            location: None,
        });
    }
    let mut by_digest = HashMap::with_capacity(refs.len());
    for (i, r) in refs.iter().enumerate() {
        if by_digest.insert(r.digest.clone(), i).is_some() {
            return Err(invalid(format!(
                "the disclosure with digest {} is given twice",
                r.digest
            )));
        }
    }
    let mut walk = Walk {
        alg,
        by_digest,
        refs,
        seen: HashSet::new(),
        undisclosed: 0,
    };
    let mut root = payload.clone();
    root.remove("_sd_alg");
    let Value::Object(claims) = walk.value(Value::Object(root), &mut Vec::new(), 0)? else {
        return Err(invalid("the payload is not an object"));
    };
    if strict {
        if let Some(r) = walk.refs.iter().find(|r| r.location.is_none()) {
            return Err(invalid(format!(
                "the disclosure with digest {} is referenced nowhere in the payload or other disclosures",
                r.digest
            )));
        }
    }
    Ok(Processed {
        claims,
        alg: walk.alg,
        references: walk.refs,
        undisclosed: walk.undisclosed,
    })
}

impl Walk {
    /// Takes note of a digest; a second sighting is fatal. Returns the disclosure it opens.
    fn digest(&mut self, d: &str) -> Result<Option<usize>, Rejection> {
        if !self.seen.insert(d.to_string()) {
            return Err(invalid(format!("the digest {d} appears more than once")));
        }
        match self.by_digest.get(d) {
            Some(&i) => Ok(Some(i)),
            None => {
                self.undisclosed = self.undisclosed.saturating_add(1);
                Ok(None)
            }
        }
    }

    fn value(&mut self, v: Value, loc: &mut Vec<Seg>, depth: usize) -> Result<Value, Rejection> {
        if depth > MAX_DEPTH {
            return Err(invalid(format!(
                "claims nest more than {MAX_DEPTH} levels deep"
            )));
        }
        let depth = depth.saturating_add(1);
        match v {
            Value::Object(m) => self.object(m, loc, depth).map(Value::Object),
            Value::Array(a) => self.array(a, loc, depth).map(Value::Array),
            other => Ok(other),
        }
    }

    fn object(
        &mut self,
        mut m: Map<String, Value>,
        loc: &mut Vec<Seg>,
        depth: usize,
    ) -> Result<Map<String, Value>, Rejection> {
        let sd = m.remove("_sd");
        let mut out = Map::with_capacity(m.len());
        for (k, v) in m {
            loc.push(Seg::Member(k.clone()));
            let processed = self.value(v, loc, depth);
            loc.pop();
            out.insert(k, processed?);
        }
        let Some(sd) = sd else {
            return Ok(out);
        };
        let Value::Array(digests) = sd else {
            return Err(invalid("an _sd member is not an array"));
        };
        for d in digests {
            let Value::String(d) = d else {
                return Err(invalid(
                    "an _sd array holds something other than a digest string",
                ));
            };
            let Some(i) = self.digest(&d)? else {
                continue;
            };
            let Some(r) = self.refs.get(i) else {
                continue;
            };
            let Some(name) = r.disclosure.name.clone() else {
                return Err(invalid(format!(
                    "the array-element disclosure with digest {d} is referenced from an _sd array"
                )));
            };
            if out.contains_key(&name) {
                return Err(invalid(format!(
                    "the disclosed claim {:?} already exists beside it",
                    crate::sanitize::sanitize(&name)
                )));
            }
            let value = r.disclosure.value.clone();
            loc.push(Seg::Member(name.clone()));
            if let Some(r) = self.refs.get_mut(i) {
                r.location = Some(loc.clone());
            }
            let processed = self.value(value, loc, depth);
            loc.pop();
            out.insert(name, processed?);
        }
        Ok(out)
    }

    fn array(
        &mut self,
        a: Vec<Value>,
        loc: &mut Vec<Seg>,
        depth: usize,
    ) -> Result<Vec<Value>, Rejection> {
        let mut out = Vec::with_capacity(a.len());
        for (index, v) in a.into_iter().enumerate() {
            loc.push(Seg::Index(index));
            let result = self.element(v, loc, depth);
            loc.pop();
            if let Some(v) = result? {
                out.push(v);
            }
        }
        Ok(out)
    }

    /// One array element: a `{"...": digest}` placeholder is opened or removed.
    fn element(
        &mut self,
        v: Value,
        loc: &mut Vec<Seg>,
        depth: usize,
    ) -> Result<Option<Value>, Rejection> {
        let placeholder = match &v {
            Value::Object(m) if m.len() == 1 && m.contains_key("...") => m.get("...").cloned(),
            _ => None,
        };
        let Some(d) = placeholder else {
            return self.value(v, loc, depth).map(Some);
        };
        let Value::String(d) = d else {
            return Err(invalid("an array element's \"...\" is not a digest string"));
        };
        let Some(i) = self.digest(&d)? else {
            return Ok(None);
        };
        let Some(r) = self.refs.get_mut(i) else {
            return Ok(None);
        };
        if r.disclosure.name.is_some() {
            return Err(invalid(format!(
                "the object-member disclosure with digest {d} is referenced as an array element"
            )));
        }
        r.location = Some(loc.clone());
        let value = r.disclosure.value.clone();
        self.value(value, loc, depth).map(Some)
    }
}
