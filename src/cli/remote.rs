//! Remote keys at the edge: the transport flags become fetch options; the library's key
//! sources ([`jwtctl::source`]) do the rest, and their warnings are worded here.

use std::time::Duration;

use jwtctl::error::{Error, Result};
use jwtctl::keys::{KeySet, read_limited};
use jwtctl::remote::{CacheMode, Fetched, Fetcher, Options, RemoteUrl, default_cache_dir};
use jwtctl::source::{KeySource, Warning};
use jwtctl::time::parse_span;

use super::args::RemoteArgs;

const MAX_TIMEOUT: Duration = Duration::from_secs(3600);
const MAX_COOLDOWN: Duration = Duration::from_secs(24 * 3600);

fn span(text: &str, flag: &str, range: (Duration, Duration)) -> Result<Duration> {
    let d = parse_span(text)?;
    if d < range.0 || d > range.1 {
        return Err(Error::usage(format!(
            "{flag} {text:?} is out of range ({} to {})",
            humantime::format_duration(range.0),
            humantime::format_duration(range.1)
        )));
    }
    Ok(d)
}

/// Whether any transport flag was given.
fn given(a: &RemoteArgs, cooldown: Option<&String>) -> Option<&'static str> {
    if a.cacert.is_some() {
        Some("--cacert")
    } else if a.timeout.is_some() {
        Some("--timeout")
    } else if a.no_cache {
        Some("--no-cache")
    } else if a.offline {
        Some("--offline")
    } else if cooldown.is_some() {
        Some("--refresh-cooldown")
    } else {
        None
    }
}

/// The transport flags make sense only with something remote: refused otherwise, rather than
/// silently ignored. `remote` names the command's own ways to ask for remote keys.
pub fn refuse_unused(a: &RemoteArgs, cooldown: Option<&String>, remote: &str) -> Result<()> {
    match given(a, cooldown) {
        Some(flag) => Err(Error::usage(format!(
            "{flag} applies to remote keys only ({remote})"
        ))),
        None => Ok(()),
    }
}

/// The fetcher the flags describe when something is remote; otherwise the flags are refused if
/// given (see [`refuse_unused`]) and there is none.
pub fn fetcher_if(
    remote: bool,
    a: &RemoteArgs,
    cooldown: Option<&String>,
    ways: &str,
) -> Result<Option<Fetcher>> {
    if remote {
        fetcher(a, cooldown).map(Some)
    } else {
        refuse_unused(a, cooldown, ways).map(|()| None)
    }
}

/// The fetcher the flags describe.
pub fn fetcher(a: &RemoteArgs, cooldown: Option<&String>) -> Result<Fetcher> {
    let timeout = match &a.timeout {
        Some(t) => span(t, "--timeout", (Duration::from_millis(1), MAX_TIMEOUT))?,
        None => jwtctl::remote::DEFAULT_TIMEOUT,
    };
    let refresh_cooldown = match cooldown {
        Some(t) => span(t, "--refresh-cooldown", (Duration::ZERO, MAX_COOLDOWN))?,
        None => jwtctl::remote::DEFAULT_COOLDOWN,
    };
    let cacert = match &a.cacert {
        Some(p) => Some((
            read_limited(p, jwtctl::keys::MAX_KEY_FILE)?,
            p.display().to_string(),
        )),
        None => None,
    };
    let mode = match (a.no_cache, a.offline) {
        (true, _) => CacheMode::Refresh,
        (_, true) => CacheMode::Offline,
        _ => CacheMode::Normal,
    };
    Fetcher::new(Options {
        timeout,
        cacert,
        mode,
        refresh_cooldown,
        cache_dir: default_cache_dir(),
    })
}

/// The key set at `url` (for decryption, `allow_private`: its members are private keys).
pub fn fetch_set(url: &str, fetcher: &Fetcher, allow_private: bool) -> Result<Fetched<KeySet>> {
    let u = RemoteUrl::parse(url)?;
    fetcher.get(&u, false, &|body: &[u8]| {
        jwtctl::remote::parse_key_set(body, &u, allow_private).map(|(set, _)| set)
    })
}

/// A key source's warning, worded for the command line.
pub fn warning(w: &Warning) -> String {
    match w {
        Warning::WeakKeyAccepted(weakness) => super::remedy::weak_key_accepted(weakness),
        Warning::KeptKeySet { message, remedy } => format!(
            "keeping the key set in use: {}",
            super::remedy::with(message.clone(), *remedy)
        ),
        Warning::RefetchFailed { message, remedy } => format!(
            "cannot refetch the key set for an unknown kid: {}",
            super::remedy::with(message.clone(), *remedy)
        ),
        Warning::Transport(text) => text.clone(),
        Warning::CrlUnused(file) => {
            format!("{file}: the CRL is signed by no certificate of the path, so it is ignored")
        }
        _ => format!("{w:?}"),
    }
}

/// Prints the warnings `keys` gathered since the last call.
pub fn print_warnings(keys: &KeySource<'_>, out: &super::output::Output) {
    for w in keys.take_warnings() {
        out.warn(&warning(&w));
    }
}
