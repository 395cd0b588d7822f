//! The browser side of the issuer: `/authorize` (RFC 6749 4.1 with PKCE, RFC 7636, and the
//! OpenID Connect parameters), the login page's answers, and end session (OpenID Connect
//! RP-Initiated Logout 1.0). Each returns what the browser should get: a redirect, the login
//! page (rendered by the binary), or a page explaining an error that must not be redirected.

use serde_json::{Map, Value};

use super::clients::{Client, same_secret};
use super::keys::random;
use super::request::{param, repeated, with_query};
use super::store::{AuthRequest, Code, PENDING_TTL, Pending, Session, SignIn};
use super::users::User;
use super::{Issuer, LoginMode};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "jwtctl_session";
/// The cookie binding a login page to the browser it was shown to.
pub const BROWSER_COOKIE: &str = "jwtctl_browser";

/// What the browser sent: query or form parameters, and the cookies.
#[derive(Debug, Clone, Default)]
pub struct BrowserRequest {
    /// Query (GET) or form (POST) parameters, decoded.
    pub params: Vec<(String, String)>,
    /// Cookies as (name, value).
    pub cookies: Vec<(String, String)>,
}

impl BrowserRequest {
    pub(super) fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A cookie to set (`max_age` 0 deletes it); the binary adds `HttpOnly`, `SameSite=Lax`,
/// `Path`, and `Secure` under TLS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cookie {
    /// Name.
    pub name: &'static str,
    /// Value.
    pub value: String,
    /// Seconds to live; `None`: until the browser closes.
    pub max_age: Option<i64>,
}

/// The login page's content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginPage {
    /// Which login this page answers (hidden field `ticket`).
    pub ticket: String,
    /// The anti-forgery value (hidden field `csrf`), fresh on every page.
    pub csrf: String,
    /// The issuer URL.
    pub issuer: String,
    /// The client asking.
    pub client_id: String,
    /// The scopes asked for.
    pub scopes: Vec<String>,
    /// Configured users as (sub, display name).
    pub users: Vec<(String, Option<String>)>,
    /// Pre-fills the free `sub` field.
    pub login_hint: Option<String>,
    /// What was wrong with the last answer, shown above the form.
    pub error: Option<String>,
}

/// What the browser gets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// 303 to `location`.
    Redirect {
        /// Where.
        location: String,
        /// Cookies to set.
        cookies: Vec<Cookie>,
    },
    /// The login page.
    Login {
        /// Its content.
        page: LoginPage,
        /// Cookies to set.
        cookies: Vec<Cookie>,
    },
    /// A page with a message and no redirect (an error a redirect cannot carry safely, or
    /// "signed out").
    Page {
        /// HTTP status.
        status: u16,
        /// Heading.
        title: String,
        /// Text.
        message: String,
        /// Cookies to set.
        cookies: Vec<Cookie>,
    },
}

fn page(status: u16, title: &str, message: impl Into<String>) -> Answer {
    Answer::Page {
        status,
        title: title.into(),
        message: message.into(),
        cookies: Vec::new(),
    }
}

fn server_error_page() -> Answer {
    page(
        500,
        "Server error",
        "The issuer could not make a random value.",
    )
}

