//! The device authorization grant (RFC 8628): `/device_authorization` hands out a device code
//! and a user code; the user enters the code on the verification page, signs in on the login
//! page and approves or denies; the device polls the token endpoint, answered with
//! `authorization_pending`, `slow_down`, `access_denied` or `expired_token` until then.

use serde_json::{Value, json};

use super::authorize::{Answer, BrowserRequest};
use super::clients::Authenticated;
use super::grants::{Grant, invalid_grant, with_refresh};
use super::keys::random;
use super::request::{param, required};
use super::store::{AuthRequest, Device, DeviceState, SignIn};
use super::{DEVICE_PATH, Issuer, LoginMode, OAuthError, TokenRequest};

/// The device grant's `grant_type`.
pub const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";
/// A device code's life, seconds.
const EXPIRES_IN: i64 = 600;
/// The polling interval, seconds.
const INTERVAL: i64 = 5;
/// User-code characters: no vowels (no words), none easily confused (RFC 8628 6.1).
const USER_CODE_CHARS: &[u8] = b"BCDFGHJKLMNPQRSTVWXZ";

fn user_code() -> Result<String, OAuthError> {
    let mut buf = [0u8; 8];
    openssl::rand::rand_bytes(&mut buf).map_err(|_| super::keys::server_error("no randomness"))?;
    let mut code = String::with_capacity(9);
    for (i, b) in buf.iter().enumerate() {
        if i == 4 {
            code.push('-');
        }
        // 256 is not a multiple of 20: the bias is under 2%, and the code lives 10 minutes.
        let at = usize::from(*b)
            .checked_rem(USER_CODE_CHARS.len())
            .unwrap_or(0);
        code.push(char::from(*USER_CODE_CHARS.get(at).unwrap_or(&b'B')));
    }
    Ok(code)
}

