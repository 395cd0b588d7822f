//! `jwtctl serve` over real sockets: the binary on port 0, driven by jwtctl's own HTTP client
//! (ureq), by `jwtctl verify --issuer`, by PyJWT's PyJWKClient and panva/jose's
//! createRemoteJWKSet, and by raw sockets that misbehave.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::server::TestCa;
use crate::util::*;

/// A running `jwtctl serve`; killed when dropped.
pub(crate) struct Served {
    child: Child,
    pub(crate) url: String,
}

impl Served {
    pub(crate) fn start(args: &[&str]) -> Served {
        let mut child = Command::new(env!("CARGO_BIN_EXE_jwtctl"))
            .arg("serve")
            .args(["--addr", "127.0.0.1:0"])
            .args(args)
            .env("CI", "true")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line.trim().to_string();
        assert!(url.starts_with("http"), "first line is the URL: {url:?}");
        Served { child, url }
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.url)
    }

    fn port(&self) -> u16 {
        self.url.rsplit(':').next().unwrap().parse().unwrap()
    }

    /// Stops it with `signal` and returns its exit code and how long it took.
    fn stop(mut self, signal: &str) -> (Option<i32>, Duration, String) {
        let started = Instant::now();
        let pid = self.child.id().to_string();
        Command::new("kill")
            .args(["-s", signal, &pid])
            .status()
            .unwrap();
        let status = self.child.wait().unwrap();
        let mut err = String::new();
        if let Some(mut e) = self.child.stderr.take() {
            let _ = e.read_to_string(&mut err);
        }
        (status.code(), started.elapsed(), err)
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(20)))
        .build()
        .into()
}

/// (status, headers as lower-case name → value, body)
pub(crate) fn get(url: &str, headers: &[(&str, &str)]) -> (u16, Vec<(String, String)>, String) {
    let mut r = agent().get(url);
    for (n, v) in headers {
        r = r.header(*n, *v);
    }
    read(r.call().unwrap())
}

