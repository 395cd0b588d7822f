//! `serve`'s settings: the flags merged over `--config FILE`. The file is JSON, read
//! strictly: `clients`, `users`, and any flag's value under its long name (`"login": "auto"`,
//! `"issuer-url"` or `"issuer_url"`); an unknown member or a bad value is a usage error naming
//! it. Flags given once replace the file's value; repeatable flags add to its list. Relative
//! paths in the file are relative to the file's folder, as in docker compose files.

use std::path::{Path, PathBuf};

use clap::ValueEnum;
use serde_json::{Map, Value};

use jwtctl::error::{Error, Result};
use jwtctl::issuer::{Client, LoginMode, User, check_redirect_uri};
use jwtctl::jwa::JwsAlg;
use jwtctl::sanitize::sanitize;

use super::super::args::{AlgArg, LoginArg, ServeArgs};
use super::super::secret::SecretSource;

/// Largest config file read.
const MAX_CONFIG: u64 = 1024 * 1024;

/// Everything `serve` runs with.
#[derive(Debug, Default)]
pub struct Settings {
    pub key: Vec<PathBuf>,
    pub passphrase: Option<SecretSource>,
    pub alg: Option<JwsAlg>,
    pub addr: String,
    pub tls_cert: Option<PathBuf>,
    pub tls_key: Option<PathBuf>,
    pub issuer_url: Option<String>,
    pub clients: Vec<Client>,
    pub redirect_uris: Vec<String>,
    pub users: Vec<User>,
    pub login: LoginMode,
    pub aud: Vec<String>,
    pub exp: String,
    pub claim: Vec<String>,
    pub rotate: Option<String>,
    pub dpop_nonce: bool,
    pub admin_token: Option<SecretSource>,
}

/// The file's values, before flags are merged over them.
#[derive(Default)]
struct FromFile {
    strings: Vec<(&'static str, Vec<String>)>,
    dpop_nonce: Option<bool>,
    clients: Vec<Client>,
    users: Vec<User>,
}

impl FromFile {
    fn list(&self, name: &str) -> Vec<String> {
        self.strings
            .iter()
            .filter(|(n, _)| *n == name)
            .flat_map(|(_, v)| v.iter().cloned())
            .collect()
    }

    fn one(&self, name: &str) -> Option<String> {
        self.list(name).into_iter().next()
    }
}

/// Flags the file may set: (name, repeatable, a path).
const FLAGS: &[(&str, bool, bool)] = &[
    ("key", true, true),
    ("passphrase", false, false),
    ("alg", false, false),
    ("addr", false, false),
    ("tls-cert", false, true),
    ("tls-key", false, true),
    ("issuer-url", false, false),
    ("client", true, false),
    ("redirect-uri", true, false),
    ("user", true, false),
    ("login", false, false),
    ("aud", true, false),
    ("exp", false, false),
    ("claim", true, false),
    ("rotate", false, false),
    ("admin-token", false, false),
];

fn bad(file: &Path, what: &str) -> Error {
    Error::usage(format!("--config {}: {what}", file.display()))
}

fn strings(file: &Path, at: &str, v: &Value, many: bool) -> Result<Vec<String>> {
    match v {
        Value::String(s) => Ok(vec![s.clone()]),
        Value::Array(items) if many => items
            .iter()
            .map(|i| {
                i.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| bad(file, &format!("{at:?} must hold strings")))
            })
            .collect(),
        _ if many => Err(bad(
            file,
            &format!("{at:?} must be a string or an array of strings"),
        )),
        _ => Err(bad(file, &format!("{at:?} must be a string"))),
    }
}

fn uri_list(file: &Path, at: &str, v: &Value) -> Result<Vec<String>> {
    let list = strings(file, at, v, true)?;
    for u in &list {
        check_redirect_uri(u).map_err(|e| bad(file, &format!("{at}: {e}")))?;
    }
    Ok(list)
}

