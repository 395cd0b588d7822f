//! The HTTP edge of `serve`: maps requests to the issuer's answers and the answers to
//! responses (status, headers, cookies, pages). No decision is made here.

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use serde_json::Value;

use std::net::SocketAddr;
use std::sync::Arc;

use hyper::http::request::Parts;
use jwtctl::issuer::{
    Answer, BrowserRequest, Cookie, Issuer, OAuthError, TokenRequest, parse_form,
};
use jwtctl::time::system_now;

use super::{BODY_TIMEOUT, MAX_BODY, Shared, control, page};

pub type Reply = Response<Full<Bytes>>;

fn reply(status: StatusCode, content_type: &'static str, body: impl Into<Bytes>) -> Reply {
    let mut r = Response::new(Full::new(body.into()));
    *r.status_mut() = status;
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    r
}

pub fn json_reply(status: StatusCode, v: &Value) -> Reply {
    no_store(json(status, v))
}

fn json(status: StatusCode, v: &Value) -> Reply {
    // Straight into bytes: `to_string` goes through fmt::Display, a formatter call per token.
    let mut body = serde_json::to_vec(v).unwrap_or_default();
    body.push(b'\n');
    reply(status, "application/json", body)
}

fn no_store(mut r: Reply) -> Reply {
    let h = r.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    r
}

fn oauth_error(e: &OAuthError) -> Reply {
    let status = StatusCode::from_u16(e.status).unwrap_or(StatusCode::BAD_REQUEST);
    let mut r = no_store(json(status, &e.body()));
    if e.error == "invalid_dpop_proof" || e.error == "use_dpop_nonce" {
        return r;
    }
    if e.status == 401 {
        r.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Basic realm=\"jwtctl\", charset=\"UTF-8\""),
        );
    }
    r
}

pub fn not_found() -> Reply {
    reply(
        StatusCode::NOT_FOUND,
        "text/plain; charset=utf-8",
        "not found\n",
    )
}

fn too_large() -> Reply {
    reply(
        StatusCode::PAYLOAD_TOO_LARGE,
        "text/plain; charset=utf-8",
        "request body over 64 KiB\n",
    )
}

fn internal() -> Reply {
    reply(
        StatusCode::INTERNAL_SERVER_ERROR,
        "text/plain; charset=utf-8",
        "internal error\n",
    )
}

/// Whether an `If-None-Match` list names `etag` (weak comparison, RFC 9110 13.1.2).
fn etag_matches(header: &str, etag: &str) -> bool {
    let bare = |t: &str| t.trim().trim_start_matches("W/").to_string();
    header.trim() == "*" || header.split(',').any(|t| bare(t) == bare(etag))
}

/// Metadata, keys, tokens and userinfo may be read by a browser application under test
/// (no cookies are involved, so any origin may).
fn public(mut r: Reply) -> Reply {
    r.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    r
}

/// The CORS preflight answer for the endpoints a browser application calls.
fn preflight() -> Reply {
    let mut r = public(reply(StatusCode::NO_CONTENT, "text/plain", Bytes::new()));
    let h = r.headers_mut();
    h.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("GET, POST"),
    );
    h.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static("Authorization, Content-Type, DPoP"),
    );
    h.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static("600"),
    );
    r
}

