//! JWT claims: building a claims set for `sign` and validating one for `verify` (RFC 7519 section 4.1, RFC 8725) against
//! an injected clock.

use std::collections::HashSet;

use serde_json::{Map, Value};

use crate::error::{RejectCode, Rejection, Result};
use crate::time::{format_relative, format_timestamp};

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

/// The outcome of one check in a verification report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The check passed.
    Pass,
    /// The check failed (verification stops here).
    Fail,
    /// The check did not apply.
    Skip,
}

/// One line of the `--explain` report.
#[derive(Debug, Clone)]
pub struct Check {
    /// What was checked (`algorithm`, `signature`, `exp`, ...).
    pub name: String,
    /// How it went.
    pub outcome: Outcome,
    /// Details in one line.
    pub detail: String,
}

/// The check-by-check record of a verification. Details are built only when recording is on
/// (`--explain`), so batch verification pays nothing for them.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Checks in the order they ran.
    pub checks: Vec<Check>,
    /// Whether checks are recorded.
    pub recording: bool,
}

impl Report {
    /// A report that records every check.
    pub fn recording() -> Report {
        Report {
            checks: Vec::new(),
            recording: true,
        }
    }

    /// Records a check; `detail` is only evaluated when recording.
    pub fn add<S: Into<String>>(
        &mut self,
        name: &str,
        outcome: Outcome,
        detail: impl FnOnce() -> S,
    ) {
        if self.recording {
            self.checks.push(Check {
                name: name.to_string(),
                outcome,
                detail: detail().into(),
            });
        }
    }
    fn pass<S: Into<String>>(&mut self, name: &str, detail: impl FnOnce() -> S) {
        self.add(name, Outcome::Pass, detail);
    }
    /// Records a check that did not apply.
    pub fn skip<S: Into<String>>(&mut self, name: &str, detail: impl FnOnce() -> S) {
        self.add(name, Outcome::Skip, detail);
    }
    /// Records a failing check and returns the rejection.
    pub fn fail(&mut self, name: &str, r: Rejection) -> Rejection {
        self.add(name, Outcome::Fail, || {
            format!("{} [{}]", r.message, r.code)
        });
        r
    }
}

/// What a claims set must satisfy.
#[derive(Debug, Clone, Default)]
pub struct ClaimRules {
    /// Accepted issuers (`iss` must be one); empty: not checked.
    pub iss: Vec<String>,
    /// Accepted audiences (`aud` must contain one); empty: a token with `aud` is rejected
    /// unless `any_aud`.
    pub aud: Vec<String>,
    /// Accept any audience.
    pub any_aud: bool,
    /// Expected subject.
    pub sub: Option<String>,
    /// Expected header `typ` (compared as RFC 7515 4.1.9 says: case-insensitive, with the
    /// `application/` prefix optional).
    pub typ: Option<String>,
    /// Claims that must be present.
    pub require: Vec<String>,
    /// Clock skew allowed on `exp`, `nbf` and `iat`, in seconds.
    pub leeway: u64,
    /// Maximum age of the token from `iat`, in seconds.
    pub max_age: Option<u64>,
    /// The current time (Unix seconds).
    pub now: i64,
    /// Skip the `exp` check (for old test vectors).
    pub ignore_exp: bool,
    /// Revoked `jti` values.
    pub revoked: Option<HashSet<String>>,
}

impl ClaimRules {
    /// True when some rule needs a claims set (so a non-JSON payload must fail).
    pub fn needs_claims(&self) -> bool {
        !self.iss.is_empty()
            || !self.aud.is_empty()
            || self.sub.is_some()
            || !self.require.is_empty()
            || self.max_age.is_some()
            || self.revoked.is_some()
    }
}

fn normalize_typ(t: &str) -> String {
    let lower = t.to_ascii_lowercase();
    match lower.strip_prefix("application/") {
        Some(rest) if !rest.contains('/') => rest.to_string(),
        _ => lower,
    }
}

fn numeric(claims: &Map<String, Value>, name: &str) -> Result<Option<i64>, Rejection> {
    match claims.get(name) {
        None => Ok(None),
        Some(v @ Value::Number(_)) => crate::time::numeric_date(v).map(Some).ok_or_else(|| {
            Rejection::new(
                RejectCode::InvalidClaim,
                format!("\"{name}\" is not a usable NumericDate"),
            )
        }),
        Some(_) => Err(Rejection::new(
            RejectCode::InvalidClaim,
            format!("\"{name}\" must be a NumericDate (a number of seconds)"),
        )),
    }
}

fn string_claim<'a>(
    claims: &'a Map<String, Value>,
    name: &str,
) -> Result<Option<&'a str>, Rejection> {
    match claims.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(Rejection::new(
            RejectCode::InvalidClaim,
            format!("\"{name}\" must be a string"),
        )),
    }
}

fn show(v: &str) -> String {
    format!("{:?}", crate::sanitize::sanitize(v))
}

