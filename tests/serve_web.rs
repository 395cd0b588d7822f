//! `jwtctl serve` as a mock identity provider for web apps, over real sockets: a browser-like
//! client (a cookie jar, redirects not followed) signs in through the login page, exchanges
//! codes with PKCE, calls userinfo, rotates refresh tokens and ends the session; and every
//! refusal an app's tests meet. Real relying parties and a real browser: `serve_peers.rs`.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::Value;

use crate::serve::{EC, Served, claims_of, header, read};
use crate::util::*;

/// PKCE verifier used throughout, and its S256 challenge.
pub(crate) const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
pub(crate) const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
pub(crate) const CB: &str = "http://127.0.0.1:9/cb";

/// A browser: cookies kept, redirects returned rather than followed.
#[derive(Default)]
pub(crate) struct Browser {
    jar: BTreeMap<String, String>,
}

pub(crate) struct Page {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: String,
}

impl Page {
    pub(crate) fn location(&self) -> &str {
        header(&self.headers, "location")
            .unwrap_or_else(|| panic!("no redirect: {} {}", self.status, self.body))
    }

    /// A query parameter of the redirect.
    pub(crate) fn param(&self, name: &str) -> Option<String> {
        query_param(self.location(), name)
    }

    /// A hidden field of the (first) form.
    pub(crate) fn field(&self, name: &str) -> String {
        let at = self
            .body
            .find(&format!("name=\"{name}\" value=\""))
            .unwrap_or_else(|| panic!("no {name} in {}", self.body));
        let rest = &self.body[at + name.len() + 15..];
        rest[..rest.find('"').unwrap()].to_string()
    }
}

pub(crate) fn query_param(url: &str, name: &str) -> Option<String> {
    let q = url.split_once('?')?.1;
    q.split('&').find_map(|kv| {
        let (k, v) = kv.split_once('=')?;
        (k == name).then(|| decode(v))
    })
}

fn decode(v: &str) -> String {
    let mut out = Vec::new();
    let b = v.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                out.push(u8::from_str_radix(&v[i + 1..i + 3], 16).unwrap());
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap()
}

pub(crate) fn enc(v: &str) -> String {
    v.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn no_redirects() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(Duration::from_secs(20)))
        .build()
        .into()
}

