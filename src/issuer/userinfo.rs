//! `/userinfo` (OpenID Connect Core 5.3): an access token of this issuer, as a bearer token
//! (RFC 6750) or DPoP-bound with its proof (RFC 9449 7), verified with the issuer's own keys by
//! the library's one JWT verifier, answered with the user's claims by the token's scope.

use serde_json::{Map, Value};

use super::users::by_scope;
use super::{Issuer, OAuthError};
use crate::dpop::{check_binding, nonce_problem};

/// A refused userinfo request: the status and the `WWW-Authenticate` challenge's parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BearerError {
    /// `Bearer` or `DPoP`: the scheme of the challenge.
    pub scheme: &'static str,
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
            scheme: "Bearer",
            status,
            error: Some(error),
            description: description.into(),
        }
    }

    fn dpop(mut self) -> Self {
        self.scheme = "DPoP";
        self
    }

    /// The `WWW-Authenticate` header value.
    pub fn challenge(&self) -> String {
        let algs = if self.scheme == "DPoP" {
            ", algs=\"ES256 ES384 ES512 RS256 PS256 EdDSA\""
        } else {
            ""
        };
        match self.error {
            None => format!("{} realm=\"jwtctl\"{algs}", self.scheme),
            Some(e) => format!(
                "{} realm=\"jwtctl\", error=\"{e}\", error_description=\"{}\"{algs}",
                self.scheme,
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
    /// parameter (RFC 6750 2.2), `dpop` the `DPoP` header of a request with method `htm`.
    pub fn userinfo(
        &self,
        authorization: Option<&str>,
        form_token: Option<&str>,
        dpop: Option<&str>,
        htm: &str,
        now: i64,
    ) -> Result<Value, BearerError> {
        let (scheme, header_token) = match authorization {
            Some(h) => {
                let (scheme, value) = h.trim().split_once(' ').unwrap_or((h.trim(), ""));
                let dpop_scheme = scheme.eq_ignore_ascii_case("dpop");
                if !scheme.eq_ignore_ascii_case("bearer") && !dpop_scheme {
                    return Err(BearerError::new(
                        401,
                        "invalid_request",
                        format!("the Authorization scheme must be Bearer or DPoP, not {scheme:?}"),
                    ));
                }
                (
                    if dpop_scheme { "DPoP" } else { "Bearer" },
                    Some(value.trim()),
                )
            }
            None => ("Bearer", None),
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
                    scheme: "Bearer",
                    status: 401,
                    error: None,
                    description: "an access token is required".into(),
                });
            }
        };
        let claims = self
            .verify_own(token, now, Some("at+jwt"))
            .map_err(|r| BearerError::new(401, "invalid_token", r.message))?;
        let bound = claims.get("cnf").and_then(|c| c.get("jkt")).is_some();
        match (bound, scheme) {
            (true, "Bearer") => {
                return Err(BearerError::new(
                    401,
                    "invalid_token",
                    "the access token is DPoP-bound: send it with the DPoP scheme and a proof",
                )
                .dpop());
            }
            (false, "DPoP") => {
                return Err(BearerError::new(
                    401,
                    "invalid_token",
                    "the access token is not DPoP-bound: send it with the Bearer scheme",
                ));
            }
            (true, _) => {
                let proof = dpop.ok_or_else(|| {
                    BearerError::new(401, "invalid_dpop_proof", "a DPoP proof is required").dpop()
                })?;
                let htu = self.endpoint("userinfo_endpoint");
                let p = self
                    .check_proof(proof, htm, &htu, Some(token), now)
                    .map_err(|r| {
                        let code = if nonce_problem(&r) {
                            "use_dpop_nonce"
                        } else {
                            "invalid_dpop_proof"
                        };
                        BearerError::new(401, code, r.message).dpop()
                    })?;
                check_binding(&claims, &p)
                    .map_err(|r| BearerError::new(401, "invalid_dpop_proof", r.message).dpop())?;
            }
            _ => {}
        }
        let text = |k: &str| claims.get(k).and_then(Value::as_str).unwrap_or_default();
        let store = self.store.lock().map_err(|_| {
            BearerError::new(500, "invalid_request", "the issuer's state is unavailable")
        })?;
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
