//! Certificate chains (`sign --x5c`, `verify --ca`, `inspect`): chains the tests make with
//! OpenSSL (through the crate already linked), every leaf algorithm, and every rule of the
//! contract with its stable code.

use std::path::Path;

use openssl::asn1::{Asn1Integer, Asn1Object, Asn1OctetString, Asn1Time};
use openssl::bn::BigNum;
use openssl::ec::{EcGroup, EcKey};
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::{PKey, Private};
use openssl::x509::extension::{BasicConstraints, KeyUsage, SubjectAlternativeName};
use openssl::x509::{X509, X509Builder, X509Extension, X509NameBuilder};

use crate::util::*;

const DAY: i64 = 86_400;
/// The verification time of these tests: 2026-11-01T00:00:00Z.
const NOW: i64 = 1_793_491_200;
const NOW_TEXT: &str = "2026-11-01T00:00:00Z";

/// What a certificate says.
#[derive(Clone)]
struct Spec {
    cn: &'static str,
    ca: Option<bool>,
    path_len: Option<u32>,
    /// keyUsage: "sign" (digitalSignature), "ca" (keyCertSign, cRLSign), "enc" (keyEncipherment).
    usage: Option<&'static str>,
    san: Option<&'static str>,
    from: i64,
    to: i64,
    /// Extra extensions: (OID, critical).
    extra: Vec<(&'static str, bool)>,
    serial: u32,
}

fn spec(cn: &'static str) -> Spec {
    Spec {
        cn,
        ca: None,
        path_len: None,
        usage: None,
        san: None,
        from: NOW - 30 * DAY,
        to: NOW + 365 * DAY,
        extra: Vec::new(),
        serial: 1,
    }
}

fn ca(cn: &'static str) -> Spec {
    Spec {
        ca: Some(true),
        usage: Some("ca"),
        ..spec(cn)
    }
}

fn leaf_spec(cn: &'static str) -> Spec {
    Spec {
        ca: Some(false),
        usage: Some("sign"),
        ..spec(cn)
    }
}

fn ec_key() -> PKey<Private> {
    let g = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).unwrap();
    PKey::from_ec_key(EcKey::generate(&g).unwrap()).unwrap()
}

fn fixture_key(name: &str) -> PKey<Private> {
    PKey::private_key_from_pem(&std::fs::read(key(name)).unwrap()).unwrap()
}

/// A certificate for `key`, signed by `issuer` (itself when `None`).
fn cert(s: &Spec, key: &PKey<Private>, issuer: Option<(&X509, &PKey<Private>)>) -> X509 {
    let mut name = X509NameBuilder::new().unwrap();
    name.append_entry_by_text("CN", s.cn).unwrap();
    let name = name.build();
    let mut b = X509Builder::new().unwrap();
    b.set_version(2).unwrap();
    let serial = Asn1Integer::from_bn(&BigNum::from_u32(s.serial).unwrap()).unwrap();
    b.set_serial_number(&serial).unwrap();
    b.set_subject_name(&name).unwrap();
    match issuer {
        Some((c, _)) => b.set_issuer_name(c.subject_name()).unwrap(),
        None => b.set_issuer_name(&name).unwrap(),
    }
    b.set_pubkey(key).unwrap();
    b.set_not_before(&Asn1Time::from_unix(s.from).unwrap())
        .unwrap();
    b.set_not_after(&Asn1Time::from_unix(s.to).unwrap())
        .unwrap();
    if let Some(is_ca) = s.ca {
        let mut bc = BasicConstraints::new();
        bc.critical();
        if is_ca {
            bc.ca();
        }
        if let Some(n) = s.path_len {
            bc.pathlen(n);
        }
        b.append_extension(bc.build().unwrap()).unwrap();
    }
    if let Some(u) = s.usage {
        let mut ku = KeyUsage::new();
        ku.critical();
        match u {
            "sign" => ku.digital_signature(),
            "ca" => ku.key_cert_sign().crl_sign(),
            _ => ku.key_encipherment(),
        };
        b.append_extension(ku.build().unwrap()).unwrap();
    }
    if let Some(dns) = s.san {
        let ext = SubjectAlternativeName::new()
            .dns(dns)
            .build(&b.x509v3_context(None, None))
            .unwrap();
        b.append_extension(ext).unwrap();
    }
    for (oid, critical) in &s.extra {
        let obj = Asn1Object::from_str(oid).unwrap();
        let value = Asn1OctetString::new_from_bytes(&[0x05, 0x00]).unwrap();
        b.append_extension(X509Extension::new_from_der(&obj, *critical, &value).unwrap())
            .unwrap();
    }
    let (signer, digest) = match issuer {
        Some((_, k)) => (k, k),
        None => (key, key),
    };
    let md = if digest.id() == openssl::pkey::Id::ED25519 {
        MessageDigest::null()
    } else {
        MessageDigest::sha256()
    };
    b.sign(signer, md).unwrap();
    b.build()
}

