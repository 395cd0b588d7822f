//! `sign --from` (edit a token and sign it again) and `inspect --min-ttl` (a freshness check).

use serde_json::Value;

use crate::util::*;

fn decoded(token: &str) -> Value {
    let o = run(jwtctl().args(["inspect", "--json", token]));
    serde_json::from_str(&assert_ok(&o)).unwrap()
}

fn secret() -> String {
    format!("@{}", key("hmac64.bin"))
}

#[test]
fn sign_from_edits_claims_and_keeps_what_it_should() {
    let d = tempdir();
    let s = secret();
    let t = sign(&[
        "--alg",
        "HS256",
        "--secret",
        &s,
        "--sub",
        "alice",
        "--iat",
        "2026-01-01T00:00:00Z",
        "--exp",
        "2026-01-01T01:00:00Z",
        "--typ",
        "at+jwt",
        "--kid",
        "old",
        "--header",
        "x-team=blue",
        "--claim",
        "role=user",
        "--claim",
        "scope=read",
    ]);
    let t = t.trim();
    let file = write(d.path(), "t.jwt", t);
    // Claims carried over, overridden, removed; iat kept; header members only with --keep-header.
    let n = sign(&[
        "--alg",
        "ES256",
        "--key",
        &key("ec-p256.pkcs8.pem"),
        "--from",
        &format!("@{file}"),
        "--claim",
        "role=admin",
        "--unset",
        "scope",
        "--exp",
        "2026-01-01T02:00:00Z",
    ]);
    let v = decoded(n.trim());
    assert_eq!(v["claims"]["sub"], "alice");
    assert_eq!(v["claims"]["role"], "admin");
    assert!(v["claims"].get("scope").is_none());
    assert_eq!(v["claims"]["iat"], 1_767_225_600);
    assert_eq!(v["claims"]["exp"], 1_767_232_800);
    assert_eq!(v["header"]["typ"], "JWT");
    assert!(v["header"].get("x-team").is_none());
    let k = sign(&[
        "--alg",
        "HS256",
        "--secret",
        &s,
        "--from",
        t,
        "--keep-header",
    ]);
    let v = decoded(k.trim());
    assert_eq!(v["header"]["typ"], "at+jwt");
    assert_eq!(v["header"]["x-team"], "blue");
    assert!(
        v["header"].get("kid").is_none(),
        "kid belongs to the old key"
    );
    // --iat and --no-iat decide; stdin works.
    let v = decoded(sign(&["--alg", "HS256", "--secret", &s, "--from", t, "--no-iat"]).trim());
    assert!(v["claims"].get("iat").is_none());
    let o = run(jwtctl()
        .args([
            "sign", "--alg", "HS256", "--secret", &s, "--from", "-", "--iat", "0",
        ])
        .write_stdin(t));
    assert_eq!(decoded(assert_ok(&o).trim())["claims"]["iat"], 0);
    // Not a token: exit 1; with positional claims: exit 2.
    assert_fails(
        &run(jwtctl().args(["sign", "--alg", "HS256", "--secret", &s, "--from", "nope"])),
        1,
    );
    let o = run(jwtctl().args(["sign", "--alg", "HS256", "--secret", &s, "--from", t, "{}"]));
    assert_eq!(o.status.code(), Some(2));
}

/// A token PyJWT signed is edited by `sign --from` and checked by PyJWT again.
#[test]
fn sign_from_a_peer_token_for_a_peer() {
    let Some(cmd) = crate::peers::peer("PyJWT", crate::peers::python(), true) else {
        return;
    };
    let py = &cmd[0];
    let pem = key("ec-p256.pkcs8.pem");
    let pubkey = key("ec-p256.spki.pem");
    let script = r#"
import sys, jwt
mode, keyfile = sys.argv[1], sys.argv[2]
key = open(keyfile).read()
if mode == "sign":
    print(jwt.encode({"sub": "svc", "scope": "read", "iat": 1700000000}, key, algorithm="ES256", headers={"kid": "peer"}))
else:
    c = jwt.decode(sys.stdin.read().strip(), key, algorithms=["ES256"], options={"verify_exp": False})
    print(c["sub"], c["scope"], c["iat"], c.get("tier"))
"#;
    let o = std::process::Command::new(py)
        .args(["-c", script, "sign", &pem])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let theirs = String::from_utf8_lossy(&o.stdout).trim().to_string();
    let ours = sign(&[
        "--alg",
        "ES256",
        "--key",
        &pem,
        "--from",
        &theirs,
        "--claim",
        "tier=gold",
        "--claim",
        "scope=write",
    ]);
    let verifier: Vec<String> = [py.as_str(), "-c", script, "verify", pubkey.as_str()]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let out = pipe(&verifier, ours.as_bytes());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "svc write 1700000000 gold"
    );
}

#[test]
fn inspect_min_ttl_boundaries() {
    let s = secret();
    let t = sign(&[
        "--alg",
        "HS256",
        "--secret",
        &s,
        "--exp",
        "2026-11-23T10:15:00Z",
    ]);
    let t = t.trim();
    let at =
        |now: &str, min: &str| run(jwtctl().args(["inspect", "--now", now, "--min-ttl", min, t]));
    // Exactly the minimum left: fresh. One second less: expiring.
    let o = at("2026-11-23T10:10:00Z", "5m");
    assert!(assert_ok(&o).contains("decoded only"));
    let e = assert_fails(&at("2026-11-23T10:10:01Z", "5m"), 1);
    assert!(e.contains("--min-ttl") && e.contains("not verified"), "{e}");
    assert_fails(&at("2026-11-23T10:20:00Z", "0s"), 1);
    assert_ok(&at("2026-11-23T10:15:00Z", "0s"));
    // No exp: expiring; batch-style code through --json is not needed: the line says why.
    let bare = sign(&["--alg", "HS256", "--secret", &s]);
    let e = assert_fails(
        &run(jwtctl().args(["inspect", "--min-ttl", "1s", bare.trim()])),
        1,
    );
    assert!(e.contains("no exp"), "{e}");
    let o = run(jwtctl().args([
        "inspect",
        "--json",
        "--now",
        "2026-11-23T10:00:00Z",
        "--min-ttl",
        "5m",
        t,
    ]));
    let v: Value = serde_json::from_str(&assert_ok(&o)).unwrap();
    assert_eq!(v["ttl"], 900);
    assert_eq!(v["verified"], false);
    // A malformed duration is a usage error.
    assert_eq!(at("2026-11-23T10:00:00Z", "soon").status.code(), Some(2));
}