/// (status, headers as lower-case name → value, body) of a response.
pub(crate) fn read(
    mut resp: ureq::http::Response<ureq::Body>,
) -> (u16, Vec<(String, String)>, String) {
    let hs = resp
        .headers()
        .iter()
        .map(|(n, v)| {
            (
                n.as_str().to_string(),
                v.to_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let body = resp.body_mut().read_to_string().unwrap_or_default();
    (resp.status().as_u16(), hs, body)
}

pub(crate) fn header<'a>(hs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    hs.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
}

/// POSTs a form to the token endpoint: (status, headers, JSON body).
pub(crate) fn post_token(
    url: &str,
    basic: Option<(&str, &str)>,
    form: &str,
) -> (u16, Vec<(String, String)>, Value) {
    let mut r = agent()
        .post(url)
        .header("Content-Type", "application/x-www-form-urlencoded");
    if let Some((id, secret)) = basic {
        use base64::Engine as _;
        let cred = base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"));
        r = r.header("Authorization", &format!("Basic {cred}"));
    }
    let (status, hs, body) = read(r.send(form).unwrap());
    let json = serde_json::from_str(&body).unwrap_or(Value::Null);
    (status, hs, json)
}

fn mint(s: &Served, basic: Option<(&str, &str)>, form: &str) -> String {
    let (status, _, body) = post_token(&s.url("/token"), basic, form);
    assert_eq!(status, 200, "{body}");
    body["access_token"].as_str().unwrap().to_string()
}

pub(crate) fn claims_of(token: &str) -> Value {
    let part = token.split('.').nth(1).unwrap();
    serde_json::from_slice(&b64url_decode(part)).unwrap()
}

pub(crate) fn header_of(token: &str) -> Value {
    serde_json::from_slice(&b64url_decode(token.split('.').next().unwrap())).unwrap()
}

fn verify_issuer(
    s: &Served,
    cache: &std::path::Path,
    extra: &[&str],
    token: &str,
) -> std::process::Output {
    let mut c = jwtctl();
    c.env("JWTCTL_CACHE_DIR", cache)
        .args(["verify", "--issuer", &s.url])
        .args(extra)
        .arg(token);
    run(&mut c)
}

pub(crate) const EC: &str = "ec-p256.pkcs8.pem";

#[test]
fn discovery_and_key_set() {
    let s = Served::start(&["--key", &key(EC), "--key", &key("rsa.spki.pem")]);
    for path in [
        "/.well-known/openid-configuration",
        "/.well-known/oauth-authorization-server",
    ] {
        let (status, hs, body) = get(&s.url(path), &[]);
        assert_eq!(status, 200);
        assert!(
            header(&hs, "content-type")
                .unwrap()
                .starts_with("application/json")
        );
        let doc: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(doc["issuer"], s.url.as_str());
        assert_eq!(doc["jwks_uri"], s.url("/jwks.json"));
        assert_eq!(doc["token_endpoint"], s.url("/token"));
        assert_eq!(
            doc["grant_types_supported"],
            serde_json::json!([
                "authorization_code",
                "refresh_token",
                "client_credentials",
                "urn:ietf:params:oauth:grant-type:device_code",
                "urn:ietf:params:oauth:grant-type:token-exchange"
            ])
        );
        assert_eq!(
            doc["token_endpoint_auth_methods_supported"],
            serde_json::json!([
                "client_secret_basic",
                "client_secret_post",
                "client_secret_jwt",
                "private_key_jwt",
                "none"
            ])
        );
        assert_eq!(
            doc["id_token_signing_alg_values_supported"],
            serde_json::json!(["ES256", "RS256"])
        );
    }
    let (status, hs, body) = get(&s.url("/jwks.json"), &[]);
    assert_eq!(status, 200);
    let set: Value = serde_json::from_str(&body).unwrap();
    let keys = set["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 2, "every key is published");
    assert!(
        keys.iter()
            .all(|k| k.get("d").is_none() && k["use"] == "sig")
    );
    // kids are RFC 7638 thumbprints.
    let thumb = assert_ok(&run(jwtctl().args(["jwks", "--thumbprint", &key(EC)])));
    assert_eq!(keys[0]["kid"], thumb.trim());
    assert!(header(&hs, "cache-control").unwrap().contains("max-age="));
    let etag = header(&hs, "etag").unwrap().to_string();
    let (status, hs, body) = get(&s.url("/jwks.json"), &[("If-None-Match", &etag)]);
    assert_eq!((status, body.as_str()), (304, ""));
    assert_eq!(header(&hs, "etag"), Some(etag.as_str()));
    let (status, _, _) = get(&s.url("/jwks.json"), &[("If-None-Match", "\"other\"")]);
    assert_eq!(status, 200);
}

#[test]
fn minted_tokens_verify_with_jwtctl_end_to_end() {
    let s = Served::start(&[
        "--key",
        &key(EC),
        "--client",
        "svc:s3cret",
        "--aud",
        "api",
        "--exp",
        "5m",
        "--claim",
        "tenant=acme",
        "--claim",
        "roles:=[\"reader\"]",
    ]);
    let t = mint(
        &s,
        Some(("svc", "s3cret")),
        "grant_type=client_credentials&scope=read%20write",
    );
    let h = header_of(&t);
    assert_eq!(h["typ"], "at+jwt");
    assert_eq!(h["alg"], "ES256");
    let c = claims_of(&t);
    assert_eq!(c["iss"], s.url.as_str());
    assert_eq!(c["sub"], "svc");
    assert_eq!(c["client_id"], "svc");
    assert_eq!(c["aud"], "api");
    assert_eq!(c["scope"], "read write");
    assert_eq!(c["tenant"], "acme");
    assert_eq!(c["roles"], serde_json::json!(["reader"]));
    assert_eq!(c["exp"].as_i64().unwrap() - c["iat"].as_i64().unwrap(), 300);
    assert!(c["jti"].as_str().unwrap().len() >= 16);
    let dir = tempdir();
    let o = verify_issuer(&s, dir.path(), &["--aud", "api", "--typ", "at+jwt"], &t);
    assert!(assert_ok(&o).contains("\"client_id\":\"svc\""));
    // The audience or resource parameter names the audience of one token.
    let t = mint(
        &s,
        Some(("svc", "s3cret")),
        "grant_type=client_credentials&audience=billing",
    );
    assert_eq!(claims_of(&t)["aud"], "billing");
    let t = mint(
        &s,
        Some(("svc", "s3cret")),
        "grant_type=client_credentials&resource=a&resource=b",
    );
    assert_eq!(claims_of(&t)["aud"], serde_json::json!(["a", "b"]));
    // Each jti is new.
    let a = claims_of(&mint(
        &s,
        Some(("svc", "s3cret")),
        "grant_type=client_credentials",
    ));
    let b = claims_of(&mint(
        &s,
        Some(("svc", "s3cret")),
        "grant_type=client_credentials",
    ));
    assert_ne!(a["jti"], b["jti"]);
}

#[test]
fn client_authentication_and_oauth_errors() {
    let s = Served::start(&[
        "--key",
        &key(EC),
        "--client",
        "svc:s3cret",
        "--client",
        "other:pw",
    ]);
    let token = s.url("/token");
    // Basic, and form fields.
    assert_eq!(
        post_token(
            &token,
            Some(("svc", "s3cret")),
            "grant_type=client_credentials"
        )
        .0,
        200
    );
    assert_eq!(
        post_token(
            &token,
            None,
            "grant_type=client_credentials&client_id=other&client_secret=pw"
        )
        .0,
        200
    );
    // Wrong secret, unknown client, none at all: 401 invalid_client with a Basic challenge.
    for (basic, form) in [
        (Some(("svc", "wrong")), "grant_type=client_credentials"),
        (Some(("nobody", "s3cret")), "grant_type=client_credentials"),
        (
            None,
            "grant_type=client_credentials&client_id=svc&client_secret=nope",
        ),
        (None, "grant_type=client_credentials"),
    ] {
        let (status, hs, body) = post_token(&token, basic, form);
        assert_eq!(status, 401, "{form}");
        assert_eq!(body["error"], "invalid_client");
        assert!(
            header(&hs, "www-authenticate")
                .unwrap()
                .starts_with("Basic")
        );
        assert_eq!(header(&hs, "cache-control"), Some("no-store"));
    }
    let (status, _, body) = post_token(
        &token,
        Some(("svc", "s3cret")),
        "grant_type=password&username=a",
    );
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("unsupported_grant_type"))
    );
    let (status, _, body) = post_token(&token, Some(("svc", "s3cret")), "scope=x");
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_request"))
    );
    let (status, _, body) = post_token(
        &token,
        Some(("svc", "s3cret")),
        "grant_type=client_credentials&grant_type=client_credentials",
    );
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_request"))
    );
    let (status, _, body) = post_token(
        &token,
        None,
        "grant_type=client_credentials&client_id=svc&client_secret=%zz",
    );
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_request"))
    );
    // Not a form.
    let mut resp = agent()
        .post(&token)
        .header("Content-Type", "application/json")
        .send("{\"grant_type\":\"client_credentials\"}")
        .unwrap();
    assert_eq!(resp.status().as_u16(), 400);
    let body: Value = serde_json::from_str(&resp.body_mut().read_to_string().unwrap()).unwrap();
    assert_eq!(body["error"], "invalid_request");
    // Successful answers are not cacheable either.
    let (_, hs, body) = post_token(
        &token,
        Some(("svc", "s3cret")),
        "grant_type=client_credentials",
    );
    assert_eq!(header(&hs, "cache-control"), Some("no-store"));
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 900);
}

