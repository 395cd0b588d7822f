//! Key sources: which keys may verify a token. A fixed ring (key files, a secret), a key set
//! at a URL that follows its server, or issuers found by discovery and picked by the token's
//! `iss`. [`Cursor`] is one thread's view of a source: prepared verifiers, rebuilt when a
//! remote set changes, and the refetch of a set that lacks the token's `kid`.
//!
//! # Example: verify against an issuer
//!
//! The issuer here is the library's own mock ([`crate::issuer`]) behind a few lines of HTTP on
//! loopback (hidden); any OpenID Provider's URL works the same way.
//!
//! ```
//! # use std::io::{BufRead, BufReader, Write};
//! use jwtctl::issuer::{Issuer, IssuerConfig, TokenRequest};
//! use jwtctl::jwt::{ClaimRules, Claims};
//! use jwtctl::keygen::{KeySpec, generate};
//! use jwtctl::remote::{CacheMode, DEFAULT_COOLDOWN, DEFAULT_TIMEOUT, Fetcher, Options};
//! use jwtctl::report::Report;
//! use jwtctl::source::{Cursor, KeySource};
//!
//! # let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
//! # let base = format!("http://{}", listener.local_addr()?);
//! let config = IssuerConfig { issuer: base.clone(), lifetime: 900, ..IssuerConfig::default() };
//! let issuer = Issuer::new(config, vec![generate(KeySpec::Ec(jwtctl::jwa::EcCurve::P256))?])?;
//! let form = vec![("grant_type".to_string(), "client_credentials".to_string()),
//!                 ("client_id".to_string(), "app".to_string())];
//! let answer = issuer.token(&TokenRequest { authorization: None, form, dpop: None }, jwtctl::time::system_now())
//!     .map_err(|e| e.description)?;
//! let token = answer["access_token"].as_str().unwrap_or_default().to_string();
//! # let documents = [
//! #     ("/.well-known/openid-configuration".to_string(), issuer.discovery().to_string()),
//! #     (issuer.jwks_uri().trim_start_matches(&base).to_string(), issuer.jwks().0.to_string()),
//! # ];
//! # std::thread::spawn(move || {
//! #     for stream in listener.incoming().flatten() {
//! #         let mut reader = BufReader::new(&stream);
//! #         let mut line = String::new();
//! #         if reader.read_line(&mut line).is_err() { continue; }
//! #         loop {
//! #             let mut h = String::new();
//! #             if reader.read_line(&mut h).map_or(true, |n| n == 0) || h == "\r\n" { break; }
//! #         }
//! #         let path = line.split(' ').nth(1).unwrap_or("");
//! #         let found = documents.iter().find(|(p, _)| p == path);
//! #         let (status, body) = found.map_or(("404 Not Found", ""), |(_, b)| ("200 OK", b.as_str()));
//! #         let _ = write!(&stream, "HTTP/1.1 {status}\r\ncontent-type: application/json\r\n\
//! #             content-length: {}\r\nconnection: close\r\n\r\n{body}", body.len());
//! #     }
//! # });
//!
//! // Discovery at `base`, then its `jwks_uri` (http is allowed to loopback only).
//! let fetcher = Fetcher::new(Options {
//!     timeout: DEFAULT_TIMEOUT,
//!     cacert: None,
//!     mode: CacheMode::Normal,
//!     refresh_cooldown: DEFAULT_COOLDOWN,
//!     cache_dir: None, // nothing kept on disk
//! })?;
//! let source = KeySource::issuers(&[base.clone()], &fetcher, &[], false)?;
//! let rules = ClaimRules { iss: vec![base.clone()], any_aud: true, ..ClaimRules::default() };
//! let mut cursor = Cursor::new(&source, false);
//! let verified = cursor.verify(&token, &rules, None, true, Claims::All, &mut Report::default())?;
//! assert_eq!(verified.claims.unwrap_or_default()["iss"], base.as_str());
//!
//! // A token from anyone else is refused before its keys are looked for.
//! let other = ClaimRules { iss: vec!["https://elsewhere.example".into()], ..rules };
//! assert!(cursor.verify(&token, &other, None, true, Claims::All, &mut Report::default()).is_err());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use crate::error::{Error, RejectCode, Rejection, Remedy, Result};
use crate::jwa::JwsAlg;
use crate::jwt::{ClaimRules, Claims, Verified, unverified_issuer, verify_token_with};
use crate::remote::discovery::discover;
use crate::remote::live::{LiveRing, Snapshot};
use crate::remote::{Fetcher, Provenance, RemoteUrl};
use crate::report::Report;
use crate::sanitize::sanitize;
use crate::verify::{KeyRing, Verifiers};
use crate::x5c::TrustPolicy;

mod chain;

/// Something a source noticed that does not stop verification, for the caller to word.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Warning {
    /// A weak key was accepted because weak keys were allowed; the text says how it is weak.
    WeakKeyAccepted(String),
    /// A stale remote set could not be revalidated; the set in use is kept.
    KeptKeySet {
        /// What failed.
        message: String,
        /// What the user can do about it.
        remedy: Option<Remedy>,
    },
    /// A set lacking the token's `kid` could not be refetched (in a batch, which goes on).
    RefetchFailed {
        /// What failed.
        message: String,
        /// What the user can do about it.
        remedy: Option<Remedy>,
    },
    /// The fetcher's own warning (a cache entry it could not write, ...), already worded.
    Transport(String),
    /// A CRL file signed by no certificate of a chain's path, so it was ignored.
    CrlUnused(String),
}

