//! Choosing keys from a set by `kid`.

use super::*;

/// The one `kid` selector (RFC 7515 4.1.4, RFC 7517 4.5): the indices of the keys a `kid`
/// picks. In a JWK Set a `kid` picks exactly the keys that carry it, with no fallback to the
/// others (none is `kid_not_found` for a token); without a `kid`, or for a single key whose own
/// `kid` is only metadata, every key is a candidate.
pub fn select_by_kid(keys: &[Key], is_set: bool, kid: Option<&str>) -> Vec<usize> {
    keys.iter()
        .enumerate()
        .filter(|(_, k)| kid_picks(k, is_set, kid))
        .map(|(i, _)| i)
        .collect()
}

/// Whether [`select_by_kid`] picks `key` (for callers that test keys one by one, as a batch
/// does per token, without collecting the indices).
pub fn kid_picks(key: &Key, is_set: bool, kid: Option<&str>) -> bool {
    match (is_set, kid) {
        (true, Some(want)) => key.meta.kid.as_deref() == Some(want),
        _ => true,
    }
}

impl KeySet {
    /// The keys `kid` picks (see [`select_by_kid`]).
    pub fn select(&self, kid: Option<&str>) -> Vec<&Key> {
        select_by_kid(&self.keys, self.is_set, kid)
            .into_iter()
            .filter_map(|i| self.keys.get(i))
            .collect()
    }
}
