//! `jwtctl serve` driven by real clients: panva's openid-client (a certified OpenID Connect
//! relying party) through discovery, PKCE, the code exchange with ID token validation,
//! userinfo, refresh and end session; and Debian's Chromium (puppeteer-core, JavaScript off)
//! through the login page. Both are pinned and installed by `.ci/run`.

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

use crate::serve::{EC, Served, claims_of, read};
use crate::serve_web::{CHALLENGE, VERIFIER, exchange, query_param};
use crate::util::*;

fn node_with(module: &str) -> Option<String> {
    let has_module = crate::peers::root()
        .join("tests/peers/node_modules")
        .join(module)
        .is_dir();
    let has_node = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    (has_module && has_node).then(|| "node".to_string())
}

fn script(name: &str) -> PathBuf {
    crate::peers::root().join("tests/peers").join(name)
}

fn run_node(node: &str, args: &[&str]) -> Value {
    let o = Command::new(node).args(args).output().unwrap();
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    serde_json::from_slice(&o.stdout).unwrap()
}

const ALICE: &str = r#"alice:{"name":"Alice","email":"alice@example.com","team":"core"}"#;

#[test]
fn openid_client_signs_in_refreshes_and_signs_out() {
    let Some(node) = crate::peers::peer(
        "openid-client",
        node_with("openid-client").map(|n| vec![n]),
        true,
    ) else {
        return;
    };
    let s = Served::start(&[
        "--key",
        &key(EC),
        "--login",
        "auto",
        "--client",
        "spa",
        "--client",
        "conf:s3cret",
        "--user",
        ALICE,
    ]);
    let v = run_node(&node[0], &[script("oidc_rp.mjs").to_str().unwrap(), &s.url]);
    for flow in ["spa", "basic", "post"] {
        let f = &v[flow];
        assert_eq!(f["sub"], "alice", "{flow}: {f}");
        assert_eq!(f["email"], "alice@example.com", "{flow}");
        assert_eq!(f["nonce_checked"], true, "{flow}");
        assert_eq!(f["iss_in_callback"], s.url.as_str(), "{flow}");
        assert_eq!(f["userinfo"]["team"], "core", "{flow}");
        assert_eq!(f["refreshed_sub"], "alice", "{flow}");
        assert_eq!(f["refresh_rotated"], true, "{flow}");
        assert_eq!(f["reuse"], "invalid_grant", "{flow}");
        assert_eq!(
            f["after_reuse"], "invalid_grant",
            "{flow}: the family is revoked"
        );
        assert_eq!(f["end_session"]["status"], 303, "{flow}");
        assert_eq!(
            f["end_session"]["location"], "http://127.0.0.1:9/bye?state=so-long",
            "{flow}"
        );
        // jwtctl verify --issuer accepts what the relying party accepted.
        let cache = tempdir();
        let mut c = jwtctl();
        c.env("JWTCTL_CACHE_DIR", cache.path())
            .args([
                "verify",
                "--issuer",
                &s.url,
                "--aud",
                if flow == "spa" { "spa" } else { "conf" },
            ])
            .arg(f["id_token"].as_str().unwrap());
        assert_ok(&run(&mut c));
    }
    assert_ne!(v["wrong_secret"], "accepted");
    assert_eq!(v["wrong_verifier"], "invalid_grant");
    assert_eq!(v["reused_code"], "invalid_grant");
    assert_eq!(v["prompt_none"], "login_required");
    assert_eq!(v["unsupported_response_type"], "unsupported_response_type");
}

