//! A local mock identity provider, the logic behind `jwtctl serve`: discovery metadata
//! (OpenID Connect Discovery 1.0 and RFC 8414), the JWK Set with an `ETag`, the token endpoint
//! (client credentials, authorization code with PKCE, refresh-token rotation), the
//! authorization endpoint and its login page's answers, userinfo and end session. No HTTP
//! here: the binary's server hands in parsed requests and renders the answers, so every
//! decision can be tested without a socket. State lives in memory, bounded.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Instant;

use serde_json::{Value, json};

use crate::crypto::Signer;
use crate::error::{Error, KeyErrorKind, Result};
use crate::jwa::{JwsAlg, KeyType};
use crate::keys::{Key, KeySet, load_key_bytes};
use crate::verify::KeyRing;

mod assertion;
mod authorize;
mod clients;
mod control;
mod device;
mod exchange;
mod grants;
mod introspect;
mod keys;
mod logout;
mod pop;
mod request;
mod store;
mod userinfo;
mod users;

pub use crate::encoding::form_encode;
pub use authorize::{Answer, BROWSER_COOKIE, BrowserRequest, Cookie, LoginPage, SESSION_COOKIE};
pub use clients::{Client, check_redirect_uri};
pub use control::FLAWS;
pub use request::{OAuthError, TokenRequest, parse_form};
pub use userinfo::BearerError;
pub use users::{User, check_claims as users_check};

use keys::{Published, published};

/// How the login page behaves.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum LoginMode {
    /// Show the page; a person (or a browser test) picks a user.
    #[default]
    Form,
    /// Sign in at once (the `login_hint`, else the first user, else `user`): headless tests.
    Auto,
}

/// How the issuer is set up.
#[derive(Debug, Clone, Default)]
pub struct IssuerConfig {
    /// The issuer URL (`iss`, and the base of every endpoint).
    pub issuer: String,
    /// The signing algorithm of the first key (default: the usual one for its type).
    pub alg: Option<JwsAlg>,
    /// Registered clients; empty accepts any client (an unknown one is treated as public).
    pub clients: Vec<Client>,
    /// Redirect URIs every client may use; with none registered anywhere, loopback ones.
    pub redirect_uris: Vec<String>,
    /// Users who can sign in.
    pub users: Vec<User>,
    /// The login page's behaviour.
    pub login: LoginMode,
    /// `aud` of every token unless the request names one.
    pub aud: Vec<String>,
    /// Token lifetime, seconds.
    pub lifetime: u64,
    /// Extra claims in access tokens, applied last.
    pub claims: Vec<(String, Value)>,
    /// Demand DPoP server nonces (`use_dpop_nonce`).
    pub dpop_nonce: bool,
}

/// The issuer's state: the signing key, the previous one (kept published for one rotation
/// period), the other keys given, the JWK Set they make, and the memory of logins, sessions,
/// codes and refresh tokens.
pub struct Issuer {
    cfg: IssuerConfig,
    signing: Published,
    previous: Option<Published>,
    others: Vec<Published>,
    jwks: String,
    etag: String,
    /// Verifies this issuer's own tokens (userinfo): the published keys, or the secret.
    ring: KeyRing,
    store: Mutex<store::Store>,
    /// Fetches clients' `jwks_uri` (none: such clients cannot authenticate).
    fetcher: Option<crate::remote::Fetcher>,
    /// Clients' fetched key sets, by URI, with when they were fetched.
    client_keys: Mutex<HashMap<String, (Instant, KeyRing)>>,
    /// The control API's clock shift, seconds.
    shift: AtomicI64,
}

/// The endpoints' paths under the issuer URL.
pub const PATHS: &[(&str, &str)] = &[
    ("jwks_uri", "/jwks.json"),
    ("token_endpoint", "/token"),
    ("authorization_endpoint", "/authorize"),
    ("userinfo_endpoint", "/userinfo"),
    ("end_session_endpoint", "/end_session"),
    ("introspection_endpoint", "/introspect"),
    ("revocation_endpoint", "/revoke"),
    ("device_authorization_endpoint", "/device_authorization"),
];

/// Where the login page's form posts (not a discovery member).
pub const LOGIN_PATH: &str = "/login";
/// The device flow's verification page (`verification_uri`).
pub const DEVICE_PATH: &str = "/device";
/// The control API's prefix.
pub const CONTROL_PREFIX: &str = "/_jwtctl/";