fn failed(e: &Error) -> (String, Option<Remedy>) {
    (e.to_string(), e.remedy())
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

/// The keys that may verify tokens: one source, answering per token.
pub struct KeySource<'f> {
    fixed: Option<KeyRing>,
    chain: Option<chain::ChainKeys>,
    remotes: Vec<RemoteKeys<'f>>,
    fetcher: Option<&'f Fetcher>,
    algs: Vec<JwsAlg>,
    allow_weak: bool,
    /// Warnings to print (each once): weak keys accepted, refreshes that failed.
    warnings: Mutex<Vec<Warning>>,
}

impl<'f> KeySource<'f> {
    /// Keys from files (or a secret).
    pub fn fixed(ring: KeyRing) -> Self {
        let warnings = ring
            .warnings
            .iter()
            .map(|w| Warning::WeakKeyAccepted(w.clone()))
            .collect();
        KeySource {
            fixed: Some(ring),
            chain: None,
            remotes: Vec::new(),
            fetcher: None,
            algs: Vec::new(),
            allow_weak: false,
            warnings: Mutex::new(warnings),
        }
    }

    /// Each token's own `x5c` chain, trusted only through `policy`'s anchors: the leaf's key
    /// verifies the token, with `algs` allowed (or, when empty, those that fit the key).
    pub fn chain(policy: TrustPolicy, algs: &[JwsAlg], allow_weak: bool) -> Self {
        KeySource {
            fixed: None,
            chain: Some(chain::ChainKeys {
                policy,
                algs: algs.to_vec(),
                allow_weak,
            }),
            remotes: Vec::new(),
            fetcher: None,
            algs: algs.to_vec(),
            allow_weak,
            warnings: Mutex::new(Vec::new()),
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
        KeySource {
            fixed: None,
            chain: None,
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

    fn warn(&self, msg: Warning) {
        if let Ok(mut w) = self.warnings.lock() {
            if !w.contains(&msg) {
                w.push(msg);
            }
        }
    }

    /// The warnings gathered so far, emptied (the fetcher's too).
    pub fn take_warnings(&self) -> Vec<Warning> {
        let mut out = self
            .warnings
            .lock()
            .map(|mut w| std::mem::take(&mut *w))
            .unwrap_or_default();
        if let Some(f) = self.fetcher {
            out.extend(f.take_warnings().into_iter().map(Warning::Transport));
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
            self.warn(Warning::WeakKeyAccepted(w));
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
            let Ok(crate::jws::Token::Jws(jws)) = crate::jws::parse(text) else {
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
    keys: &'k KeySource<'f>,
    fixed: Option<Verifiers>,
    chains: chain::ChainCache,
    local: Vec<Option<Local>>,
    /// In a batch, a failed refetch is a warning (the stream goes on); one-shot, an error.
    batch: bool,
}

impl<'k, 'f> Cursor<'k, 'f> {
    /// A cursor over `keys`.
    pub fn new(keys: &'k KeySource<'f>, batch: bool) -> Self {
        Cursor {
            keys,
            fixed: keys.fixed.as_ref().map(KeyRing::verifiers),
            chains: chain::ChainCache::default(),
            local: keys.remotes.iter().map(|_| None).collect(),
            batch,
        }
    }

    /// Revalidates the sets that have gone stale (batch, before each block).
    pub fn sync(&mut self) {
        for r in &self.keys.remotes {
            if let Some(o) = r.opened.get() {
                if let Err(e) = o.live.refresh_if_stale() {
                    let (message, remedy) = failed(&e);
                    self.keys.warn(Warning::KeptKeySet { message, remedy });
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

    /// Verifies an SD-JWT (RFC 9901): its issuer-signed JWT with the keys of this source, then
    /// the disclosures, the KB-JWT and the claim checks on the processed claims.
    pub fn verify_sd(
        &mut self,
        text: &str,
        rules: &ClaimRules,
        sd: &crate::sd_jwt::SdRules,
        report: &mut Report,
    ) -> Result<crate::sd_jwt::SdVerified> {
        let mut issuer = |t: &str, r: &ClaimRules, rep: &mut Report| {
            self.verify(t, r, None, true, Claims::All, rep)
        };
        crate::sd_jwt::verify(text, &mut issuer, rules, sd, report)
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
        let check = |v: &Verifiers, r: &mut Report| {
            verify_token_with(text, v, rules, detached, need_claims, keep, r)
        };
        if let Some(v) = &self.fixed {
            return Ok(check(v, report)?);
        }
        if let Some(c) = &self.keys.chain {
            let warn = |w| self.keys.warn(w);
            let checked = c.checked(&mut self.chains, text, rules.now, report, &warn)?;
            return Ok(check(&checked.verifiers, report)?);
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
            (check(&l.verifiers, &mut first), l.generation)
        };
        match attempt {
            Err(r) if unknown_kid(text, &r, live) => {
                let refetched = match live.refetch_for_unknown_kid(generation) {
                    Ok(s) => s,
                    Err(e) if self.batch => {
                        let (message, remedy) = failed(&e);
                        keys.warn(Warning::RefetchFailed { message, remedy });
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
                Ok(check(&l.verifiers, report)?)
            }
            other => {
                report.checks.append(&mut first.checks);
                Ok(other?)
            }
        }
    }
}
