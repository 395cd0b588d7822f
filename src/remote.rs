//! Remote keys: JWK Sets fetched over HTTPS, given directly (`jwks_uri`) or found through an
//! issuer's discovery document (OpenID Connect Discovery, RFC 8414), with an RFC 9111 cache
//! on disk that lasts across runs. Only URLs the caller names are fetched, never one a token
//! names (`iss`, `jku`, `x5u`).

pub(crate) mod cache;
mod client;
pub mod discovery;
pub mod live;
mod target;

pub use target::{RemoteUrl, looks_like_url};

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, SystemTime};

use cache::{Cache, Entry, unix};
use ureq::tls::Certificate;

use crate::error::{Error, Result};
use crate::time::format_span;

/// Largest response body read; the cap is enforced while reading.
pub const MAX_BODY: u64 = 1 << 20;
/// Freshness when the server says nothing about caching.
pub const DEFAULT_FRESHNESS: Duration = Duration::from_secs(5 * 60);
/// The longest an entry is fresh, whatever the server says.
pub const MAX_FRESHNESS: Duration = Duration::from_secs(24 * 60 * 60);
/// Default `--timeout`.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default `--refresh-cooldown`.
pub const DEFAULT_COOLDOWN: Duration = Duration::from_secs(30);

/// How the cache is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CacheMode {
    /// Fresh entries are used; stale ones are revalidated.
    #[default]
    Normal,
    /// Every document is fetched afresh (and the cache updated).
    Refresh,
    /// Only the cache is used, fresh or not; the network never is.
    Offline,
}

/// Transport and cache settings.
#[derive(Debug, Clone)]
pub struct Options {
    /// Per request, from connecting to the last byte.
    pub timeout: Duration,
    /// Extra trusted CA certificates (PEM bytes) and where they came from.
    pub cacert: Option<(Vec<u8>, String)>,
    /// How the cache is used.
    pub mode: CacheMode,
    /// Least time between two refetches of one URL for an unknown `kid`.
    pub refresh_cooldown: Duration,
    /// The cache folder; `None` keeps nothing on disk.
    pub cache_dir: Option<PathBuf>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            timeout: DEFAULT_TIMEOUT,
            cacert: None,
            mode: CacheMode::Normal,
            refresh_cooldown: DEFAULT_COOLDOWN,
            cache_dir: default_cache_dir(),
        }
    }
}

/// The cache folder from the environment: `$JWTCTL_CACHE_DIR`, else
/// `$XDG_CACHE_HOME/jwtctl`, else `~/.cache/jwtctl`.
pub fn default_cache_dir() -> Option<PathBuf> {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    if let Some(d) = var("JWTCTL_CACHE_DIR") {
        return Some(PathBuf::from(d));
    }
    if let Some(d) = var("XDG_CACHE_HOME") {
        return Some(PathBuf::from(d).join("jwtctl"));
    }
    var("HOME").map(|h| PathBuf::from(h).join(".cache").join("jwtctl"))
}

/// Where a document came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provenance {
    /// Fetched from the server now (HTTP 200).
    Fetched,
    /// Served from the cache without asking the server.
    Cached {
        /// Seconds since it was received or last revalidated.
        age: u64,
        /// Past its freshness (used only offline).
        stale: bool,
    },
    /// The cached copy, confirmed by the server now (HTTP 304).
    Revalidated,
}

impl std::fmt::Display for Provenance {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Provenance::Fetched => f.write_str("fetched"),
            Provenance::Cached { age, stale: false } => {
                write!(f, "from the cache (age {})", format_span(*age))
            }
            Provenance::Cached { age, stale: true } => {
                write!(
                    f,
                    "from the cache, stale (age {}; offline)",
                    format_span(*age)
                )
            }
            Provenance::Revalidated => f.write_str("revalidated (304 Not Modified)"),
        }
    }
}

/// A fetched (or cached) document, parsed.
#[derive(Debug, Clone)]
pub struct Fetched<T> {
    /// What the body was parsed into.
    pub value: T,
    /// The URL.
    pub url: RemoteUrl,
    /// Where it came from.
    pub provenance: Provenance,
    /// Until when it is fresh (Unix seconds).
    pub fresh_until: u64,
    /// The body as received.
    pub body: Vec<u8>,
}

/// What an OAuth endpoint answered to a POST.
#[derive(Debug, Clone)]
pub struct Posted {
    /// The HTTP status.
    pub status: u16,
    /// The `DPoP-Nonce` header (RFC 9449 8).
    pub dpop_nonce: Option<String>,
    /// The `WWW-Authenticate` header.
    pub www_authenticate: Option<String>,
    /// The body (capped).
    pub body: Vec<u8>,
}

