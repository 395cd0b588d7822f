//! Byte encodings used by JOSE: strict base64url (RFC 7515 section 2) and JSON objects parsed
//! with duplicate member names rejected (RFC 7515 section 5.2 and RFC 8725 section 3.x advise
//! rejecting them, since parsers disagree on which duplicate wins).

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, URL_SAFE_NO_PAD};
use base64::engine::{DecodePaddingMode, general_purpose};
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

mod canonical;
pub use canonical::{is_compact_canonical, scan_canonical_object};

/// Percent-encodes a URL query or form component: everything but RFC 3986's unreserved
/// characters.
pub fn form_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// base64url without padding, as JOSE writes it.
pub fn b64url(bytes: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Strict base64url decoding: no padding, no whitespace, no standard-alphabet characters, no
/// stray trailing bits. Returns a short reason on failure.
pub fn b64url_decode(text: &str) -> Result<Vec<u8>, String> {
    // The parts of a token are short (tens of bytes to a few kilobytes), where the base64
    // crate's set-up outweighs its decoding loop: a batch of HS256 tokens spent 9% of its time
    // there. Well-formed text takes the table below; anything else goes to the crate, whose
    // errors the messages below word.
    if let Some(bytes) = b64url_decode_fast(text.as_bytes()) {
        return Ok(bytes);
    }
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

/// Each byte's value in the base64url alphabet; `INVALID` for bytes outside it.
// Indexing in a constant is checked when it is compiled: it cannot panic when it runs.
#[allow(clippy::indexing_slicing)]
const B64URL_VALUES: [u8; 256] = {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut table = [INVALID; 256];
    let mut i = 0;
    while i < 64 {
        table[alphabet[i] as usize] = i as u8;
        i += 1;
    }
    table
};
/// Not a base64url character (any value above 63).
const INVALID: u8 = 0xFF;

/// Strict unpadded base64url as [`b64url_decode`] accepts it, or `None` for anything it would
/// reject (an invalid character, an impossible length, stray bits in the last character).
fn b64url_decode_fast(text: &[u8]) -> Option<Vec<u8>> {
    let value = |b: u8| {
        u32::from(
            B64URL_VALUES
                .get(usize::from(b))
                .copied()
                .unwrap_or(INVALID),
        )
    };
    let quads = text.chunks_exact(4);
    let tail = quads.remainder();
    let whole = (text.len() / 4).checked_mul(3)?;
    let mut out = vec![0u8; whole.checked_add(tail.len().saturating_sub(1))?];
    let mut bad = 0u32;
    for (quad, dst) in quads.zip(out.chunks_exact_mut(3)) {
        let (&[a, b, c, d], [x, y, z]) = (quad, dst) else {
            return None;
        };
        let (a, b, c, d) = (value(a), value(b), value(c), value(d));
        bad |= a | b | c | d;
        [_, *x, *y, *z] = (a << 18 | b << 12 | c << 6 | d).to_be_bytes();
    }
    let rest = out.get_mut(whole..)?;
    match (tail, rest) {
        ([], []) => {}
        ([a, b], [x]) => {
            let (a, b) = (value(*a), value(*b));
            // The last character's low four bits fall outside the one byte: they must be zero.
            bad |= a | b | (b & 0x0F) << 6;
            [_, _, _, *x] = (a << 2 | b >> 4).to_be_bytes();
        }
        ([a, b, c], [x, y]) => {
            let (a, b, c) = (value(*a), value(*b), value(*c));
            bad |= a | b | c | (c & 0x03) << 6;
            [_, _, *x, *y] = (a << 10 | b << 4 | c >> 2).to_be_bytes();
        }
        _ => return None,
    }
    (bad >> 6 == 0).then_some(out)
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

/// Parses a JSON object exactly as strictly as [`parse_object_strict`] (the same parser runs
/// over every value, so the same texts are accepted: no duplicate member names at any depth,
/// numbers in range, valid escapes) but builds only the top-level members `wanted` names;
/// the rest are checked and dropped. `None` when the text is not accepted: the caller asks
/// [`parse_object_strict`] for the message.
pub fn parse_object_sparse<'a>(
    bytes: &'a [u8],
    wanted: &dyn Fn(&str) -> bool,
) -> Option<Members<'a>> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let map = de::Deserializer::deserialize_any(&mut de, SparseVisitor { wanted }).ok()?;
    de.end().ok()?;
    map
}

/// The members of an object that a sparse parse kept, in their order: a handful, so a list
/// (a map would hash every name it stores and every name it is asked for), with the names
/// borrowed from the text where they have no escapes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Members<'a>(Vec<(std::borrow::Cow<'a, str>, Value)>);

impl Members<'_> {
    /// The member `name`.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    /// The members, in the order of the text.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.0.iter().map(|(k, v)| (k.as_ref(), v))
    }
}

