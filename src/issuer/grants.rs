//! The token endpoint: `client_credentials` (RFC 6749 4.4), `authorization_code` with PKCE
//! (RFC 6749 4.1.3, RFC 7636 4.6) and `refresh_token` with rotation and reuse detection
//! (RFC 9700 4.14.2); the device and token-exchange grants live in `device` and `exchange`.
//! Access tokens are RFC 9068 JWTs (DPoP-bound with `cnf.jkt`, RFC 9449); ID tokens follow
//! OpenID Connect Core 2.

use serde_json::{Map, Value, json};

use super::authorize::pkce_text;
use super::clients::{Authenticated, same_secret};
use super::keys::{digest, random};
use super::request::{param, repeated, required};
use super::store::{CODE_TTL, FAMILY_TTL, Family, SignIn};
use super::users::by_scope;
use super::{Issuer, OAuthError, TokenRequest};
use super::{device, exchange};
use crate::encoding::b64url;
use crate::jwt::{ClaimsSpec, build};

pub(super) fn invalid_grant(description: impl Into<String>) -> OAuthError {
    OAuthError::new(400, "invalid_grant", description)
}

/// What a user's grant carries into its tokens.
pub(super) struct Grant<'a> {
    pub(super) client_id: &'a str,
    pub(super) scope: &'a str,
    pub(super) aud: Vec<String>,
    pub(super) sign_in: &'a SignIn,
    pub(super) nonce: Option<&'a str>,
    /// The DPoP key's thumbprint the tokens are bound to.
    pub(super) jkt: Option<&'a str>,
}

/// An access token to issue.
pub(super) struct AccessSpec<'a> {
    pub(super) client_id: &'a str,
    pub(super) sub: String,
    pub(super) aud: Vec<String>,
    pub(super) extra: Vec<(String, Value)>,
    pub(super) jkt: Option<&'a str>,
}

/// The grant types this issuer serves.
const GRANTS: &[&str] = &[
    "client_credentials",
    "authorization_code",
    "refresh_token",
    device::DEVICE_GRANT,
    exchange::EXCHANGE_GRANT,
];

impl Issuer {
    /// Answers a token request at `now` (Unix seconds): the JSON body of a 200, or the error.
    pub fn token(&self, req: &TokenRequest, now: i64) -> Result<Value, OAuthError> {
        // RFC 6749 3.2: parameters sent without a value are omitted, and none may repeat
        // (RFC 8707 lets `resource` repeat, and `audience` is its common alias).
        if let Some(k) = repeated(&req.form, &["resource", "audience"]) {
            return Err(OAuthError::invalid_request(format!(
                "the parameter {k:?} is given more than once"
            )));
        }
        let client = self.authenticate(req, &self.token_endpoint(), now)?;
        let grant = required(&req.form, "grant_type")?;
        if !GRANTS.contains(&grant) {
            return Err(OAuthError::new(
                400,
                "unsupported_grant_type",
                format!(
                    "grant_type {grant:?} is not supported; this issuer serves {}",
                    GRANTS.join(", ")
                ),
            ));
        }
        if !self.cfg.clients.is_empty() {
            let registered = client.id.as_deref().and_then(|id| self.client_by_id(id));
            if registered.is_some_and(|c| !c.allows(grant)) {
                return Err(OAuthError::new(
                    400,
                    "unauthorized_client",
                    format!("this client may not use the {grant} grant"),
                ));
            }
        }
        let proof = self.token_proof(req, now)?;
        let jkt = proof.as_ref().map(|p| p.jkt.as_str());
        match grant {
            "authorization_code" => self.authorization_code(&client, req, jkt, now),
            "refresh_token" => self.refresh(&client, req, jkt, now),
            device::DEVICE_GRANT => self.device_grant(&client, req, jkt, now),
            exchange::EXCHANGE_GRANT => self.exchange(&client, req, jkt, now),
            _ => self.client_credentials(&client, req, jkt, now),
        }
    }

