//! The one time parser and formatter: TIME and DURATION arguments, RFC 3339 rendering, and
//! "3m ago" / "in 14m" relative phrases. Times are Unix seconds (`i64`) everywhere; the
//! current time is always passed in, never read here, so that `--now` and tests control it.

use std::time::{SystemTime, UNIX_EPOCH};

/// A TIME or DURATION argument that does not parse; the message names it and says what is
/// expected. (Its own type, so that this bottom-layer module needs nothing from above.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeError(pub String);

impl std::fmt::Display for TimeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TimeError {}

type Result<T> = std::result::Result<T, TimeError>;

/// The system clock as Unix seconds. Only the binary's edge calls this; everything below it
/// receives `now` as a value.
pub fn system_now() -> i64 {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        Err(e) => i64::try_from(e.duration().as_secs()).map_or(i64::MIN, |s| s.saturating_neg()),
    }
}

/// A JSON NumericDate (RFC 7519 section 2) as whole Unix seconds: an integer, or a finite
/// number rounded down (saturating at the ends of `i64`, where `1e300` lands). `None` for
/// anything else.
pub fn numeric_date(v: &serde_json::Value) -> Option<i64> {
    v.as_i64().or_else(|| {
        v.as_f64()
            .filter(|f| f.is_finite())
            // `as` saturates: huge values become i64::MIN / i64::MAX, never wrap.
            .map(|f| f.floor() as i64)
    })
}

/// A TIME as written: an instant, or an offset from "now" that is fixed only when the
/// command knows its clock (`--now` may itself be relative to the system clock).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeSpec {
    /// An absolute instant, Unix seconds.
    At(i64),
    /// Seconds from now (negative: in the past).
    FromNow(i64),
}

impl TimeSpec {
    /// The instant, seen from `now`.
    pub fn at(self, now: i64) -> Result<i64> {
        match self {
            TimeSpec::At(t) => Ok(t),
            TimeSpec::FromNow(d) => now
                .checked_add(d)
                .ok_or_else(|| TimeError("the time is out of range".to_string())),
        }
    }
}

impl std::str::FromStr for TimeSpec {
    type Err = TimeError;

    /// Parses a TIME: RFC 3339 (`2026-11-23T10:00:00Z`, or a bare date meaning midnight UTC),
    /// Unix seconds (`1795000000`), `now`, or a humantime duration relative to now (`15m`,
    /// `+2h`, `-1d 3h`; a bare duration lies in the future).
    fn from_str(text: &str) -> Result<TimeSpec> {
        let s = text.trim();
        let bad = |why: &str| invalid_time(text, why);
        if s.is_empty() {
            return Err(bad("empty"));
        }
        if s.eq_ignore_ascii_case("now") {
            return Ok(TimeSpec::FromNow(0));
        }
        let digits = s.strip_prefix('-').unwrap_or(s);
        if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
            return s
                .parse::<i64>()
                .map(TimeSpec::At)
                .map_err(|_| bad("out of range"));
        }
        if s.len() >= 10 && s.as_bytes().get(4) == Some(&b'-') && s.as_bytes().get(7) == Some(&b'-')
        {
            return parse_rfc3339(s)
                .map(TimeSpec::At)
                .ok_or_else(|| bad("not a valid RFC 3339 date-time"));
        }
        let (negative, rest) = match s.as_bytes().first() {
            Some(b'+') => (false, s.get(1..).unwrap_or("")),
            Some(b'-') => (true, s.get(1..).unwrap_or("")),
            _ => (false, s),
        };
        let d = humantime::parse_duration(rest.trim()).map_err(|e| bad(&e.to_string()))?;
        let secs = i64::try_from(d.as_secs()).map_err(|_| bad("out of range"))?;
        Ok(TimeSpec::FromNow(if negative {
            secs.saturating_neg()
        } else {
            secs
        }))
    }
}

/// Parses a TIME (see [`TimeSpec`]) and places it relative to `now`.
pub fn parse_time(text: &str, now: i64) -> Result<i64> {
    let spec: TimeSpec = text.parse()?;
    spec.at(now).map_err(|_| invalid_time(text, "out of range"))
}

