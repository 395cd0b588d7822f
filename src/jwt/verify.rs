//! Verifying a JWT: the JWS verification of [`crate::verify`], then the claims.

use super::*;
use crate::encoding::parse_object_strict;
use crate::error::{RejectCode, Rejection, Remedy};
use crate::jws::Token;
use crate::report::{Outcome, Report};
use crate::verify::Verifiers;

/// What a successful verification yields.
#[derive(Debug, Clone)]
pub struct Verified {
    /// The (merged) header of the signature that verified.
    pub header: crate::jws::SharedHeader,
    /// The payload bytes exactly as signed.
    pub payload: Vec<u8>,
    /// The claims, when the payload is a JSON object and they were kept (see [`Claims`]).
    pub claims: Option<Map<String, Value>>,
    /// The claims were asked for output ([`Claims::ForOutput`]), were checked without being
    /// kept, and the payload is exactly the text re-serializing them would print: the caller
    /// prints the payload as signed.
    pub payload_is_claims_text: bool,
}

/// Parses a token that should be a JWS; a well-formed JWE is the wrong kind of token.
fn signed<'a>(
    input: &'a str,
    cache: Option<&crate::jws::HeaderCache>,
    report: &mut Report,
) -> Result<crate::jws::Jws<'a>, Rejection> {
    let token = crate::jws::parse_with(input, cache).map_err(|r| report.fail("format", r))?;
    match token {
        Token::Jws(j) => Ok(j),
        Token::Jwe => {
            // A malformed JWE is malformed, as before; only a well-formed one is the wrong kind.
            crate::jwe::parts(input).map_err(|r| report.fail("format", r))?;
            Err(report.fail(
                "format",
                Rejection::new(
                    RejectCode::WrongTokenType,
                    "this is a JWE (encrypted token): use `jwtctl decrypt`",
                ),
            ))
        }
    }
}

/// The token's `iss`, read without verifying anything: for choosing whose keys verify it
/// (`--issuer`), never for trusting it. `None` when the payload has no string `iss`.
pub fn unverified_issuer(input: &str) -> Result<Option<String>, Rejection> {
    let jws = signed(input, None, &mut Report::default())?;
    let Some(entry) = jws.signatures.first() else {
        return Ok(None);
    };
    let payload = match jws.payload(entry.b64(), None) {
        Ok(p) => p,
        Err(_) => return Ok(None),
    };
    // Only `iss` is built: in a batch this runs before the token's own verification.
    Ok(
        crate::encoding::parse_object_sparse(&payload, &|name| name == "iss")
            .and_then(|c| c.get("iss").and_then(|v| v.as_str()).map(str::to_string)),
    )
}

/// Whether the checks of [`crate::jwt::validate`] read the claim `name` (besides the
/// `--require`d names). A match: asked for every member of every token in a batch.
fn is_checked_claim(name: &str) -> bool {
    matches!(name, "exp" | "nbf" | "iat" | "iss" | "aud" | "sub" | "jti")
}

/// Which claims a verification hands back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claims {
    /// All of them, in [`Verified::claims`].
    All,
    /// Only those the checks look at: the payload is checked as strictly, but the other members
    /// are not built (for callers that print nothing, or the payload bytes).
    Checked,
    /// For callers that print the claims: only those the checks look at when the payload is
    /// exactly what re-serializing would print (the caller prints it as signed), else all.
    ForOutput,
}

/// Verifies a token: signature first (any signature of a general JWS may match), then claims.
/// `need_claims` makes a payload that is not a JSON object a rejection (`not_a_jwt`).
pub fn verify_token(
    input: &str,
    verifiers: &Verifiers,
    rules: &ClaimRules,
    detached: Option<&[u8]>,
    need_claims: bool,
    report: &mut Report,
) -> Result<Verified, Rejection> {
    verify_token_with(
        input,
        verifiers,
        rules,
        detached,
        need_claims,
        Claims::All,
        report,
    )
}

