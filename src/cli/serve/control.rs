//! The control API under `/_jwtctl/`: what a test steers in a running `serve` — claims for the
//! next tokens, errors and delays per endpoint, the clock, rotation, revoke-all, reset, the
//! captured requests (secrets redacted), and flawed tokens. Answered to loopback peers, and to
//! others only with the `--admin-token` as a bearer token; anyone else gets a 404. Request
//! bodies are JSON objects read strictly: an unknown member or a bad value is a 400 naming it.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::Mutex;
use std::time::Duration;

use bytes::Bytes;
use hyper::StatusCode;
use hyper::header::HeaderMap;
use serde_json::{Map, Value, json};
use zeroize::Zeroizing;

use jwtctl::issuer::FLAWS;
use jwtctl::time::{parse_span, system_now};

use super::Shared;
use super::routes::{Reply, json_reply, not_found};

/// Requests kept for `GET requests`; older ones are dropped.
const CAPTURED_CAP: usize = 1_000;
/// Errors queued at once.
const INJECTED_CAP: usize = 1_000;
/// The longest delay a test may ask for.
const MAX_DELAY: Duration = Duration::from_secs(60);
/// Form fields and headers whose values are never shown.
const SECRET_FIELDS: &[&str] = &["client_secret", "password", "client_assertion"];
const SECRET_HEADERS: &[&str] = &["authorization", "cookie", "proxy-authorization"];
/// Endpoints an error may be injected at, by discovery member.
const MEMBERS: &[&str] = &[
    "issuer",
    "jwks_uri",
    "token_endpoint",
    "authorization_endpoint",
    "userinfo_endpoint",
    "end_session_endpoint",
    "introspection_endpoint",
    "revocation_endpoint",
    "device_authorization_endpoint",
];

/// An error or delay queued for an endpoint.
#[derive(Debug, Clone)]
pub struct Injected {
    endpoint: String,
    pub status: Option<u16>,
    pub error: Option<String>,
    pub delay: Duration,
    remaining: u32,
}

/// A request as it came.
struct Captured {
    time: i64,
    method: String,
    path: String,
    query: String,
    headers: HeaderMap,
    body: Bytes,
}

impl Captured {
    /// The JSON `GET requests` shows, secrets redacted.
    fn render(&self) -> Value {
        let hs: Map<String, Value> = self
            .headers
            .iter()
            .map(|(n, v)| {
                let name = n.as_str().to_string();
                let value = if SECRET_HEADERS.contains(&name.as_str()) {
                    "[redacted]".to_string()
                } else {
                    String::from_utf8_lossy(v.as_bytes()).into_owned()
                };
                (name, Value::String(value))
            })
            .collect();
        let query = if self.query.is_empty() {
            Value::Object(Map::new())
        } else {
            redacted_form(self.query.as_bytes())
        };
        let body = if self.body.is_empty() {
            Value::Null
        } else {
            redacted_form(&self.body)
        };
        json!({
            "time": self.time,
            "method": self.method,
            "path": self.path,
            "query": query,
            "headers": hs,
            "body": body,
        })
    }
}

/// The control API's state.
pub struct Control {
    injected: Mutex<Vec<Injected>>,
    captured: Mutex<VecDeque<Captured>>,
    admin_token: Option<Zeroizing<Vec<u8>>>,
}

/// Why a control request is refused: a 400 naming the problem, or a 404.
enum Problem {
    Bad(String),
    NotFound,
}

fn bad(msg: impl Into<String>) -> Problem {
    Problem::Bad(msg.into())
}

/// Percent-decodes a form body for the log, redacting secret fields.
fn redacted_form(body: &[u8]) -> Value {
    match jwtctl::issuer::parse_form(body) {
        Ok(pairs) => Value::Object(
            pairs
                .into_iter()
                .map(|(k, v)| {
                    let v = if SECRET_FIELDS.contains(&k.as_str()) {
                        "[redacted]".to_string()
                    } else {
                        v
                    };
                    (k, Value::String(v))
                })
                .collect(),
        ),
        Err(_) => Value::String(String::from_utf8_lossy(body).into_owned()),
    }
}

impl Control {
    pub fn new(admin_token: Option<Zeroizing<Vec<u8>>>) -> Control {
        Control {
            injected: Mutex::new(Vec::new()),
            captured: Mutex::new(VecDeque::new()),
            admin_token,
        }
    }