/// Fetches documents through the cache. One per run; it may be shared between threads.
pub struct Fetcher {
    opts: Options,
    cache: Option<Cache>,
    roots: OnceLock<Result<Arc<Vec<Certificate<'static>>>, String>>,
    /// When each URL was last asked of its server in this run (Unix seconds).
    contacted: Mutex<HashMap<String, u64>>,
    /// Problems worth a warning that did not stop the run (the cache cannot be written).
    warnings: Mutex<Vec<String>>,
}

fn now() -> SystemTime {
    SystemTime::now()
}

impl Fetcher {
    /// A fetcher with these settings. Nothing is read or fetched yet.
    pub fn new(opts: Options) -> Result<Fetcher> {
        if let Some((pem, what)) = &opts.cacert {
            client::parse_cacert(pem, what)?;
        }
        Ok(Fetcher {
            cache: opts.cache_dir.clone().map(Cache::new),
            opts,
            roots: OnceLock::new(),
            contacted: Mutex::new(HashMap::new()),
            warnings: Mutex::new(Vec::new()),
        })
    }

    /// The settings.
    pub fn options(&self) -> &Options {
        &self.opts
    }

    /// Warnings gathered so far (each once), emptied.
    pub fn take_warnings(&self) -> Vec<String> {
        self.warnings
            .lock()
            .map(|mut w| std::mem::take(&mut *w))
            .unwrap_or_default()
    }

    fn warn(&self, msg: String) {
        if let Ok(mut w) = self.warnings.lock() {
            if !w.contains(&msg) {
                w.push(msg);
            }
        }
    }

    fn roots(&self) -> Result<Arc<Vec<Certificate<'static>>>> {
        let roots = self.roots.get_or_init(|| {
            let extra = match &self.opts.cacert {
                Some((pem, what)) => client::parse_cacert(pem, what).map_err(|e| e.to_string())?,
                None => Vec::new(),
            };
            Ok(Arc::new(client::roots(&extra)))
        });
        roots.clone().map_err(Error::usage)
    }

    /// POSTs a form to `url` (an OAuth endpoint) under the same transport rules as every
    /// fetch; never cached. Answers whatever the server said, status and body.
    pub fn post_form(
        &self,
        url: &RemoteUrl,
        headers: &[(&str, String)],
        form: &str,
    ) -> Result<Posted> {
        let roots = self.roots()?;
        let reply = client::post_form(url, headers, form, self.opts.timeout, &roots)?;
        let header = |name: &str| {
            reply
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        Ok(Posted {
            status: reply.status,
            dpop_nonce: header("dpop-nonce"),
            www_authenticate: header("www-authenticate"),
            body: reply.body,
        })
    }

    /// Whether `url` has an entry in the cache (fresh or not).
    pub fn is_cached(&self, url: &RemoteUrl) -> bool {
        self.cache
            .as_ref()
            .is_some_and(|c| c.read(url.as_str(), url.uri()).is_some())
    }

    /// Seconds since the server of `url` was last asked for it, by this run or an earlier
    /// one (from the cache); `None` when never.
    pub fn since_contact(&self, url: &RemoteUrl) -> Option<u64> {
        let now = unix(now());
        let here = self
            .contacted
            .lock()
            .ok()
            .and_then(|m| m.get(url.as_str()).copied());
        let stored = match self.opts.mode {
            CacheMode::Refresh => None,
            _ => self
                .cache
                .as_ref()
                .and_then(|c| c.read(url.as_str(), url.uri()))
                .map(|e| e.stored),
        };
        here.into_iter()
            .chain(stored)
            .max()
            .map(|t| now.saturating_sub(t))
    }

    /// The document at `url`, parsed by `parse`: from the cache while fresh, else revalidated
    /// or fetched. `force` asks the server even when the entry is fresh. A body that `parse`
    /// refuses is an error when fetched and absent when cached.
    pub fn get<T>(
        &self,
        url: &RemoteUrl,
        force: bool,
        parse: &dyn Fn(&[u8]) -> Result<T>,
    ) -> Result<Fetched<T>> {
        let key = url.as_str();
        let t = now();
        let now_s = unix(t);
        let entry = match (self.opts.mode, &self.cache) {
            (CacheMode::Refresh, _) | (_, None) => None,
            (_, Some(c)) => c.read(key, url.uri()),
        };
        // A cached body is checked as a fetched one is: a corrupt entry counts as absent.
        let cached = entry.and_then(|e| parse(&e.body).ok().map(|v| (e, v)));
        if self.opts.mode == CacheMode::Offline {
            return match cached {
                Some((e, value)) => Ok(Fetched {
                    value,
                    url: url.clone(),
                    provenance: Provenance::Cached {
                        age: now_s.saturating_sub(e.stored),
                        stale: !e.is_fresh(now_s),
                    },
                    fresh_until: u64::MAX,
                    body: e.body,
                }),
                None => Err(Error::fetch(
                    url.to_string(),
                    "not in the cache, and offline use forbids the network",
                )),
            };
        }
        let mut cached = cached;
        if let Some((e, value)) = cached.take_if(|(e, _)| !force && e.is_fresh(now_s)) {
            return Ok(Fetched {
                value,
                url: url.clone(),
                provenance: Provenance::Cached {
                    age: now_s.saturating_sub(e.stored),
                    stale: false,
                },
                fresh_until: e.fresh_until,
                body: e.body,
            });
        }
        let roots = self.roots()?;
        let validators = cached
            .as_ref()
            .map(|(e, _)| e.validators(url.uri(), t))
            .unwrap_or_default();
        let mut reply = client::get(url, &validators, self.opts.timeout, &roots)?;
        if let Ok(mut m) = self.contacted.lock() {
            m.insert(key.to_string(), now_s);
        }
        if reply.status == 304 && !validators.is_empty() {
            if let Some((e, value)) = cached {
                if let Some(updated) = e.revalidated(url.uri(), &reply, t) {
                    self.store(&updated);
                    return Ok(Fetched {
                        value,
                        url: url.clone(),
                        provenance: Provenance::Revalidated,
                        fresh_until: updated.fresh_until,
                        body: updated.body,
                    });
                }
            }
            // The 304 does not match what is stored: ask again, unconditionally.
            reply = client::get(url, &http::HeaderMap::new(), self.opts.timeout, &roots)?;
        }
        match reply.status {
            200 => {}
            s @ 300..=399 => {
                let location = reply
                    .headers
                    .get(http::header::LOCATION)
                    .and_then(|v| v.to_str().ok())
                    .map(|l| format!(" to {}", crate::sanitize::sanitize(l)))
                    .unwrap_or_default();
                return Err(Error::Fetch {
                    url: url.to_string(),
                    cause: format!(
                        "the server redirects{location} (HTTP {s}); redirects are not followed: give the final URL"
                    ),
                    status: Some(s),
                    remedy: None,
                });
            }
            s => {
                let reason = http::StatusCode::from_u16(s)
                    .ok()
                    .and_then(|c| c.canonical_reason())
                    .map(|r| format!(" {r}"))
                    .unwrap_or_default();
                return Err(Error::Fetch {
                    url: url.to_string(),
                    cause: format!("the server answered HTTP {s}{reason}"),
                    status: Some(s),
                    remedy: None,
                });
            }
        }
        let value = parse(&reply.body)?;
        let entry = Entry::from_reply(key, url.uri(), &reply, t);
        let fresh_until = match &entry {
            Some(e) => {
                self.store(e);
                e.fresh_until
            }
            None => {
                // `no-store`: nothing is kept, and an older copy must not be used again.
                if let Some(c) = &self.cache {
                    c.remove(key);
                }
                now_s
            }
        };
        Ok(Fetched {
            value,
            url: url.clone(),
            provenance: Provenance::Fetched,
            fresh_until,
            body: reply.body,
        })
    }

    fn store(&self, e: &Entry) {
        if let Some(c) = &self.cache {
            if let Err(why) = c.write(e) {
                self.warn(format!(
                    "cannot write the cache in {}: {why}; documents will be fetched again next time",
                    c.dir().display()
                ));
            }
        }
    }
}

