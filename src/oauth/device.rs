//! The device authorization grant's client side (RFC 8628): the authorization request, then
//! polling at `interval`, 5 s more on `slow_down`, until a token, a refusal or `expires_in`.

use std::time::Duration;

use serde_json::Value;

use super::{OAuthClient, TokenResponse, response};
use crate::error::{Error, Result};
use crate::remote::RemoteUrl;

/// The device grant's `grant_type`.
pub const GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// What the user is shown.
#[derive(Debug, Clone)]
pub struct Prompt {
    /// The code to type.
    pub user_code: String,
    /// Where to type it.
    pub verification_uri: String,
    /// The URI with the code in it, when the server gives one.
    pub verification_uri_complete: Option<String>,
    /// Seconds the code lives.
    pub expires_in: u64,
}

/// Runs the device grant: asks `endpoint` for codes, shows them with `show`, polls the token
/// endpoint. `sleep` waits (the tests' clock); `now` tells the time.
pub fn run(
    client: &OAuthClient<'_>,
    endpoint: &RemoteUrl,
    params: &[(String, String)],
    show: &dyn Fn(&Prompt),
    now: &dyn Fn() -> i64,
) -> Result<TokenResponse> {
    let (status, obj) = client.post(endpoint, params, false, now())?;
    if status != 200 {
        return Err(response::refusal(endpoint, status, &obj));
    }
    let text = |k: &str| obj.get(k).and_then(Value::as_str).map(str::to_string);
    let bad = |what: &str| {
        Error::fetch(
            endpoint.to_string(),
            format!("the device authorization response {what}"),
        )
    };
    let device_code = text("device_code").ok_or_else(|| bad("has no device_code"))?;
    let user_code = text("user_code").ok_or_else(|| bad("has no user_code"))?;
    let verification_uri = text("verification_uri")
        .or_else(|| text("verification_url"))
        .ok_or_else(|| bad("has no verification_uri"))?;
    let expires_in = obj
        .get("expires_in")
        .and_then(Value::as_u64)
        .ok_or_else(|| bad("has no expires_in"))?
        .clamp(1, 24 * 3600);
    let mut interval = obj
        .get("interval")
        .and_then(Value::as_u64)
        .unwrap_or(5)
        .clamp(1, 300);
    show(&Prompt {
        user_code,
        verification_uri,
        verification_uri_complete: text("verification_uri_complete"),
        expires_in,
    });
    let started = now();
    let deadline = started.saturating_add(i64::try_from(expires_in).unwrap_or(i64::MAX));
    let poll = vec![
        ("grant_type".to_string(), GRANT.to_string()),
        ("device_code".to_string(), device_code),
    ];
    loop {
        std::thread::sleep(Duration::from_secs(interval));
        if now() >= deadline {
            return Err(Error::Denied(format!(
                "{endpoint}: the device code expired before the user approved"
            )));
        }
        match client.token(&poll, now()) {
            Ok(t) => return Ok(t),
            Err(Error::Denied(msg)) if msg.contains("authorization_pending") => {}
            Err(Error::Denied(msg)) if msg.contains("slow_down") => {
                interval = interval.saturating_add(5);
            }
            Err(e) => return Err(e),
        }
    }
}
