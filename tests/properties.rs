//! Property tests (proptest): round trips for arbitrary claims and plaintexts with every
//! algorithm, tamper rejection, inspection of any numeric time claims, and the time parser's
//! stability. The round trips run through the library (hundreds of cases per property); the
//! exit-code properties run the binary, batching many tokens into one process where it can.

use std::sync::OnceLock;

use proptest::prelude::*;
use serde_json::{Map, Value};

use jwtctl::crypto::Signer;
use jwtctl::jwa::{JweAlg, JweEnc, JwsAlg};
use jwtctl::jwe::{self, DecryptOptions, EncryptOptions};
use jwtctl::jws::{self, Serialization, SignOptions};
use jwtctl::jwt::ClaimRules;
use jwtctl::jwt::verify_token;
use jwtctl::keys::{Key, KeySet, load_key_file};
use jwtctl::report::Report;
use jwtctl::verify::KeyRing;

use crate::util::*;

fn load(name: &str) -> KeySet {
    load_key_file(&fixture(&format!("keys/{name}")), None).unwrap()
}

fn secret64() -> Key {
    Key::from_secret(std::fs::read(fixture("keys/hmac64.bin")).unwrap())
}

/// (algorithm, signing key, verifying key set) for every JWS algorithm.
fn signing_cases() -> &'static [(JwsAlg, Key, KeyRing)] {
    static CASES: OnceLock<Vec<(JwsAlg, Key, KeyRing)>> = OnceLock::new();
    CASES.get_or_init(|| {
        JwsAlg::ALL
            .into_iter()
            .map(|alg| {
                let (private, public) = match alg {
                    a if a.is_hmac() => (None, None),
                    JwsAlg::RS256
                    | JwsAlg::RS384
                    | JwsAlg::RS512
                    | JwsAlg::PS256
                    | JwsAlg::PS384
                    | JwsAlg::PS512 => (Some("rsa.pkcs8.pem"), Some("rsa.spki.pem")),
                    JwsAlg::ES256 => (Some("ec-p256.pkcs8.pem"), Some("ec-p256.spki.pem")),
                    JwsAlg::ES384 => (Some("ec-p384.pkcs8.pem"), Some("ec-p384.spki.pem")),
                    JwsAlg::ES512 => (Some("ec-p521.pkcs8.pem"), Some("ec-p521.spki.pem")),
                    JwsAlg::ES256K => (
                        Some("ec-secp256k1.pkcs8.pem"),
                        Some("ec-secp256k1.spki.pem"),
                    ),
                    JwsAlg::Ed448 => (Some("ed448.pkcs8.pem"), Some("ed448.spki.pem")),
                    _ => (Some("ed25519.pkcs8.pem"), Some("ed25519.spki.pem")),
                };
                let key = private.map_or_else(secret64, |p| load(p).keys.remove(0));
                let set = public.map_or_else(
                    || KeySet {
                        keys: vec![secret64()],
                        is_set: false,
                    },
                    load,
                );
                (alg, key, KeyRing::new(set, &[alg], false).unwrap())
            })
            .collect()
    })
}

