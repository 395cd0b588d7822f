//! `jwtctl serve` as a test harness: client authentication by JWT, introspection, revocation,
//! the device flow, token exchange, DPoP, and the control API, over real sockets. The same
//! with real clients (openid-client, PyJWT): `serve_peers.rs`.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::serve::{EC, Served, claims_of, header, read};
use crate::serve_web::{Browser, CB, VERIFIER, authorize_url, enc, exchange};
use crate::util::*;

pub(crate) const SECRET: &str = "a-client-secret-of-32-bytes-plus";

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

/// POSTs a form with extra headers: (status, headers, JSON body).
pub(crate) fn post(
    url: &str,
    headers: &[(&str, &str)],
    form: &str,
) -> (u16, Vec<(String, String)>, Value) {
    let mut r = agent()
        .post(url)
        .header("Content-Type", "application/x-www-form-urlencoded");
    for (n, v) in headers {
        r = r.header(*n, *v);
    }
    let (status, hs, body) = read(r.send(form).unwrap());
    (
        status,
        hs,
        serde_json::from_str(&body).unwrap_or(Value::Null),
    )
}

/// POSTs JSON to the control API.
pub(crate) fn control(s: &Served, op: &str, body: Value) -> (u16, Value) {
    let r = agent()
        .post(&s.url(&format!("/_jwtctl/{op}")))
        .header("Content-Type", "application/json");
    let (status, _, text) = read(r.send(body.to_string()).unwrap());
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

fn basic(id: &str, secret: &str) -> String {
    use base64::Engine as _;
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"))
    )
}

/// A client assertion (RFC 7523) signed with `signer` (sign's --key/--secret arguments).
fn assertion(client: &str, aud: &str, signer: &[&str], extra: &[&str]) -> String {
    let mut args = vec![
        "--iss",
        client,
        "--sub",
        client,
        "--aud",
        aud,
        "--exp",
        "60s",
        "--jti-random",
    ];
    args.extend_from_slice(signer);
    args.extend_from_slice(extra);
    sign(&args)
}

const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

fn with_assertion(form: &str, a: &str) -> String {
    format!(
        "{form}&client_assertion_type={}&client_assertion={a}",
        enc(JWT_BEARER)
    )
}

/// A serve with a config of clients: `conf` (secret), `jwt` (client_secret_jwt), `pkjwt`
/// (private_key_jwt with an inline jwks), `uri` (private_key_jwt with a jwks_uri), `pub`.
fn harness(dir: &std::path::Path, jwks_uri: Option<&str>, extra: &[&str]) -> Served {
    let rsa_public = jwk_file(dir, "rsa.pkcs8.pem", false);
    let jwks: Value = serde_json::from_str(&std::fs::read_to_string(&rsa_public).unwrap()).unwrap();
    let jwks = if jwks.get("keys").is_some() {
        jwks
    } else {
        json!({"keys": [jwks]})
    };
    let mut clients = vec![
        json!({"client_id": "conf", "client_secret": SECRET}),
        json!({"client_id": "jwt", "client_secret": SECRET, "token_endpoint_auth_method": "client_secret_jwt"}),
        json!({"client_id": "pkjwt", "token_endpoint_auth_method": "private_key_jwt", "jwks": jwks}),
        json!({"client_id": "pub"}),
    ];
    if let Some(u) = jwks_uri {
        clients.push(json!({"client_id": "uri", "token_endpoint_auth_method": "private_key_jwt", "jwks_uri": u}));
    }
    let config = write(
        dir,
        "idp.json",
        json!({"clients": clients, "users": [{"sub": "alice", "claims": {"email": "a@example.com"}}], "aud": "api"}).to_string(),
    );
    let key = key(EC);
    let mut args = vec!["--key", key.as_str(), "--config", config.as_str()];
    args.extend_from_slice(extra);
    Served::start(&args)
}