impl Browser {
    fn cookie_header(&self) -> String {
        self.jar
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn keep(&mut self, headers: &[(String, String)]) {
        for (n, v) in headers {
            if n == "set-cookie" {
                let pair = v.split(';').next().unwrap();
                let (k, val) = pair.split_once('=').unwrap();
                if v.contains("Max-Age=0") {
                    self.jar.remove(k);
                } else {
                    self.jar.insert(k.to_string(), val.to_string());
                }
            }
        }
    }

    pub(crate) fn get(&mut self, url: &str) -> Page {
        let mut r = no_redirects().get(url);
        if !self.jar.is_empty() {
            r = r.header("Cookie", &self.cookie_header());
        }
        let (status, headers, body) = read(r.call().unwrap());
        self.keep(&headers);
        Page {
            status,
            headers,
            body,
        }
    }

    pub(crate) fn post(&mut self, url: &str, form: &str) -> Page {
        let mut r = no_redirects()
            .post(url)
            .header("Content-Type", "application/x-www-form-urlencoded");
        if !self.jar.is_empty() {
            r = r.header("Cookie", &self.cookie_header());
        }
        let (status, headers, body) = read(r.send(form).unwrap());
        self.keep(&headers);
        Page {
            status,
            headers,
            body,
        }
    }

    /// Answers a login page: `choice` is the form's own fields (`user=alice`, `action=deny`...).
    pub(crate) fn answer(&mut self, s: &Served, page: &Page, choice: &str) -> Page {
        assert_eq!(page.status, 200, "a login page: {}", page.body);
        let form = format!(
            "ticket={}&csrf={}&{choice}",
            page.field("ticket"),
            page.field("csrf")
        );
        self.post(&s.url("/login"), &form)
    }
}

/// An authorization URL for `client` with PKCE, `state` and `nonce`, plus `extra`.
pub(crate) fn authorize_url(s: &Served, client: &str, extra: &str) -> String {
    s.url(&format!(
        "/authorize?response_type=code&client_id={client}&redirect_uri={}&scope=openid%20profile%20email&state=st-1&nonce=n-1&code_challenge={CHALLENGE}&code_challenge_method=S256{extra}",
        enc(CB)
    ))
}

fn post_form(url: &str, form: &str) -> (u16, Value) {
    let r = no_redirects()
        .post(url)
        .header("Content-Type", "application/x-www-form-urlencoded");
    let (status, _, body) = read(r.send(form).unwrap());
    (status, serde_json::from_str(&body).unwrap_or(Value::Null))
}

pub(crate) fn exchange(s: &Served, client: &str, code: &str, verifier: &str) -> (u16, Value) {
    post_form(
        &s.url("/token"),
        &format!(
            "grant_type=authorization_code&client_id={client}&code={}&redirect_uri={}&code_verifier={verifier}",
            enc(code),
            enc(CB)
        ),
    )
}

fn refresh(s: &Served, client: &str, token: &str) -> (u16, Value) {
    post_form(
        &s.url("/token"),
        &format!(
            "grant_type=refresh_token&client_id={client}&refresh_token={}",
            enc(token)
        ),
    )
}

fn userinfo(s: &Served, token: &str) -> (u16, Vec<(String, String)>, Value) {
    let r = no_redirects()
        .get(&s.url("/userinfo"))
        .header("Authorization", &format!("Bearer {token}"));
    let (status, hs, body) = read(r.call().unwrap());
    (
        status,
        hs,
        serde_json::from_str(&body).unwrap_or(Value::Null),
    )
}

const ALICE: &str = r#"alice:{"name":"Alice <Admin>","email":"alice@example.com","email_verified":true,"phone_number":"+1 555","team":"core"}"#;

fn web(extra: &[&str]) -> Served {
    let mut args = vec![
        "--key",
        &*key(EC).leak(),
        "--client",
        "web",
        "--user",
        ALICE,
        "--user",
        "bob",
    ];
    args.extend_from_slice(extra);
    Served::start(&args)
}

#[test]
fn sign_in_exchange_userinfo_refresh_and_end_session() {
    let s = web(&["--client", "other"]);
    let mut b = Browser::default();
    let login = b.get(&authorize_url(&s, "web", "&login_hint=carol"));
    assert_eq!(login.status, 200);
    assert!(
        header(&login.headers, "content-security-policy")
            .unwrap()
            .contains("default-src 'none'")
    );
    assert!(
        login.body.contains("Alice &lt;Admin&gt;"),
        "the user's name, escaped"
    );
    assert!(
        login.body.contains("value=\"carol\""),
        "login_hint pre-fills the sub"
    );
    assert!(!login.body.contains("<script"));
    let browser_cookie = header(&login.headers, "set-cookie").unwrap();
    assert!(browser_cookie.contains("HttpOnly") && browser_cookie.contains("SameSite=Lax"));

    let back = b.answer(&s, &login, "user=alice");
    assert_eq!(back.status, 303);
    assert!(back.location().starts_with(&format!("{CB}?code=")));
    assert_eq!(back.param("state").as_deref(), Some("st-1"));
    assert_eq!(
        back.param("iss").as_deref(),
        Some(s.url.as_str()),
        "RFC 9207"
    );
    let session = header(&back.headers, "set-cookie").unwrap();
    assert!(session.starts_with("jwtctl_session=") && session.contains("HttpOnly"));

    let (status, tokens) = exchange(&s, "web", &back.param("code").unwrap(), VERIFIER);
    assert_eq!(status, 200, "{tokens}");
    assert_eq!(tokens["token_type"], "Bearer");
    assert_eq!(tokens["scope"], "openid profile email");
    let id = claims_of(tokens["id_token"].as_str().unwrap());
    assert_eq!(id["iss"], s.url.as_str());
    assert_eq!(
        (id["sub"].as_str(), id["aud"].as_str(), id["azp"].as_str()),
        (Some("alice"), Some("web"), Some("web"))
    );
    assert_eq!(id["nonce"], "n-1");
    assert_eq!(id["email"], "alice@example.com");
    assert_eq!(id["name"], "Alice <Admin>");
    assert_eq!(
        id["team"], "core",
        "a claim outside the standard ones always comes"
    );
    assert!(id.get("phone_number").is_none(), "no phone scope");
    assert!(id["auth_time"].is_i64() && id["sid"].is_string());
    // at_hash: the left half of SHA-256 of the access token (ES256).
    let access = tokens["access_token"].as_str().unwrap();
    let digest = openssl::sha::sha256(access.as_bytes());
    assert_eq!(id["at_hash"], b64url(&digest[..16]));

    // The ID token verifies against the issuer, as an app's backend would check it.
    let cache = tempdir();
    let mut c = jwtctl();
    c.env("JWTCTL_CACHE_DIR", cache.path())
        .args([
            "verify", "--issuer", &s.url, "--aud", "web", "--output", "claims",
        ])
        .arg(tokens["id_token"].as_str().unwrap());
    let out = assert_ok(&run(&mut c));
    assert!(out.contains("\"alice\""));

    let (status, _, info) = userinfo(&s, access);
    assert_eq!(status, 200, "{info}");
    assert_eq!(info["sub"], "alice");
    assert_eq!(info["email_verified"], true);
    assert!(info.get("phone_number").is_none());

    // A second authorization signs in silently with the session cookie.
    let silent = b.get(&authorize_url(&s, "web", ""));
    assert_eq!(silent.status, 303, "{}", silent.body);
    let (_, second) = exchange(&s, "web", &silent.param("code").unwrap(), VERIFIER);
    assert_eq!(
        claims_of(second["id_token"].as_str().unwrap())["sid"],
        id["sid"],
        "one session"
    );
    // max_age=0 and prompt=login both ask again.
    assert_eq!(b.get(&authorize_url(&s, "web", "&max_age=0")).status, 200);
    assert_eq!(
        b.get(&authorize_url(&s, "web", "&prompt=login")).status,
        200
    );

    // Refresh tokens rotate; presenting a rotated one revokes the whole family.
    let r0 = tokens["refresh_token"].as_str().unwrap();
    assert!(b64url_decode(r0).len() >= 32, "256 random bits");
    let (status, t1) = refresh(&s, "web", r0);
    assert_eq!(status, 200, "{t1}");
    let r1 = t1["refresh_token"].as_str().unwrap();
    assert_ne!(r0, r1);
    let id1 = claims_of(t1["id_token"].as_str().unwrap());
    assert_eq!(id1["auth_time"], id["auth_time"]);
    assert!(id1.get("nonce").is_none(), "no nonce on refresh");
    assert_eq!(refresh(&s, "web", r0).1["error"], "invalid_grant", "reuse");
    assert_eq!(
        refresh(&s, "web", r1).1["error"],
        "invalid_grant",
        "the family is revoked"
    );
    assert_eq!(
        refresh(&s, "other", second["refresh_token"].as_str().unwrap()).1["error"],
        "invalid_grant"
    );

    // End session: back to a registered (loopback) URI with state; the session is gone.
    let out = b.get(&s.url(&format!(
        "/end_session?client_id=web&post_logout_redirect_uri={}&state=bye",
        enc("http://127.0.0.1:9/signed-out")
    )));
    assert_eq!(out.status, 303);
    assert_eq!(out.location(), "http://127.0.0.1:9/signed-out?state=bye");
    assert_eq!(
        b.get(&authorize_url(&s, "web", "")).status,
        200,
        "the login page again"
    );
    let evil = b.get(&s.url(&format!(
        "/end_session?post_logout_redirect_uri={}",
        enc("https://evil.example/")
    )));
    assert_eq!(evil.status, 400);
    assert!(header(&evil.headers, "location").is_none());
}

#[test]
fn authorization_errors_are_redirected_or_shown() {
    let s = web(&["--client", "conf:s3cret", "--redirect-uri", CB]);
    let mut b = Browser::default();
    let url = |extra: &str| {
        s.url(&format!(
            "/authorize?client_id=web&redirect_uri={}&state=st{extra}",
            enc(CB)
        ))
    };
    // What cannot be redirected safely is a page.
    for bad in [
        s.url("/authorize?response_type=code&redirect_uri=x"),
        s.url(&format!("/authorize?response_type=code&client_id=nobody&redirect_uri={}", enc(CB))),
        s.url("/authorize?response_type=code&client_id=web&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fother"),
        s.url("/authorize?response_type=code&client_id=web"),
    ] {
        let p = b.get(&bad);
        assert_eq!(p.status, 400, "{bad}");
        assert!(header(&p.headers, "location").is_none(), "never redirected: {bad}");
        assert!(p.body.contains("<h1>"));
    }
    let cases = [
        ("&response_type=token", "unsupported_response_type"),
        ("", "invalid_request"),
        ("&response_type=code", "invalid_request"), // public client without PKCE
        (
            &format!("&response_type=code&code_challenge={CHALLENGE}&code_challenge_method=plain"),
            "invalid_request",
        ),
        (
            &format!("&response_type=code&code_challenge={CHALLENGE}"),
            "invalid_request",
        ),
        (
            "&response_type=code&code_challenge=short&code_challenge_method=S256",
            "invalid_request",
        ),
        (
            &format!(
                "&response_type=code&code_challenge={CHALLENGE}&code_challenge_method=S256&prompt=none"
            ),
            "login_required",
        ),
        (
            &format!(
                "&response_type=code&code_challenge={CHALLENGE}&code_challenge_method=S256&prompt=none%20login"
            ),
            "invalid_request",
        ),
        (
            &format!(
                "&response_type=code&code_challenge={CHALLENGE}&code_challenge_method=S256&request=x"
            ),
            "request_not_supported",
        ),
        (
            &format!(
                "&response_type=code&code_challenge={CHALLENGE}&code_challenge_method=S256&state=twice"
            ),
            "invalid_request",
        ),
    ];
    for (extra, error) in cases {
        let p = b.get(&url(extra));
        assert_eq!(p.status, 303, "{extra}: {}", p.body);
        assert_eq!(p.param("error").as_deref(), Some(error), "{extra}");
        assert_eq!(p.param("iss").as_deref(), Some(s.url.as_str()));
        assert!(p.param("error_description").is_some());
        if extra.contains("twice") {
            continue;
        }
        assert_eq!(p.param("state").as_deref(), Some("st"), "{extra}");
    }
    // A confidential client may go without PKCE, and must then not send a verifier.
    let p = b.get(&s.url(&format!(
        "/authorize?response_type=code&client_id=conf&redirect_uri={}&scope=openid",
        enc(CB)
    )));
    assert_eq!(p.status, 200, "the login page");
}

#[test]
fn codes_are_single_use_and_bound_to_client_redirect_and_verifier() {
    let s = web(&["--client", "other", "--login", "auto"]);
    let mut b = Browser::default();
    let code = |b: &mut Browser| {
        let p = b.get(&authorize_url(&s, "web", ""));
        assert_eq!(p.status, 303, "--login auto answers at once");
        p.param("code").unwrap()
    };
    let c = code(&mut b);
    assert_eq!(
        exchange(&s, "web", &c, "x".repeat(43).as_str()).1["error"],
        "invalid_grant"
    );
    let c = code(&mut b);
    assert_eq!(
        exchange(&s, "other", &c, VERIFIER).1["error"],
        "invalid_grant",
        "another client"
    );
    let c = code(&mut b);
    let (_, wrong_redirect) = post_form(
        &s.url("/token"),
        &format!(
            "grant_type=authorization_code&client_id=web&code={c}&redirect_uri={}&code_verifier={VERIFIER}",
            enc("http://127.0.0.1:9/x")
        ),
    );
    assert_eq!(wrong_redirect["error"], "invalid_grant");
    let (_, no_verifier) = post_form(
        &s.url("/token"),
        &format!(
            "grant_type=authorization_code&client_id=web&code={}&redirect_uri={}",
            code(&mut b),
            enc(CB)
        ),
    );
    assert_eq!(no_verifier["error"], "invalid_grant");
    // Reuse revokes what the first exchange issued.
    let c = code(&mut b);
    let (status, first) = exchange(&s, "web", &c, VERIFIER);
    assert_eq!(status, 200);
    let access = first["access_token"].as_str().unwrap();
    assert_eq!(
        claims_of(access)["sub"],
        "alice",
        "--login auto: the first --user"
    );
    assert_eq!(userinfo(&s, access).0, 200);
    let (status, again) = exchange(&s, "web", &c, VERIFIER);
    assert_eq!(
        (status, again["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    let (status, hs, body) = userinfo(&s, access);
    assert_eq!(status, 401, "{body}");
    assert!(
        header(&hs, "www-authenticate")
            .unwrap()
            .contains("invalid_token")
    );
    assert_eq!(
        refresh(&s, "web", first["refresh_token"].as_str().unwrap()).1["error"],
        "invalid_grant"
    );
    // login_hint names the user under --login auto; userinfo needs a token.
    let p = b.get(&authorize_url(&s, "web", "&login_hint=bob&prompt=login"));
    let (_, t) = exchange(&s, "web", &p.param("code").unwrap(), VERIFIER);
    assert_eq!(claims_of(t["access_token"].as_str().unwrap())["sub"], "bob");
    let r = no_redirects().get(&s.url("/userinfo")).call().unwrap();
    let (status, hs, _) = read(r);
    assert_eq!(status, 401);
    assert_eq!(
        header(&hs, "www-authenticate"),
        Some("Bearer realm=\"jwtctl\"")
    );
}

#[test]
fn the_login_form_checks_its_anti_forgery_value_and_its_input() {
    let s = web(&[]);
    let mut b = Browser::default();
    let page = b.get(&authorize_url(&s, "web", ""));
    let again = b.get(&authorize_url(&s, "web", ""));
    assert_ne!(
        page.field("csrf"),
        again.field("csrf"),
        "fresh on every page load"
    );
    // A form from another page, or without the browser cookie, is refused.
    let forged = format!(
        "ticket={}&csrf={}&user=alice",
        page.field("ticket"),
        again.field("csrf")
    );
    assert_eq!(b.post(&s.url("/login"), &forged).status, 403);
    let mut stranger = Browser::default();
    let stolen = format!(
        "ticket={}&csrf={}&user=alice",
        again.field("ticket"),
        again.field("csrf")
    );
    assert_eq!(stranger.post(&s.url("/login"), &stolen).status, 403);
    assert_eq!(
        b.post(&s.url("/login"), &stolen).status,
        400,
        "a refused ticket is spent"
    );
    // Bad claims show the page again with the error, and a new anti-forgery value.
    let page = b.get(&authorize_url(&s, "web", ""));
    let retry = b.answer(&s, &page, "sub=carol&claims=%7Bnope");
    assert_eq!(retry.status, 200);
    assert!(retry.body.contains("role=\"alert\""), "{}", retry.body);
    assert_ne!(retry.field("csrf"), page.field("csrf"));
    let retry = b.answer(&s, &retry, "sub=carol&claims=%7B%22iss%22%3A1%7D");
    assert!(retry.body.contains("iss"), "a reserved claim is refused");
    let done = b.answer(
        &s,
        &retry,
        &format!(
            "sub=carol&claims={}",
            enc(r#"{"email":"carol@example.com","name":"<Carol>"}"#)
        ),
    );
    assert_eq!(done.status, 303);
    let (_, t) = exchange(&s, "web", &done.param("code").unwrap(), VERIFIER);
    let (_, _, info) = userinfo(&s, t["access_token"].as_str().unwrap());
    assert_eq!(info["email"], "carol@example.com");
    assert_eq!(info["name"], "<Carol>");
    // Deny.
    let page = b.get(&authorize_url(&s, "web", "&prompt=login"));
    let denied = b.answer(&s, &page, "action=deny");
    assert_eq!(denied.param("error").as_deref(), Some("access_denied"));
    assert_eq!(denied.param("state").as_deref(), Some("st-1"));
}

#[test]
fn discovery_is_complete_for_openid_connect_and_rfc_8414() {
    let s = web(&[]);
    for path in [
        "/.well-known/openid-configuration",
        "/.well-known/oauth-authorization-server",
    ] {
        let (status, _, body) = crate::serve::get(&s.url(path), &[]);
        assert_eq!(status, 200);
        let d: Value = serde_json::from_str(&body).unwrap();
        for (member, path) in [
            ("authorization_endpoint", "/authorize"),
            ("token_endpoint", "/token"),
            ("userinfo_endpoint", "/userinfo"),
            ("end_session_endpoint", "/end_session"),
            ("jwks_uri", "/jwks.json"),
        ] {
            assert_eq!(d[member], s.url(path).as_str(), "{member}");
        }
        assert_eq!(d["response_types_supported"], serde_json::json!(["code"]));
        assert_eq!(
            d["code_challenge_methods_supported"],
            serde_json::json!(["S256"])
        );
        assert_eq!(d["authorization_response_iss_parameter_supported"], true);
        for claim in ["email", "name", "team"] {
            assert!(
                d["claims_supported"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|c| c == claim),
                "{claim}"
            );
        }
        assert!(
            d["scopes_supported"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c == "openid")
        );
        assert!(
            d["grant_types_supported"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c == "refresh_token")
        );
    }
}

#[test]
fn a_config_file_is_read_strictly_and_merged_with_flags() {
    let dir = tempdir();
    std::fs::copy(
        fixture(&format!("keys/{EC}")),
        dir.path().join("issuer.pem"),
    )
    .unwrap();
    let config = write(
        dir.path(),
        "idp.json",
        serde_json::json!({
            "key": "issuer.pem",
            "login": "auto",
            "exp": "5m",
            "clients": [{"client_id": "spa", "redirect_uris": [CB]},
                        {"client_id": "backend", "client_secret": "pw", "token_endpoint_auth_method": "client_secret_post",
                         "grant_types": ["client_credentials"]}],
            "users": [{"sub": "dana", "claims": {"email": "dana@example.com"}}]
        })
        .to_string(),
    );
    let s = Served::start(&["--config", &config, "--user", "erin"]);
    let mut b = Browser::default();
    let p = b.get(&authorize_url(&s, "spa", ""));
    assert_eq!(p.status, 303, "login auto from the file");
    let (status, t) = exchange(&s, "spa", &p.param("code").unwrap(), VERIFIER);
    assert_eq!(status, 200, "{t}");
    assert_eq!(t["expires_in"], 300);
    assert_eq!(
        claims_of(t["id_token"].as_str().unwrap())["email"],
        "dana@example.com"
    );
    // backend: post only, client credentials only.
    let (status, _) = post_form(
        &s.url("/token"),
        "grant_type=client_credentials&client_id=backend&client_secret=pw",
    );
    assert_eq!(status, 200);
    let (status, _, e) = crate::serve::post_token(
        &s.url("/token"),
        Some(("backend", "pw")),
        "grant_type=client_credentials",
    );
    assert_eq!(
        (status, e["error"].as_str()),
        (401, Some("invalid_client")),
        "basic refused"
    );
    assert_eq!(
        b.get(&authorize_url(&s, "backend", ""))
            .param("error")
            .as_deref(),
        Some("unauthorized_client")
    );
    // Unknown members and bad values are usage errors naming them.
    for (doc, named) in [
        (r#"{"key":"issuer.pem","colour":"red"}"#, "colour"),
        (r#"{"key":"issuer.pem","login":"maybe"}"#, "login"),
        (
            r#"{"key":"issuer.pem","clients":[{"client_id":"a","redirect":"x"}]}"#,
            "redirect",
        ),
        (
            r#"{"key":"issuer.pem","users":[{"sub":"a","claims":{"aud":"x"}}]}"#,
            "aud",
        ),
        (
            r#"{"key":"issuer.pem","clients":[{"client_id":"a","redirect_uris":["no-scheme"]}]}"#,
            "redirect_uris",
        ),
        (r#"{"key":"issuer.pem","key":"issuer.pem"}"#, "key"),
    ] {
        let f = write(dir.path(), "bad.json", doc);
        let out = run(jwtctl().args(["serve", "--addr", "127.0.0.1:0", "--config", &f]));
        let err = assert_fails(&out, 2);
        assert!(err.contains(named), "{doc}: {err}");
    }
}