/// Remembers the member names of one object to find a duplicate: a few in a list, many in a
/// hash set (a hostile object of 100,000 members stays linear).
#[derive(Default)]
struct Names<'de> {
    list: Vec<std::borrow::Cow<'de, str>>,
    set: std::collections::HashSet<std::borrow::Cow<'de, str>>,
}

impl<'de> Names<'de> {
    /// False when `name` was seen before.
    fn insert(&mut self, name: std::borrow::Cow<'de, str>) -> bool {
        if !self.set.is_empty() {
            return self.set.insert(name);
        }
        if self.list.contains(&name) {
            return false;
        }
        self.list.push(name);
        if self.list.len() > 16 {
            self.set.extend(self.list.drain(..));
        }
        true
    }
}

/// A member name, borrowed from the input when it has no escapes.
struct NameSeed;

impl<'de> DeserializeSeed<'de> for NameSeed {
    type Value = std::borrow::Cow<'de, str>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(NameVisitor)
    }
}

struct NameVisitor;

impl<'de> Visitor<'de> for NameVisitor {
    type Value = std::borrow::Cow<'de, str>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a member name")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(std::borrow::Cow::Borrowed(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(std::borrow::Cow::Owned(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(std::borrow::Cow::Owned(v))
    }
}

/// Checks a value as [`StrictVisitor`] does without building it.
struct CheckValue;

impl<'de> DeserializeSeed<'de> for CheckValue {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(CheckVisitor)
    }
}

struct CheckVisitor;

impl<'de> Visitor<'de> for CheckVisitor {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(CheckValue)?.is_some() {}
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut names = Names::default();
        while let Some(name) = map.next_key_seed(NameSeed)? {
            if !names.insert(name) {
                return Err(de::Error::custom("duplicate member name"));
            }
            map.next_value_seed(CheckValue)?;
        }
        Ok(())
    }
}

/// The top level of [`parse_object_sparse`]: `None` when it is not an object.
struct SparseVisitor<'w> {
    wanted: &'w dyn Fn(&str) -> bool,
}

impl<'de> Visitor<'de> for SparseVisitor<'_> {
    type Value = Option<Members<'de>>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        CheckVisitor.visit_seq(seq).map(|()| None)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut names = Names::default();
        let mut out = Vec::new();
        while let Some(name) = map.next_key_seed(NameSeed)? {
            if (self.wanted)(&name) {
                let v = map.next_value_seed(StrictValue)?;
                out.push((name.clone(), v));
            } else {
                map.next_value_seed(CheckValue)?;
            }
            if !names.insert(name) {
                return Err(de::Error::custom("duplicate member name"));
            }
        }
        Ok(Some(Members(out)))
    }
}

/// The member `name` of `map`. Headers and claims sets hold a handful of members, and for
/// those comparing names is several times cheaper than hashing the one asked for (the map's
/// SipHash costs more than the lookup it saves below about a dozen members).
pub fn member<'a>(map: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    if map.len() <= SMALL_MAP {
        map.iter().find(|(k, _)| k.as_str() == name).map(|(_, v)| v)
    } else {
        map.get(name)
    }
}

