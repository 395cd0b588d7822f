//! Remote keys against real local servers: JWKS URLs, issuer discovery, the cache across runs,
//! key rotation, and servers that misbehave. Every server listens on 127.0.0.1 only.

use std::io::Write;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::server::{Reply, Request, TestCa, TestServer};
use crate::util::*;

/// What the identity provider publishes; tests change it while it runs.
#[derive(Clone)]
struct Published {
    jwks: String,
    cache_control: Option<String>,
    etag: Option<String>,
    /// Serve OpenID Connect discovery (else only RFC 8414).
    oidc: bool,
    /// The `issuer` the discovery document claims (default: the server's own URL).
    claimed_issuer: Option<String>,
    algs: Option<Vec<String>>,
}

struct Idp {
    server: TestServer,
    state: Arc<Mutex<Published>>,
    dir: tempfile::TempDir,
    ca: String,
}

fn jwks_of(members: &[(&str, &str)]) -> String {
    let mut cmd = jwtctl();
    cmd.arg("jwks");
    for (_, kid) in members {
        cmd.args(["--kid", kid]);
    }
    for (k, _) in members {
        cmd.arg(key(k));
    }
    assert_ok(&run(&mut cmd)).trim().to_string()
}

const K1: (&str, &str) = ("ec-p256.spki.pem", "k1");
const K2: (&str, &str) = ("ed25519.spki.pem", "k2");

fn route(base: &Mutex<String>, state: &Mutex<Published>, req: &Request) -> Reply {
    let base = base.lock().unwrap().clone();
    let st = state.lock().unwrap().clone();
    let doc = || {
        let mut d = serde_json::json!({
            "issuer": st.claimed_issuer.clone().unwrap_or(base.clone()),
            "jwks_uri": format!("{base}/jwks.json"),
            "token_endpoint": format!("{base}/token"),
        });
        if let Some(a) = &st.algs {
            d["id_token_signing_alg_values_supported"] = serde_json::json!(a);
        }
        Reply::json(d.to_string())
    };
    match req.path.as_str() {
        "/.well-known/openid-configuration" if st.oidc => doc(),
        "/.well-known/oauth-authorization-server" => doc(),
        "/jwks.json" => {
            let mut headers = Vec::new();
            if let Some(cc) = &st.cache_control {
                headers.push(("Cache-Control", cc.clone()));
            }
            if let Some(e) = &st.etag {
                headers.push(("ETag", e.clone()));
                if req.header("if-none-match") == Some(e.as_str()) {
                    let mut r = Reply::new(304, "");
                    for (n, v) in headers {
                        r = r.header(n, &v);
                    }
                    return r;
                }
            }
            let mut r = Reply::json(st.jwks.clone());
            for (n, v) in headers {
                r = r.header(n, &v);
            }
            r
        }
        "/redirect" => Reply::new(302, "").header("Location", &format!("{base}/jwks.json")),
        "/huge" => Reply::json(vec![b' '; 8 << 20]).without_length(),
        "/huge-declared" => Reply::json(vec![b' '; 8 << 20]),
        "/slow" => Reply::json(st.jwks.clone()).delay(Duration::from_secs(20)),
        "/500" => Reply::new(500, "oops"),
        "/hostile-headers" => Reply::json(st.jwks.clone())
            .header("Age", "18446744073709551615")
            .header(
                "Cache-Control",
                "max-age=99999999999999999999999, s-maxage=x",
            )
            .header("Expires", "Fri, 31 Dec 9999 23:59:59 GMT")
            .header("Date", "Thu, 01 Jan 1970 00:00:00 GMT")
            .header("ETag", "W/\"a\", \"b")
            .header("Last-Modified", "yesterday"),
        "/html" => Reply::new(200, "<!doctype html><html><body>Sign in</body></html>")
            .header("Content-Type", "text/html"),
        "/oct" => Reply::json(
            r#"{"keys":[{"kty":"oct","k":"c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0"}]}"#,
        ),
        "/unusable" => Reply::json(
            r#"{"keys":[{"kty":"XYZ","kid":"a"},{"kty":"EC","crv":"P-999","x":"AA","y":"AA"}]}"#,
        ),
        _ => Reply::new(404, "not found"),
    }
}

