//! JWS parsing and serialization (RFC 7515: compact, flattened and general JSON; RFC 7797
//! unencoded payloads; detached payloads), header policy (`crit`, `b64`, `alg: none`) and
//! the signing / signature-checking primitives on top of [`crate::crypto`].

mod header;
mod sign;

pub use header::{check_header, header_alg};
pub use sign::{SignOptions, sign, sign_compact};

use std::borrow::Cow;
use std::sync::Arc;

use serde_json::{Map, Value};

use crate::crypto::{Signer, Verifier};
use crate::encoding::{
    b64url, b64url_decode, json_type, member, parse_object_strict, parse_value_strict,
};
use crate::error::{Error, RejectCode, Rejection, Result};
use crate::jwa::JwsAlg;

/// Tokens (of any kind) larger than this are rejected before parsing.
pub const MAX_TOKEN_BYTES: usize = 16 * 1024 * 1024;

/// Signatures of a general JWS (and recipients of a general JWE) beyond which a token is
/// refused: each one can cost a public-key operation, and real tokens carry a handful.
pub const MAX_PARTIES: usize = 100;

/// A JOSE serialization.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Serialization {
    /// `header.payload.signature`.
    Compact,
    /// JSON with one signature at the top level.
    Flattened,
    /// JSON with a `signatures` array.
    General,
}

impl Serialization {
    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Serialization::Compact => "compact",
            Serialization::Flattened => "flattened",
            Serialization::General => "general",
        }
    }
}

/// One signature of a JWS with its headers.
#[derive(Debug, Clone)]
pub struct SignatureEntry<'a> {
    /// The protected header exactly as encoded in the token (borrowed from a compact token).
    pub protected_b64: Cow<'a, str>,
    /// The decoded protected header (shared with the thread's [`HeaderCache`]).
    pub protected: SharedHeader,
    /// The unprotected header (JSON serializations only; empty otherwise).
    pub unprotected: Map<String, Value>,
    /// The raw signature.
    pub signature: Vec<u8>,
}

impl SignatureEntry<'_> {
    /// The protected and unprotected headers merged (they never share a name; see [`parse`]).
    pub fn header(&self) -> Map<String, Value> {
        let mut h = (*self.protected).clone();
        h.extend(self.unprotected.iter().map(|(k, v)| (k.clone(), v.clone())));
        h
    }

    /// `b64` from the protected header (RFC 7797); true when absent.
    pub fn b64(&self) -> bool {
        !matches!(member(&self.protected, "b64"), Some(Value::Bool(false)))
    }

    /// The header's `kid` member, if it is a string.
    pub fn kid(&self) -> Option<&str> {
        member(&self.protected, "kid")
            .or_else(|| member(&self.unprotected, "kid"))
            .and_then(Value::as_str)
    }
}

/// A parsed JWS.
#[derive(Debug, Clone)]
pub struct Jws<'a> {
    /// How it was serialized.
    pub serialization: Serialization,
    /// The payload as it appears in the token (base64url, or the raw text when `b64` is
    /// false); `None` when a JSON serialization has no `payload` member (detached). A compact
    /// token always has one, possibly empty.
    pub payload_segment: Option<Cow<'a, str>>,
    /// The signatures (exactly one unless general JSON).
    pub signatures: Vec<SignatureEntry<'a>>,
}

/// A token of either kind.
#[derive(Debug, Clone)]
pub enum Token<'a> {
    /// A signed token.
    Jws(Jws<'a>),
    /// An encrypted token, recognised by its shape (five parts, or JSON with a
    /// `"ciphertext"`); `crate::jwe` parses it.
    Jwe,
}

/// Trims whitespace and a leading `Bearer ` (any case) from token input.
pub fn normalize_input(text: &str) -> &str {
    let t = text.trim();
    match (t.get(..6), t.get(6..)) {
        (Some(p), Some(rest))
            if p.eq_ignore_ascii_case("bearer") && rest.starts_with(char::is_whitespace) =>
        {
            rest.trim_start()
        }
        _ => t,
    }
}