/// A root, an intermediate and a leaf for the P-256 fixture key.
struct Chain {
    root: X509,
    root_key: PKey<Private>,
    int: X509,
    int_key: PKey<Private>,
    leaf: X509,
}

fn chain_with(leaf: Spec, leaf_key: &PKey<Private>) -> Chain {
    let root_key = ec_key();
    let root = cert(&ca("Test Root"), &root_key, None);
    let int_key = ec_key();
    let int = cert(&ca("Test Int"), &int_key, Some((&root, &root_key)));
    let leaf = cert(&leaf, leaf_key, Some((&int, &int_key)));
    Chain {
        root,
        root_key,
        int,
        int_key,
        leaf,
    }
}

fn pem(certs: &[&X509]) -> Vec<u8> {
    certs.iter().flat_map(|c| c.to_pem().unwrap()).collect()
}

const LEAF_KEY: &str = "ec-p256.pkcs8.pem";

/// Signs claims with the P-256 fixture key and `certs` as x5c.
fn sign_with(dir: &Path, certs: &[&X509], extra: &[&str]) -> String {
    let chain = write(dir, "chain.pem", pem(certs));
    let leaf_key = key(LEAF_KEY);
    let mut args = vec![
        "--alg",
        "ES256",
        "--key",
        &leaf_key,
        "--x5c",
        &chain,
        "--sub",
        "alice",
        "--iat",
        NOW_TEXT,
        "--exp",
        "2026-11-01T01:00:00Z",
    ];
    args.extend_from_slice(extra);
    sign(&args).trim().to_string()
}

fn verify(dir: &Path, anchors: &[&X509], token: &str, extra: &[&str]) -> std::process::Output {
    let ca = write(dir, "anchors.pem", pem(anchors));
    run(jwtctl()
        .args(["verify", "--ca", &ca, "--now", NOW_TEXT])
        .args(extra)
        .arg(token))
}

/// A one-shot rejection: exit 1, one error line; `code` is checked through `--batch` by the
/// callers that need it (the one-shot line carries the message).
#[track_caller]
fn rejected(o: &std::process::Output, _code: &str) -> String {
    assert_fails(o, 1)
}

/// Replaces the protected header of a compact token (the signature no longer matters for
/// checks that come before it).
fn with_header(
    token: &str,
    edit: impl Fn(&mut serde_json::Map<String, serde_json::Value>),
) -> String {
    let mut parts = token.split('.');
    let mut h: serde_json::Map<String, serde_json::Value> =
        serde_json::from_slice(&b64url_decode(parts.next().unwrap())).unwrap();
    edit(&mut h);
    let head = b64url(serde_json::to_string(&h).unwrap().as_bytes());
    format!("{head}.{}.{}", parts.next().unwrap(), parts.next().unwrap())
}

fn batch_code(dir: &Path, anchors: &[&X509], token: &str, extra: &[&str]) -> String {
    let ca = write(dir, "anchors.pem", pem(anchors));
    let o = run(jwtctl()
        .args([
            "verify",
            "--batch",
            "--any-aud",
            "--ca",
            &ca,
            "--now",
            NOW_TEXT,
        ])
        .args(extra)
        .write_stdin(format!("{token}\n")));
    let line: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    line["error"].as_str().unwrap_or("valid").to_string()
}

#[test]
fn a_chain_to_the_root_verifies_with_the_root_carried_or_left_out() {
    let d = tempdir();
    let c = chain_with(leaf_spec("Prod Signing 3"), &fixture_key(LEAF_KEY));
    for carried in [vec![&c.leaf, &c.int], vec![&c.leaf, &c.int, &c.root]] {
        let t = sign_with(d.path(), &carried, &["--x5t"]);
        let out = assert_ok(&verify(d.path(), &[&c.root], &t, &[]));
        assert!(out.contains("\"sub\":\"alice\""), "{out}");
        // The intermediate as anchor ends the path there.
        assert_ok(&verify(d.path(), &[&c.int], &t, &[]));
    }
    // Chain out of order: the path is built, not read in order.
    let t = sign_with(d.path(), &[&c.leaf, &c.root, &c.int], &[]);
    assert_ok(&verify(d.path(), &[&c.root], &t, &[]));
    // --explain shows the path and the anchor.
    let t = sign_with(d.path(), &[&c.leaf, &c.int], &[]);
    let o = verify(d.path(), &[&c.root], &t, &["--explain"]);
    assert_ok(&o);
    let err = stderr(&o);
    assert!(
        err.contains("CN=Prod Signing 3") && err.contains("anchor \"CN=Test Root\""),
        "{err}"
    );
    assert!(err.contains("SHA-256 "), "{err}");
    assert!(!err.contains("\"x5c\" header ignored"), "{err}");
}