impl Idp {
    fn new(jwks: String) -> Idp {
        Self::with(TestCa::new(), jwks, true)
    }

    fn with(ca: TestCa, jwks: String, tls: bool) -> Idp {
        let state = Arc::new(Mutex::new(Published {
            jwks,
            cache_control: Some("max-age=600".into()),
            etag: None,
            oidc: true,
            claimed_issuer: None,
            algs: None,
        }));
        let base = Arc::new(Mutex::new(String::new()));
        let handler = {
            let (state, base) = (Arc::clone(&state), Arc::clone(&base));
            move |r: &Request| route(&base, &state, r)
        };
        let server = if tls {
            TestServer::https(&ca, handler)
        } else {
            TestServer::http(handler)
        };
        *base.lock().unwrap() = server.base.clone();
        let dir = tempdir();
        let ca = ca.ca_file(dir.path());
        Idp {
            server,
            state,
            dir,
            ca,
        }
    }

    fn set(&self, f: impl FnOnce(&mut Published)) {
        f(&mut self.state.lock().unwrap());
    }

    fn jwks_url(&self) -> String {
        self.server.url("/jwks.json")
    }

    fn cache(&self) -> std::path::PathBuf {
        self.dir.path().join("cache")
    }

    /// `jwtctl` with this test's cache folder and CA.
    fn cmd(&self, args: &[&str]) -> assert_cmd::Command {
        let mut c = jwtctl();
        c.env("JWTCTL_CACHE_DIR", self.cache())
            .env_remove("HTTPS_PROXY")
            .env_remove("https_proxy")
            .env_remove("ALL_PROXY")
            .args(args)
            .args(["--cacert", &self.ca]);
        c
    }

    /// A token signed by `k` (a private fixture and kid), issued by this server.
    fn token(&self, k: (&str, &str)) -> String {
        token_from(&self.server.base, k)
    }
}

fn token_from(iss: &str, k: (&str, &str)) -> String {
    let private = k.0.replace(".spki.", ".pkcs8.");
    let alg = if private.starts_with("ed25519") {
        "EdDSA"
    } else {
        "ES256"
    };
    sign(&[
        "--alg",
        alg,
        "--key",
        &key(&private),
        "--kid",
        k.1,
        "--iss",
        iss,
        "--sub",
        "alice",
        "--exp",
        "1h",
    ])
}

fn verify_jwks(idp: &Idp, token: &str, extra: &[&str]) -> std::process::Output {
    let url = idp.jwks_url();
    let mut args = vec!["verify", "--jwks", url.as_str()];
    args.extend_from_slice(extra);
    args.push(token);
    run(&mut idp.cmd(&args))
}

#[test]
fn a_jwks_url_is_fetched_then_served_from_the_cache() {
    let idp = Idp::new(jwks_of(&[K1]));
    let t = idp.token(K1);
    let o = verify_jwks(&idp, &t, &["--explain"]);
    assert!(assert_ok(&o).contains("\"sub\":\"alice\""));
    assert!(
        stderr(&o).contains(&format!("{}: fetched", idp.jwks_url())),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("thumbprint"), "{}", stderr(&o));
    assert_eq!(idp.server.hits("/jwks.json"), 1);
    let o = verify_jwks(&idp, &t, &["--explain"]);
    assert_ok(&o);
    assert!(stderr(&o).contains("from the cache (age"), "{}", stderr(&o));
    assert_eq!(
        idp.server.hits("/jwks.json"),
        1,
        "the second run asks nothing"
    );
    let req = &idp.server.requests()[0];
    assert!(req.header("user-agent").unwrap().starts_with("jwtctl/"));
}