fn malformed(msg: impl Into<String>) -> Rejection {
    Rejection::malformed(msg)
}

fn decode_part(part: &str, what: &str) -> Result<Vec<u8>, Rejection> {
    b64url_decode(part).map_err(|e| malformed(format!("{what} is not valid base64url: {e}")))
}

fn decode_header(part: &str, what: &str) -> Result<Map<String, Value>, Rejection> {
    let bytes = decode_part(part, what)?;
    parse_object_strict(&bytes).map_err(|e| malformed(format!("{what} is not a JSON object: {e}")))
}

/// A decoded protected header, shared by the tokens that carry it.
pub type SharedHeader = Arc<Map<String, Value>>;

/// Decoded protected headers by their encoded form: a stream of tokens from one issuer
/// repeats a handful of headers, and each is decoded and parsed once. One per thread.
#[derive(Debug, Default)]
pub struct HeaderCache {
    seen: std::cell::RefCell<Vec<(String, SharedHeader)>>,
}

/// Distinct headers remembered; beyond, the oldest is forgotten.
const HEADER_CACHE_SIZE: usize = 8;

impl HeaderCache {
    fn decode(&self, segment: &str) -> Result<SharedHeader, Rejection> {
        if let Ok(seen) = self.seen.try_borrow() {
            if let Some((_, h)) = seen.iter().find(|(s, _)| s == segment) {
                return Ok(Arc::clone(h));
            }
        }
        let header = Arc::new(decode_header(segment, "the header")?);
        if let Ok(mut seen) = self.seen.try_borrow_mut() {
            if seen.len() >= HEADER_CACHE_SIZE {
                seen.remove(0);
            }
            seen.push((segment.to_string(), Arc::clone(&header)));
        }
        Ok(header)
    }
}

/// Parses a token from user input: compact JWS or JWE, or JSON serialization.
pub fn parse(input: &str) -> Result<Token<'_>, Rejection> {
    parse_with(input, None)
}

/// [`parse`], with compact headers decoded through `cache`.
pub fn parse_with<'a>(input: &'a str, cache: Option<&HeaderCache>) -> Result<Token<'a>, Rejection> {
    let text = normalize_input(input);
    if text.is_empty() {
        return Err(malformed("empty input: no token"));
    }
    if text.len() > MAX_TOKEN_BYTES {
        return Err(malformed(format!(
            "token is larger than {MAX_TOKEN_BYTES} bytes"
        )));
    }
    if text.starts_with('{') {
        return parse_json(text);
    }
    // RFC 7797 compact tokens may carry any payload text except '.', but control characters
    // (line breaks inside a pasted token, binary junk) are never part of a token.
    // One branch-free pass flags every byte that could be (part of) a control character; only
    // a flagged token is searched character by character.
    let suspect = text
        .bytes()
        .fold(false, |seen, b| seen | !(0x20..0x7f).contains(&b));
    let has_control = suspect && text.chars().any(char::is_control);
    if has_control {
        let c = text.chars().find(|c| c.is_control()).unwrap_or(' ');
        return Err(malformed(format!(
            "token contains the control character {c:?}; a compact token is base64url parts joined by '.'"
        )));
    }
    // Up to six parts without collecting them: six or more is an error whose count is exact.
    let mut parts = [""; 6];
    let mut found = 0usize;
    let mut from = 0usize;
    let ends = memchr::memchr_iter(b'.', text.as_bytes()).chain(std::iter::once(text.len()));
    for (slot, end) in parts.iter_mut().zip(ends) {
        *slot = text.get(from..end).unwrap_or_default();
        from = end.saturating_add(1);
        found = found.saturating_add(1);
    }
    match parts.get(..found).unwrap_or_default() {
        [h, p, s] => {
            let protected = match cache {
                Some(c) => c.decode(h)?,
                None => Arc::new(decode_header(h, "the header")?),
            };
            let signature = decode_part(s, "the signature")?;
            let entry = SignatureEntry {
                protected_b64: Cow::Borrowed(h),
                protected,
                unprotected: Map::new(),
                signature,
            };
            // An empty middle part is an empty payload (RFC 7515 allows it); content
            // detached from a compact JWS is whatever `--payload` supplies instead.
            let jws = Jws {
                serialization: Serialization::Compact,
                payload_segment: Some(Cow::Borrowed(p)),
                signatures: vec![entry],
            };
            jws.check_alg_present()?;
            Ok(Token::Jws(jws))
        }
        [_, _, _, _, _] => Ok(Token::Jwe),
        _ => Err(malformed(format!(
            "expected 3 parts (JWS) or 5 parts (JWE) separated by '.', found {}",
            memchr::memchr_iter(b'.', text.as_bytes())
                .count()
                .saturating_add(1)
        ))),
    }
}

