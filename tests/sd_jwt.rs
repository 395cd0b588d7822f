//! SD-JWT (RFC 9901): `sign --sd`, `present`, `verify` and `inspect` of selectively
//! disclosable tokens — round trips, key binding, hostile inputs with their stable codes, the
//! JSON serializations, batch, and interop both ways with @sd-jwt/core and the Python `sd-jwt`.

use std::path::Path;
use std::process::Command as Std;

use serde_json::{Value, json};

use crate::util::*;

/// Issuer and holder keys (ES256) in `dir`.
struct Keys {
    issuer: String,
    issuer_pub: String,
    holder: String,
    holder_pub: String,
}

fn keys(dir: &Path) -> Keys {
    let k = |name: &str| dir.join(name).display().to_string();
    for who in ["issuer", "holder"] {
        assert_ok(&run(jwtctl().args([
            "keygen",
            "--alg",
            "ES256",
            "--out",
            &k(&format!("{who}.pem")),
            "--pub-out",
            &k(&format!("{who}.pub.pem")),
        ])));
    }
    Keys {
        issuer: k("issuer.pem"),
        issuer_pub: k("issuer.pub.pem"),
        holder: k("holder.pem"),
        holder_pub: k("holder.pub.pem"),
    }
}

fn claims() -> Value {
    json!({
        "iss": "https://issuer.example",
        "given_name": "Erika",
        "email": "erika@example.com",
        "address": {"street_address": "Heidestr. 17", "locality": "Köln", "country": "DE"},
        "nationalities": ["DE", "FR", "NL"],
    })
}

/// An SD-JWT of [`claims`] with every claim of `sd` selectively disclosable.
fn issue(dir: &Path, k: &Keys, sd: &[&str], extra: &[&str]) -> String {
    let c = write(dir, "claims.json", claims().to_string());
    let mut args = vec![
        "sign".to_string(),
        "--alg".into(),
        "ES256".into(),
        "--key".into(),
        k.issuer.clone(),
        "--holder-key".into(),
        k.holder_pub.clone(),
        "--exp".into(),
        "1h".into(),
    ];
    for p in sd {
        args.push("--sd".into());
        args.push((*p).to_string());
    }
    args.extend(extra.iter().map(|s| s.to_string()));
    args.push(format!("@{c}"));
    assert_ok(&run(jwtctl().args(&args))).trim().to_string()
}

fn present(sd: &str, disclose: &[&str], extra: &[&str]) -> String {
    let mut cmd = jwtctl();
    cmd.arg("present");
    for d in disclose {
        cmd.args(["--disclose", d]);
    }
    cmd.args(extra).arg(sd);
    assert_ok(&run(&mut cmd)).trim().to_string()
}

fn verify(k: &Keys, token: &str, extra: &[&str]) -> std::process::Output {
    run(jwtctl()
        .args(["verify", "--key", &k.issuer_pub])
        .args(extra)
        .arg(token))
}

fn verified(k: &Keys, token: &str, extra: &[&str]) -> Value {
    serde_json::from_str(&assert_ok(&verify(k, token, extra))).unwrap()
}

/// The code of a rejection, through `--batch` (one line).
fn code(k: &Keys, token: &str, extra: &[&str]) -> String {
    let o = run(jwtctl()
        .args(["verify", "--batch", "--key", &k.issuer_pub])
        .args(extra)
        .write_stdin(format!("{token}\n")));
    let v: Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    v["error"].as_str().unwrap_or("valid").to_string()
}

const ALL: &[&str] = &[
    "given_name",
    "email",
    "address",
    "address.street_address",
    "address.locality",
    "nationalities[]",
];

