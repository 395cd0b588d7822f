//! The issuer's memory: logins in progress, sessions, authorization codes, refresh-token
//! families, revoked access tokens and the claims of users who signed in with a free `sub`.
//! Everything is bounded: entries expire, and a full map first drops what has expired, then
//! its oldest entry.

use std::collections::{HashMap, VecDeque};

use serde_json::{Map, Value};

/// Logins in progress (login pages shown and not yet answered).
const PENDING_CAP: usize = 1_000;
/// How long a login page stays answerable, seconds.
pub(super) const PENDING_TTL: i64 = 30 * 60;
/// Browser sessions.
const SESSIONS_CAP: usize = 10_000;
/// How long a session signs in silently, seconds.
pub(super) const SESSION_TTL: i64 = 24 * 3600;
/// Authorization codes, used ones included (kept to detect reuse).
const CODES_CAP: usize = 10_000;
/// A code's life, seconds.
pub(super) const CODE_TTL: i64 = 60;
/// How long a used or expired code is remembered, to revoke what it issued if replayed.
pub(super) const CODE_MEMORY: i64 = 600;
/// Refresh-token families.
const FAMILIES_CAP: usize = 10_000;
/// A family's absolute life from the sign-in, seconds.
pub(super) const FAMILY_TTL: i64 = 30 * 24 * 3600;
/// Rotated refresh tokens remembered per family (older ones are merely unknown).
const ROTATED_CAP: usize = 64;
/// Revoked access-token ids, kept until the token expires.
const REVOKED_CAP: usize = 100_000;
/// Free-`sub` users remembered for userinfo.
const SUBJECTS_CAP: usize = 1_000;

/// A validated authorization request.
#[derive(Debug, Clone, Default)]
pub(super) struct AuthRequest {
    pub(super) client_id: String,
    pub(super) redirect_uri: String,
    pub(super) scope: String,
    pub(super) state: Option<String>,
    pub(super) nonce: Option<String>,
    pub(super) challenge: Option<String>,
    pub(super) max_age: Option<i64>,
    pub(super) prompt: Vec<String>,
    pub(super) login_hint: Option<String>,
    pub(super) resource: Vec<String>,
}

impl AuthRequest {
    pub(super) fn scopes(&self) -> Vec<&str> {
        self.scope.split(' ').filter(|s| !s.is_empty()).collect()
    }
}

/// Who signed in, and when.
#[derive(Debug, Clone)]
pub(super) struct SignIn {
    pub(super) sub: String,
    pub(super) auth_time: i64,
    /// The session id (`sid`).
    pub(super) sid: String,
}

pub(super) struct Pending {
    pub(super) req: AuthRequest,
    /// The device code this login approves, for the device flow (else an authorization).
    pub(super) device: Option<String>,
    pub(super) csrf: String,
    /// The browser cookie the page was shown to.
    pub(super) browser: String,
    pub(super) created: i64,
}

pub(super) struct Session {
    pub(super) sign_in: SignIn,
    pub(super) created: i64,
}

pub(super) struct Code {
    pub(super) req: AuthRequest,
    pub(super) sign_in: SignIn,
    pub(super) created: i64,
    pub(super) used: bool,
    /// Presented again while its tokens were still being signed (before `family` and `jti`
    /// were known): they are revoked as soon as they are.
    pub(super) replayed: bool,
    /// What the code issued, revoked if it comes again.
    pub(super) family: Option<String>,
    pub(super) jti: Option<(String, i64)>,
}

pub(super) struct Family {
    pub(super) client_id: String,
    pub(super) scope: String,
    pub(super) resource: Vec<String>,
    pub(super) sign_in: SignIn,
    /// Digest of the one refresh token that may be used now.
    pub(super) current: String,
    pub(super) rotated: VecDeque<String>,
    pub(super) revoked: bool,
    pub(super) created: i64,
    /// The DPoP key a public client's family is bound to.
    pub(super) jkt: Option<String>,
}

/// Where a device authorization stands.
#[derive(Debug, Clone)]
pub(super) enum DeviceState {
    Pending,
    Approved(SignIn),
    Denied,
}

/// A device authorization (RFC 8628).
pub(super) struct Device {
    pub(super) client_id: String,
    pub(super) scope: String,
    pub(super) user_code: String,
    pub(super) created: i64,
    pub(super) expires_in: i64,
    pub(super) interval: i64,
    pub(super) last_poll: Option<i64>,
    pub(super) state: DeviceState,
}