fn str_member<'a>(
    obj: &'a Map<String, Value>,
    name: &str,
    what: &str,
) -> Result<Option<&'a str>, Rejection> {
    match obj.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(v) => Err(malformed(format!(
            "{what} member {name:?} must be a string, not {}",
            json_type(v)
        ))),
    }
}

fn obj_member(
    obj: &Map<String, Value>,
    name: &str,
    what: &str,
) -> Result<Map<String, Value>, Rejection> {
    match obj.get(name) {
        None => Ok(Map::new()),
        Some(Value::Object(m)) => Ok(m.clone()),
        Some(v) => Err(malformed(format!(
            "{what} member {name:?} must be an object, not {}",
            json_type(v)
        ))),
    }
}

fn parse_json_signature(
    obj: &Map<String, Value>,
    what: &str,
) -> Result<SignatureEntry<'static>, Rejection> {
    let protected_b64 = str_member(obj, "protected", what)?.unwrap_or("");
    let protected = Arc::new(if protected_b64.is_empty() {
        Map::new()
    } else {
        decode_header(protected_b64, "the protected header")?
    });
    let unprotected = obj_member(obj, "header", what)?;
    if let Some(dup) = protected.keys().find(|k| unprotected.contains_key(*k)) {
        return Err(malformed(format!(
            "header parameter {dup:?} appears in both the protected and unprotected header"
        )));
    }
    let sig = str_member(obj, "signature", what)?
        .ok_or_else(|| malformed(format!("{what} has no \"signature\"")))?;
    Ok(SignatureEntry {
        protected_b64: Cow::Owned(protected_b64.to_string()),
        protected,
        unprotected,
        signature: decode_part(sig, "the signature")?,
    })
}

fn parse_json(text: &str) -> Result<Token<'static>, Rejection> {
    let value = parse_value_strict(text.as_bytes())
        .map_err(|e| malformed(format!("not valid JSON: {e}")))?;
    let Value::Object(obj) = value else {
        return Err(malformed("expected a JSON object"));
    };
    if obj.contains_key("ciphertext") {
        return Ok(Token::Jwe);
    }
    let payload_segment =
        str_member(&obj, "payload", "the JWS")?.map(|p| Cow::Owned(p.to_string()));
    let (serialization, signatures) = match (obj.get("signatures"), obj.contains_key("signature")) {
        (Some(_), true) => {
            return Err(malformed(
                "JWS JSON has both \"signatures\" and \"signature\"",
            ));
        }
        (Some(Value::Array(list)), false) => {
            if list.is_empty() {
                return Err(malformed("JWS JSON \"signatures\" is empty"));
            }
            if list.len() > MAX_PARTIES {
                return Err(Rejection::new(
                    RejectCode::LimitExceeded,
                    format!(
                        "the JWS has {} signatures; at most {MAX_PARTIES} are checked",
                        list.len()
                    ),
                ));
            }
            let mut sigs = Vec::with_capacity(list.len());
            for (i, s) in list.iter().enumerate() {
                let Value::Object(o) = s else {
                    return Err(malformed(format!("signature #{i} is not an object")));
                };
                sigs.push(parse_json_signature(o, &format!("signature #{i}"))?);
            }
            (Serialization::General, sigs)
        }
        (Some(v), false) => {
            return Err(malformed(format!(
                "JWS JSON \"signatures\" must be an array, not {}",
                json_type(v)
            )));
        }
        (None, true) => (
            Serialization::Flattened,
            vec![parse_json_signature(&obj, "the JWS")?],
        ),
        (None, false) => {
            return Err(malformed(
                "JSON input is neither a JWS (no \"signature\"/\"signatures\") nor a JWE",
            ));
        }
    };
    let jws = Jws {
        serialization,
        payload_segment,
        signatures,
    };
    jws.check_alg_present()?;
    Ok(Token::Jws(jws))
}

