//! The token cache: one file per (endpoint, client, scope, audience, resource, parameters,
//! DPoP key thumbprint) under the jwtctl cache folder's `tokens/` (0700), each 0600, written
//! beside and renamed into place. It holds the token response and when it expires — never a
//! client secret or an assertion. A file that cannot be read or parsed is absent, never fatal.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};

use crate::encoding::b64url;
use crate::remote::cache::{create_private_dir, write_new_private};

/// Largest cache file read.
const MAX_ENTRY: u64 = 1 << 20;

/// What identifies a cache entry.
#[derive(Debug, Clone, Default)]
pub struct CacheKey {
    /// The issuer or token endpoint, as given.
    pub endpoint: String,
    /// `client_id`.
    pub client_id: String,
    /// The grant.
    pub grant: String,
    /// Scopes, audiences, resources and extra parameters, in order.
    pub params: Vec<(String, String)>,
    /// The DPoP key's thumbprint, when tokens are DPoP-bound.
    pub jkt: Option<String>,
}

impl CacheKey {
    fn file_name(&self) -> String {
        let mut text = format!(
            "v1\n{}\n{}\n{}\n",
            self.endpoint, self.client_id, self.grant
        );
        for (k, v) in &self.params {
            text.push_str(&format!("{k}={v}\n"));
        }
        text.push_str(self.jkt.as_deref().unwrap_or("-"));
        let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, text.as_bytes());
        format!("{}.json", b64url(digest.as_ref()))
    }
}

/// A cached token response.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The token response as answered.
    pub response: Map<String, Value>,
    /// When the access token expires (Unix seconds); `None` when the server did not say.
    pub expires_at: Option<i64>,
}

impl Entry {
    /// An entry from a cache file's bytes; `None` for anything but a well-formed entry.
    pub fn from_bytes(bytes: &[u8]) -> Option<Entry> {
        let v = crate::encoding::parse_object_strict(bytes).ok()?;
        let response = v.get("response")?.as_object()?.clone();
        response.get("access_token")?.as_str()?;
        let expires_at = v.get("expires_at").and_then(Value::as_i64);
        Some(Entry {
            response,
            expires_at,
        })
    }

    /// Seconds the access token has left at `now`.
    pub fn left(&self, now: i64) -> Option<i64> {
        self.expires_at.map(|e| e.saturating_sub(now))
    }

    /// The cached refresh token.
    pub fn refresh_token(&self) -> Option<&str> {
        self.response.get("refresh_token").and_then(Value::as_str)
    }
}

/// The token cache folder.
pub struct TokenCache {
    dir: PathBuf,
}

impl TokenCache {
    /// The cache under `base` (the jwtctl cache folder).
    pub fn new(base: &Path) -> TokenCache {
        TokenCache {
            dir: base.join("tokens"),
        }
    }

    /// The entry for `key`, if one can be read.
    pub fn read(&self, key: &CacheKey) -> Option<Entry> {
        use std::io::Read;
        let path = self.dir.join(key.file_name());
        let file = std::fs::File::open(path).ok()?;
        let mut bytes = Vec::new();
        file.take(MAX_ENTRY).read_to_end(&mut bytes).ok()?;
        Entry::from_bytes(&bytes)
    }

    /// Stores `entry` for `key` (0600, written beside and renamed).
    pub fn write(&self, key: &CacheKey, entry: &Entry) -> std::io::Result<()> {
        create_private_dir(&self.dir)?;
        let body = json!({
            "response": entry.response,
            "expires_at": entry.expires_at,
        })
        .to_string();
        let path = self.dir.join(key.file_name());
        let tmp = self
            .dir
            .join(format!(".{}.{}.tmp", key.file_name(), std::process::id()));
        write_new_private(&tmp, body.as_bytes())?;
        std::fs::rename(&tmp, &path).inspect_err(|_| {
            let _ = std::fs::remove_file(&tmp);
        })
    }

    /// Deletes the entry for `key` (absent is fine).
    pub fn remove(&self, key: &CacheKey) -> std::io::Result<()> {
        match std::fs::remove_file(self.dir.join(key.file_name())) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }
}
