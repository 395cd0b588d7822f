//! Corners an independent suite found: each test here failed before its fix.

use serde_json::{Value, json};

use crate::util::*;

fn header_of(token: &str) -> Value {
    serde_json::from_slice(&b64url_decode(token.split('.').next().unwrap())).unwrap()
}

/// RFC 7515 allows an empty payload: `header..signature` verifies as the empty payload, and
/// `--payload FILE` still supplies detached content in its place.
#[test]
fn compact_jws_with_an_empty_payload() {
    let dir = tempdir();
    let empty = write(dir.path(), "empty", b"");
    let content = write(dir.path(), "content", b"detached content");
    let secret = hmac_secret();
    for (alg, sign_key, verify_key) in [
        ("HS256", None, None),
        ("RS256", Some("rsa.pkcs8.pem"), Some("rsa.spki.pem")),
        ("PS384", Some("rsa.pkcs8.pem"), Some("rsa.spki.pem")),
        ("ES256", Some("ec-p256.pkcs8.pem"), Some("ec-p256.spki.pem")),
        ("ES512", Some("ec-p521.pkcs8.pem"), Some("ec-p521.spki.pem")),
        ("EdDSA", Some("ed25519.pkcs8.pem"), Some("ed25519.spki.pem")),
        ("EdDSA", Some("ed448.pkcs8.pem"), Some("ed448.spki.pem")),
    ] {
        let k = |name: Option<&str>| match name {
            Some(n) => vec!["--key".to_string(), key(n)],
            None => vec!["--secret".to_string(), secret.clone()],
        };
        let mut args = vec!["--alg".to_string(), alg.to_string()];
        args.extend(k(sign_key));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let token = sign(&[&args[..], &["--payload", &empty]].concat());
        assert!(token.contains(".."), "{alg}: {token}");
        let verify = |token: &str, extra: &[&str]| {
            let mut cmd = jwtctl();
            cmd.args(["verify", "--alg", alg, "--output", "payload"])
                .args(k(verify_key))
                .args(extra)
                .arg(token);
            run(&mut cmd)
        };
        let o = verify(&token, &[]);
        assert_eq!(assert_ok(&o), "", "{alg}");
        // Tampered: one bit of the signature.
        let (head, sig) = token.rsplit_once('.').unwrap();
        let mut raw = b64url_decode(sig);
        raw[0] ^= 1;
        let bad = format!("{head}.{}", b64url(&raw));
        let msg = assert_fails(&verify(&bad, &[]), 1);
        assert!(msg.contains("--payload"), "{alg}: the hint: {msg}");
        // The same header and signature do not verify other content given with --payload.
        assert_fails(&verify(&token, &["--payload", &content]), 1);
        // Detached content (RFC 7515 appendix F) still works through --payload.
        let detached = sign(&[&args[..], &["--payload", &content, "--detached"]].concat());
        let o = verify(&detached, &["--payload", &content]);
        assert_eq!(assert_ok(&o), "detached content", "{alg}");
    }
}

#[test]
fn pbes2_default_p2c_opens_everywhere_and_more_warns() {
    let o = run(jwtctl().args(["encrypt", "--secret", "b64:cGFzc3dvcmQ", "x"]));
    let t = assert_ok(&o);
    assert!(
        stderr(&o).lines().all(|l| !l.contains("p2c")),
        "{}",
        stderr(&o)
    );
    assert_eq!(header_of(&t)["p2c"], 10000);
    let o = run(jwtctl().args([
        "encrypt",
        "--secret",
        "b64:cGFzc3dvcmQ",
        "--p2c",
        "20000",
        "x",
    ]));
    let t = assert_ok(&o);
    assert_eq!(header_of(&t)["p2c"], 20000);
    assert!(
        stderr(&o).starts_with("warning:") && stderr(&o).contains("p2c 20000"),
        "{}",
        stderr(&o)
    );
    // The warning is about PBES2 only.
    let o = run(jwtctl().args([
        "encrypt",
        "--key",
        &key("rsa.spki.pem"),
        "--p2c",
        "20000",
        "x",
    ]));
    assert_ok(&o);
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
}

