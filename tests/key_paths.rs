//! The key loader's two paths agree. SPKI/PKCS#8 keys and public JWKs of aws-lc's algorithms
//! are read without OpenSSL; PKCS#1, SEC1, certificates, private JWKs and everything unusual
//! go through OpenSSL. The same key must come out the same whichever path read it, and what
//! the fast path refuses must still load (or fail cleanly) through OpenSSL.

use std::process::Command as Std;

use jwtctl::keys::{Key, load_key_bytes, load_key_file};

use crate::util::*;

fn load(file: &str) -> Key {
    let mut set = load_key_file(&fixture(&format!("keys/{file}")), None)
        .unwrap_or_else(|e| panic!("{file}: {e}"));
    set.keys.remove(0)
}

fn same_key(a: &Key, b: &Key, what: &str) {
    assert_eq!(a.key_type(), b.key_type(), "{what}: type");
    assert_eq!(a.bits(), b.bits(), "{what}: bits");
    assert_eq!(a.describe(), b.describe(), "{what}: description");
    assert_eq!(a.is_private(), b.is_private(), "{what}: private");
    assert_eq!(a.spki_der().unwrap(), b.spki_der().unwrap(), "{what}: SPKI");
    assert_eq!(
        a.to_jwk(a.is_private()).unwrap(),
        b.to_jwk(b.is_private()).unwrap(),
        "{what}: JWK"
    );
    assert_eq!(a.thumbprint().unwrap(), b.thumbprint().unwrap(), "{what}");
}

#[test]
fn pkcs8_and_spki_read_like_openssl_reads_the_other_encodings() {
    // (fast path, OpenSSL path) holding the same key.
    let pairs = [
        ("rsa.pkcs8.pem", "rsa.pkcs1.pem"),
        ("rsa.pkcs8.der", "rsa.pkcs1.pem"),
        ("rsa.spki.pem", "rsa.pkcs1-public.pem"),
        ("rsa.spki.der", "rsa.cert.pem"),
        ("ec-p256.pkcs8.pem", "ec-p256.sec1.pem"),
        ("ec-p256.pkcs8.der", "ec-p256.sec1.der"),
        ("ec-p384.pkcs8.pem", "ec-p384.sec1.pem"),
        ("ec-p521.pkcs8.pem", "ec-p521.sec1.pem"),
        ("ec-secp256k1.pkcs8.pem", "ec-secp256k1.sec1.pem"),
    ];
    for (fast, slow) in pairs {
        let (a, b) = (load(fast), load(slow));
        if a.is_private() == b.is_private() {
            same_key(&a, &b, fast);
        } else {
            assert_eq!(a.to_jwk(false).unwrap(), b.to_jwk(false).unwrap(), "{fast}");
        }
    }
    // The public halves of the private keys match the public key files.
    for (private, public) in [
        ("rsa.pkcs8.pem", "rsa.spki.pem"),
        ("ec-p256.pkcs8.pem", "ec-p256.spki.pem"),
        ("ec-p384.pkcs8.pem", "ec-p384.spki.pem"),
        ("ec-p521.pkcs8.pem", "ec-p521.spki.pem"),
        ("ec-secp256k1.pkcs8.pem", "ec-secp256k1.spki.pem"),
        ("ed25519.pkcs8.pem", "ed25519.spki.pem"),
        ("ed448.pkcs8.pem", "ed448.spki.pem"),
    ] {
        let (a, b) = (load(private), load(public));
        assert_eq!(a.spki_der().unwrap(), b.spki_der().unwrap(), "{private}");
        assert_eq!(
            a.thumbprint().unwrap(),
            b.thumbprint().unwrap(),
            "{private}"
        );
    }
}