#[test]
fn clients_authenticate_with_signed_assertions() {
    let dir = tempdir();
    // The private_key_jwt client's keys, published by another serve (its jwks_uri).
    let client_keys = Served::start(&["--key", &key("rsa.pkcs8.pem")]);
    let s = harness(dir.path(), Some(&client_keys.url("/jwks.json")), &[]);
    let token = s.url("/token");
    let cc = "grant_type=client_credentials";
    let secret_arg = SECRET.to_string();
    let hs = ["--alg", "HS256", "--secret", secret_arg.as_str()];
    let rsa_key = key("rsa.pkcs8.pem");
    let rs = ["--alg", "RS256", "--key", rsa_key.as_str()];

    // client_secret_jwt, to the token endpoint or the issuer.
    for aud in [token.as_str(), s.url.as_str()] {
        let a = assertion("jwt", aud, &hs, &[]);
        let (status, _, body) = post(&token, &[], &with_assertion(cc, &a));
        assert_eq!(status, 200, "{aud}: {body}");
        assert_eq!(
            claims_of(body["access_token"].as_str().unwrap())["client_id"],
            "jwt"
        );
    }
    // private_key_jwt, keys inline and at a jwks_uri.
    for client in ["pkjwt", "uri"] {
        let a = assertion(client, &token, &rs, &[]);
        let (status, _, body) = post(&token, &[], &with_assertion(cc, &a));
        assert_eq!(status, 200, "{client}: {body}");
        // Replayed: refused.
        let (status, _, body) = post(&token, &[], &with_assertion(cc, &a));
        assert_eq!(
            (status, body["error"].as_str()),
            (401, Some("invalid_client")),
            "{client} replay"
        );
        assert!(
            body["error_description"]
                .as_str()
                .unwrap()
                .contains("replayed")
        );
    }
    let other = key("rsa-other.pkcs8.pem");
    let bad_cases: Vec<(&str, String)> = vec![
        (
            "another key",
            assertion("pkjwt", &token, &["--alg", "RS256", "--key", &other], &[]),
        ),
        (
            "expired",
            sign(&[
                "--iss",
                "pkjwt",
                "--sub",
                "pkjwt",
                "--aud",
                &token,
                "--iat",
                "-10m",
                "--exp",
                "-5m",
                "--jti-random",
                "--alg",
                "RS256",
                "--key",
                &rsa_key,
            ]),
        ),
        (
            "wrong audience",
            assertion("pkjwt", "https://elsewhere.example/token", &rs, &[]),
        ),
        (
            "wrong secret",
            assertion(
                "jwt",
                &token,
                &[
                    "--alg",
                    "HS256",
                    "--secret",
                    "another-secret-of-32-bytes-plus!",
                ],
                &[],
            ),
        ),
        (
            "sub is not the client",
            sign(&[
                "--iss",
                "pkjwt",
                "--sub",
                "someone",
                "--aud",
                &token,
                "--exp",
                "60s",
                "--jti-random",
                "--alg",
                "RS256",
                "--key",
                &rsa_key,
            ]),
        ),
        (
            "no jti",
            sign(&[
                "--iss", "pkjwt", "--sub", "pkjwt", "--aud", &token, "--exp", "60s", "--alg",
                "RS256", "--key", &rsa_key,
            ]),
        ),
        (
            "HMAC for a private_key_jwt client",
            assertion("pkjwt", &token, &hs, &[]),
        ),
    ];
    for (what, a) in bad_cases {
        let (status, _, body) = post(&token, &[], &with_assertion(cc, &a));
        assert_eq!(
            (status, body["error"].as_str()),
            (401, Some("invalid_client")),
            "{what}: {body}"
        );
    }
    // Secrets: wrong one, and a method the client is not registered for.
    let (status, _, _) = post(&token, &[("Authorization", &basic("conf", "nope"))], cc);
    assert_eq!(status, 401);
    let (status, _, body) = post(&token, &[("Authorization", &basic("jwt", SECRET))], cc);
    assert_eq!(
        status, 401,
        "jwt is registered for client_secret_jwt: {body}"
    );
}