    /// Whether the control API answers this peer.
    pub fn allowed(&self, peer: SocketAddr, headers: &HeaderMap) -> bool {
        if peer.ip().is_loopback() || peer.ip().to_canonical().is_loopback() {
            return true;
        }
        let Some(want) = &self.admin_token else {
            return false;
        };
        let got = headers
            .get(hyper::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split_once(' '))
            .filter(|(s, _)| s.eq_ignore_ascii_case("bearer"))
            .map(|(_, t)| t.trim().as_bytes().to_vec())
            .unwrap_or_default();
        jwtctl::crypto::ct_eq(&got, want)
    }

    /// Records a request for `GET requests`. Kept as it came (the header map and body are
    /// shared, not copied), and rendered, secrets redacted, only when asked for: recording
    /// is on every request's path.
    pub fn capture(
        &self,
        method: &str,
        path: &str,
        query: &str,
        headers: &HeaderMap,
        body: &Bytes,
    ) {
        let entry = Captured {
            time: system_now(),
            method: method.to_string(),
            path: path.to_string(),
            query: query.to_string(),
            headers: headers.clone(),
            body: body.clone(),
        };
        if let Ok(mut c) = self.captured.lock() {
            if c.len() >= CAPTURED_CAP {
                c.pop_front();
            }
            c.push_back(entry);
        }
    }

    /// The next queued error or delay for the endpoint `member`, counted down.
    pub fn take(&self, member: &str) -> Option<Injected> {
        let mut q = self.injected.lock().ok()?;
        let at = q.iter().position(|i| i.endpoint == member)?;
        let item = q.get_mut(at)?;
        item.remaining = item.remaining.saturating_sub(1);
        let out = item.clone();
        if item.remaining == 0 {
            q.remove(at);
        }
        Some(out)
    }

    fn reset(&self) {
        if let Ok(mut q) = self.injected.lock() {
            q.clear();
        }
    }
}

/// Reads a control request's JSON body: an object with only the members `allowed`.
fn object(body: &[u8], allowed: &[&str]) -> Result<Map<String, Value>, Problem> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    let obj = jwtctl::encoding::parse_object_strict(body)
        .map_err(|e| bad(format!("the body is not a JSON object: {e}")))?;
    if let Some(k) = obj.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(bad(format!(
            "unknown member {:?}; this operation takes {}",
            jwtctl::sanitize::sanitize(k),
            if allowed.is_empty() {
                "none".to_string()
            } else {
                allowed.join(", ")
            }
        )));
    }
    Ok(obj)
}

fn count(obj: &Map<String, Value>) -> Result<u32, Problem> {
    match obj.get("count") {
        None => Ok(1),
        Some(v) => v
            .as_u64()
            .filter(|n| (1..=1000).contains(n))
            .and_then(|n| u32::try_from(n).ok())
            .ok_or_else(|| bad("\"count\" must be a whole number from 1 to 1000")),
    }
}

fn string<'a>(obj: &'a Map<String, Value>, name: &str) -> Result<Option<&'a str>, Problem> {
    match obj.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(bad(format!("{name:?} must be a string"))),
    }
}

/// `+2h`, `-30m`, `90s` (seconds, signed).
fn shift(text: &str) -> Option<i64> {
    let (sign, rest) = match text.trim().strip_prefix('-') {
        Some(r) => (-1i64, r),
        None => (1, text.trim().strip_prefix('+').unwrap_or(text.trim())),
    };
    let secs = parse_span(rest).ok()?.as_secs();
    // A year either way is plenty for a test.
    (secs <= 366 * 24 * 3600).then(|| i64::try_from(secs).ok().map(|s| s.saturating_mul(sign)))?
}

