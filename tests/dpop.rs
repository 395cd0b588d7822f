//! DPoP (RFC 9449) at the command line: `jwtctl dpop` makes proofs, `verify --dpop` checks a
//! proof and the token's binding to its key, with stable codes; panva/jose reads jwtctl's
//! proofs and makes proofs jwtctl accepts.

use serde_json::{Value, json};

use crate::util::*;

fn decode(part: &str) -> Value {
    serde_json::from_slice(&b64url_decode(part)).unwrap()
}

fn proof(args: &[&str]) -> String {
    let o = run(jwtctl().arg("dpop").args(args));
    assert_ok(&o).trim().to_string()
}

/// A proof by the P-256 fixture key for GET https://api.example/orders, plus `extra`.
fn orders_proof(extra: &[&str]) -> String {
    let k = key("ec-p256.pkcs8.pem");
    let mut args = vec![
        "--key",
        k.as_str(),
        "--htm",
        "GET",
        "--htu",
        "https://api.example/orders",
    ];
    args.extend_from_slice(extra);
    proof(&args)
}

fn thumbprint(pem: &str) -> String {
    let o = run(jwtctl().args(["jwks", "--thumbprint", &key(pem)]));
    assert_ok(&o).trim().to_string()
}

/// A token bound to the P-256 fixture key (cnf.jkt), signed by the P-384 fixture.
fn bound_token(jkt: &str) -> String {
    sign(&[
        "--alg",
        "ES384",
        "--key",
        &key("ec-p384.pkcs8.pem"),
        "--iss",
        "https://as.example",
        "--sub",
        "alice",
        "--exp",
        "10m",
        "--claim",
        &format!("cnf:={}", json!({"jkt": jkt})),
    ])
}

/// verify --dpop for GET https://api.example/orders, unless `extra` names another --htm/--htu.
fn verify(token: &str, proof: &str, extra: &[&str]) -> std::process::Output {
    let mut c = jwtctl();
    c.args([
        "verify",
        "--key",
        &key("ec-p384.spki.pem"),
        "--explain",
        "--color",
        "never",
    ])
    .args(["--dpop", proof]);
    if !extra.contains(&"--htm") {
        c.args(["--htm", "GET"]);
    }
    if !extra.contains(&"--htu") {
        c.args(["--htu", "https://api.example/orders"]);
    }
    run(c.args(extra).arg(token))
}

fn code(o: &std::process::Output) -> &'static str {
    let text = stderr(o);
    for c in ["dpop_invalid", "dpop_binding"] {
        if text.contains(&format!("[{c}]")) {
            return c;
        }
    }
    if o.status.success() { "valid" } else { "other" }
}

#[test]
fn a_proof_carries_what_rfc_9449_asks() {
    let p = proof(&[
        "--key",
        &key("ec-p256.pkcs8.pem"),
        "--htm",
        "POST",
        "--htu",
        "https://as.example/token?x=1#f",
        "--access-token",
        "tok",
        "--nonce",
        "n-1",
        "--iat",
        "2026-01-01T00:00:00Z",
        "--jti",
        "j-1",
    ]);
    let parts: Vec<&str> = p.split('.').collect();
    assert_eq!(parts.len(), 3);
    let h = decode(parts[0]);
    assert_eq!(
        (h["typ"].as_str(), h["alg"].as_str()),
        (Some("dpop+jwt"), Some("ES256"))
    );
    assert!(h["jwk"].get("d").is_none(), "public members only");
    assert_eq!(h["jwk"]["crv"], "P-256");
    let c = decode(parts[1]);
    assert_eq!(
        c,
        json!({"jti": "j-1", "htm": "POST", "htu": "https://as.example/token", "iat": 1767225600,
        "ath": b64url(&openssl::sha::sha256(b"tok")), "nonce": "n-1"})
    );
    let random = decode(
        proof(&[
            "--key",
            &key("ec-p256.pkcs8.pem"),
            "--htm",
            "GET",
            "--htu",
            "https://x/",
        ])
        .split('.')
        .nth(1)
        .unwrap(),
    );
    assert!(
        random["jti"].as_str().unwrap().len() >= 22,
        "128 random bits"
    );
    // Symmetric or public keys, RSA without --alg, and bad requests: usage errors.
    let dir = tempdir();
    let secret = write(
        dir.path(),
        "k.jwk",
        r#"{"kty":"oct","k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"}"#,
    );
    let (public, private) = (key("ec-p256.spki.pem"), key("ec-p256.pkcs8.pem"));
    for (k, htm, htu) in [
        (secret.as_str(), "GET", "https://x/"),
        (public.as_str(), "GET", "https://x/"),
        (private.as_str(), "GET", "not a url"),
        (private.as_str(), "G T", "https://x/"),
    ] {
        assert_fails(
            &run(jwtctl().args(["dpop", "--key", k, "--htm", htm, "--htu", htu])),
            2,
        );
    }
    let rsa = proof(&[
        "--key",
        &key("rsa.pkcs8.pem"),
        "--alg",
        "PS256",
        "--htm",
        "GET",
        "--htu",
        "https://x/",
    ]);
    assert_eq!(decode(rsa.split('.').next().unwrap())["alg"], "PS256");
}