#[test]
fn introspection_and_revocation() {
    let dir = tempdir();
    let s = harness(dir.path(), None, &["--login", "auto"]);
    let auth = basic("conf", SECRET);
    let h = [("Authorization", auth.as_str())];
    let introspect =
        |token: &str| post(&s.url("/introspect"), &h, &format!("token={}", enc(token))).2;
    let revoke = |token: &str| post(&s.url("/revoke"), &h, &format!("token={}", enc(token))).0;

    let (_, _, t) = post(
        &s.url("/token"),
        &h,
        "grant_type=client_credentials&scope=read",
    );
    let access = t["access_token"].as_str().unwrap();
    let i = introspect(access);
    assert_eq!(i["active"], true, "{i}");
    assert_eq!(
        (
            i["scope"].as_str(),
            i["client_id"].as_str(),
            i["token_type"].as_str()
        ),
        (Some("read"), Some("conf"), Some("Bearer"))
    );
    for k in ["sub", "aud", "iss", "exp", "iat"] {
        assert!(i.get(k).is_some(), "{k}");
    }
    // Foreign (signed by another key), and garbage: inactive.
    let foreign = sign(&[
        "--alg",
        "ES384",
        "--key",
        &key("ec-p384.pkcs8.pem"),
        "--iss",
        &s.url,
        "--sub",
        "x",
        "--exp",
        "5m",
    ]);
    assert_eq!(introspect(&foreign), json!({"active": false}));
    assert_eq!(introspect("not-a-token"), json!({"active": false}));
    // Introspection needs a confidential client.
    let (status, _, _) = post(
        &s.url("/introspect"),
        &[],
        &format!("token={access}&client_id=pub"),
    );
    assert_eq!(status, 401);
    let (status, _, _) = post(&s.url("/introspect"), &[], &format!("token={access}"));
    assert_eq!(status, 401);
    // Expired, by the control API's clock.
    assert_eq!(control(&s, "clock", json!({"shift": "+1h"})).0, 200);
    assert_eq!(introspect(access)["active"], false, "expired an hour later");
    assert_eq!(control(&s, "clock", json!({"shift": "0s"})).0, 200);
    assert_eq!(introspect(access)["active"], true);
    // Revoked access token: introspection and userinfo refuse it.
    assert_eq!(revoke(access), 200);
    assert_eq!(introspect(access)["active"], false);

    // A user's tokens: refresh token introspection, revocation of the family.
    let mut b = Browser::default();
    let p = b.get(&authorize_url(&s, "pub", ""));
    let (status, tokens) = exchange(&s, "pub", &p.param("code").unwrap(), VERIFIER);
    assert_eq!(status, 200, "{tokens}");
    let refresh = tokens["refresh_token"].as_str().unwrap();
    let user_access = tokens["access_token"].as_str().unwrap();
    assert_eq!(introspect(refresh)["active"], true);
    assert_eq!(introspect(refresh)["token_type"], "refresh_token");
    let userinfo = |t: &str| {
        read(
            agent()
                .get(&s.url("/userinfo"))
                .header("Authorization", &format!("Bearer {t}"))
                .call()
                .unwrap(),
        )
        .0
    };
    assert_eq!(userinfo(user_access), 200);
    // Revoking the refresh token as another client does nothing (RFC 7009 2.2 answers 200).
    assert_eq!(revoke(refresh), 200);
    assert_eq!(introspect(refresh)["active"], true, "conf does not own it");
    let (status, _, _) = post(
        &s.url("/revoke"),
        &[],
        &format!("token={refresh}&client_id=pub"),
    );
    assert_eq!(status, 401, "revocation needs a confidential client here");
    assert_eq!(
        post(
            &s.url("/revoke"),
            &h,
            &format!("token={}", enc(user_access))
        )
        .0,
        200
    );
    assert_eq!(
        userinfo(user_access),
        200,
        "conf does not own the user's access token either"
    );
    // revoke-all: every token so far.
    assert_eq!(control(&s, "revoke-all", json!({})).0, 200);
    assert_eq!(introspect(refresh)["active"], false);
    assert_eq!(userinfo(user_access), 401);
    let (status, _, body) = post(
        &s.url("/token"),
        &[],
        &format!(
            "grant_type=refresh_token&client_id=pub&refresh_token={}",
            enc(refresh)
        ),
    );
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
}

fn device_start(s: &Served, client: &str) -> Value {
    let (status, _, d) = post(
        &s.url("/device_authorization"),
        &[],
        &format!("client_id={client}&scope=openid+email"),
    );
    assert_eq!(status, 200, "{d}");
    d
}

