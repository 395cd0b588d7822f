//! What the control API steers in the issuer: claims queued for the next tokens, the clock
//! shift, revoke-all, reset, and flawed tokens for negative tests — each a token like this
//! server's client-credentials token with exactly the one flaw named.

use std::sync::atomic::Ordering;

use serde_json::{Map, Value, json};

use super::keys::{random, server_error};
use super::store::{QUEUED_CAP, Queued};
use super::{Issuer, OAuthError};
use crate::crypto::Signer;
use crate::encoding::b64url;
use crate::jwa::{EcCurve, JwsAlg, KeyType};
use crate::jws::sign_compact;

/// The flaws `flawed-token` makes.
pub const FLAWS: &[&str] = &[
    "expired",
    "not_yet_valid",
    "wrong_iss",
    "wrong_aud",
    "unknown_kid",
    "bad_signature",
    "alg_none",
    "hmac_with_public_key",
    "missing_exp",
    "wrong_typ",
    "embedded_jwk",
];

fn compact(
    header: &Map<String, Value>,
    claims: &Map<String, Value>,
    signer: Option<&Signer>,
) -> Result<String, OAuthError> {
    let payload = serde_json::to_vec(claims).map_err(server_error)?;
    sign_compact(&payload, header.clone(), signer).map_err(server_error)
}

impl Issuer {
    /// Queues `claims` for the next `count` access tokens (of `client_id`, or of any client).
    pub fn queue_claims(
        &self,
        claims: Map<String, Value>,
        count: u32,
        client_id: Option<String>,
    ) -> Result<(), String> {
        let mut store = self
            .store
            .lock()
            .map_err(|_| "the issuer's state is unavailable".to_string())?;
        if store.queued.len() >= QUEUED_CAP {
            return Err(format!("{QUEUED_CAP} claim sets are queued already"));
        }
        store.queued.push(Queued {
            client_id,
            claims,
            remaining: count,
        });
        Ok(())
    }

    /// Sets the clock shift (seconds added to the real time); 0 restores it.
    pub fn set_clock_shift(&self, seconds: i64) {
        self.shift.store(seconds, Ordering::Relaxed);
    }

    /// Revokes every token issued so far: access tokens by `jti`, refresh-token families.
    pub fn revoke_all(&self, now: i64) {
        if let Ok(mut store) = self.store.lock() {
            let issued: Vec<(String, i64)> = store.issued.drain(..).collect();
            for (jti, exp) in issued {
                store.revoke_jti(jti, exp, now);
            }
            let ids: Vec<String> = store.families.keys().cloned().collect();
            for id in ids {
                store.revoke_family(&id);
            }
        }
    }

    /// Drops queued claims and the clock shift.
    pub fn reset(&self) {
        self.set_clock_shift(0);
        if let Ok(mut store) = self.store.lock() {
            store.queued.clear();
        }
    }

    /// A token like this server's client-credentials token with only the flaw named.
    pub fn flawed_token(&self, flaw: &str, now: i64) -> Result<String, OAuthError> {
        if !FLAWS.contains(&flaw) {
            return Err(OAuthError::invalid_request(format!(
                "flaw {flaw:?} is unknown; one of {}",
                FLAWS.join(", ")
            )));
        }
        let lifetime = i64::try_from(self.cfg.lifetime).unwrap_or(i64::MAX);
        let mut claims = Map::new();
        claims.insert("iss".into(), self.cfg.issuer.clone().into());
        claims.insert("sub".into(), "flawed-token".into());
        match self.cfg.aud.as_slice() {
            [] => {}
            [one] => {
                claims.insert("aud".into(), one.clone().into());
            }
            many => {
                claims.insert("aud".into(), json!(many));
            }
        }
        claims.insert("client_id".into(), "flawed-token".into());
        claims.insert("iat".into(), now.into());
        claims.insert("exp".into(), now.saturating_add(lifetime).into());
        claims.insert("jti".into(), random(16)?.into());
        let mut header = Map::new();
        header.insert("alg".into(), self.signing.alg.name().into());
        header.insert("typ".into(), "at+jwt".into());
        header.insert("kid".into(), self.signing.kid.clone().into());
        let signer = || Signer::new(self.signing.alg, &self.signing.key).map_err(server_error);
        match flaw {
            "expired" => {
                claims.insert(
                    "iat".into(),
                    now.saturating_sub(lifetime).saturating_sub(3600).into(),
                );
                claims.insert("exp".into(), now.saturating_sub(3600).into());
            }
            "not_yet_valid" => {
                claims.insert("nbf".into(), now.saturating_add(3600).into());
            }
            "wrong_iss" => {
                claims.insert("iss".into(), "https://wrong-issuer.invalid".into());
            }
            "wrong_aud" => {
                claims.insert("aud".into(), "https://wrong-audience.invalid".into());
            }
            "unknown_kid" => {
                header.insert("kid".into(), format!("unknown-{}", random(8)?).into());
            }
            "missing_exp" => {
                claims.remove("exp");
            }
            "wrong_typ" => {
                header.insert("typ".into(), "JWT".into());
            }
            "alg_none" => {
                header.insert("alg".into(), "none".into());
                return compact(&header, &claims, None);
            }
            "bad_signature" => {
                let token = compact(&header, &claims, Some(&signer()?))?;
                let (input, sig) = token.rsplit_once('.').unwrap_or((&token, ""));
                let mut bytes = crate::encoding::b64url_decode(sig).map_err(server_error)?;
                if let Some(b) = bytes.first_mut() {
                    *b ^= 0x01;
                }
                return Ok(format!("{input}.{}", b64url(bytes)));
            }
            "hmac_with_public_key" => {
                if self.signing.key.key_type() == KeyType::Oct {
                    return Err(OAuthError::invalid_request(
                        "hmac_with_public_key needs a public signing key; this issuer signs with a secret",
                    ));
                }
                let der = self.signing.key.spki_der().map_err(server_error)?;
                let pem = pem_public_key(&der);
                let hmac = crate::keys::Key::from_secret(pem.into_bytes());
                header.insert("alg".into(), "HS256".into());
                let s = Signer::new(JwsAlg::HS256, &hmac).map_err(server_error)?;
                return compact(&header, &claims, Some(&s));
            }
            "embedded_jwk" => {
                let fresh = crate::keygen::generate(crate::keygen::KeySpec::Ec(EcCurve::P256))
                    .map_err(server_error)?;
                let kid = fresh.thumbprint().map_err(server_error)?;
                let jwk = crate::jwks::member(
                    &fresh,
                    Some(&kid),
                    &crate::jwks::MemberOptions {
                        private: false,
                        use_: None,
                        alg: None,
                    },
                )
                .map_err(server_error)?;
                header.insert("alg".into(), "ES256".into());
                header.insert("kid".into(), kid.into());
                header.insert("jwk".into(), Value::Object(jwk));
                let s = Signer::new(JwsAlg::ES256, &fresh).map_err(server_error)?;
                return compact(&header, &claims, Some(&s));
            }
            _ => {}
        }
        compact(&header, &claims, Some(&signer()?))
    }
}

/// A SubjectPublicKeyInfo as PEM text, as a key file holds it.
fn pem_public_key(der: &[u8]) -> String {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut pem = String::from("-----BEGIN PUBLIC KEY-----\n");
    let mut rest = b64.as_str();
    while !rest.is_empty() {
        let (line, tail) = rest.split_at(rest.len().min(64));
        pem.push_str(line);
        pem.push('\n');
        rest = tail;
    }
    pem.push_str("-----END PUBLIC KEY-----\n");
    pem
}