/// Numeric flags have ranges; values from the token that do not fit OpenSSL's C `int` never
/// reach it; a huge plaintext cap is a cap, not an overflow.
#[test]
fn numeric_limits_never_panic() {
    for (args, code) in [
        (
            vec![
                "encrypt",
                "--secret",
                "b64:cGFzc3dvcmQ",
                "--p2c",
                "2147483648",
                "x",
            ],
            2,
        ),
        (
            vec![
                "encrypt",
                "--secret",
                "b64:cGFzc3dvcmQ",
                "--p2c",
                "999",
                "x",
            ],
            2,
        ),
        (
            vec![
                "decrypt",
                "--secret",
                "b64:cGFzc3dvcmQ",
                "--max-p2c",
                "3000000000",
                "x",
            ],
            2,
        ),
        (
            vec![
                "decrypt",
                "--secret",
                "b64:cGFzc3dvcmQ",
                "--max-p2c",
                "0",
                "x",
            ],
            2,
        ),
        (
            vec![
                "verify",
                "--secret",
                "b64:cGFzc3dvcmQ",
                "--batch",
                "--jobs",
                "100000",
            ],
            2,
        ),
    ] {
        let o = run(jwtctl().args(&args));
        assert_eq!(o.status.code(), Some(code), "{args:?}: {}", stderr(&o));
        assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
    }
    // A token whose p2c is 3e9: refused by the cap (exit 1) at any --max-p2c the flag allows.
    let t = assert_ok(&run(jwtctl().args([
        "encrypt",
        "--secret",
        "b64:cGFzc3dvcmQ",
        "x",
    ])));
    let mut h = header_of(&t);
    h["p2c"] = json!(3_000_000_000u64);
    let rest = t.split_once('.').unwrap().1;
    let forged = format!("{}.{rest}", b64url(h.to_string().as_bytes()));
    let o = run(jwtctl().args([
        "decrypt",
        "--secret",
        "b64:cGFzc3dvcmQ",
        "--max-p2c",
        "2147483647",
        &forged,
    ]));
    assert!(assert_fails(&o, 1).contains("p2c"));

    // --max-plaintext at u64::MAX on a zip token: the plaintext, exactly.
    let dir = tempdir();
    let k = aes128_jwk(dir.path());
    let t = encrypt(
        &[
            "--key", &k, "--alg", "A128KW", "--enc", "A128GCM", "--zip", "DEF",
        ],
        "hello, compressed world",
    );
    let o = run(jwtctl().args([
        "decrypt",
        "--key",
        &k,
        "--max-plaintext",
        "18446744073709551615",
        t.trim(),
    ]));
    assert_eq!(assert_ok(&o), "hello, compressed world");
}

/// latchset jose writes `"encrypted_key": ""` in a flattened JWE for `dir`.
#[test]
fn empty_encrypted_key_member_is_absent() {
    let dir = tempdir();
    let k = write(
        dir.path(),
        "k.jwk",
        r#"{"kty":"oct","k":"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"}"#,
    );
    let t = assert_ok(&run(jwtctl().args([
        "encrypt",
        "--key",
        &k,
        "--alg",
        "dir",
        "--enc",
        "A256GCM",
        "--serialization",
        "flattened",
        "inner",
    ])));
    let mut v: Value = serde_json::from_str(&t).unwrap();
    assert!(v.get("encrypted_key").is_none());
    v["encrypted_key"] = json!("");
    let o = run(jwtctl().args(["decrypt", "--key", &k, &v.to_string()]));
    assert_eq!(assert_ok(&o), "inner");
    // A non-empty one is still refused for dir.
    v["encrypted_key"] = json!("AAAA");
    assert_fails(
        &run(jwtctl().args(["decrypt", "--key", &k, &v.to_string()])),
        1,
    );
}