/// Whether `v` is a PKCE code verifier or S256 challenge: 43 to 128 unreserved characters.
pub(super) fn pkce_text(v: &str) -> bool {
    (43..=128).contains(&v.len())
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

impl Issuer {
    fn error_redirect(&self, req: &AuthRequest, error: &str, description: &str) -> Answer {
        Answer::Redirect {
            location: with_query(
                &req.redirect_uri,
                &[
                    ("error", Some(error)),
                    ("error_description", Some(description)),
                    ("state", req.state.as_deref()),
                    ("iss", Some(&self.cfg.issuer)),
                ],
            ),
            cookies: Vec::new(),
        }
    }

    /// Answers `/authorize`.
    pub fn authorize(&self, br: &BrowserRequest, now: i64) -> Answer {
        let p = &br.params;
        let Some(client_id) = param(p, "client_id") else {
            return page(400, "Invalid request", "The request has no client_id.");
        };
        let Some(client) = self.client_by_id(client_id) else {
            return page(
                400,
                "Unknown client",
                format!("No client {client_id:?} is registered with this issuer."),
            );
        };
        let Some(redirect_uri) = param(p, "redirect_uri") else {
            return page(400, "Invalid request", "The request has no redirect_uri.");
        };
        if !self.redirect_allowed(Some(&client), redirect_uri, false) {
            return page(
                400,
                "Unregistered redirect URI",
                format!(
                    "The redirect URI {redirect_uri:?} is not registered for client {client_id:?}, so this issuer will not send the browser there."
                ),
            );
        }
        let mut req = AuthRequest {
            client_id: client_id.to_string(),
            redirect_uri: redirect_uri.to_string(),
            state: param(p, "state").map(str::to_string),
            ..AuthRequest::default()
        };
        match self.check_authorization(&client, p, &mut req) {
            Ok(()) => {}
            Err((error, description)) => return self.error_redirect(&req, error, &description),
        }
        let mut store = match self.store.lock() {
            Ok(s) => s,
            Err(_) => return server_error_page(),
        };
        let session = br
            .cookie(SESSION_COOKIE)
            .and_then(|id| store.session(id, now))
            .cloned();
        let young_enough = |s: &SignIn| {
            // max_age=0 asks for a fresh sign-in, as prompt=login does (OpenID Connect Core
            // 3.1.2.1).
            req.max_age
                .is_none_or(|m| m > 0 && now.saturating_sub(s.auth_time) <= m)
        };
        if let Some(s) = session.filter(|s| young_enough(s)) {
            if !req
                .prompt
                .iter()
                .any(|p| p == "login" || p == "select_account")
            {
                return self.issue_code(&mut store, req, s, Vec::new(), now);
            }
        }
        if req.prompt.iter().any(|p| p == "none") {
            return self.error_redirect(
                &req,
                "login_required",
                "prompt=none, and no session can sign the user in",
            );
        }
        if self.cfg.login == LoginMode::Auto {
            let sub = req
                .login_hint
                .clone()
                .or_else(|| self.cfg.users.first().map(|u| u.sub.clone()))
                .unwrap_or_else(|| "user".into());
            return self.sign_in(&mut store, req, &sub, None, now);
        }
        drop(store);
        self.login_page_for(br, req, None, None, now)
    }

    /// The checks whose failures go back to the client: `Err((error, description))`.
    fn check_authorization(
        &self,
        client: &Client,
        p: &[(String, String)],
        req: &mut AuthRequest,
    ) -> Result<(), (&'static str, String)> {
        let bad = |d: &str| Err(("invalid_request", d.to_string()));
        if let Some(name) = repeated(p, &["resource"]) {
            return Err((
                "invalid_request",
                format!("the parameter {name:?} is given more than once"),
            ));
        }
        if param(p, "request").is_some() {
            return Err((
                "request_not_supported",
                "request objects are not supported".into(),
            ));
        }
        if param(p, "request_uri").is_some() {
            return Err((
                "request_uri_not_supported",
                "request_uri is not supported".into(),
            ));
        }
        match param(p, "response_type") {
            None => return bad("response_type is missing"),
            Some("code") => {}
            Some(other) => {
                return Err((
                    "unsupported_response_type",
                    format!("response_type {other:?} is not supported; this issuer answers code"),
                ));
            }
        }
        if let Some(mode) = param(p, "response_mode") {
            if mode != "query" {
                return Err((
                    "invalid_request",
                    format!(
                        "response_mode {mode:?} is not supported; this issuer answers in the query"
                    ),
                ));
            }
        }
        if !client.allows("authorization_code") {
            return Err((
                "unauthorized_client",
                "this client may not use the authorization code grant".into(),
            ));
        }
        match (
            param(p, "code_challenge"),
            param(p, "code_challenge_method"),
        ) {
            (None, Some(_)) => return bad("code_challenge_method without code_challenge"),
            (Some(_), None) => {
                return bad(
                    "code_challenge_method is missing, and its default, plain, is refused: use S256",
                );
            }
            (Some(_), Some(m)) if m != "S256" => {
                return bad(&format!(
                    "code_challenge_method {m:?} is refused: this issuer accepts S256 only"
                ));
            }
            (Some(c), Some(_)) => {
                if c.len() != 43 || !pkce_text(c) {
                    return bad(
                        "code_challenge is not an S256 challenge (43 base64url characters)",
                    );
                }
                req.challenge = Some(c.to_string());
            }
            (None, None) => {
                if client.is_public() {
                    return bad(
                        "PKCE is required for public clients: send code_challenge with S256",
                    );
                }
            }
        }
        let prompt: Vec<String> = param(p, "prompt")
            .unwrap_or_default()
            .split(' ')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        if let Some(v) = prompt
            .iter()
            .find(|v| !["none", "login", "consent", "select_account"].contains(&v.as_str()))
        {
            return bad(&format!("prompt value {v:?} is unknown"));
        }
        if prompt.len() > 1 && prompt.iter().any(|v| v == "none") {
            return bad("prompt=none cannot be combined with other values");
        }
        req.prompt = prompt;
        if let Some(m) = param(p, "max_age") {
            match m.parse::<u32>() {
                Ok(n) => req.max_age = Some(i64::from(n)),
                Err(_) => return bad("max_age must be a number of seconds"),
            }
        }
        req.scope = param(p, "scope").unwrap_or_default().to_string();
        req.nonce = param(p, "nonce").map(str::to_string);
        req.login_hint = param(p, "login_hint").map(str::to_string);
        req.resource = p
            .iter()
            .filter(|(k, v)| k == "resource" && !v.is_empty())
            .map(|(_, v)| v.clone())
            .collect();
        Ok(())
    }

    /// The login page for an authorization, or for a device (`device`: its device code).
    pub(super) fn login_page_for(
        &self,
        br: &BrowserRequest,
        req: AuthRequest,
        device: Option<String>,
        error: Option<String>,
        now: i64,
    ) -> Answer {
        let (Ok(ticket), Ok(csrf)) = (random(32), random(32)) else {
            return server_error_page();
        };
        let mut cookies = Vec::new();
        let browser = match br.cookie(BROWSER_COOKIE).filter(|b| b.len() == 43) {
            Some(b) => b.to_string(),
            None => {
                let Ok(b) = random(32) else {
                    return server_error_page();
                };
                cookies.push(Cookie {
                    name: BROWSER_COOKIE,
                    value: b.clone(),
                    max_age: None,
                });
                b
            }
        };
        let page = LoginPage {
            ticket: ticket.clone(),
            csrf: csrf.clone(),
            issuer: self.cfg.issuer.clone(),
            client_id: req.client_id.clone(),
            scopes: req.scopes().iter().map(|s| s.to_string()).collect(),
            users: self
                .cfg
                .users
                .iter()
                .map(|u| (u.sub.clone(), u.display_name().map(str::to_string)))
                .collect(),
            login_hint: req.login_hint.clone(),
            error,
        };
        let Ok(mut store) = self.store.lock() else {
            return server_error_page();
        };
        store.add_pending(
            ticket,
            Pending {
                req,
                device,
                csrf,
                browser,
                created: now,
            },
            now,
        );
        Answer::Login { page, cookies }
    }

    /// Answers the login page's form: a user's button, the free `sub` with claims, or Deny.
    pub fn login(&self, br: &BrowserRequest, now: i64) -> Answer {
        let p = &br.params;
        let expired = || {
            page(
                400,
                "Sign-in expired",
                "This sign-in page has expired or was already answered. Start again from the application.",
            )
        };
        let Some(ticket) = param(p, "ticket") else {
            return expired();
        };
        let Ok(mut store) = self.store.lock() else {
            return server_error_page();
        };
        let Some(pending) = store.pending.remove(ticket) else {
            return expired();
        };
        if now.saturating_sub(pending.created) > PENDING_TTL {
            return expired();
        }
        let csrf_ok = param(p, "csrf").is_some_and(|c| same_secret(c, &pending.csrf));
        let browser_ok = br
            .cookie(BROWSER_COOKIE)
            .is_some_and(|b| same_secret(b, &pending.browser));
        if !csrf_ok || !browser_ok {
            return page(
                403,
                "Forbidden",
                "The sign-in form failed its anti-forgery check: it was not sent from the page this issuer showed to this browser.",
            );
        }
        let req = pending.req;
        let device = pending.device;
        let again = |error: String| (req.clone(), device.clone(), Some(error));
        if param(p, "action") == Some("deny") {
            return match device {
                Some(dc) => {
                    drop(store);
                    self.device_answer(&dc, None)
                }
                None => self.error_redirect(&req, "access_denied", "the user denied the request"),
            };
        }
        let choice: Result<(String, Option<Map<String, Value>>), _> = match param(p, "user") {
            Some(sub) if self.cfg.users.iter().any(|u| u.sub == sub) => Ok((sub.to_string(), None)),
            Some(sub) => Err(again(format!("There is no user {sub:?}."))),
            None => {
                let sub = param(p, "sub").unwrap_or_default().trim().to_string();
                let claims_text = param(p, "claims").unwrap_or_default().trim();
                if sub.is_empty() {
                    Err(again("Enter a sub, or pick a user.".into()))
                } else if claims_text.is_empty() {
                    Ok((sub, None))
                } else {
                    crate::encoding::parse_object_strict(claims_text.as_bytes())
                        .map_err(|e| format!("The claims are not a JSON object: {e}."))
                        .and_then(|m| {
                            super::users::check_claims(&m)
                                .map(|()| m)
                                .map_err(|e| format!("{e}."))
                        })
                        .map(|m| (sub, Some(m)))
                        .map_err(again)
                }
            }
        };
        match choice {
            Err((req, device, error)) => {
                drop(store);
                self.login_page_for(br, req, device, error, now)
            }
            Ok((sub, claims)) => match device {
                Some(dc) => {
                    if let Some(c) = claims {
                        store.remember_subject(&sub, c);
                    }
                    drop(store);
                    let Ok(sid) = random(16) else {
                        return server_error_page();
                    };
                    let sign_in = SignIn {
                        sub,
                        auth_time: now,
                        sid,
                    };
                    self.device_answer(&dc, Some(sign_in))
                }
                None => self.sign_in(&mut store, req, &sub, claims, now),
            },
        }
    }

    /// Starts a session for `sub` and answers the authorization with a code.
    fn sign_in(
        &self,
        store: &mut super::store::Store,
        req: AuthRequest,
        sub: &str,
        claims: Option<Map<String, Value>>,
        now: i64,
    ) -> Answer {
        let (Ok(id), Ok(sid)) = (random(32), random(16)) else {
            return server_error_page();
        };
        if let Some(c) = claims {
            store.remember_subject(sub, c);
        }
        let sign_in = SignIn {
            sub: sub.to_string(),
            auth_time: now,
            sid,
        };
        store.add_session(
            id.clone(),
            Session {
                sign_in: sign_in.clone(),
                created: now,
            },
            now,
        );
        let cookie = Cookie {
            name: SESSION_COOKIE,
            value: id,
            max_age: Some(super::store::SESSION_TTL),
        };
        self.issue_code(store, req, sign_in, vec![cookie], now)
    }

    fn issue_code(
        &self,
        store: &mut super::store::Store,
        req: AuthRequest,
        sign_in: SignIn,
        cookies: Vec<Cookie>,
        now: i64,
    ) -> Answer {
        let Ok(code) = random(32) else {
            return server_error_page();
        };
        let location = with_query(
            &req.redirect_uri,
            &[
                ("code", Some(&code)),
                ("state", req.state.as_deref()),
                ("iss", Some(&self.cfg.issuer)),
            ],
        );
        store.add_code(
            code,
            Code {
                req,
                sign_in,
                created: now,
                used: false,
                replayed: false,
                family: None,
                jti: None,
            },
            now,
        );
        Answer::Redirect { location, cookies }
    }

    /// The claims of `sub`: those given at its last free sign-in, else its configuration.
    pub(super) fn user_claims(
        &self,
        store: &super::store::Store,
        sub: &str,
    ) -> Option<Map<String, Value>> {
        store.subject(sub).cloned().or_else(|| {
            self.cfg
                .users
                .iter()
                .find(|u| u.sub == sub)
                .map(|u: &User| u.claims.clone())
        })
    }
}