#[test]
fn every_signature_algorithm_leaf_verifies() {
    let d = tempdir();
    for (alg, name) in [
        ("RS256", "rsa.pkcs8.pem"),
        ("PS384", "rsa.pkcs8.pem"),
        ("ES256", "ec-p256.pkcs8.pem"),
        ("ES384", "ec-p384.pkcs8.pem"),
        ("ES512", "ec-p521.pkcs8.pem"),
        ("EdDSA", "ed25519.pkcs8.pem"),
    ] {
        let c = chain_with(leaf_spec("Leaf"), &fixture_key(name));
        let chain = write(d.path(), "chain.pem", pem(&[&c.leaf, &c.int]));
        let t = sign(&[
            "--alg",
            alg,
            "--key",
            &key(name),
            "--x5c",
            &chain,
            "--sub",
            "x",
        ]);
        let ca = write(d.path(), "root.pem", pem(&[&c.root]));
        assert_ok(&run(jwtctl().args(["verify", "--ca", &ca, t.trim()])));
        // The token's alg must still fit the leaf's key (RFC 8725) or --alg.
        let o = run(jwtctl().args(["verify", "--ca", &ca, "--alg", "HS256", t.trim()]));
        assert!(
            o.status.code() != Some(0),
            "{alg} accepted with --alg HS256"
        );
    }
}

#[test]
fn anchors_match_by_subject_and_key_not_bytes() {
    let d = tempdir();
    let c = chain_with(leaf_spec("Leaf"), &fixture_key(LEAF_KEY));
    // A re-issued root: same name and key, other validity and serial.
    let again = cert(
        &Spec {
            serial: 99,
            from: NOW - 2 * DAY,
            ..ca("Test Root")
        },
        &c.root_key,
        None,
    );
    let t = sign_with(d.path(), &[&c.leaf, &c.int, &c.root], &[]);
    assert_ok(&verify(d.path(), &[&again], &t, &[]));
    // The anchor is trusted as given: an expired anchor still ends a path.
    let old = cert(
        &Spec {
            to: NOW - DAY,
            from: NOW - 9 * DAY,
            ..ca("Test Root")
        },
        &c.root_key,
        None,
    );
    assert_ok(&verify(d.path(), &[&old], &t, &[]));
}

#[test]
fn untrusted_paths_are_refused() {
    let d = tempdir();
    let c = chain_with(leaf_spec("Leaf"), &fixture_key(LEAF_KEY));
    let other = chain_with(leaf_spec("Leaf"), &fixture_key(LEAF_KEY));
    let t = sign_with(d.path(), &[&c.leaf, &c.int, &c.root], &[]);
    // Wrong anchor.
    let e = rejected(&verify(d.path(), &[&other.root], &t, &[]), "cert_untrusted");
    assert!(e.contains("not a trust anchor"), "{e}");
    assert_eq!(
        batch_code(d.path(), &[&other.root], &t, &[]),
        "cert_untrusted"
    );
    // An intermediate forged with the right name under another root.
    let forged_int = cert(
        &ca("Test Int"),
        &c.int_key,
        Some((&other.root, &other.root_key)),
    );
    let t2 = sign_with(d.path(), &[&c.leaf, &forged_int], &[]);
    assert_eq!(batch_code(d.path(), &[&c.root], &t2, &[]), "cert_untrusted");
    // A path that needs a certificate outside x5c (nothing is fetched).
    let t3 = sign_with(d.path(), &[&c.leaf], &[]);
    assert_eq!(batch_code(d.path(), &[&c.root], &t3, &[]), "cert_untrusted");
    // A self-signed leaf that is not an anchor.
    let self_signed = cert(&leaf_spec("Alone"), &fixture_key(LEAF_KEY), None);
    let t4 = sign_with(d.path(), &[&self_signed], &[]);
    assert_eq!(batch_code(d.path(), &[&c.root], &t4, &[]), "cert_untrusted");
    // ... unless it is the anchor (a pinned certificate).
    assert_eq!(batch_code(d.path(), &[&self_signed], &t4, &[]), "valid");
}

