//! Building a claims set for signing: the registered claims on top of the caller's.

use super::*;

/// The registered claims a `sign` invocation sets on top of its base claims.
#[derive(Debug, Clone, Default)]
pub struct ClaimsSpec {
    /// `iss`.
    pub iss: Option<String>,
    /// `sub`.
    pub sub: Option<String>,
    /// `aud`: one value gives a string, several an array.
    pub aud: Vec<String>,
    /// `exp` (Unix seconds).
    pub exp: Option<i64>,
    /// `nbf` (Unix seconds).
    pub nbf: Option<i64>,
    /// `iat` (Unix seconds); `None` leaves it out.
    pub iat: Option<i64>,
    /// `jti`.
    pub jti: Option<String>,
    /// Further `name=value` / `name:=json` claims, applied last.
    pub extra: Vec<(String, Value)>,
}

/// Merges `spec` over `base`: flags override members of the base claims.
pub fn build(mut base: Map<String, Value>, spec: ClaimsSpec) -> Map<String, Value> {
    let mut set = |k: &str, v: Value| {
        base.insert(k.to_string(), v);
    };
    if let Some(v) = spec.iss {
        set("iss", v.into());
    }
    if let Some(v) = spec.sub {
        set("sub", v.into());
    }
    match spec.aud.len() {
        0 => {}
        1 => set(
            "aud",
            spec.aud.into_iter().next().unwrap_or_default().into(),
        ),
        _ => set(
            "aud",
            Value::Array(spec.aud.into_iter().map(Value::String).collect()),
        ),
    }
    if let Some(v) = spec.iat {
        set("iat", v.into());
    }
    if let Some(v) = spec.nbf {
        set("nbf", v.into());
    }
    if let Some(v) = spec.exp {
        set("exp", v.into());
    }
    if let Some(v) = spec.jti {
        set("jti", v.into());
    }
    for (k, v) in spec.extra {
        set(&k, v);
    }
    base
}