fn invalid_time(text: &str, why: &str) -> TimeError {
    TimeError(format!(
        "invalid time {text:?}: {why} (expected RFC 3339 like 2026-11-23T10:00:00Z, Unix seconds, or a duration like 15m, +2h, -1d)"
    ))
}

/// Parses a DURATION in humantime form (`30s`, `5m`, `1h 30m`); a bare number is seconds.
/// Whole seconds: see [`parse_span`] for the exact value.
pub fn parse_duration(text: &str) -> Result<u64> {
    parse_span(text).map(|d| d.as_secs())
}

/// Parses a DURATION keeping fractions of a second (`500ms`), for timeouts.
pub fn parse_span(text: &str) -> Result<std::time::Duration> {
    let s = text.trim();
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        return s
            .parse()
            .map(std::time::Duration::from_secs)
            .map_err(|_| TimeError(format!("invalid duration {text:?}: out of range")));
    }
    humantime::parse_duration(s).map_err(|e| {
        TimeError(format!(
            "invalid duration {text:?}: {e} (expected e.g. 30s, 5m, 1h)"
        ))
    })
}

/// Parses RFC 3339 (`YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`), also accepting a space or
/// lower-case `t` as separator and a bare date. Fractions of a second are dropped.
// Calendar arithmetic on bounded values: years 0-9999 (four digits, or the range
// format_timestamp checks), months, days, hours and offsets of two digits each; nothing
// here comes near i64's range.
#[allow(clippy::arithmetic_side_effects)]
fn parse_rfc3339(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let part = s.get(r)?;
        if part.bytes().all(|c| c.is_ascii_digit()) {
            part.parse().ok()
        } else {
            None
        }
    };
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if !(1..=12).contains(&mo) || d < 1 || d > days_in_month(y, mo) {
        return None;
    }
    let days = days_from_civil(y, mo, d);
    if b.len() == 10 {
        return Some(days * 86_400);
    }
    if !matches!(b.get(10), Some(b'T' | b't' | b' '))
        || b.get(13) != Some(&b':')
        || b.get(16) != Some(&b':')
    {
        return None;
    }
    let (h, mi, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if h > 23 || mi > 59 || sec > 60 {
        return None;
    }
    let mut i = 19;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return None;
        }
    }
    let offset = match b.get(i..)? {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), ..] if b.len() == i + 6 && b.get(i + 3) == Some(&b':') => {
            let (oh, om) = (num(i + 1..i + 3)?, num(i + 4..i + 6)?);
            if oh > 23 || om > 59 {
                return None;
            }
            let o = oh * 3600 + om * 60;
            if *sign == b'+' { o } else { -o }
        }
        _ => return None,
    };
    Some(days * 86_400 + h * 3600 + mi * 60 + sec - offset)
}