    /// `audience`/`resource` of the request, else `fallback`, else `--aud`.
    pub(super) fn audience(&self, req: &TokenRequest, fallback: &[String]) -> Vec<String> {
        let requested: Vec<String> = req
            .form
            .iter()
            .filter(|(k, v)| (k == "audience" || k == "resource") && !v.is_empty())
            .map(|(_, v)| v.clone())
            .collect();
        if !requested.is_empty() {
            requested
        } else if !fallback.is_empty() {
            fallback.to_vec()
        } else {
            self.cfg.aud.clone()
        }
    }

    /// An RFC 9068 access token, its `jti` and `exp`: queued claims for its client are merged
    /// in, and it is remembered for revoke-all. The state is locked only around those two:
    /// signing happens outside the lock, so tokens are signed on every core at once.
    pub(super) fn access_token(
        &self,
        spec: AccessSpec<'_>,
        now: i64,
    ) -> Result<(String, String, i64), OAuthError> {
        let jti = random(16)?;
        let lifetime = i64::try_from(self.cfg.lifetime).unwrap_or(i64::MAX);
        let exp = now.saturating_add(lifetime);
        let mut extra = spec.extra;
        if let Some(jkt) = spec.jkt {
            extra.push(("cnf".into(), json!({ "jkt": jkt })));
        }
        extra.extend(self.cfg.claims.iter().cloned());
        extra.extend(self.state()?.take_queued(spec.client_id));
        let claims = build(
            Map::new(),
            ClaimsSpec {
                iss: Some(self.cfg.issuer.clone()),
                sub: Some(spec.sub),
                aud: spec.aud,
                exp: Some(exp),
                nbf: None,
                iat: Some(now),
                jti: Some(jti.clone()),
                extra,
            },
        );
        let token = self.sign_jwt(Some("at+jwt"), claims)?;
        self.state()?.remember_issued(&jti, exp);
        Ok((token, jti, exp))
    }

    fn client_credentials(
        &self,
        client: &Authenticated,
        req: &TokenRequest,
        jkt: Option<&str>,
        now: i64,
    ) -> Result<Value, OAuthError> {
        let sub = client.id.clone().unwrap_or_else(|| "client".to_string());
        let scope = param(&req.form, "scope");
        let mut extra = vec![("client_id".to_string(), Value::from(sub.clone()))];
        if let Some(scope) = scope {
            extra.push(("scope".into(), scope.into()));
        }
        let spec = AccessSpec {
            client_id: &sub.clone(),
            sub,
            aud: self.audience(req, &[]),
            extra,
            jkt,
        };
        let (token, _, _) = self.access_token(spec, now)?;
        Ok(self.token_body(token, jkt, scope.unwrap_or_default()))
    }

    /// `{"access_token","token_type","expires_in"}`, and `scope` when there is one.
    pub(super) fn token_body(&self, token: String, jkt: Option<&str>, scope: &str) -> Value {
        let mut body = json!({
            "access_token": token,
            "token_type": if jkt.is_some() { "DPoP" } else { "Bearer" },
            "expires_in": self.cfg.lifetime,
        });
        if let (false, Some(obj)) = (scope.is_empty(), body.as_object_mut()) {
            obj.insert("scope".into(), scope.into());
        }
        body
    }

    pub(super) fn client_id(client: &Authenticated) -> Result<&str, OAuthError> {
        client
            .id
            .as_deref()
            .ok_or_else(|| OAuthError::invalid_request("client_id is missing"))
    }

