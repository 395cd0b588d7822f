//! Claim paths: `email`, `address.street_address`, `nationalities[]` (every element),
//! `nationalities[1]` (one element), and combinations such as `items[0].price`.

use crate::error::{Error, Result};

/// One step of a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    /// An object member.
    Member(String),
    /// Every element of an array.
    All,
    /// One element of an array.
    Index(usize),
}

/// A parsed path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SdPath {
    /// The text it was parsed from.
    pub text: String,
    /// Its steps.
    pub segs: Vec<Seg>,
}

/// Steps of a path at most.
const MAX_SEGS: usize = 32;

impl SdPath {
    /// Parses a path; a malformed one is a usage error.
    pub fn parse(text: &str) -> Result<SdPath> {
        let bad = |why: &str| Error::usage(format!("claim path {text:?}: {why}"));
        let mut segs = Vec::new();
        for part in text.split('.') {
            let (name, mut rest) = match part.find('[') {
                Some(i) => (
                    part.get(..i).unwrap_or_default(),
                    part.get(i..).unwrap_or_default(),
                ),
                None => (part, ""),
            };
            if name.is_empty() {
                return Err(bad("an empty claim name"));
            }
            if name.contains(']') {
                return Err(bad("a ']' without '['"));
            }
            segs.push(Seg::Member(name.to_string()));
            while !rest.is_empty() {
                let Some(close) = rest.find(']') else {
                    return Err(bad("a '[' without ']'"));
                };
                let inner = rest.get(1..close).unwrap_or_default();
                segs.push(if inner.is_empty() {
                    Seg::All
                } else {
                    Seg::Index(
                        inner
                            .parse()
                            .map_err(|_| bad("an array index is a number"))?,
                    )
                });
                rest = rest.get(close.saturating_add(1)..).unwrap_or_default();
                if !rest.is_empty() && !rest.starts_with('[') {
                    return Err(bad("text after ']' must be '[' or '.'"));
                }
            }
            if segs.len() > MAX_SEGS {
                return Err(bad("more than 32 steps"));
            }
        }
        Ok(SdPath {
            text: text.to_string(),
            segs,
        })
    }
}

/// A location in a processed payload, for reports: `address.street_address`,
/// `nationalities[1]`.
pub(crate) fn show(segs: &[Seg]) -> String {
    let mut s = String::new();
    for seg in segs {
        match seg {
            Seg::Member(m) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(m);
            }
            Seg::All => s.push_str("[]"),
            Seg::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn paths() {
        let p = SdPath::parse("items[0][].price").unwrap();
        assert_eq!(
            p.segs,
            [
                Seg::Member("items".into()),
                Seg::Index(0),
                Seg::All,
                Seg::Member("price".into())
            ]
        );
        assert_eq!(show(&p.segs), "items[0][].price");
        for bad in ["", "a..b", "a[", "a[x]", "a]b", "[1]", "a[1]b"] {
            assert!(SdPath::parse(bad).is_err(), "{bad}");
        }
    }
}