#[test]
fn issue_present_verify_gives_exactly_the_subset() {
    let d = tempdir();
    let k = keys(d.path());
    let sd = issue(d.path(), &k, ALL, &["--sd-decoys", "3"]);
    // Everything, as issued.
    let all = verified(&k, &sd, &[]);
    assert_eq!(all["address"], claims()["address"]);
    assert_eq!(all["nationalities"], claims()["nationalities"]);
    assert!(all.get("_sd").is_none() && all.get("_sd_alg").is_none());
    // Nothing disclosed: only the plain claims (and empty containers).
    let none = verified(&k, &present(&sd, &[], &[]), &[]);
    assert!(none.get("email").is_none() && none.get("address").is_none());
    assert_eq!(none["nationalities"], json!([]));
    assert_eq!(none["iss"], "https://issuer.example");
    // A member inside a recursively disclosed object brings its object, not its siblings.
    let some = verified(
        &k,
        &present(&sd, &["address.locality", "nationalities[1]", "email"], &[]),
        &[],
    );
    assert_eq!(
        some["address"],
        json!({"locality": "Köln", "country": "DE"})
    );
    assert_eq!(some["nationalities"], json!(["FR"]));
    assert_eq!(some["email"], "erika@example.com");
    assert!(some.get("given_name").is_none());
    // Every subset of four top-level choices.
    let choices = ["given_name", "email", "address", "nationalities[]"];
    for mask in 0..16u32 {
        let picked: Vec<&str> = (0..4)
            .filter(|i| mask & (1 << i) != 0)
            .map(|i| choices[i])
            .collect();
        let got = verified(&k, &present(&sd, &picked, &[]), &[]);
        assert_eq!(
            got.get("given_name").is_some(),
            picked.contains(&"given_name")
        );
        assert_eq!(got.get("email").is_some(), picked.contains(&"email"));
        assert_eq!(got.get("address").is_some(), picked.contains(&"address"));
        let n = got["nationalities"].as_array().unwrap().len();
        assert_eq!(
            n,
            if picked.contains(&"nationalities[]") {
                3
            } else {
                0
            }
        );
    }
    // --output full says what was disclosed.
    let full = verified(&k, &present(&sd, &["email"], &[]), &["--output", "full"]);
    assert_eq!(full["disclosed"][0]["path"], "email");
    // A path that names no claim is a usage error, for sign and present.
    let o = run(jwtctl().args(["present", "--disclose", "phone", &sd]));
    assert_fails(&o, 2);
    let c = write(d.path(), "c.json", claims().to_string());
    let o = run(jwtctl().args([
        "sign",
        "--alg",
        "ES256",
        "--key",
        &k.issuer,
        "--sd",
        "phone",
        &format!("@{c}"),
    ]));
    assert_fails(&o, 2);
}

