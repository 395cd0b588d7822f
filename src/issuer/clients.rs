//! Registered clients: who they are, how they authenticate at the token endpoint (RFC 6749
//! 2.3.1), where they may be sent back to (exact matching, RFC 9700 4.1; loopback of any port
//! when nothing is registered, RFC 8252 7.3), and which grants they may use.

use super::request::form_decode;
use super::{Issuer, OAuthError, TokenRequest};

/// A client of the issuer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Client {
    /// `client_id`.
    pub id: String,
    /// The secret of a confidential client; `None` for a public one (PKCE, no secret).
    pub secret: Option<String>,
    /// Exact redirect URIs, besides the ones every client may use.
    pub redirect_uris: Vec<String>,
    /// Where end session may send the browser, besides the redirect URIs.
    pub post_logout_redirect_uris: Vec<String>,
    /// Grants it may use; empty: every grant that fits its kind.
    pub grant_types: Vec<String>,
    /// `client_secret_basic`, `client_secret_post`, `client_secret_jwt`, `private_key_jwt` or
    /// `none`; `None`: whichever it uses.
    pub auth_method: Option<String>,
    /// Its public keys (a JWK Set, JSON text), for `private_key_jwt`.
    pub jwks: Option<String>,
    /// Where its public keys are published, for `private_key_jwt`.
    pub jwks_uri: Option<String>,
}

/// Compares secrets in constant time.
pub(super) fn same_secret(a: &str, b: &str) -> bool {
    crate::crypto::ct_eq(a.as_bytes(), b.as_bytes())
}

/// Whether `uri` is an http URL on a loopback address (RFC 8252 7.3: any port, any path).
pub(super) fn is_loopback_redirect(uri: &str) -> bool {
    let Some(rest) = uri.strip_prefix("http://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') || uri.contains('#') {
        return false;
    }
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => authority.split(':').next().unwrap_or_default(),
    };
    match host.parse::<std::net::IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => host.eq_ignore_ascii_case("localhost"),
    }
}

/// A client the token endpoint has authenticated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Authenticated {
    /// Its id (`None` only when no client is configured and the request named none).
    pub(super) id: Option<String>,
    /// Registered as public (or unknown, when any client is accepted).
    pub(super) public: bool,
}

/// A redirect URI is absolute and has no fragment (RFC 6749 3.1.2).
pub fn check_redirect_uri(u: &str) -> std::result::Result<(), String> {
    let scheme_ok = u
        .split_once("://")
        .is_some_and(|(s, rest)| !s.is_empty() && !rest.is_empty());
    if !scheme_ok || u.contains('#') || u.chars().any(char::is_whitespace) {
        return Err(format!(
            "{:?} is not an absolute URI without a fragment",
            crate::sanitize::sanitize(u)
        ));
    }
    Ok(())
}

impl Client {
    /// Whether the registration holds together: an id; a secret that is not empty; keys given
    /// once (`jwks` or `jwks_uri`); an authentication method its credentials allow; absolute
    /// redirect URIs without fragments. The message says what is wrong.
    pub fn check(&self) -> std::result::Result<(), String> {
        if self.id.is_empty() {
            return Err("needs a client_id".into());
        }
        if self.secret.as_deref() == Some("") {
            return Err("client_secret is empty".into());
        }
        if self.jwks.is_some() && self.jwks_uri.is_some() {
            return Err("give jwks or jwks_uri, not both".into());
        }
        let keys = self.jwks.is_some() || self.jwks_uri.is_some();
        match (self.auth_method.as_deref(), self.secret.is_some()) {
            (Some("private_key_jwt"), _) if !keys => {
                return Err("private_key_jwt needs jwks or jwks_uri".into());
            }
            (Some("none"), true) => {
                return Err(
                    "token_endpoint_auth_method none is for public clients, which have no client_secret"
                        .into(),
                );
            }
            (Some(m), false) if m != "none" && m != "private_key_jwt" => {
                return Err(format!(
                    "token_endpoint_auth_method {m} needs a client_secret"
                ));
            }
            _ => {}
        }
        for u in self
            .redirect_uris
            .iter()
            .chain(&self.post_logout_redirect_uris)
        {
            check_redirect_uri(u)?;
        }
        Ok(())
    }

    /// Whether the client is public: no secret and no keys to authenticate with.
    pub(super) fn is_public(&self) -> bool {
        self.secret.is_none() && self.jwks.is_none() && self.jwks_uri.is_none()
    }

    /// Whether the client may use `grant`.
    pub(super) fn allows(&self, grant: &str) -> bool {
        if self.grant_types.is_empty() {
            // A public client has no credentials to prove it is the client.
            return !(self.is_public() && grant == "client_credentials");
        }
        self.grant_types.iter().any(|g| g == grant)
    }
}

