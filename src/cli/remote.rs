//! Remote keys at the edge: the transport flags become fetch options, and `verify` gets its
//! keys — one ring from files, or key sets that follow their servers (a `--jwks` URL, or each
//! `--issuer`'s), chosen per token by its `iss`.

use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use jwtctl::error::{Error, RejectCode, Rejection, Result};
use jwtctl::jwa::JwsAlg;
use jwtctl::jwt::{ClaimRules, Claims, Verified, unverified_issuer, verify_token_with};
use jwtctl::keys::{KeySet, read_limited};
use jwtctl::remote::discovery::discover;
use jwtctl::remote::live::{LiveRing, Snapshot};
use jwtctl::remote::{
    CacheMode, Fetched, Fetcher, Options, Provenance, RemoteUrl, default_cache_dir,
};
use jwtctl::report::Report;
use jwtctl::sanitize::sanitize;
use jwtctl::time::parse_span;
use jwtctl::verify::{KeyRing, Verifiers};

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
/// silently ignored.
pub fn refuse_unused(a: &RemoteArgs, cooldown: Option<&String>) -> Result<()> {
    match given(a, cooldown) {
        Some(flag) => Err(Error::usage(format!(
            "{flag} applies to remote keys only (--jwks URL, --issuer URL, or a key set URL)"
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
) -> Result<Option<Fetcher>> {
    if remote {
        fetcher(a, cooldown).map(Some)
    } else {
        refuse_unused(a, cooldown).map(|()| None)
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

/// A key source that is fetched: a set's URL, or an issuer whose discovery document names it.
enum Spec {
    Jwks(RemoteUrl),
    Issuer(String),
}

struct Opened<'f> {
    live: LiveRing<'f>,
    /// The discovery document and where it came from (for `--issuer`).
    discovery: Option<(RemoteUrl, Provenance)>,
}

struct RemoteKeys<'f> {
    spec: Spec,
    opened: OnceLock<Opened<'f>>,
}

/// The keys `verify` uses.
pub struct VerifyKeys<'f> {
    fixed: Option<KeyRing>,
    remotes: Vec<RemoteKeys<'f>>,
    fetcher: Option<&'f Fetcher>,
    algs: Vec<JwsAlg>,
    allow_weak: bool,
    /// Warnings to print (each once): weak keys accepted, refreshes that failed.
    warnings: Mutex<Vec<String>>,
}

impl<'f> VerifyKeys<'f> {
    /// Keys from files (or a secret).
    pub fn fixed(ring: KeyRing) -> Self {
        let warnings = ring
            .warnings
            .iter()
            .map(|w| super::remedy::weak_key_accepted(w))
            .collect();
        VerifyKeys {
            fixed: Some(ring),
            remotes: Vec::new(),
            fetcher: None,
            algs: Vec::new(),
            allow_weak: false,
            warnings: Mutex::new(warnings),
        }
    }

    /// A key set at a URL (`--jwks URL`).
    pub fn jwks(
        url: &str,
        fetcher: &'f Fetcher,
        algs: &[JwsAlg],
        allow_weak: bool,
    ) -> Result<Self> {
        Ok(Self::remote(
            vec![Spec::Jwks(RemoteUrl::parse(url)?)],
            fetcher,
            algs,
            allow_weak,
        ))
    }

    /// The issuers of `--issuer`; a token's `iss` picks one.
    pub fn issuers(
        issuers: &[String],
        fetcher: &'f Fetcher,
        algs: &[JwsAlg],
        allow_weak: bool,
    ) -> Result<Self> {
        let mut specs = Vec::new();
        for i in issuers {
            RemoteUrl::parse(i)?;
            specs.push(Spec::Issuer(i.clone()));
        }
        Ok(Self::remote(specs, fetcher, algs, allow_weak))
    }

    fn remote(specs: Vec<Spec>, fetcher: &'f Fetcher, algs: &[JwsAlg], allow_weak: bool) -> Self {
        VerifyKeys {
            fixed: None,
            remotes: specs
                .into_iter()
                .map(|spec| RemoteKeys {
                    spec,
                    opened: OnceLock::new(),
                })
                .collect(),
            fetcher: Some(fetcher),
            algs: algs.to_vec(),
            allow_weak,
            warnings: Mutex::new(Vec::new()),
        }
    }

    fn warn(&self, msg: String) {
        if let Ok(mut w) = self.warnings.lock() {
            if !w.contains(&msg) {
                w.push(msg);
            }
        }
    }

    /// The warnings gathered so far, emptied (the fetcher's too).
    pub fn take_warnings(&self) -> Vec<String> {
        let mut out = self
            .warnings
            .lock()
            .map(|mut w| std::mem::take(&mut *w))
            .unwrap_or_default();
        if let Some(f) = self.fetcher {
            out.extend(f.take_warnings());
        }
        out
    }

    /// Fetches every set now (batch: once, before the first token).
    pub fn open_all(&self) -> Result<()> {
        for i in 0..self.remotes.len() {
            self.open(i)?;
        }
        Ok(())
    }

    fn open(&self, index: usize) -> Result<&Opened<'f>> {
        let (Some(r), Some(fetcher)) = (self.remotes.get(index), self.fetcher) else {
            return Err(Error::usage("no such key source"));
        };
        if let Some(o) = r.opened.get() {
            return Ok(o);
        }
        let (url, discovery, listed) = match &r.spec {
            Spec::Jwks(u) => (u.clone(), None, Vec::new()),
            Spec::Issuer(i) => {
                let d = discover(i, fetcher)?;
                (
                    d.value.jwks_uri.clone(),
                    Some((d.url.clone(), d.provenance)),
                    d.value.algs,
                )
            }
        };
        // The document's algorithms narrow the choice only when --alg does not make it.
        let algs = if self.algs.is_empty() {
            listed
        } else {
            self.algs.clone()
        };
        let allow_weak = self.allow_weak;
        let live = LiveRing::open(
            url,
            fetcher,
            Box::new(move |set| KeyRing::new(set, &algs, allow_weak)),
        )?;
        for w in live.current()?.ring.warnings {
            self.warn(super::remedy::weak_key_accepted(&w));
        }
        let _ = r.opened.set(Opened { live, discovery });
        r.opened
            .get()
            .ok_or_else(|| Error::usage("the key set could not be kept"))
    }

    /// Which source verifies `text`: the only one, or the issuer its `iss` names.
    fn pick(&self, text: &str, report: &mut Report) -> Result<usize, Rejection> {
        if self.remotes.len() <= 1
            && !matches!(self.remotes.first(), Some(r) if matches!(r.spec, Spec::Issuer(_)))
        {
            return Ok(0);
        }
        let names: Vec<&str> = self
            .remotes
            .iter()
            .filter_map(|r| match &r.spec {
                Spec::Issuer(i) => Some(i.as_str()),
                Spec::Jwks(_) => None,
            })
            .collect();
        let iss = unverified_issuer(text).map_err(|r| report.fail("format", r))?;
        let Some(iss) = iss else {
            return Err(report.fail(
                "issuer",
                Rejection::new(
                    RejectCode::IssMismatch,
                    format!(
                        "the token has no iss claim, so none of the issuers given ({}) can vouch for it",
                        names.join(", ")
                    ),
                ),
            ));
        };
        names.iter().position(|n| *n == iss).ok_or_else(|| {
            report.fail(
                "issuer",
                Rejection::new(
                    RejectCode::IssMismatch,
                    format!(
                        "token issuer {:?} is not one of the issuers given ({}); its keys are not fetched",
                        sanitize(&iss),
                        names.join(", ")
                    ),
                ),
            )
        })
    }
}

/// Whether a rejection may come from keys the set does not have yet: the `kid` is not in it,
/// or the algorithm fits none of its keys while the token names a `kid` it lacks (the
/// provider rotated to a new key of another type).
fn unknown_kid(text: &str, r: &Rejection, live: &LiveRing<'_>) -> bool {
    match r.code {
        RejectCode::KidNotFound => true,
        RejectCode::AlgNotAllowed => {
            let Ok(jwtctl::jws::Token::Jws(jws)) = jwtctl::jws::parse(text) else {
                return false;
            };
            let Ok(current) = live.current() else {
                return false;
            };
            jws.signatures.iter().filter_map(|e| e.kid()).any(|kid| {
                !current
                    .ring
                    .keys()
                    .iter()
                    .any(|k| k.meta.kid.as_deref() == Some(kid))
            })
        }
        _ => false,
    }
}

/// Prepared verifiers of one generation of a remote set.
struct Local {
    generation: u64,
    verifiers: Verifiers,
    provenance: Provenance,
    skipped: usize,
}

impl Local {
    fn of(s: Snapshot) -> Local {
        Local {
            generation: s.generation,
            verifiers: s.ring.verifiers(),
            provenance: s.provenance,
            skipped: s.skipped.len(),
        }
    }
}

/// One thread's view of the keys: prepared verifiers, rebuilt when a set changes.
pub struct Cursor<'k, 'f> {
    keys: &'k VerifyKeys<'f>,
    fixed: Option<Verifiers>,
    local: Vec<Option<Local>>,
    /// In a batch, a failed refetch is a warning (the stream goes on); one-shot, an error.
    batch: bool,
}

impl<'k, 'f> Cursor<'k, 'f> {
    /// A cursor over `keys`.
    pub fn new(keys: &'k VerifyKeys<'f>, batch: bool) -> Self {
        Cursor {
            keys,
            fixed: keys.fixed.as_ref().map(KeyRing::verifiers),
            local: keys.remotes.iter().map(|_| None).collect(),
            batch,
        }
    }

    /// Revalidates the sets that have gone stale (batch, before each block).
    pub fn sync(&mut self) {
        for r in &self.keys.remotes {
            if let Some(o) = r.opened.get() {
                if let Err(e) = o.live.refresh_if_stale() {
                    self.keys.warn(format!(
                        "keeping the key set in use: {}",
                        super::remedy::message(&e)
                    ));
                }
            }
        }
    }

    fn local(&mut self, index: usize, live: &LiveRing<'_>) -> Result<&Local> {
        let slot = self
            .local
            .get_mut(index)
            .ok_or_else(|| Error::usage("no such key source"))?;
        if slot
            .as_ref()
            .is_none_or(|l| l.generation != live.generation())
        {
            *slot = Some(Local::of(live.current()?));
        }
        slot.as_ref()
            .ok_or_else(|| Error::usage("no such key source"))
    }

    /// Verifies one token as `verify_token` does, with the keys its source has now; a `kid`
    /// that is not in a remote set refetches it (within the cooldown) and tries once more.
    pub fn verify(
        &mut self,
        text: &str,
        rules: &ClaimRules,
        detached: Option<&[u8]>,
        need_claims: bool,
        keep: Claims,
        report: &mut Report,
    ) -> Result<Verified> {
        if let Some(v) = &self.fixed {
            return Ok(verify_token_with(
                text,
                v,
                rules,
                detached,
                need_claims,
                keep,
                report,
            )?);
        }
        let keys = self.keys;
        let index = keys.pick(text, report)?;
        let opened = keys.open(index)?;
        let live = &opened.live;
        if let Some((url, provenance)) = &opened.discovery {
            report.pass("issuer", || {
                format!("discovery document {url}: {provenance}")
            });
        }
        let mut first = Report {
            recording: report.recording,
            ..Report::default()
        };
        let (attempt, generation) = {
            let l = self.local(index, live)?;
            first.pass("keys", || {
                let skipped = match l.skipped {
                    0 => String::new(),
                    n => format!("; {n} member(s) of the set left out"),
                };
                format!("{}: {}{skipped}", live.url(), l.provenance)
            });
            let attempt = verify_token_with(
                text,
                &l.verifiers,
                rules,
                detached,
                need_claims,
                keep,
                &mut first,
            );
            (attempt, l.generation)
        };
        match attempt {
            Err(r) if unknown_kid(text, &r, live) => {
                let refetched = match live.refetch_for_unknown_kid(generation) {
                    Ok(s) => s,
                    Err(e) if self.batch => {
                        keys.warn(format!(
                            "cannot refetch the key set for an unknown kid: {}",
                            super::remedy::message(&e)
                        ));
                        None
                    }
                    Err(e) => return Err(e),
                };
                let Some(snapshot) = refetched else {
                    report.checks.append(&mut first.checks);
                    report.skip("keys", || {
                        format!(
                            "{} not refetched: asked less than {} ago, or offline",
                            live.url(),
                            humantime::format_duration(
                                keys.fetcher
                                    .map_or(Duration::ZERO, |f| f.options().refresh_cooldown)
                            )
                        )
                    });
                    return Err(r.into());
                };
                report.pass("keys", || {
                    format!(
                        "the token's kid is not in the set in use: refetched {}: {}",
                        live.url(),
                        snapshot.provenance
                    )
                });
                let slot = self
                    .local
                    .get_mut(index)
                    .ok_or_else(|| Error::usage("no such key source"))?;
                let l = slot.insert(Local::of(snapshot));
                Ok(verify_token_with(
                    text,
                    &l.verifiers,
                    rules,
                    detached,
                    need_claims,
                    keep,
                    report,
                )?)
            }
            other => {
                report.checks.append(&mut first.checks);
                Ok(other?)
            }
        }
    }
}