#[test]
fn jwks_read_like_pem() {
    for file in SIGNING_KEYS {
        let pem = load(file);
        for private in [false, true] {
            let jwk = serde_json::to_vec(&pem.to_jwk(private).unwrap()).unwrap();
            let from_jwk = load_key_bytes(&jwk, "jwk", None).unwrap().keys.remove(0);
            if private {
                same_key(&pem, &from_jwk, file);
            } else {
                assert_eq!(
                    pem.spki_der().unwrap(),
                    from_jwk.spki_der().unwrap(),
                    "{file}"
                );
                assert_eq!(pem.bits(), from_jwk.bits(), "{file}");
                assert!(!from_jwk.is_private());
            }
        }
    }
}

#[test]
fn openssl_still_reads_what_the_fast_path_leaves_alone() {
    let dir = tempdir();
    let spki = std::fs::read_to_string(fixture("keys/ec-p256.spki.pem")).unwrap();
    let token = sign(&["--alg", "ES256", "--key", &key("ec-p256.pkcs8.pem")]);
    let verify = |file: &str| run(jwtctl().args(["verify", "--key", file, &token]));

    // Explanatory text around the block (RFC 7468 section 2).
    let f = write(
        dir.path(),
        "text.pem",
        format!("Subject: test key\n{spki}trailing words\n"),
    );
    assert_ok(&verify(&f));

    // A compressed point: aws-lc would take it, but jwtctl's JWK export needs x and y, so
    // OpenSSL reads it.
    let out = dir.path().join("compressed.pem");
    let status = Std::new("openssl")
        .args(["ec", "-pubin", "-conv_form", "compressed", "-pubout", "-in"])
        .arg(fixture("keys/ec-p256.spki.pem"))
        .arg("-out")
        .arg(&out)
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let compressed = load_key_file(&out, None).unwrap().keys.remove(0);
    assert_eq!(
        compressed.to_jwk(false).unwrap(),
        load("ec-p256.spki.pem").to_jwk(false).unwrap()
    );
    assert_ok(&verify(&out.display().to_string()));

    // A weak RSA key (aws-lc refuses under 2048 bits): OpenSSL reads it, the policy refuses.
    let weak = sign(&[
        "--alg",
        "RS256",
        "--key",
        &key("rsa1024.pkcs8.pem"),
        "--allow-weak-key",
    ]);
    let o = run(jwtctl().args(["verify", "--key", &key("rsa1024.pkcs8.pem"), &weak]));
    assert!(assert_fails(&o, 2).contains("1024 bits"));
}

#[test]
fn damaged_keys_fail_cleanly_on_either_path() {
    let dir = tempdir();
    let token = sign(&["--alg", "ES256", "--key", &key("ec-p256.pkcs8.pem")]);
    let der = |pem: &str| {
        let text = std::fs::read_to_string(fixture(&format!("keys/{pem}"))).unwrap();
        let body: String = text.lines().filter(|l| !l.starts_with("-----")).collect();
        openssl::base64::decode_block(&body).unwrap()
    };
    let mut cases: Vec<(&str, Vec<u8>)> = Vec::new();
    // A point off the curve.
    let mut off_curve = der("ec-p256.spki.pem");
    *off_curve.last_mut().unwrap() ^= 1;
    cases.push(("off-curve point", off_curve));
    // Truncated SPKI and PKCS#8.
    let spki = der("rsa.spki.pem");
    cases.push(("truncated SPKI", spki[..spki.len() - 7].to_vec()));
    let pkcs8 = der("ec-p384.pkcs8.pem");
    cases.push(("truncated PKCS#8", pkcs8[..pkcs8.len() / 2].to_vec()));
    // A length that runs past the end.
    let mut long = der("ed25519.spki.pem");
    long[1] = 0x7f;
    cases.push(("overlong length", long));
    for (what, bytes) in cases {
        let f = write(dir.path(), "bad.der", &bytes);
        let o = run(jwtctl().args(["verify", "--key", &f, &token]));
        let msg = assert_fails(&o, 2);
        assert!(msg.contains("bad.der"), "{what}: {msg}");
        let pem = format!(
            "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
            openssl::base64::encode_block(&bytes)
        );
        let f = write(dir.path(), "bad.pem", pem);
        let o = run(jwtctl().args(["verify", "--key", &f, &token]));
        let msg = assert_fails(&o, 2);
        assert!(msg.contains("bad.pem"), "{what}: {msg}");
    }

    // An EC private scalar of zero: aws-lc refuses it, so OpenSSL reads the file, and the
    // consistency check at load refuses it (the scalar does not give the embedded point).
    let mut zero = der("ec-p256.pkcs8.pem");
    let d = zero
        .windows(2)
        .position(|w| w == [0x04, 0x20])
        .expect("the scalar's OCTET STRING");
    zero[d + 2..d + 34].fill(0);
    let f = write(dir.path(), "zero.der", &zero);
    let o = run(jwtctl().args(["sign", "--alg", "ES256", "--key", &f, "--sub", "x"]));
    let msg = assert_fails(&o, 2);
    assert!(msg.contains("inconsistent EC P-256 private key"), "{msg}");
}