impl Issuer {
    /// The client registered as `id`; when none is registered every id names an ad hoc
    /// public client.
    pub(super) fn client_by_id(&self, id: &str) -> Option<Client> {
        if self.cfg.clients.is_empty() {
            return Some(Client {
                id: id.to_string(),
                ..Client::default()
            });
        }
        self.cfg.clients.iter().find(|c| c.id == id).cloned()
    }

    /// Whether `uri` is one the client may be redirected to (`logout`: for end session).
    pub(super) fn redirect_allowed(
        &self,
        client: Option<&Client>,
        uri: &str,
        logout: bool,
    ) -> bool {
        let mut registered: Vec<&String> = self.cfg.redirect_uris.iter().collect();
        let clients: Vec<&Client> = match client {
            Some(c) => vec![c],
            None => self.cfg.clients.iter().collect(),
        };
        for c in clients {
            registered.extend(c.redirect_uris.iter());
            if logout {
                registered.extend(c.post_logout_redirect_uris.iter());
            }
        }
        if registered.is_empty() {
            return is_loopback_redirect(uri);
        }
        registered.iter().any(|r| r.as_str() == uri)
    }

    /// Authenticates the client at `endpoint` (the URL asked): HTTP Basic or form parameters
    /// (RFC 6749 2.3.1), a JWT assertion (RFC 7523), or a public client's `client_id`.
    pub(super) fn authenticate(
        &self,
        req: &TokenRequest,
        endpoint: &str,
        now: i64,
    ) -> Result<Authenticated, OAuthError> {
        let param = |name: &str| {
            req.form
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        if let Some(kind) = param("client_assertion_type") {
            return self.authenticate_assertion(req, kind, endpoint, now);
        }
        // Basic credentials: RFC 6749 form-encodes the id and secret before base64, which many
        // clients (curl -u among them) skip; both readings are tried.
        let basic: Option<Vec<(String, String)>> = match &req.authorization {
            Some(h) => {
                let (scheme, value) = h.trim().split_once(' ').unwrap_or((h.trim(), ""));
                if !scheme.eq_ignore_ascii_case("basic") {
                    return Err(OAuthError::invalid_client(
                        "only HTTP Basic client authentication is supported in the Authorization header",
                    ));
                }
                let decoded = crate::encoding::b64_decode_lenient(value.trim())
                    .and_then(|b| String::from_utf8(b).ok())
                    .ok_or_else(|| {
                        OAuthError::invalid_client("the Basic credentials are not valid base64")
                    })?;
                let (id, secret) = decoded.split_once(':').ok_or_else(|| {
                    OAuthError::invalid_client("the Basic credentials have no ':'")
                })?;
                let mut readings = Vec::new();
                if let (Some(i), Some(s)) = (form_decode(id), form_decode(secret)) {
                    readings.push((i, s));
                }
                readings.push((id.to_string(), secret.to_string()));
                Some(readings)
            }
            None => None,
        };
        let form_id = param("client_id");
        let form_secret = param("client_secret");
        let (method, candidates): (&str, Vec<(String, Option<String>)>) =
            match (basic, form_id, form_secret) {
                (Some(_), _, Some(_)) => {
                    return Err(OAuthError::invalid_request(
                        "the client authenticated twice (Basic and client_secret): use one method",
                    ));
                }
                (Some(readings), Some(fid), None) => {
                    if !readings.iter().any(|(id, _)| id == fid) {
                        return Err(OAuthError::invalid_request(format!(
                            "client_id {fid:?} differs from the client authenticated by Basic"
                        )));
                    }
                    let c = readings.into_iter().map(|(i, s)| (i, Some(s))).collect();
                    ("client_secret_basic", c)
                }
                (Some(readings), None, None) => {
                    let c = readings.into_iter().map(|(i, s)| (i, Some(s))).collect();
                    ("client_secret_basic", c)
                }
                (None, Some(fid), Some(s)) => (
                    "client_secret_post",
                    vec![(fid.to_string(), Some(s.to_string()))],
                ),
                (None, Some(fid), None) => ("none", vec![(fid.to_string(), None)]),
                (None, None, _) => ("none", Vec::new()),
            };
        if self.cfg.clients.is_empty() {
            let id = candidates.into_iter().next().map(|(id, _)| id);
            return Ok(Authenticated { id, public: true });
        }
        if candidates.is_empty() {
            return Err(OAuthError::invalid_client(
                "client authentication is required",
            ));
        }
        for (id, secret) in &candidates {
            let Some(client) = self.cfg.clients.iter().find(|c| &c.id == id) else {
                continue;
            };
            let ok = match (&client.secret, secret) {
                (Some(want), Some(got)) => same_secret(want, got),
                (None, None) => true,
                (None, Some(_)) => {
                    return Err(OAuthError::invalid_client(format!(
                        "client {id:?} is public: it has no secret to send"
                    )));
                }
                (Some(_), None) => {
                    return Err(OAuthError::invalid_client(format!(
                        "client {id:?} is confidential: it must authenticate with its secret"
                    )));
                }
            };
            if !ok {
                continue;
            }
            if let Some(want) = &client.auth_method {
                if want != method {
                    return Err(OAuthError::invalid_client(format!(
                        "client {id:?} is registered for {want}, and used {method}"
                    )));
                }
            }
            return Ok(Authenticated {
                id: Some(id.clone()),
                public: client.is_public(),
            });
        }
        Err(OAuthError::invalid_client("unknown client or wrong secret"))
    }
}

impl Issuer {
    fn authenticate_assertion(
        &self,
        req: &TokenRequest,
        kind: &str,
        endpoint: &str,
        now: i64,
    ) -> Result<Authenticated, OAuthError> {
        let param = |name: &str| {
            req.form
                .iter()
                .find(|(k, v)| k == name && !v.is_empty())
                .map(|(_, v)| v.as_str())
        };
        if kind != super::assertion::ASSERTION_TYPE {
            return Err(OAuthError::invalid_client(format!(
                "client_assertion_type {kind:?} is not supported; use {}",
                super::assertion::ASSERTION_TYPE
            )));
        }
        if req.authorization.is_some() || param("client_secret").is_some() {
            return Err(OAuthError::invalid_request(
                "the client authenticated twice (an assertion and a secret): use one method",
            ));
        }
        let assertion = param("client_assertion")
            .ok_or_else(|| OAuthError::invalid_client("client_assertion is missing"))?;
        let claimed = super::assertion::claimed_client(assertion);
        let id = match (param("client_id"), claimed.as_deref()) {
            (Some(a), Some(b)) if a != b => {
                return Err(OAuthError::invalid_client(format!(
                    "client_id {a:?} differs from the assertion's issuer {b:?}"
                )));
            }
            (Some(a), _) => a.to_string(),
            (None, Some(b)) => b.to_string(),
            (None, None) => {
                return Err(OAuthError::invalid_client(
                    "the client assertion names no client (no iss)",
                ));
            }
        };
        if self.cfg.clients.is_empty() {
            // Every client is accepted when none is registered: there are no keys to check.
            return Ok(Authenticated {
                id: Some(id),
                public: false,
            });
        }
        let client = self
            .cfg
            .clients
            .iter()
            .find(|c| c.id == id)
            .ok_or_else(|| OAuthError::invalid_client("unknown client"))?;
        self.check_assertion(client, assertion, endpoint, now)?;
        Ok(Authenticated {
            id: Some(id),
            public: false,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client() -> Client {
        Client {
            id: "app".into(),
            secret: None,
            redirect_uris: vec!["https://app.example/cb".into()],
            post_logout_redirect_uris: Vec::new(),
            grant_types: Vec::new(),
            auth_method: None,
            jwks: None,
            jwks_uri: None,
        }
    }

    /// What makes a registration incoherent, one thing at a time.
    #[test]
    fn a_registration_holds_together() {
        assert_eq!(client().check(), Ok(()));
        let refused = |edit: &dyn Fn(&mut Client)| {
            let mut c = client();
            edit(&mut c);
            c.check().err().unwrap_or_default()
        };
        assert!(refused(&|c| c.id.clear()).contains("client_id"));
        assert!(refused(&|c| c.secret = Some(String::new())).contains("empty"));
        assert!(
            refused(&|c| {
                c.jwks = Some("{}".into());
                c.jwks_uri = Some("https://app.example/jwks".into());
            })
            .contains("not both")
        );
        assert!(refused(&|c| c.auth_method = Some("private_key_jwt".into())).contains("jwks_uri"));
        assert!(
            refused(&|c| c.auth_method = Some("client_secret_post".into()))
                .contains("needs a client_secret")
        );
        assert!(
            refused(&|c| {
                c.auth_method = Some("none".into());
                c.secret = Some("s".into());
            })
            .contains("public clients")
        );
        assert!(
            refused(&|c| c.redirect_uris.push("https://app.example/cb#x".into()))
                .contains("fragment")
        );
        assert!(
            refused(&|c| c.post_logout_redirect_uris.push("/relative".into())).contains("absolute")
        );
    }
}
