//! End session (OpenID Connect RP-Initiated Logout 1.0): the session ends and the browser goes
//! to a registered `post_logout_redirect_uri` with `state`, or sees a signed-out page.

use serde_json::Value;

use super::Issuer;
use super::authorize::{Answer, BrowserRequest, Cookie, SESSION_COOKIE};
use super::request::{param, with_query};

fn page(status: u16, title: &str, message: impl Into<String>) -> Answer {
    Answer::Page {
        status,
        title: title.into(),
        message: message.into(),
        cookies: Vec::new(),
    }
}

impl Issuer {
    /// Answers end session: the session ends; the browser goes to a registered
    /// `post_logout_redirect_uri` (with `state`), else sees a signed-out page.
    pub fn end_session(&self, br: &BrowserRequest) -> Answer {
        let p = &br.params;
        // The client whose registered URIs apply: client_id, else the hint's audience (read
        // only to pick a list of URIs that are all registered anyway).
        let client_id = param(p, "client_id").map(str::to_string).or_else(|| {
            let hint = param(p, "id_token_hint")?;
            let payload = hint.split('.').nth(1)?;
            let bytes = crate::encoding::b64url_decode(payload).ok()?;
            let claims: Value = serde_json::from_slice(&bytes).ok()?;
            match claims.get("aud")? {
                Value::String(s) => Some(s.clone()),
                Value::Array(a) => a.first().and_then(Value::as_str).map(str::to_string),
                _ => None,
            }
        });
        let client = match client_id.as_deref() {
            Some(id) => match self.client_by_id(id) {
                Some(c) => Some(c),
                None => {
                    return page(
                        400,
                        "Unknown client",
                        format!("No client {id:?} is registered with this issuer."),
                    );
                }
            },
            None => None,
        };
        let target = param(p, "post_logout_redirect_uri");
        if let Some(uri) = target {
            if !self.redirect_allowed(client.as_ref(), uri, true) {
                return page(
                    400,
                    "Unregistered redirect URI",
                    format!(
                        "The post-logout redirect URI {uri:?} is not registered, so this issuer will not send the browser there."
                    ),
                );
            }
        }
        if let Some(id) = br.cookie(SESSION_COOKIE) {
            if let Ok(mut store) = self.store.lock() {
                store.sessions.remove(id);
            }
        }
        let cookies = vec![Cookie {
            name: SESSION_COOKIE,
            value: String::new(),
            max_age: Some(0),
        }];
        match target {
            Some(uri) => Answer::Redirect {
                location: with_query(uri, &[("state", param(p, "state"))]),
                cookies,
            },
            None => Answer::Page {
                status: 200,
                title: "Signed out".into(),
                message: "You are signed out of this issuer.".into(),
                cookies,
            },
        }
    }
}