// Calendar arithmetic on bounded values: years 0-9999 (four digits, or the range
// format_timestamp checks), months, days, hours and offsets of two digits each; nothing
// here comes near i64's range.
#[allow(clippy::arithmetic_side_effects)]
fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 for a proleptic Gregorian date (H. Hinnant's algorithm).
// Calendar arithmetic on bounded values: years 0-9999 (four digits, or the range
// format_timestamp checks), months, days, hours and offsets of two digits each; nothing
// here comes near i64's range.
#[allow(clippy::arithmetic_side_effects)]
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date for a day count since 1970-01-01.
// Calendar arithmetic on bounded values: years 0-9999 (four digits, or the range
// format_timestamp checks), months, days, hours and offsets of two digits each; nothing
// here comes near i64's range.
#[allow(clippy::arithmetic_side_effects)]
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Renders Unix seconds as RFC 3339 in UTC (`2026-11-23T10:00:00Z`). Values outside years
/// 0–9999 are shown as `@<seconds>` rather than as a misleading date.
// Calendar arithmetic on bounded values: years 0-9999 (four digits, or the range
// format_timestamp checks), months, days, hours and offsets of two digits each; nothing
// here comes near i64's range.
#[allow(clippy::arithmetic_side_effects)]
pub fn format_timestamp(t: i64) -> String {
    const MIN: i64 = -62_167_219_200; // 0000-01-01T00:00:00Z
    const MAX: i64 = 253_402_300_799; // 9999-12-31T23:59:59Z
    if !(MIN..=MAX).contains(&t) {
        return format!("@{t}");
    }
    let (days, secs) = (t.div_euclid(86_400), t.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// A short span: `42s`, `3m`, `2h 5m`, `3d 4h`, `2y 10d`.
// Calendar arithmetic on bounded values: years 0-9999 (four digits, or the range
// format_timestamp checks), months, days, hours and offsets of two digits each; nothing
// here comes near i64's range.
#[allow(clippy::arithmetic_side_effects)]
pub fn format_span(secs: u64) -> String {
    const M: u64 = 60;
    const H: u64 = 3600;
    const D: u64 = 86_400;
    const Y: u64 = 365 * D;
    let two = |a: u64, ua: &str, b: u64, ub: &str| {
        if b == 0 {
            format!("{a}{ua}")
        } else {
            format!("{a}{ua} {b}{ub}")
        }
    };
    match secs {
        s if s < M => format!("{s}s"),
        s if s < H => format!("{}m", s / M),
        s if s < D => two(s / H, "h", s % H / M, "m"),
        s if s < Y => two(s / D, "d", s % D / H, "h"),
        s => two(s / Y, "y", s % Y / D, "d"),
    }
}

/// `3m ago`, `in 14m`, or `now`, for `t` seen from `now`.
pub fn format_relative(t: i64, now: i64) -> String {
    let diff = i128::from(t).saturating_sub(i128::from(now));
    let span = u64::try_from(diff.unsigned_abs()).unwrap_or(u64::MAX);
    match diff {
        0 => "now".to_string(),
        d if d < 0 => format!("{} ago", format_span(span)),
        _ => format!("in {}", format_span(span)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_795_000_000;

    #[test]
    fn parses_every_time_form() {
        assert_eq!(
            parse_time("2026-11-23T10:00:00Z", NOW).ok(),
            Some(1_795_428_000)
        );
        assert_eq!(
            parse_time("2026-11-23T11:00:00+01:00", NOW).ok(),
            Some(1_795_428_000)
        );
        assert_eq!(
            parse_time("2026-11-23t10:00:00.123z", NOW).ok(),
            Some(1_795_428_000)
        );
        assert_eq!(parse_time("2026-11-23", NOW).ok(), Some(1_795_392_000));
        assert_eq!(parse_time("1795000000", NOW).ok(), Some(NOW));
        assert_eq!(parse_time("15m", NOW).ok(), Some(NOW + 900));
        assert_eq!(parse_time("+2h", NOW).ok(), Some(NOW + 7200));
        assert_eq!(parse_time("-1d 3h", NOW).ok(), Some(NOW - 97_200));
        assert_eq!(parse_time("now", NOW).ok(), Some(NOW));
        for bad in [
            "",
            "tomorrow",
            "2026-13-01T00:00:00Z",
            "2026-02-30",
            "2026-11-23T25:00:00Z",
            "2026-11-23T10:00:00",
        ] {
            assert!(parse_time(bad, NOW).is_err(), "{bad}");
        }
    }

    #[test]
    fn formats_round_trip() {
        for t in [0, 1, 951_782_400, 1_795_428_000, -86_400, 253_402_300_799] {
            assert_eq!(parse_time(&format_timestamp(t), NOW).ok(), Some(t), "{t}");
        }
        assert_eq!(format_timestamp(1_795_428_000), "2026-11-23T10:00:00Z");
        assert_eq!(format_timestamp(i64::MAX), format!("@{}", i64::MAX));
    }

    #[test]
    fn relative_phrases() {
        assert_eq!(format_relative(NOW - 180, NOW), "3m ago");
        assert_eq!(format_relative(NOW + 14 * 60 + 59, NOW), "in 14m");
        assert_eq!(format_relative(NOW + 7500, NOW), "in 2h 5m");
        assert_eq!(format_relative(NOW, NOW), "now");
        assert_eq!(
            format_relative(i64::MIN, i64::MAX),
            format_relative(i64::MIN, i64::MAX)
        );
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("30s").ok(), Some(30));
        assert_eq!(parse_duration("5m").ok(), Some(300));
        assert_eq!(parse_duration("90").ok(), Some(90));
        assert!(parse_duration("soon").is_err());
    }
}
