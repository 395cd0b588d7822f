//! Client authentication by JWT (RFC 7523 2.2, OpenID Connect Core 9): `client_secret_jwt`
//! (HMAC with the client's secret) and `private_key_jwt` (the client's `jwks`, or its
//! `jwks_uri` fetched with the remote-keys client). Checked by the one JWT verifier: the
//! signature, `iss` = `sub` = the client id, `aud` (the issuer or the endpoint asked), `exp`,
//! and a `jti` not seen before within the assertion's life.

use std::time::Instant;

use serde_json::Value;

use super::clients::Client;
use super::{Issuer, OAuthError};
use crate::jwa::JwsAlg;
use crate::jwt::{ClaimRules, verify_token};
use crate::keys::{Key, KeySet};
use crate::report::Report;
use crate::verify::KeyRing;

/// The `client_assertion_type` of RFC 7523.
pub const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
/// A client's fetched key set is used this long before it is fetched again, seconds.
const JWKS_TTL: u64 = 300;
/// Least time between two fetches of a client's key set for a key it lacks, seconds.
const JWKS_COOLDOWN: u64 = 10;
/// Assertion ids remembered for replay detection.
pub(super) const JTI_CAP: usize = 100_000;

fn bad(msg: impl Into<String>) -> OAuthError {
    OAuthError::invalid_client(msg)
}

/// The `iss` of an assertion, read before verification only to find the client.
pub(super) fn claimed_client(assertion: &str) -> Option<String> {
    let payload = assertion.split('.').nth(1)?;
    let bytes = crate::encoding::b64url_decode(payload).ok()?;
    let claims: Value = serde_json::from_slice(&bytes).ok()?;
    claims.get("iss")?.as_str().map(str::to_string)
}

fn header_alg(assertion: &str) -> Option<String> {
    let head = assertion.split('.').next()?;
    let bytes = crate::encoding::b64url_decode(head).ok()?;
    let h: Value = serde_json::from_slice(&bytes).ok()?;
    h.get("alg")?.as_str().map(str::to_string)
}

impl Issuer {
    /// The ring that verifies `client`'s `private_key_jwt` assertions; `fresh` fetches its
    /// `jwks_uri` again (within a cooldown).
    fn client_ring(&self, client: &Client, fresh: bool) -> Result<KeyRing, OAuthError> {
        if let Some(jwks) = &client.jwks {
            let set = crate::keys::load_key_bytes(jwks.as_bytes(), "the client's jwks", None)
                .map_err(|e| bad(format!("the client's jwks: {e}")))?;
            return KeyRing::new(set, &[], false)
                .map_err(|e| bad(format!("the client's jwks: {e}")));
        }
        let Some(uri) = &client.jwks_uri else {
            return Err(bad(
                "the client has no jwks or jwks_uri to verify its assertion",
            ));
        };
        let now = Instant::now();
        if let Ok(cache) = self.client_keys.lock() {
            if let Some((at, ring)) = cache.get(uri) {
                let age = now.saturating_duration_since(*at).as_secs();
                if age < JWKS_TTL && (!fresh || age < JWKS_COOLDOWN) {
                    return Ok(ring.clone());
                }
            }
        }
        let fetcher = self
            .fetcher
            .as_ref()
            .ok_or_else(|| bad("the client's jwks_uri cannot be fetched here"))?;
        let url =
            crate::remote::RemoteUrl::parse(uri).map_err(|e| bad(format!("jwks_uri: {e}")))?;
        let fetched = fetcher
            .get(&url, true, &|body| {
                crate::remote::parse_key_set(body, &url, false).map(|(s, _)| s.keys.len())
            })
            .map_err(|e| bad(format!("the client's jwks_uri: {e}")))?;
        let (set, _) = crate::remote::parse_key_set(&fetched.body, &url, false)
            .map_err(|e| bad(format!("the client's jwks_uri: {e}")))?;
        let ring = KeyRing::new(set, &[], false)
            .map_err(|e| bad(format!("the client's jwks_uri: {e}")))?;
        if let Ok(mut cache) = self.client_keys.lock() {
            cache.insert(uri.clone(), (now, ring.clone()));
        }
        Ok(ring)
    }

    /// Checks a client assertion for `client` at `endpoint` (the URL asked); returns the
    /// method it authenticates by.
    pub(super) fn check_assertion(
        &self,
        client: &Client,
        assertion: &str,
        endpoint: &str,
        now: i64,
    ) -> Result<&'static str, OAuthError> {
        let alg = header_alg(assertion).unwrap_or_default();
        let hmac = alg.starts_with("HS");
        let method = if hmac {
            "client_secret_jwt"
        } else {
            "private_key_jwt"
        };
        if let Some(want) = &client.auth_method {
            if want != method {
                return Err(bad(format!(
                    "client {:?} is registered for {want}, and used {method}",
                    client.id
                )));
            }
        }
        let rules = ClaimRules {
            iss: vec![client.id.clone()],
            sub: Some(client.id.clone()),
            aud: vec![
                self.cfg.issuer.clone(),
                self.token_endpoint(),
                endpoint.to_string(),
            ],
            require: vec!["exp".into(), "jti".into()],
            now,
            ..ClaimRules::default()
        };
        let verify = |ring: &KeyRing| {
            verify_token(
                assertion,
                &ring.verifiers(),
                &rules,
                None,
                true,
                &mut Report::default(),
            )
        };
        let verified = if hmac {
            let Some(secret) = &client.secret else {
                return Err(bad(format!(
                    "client {:?} has no secret, so it cannot use client_secret_jwt",
                    client.id
                )));
            };
            let algs = [JwsAlg::HS256, JwsAlg::HS384, JwsAlg::HS512];
            let ring = KeyRing::new(
                KeySet {
                    keys: vec![Key::from_secret(secret.as_bytes().to_vec())],
                    is_set: false,
                },
                &algs,
                true,
            )
            .map_err(|e| bad(e.to_string()))?;
            verify(&ring).map_err(|r| bad(format!("client assertion: {}", r.message)))?
        } else {
            let ring = self.client_ring(client, false)?;
            match verify(&ring) {
                Ok(v) => v,
                Err(r) if r.code == crate::RejectCode::KidNotFound && client.jwks_uri.is_some() => {
                    let ring = self.client_ring(client, true)?;
                    verify(&ring).map_err(|r| bad(format!("client assertion: {}", r.message)))?
                }
                Err(r) => return Err(bad(format!("client assertion: {}", r.message))),
            }
        };
        let claims = verified.claims.unwrap_or_default();
        let jti = claims
            .get("jti")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let exp = claims.get("exp").and_then(Value::as_i64).unwrap_or(now);
        let mut store = self.state()?;
        if !store.remember_assertion(&client.id, jti, exp, now) {
            return Err(bad("client assertion replayed: its jti was seen before"));
        }
        Ok(method)
    }
}
