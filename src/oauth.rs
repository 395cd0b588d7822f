//! An OAuth 2.0 client for scripts (`jwtctl token`): token requests with client
//! authentication (RFC 6749 2.3.1 secrets, basic or post; RFC 7523 `private_key_jwt`; public
//! clients), DPoP proofs with the server-nonce retry (RFC 9449 8), strict parsing of token
//! responses and OAuth errors (RFC 6749 5.1, 5.2), the device grant's polling (RFC 8628), the
//! authorization-code grant's PKCE and loopback redirect (RFC 7636, RFC 8252), and the token
//! cache. Requests go through the remote-keys client ([`crate::remote::Fetcher`]): the same
//! transport rules, errors and discovery. Assertions and proofs are made by the one signer.

use std::cell::RefCell;

use serde_json::{Map, Value, json};
use zeroize::Zeroizing;

use crate::crypto::Signer;
use crate::encoding::b64url;
use crate::error::{Error, Result};
use crate::jwa::JwsAlg;
use crate::jws::sign_compact;
use crate::keys::Key;
use crate::remote::{Fetcher, RemoteUrl};

pub mod cache;
pub mod code;
pub mod device;
pub mod loopback;
mod response;

pub use response::TokenResponse;

/// How the client proves who it is at the token endpoint.
pub enum ClientAuth {
    /// `client_secret_basic`: HTTP Basic with the form-encoded id and secret.
    SecretBasic(Zeroizing<String>),
    /// `client_secret_post`: `client_id` and `client_secret` in the form.
    SecretPost(Zeroizing<String>),
    /// `private_key_jwt` (RFC 7523): an assertion signed with the client's key.
    PrivateKeyJwt {
        /// The client's private key.
        key: Box<Key>,
        /// Its algorithm.
        alg: JwsAlg,
    },
    /// A public client: `client_id` in the form, nothing else.
    None,
}

/// `client_assertion_type` of RFC 7523.
const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
/// A client assertion's life, seconds.
const ASSERTION_LIFETIME: i64 = 60;

/// 128 random bits, base64url: `jti`s, `state`, `nonce`.
pub fn random_id(bytes: usize) -> Result<String> {
    let mut buf = vec![0u8; bytes];
    openssl::rand::rand_bytes(&mut buf).map_err(|e| Error::usage(format!("no randomness: {e}")))?;
    Ok(b64url(buf))
}

pub use crate::encoding::form_encode;