fn chromium() -> Option<String> {
    let path = std::env::var("JWTCTL_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    (std::path::Path::new(&path).exists() && node_with("puppeteer-core").is_some()).then_some(path)
}

#[test]
fn chromium_signs_in_through_the_login_page() {
    let Some(chrome) = crate::peers::peer(
        "chromium + puppeteer-core",
        chromium().map(|c| vec![c]),
        true,
    ) else {
        return;
    };
    let s = Served::start(&[
        "--key",
        &key(EC),
        "--client",
        "web",
        "--user",
        ALICE,
        "--user",
        "bob",
    ]);
    let o = Command::new("node")
        .env("JWTCTL_CHROMIUM", &chrome[0])
        .args([
            script("login_browser.mjs").to_str().unwrap(),
            &s.url,
            CHALLENGE,
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["title"], "Sign in · jwtctl");
    assert_eq!(v["users"][0][0], "alice");
    assert!(v["users"][0][1].as_str().unwrap().starts_with("Alice"));
    assert_eq!(v["users"][1][1].as_str().unwrap().trim(), "bob");
    assert_eq!(v["scripts"], 0, "no JavaScript on the page");
    assert!(
        v["heading"]
            .as_str()
            .unwrap()
            .contains("web asks to sign you in")
    );
    assert_eq!(
        v["silent_title"], "app",
        "the session cookie signs in without a page"
    );
    assert!(
        v["claims_error"]
            .as_str()
            .unwrap()
            .contains("not a JSON object")
    );
    for c in v["cookies"].as_array().unwrap() {
        assert_eq!(
            (c["httpOnly"].as_bool(), c["sameSite"].as_str()),
            (Some(true), Some("Lax")),
            "{c}"
        );
    }
    // Nothing but the issuer and the app's callback (answered in the browser) was asked for.
    for url in v["requests"].as_array().unwrap() {
        let url = url.as_str().unwrap();
        assert!(
            url.starts_with(&s.url) || url.starts_with("http://127.0.0.1:9/"),
            "{url}"
        );
    }
    let callbacks: Vec<&str> = v["callbacks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert_eq!(callbacks.len(), 4, "{callbacks:?}");
    let subs: Vec<(String, Value)> = callbacks[..3]
        .iter()
        .enumerate()
        .map(|(i, cb)| {
            assert_eq!(query_param(cb, "state"), Some(format!("s{}", i + 1)));
            assert_eq!(query_param(cb, "iss").as_deref(), Some(s.url.as_str()));
            let (status, t) = exchange(&s, "web", &query_param(cb, "code").unwrap(), VERIFIER);
            assert_eq!(status, 200, "{t}");
            let id = claims_of(t["id_token"].as_str().unwrap());
            (id["sub"].as_str().unwrap().to_string(), id)
        })
        .collect();
    assert_eq!(subs[0].0, "alice");
    assert_eq!(subs[1].0, "alice", "silent sign-in");
    assert_eq!(subs[1].1["sid"], subs[0].1["sid"]);
    assert_eq!(subs[2].0, "carol");
    assert_eq!(subs[2].1["email"], "carol@example.com");
    assert_eq!(subs[2].1["name"], "Carol <C>");
    assert_eq!(
        query_param(callbacks[3], "error").as_deref(),
        Some("access_denied")
    );
    assert_eq!(query_param(callbacks[3], "state").as_deref(), Some("s4"));
}

#[test]
fn openid_client_uses_every_grant_and_dpop() {
    let Some(node) = crate::peers::peer(
        "openid-client",
        node_with("openid-client").map(|n| vec![n]),
        true,
    ) else {
        return;
    };
    let dir = tempdir();
    let private = jwk_file(dir.path(), "rsa.pkcs8.pem", true);
    let mut jwk: Value = serde_json::from_str(&std::fs::read_to_string(&private).unwrap()).unwrap();
    if let Some(first) = jwk.get("keys").and_then(|k| k.get(0)).cloned() {
        jwk = first;
        std::fs::write(&private, jwk.to_string()).unwrap();
    }
    let public: Value = serde_json::json!({"kty": jwk["kty"], "n": jwk["n"], "e": jwk["e"]});
    let secret = crate::serve_grants::SECRET;
    let config = write(
        dir.path(),
        "idp.json",
        serde_json::json!({
            "clients": [
                {"client_id": "jwt", "client_secret": secret, "token_endpoint_auth_method": "client_secret_jwt"},
                {"client_id": "pkjwt", "token_endpoint_auth_method": "private_key_jwt", "jwks": {"keys": [public]}},
                {"client_id": "pub"}
            ],
            "users": [{"sub": "alice"}]
        })
        .to_string(),
    );
    let s = Served::start(&[
        "--key",
        &key(EC),
        "--config",
        &config,
        "--login",
        "auto",
        "--dpop-nonce",
    ]);
    let v = run_node(
        &node[0],
        &[
            script("oidc_grants.mjs").to_str().unwrap(),
            &s.url,
            &private,
            secret,
        ],
    );
    assert_eq!(v["private_key_jwt"]["scope"], "read", "{v}");
    assert_eq!(v["client_secret_jwt"]["token_type"], "bearer");
    assert_ne!(v["wrong_secret_jwt"], "accepted");
    assert_eq!(
        v["introspection"],
        serde_json::json!({"before": true, "client_id": "pkjwt", "scope": "read", "after": false})
    );
    assert_eq!(v["device"]["sub"], "alice");
    assert_eq!(v["device"]["refresh"], true);
    assert_eq!(
        v["exchange"]["issued_token_type"],
        "urn:ietf:params:oauth:token-type:access_token"
    );
    assert_eq!(v["exchange"]["aud"], "orders");
    assert_eq!(v["exchange"]["act"]["sub"], "pkjwt");
    assert_eq!(v["dpop"]["token_type"], "dpop");
    assert!(v["dpop"]["jkt"].is_string());
    assert_eq!(v["dpop"]["userinfo_sub"], "pkjwt");
    assert_ne!(v["dpop"]["without_proof"], "accepted");
    // The nonce retry: one use_dpop_nonce refusal, then the token.
    let (_, _, log) = read(
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .new_agent()
            .get(&s.url("/_jwtctl/requests"))
            .call()
            .unwrap(),
    );
    let log: Value = serde_json::from_str(&log).unwrap();
    assert!(
        log.as_array()
            .unwrap()
            .iter()
            .any(|r| r["headers"]["dpop"].is_string())
    );
}

#[test]
fn pyjwt_refuses_every_flawed_token_for_its_reason() {
    let Some(py) = crate::peers::peer("PyJWT", crate::peers::python(), true) else {
        return;
    };
    let s = Served::start(&["--key", &key(EC), "--aud", "api"]);
    let mut tokens = serde_json::Map::new();
    for flaw in jwtctl::issuer::FLAWS {
        let (status, r) =
            crate::serve_grants::control(&s, "flawed-token", serde_json::json!({"flaw": flaw}));
        assert_eq!(status, 200, "{r}");
        tokens.insert(flaw.to_string(), r["token"].clone());
    }
    let good = crate::serve::post_token(&s.url("/token"), None, "grant_type=client_credentials").2
        ["access_token"]
        .clone();
    tokens.insert("control".into(), good);
    let cmd = vec![
        py[0].clone(),
        script("flawed_pyjwt.py").display().to_string(),
        s.url("/jwks.json"),
        s.url.clone(),
        "api".into(),
    ];
    let o = pipe(&cmd, Value::Object(tokens).to_string().as_bytes());
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let want = [
        ("control", "accepted"),
        ("expired", "ExpiredSignatureError"),
        ("not_yet_valid", "ImmatureSignatureError"),
        ("wrong_iss", "InvalidIssuerError"),
        ("wrong_aud", "InvalidAudienceError"),
        ("unknown_kid", "PyJWKClientError"),
        ("bad_signature", "InvalidSignatureError"),
        ("alg_none", "InvalidAlgorithmError"),
        ("hmac_with_public_key", "InvalidAlgorithmError"),
        ("missing_exp", "MissingRequiredClaimError"),
        ("wrong_typ", "InvalidTokenError: typ"),
        ("embedded_jwk", "PyJWKClientError"),
    ];
    for (name, reason) in want {
        assert_eq!(v[name], reason, "{name}: {v}");
    }
}
