//! Interoperability with real peers, both ways: PyJWT and jwcrypto (Python), panva/jose
//! (Node.js) and latchset jose (the `jose` command, where it installs). jwtctl signs → each
//! verifies, each signs → jwtctl verifies, for every JWS algorithm each supports; jwtctl
//! encrypts → each decrypts and back, for every alg × enc each supports, PBES2 at jwtctl's
//! default `p2c` included.
//!
//! `.ci/run` installs pinned peers (tests/peers/requirements.txt, tests/peers/package.json)
//! and sets `JWTCTL_REQUIRE_PEERS=1`, under which a missing peer fails the test instead of
//! skipping it. The cases for one peer go to one peer process, as JSON.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use jwtctl::jwa::{JweAlg, JweEnc};
use serde_json::{Value, json};

use crate::util::*;

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn require_peers() -> bool {
    std::env::var_os("JWTCTL_REQUIRE_PEERS").is_some_and(|v| v == "1")
}

/// The peer's command, or `None` (with a note, or a failure under JWTCTL_REQUIRE_PEERS).
pub fn peer(name: &str, found: Option<Vec<String>>, required: bool) -> Option<Vec<String>> {
    match found {
        Some(cmd) => Some(cmd),
        None if required && require_peers() => {
            panic!("peer {name} is not installed (run .ci/run, or unset JWTCTL_REQUIRE_PEERS)")
        }
        None => {
            eprintln!("note: peer {name} is not installed; its interop cases are skipped");
            None
        }
    }
}

