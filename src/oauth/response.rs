//! Token-endpoint answers, read strictly: a successful response (RFC 6749 5.1) and an OAuth
//! error (5.2), each reported in one line.

use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::remote::RemoteUrl;
use crate::sanitize::sanitize;

/// A successful token response.
#[derive(Debug, Clone)]
pub struct TokenResponse {
    /// The whole JSON object as answered.
    pub body: Map<String, Value>,
    /// `access_token`.
    pub access_token: String,
    /// `token_type` (`Bearer`, `DPoP`, ...).
    pub token_type: String,
    /// `expires_in`, seconds.
    pub expires_in: Option<u64>,
    /// `refresh_token`.
    pub refresh_token: Option<String>,
    /// `id_token`.
    pub id_token: Option<String>,
}

/// The JSON object of an answer; anything else is a fetch error naming what came.
pub(super) fn object(body: &[u8], url: &RemoteUrl, status: u16) -> Result<Map<String, Value>> {
    match crate::remote::json_object(body, url) {
        Ok(m) => Ok(m),
        Err(_) if status != 200 => Err(Error::Fetch {
            url: url.to_string(),
            cause: format!("HTTP {status}, and the body is not an OAuth error (JSON)"),
            status: Some(status),
            remedy: None,
        }),
        Err(e) => Err(e),
    }
}

/// The error a non-200 answer means: an OAuth error object from 400/401/403 is a refusal
/// (exit 1); anything else a failed exchange (exit 2).
pub(super) fn refusal(url: &RemoteUrl, status: u16, obj: &Map<String, Value>) -> Error {
    let error = obj.get("error").and_then(Value::as_str);
    let description = obj.get("error_description").and_then(Value::as_str);
    match (status, error) {
        (400 | 401 | 403, Some(e)) => Error::Denied(match description {
            Some(d) => format!(
                "{url}: the server refused: {}: {}",
                sanitize(e),
                sanitize(d)
            ),
            None => format!("{url}: the server refused: {}", sanitize(e)),
        }),
        (_, e) => Error::Fetch {
            url: url.to_string(),
            cause: match e {
                Some(e) => format!("HTTP {status} ({})", sanitize(e)),
                None => format!("HTTP {status}"),
            },
            status: Some(status),
            remedy: None,
        },
    }
}

fn string(obj: &Map<String, Value>, name: &str, url: &RemoteUrl) -> Result<Option<String>> {
    match obj.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(Error::fetch(
            url.to_string(),
            format!("the token response's {name:?} is not a string"),
        )),
    }
}

impl TokenResponse {
    /// Reads a 200 answer.
    pub(super) fn parse(body: Map<String, Value>, url: &RemoteUrl) -> Result<TokenResponse> {
        let access_token = string(&body, "access_token", url)?
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                Error::fetch(url.to_string(), "the token response has no access_token")
            })?;
        let token_type = string(&body, "token_type", url)?
            .ok_or_else(|| Error::fetch(url.to_string(), "the token response has no token_type"))?;
        let expires_in = match body.get("expires_in") {
            None | Some(Value::Null) => None,
            Some(v) => Some(
                v.as_u64()
                    .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
                    .ok_or_else(|| {
                        Error::fetch(
                            url.to_string(),
                            "the token response's expires_in is not a number of seconds",
                        )
                    })?,
            ),
        };
        let refresh_token = string(&body, "refresh_token", url)?;
        let id_token = string(&body, "id_token", url)?;
        string(&body, "scope", url)?;
        Ok(TokenResponse {
            body,
            access_token,
            token_type,
            expires_in,
            refresh_token,
            id_token,
        })
    }

    /// The `Authorization` header value for an API call.
    pub fn authorization(&self) -> String {
        let scheme = if self.token_type.eq_ignore_ascii_case("dpop") {
            "DPoP"
        } else {
            "Bearer"
        };
        format!("{scheme} {}", self.access_token)
    }
}
