//! Verifying an SD-JWT (RFC 9901 section 7): the issuer-signed JWT's signature (by the
//! caller's verifier, with its keys), the disclosures, the KB-JWT, then the claim checks on
//! the processed claims (an `exp` or `aud` may itself have been disclosed).

use serde_json::Value;

use super::SdJwt;
use super::kb::{KbJwt, KbRules, check};
use super::process::{Processed, process};
use crate::error::{RejectCode, Rejection, Result};
use crate::jwt::{ClaimRules, Verified, validate};
use crate::report::{Outcome, Report};

/// What a verifier asks of an SD-JWT beyond the claim rules.
#[derive(Debug, Clone, Default)]
pub struct SdRules {
    /// Reject an SD-JWT without a KB-JWT.
    pub require_kb: bool,
    /// The KB-JWT's checks.
    pub kb: KbRules,
}

/// A verified SD-JWT.
#[derive(Debug)]
pub struct SdVerified {
    /// The issuer-signed JWT as verified, its claims replaced by the processed ones.
    pub verified: Verified,
    /// The processing: which disclosures opened what.
    pub processed: Processed,
    /// The KB-JWT, when there was one.
    pub kb: Option<KbJwt>,
}

/// Checks of the signature phase worth keeping in the report (the claim checks run later,
/// on the processed claims).
const SIGNATURE_CHECKS: &[&str] = &[
    "format",
    "algorithm",
    "header",
    "signature",
    "keys",
    "issuer",
    "chain",
];

/// Verifies the SD-JWT `text`; `issuer` verifies the issuer-signed JWT's signature with the
/// caller's keys (the claim rules it is given check nothing that disclosures could change).
pub fn verify(
    text: &str,
    issuer: &mut dyn FnMut(&str, &ClaimRules, &mut Report) -> Result<Verified>,
    rules: &ClaimRules,
    sd: &SdRules,
    report: &mut Report,
) -> Result<SdVerified> {
    let parsed = SdJwt::parse(text).map_err(|r| report.fail("format", r))?;
    let signature_only = ClaimRules {
        any_aud: true,
        ignore_exp: true,
        leeway: u64::MAX / 4,
        now: rules.now,
        ..ClaimRules::default()
    };
    let mut scratch = Report {
        recording: report.recording,
        ..Report::default()
    };
    let verified = issuer(&parsed.jwt, &signature_only, &mut scratch);
    report.checks.extend(
        scratch
            .checks
            .into_iter()
            .filter(|c| c.outcome == Outcome::Fail || SIGNATURE_CHECKS.contains(&c.name.as_str())),
    );
    let mut verified = verified?;
    let Some(claims) = verified.claims.take() else {
        return Err(report
            .fail(
                "claims",
                Rejection::new(
                    RejectCode::NotAJwt,
                    "the issuer-signed JWT's payload is not a JSON object",
                ),
            )
            .into());
    };
    let processed =
        process(&claims, &parsed.disclosures, true).map_err(|r| report.fail("disclosures", r))?;
    report.pass("disclosures", || {
        format!(
            "{} disclosure(s) by {}, each referenced once; {} digest(s) left undisclosed",
            processed.references.len(),
            processed.alg.name(),
            processed.undisclosed
        )
    });
    for r in &processed.references {
        report.pass("disclosed", || {
            format!(
                "{} = {} (digest {})",
                r.location_text().unwrap_or_default(),
                crate::sanitize::sanitize(&r.disclosure.value.to_string()),
                r.digest
            )
        });
    }
    let kb = match &parsed.kb_jwt {
        Some(k) => Some(check(
            k,
            &processed.claims,
            &parsed.hash_input(),
            processed.alg,
            &sd.kb,
            report,
        )?),
        None if sd.require_kb => {
            return Err(report
                .fail(
                    "kb-jwt",
                    Rejection::new(
                        RejectCode::KbMissing,
                        "the SD-JWT has no key-binding JWT, and key binding is required",
                    ),
                )
                .into());
        }
        None => {
            report.skip("kb-jwt", || "no KB-JWT, none required");
            None
        }
    };
    validate(&verified.header, &processed.claims, rules, report)?;
    verified.claims = Some(processed.claims.clone());
    verified.payload_is_claims_text = false;
    Ok(SdVerified {
        verified,
        processed,
        kb,
    })
}

/// The disclosed claims as `--output full` lists them: `[{"path", "value", "digest"}]`.
pub fn disclosed_json(p: &Processed) -> Value {
    Value::Array(
        p.references
            .iter()
            .map(|r| {
                serde_json::json!({
                    "path": r.location_text(),
                    "value": r.disclosure.value,
                    "digest": r.digest,
                })
            })
            .collect(),
    )
}
