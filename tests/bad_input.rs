//! Hostile and broken input: each gets one `error:` line, the documented exit code, nothing on
//! stdout, and never a panic.

use serde_json::json;

use crate::util::*;

fn enc(v: &serde_json::Value) -> String {
    b64url(serde_json::to_string(v).unwrap().as_bytes())
}

fn verify_stdin(input: impl Into<Vec<u8>>) -> std::process::Output {
    run(jwtctl()
        .args(["verify", "--secret", &hmac_secret()])
        .write_stdin(input.into()))
}

#[test]
fn garbage_tokens_exit_1() {
    let good = sign(&["--alg", "HS256", "--secret", &hmac_secret()]);
    let truncated = &good[..good.len() - 3];
    let cut_header = format!("{}.{}", &good[..5], good.split_once('.').unwrap().1);
    let inputs: Vec<Vec<u8>> = vec![
        b"".to_vec(),
        b"   \n".to_vec(),
        b"garbage".to_vec(),
        b"a.b.c.d.e.f".to_vec(),
        b"....".to_vec(),
        b"a.b".to_vec(),
        truncated.as_bytes().to_vec(),
        cut_header.into_bytes(),
        format!("{good}.").into_bytes(),
        b"{not json".to_vec(),
        b"{}".to_vec(),
        b"[1,2]".to_vec(),
        format!("{}.{}.sig", enc(&json!(["alg", "HS256"])), enc(&json!({}))).into_bytes(),
        format!("{}.e30.c2ln", b64url(br#"{"alg":"HS256","alg":"none"}"#)).into_bytes(),
        format!("{}.e30.c2ln", b64url(b"\xff\xfe")).into_bytes(),
        format!("{}.e30.c2ln", enc(&json!({"alg": 5}))).into_bytes(),
        format!("{}.e30.c2ln", enc(&json!({"typ": "JWT"}))).into_bytes(),
        format!("{}.%%%.c2ln", enc(&json!({"alg": "HS256"}))).into_bytes(),
        format!("{}.e30=.c2ln", enc(&json!({"alg": "HS256"}))).into_bytes(),
        vec![0, 1, 2, 0xff, 0xfe, b'.', 0x80, b'.', 0x00],
        (0..=255u8).cycle().take(100_000).collect(),
    ];
    for input in inputs {
        let o = verify_stdin(input.clone());
        assert_fails(&o, 1);
        // inspect agrees that these cannot be decoded (it does not check signatures, so a
        // shortened signature still decodes).
        if input != truncated.as_bytes() {
            let o = run(jwtctl().arg("inspect").write_stdin(input));
            assert_fails(&o, 1);
        }
    }
}

#[test]
fn duplicate_claims_and_header_members() {
    let s = hmac_secret();
    let secret = std::fs::read(fixture("keys/hmac64.bin")).unwrap();
    let input = format!(
        "{}.{}",
        enc(&json!({"alg": "HS256"})),
        b64url(br#"{"sub":"a","sub":"admin"}"#)
    );
    let token = format!("{input}.{}", hmac_sha256(&secret, &input));
    let msg = assert_fails(&verify_stdin(token), 1);
    assert!(msg.contains("duplicate"), "{msg}");
    let input = format!(
        "{}.{}",
        b64url(br#"{"alg":"HS256","kid":"a","kid":"b"}"#),
        enc(&json!({}))
    );
    let token = format!("{input}.{}", hmac_sha256(&secret, &input));
    assert!(assert_fails(&verify_stdin(token), 1).contains("duplicate"));
    let t = run(jwtctl().args([
        "sign",
        "--alg",
        "HS256",
        "--secret",
        &s,
        r#"{"sub":"a","sub":"b"}"#,
    ]));
    assert_fails(&t, 2);
}

#[test]
fn ten_megabytes_of_junk_on_stdin() {
    let junk: Vec<u8> = (0..10 * 1024 * 1024)
        .map(|i: u32| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    assert_fails(&verify_stdin(junk), 1);
    let big = vec![b'A'; 10 * 1024 * 1024];
    assert_fails(&verify_stdin(big.clone()), 1);
    assert_fails(&run(jwtctl().arg("inspect").write_stdin(big)), 1);
    let huge = vec![b'A'; 17 * 1024 * 1024];
    let msg = assert_fails(&verify_stdin(huge), 1);
    assert!(msg.contains("larger"), "{msg}");
}

#[test]
fn too_many_signatures_are_refused() {
    let sig = json!({"protected": enc(&json!({"alg": "HS256"})), "signature": "AA"});
    let t = json!({"payload": "e30", "signatures": vec![sig; 101]});
    let msg = assert_fails(&verify_stdin(t.to_string()), 1);
    assert!(msg.contains("at most 100"), "{msg}");
}

#[test]
fn bearer_prefix_and_whitespace_are_ignored() {
    let t = sign(&["--alg", "HS256", "--secret", &hmac_secret()]);
    for input in [
        format!("Bearer {t}"),
        format!("  bearer {t}\n\n"),
        format!("BEARER\t{t}"),
    ] {
        assert_ok(&verify_stdin(input));
    }
}

#[test]
fn key_and_usage_problems_exit_2() {
    let dir = tempdir();
    let token = sign(&["--alg", "RS256", "--key", &key("rsa.pkcs8.pem")]);
    let garbage = write(
        dir.path(),
        "garbage.pem",
        "-----BEGIN PRIVATE KEY-----\nnot base64!\n-----END PRIVATE KEY-----\n",
    );
    let random = write(
        dir.path(),
        "random.bin",
        [0x30u8, 0x82, 0x01, 0x00, 0xde, 0xad],
    );
    let empty = write(dir.path(), "empty", "");
    let text = write(dir.path(), "text.txt", "hello");
    let bad_jwk = write(dir.path(), "bad.jwk", r#"{"kty":"RSA","e":"AQAB"}"#);
    let cases: Vec<Vec<String>> = vec![
        vec![
            "--key".into(),
            dir.path().join("missing.pem").display().to_string(),
        ],
        vec!["--key".into(), garbage],
        vec!["--key".into(), random],
        vec!["--key".into(), empty],
        vec!["--key".into(), text],
        vec!["--key".into(), bad_jwk],
        vec![
            "--key".into(),
            key("ec-p256.spki.pem"),
            "--alg".into(),
            "RS256".into(),
        ],
        vec!["--key".into(), key("x25519.spki.pem")],
        vec!["--key".into(), key("rsa1024.pkcs8.pem")],
        vec!["--secret".into(), format!("@{}", key("hmac-short.bin"))],
        vec!["--secret".into(), "env:JWTCTL_TEST_SURELY_UNSET".into()],
        vec![
            "--key".into(),
            key("rsa.spki.pem"),
            "--leeway".into(),
            "soon".into(),
        ],
        vec![
            "--key".into(),
            key("rsa.spki.pem"),
            "--now".into(),
            "yesterday-ish".into(),
        ],
        vec![],
    ];
    for args in cases {
        let o = run(jwtctl().arg("verify").args(&args).arg(&token));
        let msg = assert_fails(&o, 2);
        assert!(msg.len() > 10, "{args:?}: {msg}");
    }
    // An unknown algorithm and bad flags are clap errors: exit 2 with usage.
    for args in [
        vec!["verify", "--alg", "XS256", "--key", "k"],
        vec!["sign", "--alg", "RS999"],
        vec!["verify", "--bogus"],
    ] {
        let o = run(jwtctl().args(&args));
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stderr(&o).starts_with("error:"));
    }
    // A public key cannot sign; a key that does not fit the algorithm is refused.
    let o = run(jwtctl().args(["sign", "--alg", "RS256", "--key", &key("rsa.spki.pem")]));
    assert!(assert_fails(&o, 2).contains("private key"));
    let o = run(jwtctl().args(["sign", "--alg", "ES384", "--key", &key("ec-p256.pkcs8.pem")]));
    let msg = assert_fails(&o, 2);
    assert!(msg.contains("ES384") && msg.contains("P-256"), "{msg}");
    let o = run(jwtctl().args([
        "sign",
        "--alg",
        "HS256",
        "--secret",
        &format!("@{}", key("hmac-short.bin")),
    ]));
    assert!(assert_fails(&o, 2).contains("at least 32 bytes"));
}

#[test]
fn weak_keys_need_allow_weak_key() {
    let t = sign(&[
        "--alg",
        "RS256",
        "--key",
        &key("rsa1024.pkcs8.pem"),
        "--allow-weak-key",
    ]);
    let o = run(jwtctl().args([
        "verify",
        "--key",
        &key("rsa1024.pkcs8.pem"),
        "--allow-weak-key",
        &t,
    ]));
    assert_ok(&o);
    assert!(stderr(&o).contains("warning:") && stderr(&o).contains("2048"));
    let short = format!("@{}", key("hmac-short.bin"));
    let t = sign(&["--alg", "HS256", "--secret", &short, "--allow-weak-key"]);
    assert_ok(&run(jwtctl().args([
        "verify",
        "--secret",
        &short,
        "--allow-weak-key",
        &t,
    ])));
}

#[test]
fn jwk_use_and_alg_are_enforced() {
    let dir = tempdir();
    let mut jwk: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(jwk_file(dir.path(), "ec-p256.pkcs8.pem", true)).unwrap(),
    )
    .unwrap();
    jwk["use"] = "enc".into();
    let f = write(dir.path(), "enc.jwk", jwk.to_string());
    let o = run(jwtctl().args(["sign", "--alg", "ES256", "--key", &f]));
    assert!(assert_fails(&o, 2).contains("\"use\""));
    jwk["use"] = "sig".into();
    jwk["alg"] = "ES384".into();
    let f = write(dir.path(), "alg.jwk", jwk.to_string());
    let o = run(jwtctl().args(["sign", "--alg", "ES256", "--key", &f]));
    assert!(assert_fails(&o, 2).contains("ES384"));
    jwk.as_object_mut().unwrap().remove("alg");
    jwk["key_ops"] = json!(["verify"]);
    let f = write(dir.path(), "ops.jwk", jwk.to_string());
    let o = run(jwtctl().args(["sign", "--alg", "ES256", "--key", &f]));
    assert!(assert_fails(&o, 2).contains("key_ops"));
    let t = sign(&["--alg", "ES256", "--key", &key("ec-p256.pkcs8.pem")]);
    assert_ok(&run(jwtctl().args(["verify", "--key", &f, &t])));
}