#[cfg(unix)]
#[test]
fn the_cache_is_private_to_the_user() {
    use std::os::unix::fs::PermissionsExt;
    let idp = Idp::new(jwks_of(&[K1]));
    assert_ok(&verify_jwks(&idp, &idp.token(K1), &[]));
    let dir_mode = std::fs::metadata(idp.cache()).unwrap().permissions().mode() & 0o777;
    assert_eq!(dir_mode, 0o700);
    let files: Vec<_> = std::fs::read_dir(idp.cache()).unwrap().collect();
    assert_eq!(files.len(), 1, "one entry, no temporary files left");
    for f in files {
        let mode = f.unwrap().metadata().unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
}

#[test]
fn offline_uses_the_cache_only() {
    let idp = Idp::new(jwks_of(&[K1]));
    let t = idp.token(K1);
    let o = verify_jwks(&idp, &t, &["--offline"]);
    let err = assert_fails(&o, 2);
    assert!(
        err.contains(&idp.jwks_url()) && err.contains("not in the cache"),
        "{err}"
    );
    assert_eq!(idp.server.requests().len(), 0, "offline never asks");
    assert_ok(&verify_jwks(&idp, &t, &[]));
    // Stale or not, offline takes the cached copy.
    idp.set(|p| p.jwks = jwks_of(&[K2]));
    let o = verify_jwks(&idp, &t, &["--offline", "--explain"]);
    assert_ok(&o);
    assert_eq!(idp.server.hits("/jwks.json"), 1);
}

#[test]
fn no_cache_fetches_afresh() {
    let idp = Idp::new(jwks_of(&[K1]));
    let t = idp.token(K1);
    assert_ok(&verify_jwks(&idp, &t, &[]));
    assert_ok(&verify_jwks(&idp, &t, &["--no-cache"]));
    assert_eq!(idp.server.hits("/jwks.json"), 2);
    // ... and updates the cache for the next run.
    assert_ok(&verify_jwks(&idp, &t, &[]));
    assert_eq!(idp.server.hits("/jwks.json"), 2);
}

#[test]
fn an_untrusted_certificate_is_refused_without_cacert() {
    let idp = Idp::new(jwks_of(&[K1]));
    let mut c = jwtctl();
    c.env("JWTCTL_CACHE_DIR", idp.cache()).args([
        "verify",
        "--jwks",
        &idp.jwks_url(),
        &idp.token(K1),
    ]);
    let err = assert_fails(&run(&mut c), 2);
    assert!(err.contains(&idp.jwks_url()), "{err}");
    assert!(err.contains("TLS") && err.contains("--cacert"), "{err}");
    // A CA file that holds no certificate is a usage error.
    let bad = write(idp.dir.path(), "not-a-ca.pem", "hello");
    let mut c = jwtctl();
    c.env("JWTCTL_CACHE_DIR", idp.cache()).args([
        "verify",
        "--jwks",
        &idp.jwks_url(),
        "--cacert",
        &bad,
        &idp.token(K1),
    ]);
    assert!(assert_fails(&run(&mut c), 2).contains("no PEM certificate"));
}

#[test]
fn issuer_discovery_finds_the_keys() {
    let idp = Idp::new(jwks_of(&[K1]));
    let t = idp.token(K1);
    let base = idp.server.base.clone();
    let o = run(&mut idp.cmd(&["verify", "--issuer", &base, "--explain", &t]));
    assert_ok(&o);
    assert!(
        stderr(&o).contains("/.well-known/openid-configuration: fetched"),
        "{}",
        stderr(&o)
    );
    assert_eq!(idp.server.hits("/.well-known/openid-configuration"), 1);
    assert_eq!(idp.server.hits("/jwks.json"), 1);
    // A trailing slash on the command line is the same issuer for discovery; the token's
    // iss must still be one of the values given.
    let o = run(&mut idp.cmd(&["verify", "--issuer", &base, &t]));
    assert_ok(&o);
    assert_eq!(
        idp.server.requests().len(),
        2,
        "both documents come from the cache"
    );
}

#[test]
fn discovery_falls_back_to_rfc_8414() {
    let idp = Idp::new(jwks_of(&[K1]));
    idp.set(|p| p.oidc = false);
    let t = idp.token(K1);
    let o = run(&mut idp.cmd(&["verify", "--issuer", &idp.server.base, &t]));
    assert_ok(&o);
    assert_eq!(idp.server.hits("/.well-known/openid-configuration"), 1);
    assert_eq!(
        idp.server.hits("/.well-known/oauth-authorization-server"),
        1
    );
}

#[test]
fn no_discovery_document_is_an_error() {
    let idp = Idp::new(jwks_of(&[K1]));
    let base = idp.server.url("/nothing-here");
    let t = token_from(&base, K1);
    let err = assert_fails(&run(&mut idp.cmd(&["verify", "--issuer", &base, &t])), 2);
    assert!(
        err.contains("no discovery document") && err.contains("HTTP 404"),
        "{err}"
    );
}

#[test]
fn a_discovery_document_for_another_issuer_is_refused() {
    let idp = Idp::new(jwks_of(&[K1]));
    idp.set(|p| p.claimed_issuer = Some("https://evil.example".into()));
    let t = idp.token(K1);
    let err = assert_fails(
        &run(&mut idp.cmd(&["verify", "--issuer", &idp.server.base, &t])),
        2,
    );
    assert!(
        err.contains("https://evil.example") && err.contains("openid-configuration"),
        "{err}"
    );
    assert_eq!(idp.server.hits("/jwks.json"), 0);
}

#[test]
fn a_token_from_an_unlisted_issuer_fetches_nothing() {
    let idp = Idp::new(jwks_of(&[K1]));
    let t = token_from("https://attacker.example", K1);
    let o = run(&mut idp.cmd(&["verify", "--issuer", &idp.server.base, &t]));
    let err = assert_fails(&o, 1);
    assert!(
        err.contains("https://attacker.example") && err.contains("not one of the issuers"),
        "{err}"
    );
    assert_eq!(idp.server.requests().len(), 0);
    // --output json-like batch shows the stable code.
    let mut c = idp.cmd(&["verify", "--issuer", &idp.server.base, "--batch"]);
    let o = run(c.write_stdin(format!("{t}\n")));
    assert!(
        stdout(&o).contains("\"error\":\"iss_mismatch\""),
        "{}",
        stdout(&o)
    );
}

#[test]
fn several_issuers_each_verify_their_own_tokens() {
    let a = Idp::new(jwks_of(&[K1]));
    let b = Idp::new(jwks_of(&[K2]));
    let ta = a.token(K1);
    let tb = b.token(K2);
    // One CA file holds both CAs.
    let both = format!(
        "{}{}",
        std::fs::read_to_string(&a.ca).unwrap(),
        std::fs::read_to_string(&b.ca).unwrap()
    );
    let ca = write(a.dir.path(), "both.pem", both);
    let verify = |t: &str| {
        let mut c = jwtctl();
        c.env("JWTCTL_CACHE_DIR", a.cache()).args([
            "verify",
            "--issuer",
            &a.server.base,
            "--issuer",
            &b.server.base,
            "--cacert",
            &ca,
            t,
        ]);
        run(&mut c)
    };
    for t in [&ta, &tb] {
        assert_ok(&verify(t));
    }
    // The keys of one issuer never verify a token that claims the other.
    assert_fails(&verify(&token_from(&a.server.base, K2)), 1);
}

#[test]
fn a_rotated_key_is_found_by_one_refetch() {
    let idp = Idp::new(jwks_of(&[K1]));
    assert_ok(&verify_jwks(&idp, &idp.token(K1), &[]));
    // The provider rotates: k2 signs now. The cached set is still fresh, but it lacks k2.
    idp.set(|p| p.jwks = jwks_of(&[K1, K2]));
    let o = verify_jwks(
        &idp,
        &idp.token(K2),
        &["--refresh-cooldown", "0s", "--explain"],
    );
    assert_ok(&o);
    assert!(stderr(&o).contains("refetched"), "{}", stderr(&o));
    assert_eq!(idp.server.hits("/jwks.json"), 2);
    // The refetched set is cached.
    assert_ok(&verify_jwks(&idp, &idp.token(K2), &[]));
    assert_eq!(idp.server.hits("/jwks.json"), 2);
}

/// A token with a kid the set does not have.
fn forged(idp: &Idp, kid: &str) -> String {
    token_from(&idp.server.base, ("ec-p256.spki.pem", kid))
}

#[test]
fn forged_kids_inside_the_cooldown_make_no_requests() {
    let idp = Idp::new(jwks_of(&[K1]));
    assert_ok(&verify_jwks(&idp, &idp.token(K1), &[]));
    for i in 0..5 {
        let o = verify_jwks(&idp, &forged(&idp, &format!("forged-{i}")), &[]);
        assert!(assert_fails(&o, 1).contains("kid"));
    }
    assert_eq!(
        idp.server.hits("/jwks.json"),
        1,
        "within the cooldown, no refetch"
    );
    // In a batch, a stream of forged kids costs at most the one fetch.
    let lines: String = (0..500)
        .map(|i| forged(&idp, &format!("f{}", i % 7)) + "\n")
        .collect();
    let url = idp.jwks_url();
    let mut c = idp.cmd(&["verify", "--jwks", &url, "--batch", "--no-cache"]);
    let o = run(c.write_stdin(lines));
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o).matches("kid_not_found").count(), 500);
    assert_eq!(
        idp.server.hits("/jwks.json"),
        2,
        "one fetch for the whole batch"
    );
}

