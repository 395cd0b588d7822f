//! Claims sets as serializers write them: compact, duplicate-free, escapes only where needed.
//! Most tokens' payloads are exactly that text, which lets `verify --batch` print them as signed
//! and check them in one pass instead of a general JSON parse.

use std::borrow::Cow;

use serde_json::Value;

use super::Members;

/// Whether `json` (a parsed, duplicate-free JSON object) is exactly what
/// [`to_json_text`](super::to_json_text) prints for it in compact form, so that it can be
/// written out as it is instead of being re-serialized. Conservative: any insignificant
/// whitespace, any escape serde_json would not write, any number that is not a plain integer
/// of at most 18 digits, any character [`to_json_text`](super::to_json_text) escapes — and the
/// answer is no, and the caller re-serializes.
pub fn is_compact_canonical(json: &[u8]) -> bool {
    let mut rest = json;
    let mut digits = 0u32;
    let mut leading_zero = false;
    let mut prev = 0u8;
    while let Some((&b, tail)) = rest.split_first() {
        rest = tail;
        if b == b'"' {
            // A string: runs of plain bytes are skipped in one scan; an escape must be one
            // serde_json writes itself (\u and \/ it does not), and raw control bytes are not
            // JSON.
            loop {
                let Some(at) = rest
                    .iter()
                    .position(|&c| c == b'"' || c == b'\\' || c < 0x20)
                else {
                    return false;
                };
                let Some((&special, after)) = rest.get(at..).and_then(<[u8]>::split_first) else {
                    return false;
                };
                rest = after;
                match special {
                    b'"' => break,
                    b'\\' => match rest.split_first() {
                        Some((b'"' | b'\\' | b'n' | b'r' | b't' | b'b' | b'f', after)) => {
                            rest = after;
                        }
                        _ => return false,
                    },
                    _ => return false,
                }
            }
            digits = 0;
            leading_zero = false;
            prev = b;
            continue;
        }
        match b {
            b'0'..=b'9' => {
                if leading_zero || digits >= 18 {
                    return false;
                }
                leading_zero = digits == 0 && b == b'0';
                if leading_zero && prev == b'-' {
                    return false; // -0 prints as 0
                }
                digits = digits.saturating_add(1);
                prev = b;
                continue;
            }
            b'-' => {}
            b'{' | b'}' | b'[' | b']' | b':' | b',' => {}
            // Letters of true, false and null; after a digit, an exponent.
            b't' | b'r' | b'u' | b'e' | b'f' | b'a' | b'l' | b's' | b'n' if digits == 0 => {}
            _ => return false, // whitespace, '.', 'E', '+'
        }
        digits = 0;
        leading_zero = false;
        prev = b;
    }
    if json.is_ascii() {
        return true;
    }
    match std::str::from_utf8(json) {
        Ok(text) => !text.chars().any(crate::sanitize::is_deceptive),
        Err(_) => false,
    }
}

/// Values nested deeper than this are left to the general parse: the scan keeps its state on
/// the stack.
const MAX_DEPTH: usize = 16;
/// As many member names as the objects open at once may hold, or the general parse takes over.
const OPEN_NAMES: usize = 32;

/// One pass over a claims set in the canonical compact form of [`is_compact_canonical`] that
/// checks it and keeps the top-level members `wanted` names, building only those (their names
/// borrowed from `json` unless escaped). When it answers `Some(members)`, the text is
/// canonical and [`parse_object_sparse`](super::parse_object_sparse) accepts it and keeps the
/// same members;
/// `None` says only that the caller must take the general path (the text may be fine but not
/// canonical, too deep, or not accepted — the general parse says which).
pub fn scan_canonical_object<'a>(
    json: &'a [u8],
    wanted: &dyn Fn(&str) -> bool,
) -> Option<Members<'a>> {
    let text = std::str::from_utf8(json).ok()?;
    if !json.is_ascii() && text.chars().any(crate::sanitize::is_deceptive) {
        return None;
    }
    let mut scan = Scan {
        text,
        bytes: json,
        at: 0,
        names: [Span::default(); OPEN_NAMES],
        open: 0,
    };
    let members = scan.top_object(wanted)?;
    (scan.at == json.len()).then_some(members)
}