#[test]
fn salts_and_digests_reveal_nothing() {
    let d = tempdir();
    let k = keys(d.path());
    let a = issue(d.path(), &k, &["email"], &[]);
    let b = issue(d.path(), &k, &["email"], &[]);
    let disclosure = |t: &str| t.split('~').nth(1).unwrap().to_string();
    assert_ne!(disclosure(&a), disclosure(&b), "fresh salts");
    let salt = |t: &str| {
        let v: Value = serde_json::from_slice(&b64url_decode(&disclosure(t))).unwrap();
        v[0].as_str().unwrap().to_string()
    };
    assert!(b64url_decode(&salt(&a)).len() >= 16, "128-bit salts");
    // _sd arrays are sorted, decoys included.
    let sd = issue(
        d.path(),
        &k,
        &["email", "given_name"],
        &["--sd-decoys", "4"],
    );
    let payload: Value =
        serde_json::from_slice(&b64url_decode(sd.split('.').nth(1).unwrap())).unwrap();
    let digests: Vec<&str> = payload["_sd"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(digests.len(), 6);
    let mut sorted = digests.clone();
    sorted.sort();
    assert_eq!(digests, sorted);
    assert_eq!(payload["_sd_alg"], "sha-256");
    assert!(payload["cnf"]["jwk"]["x"].is_string());
}

#[test]
fn key_binding() {
    let d = tempdir();
    let k = keys(d.path());
    let sd = issue(d.path(), &k, &["email"], &[]);
    let kb = |extra: &[&str]| {
        let mut args = vec![
            "--holder-key",
            &k.holder,
            "--kb-aud",
            "https://verifier.example",
            "--nonce",
            "n-123",
        ];
        args.extend_from_slice(extra);
        present(&sd, &["email"], &args)
    };
    let good = kb(&[]);
    let ok = ["--kb-aud", "https://verifier.example", "--nonce", "n-123"];
    assert_eq!(verified(&k, &good, &ok)["email"], "erika@example.com");
    assert_eq!(
        code(&k, &good, &["--kb-aud", "https://other.example"]),
        "kb_invalid"
    );
    assert_eq!(code(&k, &good, &["--nonce", "n-124"]), "kb_invalid");
    // A KB-JWT is checked even when not asked for.
    assert_eq!(code(&k, &good, &[]), "valid");
    // Stale, and from the future.
    let old = kb(&["--kb-iat=-10m"]);
    assert_eq!(code(&k, &old, &[]), "kb_invalid");
    assert_eq!(code(&k, &old, &["--kb-max-age", "1h"]), "valid");
    let later = kb(&["--kb-iat=+10m"]);
    assert_eq!(code(&k, &later, &[]), "kb_invalid");
    // Missing when required.
    let bare = present(&sd, &["email"], &[]);
    assert_eq!(code(&k, &bare, &["--require-kb"]), "kb_missing");
    assert_eq!(code(&k, &bare, &["--nonce", "x"]), "kb_missing");
    // Another presentation's KB-JWT: sd_hash.
    let other = present(
        &sd,
        &[],
        &["--holder-key", &k.holder, "--kb-aud", "a", "--nonce", "b"],
    );
    let swapped = format!("{}{}", bare, other.rsplit('~').next().unwrap());
    assert_eq!(code(&k, &swapped, &[]), "kb_invalid");
    // A KB-JWT by another key, and with the wrong typ.
    let hash = |p: &str| b64url(&openssl::sha::sha256(p.as_bytes()));
    let kb_claims = |p: &str| {
        json!({"iat": jwtctl::time::system_now(), "aud": "a", "nonce": "b", "sd_hash": hash(p)})
            .to_string()
    };
    let stranger = d.path().join("stranger.pem").display().to_string();
    assert_ok(&run(
        jwtctl().args(["keygen", "--alg", "ES256", "--out", &stranger])
    ));
    let kb_jwt = |key: &str, typ: &str| {
        let t = sign(&[
            "--alg",
            "ES256",
            "--key",
            key,
            "--typ",
            typ,
            "--no-iat",
            &kb_claims(&bare),
        ]);
        format!("{bare}{}", t.trim())
    };
    assert_eq!(code(&k, &kb_jwt(&stranger, "kb+jwt"), &[]), "kb_invalid");
    assert_eq!(code(&k, &kb_jwt(&k.holder, "JWT"), &[]), "kb_invalid");
    let right = kb_jwt(&k.holder, "kb+jwt");
    assert_eq!(code(&k, &right, &[]), "valid");
    // An sd_hash of another length, signed by the right key: refused, not a crash (the
    // constant-time comparison once asserted equal lengths).
    let short = sign(&[
        "--alg",
        "ES256",
        "--key",
        &k.holder,
        "--typ",
        "kb+jwt",
        "--no-iat",
        &json!({"iat": jwtctl::time::system_now(), "aud": "a", "nonce": "b", "sd_hash": "c2hvcnQ"})
            .to_string(),
    ]);
    let short = format!("{bare}{}", short.trim());
    assert_eq!(code(&k, &short, &[]), "kb_invalid");
    let o = verify(&k, &short, &["--kb-aud", "a", "--nonce", "b"]);
    assert!(assert_fails(&o, 1).contains("sd_hash"));
    // present refuses a holder key that is not the cnf key.
    let o = run(jwtctl().args([
        "present",
        "--holder-key",
        &stranger,
        "--kb-aud",
        "a",
        "--nonce",
        "b",
        &sd,
    ]));
    assert_fails(&o, 2);
    // No cnf at all: the KB-JWT cannot be checked.
    let c = write(d.path(), "c.json", claims().to_string());
    let unbound = sign(&[
        "--alg",
        "ES256",
        "--key",
        &k.issuer,
        "--sd",
        "email",
        &format!("@{c}"),
    ]);
    let with_kb = format!("{}{}", unbound.trim(), right.rsplit('~').next().unwrap());
    assert_eq!(code(&k, &with_kb, &[]), "kb_invalid");
}

/// A plain JWS over `payload`, by the issuer, with `disclosures` appended.
fn crafted(k: &Keys, payload: &Value, disclosures: &[String]) -> String {
    let t = sign(&[
        "--alg",
        "ES256",
        "--key",
        &k.issuer,
        "--no-iat",
        &payload.to_string(),
    ]);
    let mut s = t.trim().to_string();
    s.push('~');
    for d in disclosures {
        s.push_str(d);
        s.push('~');
    }
    s
}

fn disclosure(v: &Value) -> String {
    b64url(v.to_string().as_bytes())
}

fn digest(d: &str) -> String {
    b64url(&openssl::sha::sha256(d.as_bytes()))
}

#[test]
fn hostile_disclosures_are_refused() {
    let d = tempdir();
    let k = keys(d.path());
    let sd = issue(d.path(), &k, &["email", "given_name"], &[]);
    let parts: Vec<&str> = sd.split('~').collect();
    // Tampered: one character of a disclosure changed.
    let mut bad = parts[1].to_string();
    bad.replace_range(3..4, if &bad[3..4] == "A" { "B" } else { "A" });
    let tampered = format!("{}~{}~{}~", parts[0], bad, parts[2]);
    assert_eq!(code(&k, &tampered, &[]), "disclosure_invalid");
    // Duplicated.
    let dup = format!("{}~{}~{}~", parts[0], parts[1], parts[1]);
    assert_eq!(code(&k, &dup, &[]), "disclosure_invalid");
    // Unreferenced: a disclosure of another SD-JWT.
    let other = issue(d.path(), &k, &["email"], &[]);
    let foreign = format!("{}~{}~", parts[0], other.split('~').nth(1).unwrap());
    assert_eq!(code(&k, &foreign, &[]), "disclosure_invalid");
    // Crafted payloads.
    let named = |name: &str| disclosure(&json!(["c2FsdHNhbHRzYWx0c2FsdA", name, 1]));
    for forbidden in ["_sd", "..."] {
        let dd = named(forbidden);
        let t = crafted(&k, &json!({"_sd": [digest(&dd)]}), &[dd]);
        assert_eq!(code(&k, &t, &[]), "disclosure_invalid", "{forbidden}");
    }
    // A disclosed name that already exists beside it.
    let dd = named("email");
    let t = crafted(
        &k,
        &json!({"email": "x", "_sd": [digest(&dd)]}),
        std::slice::from_ref(&dd),
    );
    assert_eq!(code(&k, &t, &[]), "disclosure_invalid");
    // A digest twice in the payload.
    let t = crafted(
        &k,
        &json!({"_sd": [digest(&dd)], "a": {"_sd": [digest(&dd)]}}),
        std::slice::from_ref(&dd),
    );
    assert_eq!(code(&k, &t, &[]), "disclosure_invalid");
    // Unsupported _sd_alg; sha-512 works.
    let t = crafted(
        &k,
        &json!({"_sd_alg": "md5", "_sd": [digest(&dd)]}),
        std::slice::from_ref(&dd),
    );
    assert_eq!(code(&k, &t, &[]), "disclosure_invalid");
    let d512 = b64url(&openssl::sha::sha512(dd.as_bytes()));
    let t = crafted(
        &k,
        &json!({"_sd_alg": "sha-512", "_sd": [d512]}),
        std::slice::from_ref(&dd),
    );
    assert_eq!(code(&k, &t, &[]), "valid");
    // An array-element disclosure under _sd, and an object-member one as an element.
    let elem = disclosure(&json!(["c2FsdHNhbHRzYWx0c2FsdA", 5]));
    let t = crafted(
        &k,
        &json!({"_sd": [digest(&elem)]}),
        std::slice::from_ref(&elem),
    );
    assert_eq!(code(&k, &t, &[]), "disclosure_invalid");
    let t = crafted(
        &k,
        &json!({"list": [{"...": digest(&dd)}]}),
        std::slice::from_ref(&dd),
    );
    assert_eq!(code(&k, &t, &[]), "disclosure_invalid");
    // Not an array, wrong arity, not base64url.
    for junk in [
        disclosure(&json!({"a": 1})),
        disclosure(&json!(["s", "n", 1, 2])),
        disclosure(&json!([1, "n", 1])),
        "!!!".to_string(),
    ] {
        let t = crafted(
            &k,
            &json!({"_sd": [digest(&junk)]}),
            std::slice::from_ref(&junk),
        );
        assert_eq!(code(&k, &t, &[]), "disclosure_invalid", "{junk}");
    }
}

#[test]
fn disclosure_bombs_are_bounded() {
    let d = tempdir();
    let k = keys(d.path());
    // Many disclosures: refused before any is hashed.
    let many: Vec<String> = (0..5000)
        .map(|i| disclosure(&json!(["s", format!("c{i}"), i])))
        .collect();
    let t = crafted(&k, &json!({"sub": "x"}), &many);
    assert_eq!(code(&k, &t, &[]), "disclosure_invalid");
    // Deep recursion: each disclosure holds the next one's digest.
    let mut inner: Value = json!(1);
    let mut list = Vec::new();
    for i in 0..80 {
        let dd = disclosure(&json!(["s", format!("n{i}"), inner]));
        inner = json!({"_sd": [digest(&dd)]});
        list.push(dd);
    }
    let t = crafted(&k, &inner, &list);
    let o = run(jwtctl().args(["verify", "--key", &k.issuer_pub]).arg(&t));
    let e = assert_fails(&o, 1);
    assert!(e.contains("deep"), "{e}");
}

#[test]
fn json_serializations() {
    let d = tempdir();
    let k = keys(d.path());
    for ser in ["flattened", "general"] {
        let sd = issue(
            d.path(),
            &k,
            &["email", "address"],
            &["--serialization", ser],
        );
        let v: Value = serde_json::from_str(&sd).unwrap();
        let header = if ser == "general" {
            &v["signatures"][0]["header"]
        } else {
            &v["header"]
        };
        assert_eq!(header["disclosures"].as_array().unwrap().len(), 2, "{sd}");
        assert_eq!(verified(&k, &sd, &[])["email"], "erika@example.com");
        let p = present(
            &sd,
            &["address"],
            &["--holder-key", &k.holder, "--kb-aud", "v", "--nonce", "n"],
        );
        let pv: Value = serde_json::from_str(&p).unwrap();
        assert!(pv.to_string().contains("kb_jwt"), "{p}");
        let got = verified(&k, &p, &["--kb-aud", "v", "--nonce", "n"]);
        assert!(got.get("email").is_none() && got.get("address").is_some());
    }
}

#[test]
fn inspect_shows_disclosures() {
    let d = tempdir();
    let k = keys(d.path());
    let sd = issue(
        d.path(),
        &k,
        &["email", "nationalities[0]"],
        &["--sd-decoys", "2"],
    );
    let o = run(jwtctl().args(["inspect", "--json", &sd]));
    let v: Value = serde_json::from_str(&assert_ok(&o)).unwrap();
    let list = v["disclosures"].as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert!(
        list.iter()
            .any(|x| x["name"] == "email" && x["referenced_at"] == "email")
    );
    assert!(
        list.iter()
            .any(|x| x["name"].is_null() && x["referenced_at"] == "nationalities[0]")
    );
    assert_eq!(v["undisclosed_digests"], 2);
    assert_eq!(v["disclosed_claims"]["email"], "erika@example.com");
    // A KB-JWT is shown; an unreferenced disclosure and a missing cnf are warned about.
    let p = present(
        &sd,
        &["email"],
        &["--holder-key", &k.holder, "--kb-aud", "v", "--nonce", "n"],
    );
    let v: Value =
        serde_json::from_str(&assert_ok(&run(jwtctl().args(["inspect", "--json", &p])))).unwrap();
    assert_eq!(v["kb_jwt"]["header"]["typ"], "kb+jwt");
    let stray = disclosure(&json!(["s", "x", 1]));
    let c = write(d.path(), "c.json", claims().to_string());
    let plain = sign(&[
        "--alg",
        "ES256",
        "--key",
        &k.issuer,
        "--sd",
        "email",
        &format!("@{c}"),
    ]);
    let t = format!("{}{stray}~", plain.trim());
    let v: Value =
        serde_json::from_str(&assert_ok(&run(jwtctl().args(["inspect", "--json", &t])))).unwrap();
    let codes = warning_codes(&v);
    assert!(
        codes.iter().any(|c| c == "disclosure_unreferenced")
            && codes.iter().any(|c| c == "no_key_binding"),
        "{codes:?}"
    );
}

#[test]
fn batch_takes_sd_jwt_lines() {
    let d = tempdir();
    let k = keys(d.path());
    let sd = issue(d.path(), &k, &["email"], &[]);
    let p = present(&sd, &[], &[]);
    let plain = sign(&["--alg", "ES256", "--key", &k.issuer, "--sub", "x"]);
    let input = format!("{sd}\n{p}\n{}\n{sd}x~\n", plain.trim());
    let o = run(jwtctl()
        .args(["verify", "--batch", "--key", &k.issuer_pub])
        .write_stdin(input));
    let lines: Vec<Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0]["claims"]["email"], "erika@example.com");
    assert!(lines[1]["claims"].get("email").is_none());
    assert_eq!(lines[2]["valid"], true);
    assert_eq!(lines[3]["error"], "disclosure_invalid");
}

