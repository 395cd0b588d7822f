//! The key source of `--ca`: each token's own `x5c` chain, checked against the anchors, gives
//! the key. A thread keeps what it validated by the token's protected header, so a stream from
//! one signer pays for its chain once (rejections are kept too: a forged line repeated costs
//! nothing more).

use std::collections::HashMap;

use crate::error::{RejectCode, Rejection};
use crate::jwa::JwsAlg;
use crate::jws::Token;
use crate::keys::load_key_bytes;
use crate::report::Report;
use crate::verify::{KeyRing, Verifiers};
use crate::x5c::{TrustPolicy, chain_from_header, describe};

use super::Warning;

/// Chains validated at most per thread before the cache starts afresh.
const CACHED: usize = 256;

/// The anchors and rules, with the algorithms allowed.
pub(super) struct ChainKeys {
    pub(super) policy: TrustPolicy,
    pub(super) algs: Vec<JwsAlg>,
    pub(super) allow_weak: bool,
}

/// A validated chain: the leaf's prepared verifiers and the `--explain` lines.
pub(super) struct Checked {
    pub(super) verifiers: Verifiers,
    lines: Vec<String>,
}

/// One thread's validated chains.
#[derive(Default)]
pub(super) struct ChainCache(HashMap<String, Result<Checked, Rejection>>);

impl ChainKeys {
    /// The verifiers for `text`'s chain at `now`, validated once per distinct header;
    /// `warn` receives what does not stop verification (unused CRLs, weak keys).
    pub(super) fn checked<'c>(
        &self,
        cache: &'c mut ChainCache,
        text: &str,
        now: i64,
        report: &mut Report,
        warn: &dyn Fn(Warning),
    ) -> Result<&'c Checked, Rejection> {
        let jws = match crate::jws::parse(text) {
            Ok(Token::Jws(j)) => j,
            Ok(Token::Jwe) => {
                return Err(report.fail(
                    "format",
                    Rejection::new(
                        RejectCode::WrongTokenType,
                        "this is an encrypted token (JWE); a certificate chain verifies signed tokens",
                    ),
                ));
            }
            Err(r) => return Err(report.fail("format", r)),
        };
        let Some(first) = jws.signatures.first() else {
            return Err(report.fail("format", Rejection::malformed("no signature")));
        };
        let key = format!("{now}|{}", first.protected_b64);
        if cache.0.len() >= CACHED && !cache.0.contains_key(&key) {
            cache.0.clear();
        }
        let entry = cache.0.entry(key).or_insert_with(|| {
            let only_unprotected = first.unprotected.contains_key("x5c");
            self.validate(&first.protected, only_unprotected, now, warn)
        });
        match entry {
            Ok(c) => {
                for line in &c.lines {
                    report.pass("chain", || line.clone());
                }
                Ok(c)
            }
            Err(r) => Err(report.fail("chain", r.clone())),
        }
    }

    fn validate(
        &self,
        header: &serde_json::Map<String, serde_json::Value>,
        only_unprotected: bool,
        now: i64,
        warn: &dyn Fn(Warning),
    ) -> Result<Checked, Rejection> {
        let Some(certs) = chain_from_header(header, self.policy.max_chain)? else {
            let outside = if only_unprotected {
                " (an x5c in the unprotected header is not signed, so it is not used)"
            } else {
                ""
            };
            return Err(Rejection::new(
                RejectCode::X5cMissing,
                format!("the token's protected header has no x5c certificate chain{outside}"),
            ));
        };
        let valid = self.policy.validate(header, certs, now)?;
        for file in &valid.unused_crls {
            warn(Warning::CrlUnused(file.clone()));
        }
        let leaf = valid
            .leaf()
            .ok_or_else(|| Rejection::malformed("x5c is an empty array"))?;
        let unusable = |e: crate::Error| {
            Rejection::new(
                RejectCode::CertInvalid,
                format!("the leaf certificate's key cannot verify this token: {e}"),
            )
        };
        let set = load_key_bytes(&leaf.spki, "the x5c leaf", None).map_err(unusable)?;
        let ring = KeyRing::new(set, &self.algs, self.allow_weak).map_err(unusable)?;
        for w in &ring.warnings {
            warn(Warning::WeakKeyAccepted(w.clone()));
        }
        let mut lines = vec![format!(
            "path of {} certificate(s) to the anchor {:?}",
            valid.path.len(),
            crate::sanitize::sanitize(&valid.anchor.subject)
        )];
        lines.extend(valid.path.iter().map(describe));
        lines.push(format!("anchor {}", describe(&valid.anchor)));
        Ok(Checked {
            verifiers: ring.chain_verifiers(),
            lines,
        })
    }
}
