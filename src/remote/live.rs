//! A remote key set kept current while it is used: a long `verify --batch` revalidates it as
//! it goes stale, and a token whose `kid` is not in it triggers one refetch — at most one per
//! cooldown per URL, so that a stream of forged `kid`s cannot become a flood of requests.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use super::cache::unix;
use super::{CacheMode, Fetched, Fetcher, Provenance, RemoteUrl};
use crate::error::{Error, Result};
use crate::keys::KeySet;
use crate::verify::KeyRing;

/// Turns a fetched set into the ring that verifies with it (the caller's algorithm and
/// weak-key rules).
pub type BuildRing = dyn Fn(KeySet) -> Result<KeyRing> + Send + Sync;

/// The ring in use and how it was obtained.
#[derive(Clone)]
pub struct Snapshot {
    /// Bumped each time the keys change.
    pub generation: u64,
    /// The keys.
    pub ring: KeyRing,
    /// Where they came from.
    pub provenance: Provenance,
    /// Members of the set that were left out, and why.
    pub skipped: Vec<String>,
}

struct State {
    snapshot: Snapshot,
    body: Vec<u8>,
}

/// A JWK Set at a URL, as a [`KeyRing`] that follows the server.
pub struct LiveRing<'f> {
    url: RemoteUrl,
    fetcher: &'f Fetcher,
    build: Box<BuildRing>,
    state: Mutex<State>,
    /// Unix seconds after which the set should be revalidated.
    fresh_until: AtomicU64,
    generation: AtomicU64,
}

fn parse_set(url: &RemoteUrl) -> impl Fn(&[u8]) -> Result<(KeySet, Vec<String>)> + '_ {
    move |body: &[u8]| super::parse_key_set(body, url, false)
}

impl<'f> LiveRing<'f> {
    /// Fetches (or takes from the cache) the set at `url`; a failure is the caller's error.
    pub fn open(url: RemoteUrl, fetcher: &'f Fetcher, build: Box<BuildRing>) -> Result<Self> {
        let got = fetcher.get(&url, false, &parse_set(&url))?;
        let state = Self::state_from(&build, got, 0)?;
        Ok(LiveRing {
            fresh_until: AtomicU64::new(state.1),
            state: Mutex::new(state.0),
            url,
            fetcher,
            build,
            generation: AtomicU64::new(0),
        })
    }

    fn state_from(
        build: &BuildRing,
        got: Fetched<(KeySet, Vec<String>)>,
        generation: u64,
    ) -> Result<(State, u64)> {
        let (set, skipped) = got.value;
        let ring = build(set).map_err(|e| match e {
            Error::Key(k) => Error::fetch(got.url.to_string(), k.message),
            other => other,
        })?;
        Ok((
            State {
                snapshot: Snapshot {
                    generation,
                    ring,
                    provenance: got.provenance,
                    skipped,
                },
                body: got.body,
            },
            got.fresh_until,
        ))
    }

    /// The URL.
    pub fn url(&self) -> &RemoteUrl {
        &self.url
    }

    /// The generation of the keys in use (cheap: no lock).
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// The keys in use.
    pub fn current(&self) -> Result<Snapshot> {
        self.state
            .lock()
            .map(|s| s.snapshot.clone())
            .map_err(|_| Error::usage("the key set's lock was poisoned"))
    }

    /// Replaces the keys with what `got` holds, when it differs from what is in use.
    fn replace(&self, state: &mut State, got: Fetched<(KeySet, Vec<String>)>) -> Result<bool> {
        self.fresh_until.store(got.fresh_until, Ordering::Release);
        if got.body == state.body {
            state.snapshot.provenance = got.provenance;
            return Ok(false);
        }
        let next = state.snapshot.generation.saturating_add(1);
        let (new, _) = Self::state_from(&self.build, got, next)?;
        *state = new;
        self.generation.store(next, Ordering::Release);
        Ok(true)
    }

    /// Revalidates the set when it has gone stale. On failure the set in use stays (and is
    /// tried again after the cooldown); the error is for a warning.
    pub fn refresh_if_stale(&self) -> Result<bool> {
        let now = unix(std::time::SystemTime::now());
        if self.fetcher.options().mode == CacheMode::Offline
            || now < self.fresh_until.load(Ordering::Acquire)
        {
            return Ok(false);
        }
        let Ok(mut state) = self.state.lock() else {
            return Ok(false);
        };
        if now < self.fresh_until.load(Ordering::Acquire) {
            return Ok(false);
        }
        match self.fetcher.get(&self.url, false, &parse_set(&self.url)) {
            Ok(got) => self.replace(&mut state, got),
            Err(e) => {
                let retry = now.saturating_add(self.fetcher.options().refresh_cooldown.as_secs());
                self.fresh_until.store(retry, Ordering::Release);
                Err(e)
            }
        }
    }

    /// A token's `kid` is not in the set of generation `seen`: refetches it unless offline or
    /// the URL was asked within the cooldown. Returns the keys to retry with, or `None` when
    /// there is nothing new.
    pub fn refetch_for_unknown_kid(&self, seen: u64) -> Result<Option<Snapshot>> {
        if self.fetcher.options().mode == CacheMode::Offline {
            return Ok(None);
        }
        let Ok(mut state) = self.state.lock() else {
            return Ok(None);
        };
        if state.snapshot.generation != seen {
            // Another thread refetched meanwhile.
            return Ok(Some(state.snapshot.clone()));
        }
        let cooldown = self.fetcher.options().refresh_cooldown.as_secs();
        if self
            .fetcher
            .since_contact(&self.url)
            .is_some_and(|since| since < cooldown)
        {
            return Ok(None);
        }
        let got = self.fetcher.get(&self.url, true, &parse_set(&self.url))?;
        if self.replace(&mut state, got)? {
            Ok(Some(state.snapshot.clone()))
        } else {
            Ok(None)
        }
    }
}