pub fn python() -> Option<Vec<String>> {
    let py = std::env::var_os("JWTCTL_PEER_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target/peers/venv/bin/python"));
    let script = root().join("tests/peers/python_peer.py");
    let ok = Command::new(&py)
        .args(["-c", "import jwt, jwcrypto"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    ok.then(|| vec![py.display().to_string(), script.display().to_string()])
}

pub fn node() -> Option<Vec<String>> {
    let script = root().join("tests/peers/jose_peer.mjs");
    let has_jose = root().join("tests/peers/node_modules/jose").is_dir();
    let has_node = Command::new("node")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    (has_jose && has_node).then(|| vec!["node".to_string(), script.display().to_string()])
}

/// Runs a peer on a list of cases; returns one result per case.
fn run_peer(cmd: &[String], cases: &[Value]) -> Vec<Value> {
    let o = pipe(cmd, Value::Array(cases.to_vec()).to_string().as_bytes());
    assert!(o.status.success(), "peer {cmd:?} failed: {}", stderr(&o));
    let results: Vec<Value> = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(results.len(), cases.len());
    results
}

struct JwsCase {
    alg: &'static str,
    private: &'static str,
    public: &'static str,
}

const HMAC: &str = "<hmac>";

const JWS_CASES: &[JwsCase] = &[
    JwsCase {
        alg: "HS256",
        private: HMAC,
        public: HMAC,
    },
    JwsCase {
        alg: "HS384",
        private: HMAC,
        public: HMAC,
    },
    JwsCase {
        alg: "HS512",
        private: HMAC,
        public: HMAC,
    },
    JwsCase {
        alg: "RS256",
        private: "rsa.pkcs8.pem",
        public: "rsa.spki.pem",
    },
    JwsCase {
        alg: "RS384",
        private: "rsa.pkcs8.pem",
        public: "rsa.spki.pem",
    },
    JwsCase {
        alg: "RS512",
        private: "rsa.pkcs8.pem",
        public: "rsa.spki.pem",
    },
    JwsCase {
        alg: "PS256",
        private: "rsa.pkcs8.pem",
        public: "rsa.spki.pem",
    },
    JwsCase {
        alg: "PS384",
        private: "rsa.pkcs8.pem",
        public: "rsa.spki.pem",
    },
    JwsCase {
        alg: "PS512",
        private: "rsa.pkcs8.pem",
        public: "rsa.spki.pem",
    },
    JwsCase {
        alg: "ES256",
        private: "ec-p256.pkcs8.pem",
        public: "ec-p256.spki.pem",
    },
    JwsCase {
        alg: "ES384",
        private: "ec-p384.pkcs8.pem",
        public: "ec-p384.spki.pem",
    },
    JwsCase {
        alg: "ES512",
        private: "ec-p521.pkcs8.pem",
        public: "ec-p521.spki.pem",
    },
    JwsCase {
        alg: "ES256K",
        private: "ec-secp256k1.pkcs8.pem",
        public: "ec-secp256k1.spki.pem",
    },
    JwsCase {
        alg: "EdDSA",
        private: "ed25519.pkcs8.pem",
        public: "ed25519.spki.pem",
    },
    JwsCase {
        alg: "EdDSA",
        private: "ed448.pkcs8.pem",
        public: "ed448.spki.pem",
    },
];

fn hmac_jwk() -> Value {
    json!({"kty": "oct", "k": b64url(&std::fs::read(fixture("keys/hmac64.bin")).unwrap())})
}

fn jwk_of(fixture_name: &str, private: bool) -> Value {
    if fixture_name == HMAC {
        return hmac_jwk();
    }
    let set = jwtctl::keys::load_key_file(&fixture(&format!("keys/{fixture_name}")), None).unwrap();
    Value::Object(set.keys[0].to_jwk(private).unwrap())
}

fn key_args(fixture_name: &str) -> Vec<String> {
    if fixture_name == HMAC {
        vec!["--secret".into(), hmac_secret()]
    } else {
        vec!["--key".into(), key(fixture_name)]
    }
}

/// Which JWS algorithms (by case) a peer supports.
fn jws_supported(lib: &str, case: &JwsCase) -> bool {
    match lib {
        // panva/jose 6 has no secp256k1, and imports EdDSA JWKs as Ed25519 only
        // ("JWK crv and algorithm name mismatch" for Ed448).
        "jose" => case.alg != "ES256K" && case.private != "ed448.pkcs8.pem",
        "latchset" => !matches!(case.alg, "ES256K" | "EdDSA"),
        _ => true,
    }
}

fn claims() -> Value {
    json!({"sub": "interop", "iss": "https://issuer.example", "n": 42, "u": "ünïcödé ✓", "exp": 4_102_444_800u64})
}

/// Both directions of JWS for one library peer (PyJWT, jwcrypto or panva/jose).
fn jws_both_ways(lib: &str, cmd: &[String]) -> usize {
    let cases: Vec<&JwsCase> = JWS_CASES.iter().filter(|c| jws_supported(lib, c)).collect();
    // jwtctl signs → the peer verifies.
    let mut requests = Vec::new();
    for c in &cases {
        let token = sign(
            &[
                vec!["--alg", c.alg, "--claim", "n:=42", "--claim", "u=ünïcödé ✓"],
                vec!["--sub", "interop", "--iss", "https://issuer.example"],
                vec!["--exp", "4102444800"],
                key_args(c.private).iter().map(String::as_str).collect(),
            ]
            .concat(),
        );
        requests.push(json!({"lib": lib, "op": "verify", "alg": c.alg,
                             "jwk": jwk_of(c.public, false), "token": token}));
    }
    // The peer signs → jwtctl verifies.
    for c in &cases {
        requests.push(json!({"lib": lib, "op": "sign", "alg": c.alg,
                             "jwk": jwk_of(c.private, true), "claims": claims()}));
    }
    let results = run_peer(cmd, &requests);
    let (verified, signed) = results.split_at(cases.len());
    for (c, r) in cases.iter().zip(verified) {
        assert_eq!(
            r["ok"], true,
            "{lib} verifies jwtctl's {} ({}): {r}",
            c.alg, c.private
        );
        assert_eq!(r["claims"]["u"], "ünïcödé ✓", "{lib} {}", c.alg);
        assert_eq!(r["claims"]["n"], 42, "{lib} {}", c.alg);
    }
    for (c, r) in cases.iter().zip(signed) {
        assert_eq!(r["ok"], true, "{lib} signs {} ({}): {r}", c.alg, c.private);
        let token = r["token"].as_str().unwrap();
        let mut cmd = jwtctl();
        cmd.args(["verify", "--alg", c.alg])
            .args(key_args(c.public))
            .arg(token);
        let out = assert_ok(&run(&mut cmd));
        let v: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v, claims(), "jwtctl verifies {lib}'s {}", c.alg);
        // And a tampered copy is refused with exit 1.
        let bad = format!("{}A", token.trim_end_matches('A'));
        let bad = if bad == token {
            format!("{token}B")
        } else {
            bad
        };
        let mut cmd = jwtctl();
        cmd.args(["verify", "--alg", c.alg])
            .args(key_args(c.public))
            .arg(bad);
        assert_fails(&run(&mut cmd), 1);
    }
    cases.len() * 2
}