/// Maps this small are searched by [`member`] in order rather than hashed.
const SMALL_MAP: usize = 12;

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
mod sparse_tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;

    /// JSON-ish texts: objects and arrays whose member names collide often (a-c), numbers in
    /// and out of range, strings with valid and invalid escapes, and some broken syntax.
    pub(super) fn text() -> impl Strategy<Value = String> {
        let leaf = prop_oneof![
            Just("null".to_string()),
            Just("true".to_string()),
            Just("1".to_string()),
            Just("-0".to_string()),
            Just("1.5e3".to_string()),
            Just("1e400".to_string()),
            Just("123456789012345678901234567890".to_string()),
            Just("\"x\"".to_string()),
            Just("\"\\u00e9\\n\"".to_string()),
            Just("\"\\ud800\"".to_string()),
            Just("\"\\q\"".to_string()),
            Just("tru".to_string()),
        ];
        leaf.prop_recursive(3, 32, 5, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4)
                    .prop_map(|v| format!("[{}]", v.join(","))),
                prop::collection::vec(("[a-c]", inner), 0..5).prop_map(|kv| {
                    let members: Vec<String> = kv
                        .into_iter()
                        .map(|(k, v)| format!("\"{k}\":{v}"))
                        .collect();
                    format!("{{{}}}", members.join(","))
                }),
            ]
        })
    }

    proptest! {
        /// The sparse parse accepts exactly what the strict parse accepts, and what it keeps is
        /// the strict parse's members of those names.
        #[test]
        fn sparse_accepts_what_strict_accepts(t in text(), keep in "[a-c]") {
            let wanted = |name: &str| name == keep;
            let strict = parse_object_strict(t.as_bytes());
            let sparse = parse_object_sparse(t.as_bytes(), &wanted);
            prop_assert_eq!(strict.is_ok(), sparse.is_some(), "{}", t);
            if let (Ok(full), Some(part)) = (strict, sparse) {
                let expect: Vec<_> = full.iter().filter(|(k, _)| wanted(k)).map(|(k, v)| (k.as_str(), v)).collect();
                prop_assert_eq!(expect, part.iter().collect::<Vec<_>>());
            }
        }
    }

    #[test]
    fn many_members_stay_linear() {
        let members: Vec<String> = (0..100_000).map(|i| format!("\"k{i}\":{i}")).collect();
        let text = format!("{{{}}}", members.join(","));
        assert!(parse_object_sparse(text.as_bytes(), &|n| n == "k5").is_some());
        let dup = format!("{{{},\"k7\":1}}", members.join(","));
        assert!(parse_object_sparse(dup.as_bytes(), &|_| false).is_none());
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

    /// The table decoder accepts exactly what the base64 crate's strict decoder accepts, with
    /// the same bytes: every string of up to five characters over an alphabet of edge cases
    /// (stray-bit carriers, the last letters of each range, padding and standard-alphabet
    /// characters, a multi-byte character), and longer strings from a fixed pseudo-random walk.
    #[test]
    #[allow(clippy::indexing_slicing)]
    fn the_table_decoder_agrees_with_the_crate() {
        let crate_decode = |t: &[u8]| URL_SAFE_NO_PAD.decode(t).ok();
        let edges: Vec<&str> = vec![
            "A", "B", "P", "Q", "Z", "a", "f", "g", "z", "0", "9", "-", "_", "=", "+", "/", " ",
            "\n", ".", "\u{e9}",
        ];
        let mut texts: Vec<String> = vec![String::new()];
        let mut level: Vec<String> = vec![String::new()];
        for _ in 0..5 {
            level = level
                .iter()
                .flat_map(|t| edges.iter().map(move |e| format!("{t}{e}")))
                .collect();
            texts.extend(level.iter().cloned());
        }
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/";
        for _ in 0..20_000 {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let len = (seed >> 33) as usize % 90;
            let text: String = (0..len)
                .map(|i| {
                    let r = seed.rotate_left(i as u32 * 7) as usize;
                    // Mostly valid characters, sometimes one of the last three.
                    let pick = if r % 50 == 0 { 64 + r % 3 } else { r % 64 };
                    char::from(alphabet[pick])
                })
                .collect();
            texts.push(text);
        }
        for t in &texts {
            assert_eq!(
                b64url_decode_fast(t.as_bytes()),
                crate_decode(t.as_bytes()),
                "{t:?}"
            );
        }
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
