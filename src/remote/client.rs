//! One HTTP exchange — a GET for documents, a form POST for OAuth endpoints: ureq with rustls
//! on aws-lc-rs (the crypto jwtctl already links), the system's trust store plus extra CAs, no
//! redirects, a timeout on connecting and on the whole exchange, and the body capped while it
//! is read.

use std::sync::Arc;
use std::time::Duration;

use http::HeaderMap;
use ureq::tls::{Certificate, RootCerts, TlsConfig, TlsProvider};

use super::{MAX_BODY, RemoteUrl};
use crate::error::{Error, Remedy, Result};

/// What the server answered. The body is read only for a 200.
pub(super) struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

/// The trusted roots: the system's store (`SSL_CERT_FILE`/`SSL_CERT_DIR` honoured, as
/// OpenSSL does) and the extra CA certificates.
pub(super) fn roots(extra: &[Certificate<'static>]) -> Vec<Certificate<'static>> {
    let native = rustls_native_certs::load_native_certs();
    native
        .certs
        .iter()
        .map(|c| Certificate::from_der(c.as_ref()).to_owned())
        .chain(extra.iter().cloned())
        .collect()
}

/// Reads the CA certificates of a PEM file.
pub(super) fn parse_cacert(pem: &[u8], what: &str) -> Result<Vec<Certificate<'static>>> {
    let mut certs = Vec::new();
    for item in ureq::tls::parse_pem(pem) {
        match item {
            Ok(ureq::tls::PemItem::Certificate(c)) => certs.push(c),
            Ok(_) => {}
            Err(e) => return Err(Error::usage(format!("{what}: not a PEM certificate: {e}"))),
        }
    }
    if certs.is_empty() {
        return Err(Error::usage(format!(
            "{what}: no PEM certificate (-----BEGIN CERTIFICATE-----) in it"
        )));
    }
    Ok(certs)
}

/// Words a transport error for the user.
fn cause(e: &ureq::Error, timeout: Duration) -> String {
    match e {
        ureq::Error::Timeout(_) => format!(
            "no complete answer within {}",
            humantime::format_duration(timeout)
        ),
        ureq::Error::HostNotFound => "the host name does not resolve".into(),
        ureq::Error::BodyExceedsLimit(_) => {
            format!("the response is larger than {} KiB", MAX_BODY / 1024)
        }
        ureq::Error::LargeResponseHeader(..) => "the response headers are too large".into(),
        ureq::Error::Rustls(t) => format!("TLS: {t}"),
        ureq::Error::Io(io) => {
            let inner = io.get_ref().map(|i| i.to_string());
            match (io.kind(), inner) {
                (std::io::ErrorKind::ConnectionRefused, _) => "connection refused".into(),
                (std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock, _) => format!(
                    "no complete answer within {}",
                    humantime::format_duration(timeout)
                ),
                (_, Some(i)) if io.kind() == std::io::ErrorKind::InvalidData => format!("TLS: {i}"),
                _ => io.to_string(),
            }
        }
        ureq::Error::Protocol(p) => format!("not a valid HTTP answer: {p}"),
        other => other.to_string(),
    }
}

/// What helps with a transport error, where something does.
fn remedy(e: &ureq::Error) -> Option<Remedy> {
    let certificate = |t: &rustls::Error| {
        matches!(
            t,
            rustls::Error::InvalidCertificate(_) | rustls::Error::NoCertificatesPresented
        )
    };
    match e {
        ureq::Error::Timeout(_) => Some(Remedy::RaiseTimeout),
        ureq::Error::Rustls(t) if certificate(t) => Some(Remedy::TrustCa),
        ureq::Error::Io(io) => match io.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) {
            Some(t) if certificate(t) => Some(Remedy::TrustCa),
            _ if io.kind() == std::io::ErrorKind::TimedOut => Some(Remedy::RaiseTimeout),
            _ => None,
        },
        _ => None,
    }
}

fn agent(
    url: &RemoteUrl,
    timeout: Duration,
    roots: &Arc<Vec<Certificate<'static>>>,
) -> ureq::Agent {
    let tls = TlsConfig::builder()
        .provider(TlsProvider::Rustls)
        .root_certs(RootCerts::Specific(Arc::clone(roots)))
        .unversioned_rustls_crypto_provider(Arc::new(rustls::crypto::aws_lc_rs::default_provider()))
        .build();
    // A proxy cannot reach this machine's loopback, so a local issuer is always direct.
    let proxy = if url.is_loopback() {
        None
    } else {
        ureq::Proxy::try_from_env()
    };
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(timeout))
        .timeout_connect(Some(timeout))
        .user_agent(concat!("jwtctl/", env!("CARGO_PKG_VERSION")))
        .accept("application/json, application/jwk-set+json")
        .proxy(proxy)
        .tls_config(tls)
        .build()
        .into()
}

/// Reads a body within [`MAX_BODY`].
fn read_body(
    url: &RemoteUrl,
    response: &mut http::Response<ureq::Body>,
    fail: &dyn Fn(ureq::Error) -> Error,
) -> Result<Vec<u8>> {
    let declared = response
        .headers()
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY) {
        return Err(Error::fetch(
            url.to_string(),
            format!("the response is larger than {} KiB", MAX_BODY / 1024),
        ));
    }
    response
        .body_mut()
        .with_config()
        .limit(MAX_BODY)
        .read_to_vec()
        .map_err(fail)
}

/// POSTs a form to `url` with the extra headers; the body is read whatever the status (an
/// OAuth error is JSON too).
pub(super) fn post_form(
    url: &RemoteUrl,
    headers: &[(&str, String)],
    form: &str,
    timeout: Duration,
    roots: &Arc<Vec<Certificate<'static>>>,
) -> Result<Reply> {
    let mut request = agent(url, timeout, roots)
        .post(url.uri().clone())
        .header("Content-Type", "application/x-www-form-urlencoded");
    for (name, value) in headers {
        request = request.header(*name, value.as_str());
    }
    let fail = |e: ureq::Error| Error::Fetch {
        url: url.to_string(),
        cause: cause(&e, timeout),
        status: None,
        remedy: remedy(&e),
    };
    let mut response = request.send(form.as_bytes()).map_err(fail)?;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = read_body(url, &mut response, &fail)?;
    Ok(Reply {
        status,
        headers,
        body,
    })
}

/// GETs `url` with the extra request headers (the cache's validators).
pub(super) fn get(
    url: &RemoteUrl,
    headers: &HeaderMap,
    timeout: Duration,
    roots: &Arc<Vec<Certificate<'static>>>,
) -> Result<Reply> {
    let agent = agent(url, timeout, roots);
    let mut request = agent.get(url.uri().clone());
    for (name, value) in headers {
        request = request.header(name, value);
    }
    let fail = |e: ureq::Error| Error::Fetch {
        url: url.to_string(),
        cause: cause(&e, timeout),
        status: None,
        remedy: remedy(&e),
    };
    let mut response = request.call().map_err(fail)?;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = if status == 200 {
        read_body(url, &mut response, &fail)?
    } else {
        Vec::new()
    };
    Ok(Reply {
        status,
        headers,
        body,
    })
}
