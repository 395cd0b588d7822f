//! JWS verification: which keys may verify what (RFC 8725: the algorithm allow-list, weak
//! keys), key selection by `kid` then algorithm, and signature checks with prepared verifiers.
//! Claims are not looked at here; [`crate::jwt`] adds them.

use std::cell::OnceCell;
use std::sync::Arc;

use crate::crypto::Verifier;
use crate::error::{Error, KeyErrorKind, RejectCode, Rejection, Remedy, Result};
use crate::jwa::JwsAlg;
use crate::jwa::KeyType;
use crate::jws::{Jws, SignatureEntry, check_header, check_signature, header_alg};
use crate::keys::{Key, KeyOp, KeySet, kid_picks};
use crate::report::{Outcome, Report};

/// Checks that a key may be used with `alg` for `op`: type, JWK `alg`/`use`/`key_ops`, and
/// strength (RFC 7518 3.2 for HMAC, 2048-bit RSA, ROCA). Returns the weakness when a weak key
/// is allowed, for the caller to warn about.
pub fn check_key_fits(
    alg: JwsAlg,
    key: &Key,
    op: KeyOp,
    allow_weak: bool,
) -> Result<Option<String>> {
    if !alg.fits(key.key_type()) {
        return Err(Error::key_of(
            KeyErrorKind::AlgorithmMismatch,
            format!(
                "{alg} needs {}, but the key is {} {}",
                alg.wants(),
                article(&key.describe()),
                key.describe()
            ),
        ));
    }
    if let Some(a) = &key.meta.alg {
        if a != alg.name() {
            return Err(Error::key_of(
                KeyErrorKind::AlgorithmMismatch,
                format!("the key is for algorithm {a:?} (its JWK \"alg\"), not {alg}"),
            ));
        }
    }
    key.permits(op)?;
    if let Some(secret) = key.secret() {
        let need = alg.min_secret_len();
        if secret.len() < need {
            let msg = format!(
                "{alg} needs a secret of at least {need} bytes ({} bits, RFC 7518 3.2); this one has {}",
                need.saturating_mul(8),
                secret.len()
            );
            return if allow_weak {
                Ok(Some(msg))
            } else {
                Err(Error::key_with_remedy(
                    KeyErrorKind::Weak,
                    Remedy::AllowWeakKey,
                    msg,
                ))
            };
        }
        if looks_like_public_key(secret) {
            return Err(Error::key_of(
                KeyErrorKind::AlgorithmMismatch,
                "the HMAC secret is a PEM public key or certificate: that is the algorithm-confusion attack, refused",
            ));
        }
    }
    if let Some((_, msg)) = key.rsa_weakness() {
        return if allow_weak {
            Ok(Some(msg))
        } else {
            Err(Error::key_with_remedy(
                KeyErrorKind::Weak,
                Remedy::AllowWeakKey,
                msg,
            ))
        };
    }
    Ok(None)
}

/// "a 256-bit secret" but "an RSA ...", "an EC ...", "an Ed25519 ...".
fn article(s: &str) -> &'static str {
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        "a"
    } else {
        "an"
    }
}

fn looks_like_public_key(secret: &[u8]) -> bool {
    let s =
        String::from_utf8_lossy(secret.get(..secret.len().min(64)).unwrap_or_default()).to_string();
    s.contains("-----BEGIN") && (s.contains("PUBLIC KEY") || s.contains("CERTIFICATE"))
}

struct Slot {
    key_index: usize,
    alg: JwsAlg,
}

/// Keys prepared for verification: which (key, algorithm) pairs are allowed. Keys are parsed
/// once; each thread that verifies takes a [`Verifiers`] from it, whose prepared verifiers
/// are built on first use and reused for every token after. Cloning is cheap (the keys are
/// shared), so a ring that is replaced (a remote set refreshed) can outlive its users.
#[derive(Clone)]
pub struct KeyRing {
    inner: Arc<RingKeys>,
    /// Warnings about weak keys accepted with `--allow-weak-key`.
    pub warnings: Vec<String>,
}

struct RingKeys {
    keys: Vec<Key>,
    is_set: bool,
    slots: Vec<Slot>,
    allowed: Vec<JwsAlg>,
}

