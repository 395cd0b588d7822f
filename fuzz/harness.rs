//! The bodies of the fuzz targets, shared by `fuzz/fuzz_targets/*.rs` (cargo-fuzz, nightly)
//! and by the regression replay in `tests/fuzz_regressions.rs` (stable `cargo test`), so a
//! crash input found once is checked by every CI run after.
//!
//! Each function takes arbitrary bytes and must return without panicking, whatever they are.
//! Keys are fixed (built once per process); the input is the token, key file, time or claims.

#![allow(dead_code)]

use std::sync::OnceLock;

use jwtctl::jwa::JwsAlg;
use jwtctl::jwe::{DecryptOptions, decrypt};
use jwtctl::jwt::verify_token;
use jwtctl::jwt::{ClaimRules, validate};
use jwtctl::keys::{Key, KeySet, load_key_bytes};
use jwtctl::report::Report;
use jwtctl::verify::KeyRing;

/// A fixed "now" so that runs are reproducible.
const NOW: i64 = 1_795_000_000;

/// A fuzz target's body.
pub type Target = fn(&[u8]);

/// The fuzz targets by name, as `fuzz/fuzz_targets/` and the regression folders name them.
pub const TARGETS: [(&str, Target); 12] = [
    ("parse_inspect", parse_inspect),
    ("verify_jws", verify_jws),
    ("decrypt_jwe", decrypt_jwe),
    ("load_key", load_key),
    ("time_parse", time_parse),
    ("claims_validate", claims_validate),
    ("remote_documents", remote_documents),
    ("x5c_chain", x5c_chain),
    ("sd_jwt", sd_jwt),
    ("issuer_requests", issuer_requests),
    ("dpop_proof", dpop_proof),
    ("oauth_answers", oauth_answers),
];

fn text(data: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(data)
}

/// Token parsing (compact, flattened and general JSON, JWS and JWE) and inspection.
pub fn parse_inspect(data: &[u8]) {
    let t = text(data);
    let _ = jwtctl::jws::parse(&t);
    if let Ok(ins) = jwtctl::inspect::inspect(&t, NOW) {
        let _ = ins.to_json().to_string();
    }
}

fn ring(jwk: &str, algs: &[JwsAlg]) -> KeyRing {
    let set = load_key_bytes(jwk.as_bytes(), "fuzz key", None).expect("fixed fuzz key loads");
    KeyRing::new(set, algs, false).expect("fixed fuzz key fits")
}

fn rings() -> &'static [KeyRing] {
    static RINGS: OnceLock<Vec<KeyRing>> = OnceLock::new();
    RINGS.get_or_init(|| {
        vec![
            ring(
                r#"{"kty":"oct","kid":"h","k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"}"#,
                &[],
            ),
            ring(
                r#"{"keys":[{"kty":"EC","kid":"e","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]}"#,
                &[JwsAlg::ES256],
            ),
        ]
    })
}

/// JWS verification against an HMAC key and an EC key set, with claim rules on and off; the
/// first byte picks the rules and whether a detached payload is supplied.
pub fn verify_jws(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let t = text(rest);
    let rules = if mode & 1 == 0 {
        ClaimRules {
            now: NOW,
            ..ClaimRules::default()
        }
    } else {
        ClaimRules {
            iss: vec!["https://issuer.example".into()],
            aud: vec!["api".into()],
            sub: Some("alice".into()),
            typ: Some("JWT".into()),
            require: vec!["jti".into()],
            leeway: u64::MAX,
            max_age: Some(u64::MAX),
            now: NOW,
            ..ClaimRules::default()
        }
    };
    let detached: Option<&[u8]> = (mode & 2 != 0).then_some(b"detached".as_slice());
    for ring in rings() {
        let verifiers = ring.verifiers();
        let mut report = Report::recording();
        let _ = verify_token(&t, &verifiers, &rules, detached, mode & 4 != 0, &mut report);
    }
}

fn jwe_keys() -> &'static [KeySet] {
    static KEYS: OnceLock<Vec<KeySet>> = OnceLock::new();
    KEYS.get_or_init(|| {
        let load = |b: &[u8]| load_key_bytes(b, "fuzz key", None).expect("fixed fuzz key loads");
        vec![
            // 16 bytes: A128KW, A128GCMKW, and dir with A128GCM.
            load(br#"{"kty":"oct","k":"GawgguFyGrWKav7AX4VKUg"}"#),
            load(include_bytes!("../tests/fixtures/keys/rsa.pkcs8.pem")),
            KeySet {
                keys: vec![Key::from_secret(b"fuzz password".to_vec())],
                is_set: false,
            },
        ]
    })
}