impl Issuer {
    /// An issuer signing with the first of `keys` (a private key) and publishing all of them.
    pub fn new(cfg: IssuerConfig, keys: Vec<Key>) -> Result<Issuer> {
        let mut keys = keys.into_iter();
        let Some(first) = keys.next() else {
            return Err(Error::usage("the issuer needs a signing key"));
        };
        if !first.is_private() {
            return Err(Error::key_of(
                KeyErrorKind::WrongPart,
                format!(
                    "the first key signs, so it must be private; this is a {}",
                    first.describe()
                ),
            ));
        }
        for c in &cfg.clients {
            c.check().map_err(|e| {
                Error::usage(format!(
                    "client {:?}: {e}",
                    crate::sanitize::sanitize(&c.id)
                ))
            })?;
        }
        let signing = published(first, cfg.alg)?;
        // Each thread makes its own signer on first use (it is not Send); this checks now that
        // the key signs at all.
        Signer::new(signing.alg, &signing.key)?;
        let others = keys
            .map(|k| published(k, None))
            .collect::<Result<Vec<_>>>()?;
        let placeholder = KeyRing::new(
            KeySet {
                keys: vec![Key::from_secret(vec![0; 64])],
                is_set: false,
            },
            &[JwsAlg::HS256],
            false,
        )?;
        let mut issuer = Issuer {
            cfg,
            signing,
            previous: None,
            others,
            jwks: String::new(),
            etag: String::new(),
            ring: placeholder,
            store: Mutex::new(store::Store::default()),
            fetcher: None,
            client_keys: Mutex::new(HashMap::new()),
            shift: AtomicI64::new(0),
        };
        issuer.publish()?;
        Ok(issuer)
    }

    /// Rebuilds the ring that verifies the issuer's own tokens, after a publish.
    fn rebuild_ring(&mut self) -> Result<()> {
        let set = match self.signing.key.secret() {
            Some(secret) => KeySet {
                keys: vec![Key::from_secret(secret.to_vec())],
                is_set: false,
            },
            None => load_key_bytes(self.jwks.as_bytes(), "the issuer's key set", None)?,
        };
        let mut algs: Vec<JwsAlg> = Vec::new();
        for p in std::iter::once(&self.signing)
            .chain(self.previous.as_ref())
            .chain(self.others.iter())
        {
            if !algs.contains(&p.alg) {
                algs.push(p.alg);
            }
        }
        self.ring = KeyRing::new(set, &algs, true)?;
        Ok(())
    }