impl Jws<'_> {
    /// The payload segment that goes into the signing input: the token's own, or `None` when
    /// a detached payload replaces it (see [`Jws::payload`]).
    pub fn signed_segment(&self, detached: Option<&[u8]>) -> Option<&str> {
        match (&self.payload_segment, detached) {
            (Some(seg), None) => Some(seg),
            (Some(seg), Some(_)) if !seg.is_empty() => Some(seg),
            _ => None,
        }
    }

    /// Every JOSE header must name its algorithm as a string (RFC 7515 section 4.1.1).
    fn check_alg_present(&self) -> Result<(), Rejection> {
        for s in &self.signatures {
            match member(&s.protected, "alg").or_else(|| member(&s.unprotected, "alg")) {
                Some(Value::String(_)) => {}
                None => return Err(malformed("the header has no \"alg\"")),
                Some(v) => {
                    return Err(malformed(format!(
                        "the header \"alg\" must be a string, not {}",
                        json_type(v)
                    )));
                }
            }
        }
        Ok(())
    }

    /// The payload bytes: decoded from the token, or the detached payload supplied (which
    /// takes the place of an empty or absent payload segment). `b64` comes from the header of
    /// the signature being checked.
    pub fn payload(&self, b64: bool, detached: Option<&[u8]>) -> Result<Vec<u8>, Rejection> {
        match (&self.payload_segment, detached) {
            (Some(seg), Some(d)) if seg.is_empty() => Ok(d.to_vec()),
            (Some(_), Some(_)) => Err(malformed(
                "the token carries a payload, and a detached one was given too",
            )),
            (None, Some(d)) => Ok(d.to_vec()),
            (None, None) => Err(malformed("the payload is detached (not in the token)")
                .with_remedy(crate::error::Remedy::GiveDetachedPayload)),
            (Some(seg), None) if b64 => decode_part(seg, "the payload"),
            (Some(seg), None) => Ok(seg.as_bytes().to_vec()),
        }
    }
}

/// The JWS signing input: `BASE64URL(protected) '.' payload-segment`.
pub fn signing_input(protected_b64: &str, payload_segment: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(
        protected_b64
            .len()
            .saturating_add(1)
            .saturating_add(payload_segment.len()),
    );
    v.extend_from_slice(protected_b64.as_bytes());
    v.push(b'.');
    v.extend_from_slice(payload_segment);
    v
}

