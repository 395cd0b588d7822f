//! A local mock issuer, the logic behind `jwtctl serve`: discovery metadata (OpenID Connect and
//! RFC 8414), the JWK Set with an `ETag`, and OAuth 2.0 client-credentials tokens (RFC 6749
//! 4.4) that are RFC 9068 JWT access tokens, with key rotation. No HTTP here: the binary's
//! server hands in parsed requests, so every answer can be tested without a socket.

use serde_json::{Map, Value, json};

use crate::crypto::Signer;
use crate::encoding::b64url;
use crate::error::{Error, KeyErrorKind, Result};
use crate::jwa::{JwsAlg, KeyType, OkpCurve};
use crate::jwks::{MemberOptions, SetBuilder, member};
use crate::jws::{SignOptions, sign};
use crate::jwt::{ClaimsSpec, build};
use crate::keygen::KeySpec;
use crate::keys::{Key, KeyOp};
use crate::verify::check_key_fits;

mod request;

use request::form_decode;
pub use request::{OAuthError, TokenRequest, parse_form};

/// How the issuer is set up.
#[derive(Debug, Clone, Default)]
pub struct IssuerConfig {
    /// The issuer URL (`iss`, and the base of every endpoint).
    pub issuer: String,
    /// The signing algorithm of the first key (default: the usual one for its type).
    pub alg: Option<JwsAlg>,
    /// Accepted clients as (id, secret); empty accepts any client.
    pub clients: Vec<(String, String)>,
    /// `aud` of every token unless the request names one.
    pub aud: Vec<String>,
    /// Token lifetime, seconds.
    pub lifetime: u64,
    /// Extra claims, applied last.
    pub claims: Vec<(String, Value)>,
}

/// A key that signs or is published, with its algorithm and `kid`.
struct Published {
    key: Key,
    alg: JwsAlg,
    kid: String,
}

/// The issuer's state: the signing key, the previous one (kept published for one rotation
/// period), the other keys given, and the JWK Set they make.
pub struct Issuer {
    cfg: IssuerConfig,
    signing: Published,
    previous: Option<Published>,
    others: Vec<Published>,
    jwks: String,
    etag: String,
}

/// The algorithm a key signs with here: its JWK `alg`, else the usual one for its type.
fn default_alg(key: &Key) -> Result<JwsAlg> {
    if let Some(name) = &key.meta.alg {
        return JwsAlg::from_header(name).ok_or_else(|| {
            Error::key(format!(
                "the key's JWK \"alg\" {name:?} is not a JWS algorithm"
            ))
        });
    }
    match key.key_type() {
        KeyType::Rsa => Ok(JwsAlg::RS256),
        KeyType::Oct => Ok(JwsAlg::HS256),
        KeyType::Okp(OkpCurve::Ed25519 | OkpCurve::Ed448) => Ok(JwsAlg::EdDSA),
        kty => JwsAlg::fitting(kty).first().copied().ok_or_else(|| {
            Error::key_of(
                KeyErrorKind::AlgorithmMismatch,
                format!("{} cannot sign tokens", key.describe()),
            )
        }),
    }
}

fn published(key: Key, alg: Option<JwsAlg>) -> Result<Published> {
    let alg = match alg {
        Some(a) => a,
        None => default_alg(&key)?,
    };
    check_key_fits(alg, &key, KeyOp::Sign, false)?;
    let kid = match &key.meta.kid {
        Some(k) => k.clone(),
        None => key.thumbprint()?,
    };
    Ok(Published { key, alg, kid })
}