impl KeyRing {
    /// Prepares `set` for the algorithms in `algs` (empty: every algorithm that fits each
    /// key). Fails (exit 2) when no key can verify any allowed algorithm.
    pub fn new(set: KeySet, algs: &[JwsAlg], allow_weak: bool) -> Result<KeyRing> {
        // A published set must never carry a secret, and a set of secrets should stand
        // alone: a mixed one is a publishing mistake, and it lets a token choose between
        // HMAC and a public-key algorithm.
        let secrets = set
            .keys
            .iter()
            .filter(|k| k.key_type() == KeyType::Oct)
            .count();
        if set.is_set && secrets > 0 && secrets < set.keys.len() {
            return Err(Error::key(format!(
                "the key set mixes {secrets} secret (oct) key(s) with {} public-key key(s): a published set must never carry a secret; keep secrets in a set of their own",
                set.keys.len().saturating_sub(secrets)
            )));
        }
        let mut slots = Vec::new();
        let mut warnings = Vec::new();
        let mut first_err = None;
        for (i, key) in set.keys.iter().enumerate() {
            let candidates = if algs.is_empty() {
                JwsAlg::fitting(key.key_type())
            } else {
                algs.to_vec()
            };
            for alg in candidates {
                match check_key_fits(alg, key, KeyOp::Verify, allow_weak) {
                    Ok(w) => {
                        warnings.extend(w);
                        slots.push(Slot { key_index: i, alg });
                    }
                    Err(e) => {
                        first_err.get_or_insert(e);
                    }
                }
            }
        }
        warnings.dedup();
        if slots.is_empty() {
            return Err(
                first_err.unwrap_or_else(|| Error::key("no key can verify any allowed algorithm"))
            );
        }
        let mut allowed: Vec<JwsAlg> = Vec::new();
        for s in &slots {
            if !allowed.contains(&s.alg) {
                allowed.push(s.alg);
            }
        }
        Ok(KeyRing {
            inner: Arc::new(RingKeys {
                keys: set.keys,
                is_set: set.is_set,
                slots,
                allowed,
            }),
            warnings,
        })
    }

    /// The keys of the ring.
    pub fn keys(&self) -> &[Key] {
        &self.inner.keys
    }
}

