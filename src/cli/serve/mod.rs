//! `jwtctl serve`: the mock identity provider of [`jwtctl::issuer`] behind HTTP/1.1 (hyper on
//! tokio, rustls on aws-lc for https). The runtime starts here and nowhere else, so no other
//! command pays for it. Everything that can be a usage error is checked before the first byte
//! is served; after that, a bad request gets an HTTP error and the server keeps serving.
//! `config` merges the flags and `--config`, `routes` maps HTTP to the issuer, `page` renders
//! the login page.

mod config;
mod control;
mod page;
mod routes;

use std::convert::Infallible;
use std::io::Write;
use std::net::SocketAddr;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use hyper::Request;
use hyper::body::Incoming;

use jwtctl::error::{Error, Result};
use jwtctl::issuer::{CONTROL_PREFIX, DEVICE_PATH, Issuer, IssuerConfig, LOGIN_PATH, PATHS};
use jwtctl::keys::Key;
use jwtctl::sanitize::sanitize;
use jwtctl::time::parse_span;

use routes::Reply;

use super::args::ServeArgs;
use super::assign::parse_assignment;
use super::input::load_key;
use super::output::Output;

/// Largest request body read (a form).
const MAX_BODY: usize = 64 * 1024;
/// Request line plus headers (hyper answers 431 beyond it).
const MAX_HEAD: usize = 16 * 1024;
/// To send a whole request head, and to wait for the next one on a kept-alive connection.
const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
/// To send a request body.
const BODY_TIMEOUT: Duration = Duration::from_secs(10);
/// Longest life of one connection, however busy.
const CONNECTION_LIFETIME: Duration = Duration::from_secs(120);
/// Connections served at once; more wait in the kernel's backlog.
const MAX_CONNECTIONS: usize = 1024;
const DAY: u64 = 24 * 3600;

fn span(text: &str, flag: &str, max_days: u64) -> Result<Duration> {
    let d = parse_span(text)?;
    if d < Duration::from_secs(1) || d > Duration::from_secs(max_days.saturating_mul(DAY)) {
        return Err(Error::usage(format!(
            "{flag} {text:?} is out of range (1s to {max_days} days)"
        )));
    }
    Ok(d)
}

/// The endpoints, under the issuer URL's path.
struct Paths {
    oidc: String,
    oauth_inserted: String,
    oauth_appended: String,
    jwks: String,
    token: String,
    authorize: String,
    login: String,
    userinfo: String,
    end_session: String,
    introspect: String,
    revoke: String,
    device_authorization: String,
    device: String,
    control: String,
    /// `Path` of the cookies: the issuer URL's path.
    cookie_path: String,
}

impl Paths {
    /// The discovery member naming the endpoint at `path`, for injected errors.
    fn member(&self, path: &str) -> Option<&'static str> {
        [
            (&self.jwks, "jwks_uri"),
            (&self.token, "token_endpoint"),
            (&self.authorize, "authorization_endpoint"),
            (&self.userinfo, "userinfo_endpoint"),
            (&self.end_session, "end_session_endpoint"),
            (&self.introspect, "introspection_endpoint"),
            (&self.revoke, "revocation_endpoint"),
            (&self.device_authorization, "device_authorization_endpoint"),
            (&self.oidc, "issuer"),
            (&self.oauth_inserted, "issuer"),
            (&self.oauth_appended, "issuer"),
        ]
        .into_iter()
        .find(|(p, _)| p.as_str() == path)
        .map(|(_, m)| m)
    }
}

