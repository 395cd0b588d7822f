//! RFC 9901's own examples (`tests/fixtures/vectors/rfc/rfc9901.json`): the issued SD-JWT of
//! section 5.1, the presentations with key binding of section 5.2 and appendix A.4, and the
//! structured, recursive and SD-JWT VC examples of appendix A — each verified to the Processed
//! SD-JWT Payload the RFC prints, with the RFC's own digests, and the section 5.2 presentation made
//! again from the section 5.1 SD-JWT with the RFC's holder key.

use std::path::Path;

use serde_json::{Value, json};

use crate::util::*;

fn vectors() -> Value {
    let text = std::fs::read_to_string(fixture("vectors/rfc/rfc9901.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn case<'a>(v: &'a Value, section: &str) -> &'a Value {
    v["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["section"] == section)
        .unwrap_or_else(|| panic!("no case {section}"))
}

/// The RFC's issuer key (appendix A.5), public part, as a JWK file in `dir`.
fn issuer_key(dir: &Path, v: &Value) -> String {
    write(dir, "issuer.jwk", v["issuer_key"].to_string())
}

/// `verify` of `token` with the issuer key; KB cases get the RFC's aud and nonce and a clock a
/// few seconds after the KB-JWT's iat.
fn verify(key: &str, c: &Value, extra: &[&str]) -> std::process::Output {
    verify_kb(key, c, None, None, extra)
}

/// [`verify`] with another expected aud or nonce.
fn verify_kb(
    key: &str,
    c: &Value,
    aud: Option<&str>,
    nonce: Option<&str>,
    extra: &[&str],
) -> std::process::Output {
    let mut cmd = jwtctl();
    cmd.args(["verify", "--key", key, "--alg", "ES256"]);
    if let Some(kb) = c.get("kb") {
        let now = (kb["iat"].as_i64().unwrap() + 10).to_string();
        cmd.args(["--kb-aud", aud.unwrap_or(kb["aud"].as_str().unwrap())])
            .args(["--nonce", nonce.unwrap_or(kb["nonce"].as_str().unwrap())])
            .args(["--now", &now]);
    }
    run(cmd
        .args(extra)
        .write_stdin(c["sd_jwt"].as_str().unwrap().to_string()))
}

/// The rejection code of `token` through `--batch`.
fn code(key: &str, token: &str, extra: &[&str]) -> String {
    let o = run(jwtctl()
        .args(["verify", "--batch", "--key", key, "--alg", "ES256"])
        .args(extra)
        .write_stdin(format!("{token}\n")));
    let v: Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    v["error"].as_str().unwrap_or("valid").to_string()
}

#[test]
fn every_example_verifies_to_the_processed_payload_the_rfc_prints() {
    let v = vectors();
    let dir = tempdir();
    let key = issuer_key(dir.path(), &v);
    let cases = v["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 6);
    for c in cases {
        let section = c["section"].as_str().unwrap();
        let out = assert_ok(&verify(&key, c, &[]));
        let got: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(got, c["processed"], "RFC 9901 {section}");
        if c.get("kb").is_some() {
            // The same with the rule spelled out, and each KB-JWT check failing on its own.
            assert_ok(&verify(&key, c, &["--require-kb"]));
            let o = verify_kb(&key, c, None, Some("0987654321"), &[]);
            assert!(assert_fails(&o, 1).contains("nonce"), "{section}");
            let o = verify_kb(&key, c, Some("https://other.example.org"), None, &[]);
            assert!(assert_fails(&o, 1).contains("aud"), "{section}");
            // The KB-JWT of 2025 is stale today under the default five minutes.
            let token = c["sd_jwt"].as_str().unwrap();
            let kb = &c["kb"];
            let now_args = [
                "--kb-aud",
                kb["aud"].as_str().unwrap(),
                "--nonce",
                kb["nonce"].as_str().unwrap(),
            ];
            assert_eq!(code(&key, token, &now_args), "kb_invalid", "{section}");
        } else {
            let token = c["sd_jwt"].as_str().unwrap();
            assert_eq!(
                code(&key, token, &["--require-kb"]),
                "kb_missing",
                "{section}"
            );
            assert_eq!(code(&key, token, &[]), "valid", "{section}");
        }
    }
}

#[test]
fn inspect_shows_the_digests_the_rfc_prints() {
    let v = vectors();
    let c = case(&v, "5.1");
    let o = run(jwtctl()
        .args(["inspect", "--json"])
        .write_stdin(c["sd_jwt"].as_str().unwrap().to_string()));
    let got: Value = serde_json::from_str(&assert_ok(&o)).unwrap();
    let by_digest: Vec<(String, String)> = got["disclosures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let at = d["referenced_at"].as_str().unwrap().to_string();
            (d["digest"].as_str().unwrap().to_string(), at)
        })
        .collect();
    // Section 5.1 prints the SHA-256 hash of every Disclosure; these are they.
    let want = [
        ("jsu9yVulwQQlhFlM_3JlzMaSFzglhQG0DpfayQwLUK4", "given_name"),
        ("TGf4oLbgwd5JQaHyKVQZU9UdGE0w5rtDsrZzfUaomLo", "family_name"),
        ("JzYjH4svliH0R3PyEMfeZu6Jt69u5qehZo7F7EPYlSE", "email"),
        (
            "PorFbpKuVu6xymJagvkFsFXAbRoc2JGlAUA2BA4o7cI",
            "phone_number",
        ),
        (
            "XQ_3kPKt1XyX7KANkqVR6yZ2Va5NrPIvPYbyMvRKBMM",
            "phone_number_verified",
        ),
        ("XzFrzwscM6Gn6CJDc6vVK8BkMnfG8vOSKfpPIZdAfdE", "address"),
        ("gbOsI4Edq2x2Kw-w5wPEzakob9hV1cRD0ATN3oQL9JM", "birthdate"),
        ("CrQe7S5kqBAHt-nMYXgc6bdt2SH5aTY1sU_M-PgkjPI", "updated_at"),
        (
            "pFndjkZ_VCzmyTa6UjlZo3dh-ko8aIKQc9DlGzhaVYo",
            "nationalities[0]",
        ),
        (
            "7Cf6JkPudry3lcbwHgeZ8khAv1U1OSlerP0VkBJrWZ0",
            "nationalities[1]",
        ),
    ];
    assert_eq!(by_digest.len(), want.len(), "{got:#}");
    for (digest, at) in want {
        assert!(
            by_digest.iter().any(|(d, a)| d == digest && a == at),
            "{digest} at {at}: {by_digest:?}"
        );
    }
}

#[test]
fn the_section_5_2_presentation_is_made_again_from_the_issued_sd_jwt() {
    let v = vectors();
    let dir = tempdir();
    let key = issuer_key(dir.path(), &v);
    let holder = write(dir.path(), "holder.jwk", v["holder_key"].to_string());
    let issued = case(&v, "5.1");
    let rfc = case(&v, "5.2");
    let kb = &rfc["kb"];
    let iat = kb["iat"].as_i64().unwrap().to_string();
    let o = run(jwtctl()
        .args(["present", "--holder-key", &holder])
        .args(["--disclose", "given_name", "--disclose", "family_name"])
        .args(["--disclose", "address", "--disclose", "nationalities[0]"])
        .args(["--kb-aud", kb["aud"].as_str().unwrap()])
        .args(["--nonce", kb["nonce"].as_str().unwrap()])
        .args(["--kb-iat", &iat])
        .write_stdin(issued["sd_jwt"].as_str().unwrap().to_string()));
    let ours = assert_ok(&o).trim().to_string();

    // The same issuer-signed JWT and the same four disclosures as the RFC's presentation.
    let parts = |s: &str| -> (String, Vec<String>, String) {
        let mut p: Vec<String> = s.split('~').map(str::to_string).collect();
        let kb = p.pop().unwrap();
        let jwt = p.remove(0);
        p.sort();
        (jwt, p, kb)
    };
    let (our_jwt, our_disclosures, our_kb) = parts(&ours);
    let (rfc_jwt, rfc_disclosures, _) = parts(rfc["sd_jwt"].as_str().unwrap());
    assert_eq!(our_jwt, rfc_jwt);
    assert_eq!(our_disclosures, rfc_disclosures);

    // Our KB-JWT carries the RFC's claims, with the sd_hash of our presentation.
    let payload: Value =
        serde_json::from_slice(&b64url_decode(our_kb.split('.').nth(1).unwrap())).unwrap();
    assert_eq!(payload["aud"], kb["aud"]);
    assert_eq!(payload["nonce"], kb["nonce"]);
    assert_eq!(payload["iat"], kb["iat"]);
    assert_eq!(payload.as_object().unwrap().len(), 4, "{payload}");

    let mut again = rfc.clone();
    again["sd_jwt"] = json!(ours);
    let got: Value = serde_json::from_str(&assert_ok(&verify(&key, &again, &[]))).unwrap();
    assert_eq!(got, rfc["processed"]);
}

#[test]
fn an_altered_example_is_refused() {
    let v = vectors();
    let dir = tempdir();
    let key = issuer_key(dir.path(), &v);
    let token = case(&v, "A.1")["sd_jwt"].as_str().unwrap().to_string();
    // The country disclosure says "JP"; one that says "US" with the same salt has another digest.
    let jp = "WyJsa2x4RjVqTVlsR1RQVW92TU5JdkNBIiwgImNvdW50cnkiLCAiSlAiXQ";
    assert!(token.contains(jp));
    let us = b64url(br#"["lklxF5jMYlGTPUovMNIvCA", "country", "US"]"#);
    assert_eq!(
        code(&key, &token.replace(jp, &us), &[]),
        "disclosure_invalid"
    );
    // The section 5.2 presentation without its KB-JWT's last byte.
    let mut kb = case(&v, "5.2")["sd_jwt"].as_str().unwrap().to_string();
    kb.pop();
    kb.push('A');
    let o = run(jwtctl()
        .args([
            "verify",
            "--key",
            &key,
            "--alg",
            "ES256",
            "--now",
            "1748537250",
        ])
        .args([
            "--kb-aud",
            "https://verifier.example.org",
            "--nonce",
            "1234567890",
        ])
        .write_stdin(kb));
    assert_fails(&o, 1);
}
