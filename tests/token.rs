//! `jwtctl token` against real servers: `jwtctl serve` (every grant, DPoP with nonces, the
//! cache), and panva's oidc-provider, a certified OpenID Provider (secrets, private_key_jwt,
//! DPoP with required nonces, resource indicators).

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use serde_json::{Value, json};

use crate::serve::{EC, Served, claims_of, read};
use crate::serve_web::Browser;
use crate::util::*;

const SECRET: &str = "s3cret with spaces+plus%";

struct Token {
    cache: tempfile::TempDir,
}

impl Token {
    fn new() -> Token {
        Token { cache: tempdir() }
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_jwtctl"));
        c.arg("token")
            .args(args)
            .env("JWTCTL_CACHE_DIR", self.cache.path())
            .env("CLIENT_SECRET", SECRET)
            .stdin(Stdio::null());
        c
    }

    fn run(&self, args: &[&str]) -> std::process::Output {
        self.cmd(args).output().unwrap()
    }

    fn json(&self, args: &[&str]) -> Value {
        let mut all = args.to_vec();
        all.extend(["--output", "json"]);
        let o = self.run(&all);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        serde_json::from_slice(&o.stdout).unwrap()
    }
}

fn requests(s: &Served, path: &str) -> usize {
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
    log.as_array()
        .unwrap()
        .iter()
        .filter(|r| r["path"] == path)
        .count()
}

fn idp(extra: &[&str]) -> Served {
    let mut args = vec![
        "--key",
        Box::leak(key(EC).into_boxed_str()),
        "--client",
        "svc:s3cret with spaces+plus%",
        "--client",
        "pub",
        "--user",
        r#"alice:{"email":"alice@example.com"}"#,
    ];
    args.extend_from_slice(extra);
    Served::start(&args)
}