#[test]
fn validity_is_checked_at_now_without_leeway() {
    let d = tempdir();
    let expired = chain_with(
        Spec {
            to: NOW - 1,
            from: NOW - 9 * DAY,
            ..leaf_spec("Prod Signing 3")
        },
        &fixture_key(LEAF_KEY),
    );
    let t = sign_with(d.path(), &[&expired.leaf, &expired.int], &[]);
    let e = rejected(
        &verify(d.path(), &[&expired.root], &t, &["--leeway", "1h"]),
        "cert_expired",
    );
    assert!(
        e.contains("certificate \"CN=Prod Signing 3\" expired at 2026-10-31T23:59:59Z"),
        "{e}"
    );
    assert_eq!(
        batch_code(d.path(), &[&expired.root], &t, &[]),
        "cert_expired"
    );
    // Time travel: the same chain was valid a day earlier (the token's exp is checked too,
    // so --ignore-exp).
    let anchor = write(d.path(), "root.pem", pem(&[&expired.root]));
    assert_ok(&run(jwtctl().args([
        "verify",
        "--ca",
        &anchor,
        "--now",
        "2026-10-31T00:00:00Z",
        "--ignore-exp",
        &t,
    ])));
    // Not yet valid, leaf and intermediate.
    let future = chain_with(
        Spec {
            from: NOW + DAY,
            ..leaf_spec("Later")
        },
        &fixture_key(LEAF_KEY),
    );
    let t = sign_with(d.path(), &[&future.leaf, &future.int], &[]);
    assert_eq!(
        batch_code(d.path(), &[&future.root], &t, &[]),
        "cert_not_yet_valid"
    );
    let c = chain_with(leaf_spec("Leaf"), &fixture_key(LEAF_KEY));
    let old_int = cert(
        &Spec {
            to: NOW - DAY,
            from: NOW - 9 * DAY,
            ..ca("Test Int")
        },
        &c.int_key,
        Some((&c.root, &c.root_key)),
    );
    let t = sign_with(d.path(), &[&c.leaf, &old_int], &[]);
    let e = rejected(&verify(d.path(), &[&c.root], &t, &[]), "cert_expired");
    assert!(e.contains("Test Int"), "{e}");
}

#[test]
fn constraints_are_enforced() {
    let d = tempdir();
    let lk = fixture_key(LEAF_KEY);
    let root_key = ec_key();
    let root = cert(&ca("Root"), &root_key, None);
    let int_key = ec_key();
    // CA:false in the middle.
    let not_ca = cert(
        &Spec {
            ca: Some(false),
            usage: None,
            ..spec("Not A CA")
        },
        &int_key,
        Some((&root, &root_key)),
    );
    let leaf = cert(&leaf_spec("Leaf"), &lk, Some((&not_ca, &int_key)));
    let t = sign_with(d.path(), &[&leaf, &not_ca], &[]);
    assert_eq!(batch_code(d.path(), &[&root], &t, &[]), "cert_invalid");
    // An intermediate without keyCertSign.
    let no_sign = cert(
        &Spec {
            usage: Some("sign"),
            ..ca("No Cert Sign")
        },
        &int_key,
        Some((&root, &root_key)),
    );
    let leaf = cert(&leaf_spec("Leaf"), &lk, Some((&no_sign, &int_key)));
    let t = sign_with(d.path(), &[&leaf, &no_sign], &[]);
    assert_eq!(batch_code(d.path(), &[&root], &t, &[]), "cert_invalid");
    // Path length exceeded: the root allows no intermediate.
    let strict_root = cert(
        &Spec {
            path_len: Some(0),
            ..ca("Strict Root")
        },
        &root_key,
        None,
    );
    let int = cert(&ca("Int"), &int_key, Some((&strict_root, &root_key)));
    let leaf = cert(&leaf_spec("Leaf"), &lk, Some((&int, &int_key)));
    let t = sign_with(d.path(), &[&leaf, &int], &[]);
    let e = rejected(&verify(d.path(), &[&strict_root], &t, &[]), "cert_invalid");
    assert!(e.contains("pathLenConstraint"), "{e}");
    // An intermediate with pathlen 0 above another intermediate.
    let int_key2 = ec_key();
    let top = cert(
        &Spec {
            path_len: Some(0),
            ..ca("Top Int")
        },
        &int_key,
        Some((&root, &root_key)),
    );
    let low = cert(&ca("Low Int"), &int_key2, Some((&top, &int_key)));
    let leaf = cert(&leaf_spec("Leaf"), &lk, Some((&low, &int_key2)));
    let t = sign_with(d.path(), &[&leaf, &low, &top], &[]);
    assert_eq!(batch_code(d.path(), &[&root], &t, &[]), "cert_invalid");
    // A leaf without digitalSignature.
    let int = cert(&ca("Int"), &int_key, Some((&root, &root_key)));
    let enc_leaf = cert(
        &Spec {
            usage: Some("enc"),
            ..leaf_spec("Enc Only")
        },
        &lk,
        Some((&int, &int_key)),
    );
    let t = sign_with(d.path(), &[&enc_leaf, &int], &[]);
    let e = rejected(&verify(d.path(), &[&root], &t, &[]), "cert_invalid");
    assert!(e.contains("digitalSignature"), "{e}");
    // An unknown critical extension (and the same one, not critical, is fine).
    for (critical, want) in [(true, "cert_invalid"), (false, "valid")] {
        let odd = cert(
            &Spec {
                extra: vec![("1.3.6.1.4.1.99999.1", critical)],
                ..leaf_spec("Odd")
            },
            &lk,
            Some((&int, &int_key)),
        );
        let t = sign_with(d.path(), &[&odd, &int], &[]);
        assert_eq!(batch_code(d.path(), &[&root], &t, &[]), want);
    }
}