/// A user code as typed: upper case, without dashes or spaces.
fn canonical(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

impl Issuer {
    /// Answers `/device_authorization`.
    pub fn device_authorization(&self, req: &TokenRequest, now: i64) -> Result<Value, OAuthError> {
        let endpoint = self.endpoint("device_authorization_endpoint");
        let client = self.authenticate(req, &endpoint, now)?;
        let client_id = Self::client_id(&client)?.to_string();
        if !self.cfg.clients.is_empty()
            && self
                .client_by_id(&client_id)
                .is_some_and(|c| !c.allows(DEVICE_GRANT))
        {
            return Err(OAuthError::new(
                400,
                "unauthorized_client",
                "this client may not use the device grant",
            ));
        }
        let device_code = random(32)?;
        let user_code = user_code()?;
        let scope = param(&req.form, "scope").unwrap_or_default().to_string();
        let state = if self.cfg.login == LoginMode::Auto {
            let sub = self
                .cfg
                .users
                .first()
                .map_or_else(|| "user".to_string(), |u| u.sub.clone());
            DeviceState::Approved(SignIn {
                sub,
                auth_time: now,
                sid: random(16)?,
            })
        } else {
            DeviceState::Pending
        };
        let verification_uri = format!("{}{DEVICE_PATH}", self.cfg.issuer.trim_end_matches('/'));
        let body = json!({
            "device_code": device_code,
            "user_code": user_code,
            "verification_uri": verification_uri,
            "verification_uri_complete": format!("{verification_uri}?user_code={user_code}"),
            "expires_in": EXPIRES_IN,
            "interval": INTERVAL,
        });
        let mut store = self.state()?;
        store.add_device(
            device_code,
            Device {
                client_id,
                scope,
                user_code: canonical(&user_code),
                created: now,
                expires_in: EXPIRES_IN,
                interval: INTERVAL,
                last_poll: None,
                state,
            },
            now,
        );
        Ok(body)
    }

    /// The token endpoint's device grant.
    pub(super) fn device_grant(
        &self,
        client: &Authenticated,
        req: &TokenRequest,
        jkt: Option<&str>,
        now: i64,
    ) -> Result<Value, OAuthError> {
        let client_id = Self::client_id(client)?;
        let code = required(&req.form, "device_code")?;
        let mut store = self.state()?;
        let Some(d) = store.devices.get_mut(code) else {
            return Err(invalid_grant("the device code is unknown"));
        };
        if d.client_id != client_id {
            return Err(invalid_grant(
                "the device code was issued to another client",
            ));
        }
        if now.saturating_sub(d.created) >= d.expires_in {
            return Err(OAuthError::new(
                400,
                "expired_token",
                "the device code has expired",
            ));
        }
        let too_soon = d
            .last_poll
            .is_some_and(|last| now.saturating_sub(last) < d.interval);
        d.last_poll = Some(now);
        if too_soon {
            d.interval = d.interval.saturating_add(5);
            return Err(OAuthError::new(
                400,
                "slow_down",
                format!("polled too fast: wait {} s between requests", d.interval),
            ));
        }
        let sign_in = match &d.state {
            DeviceState::Pending => {
                return Err(OAuthError::new(
                    400,
                    "authorization_pending",
                    "the user has not approved yet",
                ));
            }
            DeviceState::Denied => {
                return Err(OAuthError::new(
                    400,
                    "access_denied",
                    "the user denied the request",
                ));
            }
            DeviceState::Approved(s) => s.clone(),
        };
        let scope = d.scope.clone();
        let user_code = d.user_code.clone();
        store.devices.remove(code);
        store.user_codes.remove(&user_code);
        let grant = Grant {
            client_id,
            scope: &scope,
            aud: self.audience(req, &[]),
            sign_in: &sign_in,
            nonce: None,
            jkt,
        };
        drop(store);
        let (body, _, _) = self.user_tokens(&grant, now)?;
        let (refresh, _) = self.new_family(&grant, &[], client.public, now)?;
        Ok(with_refresh(body, refresh))
    }

    /// Answers the verification page's form (`user_code`): the login page for that device,
    /// or a page saying the code is unknown.
    pub fn device_verify(&self, br: &BrowserRequest, now: i64) -> Answer {
        let code = canonical(param(&br.params, "user_code").unwrap_or_default());
        let found = self.store.lock().ok().and_then(|store| {
            let dc = store.user_codes.get(&code)?.clone();
            let d = store.devices.get(&dc)?;
            let live = now.saturating_sub(d.created) < d.expires_in
                && matches!(d.state, DeviceState::Pending);
            live.then(|| (dc, d.client_id.clone(), d.scope.clone()))
        });
        let Some((device_code, client_id, scope)) = found else {
            return Answer::Page {
                status: 400,
                title: "Unknown code".into(),
                message: "This code is unknown, expired or already used. Check the code your device shows.".into(),
                cookies: Vec::new(),
            };
        };
        let req = AuthRequest {
            client_id,
            scope,
            ..AuthRequest::default()
        };
        self.login_page_for(br, req, Some(device_code), None, now)
    }

    /// Records the user's answer for a device; the page shown after it.
    pub(super) fn device_answer(&self, device_code: &str, approved: Option<SignIn>) -> Answer {
        if let Ok(mut store) = self.store.lock() {
            if let Some(d) = store.devices.get_mut(device_code) {
                d.state = match approved {
                    Some(s) => DeviceState::Approved(s),
                    None => DeviceState::Denied,
                };
            }
        }
        let (title, message) = if matches!(
            self.store.lock().ok().and_then(|s| s
                .devices
                .get(device_code)
                .map(|d| matches!(d.state, DeviceState::Approved(_)))),
            Some(true)
        ) {
            (
                "Device approved",
                "You are signed in on your device. You may close this window.",
            )
        } else {
            (
                "Request denied",
                "The device was not signed in. You may close this window.",
            )
        };
        Answer::Page {
            status: 200,
            title: title.into(),
            message: message.into(),
            cookies: Vec::new(),
        }
    }
}