/// ECDSA signatures from jwtctl (aws-lc) checked by the `openssl` command, the raw JOSE
/// `r || s` turned into the DER that `openssl dgst` reads.
#[test]
fn ecdsa_signatures_verify_with_openssl() {
    fn der_int(x: &[u8]) -> Vec<u8> {
        let mut v: Vec<u8> = x.iter().copied().skip_while(|&b| b == 0).collect();
        if v.first().is_none_or(|&b| b & 0x80 != 0) {
            v.insert(0, 0);
        }
        let mut out = vec![0x02, v.len() as u8];
        out.extend(v);
        out
    }
    let dir = tempdir();
    for (alg, file, digest) in [
        ("ES256", "ec-p256", "-sha256"),
        ("ES384", "ec-p384", "-sha384"),
        ("ES512", "ec-p521", "-sha512"),
        ("ES256K", "ec-secp256k1", "-sha256"),
    ] {
        let token = sign(&["--alg", alg, "--key", &key(&format!("{file}.pkcs8.pem"))]);
        let (input, sig) = token.rsplit_once('.').unwrap();
        let raw = b64url_decode(sig);
        let (r, s) = raw.split_at(raw.len() / 2);
        let mut body = der_int(r);
        body.extend(der_int(s));
        let mut seq = vec![0x30];
        if body.len() >= 0x80 {
            seq.push(0x81);
        }
        seq.push(body.len() as u8);
        seq.extend(body);
        let sig_file = write(dir.path(), "sig.der", &seq);
        let input_file = write(dir.path(), "input.txt", input);
        let o = Std::new("openssl")
            .args(["dgst", digest, "-verify"])
            .arg(fixture(&format!("keys/{file}.spki.pem")))
            .args(["-signature", &sig_file, &input_file])
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "{alg}: {}",
            String::from_utf8_lossy(&o.stdout)
        );
    }
}

/// EdDSA signatures from jwtctl (aws-lc for Ed25519, OpenSSL for Ed448) checked by the
/// `openssl` command.
#[test]
fn eddsa_signatures_verify_with_openssl() {
    let dir = tempdir();
    for file in ["ed25519", "ed448"] {
        let token = sign(&[
            "--alg",
            "EdDSA",
            "--key",
            &key(&format!("{file}.pkcs8.pem")),
        ]);
        let (input, sig) = token.rsplit_once('.').unwrap();
        let sig_file = write(dir.path(), "sig.bin", b64url_decode(sig));
        let input_file = write(dir.path(), "input.txt", input);
        let o = Std::new("openssl")
            .args(["pkeyutl", "-verify", "-rawin", "-pubin", "-inkey"])
            .arg(fixture(&format!("keys/{file}.spki.pem")))
            .args(["-in", &input_file, "-sigfile", &sig_file])
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "{file}: {}",
            String::from_utf8_lossy(&o.stdout)
        );
    }
}
