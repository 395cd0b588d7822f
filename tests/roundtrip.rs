//! sign → verify for every algorithm, with PEM and JWK keys, in every serialization.

use serde_json::Value;

use crate::util::*;

/// (alg, private key fixture, public key fixture); HMAC uses the shared secret.
const ASYMMETRIC: &[(&str, &str, &str)] = &[
    ("RS256", "rsa.pkcs8.pem", "rsa.spki.pem"),
    ("RS384", "rsa.pkcs8.pem", "rsa.spki.pem"),
    ("RS512", "rsa.pkcs8.pem", "rsa.spki.pem"),
    ("PS256", "rsa.pkcs8.pem", "rsa.spki.pem"),
    ("PS384", "rsa.pkcs8.pem", "rsa.spki.pem"),
    ("PS512", "rsa.pkcs8.pem", "rsa.spki.pem"),
    ("ES256", "ec-p256.pkcs8.pem", "ec-p256.spki.pem"),
    ("ES384", "ec-p384.pkcs8.pem", "ec-p384.spki.pem"),
    ("ES512", "ec-p521.pkcs8.pem", "ec-p521.spki.pem"),
    ("ES256K", "ec-secp256k1.pkcs8.pem", "ec-secp256k1.spki.pem"),
    ("EdDSA", "ed25519.pkcs8.pem", "ed25519.spki.pem"),
    ("EdDSA", "ed448.pkcs8.pem", "ed448.spki.pem"),
    ("Ed25519", "ed25519.pkcs8.pem", "ed25519.spki.pem"),
    ("Ed448", "ed448.pkcs8.pem", "ed448.spki.pem"),
];

fn claims_of(out: &str) -> Value {
    serde_json::from_str(out.trim()).expect("claims are JSON")
}

#[test]
fn every_asymmetric_algorithm_with_pem_keys() {
    for (alg, private, public) in ASYMMETRIC {
        let token = sign(&[
            "--alg",
            alg,
            "--key",
            &key(private),
            "--sub",
            "alice",
            "--exp",
            "10m",
        ]);
        let header: Value =
            serde_json::from_slice(&b64url_decode(token.split('.').next().unwrap())).unwrap();
        assert_eq!(header["alg"], *alg);
        assert_eq!(header["typ"], "JWT");
        let o = run(jwtctl().args(["verify", "--key", &key(public), &token]));
        let c = claims_of(&assert_ok(&o));
        assert_eq!(c["sub"], "alice", "{alg}");
        assert!(c["iat"].is_i64(), "iat set by default");
        // The private key verifies too (its public half is derived).
        assert_ok(&run(jwtctl().args([
            "verify",
            "--key",
            &key(private),
            "--alg",
            alg,
            &token,
        ])));
        // Another key of the same type does not.
        if alg.starts_with('R') || alg.starts_with('P') {
            let o = run(jwtctl().args(["verify", "--key", &key("rsa-other.pkcs8.pem"), &token]));
            assert!(assert_fails(&o, 1).contains("does not verify"));
        }
    }
}

#[test]
fn every_asymmetric_algorithm_with_jwk_keys() {
    let dir = tempdir();
    for (alg, private, _) in ASYMMETRIC {
        let priv_jwk = jwk_file(dir.path(), private, true);
        let pub_jwk = jwk_file(dir.path(), private, false);
        let token = sign(&["--alg", alg, "--key", &priv_jwk, "--iss", "me"]);
        let o = run(jwtctl()
            .args(["verify", "--key", &pub_jwk, "--iss", "me", "--alg", alg])
            .write_stdin(token.clone()));
        assert_eq!(claims_of(&assert_ok(&o))["iss"], "me", "{alg}");
        // PEM-signed tokens verify with the JWK and the reverse.
        let pem_token = sign(&["--alg", alg, "--key", &key(private)]);
        assert_ok(&run(
            jwtctl().args(["verify", "--key", &pub_jwk, &pem_token])
        ));
    }
}