fn client(file: &Path, i: usize, v: &Value) -> Result<Client> {
    let at = |m: &str| format!("clients[{i}].{m}");
    let Value::Object(obj) = v else {
        return Err(bad(file, &format!("clients[{i}] must be an object")));
    };
    let mut c = Client::default();
    for (name, value) in obj {
        match name.as_str() {
            "client_id" => c.id = strings(file, &at(name), value, false)?.concat(),
            "client_secret" => c.secret = Some(strings(file, &at(name), value, false)?.concat()),
            "redirect_uris" => c.redirect_uris = uri_list(file, &at(name), value)?,
            "post_logout_redirect_uris" => {
                c.post_logout_redirect_uris = uri_list(file, &at(name), value)?;
            }
            "grant_types" => {
                c.grant_types = strings(file, &at(name), value, true)?;
                let known = ["authorization_code", "refresh_token", "client_credentials"];
                if let Some(g) = c.grant_types.iter().find(|g| !known.contains(&g.as_str())) {
                    return Err(bad(
                        file,
                        &format!(
                            "{}: {:?} is not a grant this issuer serves ({})",
                            at(name),
                            sanitize(g),
                            known.join(", ")
                        ),
                    ));
                }
            }
            "token_endpoint_auth_method" => {
                let m = strings(file, &at(name), value, false)?.concat();
                let known = [
                    "client_secret_basic",
                    "client_secret_post",
                    "client_secret_jwt",
                    "private_key_jwt",
                    "none",
                ];
                if !known.contains(&m.as_str()) {
                    return Err(bad(
                        file,
                        &format!(
                            "{}: {:?} is not supported ({})",
                            at(name),
                            sanitize(&m),
                            known.join(", ")
                        ),
                    ));
                }
                c.auth_method = Some(m);
            }
            "jwks" => {
                let text = value.to_string();
                let set = jwtctl::keys::load_key_bytes(text.as_bytes(), &at(name), None)
                    .map_err(|e| bad(file, &format!("{}: {e}", at(name))))?;
                if set
                    .keys
                    .iter()
                    .any(|k| k.is_private() || k.key_type() == jwtctl::jwa::KeyType::Oct)
                {
                    return Err(bad(
                        file,
                        &format!("{}: a client's published keys must be public", at(name)),
                    ));
                }
                c.jwks = Some(text);
            }
            "jwks_uri" => {
                let uri = strings(file, &at(name), value, false)?.concat();
                jwtctl::remote::RemoteUrl::parse(&uri)
                    .map_err(|e| bad(file, &format!("{}: {e}", at(name))))?;
                c.jwks_uri = Some(uri);
            }
            other => {
                return Err(bad(
                    file,
                    &format!("unknown member {:?} in clients[{i}]", sanitize(other)),
                ));
            }
        }
    }
    c.check()
        .map_err(|e| bad(file, &format!("clients[{i}]: {e}")))?;
    Ok(c)
}

fn user(file: &Path, i: usize, v: &Value) -> Result<User> {
    let Value::Object(obj) = v else {
        return Err(bad(file, &format!("users[{i}] must be an object")));
    };
    let mut u = User::default();
    for (name, value) in obj {
        match (name.as_str(), value) {
            ("sub", Value::String(s)) if !s.is_empty() => u.sub = s.clone(),
            ("claims", Value::Object(m)) => u.claims = m.clone(),
            ("sub" | "claims", _) => {
                return Err(bad(
                    file,
                    &format!(
                        "users[{i}].{name} must be {}",
                        if name == "sub" {
                            "a non-empty string"
                        } else {
                            "an object"
                        }
                    ),
                ));
            }
            (other, _) => {
                return Err(bad(
                    file,
                    &format!("unknown member {:?} in users[{i}]", sanitize(other)),
                ));
            }
        }
    }
    if u.sub.is_empty() {
        return Err(bad(file, &format!("users[{i}] needs a sub")));
    }
    jwtctl::issuer::users_check(&u.claims).map_err(|e| bad(file, &format!("users[{i}]: {e}")))?;
    Ok(u)
}

fn read_file(file: &Path) -> Result<FromFile> {
    use std::io::Read;
    let f = std::fs::File::open(file).map_err(|e| Error::io(file.display().to_string(), e))?;
    let mut bytes = Vec::new();
    f.take(MAX_CONFIG.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(file.display().to_string(), e))?;
    if bytes.len() as u64 > MAX_CONFIG {
        return Err(bad(file, "larger than 1 MiB"));
    }
    let obj: Map<String, Value> = jwtctl::encoding::parse_object_strict(&bytes)
        .map_err(|e| bad(file, &format!("not a JSON object: {e}")))?;
    let base = file.parent().unwrap_or(Path::new(""));
    let mut out = FromFile::default();
    for (name, value) in &obj {
        match name.as_str() {
            "clients" => {
                let Value::Array(items) = value else {
                    return Err(bad(file, "\"clients\" must be an array"));
                };
                for (i, v) in items.iter().enumerate() {
                    out.clients.push(client(file, i, v)?);
                }
            }
            "users" => {
                let Value::Array(items) = value else {
                    return Err(bad(file, "\"users\" must be an array"));
                };
                for (i, v) in items.iter().enumerate() {
                    out.users.push(user(file, i, v)?);
                }
            }
            "dpop-nonce" | "dpop_nonce" => {
                let Value::Bool(b) = value else {
                    return Err(bad(file, &format!("{name:?} must be true or false")));
                };
                out.dpop_nonce = Some(*b);
            }
            other => {
                let flag = other.replace('_', "-");
                let Some(&(flag, many, path)) = FLAGS.iter().find(|(f, _, _)| *f == flag) else {
                    return Err(bad(file, &format!("unknown member {:?}", sanitize(other))));
                };
                let mut values = strings(file, other, value, many)?;
                if path {
                    values = values
                        .into_iter()
                        .map(|v| base.join(v).display().to_string())
                        .collect();
                }
                out.strings.push((flag, values));
            }
        }
    }
    Ok(out)
}