// Interop with @sd-jwt/core (npm) and the Python `sd-jwt` (PyPI), both ways.

fn jwk(path: &str, private: bool) -> Value {
    let mut cmd = jwtctl();
    cmd.arg("jwks");
    if private {
        cmd.arg("--private");
    }
    let set: Value = serde_json::from_str(&assert_ok(&run(cmd.arg(path)))).unwrap();
    let mut key = set["keys"][0].clone();
    key.as_object_mut().unwrap().remove("kid");
    key
}

fn ask(cmd: &[String], req: &Value) -> Value {
    let out = pipe(cmd, req.to_string().as_bytes());
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("peer answer: {e}: {}", String::from_utf8_lossy(&out.stdout)));
    assert!(v.get("error").is_none(), "peer error: {v}");
    v
}

fn node_peer() -> Option<Vec<String>> {
    let root = crate::peers::root();
    let found = root.join("tests/peers/node_modules/@sd-jwt/core").is_dir()
        && Std::new("node")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
    let cmd = found.then(|| {
        vec![
            "node".to_string(),
            root.join("tests/peers/sd_jwt_peer.mjs")
                .display()
                .to_string(),
        ]
    });
    crate::peers::peer("@sd-jwt/core", cmd, true)
}

fn python_peer() -> Option<Vec<String>> {
    let root = crate::peers::root();
    let py = std::env::var_os("JWTCTL_PEER_PYTHON")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| root.join("target/peers/venv/bin/python"));
    let found = Std::new(&py)
        .args(["-c", "import sd_jwt"])
        .output()
        .is_ok_and(|o| o.status.success());
    let cmd = found.then(|| {
        vec![
            py.display().to_string(),
            root.join("tests/peers/sd_jwt_peer.py")
                .display()
                .to_string(),
        ]
    });
    crate::peers::peer("sd-jwt (Python)", cmd, true)
}

