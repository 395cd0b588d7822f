//! The authorization-code grant's two protocol steps around the browser (RFC 6749 section 4.1):
//! the authorization URL, with a fresh `state`, `nonce` and PKCE S256 challenge (RFC 7636), and
//! the check of what the redirect brought back — an error, the `state` (compared in constant
//! time), the `iss` (RFC 9207) and the `code` — which yields the token request's form.

use zeroize::Zeroizing;

use super::{pkce, random_id};
use crate::encoding::form_encode;
use crate::error::{Error, Result};
use crate::sanitize::sanitize;

/// An authorization-code request in flight.
pub struct CodeFlow {
    url: String,
    state: String,
    nonce: String,
    verifier: Zeroizing<String>,
    redirect_uri: String,
    issuer: Option<String>,
}

impl CodeFlow {
    /// A request to `authorize` for `client_id`, answered at `redirect_uri`; `extra` adds
    /// parameters (scope `openid` unless it names a scope); `issuer`, when known, is what the
    /// redirect's `iss` must be.
    pub fn start(
        authorize: &str,
        client_id: &str,
        redirect_uri: &str,
        extra: &[(String, String)],
        issuer: Option<&str>,
    ) -> Result<CodeFlow> {
        let (verifier, challenge) = pkce()?;
        let state = random_id(16)?;
        let nonce = random_id(16)?;
        let mut params: Vec<(&str, &str)> = vec![
            ("response_type", "code"),
            ("client_id", client_id),
            ("redirect_uri", redirect_uri),
        ];
        if !extra.iter().any(|(k, _)| k == "scope") {
            params.push(("scope", "openid"));
        }
        params.extend(extra.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        params.extend([
            ("state", state.as_str()),
            ("nonce", nonce.as_str()),
            ("code_challenge", challenge.as_str()),
            ("code_challenge_method", "S256"),
        ]);
        let query = params
            .iter()
            .map(|(k, v)| format!("{}={}", form_encode(k), form_encode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let sep = if authorize.contains('?') { '&' } else { '?' };
        Ok(CodeFlow {
            url: format!("{authorize}{sep}{query}"),
            state,
            nonce,
            verifier,
            redirect_uri: redirect_uri.to_string(),
            issuer: issuer.map(str::to_string),
        })
    }

    /// The URL to open in the browser.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The nonce sent, which the ID token must carry.
    pub fn nonce(&self) -> &str {
        &self.nonce
    }

    /// Checks the redirect's query parameters (`back`) and returns the token request's form.
    /// An error from the server, another `state`, another `iss` or no `code` is
    /// [`Error::Denied`].
    pub fn finish(self, back: &[(String, String)]) -> Result<Vec<(String, String)>> {
        let get = |name: &str| {
            back.iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        if let Some(e) = get("error") {
            return Err(Error::Denied(match get("error_description") {
                Some(d) => format!(
                    "the authorization server refused: {}: {}",
                    sanitize(e),
                    sanitize(d)
                ),
                None => format!("the authorization server refused: {}", sanitize(e)),
            }));
        }
        let state_ok =
            get("state").is_some_and(|s| crate::crypto::ct_eq(s.as_bytes(), self.state.as_bytes()));
        if !state_ok {
            return Err(Error::Denied(
                "the redirect's state is not the one sent: refused".into(),
            ));
        }
        if let (Some(got), Some(want)) = (get("iss"), self.issuer.as_deref()) {
            if got.trim_end_matches('/') != want.trim_end_matches('/') {
                return Err(Error::Denied(format!(
                    "the redirect's iss {:?} is not the issuer {:?} (RFC 9207): refused",
                    sanitize(got),
                    sanitize(want)
                )));
            }
        }
        let code = get("code").ok_or_else(|| Error::Denied("the redirect has no code".into()))?;
        Ok(vec![
            ("grant_type".to_string(), "authorization_code".to_string()),
            ("code".to_string(), code.to_string()),
            ("redirect_uri".to_string(), self.redirect_uri),
            ("code_verifier".to_string(), self.verifier.to_string()),
        ])
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn flow() -> CodeFlow {
        let extra = [("scope".to_string(), "openid email".to_string())];
        CodeFlow::start(
            "https://as.example/authorize?tenant=1",
            "app",
            "http://127.0.0.1:5000/callback",
            &extra,
            Some("https://as.example/"),
        )
        .unwrap()
    }

    fn query(url: &str) -> Vec<(String, String)> {
        let q = url.split_once('?').unwrap().1;
        q.split('&')
            .map(|kv| {
                let (k, v) = kv.split_once('=').unwrap();
                (k.to_string(), v.to_string())
            })
            .collect()
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn the_url_carries_state_nonce_and_an_s256_challenge() {
        let f = flow();
        let q = query(f.url());
        let get = |n: &str| q.iter().find(|(k, _)| k == n).map(|(_, v)| v.as_str());
        assert_eq!(get("tenant"), Some("1"));
        assert_eq!(get("scope"), Some("openid%20email"));
        assert_eq!(get("state"), Some(f.state.as_str()));
        assert_eq!(get("nonce"), Some(f.nonce()));
        assert_eq!(get("code_challenge_method"), Some("S256"));
        assert_eq!(q.iter().filter(|(k, _)| k == "scope").count(), 1);
        assert_ne!(f.state, f.nonce, "fresh values each");
    }

    /// The message of a refusal; empty for anything else.
    fn denied(r: Result<Vec<(String, String)>>) -> String {
        match r {
            Err(Error::Denied(m)) => m,
            _ => String::new(),
        }
    }

    #[test]
    fn the_redirect_is_checked() {
        let f = flow();
        let state = f.state.clone();
        let ok = [
            ("code", "c1"),
            ("state", &state),
            ("iss", "https://as.example"),
        ];
        let form = f.finish(&pairs(&ok)).unwrap();
        assert!(form.contains(&("code".into(), "c1".into())));
        assert!(
            form.iter()
                .any(|(k, v)| k == "code_verifier" && v.len() == 43)
        );
        let refused = |back: &[(&str, &str)]| denied(flow().finish(&pairs(back)));
        assert!(refused(&[("code", "c1"), ("state", "other")]).contains("state"));
        assert!(refused(&[("code", "c1")]).contains("state"));
        assert!(refused(&[("error", "access_denied")]).contains("access_denied"));
        let f = flow();
        let state = f.state.clone();
        let evil = [("code", "c"), ("state", &state), ("iss", "https://evil")];
        assert!(denied(f.finish(&pairs(&evil))).contains("RFC 9207"));
        let f = flow();
        let state = f.state.clone();
        assert!(denied(f.finish(&pairs(&[("state", &state)]))).contains("no code"));
    }
}