fn parse_client(text: &str) -> Result<Client> {
    let (id, secret) = match text.split_once(':') {
        Some((id, secret)) => (id, Some(secret)),
        None => (text, None),
    };
    if id.is_empty() || secret == Some("") {
        return Err(Error::usage(format!(
            "--client expects ID or ID:SECRET, got {:?}",
            sanitize(id)
        )));
    }
    Ok(Client {
        id: id.to_string(),
        secret: secret.map(str::to_string),
        ..Client::default()
    })
}

/// The settings `serve` runs with: `--config` first, the flags over it.
pub fn settings(a: &ServeArgs) -> Result<Settings> {
    let file = match &a.config {
        Some(f) => read_file(f)?,
        None => FromFile::default(),
    };
    let cfg_name = a
        .config
        .as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    let in_file = |what: String| Error::usage(format!("--config {cfg_name}: {what}"));
    let mut s = Settings {
        key: file.list("key").into_iter().map(PathBuf::from).collect(),
        ..Settings::default()
    };
    s.key.extend(a.key.iter().cloned());
    if s.key.is_empty() {
        return Err(Error::usage("serve needs a signing key: give --key PATH"));
    }
    s.passphrase = a
        .passphrase
        .clone()
        .or_else(|| file.one("passphrase").and_then(|p| p.parse().ok()));
    s.alg = match (a.alg, file.one("alg")) {
        (Some(x), _) => Some(x.0),
        (None, Some(name)) => Some(
            AlgArg::from_str(&name, false)
                .map_err(|_| {
                    in_file(format!(
                        "\"alg\": {:?} is not a JWS algorithm",
                        sanitize(&name)
                    ))
                })?
                .0,
        ),
        (None, None) => None,
    };
    s.addr = a
        .addr
        .clone()
        .or_else(|| file.one("addr"))
        .unwrap_or_else(|| "127.0.0.1:8080".into());
    s.tls_cert = a
        .tls_cert
        .clone()
        .or_else(|| file.one("tls-cert").map(PathBuf::from));
    s.tls_key = a
        .tls_key
        .clone()
        .or_else(|| file.one("tls-key").map(PathBuf::from));
    if s.tls_cert.is_some() != s.tls_key.is_some() {
        return Err(Error::usage("--tls-cert and --tls-key go together"));
    }
    s.issuer_url = a.issuer_url.clone().or_else(|| file.one("issuer-url"));
    s.clients = file.clients.clone();
    for text in file.list("client").iter().chain(a.client.iter()) {
        s.clients.push(parse_client(text)?);
    }
    for (i, c) in s.clients.iter().enumerate() {
        if s.clients
            .iter()
            .skip(i.saturating_add(1))
            .any(|o| o.id == c.id)
        {
            return Err(Error::usage(format!(
                "client {:?} is given twice",
                sanitize(&c.id)
            )));
        }
    }
    s.redirect_uris = file.list("redirect-uri");
    s.redirect_uris.extend(a.redirect_uri.iter().cloned());
    for u in &s.redirect_uris {
        check_redirect_uri(u).map_err(|e| Error::usage(format!("--redirect-uri {e}")))?;
    }
    s.users = file.users.clone();
    for text in file.list("user").iter().chain(a.user.iter()) {
        s.users.push(User::parse(text)?);
    }
    for (i, u) in s.users.iter().enumerate() {
        if s.users
            .iter()
            .skip(i.saturating_add(1))
            .any(|o| o.sub == u.sub)
        {
            return Err(Error::usage(format!(
                "user {:?} is given twice",
                sanitize(&u.sub)
            )));
        }
    }
    let login = match (a.login, file.one("login")) {
        (Some(l), _) => l,
        (None, Some(text)) => LoginArg::from_str(&text, false).map_err(|_| {
            in_file(format!(
                "\"login\" must be form or auto, not {:?}",
                sanitize(&text)
            ))
        })?,
        (None, None) => LoginArg::Form,
    };
    s.login = match login {
        LoginArg::Form => LoginMode::Form,
        LoginArg::Auto => LoginMode::Auto,
    };
    s.aud = file.list("aud");
    s.aud.extend(a.aud.iter().cloned());
    s.exp = a
        .exp
        .clone()
        .or_else(|| file.one("exp"))
        .unwrap_or_else(|| "15m".into());
    s.claim = file.list("claim");
    s.claim.extend(a.claim.iter().cloned());
    s.rotate = a.rotate.clone().or_else(|| file.one("rotate"));
    s.dpop_nonce = a.dpop_nonce || file.dpop_nonce.unwrap_or(false);
    s.admin_token = a
        .admin_token
        .clone()
        .or_else(|| file.one("admin-token").and_then(|p| p.parse().ok()));
    Ok(s)
}