#[test]
fn leaf_name_and_oid() {
    let d = tempdir();
    let c = chain_with(
        Spec {
            san: Some("attest.android.com"),
            extra: vec![("1.2.840.113635.100.6.11.1", false)],
            ..leaf_spec("Attestation")
        },
        &fixture_key(LEAF_KEY),
    );
    let t = sign_with(d.path(), &[&c.leaf, &c.int], &[]);
    let ok = |extra: &[&str]| batch_code(d.path(), &[&c.root], &t, extra);
    assert_eq!(ok(&["--leaf-name", "ATTEST.android.com"]), "valid");
    assert_eq!(ok(&["--leaf-name", "evil.example"]), "cert_invalid");
    // With a SAN, the CN is not a name.
    assert_eq!(ok(&["--leaf-name", "Attestation"]), "cert_invalid");
    assert_eq!(ok(&["--leaf-oid", "1.2.840.113635.100.6.11.1"]), "valid");
    assert_eq!(
        ok(&["--leaf-oid", "1.2.840.113635.100.6.2.1"]),
        "cert_invalid"
    );
    // Without a SAN, the subject CN is the name.
    let c2 = chain_with(leaf_spec("signer.example"), &fixture_key(LEAF_KEY));
    let t2 = sign_with(d.path(), &[&c2.leaf, &c2.int], &[]);
    assert_eq!(
        batch_code(
            d.path(),
            &[&c2.root],
            &t2,
            &["--leaf-name", "Signer.Example"]
        ),
        "valid"
    );
    // A malformed OID is a usage error.
    let anchor = write(d.path(), "r.pem", pem(&[&c.root]));
    let o = run(jwtctl().args(["verify", "--ca", &anchor, "--leaf-oid", "1..2", &t]));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

#[test]
fn header_problems_and_limits() {
    let d = tempdir();
    let c = chain_with(leaf_spec("Leaf"), &fixture_key(LEAF_KEY));
    let t = sign_with(d.path(), &[&c.leaf, &c.int], &["--x5t"]);
    // x5t#S256 of another certificate.
    let bad = with_header(&t, |h| {
        h.insert("x5t#S256".into(), b64url(&[7u8; 32]).into());
    });
    assert_eq!(batch_code(d.path(), &[&c.root], &bad, &[]), "cert_invalid");
    // Garbage and shapes that are not an array of base64 certificates.
    for v in [
        serde_json::json!("MIIB"),
        serde_json::json!([]),
        serde_json::json!([42]),
        serde_json::json!(["not base64!"]),
        serde_json::json!(["AAAA"]),
    ] {
        let bad = with_header(&t, |h| {
            h.insert("x5c".into(), v.clone());
        });
        assert_eq!(
            batch_code(d.path(), &[&c.root], &bad, &[]),
            "malformed",
            "{v}"
        );
    }
    // base64url instead of base64.
    let der = c.leaf.to_der().unwrap();
    let bad = with_header(&t, |h| {
        h.insert("x5c".into(), serde_json::json!([b64url(&der)]));
    });
    let code = batch_code(d.path(), &[&c.root], &bad, &[]);
    assert!(code == "malformed" || code == "cert_untrusted", "{code}");
    // Too many certificates (before any is parsed).
    let many = with_header(&t, |h| {
        h.insert("x5c".into(), serde_json::json!(vec!["AAAA"; 11]));
    });
    assert_eq!(batch_code(d.path(), &[&c.root], &many, &[]), "cert_invalid");
    assert_eq!(
        batch_code(d.path(), &[&c.root], &t, &["--max-chain", "1"]),
        "cert_invalid"
    );
    // No x5c at all.
    let plain = sign(&["--alg", "ES256", "--key", &key(LEAF_KEY), "--sub", "x"]);
    let e = rejected(
        &verify(d.path(), &[&c.root], plain.trim(), &[]),
        "x5c_missing",
    );
    assert!(e.contains("x5c"), "{e}");
    // The leaf's key is not the signing key: the signature fails.
    let other = chain_with(leaf_spec("Other"), &ec_key());
    let swapped = with_header(&t, |h| {
        h.insert(
            "x5c".into(),
            serde_json::json!([
                openssl::base64::encode_block(&other.leaf.to_der().unwrap()),
                openssl::base64::encode_block(&other.int.to_der().unwrap())
            ]),
        );
        h.remove("x5t#S256");
    });
    assert_eq!(
        batch_code(d.path(), &[&other.root], &swapped, &[]),
        "bad_signature"
    );
}

#[test]
fn crls_revoke_offline() {
    use openssl::x509::X509Crl;
    let d = tempdir();
    let c = chain_with(
        Spec {
            serial: 4242,
            ..leaf_spec("Revoked Leaf")
        },
        &fixture_key(LEAF_KEY),
    );
    let t = sign_with(d.path(), &[&c.leaf, &c.int], &[]);
    // Build CRLs with the openssl command (the crate cannot write them).
    let write_crl = |issuer: &X509, key: &PKey<Private>, serials: &[u32], name: &str| -> String {
        let dir = d.path().join(format!("ca-{name}"));
        std::fs::create_dir_all(&dir).unwrap();
        let index: String = serials
            .iter()
            .map(|s| format!("R\t301231000000Z\t260101000000Z\t{s:04X}\tunknown\t/CN=x\n"))
            .collect();
        std::fs::write(dir.join("index.txt"), index).unwrap();
        std::fs::write(dir.join("crlnumber"), "01\n").unwrap();
        std::fs::write(dir.join("ca.pem"), issuer.to_pem().unwrap()).unwrap();
        std::fs::write(dir.join("ca.key"), key.private_key_to_pem_pkcs8().unwrap()).unwrap();
        let conf = format!(
            "[ca]\ndefault_ca=x\n[x]\ndatabase={0}/index.txt\ncrlnumber={0}/crlnumber\ndefault_md=sha256\ndefault_crl_days=30\n",
            dir.display()
        );
        std::fs::write(dir.join("ca.cnf"), conf).unwrap();
        let out = dir.join("crl.pem");
        let st = std::process::Command::new("openssl")
            .args(["ca", "-gencrl", "-config"])
            .arg(dir.join("ca.cnf"))
            .arg("-cert")
            .arg(dir.join("ca.pem"))
            .arg("-keyfile")
            .arg(dir.join("ca.key"))
            .arg("-out")
            .arg(&out)
            .output()
            .unwrap();
        assert!(
            st.status.success(),
            "{}",
            String::from_utf8_lossy(&st.stderr)
        );
        X509Crl::from_pem(&std::fs::read(&out).unwrap()).unwrap();
        out.display().to_string()
    };
    let listing = write_crl(&c.int, &c.int_key, &[4242], "int");
    let e = rejected(
        &verify(d.path(), &[&c.root], &t, &["--crl", &listing]),
        "cert_revoked",
    );
    assert!(e.contains("Revoked Leaf"), "{e}");
    // Listing something else.
    let other = write_crl(&c.int, &c.int_key, &[7], "int-other");
    assert_ok(&verify(d.path(), &[&c.root], &t, &["--crl", &other]));
    // Signed by a key of no certificate of the path: ignored, with a warning naming it.
    let stranger = chain_with(leaf_spec("x"), &ec_key());
    let foreign = write_crl(&stranger.int, &stranger.int_key, &[4242], "foreign");
    let o = verify(d.path(), &[&c.root], &t, &["--crl", &foreign]);
    assert_ok(&o);
    assert!(
        stderr(&o).contains("warning:") && stderr(&o).contains("foreign"),
        "{}",
        stderr(&o)
    );
    // A file that is not a CRL is a usage error.
    let junk = write(d.path(), "junk.crl", "not a crl");
    assert_fails(&verify(d.path(), &[&c.root], &t, &["--crl", &junk]), 2);
    let _ = &c.root_key;
}

#[test]
fn usage_errors() {
    let d = tempdir();
    let c = chain_with(leaf_spec("Leaf"), &fixture_key(LEAF_KEY));
    let t = sign_with(d.path(), &[&c.leaf, &c.int], &[]);
    let root = write(d.path(), "root.pem", pem(&[&c.root]));
    // --ca with --key: exit 2.
    let o = run(jwtctl().args(["verify", "--ca", &root, "--key", &key(LEAF_KEY), &t]));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    // An anchor file with no certificate.
    let empty = write(
        d.path(),
        "none.pem",
        "-----BEGIN FOO-----\nAAAA\n-----END FOO-----\n",
    );
    let e = assert_fails(&run(jwtctl().args(["verify", "--ca", &empty, &t])), 2);
    assert!(e.contains("none.pem"), "{e}");
    // Without --ca the chain is ignored: the key is --key.
    let pubkey = key("ec-p256.spki.pem");
    if Path::new(&pubkey).exists() {
        assert_ok(&run(
            jwtctl().args(["verify", "--key", &pubkey, "--now", NOW_TEXT, &t])
        ));
    }
    // sign --x5c whose leaf is not the signing key.
    let chain = write(d.path(), "c.pem", pem(&[&c.int, &c.leaf]));
    assert_fails(
        &run(jwtctl().args([
            "sign",
            "--alg",
            "ES256",
            "--key",
            &key(LEAF_KEY),
            "--x5c",
            &chain,
        ])),
        2,
    );
}

#[test]
fn batch_pays_for_a_chain_once_and_isolates_a_forged_line() {
    let d = tempdir();
    let c = chain_with(leaf_spec("Leaf"), &fixture_key(LEAF_KEY));
    let good = sign_with(d.path(), &[&c.leaf, &c.int], &[]);
    let other = chain_with(leaf_spec("Leaf"), &fixture_key(LEAF_KEY));
    let forged = sign_with(d.path(), &[&other.leaf, &other.int], &[]);
    let mut input = String::new();
    for i in 0..200 {
        input.push_str(if i == 117 { &forged } else { &good });
        input.push('\n');
    }
    let ca = write(d.path(), "root.pem", pem(&[&c.root]));
    let o = run(jwtctl()
        .args(["verify", "--batch", "--ca", &ca, "--now", NOW_TEXT])
        .write_stdin(input));
    assert_eq!(o.status.code(), Some(1));
    let lines: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 200);
    for (i, l) in lines.iter().enumerate() {
        let want = i != 117;
        assert_eq!(l["valid"], want, "line {i}: {l}");
    }
    assert_eq!(lines[117]["error"], "cert_untrusted");
}