#[test]
fn any_client_is_accepted_when_none_is_configured() {
    let s = Served::start(&["--key", &key(EC)]);
    let t = mint(&s, None, "grant_type=client_credentials&client_id=whoever");
    assert_eq!(claims_of(&t)["client_id"], "whoever");
    let t = mint(
        &s,
        Some(("basic-client", "anything")),
        "grant_type=client_credentials",
    );
    assert_eq!(claims_of(&t)["sub"], "basic-client");
    mint(&s, None, "grant_type=client_credentials");
}

#[test]
fn unknown_paths_and_large_bodies() {
    let s = Served::start(&["--key", &key(EC)]);
    for path in ["/", "/jwks", "/token", "/.well-known/", "/../../etc/passwd"] {
        assert_eq!(get(&s.url(path), &[]).0, 404, "{path}");
    }
    let big = format!(
        "grant_type=client_credentials&pad={}",
        "x".repeat(70 * 1024)
    );
    assert_eq!(post_token(&s.url("/token"), None, &big).0, 413);
    // A chunked body without a length is cut off at the same size.
    let mut sock = TcpStream::connect(("127.0.0.1", s.port())).unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    write!(sock, "POST /token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n").unwrap();
    for _ in 0..80 {
        let chunk = "y".repeat(1024);
        if write!(sock, "{:x}\r\n{chunk}\r\n", chunk.len()).is_err() {
            break;
        }
    }
    let mut answer = String::new();
    let _ = sock.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    // Oversized headers.
    let mut sock = TcpStream::connect(("127.0.0.1", s.port())).unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let _ = write!(
        sock,
        "GET /jwks.json HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n",
        "z".repeat(64 * 1024)
    );
    let mut answer = String::new();
    let _ = sock.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 431"), "{answer}");
    assert_eq!(get(&s.url("/jwks.json"), &[]).0, 200, "still serving");
}