/// Claims the control API queued for the next tokens.
pub(super) struct Queued {
    pub(super) client_id: Option<String>,
    pub(super) claims: Map<String, Value>,
    pub(super) remaining: u32,
}

/// Device authorizations in progress.
const DEVICES_CAP: usize = 10_000;
/// DPoP proof ids remembered at the token endpoint (replay detection).
const PROOFS_CAP: usize = 100_000;
/// Queued claim sets.
pub(super) const QUEUED_CAP: usize = 1_000;

/// Ids remembered until they expire, bounded. A full set is purged only once something in
/// it has expired, so a set full of live ids costs nothing per insert: the insert is refused.
#[derive(Default)]
pub(super) struct Expiring {
    map: HashMap<String, i64>,
    earliest: Option<i64>,
}

impl Expiring {
    fn live(&self, key: &str, now: i64) -> bool {
        self.map.get(key).is_some_and(|e| *e >= now)
    }

    /// Remembers `key` until `exp`; false when the set is full of live ids.
    fn insert(&mut self, key: String, exp: i64, now: i64, cap: usize) -> bool {
        if self.map.len() >= cap && self.earliest.is_some_and(|e| e < now) {
            self.map.retain(|_, e| *e >= now);
            self.earliest = self.map.values().min().copied();
        }
        if self.map.len() >= cap {
            return false;
        }
        self.earliest = Some(self.earliest.map_or(exp, |e| e.min(exp)));
        self.map.insert(key, exp);
        true
    }
}

/// Expiry and age, for eviction.
trait Aged {
    fn created(&self) -> i64;
    fn expires(&self) -> i64;
}

impl Aged for Pending {
    fn created(&self) -> i64 {
        self.created
    }
    fn expires(&self) -> i64 {
        self.created.saturating_add(PENDING_TTL)
    }
}

impl Aged for Session {
    fn created(&self) -> i64 {
        self.created
    }
    fn expires(&self) -> i64 {
        self.created.saturating_add(SESSION_TTL)
    }
}

impl Aged for Code {
    fn created(&self) -> i64 {
        self.created
    }
    fn expires(&self) -> i64 {
        self.created.saturating_add(CODE_MEMORY)
    }
}

impl Aged for Device {
    fn created(&self) -> i64 {
        self.created
    }
    fn expires(&self) -> i64 {
        self.created.saturating_add(self.expires_in)
    }
}

impl Aged for Family {
    fn created(&self) -> i64 {
        self.created
    }
    fn expires(&self) -> i64 {
        self.created.saturating_add(FAMILY_TTL)
    }
}

/// Inserts, making room first when the map is at `cap`: what has expired goes, and if that is
/// not enough, the oldest tenth — so a full map costs one scan per tenth of its size, not one
/// per insert.
fn insert_bounded<V: Aged>(
    map: &mut HashMap<String, V>,
    key: String,
    value: V,
    cap: usize,
    now: i64,
) {
    if map.len() >= cap {
        map.retain(|_, v| v.expires() > now);
    }
    if map.len() >= cap {
        let mut ages: Vec<(i64, String)> =
            map.iter().map(|(k, v)| (v.created(), k.clone())).collect();
        let drop = (cap / 10).max(1).min(ages.len());
        if drop < ages.len() {
            ages.select_nth_unstable(drop);
        }
        for (_, k) in ages.into_iter().take(drop) {
            map.remove(&k);
        }
    }
    map.insert(key, value);
}

/// The issuer's mutable state.
#[derive(Default)]
pub(super) struct Store {
    pub(super) pending: HashMap<String, Pending>,
    pub(super) sessions: HashMap<String, Session>,
    pub(super) codes: HashMap<String, Code>,
    pub(super) families: HashMap<String, Family>,
    /// Refresh-token digest → family id, for current and rotated tokens.
    pub(super) refresh: HashMap<String, String>,
    /// Revoked access-token `jti` → its `exp`.
    revoked: Expiring,
    /// Client assertions seen: "client\0jti" → `exp`.
    assertions: Expiring,
    /// Access tokens issued, oldest first: (`jti`, `exp`), for revoke-all.
    pub(super) issued: VecDeque<(String, i64)>,
    /// Free-`sub` users' claims, with a sequence number for eviction.
    subjects: HashMap<String, (u64, Map<String, Value>)>,
    seq: u64,
    /// Device authorizations by device code, and user code → device code.
    pub(super) devices: HashMap<String, Device>,
    pub(super) user_codes: HashMap<String, String>,
    /// DPoP proof `jti`s seen at the token endpoint → until when they matter.
    proofs: Expiring,
    /// The DPoP server nonces: the current one, the one before, and when the current began.
    pub(super) nonces: Option<(String, String, i64)>,
    /// Claims queued by the control API.
    pub(super) queued: Vec<Queued>,
}