/// A form body from pairs.
pub fn form(params: &[(String, String)]) -> String {
    params
        .iter()
        .map(|(k, v)| format!("{}={}", form_encode(k), form_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// A client of one token endpoint.
pub struct OAuthClient<'f> {
    fetcher: &'f Fetcher,
    /// The token endpoint.
    pub token_endpoint: RemoteUrl,
    /// `client_id`.
    pub client_id: String,
    auth: ClientAuth,
    dpop: Option<(Key, JwsAlg)>,
    /// The last DPoP nonce a server gave, per request target.
    nonce: RefCell<Option<String>>,
}

impl<'f> OAuthClient<'f> {
    /// A client of `token_endpoint`; `dpop` makes every token request carry a proof.
    pub fn new(
        fetcher: &'f Fetcher,
        token_endpoint: RemoteUrl,
        client_id: String,
        auth: ClientAuth,
        dpop: Option<(Key, JwsAlg)>,
    ) -> Self {
        OAuthClient {
            fetcher,
            token_endpoint,
            client_id,
            auth,
            dpop,
            nonce: RefCell::new(None),
        }
    }

    /// Whether requests carry DPoP proofs.
    pub fn uses_dpop(&self) -> bool {
        self.dpop.is_some()
    }

    /// The client-authentication parts of a request: form parameters and headers.
    fn authenticate(
        &self,
        params: &mut Vec<(String, String)>,
        headers: &mut Vec<(&'static str, String)>,
        now: i64,
    ) -> Result<()> {
        match &self.auth {
            ClientAuth::SecretBasic(secret) => {
                use base64::Engine as _;
                let pair = format!("{}:{}", form_encode(&self.client_id), form_encode(secret));
                let value = Zeroizing::new(base64::engine::general_purpose::STANDARD.encode(pair));
                headers.push(("Authorization", format!("Basic {}", value.as_str())));
            }
            ClientAuth::SecretPost(secret) => {
                params.push(("client_id".into(), self.client_id.clone()));
                params.push(("client_secret".into(), secret.to_string()));
            }
            ClientAuth::PrivateKeyJwt { key, alg } => {
                let claims = json!({
                    "iss": self.client_id,
                    "sub": self.client_id,
                    "aud": self.token_endpoint.as_str(),
                    "jti": random_id(16)?,
                    "iat": now,
                    "exp": now.saturating_add(ASSERTION_LIFETIME),
                });
                let mut header = Map::new();
                header.insert("alg".into(), alg.name().into());
                header.insert("typ".into(), "JWT".into());
                if let Some(kid) = &key.meta.kid {
                    header.insert("kid".into(), kid.clone().into());
                }
                let signer = Signer::new(*alg, key)?;
                let assertion = sign_compact(claims.to_string().as_bytes(), header, Some(&signer))?;
                params.push(("client_id".into(), self.client_id.clone()));
                params.push(("client_assertion_type".into(), ASSERTION_TYPE.into()));
                params.push(("client_assertion".into(), assertion));
            }
            ClientAuth::None => params.push(("client_id".into(), self.client_id.clone())),
        }
        Ok(())
    }

    /// POSTs `params` to `url` with client authentication (and a DPoP proof when `dpop`),
    /// retrying once with the server's nonce on `use_dpop_nonce`. Returns the status and the
    /// JSON object answered (an error object for statuses other than 200).
    pub fn post(
        &self,
        url: &RemoteUrl,
        params: &[(String, String)],
        dpop: bool,
        now: i64,
    ) -> Result<(u16, Map<String, Value>)> {
        let mut retried = false;
        loop {
            let mut form_params = params.to_vec();
            let mut headers: Vec<(&str, String)> = Vec::new();
            self.authenticate(&mut form_params, &mut headers, now)?;
            if let (true, Some((key, alg))) = (dpop, &self.dpop) {
                let spec = crate::dpop::ProofSpec {
                    htm: "POST".into(),
                    htu: url.as_str().to_string(),
                    access_token: None,
                    nonce: self.nonce.borrow().clone(),
                    iat: now,
                    jti: None,
                };
                headers.push(("DPoP", crate::dpop::make(key, *alg, &spec)?));
            }
            let posted = self.fetcher.post_form(url, &headers, &form(&form_params))?;
            if let Some(n) = &posted.dpop_nonce {
                *self.nonce.borrow_mut() = Some(n.clone());
            }
            let obj = response::object(&posted.body, url, posted.status)?;
            let nonce_error = obj.get("error").and_then(Value::as_str) == Some("use_dpop_nonce");
            if dpop && self.dpop.is_some() && nonce_error && !retried && posted.dpop_nonce.is_some()
            {
                retried = true;
                continue;
            }
            return Ok((posted.status, obj));
        }
    }

    /// A token request: the grant's parameters in, the token response out; an OAuth error
    /// is [`Error::Denied`].
    pub fn token(&self, params: &[(String, String)], now: i64) -> Result<TokenResponse> {
        let (status, obj) = self.post(&self.token_endpoint, params, true, now)?;
        if status != 200 {
            return Err(response::refusal(&self.token_endpoint, status, &obj));
        }
        let r = TokenResponse::parse(obj, &self.token_endpoint)?;
        if self.dpop.is_some() && !r.token_type.eq_ignore_ascii_case("dpop") {
            return Err(Error::Denied(format!(
                "{}: asked for a DPoP-bound token, and the server answered token_type {:?}",
                self.token_endpoint,
                crate::sanitize::sanitize(&r.token_type)
            )));
        }
        Ok(r)
    }
}

/// Runs every parser of this module on `bytes` (fuzzing: servers and files are not trusted):
/// a token endpoint's answer with a 200 and with a 400, a cache file, a callback's request
/// line.
pub fn exercise(bytes: &[u8]) {
    let Ok(url) = RemoteUrl::parse("https://as.example/token") else {
        return;
    };
    for status in [200, 400, 503] {
        if let Ok(obj) = response::object(bytes, &url, status) {
            let _ = response::refusal(&url, status, &obj);
            if let Ok(r) = TokenResponse::parse(obj, &url) {
                let _ = r.authorization();
            }
        }
    }
    if let Some(e) = cache::Entry::from_bytes(bytes) {
        let _ = (e.left(i64::MAX), e.left(i64::MIN), e.refresh_token());
    }
    let _ = loopback::callback_params(&String::from_utf8_lossy(bytes));
}

/// A PKCE verifier (256 random bits) and its S256 challenge.
pub fn pkce() -> Result<(Zeroizing<String>, String)> {
    let verifier = Zeroizing::new(random_id(32)?);
    let challenge =
        b64url(aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, verifier.as_bytes()).as_ref());
    Ok((verifier, challenge))
}

/// Verifies an ID token with `issuer`'s published keys: signature, `iss`, `aud` (the
/// client), `exp`, and `nonce` when one was sent. Returns its claims.
pub fn verify_id_token(
    fetcher: &Fetcher,
    issuer: &str,
    client_id: &str,
    id_token: &str,
    nonce: Option<&str>,
    now: i64,
) -> Result<Map<String, Value>> {
    use crate::jwt::{ClaimRules, Claims};
    let keys = crate::source::KeySource::issuers(&[issuer.to_string()], fetcher, &[], false)?;
    let mut cursor = crate::source::Cursor::new(&keys, false);
    let rules = ClaimRules {
        iss: vec![issuer.to_string()],
        aud: vec![client_id.to_string()],
        require: vec!["exp".into(), "sub".into()],
        leeway: 60,
        now,
        ..ClaimRules::default()
    };
    let v = cursor
        .verify(
            id_token,
            &rules,
            None,
            true,
            Claims::All,
            &mut crate::report::Report::default(),
        )
        .map_err(|e| match e {
            Error::Rejected(r) => Error::Denied(format!("the ID token is refused: {}", r.message)),
            other => other,
        })?;
    let claims = v.claims.unwrap_or_default();
    if let Some(want) = nonce {
        let got = claims
            .get("nonce")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if !crate::crypto::ct_eq(got.as_bytes(), want.as_bytes()) {
            return Err(Error::Denied(
                "the ID token's nonce is not the one sent: refused".into(),
            ));
        }
    }
    Ok(claims)
}
