//! What arrives at the token endpoint: the request, its form body
//! (`application/x-www-form-urlencoded`), and the OAuth 2.0 error answer (RFC 6749 5.2).

use serde_json::{Value, json};

/// An OAuth 2.0 error answer (RFC 6749 5.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthError {
    /// HTTP status: 400, or 401 for `invalid_client`.
    pub status: u16,
    /// The `error` code.
    pub error: &'static str,
    /// `error_description`.
    pub description: String,
}

impl OAuthError {
    pub(super) fn new(status: u16, error: &'static str, description: impl Into<String>) -> Self {
        OAuthError {
            status,
            error,
            description: description.into(),
        }
    }

    pub(super) fn invalid_request(description: impl Into<String>) -> Self {
        Self::new(400, "invalid_request", description)
    }

    pub(super) fn invalid_client(description: impl Into<String>) -> Self {
        Self::new(401, "invalid_client", description)
    }

    /// The JSON body.
    pub fn body(&self) -> Value {
        json!({"error": self.error, "error_description": self.description})
    }
}

/// A token request: the `Authorization` header, if any, and the form parameters in order.
#[derive(Debug, Clone, Default)]
pub struct TokenRequest {
    /// The `Authorization` header value.
    pub authorization: Option<String>,
    /// `application/x-www-form-urlencoded` parameters, decoded.
    pub form: Vec<(String, String)>,
    /// The `DPoP` header (a proof, RFC 9449), if any.
    pub dpop: Option<String>,
}

fn hex_digit(b: u8) -> Option<u8> {
    char::from(b)
        .to_digit(16)
        .and_then(|d| u8::try_from(d).ok())
}

/// Decodes one `application/x-www-form-urlencoded` component (`+` is a space).
pub(super) fn form_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0usize;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'+' => out.push(b' '),
            b'%' => {
                let hi = bytes.get(i.checked_add(1)?).copied().and_then(hex_digit)?;
                let lo = bytes.get(i.checked_add(2)?).copied().and_then(hex_digit)?;
                out.push(hi.checked_mul(16)?.checked_add(lo)?);
                i = i.checked_add(2)?;
            }
            _ => out.push(b),
        }
        i = i.checked_add(1)?;
    }
    String::from_utf8(out).ok()
}

/// Parses a form body; malformed encoding is `invalid_request`.
pub fn parse_form(body: &[u8]) -> Result<Vec<(String, String)>, OAuthError> {
    let text = std::str::from_utf8(body)
        .map_err(|_| OAuthError::invalid_request("the request body is not UTF-8"))?;
    let mut out = Vec::new();
    for pair in text.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let (Some(k), Some(v)) = (form_decode(k), form_decode(v)) else {
            return Err(OAuthError::invalid_request(
                "the request body is not valid application/x-www-form-urlencoded",
            ));
        };
        out.push((k, v));
    }
    Ok(out)
}

use crate::encoding::form_encode;

/// `base` with `params` added to its query.
pub(super) fn with_query(base: &str, params: &[(&str, Option<&str>)]) -> String {
    let mut url = base.to_string();
    let mut sep = if base.contains('?') { '&' } else { '?' };
    for (name, value) in params {
        if let Some(v) = value {
            url.push(sep);
            url.push_str(name);
            url.push('=');
            url.push_str(&form_encode(v));
            sep = '&';
        }
    }
    url
}

/// The first non-empty value of a parameter.
pub(super) fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, v)| k == name && !v.is_empty())
        .map(|(_, v)| v.as_str())
}

/// A parameter that must be there: `invalid_request` naming it otherwise.
pub(super) fn required<'a>(
    params: &'a [(String, String)],
    name: &str,
) -> Result<&'a str, OAuthError> {
    param(params, name).ok_or_else(|| OAuthError::invalid_request(format!("{name} is missing")))
}

/// The first parameter given twice, other than those allowed to repeat (RFC 6749 3.1, 3.2).
pub(super) fn repeated<'a>(params: &'a [(String, String)], may_repeat: &[&str]) -> Option<&'a str> {
    let mut seen = std::collections::HashSet::new();
    params
        .iter()
        .map(|(k, _)| k.as_str())
        .find(|k| !seen.insert(*k) && !may_repeat.contains(k))
}
