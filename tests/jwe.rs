//! `encrypt` / `decrypt`: RFC 7516 and RFC 7520 vectors, the alg × enc matrix, nested JWTs and
//! hostile input.

use serde_json::{Value, json};

use crate::util::*;

fn load(rel: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(fixture(&format!("vectors/{rel}"))).unwrap())
        .unwrap()
}

fn decrypt(args: &[&str], token: impl Into<Vec<u8>>) -> std::process::Output {
    run(jwtctl().arg("decrypt").args(args).write_stdin(token.into()))
}

const ENCS: &[&str] = &[
    "A128CBC-HS256",
    "A192CBC-HS384",
    "A256CBC-HS512",
    "A128GCM",
    "A192GCM",
    "A256GCM",
];

#[test]
fn rfc7516_vectors() {
    let dir = tempdir();
    let mut n = 0;
    for case in load("rfc/rfc7516.json")["cases"].as_array().unwrap() {
        let k = write(dir.path(), "k.jwk", case["jwk"].to_string());
        let token = case["token_text"].as_str().unwrap();
        let mut args = vec!["--key", k.as_str()];
        if case["alg"] == "RSA1_5" {
            // Refused unless asked for.
            let o = decrypt(&args, token);
            assert!(assert_fails(&o, 1).contains("RSA1_5"));
            args.push("--allow-rsa1_5");
        }
        let o = decrypt(&args, token);
        if case["expect"] == "valid" {
            assert_eq!(o.status.code(), Some(0), "{}: {}", case["id"], stderr(&o));
            assert_eq!(
                o.stdout,
                b64url_decode(case["plaintext_b64url"].as_str().unwrap()),
                "{}",
                case["id"]
            );
        } else {
            let msg = assert_fails(&o, 1);
            assert!(msg.contains("decryption failed"), "{}: {msg}", case["id"]);
        }
        n += 1;
    }
    assert!(n >= 9);
    // PBES2 example from RFC 7517 appendix C.
    for case in load("rfc/rfc7517.json")["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["kind"] == "jwe-decrypt")
    {
        let k = write(dir.path(), "k.jwk", case["jwk"].to_string());
        let o = decrypt(&["--key", &k], case["token_text"].as_str().unwrap());
        assert_eq!(o.status.code(), Some(0), "{}: {}", case["id"], stderr(&o));
        assert_eq!(
            o.stdout,
            b64url_decode(case["plaintext_b64url"].as_str().unwrap())
        );
    }
}

#[test]
fn rfc7520_cookbook_jwe() {
    let dir = tempdir();
    let files = [
        "5_1.key_encryption_using_rsa_v15_and_aes-hmac-sha2.json",
        "5_2.key_encryption_using_rsa-oaep_with_aes-gcm.json",
        "5_3.key_wrap_using_pbes2-aes-keywrap_with-aes-cbc-hmac-sha2.json",
        "5_4.key_agreement_with_key_wrapping_using_ecdh-es_and_aes-keywrap_with_aes-gcm.json",
        "5_5.key_agreement_using_ecdh-es_with_aes-cbc-hmac-sha2.json",
        "5_6.direct_encryption_using_aes-gcm.json",
        "5_7.key_wrap_using_aes-gcm_keywrap_with_aes-cbc-hmac-sha2.json",
        "5_8.key_wrap_using_aes-keywrap_with_aes-gcm.json",
        "5_9.compressed_content.json",
        "5_10.including_additional_authentication_data.json",
        "5_11.protecting_specific_header_fields.json",
        "5_12.protecting_content_only.json",
        "5_13.encrypting_to_multiple_recipients.json",
    ];
    let mut checked = 0;
    for file in files
        .iter()
        .map(|f| format!("cookbook/jwe/{f}"))
        .chain(["cookbook/curve25519/ecdh-es.json".to_string()])
    {
        let v = load(&file);
        let plaintext = v["input"]["plaintext"].as_str().unwrap();
        let keys: Vec<Value> = match &v["input"]["key"] {
            Value::Array(a) => a.clone(),
            Value::Null => vec![],
            k => vec![k.clone()],
        };
        let mut key_args: Vec<Vec<String>> = keys
            .iter()
            .map(|k| {
                vec![
                    "--key".to_string(),
                    write(dir.path(), "k.jwk", k.to_string()),
                ]
            })
            .collect();
        if let Some(pwd) = v["input"]["pwd"].as_str() {
            key_args.push(vec![
                "--secret".into(),
                format!("@{}", write(dir.path(), "pwd", pwd)),
            ]);
        }
        for (form, token) in v["output"].as_object().unwrap() {
            let token = match token {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            for ka in &key_args {
                // Each key opens its own recipient of a multi-recipient JWE.
                let kfile = write(
                    dir.path(),
                    "cur.key",
                    std::fs::read(ka[1].trim_start_matches('@')).unwrap(),
                );
                let mut args: Vec<String> = vec![
                    ka[0].clone(),
                    if ka[0] == "--secret" {
                        format!("@{kfile}")
                    } else {
                        kfile
                    },
                ];
                args.push("--allow-rsa1_5".into());
                let o = decrypt(
                    &args.iter().map(String::as_str).collect::<Vec<_>>(),
                    token.clone(),
                );
                assert_eq!(o.status.code(), Some(0), "{file} {form}: {}", stderr(&o));
                assert_eq!(stdout(&o), plaintext, "{file} {form}");
                checked += 1;
            }
        }
    }
    assert!(checked >= 35, "only {checked}");
}

#[test]
fn cookbook_nested_jwt() {
    let dir = tempdir();
    let v = load("cookbook/6.nesting_signatures_and_encryption.json");
    let enc_key = write(
        dir.path(),
        "enc.jwk",
        v["encrypt"]["input"]["key"].to_string(),
    );
    let sig_key = write(dir.path(), "sig.jwk", v["sign"]["input"]["key"].to_string());
    for form in ["compact", "json", "json_flat"] {
        let token = match &v["encrypt"]["output"][form] {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let o = decrypt(
            &[
                "--key",
                &enc_key,
                "--verify-key",
                &sig_key,
                "--iss",
                "hobbiton.example",
                "--now",
                "2011-03-22T18:00:00Z",
            ],
            token.clone(),
        );
        let claims: Value = serde_json::from_str(&assert_ok(&o)).unwrap();
        assert_eq!(claims["http://example.com/is_root"], true, "{form}");
        let o = decrypt(
            &["--key", &enc_key, "--verify-key", &sig_key],
            token.clone(),
        );
        assert!(assert_fails(&o, 1).contains("expired"));
        let o = decrypt(
            &[
                "--key",
                &enc_key,
                "--verify-key",
                &sig_key,
                "--ignore-exp",
                "--iss",
                "mordor.example",
            ],
            token,
        );
        assert_fails(&o, 1);
    }
}

#[test]
fn nested_flow_end_to_end() {
    let token = sign(&[
        "--alg",
        "ES256",
        "--key",
        &key("ec-p256.pkcs8.pem"),
        "--iss",
        "https://a",
        "--aud",
        "api",
        "--exp",
        "5m",
    ]);
    let o = run(jwtctl()
        .args(["encrypt", "--key", &key("rsa.spki.pem"), "--cty", "JWT"])
        .write_stdin(token));
    let jwe = assert_ok(&o);
    let o = run(jwtctl().args(["inspect", "--json", jwe.trim()]));
    let v: Value = serde_json::from_str(&assert_ok(&o)).unwrap();
    assert!(
        v["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["code"] == "nested_jwt")
    );
    assert_eq!(v["header"]["alg"], "RSA-OAEP-256");
    assert_eq!(v["header"]["enc"], "A256GCM");
    let ok = [
        "--key",
        &key("rsa.pkcs8.pem"),
        "--verify-key",
        &key("ec-p256.spki.pem"),
        "--iss",
        "https://a",
        "--aud",
        "api",
        "--verify-alg",
        "ES256",
    ];
    let o = decrypt(&ok, jwe.clone());
    let claims: Value = serde_json::from_str(&assert_ok(&o)).unwrap();
    assert_eq!(claims["aud"], "api");
    let o = decrypt(
        &[
            "--key",
            &key("rsa.pkcs8.pem"),
            "--verify-key",
            &key("ec-p256.spki.pem"),
            "--aud",
            "web",
        ],
        jwe.clone(),
    );
    assert!(stderr(&o).contains("audience"));
    assert_fails(&o, 1);
    let o = decrypt(
        &[
            "--key",
            &key("rsa.pkcs8.pem"),
            "--verify-key",
            &key("ec-p384.spki.pem"),
            "--any-aud",
        ],
        jwe.clone(),
    );
    assert!(assert_fails(&o, 1).contains("ES256"));
    let o = decrypt(
        &[
            "--key",
            &key("rsa.pkcs8.pem"),
            "--verify-key",
            &key("ec-p256.spki.pem"),
            "--any-aud",
            "--verify-alg",
            "ES384",
        ],
        jwe.clone(),
    );
    assert_fails(&o, 2);
    let o = decrypt(&["--key", &key("rsa.pkcs8.pem"), "--aud", "api"], jwe);
    assert_fails(&o, 2);
}

#[test]
fn every_alg_with_every_enc_round_trips() {
    let dir = tempdir();
    let payload = write(dir.path(), "p.bin", b"\x00binary\xff\x00 plaintext \x01");
    let kw = |bits: usize| format!("b64:{}", b64url(&vec![7u8; bits / 8]));
    let rsa_jwk_pub = jwk_file(dir.path(), "rsa.pkcs8.pem", false);
    let rsa_jwk_priv = jwk_file(dir.path(), "rsa.pkcs8.pem", true);
    let ec_jwk_pub = jwk_file(dir.path(), "ec-p384.pkcs8.pem", false);
    let ec_jwk_priv = jwk_file(dir.path(), "ec-p384.pkcs8.pem", true);
    // (alg, encrypt flags, decrypt flags)
    let mut cases: Vec<(&str, Vec<String>, Vec<String>)> = vec![];
    for alg in ["RSA-OAEP", "RSA-OAEP-256", "RSA-OAEP-384", "RSA-OAEP-512"] {
        cases.push((
            alg,
            vec!["--key".into(), key("rsa.spki.pem")],
            vec!["--key".into(), key("rsa.pkcs8.pem")],
        ));
        cases.push((
            alg,
            vec!["--key".into(), rsa_jwk_pub.clone()],
            vec!["--key".into(), rsa_jwk_priv.clone()],
        ));
    }
    for alg in [
        "ECDH-ES",
        "ECDH-ES+A128KW",
        "ECDH-ES+A192KW",
        "ECDH-ES+A256KW",
    ] {
        for curve in ["ec-p256", "ec-p521", "x25519"] {
            cases.push((
                alg,
                vec!["--key".into(), key(&format!("{curve}.spki.pem"))],
                vec!["--key".into(), key(&format!("{curve}.pkcs8.pem"))],
            ));
        }
        cases.push((
            alg,
            vec!["--key".into(), ec_jwk_pub.clone()],
            vec!["--key".into(), ec_jwk_priv.clone()],
        ));
    }
    for (alg, bits) in [
        ("A128KW", 128),
        ("A192KW", 192),
        ("A256KW", 256),
        ("A128GCMKW", 128),
        ("A192GCMKW", 192),
        ("A256GCMKW", 256),
    ] {
        cases.push((
            alg,
            vec!["--secret".into(), kw(bits)],
            vec!["--secret".into(), kw(bits)],
        ));
    }
    for alg in [
        "PBES2-HS256+A128KW",
        "PBES2-HS384+A192KW",
        "PBES2-HS512+A256KW",
    ] {
        let pw = "b64:Y29ycmVjdCBob3JzZQ".to_string();
        cases.push((
            alg,
            vec!["--secret".into(), pw.clone(), "--p2c".into(), "1000".into()],
            vec!["--secret".into(), pw],
        ));
    }
    let mut n = 0;
    for (alg, enc_args, dec_args) in &cases {
        for enc in ENCS {
            for zip in [false, true] {
                let mut cmd = jwtctl();
                cmd.args(["encrypt", "--alg", alg, "--enc", enc])
                    .args(enc_args)
                    .arg(format!("@{payload}"));
                if zip {
                    cmd.args(["--zip", "DEF"]);
                }
                let token = assert_ok(&run(&mut cmd));
                let o = decrypt(
                    &dec_args.iter().map(String::as_str).collect::<Vec<_>>(),
                    token,
                );
                assert_eq!(
                    o.stdout,
                    b"\x00binary\xff\x00 plaintext \x01",
                    "{alg} {enc}: {}",
                    stderr(&o)
                );
                n += 1;
            }
        }
    }
    // dir: the key is sized by enc.
    for (enc, bytes) in [
        ("A128CBC-HS256", 32),
        ("A192CBC-HS384", 48),
        ("A256CBC-HS512", 64),
        ("A128GCM", 16),
        ("A192GCM", 24),
        ("A256GCM", 32),
    ] {
        let k = format!("b64:{}", b64url(&vec![9u8; bytes]));
        let token = assert_ok(&run(jwtctl().args([
            "encrypt", "--alg", "dir", "--enc", enc, "--secret", &k, "hi",
        ])));
        assert_eq!(stdout(&decrypt(&["--secret", &k], token)), "hi");
        n += 1;
    }
    assert!(n > 400, "{n}");
}

#[test]
fn defaults_serializations_and_multi_recipient_choice() {
    let o = run(jwtctl().args(["encrypt", "--key", &key("ec-p256.spki.pem"), "x"]));
    let t = assert_ok(&o);
    let h: Value = serde_json::from_slice(&b64url_decode(t.split('.').next().unwrap())).unwrap();
    assert_eq!(h["alg"], "ECDH-ES+A256KW");
    assert_eq!(h["enc"], "A256GCM");
    let o = run(jwtctl().args(["encrypt", "--secret", "b64:Y29ycmVjdCBob3JzZQ", "x"]));
    let t = assert_ok(&o);
    let h: Value = serde_json::from_slice(&b64url_decode(t.split('.').next().unwrap())).unwrap();
    assert_eq!(h["alg"], "PBES2-HS512+A256KW");
    assert_eq!(h["p2c"], 10000); // accepted by panva/jose, jwcrypto and latchset jose by default
    assert_eq!(b64url_decode(h["p2s"].as_str().unwrap()).len(), 16);
    for ser in ["flattened", "general"] {
        let o = run(jwtctl().args([
            "encrypt",
            "--key",
            &key("rsa.spki.pem"),
            "--serialization",
            ser,
            "json",
        ]));
        let t = assert_ok(&o);
        assert!(t.starts_with('{'));
        assert_eq!(
            stdout(&decrypt(&["--key", &key("rsa.pkcs8.pem")], t)),
            "json"
        );
    }
    // A recipient list where only the second recipient is ours.
    let a = run(jwtctl().args([
        "encrypt",
        "--key",
        &key("rsa.spki.pem"),
        "--serialization",
        "general",
        "m",
    ]));
    let mut v: Value = serde_json::from_str(&assert_ok(&a)).unwrap();
    let mine = v["recipients"][0].clone();
    v["recipients"] = json!([{"encrypted_key": b64url(&[1u8; 256])}, mine]);
    assert_eq!(
        stdout(&decrypt(&["--key", &key("rsa.pkcs8.pem")], v.to_string())),
        "m"
    );
}

#[test]
fn tampering_and_wrong_keys_look_the_same() {
    let token = assert_ok(&run(jwtctl().args([
        "encrypt",
        "--key",
        &key("rsa.spki.pem"),
        "--enc",
        "A128CBC-HS256",
        "attack at dawn",
    ])));
    let token = token.trim();
    let parts: Vec<&str> = token.split('.').collect();
    let mut messages = Vec::new();
    for i in 0..5 {
        let mut raw = b64url_decode(parts[i]);
        let last = raw.len() - 1;
        raw[last] ^= 1;
        if i == 0 {
            raw = br#"{"alg":"RSA-OAEP-256","enc":"A128CBC-HS256","x":1}"#.to_vec();
        }
        let mut p: Vec<String> = parts.iter().map(|s| s.to_string()).collect();
        p[i] = b64url(&raw);
        let o = decrypt(&["--key", &key("rsa.pkcs8.pem")], p.join("."));
        messages.push(assert_fails(&o, 1));
    }
    let o = decrypt(&["--key", &key("rsa-other.pkcs8.pem")], token);
    messages.push(assert_fails(&o, 1));
    messages.dedup();
    assert_eq!(
        messages.len(),
        1,
        "one message for every failure: {messages:?}"
    );
    assert!(messages[0].contains("decryption failed"));
}

#[test]
fn hostile_inputs() {
    let dir = tempdir();
    let pw = "b64:Y29ycmVjdCBob3JzZQ";
    // p2c above the cap: rejected before any derivation (fast even for absurd values).
    let t = assert_ok(&run(
        jwtctl().args(["encrypt", "--secret", pw, "--p2c", "1000", "x"])
    ));
    let parts: Vec<&str> = t.trim().split('.').collect();
    let mut h: Value = serde_json::from_slice(&b64url_decode(parts[0])).unwrap();
    h["p2c"] = json!(4_000_000_000u64);
    let forged = format!(
        "{}.{}",
        b64url(h.to_string().as_bytes()),
        parts[1..].join(".")
    );
    let start = std::time::Instant::now();
    let msg = assert_fails(&decrypt(&["--secret", pw], forged.clone()), 1);
    assert!(
        msg.contains("p2c") && start.elapsed().as_secs() < 10,
        "{msg}"
    );
    h["p2c"] = json!(1_000_001);
    let forged = format!(
        "{}.{}",
        b64url(h.to_string().as_bytes()),
        parts[1..].join(".")
    );
    assert!(assert_fails(&decrypt(&["--secret", pw], forged.clone()), 1).contains("--max-p2c"));
    // Raising the cap lets it through to the (failing) key derivation.
    assert!(
        assert_fails(
            &decrypt(&["--secret", pw, "--max-p2c", "1000001"], forged),
            1
        )
        .contains("decryption failed")
    );
    // A p2c above 1,000,000 that the user allows decrypts.
    let t = assert_ok(&run(
        jwtctl().args(["encrypt", "--secret", pw, "--p2c", "1000500", "big"])
    ));
    assert_eq!(
        stdout(&decrypt(
            &["--secret", pw, "--max-p2c", "2000000"],
            t.clone()
        )),
        "big"
    );
    assert_fails(&decrypt(&["--secret", pw], t), 1);

    // Zip bomb: a few KB that inflate to 1 GiB are stopped at the cap.
    use std::io::Write;
    let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..1024 {
        enc.write_all(&zeros).unwrap();
    }
    let bomb = enc.finish().unwrap();
    assert!(bomb.len() < 2 << 20);
    let kfile = write(dir.path(), "k", [5u8; 16]);
    let token = encrypt_raw_def(&bomb, &[5u8; 16]);
    let start = std::time::Instant::now();
    let msg = assert_fails(
        &decrypt(&["--secret", &format!("@{kfile}")], token.clone()),
        1,
    );
    assert!(msg.contains("larger than"), "{msg}");
    assert!(start.elapsed().as_secs() < 20);
    let msg = assert_fails(
        &decrypt(
            &["--secret", &format!("@{kfile}"), "--max-plaintext", "1K"],
            token,
        ),
        1,
    );
    assert!(msg.contains("1024"), "{msg}");

    // ECDH-ES with an epk off the curve, or on another curve.
    let t = assert_ok(&run(jwtctl().args([
        "encrypt",
        "--key",
        &key("ec-p256.spki.pem"),
        "--alg",
        "ECDH-ES",
        "x",
    ])));
    let parts: Vec<&str> = t.trim().split('.').collect();
    let h: Value = serde_json::from_slice(&b64url_decode(parts[0])).unwrap();
    let mut off = h.clone();
    let mut x = b64url_decode(off["epk"]["x"].as_str().unwrap());
    x[31] ^= 1;
    off["epk"]["x"] = b64url(&x).into();
    let mut other = h.clone();
    other["epk"] = serde_json::from_str(
        &std::fs::read_to_string(jwk_file(dir.path(), "ec-p384.pkcs8.pem", false)).unwrap(),
    )
    .unwrap();
    for bad in [off, other] {
        let forged = format!(
            "{}.{}",
            b64url(bad.to_string().as_bytes()),
            parts[1..].join(".")
        );
        assert_fails(&decrypt(&["--key", &key("ec-p256.pkcs8.pem")], forged), 1);
    }

    // Garbage, truncation, five parts of junk, size limits.
    for junk in [
        "".to_string(),
        "a.b.c.d.e".to_string(),
        "....".to_string(),
        t.trim()[..t.trim().len() - 5].to_string(),
        format!("{}....", parts[0]),
        format!(
            "{}.{}.{}.{}.{}",
            parts[0],
            "A".repeat(7),
            parts[2],
            parts[3],
            parts[4]
        ),
        "{\"ciphertext\":5}".to_string(),
        "{\"ciphertext\":\"AA\",\"recipients\":[]}".to_string(),
    ] {
        assert_fails(&decrypt(&["--key", &key("ec-p256.pkcs8.pem")], junk), 1);
    }
    let many = json!({"protected": "eyJlbmMiOiJBMjU2R0NNIn0", "iv": "AAAAAAAAAAAAAAAA", "ciphertext": "AA", "tag": "AAAAAAAAAAAAAAAAAAAAAA",
        "recipients": vec![json!({"header": {"alg": "RSA-OAEP"}, "encrypted_key": "AA"}); 101]});
    assert!(
        assert_fails(
            &decrypt(&["--key", &key("rsa.pkcs8.pem")], many.to_string()),
            1
        )
        .contains("at most 100")
    );
    let big = vec![b'A'; 17 << 20];
    assert_fails(&decrypt(&["--key", &key("ec-p256.pkcs8.pem")], big), 1);
    // A key that cannot decrypt anything: exit 2.
    assert_fails(
        &decrypt(&["--key", &key("ed25519.pkcs8.pem")], t.clone()),
        2,
    );
    assert_fails(&decrypt(&["--key", &key("ec-p256.spki.pem")], t), 2);
}

/// A compact JWE (A128KW, A128GCM, zip DEF) whose compressed content is given: what a
/// malicious producer sends. Built with OpenSSL directly.
fn encrypt_raw_def(deflated: &[u8], kek: &[u8; 16]) -> String {
    use openssl::symm::{Cipher, encrypt_aead};
    let header = b64url(br#"{"alg":"A128KW","enc":"A128GCM","zip":"DEF"}"#);
    let cek = [3u8; 16];
    let iv = [4u8; 12];
    let aes = openssl::aes::AesKey::new_encrypt(kek).unwrap();
    let mut wrapped = [0u8; 24];
    openssl::aes::wrap_key(&aes, None, &mut wrapped, &cek).unwrap();
    let mut tag = [0u8; 16];
    let ct = encrypt_aead(
        Cipher::aes_128_gcm(),
        &cek,
        Some(&iv),
        header.as_bytes(),
        deflated,
        &mut tag,
    )
    .unwrap();
    format!(
        "{header}.{}.{}.{}.{}",
        b64url(&wrapped),
        b64url(&iv),
        b64url(&ct),
        b64url(&tag)
    )
}
