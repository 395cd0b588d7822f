//! `jwtctl jwks` and `inspect --key`: sets, rotation, conversion, thumbprints.

use serde_json::{Value, json};

use crate::util::*;

fn jwks(args: &[&str]) -> Value {
    let o = run(jwtctl().arg("jwks").args(args));
    serde_json::from_str(&assert_ok(&o)).unwrap()
}

#[test]
fn rfc_thumbprints() {
    let dir = tempdir();
    for file in ["rfc/rfc7638.json", "rfc/rfc8037.json"] {
        let v: Value = serde_json::from_str(
            &std::fs::read_to_string(fixture(&format!("vectors/{file}"))).unwrap(),
        )
        .unwrap();
        for case in v["cases"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["kind"] == "jwk-thumbprint")
        {
            let f = write(dir.path(), "k.jwk", case["jwk"].to_string());
            let o = run(jwtctl().args(["jwks", "--thumbprint", &f]));
            assert_eq!(
                assert_ok(&o).trim(),
                case["thumbprint_sha256_b64url"].as_str().unwrap(),
                "{}",
                case["id"]
            );
        }
    }
}

#[test]
fn builds_public_sets_from_mixed_files() {
    let set = jwks(&[
        &key("ec-p256.pkcs8.pem"),
        &key("rsa.cert.pem"),
        &key("ed25519.spki.pem"),
    ]);
    let keys = set["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 3);
    for k in keys {
        assert!(
            k.get("d").is_none() && k.get("p").is_none(),
            "public members only: {k}"
        );
        assert!(k["kid"].is_string());
    }
    assert!(keys[1]["x5c"][0].is_string());
    assert!(keys[1]["x5t#S256"].is_string());
    let set = jwks(&[
        "--kid",
        "a",
        "--kid",
        "b",
        "--use",
        "sig",
        "--alg",
        "ES256",
        &key("ec-p256.pkcs8.pem"),
        &key("ec-p256.spki.pem"),
    ]);
    assert_eq!(set["keys"].as_array().unwrap().len(), 2);
    // The same kid with the same key merges; with a different key it is an error.
    let set = jwks(&[
        "--kid",
        "a",
        "--kid",
        "a",
        &key("ec-p256.pkcs8.pem"),
        &key("ec-p256.spki.pem"),
    ]);
    assert_eq!(set["keys"].as_array().unwrap().len(), 1);
    let o = run(jwtctl().args([
        "jwks",
        "--kid",
        "a",
        "--kid",
        "a",
        &key("ec-p256.pkcs8.pem"),
        &key("ec-p384.spki.pem"),
    ]));
    assert_fails(&o, 2);
    // Secrets are never published; --private makes a private set.
    let dir = tempdir();
    let oct = write(
        dir.path(),
        "oct.jwk",
        r#"{"kty":"oct","k":"c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0MTI"}"#,
    );
    assert_fails(&run(jwtctl().args(["jwks", &oct])), 2);
    let set = jwks(&["--private", &oct, &key("ed25519.pkcs8.pem")]);
    assert!(set["keys"][0]["k"].is_string() && set["keys"][1]["d"].is_string());
    // Not a key: exit 2.
    let junk = write(dir.path(), "junk.txt", "hello");
    assert_fails(&run(jwtctl().args(["jwks", &junk])), 2);
}

#[test]
fn merge_keeps_order_and_remove_rotates() {
    let dir = tempdir();
    let v1 = jwks(&["--kid", "old", &key("rsa.spki.pem")]);
    let f1 = write(dir.path(), "v1.json", v1.to_string());
    let v2 = jwks(&["--merge", &f1, "--kid", "new", &key("ec-p256.spki.pem")]);
    let kids: Vec<&str> = v2["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["kid"].as_str().unwrap())
        .collect();
    assert_eq!(kids, ["old", "new"]);
    assert_eq!(
        v2["keys"][0], v1["keys"][0],
        "existing members are kept exactly"
    );
    let f2 = write(dir.path(), "v2.json", v2.to_string());
    let v3 = jwks(&[
        "--merge",
        &f2,
        "--remove",
        "old",
        "--kid",
        "newer",
        &key("ed25519.spki.pem"),
    ]);
    let kids: Vec<&str> = v3["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["kid"].as_str().unwrap())
        .collect();
    assert_eq!(kids, ["new", "newer"]);
    assert_fails(
        &run(jwtctl().args(["jwks", "--merge", &f2, "--remove", "nope"])),
        2,
    );
    // A token signed by the new key verifies against the rotated set by kid.
    let t = sign(&[
        "--alg",
        "ES256",
        "--key",
        &key("ec-p256.pkcs8.pem"),
        "--kid",
        "new",
    ]);
    let f3 = write(dir.path(), "v3.json", v3.to_string());
    assert_ok(&run(jwtctl().args(["verify", "--jwks", &f3, &t])));
}

#[test]
fn pem_jwk_pem_is_byte_stable() {
    let dir = tempdir();
    for k in [
        "rsa.spki.pem",
        "ec-p256.spki.pem",
        "ec-p384.spki.pem",
        "ec-p521.spki.pem",
        "ec-secp256k1.spki.pem",
        "ed25519.spki.pem",
        "ed448.spki.pem",
        "x25519.spki.pem",
        "rsa.pkcs8.pem",
        "ec-p521.pkcs8.pem",
        "ed448.pkcs8.pem",
    ] {
        let original = std::fs::read_to_string(fixture(&format!("keys/{k}"))).unwrap();
        let private = k.contains("pkcs8");
        let mut args = vec!["jwks"];
        if private {
            args.push("--private");
        }
        let set_text = assert_ok(&run(jwtctl().args(&args).arg(key(k))));
        let f = write(dir.path(), "set.json", &set_text);
        let pem = assert_ok(&run(jwtctl().args(["jwks", "--to-pem", &f])));
        assert_eq!(pem, original, "{k}");
    }
    // Cookbook and RFC 7517 keys convert to PEM and back to the same JWK members.
    for file in [
        "cookbook/jwk/3_1.ec_public_key.json",
        "cookbook/jwk/3_2.ec_private_key.json",
        "cookbook/jwk/3_3.rsa_public_key.json",
        "cookbook/jwk/3_4.rsa_private_key.json",
    ] {
        let jwk: Value = serde_json::from_str(
            &std::fs::read_to_string(fixture(&format!("vectors/{file}"))).unwrap(),
        )
        .unwrap();
        let f = write(dir.path(), "k.jwk", jwk.to_string());
        let pem = assert_ok(&run(jwtctl().args(["jwks", "--to-pem", &f])));
        let p = write(dir.path(), "k.pem", pem);
        let back = jwks(&["--private", "--kid", jwk["kid"].as_str().unwrap(), &p]);
        for (name, value) in jwk.as_object().unwrap() {
            if name != "use" {
                assert_eq!(&back["keys"][0][name], value, "{file} member {name}");
            }
        }
    }
    // A set with several keys needs --kid.
    let set = write(
        dir.path(),
        "two.json",
        jwks(&[
            "--kid",
            "a",
            "--kid",
            "b",
            &key("rsa.spki.pem"),
            &key("ec-p256.spki.pem"),
        ])
        .to_string(),
    );
    assert_fails(&run(jwtctl().args(["jwks", "--to-pem", &set])), 2);
    let pem = assert_ok(&run(jwtctl().args(["jwks", "--to-pem", &set, "--kid", "b"])));
    assert_eq!(
        pem,
        std::fs::read_to_string(fixture("keys/ec-p256.spki.pem")).unwrap()
    );
}

#[test]
fn inspect_describes_keys_pairs_and_fit() {
    for (k, kty) in [
        ("rsa.pkcs8.pem", "RSA"),
        ("rsa.pkcs1.pem", "RSA"),
        ("rsa.spki.der", "RSA"),
        ("rsa.cert.pem", "RSA"),
        ("ec-p256.sec1.pem", "EC"),
        ("ec-secp256k1.spki.pem", "EC"),
        ("ed448.pkcs8.pem", "OKP"),
        ("x25519.spki.pem", "OKP"),
        ("rsa1024.pkcs8.pem", "RSA"),
    ] {
        let o = run(jwtctl().args(["inspect", "--json", "--key", &key(k)]));
        let v: Value = serde_json::from_str(&assert_ok(&o)).unwrap();
        assert_eq!(v["keys"][0]["kty"], kty, "{k}");
        assert!(v["keys"][0]["thumbprint"].is_string());
        if k == "rsa1024.pkcs8.pem" {
            assert_eq!(v["keys"][0]["warnings"][0]["code"], "weak_rsa");
        }
    }
    let pair = |a: &str, b: &str| {
        let o = run(jwtctl().args(["inspect", "--json", "--key", &key(a), "--key", &key(b)]));
        serde_json::from_str::<Value>(&assert_ok(&o)).unwrap()["pair"].clone()
    };
    assert_eq!(pair("rsa.pkcs8.pem", "rsa.cert.pem"), json!(true));
    assert_eq!(pair("rsa.pkcs8.pem", "rsa-other.pkcs8.pem"), json!(false));
    assert_eq!(pair("ec-p256.sec1.pem", "ec-p384.spki.pem"), json!(false));
    let t = sign(&["--alg", "ES256", "--key", &key("ec-p256.pkcs8.pem")]);
    let o = run(jwtctl().args(["inspect", "--json", "--key", &key("ec-p256.spki.pem"), &t]));
    let v: Value = serde_json::from_str(&assert_ok(&o)).unwrap();
    assert_eq!(v["token"][0]["alg_fits"], true);
    let o = run(jwtctl().args(["inspect", "--key", &key("rsa.spki.pem"), &t]));
    assert!(assert_ok(&o).contains("does NOT fit"));
    let o = run(jwtctl().args(["inspect", "--key", &format!("@{}", key("hmac64.bin"))]));
    assert_fails(&o, 2);
}
