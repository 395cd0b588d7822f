//! Public test vectors: RFC 7515 appendix A, RFC 7797, RFC 8037 and every JWS example of the
//! RFC 7520 cookbook, read from `tests/fixtures/vectors`.

use serde_json::Value;

use crate::util::*;

fn load(rel: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(fixture(&format!("vectors/{rel}"))).unwrap())
        .unwrap()
}

/// Runs one normalized `jws-verify` case; returns a description of a mismatch.
fn run_case(case: &Value) -> Option<String> {
    let id = case["id"].as_str().unwrap();
    let dir = tempdir();
    let k = write(dir.path(), "key.jwk", case["jwk"].to_string());
    let token = case["token_text"].as_str().unwrap();
    let alg = case["alg"].as_str().unwrap();
    let mut cmd = jwtctl();
    cmd.args([
        "verify",
        "--key",
        &k,
        "--ignore-exp",
        "--any-aud",
        "--output",
        "payload",
    ]);
    if alg != "none" {
        cmd.args(["--alg", alg]);
    }
    if let Some(d) = case["detached_payload_b64url"].as_str() {
        let p = write(dir.path(), "payload", b64url_decode(d));
        cmd.args(["--payload", &p]);
    }
    let o = run(cmd.write_stdin(token.to_string()));
    let valid = case["expect"] == "valid";
    match (valid, o.status.code()) {
        (true, Some(0)) => {
            let want = b64url_decode(case["payload_b64url"].as_str().unwrap());
            (o.stdout != want).then(|| format!("{id}: payload differs"))
        }
        (false, Some(1)) => {
            let err = stderr(&o);
            (o.stdout.is_empty() && err.lines().filter(|l| l.starts_with("error:")).count() == 1)
                .then_some(())
                .map_or_else(|| Some(format!("{id}: bad failure output {err}")), |_| None)
        }
        (_, code) => Some(format!(
            "{id}: expected {}, got {code:?}: {}",
            case["expect"],
            stderr(&o)
        )),
    }
}

#[test]
fn rfc_jws_vectors() {
    let mut failures = Vec::new();
    let mut n = 0;
    for file in ["rfc/rfc7515.json", "rfc/rfc7797.json", "rfc/rfc8037.json"] {
        for case in load(file)["cases"].as_array().unwrap() {
            if case["kind"] == "jws-verify" {
                n += 1;
                failures.extend(run_case(case));
            }
        }
    }
    assert!(n >= 28, "only {n} cases");
    assert!(failures.is_empty(), "{failures:#?}");
}

/// Every JWS example of the cookbook, every serialization it gives, with every key it names.
#[test]
fn rfc7520_cookbook_jws() {
    let files = [
        "cookbook/jws/4_1.rsa_v15_signature.json",
        "cookbook/jws/4_2.rsa-pss_signature.json",
        "cookbook/jws/4_3.ecdsa_signature.json",
        "cookbook/jws/4_4.hmac-sha2_integrity_protection.json",
        "cookbook/jws/4_5.signature_with_detached_content.json",
        "cookbook/jws/4_6.protecting_specific_header_fields.json",
        "cookbook/jws/4_7.protecting_content_only.json",
        "cookbook/jws/4_8.multiple_signatures.json",
        "cookbook/rfc7797/hmac-sha2_b64_false.json",
        "cookbook/curve25519/jws.json",
    ];
    let mut checked = 0;
    for file in files {
        let v = load(file);
        let payload = v["input"]["payload"].as_str().unwrap();
        let keys: Vec<(Value, &str)> = match (&v["input"]["key"], &v["input"]["alg"]) {
            (Value::Array(ks), Value::Array(algs)) => ks
                .iter()
                .cloned()
                .zip(algs.iter().map(|a| a.as_str().unwrap()))
                .collect(),
            (k, a) => vec![(k.clone(), a.as_str().unwrap())],
        };
        let detached = v["output"]["compact"]
            .as_str()
            .is_some_and(|c| c.contains(".."))
            || (v["output"]["json"].is_object() && v["output"]["json"].get("payload").is_none());
        let dir = tempdir();
        let pfile = write(dir.path(), "payload", payload);
        for (form, token) in v["output"].as_object().unwrap() {
            let token = match token {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            for (jwk, alg) in &keys {
                let k = write(dir.path(), "key.jwk", jwk.to_string());
                let mut cmd = jwtctl();
                cmd.args(["verify", "--key", &k, "--alg", alg, "--output", "payload"]);
                if detached {
                    cmd.args(["--payload", &pfile]);
                }
                let o = run(cmd.write_stdin(token.clone()));
                assert_eq!(
                    o.status.code(),
                    Some(0),
                    "{file} {form} {alg}: {}",
                    stderr(&o)
                );
                assert_eq!(stdout(&o), payload, "{file} {form}");
                checked += 1;
                // Flip one signature bit: rejected.
                let sig_b64 = v["signing"]
                    .as_object()
                    .and_then(|s| s.get("sig"))
                    .and_then(Value::as_str);
                if let (Some(sig), 1, true) =
                    (sig_b64, keys.len(), token.contains(sig_b64.unwrap_or("-")))
                {
                    let mut raw = b64url_decode(sig);
                    raw[3] ^= 0x10;
                    let bad = token.replace(sig, &b64url(&raw));
                    let mut cmd = jwtctl();
                    cmd.args(["verify", "--key", &k, "--alg", alg, "--output", "payload"]);
                    if detached {
                        cmd.args(["--payload", &pfile]);
                    }
                    assert_fails(&run(cmd.write_stdin(bad)), 1);
                }
            }
        }
    }
    assert!(checked >= 25, "only {checked} checks");
}

/// This cookbook file predates the final RFC 7797: its protected header has `b64: false`
/// without `"crit": ["b64"]`, which RFC 7797 section 6 requires (the RFC's own section 4.2
/// example, which does list it, is in `rfc/rfc7797.json` and verifies). jwtctl rejects it.
#[test]
fn cookbook_b64_false_without_crit_is_rejected() {
    let v = load("cookbook/rfc7797/4.2.hmac-sha2_b64_false.json");
    let dir = tempdir();
    let k = write(dir.path(), "key.jwk", v["input"]["key"].to_string());
    for form in ["json", "json_flat"] {
        let o = run(jwtctl()
            .args(["verify", "--key", &k, "--output", "payload", "--explain"])
            .write_stdin(v["output"][form].to_string()));
        assert_eq!(o.status.code(), Some(1));
        assert!(stderr(&o).contains("crit_unsupported"), "{}", stderr(&o));
    }
}

#[test]
fn rfc7515_a1_claims_with_explicit_time() {
    let case = &load("rfc/rfc7515.json")["cases"][0];
    let dir = tempdir();
    let k = write(dir.path(), "key.jwk", case["jwk"].to_string());
    let token = case["token_text"].as_str().unwrap();
    // exp is 1300819380 (2011-03-22T18:43:00Z).
    let o = run(jwtctl().args([
        "verify",
        "--key",
        &k,
        "--now",
        "2011-03-22T18:00:00Z",
        "--iss",
        "joe",
        token,
    ]));
    let claims: Value = serde_json::from_str(&assert_ok(&o)).unwrap();
    assert_eq!(claims["http://example.com/is_root"], true);
    let o = run(jwtctl().args(["verify", "--key", &k, token]));
    assert!(assert_fails(&o, 1).contains("token expired at 2011-03-22T18:43:00Z"));
}