#[test]
fn a_stale_entry_is_revalidated_with_its_etag() {
    let idp = Idp::new(jwks_of(&[K1]));
    idp.set(|p| {
        p.cache_control = Some("max-age=1".into());
        p.etag = Some("\"v1\"".into());
    });
    let t = idp.token(K1);
    assert_ok(&verify_jwks(&idp, &t, &[]));
    std::thread::sleep(Duration::from_millis(2100));
    let o = verify_jwks(&idp, &t, &["--explain"]);
    assert_ok(&o);
    assert!(stderr(&o).contains("revalidated (304"), "{}", stderr(&o));
    let reqs = idp.server.requests();
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[1].header("if-none-match"), Some("\"v1\""));
}

#[test]
fn no_cache_in_the_answer_means_revalidate_every_time() {
    let idp = Idp::new(jwks_of(&[K1]));
    idp.set(|p| {
        p.cache_control = Some("no-cache".into());
        p.etag = Some("\"v7\"".into());
    });
    let t = idp.token(K1);
    assert_ok(&verify_jwks(&idp, &t, &[]));
    assert_ok(&verify_jwks(&idp, &t, &[]));
    let reqs = idp.server.requests();
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[1].header("if-none-match"), Some("\"v7\""));
}

#[test]
fn no_store_is_never_stored() {
    let idp = Idp::new(jwks_of(&[K1]));
    idp.set(|p| p.cache_control = Some("no-store".into()));
    let t = idp.token(K1);
    assert_ok(&verify_jwks(&idp, &t, &[]));
    assert_ok(&verify_jwks(&idp, &t, &[]));
    assert_eq!(idp.server.hits("/jwks.json"), 2);
    let entries = std::fs::read_dir(idp.cache())
        .map(|d| d.count())
        .unwrap_or(0);
    assert_eq!(entries, 0);
}