/// JWE decryption with an AES key, an RSA key and a password, `zip` included, under small
/// limits so that a run stays fast.
pub fn decrypt_jwe(data: &[u8]) {
    let t = text(data);
    let opts = DecryptOptions {
        max_p2c: 2000,
        max_plaintext: 1 << 20,
        allow_rsa1_5: true,
        ..DecryptOptions::default()
    };
    for keys in jwe_keys() {
        let _ = decrypt(&t, keys, &opts);
    }
}

/// Key loading from arbitrary bytes (PEM, DER, JWK and JWKS sniffing), then everything the
/// tool does with a loaded key.
pub fn load_key(data: &[u8]) {
    for pass in [None, Some(b"passphrase".as_slice())] {
        let Ok(set) = load_key_bytes(data, "fuzz", pass) else {
            continue;
        };
        for k in &set.keys {
            let _ = jwtctl::inspect::describe_key(k);
            let _ = k.to_jwk(true);
            let _ = k.to_jwk(false);
            let _ = k.thumbprint();
            let _ = k.rsa_weakness();
        }
        let _ = KeyRing::new(set, &[], true);
    }
}

/// The TIME and DURATION parsers, and formatting of any timestamp.
pub fn time_parse(data: &[u8]) {
    let t = text(data);
    let now = data
        .get(..8)
        .and_then(|b| <[u8; 8]>::try_from(b).ok())
        .map_or(NOW, i64::from_le_bytes);
    if let Ok(v) = jwtctl::time::parse_time(&t, now) {
        let _ = jwtctl::time::format_timestamp(v);
        let _ = jwtctl::time::format_relative(v, now);
    }
    if let Ok(d) = jwtctl::time::parse_duration(&t) {
        let _ = jwtctl::time::format_span(d);
    }
    let _ = jwtctl::time::format_timestamp(now);
    let _ = jwtctl::time::format_relative(now, NOW);
    let _ = jwtctl::time::format_relative(i64::MIN, now);
}

/// Claims validation: the input is a JSON claims set, checked against strict rules.
pub fn claims_validate(data: &[u8]) {
    use jwtctl::encoding::{
        is_compact_canonical, parse_object_sparse, parse_object_strict, scan_canonical_object,
    };
    // The batch fast path's promises, checked on every input: the sparse parse accepts
    // exactly what the strict parse accepts (and keeps the same members), canonical text
    // re-serializes to itself, and what the one-pass scan accepts is canonical and keeps what
    // the sparse parse keeps.
    let strict = parse_object_strict(data);
    let sparse = parse_object_sparse(data, &|name| name == "exp" || name == "aud");
    if let Some(scanned) = scan_canonical_object(data, &|name| name == "exp" || name == "aud") {
        assert!(
            is_compact_canonical(data),
            "the scan accepted non-canonical text"
        );
        assert_eq!(
            Some(&scanned),
            sparse.as_ref(),
            "the scan and the sparse parse disagree"
        );
    }
    assert_eq!(
        strict.is_ok(),
        sparse.is_some(),
        "sparse and strict parses disagree"
    );
    let Ok(claims) = strict else {
        return;
    };
    if let Some(part) = sparse {
        let expect: Vec<_> = claims
            .iter()
            .filter(|(k, _)| *k == "exp" || *k == "aud")
            .map(|(k, v)| (k.as_str(), v))
            .collect();
        assert_eq!(
            part.iter().collect::<Vec<_>>(),
            expect,
            "the sparse parse kept other members"
        );
    }
    if is_compact_canonical(data) {
        let again =
            jwtctl::encoding::to_json_text(&serde_json::Value::Object(claims.clone()), false);
        assert_eq!(
            again.as_bytes(),
            data,
            "canonical text does not re-serialize to itself"
        );
    }
    let header = serde_json::Map::new();
    for leeway in [0, 60, u64::MAX] {
        let rules = ClaimRules {
            iss: vec!["https://issuer.example".into()],
            aud: vec!["api".into()],
            sub: Some("alice".into()),
            require: vec!["exp".into(), "jti".into()],
            leeway,
            max_age: Some(leeway),
            now: NOW,
            revoked: Some(["revoked".to_string()].into_iter().collect()),
            ..ClaimRules::default()
        };
        let mut report = Report::recording();
        let _ = validate(&header, &claims, &rules, &mut report);
        let any = ClaimRules {
            any_aud: true,
            now: i64::MIN,
            leeway,
            ..ClaimRules::default()
        };
        let _ = validate(&header, &claims, &any, &mut Report::default());
    }
}