/// Compares secrets in constant time.
fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len() && openssl::memcmp::eq(a.as_bytes(), b.as_bytes())
}

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
        let signing = published(first, cfg.alg)?;
        // A signer is made per token (it is not Send); this checks the key signs at all.
        Signer::new(signing.alg, &signing.key)?;
        let others = keys
            .map(|k| published(k, None))
            .collect::<Result<Vec<_>>>()?;
        let mut issuer = Issuer {
            cfg,
            signing,
            previous: None,
            others,
            jwks: String::new(),
            etag: String::new(),
        };
        issuer.publish()?;
        Ok(issuer)
    }

    fn publish(&mut self) -> Result<()> {
        let mut set = SetBuilder::default();
        for p in std::iter::once(&self.signing)
            .chain(self.previous.as_ref())
            .chain(self.others.iter())
        {
            if p.key.key_type() == KeyType::Oct {
                continue; // a secret is never published
            }
            let opts = MemberOptions {
                private: false,
                use_: Some("sig".into()),
                alg: Some(p.alg.name().into()),
            };
            set.add(member(&p.key, Some(&p.kid), &opts)?)?;
        }
        self.jwks = serde_json::to_string(&set.build()).map_err(|e| Error::usage(e.to_string()))?;
        let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, self.jwks.as_bytes());
        self.etag = format!(
            "\"{}\"",
            b64url(digest.as_ref().get(..12).unwrap_or_default())
        );
        Ok(())
    }

    /// The issuer URL.
    pub fn url(&self) -> &str {
        &self.cfg.issuer
    }

    fn endpoint(&self, path: &str) -> String {
        format!("{}{path}", self.cfg.issuer.trim_end_matches('/'))
    }

    /// Where the key set is published.
    pub fn jwks_uri(&self) -> String {
        self.endpoint("/jwks.json")
    }

    /// Where tokens are issued.
    pub fn token_endpoint(&self) -> String {
        self.endpoint("/token")
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
        json!({
            "issuer": self.cfg.issuer,
            "jwks_uri": self.jwks_uri(),
            "token_endpoint": self.token_endpoint(),
            "grant_types_supported": ["client_credentials"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "response_types_supported": ["token"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": algs,
        })
    }

    /// The JWK Set (JSON text) and its `ETag`.
    pub fn jwks(&self) -> (&str, &str) {
        (&self.jwks, &self.etag)
    }

    /// What a rotation generates: a key of the signing key's kind.
    pub fn rotation_spec(&self) -> Result<KeySpec> {
        match self.signing.key.key_type() {
            KeyType::Rsa => Ok(KeySpec::Rsa(self.signing.key.bits())),
            KeyType::Ec(c) => Ok(KeySpec::Ec(c)),
            KeyType::Okp(c) => Ok(KeySpec::Okp(c)),
            KeyType::Oct => Err(Error::usage(
                "a secret (HMAC) key cannot be rotated: the services verifying its tokens could not learn the new one",
            )),
        }
    }

    /// Makes `key` the signing key; the one it replaces stays published until the next
    /// rotation, and the one before that is withdrawn.
    pub fn rotate_to(&mut self, key: Key) -> Result<()> {
        let next = published(key, Some(self.signing.alg))?;
        Signer::new(next.alg, &next.key)?;
        let old = std::mem::replace(&mut self.signing, next);
        self.previous = Some(old);
        self.publish()
    }

    /// Authenticates the client (HTTP Basic or form parameters, RFC 6749 2.3.1); returns its id.
    fn client(&self, req: &TokenRequest) -> Result<Option<String>, OAuthError> {
        let param = |name: &str| {
            req.form
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
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
        let candidates: Vec<(String, Option<String>)> = match (basic, form_id, form_secret) {
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
                readings.into_iter().map(|(i, s)| (i, Some(s))).collect()
            }
            (Some(readings), None, None) => {
                readings.into_iter().map(|(i, s)| (i, Some(s))).collect()
            }
            (None, Some(fid), secret) => vec![(fid.to_string(), secret.map(str::to_string))],
            (None, None, _) => Vec::new(),
        };
        if self.cfg.clients.is_empty() {
            return Ok(candidates.into_iter().next().map(|(id, _)| id));
        }
        if candidates.iter().all(|(_, s)| s.is_none()) {
            return Err(OAuthError::invalid_client(
                "client authentication is required",
            ));
        }
        for (id, secret) in &candidates {
            let Some(secret) = secret else { continue };
            if self
                .cfg
                .clients
                .iter()
                .any(|(cid, csecret)| cid == id && same_secret(csecret, secret))
            {
                return Ok(Some(id.clone()));
            }
        }
        Err(OAuthError::invalid_client("unknown client or wrong secret"))
    }

    /// Answers a token request at `now` (Unix seconds): the JSON body of a 200, or the error.
    pub fn token(&self, req: &TokenRequest, now: i64) -> Result<Value, OAuthError> {
        // RFC 6749 3.2: parameters sent without a value are omitted, and none may repeat
        // (RFC 8707 lets `resource` repeat, and `audience` is its common alias).
        // A set: a 64 KiB body can hold thousands of distinct names.
        let mut seen = std::collections::HashSet::new();
        for (k, _) in &req.form {
            if !seen.insert(k.as_str()) && k != "resource" && k != "audience" {
                return Err(OAuthError::invalid_request(format!(
                    "the parameter {k:?} is given more than once"
                )));
            }
        }
        let param = |name: &str| {
            req.form
                .iter()
                .find(|(k, v)| k == name && !v.is_empty())
                .map(|(_, v)| v.as_str())
        };
        let client = self.client(req)?;
        match param("grant_type") {
            None => return Err(OAuthError::invalid_request("grant_type is missing")),
            Some("client_credentials") => {}
            Some(other) => {
                return Err(OAuthError::new(
                    400,
                    "unsupported_grant_type",
                    format!(
                        "grant_type {other:?} is not supported; this issuer serves client_credentials"
                    ),
                ));
            }
        }
        let requested: Vec<String> = req
            .form
            .iter()
            .filter(|(k, v)| (k == "audience" || k == "resource") && !v.is_empty())
            .map(|(_, v)| v.clone())
            .collect();
        let aud = if requested.is_empty() {
            self.cfg.aud.clone()
        } else {
            requested
        };
        let sub = client.clone().unwrap_or_else(|| "client".to_string());
        let mut jti = [0u8; 16];
        openssl::rand::rand_bytes(&mut jti)
            .map_err(|_| OAuthError::new(500, "server_error", "no randomness available"))?;
        let lifetime = i64::try_from(self.cfg.lifetime).unwrap_or(i64::MAX);
        let mut extra = vec![("client_id".to_string(), Value::from(sub.clone()))];
        if let Some(scope) = param("scope") {
            extra.push(("scope".into(), scope.into()));
        }
        extra.extend(self.cfg.claims.iter().cloned());
        let claims = build(
            Map::new(),
            ClaimsSpec {
                iss: Some(self.cfg.issuer.clone()),
                sub: Some(sub),
                aud,
                exp: Some(now.saturating_add(lifetime)),
                nbf: None,
                iat: Some(now),
                jti: Some(b64url(jti)),
                extra,
            },
        );
        let mut header = Map::new();
        header.insert("alg".into(), self.signing.alg.name().into());
        header.insert("typ".into(), "at+jwt".into());
        header.insert("kid".into(), self.signing.kid.clone().into());
        let payload = serde_json::to_vec(&Value::Object(claims))
            .map_err(|e| OAuthError::new(500, "server_error", e.to_string()))?;
        let opts = SignOptions {
            serialization: crate::jws::Serialization::Compact,
            detached: false,
            unencoded: false,
        };
        let signer = Signer::new(self.signing.alg, &self.signing.key)
            .map_err(|e| OAuthError::new(500, "server_error", e.to_string()))?;
        let token = sign(&payload, header, Some(&signer), opts)
            .map_err(|e| OAuthError::new(500, "server_error", e.to_string()))?;
        let mut body = json!({
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": self.cfg.lifetime,
        });
        if let (Some(scope), Some(obj)) = (param("scope"), body.as_object_mut()) {
            obj.insert("scope".into(), scope.into());
        }
        Ok(body)
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
                .map(|(a, b)| (a.to_string(), b.to_string()))
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