/// Feeds `bytes` to the cache as if they were a stored entry for `url` (for fuzzing: cache
/// files and server headers are untrusted).
#[doc(hidden)]
pub fn exercise_cache_entry(bytes: &[u8], url: &RemoteUrl) {
    cache::exercise(bytes, url.as_str(), url.uri());
}

/// Parses a key set a server published at `url` (see [`crate::keys::load_published_set`]); a
/// decryption set may hold private keys (`allow_private`).
pub fn parse_key_set(
    body: &[u8],
    url: &RemoteUrl,
    allow_private: bool,
) -> Result<(crate::keys::KeySet, Vec<String>)> {
    let set = json_object(body, url)?;
    crate::keys::load_published_set(&set, url.as_str(), allow_private)
}

/// Parses a JSON object body, naming what is wrong when it is not one (an HTML error page,
/// say).
pub fn json_object(
    body: &[u8],
    url: &RemoteUrl,
) -> Result<serde_json::Map<String, serde_json::Value>> {
    let fail = |why: String| Error::fetch(url.to_string(), why);
    let text = body.trim_ascii_start();
    if text.first() == Some(&b'<') {
        return Err(fail("the response is HTML (or XML), not JSON".into()));
    }
    match crate::encoding::parse_value_strict(body) {
        Ok(serde_json::Value::Object(m)) => Ok(m),
        Ok(_) => Err(fail("the response is JSON but not an object".into())),
        Err(e) => Err(fail(format!("the response is not JSON: {e}"))),
    }
}