/// tests/fixtures/keys/make-roca.py makes a key the way Infineon's RSALib did.
#[test]
fn roca_keys_are_weak_keys() {
    let token = sign(&[
        "--alg",
        "RS256",
        "--key",
        &key("rsa.pkcs8.pem"),
        "--sub",
        "s",
    ]);
    let pubkey = key("rsa-roca.spki.pem");
    let msg = assert_fails(&run(jwtctl().args(["verify", "--key", &pubkey, &token])), 2);
    assert!(
        msg.contains("ROCA") && msg.contains("--allow-weak-key"),
        "{msg}"
    );
    let o = run(jwtctl().args(["verify", "--key", &pubkey, "--allow-weak-key", &token]));
    assert!(
        stderr(&o).starts_with("warning:") && stderr(&o).contains("ROCA"),
        "{}",
        stderr(&o)
    );
    assert_fails(&o, 1); // accepted as a key, and the signature (another key's) fails
    let roca = key("rsa-roca.pkcs8.pem");
    let msg = assert_fails(
        &run(jwtctl().args(["sign", "--alg", "RS256", "--key", &roca])),
        2,
    );
    assert!(msg.contains("CVE-2017-15361"), "{msg}");
    let o = run(jwtctl().args(["sign", "--alg", "PS256", "--key", &roca, "--allow-weak-key"]));
    let t = assert_ok(&o);
    assert_ok(&run(jwtctl().args([
        "verify",
        "--key",
        &pubkey,
        "--allow-weak-key",
        t.trim(),
    ])));
    for (k, flagged) in [
        (&roca, true),
        (&pubkey, true),
        (&key("rsa.pkcs8.pem"), false),
    ] {
        let o = run(jwtctl().args(["inspect", "--json", "--key", k]));
        let v: Value = serde_json::from_str(&assert_ok(&o)).unwrap();
        let codes = v.to_string();
        assert_eq!(codes.contains("\"roca\""), flagged, "{k}: {v}");
    }
    let o = run(jwtctl().args(["inspect", "--key", &roca]));
    assert!(stderr(&o).contains("ROCA") || stdout(&o).contains("ROCA"));
}

#[test]
fn a_key_set_mixing_secrets_and_public_keys_is_refused() {
    let dir = tempdir();
    let ec = jwk_file(dir.path(), "ec-p256.spki.pem", false);
    let ec: Value = serde_json::from_str(&std::fs::read_to_string(ec).unwrap()).unwrap();
    let set = json!({"keys": [
        {"kty": "oct", "kid": "s", "k": b64url(&[7u8; 32])},
        ec,
    ]});
    let jwks = write(dir.path(), "mixed.json", set.to_string());
    let token = sign(&[
        "--alg",
        "HS256",
        "--secret",
        &format!("b64:{}", b64url(&[7u8; 32])),
    ]);
    for args in [
        vec!["verify", "--jwks", &jwks, &token],
        vec!["verify", "--key", &jwks, &token],
    ] {
        let msg = assert_fails(&run(jwtctl().args(&args)), 2);
        assert!(msg.contains("secret"), "{msg}");
    }
    // Secrets alone, or public keys alone, are fine.
    let only = write(
        dir.path(),
        "secrets.json",
        json!({"keys": [{"kty": "oct", "k": b64url(&[7u8; 32])}]}).to_string(),
    );
    assert_ok(&run(jwtctl().args(["verify", "--jwks", &only, &token])));
}

