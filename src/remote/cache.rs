//! The on-disk HTTP cache: one file per URL, freshness and revalidation by RFC 9111 (the
//! `http-cache-semantics` crate), written beside and renamed into place so that concurrent
//! runs never read half an entry. An entry that cannot be read or parsed is absent.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::HeaderMap;
use http_cache_semantics::{AfterResponse, BeforeRequest, CacheOptions, CachePolicy};
use serde_json::{Map, Value};

use super::client::Reply;
use super::{DEFAULT_FRESHNESS, MAX_FRESHNESS};

const FORMAT: &str = "jwtctl-cache-1";
/// Entries are small documents; anything larger is not one of ours.
const MAX_ENTRY: u64 = 4 << 20;

/// One stored response. The cache policy is rebuilt from the stored status and headers with
/// jwtctl's own options on every read, so a tampered file can only make an entry absent or
/// stale, never change how caching works.
#[derive(Debug, Clone)]
pub(super) struct Entry {
    pub url: String,
    /// When the stored response was received (or last revalidated), Unix seconds.
    pub stored: u64,
    /// Fresh until then, Unix seconds.
    pub fresh_until: u64,
    status: u16,
    headers: HeaderMap,
    policy: CachePolicy,
    pub body: Vec<u8>,
}

pub(super) fn unix(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// The request as the cache sees it (method, URL, no varying headers).
pub(super) fn request_parts(uri: &http::Uri, no_cache: bool) -> http::request::Parts {
    let mut req = http::Request::new(());
    *req.uri_mut() = uri.clone();
    if no_cache {
        req.headers_mut().insert(
            http::header::CACHE_CONTROL,
            http::HeaderValue::from_static("no-cache"),
        );
    }
    req.into_parts().0
}

fn response_parts(status: u16, headers: &HeaderMap) -> http::response::Parts {
    let mut res = http::Response::new(());
    *res.status_mut() = http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::OK);
    *res.headers_mut() = headers.clone();
    res.into_parts().0
}

fn options() -> CacheOptions {
    CacheOptions {
        // One user's cache: `private` responses may be stored.
        shared: false,
        ..CacheOptions::default()
    }
}

/// The headers the cache keeps. An `Age` that is not a plausible number of seconds is dropped:
/// the caching crate adds it to a duration without checking (an `Age` of 2^64-1 overflowed).
fn kept_headers(headers: &HeaderMap) -> HeaderMap {
    const TEN_YEARS: u64 = 10 * 366 * 24 * 3600;
    let mut out = headers.clone();
    let age_ok = headers.get_all(http::header::AGE).iter().all(|v| {
        v.to_str()
            .ok()
            .and_then(|t| t.trim().parse::<u64>().ok())
            .is_some_and(|n| n <= TEN_YEARS)
    });
    if !age_ok {
        out.remove(http::header::AGE);
    }
    out
}

/// How long a response stays fresh: what RFC 9111 makes of its headers, at most 24 hours;
/// 5 minutes when the server says nothing about caching at all.
fn freshness(policy: &CachePolicy, headers: &HeaderMap, now: SystemTime) -> Duration {
    let silent = [
        http::header::CACHE_CONTROL,
        http::header::EXPIRES,
        http::header::PRAGMA,
    ]
    .iter()
    .all(|h| !headers.contains_key(h));
    if silent {
        DEFAULT_FRESHNESS
    } else {
        policy.time_to_live(now).min(MAX_FRESHNESS)
    }
}

impl Entry {
    fn build(
        url: &str,
        uri: &http::Uri,
        status: u16,
        headers: &HeaderMap,
        body: Vec<u8>,
        received: SystemTime,
    ) -> Entry {
        let headers = kept_headers(headers);
        let req = request_parts(uri, false);
        let policy =
            CachePolicy::new_options(&req, &response_parts(status, &headers), received, options());
        let fresh = freshness(&policy, &headers, received);
        Entry {
            url: url.to_string(),
            stored: unix(received),
            fresh_until: unix(received).saturating_add(fresh.as_secs()),
            status,
            headers,
            policy,
            body,
        }
    }

    /// An entry for a 200 response, or `None` when it must not be stored (`no-store`).
    pub fn from_reply(url: &str, uri: &http::Uri, reply: &Reply, now: SystemTime) -> Option<Entry> {
        let e = Self::build(
            url,
            uri,
            reply.status,
            &reply.headers,
            reply.body.clone(),
            now,
        );
        e.policy.is_storable().then_some(e)
    }

    /// Whether it may be used without asking the server. An entry from the future (the clock
    /// went back) is stale.
    pub fn is_fresh(&self, now: u64) -> bool {
        now < self.fresh_until && self.stored <= now.saturating_add(60)
    }

    /// The conditional request headers (`If-None-Match`, `If-Modified-Since`) that revalidate it.
    pub fn validators(&self, uri: &http::Uri, now: SystemTime) -> HeaderMap {
        let req = request_parts(uri, true);
        let mut out = HeaderMap::new();
        if let BeforeRequest::Stale { request, .. } = self.policy.before_request(&req, now) {
            for name in [http::header::IF_NONE_MATCH, http::header::IF_MODIFIED_SINCE] {
                if let Some(v) = request.headers.get(&name) {
                    out.insert(name, v.clone());
                }
            }
        }
        out
    }