#[test]
fn garbage_and_abandoned_connections_do_not_stop_it() {
    let s = Served::start(&["--key", &key(EC)]);
    let port = s.port();
    // A request that never finishes, held open.
    let mut slow = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(slow, "GET /jwks.json HTTP/1.1\r\nHost: x\r\nX-Slow: ").unwrap();
    // Raw garbage gets a 400 and the connection closes.
    let mut junk = TcpStream::connect(("127.0.0.1", port)).unwrap();
    junk.set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    junk.write_all(b"\x16\x03\x01\x00\xff garbage \r\n\r\n")
        .unwrap();
    let mut answer = Vec::new();
    let _ = junk.read_to_end(&mut answer);
    assert!(
        String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 400"),
        "{:?}",
        String::from_utf8_lossy(&answer)
    );
    // Meanwhile everyone else is served.
    for _ in 0..5 {
        assert_eq!(get(&s.url("/jwks.json"), &[]).0, 200);
        assert_eq!(
            post_token(&s.url("/token"), None, "grant_type=client_credentials").0,
            200
        );
    }
    // Many idle connections at once do not block new clients either.
    let idle: Vec<TcpStream> = (0..50)
        .map(|_| TcpStream::connect(("127.0.0.1", port)).unwrap())
        .collect();
    assert_eq!(get(&s.url("/.well-known/openid-configuration"), &[]).0, 200);
    drop(idle);
    drop(slow);
}

#[test]
fn two_hundred_concurrent_requests_are_all_answered() {
    let s = Served::start(&["--key", &key(EC), "--client", "svc:s3cret"]);
    let url = s.url.clone();
    let handles: Vec<_> = (0..200)
        .map(|i| {
            let url = url.clone();
            std::thread::spawn(move || {
                if i % 2 == 0 {
                    get(&format!("{url}/jwks.json"), &[]).0
                } else {
                    post_token(
                        &format!("{url}/token"),
                        Some(("svc", "s3cret")),
                        "grant_type=client_credentials",
                    )
                    .0
                }
            })
        })
        .collect();
    let statuses: Vec<u16> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    assert!(statuses.iter().all(|&s| s == 200), "{statuses:?}");
}

#[test]
fn https_with_a_test_ca() {
    let ca = TestCa::new();
    let dir = tempdir();
    let (cert, tls_key) = ca.server_files(dir.path());
    let ca_file = ca.ca_file(dir.path());
    let s = Served::start(&[
        "--key",
        &key(EC),
        "--tls-cert",
        &cert,
        "--tls-key",
        &tls_key,
        "--aud",
        "api",
    ]);
    assert!(s.url.starts_with("https://127.0.0.1:"), "{}", s.url);
    let t = mint_tls(&s, &ca.ca_pem);
    let o = verify_issuer(
        &s,
        &dir.path().join("cache"),
        &["--aud", "api", "--cacert", &ca_file],
        &t,
    );
    assert_ok(&o);
    // Without the CA, the certificate is not trusted.
    let o = verify_issuer(&s, &dir.path().join("cache2"), &["--aud", "api"], &t);
    assert_fails(&o, 2);
}