/// Any JSON value: huge and negative integers, floats, unicode and empty strings, nesting.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("JSON has no NaN or infinity", |f| f.is_finite())
            .prop_map(Value::from),
        any::<String>().prop_map(Value::String),
        Just(Value::String(String::new())),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(any::<String>(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A claims set whose registered time and audience members, if any, do not fail the rules.
fn claims() -> impl Strategy<Value = Map<String, Value>> {
    prop::collection::btree_map(any::<String>(), json_value(), 0..8).prop_map(|m| {
        m.into_iter()
            .filter(|(k, _)| !matches!(k.as_str(), "exp" | "nbf" | "iat" | "aud" | "jti"))
            .collect()
    })
}

fn permissive() -> ClaimRules {
    ClaimRules {
        any_aud: true,
        now: 1_795_000_000,
        ..ClaimRules::default()
    }
}

fn sign_claims(alg: JwsAlg, key: &Key, claims: &Map<String, Value>, ser: Serialization) -> String {
    let mut header = Map::new();
    header.insert("alg".into(), alg.name().into());
    header.insert("typ".into(), "JWT".into());
    let payload = serde_json::to_vec(claims).unwrap();
    let signer = Signer::new(alg, key).unwrap();
    jws::sign(
        &payload,
        header,
        Some(&signer),
        SignOptions {
            serialization: ser,
            detached: false,
            unencoded: false,
        },
    )
    .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// sign → verify for any claims set, with every JWS algorithm and serialization: the
    /// verified payload is the signed one, byte for byte.
    #[test]
    fn sign_then_verify_round_trips(
        claims in claims(),
        which in 0..JwsAlg::ALL.len(),
        ser in prop_oneof![
            Just(Serialization::Compact),
            Just(Serialization::Flattened),
            Just(Serialization::General)
        ],
    ) {
        let (alg, key, ring) = &signing_cases()[which];
        let token = sign_claims(*alg, key, &claims, ser);
        let verifiers = ring.verifiers();
        let v = verify_token(&token, &verifiers, &permissive(), None, true, &mut Report::default());
        let v = v.map_err(|r| TestCaseError::fail(format!("{alg}: {r}")))?;
        prop_assert_eq!(v.payload, serde_json::to_vec(&claims).unwrap());
        prop_assert!(v.claims.is_some());
    }

    /// TIME and DURATION: parse → format → parse gives the same value.
    #[test]
    fn times_and_durations_are_stable(
        t in -62_167_219_200i64..=253_402_300_799,
        d in 0u64..=10_000_000_000,
    ) {
        let now = 1_795_000_000;
        let text = jwtctl::time::format_timestamp(t);
        let parsed = jwtctl::time::parse_time(&text, now).unwrap();
        prop_assert_eq!(parsed, t);
        prop_assert_eq!(jwtctl::time::format_timestamp(parsed), text);
        prop_assert_eq!(jwtctl::time::parse_time(&t.to_string(), now).unwrap(), t);
        let human = humantime::format_duration(std::time::Duration::from_secs(d)).to_string();
        prop_assert_eq!(jwtctl::time::parse_duration(&human).unwrap(), d);
        prop_assert_eq!(jwtctl::time::parse_duration(&d.to_string()).unwrap(), d);
        // A relative time is now ± the duration, when it fits.
        if let Some(later) = now.checked_add(i64::try_from(d).unwrap()) {
            prop_assert_eq!(jwtctl::time::parse_time(&format!("+{human}"), now).unwrap(), later);
        }
    }
}

/// One key per JWE algorithm family: (encrypting key, decrypting set).
fn jwe_keys(alg: &str, enc: &str) -> (Key, KeySet) {
    let oct = |bytes: usize| {
        let k = vec![0x5au8; bytes];
        (
            Key::from_secret(k.clone()),
            KeySet {
                keys: vec![Key::from_secret(k)],
                is_set: false,
            },
        )
    };
    let pair = |private: &str, public: &str| (load(public).keys.remove(0), load(private));
    match alg {
        a if a.starts_with("RSA") => pair("rsa.pkcs8.pem", "rsa.spki.pem"),
        a if a.starts_with("ECDH-ES") && enc.contains("GCM") => {
            pair("x25519.pkcs8.pem", "x25519.spki.pem")
        }
        a if a.starts_with("ECDH-ES") => pair("ec-p256.pkcs8.pem", "ec-p256.spki.pem"),
        a if a.starts_with("PBES2") => oct(11),
        "A128KW" | "A128GCMKW" => oct(16),
        "A192KW" | "A192GCMKW" => oct(24),
        "A256KW" | "A256GCMKW" => oct(32),
        _ => oct(JweEnc::from_name(enc).unwrap().key_len()),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 150, ..ProptestConfig::default() })]

    /// encrypt → decrypt for any bytes, with every key algorithm × content encryption, with
    /// and without compression: the plaintext comes back exactly.
    #[test]
    fn encrypt_then_decrypt_round_trips(
        plaintext in prop::collection::vec(any::<u8>(), 0..2048),
        a in 0..JweAlg::ALL.len(),
        e in 0..JweEnc::ALL.len(),
        zip in any::<bool>(),
        ser in prop_oneof![
            Just(Serialization::Compact),
            Just(Serialization::Flattened),
            Just(Serialization::General)
        ],
    ) {
        let (alg, enc) = (JweAlg::ALL[a].name(), JweEnc::ALL[e].name());
        // RSA1_5 is only ever decrypted (RFC 8725); the vectors test that.
        prop_assume!(alg != "RSA1_5");
        let (key, set) = jwe_keys(alg, enc);
        let opts = EncryptOptions {
            alg: Some(JweAlg::ALL[a]),
            enc: JweEnc::ALL[e],
            zip,
            header: Map::new(),
            serialization: ser,
            p2c: 1000,
        };
        let token = jwe::encrypt(&plaintext, &key, &opts)
            .map_err(|err| TestCaseError::fail(format!("{alg} {enc}: {err}")))?;
        let d = jwe::decrypt(&token, &set, &DecryptOptions {
            allow_rsa1_5: true,
            ..DecryptOptions::default()
        }).map_err(|r| TestCaseError::fail(format!("{alg} {enc}: {r}")))?;
        prop_assert_eq!(&d.plaintext, &plaintext);

        // Any single-byte change to a compact token is refused.
        if ser == Serialization::Compact {
            let mut bytes = token.clone().into_bytes();
            let i = plaintext.len() % bytes.len();
            let was = bytes[i];
            bytes[i] = if was == b'A' { b'B' } else { b'A' };
            let tampered = String::from_utf8(bytes).unwrap();
            if tampered != token {
                prop_assert!(jwe::decrypt(&tampered, &set, &DecryptOptions {
                    allow_rsa1_5: true,
                    ..DecryptOptions::default()
                }).is_err(), "{} {}: byte {} changed and it still decrypts", alg, enc, i);
            }
        }
    }
}