/// The PBES2 password of the JWE cases.
const PASSWORD: &[u8] = b"correct horse battery staple";

/// A JWE key: (jwtctl encrypt args, jwtctl decrypt args, peer encryption key, peer
/// decryption key) as case members.
fn jwe_key(alg: &str, enc: &str, dir: &Path) -> (Vec<String>, Vec<String>, Value, Value) {
    let oct = |bytes: usize| {
        let k: Vec<u8> = (0..bytes).map(|i| (i * 7 + 3) as u8).collect();
        let jwk = json!({"kty": "oct", "k": b64url(&k)});
        let f = write(dir, &format!("oct{bytes}.jwk"), jwk.to_string());
        let args = vec!["--key".to_string(), f];
        (args.clone(), args, json!({"jwk": jwk}), json!({"jwk": jwk}))
    };
    let pair = |private: &str, public: &str| {
        (
            vec!["--key".to_string(), key(public)],
            vec!["--key".to_string(), key(private)],
            json!({"jwk": jwk_of(public, false)}),
            json!({"jwk": jwk_of(private, true)}),
        )
    };
    match alg {
        a if a.starts_with("RSA-OAEP") => pair("rsa.pkcs8.pem", "rsa.spki.pem"),
        a if a.starts_with("ECDH-ES") => pair("ec-p256.pkcs8.pem", "ec-p256.spki.pem"),
        a if a.starts_with("PBES2") => {
            let s = vec!["--secret".to_string(), format!("b64:{}", b64url(PASSWORD))];
            let p = json!({"password_b64": b64url(PASSWORD)});
            (s.clone(), s, p.clone(), p)
        }
        "A128KW" | "A128GCMKW" => oct(16),
        "A192KW" | "A192GCMKW" => oct(24),
        "A256KW" | "A256GCMKW" => oct(32),
        _ => oct(JweEnc::from_name(enc).unwrap().key_len()),
    }
}

fn jwe_algs() -> Vec<&'static str> {
    JweAlg::ALL
        .iter()
        .filter(|a| **a != JweAlg::Rsa1_5) // decrypt-only in jwtctl, refused by default by peers
        .map(|a| a.name())
        .collect()
}

fn jwe_supported(lib: &str, alg: &str) -> bool {
    match lib {
        // jwcrypto implements RSA-OAEP and RSA-OAEP-256 only.
        "jwcrypto" => !matches!(alg, "RSA-OAEP-384" | "RSA-OAEP-512"),
        _ => true,
    }
}

fn merge(mut a: Value, b: &Value) -> Value {
    for (k, v) in b.as_object().unwrap() {
        a[k] = v.clone();
    }
    a
}