fn peer_claims() -> Value {
    json!({"iss": "https://issuer.example", "email": "a@example.com",
           "address": {"street": "Main St 1", "city": "Springfield"},
           "nat": ["DE", "FR"], "age": 42})
}

#[test]
fn sd_jwt_core_both_ways() {
    let Some(cmd) = node_peer() else { return };
    let d = tempdir();
    let k = keys(d.path());
    // jwtctl issues and presents (flat, recursive, array elements, decoys, KB); the peer verifies.
    let sd = issue(d.path(), &k, ALL, &["--sd-decoys", "2"]);
    let v = ask(
        &cmd,
        &json!({"op": "verify", "sdjwt": sd, "issuer_jwk": jwk(&k.issuer_pub, false)}),
    );
    assert_eq!(v["payload"]["address"], claims()["address"]);
    assert_eq!(v["payload"]["nationalities"], claims()["nationalities"]);
    let p = present(
        &sd,
        &["address.street_address", "nationalities[2]"],
        &[
            "--holder-key",
            &k.holder,
            "--kb-aud",
            "https://v.example",
            "--nonce",
            "n1",
        ],
    );
    let v = ask(
        &cmd,
        &json!({"op": "verify", "sdjwt": p, "issuer_jwk": jwk(&k.issuer_pub, false), "nonce": "n1"}),
    );
    let ours = verified(&k, &p, &["--kb-aud", "https://v.example", "--nonce", "n1"]);
    assert_eq!(v["payload"], ours, "the same processed claims");
    assert_eq!(v["kb"]["aud"], "https://v.example");
    // The peer issues (flat, recursive, array element, decoys) and presents; jwtctl verifies.
    let frame = json!({"_sd": ["email", "address"], "address": {"_sd": ["street"]}, "nat": {"_sd": [1]}, "_sd_decoy": 2});
    let issued = ask(
        &cmd,
        &json!({"op": "issue", "claims": peer_claims(), "frame": frame,
        "issuer_jwk": jwk(&k.issuer, true), "holder_jwk": jwk(&k.holder_pub, false)}),
    )["sdjwt"]
        .as_str()
        .unwrap()
        .to_string();
    let mut want = peer_claims();
    let all = verified(&k, &issued, &[]);
    want["cnf"] = all["cnf"].clone();
    assert_eq!(all, want);
    let presented = ask(
        &cmd,
        &json!({"op": "present", "sdjwt": issued, "frame": {"address": {"street": true}},
        "holder_jwk": jwk(&k.holder, true), "aud": "https://v", "nonce": "n9",
        "iat": jwtctl::time::system_now()}),
    )["sdjwt"]
        .as_str()
        .unwrap()
        .to_string();
    let got = verified(&k, &presented, &["--kb-aud", "https://v", "--nonce", "n9"]);
    assert_eq!(
        got["address"],
        json!({"street": "Main St 1", "city": "Springfield"})
    );
    assert!(got.get("email").is_none());
    assert_eq!(got["nat"], json!(["DE"]));
}