#[test]
fn inspect_survives_extreme_time_claims_on_a_terminal() {
    let dir = tempdir();
    for claims in [
        r#"{"iat":-1e300,"exp":1e300}"#,
        r#"{"iat":-9223372036854775808,"exp":9223372036854775807}"#,
        r#"{"nbf":-1e308,"iat":1e308,"exp":1.7976931348623157e308}"#,
        r#"{"iat":0,"exp":1}"#,
    ] {
        let token = format!(
            "{}.{}.",
            b64url(br#"{"alg":"HS256"}"#),
            b64url(claims.as_bytes())
        );
        let f = write(dir.path(), "t", &token);
        for args in [vec!["inspect"], vec!["inspect", "--json"]] {
            let o = run(jwtctl()
                .args(&args)
                .arg(format!("@{f}"))
                .env("JWTCTL_TEST_TTY", "1"));
            assert_ok(&o);
            assert!(!stderr(&o).contains("panicked"), "{claims}: {}", stderr(&o));
        }
    }
}

/// `> /dev/full`: a write error is one error line and exit 2, never a panic.
#[test]
fn write_errors_are_errors() {
    if !std::path::Path::new("/dev/full").exists() {
        return;
    }
    let token = sign(&[
        "--alg",
        "ES256",
        "--key",
        &key("ec-p256.pkcs8.pem"),
        "--sub",
        "s",
    ]);
    for args in [
        vec!["completions", "bash"],
        vec!["completions", "zsh"],
        vec!["--help"],
        vec!["--version"],
        vec!["inspect", &token],
        vec!["verify", "--key", &key("ec-p256.spki.pem"), &token],
        vec!["keygen", "--alg", "ES256"],
        vec!["jwks", &key("ec-p256.spki.pem")],
    ] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_jwtctl"))
            .args(&args)
            .env("CI", "true")
            .stdout(full)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert_eq!(
            err.lines().filter(|l| l.starts_with("error:")).count(),
            1,
            "{err}"
        );
    }
}

/// The DER inside a one-block PEM file.
fn pem_body(pem: &[u8]) -> Vec<u8> {
    use base64::Engine;
    let text = String::from_utf8_lossy(pem);
    let body: String = text.lines().filter(|l| !l.starts_with("-----")).collect();
    base64::engine::general_purpose::STANDARD
        .decode(body)
        .unwrap()
}