/// Both directions of JWE for one library peer.
fn jwe_both_ways(lib: &str, cmd: &[String]) -> usize {
    let dir = tempdir();
    let plaintext = "interop plaintext: ünïcödé ✓ and some length to compress ".repeat(4);
    let mut combos = Vec::new();
    for alg in jwe_algs() {
        for enc in JweEnc::ALL {
            if jwe_supported(lib, alg) {
                combos.push((alg, enc.name()));
            }
        }
    }
    let mut requests = Vec::new();
    let mut keys = Vec::new();
    for &(alg, enc) in &combos {
        let (enc_args, dec_args, peer_enc, peer_dec) = jwe_key(alg, enc, dir.path());
        // jwtctl encrypts with its defaults (PBES2: the default p2c) → the peer decrypts.
        let mut c = jwtctl();
        c.args(["encrypt", "--alg", alg, "--enc", enc])
            .args(&enc_args)
            .arg(&plaintext);
        let token = assert_ok(&run(&mut c)).trim().to_string();
        requests.push(merge(
            json!({"lib": lib, "op": "decrypt", "alg": alg, "enc": enc, "token": token}),
            &peer_dec,
        ));
        keys.push((dec_args, peer_enc));
    }
    for (&(alg, enc), (_, peer_enc)) in combos.iter().zip(&keys) {
        requests.push(merge(
            json!({"lib": lib, "op": "encrypt", "alg": alg, "enc": enc,
                   "plaintext_b64": b64url(plaintext.as_bytes())}),
            peer_enc,
        ));
    }
    let results = run_peer(cmd, &requests);
    let (decrypted, encrypted) = results.split_at(combos.len());
    for (&(alg, enc), r) in combos.iter().zip(decrypted) {
        assert_eq!(r["ok"], true, "{lib} decrypts jwtctl's {alg} {enc}: {r}");
        assert_eq!(
            b64url_decode(r["plaintext_b64"].as_str().unwrap()),
            plaintext.as_bytes(),
            "{lib} {alg} {enc}"
        );
    }
    for ((&(alg, enc), r), (dec_args, _)) in combos.iter().zip(encrypted).zip(&keys) {
        assert_eq!(r["ok"], true, "{lib} encrypts {alg} {enc}: {r}");
        let mut c = jwtctl();
        c.args(["decrypt"])
            .args(dec_args)
            .arg(r["token"].as_str().unwrap());
        assert_eq!(
            assert_ok(&run(&mut c)),
            plaintext,
            "jwtctl decrypts {lib}'s {alg} {enc}"
        );
    }
    combos.len() * 2
}

#[test]
fn pyjwt_both_ways() {
    let Some(cmd) = peer("PyJWT", python(), true) else {
        return;
    };
    let n = jws_both_ways("pyjwt", &cmd);
    eprintln!("PyJWT: {n} interop cases");
}

#[test]
fn jwcrypto_both_ways() {
    let Some(cmd) = peer("jwcrypto", python(), true) else {
        return;
    };
    let n = jws_both_ways("jwcrypto", &cmd) + jwe_both_ways("jwcrypto", &cmd);
    eprintln!("jwcrypto: {n} interop cases");
}

#[test]
fn panva_jose_both_ways() {
    let Some(cmd) = peer("panva/jose", node(), true) else {
        return;
    };
    let n = jws_both_ways("jose", &cmd) + jwe_both_ways("jose", &cmd);
    eprintln!("panva/jose: {n} interop cases");
}

fn latchset() -> Option<Vec<String>> {
    Command::new("jose")
        .arg("alg")
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
        .then(|| vec!["jose".to_string()])
}

/// Runs the `jose` command; returns its stdout when it succeeds.
fn jose_cmd(args: &[&str]) -> Result<Vec<u8>, String> {
    let o = Command::new("jose").args(args).output().unwrap();
    if o.status.success() {
        Ok(o.stdout)
    } else {
        Err(format!("jose {args:?}: {}", stderr(&o)))
    }
}

