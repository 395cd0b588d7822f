//! DPoP at the issuer (RFC 9449): proofs at the token endpoint (bound tokens get `cnf.jkt`),
//! optional server nonces (`use_dpop_nonce`, rotated every few minutes, the previous one still
//! accepted), and proof replay detection. Proofs are checked by the library's `dpop` module.

use super::keys::random;
use super::{Issuer, OAuthError, TokenRequest};
use crate::dpop::{Proof, ProofRules, check, nonce_problem};
use crate::error::Rejection;

/// How long a server nonce is current, seconds.
const NONCE_PERIOD: i64 = 300;
/// Oldest proof accepted, seconds.
pub(super) const PROOF_MAX_AGE: u64 = 300;
/// Clock skew allowed for a proof from the future, seconds.
const PROOF_LEEWAY: u64 = 60;

impl Issuer {
    /// The current DPoP server nonce, when the issuer demands nonces (`--dpop-nonce`).
    pub fn dpop_nonce(&self, now: i64) -> Option<String> {
        if !self.cfg.dpop_nonce {
            return None;
        }
        self.nonces(now).map(|(current, _)| current)
    }

    fn nonces(&self, now: i64) -> Option<(String, String)> {
        let mut store = self.store.lock().ok()?;
        let stale = match &store.nonces {
            Some((_, _, since)) => now.saturating_sub(*since) >= NONCE_PERIOD || *since > now,
            None => true,
        };
        if stale {
            let next = random(16).ok()?;
            let previous = store
                .nonces
                .take()
                .map(|(c, _, _)| c)
                .unwrap_or_else(|| next.clone());
            store.nonces = Some((next, previous, now));
        }
        store
            .nonces
            .as_ref()
            .map(|(c, p, _)| (c.clone(), p.clone()))
    }

    /// Checks a proof for a request to `htu` with `htm`, carrying `access_token` when given.
    pub(super) fn check_proof(
        &self,
        proof: &str,
        htm: &str,
        htu: &str,
        access_token: Option<&str>,
        now: i64,
    ) -> Result<Proof, Rejection> {
        let nonces = if self.cfg.dpop_nonce {
            self.nonces(now)
        } else {
            None
        };
        let rules = ProofRules {
            htm: htm.into(),
            htu: htu.into(),
            max_age: PROOF_MAX_AGE,
            leeway: PROOF_LEEWAY,
            nonce: nonces.as_ref().map(|(c, _)| c.clone()),
            access_token: access_token.map(str::to_string),
            algs: Vec::new(),
            now,
        };
        match check(proof, &rules) {
            Err(r) if nonce_problem(&r) => match nonces {
                Some((_, previous)) => check(
                    proof,
                    &ProofRules {
                        nonce: Some(previous),
                        ..rules
                    },
                ),
                None => Err(r),
            },
            other => other,
        }
    }

    /// The proof of a token request, checked; `None` when the request carries none.
    pub(super) fn token_proof(
        &self,
        req: &TokenRequest,
        now: i64,
    ) -> Result<Option<Proof>, OAuthError> {
        let Some(proof) = &req.dpop else {
            return Ok(None);
        };
        let p = self
            .check_proof(proof, "POST", &self.token_endpoint(), None, now)
            .map_err(|r| {
                if nonce_problem(&r) {
                    OAuthError::new(400, "use_dpop_nonce", r.message)
                } else {
                    OAuthError::new(400, "invalid_dpop_proof", r.message)
                }
            })?;
        let until = p
            .iat
            .saturating_add(i64::try_from(PROOF_MAX_AGE.saturating_add(PROOF_LEEWAY)).unwrap_or(0));
        let mut store = self.state()?;
        if !store.remember_proof(&p.jti, until, now) {
            return Err(OAuthError::new(
                400,
                "invalid_dpop_proof",
                "the DPoP proof was used before (its jti is replayed)",
            ));
        }
        Ok(Some(p))
    }
}