/// Checks one signature with a prepared verifier. The signing input uses the payload segment
/// exactly as it appears in the token (`segment`), or, for a detached payload (`segment` is
/// `None`), `payload` encoded as the header's `b64` says.
pub fn check_signature(
    entry: &SignatureEntry<'_>,
    segment: Option<&str>,
    payload: &[u8],
    verifier: &Verifier,
) -> bool {
    let encoded;
    let payload_part = match segment {
        Some(seg) => seg.as_bytes(),
        None if entry.b64() => {
            encoded = b64url(payload);
            encoded.as_bytes()
        }
        None => payload,
    };
    verifier.verify_joined(
        &[entry.protected_b64.as_bytes(), b".", payload_part],
        &entry.signature,
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]
    use super::*;
    use crate::keys::Key;

    #[test]
    fn wrong_part_counts_are_counted() {
        for (text, found) in [
            ("a", 1),
            ("a.b", 2),
            ("a.b.c.d", 4),
            ("a.b.c.d.e.f", 6),
            ("a.b.c.d.e.f.g.h", 8),
        ] {
            let err = parse(text).err().unwrap();
            assert!(
                err.message.ends_with(&format!("found {found}")),
                "{text}: {}",
                err.message
            );
        }
        assert!(matches!(parse("a.b.c.d.e"), Ok(Token::Jwe)));
    }

    fn hs256() -> (Signer, Verifier) {
        let key = Key::from_secret(vec![7u8; 32]);
        (
            Signer::new(JwsAlg::HS256, &key).unwrap(),
            Verifier::new(JwsAlg::HS256, &key).unwrap(),
        )
    }

    fn header() -> Map<String, Value> {
        let mut h = Map::new();
        h.insert("alg".into(), "HS256".into());
        h
    }

    #[test]
    fn every_serialization_signs_and_parses_back() {
        let (signer, verifier) = hs256();
        for serialization in [
            Serialization::Compact,
            Serialization::Flattened,
            Serialization::General,
        ] {
            for (detached, unencoded) in [(false, false), (true, false), (false, true)] {
                let opts = SignOptions {
                    serialization,
                    detached: detached || (unencoded && serialization == Serialization::Compact),
                    unencoded,
                };
                let token = sign(b"{\"a\":1}", header(), Some(&signer), opts).unwrap();
                let Token::Jws(jws) = parse(&token).unwrap() else {
                    panic!("a JWS");
                };
                assert_eq!(jws.serialization, serialization);
                let entry = &jws.signatures[0];
                check_header(entry).unwrap();
                let given = opts.detached.then_some(&b"{\"a\":1}"[..]);
                let payload = jws.payload(entry.b64(), given).unwrap();
                assert_eq!(payload, b"{\"a\":1}");
                let segment = jws.signed_segment(given);
                assert!(check_signature(entry, segment, &payload, &verifier));
                let mut bad = entry.clone();
                bad.signature[0] ^= 1;
                assert!(!check_signature(&bad, segment, &payload, &verifier));
            }
        }
    }

    #[test]
    fn an_empty_compact_payload_is_a_payload() {
        let (signer, verifier) = hs256();
        let opts = SignOptions {
            serialization: Serialization::Compact,
            detached: false,
            unencoded: false,
        };
        let token = sign(b"", header(), Some(&signer), opts).unwrap();
        assert!(token.contains(".."));
        let Token::Jws(jws) = parse(&token).unwrap() else {
            panic!("a JWS");
        };
        let entry = &jws.signatures[0];
        let payload = jws.payload(entry.b64(), None).unwrap();
        assert!(payload.is_empty());
        assert!(check_signature(
            entry,
            jws.signed_segment(None),
            &payload,
            &verifier
        ));
    }

    #[test]
    fn header_policy() {
        let entry = |protected: Value| SignatureEntry {
            protected_b64: Cow::Borrowed(""),
            protected: Arc::new(protected.as_object().unwrap().clone()),
            unprotected: Map::new(),
            signature: Vec::new(),
        };
        let code = |v: Value| check_header(&entry(v)).err().map(|r| r.code);
        assert_eq!(code(serde_json::json!({"alg": "HS256"})), None);
        for bad in [
            serde_json::json!({"alg": "HS256", "crit": []}),
            serde_json::json!({"alg": "HS256", "crit": ["exp"], "exp": 1}),
            serde_json::json!({"alg": "HS256", "crit": ["alg"]}),
            serde_json::json!({"alg": "HS256", "crit": ["missing"]}),
            serde_json::json!({"alg": "HS256", "b64": false}),
        ] {
            assert_eq!(code(bad), Some(RejectCode::CritUnsupported));
        }
        assert_eq!(
            header_alg(&entry(serde_json::json!({"alg": "nOnE"})))
                .err()
                .map(|r| r.code),
            Some(RejectCode::AlgNotAllowed)
        );
        assert!(matches!(parse("a.b.c.d.e"), Ok(Token::Jwe)));
        assert_eq!(parse("").err().map(|r| r.code), Some(RejectCode::Malformed));
    }
}