#[test]
fn python_sd_jwt_both_ways() {
    let Some(cmd) = python_peer() else { return };
    let d = tempdir();
    let k = keys(d.path());
    let sd = issue(d.path(), &k, ALL, &["--sd-decoys", "2"]);
    let v = ask(
        &cmd,
        &json!({"op": "verify", "sdjwt": sd, "issuer_jwk": jwk(&k.issuer_pub, false)}),
    );
    let mut ours = verified(&k, &sd, &[]);
    assert_eq!(v["payload"], ours);
    let p = present(
        &sd,
        &["email", "address.locality"],
        &[
            "--holder-key",
            &k.holder,
            "--kb-aud",
            "https://v.example",
            "--nonce",
            "n1",
        ],
    );
    let v = ask(
        &cmd,
        &json!({"op": "verify", "sdjwt": p, "issuer_jwk": jwk(&k.issuer_pub, false),
        "aud": "https://v.example", "nonce": "n1"}),
    );
    ours = verified(&k, &p, &["--kb-aud", "https://v.example", "--nonce", "n1"]);
    assert_eq!(v["payload"], ours);
    // The peer issues (with decoys) and presents with key binding; jwtctl verifies.
    let issued = ask(&cmd, &json!({"op": "issue", "claims": peer_claims(), "sd": ["email", "address", "address.street", "nat[1]"],
        "decoys": true, "issuer_jwk": jwk(&k.issuer, true), "holder_jwk": jwk(&k.holder_pub, false)}))["sdjwt"]
        .as_str().unwrap().to_string();
    let all = verified(&k, &issued, &[]);
    assert_eq!(all["address"], peer_claims()["address"]);
    assert_eq!(all["nat"], json!(["DE", "FR"]));
    let presented = ask(&cmd, &json!({"op": "present", "sdjwt": issued, "disclose": {"address": {"street": true}, "nat": [false, true]},
        "holder_jwk": jwk(&k.holder, true), "aud": "https://v", "nonce": "n9"}))["sdjwt"].as_str().unwrap().to_string();
    let got = verified(&k, &presented, &["--kb-aud", "https://v", "--nonce", "n9"]);
    assert_eq!(got["address"]["street"], "Main St 1");
    assert_eq!(got["nat"], json!(["DE", "FR"]));
    assert!(got.get("email").is_none());
}
