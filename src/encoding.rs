//! Byte encodings used by JOSE: strict base64url (RFC 7515 section 2) and JSON objects parsed
//! with duplicate member names rejected (RFC 7515 section 5.2 and RFC 8725 section 3.x advise
//! rejecting them, since parsers disagree on which duplicate wins).

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, URL_SAFE_NO_PAD};
use base64::engine::{DecodePaddingMode, general_purpose};
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// base64url without padding, as JOSE writes it.
pub fn b64url(bytes: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Strict base64url decoding: no padding, no whitespace, no standard-alphabet characters, no
/// stray trailing bits. Returns a short reason on failure.
pub fn b64url_decode(text: &str) -> Result<Vec<u8>, String> {
    URL_SAFE_NO_PAD.decode(text).map_err(|e| match e {
        base64::DecodeError::InvalidByte(i, b) => format!(
            "invalid base64url character {:?} at offset {i}",
            char::from(b)
        ),
        base64::DecodeError::InvalidLength(_) => {
            "truncated base64url (impossible length)".to_string()
        }
        base64::DecodeError::InvalidLastSymbol { .. } => {
            "truncated or altered base64url (bad last symbol)".to_string()
        }
        base64::DecodeError::InvalidPadding => "base64url must not be padded".to_string(),
    })
}

/// Lenient decoding for user-supplied secrets (`b64:VALUE`): base64url or standard base64,
/// padded or not.
pub fn b64_decode_lenient(text: &str) -> Option<Vec<u8>> {
    const INDIFFERENT: GeneralPurposeConfig =
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
    const URL: GeneralPurpose = GeneralPurpose::new(&base64::alphabet::URL_SAFE, INDIFFERENT);
    const STD: GeneralPurpose = GeneralPurpose::new(&base64::alphabet::STANDARD, INDIFFERENT);
    let t = text.trim();
    URL.decode(t)
        .or_else(|_| STD.decode(t))
        .or_else(|_| general_purpose::STANDARD.decode(t))
        .ok()
}

/// Parses `bytes` as a JSON object, rejecting duplicate member names at any depth.
pub fn parse_object_strict(bytes: &[u8]) -> Result<Map<String, Value>, String> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = StrictValue
        .deserialize(&mut de)
        .map_err(|e| e.to_string())?;
    de.end().map_err(|e| e.to_string())?;
    match value {
        Value::Object(map) => Ok(map),
        other => Err(format!(
            "expected a JSON object, found {}",
            json_type(&other)
        )),
    }
}

/// Parses any JSON value, rejecting duplicate member names at any depth.
pub fn parse_value_strict(bytes: &[u8]) -> Result<Value, String> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = StrictValue
        .deserialize(&mut de)
        .map_err(|e| e.to_string())?;
    de.end().map_err(|e| e.to_string())?;
    Ok(value)
}

/// The JSON type name of a value, for messages.
pub fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Serializes JSON for output, escaping characters that can disguise text on a terminal
/// (bidirectional overrides, zero-width characters) as `\uXXXX`; the JSON value is unchanged.
pub fn to_json_text(v: &Value, pretty: bool) -> String {
    let raw = if pretty {
        serde_json::to_string_pretty(v)
    } else {
        serde_json::to_string(v)
    };
    let raw = raw.unwrap_or_default();
    if !raw.chars().any(crate::sanitize::is_deceptive) {
        return raw;
    }
    let mut out = String::with_capacity(raw.len().saturating_add(16));
    for c in raw.chars() {
        if crate::sanitize::is_deceptive(c) {
            let mut buf = [0u16; 2];
            for unit in c.encode_utf16(&mut buf) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

struct StrictValue;

impl<'de> DeserializeSeed<'de> for StrictValue {
    type Value = Value;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(StrictVisitor)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        while let Some(v) = seq.next_element_seed(StrictValue)? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let v = map.next_value_seed(StrictValue)?;
            match out.entry(key) {
                serde_json::map::Entry::Vacant(slot) => {
                    slot.insert(v);
                }
                serde_json::map::Entry::Occupied(o) => {
                    return Err(de::Error::custom(format!(
                        "duplicate member name {:?}",
                        o.key()
                    )));
                }
            }
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicates_are_rejected_at_any_depth() {
        assert!(parse_object_strict(br#"{"alg":"HS256","alg":"none"}"#).is_err());
        assert!(parse_object_strict(br#"{"a":{"b":1,"b":2}}"#).is_err());
        assert!(parse_object_strict(br#"{"a":1,"b":2}"#).is_ok());
        assert!(parse_object_strict(br#"["alg"]"#).is_err());
        assert!(parse_object_strict(br#"{"a":1} x"#).is_err());
    }

    #[test]
    fn base64url_is_strict() {
        assert_eq!(b64url_decode("aGk").ok(), Some(b"hi".to_vec()));
        assert!(b64url_decode("aGk=").is_err());
        assert!(b64url_decode("aG+k").is_err());
        assert!(b64url_decode("a").is_err());
        assert!(b64url_decode("aGl").is_err(), "non-canonical trailing bits");
        assert_eq!(b64_decode_lenient("aGk=").as_deref(), Some(&b"hi"[..]));
        assert_eq!(
            b64_decode_lenient("+/8").as_deref(),
            Some(&[0xfb, 0xff][..])
        );
    }

    #[test]
    fn output_escapes_bidi() {
        let v = serde_json::json!({"n": "a\u{202e}b"});
        assert_eq!(to_json_text(&v, false), r#"{"n":"a\u202eb"}"#);
    }
}