#[test]
fn every_hmac_algorithm_with_secret_sources_and_jwk() {
    let dir = tempdir();
    let secret = std::fs::read(fixture("keys/hmac64.bin")).unwrap();
    let jwk = write(
        dir.path(),
        "oct.jwk",
        format!(r#"{{"kty":"oct","k":"{}"}}"#, b64url(&secret)),
    );
    for alg in ["HS256", "HS384", "HS512"] {
        let token = sign(&["--alg", alg, "--secret", &hmac_secret(), "--claim", "n:=5"]);
        for src in [
            format!("file:{}", key("hmac64.bin")),
            format!("b64:{}", b64url(&secret)),
        ] {
            let o = run(jwtctl().args(["verify", "--secret", &src, &token]));
            assert_eq!(claims_of(&assert_ok(&o))["n"], 5);
        }
        let o = run(jwtctl().args(["verify", "--key", &jwk, &token]));
        assert_ok(&o);
        let o = run(jwtctl().env("JWT_SECRET_TEST", "x".repeat(64)).args([
            "verify",
            "--secret",
            "env:JWT_SECRET_TEST",
            &token,
        ]));
        assert!(assert_fails(&o, 1).contains("does not verify"));
    }
}

#[test]
fn literal_secret_warns_and_works() {
    let s = "k".repeat(32);
    let o = run(jwtctl().args(["sign", "--alg", "HS256", "--secret", &s]));
    assert!(stderr(&o).starts_with("warning:"), "{}", stderr(&o));
    let token = assert_ok(&o);
    assert_ok(&run(jwtctl().args([
        "verify",
        "--secret",
        &s,
        token.trim(),
    ])));
}

#[test]
fn json_serializations_detached_and_unencoded() {
    let dir = tempdir();
    for (ser, alg, k, vk) in [
        (
            "flattened",
            "ES256",
            key("ec-p256.pkcs8.pem"),
            key("ec-p256.spki.pem"),
        ),
        (
            "general",
            "RS256",
            key("rsa.pkcs8.pem"),
            key("rsa.spki.pem"),
        ),
        (
            "compact",
            "EdDSA",
            key("ed25519.pkcs8.pem"),
            key("ed25519.spki.pem"),
        ),
    ] {
        let token = sign(&[
            "--alg",
            alg,
            "--key",
            &k,
            "--serialization",
            ser,
            "--sub",
            "s",
        ]);
        if ser != "compact" {
            let v: Value = serde_json::from_str(&token).unwrap();
            assert!(v.is_object());
        }
        let o = run(jwtctl().args(["verify", "--key", &vk]).write_stdin(token));
        assert_eq!(claims_of(&assert_ok(&o))["sub"], "s", "{ser}");

        // Detached: the payload is supplied separately.
        let payload = write(dir.path(), "payload.bin", b"any \x00 bytes \xff at all");
        let token = sign(&[
            "--alg",
            alg,
            "--key",
            &k,
            "--serialization",
            ser,
            "--detached",
            "--payload",
            &payload,
        ]);
        let o = run(jwtctl()
            .args([
                "verify",
                "--key",
                &vk,
                "--output",
                "payload",
                "--payload",
                &payload,
            ])
            .write_stdin(token.clone()));
        assert_eq!(o.stdout, b"any \x00 bytes \xff at all", "{}", stderr(&o));
        let o = run(jwtctl()
            .args(["verify", "--key", &vk, "--output", "payload"])
            .write_stdin(token.clone()));
        assert!(assert_fails(&o, 1).contains("--payload"));
        let other = write(dir.path(), "other.bin", b"other");
        let o = run(jwtctl()
            .args([
                "verify",
                "--key",
                &vk,
                "--output",
                "payload",
                "--payload",
                &other,
            ])
            .write_stdin(token));
        assert_fails(&o, 1);

        // Unencoded (RFC 7797).
        let text = write(dir.path(), "text.txt", "$.02 is the price");
        let mut args = vec![
            "--alg",
            alg,
            "--key",
            &k,
            "--serialization",
            ser,
            "--unencoded",
            "--payload",
            &text,
        ];
        if ser == "compact" {
            args.push("--detached");
        }
        let token = sign(&args);
        let mut v = jwtctl();
        v.args(["verify", "--key", &vk, "--output", "payload"]);
        if ser == "compact" {
            v.args(["--payload", &text]);
        }
        let o = run(v.write_stdin(token));
        assert_eq!(stdout(&o), "$.02 is the price", "{}", stderr(&o));
    }
}

#[test]
fn every_pem_and_der_kind_loads() {
    let token = sign(&[
        "--alg",
        "RS256",
        "--key",
        &key("rsa.pkcs1.pem"),
        "--sub",
        "k",
    ]);
    for k in [
        "rsa.pkcs8.pem",
        "rsa.pkcs1.pem",
        "rsa.spki.pem",
        "rsa.pkcs1-public.pem",
        "rsa.cert.pem",
        "rsa.pkcs8.der",
        "rsa.spki.der",
    ] {
        assert_ok(&run(jwtctl().args(["verify", "--key", &key(k), &token])));
    }
    for k in ["rsa.encrypted.pem", "rsa.encrypted.der"] {
        let pass = format!("@{}", key("passphrase.txt"));
        let t = sign(&["--alg", "PS256", "--key", &key(k), "--passphrase", &pass]);
        assert_ok(&run(jwtctl().args([
            "verify",
            "--key",
            &key("rsa.cert.pem"),
            &t,
        ])));
        let o = run(jwtctl().args(["sign", "--alg", "PS256", "--key", &key(k)]));
        assert!(assert_fails(&o, 2).contains("--passphrase"));
        let o = run(jwtctl().args([
            "sign",
            "--alg",
            "PS256",
            "--key",
            &key(k),
            "--passphrase",
            "b64:d3Jvbmc",
        ]));
        assert!(assert_fails(&o, 2).contains("wrong passphrase"));
    }
    let token = sign(&["--alg", "ES256", "--key", &key("ec-p256.sec1.pem")]);
    for k in [
        "ec-p256.pkcs8.pem",
        "ec-p256.sec1.pem",
        "ec-p256.spki.pem",
        "ec-p256.pkcs8.der",
        "ec-p256.sec1.der",
    ] {
        assert_ok(&run(jwtctl().args(["verify", "--key", &key(k), &token])));
    }
    for (alg, k) in [
        ("ES384", "ec-p384.sec1.pem"),
        ("ES512", "ec-p521.sec1.pem"),
        ("ES256K", "ec-secp256k1.sec1.pem"),
    ] {
        let t = sign(&["--alg", alg, "--key", &key(k)]);
        assert_ok(&run(jwtctl().args(["verify", "--key", &key(k), &t])));
    }
}

#[test]
fn kid_header_and_jwks_selection() {
    let dir = tempdir();
    let mut a: Value = serde_json::from_str(
        &std::fs::read_to_string(jwk_file(dir.path(), "ec-p256.pkcs8.pem", false)).unwrap(),
    )
    .unwrap();
    a["kid"] = "a".into();
    let mut b: Value = serde_json::from_str(
        &std::fs::read_to_string(jwk_file(dir.path(), "rsa.pkcs8.pem", false)).unwrap(),
    )
    .unwrap();
    b["kid"] = "b".into();
    let jwks = write(
        dir.path(),
        "jwks.json",
        serde_json::to_vec(&serde_json::json!({"keys": [a, b]})).unwrap(),
    );
    let t = sign(&[
        "--alg",
        "RS256",
        "--key",
        &key("rsa.pkcs8.pem"),
        "--kid",
        "b",
    ]);
    assert_ok(&run(jwtctl().args(["verify", "--jwks", &jwks, &t])));
    // Without kid: each fitting key is tried.
    let t2 = sign(&["--alg", "ES256", "--key", &key("ec-p256.pkcs8.pem")]);
    assert_ok(&run(jwtctl().args(["verify", "--jwks", &jwks, &t2])));
    // A kid that no key has: rejected, no fallback.
    let t3 = sign(&[
        "--alg",
        "RS256",
        "--key",
        &key("rsa.pkcs8.pem"),
        "--kid",
        "zzz",
    ]);
    let o = run(jwtctl().args(["verify", "--jwks", &jwks, "--explain", &t3]));
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("kid_not_found"), "{}", stderr(&o));
    // A kid naming a key of the wrong type: alg_not_allowed.
    let t4 = sign(&[
        "--alg",
        "RS256",
        "--key",
        &key("rsa.pkcs8.pem"),
        "--kid",
        "a",
    ]);
    let o = run(jwtctl().args(["verify", "--jwks", &jwks, &t4]));
    assert!(assert_fails(&o, 1).contains("does not fit"));
    // --key accepts a JWKS too.
    assert_ok(&run(jwtctl().args(["verify", "--key", &jwks, &t])));
}
