//! Token exchange (RFC 8693): a `subject_token` this issuer signed (an access or ID token),
//! optionally with an `actor_token`, becomes a new access token for the requested `audience`,
//! `resource` and `scope`; the actor is recorded in `act` (nested when the subject token was
//! already delegated).

use serde_json::{Map, Value, json};

use super::clients::Authenticated;
use super::grants::{AccessSpec, invalid_grant};
use super::request::param;
use super::{Issuer, OAuthError, TokenRequest};

/// The token-exchange `grant_type`.
pub const EXCHANGE_GRANT: &str = "urn:ietf:params:oauth:grant-type:token-exchange";
const ACCESS_TOKEN_TYPE: &str = "urn:ietf:params:oauth:token-type:access_token";
/// Token types a subject or actor token may have.
const INPUT_TYPES: &[&str] = &[
    ACCESS_TOKEN_TYPE,
    "urn:ietf:params:oauth:token-type:jwt",
    "urn:ietf:params:oauth:token-type:id_token",
];

impl Issuer {
    /// Verifies an input token of the exchange: `what` names it in errors.
    fn exchange_input(
        &self,
        req: &TokenRequest,
        what: &str,
        now: i64,
    ) -> Result<Option<Map<String, Value>>, OAuthError> {
        let Some(token) = param(&req.form, what) else {
            return Ok(None);
        };
        let kind_name = format!("{what}_type");
        let kind = param(&req.form, &kind_name)
            .ok_or_else(|| OAuthError::invalid_request(format!("{kind_name} is missing")))?;
        if !INPUT_TYPES.contains(&kind) {
            return Err(OAuthError::invalid_request(format!(
                "{kind_name} {kind:?} is not supported; use one of {}",
                INPUT_TYPES.join(", ")
            )));
        }
        let claims = self
            .verify_own(token, now, None)
            .map_err(|r| invalid_grant(format!("{what}: {}", r.message)))?;
        Ok(Some(claims))
    }

    /// The token endpoint's token-exchange grant.
    pub(super) fn exchange(
        &self,
        client: &Authenticated,
        req: &TokenRequest,
        jkt: Option<&str>,
        now: i64,
    ) -> Result<Value, OAuthError> {
        let client_id = Self::client_id(client)?.to_string();
        let subject = self
            .exchange_input(req, "subject_token", now)?
            .ok_or_else(|| OAuthError::invalid_request("subject_token is missing"))?;
        if param(&req.form, "actor_token_type").is_some()
            && param(&req.form, "actor_token").is_none()
        {
            return Err(OAuthError::invalid_request(
                "actor_token_type without actor_token",
            ));
        }
        let actor = self.exchange_input(req, "actor_token", now)?;
        if let Some(t) = param(&req.form, "requested_token_type") {
            if t != ACCESS_TOKEN_TYPE && t != "urn:ietf:params:oauth:token-type:jwt" {
                return Err(OAuthError::invalid_request(format!(
                    "requested_token_type {t:?} is not issued here; this issuer issues access tokens"
                )));
            }
        }
        let text =
            |m: &Map<String, Value>, k: &str| m.get(k).and_then(Value::as_str).map(str::to_string);
        let sub = text(&subject, "sub").ok_or_else(|| invalid_grant("subject_token has no sub"))?;
        let granted = text(&subject, "scope");
        let scope = match (param(&req.form, "scope"), &granted) {
            (Some(asked), Some(had)) => {
                let had: Vec<&str> = had.split(' ').collect();
                if let Some(extra) = asked.split(' ').find(|s| !s.is_empty() && !had.contains(s)) {
                    return Err(OAuthError::new(
                        400,
                        "invalid_scope",
                        format!("scope {extra:?} is not in the subject token's scope"),
                    ));
                }
                Some(asked.to_string())
            }
            (Some(asked), None) => Some(asked.to_string()),
            (None, had) => had.clone(),
        };
        let mut extra = vec![("client_id".to_string(), Value::from(client_id.clone()))];
        if let Some(s) = &scope {
            extra.push(("scope".into(), s.clone().into()));
        }
        if let Some(actor) = &actor {
            let mut act = Map::new();
            act.insert(
                "sub".into(),
                text(actor, "sub")
                    .ok_or_else(|| invalid_grant("actor_token has no sub"))?
                    .into(),
            );
            if let Some(prior) = subject.get("act") {
                act.insert("act".into(), prior.clone());
            }
            extra.push(("act".into(), Value::Object(act)));
        } else if let Some(prior) = subject.get("act") {
            extra.push(("act".into(), prior.clone()));
        }
        let spec = AccessSpec {
            client_id: &client_id,
            sub,
            aud: self.audience(req, &[]),
            extra,
            jkt,
        };
        let (token, _, _) = self.access_token(spec, now)?;
        let mut body = self.token_body(token, jkt, scope.as_deref().unwrap_or_default());
        if let Some(obj) = body.as_object_mut() {
            obj.insert("issued_token_type".into(), json!(ACCESS_TOKEN_TYPE));
        }
        Ok(body)
    }
}
