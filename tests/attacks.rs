//! Known attacks on JWT verifiers; each must be rejected with exit 1.

use serde_json::{Value, json};

use crate::util::*;

fn enc(v: &Value) -> String {
    b64url(serde_json::to_string(v).unwrap().as_bytes())
}

fn verify(args: &[&str], token: &str) -> std::process::Output {
    run(jwtctl()
        .arg("verify")
        .args(args)
        .write_stdin(token.to_string()))
}

#[test]
fn alg_none_in_any_case_with_and_without_signature() {
    let claims = enc(&json!({"sub": "admin"}));
    for alg in ["none", "None", "NONE", "nOnE"] {
        let h = enc(&json!({"alg": alg, "typ": "JWT"}));
        for sig in ["", "c2lnbmF0dXJl"] {
            let t = format!("{h}.{claims}.{sig}");
            for args in [
                vec!["--key", &key("rsa.spki.pem")],
                vec!["--secret", &hmac_secret()],
                vec!["--key", &key("rsa.spki.pem"), "--alg", "RS256"],
            ] {
                let msg = assert_fails(&verify(&args, &t), 1);
                assert!(msg.contains("never accepted"), "{msg}");
            }
        }
    }
    // --alg none is a usage error.
    let o = run(jwtctl().args([
        "verify",
        "--secret",
        &hmac_secret(),
        "--alg",
        "none",
        "x.y.z",
    ]));
    assert_eq!(o.status.code(), Some(2));
    // sign refuses it without --allow-unsecured, and marks it with a warning with it.
    let o = run(jwtctl().args(["sign", "--alg", "none"]));
    assert_fails(&o, 2);
    let o = run(jwtctl().args(["sign", "--alg", "none", "--allow-unsecured", "--sub", "x"]));
    let t = assert_ok(&o);
    assert!(stderr(&o).starts_with("warning:"));
    assert!(t.trim().ends_with('.'));
    assert_fails(&verify(&["--key", &key("rsa.spki.pem")], t.trim()), 1);
}

#[test]
fn rsa_public_key_used_as_hmac_secret() {
    let pem = std::fs::read(fixture("keys/rsa.spki.pem")).unwrap();
    let h = enc(&json!({"alg": "HS256", "typ": "JWT"}));
    let input = format!("{h}.{}", enc(&json!({"sub": "admin"})));
    let t = format!("{input}.{}", hmac_sha256(&pem, &input));
    let k = key("rsa.spki.pem");
    for extra in [vec![], vec!["--alg", "RS256"]] {
        let mut args = vec!["--key", k.as_str()];
        args.extend(extra);
        let msg = assert_fails(&verify(&args, &t), 1);
        assert!(msg.contains("HS256"), "{msg}");
    }
    // The same key file as --secret is refused outright.
    let o = verify(&["--secret", &format!("@{}", key("rsa.spki.pem"))], &t);
    assert!(assert_fails(&o, 2).contains("public key"));
}

#[test]
fn embedded_jwk_header_is_not_trusted() {
    let dir = tempdir();
    let attacker: Value = serde_json::from_str(
        &std::fs::read_to_string(jwk_file(dir.path(), "rsa-other.pkcs8.pem", false)).unwrap(),
    )
    .unwrap();
    let t = sign(&[
        "--alg",
        "RS256",
        "--key",
        &key("rsa-other.pkcs8.pem"),
        "--header",
        &format!("jwk:={attacker}"),
        "--header",
        "jku=https://evil.example/jwks",
    ]);
    let msg = assert_fails(&verify(&["--key", &key("rsa.spki.pem")], &t), 1);
    assert!(msg.contains("does not verify"), "{msg}");
}

#[test]
fn unknown_and_malformed_crit() {
    for crit in [
        json!(["x-unknown"]),
        json!([]),
        json!(["alg"]),
        json!(["absent"]),
        json!("b64"),
    ] {
        let t = sign(&[
            "--alg",
            "HS256",
            "--secret",
            &hmac_secret(),
            "--header",
            &format!("crit:={crit}"),
            "--header",
            "x-unknown=1",
        ]);
        let o = verify(&["--secret", &hmac_secret(), "--explain"], &t);
        assert_eq!(o.status.code(), Some(1), "{crit}");
        assert!(stderr(&o).contains("crit_unsupported"), "{}", stderr(&o));
    }
}

#[test]
fn ecdsa_zero_signature() {
    let h = enc(&json!({"alg": "ES256"}));
    let t = format!("{h}.{}.{}", enc(&json!({"sub": "x"})), b64url(&[0u8; 64]));
    assert_fails(&verify(&["--key", &key("ec-p256.spki.pem")], &t), 1);
    let t = format!("{h}.{}.{}", enc(&json!({"sub": "x"})), b64url(&[0u8; 0]));
    assert_fails(&verify(&["--key", &key("ec-p256.spki.pem")], &t), 1);
    let h = enc(&json!({"alg": "ES512"}));
    let t = format!("{h}.{}.{}", enc(&json!({"sub": "x"})), b64url(&[0u8; 132]));
    assert_fails(&verify(&["--key", &key("ec-p521.spki.pem")], &t), 1);
}