    /// The entry refreshed by a 304, or `None` when the 304 does not match what is stored (or
    /// now forbids storing).
    pub fn revalidated(&self, uri: &http::Uri, reply: &Reply, now: SystemTime) -> Option<Entry> {
        let req = request_parts(uri, false);
        let res = response_parts(reply.status, &kept_headers(&reply.headers));
        match self.policy.after_response(&req, &res, now) {
            AfterResponse::NotModified(_, parts) => {
                let e = Self::build(
                    &self.url,
                    uri,
                    self.status,
                    &parts.headers,
                    self.body.clone(),
                    now,
                );
                e.policy.is_storable().then_some(e)
            }
            AfterResponse::Modified(..) => None,
        }
    }

    fn to_json(&self) -> Option<String> {
        let headers: Vec<Value> = self
            .headers
            .iter()
            .filter_map(|(n, v)| Some(Value::from(vec![n.as_str(), v.to_str().ok()?])))
            .collect();
        let mut m = Map::new();
        m.insert("format".into(), FORMAT.into());
        m.insert("url".into(), self.url.clone().into());
        m.insert("stored".into(), self.stored.into());
        m.insert("fresh_until".into(), self.fresh_until.into());
        m.insert("status".into(), self.status.into());
        m.insert("headers".into(), headers.into());
        m.insert(
            "body".into(),
            String::from_utf8(self.body.clone()).ok()?.into(),
        );
        serde_json::to_string(&Value::Object(m)).ok()
    }

    fn from_json(text: &[u8], uri: &http::Uri, url: &str) -> Option<Entry> {
        let v: Value = serde_json::from_slice(text).ok()?;
        if v.get("format")? != FORMAT || v.get("url")? != url {
            return None;
        }
        let stored = v.get("stored")?.as_u64()?;
        let received = UNIX_EPOCH.checked_add(Duration::from_secs(stored))?;
        let status = u16::try_from(v.get("status")?.as_u64()?).ok()?;
        let mut headers = HeaderMap::new();
        for pair in v.get("headers")?.as_array()? {
            let (Some(n), Some(val)) = (pair.get(0)?.as_str(), pair.get(1)?.as_str()) else {
                return None;
            };
            headers.append(
                http::HeaderName::from_bytes(n.as_bytes()).ok()?,
                http::HeaderValue::from_str(val).ok()?,
            );
        }
        let body = v.get("body")?.as_str()?.as_bytes().to_vec();
        let mut e = Self::build(url, uri, status, &headers, body, received);
        // The freshness written is the one computed when the response came: a file can only
        // shorten it.
        e.fresh_until = e.fresh_until.min(v.get("fresh_until")?.as_u64()?);
        e.policy.is_storable().then_some(e)
    }
}

/// The cache folder.
#[derive(Debug, Clone)]
pub(super) struct Cache {
    dir: PathBuf,
}

impl Cache {
    pub fn new(dir: PathBuf) -> Cache {
        Cache { dir }
    }

    fn path(&self, url: &str) -> PathBuf {
        // aws-lc, not OpenSSL: OpenSSL 3's first digest loads its providers (3.4 million
        // instructions, more than the whole verification).
        let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, url.as_bytes());
        let name: String = digest
            .as_ref()
            .iter()
            .take(16)
            .map(|b| format!("{b:02x}"))
            .collect();
        self.dir.join(format!("{name}.json"))
    }

    /// The stored entry for `url`; `None` when absent, unreadable, corrupt or for another URL.
    pub fn read(&self, url: &str, uri: &http::Uri) -> Option<Entry> {
        let bytes = crate::keys::read_limited(&self.path(url), MAX_ENTRY).ok()?;
        Entry::from_json(&bytes, uri, url)
    }

    /// Stores `entry`: written to a new file beside the old one, then renamed over it.
    pub fn write(&self, entry: &Entry) -> Result<(), String> {
        let text = entry
            .to_json()
            .ok_or_else(|| "the response cannot be stored".to_string())?;
        create_private_dir(&self.dir).map_err(|e| format!("{}: {e}", self.dir.display()))?;
        let target = self.path(&entry.url);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let tmp = self
            .dir
            .join(format!(".tmp-{}-{nanos}.json", std::process::id()));
        let written =
            write_new_private(&tmp, text.as_bytes()).and_then(|()| std::fs::rename(&tmp, &target));
        if let Err(e) = written {
            let _ = std::fs::remove_file(&tmp);
            return Err(format!("{}: {e}", target.display()));
        }
        Ok(())
    }

    /// Forgets `url` (a `no-store` answer replaces what was stored).
    pub fn remove(&self, url: &str) {
        let _ = std::fs::remove_file(self.path(url));
    }

    /// Where entries are kept.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

/// Creates `dir` (and its parents) as 0700.
pub(crate) fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Writes a new file, 0600; an existing one is an error.
pub(crate) fn write_new_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path)?;
    f.write_all(bytes)?;
    f.flush()
}

/// Runs everything the cache does with a stored entry on `bytes` as the file's content: for
/// fuzzing (a file, or the headers a server sent, are not trusted).
pub(super) fn exercise(bytes: &[u8], url: &str, uri: &http::Uri) {
    let Some(e) = Entry::from_json(bytes, uri, url) else {
        return;
    };
    let now = SystemTime::now();
    let _ = e.is_fresh(unix(now));
    let validators = e.validators(uri, now);
    let reply = Reply {
        status: 304,
        headers: e.headers.clone(),
        body: Vec::new(),
    };
    let later = now
        .checked_add(Duration::from_secs(7 * 24 * 3600))
        .unwrap_or(now);
    let _ = e.revalidated(uri, &reply, later);
    let _ = e.validators(uri, later);
    let _ = e.to_json();
    drop(validators);
}