/// Replaces byte `i` of `token` by another base64url character (or, for a JSON token, another
/// printable character), so that the result is always a different string.
fn change_byte(token: &str, i: usize, to: u8) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.";
    let mut b = token.as_bytes().to_vec();
    let i = i % b.len();
    let mut c = ALPHABET[usize::from(to) % ALPHABET.len()];
    if c == b[i] {
        c = if c == b'A' { b'B' } else { b'A' };
    }
    b[i] = c;
    String::from_utf8(b).unwrap()
}

/// Any single-byte change to a signed token is rejected with exit 1, for every JWS
/// algorithm: thousands of tampered tokens through `verify --batch`, one process per key.
#[test]
fn every_single_byte_change_to_a_jws_is_rejected() {
    for (alg, key, _) in signing_cases() {
        let mut claims = Map::new();
        claims.insert("sub".into(), "alice".into());
        claims.insert("n".into(), 12345.into());
        let token = sign_claims(*alg, key, &claims, Serialization::Compact);
        let mut lines = Vec::new();
        for i in 0..token.len() {
            for to in [0u8, 17, 40] {
                let t = change_byte(&token, i, to);
                // A change in a base64url tail that decodes to the same bytes is not a
                // change to the token's content; everything else must fail.
                if jwtctl::jws::parse(&t).is_ok_and(|parsed| same_content(&parsed, &token)) {
                    continue;
                }
                lines.push(t);
            }
        }
        let input = lines.join("\n");
        let (vk, secret) = match alg {
            a if a.is_hmac() => (None, Some(hmac_secret())),
            _ => (Some(public_fixture(*alg)), None),
        };
        let mut cmd = jwtctl();
        cmd.args(["verify", "--batch", "--any-aud", "--alg", alg.name()]);
        if let Some(k) = &vk {
            cmd.args(["--key", k]);
        }
        if let Some(s) = &secret {
            cmd.args(["--secret", s]);
        }
        let o = run(cmd.write_stdin(input));
        assert_eq!(o.status.code(), Some(1), "{alg}: {}", stderr(&o));
        let out = stdout(&o);
        assert_eq!(out.lines().count(), lines.len(), "{alg}");
        for (line, t) in out.lines().zip(&lines) {
            assert!(
                line.contains("\"valid\":false"),
                "{alg}: {t} verified: {line}"
            );
        }
    }
}