/// Answers `op` (the path after `/_jwtctl/`).
pub async fn handle(op: &str, method: &hyper::Method, body: &[u8], shared: &Shared) -> Reply {
    use hyper::Method;
    let ok = || json_reply(StatusCode::OK, &json!({"ok": true}));
    let post = *method == Method::POST;
    let now = || {
        shared
            .issuer
            .read()
            .map(|i| i.now(system_now()))
            .unwrap_or_else(|_| system_now())
    };
    let result: Result<Reply, Problem> = async {
        match (op, post) {
            ("next-claims", true) => {
                let o = object(body, &["claims", "count", "client_id"])?;
                let Some(Value::Object(claims)) = o.get("claims") else {
                    return Err(bad("\"claims\" must be a JSON object"));
                };
                let n = count(&o)?;
                let client = string(&o, "client_id")?.map(str::to_string);
                let issuer = shared.issuer.read().map_err(|_| bad("unavailable"))?;
                issuer.queue_claims(claims.clone(), n, client).map_err(bad)?;
                Ok(ok())
            }
            ("next-error", true) => {
                let o = object(body, &["endpoint", "status", "error", "delay", "count"])?;
                let endpoint = string(&o, "endpoint")?
                    .ok_or_else(|| bad("\"endpoint\" is required: a discovery member such as token_endpoint"))?;
                if !MEMBERS.contains(&endpoint) {
                    return Err(bad(format!(
                        "\"endpoint\" {:?} is not one of {}",
                        jwtctl::sanitize::sanitize(endpoint),
                        MEMBERS.join(", ")
                    )));
                }
                let status = match o.get("status") {
                    None => None,
                    Some(v) => Some(
                        v.as_u64()
                            .filter(|s| (400..=599).contains(s))
                            .and_then(|s| u16::try_from(s).ok())
                            .ok_or_else(|| bad("\"status\" must be an HTTP error status, 400 to 599"))?,
                    ),
                };
                let error = string(&o, "error")?.map(str::to_string);
                if error.as_deref().is_some_and(|e| e.is_empty() || !e.bytes().all(|b| b.is_ascii_graphic() && b != b'"' && b != b'\\')) {
                    return Err(bad("\"error\" must be an OAuth error code such as invalid_grant"));
                }
                let delay = match string(&o, "delay")? {
                    None => Duration::ZERO,
                    Some(d) => parse_span(d)
                        .ok()
                        .filter(|d| *d <= MAX_DELAY)
                        .ok_or_else(|| bad("\"delay\" must be a duration up to 60s, such as \"1500ms\""))?,
                };
                if status.is_none() && error.is_none() && delay.is_zero() {
                    return Err(bad("give \"status\", \"error\" or \"delay\""));
                }
                let status = status.or(error.as_ref().map(|_| 400));
                let mut q = shared.control.injected.lock().map_err(|_| bad("unavailable"))?;
                if q.len() >= INJECTED_CAP {
                    return Err(bad(format!("{INJECTED_CAP} errors are queued already")));
                }
                q.push(Injected {
                    endpoint: endpoint.to_string(),
                    status,
                    error,
                    delay,
                    remaining: count(&o)?,
                });
                Ok(ok())
            }
            ("clock", true) => {
                let o = object(body, &["shift"])?;
                let text = string(&o, "shift")?.ok_or_else(|| bad("\"shift\" is required, such as \"+2h\""))?;
                let secs = shift(text)
                    .ok_or_else(|| bad("\"shift\" must be a signed duration up to a year, such as \"+2h\" or \"-30m\""))?;
                let issuer = shared.issuer.read().map_err(|_| bad("unavailable"))?;
                issuer.set_clock_shift(secs);
                Ok(json_reply(StatusCode::OK, &json!({"ok": true, "shift": secs, "now": issuer.now(system_now())})))
            }
            ("rotate", true) => {
                object(body, &[])?;
                let kid = super::rotate_now(shared).await.map_err(bad)?;
                Ok(json_reply(StatusCode::OK, &json!({"ok": true, "kid": kid})))
            }
            ("revoke-all", true) => {
                object(body, &[])?;
                let t = now();
                shared.issuer.read().map_err(|_| bad("unavailable"))?.revoke_all(t);
                Ok(ok())
            }
            ("reset", true) => {
                object(body, &[])?;
                shared.issuer.read().map_err(|_| bad("unavailable"))?.reset();
                shared.control.reset();
                Ok(ok())
            }
            ("requests", false) => {
                let all: Vec<Value> = shared
                    .control
                    .captured
                    .lock()
                    .map(|c| c.iter().map(Captured::render).collect())
                    .unwrap_or_default();
                Ok(json_reply(StatusCode::OK, &Value::Array(all)))
            }
            ("flawed-token", true) => {
                let o = object(body, &["flaw"])?;
                let flaw = string(&o, "flaw")?
                    .ok_or_else(|| bad(format!("\"flaw\" is required: one of {}", FLAWS.join(", "))))?;
                let t = now();
                let issuer = shared.issuer.read().map_err(|_| bad("unavailable"))?;
                let token = issuer
                    .flawed_token(flaw, t)
                    .map_err(|e| bad(e.description))?;
                Ok(json_reply(StatusCode::OK, &json!({"token": token, "flaw": flaw})))
            }
            _ => Err(Problem::NotFound),
        }
    }
    .await;
    match result {
        Ok(r) => r,
        Err(Problem::NotFound) => not_found(),
        Err(Problem::Bad(msg)) => json_reply(
            StatusCode::BAD_REQUEST,
            &json!({"error": "invalid_request", "error_description": msg}),
        ),
    }
}