/// Private keys whose parts disagree are refused at load, on both key paths.
#[test]
fn inconsistent_private_keys_are_refused() {
    use openssl::pkey::PKey;
    use openssl::rsa::Rsa;
    let dir = tempdir();
    // RSA whose modulus is not p·q: 2048 bits (aws-lc path) and 1024 bits (OpenSSL path).
    for (fixture_name, weak) in [("rsa.pkcs8.pem", false), ("rsa1024.pkcs8.pem", true)] {
        let pem = std::fs::read(key(fixture_name)).unwrap();
        let rsa = PKey::private_key_from_pem(&pem).unwrap().rsa().unwrap();
        let mut n = rsa.n().to_owned().unwrap();
        n.add_word(2).unwrap();
        let c = |b: Option<&openssl::bn::BigNumRef>| b.unwrap().to_owned().unwrap();
        let bad = Rsa::from_private_components(
            n,
            rsa.e().to_owned().unwrap(),
            rsa.d().to_owned().unwrap(),
            c(rsa.p()),
            c(rsa.q()),
            c(rsa.dmp1()),
            c(rsa.dmq1()),
            c(rsa.iqmp()),
        )
        .unwrap();
        let bad = PKey::from_rsa(bad).unwrap();
        for (name, bytes) in [
            ("bad.pkcs8.pem", bad.private_key_to_pem_pkcs8().unwrap()),
            (
                "bad.pkcs8.der",
                pem_body(&bad.private_key_to_pem_pkcs8().unwrap()),
            ),
            (
                "bad.pkcs1.pem",
                bad.rsa().unwrap().private_key_to_pem().unwrap(),
            ),
        ] {
            let f = write(dir.path(), name, bytes);
            let mut args = vec!["sign", "--alg", "RS256", "--key", &f];
            if weak {
                args.push("--allow-weak-key");
            }
            let msg = assert_fails(&run(jwtctl().args(&args)), 2);
            assert!(
                msg.contains("inconsistent") && msg.contains("p and q"),
                "{name}: {msg}"
            );
            let msg = assert_fails(&run(jwtctl().args(["inspect", "--key", &f])), 2);
            assert!(msg.contains("inconsistent"), "{msg}");
        }
    }
    // EC: a private scalar with another key's public point (SEC1 and PKCS#8).
    let ec = |f: &str| {
        PKey::private_key_from_pem(&std::fs::read(key(f)).unwrap())
            .unwrap()
            .ec_key()
            .unwrap()
    };
    let a = ec("ec-p256.pkcs8.pem");
    let other = openssl::ec::EcKey::generate(a.group()).unwrap();
    let mixed =
        openssl::ec::EcKey::from_private_components(a.group(), a.private_key(), other.public_key())
            .unwrap();
    let f = write(
        dir.path(),
        "ec.sec1.pem",
        mixed.private_key_to_pem().unwrap(),
    );
    let msg = assert_fails(
        &run(jwtctl().args(["sign", "--alg", "ES256", "--key", &f])),
        2,
    );
    assert!(
        msg.contains("inconsistent") || msg.contains("invalid"),
        "{msg}"
    );
    let f = write(
        dir.path(),
        "ec.pkcs8.pem",
        PKey::from_ec_key(mixed)
            .unwrap()
            .private_key_to_pem_pkcs8()
            .unwrap(),
    );
    assert_fails(
        &run(jwtctl().args(["sign", "--alg", "ES256", "--key", &f])),
        2,
    );
    // Ed25519 PKCS#8 v2 (RFC 5958) whose public key is not the seed's.
    let pem = std::fs::read_to_string(key("ed25519.pkcs8.pem")).unwrap();
    let der = PKey::private_key_from_pem(pem.as_bytes())
        .unwrap()
        .private_key_to_der()
        .unwrap();
    let seed = &der[der.len() - 32..];
    let mut v2 = vec![
        0x30, 0x51, 0x02, 0x01, 0x01, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70,
    ];
    v2.extend([0x04, 0x22, 0x04, 0x20]);
    v2.extend(seed);
    v2.extend([0x81, 0x21, 0x00]);
    v2.extend([0x42u8; 32]);
    let f = write(dir.path(), "ed.der", &v2);
    let msg = assert_fails(&run(jwtctl().args(["sign", "--key", &f])), 2);
    assert!(msg.contains("inconsistent"), "{msg}");
    // ... and with its true public key it loads and signs.
    let real = PKey::private_key_from_raw_bytes(seed, openssl::pkey::Id::ED25519)
        .unwrap()
        .raw_public_key()
        .unwrap();
    let n = v2.len();
    v2[n - 32..].copy_from_slice(&real);
    let f = write(dir.path(), "ed-good.der", &v2);
    assert_ok(&run(jwtctl().args(["sign", "--key", &f])));
}

#[test]
fn tokens_from_files_and_file_names_that_are_not_tokens() {
    let dir = tempdir();
    let token = sign(&[
        "--alg",
        "ES256",
        "--key",
        &key("ec-p256.pkcs8.pem"),
        "--sub",
        "s",
    ]);
    let f = write(dir.path(), "token.jwt", format!("{token}\n"));
    assert_ok(&run(jwtctl().args(["inspect", &format!("@{f}")])));
    let o = run(jwtctl().args([
        "verify",
        "--key",
        &key("ec-p256.spki.pem"),
        &format!("@{f}"),
    ]));
    assert!(assert_ok(&o).contains("\"sub\":\"s\""));
    let msg = assert_fails(&run(jwtctl().args(["inspect", &f])), 1);
    assert!(
        msg.contains("names a file") && msg.contains(&format!("@{f}")),
        "{msg}"
    );
    let msg = assert_fails(
        &run(jwtctl().args(["verify", "--key", &key("ec-p256.spki.pem"), &f])),
        1,
    );
    assert!(msg.contains("@"), "{msg}");
    let missing = dir.path().join("missing.jwt").display().to_string();
    assert_fails(&run(jwtctl().args(["inspect", &format!("@{missing}")])), 2);
}