    /// The issuer's memory, locked.
    fn state(&self) -> std::result::Result<std::sync::MutexGuard<'_, store::Store>, OAuthError> {
        self.store
            .lock()
            .map_err(|_| keys::server_error("the issuer's state is unavailable"))
    }

    /// Lets clients' `jwks_uri` be fetched with `fetcher` (the remote-keys client).
    pub fn set_fetcher(&mut self, fetcher: crate::remote::Fetcher) {
        self.fetcher = Some(fetcher);
    }

    /// The issuer's time for the real time `real`: shifted by the control API's clock.
    pub fn now(&self, real: i64) -> i64 {
        real.saturating_add(self.shift.load(Ordering::Relaxed))
    }

    /// The issuer URL.
    pub fn url(&self) -> &str {
        &self.cfg.issuer
    }

    /// The URL of the endpoint a discovery member names.
    pub fn endpoint(&self, member: &str) -> String {
        let path = PATHS
            .iter()
            .find(|(m, _)| *m == member)
            .map_or("", |(_, p)| p);
        format!("{}{path}", self.cfg.issuer.trim_end_matches('/'))
    }

    /// Where the key set is published.
    pub fn jwks_uri(&self) -> String {
        self.endpoint("jwks_uri")
    }

    /// Where tokens are issued.
    pub fn token_endpoint(&self) -> String {
        self.endpoint("token_endpoint")
    }

    /// The `kid` that signs now.
    pub fn signing_kid(&self) -> &str {
        &self.signing.kid
    }

    /// Whether a secret (HMAC) key signs: it cannot be published.
    pub fn signs_with_secret(&self) -> bool {
        self.signing.key.key_type() == KeyType::Oct
    }

    /// The discovery document (the same for OpenID Connect and RFC 8414).
    pub fn discovery(&self) -> Value {
        let mut algs: Vec<&str> = Vec::new();
        for p in std::iter::once(&self.signing).chain(self.others.iter()) {
            if !algs.contains(&p.alg.name()) {
                algs.push(p.alg.name());
            }
        }
        let auth_methods = [
            "client_secret_basic",
            "client_secret_post",
            "client_secret_jwt",
            "private_key_jwt",
            "none",
        ];
        let assertion_algs = [
            "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512",
            "EdDSA", "HS256", "HS384", "HS512",
        ];
        let dpop_algs = [
            "ES256", "ES384", "ES512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
            "EdDSA",
        ];
        let mut doc = json!({
            "issuer": self.cfg.issuer,
            "jwks_uri": self.jwks_uri(),
            "token_endpoint": self.token_endpoint(),
            "authorization_endpoint": self.endpoint("authorization_endpoint"),
            "userinfo_endpoint": self.endpoint("userinfo_endpoint"),
            "end_session_endpoint": self.endpoint("end_session_endpoint"),
            "introspection_endpoint": self.endpoint("introspection_endpoint"),
            "revocation_endpoint": self.endpoint("revocation_endpoint"),
            "device_authorization_endpoint": self.endpoint("device_authorization_endpoint"),
            "grant_types_supported": [
                "authorization_code",
                "refresh_token",
                "client_credentials",
                device::DEVICE_GRANT,
                exchange::EXCHANGE_GRANT,
            ],
            "response_types_supported": ["code"],
            "response_modes_supported": ["query"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": auth_methods,
            "token_endpoint_auth_signing_alg_values_supported": assertion_algs,
            "introspection_endpoint_auth_methods_supported": &auth_methods[..4],
            "introspection_endpoint_auth_signing_alg_values_supported": assertion_algs,
            "revocation_endpoint_auth_methods_supported": auth_methods,
            "revocation_endpoint_auth_signing_alg_values_supported": assertion_algs,
            "dpop_signing_alg_values_supported": dpop_algs,
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": algs,
            "scopes_supported": users::SCOPES,
            "claims_supported": users::standard_claims(),
            "claims_parameter_supported": false,
            "request_parameter_supported": false,
            "request_uri_parameter_supported": false,
            "authorization_response_iss_parameter_supported": true,
            "prompt_values_supported": ["none", "login", "consent", "select_account"],
        });
        if let Some(obj) = doc.as_object_mut() {
            let mut others = self.cfg.users.iter().flat_map(|u| u.claims.keys());
            let mut claims: Vec<String> = users::standard_claims()
                .iter()
                .map(|c| c.to_string())
                .collect();
            for c in others.by_ref() {
                if !claims.contains(c) {
                    claims.push(c.clone());
                }
            }
            obj.insert("claims_supported".into(), claims.into());
        }
        doc
    }

    /// The JWK Set (JSON text) and its `ETag`.
    pub fn jwks(&self) -> (&str, &str) {
        (&self.jwks, &self.etag)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use crate::keys::load_key_bytes;

    fn issuer(clients: &[(&str, &str)]) -> Issuer {
        let pem = include_bytes!("../tests/fixtures/keys/ec-p256.pkcs8.pem");
        let key = load_key_bytes(pem, "test", None).unwrap().keys.remove(0);
        let cfg = IssuerConfig {
            issuer: "http://127.0.0.1:9".into(),
            clients: clients
                .iter()
                .map(|(a, b)| Client {
                    id: a.to_string(),
                    secret: Some(b.to_string()),
                    ..Client::default()
                })
                .collect(),
            aud: vec!["api".into()],
            lifetime: 60,
            ..IssuerConfig::default()
        };
        Issuer::new(cfg, vec![key]).unwrap()
    }

    fn request(auth: Option<&str>, form: &str) -> TokenRequest {
        TokenRequest {
            authorization: auth.map(str::to_string),
            form: parse_form(form.as_bytes()).unwrap(),
            dpop: None,
        }
    }

    fn claims(body: &Value) -> Value {
        let t = body["access_token"].as_str().unwrap();
        let part = t.split('.').nth(1).unwrap();
        serde_json::from_slice(&crate::encoding::b64url_decode(part).unwrap()).unwrap()
    }

    #[test]
    fn forms_decode_as_browsers_encode_them() {
        let f = parse_form(b"a=1+2&b=%41%2b&c&=x&d=").unwrap();
        let want: Vec<(String, String)> =
            [("a", "1 2"), ("b", "A+"), ("c", ""), ("", "x"), ("d", "")]
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
        assert_eq!(f, want);
        for bad in [&b"a=%"[..], b"a=%4", b"a=%zz", b"\xff=1"] {
            assert_eq!(parse_form(bad).unwrap_err().error, "invalid_request");
        }
    }

    #[test]
    fn a_token_carries_the_rfc_9068_claims() {
        let i = issuer(&[("svc", "pw")]);
        // "svc:pw" in standard base64.
        let body = i
            .token(
                &request(
                    Some("Basic c3ZjOnB3"),
                    "grant_type=client_credentials&scope=a+b",
                ),
                1000,
            )
            .unwrap();
        assert_eq!(body["token_type"], "Bearer");
        assert_eq!(body["expires_in"], 60);
        assert_eq!(body["scope"], "a b");
        let c = claims(&body);
        assert_eq!(c["iss"], "http://127.0.0.1:9");
        assert_eq!(
            (c["sub"].clone(), c["client_id"].clone()),
            ("svc".into(), "svc".into())
        );
        assert_eq!(
            (c["iat"].as_i64(), c["exp"].as_i64()),
            (Some(1000), Some(1060))
        );
        assert_eq!(c["aud"], "api");
    }

    #[test]
    fn clients_are_authenticated_one_way() {
        let i = issuer(&[("svc", "pw")]);
        let code = |auth: Option<&str>, form: &str| {
            i.token(&request(auth, form), 0)
                .err()
                .map(|e| (e.status, e.error))
        };
        assert_eq!(
            code(
                None,
                "grant_type=client_credentials&client_id=svc&client_secret=pw"
            ),
            None
        );
        assert_eq!(
            code(
                Some("Basic c3ZjOnB3"),
                "grant_type=client_credentials&client_id=svc"
            ),
            None
        );
        assert_eq!(
            code(
                Some("Basic c3ZjOnB3"),
                "grant_type=client_credentials&client_id=x"
            ),
            Some((400, "invalid_request"))
        );
        assert_eq!(
            code(
                Some("Basic c3ZjOnB3"),
                "grant_type=client_credentials&client_id=svc&client_secret=pw"
            ),
            Some((400, "invalid_request"))
        );
        assert_eq!(
            code(Some("Bearer xyz"), "grant_type=client_credentials"),
            Some((401, "invalid_client"))
        );
        assert_eq!(
            code(Some("Basic !!!"), "grant_type=client_credentials"),
            Some((401, "invalid_client"))
        );
        assert_eq!(
            code(
                None,
                "grant_type=client_credentials&client_id=svc&client_secret=p"
            ),
            Some((401, "invalid_client"))
        );
        assert_eq!(
            code(Some("Basic c3ZjOnB3"), "grant_type=implicit"),
            Some((400, "unsupported_grant_type"))
        );
        assert_eq!(
            code(Some("Basic c3ZjOnB3"), ""),
            Some((400, "invalid_request"))
        );
    }

    #[test]
    fn basic_credentials_are_read_encoded_or_not() {
        let i = issuer(&[("svc", "a+b%c")]);
        let ok = |user_pass: &str| {
            let b64 = crate::encoding::b64url(user_pass);
            i.token(
                &request(
                    Some(&format!("Basic {b64}")),
                    "grant_type=client_credentials",
                ),
                0,
            )
            .is_ok()
        };
        assert!(ok("svc:a+b%c"), "as curl -u sends it");
        assert!(ok("svc:a%2Bb%25c"), "form-encoded, as RFC 6749 2.3.1 says");
        assert!(!ok("svc:a b%c"));
    }

    #[test]
    fn rotation_keeps_the_previous_key_published_for_one_period() {
        let mut i = issuer(&[]);
        let kid0 = i.signing_kid().to_string();
        let spec = i.rotation_spec().unwrap();
        i.rotate_to(crate::keygen::generate(spec).unwrap()).unwrap();
        let kid1 = i.signing_kid().to_string();
        let kids = |i: &Issuer| -> Vec<String> {
            let v: Value = serde_json::from_str(i.jwks().0).unwrap();
            v["keys"]
                .as_array()
                .unwrap()
                .iter()
                .map(|k| k["kid"].as_str().unwrap().to_string())
                .collect()
        };
        assert_eq!(kids(&i), [kid1.clone(), kid0.clone()]);
        let etag1 = i.jwks().1.to_string();
        i.rotate_to(crate::keygen::generate(spec).unwrap()).unwrap();
        assert_eq!(kids(&i), [i.signing_kid().to_string(), kid1]);
        assert_ne!(i.jwks().1, etag1, "a new set has a new ETag");
        let t = i
            .token(&request(None, "grant_type=client_credentials"), 0)
            .unwrap();
        let header = t["access_token"]
            .as_str()
            .unwrap()
            .split('.')
            .next()
            .unwrap()
            .to_string();
        let h: Value =
            serde_json::from_slice(&crate::encoding::b64url_decode(&header).unwrap()).unwrap();
        assert_eq!(h["kid"], i.signing_kid());
        assert_eq!(h["typ"], "at+jwt");
    }
}
