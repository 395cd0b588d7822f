//! The key loader through the binary: format sniffing, JWK validation, RFC vectors.

use serde_json::Value;

use crate::util::*;

#[test]
fn format_is_sniffed_from_content_not_name() {
    let dir = tempdir();
    let pem = std::fs::read(fixture("keys/ec-p256.spki.pem")).unwrap();
    let misnamed = write(dir.path(), "key.json", pem);
    let t = sign(&["--alg", "ES256", "--key", &key("ec-p256.pkcs8.pem")]);
    assert_ok(&run(jwtctl().args(["verify", "--key", &misnamed, &t])));
}

#[test]
fn invalid_jwks_name_the_member() {
    let dir = tempdir();
    let cases = [
        (r#"{"kty":"RSA","e":"AQAB"}"#, "\"n\""),
        (
            r#"{"kty":"EC","crv":"P-256","x":"AAAA","y":"AAAA"}"#,
            "\"x\"",
        ),
        (
            r#"{"kty":"EC","crv":"P-999","x":"AAAA","y":"AAAA"}"#,
            "\"crv\"",
        ),
        (r#"{"kty":"OKP","crv":"Ed25519"}"#, "\"x\""),
        (r#"{"kty":"oct"}"#, "\"k\""),
        (r#"{"kty":"XYZ"}"#, "\"kty\""),
        (r#"{"k":"AAAA"}"#, "\"kty\""),
        (r#"{"kty":"oct","k":5}"#, "\"k\""),
        (r#"{"keys":{}}"#, "\"keys\""),
        (
            r#"{"kty":"EC","crv":"P-256","x":"gI0GAILBdu7T53akrFmMyGcsF3n5dO7MmwNBHKW5SV0","y":"SLW_xSffzlPWrHEVI30DHM_4egVwt3NQqeUD7nMFpps","d":"AAAA"}"#,
            "\"d\"",
        ),
    ];
    for (jwk, member) in cases {
        let f = write(dir.path(), "bad.jwk", jwk);
        let o = run(jwtctl().args(["verify", "--key", &f, "x.y.z"]));
        let msg = assert_fails(&o, 2);
        assert!(msg.contains(member), "{jwk}: {msg}");
    }
}

#[test]
fn rfc_example_keys_load() {
    for file in ["rfc/rfc7517.json", "rfc/rfc8037.json", "rfc/rfc7638.json"] {
        let v: Value = serde_json::from_str(
            &std::fs::read_to_string(fixture(&format!("vectors/{file}"))).unwrap(),
        )
        .unwrap();
        for case in v["cases"].as_array().unwrap() {
            if !matches!(case["kind"].as_str(), Some("jwk-parse" | "jwk-thumbprint")) {
                continue;
            }
            let jwk = serde_json::to_vec(&case["jwk"]).unwrap();
            let set = jwtctl::keys::load_key_bytes(&jwk, "test", None);
            assert!(set.is_ok(), "{}: {:?}", case["id"], set.err());
            if let Some(tp) = case["thumbprint_sha256_b64url"].as_str() {
                assert_eq!(
                    set.unwrap().keys[0].thumbprint().unwrap(),
                    tp,
                    "{}",
                    case["id"]
                );
            }
        }
    }
}

#[test]
fn inconsistent_rsa_private_jwk_is_refused() {
    let dir = tempdir();
    let f = jwk_file(dir.path(), "rsa.pkcs8.pem", true);
    let mut jwk: Value = serde_json::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap();
    assert_ok(&run(jwtctl().args(["sign", "--alg", "RS256", "--key", &f])));
    for member in ["dp", "dq", "qi", "p"] {
        let mut bad = jwk.clone();
        let mut raw = b64url_decode(bad[member].as_str().unwrap());
        let last = raw.len() - 1;
        raw[last] ^= 2;
        bad[member] = b64url(&raw).into();
        let g = write(dir.path(), "bad.jwk", bad.to_string());
        let o = run(jwtctl().args(["sign", "--alg", "RS256", "--key", &g]));
        let msg = assert_fails(&o, 2);
        assert!(msg.contains("consistent"), "{member}: {msg}");
    }
    jwk.as_object_mut().unwrap().remove("qi");
    let g = write(dir.path(), "partial.jwk", jwk.to_string());
    assert!(
        assert_fails(
            &run(jwtctl().args(["sign", "--alg", "RS256", "--key", &g])),
            2
        )
        .contains("\"qi\"")
    );
}