#[test]
fn tampering_with_any_part_is_detected() {
    for (alg, k, vk) in [
        ("HS256", hmac_secret(), String::new()),
        ("RS256", key("rsa.pkcs8.pem"), key("rsa.spki.pem")),
        ("ES256", key("ec-p256.pkcs8.pem"), key("ec-p256.spki.pem")),
        ("ES512", key("ec-p521.pkcs8.pem"), key("ec-p521.spki.pem")),
        ("EdDSA", key("ed25519.pkcs8.pem"), key("ed25519.spki.pem")),
        ("Ed448", key("ed448.pkcs8.pem"), key("ed448.spki.pem")),
    ] {
        let flag = if alg == "HS256" { "--secret" } else { "--key" };
        let t = sign(&["--alg", alg, flag, &k, "--sub", "alice"]);
        let vargs: Vec<&str> = if alg == "HS256" {
            vec!["--secret", &k]
        } else {
            vec!["--key", &vk]
        };
        let parts: Vec<&str> = t.split('.').collect();
        let header = enc(&json!({"alg": alg, "typ": "JWT", "kid": "x"}));
        let payload = enc(&json!({"sub": "admin", "iat": 1}));
        let mut sig = b64url_decode(parts[2]);
        sig[0] ^= 1;
        for forged in [
            format!("{header}.{}.{}", parts[1], parts[2]),
            format!("{}.{payload}.{}", parts[0], parts[2]),
            format!("{}.{}.{}", parts[0], parts[1], b64url(&sig)),
        ] {
            let msg = assert_fails(&verify(&vargs, &forged), 1);
            assert!(msg.contains("does not verify"), "{alg}: {msg}");
        }
    }
}

#[test]
fn claim_rules_reject_with_precise_messages() {
    let s = hmac_secret();
    let now = "2026-11-23T10:03:00Z";
    let t = sign(&[
        "--alg",
        "HS256",
        "--secret",
        &s,
        "--now",
        "2026-11-23T09:00:00Z",
        "--exp",
        "2026-11-23T10:00:00Z",
    ]);
    let msg = assert_fails(&verify(&["--secret", &s, "--now", now], &t), 1);
    assert_eq!(msg, "error: token expired at 2026-11-23T10:00:00Z (3m ago)");
    assert_ok(&verify(
        &["--secret", &s, "--now", now, "--leeway", "5m"],
        &t,
    ));
    assert_ok(&verify(&["--secret", &s, "--now", now, "--ignore-exp"], &t));

    let t = sign(&[
        "--alg",
        "HS256",
        "--secret",
        &s,
        "--nbf",
        "2026-11-23T10:10:00Z",
    ]);
    let msg = assert_fails(
        &verify(&["--secret", &s, "--now", "2026-11-23T10:05:00Z"], &t),
        1,
    );
    assert_eq!(
        msg,
        "error: token not valid before 2026-11-23T10:10:00Z (in 5m)"
    );

    let t = sign(&[
        "--alg",
        "HS256",
        "--secret",
        &s,
        "--iss",
        "https://a",
        "--aud",
        "api",
        "--sub",
        "alice",
        "--typ",
        "at+jwt",
    ]);
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["--aud", "web"], "aud_mismatch"),
        (vec![], "aud_unchecked"),
        (vec!["--aud", "api", "--iss", "https://b"], "iss_mismatch"),
        (vec!["--aud", "api", "--sub", "bob"], "sub_mismatch"),
        (vec!["--aud", "api", "--typ", "JWT"], "typ_mismatch"),
        (vec!["--aud", "api", "--require", "jti"], "missing_claim"),
    ];
    for (extra, code) in cases {
        let mut args = vec!["--secret", s.as_str(), "--explain"];
        args.extend(extra);
        let o = verify(&args, &t);
        assert_eq!(o.status.code(), Some(1), "{code}");
        assert!(stderr(&o).contains(code), "{code}: {}", stderr(&o));
        assert!(o.stdout.is_empty());
    }
    let ok = [
        "--secret",
        s.as_str(),
        "--aud",
        "api",
        "--iss",
        "https://a",
        "--sub",
        "alice",
        "--typ",
        "application/AT+JWT",
        "--require",
        "iat",
    ];
    assert_ok(&verify(&ok, &t));
    assert_ok(&verify(&["--secret", &s, "--any-aud"], &t));
}
