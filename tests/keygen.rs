//! `jwtctl keygen`: every algorithm, both formats, file safety, OpenSSL interop.

use std::os::unix::fs::PermissionsExt;

use serde_json::Value;

use crate::util::*;

const JWS_ALGS: &[&str] = &[
    "HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256",
    "ES384", "ES512", "ES256K", "EdDSA", "Ed25519", "Ed448",
];

fn mode(path: &std::path::Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn every_jws_algorithm_in_both_formats_signs_and_verifies() {
    let dir = tempdir();
    for alg in JWS_ALGS {
        for format in ["pem", "jwk"] {
            let symmetric = alg.starts_with("HS");
            if symmetric && format == "pem" {
                continue;
            }
            let out = dir.path().join(format!("{alg}.{format}"));
            let pub_out = dir.path().join(format!("{alg}.pub.{format}"));
            let mut cmd = jwtctl();
            cmd.args(["keygen", "--alg", alg, "--format", format, "--out"])
                .arg(&out);
            if !symmetric {
                cmd.arg("--pub-out").arg(&pub_out);
            }
            assert_ok(&run(&mut cmd));
            assert_eq!(mode(&out), 0o600, "{alg} {format}");
            let private = out.display().to_string();
            let public = if symmetric {
                private.clone()
            } else {
                assert_eq!(mode(&pub_out), 0o644);
                pub_out.display().to_string()
            };
            let token = sign(&["--alg", alg, "--key", &private, "--sub", "k"]);
            assert_ok(&run(jwtctl().args(["verify", "--key", &public, &token])));
            if format == "jwk" {
                let jwk: Value =
                    serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
                assert_eq!(jwk["alg"], *alg);
                assert_eq!(jwk["use"], "sig");
                let tp = stdout(&run(jwtctl().args(["jwks", "--thumbprint", &private])));
                assert_eq!(
                    jwk["kid"].as_str().unwrap(),
                    tp.trim(),
                    "kid is the RFC 7638 thumbprint"
                );
                let header: Value =
                    serde_json::from_slice(&b64url_decode(token.split('.').next().unwrap()))
                        .unwrap();
                assert_eq!(header["kid"], jwk["kid"], "sign takes the JWK's kid");
            }
        }
    }
}

#[test]
fn jwe_algorithms_get_fitting_keys() {
    type Case<'a> = (&'a [&'a str], &'a str, Option<&'a str>, Option<u64>);
    let cases: &[Case] = &[
        (&["--alg", "RSA-OAEP-256"], "RSA", None, None),
        (&["--alg", "ECDH-ES+A256KW"], "EC", Some("P-256"), None),
        (
            &["--alg", "ECDH-ES", "--crv", "X25519"],
            "OKP",
            Some("X25519"),
            None,
        ),
        (
            &["--alg", "ECDH-ES", "--crv", "P-521"],
            "EC",
            Some("P-521"),
            None,
        ),
        (&["--alg", "A128KW"], "oct", None, Some(16)),
        (&["--alg", "A192GCMKW"], "oct", None, Some(24)),
        (&["--alg", "dir", "--enc", "A256GCM"], "oct", None, Some(32)),
        (
            &["--alg", "dir", "--enc", "A256CBC-HS512"],
            "oct",
            None,
            Some(64),
        ),
        (&["--kty", "oct", "--bits", "136"], "oct", None, Some(17)),
        (
            &["--kty", "OKP", "--crv", "X448"],
            "OKP",
            Some("X448"),
            None,
        ),
        (
            &["--kty", "EC", "--crv", "secp256k1"],
            "EC",
            Some("secp256k1"),
            None,
        ),
        (&["--kty", "RSA", "--bits", "3072"], "RSA", None, None),
    ];
    for (args, kty, crv, k_len) in cases {
        let o = run(jwtctl().arg("keygen").args(*args).args(["--format", "jwk"]));
        let jwk: Value = serde_json::from_str(&assert_ok(&o)).unwrap();
        assert_eq!(jwk["kty"], *kty, "{args:?}");
        if let Some(c) = crv {
            assert_eq!(jwk["crv"], *c);
        }
        if let Some(n) = k_len {
            assert_eq!(
                b64url_decode(jwk["k"].as_str().unwrap()).len() as u64,
                *n,
                "{args:?}"
            );
        }
        if args[1] != "RSA" && args[0] == "--alg" {
            assert_eq!(jwk["use"], "enc", "{args:?}");
        }
    }
    let o = run(jwtctl().args([
        "keygen", "--kty", "RSA", "--bits", "3072", "--format", "jwk",
    ]));
    let jwk: Value = serde_json::from_str(&assert_ok(&o)).unwrap();
    assert_eq!(b64url_decode(jwk["n"].as_str().unwrap()).len(), 384);
}

#[test]
fn refusals_exit_2() {
    for args in [
        vec!["--alg", "dir"],
        vec!["--kty", "RSA", "--bits", "1024"],
        vec!["--kty", "RSA", "--bits", "9000"],
        vec!["--kty", "oct", "--bits", "12"],
        vec!["--alg", "HS256", "--format", "pem"],
        vec!["--alg", "HS256", "--pub-out", "x"],
        vec!["--alg", "ES256", "--crv", "P-384"],
        vec!["--alg", "EdDSA", "--crv", "X25519"],
        vec![
            "--alg",
            "ES256",
            "--format",
            "jwk",
            "--passphrase",
            "b64:eA",
        ],
    ] {
        let o = run(jwtctl().arg("keygen").args(&args));
        assert_fails(&o, 2);
    }
    let o = run(jwtctl().args(["keygen", "--alg", "PBES2-HS256+A128KW"]));
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn existing_files_are_never_clobbered_without_force() {
    let dir = tempdir();
    let out = dir.path().join("key.pem");
    let pub_out = dir.path().join("key.pub.pem");
    std::fs::write(&pub_out, b"precious").unwrap();
    let o = run(jwtctl()
        .args(["keygen", "--alg", "ES256", "--out"])
        .arg(&out)
        .arg("--pub-out")
        .arg(&pub_out));
    assert!(assert_fails(&o, 2).contains("--force"));
    assert_eq!(std::fs::read(&pub_out).unwrap(), b"precious");
    assert!(!out.exists(), "no private key is written for a refused run");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temporary files left"
    );

    assert_ok(&run(jwtctl()
        .args(["keygen", "--alg", "ES256", "--out"])
        .arg(&out)));
    let first = std::fs::read(&out).unwrap();
    let o = run(jwtctl()
        .args(["keygen", "--alg", "ES256", "--out"])
        .arg(&out));
    assert_fails(&o, 2);
    assert_eq!(std::fs::read(&out).unwrap(), first);

    // --force replaces atomically (a new inode, complete contents) and keeps 0600.
    use std::os::unix::fs::MetadataExt;
    let inode = std::fs::metadata(&out).unwrap().ino();
    assert_ok(&run(jwtctl()
        .args(["keygen", "--alg", "ES256", "--force", "--out"])
        .arg(&out)));
    let second = std::fs::read(&out).unwrap();
    assert_ne!(first, second);
    assert_ne!(std::fs::metadata(&out).unwrap().ino(), inode);
    assert_eq!(mode(&out), 0o600);
    assert!(
        String::from_utf8(second)
            .unwrap()
            .ends_with("-----END PRIVATE KEY-----\n")
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        2,
        "key.pem and key.pub.pem, no temporary files"
    );
}

#[test]
fn openssl_reads_jwtctl_keys_and_the_reverse() {
    if std::process::Command::new("openssl")
        .arg("version")
        .output()
        .is_err()
    {
        eprintln!("openssl not installed; interop test skipped");
        return;
    }
    let dir = tempdir();
    let pass = format!("@{}", key("passphrase.txt"));
    for alg in [
        "RS256", "ES256", "ES384", "ES512", "ES256K", "EdDSA", "Ed448", "ECDH-ES",
    ] {
        let out = dir.path().join(format!("{alg}.pem"));
        let pub_out = dir.path().join(format!("{alg}.pub.pem"));
        assert_ok(&run(jwtctl()
            .args(["keygen", "--alg", alg, "--out"])
            .arg(&out)
            .arg("--pub-out")
            .arg(&pub_out)));
        let check = std::process::Command::new("openssl")
            .args(["pkey", "-check", "-noout", "-in"])
            .arg(&out)
            .output()
            .unwrap();
        assert!(
            check.status.success(),
            "{alg}: {}",
            String::from_utf8_lossy(&check.stderr)
        );
        let check = std::process::Command::new("openssl")
            .args(["pkey", "-pubin", "-noout", "-in"])
            .arg(&pub_out)
            .output()
            .unwrap();
        assert!(check.status.success(), "{alg}");
        // Encrypted PKCS#8: openssl decrypts it, and so does jwtctl.
        let enc = dir.path().join(format!("{alg}.enc.pem"));
        assert_ok(&run(jwtctl()
            .args(["keygen", "--alg", alg, "--passphrase", &pass, "--out"])
            .arg(&enc)));
        let check = std::process::Command::new("openssl")
            .args(["pkey", "-noout", "-passin"])
            .arg(format!("file:{}", key("passphrase.txt")))
            .arg("-in")
            .arg(&enc)
            .output()
            .unwrap();
        assert!(
            check.status.success(),
            "{alg}: {}",
            String::from_utf8_lossy(&check.stderr)
        );
        let o = run(jwtctl()
            .args(["inspect", "--json", "--passphrase", &pass, "--key"])
            .arg(&enc));
        let v: Value = serde_json::from_str(&assert_ok(&o)).unwrap();
        assert_eq!(v["keys"][0]["encrypted"], true);
    }
    // Keys made by `openssl genpkey`: every type in the fixtures (made by make.sh) loads.
    for k in SIGNING_KEYS.into_iter().chain(["x25519.pkcs8.pem"]) {
        assert_ok(&run(jwtctl().args(["inspect", "--key", &key(k)])));
    }
}