impl Paths {
    fn of(issuer: &str) -> Result<Paths> {
        let uri: hyper::Uri = issuer
            .parse()
            .map_err(|e| Error::usage(format!("--issuer-url {issuer:?} is not a URL: {e}")))?;
        if !matches!(uri.scheme_str(), Some("http" | "https")) || uri.authority().is_none() {
            return Err(Error::usage(format!(
                "--issuer-url {issuer:?} must be an absolute http:// or https:// URL"
            )));
        }
        if uri.query().is_some() || issuer.contains('#') {
            return Err(Error::usage(format!(
                "--issuer-url {issuer:?}: an issuer URL has no query or fragment"
            )));
        }
        let prefix = uri.path().trim_end_matches('/').to_string();
        let at = |member: &str| {
            let path = PATHS
                .iter()
                .find(|(m, _)| *m == member)
                .map_or("", |(_, p)| p);
            format!("{prefix}{path}")
        };
        Ok(Paths {
            oidc: format!("{prefix}/.well-known/openid-configuration"),
            oauth_inserted: format!("/.well-known/oauth-authorization-server{prefix}"),
            oauth_appended: format!("{prefix}/.well-known/oauth-authorization-server"),
            jwks: at("jwks_uri"),
            token: at("token_endpoint"),
            authorize: at("authorization_endpoint"),
            login: format!("{prefix}{LOGIN_PATH}"),
            userinfo: at("userinfo_endpoint"),
            end_session: at("end_session_endpoint"),
            introspect: at("introspection_endpoint"),
            revoke: at("revocation_endpoint"),
            device_authorization: at("device_authorization_endpoint"),
            device: format!("{prefix}{DEVICE_PATH}"),
            control: format!("{prefix}{CONTROL_PREFIX}"),
            cookie_path: if prefix.is_empty() {
                "/".into()
            } else {
                prefix.clone()
            },
        })
    }
}

struct Shared {
    issuer: RwLock<Issuer>,
    paths: Paths,
    /// `max-age` of the key set: short enough that clients see a rotation within a period.
    jwks_max_age: u64,
    /// Served over https (cookies are `Secure`).
    tls: bool,
    /// The control API's state: injected errors, captured requests, the admin token.
    control: control::Control,
}

fn tls_config(cert: &std::path::Path, key: &std::path::Path) -> Result<rustls::ServerConfig> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
        .and_then(|it| it.collect::<std::result::Result<_, _>>())
        .map_err(|e| {
            Error::usage(format!(
                "{}: not a PEM certificate chain: {e}",
                cert.display()
            ))
        })?;
    if certs.is_empty() {
        return Err(Error::usage(format!(
            "{}: no certificate in it",
            cert.display()
        )));
    }
    let key = PrivateKeyDer::from_pem_file(key)
        .map_err(|e| Error::usage(format!("{}: not a PEM private key: {e}", key.display())))?;
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::usage(format!("TLS: {e}")))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| Error::usage(format!("--tls-cert/--tls-key: {e}")))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

fn issuer_url(addr: SocketAddr, tls: bool) -> String {
    let scheme = if tls { "https" } else { "http" };
    let ip = match addr.ip() {
        ip if ip.is_unspecified() && addr.is_ipv4() => "127.0.0.1".to_string(),
        ip if ip.is_unspecified() => "[::1]".to_string(),
        std::net::IpAddr::V6(v6) => format!("[{v6}]"),
        std::net::IpAddr::V4(v4) => v4.to_string(),
    };
    format!("{scheme}://{ip}:{}", addr.port())
}