impl Store {
    pub(super) fn add_pending(&mut self, ticket: String, p: Pending, now: i64) {
        insert_bounded(&mut self.pending, ticket, p, PENDING_CAP, now);
    }

    pub(super) fn add_session(&mut self, id: String, s: Session, now: i64) {
        insert_bounded(&mut self.sessions, id, s, SESSIONS_CAP, now);
    }

    /// The live session behind a cookie value.
    pub(super) fn session(&self, id: &str, now: i64) -> Option<&SignIn> {
        self.sessions
            .get(id)
            .filter(|s| s.expires() > now)
            .map(|s| &s.sign_in)
    }

    pub(super) fn add_code(&mut self, code: String, c: Code, now: i64) {
        insert_bounded(&mut self.codes, code, c, CODES_CAP, now);
    }

    pub(super) fn add_family(&mut self, id: String, f: Family, now: i64) {
        let token = f.current.clone();
        if self.families.len() >= FAMILIES_CAP {
            self.families.retain(|_, f| f.expires() > now && !f.revoked);
            let families = &self.families;
            self.refresh.retain(|_, fam| families.contains_key(fam));
        }
        insert_bounded(&mut self.families, id.clone(), f, FAMILIES_CAP, now);
        let families = &self.families;
        if self.refresh.len() > FAMILIES_CAP.saturating_mul(ROTATED_CAP.saturating_add(1)) {
            self.refresh.retain(|_, fam| families.contains_key(fam));
        }
        self.refresh.insert(token, id);
    }

    /// Makes `next` the family's current token; the old one is remembered as rotated.
    pub(super) fn rotate(&mut self, family: &str, next: String) {
        let Some(f) = self.families.get_mut(family) else {
            return;
        };
        let old = std::mem::replace(&mut f.current, next.clone());
        f.rotated.push_back(old);
        if f.rotated.len() > ROTATED_CAP {
            if let Some(gone) = f.rotated.pop_front() {
                self.refresh.remove(&gone);
            }
        }
        self.refresh.insert(next, family.to_string());
    }

    /// Revokes a family and forgets its tokens but one marker: a later use is still refused.
    pub(super) fn revoke_family(&mut self, family: &str) {
        if let Some(f) = self.families.get_mut(family) {
            f.revoked = true;
        }
    }

    /// Records what a spent code issued, for revoking if the code comes again. When it already
    /// came again while the tokens were being signed (outside the lock), they are revoked now
    /// instead, and the answer is true.
    pub(super) fn code_issued(
        &mut self,
        code: &str,
        family: String,
        (jti, exp): (String, i64),
        now: i64,
    ) -> bool {
        let Some(entry) = self.codes.get_mut(code) else {
            return false;
        };
        if !entry.replayed {
            entry.family = Some(family);
            entry.jti = Some((jti, exp));
            return false;
        }
        self.revoke_family(&family);
        self.revoke_jti(jti, exp, now);
        true
    }

    /// Revokes an access token until it expires (a set full of live revocations refuses
    /// more: 100,000 live revoked tokens is beyond any test).
    pub(super) fn revoke_jti(&mut self, jti: String, exp: i64, now: i64) {
        self.revoked.insert(jti, exp, now, REVOKED_CAP);
    }

    /// Records a client assertion's `jti`; false when it was seen before, or when too many
    /// live assertions are remembered to tell.
    pub(super) fn remember_assertion(
        &mut self,
        client: &str,
        jti: &str,
        exp: i64,
        now: i64,
    ) -> bool {
        let key = format!("{client}\0{jti}");
        !self.assertions.live(&key, now)
            && self
                .assertions
                .insert(key, exp, now, super::assertion::JTI_CAP)
    }

    /// Records an access token issued (for revoke-all); the oldest are forgotten past the cap.
    pub(super) fn remember_issued(&mut self, jti: &str, exp: i64) {
        self.issued.push_back((jti.to_string(), exp));
        if self.issued.len() > REVOKED_CAP {
            self.issued.pop_front();
        }
    }

    pub(super) fn is_revoked(&self, jti: &str) -> bool {
        self.revoked.map.contains_key(jti)
    }