fn poll(s: &Served, client: &str, device_code: &str) -> (u16, Value) {
    let (status, _, body) = post(
        &s.url("/token"),
        &[],
        &format!(
            "grant_type={}&client_id={client}&device_code={}",
            enc("urn:ietf:params:oauth:grant-type:device_code"),
            enc(device_code)
        ),
    );
    (status, body)
}

#[test]
fn the_device_flow_with_its_verification_page() {
    let dir = tempdir();
    let s = harness(dir.path(), None, &[]);
    let d = device_start(&s, "pub");
    assert_eq!(d["interval"], 5);
    assert_eq!(d["expires_in"], 600);
    assert_eq!(d["verification_uri"], s.url("/device").as_str());
    let user_code = d["user_code"].as_str().unwrap();
    assert_eq!(
        d["verification_uri_complete"],
        format!("{}?user_code={user_code}", s.url("/device")).as_str()
    );
    let code = d["device_code"].as_str().unwrap();
    assert_eq!(poll(&s, "pub", code).1["error"], "authorization_pending");
    assert_eq!(
        poll(&s, "pub", code).1["error"],
        "slow_down",
        "polled at once"
    );
    assert_eq!(poll(&s, "conf", code).0, 401, "conf must authenticate");

    // The user: the verification page, the code, the login page, a user.
    let mut b = Browser::default();
    let page = b.get(d["verification_uri_complete"].as_str().unwrap());
    assert_eq!(page.status, 200);
    assert!(page.body.contains(&format!("value=\"{user_code}\"")));
    let typed = user_code.to_lowercase().replace('-', " ");
    assert_eq!(
        b.post(&s.url("/device"), "user_code=WRONG-CODE").status,
        400
    );
    let login = b.post(&s.url("/device"), &format!("user_code={}", enc(&typed)));
    assert_eq!(login.status, 200, "{}", login.body);
    let done = b.answer(&s, &login, "user=alice");
    assert_eq!(done.status, 200);
    assert!(done.body.contains("Device approved"), "{}", done.body);
    // The device: after the interval (here the clock moves instead of the test waiting).
    assert_eq!(control(&s, "clock", json!({"shift": "+20s"})).0, 200);
    let (status, t) = poll(&s, "pub", code);
    assert_eq!(status, 200, "{t}");
    assert_eq!(
        claims_of(t["id_token"].as_str().unwrap())["email"],
        "a@example.com"
    );
    assert!(t["refresh_token"].is_string());
    assert_eq!(poll(&s, "pub", code).1["error"], "invalid_grant", "used");

    // Denied; and expired.
    let d = device_start(&s, "pub");
    let login = b.post(
        &s.url("/device"),
        &format!("user_code={}", d["user_code"].as_str().unwrap()),
    );
    b.answer(&s, &login, "action=deny");
    assert_eq!(
        poll(&s, "pub", d["device_code"].as_str().unwrap()).1["error"],
        "access_denied"
    );
    let d = device_start(&s, "pub");
    assert_eq!(control(&s, "clock", json!({"shift": "+15m"})).0, 200);
    assert_eq!(
        poll(&s, "pub", d["device_code"].as_str().unwrap()).1["error"],
        "expired_token"
    );

    // --login auto approves as the first user.
    let auto = harness(dir.path(), None, &["--login", "auto"]);
    let d = device_start(&auto, "pub");
    let (status, t) = poll(&auto, "pub", d["device_code"].as_str().unwrap());
    assert_eq!(status, 200, "{t}");
    assert_eq!(
        claims_of(t["access_token"].as_str().unwrap())["sub"],
        "alice"
    );
}