/// latchset jose (a C command-line tool, one process per case): every JWS and JWE algorithm
/// this build lists in `jose alg`, both ways, and its flattened `dir` JWE with an empty
/// `"encrypted_key"` member.
#[test]
fn latchset_jose_both_ways() {
    // Not required: Debian's package is the only source, and it may not install.
    let Some(_) = peer("latchset jose", latchset(), false) else {
        return;
    };
    let listed: Vec<String> = String::from_utf8(jose_cmd(&["alg"]).unwrap())
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    let dir = tempdir();
    let mut checked = 0;
    for c in JWS_CASES
        .iter()
        .filter(|c| listed.iter().any(|a| a == c.alg))
    {
        // jwtctl signs → jose verifies.
        let token = sign(
            &[
                vec!["--alg", c.alg, "--sub", "interop", "--claim", "u=ünïcödé ✓"],
                key_args(c.private).iter().map(String::as_str).collect(),
            ]
            .concat(),
        );
        let t = write(dir.path(), "t.jws", &token);
        let public = write(dir.path(), "pub.jwk", jwk_of(c.public, false).to_string());
        let payload = jose_cmd(&["jws", "ver", "-i", &t, "-k", &public, "-O", "-"])
            .unwrap_or_else(|e| panic!("jose verifies jwtctl's {}: {e}", c.alg));
        let v: Value = serde_json::from_slice(&payload).unwrap();
        assert_eq!(v["u"], "ünïcödé ✓", "{}", c.alg);
        // jose signs → jwtctl verifies.
        let mut private = jwk_of(c.private, true);
        private["alg"] = json!(c.alg);
        let private = write(dir.path(), "priv.jwk", private.to_string());
        let p = write(dir.path(), "payload.json", claims().to_string());
        let template = json!({"protected": {"alg": c.alg}}).to_string();
        let token = jose_cmd(&[
            "jws", "sig", "-I", &p, "-k", &private, "-s", &template, "-c",
        ])
        .unwrap_or_else(|e| panic!("jose signs {}: {e}", c.alg));
        let token = String::from_utf8(token).unwrap();
        let mut cmd = jwtctl();
        cmd.args(["verify", "--alg", c.alg])
            .args(key_args(c.public))
            .arg(token.trim());
        let v: Value = serde_json::from_str(&assert_ok(&run(&mut cmd))).unwrap();
        assert_eq!(v, claims(), "jwtctl verifies jose's {}", c.alg);
        checked += 2;
    }
    let plaintext = "interop plaintext: ünïcödé ✓";
    let pt = write(dir.path(), "pt", plaintext);
    for alg in jwe_algs()
        .into_iter()
        .filter(|a| listed.iter().any(|l| l == a))
    {
        for enc in JweEnc::ALL
            .iter()
            .map(|e| e.name())
            .filter(|e| listed.iter().any(|l| l == e))
        {
            let (enc_args, dec_args, peer_enc, peer_dec) = jwe_key(alg, enc, dir.path());
            let jwk_file = |v: &Value, name: &str| {
                let jwk = match v.get("password_b64") {
                    // latchset jose takes a PBES2 password as an oct JWK of its bytes.
                    Some(p) => json!({"kty": "oct", "k": p, "alg": alg}),
                    None => v["jwk"].clone(),
                };
                write(dir.path(), name, jwk.to_string())
            };
            // jwtctl encrypts (PBES2 at its default p2c) → jose decrypts.
            let mut c = jwtctl();
            c.args(["encrypt", "--alg", alg, "--enc", enc])
                .args(&enc_args)
                .arg(plaintext);
            let token = assert_ok(&run(&mut c));
            let t = write(dir.path(), "t.jwe", token.trim());
            let dk = jwk_file(&peer_dec, "dec.jwk");
            let out = jose_cmd(&["jwe", "dec", "-i", &t, "-k", &dk, "-O", "-"])
                .unwrap_or_else(|e| panic!("jose decrypts jwtctl's {alg} {enc}: {e}"));
            assert_eq!(out, plaintext.as_bytes(), "{alg} {enc}");
            // jose encrypts → jwtctl decrypts, compact and (its own) flattened JSON.
            let ek = jwk_file(&peer_enc, "enc.jwk");
            let template = json!({"protected": {"alg": alg, "enc": enc}}).to_string();
            for compact in [true, false] {
                let mut args = vec!["jwe", "enc", "-I", &pt, "-k", &ek, "-i", &template];
                if compact {
                    args.push("-c");
                }
                let token =
                    jose_cmd(&args).unwrap_or_else(|e| panic!("jose encrypts {alg} {enc}: {e}"));
                let token = String::from_utf8(token).unwrap();
                let mut c = jwtctl();
                c.arg("decrypt").args(&dec_args).arg(token.trim());
                assert_eq!(
                    assert_ok(&run(&mut c)),
                    plaintext,
                    "jwtctl decrypts jose's {alg} {enc} ({})",
                    if compact { "compact" } else { "flattened" }
                );
            }
            checked += 3;
        }
    }
    assert!(checked > 100, "only {checked} latchset jose cases");
    eprintln!("latchset jose: {checked} interop cases");
}