    pub(super) fn add_device(&mut self, device_code: String, d: Device, now: i64) {
        if self.devices.len() >= DEVICES_CAP {
            self.devices.retain(|_, d| d.expires() > now);
            let devices = &self.devices;
            self.user_codes.retain(|_, dc| devices.contains_key(dc));
        }
        self.user_codes
            .insert(d.user_code.clone(), device_code.clone());
        insert_bounded(&mut self.devices, device_code, d, DEVICES_CAP, now);
    }

    /// Records a DPoP proof's `jti`; false when it was seen before (a replay), or when too
    /// many live proofs are remembered to tell.
    pub(super) fn remember_proof(&mut self, jti: &str, until: i64, now: i64) -> bool {
        !self.proofs.live(jti, now) && self.proofs.insert(jti.to_string(), until, now, PROOFS_CAP)
    }

    /// The claims queued for the next token of `client`, each queue counting one down.
    pub(super) fn take_queued(&mut self, client: &str) -> Vec<(String, Value)> {
        let mut out = Vec::new();
        for q in &mut self.queued {
            if q.remaining > 0 && q.client_id.as_deref().is_none_or(|c| c == client) {
                q.remaining = q.remaining.saturating_sub(1);
                out.extend(q.claims.iter().map(|(k, v)| (k.clone(), v.clone())));
            }
        }
        self.queued.retain(|q| q.remaining > 0);
        out
    }

    /// Remembers the claims of a user who signed in with a free `sub`.
    pub(super) fn remember_subject(&mut self, sub: &str, claims: Map<String, Value>) {
        if self.subjects.len() >= SUBJECTS_CAP && !self.subjects.contains_key(sub) {
            if let Some(oldest) = self
                .subjects
                .iter()
                .min_by_key(|(_, (seq, _))| *seq)
                .map(|(k, _)| k.clone())
            {
                self.subjects.remove(&oldest);
            }
        }
        self.seq = self.seq.saturating_add(1);
        self.subjects.insert(sub.to_string(), (self.seq, claims));
    }

    pub(super) fn subject(&self, sub: &str) -> Option<&Map<String, Value>> {
        self.subjects.get(sub).map(|(_, c)| c)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn a_full_map_drops_the_expired_then_the_oldest() {
        let mut s = Store::default();
        for i in 0..SESSIONS_CAP {
            let sign_in = SignIn {
                sub: "u".into(),
                auth_time: 0,
                sid: String::new(),
            };
            let created = i64::try_from(i).unwrap();
            s.add_session(format!("s{i}"), Session { sign_in, created }, created);
        }
        let sign_in = SignIn {
            sub: "v".into(),
            auth_time: 0,
            sid: String::new(),
        };
        s.add_session(
            "new".into(),
            Session {
                sign_in,
                created: 5,
            },
            5,
        );
        assert_eq!(
            s.sessions.len(),
            SESSIONS_CAP - SESSIONS_CAP / 10 + 1,
            "the oldest tenth went at once"
        );
        assert!(!s.sessions.contains_key("s0") && !s.sessions.contains_key("s999"));
        assert!(s.sessions.contains_key("s1000"));
        assert!(s.session("new", 6).is_some());
        assert!(s.session("new", 5 + SESSION_TTL).is_none(), "expired");
    }

    /// A code presented again while its first redemption was still signing: what that
    /// redemption issued is revoked when it is recorded.
    #[test]
    fn a_code_replayed_during_issuance_revokes_what_it_issued() {
        let sign_in = SignIn {
            sub: "u".into(),
            auth_time: 0,
            sid: String::new(),
        };
        let code = |replayed| Code {
            req: AuthRequest::default(),
            sign_in: sign_in.clone(),
            created: 0,
            used: true,
            replayed,
            family: None,
            jti: None,
        };
        let family = |id: &str| Family {
            client_id: "c".into(),
            scope: String::new(),
            resource: Vec::new(),
            sign_in: sign_in.clone(),
            current: format!("h-{id}"),
            rotated: VecDeque::new(),
            revoked: false,
            created: 0,
            jkt: None,
        };
        let mut s = Store::default();
        s.add_code("calm".into(), code(false), 0);
        s.add_code("raced".into(), code(true), 0);
        s.add_family("f1".into(), family("f1"), 0);
        s.add_family("f2".into(), family("f2"), 0);
        assert!(!s.code_issued("calm", "f1".into(), ("j1".into(), 100), 0));
        assert_eq!(s.codes["calm"].family.as_deref(), Some("f1"));
        assert!(!s.families["f1"].revoked && !s.is_revoked("j1"));
        assert!(s.code_issued("raced", "f2".into(), ("j2".into(), 100), 0));
        assert!(s.families["f2"].revoked && s.is_revoked("j2"));
    }
}