/// Checks the header `typ` and a claims set against `rules`, recording each check.
pub fn validate(
    header: &Map<String, Value>,
    claims: &Map<String, Value>,
    rules: &ClaimRules,
    report: &mut Report,
) -> Result<(), Rejection> {
    let now = rules.now;
    let leeway = i64::try_from(rules.leeway).unwrap_or(i64::MAX);

    if let Some(want) = &rules.typ {
        let got = header.get("typ").and_then(Value::as_str);
        match got {
            Some(t) if normalize_typ(t) == normalize_typ(want) => {
                report.pass("typ", || format!("header typ is {}", show(t)))
            }
            Some(t) => {
                return Err(report.fail(
                    "typ",
                    Rejection::new(
                        RejectCode::TypMismatch,
                        format!("header typ is {}, expected {}", show(t), show(want)),
                    ),
                ));
            }
            None => {
                return Err(report.fail(
                    "typ",
                    Rejection::new(
                        RejectCode::TypMismatch,
                        format!("header has no typ, expected {}", show(want)),
                    ),
                ));
            }
        }
    }

    match numeric(claims, "exp").map_err(|r| report.fail("exp", r))? {
        None => report.skip("exp", || "no exp claim"),
        Some(_) if rules.ignore_exp => report.skip("exp", || "not checked (ignored on request)"),
        Some(exp) if now >= exp.saturating_add(leeway) => {
            return Err(report.fail("exp", Rejection::expired(exp, now)));
        }
        Some(exp) => report.pass("exp", || {
            format!(
                "expires {} ({})",
                format_timestamp(exp),
                format_relative(exp, now)
            )
        }),
    }
    match numeric(claims, "nbf").map_err(|r| report.fail("nbf", r))? {
        None => report.skip("nbf", || "no nbf claim"),
        Some(nbf) if now.saturating_add(leeway) < nbf => {
            return Err(report.fail("nbf", Rejection::not_yet_valid(nbf, now)));
        }
        Some(nbf) => report.pass("nbf", || {
            format!(
                "valid since {} ({})",
                format_timestamp(nbf),
                format_relative(nbf, now)
            )
        }),
    }
    let iat = numeric(claims, "iat").map_err(|r| report.fail("iat", r))?;
    match (iat, rules.max_age) {
        (_, None) => report.skip("max-age", || "not asked for"),
        (None, Some(_)) => {
            return Err(report.fail(
                "max-age",
                Rejection::new(
                    RejectCode::MissingClaim,
                    "token has no \"iat\", needed for the maximum-age check",
                ),
            ));
        }
        (Some(iat), Some(_)) if iat > now.saturating_add(leeway) => {
            return Err(report.fail(
                "max-age",
                Rejection::new(
                    RejectCode::IssuedInFuture,
                    format!(
                        "token issued in the future at {} ({})",
                        format_timestamp(iat),
                        format_relative(iat, now)
                    ),
                ),
            ));
        }
        (Some(iat), Some(max)) => {
            let age = now.saturating_sub(iat);
            if age
                > i64::try_from(max)
                    .unwrap_or(i64::MAX)
                    .saturating_add(leeway)
            {
                return Err(report.fail(
                    "max-age",
                    Rejection::new(
                        RejectCode::TooOld,
                        format!(
                            "token issued at {} ({}) is older than the maximum age {}",
                            format_timestamp(iat),
                            format_relative(iat, now),
                            crate::time::format_span(max)
                        ),
                    ),
                ));
            }
            report.pass("max-age", || {
                format!("issued {}", format_relative(iat, now))
            });
        }
    }

    if rules.iss.is_empty() {
        report.skip("iss", || "not asked for");
    } else {
        match string_claim(claims, "iss").map_err(|r| report.fail("iss", r))? {
            Some(iss) if rules.iss.iter().any(|w| w == iss) => {
                report.pass("iss", || format!("issuer {}", show(iss)))
            }
            Some(iss) => {
                return Err(report.fail(
                    "iss",
                    Rejection::new(
                        RejectCode::IssMismatch,
                        format!(
                            "issuer {} is not the expected {}",
                            show(iss),
                            rules
                                .iss
                                .iter()
                                .map(|s| show(s))
                                .collect::<Vec<_>>()
                                .join(" or ")
                        ),
                    ),
                ));
            }
            None => {
                return Err(report.fail(
                    "iss",
                    Rejection::new(
                        RejectCode::MissingClaim,
                        "token has no \"iss\" (issuer) claim",
                    ),
                ));
            }
        }
    }

    let auds: Option<Vec<&str>> = match claims.get("aud") {
        None => None,
        Some(Value::String(s)) => Some(vec![s.as_str()]),
        Some(Value::Array(a)) => Some(
            a.iter()
                .map(Value::as_str)
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| {
                    report.fail(
                        "aud",
                        Rejection::new(
                            RejectCode::InvalidClaim,
                            "\"aud\" must be a string or an array of strings",
                        ),
                    )
                })?,
        ),
        Some(_) => {
            return Err(report.fail(
                "aud",
                Rejection::new(
                    RejectCode::InvalidClaim,
                    "\"aud\" must be a string or an array of strings",
                ),
            ));
        }
    };
    let shown = |a: &[&str]| a.iter().map(|s| show(s)).collect::<Vec<_>>().join(", ");
    match (&auds, rules.aud.is_empty()) {
        (None, true) => report.skip("aud", || "no aud claim, none expected"),
        (None, false) => {
            return Err(report.fail(
                "aud",
                Rejection::new(
                    RejectCode::MissingClaim,
                    "token has no \"aud\" (audience) claim",
                ),
            ));
        }
        (Some(a), true) if rules.any_aud => report.skip("aud", || {
            format!("audience {} accepted (any audience allowed)", shown(a))
        }),
        (Some(a), true) => {
            return Err(report.fail(
                "aud",
                Rejection::new(
                    RejectCode::AudUnchecked,
                    format!(
                        "token is for audience {}, but no audience was asked for",
                        shown(a)
                    ),
                )
                .with_remedy(crate::error::Remedy::NameAudience),
            ));
        }
        (Some(a), false) if a.iter().any(|x| rules.aud.iter().any(|w| w == x)) => {
            report.pass("aud", || format!("audience {}", shown(a)))
        }
        (Some(a), false) => {
            return Err(report.fail(
                "aud",
                Rejection::new(
                    RejectCode::AudMismatch,
                    format!(
                        "token audience {} does not include {}",
                        shown(a),
                        rules
                            .aud
                            .iter()
                            .map(|s| show(s))
                            .collect::<Vec<_>>()
                            .join(" or ")
                    ),
                ),
            ));
        }
    }

    if let Some(want) = &rules.sub {
        match string_claim(claims, "sub").map_err(|r| report.fail("sub", r))? {
            Some(s) if s == want => report.pass("sub", || format!("subject {}", show(s))),
            Some(s) => {
                return Err(report.fail(
                    "sub",
                    Rejection::new(
                        RejectCode::SubMismatch,
                        format!("subject {} is not the expected {}", show(s), show(want)),
                    ),
                ));
            }
            None => {
                return Err(report.fail(
                    "sub",
                    Rejection::new(
                        RejectCode::MissingClaim,
                        "token has no \"sub\" (subject) claim",
                    ),
                ));
            }
        }
    }

    for name in &rules.require {
        if claims.contains_key(name) {
            report.pass("require", || format!("claim {} present", show(name)));
        } else {
            return Err(report.fail(
                "require",
                Rejection::new(
                    RejectCode::MissingClaim,
                    format!("required claim {} is missing", show(name)),
                ),
            ));
        }
    }

    if let Some(revoked) = &rules.revoked {
        match claims.get("jti") {
            Some(Value::String(j)) if revoked.contains(j) => {
                return Err(report.fail(
                    "revoked",
                    Rejection::new(
                        RejectCode::Revoked,
                        format!("token id (jti) {} is revoked", show(j)),
                    ),
                ));
            }
            Some(Value::String(j)) => {
                report.pass("revoked", || format!("jti {} not on the list", show(j)))
            }
            _ => report.skip("revoked", || "token has no jti to look up"),
        }
    }
    Ok(())
}

