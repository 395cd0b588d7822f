//! The authorization-code grant's redirect target (RFC 8252 7.3): a one-shot listener on
//! 127.0.0.1 that takes the browser's `/callback` request, answers it with a short page, and
//! hands back the query. Bounded: a request head of 16 KiB, 10 s per connection, and the
//! caller's overall timeout.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

use crate::error::{Error, Result};

/// Largest request head read.
const MAX_HEAD: u64 = 16 * 1024;
/// Time one connection has to send its request.
const PER_CONNECTION: Duration = Duration::from_secs(10);

/// A listener on 127.0.0.1 for the redirect.
pub struct Loopback {
    listener: TcpListener,
    port: u16,
}

impl Loopback {
    /// Listens on 127.0.0.1:`port` (0: a free port).
    pub fn bind(port: u16) -> Result<Loopback> {
        let listener = TcpListener::bind(("127.0.0.1", port)).map_err(|e| {
            Error::usage(format!(
                "cannot listen on 127.0.0.1:{port} for the redirect: {e}"
            ))
        })?;
        let port = listener
            .local_addr()
            .map_err(|e| Error::usage(format!("cannot listen for the redirect: {e}")))?
            .port();
        Ok(Loopback { listener, port })
    }

    /// The redirect URI to register and send.
    pub fn redirect_uri(&self) -> String {
        format!("http://127.0.0.1:{}/callback", self.port)
    }

    /// Waits for the browser's `/callback` (other paths get a 404) until `timeout`; returns
    /// its query parameters.
    pub fn wait(&self, timeout: Duration) -> Result<Vec<(String, String)>> {
        let started = Instant::now();
        self.listener
            .set_nonblocking(true)
            .map_err(|e| Error::usage(format!("the redirect listener: {e}")))?;
        loop {
            if started.elapsed() >= timeout {
                return Err(Error::Denied(format!(
                    "no redirect came back to {} within {}",
                    self.redirect_uri(),
                    humantime::format_duration(timeout)
                )));
            }
            match self.listener.accept() {
                Ok((stream, _)) => {
                    if let Some(params) = serve_one(stream) {
                        return Ok(params);
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    std::thread::sleep(Duration::from_millis(50));
                }
                Err(e) => return Err(Error::usage(format!("the redirect listener: {e}"))),
            }
        }
    }
}

fn respond(mut stream: &TcpStream, status: &str, body: &str) {
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
}

/// Reads one request; `Some(query)` when it was the callback.
fn serve_one(stream: TcpStream) -> Option<Vec<(String, String)>> {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(PER_CONNECTION));
    let mut reader = BufReader::new(std::io::Read::take(&stream, MAX_HEAD));
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    // Drain the head so the browser sees a clean answer.
    let mut rest = String::new();
    while reader.read_line(&mut rest).is_ok_and(|n| n > 2) {
        rest.clear();
    }
    let Some(params) = callback_params(&line) else {
        respond(&stream, "404 Not Found", "not found\n");
        return None;
    };
    let failed = params.iter().any(|(k, _)| k == "error");
    let page = if failed {
        "<!doctype html><title>jwtctl</title><p>The sign-in did not succeed; jwtctl says why in the terminal. You may close this window.</p>\n"
    } else {
        "<!doctype html><title>jwtctl</title><p>Signed in. You may close this window and return to the terminal.</p>\n"
    };
    respond(&stream, "200 OK", page);
    Some(params)
}

/// The query parameters of a request line for `/callback`; `None` for any other target.
pub fn callback_params(request_line: &str) -> Option<Vec<(String, String)>> {
    let target = request_line.split(' ').nth(1).unwrap_or_default();
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    if path != "/callback" {
        return None;
    }
    Some(crate::issuer::parse_form(query.as_bytes()).unwrap_or_default())
}