#[test]
fn verify_checks_the_proof_and_the_binding() {
    let jkt = thumbprint("ec-p256.pkcs8.pem");
    let t = bound_token(&jkt);
    let k = key("ec-p256.pkcs8.pem");
    let make = |extra: &[&str]| {
        let mut args = vec!["--access-token", t.as_str()];
        args.extend_from_slice(extra);
        orders_proof(&args)
    };
    let good = make(&[]);
    let o = verify(&t, &good, &[]);
    assert_eq!(code(&o), "valid", "{}", stderr(&o));
    // htu is compared after RFC 3986 normalization, without query and fragment.
    assert_eq!(
        code(&verify(
            &t,
            &good,
            &["--htu", "HTTPS://API.example:443/./orders?page=2"]
        )),
        "valid"
    );
    let dir = tempdir();
    let file = write(dir.path(), "proof", &good);
    assert_eq!(code(&verify(&t, &format!("@{file}"), &[])), "valid");
    // The proof's own checks.
    assert_eq!(code(&verify(&t, &good, &["--htm", "POST"])), "dpop_invalid");
    assert_eq!(
        code(&verify(&t, &good, &["--htu", "https://api.example/other"])),
        "dpop_invalid"
    );
    assert_eq!(
        code(&verify(&t, &good, &["--dpop-nonce", "n-1"])),
        "dpop_invalid"
    );
    assert_eq!(
        code(&verify(
            &t,
            &make(&["--nonce", "n-1"]),
            &["--dpop-nonce", "n-1"]
        )),
        "valid"
    );
    assert_eq!(
        code(&verify(&t, &make(&["--iat", "-10m"]), &[])),
        "dpop_invalid",
        "too old"
    );
    assert_eq!(
        code(&verify(
            &t,
            &make(&["--iat", "-10m"]),
            &["--dpop-max-age", "15m"]
        )),
        "valid"
    );
    assert_eq!(
        code(&verify(&t, &make(&["--iat", "+10m"]), &[])),
        "dpop_invalid",
        "from the future"
    );
    let other_token = proof(&[
        "--key",
        &k,
        "--htm",
        "GET",
        "--htu",
        "https://api.example/orders",
        "--access-token",
        "another",
    ]);
    assert_eq!(code(&verify(&t, &other_token, &[])), "dpop_invalid", "ath");
    assert_eq!(code(&verify(&t, "not.a.proof", &[])), "dpop_invalid");
    // A private member in the jwk, and an HMAC alg: refused whatever the signature.
    let parts: Vec<&str> = good.split('.').collect();
    let mut h = decode(parts[0]);
    h["jwk"]["d"] = json!("AAAA");
    let with_d = format!(
        "{}.{}.{}",
        b64url(h.to_string().as_bytes()),
        parts[1],
        parts[2]
    );
    assert_eq!(code(&verify(&t, &with_d, &[])), "dpop_invalid");
    let mut h = decode(parts[0]);
    h["alg"] = json!("HS256");
    let hs = format!(
        "{}.{}.{}",
        b64url(h.to_string().as_bytes()),
        parts[1],
        parts[2]
    );
    assert_eq!(code(&verify(&t, &hs, &[])), "dpop_invalid");
    // The binding: another key's proof, and a token without cnf.
    let other = proof(&[
        "--key",
        &key("ec-secp256k1.pkcs8.pem"),
        "--alg",
        "ES256K",
        "--htm",
        "GET",
        "--htu",
        "https://api.example/orders",
        "--access-token",
        &t,
    ]);
    assert_eq!(code(&verify(&t, &other, &[])), "dpop_binding");
    let unbound = sign(&[
        "--alg",
        "ES384",
        "--key",
        &key("ec-p384.pkcs8.pem"),
        "--sub",
        "alice",
        "--exp",
        "10m",
    ]);
    let p = proof(&[
        "--key",
        &k,
        "--htm",
        "GET",
        "--htu",
        "https://api.example/orders",
        "--access-token",
        &unbound,
    ]);
    let o = verify(&unbound, &p, &[]);
    assert_eq!((o.status.code(), code(&o)), (Some(1), "dpop_binding"));
    // Usage: --dpop needs --htm and --htu, and is not for --batch.
    let o = run(jwtctl()
        .args(["verify", "--key", &key("ec-p384.spki.pem"), "--dpop", &good])
        .arg(&t));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let o = run(jwtctl().args([
        "verify",
        "--key",
        &key("ec-p384.spki.pem"),
        "--batch",
        "--dpop",
        &good,
        "--htm",
        "GET",
        "--htu",
        "https://x/",
    ]));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

#[test]
fn panva_jose_reads_our_proofs_and_we_read_theirs() {
    let Some(node) = crate::peers::peer("panva/jose", crate::peers::node(), true) else {
        return;
    };
    let script = crate::peers::root().join("tests/peers/dpop_peer.mjs");
    let ours = orders_proof(&["--access-token", "tok"]);
    let o = std::process::Command::new(&node[0])
        .arg(&script)
        .args(["verify", &ours])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["jkt"], thumbprint("ec-p256.pkcs8.pem").as_str());
    assert_eq!(v["payload"]["htu"], "https://api.example/orders");
    // Theirs: their key, a token bound to it, their proof for the request with that token.
    let node_json = |args: &[&str]| -> Value {
        let o = std::process::Command::new(&node[0])
            .arg(&script)
            .args(args)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        serde_json::from_slice(&o.stdout).unwrap()
    };
    let theirs = node_json(&["keygen"]);
    let bound = bound_token(theirs["jkt"].as_str().unwrap());
    let ath = b64url(&openssl::sha::sha256(bound.as_bytes()));
    let jwk = theirs["jwk"].to_string();
    let p = node_json(&["make", &jwk, "GET", "https://api.example/orders", &ath]);
    let o = verify(&bound, p["proof"].as_str().unwrap(), &[]);
    assert_eq!(code(&o), "valid", "{}", stderr(&o));
    // Bound to their key, proved with ours: refused.
    let ours = proof(&[
        "--key",
        &key("ec-p256.pkcs8.pem"),
        "--htm",
        "GET",
        "--htu",
        "https://api.example/orders",
        "--access-token",
        &bound,
    ]);
    assert_eq!(code(&verify(&bound, &ours, &[])), "dpop_binding");
}

/// Server nonces and access tokens are opaque base64url and may start with '-': taken as values.
#[test]
fn nonces_and_tokens_may_start_with_a_hyphen() {
    let for_token = |token: &str| orders_proof(&["--access-token", token, "--nonce", "-qN0nce"]);
    let p = for_token("-tok");
    let c = decode(p.split('.').nth(1).unwrap());
    assert_eq!(c["nonce"], "-qN0nce");
    let token = bound_token(&thumbprint("ec-p256.spki.pem"));
    let p = for_token(&token);
    assert_ok(&verify(&token, &p, &["--dpop-nonce", "-qN0nce"]));
    // A nonce of another length is refused (it panicked in the constant-time comparison).
    let o = verify(&token, &p, &["--dpop-nonce", "-other-nonce"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("nonce"), "{}", stderr(&o));
}