/// What servers send and what the cache keeps: a key set (published and private), a discovery
/// document, and a cache entry (whose headers go through the caching rules).
pub fn remote_documents(data: &[u8]) {
    use jwtctl::remote::{RemoteUrl, discovery, exercise_cache_entry, json_object};
    let url = RemoteUrl::parse("https://issuer.example/.well-known/openid-configuration")
        .expect("fixed URL");
    if let Ok(set) = json_object(data, &url) {
        let _ = jwtctl::keys::load_published_set(&set, "fuzz", false);
        let _ = jwtctl::keys::load_published_set(&set, "fuzz", true);
    }
    let _ = discovery::parse_document(data, &url, "https://issuer.example");
    exercise_cache_entry(data, &url);
}

/// Certificate chains: the input as certificate or CRL files, as a header whose `x5c` is
/// parsed and validated against its own last certificate as the anchor, and as one DER
/// certificate carried in an `x5c` and pinned as its own anchor.
pub fn x5c_chain(data: &[u8]) {
    use jwtctl::x5c::{TrustPolicy, chain_from_header, load_certs, load_crl};
    let _ = load_certs(data, "fuzz");
    let _ = load_crl(data, "fuzz");
    let header = match serde_json::from_slice::<serde_json::Value>(data) {
        Ok(serde_json::Value::Object(h)) => h,
        _ => {
            let b64 = jwtctl::encoding::b64url(data)
                .replace('-', "+")
                .replace('_', "/");
            let mut h = serde_json::Map::new();
            h.insert("x5c".into(), serde_json::json!([b64]));
            h
        }
    };
    let (Ok(Some(certs)), Ok(Some(again))) = (
        chain_from_header(&header, 10),
        chain_from_header(&header, 10),
    ) else {
        return;
    };
    let anchors = again
        .into_iter()
        .last()
        .map(std::sync::Arc::new)
        .into_iter()
        .collect();
    let policy = TrustPolicy {
        anchors,
        crls: Vec::new(),
        leaf_name: Some("a.example".into()),
        leaf_oids: vec!["1.2.840.113635.100.6.11.1".into()],
        max_chain: 10,
    };
    for c in &certs {
        let _ = jwtctl::x5c::describe(c);
    }
    let _ = policy.validate(&header, certs, NOW);
}

/// SD-JWT: the input as an SD-JWT (compact or JSON) split, inspected, processed strictly and
/// leniently, and verified with a fixed ES256 key; and as a payload (JSON) processed with
/// disclosures built from its own string members, then presented by a path.
pub fn sd_jwt(data: &[u8]) {
    use jwtctl::sd_jwt::{SdJwt, SdPath, SdRules, process, select};
    let s = text(data);
    if let Ok(sd) = SdJwt::parse(&s) {
        let _ = sd.hash_input();
        let _ = sd.serialize(&sd.disclosures, sd.kb_jwt.as_deref());
        let _ = jwtctl::inspect::inspect(&s, NOW);
        if let Some(ring) = rings().get(1) {
            let mut issuer = |t: &str, r: &ClaimRules, rep: &mut Report| {
                verify_token(t, &ring.verifiers(), r, None, true, rep).map_err(jwtctl::Error::from)
            };
            let rules = ClaimRules {
                now: NOW,
                any_aud: true,
                ..ClaimRules::default()
            };
            let _ = jwtctl::sd_jwt::verify(
                &s,
                &mut issuer,
                &rules,
                &SdRules::default(),
                &mut Report::recording(),
            );
        }
    }
    if let Ok(serde_json::Value::Object(payload)) =
        serde_json::from_slice::<serde_json::Value>(data)
    {
        let disclosures: Vec<String> = payload
            .values()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect();
        for strict in [true, false] {
            let _ = process(&payload, &disclosures, strict);
        }
        if let Ok(p) = SdPath::parse(payload.keys().next().map_or("a", String::as_str)) {
            let _ = select(&payload, &disclosures, &[p], false);
        }
    }
}