#[test]
fn corrupt_cache_entries_count_as_absent() {
    let idp = Idp::new(jwks_of(&[K1]));
    let t = idp.token(K1);
    assert_ok(&verify_jwks(&idp, &t, &[]));
    let entry = std::fs::read_dir(idp.cache())
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let good = std::fs::read(&entry).unwrap();
    let damaged: [&[u8]; 4] = [
        &good[..good.len() / 2],
        b"",
        b"\x00\xff garbage",
        br#"{"format":"jwtctl-cache-1","url":"https://other.example/","stored":1,"fresh_until":99999999999,"policy":{},"body":"{}"}"#,
    ];
    for (i, bytes) in damaged.iter().enumerate() {
        std::fs::write(&entry, bytes).unwrap();
        assert_ok(&verify_jwks(&idp, &t, &[]));
        assert_eq!(idp.server.hits("/jwks.json"), i + 2);
    }
    // A cached body that is not a key set is absent too, even offline-fresh.
    let text = String::from_utf8(std::fs::read(&entry).unwrap()).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut v = v;
    v["body"] = "<html>".into();
    std::fs::write(&entry, v.to_string()).unwrap();
    assert_ok(&verify_jwks(&idp, &t, &[]));
    assert_eq!(idp.server.hits("/jwks.json"), 6);
}

/// Runs verify against a misbehaving path: exit 2, one error line naming the URL and `cause`.
fn misbehaving(idp: &Idp, path: &str, extra: &[&str], cause: &str) {
    let url = idp.server.url(path);
    let mut args = vec!["verify", "--jwks", url.as_str()];
    args.extend_from_slice(extra);
    let t = idp.token(K1);
    args.push(&t);
    let started = Instant::now();
    let o = run(&mut idp.cmd(&args));
    let err = assert_fails(&o, 2);
    assert!(err.contains(&url), "{err}");
    assert!(err.contains(cause), "{path}: {err}");
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "{path} took {:?}",
        started.elapsed()
    );
}