impl RingKeys {
    fn allowed_names(&self) -> String {
        self.allowed
            .iter()
            .map(|a| a.name())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl KeyRing {
    /// A set of prepared verifiers for one thread, built lazily.
    pub fn verifiers(&self) -> Verifiers {
        Verifiers {
            ring: Arc::clone(&self.inner),
            headers: crate::jws::HeaderCache::default(),
            built: self.inner.slots.iter().map(|_| OnceCell::new()).collect(),
            from_chain: false,
        }
    }

    /// [`KeyRing::verifiers`] for a key that came from the token's own `x5c`, validated
    /// against trust anchors (so the report does not call that header ignored).
    pub fn chain_verifiers(&self) -> Verifiers {
        Verifiers {
            from_chain: true,
            ..self.verifiers()
        }
    }
}

/// Prepared verifiers of one thread, one per allowed (key, algorithm) pair of a [`KeyRing`],
/// each built on first use. (jsonwebtoken's verifiers are not `Send`, so every thread keeps
/// its own; the keys themselves are parsed once, in the ring.)
pub struct Verifiers {
    ring: Arc<RingKeys>,
    /// Headers already decoded by this thread.
    pub(crate) headers: crate::jws::HeaderCache,
    built: Vec<OnceCell<Result<Verifier, String>>>,
    /// The key is the leaf of the token's validated `x5c`.
    from_chain: bool,
}

impl Verifiers {
    fn verifier(&self, index: usize) -> Result<&Verifier, Rejection> {
        let (Some(slot), Some(cell)) = (self.ring.slots.get(index), self.built.get(index)) else {
            return Err(Rejection::new(RejectCode::AlgNotAllowed, "no such key"));
        };
        let key = self.ring.keys.get(slot.key_index);
        let v = cell.get_or_init(|| match key {
            Some(k) => Verifier::new(slot.alg, k).map_err(|e| e.to_string()),
            None => Err("no such key".to_string()),
        });
        v.as_ref()
            .map_err(|e| Rejection::new(RejectCode::AlgNotAllowed, e.clone()))
    }

    /// Verifies one signature entry; returns the key's description on success.
    pub(crate) fn verify_entry(
        &self,
        jws: &Jws,
        entry: &SignatureEntry,
        detached: Option<&[u8]>,
        report: &mut Report,
    ) -> Result<(JwsAlg, Vec<u8>), Rejection> {
        let ring = &*self.ring;
        check_header(entry).map_err(|r| report.fail("header", r))?;
        let alg = header_alg(entry).map_err(|r| report.fail("algorithm", r))?;
        if !ring.allowed.contains(&alg) {
            return Err(report.fail(
                "algorithm",
                Rejection::new(
                    RejectCode::AlgNotAllowed,
                    format!(
                        "token algorithm {alg} is not allowed (allowed: {})",
                        ring.allowed_names()
                    ),
                ),
            ));
        }
        report.add("algorithm", Outcome::Pass, || {
            format!("{alg} is allowed ({})", ring.allowed_names())
        });
        for h in ["jku", "x5u", "jwk", "x5c"] {
            if h == "x5c" && self.from_chain {
                continue;
            }
            if report.recording
                && (entry.protected.contains_key(h) || entry.unprotected.contains_key(h))
            {
                report.add("header", Outcome::Skip, || {
                    format!("\"{h}\" header ignored: keys come only from the caller")
                });
            }
        }

        let kid = entry.kid();
        // Tested key by key, not collected: this runs for every token of a batch.
        let picks = |key_index: usize| {
            ring.keys
                .get(key_index)
                .is_some_and(|k| kid_picks(k, ring.is_set, kid))
        };
        if let Some(kid) = kid {
            if !(0..ring.keys.len()).any(picks) {
                return Err(report.fail("key", Rejection::kid_not_found(kid)));
            }
        }
        // Slot indices whose key the kid picks and whose algorithm is the token's.
        let fitting = || {
            ring.slots
                .iter()
                .enumerate()
                .filter(move |(_, s)| s.alg == alg && picks(s.key_index))
                .map(|(i, _)| i)
        };
        if fitting().next().is_none() {
            let what = match (ring.is_set, kid) {
                (true, Some(k)) => format!("the key with kid {:?}", crate::sanitize::sanitize(k)),
                _ => ring
                    .keys
                    .first()
                    .map(|k| format!("the key ({})", k.describe()))
                    .unwrap_or_default(),
            };
            return Err(report.fail(
                "key",
                Rejection::new(
                    RejectCode::AlgNotAllowed,
                    format!("token algorithm {alg} does not fit {what}"),
                ),
            ));
        }
        let payload = jws
            .payload(entry.b64(), detached)
            .map_err(|r| report.fail("payload", r))?;
        for index in fitting() {
            let verifier = self.verifier(index).map_err(|r| report.fail("key", r))?;
            if check_signature(entry, jws.signed_segment(detached), &payload, verifier) {
                let key_index = ring.slots.get(index).map_or(usize::MAX, |s| s.key_index);
                report.add("signature", Outcome::Pass, || {
                    let desc = ring.keys.get(key_index).map(|k| {
                        let kid = k
                            .meta
                            .kid
                            .as_deref()
                            .map(|k| format!(" (kid {:?})", crate::sanitize::sanitize(k)))
                            .unwrap_or_default();
                        let thumb = k
                            .thumbprint()
                            .map(|t| format!(", thumbprint {t}"))
                            .unwrap_or_default();
                        format!("{}{kid}{thumb}", k.describe())
                    });
                    format!("{alg} signature valid with {}", desc.unwrap_or_default())
                });
                return Ok((alg, payload));
            }
        }
        let tried = match fitting().count() {
            1 => "the key".to_string(),
            n => format!("any of {n} keys"),
        };
        // `header..signature` is an empty payload, but it is also how detached content
        // (RFC 7515 appendix F) looks: say how to supply it.
        let hint = if detached.is_none() && jws.payload_segment.as_deref() == Some("") {
            " (the payload is empty)"
        } else {
            ""
        };
        let mut r = Rejection::new(
            RejectCode::BadSignature,
            format!("{alg} signature does not verify with {tried}{hint}"),
        );
        if !hint.is_empty() {
            r = r.with_remedy(Remedy::GiveDetachedPayload);
        }
        Err(report.fail("signature", r))
    }
}