/// [`verify_token`], keeping the claims `keep` says.
pub fn verify_token_with(
    input: &str,
    verifiers: &Verifiers,
    rules: &ClaimRules,
    detached: Option<&[u8]>,
    need_claims: bool,
    keep: Claims,
    report: &mut Report,
) -> Result<Verified, Rejection> {
    let jws = signed(input, Some(&verifiers.headers), report)?;
    report.add("format", Outcome::Pass, || {
        format!(
            "JWS, {} serialization, {} signature(s)",
            jws.serialization.name(),
            jws.signatures.len()
        )
    });
    let mut first_err = None;
    let mut verified = None;
    for (i, entry) in jws.signatures.iter().enumerate() {
        match verifiers.verify_entry(&jws, entry, detached, report) {
            Ok((_, payload)) => {
                verified = Some((i, payload));
                break;
            }
            Err(r) => {
                first_err.get_or_insert(r);
            }
        }
    }
    let Some((index, payload)) = verified else {
        return Err(first_err.unwrap_or_else(|| Rejection::malformed("no signature")));
    };
    let unencoded = jws.signatures.iter().any(|s| !s.b64());
    let mut jws = jws;
    let entry = jws.signatures.swap_remove(index);
    // The merged header of the signature that verified: shared, not copied, when there is
    // nothing to merge (every compact token).
    let header = if entry.unprotected.is_empty() {
        entry.protected
    } else {
        let mut merged = std::sync::Arc::unwrap_or_clone(entry.protected);
        merged.extend(entry.unprotected);
        std::sync::Arc::new(merged)
    };
    if unencoded && need_claims {
        return Err(report.fail(
            "claims",
            Rejection::new(
                RejectCode::NotAJwt,
                "a JWT must not use the unencoded payload option (RFC 7797 b64: false)",
            )
            .with_remedy(Remedy::AskForPayload),
        ));
    }
    let strict = |report: &mut Report| {
        parse_object_strict(&payload).map_err(|e| {
            report.fail(
                "claims",
                Rejection::malformed(format!("claims are not a valid JSON object: {e}")),
            )
        })
    };
    let wanted = |name: &str| is_checked_claim(name) || rules.require.iter().any(|r| r == name);
    // Claims as a serializer writes them (nearly every token) are checked and kept in one pass
    // that also proves they print as signed; anything else takes the general parse.
    let scanned = match (payload.first(), keep) {
        (Some(b'{'), Claims::Checked | Claims::ForOutput) => {
            crate::encoding::scan_canonical_object(&payload, &wanted)
        }
        _ => None,
    };
    let printed_as_signed = keep == Claims::ForOutput
        && (scanned.is_some() || crate::encoding::is_compact_canonical(&payload));
    let keep = match keep {
        Claims::ForOutput if printed_as_signed => Claims::Checked,
        Claims::ForOutput => Claims::All,
        k => k,
    };
    let (claims, checked) = match (payload.first(), keep, scanned) {
        (_, _, Some(m)) => (None, Some(m)),
        (Some(b'{'), Claims::All | Claims::ForOutput, None) => (Some(strict(report)?), None),
        (Some(b'{'), Claims::Checked, None) => {
            match crate::encoding::parse_object_sparse(&payload, &wanted) {
                Some(m) => (None, Some(m)),
                // Not accepted: the strict parse words why, exactly as before.
                None => (Some(strict(report)?), None),
            }
        }
        _ => (None, None),
    };
    let payload_is_claims_text = printed_as_signed && checked.is_some();
    let source: Option<&dyn crate::jwt::ClaimSource> = match (&claims, &checked) {
        (Some(c), _) => Some(c),
        (None, Some(m)) => Some(m),
        (None, None) => None,
    };
    match source {
        Some(c) => validate(&header, c, rules, report)?,
        None if need_claims || rules.needs_claims() => {
            return Err(report.fail(
                "claims",
                Rejection::new(
                    RejectCode::NotAJwt,
                    "the payload is not a JSON object, so it has no claims",
                )
                .with_remedy(Remedy::AskForPayload),
            ));
        }
        None => {
            report.skip(
                "claims",
                || "payload is not a JSON object; no claims to check",
            );
            if rules.typ.is_some() {
                validate(
                    &header,
                    &Map::new(),
                    &ClaimRules {
                        typ: rules.typ.clone(),
                        now: rules.now,
                        ..Default::default()
                    },
                    report,
                )?;
            }
        }
    }
    drop(checked); // it borrows the payload's text
    Ok(Verified {
        header,
        payload,
        claims,
        payload_is_claims_text,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use crate::keys::{Key, KeySet};
    use crate::verify::KeyRing;

    fn ring() -> KeyRing {
        let set = KeySet {
            keys: vec![Key::from_secret(vec![9u8; 32])],
            is_set: false,
        };
        KeyRing::new(set, &[], false).unwrap()
    }

    fn token(claims: &str) -> String {
        let key = Key::from_secret(vec![9u8; 32]);
        let signer = crate::crypto::Signer::new(crate::jwa::JwsAlg::HS256, &key).unwrap();
        let mut header = Map::new();
        header.insert("alg".into(), "HS256".into());
        let opts = crate::jws::SignOptions {
            serialization: crate::jws::Serialization::Compact,
            detached: false,
            unencoded: false,
        };
        crate::jws::sign(claims.as_bytes(), header, Some(&signer), opts).unwrap()
    }

    fn verify(t: &str, rules: &ClaimRules, need_claims: bool) -> Result<Verified, Rejection> {
        let ring = ring();
        let mut report = Report::recording();
        verify_token(t, &ring.verifiers(), rules, None, need_claims, &mut report)
    }

    #[test]
    fn signature_then_claims() {
        let rules = ClaimRules {
            now: 1000,
            ..ClaimRules::default()
        };
        let ok = verify(&token(r#"{"exp":2000}"#), &rules, true).unwrap();
        assert_eq!(ok.claims.unwrap()["exp"], 2000);
        let code = |t: &str, need| verify(t, &rules, need).err().map(|r| r.code);
        assert_eq!(
            code(&token(r#"{"exp":999}"#), true),
            Some(RejectCode::Expired)
        );
        assert_eq!(code(&token("not json"), true), Some(RejectCode::NotAJwt));
        // Any JOSE payload verifies when claims are not asked for.
        assert_eq!(code(&token("not json"), false), None);
        // A bad signature is found before the claims are looked at.
        let t = token(r#"{"exp":999}"#);
        let forged = format!("{}x", t.trim_end_matches('x'));
        assert!(matches!(
            code(&forged, true),
            Some(RejectCode::BadSignature | RejectCode::Malformed)
        ));
        // A JWE is the wrong kind of token; five parts of junk are just malformed.
        assert_eq!(code("a.b.c.d.e", true), Some(RejectCode::Malformed));
        let jwe = crate::jwe::encrypt(
            b"x",
            &Key::from_secret(vec![3u8; 16]),
            &crate::jwe::EncryptOptions {
                alg: Some(crate::jwa::JweAlg::A128Kw),
                enc: crate::jwa::JweEnc::A128Gcm,
                zip: false,
                header: Map::new(),
                serialization: crate::jws::Serialization::Compact,
                p2c: 1000,
            },
        )
        .unwrap();
        assert_eq!(code(&jwe, true), Some(RejectCode::WrongTokenType));
    }
}