#[test]
fn json_serializations_carry_x5c_in_the_protected_header() {
    let d = tempdir();
    let c = chain_with(leaf_spec("Leaf"), &fixture_key(LEAF_KEY));
    for ser in ["flattened", "general"] {
        let t = sign_with(d.path(), &[&c.leaf, &c.int], &["--serialization", ser]);
        let v: serde_json::Value = serde_json::from_str(&t).unwrap();
        let protected = if ser == "general" {
            v["signatures"][0]["protected"]
                .as_str()
                .unwrap()
                .to_string()
        } else {
            v["protected"].as_str().unwrap().to_string()
        };
        let h: serde_json::Value = serde_json::from_slice(&b64url_decode(&protected)).unwrap();
        assert!(h["x5c"].is_array(), "{h}");
        assert_ok(&verify(d.path(), &[&c.root], &t, &[]));
    }
}

#[test]
fn inspect_shows_the_chain_and_never_trusts_it() {
    let d = tempdir();
    let c = chain_with(
        Spec {
            to: NOW + DAY,
            ..leaf_spec("Prod Signing 3")
        },
        &fixture_key(LEAF_KEY),
    );
    let t = sign_with(d.path(), &[&c.leaf, &c.int], &[]);
    let o = run(jwtctl().args(["inspect", "--json", "--now", "2026-11-05T00:00:00Z", &t]));
    let v: serde_json::Value = serde_json::from_str(&assert_ok(&o)).unwrap();
    let chain = v["x5c_chain"].as_array().unwrap();
    assert_eq!(chain.len(), 2);
    assert_eq!(chain[0]["subject"], "CN=Prod Signing 3");
    assert_eq!(chain[0]["issuer"], "CN=Test Int");
    assert!(chain[0]["sha256"].as_str().unwrap().contains(':'));
    let codes = warning_codes(&v);
    assert!(
        codes.iter().any(|c| c == "x5c_header") && codes.iter().any(|c| c == "cert_expired"),
        "{codes:?}"
    );
}