fn header_text(req: &Parts, name: impl header::AsHeaderName) -> Option<String> {
    req.headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

fn is_form(req: &Parts) -> bool {
    header_text(req, header::CONTENT_TYPE)
        .and_then(|v| v.split(';').next().map(str::to_string))
        .is_some_and(|v| {
            v.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
}

/// Reads the body within the size and time limits; `Err` is the reply to send.
async fn body(incoming: Incoming) -> Result<Bytes, Reply> {
    let body = Limited::new(incoming, MAX_BODY);
    match tokio::time::timeout(BODY_TIMEOUT, body.collect()).await {
        Ok(Ok(b)) => Ok(b.to_bytes()),
        Ok(Err(e))
            if e.downcast_ref::<http_body_util::LengthLimitError>()
                .is_some() =>
        {
            Err(too_large())
        }
        _ => Err(oauth_error(&OAuthError {
            status: 400,
            error: "invalid_request",
            description: "the request body could not be read".into(),
        })),
    }
}

/// A request whose body has been read.
struct Req {
    parts: Parts,
    body: Bytes,
}

impl Req {
    fn form(&self) -> Result<Vec<(String, String)>, OAuthError> {
        if !is_form(&self.parts) {
            return Err(OAuthError {
                status: 400,
                error: "invalid_request",
                description: "the request must be application/x-www-form-urlencoded".into(),
            });
        }
        parse_form(&self.body)
    }

    /// A token-endpoint-style request: the form, `Authorization` and `DPoP`.
    fn token_request(&self) -> Result<TokenRequest, OAuthError> {
        Ok(TokenRequest {
            authorization: header_text(&self.parts, header::AUTHORIZATION),
            form: self.form()?,
            dpop: header_text(&self.parts, "dpop"),
        })
    }
}

fn issuer_now(i: &Issuer) -> i64 {
    i.now(system_now())
}

pub async fn route(req: Request<Incoming>, peer: SocketAddr, shared: &Arc<Shared>) -> Reply {
    let (parts, incoming) = req.into_parts();
    let declared =
        header_text(&parts, header::CONTENT_LENGTH).and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY as u64) {
        return too_large();
    }
    let body = match body(incoming).await {
        Ok(b) => b,
        Err(r) => return public(r),
    };
    let req = Req { parts, body };
    let p = &shared.paths;
    let path = req.parts.uri.path().to_string();
    let method = req.parts.method.clone();
    if let Some(op) = path.strip_prefix(p.control.as_str()) {
        if !shared.control.allowed(peer, &req.parts.headers) {
            return not_found();
        }
        return control::handle(op, &method, &req.body, shared).await;
    }
    shared.control.capture(
        method.as_str(),
        &path,
        req.parts.uri.query().unwrap_or_default(),
        &req.parts.headers,
        &req.body,
    );
    if let Some(member) = p.member(&path) {
        if let Some(injected) = shared.control.take(member) {
            tokio::time::sleep(injected.delay).await;
            if let Some(status) = injected.status {
                let status =
                    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                let body = match &injected.error {
                    Some(e) => {
                        serde_json::json!({"error": e, "error_description": "injected by the control API"})
                    }
                    None => {
                        serde_json::json!({"error": "injected", "error_description": "injected by the control API"})
                    }
                };
                return public(json_reply(status, &body));
            }
        }
    }
    let get = matches!(method, Method::GET | Method::HEAD);
    let post = method == Method::POST;
    let cors = [
        &p.token,
        &p.userinfo,
        &p.jwks,
        &p.oidc,
        &p.introspect,
        &p.revoke,
        &p.device_authorization,
    ];
    if method == Method::OPTIONS && cors.contains(&&path) {
        return preflight();
    }
    if get && (path == p.oidc || path == p.oauth_inserted || path == p.oauth_appended) {
        let doc = match shared.issuer.read() {
            Ok(i) => i.discovery(),
            Err(_) => return internal(),
        };
        let mut r = json(StatusCode::OK, &doc);
        r.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=300"),
        );
        return public(r);
    }
    if get && path == p.jwks {
        return jwks(&req.parts, shared);
    }
    if post && path == p.token {
        return with_nonce(
            form_endpoint(&req, shared, |i, r, now| i.token(r, now)).await,
            shared,
        );
    }
    if post && path == p.introspect {
        return form_endpoint(&req, shared, |i, r, now| i.introspect(r, now)).await;
    }
    if post && path == p.revoke {
        return form_endpoint(&req, shared, |i, r, now| {
            i.revoke(r, now).map(|()| Value::Null)
        })
        .await;
    }
    if post && path == p.device_authorization {
        return form_endpoint(&req, shared, |i, r, now| i.device_authorization(r, now)).await;
    }
    if (get || post) && path == p.authorize {
        return browser(&req, shared, |i, br| i.authorize(br, issuer_now(i)));
    }
    if post && path == p.login {
        return browser(&req, shared, |i, br| i.login(br, issuer_now(i)));
    }
    if get && path == p.device {
        return device_page(&req);
    }
    if post && path == p.device {
        return browser(&req, shared, |i, br| i.device_verify(br, issuer_now(i)));
    }
    if (get || post) && path == p.end_session {
        return browser(&req, shared, |i, br| i.end_session(br));
    }
    if (get || post) && path == p.userinfo {
        return with_nonce(userinfo(&req, shared), shared);
    }
    not_found()
}

/// Adds the current DPoP server nonce, when the issuer demands nonces.
fn with_nonce(mut r: Reply, shared: &Shared) -> Reply {
    let nonce = shared
        .issuer
        .read()
        .ok()
        .and_then(|i| i.dpop_nonce(issuer_now(&i)));
    if let Some(v) = nonce.and_then(|n| HeaderValue::from_str(&n).ok()) {
        r.headers_mut().insert("dpop-nonce", v);
        r.headers_mut().insert(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static("DPoP-Nonce, WWW-Authenticate"),
        );
    }
    r
}

/// The token, introspection, revocation and device-authorization endpoints: a form in, JSON
/// out (a revocation answers 200 with no body).
async fn form_endpoint(
    req: &Req,
    shared: &Arc<Shared>,
    answer: fn(&Issuer, &TokenRequest, i64) -> Result<Value, OAuthError>,
) -> Reply {
    let request = match req.token_request() {
        Ok(r) => r,
        Err(e) => return public(oauth_error(&e)),
    };
    let run = move |shared: &Shared, request: &TokenRequest| match shared.issuer.read() {
        Ok(i) => Ok(answer(&i, request, issuer_now(&i))),
        Err(_) => Err(()),
    };
    // A client assertion may send the issuer to fetch the client's jwks_uri, which blocks:
    // on the runtime's pool of blocking threads then, so that the lane's other connections
    // are served meanwhile (only then: the hand-over costs ~7% of a token).
    let fetches = request.form.iter().any(|(k, _)| k == "client_assertion");
    let outcome = if fetches {
        let shared = Arc::clone(shared);
        tokio::task::spawn_blocking(move || run(&shared, &request))
            .await
            .unwrap_or(Err(()))
    } else {
        run(shared, &request)
    };
    public(match outcome {
        Ok(Ok(Value::Null)) => no_store(reply(StatusCode::OK, "application/json", Bytes::new())),
        Ok(Ok(body)) => no_store(json(StatusCode::OK, &body)),
        Ok(Err(e)) => oauth_error(&e),
        Err(()) => internal(),
    })
}

fn jwks(req: &Parts, shared: &Shared) -> Reply {
    let (body, etag) = match shared.issuer.read() {
        Ok(i) => {
            let (b, e) = i.jwks();
            (b.to_string(), e.to_string())
        }
        Err(_) => return internal(),
    };
    let fresh = header_text(req, header::IF_NONE_MATCH).is_some_and(|h| etag_matches(&h, &etag));
    let mut r = if fresh {
        reply(StatusCode::NOT_MODIFIED, "application/json", Bytes::new())
    } else {
        reply(StatusCode::OK, "application/jwk-set+json", body)
    };
    if let Ok(v) = HeaderValue::from_str(&etag) {
        r.headers_mut().insert(header::ETAG, v);
    }
    if let Ok(v) = HeaderValue::from_str(&format!("public, max-age={}", shared.jwks_max_age)) {
        r.headers_mut().insert(header::CACHE_CONTROL, v);
    }
    public(r)
}

fn userinfo(req: &Req, shared: &Shared) -> Reply {
    let authorization = header_text(&req.parts, header::AUTHORIZATION);
    let dpop = header_text(&req.parts, "dpop");
    let form = if req.parts.method == Method::POST && is_form(&req.parts) {
        match parse_form(&req.body) {
            Ok(f) => f,
            Err(e) => return public(oauth_error(&e)),
        }
    } else {
        Vec::new()
    };
    let form_token = form
        .iter()
        .find(|(k, _)| k == "access_token")
        .map(|(_, v)| v.as_str());
    let answer = match shared.issuer.read() {
        Ok(i) => i.userinfo(
            authorization.as_deref(),
            form_token,
            dpop.as_deref(),
            req.parts.method.as_str(),
            issuer_now(&i),
        ),
        Err(_) => return internal(),
    };
    public(match answer {
        Ok(claims) => no_store(json(StatusCode::OK, &claims)),
        Err(e) => {
            let status = StatusCode::from_u16(e.status).unwrap_or(StatusCode::UNAUTHORIZED);
            let mut r = no_store(json(status, &e.body()));
            if let Ok(v) = HeaderValue::from_str(&e.challenge()) {
                r.headers_mut().insert(header::WWW_AUTHENTICATE, v);
            }
            r
        }
    })
}

/// The device flow's verification page: a form for the user code (pre-filled from
/// `verification_uri_complete`).
fn device_page(req: &Req) -> Reply {
    let query =
        parse_form(req.parts.uri.query().unwrap_or_default().as_bytes()).unwrap_or_default();
    let code = query
        .iter()
        .find(|(k, _)| k == "user_code")
        .map(|(_, v)| v.as_str())
        .unwrap_or_default();
    no_store(page_reply(200, &page::device(code, req.parts.uri.path())))
}

/// Cookies from the `Cookie` headers (RFC 6265 5.4).
fn cookies(req: &Parts) -> Vec<(String, String)> {
    req.headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| {
            let (k, v) = pair.split_once('=')?;
            Some((k.trim().to_string(), v.trim().trim_matches('"').to_string()))
        })
        .collect()
}

