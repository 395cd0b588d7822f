//! Validating a claims set (RFC 7519 section 4.1, RFC 8725) against rules and an injected
//! clock: one small function per check, run in a fixed order, each recorded in the report.

use std::collections::HashSet;

use serde_json::{Map, Value};

use crate::encoding::member;
use crate::error::{RejectCode, Rejection, Result};
use crate::report::Report;
use crate::time::{format_relative, format_timestamp};

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

/// Where the checks read claims from: a whole claims set, or the members a sparse parse kept
/// (see [`crate::encoding::parse_object_sparse`]).
pub trait ClaimSource {
    /// The claim `name`.
    fn claim(&self, name: &str) -> Option<&Value>;
}

impl ClaimSource for Map<String, Value> {
    fn claim(&self, name: &str) -> Option<&Value> {
        member(self, name)
    }
}

impl ClaimSource for crate::encoding::Members<'_> {
    fn claim(&self, name: &str) -> Option<&Value> {
        self.get(name)
    }
}

fn numeric(claims: &dyn ClaimSource, name: &str) -> Result<Option<i64>, Rejection> {
    match claims.claim(name) {
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

fn string_claim<'a>(claims: &'a dyn ClaimSource, name: &str) -> Result<Option<&'a str>, Rejection> {
    match claims.claim(name) {
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
    claims: &dyn ClaimSource,
    rules: &ClaimRules,
    report: &mut Report,
) -> Result<(), Rejection> {
    let c = Checked {
        header,
        claims,
        rules,
        now: rules.now,
        leeway: i64::try_from(rules.leeway).unwrap_or(i64::MAX),
    };
    check_typ(&c, report)?;
    check_exp(&c, report)?;
    check_nbf(&c, report)?;
    check_iat(&c, report)?;
    check_iss(&c, report)?;
    check_aud(&c, report)?;
    check_sub(&c, report)?;
    check_require(&c, report)?;
    check_revoked(&c, report)?;
    Ok(())
}

/// What every check looks at.
struct Checked<'a> {
    header: &'a Map<String, Value>,
    claims: &'a dyn ClaimSource,
    rules: &'a ClaimRules,
    now: i64,
    leeway: i64,
}

/// The header `typ` (RFC 7515 4.1.9), when one is expected.
fn check_typ(c: &Checked<'_>, report: &mut Report) -> Result<(), Rejection> {
    let header = c.header;
    let rules = c.rules;
    if let Some(want) = &rules.typ {
        let got = member(header, "typ").and_then(Value::as_str);
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
    Ok(())
}

/// `exp` (RFC 7519 4.1.4), with the leeway.
fn check_exp(c: &Checked<'_>, report: &mut Report) -> Result<(), Rejection> {
    let claims = c.claims;
    let rules = c.rules;
    let now = c.now;
    let leeway = c.leeway;
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
    Ok(())
}

/// `nbf` (RFC 7519 4.1.5), with the leeway.
fn check_nbf(c: &Checked<'_>, report: &mut Report) -> Result<(), Rejection> {
    let claims = c.claims;
    let now = c.now;
    let leeway = c.leeway;
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
    Ok(())
}

/// `iat` (RFC 7519 4.1.6): not in the future, and not older than the maximum age.
fn check_iat(c: &Checked<'_>, report: &mut Report) -> Result<(), Rejection> {
    let claims = c.claims;
    let rules = c.rules;
    let now = c.now;
    let leeway = c.leeway;
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
    Ok(())
}

/// `iss` (RFC 7519 4.1.1) against the accepted issuers.
fn check_iss(c: &Checked<'_>, report: &mut Report) -> Result<(), Rejection> {
    let claims = c.claims;
    let rules = c.rules;
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
    Ok(())
}

/// `aud` (RFC 7519 4.1.3): an audience must be asked for, or any accepted.
fn check_aud(c: &Checked<'_>, report: &mut Report) -> Result<(), Rejection> {
    let claims = c.claims;
    let rules = c.rules;
    // A single audience is looked at in place; only an array is collected.
    let one: [&str; 1];
    let many: Vec<&str>;
    let auds: Option<&[&str]> = match claims.claim("aud") {
        None => None,
        Some(Value::String(s)) => {
            one = [s.as_str()];
            Some(&one)
        }
        Some(Value::Array(a)) => {
            many = a
                .iter()
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
                })?;
            Some(&many)
        }
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
    match (auds, rules.aud.is_empty()) {
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
    Ok(())
}

/// `sub` (RFC 7519 4.1.2), when one is expected.
fn check_sub(c: &Checked<'_>, report: &mut Report) -> Result<(), Rejection> {
    let claims = c.claims;
    let rules = c.rules;
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
    Ok(())
}

/// Claims that must be present.
fn check_require(c: &Checked<'_>, report: &mut Report) -> Result<(), Rejection> {
    let claims = c.claims;
    let rules = c.rules;
    for name in &rules.require {
        if claims.claim(name).is_some() {
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
    Ok(())
}

/// `jti` against the revocation list.
fn check_revoked(c: &Checked<'_>, report: &mut Report) -> Result<(), Rejection> {
    let claims = c.claims;
    let rules = c.rules;
    if let Some(revoked) = &rules.revoked {
        match claims.claim("jti") {
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