pub fn run(args: &ServeArgs, out: &Output) -> Result<()> {
    let a = config::settings(args)?;
    let mut keys: Vec<Key> = Vec::new();
    for path in &a.key {
        keys.extend(load_key(path, a.passphrase.as_ref(), out)?.keys);
    }
    let lifetime = span(&a.exp, "--exp", 366)?.as_secs();
    let rotate = a
        .rotate
        .as_deref()
        .map(|r| span(r, "--rotate", 366))
        .transpose()?;
    let claims = a
        .claim
        .iter()
        .map(|c| parse_assignment(c))
        .collect::<Result<Vec<_>>>()?;
    let tls = match (&a.tls_cert, &a.tls_key) {
        (Some(c), Some(k)) => Some(Arc::new(tls_config(c, k)?)),
        _ => None,
    };
    let listener = std::net::TcpListener::bind(a.addr.as_str())
        .map_err(|e| Error::usage(format!("cannot listen on {}: {e}", sanitize(&a.addr))))?;
    let local = listener
        .local_addr()
        .map_err(|e| Error::usage(format!("cannot listen on {}: {e}", sanitize(&a.addr))))?;
    listener
        .set_nonblocking(true)
        .map_err(|e| Error::usage(format!("cannot listen on {local}: {e}")))?;
    let url = match &a.issuer_url {
        Some(u) => u.trim_end_matches('/').to_string(),
        None => issuer_url(local, tls.is_some()),
    };
    let paths = Paths::of(&url)?;
    let mut issuer = Issuer::new(
        IssuerConfig {
            issuer: url.clone(),
            alg: a.alg,
            clients: a.clients.clone(),
            redirect_uris: a.redirect_uris.clone(),
            users: a.users.clone(),
            login: a.login,
            aud: a.aud.clone(),
            lifetime,
            claims,
            dpop_nonce: a.dpop_nonce,
        },
        keys,
    )?;
    if a.clients.iter().any(|c| c.jwks_uri.is_some()) {
        // Clients' key sets are fetched as remote keys are (https, or http on loopback; no
        // redirects; 1 MiB), and kept in memory only.
        let fetcher = jwtctl::remote::Fetcher::new(jwtctl::remote::Options {
            cache_dir: None,
            ..jwtctl::remote::Options::default()
        })?;
        issuer.set_fetcher(fetcher);
    }
    let admin_token = match &a.admin_token {
        // A token from a file usually ends with a newline that is not part of it.
        Some(src) => Some(zeroize::Zeroizing::new(
            super::input::read_secret(src, "--admin-token", out)?
                .trim_ascii()
                .to_vec(),
        )),
        None => None,
    };
    if rotate.is_some() {
        issuer.rotation_spec()?;
    }
    if issuer.signs_with_secret() {
        out.warn("the signing key is a secret (HMAC): it is not published, so verifiers need the secret itself");
    }
    if tls.is_none() && !local.ip().is_loopback() {
        out.warn(&format!(
            "serving plain http on {local}, which is not a loopback address: tokens can be read on the network (give --tls-cert and --tls-key)"
        ));
    }
    let jwks_max_age = rotate.map_or(300, |r| r.as_secs().clamp(1, 300));
    let shared = Arc::new(Shared {
        issuer: RwLock::new(issuer),
        paths,
        jwks_max_age,
        tls: tls.is_some(),
        control: control::Control::new(admin_token),
    });
    // A single-threaded runtime per core rather than one work-stealing runtime: the first
    // accepts and hands connections round-robin to all (itself included), and a connection
    // then stays on its thread, so a request wakes no other thread. Under 32 kept-alive
    // connections the multi-threaded runtime spent a quarter of the server's time in the
    // kernel's scheduler (its workers waking each other).
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get().clamp(1, 64));
    let slots = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let tls = tls.map(tokio_rustls::TlsAcceptor::from);
    std::thread::scope(|scope| -> Result<()> {
        let mut others = Vec::with_capacity(threads.saturating_sub(1));
        let mut hands = Vec::with_capacity(threads.saturating_sub(1));
        for _ in 1..threads {
            let (hand, handed) = tokio::sync::mpsc::unbounded_channel();
            let lane = Lane {
                tls: tls.clone(),
                shared: Arc::clone(&shared),
                slots: Arc::clone(&slots),
                stop: stop_rx.clone(),
            };
            let spawned = std::thread::Builder::new()
                .name("serve".into())
                .spawn_scoped(scope, move || -> Result<()> {
                    let runtime = runtime()?;
                    runtime.block_on(lane.serve_handed(handed));
                    runtime.shutdown_timeout(Duration::from_millis(500));
                    Ok(())
                });
            match spawned {
                Ok(handle) => others.push(handle),
                Err(e) => {
                    let _ = stop_tx.send(true);
                    return Err(Error::usage(format!("cannot start the server: {e}")));
                }
            }
            hands.push(hand);
        }
        let lane = Lane {
            tls,
            shared,
            slots,
            stop: stop_rx,
        };
        let runtime = runtime()?;
        let served = runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener)
                .map_err(|e| Error::usage(format!("cannot listen on {local}: {e}")))?;
            // The URL is the first line, written once the socket listens.
            let mut stdout = std::io::stdout().lock();
            writeln!(stdout, "{url}")
                .and_then(|()| stdout.flush())
                .map_err(|e| Error::io("<stdout>", e))?;
            drop(stdout);
            let mut stop = Stop::new()?;
            if let Some(period) = rotate {
                tokio::spawn(rotation(Arc::clone(&lane.shared), period));
            }
            tokio::select! {
                () = stop.requested() => {}
                () = lane.accept(listener, hands) => {}
            }
            Ok(())
        });
        // Every lane stops with this one, however it ended.
        let _ = stop_tx.send(true);
        runtime.shutdown_timeout(Duration::from_millis(500));
        for handle in others {
            handle
                .join()
                .unwrap_or_else(|_| Err(Error::usage("a server thread stopped")))?;
        }
        served
    })
}