#[test]
fn token_exchange_records_the_actor() {
    let dir = tempdir();
    let s = harness(dir.path(), None, &[]);
    let auth = basic("conf", SECRET);
    let h = [("Authorization", auth.as_str())];
    let subject = post(
        &s.url("/token"),
        &h,
        "grant_type=client_credentials&scope=read+write",
    )
    .2["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let actor = post(
        &s.url("/token"),
        &h,
        "grant_type=client_credentials&audience=actor",
    )
    .2["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let at = "urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Aaccess_token";
    let grant = "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange";
    let (status, _, t) = post(
        &s.url("/token"),
        &h,
        &format!(
            "{grant}&subject_token={subject}&subject_token_type={at}&actor_token={actor}&actor_token_type={at}&audience=orders&scope=read"
        ),
    );
    assert_eq!(status, 200, "{t}");
    assert_eq!(
        t["issued_token_type"],
        "urn:ietf:params:oauth:token-type:access_token"
    );
    let c = claims_of(t["access_token"].as_str().unwrap());
    assert_eq!(
        (c["aud"].as_str(), c["scope"].as_str(), c["sub"].as_str()),
        (Some("orders"), Some("read"), Some("conf"))
    );
    assert_eq!(c["act"], json!({"sub": "conf"}));
    // Down-scoping only; a foreign subject token; a missing type.
    let (_, _, e) = post(
        &s.url("/token"),
        &h,
        &format!("{grant}&subject_token={subject}&subject_token_type={at}&scope=admin"),
    );
    assert_eq!(e["error"], "invalid_scope");
    let foreign = sign(&[
        "--alg",
        "ES384",
        "--key",
        &key("ec-p384.pkcs8.pem"),
        "--iss",
        &s.url,
        "--sub",
        "x",
        "--exp",
        "5m",
    ]);
    let (_, _, e) = post(
        &s.url("/token"),
        &h,
        &format!("{grant}&subject_token={foreign}&subject_token_type={at}"),
    );
    assert_eq!(e["error"], "invalid_grant");
    let (_, _, e) = post(
        &s.url("/token"),
        &h,
        &format!("{grant}&subject_token={subject}"),
    );
    assert_eq!(e["error"], "invalid_request");
}

/// A DPoP proof made with the library (the `dpop` subcommand's engine).
pub(crate) fn proof(
    key_file: &str,
    htm: &str,
    htu: &str,
    token: Option<&str>,
    nonce: Option<&str>,
) -> String {
    let k = jwtctl::keys::load_key_bytes(
        &std::fs::read(fixture(&format!("keys/{key_file}"))).unwrap(),
        "k",
        None,
    )
    .unwrap()
    .keys
    .remove(0);
    let spec = jwtctl::dpop::ProofSpec {
        htm: htm.into(),
        htu: htu.into(),
        access_token: token.map(str::to_string),
        nonce: nonce.map(str::to_string),
        iat: jwtctl::time::system_now(),
        jti: None,
    };
    jwtctl::dpop::make(&k, jwtctl::jwa::JwsAlg::ES256, &spec).unwrap()
}

#[test]
fn dpop_bound_tokens_and_server_nonces() {
    let dir = tempdir();
    let s = harness(dir.path(), None, &["--dpop-nonce", "--login", "auto"]);
    let token_url = s.url("/token");
    let auth = basic("conf", SECRET);
    let cc = "grant_type=client_credentials&scope=openid";
    // Without a nonce: use_dpop_nonce, with the nonce in a header.
    let p = proof("ec-p256.pkcs8.pem", "POST", &token_url, None, None);
    let (status, hs, body) = post(&token_url, &[("Authorization", &auth), ("DPoP", &p)], cc);
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("use_dpop_nonce")),
        "{body}"
    );
    let nonce = header(&hs, "dpop-nonce").unwrap().to_string();
    let p = proof("ec-p256.pkcs8.pem", "POST", &token_url, None, Some(&nonce));
    let (status, _, t) = post(&token_url, &[("Authorization", &auth), ("DPoP", &p)], cc);
    assert_eq!(status, 200, "{t}");
    assert_eq!(t["token_type"], "DPoP");
    let access = t["access_token"].as_str().unwrap();
    let jkt = claims_of(access)["cnf"]["jkt"]
        .as_str()
        .unwrap()
        .to_string();
    let k = jwtctl::keys::load_key_bytes(
        &std::fs::read(fixture("keys/ec-p256.pkcs8.pem")).unwrap(),
        "k",
        None,
    )
    .unwrap();
    assert_eq!(jkt, k.keys[0].thumbprint().unwrap());
    // The same proof again is a replay; a proof for another URL is invalid.
    let (status, _, e) = post(&token_url, &[("Authorization", &auth), ("DPoP", &p)], cc);
    assert_eq!(
        (status, e["error"].as_str()),
        (400, Some("invalid_dpop_proof"))
    );
    let wrong = proof(
        "ec-p256.pkcs8.pem",
        "POST",
        &s.url("/other"),
        None,
        Some(&nonce),
    );
    assert_eq!(
        post(
            &token_url,
            &[("Authorization", &auth), ("DPoP", &wrong)],
            cc
        )
        .2["error"],
        "invalid_dpop_proof"
    );
    // Introspection says DPoP.
    let i = post(
        &s.url("/introspect"),
        &[("Authorization", &auth)],
        &format!("token={access}"),
    )
    .2;
    assert_eq!(i["token_type"], "DPoP");
    assert_eq!(i["cnf"]["jkt"], jkt.as_str());
    // Userinfo: DPoP scheme and a proof with ath; Bearer is refused for a bound token.
    let ui = s.url("/userinfo");
    let get = |headers: &[(&str, &str)]| {
        let mut r = agent().get(&ui);
        for (n, v) in headers {
            r = r.header(*n, *v);
        }
        read(r.call().unwrap())
    };
    let (status, hs, _) = get(&[("Authorization", &format!("Bearer {access}"))]);
    assert_eq!(status, 401);
    assert!(
        header(&hs, "www-authenticate")
            .unwrap()
            .starts_with("DPoP ")
    );
    let (status, _, _) = get(&[("Authorization", &format!("DPoP {access}"))]);
    assert_eq!(status, 401, "no proof");
    let p = proof("ec-p256.pkcs8.pem", "GET", &ui, Some(access), Some(&nonce));
    let (status, _, body) = get(&[("Authorization", &format!("DPoP {access}")), ("DPoP", &p)]);
    assert_eq!(status, 200, "{body}");
    let p = proof(
        "ec-p256.pkcs8.pem",
        "GET",
        &ui,
        Some("another-token"),
        Some(&nonce),
    );
    assert_eq!(
        get(&[("Authorization", &format!("DPoP {access}")), ("DPoP", &p)]).0,
        401,
        "ath of another token"
    );
    // A public client's refresh token is bound to its DPoP key.
    let mut b = Browser::default();
    let code = b.get(&authorize_url(&s, "pub", "")).param("code").unwrap();
    let p = proof("ec-p256.pkcs8.pem", "POST", &token_url, None, Some(&nonce));
    let (status, _, t) = post(
        &token_url,
        &[("DPoP", &p)],
        &format!(
            "grant_type=authorization_code&client_id=pub&code={code}&redirect_uri={}&code_verifier={VERIFIER}",
            enc(CB)
        ),
    );
    assert_eq!(status, 200, "{t}");
    let refresh = t["refresh_token"].as_str().unwrap();
    let (status, _, e) = post(
        &token_url,
        &[],
        &format!(
            "grant_type=refresh_token&client_id=pub&refresh_token={}",
            enc(refresh)
        ),
    );
    assert_eq!(
        (status, e["error"].as_str()),
        (400, Some("invalid_dpop_proof")),
        "{e}"
    );
    let p = proof("ec-p256.pkcs8.pem", "POST", &token_url, None, Some(&nonce));
    let (status, _, t) = post(
        &token_url,
        &[("DPoP", &p)],
        &format!(
            "grant_type=refresh_token&client_id=pub&refresh_token={}",
            enc(refresh)
        ),
    );
    assert_eq!(status, 200, "{t}");
    assert_eq!(t["token_type"], "DPoP");
    let d = serde_json::from_str::<Value>(
        &crate::serve::get(&s.url("/.well-known/openid-configuration"), &[]).2,
    )
    .unwrap();
    assert!(
        d["dpop_signing_alg_values_supported"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a == "ES256")
    );
}