#[test]
fn misbehaving_servers_are_errors_naming_the_url() {
    let idp = Idp::new(jwks_of(&[K1]));
    misbehaving(&idp, "/redirect", &[], "redirects to");
    misbehaving(&idp, "/redirect", &[], "/jwks.json (HTTP 302)");
    misbehaving(&idp, "/huge", &[], "larger than 1024 KiB");
    misbehaving(&idp, "/huge-declared", &[], "larger than 1024 KiB");
    misbehaving(
        &idp,
        "/slow",
        &["--timeout", "1s"],
        "no complete answer within 1s",
    );
    misbehaving(&idp, "/500", &[], "HTTP 500 Internal Server Error");
    misbehaving(&idp, "/html", &[], "HTML");
    misbehaving(&idp, "/oct", &[], "secret (oct)");
    misbehaving(&idp, "/unusable", &[], "no usable key");
    misbehaving(&idp, "/missing", &[], "HTTP 404");
    assert_eq!(
        idp.server.hits("/jwks.json"),
        0,
        "redirects are not followed"
    );
}

#[test]
fn a_refused_connection_is_an_error_naming_the_url() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("https://127.0.0.1:{port}/jwks.json");
    let dir = tempdir();
    let mut c = jwtctl();
    c.env("JWTCTL_CACHE_DIR", dir.path())
        .args(["verify", "--jwks", &url, &token_from("x", K1)]);
    let err = assert_fails(&run(&mut c), 2);
    assert!(
        err.contains(&url) && err.contains("connection refused"),
        "{err}"
    );
}

#[test]
fn plain_http_only_to_loopback() {
    let dir = tempdir();
    let mut c = jwtctl();
    c.env("JWTCTL_CACHE_DIR", dir.path()).args([
        "verify",
        "--jwks",
        "http://keys.example.com/jwks.json",
        &token_from("x", K1),
    ]);
    let err = assert_fails(&run(&mut c), 2);
    assert!(
        err.contains("http://keys.example.com/jwks.json") && err.contains("plain http"),
        "{err}"
    );
    let idp = Idp::with(TestCa::new(), jwks_of(&[K1]), false);
    assert!(idp.server.base.starts_with("http://127.0.0.1:"));
    assert_ok(&verify_jwks(&idp, &idp.token(K1), &[]));
    assert_ok(&run(&mut idp.cmd(&[
        "verify",
        "--issuer",
        &idp.server.base,
        &idp.token(K1),
    ])));
}

#[test]
fn a_batch_of_thousands_makes_one_fetch() {
    let idp = Idp::new(jwks_of(&[K1]));
    let t = idp.token(K1);
    let lines: String = (0..3000).map(|_| format!("{t}\n")).collect();
    let url = idp.jwks_url();
    let mut c = idp.cmd(&["verify", "--jwks", &url, "--batch"]);
    let o = run(c.write_stdin(lines));
    assert_ok(&o);
    assert_eq!(stdout(&o).lines().count(), 3000);
    assert_eq!(idp.server.hits("/jwks.json"), 1);
}