/// Parses a `--revoked` file: one `jti` per line, blank lines and `#` comments ignored.
pub fn parse_revoked(text: &str) -> HashSet<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(claims: Value, rules: &ClaimRules) -> Result<(), RejectCode> {
        let Value::Object(c) = claims else {
            return Err(RejectCode::Malformed);
        };
        validate(&Map::new(), &c, rules, &mut Report::default()).map_err(|r| r.code)
    }

    #[test]
    fn time_rules_use_the_injected_clock() {
        let rules = ClaimRules {
            now: 1000,
            leeway: 10,
            ..Default::default()
        };
        assert_eq!(run(json!({"exp": 1000}), &rules), Ok(()));
        assert_eq!(run(json!({"exp": 990}), &rules), Err(RejectCode::Expired));
        assert_eq!(run(json!({"nbf": 1010}), &rules), Ok(()));
        assert_eq!(
            run(json!({"nbf": 1011}), &rules),
            Err(RejectCode::NotYetValid)
        );
        assert_eq!(
            run(json!({"exp": "soon"}), &rules),
            Err(RejectCode::InvalidClaim)
        );
        let aged = ClaimRules {
            max_age: Some(60),
            ..rules.clone()
        };
        assert_eq!(run(json!({"iat": 900}), &aged), Err(RejectCode::TooOld));
        assert_eq!(run(json!({}), &aged), Err(RejectCode::MissingClaim));
    }

    #[test]
    fn audience_rules() {
        let none = ClaimRules::default();
        assert_eq!(
            run(json!({"aud": "api"}), &none),
            Err(RejectCode::AudUnchecked)
        );
        let any = ClaimRules {
            any_aud: true,
            ..Default::default()
        };
        assert_eq!(run(json!({"aud": "api"}), &any), Ok(()));
        let api = ClaimRules {
            aud: vec!["api".into()],
            ..Default::default()
        };
        assert_eq!(run(json!({"aud": ["web", "api"]}), &api), Ok(()));
        assert_eq!(
            run(json!({"aud": "web"}), &api),
            Err(RejectCode::AudMismatch)
        );
        assert_eq!(run(json!({"aud": 5}), &api), Err(RejectCode::InvalidClaim));
    }
}