#[test]
fn the_control_api_steers_the_next_answers() {
    let dir = tempdir();
    let s = harness(dir.path(), None, &[]);
    let auth = basic("conf", SECRET);
    let h = [("Authorization", auth.as_str())];
    let mint = || {
        post(&s.url("/token"), &h, "grant_type=client_credentials").2["access_token"]
            .as_str()
            .unwrap()
            .to_string()
    };

    // Queued claims reach only the next token (of that client).
    assert_eq!(
        control(
            &s,
            "next-claims",
            json!({"claims": {"role": "admin"}, "client_id": "other"})
        )
        .0,
        200
    );
    assert_eq!(
        control(
            &s,
            "next-claims",
            json!({"claims": {"tenant": "t1"}, "count": 1})
        )
        .0,
        200
    );
    assert_eq!(claims_of(&mint())["tenant"], "t1");
    let next = claims_of(&mint());
    assert!(
        next.get("tenant").is_none() && next.get("role").is_none(),
        "{next}"
    );

    // An error, then a delay that is felt.
    assert_eq!(
        control(
            &s,
            "next-error",
            json!({"endpoint": "token_endpoint", "status": 503, "error": "temporarily_unavailable"})
        )
        .0,
        200
    );
    let (status, _, e) = post(&s.url("/token"), &h, "grant_type=client_credentials");
    assert_eq!(
        (status, e["error"].as_str()),
        (503, Some("temporarily_unavailable"))
    );
    assert_eq!(
        control(
            &s,
            "next-error",
            json!({"endpoint": "token_endpoint", "delay": "1200ms"})
        )
        .0,
        200
    );
    let started = Instant::now();
    let (status, _, _) = post(&s.url("/token"), &h, "grant_type=client_credentials");
    assert_eq!(status, 200);
    assert!(
        started.elapsed() >= Duration::from_millis(1200),
        "the delay is felt"
    );

    // The clock shift moves iat and exp.
    let before = claims_of(&mint());
    assert_eq!(
        control(&s, "clock", json!({"shift": "+2h"})).1["shift"],
        7200
    );
    let after = claims_of(&mint());
    assert!(after["iat"].as_i64().unwrap() - before["iat"].as_i64().unwrap() >= 7200);
    assert_eq!(control(&s, "reset", json!({})).0, 200);
    assert!(claims_of(&mint())["iat"].as_i64().unwrap() < after["iat"].as_i64().unwrap());

    // Rotation: a new kid signs; both are published.
    let (status, r) = control(&s, "rotate", json!({}));
    assert_eq!(status, 200, "{r}");
    let kid = r["kid"].as_str().unwrap();
    let t = mint();
    assert_eq!(crate::serve::header_of(&t)["kid"], kid);
    let set: Value = serde_json::from_str(&crate::serve::get(&s.url("/jwks.json"), &[]).2).unwrap();
    assert_eq!(set["keys"].as_array().unwrap().len(), 2);

    // The request log: method, path, body, and no secret.
    let (_, _, _) = post(
        &s.url("/token"),
        &[],
        &format!("grant_type=client_credentials&client_id=conf&client_secret={SECRET}"),
    );
    let (status, _, log) = read(agent().get(&s.url("/_jwtctl/requests")).call().unwrap());
    assert_eq!(status, 200);
    assert!(!log.contains(SECRET), "no secret in the log");
    let log: Value = serde_json::from_str(&log).unwrap();
    let last = log.as_array().unwrap().last().unwrap();
    assert_eq!(last["body"]["client_secret"], "[redacted]");
    assert_eq!(last["path"], "/token");
    assert!(
        log.as_array()
            .unwrap()
            .iter()
            .any(|r| r["headers"]["authorization"] == "[redacted]")
    );

    // Strict requests: unknown members, bad values, unknown operations.
    for (op, body, status) in [
        ("next-claims", json!({"claims": {}, "colour": 1}), 400),
        ("next-claims", json!({"claims": "x"}), 400),
        (
            "next-error",
            json!({"endpoint": "nowhere", "status": 500}),
            400,
        ),
        (
            "next-error",
            json!({"endpoint": "token_endpoint", "status": 200}),
            400,
        ),
        ("clock", json!({"shift": "soon"}), 400),
        ("flawed-token", json!({"flaw": "slightly_off"}), 400),
        ("no-such-op", json!({}), 404),
    ] {
        let (got, e) = control(&s, op, body.clone());
        assert_eq!(got, status, "{op} {body}: {e}");
    }
    let (_, e) = control(&s, "next-claims", json!({"claims": {}, "colour": 1}));
    assert!(e["error_description"].as_str().unwrap().contains("colour"));
}