/// The scan's position and the names of the objects now open. In canonical form every string
/// has one spelling, so equal names are equal byte ranges.
struct Scan<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
    names: [Span; OPEN_NAMES],
    open: usize,
}

/// The bytes between a string's quotes, and whether they hold an escape; for a member name,
/// also its first eight bytes as a number, which tells most names apart without a comparison
/// of bytes.
#[derive(Clone, Copy, Default)]
struct Span {
    start: usize,
    end: usize,
    escaped: bool,
    key: u64,
}

impl<'a> Scan<'a> {
    #[inline(always)]
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    #[inline(always)]
    fn bump(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.at = self.at.saturating_add(1);
        Some(b)
    }

    fn eat(&mut self, want: u8) -> Option<()> {
        (self.bump()? == want).then_some(())
    }

    /// A string in canonical spelling.
    #[inline(always)]
    fn string(&mut self) -> Option<Span> {
        self.eat(b'"')?;
        let start = self.at;
        let mut escaped = false;
        loop {
            let rest = self.bytes.get(self.at..)?;
            let plain = rest
                .iter()
                .position(|&c| c == b'"' || c == b'\\' || c < 0x20)?;
            self.at = self.at.saturating_add(plain);
            match self.bump()? {
                b'"' => {
                    let end = self.at.saturating_sub(1);
                    return Some(Span {
                        start,
                        end,
                        escaped,
                        key: 0,
                    });
                }
                b'\\' => match self.bump()? {
                    b'"' | b'\\' | b'n' | b'r' | b't' | b'b' | b'f' => escaped = true,
                    _ => return None, // \u and \/ are not how serde_json writes them
                },
                _ => return None, // a raw control byte is not JSON
            }
        }
    }

    /// An integer as serde_json writes one: no leading zero, no -0, at most 18 digits (so it is
    /// an i64 or u64 and nothing is rounded). Its sign and magnitude.
    fn integer(&mut self) -> Option<(bool, u64)> {
        let negative = self.peek() == Some(b'-');
        if negative {
            self.bump();
        }
        let first = self.bump()?;
        if first == b'0' {
            return (!negative).then_some((false, 0));
        }
        if !first.is_ascii_digit() {
            return None;
        }
        // Eighteen digits stay below 10^18, so nothing here can overflow.
        let mut magnitude = u64::from(first.wrapping_sub(b'0'));
        let mut digits = 1u32;
        while let Some(d) = self.peek().filter(u8::is_ascii_digit) {
            if digits == 18 {
                return None;
            }
            magnitude = magnitude
                .wrapping_mul(10)
                .wrapping_add(u64::from(d.wrapping_sub(b'0')));
            digits = digits.saturating_add(1);
            self.at = self.at.saturating_add(1);
        }
        Some((negative, magnitude))
    }

    fn word(&mut self, word: &[u8]) -> Option<()> {
        let end = self.at.checked_add(word.len())?;
        (self.bytes.get(self.at..end)? == word).then(|| self.at = end)
    }

    fn value(&mut self, depth: usize) -> Option<()> {
        match self.peek()? {
            b'"' => self.string().map(drop),
            b'{' => self.object(depth),
            b'[' => self.array(depth),
            b't' => self.word(b"true"),
            b'f' => self.word(b"false"),
            b'n' => self.word(b"null"),
            _ => self.integer().map(drop),
        }
    }

    fn array(&mut self, depth: usize) -> Option<()> {
        let depth = depth.checked_add(1).filter(|d| *d <= MAX_DEPTH)?;
        self.eat(b'[')?;
        if self.peek() == Some(b']') {
            self.bump();
            return Some(());
        }
        loop {
            self.value(depth)?;
            match self.bump()? {
                b',' => {}
                b']' => return Some(()),
                _ => return None,
            }
        }
    }