fn public_fixture(alg: JwsAlg) -> String {
    key(match alg {
        JwsAlg::ES256 => "ec-p256.spki.pem",
        JwsAlg::ES384 => "ec-p384.spki.pem",
        JwsAlg::ES512 => "ec-p521.spki.pem",
        JwsAlg::ES256K => "ec-secp256k1.spki.pem",
        JwsAlg::Ed448 => "ed448.spki.pem",
        JwsAlg::EdDSA | JwsAlg::Ed25519 => "ed25519.spki.pem",
        _ => "rsa.spki.pem",
    })
}

/// True when a changed token decodes to exactly the original header, payload and signature
/// (possible only in the unused low bits of a base64url segment's last character).
fn same_content(parsed: &jwtctl::jws::Token<'_>, original: &str) -> bool {
    let (jwtctl::jws::Token::Jws(a), Ok(jwtctl::jws::Token::Jws(b))) =
        (parsed, jwtctl::jws::parse(original))
    else {
        return false;
    };
    let decode =
        |s: &Option<std::borrow::Cow<str>>| s.as_deref().map(jwtctl::encoding::b64url_decode);
    a.signatures[0].protected == b.signatures[0].protected
        && a.signatures[0].signature == b.signatures[0].signature
        && decode(&a.payload_segment).map(Result::ok) == decode(&b.payload_segment).map(Result::ok)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// `inspect` succeeds, in both renderings, on any numeric time claims.
    #[test]
    fn inspect_renders_any_numeric_times(
        iat in any::<f64>().prop_filter("finite", |f| f.is_finite()),
        exp in any::<i64>(),
        nbf in prop_oneof![any::<i64>().prop_map(Value::from), Just(Value::from(-1e300))],
    ) {
        let claims = serde_json::json!({"iat": iat, "exp": exp, "nbf": nbf});
        let token = format!(
            "{}.{}.",
            b64url(br#"{"alg":"HS256","typ":"JWT"}"#),
            b64url(claims.to_string().as_bytes())
        );
        for args in [vec!["inspect"], vec!["inspect", "--json"]] {
            let o = run(jwtctl().args(&args).arg(&token).env("JWTCTL_TEST_TTY", "1"));
            prop_assert_eq!(o.status.code(), Some(0), "{}: {}", claims, stderr(&o));
        }
    }
}

/// Any single-byte change to an encrypted token is refused with exit 1 by the binary (the
/// library property above covers every alg × enc; this checks the exit code, for one AEAD
/// and one CBC+HMAC token, changing every third byte).
#[test]
fn every_single_byte_change_to_a_jwe_is_rejected() {
    let dir = tempdir();
    let k = write(
        dir.path(),
        "k.jwk",
        r#"{"kty":"oct","k":"GawgguFyGrWKav7AX4VKUg"}"#,
    );
    for (alg, enc) in [("A128KW", "A128GCM"), ("A128GCMKW", "A128CBC-HS256")] {
        let token = assert_ok(&run(jwtctl().args([
            "encrypt",
            "--key",
            &k,
            "--alg",
            alg,
            "--enc",
            enc,
            "plaintext",
        ])));
        let token = token.trim();
        for i in (0..token.len()).step_by(3) {
            let t = change_byte(token, i, 7);
            if t.split('.').count() == 5 && decodes_same(&t, token) {
                continue;
            }
            let o = run(jwtctl().args(["decrypt", "--key", &k, &t]));
            assert_fails(&o, 1);
        }
    }
}

/// True when two compact tokens decode to the same bytes part by part.
fn decodes_same(a: &str, b: &str) -> bool {
    a.split('.').zip(b.split('.')).all(|(x, y)| {
        x == y
            || matches!(
                (jwtctl::encoding::b64url_decode(x), jwtctl::encoding::b64url_decode(y)),
                (Ok(p), Ok(q)) if p == q
            )
    })
}

/// SD-JWT: issue claims with every member selectively disclosable (top level, inside an
/// object recursively, array elements), present any subset by path, and processing gives
/// exactly that subset — with the ancestors a nested path needs, and nothing else.
fn sd_expected(
    top: &[(String, i64)],
    members: &[(String, String)],
    elements: &[String],
    pick_top: &[bool],
    pick_obj: bool,
    pick_members: &[bool],
    pick_elements: &[bool],
) -> Map<String, Value> {
    let mut want = Map::new();
    for ((k, v), p) in top.iter().zip(pick_top) {
        if *p {
            want.insert(k.clone(), (*v).into());
        }
    }
    let any_member = pick_members.iter().any(|p| *p);
    if pick_obj || any_member {
        let mut obj = Map::new();
        for ((k, v), p) in members.iter().zip(pick_members) {
            if *p {
                obj.insert(k.clone(), v.clone().into());
            }
        }
        want.insert("obj".into(), Value::Object(obj));
    }
    let arr: Vec<Value> = elements
        .iter()
        .zip(pick_elements)
        .filter(|(_, p)| **p)
        .map(|(e, _)| e.clone().into())
        .collect();
    want.insert("arr".into(), Value::Array(arr));
    want
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn sd_jwt_present_any_subset(
        top in prop::collection::vec(("[a-z]{1,6}", any::<i64>()), 0..5),
        members in prop::collection::vec(("[a-z]{1,6}", ".{0,8}"), 0..4),
        elements in prop::collection::vec(".{0,6}", 0..4),
        picks in prop::collection::vec(any::<bool>(), 16),
        decoys in 0usize..3,
    ) {
        use jwtctl::sd_jwt::{IssueOptions, SdAlg, SdPath, conceal, process, select};
        // Distinct names, none clashing with the fixed ones.
        let mut seen = std::collections::HashSet::new();
        let top: Vec<(String, i64)> = top.into_iter().filter(|(k, _)| k != "obj" && k != "arr" && seen.insert(k.clone())).collect();
        let mut seen = std::collections::HashSet::new();
        let members: Vec<(String, String)> = members.into_iter().filter(|(k, _)| seen.insert(k.clone())).collect();
        let mut claims = Map::new();
        for (k, v) in &top {
            claims.insert(k.clone(), (*v).into());
        }
        let obj: Map<String, Value> = members.iter().map(|(k, v)| (k.clone(), v.clone().into())).collect();
        claims.insert("obj".into(), Value::Object(obj));
        claims.insert("arr".into(), Value::Array(elements.iter().cloned().map(Value::from).collect()));
        let mut paths: Vec<String> = top.iter().map(|(k, _)| k.clone()).collect();
        paths.push("obj".into());
        paths.extend(members.iter().map(|(k, _)| format!("obj.{k}")));
        if !elements.is_empty() {
            paths.push("arr[]".into());
        }
        let parsed: Vec<SdPath> = paths.iter().map(|p| SdPath::parse(p).unwrap()).collect();
        let disclosures = conceal(&mut claims, &parsed, &IssueOptions { decoys, alg: SdAlg::Sha256 }).unwrap();
        let pick = |i: usize| picks.get(i % picks.len()).copied().unwrap_or(false);
        let pick_top: Vec<bool> = (0..top.len()).map(pick).collect();
        let pick_obj = pick(5);
        let pick_members: Vec<bool> = (0..members.len()).map(|i| pick(6 + i)).collect();
        let pick_elements: Vec<bool> = (0..elements.len()).map(|i| pick(10 + i)).collect();
        let mut chosen = Vec::new();
        for ((k, _), p) in top.iter().zip(&pick_top) {
            if *p { chosen.push(k.clone()); }
        }
        if pick_obj { chosen.push("obj".into()); }
        for ((k, _), p) in members.iter().zip(&pick_members) {
            if *p { chosen.push(format!("obj.{k}")); }
        }
        for (i, p) in pick_elements.iter().enumerate() {
            if *p { chosen.push(format!("arr[{i}]")); }
        }
        let chosen: Vec<SdPath> = chosen.iter().map(|p| SdPath::parse(p).unwrap()).collect();
        let kept = select(&claims, &disclosures, &chosen, false).unwrap();
        let got = process(&claims, &kept, true).unwrap();
        let want = sd_expected(&top, &members, &elements, &pick_top, pick_obj, &pick_members, &pick_elements);
        prop_assert_eq!(Value::Object(got.claims), Value::Object(want));
        // Every disclosure, and the full claims come back.
        let all = process(&claims, &disclosures, true).unwrap();
        prop_assert_eq!(all.references.len(), disclosures.len());
    }
}