/// The chain a signed token carries checks out with `openssl verify`, and its signature with
/// the leaf's key in an independent verifier (the openssl command over the signing input).
#[test]
fn openssl_checks_what_sign_writes() {
    let d = tempdir();
    let c = chain_with(leaf_spec("Leaf"), &fixture_key("rsa.pkcs8.pem"));
    let chain = write(d.path(), "chain.pem", pem(&[&c.leaf, &c.int]));
    let t = sign(&[
        "--alg",
        "RS256",
        "--key",
        &key("rsa.pkcs8.pem"),
        "--x5c",
        &chain,
        "--sub",
        "x",
    ]);
    let t = t.trim();
    let mut parts = t.split('.');
    let (h, p, s) = (
        parts.next().unwrap(),
        parts.next().unwrap(),
        parts.next().unwrap(),
    );
    let header: serde_json::Value = serde_json::from_slice(&b64url_decode(h)).unwrap();
    let certs: Vec<X509> = header["x5c"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            X509::from_der(&openssl::base64::decode_block(e.as_str().unwrap()).unwrap()).unwrap()
        })
        .collect();
    let leaf = write(d.path(), "leaf.pem", certs[0].to_pem().unwrap());
    let untrusted = write(
        d.path(),
        "untrusted.pem",
        pem(&certs[1..].iter().collect::<Vec<_>>()),
    );
    let root = write(d.path(), "root.pem", pem(&[&c.root]));
    let o = std::process::Command::new("openssl")
        .args(["verify", "-CAfile", &root, "-untrusted", &untrusted, &leaf])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    let input = write(d.path(), "input", format!("{h}.{p}"));
    let sig = write(d.path(), "sig", b64url_decode(s));
    let pubkey = write(
        d.path(),
        "leaf.pub",
        certs[0].public_key().unwrap().public_key_to_pem().unwrap(),
    );
    let o = std::process::Command::new("openssl")
        .args([
            "dgst",
            "-sha256",
            "-verify",
            &pubkey,
            "-signature",
            &sig,
            &input,
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// PyJWT (with pyca/cryptography) takes the key from the leaf of the chain jwtctl wrote and
/// verifies the token with it; the other way, a token PyJWT signs with an `x5c` header that
/// the test supplies verifies with `jwtctl verify --ca`.
#[test]
fn pyjwt_verifies_with_the_leaf_and_signs_for_jwtctl() {
    let Some(cmd) = crate::peers::peer("PyJWT", crate::peers::python(), true) else {
        return;
    };
    let py = &cmd[0];
    let d = tempdir();
    let c = chain_with(leaf_spec("Leaf"), &fixture_key(LEAF_KEY));
    let t = sign_with(d.path(), &[&c.leaf, &c.int], &[]);
    let script = r#"
import base64, json, sys, jwt
from cryptography.x509 import load_der_x509_certificate
token, leaf_key, x5c = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
header = jwt.get_unverified_header(token)
leaf = load_der_x509_certificate(base64.b64decode(header["x5c"][0]))
claims = jwt.decode(token, leaf.public_key(), algorithms=["ES256"], options={"verify_exp": False})
print(claims["sub"])
with open(leaf_key) as f:
    print(jwt.encode({"sub": "from-pyjwt"}, f.read(), algorithm="ES256", headers={"x5c": x5c}))
"#;
    let x5c = serde_json::json!([
        openssl::base64::encode_block(&c.leaf.to_der().unwrap()),
        openssl::base64::encode_block(&c.int.to_der().unwrap())
    ]);
    let o = std::process::Command::new(py)
        .args(["-c", script, &t, &key(LEAF_KEY), &x5c.to_string()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    let mut lines = out.lines();
    assert_eq!(lines.next(), Some("alice"));
    let theirs = lines.next().unwrap();
    let v = assert_ok(&verify(d.path(), &[&c.root], theirs, &[]));
    assert!(v.contains("from-pyjwt"), "{v}");
}