#[test]
fn a_long_batch_revalidates_the_set_as_it_goes_stale() {
    let idp = Idp::new(jwks_of(&[K1]));
    idp.set(|p| {
        p.cache_control = Some("max-age=1".into());
        p.etag = Some("\"e1\"".into());
    });
    let t = idp.token(K1);
    let url = idp.jwks_url();
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_jwtctl"));
    cmd.env("JWTCTL_CACHE_DIR", idp.cache())
        .env("CI", "true")
        .args([
            "verify", "--jwks", &url, "--batch", "--jobs", "1", "--cacert", &idp.ca,
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut results = std::io::BufReader::new(child.stdout.take().unwrap());
    writeln!(stdin, "{t}").unwrap();
    stdin.flush().unwrap();
    // The first result means the set was fetched; the wait starts from there, so a slow start
    // on a loaded machine cannot put both lines in one block.
    let mut first = String::new();
    std::io::BufRead::read_line(&mut results, &mut first).unwrap();
    assert!(first.contains("\"valid\":true"), "{first}");
    std::thread::sleep(Duration::from_millis(2200));
    writeln!(stdin, "{t}").unwrap();
    drop(stdin);
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut results, &mut rest).unwrap();
    let o = child.wait_with_output().unwrap();
    assert_ok(&o);
    assert_eq!(rest.lines().count(), 1, "{rest}");
    // Fetched once; every later request a revalidation. On a loaded machine the first line
    // itself can come after the one-second freshness, so there may be two revalidations.
    let reqs = idp.server.requests();
    assert!(
        reqs.len() >= 2,
        "revalidated as it went stale: {}",
        reqs.len()
    );
    assert_eq!(
        reqs[0].header("if-none-match"),
        None,
        "the first is a fetch"
    );
    assert!(
        reqs.iter()
            .skip(1)
            .all(|r| r.header("if-none-match") == Some("\"e1\"")),
        "every later request revalidates"
    );
}

#[test]
fn the_issuers_algorithms_narrow_the_choice() {
    let idp = Idp::new(jwks_of(&[K1, K2]));
    idp.set(|p| p.algs = Some(vec!["ES256".into()]));
    let base = idp.server.base.clone();
    assert_ok(&run(&mut idp.cmd(&[
        "verify",
        "--issuer",
        &base,
        &idp.token(K1),
    ])));
    let err = assert_fails(
        &run(&mut idp.cmd(&["verify", "--issuer", &base, &idp.token(K2)])),
        1,
    );
    assert!(err.contains("EdDSA"), "{err}");
    // --alg decides when given.
    assert_ok(&run(&mut idp.cmd(&[
        "verify",
        "--issuer",
        &base,
        "--alg",
        "EdDSA",
        &idp.token(K2),
    ])));
}

#[test]
fn jwks_url_prints_the_published_set() {
    let idp = Idp::new(jwks_of(&[K1, K2]));
    let o = run(&mut idp.cmd(&["jwks", &idp.jwks_url()]));
    let out: serde_json::Value = serde_json::from_str(&assert_ok(&o)).unwrap();
    assert_eq!(out["keys"].as_array().unwrap().len(), 2);
    let o = run(&mut idp.cmd(&["jwks", "--issuer", &idp.server.base]));
    let again: serde_json::Value = serde_json::from_str(&assert_ok(&o)).unwrap();
    assert_eq!(out, again);
    // The printed set is a file like any other.
    let saved = write(idp.dir.path(), "saved.json", out.to_string());
    let o = run(jwtctl().args(["verify", "--jwks", &saved, &idp.token(K2)]));
    assert_ok(&o);
}

#[test]
fn transport_flags_need_remote_keys() {
    let o = run(jwtctl().args([
        "verify",
        "--key",
        &key("ec-p256.spki.pem"),
        "--offline",
        "x",
    ]));
    assert!(assert_fails(&o, 2).contains("--offline applies to remote keys"));
    let o = run(jwtctl().args([
        "verify",
        "--jwks",
        "https://x.example/k",
        "--timeout",
        "0s",
        "x",
    ]));
    assert!(assert_fails(&o, 2).contains("--timeout"));
}

#[test]
fn inspect_never_opens_a_socket() {
    let idp = Idp::new(jwks_of(&[K1]));
    let jku = idp.jwks_url();
    let t = sign(&[
        "--alg",
        "ES256",
        "--key",
        &key("ec-p256.pkcs8.pem"),
        "--iss",
        &idp.server.base,
        "--header",
        &format!("jku={jku}"),
        "--header",
        &format!("x5u={jku}"),
    ]);
    assert_ok(&run(jwtctl().args(["inspect", &t])));
    assert_ok(&run(jwtctl().args(["inspect", "--json", &t])));
    // verify with a local key never follows them either.
    let o = run(jwtctl().args(["verify", "--key", &key("ec-p256.spki.pem"), &t]));
    assert_ok(&o);
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(idp.server.requests().len(), 0);
}

#[test]
fn decrypt_takes_its_keys_and_the_inner_verify_key_from_urls() {
    // A private decryption set (an internal key service) and the signer's public set.
    let idp = Idp::new(jwks_of(&[K1]));
    let dir = idp.dir.path();
    let private_set = assert_ok(&run(jwtctl().args([
        "jwks",
        "--private",
        "--kid",
        "enc1",
        &key("x25519.pkcs8.pem"),
    ])));
    let enc = Idp::with(TestCa::new(), private_set, true);
    let inner = idp.token(K1);
    let pub_jwk = write(
        dir,
        "x25519.pub.pem",
        std::fs::read(key("x25519.spki.pem")).unwrap(),
    );
    let jwe = encrypt(
        &["--key", &pub_jwk, "--kid", "enc1", "--cty", "JWT"],
        &inner,
    );
    let both = format!(
        "{}{}",
        std::fs::read_to_string(&idp.ca).unwrap(),
        std::fs::read_to_string(&enc.ca).unwrap()
    );
    let ca = write(dir, "both.pem", both);
    let mut c = jwtctl();
    c.env("JWTCTL_CACHE_DIR", idp.cache()).args([
        "decrypt",
        "--jwks",
        &enc.jwks_url(),
        "--verify-key",
        &idp.jwks_url(),
        "--cacert",
        &ca,
        &jwe,
    ]);
    let o = run(&mut c);
    assert!(assert_ok(&o).contains("\"sub\":\"alice\""));
}

#[test]
fn https_proxy_is_honoured_and_no_proxy_bypasses_it() {
    let proxy = TestServer::http(|_| Reply::new(403, "no"));
    let dir = tempdir();
    let url = "https://keys.example.invalid/jwks.json";
    let mut c = jwtctl();
    c.env("JWTCTL_CACHE_DIR", dir.path())
        .env("HTTPS_PROXY", &proxy.base)
        .env_remove("NO_PROXY")
        .env_remove("no_proxy")
        .args(["verify", "--jwks", url, &token_from("x", K1)]);
    let err = assert_fails(&run(&mut c), 2);
    assert!(err.contains(url), "{err}");
    let reqs = proxy.requests();
    assert_eq!(reqs.len(), 1, "the request went through the proxy");
    assert_eq!(reqs[0].path, "keys.example.invalid:443");
    // NO_PROXY names the host: the proxy is not asked (and the name does not resolve).
    let mut c = jwtctl();
    c.env("JWTCTL_CACHE_DIR", dir.path())
        .env("HTTPS_PROXY", &proxy.base)
        .env("NO_PROXY", "keys.example.invalid")
        .args(["verify", "--jwks", url, &token_from("x", K1)]);
    assert_fails(&run(&mut c), 2);
    assert_eq!(proxy.requests().len(), 1);
    // A loopback server is never reached through a proxy.
    let idp = Idp::new(jwks_of(&[K1]));
    let mut c = idp.cmd(&["verify", "--jwks", &idp.jwks_url(), &idp.token(K1)]);
    c.env("HTTPS_PROXY", &proxy.base);
    assert_ok(&run(&mut c));
    assert_eq!(proxy.requests().len(), 1);
}

#[test]
fn hostile_caching_headers_do_not_break_anything() {
    let idp = Idp::new(jwks_of(&[K1]));
    let url = idp.server.url("/hostile-headers");
    let t = idp.token(K1);
    // The entry is stale at once (the max-age does not parse); a second later, revalidating
    // it computes its age, Age header included.
    assert_ok(&run(&mut idp.cmd(&["verify", "--jwks", &url, &t])));
    std::thread::sleep(Duration::from_millis(1100));
    assert_ok(&run(&mut idp.cmd(&["verify", "--jwks", &url, &t])));
    assert_ok(&run(&mut idp.cmd(&[
        "verify",
        "--jwks",
        &url,
        "--offline",
        &t,
    ])));
    // A cache file with absurd times is stale or absent, never fatal.
    let entry = std::fs::read_dir(idp.cache())
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(&entry).unwrap()).unwrap();
    v["stored"] = u64::MAX.into();
    v["fresh_until"] = u64::MAX.into();
    std::fs::write(&entry, v.to_string()).unwrap();
    assert_ok(&run(&mut idp.cmd(&["verify", "--jwks", &url, &t])));
}
