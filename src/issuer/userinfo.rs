//! `/userinfo` (OpenID Connect Core 5.3): a bearer access token of this issuer (RFC 6750),
//! verified with the issuer's own published keys by the library's one JWT verifier, answered
//! with the user's claims by the token's scope.

use serde_json::{Map, Value};

use super::users::by_scope;
use super::{Issuer, OAuthError};
use crate::jwt::{ClaimRules, verify_token};
use crate::report::Report;

/// A refused userinfo request: the status and the `WWW-Authenticate` challenge's parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BearerError {
    /// 400, 401 or 403.
    pub status: u16,
    /// The RFC 6750 3.1 code (`invalid_request`, `invalid_token`, `insufficient_scope`), or
    /// none when no token was sent at all.
    pub error: Option<&'static str>,
    /// `error_description`.
    pub description: String,
}

impl BearerError {
    fn new(status: u16, error: &'static str, description: impl Into<String>) -> Self {
        BearerError {
            status,
            error: Some(error),
            description: description.into(),
        }
    }

    /// The `WWW-Authenticate` header value.
    pub fn challenge(&self) -> String {
        match self.error {
            None => "Bearer realm=\"jwtctl\"".into(),
            Some(e) => format!(
                "Bearer realm=\"jwtctl\", error=\"{e}\", error_description=\"{}\"",
                self.description.replace(['"', '\\'], "'")
            ),
        }
    }

    /// The JSON body.
    pub fn body(&self) -> Value {
        OAuthError::new(
            self.status,
            self.error.unwrap_or("invalid_request"),
            self.description.clone(),
        )
        .body()
    }
}

impl Issuer {
    /// Answers userinfo: `authorization` is the header, `form_token` an `access_token` form
    /// parameter (RFC 6750 2.2).
    pub fn userinfo(
        &self,
        authorization: Option<&str>,
        form_token: Option<&str>,
        now: i64,
    ) -> Result<Value, BearerError> {
        let header_token = match authorization {
            Some(h) => {
                let (scheme, value) = h.trim().split_once(' ').unwrap_or((h.trim(), ""));
                if !scheme.eq_ignore_ascii_case("bearer") {
                    return Err(BearerError::new(
                        401,
                        "invalid_request",
                        format!("the Authorization scheme must be Bearer, not {scheme:?}"),
                    ));
                }
                Some(value.trim())
            }
            None => None,
        };
        let token = match (header_token, form_token) {
            (Some(_), Some(_)) => {
                return Err(BearerError::new(
                    400,
                    "invalid_request",
                    "the access token was sent twice (header and form): use one",
                ));
            }
            (Some(t), None) | (None, Some(t)) => t,
            (None, None) => {
                return Err(BearerError {
                    status: 401,
                    error: None,
                    description: "an access token is required".into(),
                });
            }
        };
        let rules = ClaimRules {
            iss: vec![self.cfg.issuer.clone()],
            any_aud: true,
            typ: Some("at+jwt".into()),
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
        )
        .map_err(|r| BearerError::new(401, "invalid_token", r.message))?;
        let claims = verified.claims.unwrap_or_default();
        let text = |k: &str| claims.get(k).and_then(Value::as_str).unwrap_or_default();
        let store = self.store.lock().map_err(|_| {
            BearerError::new(500, "invalid_request", "the issuer's state is unavailable")
        })?;
        if store.is_revoked(text("jti")) {
            return Err(BearerError::new(
                401,
                "invalid_token",
                "the access token is revoked",
            ));
        }
        let scopes: Vec<&str> = text("scope").split(' ').filter(|s| !s.is_empty()).collect();
        if !scopes.contains(&"openid") {
            return Err(BearerError::new(
                403,
                "insufficient_scope",
                "userinfo needs a token with the openid scope",
            ));
        }
        let sub = text("sub");
        let user = self.user_claims(&store, sub).unwrap_or_default();
        let mut out = Map::new();
        out.insert("sub".into(), sub.into());
        out.extend(by_scope(&user, &scopes));
        Ok(Value::Object(out))
    }
}
