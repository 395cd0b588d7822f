//! Introspection (RFC 7662) and revocation (RFC 7009), both client-authenticated, and the one
//! check of "is this a live token of mine" that they, userinfo and token exchange share:
//! the signature by the issuer's own keys, `iss`, `exp`, and not revoked.

use serde_json::{Map, Value, json};

use super::keys::digest;
use super::request::required;
use super::store::FAMILY_TTL;
use super::{Issuer, OAuthError, TokenRequest};
use crate::error::{RejectCode, Rejection};
use crate::jwt::{ClaimRules, verify_token};
use crate::report::Report;

impl Issuer {
    /// The claims of `token` when this issuer signed it, it has not expired (unless
    /// `ignore_exp`) and it is not revoked; `typ` is checked when given.
    pub(super) fn verify_own(
        &self,
        token: &str,
        now: i64,
        typ: Option<&str>,
    ) -> Result<Map<String, Value>, Rejection> {
        let rules = ClaimRules {
            iss: vec![self.cfg.issuer.clone()],
            any_aud: true,
            typ: typ.map(str::to_string),
            require: vec!["sub".into(), "exp".into()],
            now,
            ..ClaimRules::default()
        };
        let verified = verify_token(
            token,
            &self.ring.verifiers(),
            &rules,
            None,
            true,
            &mut Report::default(),
        )?;
        let claims = verified.claims.unwrap_or_default();
        let jti = claims
            .get("jti")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let revoked = self
            .store
            .lock()
            .map(|s| !jti.is_empty() && s.is_revoked(jti))
            .unwrap_or(true);
        if revoked {
            return Err(Rejection::new(RejectCode::Revoked, "the token is revoked"));
        }
        Ok(claims)
    }

    fn endpoint_client(
        &self,
        req: &TokenRequest,
        member: &str,
        now: i64,
    ) -> Result<String, OAuthError> {
        let client = self.authenticate(req, &self.endpoint(member), now)?;
        if client.public && !self.cfg.clients.is_empty() {
            return Err(OAuthError::invalid_client(
                "a public client cannot authenticate here: use a confidential client",
            ));
        }
        Ok(client.id.unwrap_or_default())
    }

    /// Answers `/introspect`.
    pub fn introspect(&self, req: &TokenRequest, now: i64) -> Result<Value, OAuthError> {
        self.endpoint_client(req, "introspection_endpoint", now)?;
        let token = required(&req.form, "token")?;
        let inactive = json!({"active": false});
        // A refresh token: opaque, known by its digest.
        if let Ok(store) = self.store.lock() {
            if let Some(f) = store
                .refresh
                .get(&digest(token))
                .and_then(|id| store.families.get(id))
            {
                let exp = f.created.saturating_add(FAMILY_TTL);
                let live = !f.revoked && f.current == digest(token) && now < exp;
                if !live {
                    return Ok(inactive);
                }
                let mut out = json!({
                    "active": true,
                    "token_type": "refresh_token",
                    "client_id": f.client_id,
                    "sub": f.sign_in.sub,
                    "iss": self.cfg.issuer,
                    "exp": exp,
                    "iat": f.created,
                });
                if let (false, Some(o)) = (f.scope.is_empty(), out.as_object_mut()) {
                    o.insert("scope".into(), f.scope.clone().into());
                }
                return Ok(out);
            }
        }
        let Ok(claims) = self.verify_own(token, now, Some("at+jwt")) else {
            return Ok(inactive);
        };
        let mut out = Map::new();
        out.insert("active".into(), true.into());
        for k in [
            "scope",
            "client_id",
            "sub",
            "aud",
            "iss",
            "exp",
            "iat",
            "jti",
            "cnf",
            "act",
        ] {
            if let Some(v) = claims.get(k) {
                out.insert(k.into(), v.clone());
            }
        }
        let bound = claims.get("cnf").and_then(|c| c.get("jkt")).is_some();
        out.insert(
            "token_type".into(),
            if bound { "DPoP" } else { "Bearer" }.into(),
        );
        Ok(Value::Object(out))
    }

    /// Answers `/revoke`: a refresh token revokes its family, an access token its `jti`;
    /// unknown tokens and other clients' tokens are answered the same (RFC 7009 2.2).
    pub fn revoke(&self, req: &TokenRequest, now: i64) -> Result<(), OAuthError> {
        let client = self.endpoint_client(req, "revocation_endpoint", now)?;
        let token = required(&req.form, "token")?;
        let any_client = self.cfg.clients.is_empty();
        let mut store = self.state()?;
        if let Some(id) = store.refresh.get(&digest(token)).cloned() {
            if store
                .families
                .get(&id)
                .is_some_and(|f| any_client || f.client_id == client)
            {
                store.revoke_family(&id);
            }
            return Ok(());
        }
        drop(store);
        // An access token: its signature must be ours; expiry does not matter.
        let rules = ClaimRules {
            iss: vec![self.cfg.issuer.clone()],
            any_aud: true,
            ignore_exp: true,
            now,
            ..ClaimRules::default()
        };
        if let Ok(v) = verify_token(
            token,
            &self.ring.verifiers(),
            &rules,
            None,
            true,
            &mut Report::default(),
        ) {
            let claims = v.claims.unwrap_or_default();
            let owner = claims
                .get("client_id")
                .and_then(Value::as_str)
                .unwrap_or_default();
            if let (Some(jti), true) = (
                claims.get("jti").and_then(Value::as_str),
                any_client || owner == client,
            ) {
                let exp = claims.get("exp").and_then(Value::as_i64).unwrap_or(now);
                let mut store = self.state()?;
                store.revoke_jti(jti.to_string(), exp, now);
            }
        }
        Ok(())
    }
}