fn mint_tls(s: &Served, ca_pem: &[u8]) -> String {
    use ureq::tls::{Certificate, RootCerts, TlsConfig};
    let ca = Certificate::from_pem(ca_pem).unwrap();
    let tls = TlsConfig::builder()
        .root_certs(RootCerts::new_with_certs(&[ca]))
        .unversioned_rustls_crypto_provider(std::sync::Arc::new(
            rustls::crypto::aws_lc_rs::default_provider(),
        ))
        .build();
    let agent: ureq::Agent = ureq::Agent::config_builder().tls_config(tls).build().into();
    let mut resp = agent
        .post(&s.url("/token"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .send("grant_type=client_credentials")
        .unwrap();
    let body: Value = serde_json::from_str(&resp.body_mut().read_to_string().unwrap()).unwrap();
    body["access_token"].as_str().unwrap().to_string()
}

#[test]
fn sigterm_and_sigint_end_it_with_exit_0() {
    for signal in ["TERM", "INT"] {
        let s = Served::start(&["--key", &key(EC)]);
        assert_eq!(get(&s.url("/jwks.json"), &[]).0, 200);
        let (code, took, err) = s.stop(signal);
        assert_eq!(code, Some(0), "SIG{signal}: {err}");
        assert!(took < Duration::from_secs(5), "SIG{signal} took {took:?}");
        assert!(
            err.contains("GET /jwks.json 200"),
            "one log line per request: {err}"
        );
    }
}

#[test]
fn rotation_publishes_the_new_key_and_keeps_the_old_one() {
    let s = Served::start(&["--key", &key(EC), "--rotate", "6s", "--aud", "api"]);
    let started = Instant::now();
    let dir = tempdir();
    let first = mint(&s, None, "grant_type=client_credentials");
    let kid1 = header_of(&first)["kid"].as_str().unwrap().to_string();
    // Shortly before the rotation, jwtctl caches the set with the first key only; the set's
    // max-age is the period, so the cached copy is still fresh after the rotation.
    std::thread::sleep(Duration::from_millis(4500).saturating_sub(started.elapsed()));
    assert_ok(&verify_issuer(&s, dir.path(), &["--aud", "api"], &first));
    std::thread::sleep(Duration::from_millis(6600).saturating_sub(started.elapsed()));
    let second = mint(&s, None, "grant_type=client_credentials");
    let kid2 = header_of(&second)["kid"].as_str().unwrap().to_string();
    assert_ne!(kid1, kid2, "a fresh key signs after a period");
    let (_, hs, body) = get(&s.url("/jwks.json"), &[]);
    let kids: Vec<String> = serde_json::from_str::<Value>(&body).unwrap()["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["kid"].as_str().unwrap().to_string())
        .collect();
    assert!(kids.contains(&kid1) && kids.contains(&kid2), "{kids:?}");
    assert_eq!(header(&hs, "cache-control"), Some("public, max-age=6"));
    // The new key is found by jwtctl's refetch of its cached set; the old token still verifies.
    let o = verify_issuer(
        &s,
        dir.path(),
        &["--aud", "api", "--refresh-cooldown", "0s", "--explain"],
        &second,
    );
    assert_ok(&o);
    assert!(stderr(&o).contains("refetched"), "{}", stderr(&o));
    assert_ok(&verify_issuer(&s, dir.path(), &["--aud", "api"], &first));
}

#[test]
fn every_key_format_and_algorithm_serves() {
    let dir = tempdir();
    let jwk = jwk_file(dir.path(), "ed25519.pkcs8.pem", true);
    let cases: Vec<(Vec<String>, &str)> = vec![
        (vec!["--key".into(), key("rsa.pkcs1.pem")], "RS256"),
        (
            vec![
                "--key".into(),
                key("rsa.pkcs8.pem"),
                "--alg".into(),
                "PS384".into(),
            ],
            "PS384",
        ),
        (vec!["--key".into(), key("ec-p384.sec1.pem")], "ES384"),
        (vec!["--key".into(), key("ec-p521.pkcs8.pem")], "ES512"),
        (
            vec!["--key".into(), key("ec-secp256k1.pkcs8.pem")],
            "ES256K",
        ),
        (vec!["--key".into(), jwk], "EdDSA"),
        (vec!["--key".into(), key("ed448.pkcs8.pem")], "EdDSA"),
        (vec!["--key".into(), key("ec-p256.pkcs8.der")], "ES256"),
        (
            vec![
                "--key".into(),
                key("rsa.encrypted.pem"),
                "--passphrase".into(),
                format!("file:{}", fixture("keys/passphrase.txt").display()),
            ],
            "RS256",
        ),
    ];
    for (args, alg) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let s = Served::start(&args);
        let t = mint(&s, None, "grant_type=client_credentials");
        assert_eq!(header_of(&t)["alg"], alg, "{args:?}");
        let o = verify_issuer(&s, &dir.path().join(alg), &["--alg", alg], &t);
        assert_ok(&o);
    }
}

#[test]
fn usage_errors_come_before_serving() {
    let o = run(jwtctl().args([
        "serve",
        "--key",
        &key("ec-p256.spki.pem"),
        "--addr",
        "127.0.0.1:0",
    ]));
    assert!(assert_fails(&o, 2).contains("must be private"));
    let o = run(jwtctl().args([
        "serve",
        "--key",
        &key(EC),
        "--addr",
        "127.0.0.1:0",
        "--client",
        "nosecret:",
    ]));
    assert!(assert_fails(&o, 2).contains("ID or ID:SECRET"));
    let o = run(jwtctl().args([
        "serve",
        "--key",
        &key(EC),
        "--addr",
        "127.0.0.1:0",
        "--rotate",
        "0s",
    ]));
    assert!(assert_fails(&o, 2).contains("--rotate"));
    let dir = tempdir();
    let secret = aes128_jwk(dir.path());
    let o = run(jwtctl().args([
        "serve",
        "--key",
        &secret,
        "--addr",
        "127.0.0.1:0",
        "--rotate",
        "1h",
    ]));
    assert_fails(&o, 2);
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let o = run(jwtctl().args(["serve", "--key", &key(EC), "--addr", &addr]));
    assert!(assert_fails(&o, 2).contains("cannot listen"));
    let o = run(jwtctl().args([
        "serve",
        "--key",
        &key(EC),
        "--addr",
        "127.0.0.1:0",
        "--issuer-url",
        "https://x.example/?q",
    ]));
    assert_fails(&o, 2);
}

#[test]
fn independent_clients_fetch_the_set_and_verify() {
    let s = Served::start(&["--key", &key("rsa.pkcs8.pem"), "--aud", "api"]);
    let t = mint(&s, None, "grant_type=client_credentials");
    let jwks = s.url("/jwks.json");
    if let Some(py) = crate::peers::peer("PyJWT", crate::peers::python(), true) {
        let script = crate::peers::root().join("tests/peers/remote_verify.py");
        let o = Command::new(&py[0])
            .arg(script)
            .args([&jwks, &s.url, "api", &t])
            .output()
            .unwrap();
        assert!(o.status.success(), "PyJWKClient: {}", stderr(&o));
        let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
        assert_eq!(v["claims"]["iss"], s.url.as_str());
        assert_eq!(v["header"]["typ"], "at+jwt");
    }
    if let Some(node) = crate::peers::peer("panva/jose", crate::peers::node(), true) {
        let script = crate::peers::root().join("tests/peers/remote_verify.mjs");
        let o = Command::new(&node[0])
            .arg(script)
            .args([&jwks, &s.url, "api", &t])
            .output()
            .unwrap();
        assert!(o.status.success(), "createRemoteJWKSet: {}", stderr(&o));
        let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
        assert_eq!(v["payload"]["aud"], "api");
    }
}
