//! `jwtctl inspect`: decoding without verifying, warnings with stable codes, sanitizing.

use serde_json::{Value, json};

use crate::util::*;

fn enc(v: &Value) -> String {
    b64url(serde_json::to_string(v).unwrap().as_bytes())
}

fn inspect_json(token: &str, now: &str) -> Value {
    let o = run(jwtctl().args(["inspect", "--json", "--now", now, token]));
    serde_json::from_str(&assert_ok(&o)).unwrap()
}

fn codes(v: &Value) -> Vec<String> {
    v["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["code"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn json_shape_and_time_claims() {
    let t = sign(&[
        "--alg",
        "ES256",
        "--key",
        &key("ec-p256.pkcs8.pem"),
        "--now",
        "2026-11-23T10:00:00Z",
        "--exp",
        "15m",
        "--sub",
        "a",
    ]);
    let v = inspect_json(&t, "2026-11-23T10:01:00Z");
    assert_eq!(v["type"], "JWS");
    assert_eq!(v["verified"], false);
    assert_eq!(v["header"]["alg"], "ES256");
    assert_eq!(v["claims"]["sub"], "a");
    assert_eq!(v["times"]["exp"]["date"], "2026-11-23T10:15:00Z");
    assert_eq!(v["times"]["exp"]["relative"], "in 14m");
    assert_eq!(v["times"]["iat"]["relative"], "1m ago");
    assert!(codes(&v).is_empty(), "{v}");
}

#[test]
fn every_warning_has_its_code() {
    let s = hmac_secret();
    let t = sign(&[
        "--alg",
        "HS256",
        "--secret",
        &s,
        "--now",
        "2026-11-23T10:00:00Z",
        "--exp",
        "2h",
        "--kid",
        "../../dev/null",
    ]);
    let c = codes(&inspect_json(&t, "2026-11-23T13:00:00Z"));
    for want in ["hmac", "expired", "long_lifetime", "suspicious_kid"] {
        assert!(c.contains(&want.to_string()), "{want} not in {c:?}");
    }
    let t = sign(&[
        "--alg",
        "HS256",
        "--secret",
        &s,
        "--now",
        "2026-11-23T10:00:00Z",
        "--nbf",
        "1h",
        "--kid",
        "x' OR '1'='1",
    ]);
    let c = codes(&inspect_json(&t, "2026-11-23T09:00:00Z"));
    for want in ["no_exp", "not_yet_valid", "iat_in_future", "suspicious_kid"] {
        assert!(c.contains(&want.to_string()), "{want} not in {c:?}");
    }
    let h = enc(
        &json!({"alg": "none", "jku": "https://e", "x5u": "https://e", "jwk": {}, "crit": ["x"], "x": 1}),
    );
    let big = "a".repeat(5000);
    let t = format!("{h}.{}.", enc(&json!({"exp": 1, "pad": big})));
    let c = codes(&inspect_json(&t, "2026-11-23T10:00:00Z"));
    for want in [
        "alg_none",
        "jku_header",
        "x5u_header",
        "jwk_header",
        "crit_header",
        "large_token",
        "expired",
    ] {
        assert!(c.contains(&want.to_string()), "{want} not in {c:?}");
    }
}

#[test]
fn human_output_says_unverified_and_warns_on_stderr() {
    let t = sign(&["--alg", "HS256", "--secret", &hmac_secret(), "--exp", "-1m"]);
    let o = run(jwtctl().args(["inspect", &t]));
    let out = assert_ok(&o);
    assert!(out.contains("NOT verified"));
    assert!(out.contains("exp"));
    assert!(stderr(&o).lines().all(|l| l.starts_with("warning:")));
    assert!(stderr(&o).contains("[expired]"));
    assert!(!out.contains('\u{1b}'), "no colour when piped");
}

#[test]
fn claims_are_sanitized_for_the_terminal() {
    let h = enc(&json!({"alg": "HS256"}));
    let evil = "admin\u{202e}nimda\u{200b}\u{1b}[31m";
    let t = format!("{h}.{}.c2ln", enc(&json!({"sub": evil})));
    let o = run(jwtctl()
        .args(["inspect", &t])
        .env("JWTCTL_TEST_TTY", "1")
        .env("NO_COLOR", "1"));
    let out = assert_ok(&o);
    assert!(
        !out.contains('\u{202e}') && !out.contains('\u{200b}') && !out.contains('\u{1b}'),
        "{out:?}"
    );
    assert!(out.contains("\\u202e"));
    // JSON output keeps the value while escaping it.
    let o = run(jwtctl().args(["inspect", "--json", &t]));
    let v: Value = serde_json::from_str(&assert_ok(&o)).unwrap();
    assert_eq!(v["claims"]["sub"], evil);
    assert!(!stdout(&o).contains('\u{202e}'));
}

#[test]
fn lifetime_bar_and_colour_on_a_terminal() {
    let t = sign(&[
        "--alg",
        "HS256",
        "--secret",
        &hmac_secret(),
        "--now",
        "2026-11-23T10:00:00Z",
        "--exp",
        "10m",
    ]);
    let o = run(jwtctl()
        .args(["inspect", "--now", "2026-11-23T10:05:00Z", &t])
        .env("JWTCTL_TEST_TTY", "1"));
    let out = assert_ok(&o);
    assert!(out.contains("50% of lifetime used"), "{out}");
    assert!(out.contains('\u{1b}'), "colour on a terminal");
    let o = run(jwtctl()
        .args(["inspect", "--now", "2026-11-23T10:05:00Z", &t])
        .env("JWTCTL_TEST_TTY", "1")
        .env("NO_COLOR", "1"));
    assert!(!assert_ok(&o).contains('\u{1b}'));
    let o = run(jwtctl()
        .args(["--color", "always", "inspect", &t])
        .env("NO_COLOR", "1"));
    assert!(
        assert_ok(&o).contains('\u{1b}'),
        "--color always wins over NO_COLOR"
    );
    let o = run(jwtctl()
        .args(["--color", "auto", "inspect", &t])
        .env("JWTCTL_TEST_TTY", "1")
        .env("TERM", "dumb"));
    assert!(!assert_ok(&o).contains('\u{1b}'));
}

#[test]
fn jwe_header_and_part_sizes() {
    let v: Value = serde_json::from_str(
        &std::fs::read_to_string(fixture("vectors/rfc/rfc7516.json")).unwrap(),
    )
    .unwrap();
    let t = v["cases"][0]["token_text"].as_str().unwrap();
    let j = inspect_json(t, "2026-11-23T10:00:00Z");
    assert_eq!(j["type"], "JWE");
    assert_eq!(j["header"]["alg"], "RSA-OAEP");
    assert_eq!(j["sizes"]["encrypted_key"], 256);
    assert_eq!(j["sizes"]["iv"], 12);
    assert_eq!(j["sizes"]["tag"], 16);
    let nested: Value = serde_json::from_str(
        &std::fs::read_to_string(fixture(
            "vectors/cookbook/6.nesting_signatures_and_encryption.json",
        ))
        .unwrap(),
    )
    .unwrap();
    let t = nested["encrypt"]["output"]["compact"].as_str().unwrap();
    let j = inspect_json(t, "2026-11-23T10:00:00Z");
    assert!(codes(&j).contains(&"nested_jwt".to_string()), "{j}");
    // verify points JWEs at decrypt.
    let o = run(jwtctl().args(["verify", "--secret", &hmac_secret(), t]));
    assert!(assert_fails(&o, 1).contains("decrypt"));
}

#[test]
fn broken_pipe_exits_quietly() {
    use std::io::Read;
    use std::io::Write;
    use std::process::{Command, Stdio};
    let dir = tempdir();
    let claims = write(
        dir.path(),
        "claims.json",
        format!(r#"{{"pad":"{}"}}"#, "x".repeat(500_000)),
    );
    let t = sign(&[
        "--alg",
        "HS256",
        "--secret",
        &hmac_secret(),
        &format!("@{claims}"),
    ]);
    let mut child = Command::new(env!("CARGO_BIN_EXE_jwtctl"))
        .args(["inspect", "--json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(t.as_bytes()).unwrap();
    let mut first = [0u8; 10];
    child
        .stdout
        .as_mut()
        .unwrap()
        .read_exact(&mut first)
        .unwrap();
    drop(child.stdout.take());
    let mut err = String::new();
    child
        .stderr
        .as_mut()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "{err}");
    assert!(!err.contains("error") && !err.contains("panick"), "{err}");
}