#[test]
fn client_credentials_with_each_authentication_and_the_cache() {
    let s = idp(&[]);
    let t = Token::new();
    let base = [
        "--issuer",
        &s.url,
        "--client-id",
        "svc",
        "--client-secret",
        "env:CLIENT_SECRET",
    ];
    let mut args = base.to_vec();
    args.extend([
        "--scope",
        "read",
        "--scope",
        "write",
        "--audience",
        "api",
        "--audience",
        "api2",
    ]);
    let v = t.json(&args);
    assert_eq!(v["token_type"], "Bearer");
    let c = claims_of(v["access_token"].as_str().unwrap());
    assert_eq!(c["scope"], "read write", "scopes joined with spaces");
    assert_eq!(c["aud"], json!(["api", "api2"]));
    assert!(v["expires_at"].as_i64().unwrap() > jwtctl::time::system_now());
    // The cache: the same settings again do not ask the server.
    let before = requests(&s, "/token");
    let again = t.json(&args);
    assert_eq!(again["access_token"], v["access_token"]);
    assert_eq!(requests(&s, "/token"), before, "served from the cache");
    // --min-ttl beyond the lifetime, and --no-cache, ask again.
    let mut longer = args.clone();
    longer.extend(["--min-ttl", "1h"]);
    assert_ne!(t.json(&longer)["access_token"], v["access_token"]);
    let mut fresh = args.clone();
    fresh.push("--no-cache");
    t.json(&fresh);
    assert_eq!(requests(&s, "/token"), before + 2);
    // The cache file: 0600 in a 0700 folder, no secret in it; a corrupt one is absent.
    let dir = t.cache.path().join("tokens");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777,
            0o700
        );
        for f in std::fs::read_dir(&dir).unwrap() {
            let f = f.unwrap().path();
            assert_eq!(
                std::fs::metadata(&f).unwrap().permissions().mode() & 0o777,
                0o600
            );
            assert!(!std::fs::read_to_string(&f).unwrap().contains("s3cret"));
            std::fs::write(&f, "{corrupt").unwrap();
        }
    }
    assert_eq!(
        t.run(&args).status.code(),
        Some(0),
        "a corrupt entry is absent"
    );
    // --forget deletes the entry: the next run asks the server.
    let mut forget = args.clone();
    forget.push("--forget");
    assert_eq!(t.run(&forget).status.code(), Some(0));
    let n = requests(&s, "/token");
    t.json(&args);
    assert_eq!(requests(&s, "/token"), n + 1);
    // client_secret_post, and header output.
    let mut post = base.to_vec();
    post.extend(["--client-auth", "post", "--output", "header", "--no-cache"]);
    let o = t.run(&post);
    assert!(
        stdout(&o).starts_with("Authorization: Bearer ey"),
        "{}",
        stderr(&o)
    );
    // --token-endpoint directly, a public client refused client_credentials, a wrong secret.
    let direct = t.json(&[
        "--token-endpoint",
        &s.url("/token"),
        "--client-id",
        "svc",
        "--client-secret",
        "env:CLIENT_SECRET",
        "--no-cache",
    ]);
    assert!(direct["access_token"].is_string());
    let o = t.run(&[
        "--issuer",
        &s.url,
        "--client-id",
        "svc",
        "--client-secret",
        "wrong",
        "--no-cache",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("invalid_client") && stderr(&o).contains("wrong secret"),
        "{}",
        stderr(&o)
    );
    let o = t.run(&["--issuer", &s.url, "--client-id", "pub", "--no-cache"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("unauthorized_client"));
}

#[test]
fn private_key_jwt_and_dpop_with_server_nonces() {
    let dir = tempdir();
    let public = jwk_file(dir.path(), "rsa.pkcs8.pem", false);
    let jwks: Value = serde_json::from_str(&std::fs::read_to_string(&public).unwrap()).unwrap();
    let jwks = if jwks.get("keys").is_some() {
        jwks
    } else {
        json!({"keys": [jwks]})
    };
    let config = write(
        dir.path(),
        "idp.json",
        json!({"clients": [{"client_id": "signer", "token_endpoint_auth_method": "private_key_jwt", "jwks": jwks}]}).to_string(),
    );
    let s = Served::start(&["--key", &key(EC), "--config", &config, "--dpop-nonce"]);
    let t = Token::new();
    let rsa = key("rsa.pkcs8.pem");
    let v = t.json(&[
        "--issuer",
        &s.url,
        "--client-id",
        "signer",
        "--client-key",
        &rsa,
        "--no-cache",
    ]);
    assert_eq!(
        claims_of(v["access_token"].as_str().unwrap())["client_id"],
        "signer"
    );
    let p256 = key("ec-p256.pkcs8.pem");
    let v = t.json(&[
        "--issuer",
        &s.url,
        "--client-id",
        "signer",
        "--client-key",
        &rsa,
        "--dpop",
        &p256,
        "--no-cache",
    ]);
    assert_eq!(v["token_type"], "DPoP");
    let jkt = assert_ok(&run(jwtctl().args(["jwks", "--thumbprint", &p256])))
        .trim()
        .to_string();
    assert_eq!(
        claims_of(v["access_token"].as_str().unwrap())["cnf"]["jkt"],
        jkt.as_str()
    );
    let o = t.run(&[
        "--issuer",
        &s.url,
        "--client-id",
        "signer",
        "--client-key",
        &rsa,
        "--dpop",
        &p256,
        "--output",
        "header",
    ]);
    assert!(
        stdout(&o).starts_with("Authorization: DPoP "),
        "{}",
        stderr(&o)
    );
    // Another client key: the assertion is refused (exit 1); a secret key for DPoP: exit 2.
    let o = t.run(&[
        "--issuer",
        &s.url,
        "--client-id",
        "signer",
        "--client-key",
        &key("rsa-other.pkcs8.pem"),
        "--no-cache",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let secret = write(
        dir.path(),
        "k.jwk",
        r#"{"kty":"oct","k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"}"#,
    );
    let o = t.run(&[
        "--issuer",
        &s.url,
        "--client-id",
        "signer",
        "--client-key",
        &rsa,
        "--dpop",
        &secret,
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

/// Starts `token` in the background; returns it and the first line it writes to stderr.
fn start(t: &Token, args: &[&str]) -> (Child, String, BufReader<std::process::ChildStderr>) {
    let mut child = t
        .cmd(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    err.read_line(&mut line).unwrap();
    (child, line, err)
}

fn finish(child: Child) -> (Option<i32>, String) {
    let o = child.wait_with_output().unwrap();
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
    )
}

#[test]
fn the_authorization_code_grant_through_a_browser_and_refresh() {
    let s = idp(&["--login", "auto"]);
    let t = Token::new();
    let args = [
        "--issuer",
        &s.url,
        "--client-id",
        "pub",
        "--grant",
        "authorization_code",
        "--scope",
        "openid email",
        "--no-browser",
        "--output",
        "json",
    ];
    let (child, line, _err) = start(&t, &args);
    let url = line
        .trim()
        .strip_prefix("Sign in at: ")
        .unwrap_or_else(|| panic!("{line}"))
        .to_string();
    assert!(
        url.contains("code_challenge_method=S256")
            && url.contains("state=")
            && url.contains("nonce=")
    );
    // The browser: the issuer signs in at once and redirects to the loopback listener.
    let mut b = Browser::default();
    let back = b.get(&url);
    let callback = back.location().to_string();
    assert!(callback.starts_with("http://127.0.0.1:"));
    let page = b.get(&callback);
    assert!(page.body.contains("Signed in"));
    let (code, out) = finish(child);
    assert_eq!(code, Some(0), "{out}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        claims_of(v["id_token"].as_str().unwrap())["email"],
        "alice@example.com"
    );
    let refresh_token = v["refresh_token"].as_str().unwrap().to_string();
    // Cached: no browser needed; past --min-ttl, the cached refresh token is used, not a user.
    let cached = t.run(&args);
    assert_eq!(cached.status.code(), Some(0));
    let mut longer = args.to_vec();
    longer.extend(["--min-ttl", "1h"]);
    let refreshed = t.run(&longer);
    assert_eq!(refreshed.status.code(), Some(0), "{}", stderr(&refreshed));
    assert!(!stderr(&refreshed).contains("Sign in at"), "no browser");
    // --grant refresh_token with a given (now rotated, so refused) refresh token.
    let o = t.run(&[
        "--issuer",
        &s.url,
        "--client-id",
        "pub",
        "--grant",
        "refresh_token",
        "--refresh-token",
        &refresh_token,
        "--no-cache",
    ]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "a rotated refresh token: {}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("invalid_grant"));

    // A forged redirect: wrong state, or another issuer's iss. Both exit 1.
    for forged in ["state=wrong", "iss=https%3A%2F%2Fevil.example"] {
        let (child, line, _err) = start(
            &t,
            &[
                "--issuer",
                &s.url,
                "--client-id",
                "pub",
                "--grant",
                "authorization_code",
                "--no-browser",
                "--no-cache",
            ],
        );
        let url = line
            .trim()
            .strip_prefix("Sign in at: ")
            .unwrap()
            .to_string();
        let redirect = crate::serve_web::query_param(&url, "redirect_uri").unwrap();
        let state = crate::serve_web::query_param(&url, "state").unwrap();
        let query = if forged.starts_with("state") {
            format!("code=x&{forged}")
        } else {
            format!("code=x&state={state}&{forged}")
        };
        Browser::default().get(&format!("{redirect}?{query}"));
        let (code, _) = finish(child);
        assert_eq!(code, Some(1), "{forged}");
    }
}

#[test]
fn the_device_grant_polls_until_approved_or_denied() {
    // Approved at once (--login auto): the first poll after the interval gets the token.
    let s = idp(&["--login", "auto"]);
    let t = Token::new();
    let o = t.run(&[
        "--issuer",
        &s.url,
        "--client-id",
        "pub",
        "--grant",
        "device_code",
        "--scope",
        "openid",
        "--output",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("enter the code"), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        claims_of(v["access_token"].as_str().unwrap())["sub"],
        "alice"
    );

    // Denied on the verification page: exit 1.
    let s = idp(&[]);
    let (child, line, mut err) = start(
        &t,
        &[
            "--issuer",
            &s.url,
            "--client-id",
            "pub",
            "--grant",
            "device_code",
            "--no-cache",
        ],
    );
    assert!(line.contains("enter the code"), "{line}");
    let code = line.trim().rsplit(' ').next().unwrap().to_string();
    let mut more = String::new();
    let _ = err.read_line(&mut more);
    let mut b = Browser::default();
    let login = b.post(&s.url("/device"), &format!("user_code={code}"));
    let denied = b.answer(&s, &login, "action=deny");
    assert!(denied.body.contains("denied"));
    let (status, _) = finish(child);
    assert_eq!(status, Some(1));
}

#[test]
fn usage_and_network_problems_are_exit_2() {
    let s = idp(&[]);
    let t = Token::new();
    for (args, what) in [
        (
            vec![
                "--token-endpoint",
                "http://127.0.0.1:9/token",
                "--client-id",
                "x",
                "--grant",
                "device_code",
            ],
            "--issuer",
        ),
        (
            vec![
                "--issuer",
                s.url.as_str(),
                "--client-id",
                "x",
                "--param",
                "grant_type=password",
            ],
            "grant_type",
        ),
        (
            vec![
                "--issuer",
                s.url.as_str(),
                "--client-id",
                "x",
                "--param",
                "nameless",
            ],
            "NAME=VALUE",
        ),
        (
            vec![
                "--token-endpoint",
                "http://127.0.0.1:9/token",
                "--client-id",
                "x",
                "--timeout",
                "2s",
            ],
            "refused",
        ),
        (
            vec![
                "--token-endpoint",
                "http://192.0.2.1/token",
                "--client-id",
                "x",
            ],
            "loopback",
        ),
        (
            vec![
                "--issuer",
                s.url.as_str(),
                "--client-id",
                "x",
                "--min-ttl",
                "2y",
            ],
            "--min-ttl",
        ),
    ] {
        let o = t.run(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(what), "{args:?}: {}", stderr(&o));
    }
    // A server error (injected) is exit 2; an OAuth refusal exit 1.
    crate::serve_grants::control(
        &s,
        "next-error",
        json!({"endpoint": "token_endpoint", "status": 503}),
    );
    let o = t.run(&[
        "--issuer",
        &s.url,
        "--client-id",
        "svc",
        "--client-secret",
        "env:CLIENT_SECRET",
        "--no-cache",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("503"));
    crate::serve_grants::control(
        &s,
        "next-error",
        json!({"endpoint": "token_endpoint", "status": 400, "error": "invalid_scope"}),
    );
    let o = t.run(&[
        "--issuer",
        &s.url,
        "--client-id",
        "svc",
        "--client-secret",
        "env:CLIENT_SECRET",
        "--no-cache",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("invalid_scope"));
}

/// panva's oidc-provider on a free port; `nonces` is "nonce" (DPoP nonces required) or
/// "nononce". Killed when dropped.
struct Op {
    child: Child,
    issuer: String,
    _dir: tempfile::TempDir,
}

impl Drop for Op {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn oidc_provider(nonces: &str) -> Option<Op> {
    let found = crate::peers::node().filter(|_| {
        crate::peers::root()
            .join("tests/peers/node_modules/oidc-provider")
            .is_dir()
    });
    crate::peers::peer("oidc-provider", found, true)?;
    let dir = tempdir();
    let public = jwk_file(dir.path(), "rsa.pkcs8.pem", false);
    let jwk: Value = serde_json::from_str(&std::fs::read_to_string(&public).unwrap()).unwrap();
    let jwk = jwk
        .get("keys")
        .and_then(|k| k.get(0))
        .cloned()
        .unwrap_or(jwk);
    let jwk_file = write(dir.path(), "client.jwk", jwk.to_string());
    let mut child = Command::new("node")
        .arg(crate::peers::root().join("tests/peers/oidc_provider.mjs"))
        .args([jwk_file.as_str(), SECRET, nonces])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    // The provider logs to stdout as it goes: keep reading, or it dies of EPIPE.
    std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
    Some(Op {
        child,
        issuer: line.trim().to_string(),
        _dir: dir,
    })
}

/// Plays the user at oidc-provider's development pages: the code, the confirmation, a login,
/// the consent.
fn approve_at_oidc_provider(issuer: &str, user_code: &str) {
    let mut b = Browser::default();
    let abs = |l: &str| {
        if l.starts_with("http") {
            l.to_string()
        } else {
            format!("{issuer}{l}")
        }
    };
    let field = |html: &str, name: &str| {
        let at = html
            .find(&format!("name=\"{name}\" value=\""))
            .unwrap_or_else(|| panic!("{name}: {html}"));
        let rest = &html[at + name.len() + 15..];
        rest[..rest.find('"').unwrap()].to_string()
    };
    let page = b.get(&format!("{issuer}/device?user_code={user_code}"));
    let confirm = b.post(
        &format!("{issuer}/device"),
        &format!("xsrf={}&user_code={user_code}", field(&page.body, "xsrf")),
    );
    assert!(confirm.body.contains("Confirm Device"), "{}", confirm.body);
    let to_login = b.post(
        &format!("{issuer}/device"),
        &format!(
            "xsrf={}&user_code={}&confirm=yes",
            field(&confirm.body, "xsrf"),
            field(&confirm.body, "user_code")
        ),
    );
    let after_login = b.post(
        &abs(to_login.location()),
        "prompt=login&login=alice&password=any",
    );
    let to_consent = b.get(&abs(after_login.location()));
    let after_consent = b.post(&abs(to_consent.location()), "prompt=consent");
    let done = b.get(&abs(after_consent.location()));
    assert!(done.body.contains("Sign-in Success"), "{}", done.body);
}

#[test]
fn against_oidc_provider_device_flow_dpop_userinfo_and_refresh() {
    let Some(op) = oidc_provider("nonce") else {
        return;
    };
    let t = Token::new();
    let p256 = key("ec-p256.pkcs8.pem");
    let args = [
        "--issuer",
        op.issuer.as_str(),
        "--client-id",
        "device",
        "--grant",
        "device_code",
        "--scope",
        "openid email offline_access",
        "--dpop",
        p256.as_str(),
        "--output",
        "json",
    ];
    let (child, line, _err) = start(&t, &args);
    let code = line.trim().rsplit(' ').next().unwrap().to_string();
    approve_at_oidc_provider(&op.issuer, &code);
    let (status, out) = finish(child);
    assert_eq!(status, Some(0), "{out}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["token_type"], "DPoP");
    assert!(v["refresh_token"].is_string(), "{v}");
    assert!(v["id_token"].is_string(), "verified before it was printed");
    let access = v["access_token"].as_str().unwrap();
    // Userinfo with the DPoP-bound token and a jwtctl dpop proof (the provider asks for its
    // nonce first).
    let doc: Value = serde_json::from_str(
        &crate::serve::get(
            &format!("{}/.well-known/openid-configuration", op.issuer),
            &[],
        )
        .2,
    )
    .unwrap();
    let userinfo = doc["userinfo_endpoint"].as_str().unwrap().to_string();
    let call = |nonce: Option<&str>| {
        let mut args = vec![
            "--key",
            p256.as_str(),
            "--htm",
            "GET",
            "--htu",
            userinfo.as_str(),
            "--access-token",
            access,
        ];
        if let Some(n) = nonce {
            args.extend(["--nonce", n]);
        }
        let proof = assert_ok(&run(jwtctl().arg("dpop").args(&args)))
            .trim()
            .to_string();
        read(
            ureq::Agent::config_builder()
                .http_status_as_error(false)
                .build()
                .new_agent()
                .get(&userinfo)
                .header("Authorization", &format!("DPoP {access}"))
                .header("DPoP", &proof)
                .call()
                .unwrap(),
        )
    };
    let (status, hs, _) = call(None);
    assert_eq!(status, 401);
    let nonce = crate::serve::header(&hs, "dpop-nonce").unwrap().to_string();
    let (status, _, body) = call(Some(&nonce));
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap()["email"],
        "alice@example.com"
    );
    // Refresh: the cached refresh token, bound to the same DPoP key, with no user.
    let mut refresh = args.to_vec();
    refresh.extend(["--min-ttl", "1d"]);
    let o = t.run(&refresh);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!stderr(&o).contains("enter the code"));
    let r: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_ne!(r["access_token"], v["access_token"]);
    assert_eq!(r["token_type"], "DPoP");
    let o = t.run(&[
        "--issuer",
        &op.issuer,
        "--client-id",
        "device",
        "--grant",
        "refresh_token",
        "--refresh-token",
        "not-a-refresh-token",
        "--dpop",
        &p256,
        "--no-cache",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("invalid_grant"));
}

#[test]
fn against_oidc_provider_a_certified_openid_provider() {
    let Some(op) = oidc_provider("nonce") else {
        return;
    };
    let issuer = op.issuer.clone();
    let t = Token::new();
    {
        let common = [
            "--issuer",
            issuer.as_str(),
            "--resource",
            "urn:api",
            "--no-cache",
        ];
        let mut basic = common.to_vec();
        basic.extend([
            "--client-id",
            "basic",
            "--client-secret",
            "env:CLIENT_SECRET",
            "--scope",
            "read",
        ]);
        let v = t.json(&basic);
        let c = claims_of(v["access_token"].as_str().unwrap());
        assert_eq!(
            (
                c["aud"].as_str(),
                c["scope"].as_str(),
                c["client_id"].as_str()
            ),
            (Some("urn:api"), Some("read"), Some("basic"))
        );
        let mut post = common.to_vec();
        post.extend([
            "--client-id",
            "post",
            "--client-secret",
            "env:CLIENT_SECRET",
            "--client-auth",
            "post",
        ]);
        t.json(&post);
        // private_key_jwt with a DPoP key: oidc-provider demands a nonce first.
        let rsa = key("rsa.pkcs8.pem");
        let p256 = key("ec-p256.pkcs8.pem");
        let mut dpop = common.to_vec();
        dpop.extend([
            "--client-id",
            "pkjwt",
            "--client-key",
            rsa.as_str(),
            "--dpop",
            p256.as_str(),
        ]);
        let v = t.json(&dpop);
        assert_eq!(v["token_type"], "DPoP");
        let jkt = assert_ok(&run(jwtctl().args(["jwks", "--thumbprint", &p256])))
            .trim()
            .to_string();
        assert_eq!(
            claims_of(v["access_token"].as_str().unwrap())["cnf"]["jkt"],
            jkt.as_str()
        );
        // The token verifies against the provider with jwtctl, bound to the proof's key.
        let proof = assert_ok(&run(jwtctl().args([
            "dpop",
            "--key",
            &p256,
            "--htm",
            "GET",
            "--htu",
            "https://api.example/x",
            "--access-token",
            v["access_token"].as_str().unwrap(),
        ])))
        .trim()
        .to_string();
        let cache = tempdir();
        let mut c = jwtctl();
        c.env("JWTCTL_CACHE_DIR", cache.path())
            .args([
                "verify",
                "--issuer",
                &issuer,
                "--aud",
                "urn:api",
                "--dpop",
                &proof,
                "--htm",
                "GET",
                "--htu",
                "https://api.example/x",
            ])
            .arg(v["access_token"].as_str().unwrap());
        assert_ok(&run(&mut c));
        // Refusals: a wrong secret, an unknown client.
        let mut wrong = common.to_vec();
        wrong.extend(["--client-id", "basic", "--client-secret", "nope"]);
        let o = t.run(&wrong);
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        assert!(stderr(&o).contains("invalid_client"));
    }
    // Without server nonces: the first request is the only one.
    let Some(plain) = oidc_provider("nononce") else {
        return;
    };
    let rsa = key("rsa.pkcs8.pem");
    let p256 = key("ec-p256.pkcs8.pem");
    let v = t.json(&[
        "--issuer",
        &plain.issuer,
        "--resource",
        "urn:api",
        "--no-cache",
        "--client-id",
        "pkjwt",
        "--client-key",
        &rsa,
        "--dpop",
        &p256,
    ]);
    assert_eq!(v["token_type"], "DPoP");
}