    fn authorization_code(
        &self,
        client: &Authenticated,
        req: &TokenRequest,
        jkt: Option<&str>,
        now: i64,
    ) -> Result<Value, OAuthError> {
        let client_id = Self::client_id(client)?;
        let code = required(&req.form, "code")?;
        let mut store = self.state()?;
        let Some(entry) = store.codes.get_mut(code) else {
            return Err(invalid_grant("the code is unknown"));
        };
        if entry.used {
            // Still being issued (signed outside the lock): revoked when it is recorded.
            entry.replayed = true;
            let (family, jti) = (entry.family.clone(), entry.jti.clone());
            if let Some(f) = family {
                store.revoke_family(&f);
            }
            if let Some((jti, exp)) = jti {
                store.revoke_jti(jti, exp, now);
            }
            return Err(invalid_grant(
                "the code was already used; the tokens it issued are revoked",
            ));
        }
        if now.saturating_sub(entry.created) > CODE_TTL {
            return Err(invalid_grant("the code has expired"));
        }
        if entry.req.client_id != client_id {
            return Err(invalid_grant("the code was issued to another client"));
        }
        if param(&req.form, "redirect_uri") != Some(entry.req.redirect_uri.as_str()) {
            return Err(invalid_grant(
                "redirect_uri differs from the one of the authorization request",
            ));
        }
        match (&entry.req.challenge, param(&req.form, "code_verifier")) {
            (Some(challenge), Some(verifier)) => {
                let computed = b64url(
                    aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, verifier.as_bytes())
                        .as_ref(),
                );
                if !pkce_text(verifier) || !same_secret(&computed, challenge) {
                    return Err(invalid_grant(
                        "code_verifier does not match the code_challenge",
                    ));
                }
            }
            (Some(_), None) => return Err(invalid_grant("code_verifier is missing")),
            (None, Some(_)) => {
                return Err(invalid_grant(
                    "code_verifier was sent, but the authorization request had no code_challenge",
                ));
            }
            (None, None) => {}
        }
        entry.used = true;
        let areq = entry.req.clone();
        let sign_in = entry.sign_in.clone();
        // The code is spent: the tokens are signed without holding the state.
        drop(store);
        let grant = Grant {
            client_id,
            scope: &areq.scope,
            aud: self.audience(req, &areq.resource),
            sign_in: &sign_in,
            nonce: areq.nonce.as_deref(),
            jkt,
        };
        let (body, jti, exp) = self.user_tokens(&grant, now)?;
        let (refresh, family_id) = self.new_family(&grant, &areq.resource, client.public, now)?;
        if self.state()?.code_issued(code, family_id, (jti, exp), now) {
            return Err(invalid_grant(
                "the code was used again while its tokens were issued; they are revoked",
            ));
        }
        Ok(with_refresh(body, refresh))
    }

    /// Starts a refresh-token family for a grant: the token and the family id. A public
    /// client's family is bound to its DPoP key (RFC 9449 5).
    pub(super) fn new_family(
        &self,
        g: &Grant<'_>,
        resource: &[String],
        public: bool,
        now: i64,
    ) -> Result<(String, String), OAuthError> {
        let refresh = random(32)?;
        let family_id = random(16)?;
        self.state()?.add_family(
            family_id.clone(),
            Family {
                client_id: g.client_id.to_string(),
                scope: g.scope.to_string(),
                resource: resource.to_vec(),
                sign_in: g.sign_in.clone(),
                current: digest(&refresh),
                rotated: std::collections::VecDeque::new(),
                revoked: false,
                created: now,
                jkt: if public {
                    g.jkt.map(str::to_string)
                } else {
                    None
                },
            },
            now,
        );
        Ok((refresh, family_id))
    }

    fn refresh(
        &self,
        client: &Authenticated,
        req: &TokenRequest,
        jkt: Option<&str>,
        now: i64,
    ) -> Result<Value, OAuthError> {
        let client_id = Self::client_id(client)?;
        let token = required(&req.form, "refresh_token")?;
        let hash = digest(token);
        let mut store = self.state()?;
        let Some(family_id) = store.refresh.get(&hash).cloned() else {
            return Err(invalid_grant("the refresh token is unknown"));
        };
        let Some(family) = store.families.get(&family_id) else {
            return Err(invalid_grant("the refresh token is unknown"));
        };
        if family.client_id != client_id {
            return Err(invalid_grant(
                "the refresh token was issued to another client",
            ));
        }
        if family.revoked {
            return Err(invalid_grant("the refresh token is revoked"));
        }
        if now.saturating_sub(family.created) > FAMILY_TTL {
            return Err(invalid_grant("the refresh token has expired"));
        }
        if family.current != hash {
            store.revoke_family(&family_id);
            return Err(invalid_grant(
                "the refresh token was already used (it rotated); its whole family is revoked",
            ));
        }
        if let Some(bound) = &family.jkt {
            if jkt != Some(bound.as_str()) {
                return Err(OAuthError::new(
                    400,
                    "invalid_dpop_proof",
                    "the refresh token is bound to a DPoP key: send a proof made with it",
                ));
            }
        }
        let granted: Vec<&str> = family.scope.split(' ').filter(|s| !s.is_empty()).collect();
        let scope = match param(&req.form, "scope") {
            Some(asked) => {
                if let Some(extra) = asked
                    .split(' ')
                    .find(|s| !s.is_empty() && !granted.contains(s))
                {
                    return Err(OAuthError::new(
                        400,
                        "invalid_scope",
                        format!("scope {extra:?} was not granted to this refresh token"),
                    ));
                }
                asked.to_string()
            }
            None => family.scope.clone(),
        };
        let sign_in = family.sign_in.clone();
        let resource = family.resource.clone();
        let grant = Grant {
            client_id,
            scope: &scope,
            aud: self.audience(req, &resource),
            sign_in: &sign_in,
            nonce: None,
            jkt,
        };
        // Rotated before the tokens are signed (outside the lock): a concurrent reuse of the
        // old token already finds it rotated.
        let next = random(32)?;
        store.rotate(&family_id, digest(&next));
        drop(store);
        let (body, _, _) = self.user_tokens(&grant, now)?;
        Ok(with_refresh(body, next))
    }

    /// The access token (and ID token, under `openid`) of a user's grant: the body, the
    /// access token's `jti` and `exp`.
    pub(super) fn user_tokens(
        &self,
        g: &Grant<'_>,
        now: i64,
    ) -> Result<(Value, String, i64), OAuthError> {
        let lifetime = i64::try_from(self.cfg.lifetime).unwrap_or(i64::MAX);
        let mut extra = vec![("client_id".to_string(), Value::from(g.client_id))];
        if !g.scope.is_empty() {
            extra.push(("scope".into(), g.scope.into()));
        }
        extra.push(("auth_time".into(), g.sign_in.auth_time.into()));
        let spec = AccessSpec {
            client_id: g.client_id,
            sub: g.sign_in.sub.clone(),
            aud: g.aud.clone(),
            extra,
            jkt: g.jkt,
        };
        let (access, jti, exp) = self.access_token(spec, now)?;
        let mut body = self.token_body(access.clone(), g.jkt, g.scope);
        let scopes: Vec<&str> = g.scope.split(' ').filter(|s| !s.is_empty()).collect();
        if let Some(obj) = body.as_object_mut() {
            if scopes.contains(&"openid") {
                let mut claims = serde_json::Map::new();
                let mut set = |k: &str, v: Value| {
                    claims.insert(k.into(), v);
                };
                set("iss", self.cfg.issuer.clone().into());
                set("sub", g.sign_in.sub.clone().into());
                set("aud", g.client_id.into());
                set("exp", now.saturating_add(lifetime).into());
                set("iat", now.into());
                set("auth_time", g.sign_in.auth_time.into());
                if let Some(n) = g.nonce {
                    set("nonce", n.into());
                }
                set("at_hash", self.left_hash(&access)?.into());
                set("azp", g.client_id.into());
                set("sid", g.sign_in.sid.clone().into());
                // A user's claims never name these (users::check_claims), so nothing is
                // overwritten.
                let user = self
                    .user_claims(&*self.state()?, &g.sign_in.sub)
                    .unwrap_or_default();
                claims.extend(by_scope(&user, &scopes));
                obj.insert("id_token".into(), self.sign_jwt(None, claims)?.into());
            }
        }
        Ok((body, jti, exp))
    }
}

pub(super) fn with_refresh(mut body: Value, refresh: String) -> Value {
    if let Some(obj) = body.as_object_mut() {
        obj.insert("refresh_token".into(), refresh.into());
    }
    body
}