/// Requests a browser makes (authorize, the login form, end session): parameters from the
/// query, or the form of a POST.
fn browser(
    req: &Req,
    shared: &Shared,
    answer: impl FnOnce(&Issuer, &BrowserRequest) -> Answer,
) -> Reply {
    let cookies = cookies(&req.parts);
    let params = if req.parts.method == Method::POST {
        if !is_form(&req.parts) {
            return page_reply(
                400,
                &page::message(
                    "Invalid request",
                    "The form must be sent as application/x-www-form-urlencoded.",
                ),
            );
        }
        parse_form(&req.body)
    } else {
        parse_form(req.parts.uri.query().unwrap_or_default().as_bytes())
    };
    let params = match params {
        Ok(p) => p,
        Err(e) => return page_reply(400, &page::message("Invalid request", &e.description)),
    };
    let br = BrowserRequest { params, cookies };
    let answer = match shared.issuer.read() {
        Ok(i) => answer(&i, &br),
        Err(_) => return internal(),
    };
    let (mut r, set) = match answer {
        Answer::Redirect { location, cookies } => {
            let mut r = reply(
                StatusCode::SEE_OTHER,
                "text/plain; charset=utf-8",
                Bytes::new(),
            );
            match HeaderValue::from_str(&location) {
                Ok(v) => {
                    r.headers_mut().insert(header::LOCATION, v);
                }
                Err(_) => return internal(),
            }
            (r, cookies)
        }
        Answer::Login { page: p, cookies } => (
            page_reply(200, &page::login(&p, &shared.paths.login)),
            cookies,
        ),
        Answer::Page {
            status,
            title,
            message,
            cookies,
        } => (
            page_reply(status, &page::message(&title, &message)),
            cookies,
        ),
    };
    for c in set {
        if let Ok(v) = HeaderValue::from_str(&set_cookie(&c, shared)) {
            r.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    no_store(r)
}

fn set_cookie(c: &Cookie, shared: &Shared) -> String {
    let mut text = format!(
        "{}={}; Path={}; HttpOnly; SameSite=Lax",
        c.name, c.value, shared.paths.cookie_path
    );
    if let Some(age) = c.max_age {
        text.push_str(&format!("; Max-Age={age}"));
    }
    if shared.tls {
        text.push_str("; Secure");
    }
    text
}

/// An HTML page with headers that keep it to itself: no scripts, no framing, no referrer.
fn page_reply(status: u16, html: &str) -> Reply {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    let mut r = reply(status, "text/html; charset=utf-8", html.to_string());
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'",
        ),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    r
}