/// A single-threaded runtime for one lane.
fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()
        .map_err(|e| Error::usage(format!("cannot start the server: {e}")))
}

/// One thread's share of the server: it accepts connections and serves them itself.
struct Lane {
    tls: Option<tokio_rustls::TlsAcceptor>,
    shared: Arc<Shared>,
    /// Connections open at once, over all lanes.
    slots: Arc<tokio::sync::Semaphore>,
    stop: tokio::sync::watch::Receiver<bool>,
}

impl Lane {
    /// Accepts until the server stops, handing the connections round-robin to this lane and
    /// to the others' `hands`.
    async fn accept(
        mut self,
        listener: tokio::net::TcpListener,
        hands: Vec<tokio::sync::mpsc::UnboundedSender<Handed>>,
    ) {
        let mut turn = 0usize;
        loop {
            let permit = tokio::select! {
                _ = self.stop.changed() => return,
                p = Arc::clone(&self.slots).acquire_owned() => match p {
                    Ok(p) => p,
                    Err(_) => return,
                },
            };
            let accepted = tokio::select! {
                _ = self.stop.changed() => return,
                a = listener.accept() => a,
            };
            let (stream, peer) = match accepted {
                Ok(x) => x,
                Err(e) => {
                    // Out of file descriptors and the like: wait a moment rather than spin.
                    eprintln!("warning: accept: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            };
            turn = turn.wrapping_add(1) % hands.len().saturating_add(1);
            let Some(hand) = hands.get(turn) else {
                self.spawn(stream, peer, permit);
                continue;
            };
            let Ok(stream) = stream.into_std() else {
                continue;
            };
            // A lane whose thread could not start its runtime has hung up: serve it here.
            if let Err(back) = hand.send((stream, peer, permit)) {
                let (stream, peer, permit) = back.0;
                if let Ok(stream) = tokio::net::TcpStream::from_std(stream) {
                    self.spawn(stream, peer, permit);
                }
            }
        }
    }

    /// Serves the connections handed to this lane until the server stops.
    async fn serve_handed(mut self, mut handed: tokio::sync::mpsc::UnboundedReceiver<Handed>) {
        loop {
            let next = tokio::select! {
                _ = self.stop.changed() => return,
                h = handed.recv() => h,
            };
            let Some((stream, peer, permit)) = next else {
                return;
            };
            if let Ok(stream) = tokio::net::TcpStream::from_std(stream) {
                self.spawn(stream, peer, permit);
            }
        }
    }

    /// Serves one connection on this lane's runtime.
    fn spawn(
        &self,
        stream: tokio::net::TcpStream,
        peer: SocketAddr,
        permit: tokio::sync::OwnedSemaphorePermit,
    ) {
        let (shared, tls) = (Arc::clone(&self.shared), self.tls.clone());
        tokio::spawn(async move {
            let _permit = permit;
            let _ =
                tokio::time::timeout(CONNECTION_LIFETIME, connection(stream, peer, tls, shared))
                    .await;
        });
    }
}

/// A connection handed from the accepting lane to another, with its slot.
type Handed = (
    std::net::TcpStream,
    SocketAddr,
    tokio::sync::OwnedSemaphorePermit,
);

/// SIGINT or SIGTERM (Ctrl-C elsewhere): the server stops, exit 0.
struct Stop {
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
    #[cfg(unix)]
    int: tokio::signal::unix::Signal,
}

impl Stop {
    fn new() -> Result<Stop> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let sig = |kind| {
                signal(kind).map_err(|e| Error::usage(format!("cannot handle signals: {e}")))
            };
            Ok(Stop {
                term: sig(SignalKind::terminate())?,
                int: sig(SignalKind::interrupt())?,
            })
        }
        #[cfg(not(unix))]
        Ok(Stop {})
    }

    async fn requested(&mut self) {
        #[cfg(unix)]
        tokio::select! {
            _ = self.term.recv() => {}
            _ = self.int.recv() => {}
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

async fn connection(
    stream: tokio::net::TcpStream,
    peer: SocketAddr,
    tls: Option<tokio_rustls::TlsAcceptor>,
    shared: Arc<Shared>,
) {
    use hyper_util::rt::{TokioIo, TokioTimer};
    let service = hyper::service::service_fn(move |req| {
        let shared = Arc::clone(&shared);
        async move { Ok::<_, Infallible>(handle(req, peer, &shared).await) }
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(HEAD_TIMEOUT)
        .max_buf_size(MAX_HEAD);
    match tls {
        Some(acceptor) => {
            if let Ok(Ok(s)) = tokio::time::timeout(HEAD_TIMEOUT, acceptor.accept(stream)).await {
                let _ = builder.serve_connection(TokioIo::new(s), service).await;
            }
        }
        None => {
            let _ = builder
                .serve_connection(TokioIo::new(stream), service)
                .await;
        }
    }
}

async fn rotation(shared: Arc<Shared>, period: Duration) {
    let mut next = tokio::time::Instant::now();
    loop {
        let Some(due) = next.checked_add(period) else {
            return;
        };
        next = due;
        tokio::time::sleep_until(next).await;
        if let Err(e) = rotate_now(&shared).await {
            eprintln!("warning: rotation: {e}");
        }
    }
}

/// Signs with a fresh key of the signing key's kind from now on; returns the new `kid`.
async fn rotate_now(shared: &Shared) -> std::result::Result<String, String> {
    let spec = match shared.issuer.read().map(|i| i.rotation_spec()) {
        Ok(Ok(s)) => s,
        Ok(Err(e)) => return Err(e.to_string()),
        Err(_) => return Err("the issuer is unavailable".into()),
    };
    let key = tokio::task::spawn_blocking(move || jwtctl::keygen::generate(spec))
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| format!("cannot generate a key: {e}"))?;
    let mut issuer = shared
        .issuer
        .write()
        .map_err(|_| "the issuer is unavailable".to_string())?;
    let old = issuer.signing_kid().to_string();
    issuer.rotate_to(key).map_err(|e| e.to_string())?;
    let kid = issuer.signing_kid().to_string();
    eprintln!("rotated: kid {kid} signs now; kid {old} stays published for one more period");
    Ok(kid)
}

async fn handle(req: Request<Incoming>, peer: SocketAddr, shared: &Arc<Shared>) -> Reply {
    let started = Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let response = routes::route(req, peer, shared).await;
    let size = hyper::body::Body::size_hint(response.body())
        .exact()
        .unwrap_or(0);
    // One write per line: stderr is unbuffered, and eprintln! writes each piece of the
    // format separately (a dozen system calls per request under load).
    let line = format!(
        "{peer} {method} {} {} {size}B {:.1}ms\n",
        sanitize(&path),
        response.status().as_u16(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    let _ = std::io::stderr().write_all(line.as_bytes());
    response
}