#[test]
fn a_jwks_outage_fails_verify_once_and_it_recovers() {
    let s = Served::start(&["--key", &key(EC), "--aud", "api"]);
    let cache = tempdir();
    let t = crate::serve::post_token(&s.url("/token"), None, "grant_type=client_credentials").2["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let verify = || {
        let mut c = jwtctl();
        c.env("JWTCTL_CACHE_DIR", cache.path())
            .args(["verify", "--issuer", &s.url, "--aud", "api", "--no-cache"])
            .arg(&t);
        run(&mut c)
    };
    assert_eq!(
        control(
            &s,
            "next-error",
            json!({"endpoint": "jwks_uri", "status": 503})
        )
        .0,
        200
    );
    let o = verify();
    assert_eq!(
        o.status.code(),
        Some(2),
        "an outage is a fetch error: {}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("503"), "{}", stderr(&o));
    assert_ok(&verify());
}

#[test]
fn flawed_tokens_each_carry_their_one_flaw() {
    let s = Served::start(&["--key", &key(EC), "--aud", "api"]);
    let cache = tempdir();
    let verify = |t: &str| {
        let mut c = jwtctl();
        c.env("JWTCTL_CACHE_DIR", cache.path())
            .args([
                "verify",
                "--issuer",
                &s.url,
                "--aud",
                "api",
                "--typ",
                "at+jwt",
                "--require",
                "exp",
                "--explain",
            ])
            .arg(t);
        run(&mut c)
    };
    let control_token = crate::serve::post_token(
        &s.url("/token"),
        None,
        "grant_type=client_credentials",
    )
    .2["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ok(&verify(&control_token));
    for (flaw, code) in [
        ("expired", "expired"),
        ("not_yet_valid", "not_yet_valid"),
        ("wrong_iss", "iss_mismatch"),
        ("wrong_aud", "aud_mismatch"),
        ("unknown_kid", "kid_not_found"),
        ("bad_signature", "bad_signature"),
        ("alg_none", "alg_not_allowed"),
        ("hmac_with_public_key", "alg_not_allowed"),
        ("missing_exp", "missing_claim"),
        ("wrong_typ", "typ_mismatch"),
        ("embedded_jwk", "kid_not_found"),
    ] {
        let (status, r) = control(&s, "flawed-token", json!({"flaw": flaw}));
        assert_eq!(status, 200, "{flaw}: {r}");
        let t = r["token"].as_str().unwrap();
        let o = verify(t);
        assert_eq!(o.status.code(), Some(1), "{flaw}: {}", stderr(&o));
        let said = format!("{}{}", stdout(&o), stderr(&o));
        assert!(said.contains(code), "{flaw}: {said}");
    }
}

/// This machine's address on its network, if it has one (the route a datagram would take;
/// nothing is sent).
fn lan_address() -> Option<std::net::IpAddr> {
    let s = std::net::UdpSocket::bind("0.0.0.0:0").ok()?;
    s.connect("192.0.2.255:9")
        .or_else(|_| s.connect("10.255.255.255:9"))
        .ok()?;
    let ip = s.local_addr().ok()?.ip();
    (!ip.is_loopback() && !ip.is_unspecified()).then_some(ip)
}

#[test]
fn the_control_api_answers_other_peers_only_with_the_admin_token() {
    use std::io::{BufRead, BufReader};
    let Some(ip) = lan_address() else {
        eprintln!("note: no non-loopback address here; the admin-token case is skipped");
        return;
    };
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_jwtctl"))
        .args([
            "serve",
            "--key",
            &key(EC),
            "--addr",
            &format!("{ip}:0"),
            "--admin-token",
            "env:ADMIN",
        ])
        .env("ADMIN", "let-me-in\n")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line.trim().to_string();
    let call = |token: Option<&str>| {
        let mut r = agent().get(&format!("{url}/_jwtctl/requests"));
        if let Some(t) = token {
            r = r.header("Authorization", &format!("Bearer {t}"));
        }
        read(r.call().unwrap()).0
    };
    let outcome = (call(None), call(Some("wrong")), call(Some("let-me-in")));
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(outcome, (404, 404, 200), "{url}");
}