    fn object(&mut self, depth: usize) -> Option<()> {
        let depth = depth.checked_add(1).filter(|d| *d <= MAX_DEPTH)?;
        self.eat(b'{')?;
        let first = self.open;
        if self.peek() == Some(b'}') {
            self.bump();
            return Some(());
        }
        loop {
            self.name(first)?;
            self.eat(b':')?;
            self.value(depth)?;
            match self.bump()? {
                b',' => {}
                b'}' => break,
                _ => return None,
            }
        }
        self.open = first;
        Some(())
    }

    /// A member name of the object whose names start at `first`: none of them may equal it.
    #[inline(always)]
    fn name(&mut self, first: usize) -> Option<Span> {
        let mut span = self.string()?;
        let this = self.bytes.get(span.start..span.end)?;
        span.key = this
            .iter()
            .take(8)
            .fold(0u64, |k, &b| k.wrapping_shl(8) | u64::from(b));
        for seen in self.names.get(first..self.open)? {
            if seen.key == span.key && self.bytes.get(seen.start..seen.end)? == this {
                return None; // a duplicate: the general parse rejects it with its message
            }
        }
        *self.names.get_mut(self.open)? = span;
        self.open = self.open.saturating_add(1);
        Some(span)
    }

    /// The text of a string the scan has read.
    #[inline(always)]
    fn text_of(&self, span: Span) -> Option<Cow<'a, str>> {
        let raw = self.text.get(span.start..span.end)?;
        Some(if span.escaped {
            Cow::Owned(unescape(raw))
        } else {
            Cow::Borrowed(raw)
        })
    }

    fn top_object(&mut self, wanted: &dyn Fn(&str) -> bool) -> Option<Members<'a>> {
        self.eat(b'{')?;
        if self.peek() == Some(b'}') {
            self.bump();
            return Some(Members(Vec::new()));
        }
        // Room for the registered claims up front: no reallocation between members.
        let mut out = Vec::with_capacity(8);
        loop {
            let span = self.name(0)?;
            self.eat(b':')?;
            let value_start = self.at;
            // Strings and integers (nearly every claim) are built from what the scan read.
            let read = match self.peek()? {
                b'"' => Read::Text(self.string()?),
                b'-' | b'0'..=b'9' => {
                    let (negative, magnitude) = self.integer()?;
                    Read::Integer(negative, magnitude)
                }
                _ => {
                    self.value(1)?;
                    Read::Other
                }
            };
            let name = self.text_of(span)?;
            if wanted(&name) {
                let value = match read {
                    Read::Text(v) => Value::String(self.text_of(v)?.into_owned()),
                    Read::Integer(false, magnitude) => Value::from(magnitude),
                    Read::Integer(true, magnitude) => {
                        Value::from(i64::try_from(magnitude).ok()?.checked_neg()?)
                    }
                    Read::Other => build(self.text.get(value_start..self.at)?)?,
                };
                out.push((name, value));
            }
            match self.bump()? {
                b',' => {}
                b'}' => return Some(Members(out)),
                _ => return None,
            }
        }
    }
}

/// The text of a canonically spelled string with escapes (between its quotes).
fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some('b') => out.push('\u{8}'),
            Some('f') => out.push('\u{c}'),
            Some(other) => out.push(other), // \" and \\
            None => {}
        }
    }
    out
}

/// What the scan read as a top-level member's value.
enum Read {
    Text(Span),
    /// Negative, and the magnitude.
    Integer(bool, u64),
    Other,
}