/// The mock identity provider's answers to a sequence of requests (steps split by 0xFF; each
/// step's first byte picks the endpoint, the rest is its form or query). State carries over,
/// and `TICKET`, `CSRF`, `CODE`, `REFRESH`, `ACCESS`, `USERCODE` and `DEVICECODE` in a step
/// stand for the values the
/// previous answers gave, so the fuzzer reaches logins, code exchanges and refreshes.
pub fn issuer_requests(data: &[u8]) {
    use jwtctl::issuer::{
        Answer, BrowserRequest, Client, Issuer, IssuerConfig, TokenRequest, User, parse_form,
    };
    // A fresh issuer per input: a crash then depends on this input alone, and nothing
    // accumulates between runs (which the leak checker would scan over and over).
    static KEY: OnceLock<Vec<u8>> = OnceLock::new();
    let pem =
        KEY.get_or_init(|| include_bytes!("../tests/fixtures/keys/ec-p256.pkcs8.pem").to_vec());
    let Some(issuer) = (|| {
        let key = load_key_bytes(pem, "fuzz", None).ok()?.keys.pop()?;
        let cfg = IssuerConfig {
            issuer: "http://127.0.0.1:1".into(),
            clients: vec![
                Client {
                    id: "web".into(),
                    ..Client::default()
                },
                Client {
                    id: "conf".into(),
                    secret: Some("pw".into()),
                    ..Client::default()
                },
            ],
            users: vec![User::parse(r#"alice:{"email":"a@example.com","name":"A"}"#).ok()?],
            lifetime: 60,
            ..IssuerConfig::default()
        };
        Issuer::new(cfg, vec![key]).ok()
    })() else {
        return;
    };
    let _ = User::parse(&text(data));
    let mut last: Vec<(&str, String)> = Vec::new();
    let mut cookies: Vec<(String, String)> = Vec::new();
    for step in data.split(|b| *b == 0xFF) {
        let Some((&mode, rest)) = step.split_first() else {
            continue;
        };
        let mut body = text(rest).into_owned();
        for (name, value) in &last {
            body = body.replace(name, value);
        }
        let Ok(params) = parse_form(body.as_bytes()) else {
            continue;
        };
        let br = BrowserRequest {
            params: params.clone(),
            cookies: cookies.clone(),
        };
        let basic = || Some("Basic Y29uZjpwdw==".to_string());
        let form_request = |authorization: Option<String>| TokenRequest {
            authorization,
            form: params.clone(),
            dpop: None,
        };
        let answer = match mode % 11 {
            0 => Some(issuer.authorize(&br, NOW)),
            1 => Some(issuer.login(&br, NOW)),
            2 => Some(issuer.end_session(&br)),
            3 | 4 => {
                let authorization = (mode % 11 == 4).then(basic).flatten();
                if let Ok(v) = issuer.token(&form_request(authorization), NOW) {
                    for (k, name) in [("refresh_token", "REFRESH"), ("access_token", "ACCESS")] {
                        if let Some(t) = v.get(k).and_then(|t| t.as_str()) {
                            last.push((name, t.to_string()));
                        }
                    }
                }
                None
            }
            5 => {
                let _ = issuer.userinfo(Some(&format!("Bearer {body}")), None, None, "GET", NOW);
                None
            }
            6 => {
                let _ = issuer.introspect(&form_request(basic()), NOW);
                None
            }
            7 => {
                let _ = issuer.revoke(&form_request(basic()), NOW);
                None
            }
            8 => {
                if let Ok(v) = issuer.device_authorization(&form_request(None), NOW) {
                    if let Some(code) = v.get("user_code").and_then(|t| t.as_str()) {
                        last.push(("USERCODE", code.to_string()));
                    }
                    if let Some(code) = v.get("device_code").and_then(|t| t.as_str()) {
                        last.push(("DEVICECODE", code.to_string()));
                    }
                }
                None
            }
            9 => Some(issuer.device_verify(&br, NOW)),
            _ => {
                let _ = issuer.flawed_token(&body, NOW);
                None
            }
        };
        match answer {
            Some(Answer::Login { page, cookies: set }) => {
                last.push(("TICKET", page.ticket));
                last.push(("CSRF", page.csrf));
                cookies.extend(set.into_iter().map(|c| (c.name.to_string(), c.value)));
            }
            Some(Answer::Redirect {
                location,
                cookies: set,
            }) => {
                if let Some(code) = location.split("code=").nth(1) {
                    last.push((
                        "CODE",
                        code.split('&').next().unwrap_or_default().to_string(),
                    ));
                }
                cookies.extend(set.into_iter().map(|c| (c.name.to_string(), c.value)));
            }
            _ => {}
        }
    }
}

/// DPoP proofs: `htu` normalization and the whole check, with and without a nonce and an
/// access token; the first byte picks the rules.
pub fn dpop_proof(data: &[u8]) {
    use jwtctl::dpop::{ProofRules, check, check_binding, normalize_htu};
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let t = text(rest);
    let _ = normalize_htu(&t);
    let rules = ProofRules {
        htm: "POST".into(),
        htu: "https://as.example/token".into(),
        max_age: 300,
        leeway: u64::from(mode),
        nonce: (mode & 1 == 1).then(|| "n-1".to_string()),
        access_token: (mode & 2 == 2).then(|| "tok".to_string()),
        algs: Vec::new(),
        now: NOW,
    };
    if let Ok(p) = check(&t, &rules) {
        let mut claims = serde_json::Map::new();
        claims.insert("cnf".into(), serde_json::json!({ "jkt": p.jkt }));
        let _ = check_binding(&claims, &p);
    }
}

/// What `jwtctl token` reads from servers and files: token responses and OAuth errors, cache
/// entries, the loopback callback's request line.
pub fn oauth_answers(data: &[u8]) {
    jwtctl::oauth::exercise(data);
}