#[test]
fn inspect_of_a_jwe_says_not_decrypted() {
    let t = assert_ok(&run(jwtctl().args([
        "encrypt",
        "--key",
        &key("rsa.spki.pem"),
        "x",
    ])));
    let o = run(jwtctl().args(["inspect", t.trim()]));
    let text = assert_ok(&o);
    assert!(text.contains("NOT decrypted"), "{text}");
    assert!(!text.contains("signature NOT verified"), "{text}");
}

#[test]
fn sign_infers_the_algorithm_a_key_admits() {
    for (k, alg) in [
        ("ec-p256.pkcs8.pem", "ES256"),
        ("ec-p384.pkcs8.pem", "ES384"),
        ("ec-p521.pkcs8.pem", "ES512"),
        ("ec-secp256k1.pkcs8.pem", "ES256K"),
        ("ed25519.pkcs8.pem", "EdDSA"),
        ("ed448.pkcs8.pem", "EdDSA"),
    ] {
        let t = sign(&["--key", &key(k), "--sub", "s"]);
        assert_eq!(header_of(&t)["alg"], alg, "{k}");
    }
    let msg = assert_fails(
        &run(jwtctl().args(["sign", "--key", &key("rsa.pkcs8.pem")])),
        2,
    );
    assert!(msg.contains("--alg") && msg.contains("RS256"), "{msg}");
    let msg = assert_fails(&run(jwtctl().args(["sign", "--secret", &hmac_secret()])), 2);
    assert!(msg.contains("--alg") && msg.contains("HS256"), "{msg}");
    // A JWK's own alg is used.
    let dir = tempdir();
    let f = jwk_file(dir.path(), "rsa.pkcs8.pem", true);
    let mut jwk: Value = serde_json::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap();
    jwk["alg"] = json!("PS384");
    let f = write(dir.path(), "ps384.jwk", jwk.to_string());
    assert_eq!(header_of(&sign(&["--key", &f]))["alg"], "PS384");
}

/// DER is binary: a key whose last byte is 0x0a or 0x20 is not "trimmed" into garbage.
#[test]
fn der_private_keys_load_whatever_their_last_byte() {
    let dir = tempdir();
    for name in [
        "rsa1024.pkcs8.pem",
        "rsa.pkcs8.pem",
        "ec-p384.pkcs8.pem",
        "ed448.pkcs8.pem",
    ] {
        let der = pem_body(&std::fs::read(key(name)).unwrap());
        let f = write(dir.path(), "k.der", &der);
        assert_ok(&run(jwtctl().args(["inspect", "--key", &f])));
    }
}

/// Found by the round-trip property: josekit's JSON parser refuses an empty "ciphertext", so
/// an empty plaintext in flattened or general JSON did not decrypt. jwtctl parses every JWE
/// itself now and hands josekit only the cryptography.
#[test]
fn empty_plaintext_in_every_serialization() {
    let dir = tempdir();
    let k = aes128_jwk(dir.path());
    for ser in ["compact", "flattened", "general"] {
        for (alg, enc) in [("dir", "A128GCM"), ("A128KW", "A256CBC-HS512")] {
            let t = assert_ok(&run(jwtctl()
                .args(["encrypt", "--key", &k, "--alg", alg, "--enc", enc])
                .args(["--serialization", ser, "-"])
                .write_stdin("")));
            let o = run(jwtctl().args(["decrypt", "--key", &k, t.trim()]));
            assert_eq!(assert_ok(&o), "", "{ser} {alg} {enc}");
        }
    }
}