/// The value of a member the scan has checked (a literal, an array or an object).
fn build(text: &str) -> Option<Value> {
    match text.as_bytes().first()? {
        b't' => Some(Value::Bool(true)),
        b'f' => Some(Value::Bool(false)),
        b'n' => Some(Value::Null),
        _ => super::parse_value_strict(text.as_bytes()).ok(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::indexing_slicing,
        clippy::arithmetic_side_effects
    )]
    use super::*;
    use crate::encoding::{
        parse_object_sparse, parse_object_strict, parse_value_strict, to_json_text,
    };
    use serde_json::Value;

    fn same_as_reserialized(text: &str) -> bool {
        let v = parse_value_strict(text.as_bytes()).unwrap();
        to_json_text(&v, false) == text
    }

    #[test]
    fn canonical_means_printed_unchanged() {
        for yes in [
            r#"{"sub":"alice","exp":1795000000,"aud":["a","b"],"ok":true,"n":null,"f":false}"#,
            r#"{"z":1,"a":2}"#,
            r#"{"q":"say \"hi\"\n\t\\ / done","neg":-5,"zero":0,"x":{"y":[]}}"#,
            r#"{"name":"Zoë Łukasz 東京"}"#,
        ] {
            assert!(is_compact_canonical(yes.as_bytes()), "{yes}");
            assert!(same_as_reserialized(yes), "{yes}");
        }
        for no in [
            r#"{ "sub":"alice"}"#,
            "{\"sub\":\"alice\"}\n",
            r#"{"a":"\u0041"}"#,
            r#"{"a":"\/"}"#,
            r#"{"a":1.0}"#,
            r#"{"a":1e5}"#,
            r#"{"a":1E5}"#,
            r#"{"a":-0}"#,
            r#"{"a":01}"#,
            r#"{"a":12345678901234567890}"#,
            "{\"a\":\"\u{202e}evil\"}",
        ] {
            assert!(!is_compact_canonical(no.as_bytes()), "{no}");
        }
    }

    use proptest::prelude::*;

    /// JSON text for a value, written the many ways JSON allows (spaces, \u and \/ escapes,
    /// other number forms), chosen by `style`.
    fn render(v: &Value, style: &mut impl Iterator<Item = u8>, out: &mut String) {
        let mut pick = || style.next().unwrap_or(0);
        if pick() % 7 == 0 {
            out.push(' ');
        }
        match v {
            Value::Object(m) => {
                out.push('{');
                for (i, (k, val)) in m.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    render(&Value::String(k.clone()), style, out);
                    out.push(':');
                    render(val, style, out);
                }
                out.push('}');
            }
            Value::Array(a) => {
                out.push('[');
                for (i, val) in a.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    render(val, style, out);
                }
                out.push(']');
            }
            Value::String(text) => {
                out.push('"');
                for c in text.chars() {
                    match (c, pick() % 5) {
                        ('/', 0) => out.push_str("\\/"),
                        (c, 1) if c.is_ascii_alphanumeric() => {
                            out.push_str(&format!("\\u{:04x}", c as u32))
                        }
                        _ => {
                            let quoted = serde_json::to_string(&c.to_string()).unwrap();
                            out.push_str(&quoted[1..quoted.len() - 1]);
                        }
                    }
                }
                out.push('"');
            }
            Value::Number(n) => match (n.as_i64(), pick() % 4) {
                (Some(i), 0) => out.push_str(&format!("{i}.0")),
                (Some(i), 1) => out.push_str(&format!("{i}e0")),
                _ => out.push_str(&n.to_string()),
            },
            other => out.push_str(&other.to_string()),
        }
    }

    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            (-1e6f64..1e6).prop_map(Value::from),
            "[a-z/é\\\\\"\n\u{1}\u{202e} ]{0,8}".prop_map(Value::String),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::vec(("[a-z]{1,3}", inner), 0..4)
                    .prop_map(|kv| Value::Object(kv.into_iter().collect())),
            ]
        })
    }

    proptest! {
        /// The property the batch fast path relies on: whatever the text, if it is called
        /// canonical, re-serializing it gives it back byte for byte.
        #[test]
        fn canonical_text_round_trips(v in json_value(), style in prop::collection::vec(any::<u8>(), 64)) {
            let obj = match v { Value::Object(m) => Value::Object(m), other => serde_json::json!({"v": other}) };
            let mut text = String::new();
            render(&obj, &mut style.into_iter().cycle(), &mut text);
            let parsed = parse_value_strict(text.as_bytes()).unwrap();
            if is_compact_canonical(text.as_bytes()) {
                prop_assert_eq!(to_json_text(&parsed, false), text);
            }
        }
    }

    /// What the batch fast path relies on: a text the scan accepts is canonical and the
    /// general parse keeps the same members from it; and it accepts every canonical text the
    /// general parse accepts (at these depths), so the fast path is taken whenever it can be.
    fn scan_agrees(text: &str, keep: &str) -> Result<(), TestCaseError> {
        let wanted = |name: &str| name == keep;
        let scan = scan_canonical_object(text.as_bytes(), &wanted);
        let sparse = parse_object_sparse(text.as_bytes(), &wanted);
        let canonical = is_compact_canonical(text.as_bytes());
        prop_assert_eq!(scan.is_some(), canonical && sparse.is_some(), "{}", text);
        if scan.is_some() {
            prop_assert_eq!(scan, sparse, "{}", text);
        }
        Ok(())
    }

    proptest! {
        #[test]
        fn scan_agrees_on_colliding_names(t in crate::encoding::sparse_tests::text(), keep in "[a-c]") {
            scan_agrees(&t, &keep)?;
        }

        #[test]
        fn scan_agrees_on_any_spelling(v in json_value(), style in prop::collection::vec(any::<u8>(), 64), keep in "[a-z]") {
            let obj = match v { Value::Object(m) => Value::Object(m), other => serde_json::json!({"v": other}) };
            let mut text = String::new();
            render(&obj, &mut style.into_iter().cycle(), &mut text);
            scan_agrees(&text, &keep)?;
        }
    }

    #[test]
    fn scan_keeps_what_the_checks_read() {
        let wanted = |name: &str| ["exp", "aud", "sub", "a\"b"].contains(&name);
        let text = r#"{"sub":"al\"ice\n","x":{"y":[1,{"z":null}]},"aud":["api","b"],"exp":1795000000,"neg":-7,"a\"b":false}"#;
        let m = scan_canonical_object(text.as_bytes(), &wanted).unwrap();
        let kept: Vec<_> = m.iter().map(|(k, v)| (k, v.clone())).collect();
        assert_eq!(
            kept,
            vec![
                ("sub", Value::from("al\"ice\n")),
                ("aud", serde_json::json!(["api", "b"])),
                ("exp", Value::from(1795000000u64)),
                ("a\"b", Value::Bool(false)),
            ]
        );
        for no in [
            r#"{"a":1,"a":2}"#,
            r#"{"a":{"b":1,"b":2}}"#,
            r#"{"a":[{"b":1,"b":2}]}"#,
            r#"{"a":1}x"#,
            r#"{"a":1,}"#,
            r#"{"a":tru}"#,
            r#"{"a":-}"#,
            r#"{"a":"\u0041"}"#,
            r#"["a"]"#,
            "{\"a\":\"\u{1}\"}",
            r#"{"a":1234567890123456789}"#,
        ] {
            assert!(
                scan_canonical_object(no.as_bytes(), &wanted).is_none(),
                "{no}"
            );
        }
        let deep = format!(
            "{{\"a\":{}1{}}}",
            "[".repeat(MAX_DEPTH),
            "]".repeat(MAX_DEPTH)
        );
        assert!(scan_canonical_object(deep.as_bytes(), &wanted).is_none());
        assert!(parse_object_strict(deep.as_bytes()).is_ok());
        let wide: Vec<String> = (0..OPEN_NAMES + 1)
            .map(|i| format!("\"k{i}\":{i}"))
            .collect();
        let wide = format!("{{{}}}", wide.join(","));
        assert!(scan_canonical_object(wide.as_bytes(), &wanted).is_none());
        assert!(parse_object_strict(wide.as_bytes()).is_ok());
    }
}
