//! The issuer's keys: which one signs and with what algorithm, the published JWK Set and its
//! `ETag`, rotation, and the one signing path every token of the issuer takes.

use serde_json::{Map, Value};

use super::{Issuer, OAuthError};
use crate::crypto::Signer;
use crate::encoding::b64url;
use crate::error::{Error, KeyErrorKind, Result};
use crate::jwa::{JwsAlg, KeyType, OkpCurve};
use crate::jwks::{MemberOptions, SetBuilder, member};
use crate::jws::sign_compact;
use crate::keygen::KeySpec;
use crate::keys::{Key, KeyOp};
use crate::verify::check_key_fits;

/// A key that signs or is published, with its algorithm and `kid`.
pub(super) struct Published {
    pub(super) key: Key,
    pub(super) alg: JwsAlg,
    pub(super) kid: String,
    /// Unique in the process: which prepared signer is this key's.
    pub(super) serial: u64,
}

static SERIALS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

thread_local! {
    /// This thread's prepared signer for the signing key, by the key's serial. A signer is not
    /// `Send`, and preparing one per token (parsing the key, checking it) was most of a
    /// token's cost; one per thread per key is enough.
    static SIGNER: std::cell::RefCell<Option<(u64, Signer)>> = const { std::cell::RefCell::new(None) };
}

/// The algorithm a key signs with here: its JWK `alg`, else the usual one for its type.
fn default_alg(key: &Key) -> Result<JwsAlg> {
    if let Some(name) = &key.meta.alg {
        return JwsAlg::from_header(name).ok_or_else(|| {
            Error::key(format!(
                "the key's JWK \"alg\" {name:?} is not a JWS algorithm"
            ))
        });
    }
    match key.key_type() {
        KeyType::Rsa => Ok(JwsAlg::RS256),
        KeyType::Oct => Ok(JwsAlg::HS256),
        KeyType::Okp(OkpCurve::Ed25519 | OkpCurve::Ed448) => Ok(JwsAlg::EdDSA),
        kty => JwsAlg::fitting(kty).first().copied().ok_or_else(|| {
            Error::key_of(
                KeyErrorKind::AlgorithmMismatch,
                format!("{} cannot sign tokens", key.describe()),
            )
        }),
    }
}

pub(super) fn published(key: Key, alg: Option<JwsAlg>) -> Result<Published> {
    let alg = match alg {
        Some(a) => a,
        None => default_alg(&key)?,
    };
    check_key_fits(alg, &key, KeyOp::Sign, false)?;
    let kid = match &key.meta.kid {
        Some(k) => k.clone(),
        None => key.thumbprint()?,
    };
    let serial = SERIALS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    Ok(Published {
        key,
        alg,
        kid,
        serial,
    })
}

/// A 500 answer for what only a broken key or library could cause.
pub(super) fn server_error(e: impl std::fmt::Display) -> OAuthError {
    OAuthError::new(500, "server_error", e.to_string())
}

/// `b` random bytes from the OS CSPRNG, base64url: codes, tokens, ids.
pub(super) fn random(bytes: usize) -> Result<String, OAuthError> {
    let mut buf = vec![0u8; bytes];
    openssl::rand::rand_bytes(&mut buf).map_err(|_| server_error("no randomness available"))?;
    Ok(b64url(buf))
}

/// SHA-256, base64url: the form in which secrets (refresh tokens) are remembered.
pub(super) fn digest(text: &str) -> String {
    b64url(aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, text.as_bytes()).as_ref())
}

impl Issuer {
    pub(super) fn publish(&mut self) -> Result<()> {
        let mut set = SetBuilder::default();
        for p in std::iter::once(&self.signing)
            .chain(self.previous.as_ref())
            .chain(self.others.iter())
        {
            if p.key.key_type() == KeyType::Oct {
                continue; // a secret is never published
            }
            let opts = MemberOptions {
                private: false,
                use_: Some("sig".into()),
                alg: Some(p.alg.name().into()),
            };
            set.add(member(&p.key, Some(&p.kid), &opts)?)?;
        }
        self.jwks = serde_json::to_string(&set.build()).map_err(|e| Error::usage(e.to_string()))?;
        let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, self.jwks.as_bytes());
        self.etag = format!(
            "\"{}\"",
            b64url(digest.as_ref().get(..12).unwrap_or_default())
        );
        self.rebuild_ring()
    }

    /// What a rotation generates: a key of the signing key's kind.
    pub fn rotation_spec(&self) -> Result<KeySpec> {
        match self.signing.key.key_type() {
            KeyType::Rsa => Ok(KeySpec::Rsa(self.signing.key.bits())),
            KeyType::Ec(c) => Ok(KeySpec::Ec(c)),
            KeyType::Okp(c) => Ok(KeySpec::Okp(c)),
            KeyType::Oct => Err(Error::usage(
                "a secret (HMAC) key cannot be rotated: the services verifying its tokens could not learn the new one",
            )),
        }
    }

    /// Makes `key` the signing key; the one it replaces stays published until the next
    /// rotation, and the one before that is withdrawn.
    pub fn rotate_to(&mut self, key: Key) -> Result<()> {
        let next = published(key, Some(self.signing.alg))?;
        Signer::new(next.alg, &next.key)?;
        let old = std::mem::replace(&mut self.signing, next);
        self.previous = Some(old);
        self.publish()
    }

    /// Signs `claims` with the current key; `typ` goes in the header when given.
    pub(super) fn sign_jwt(
        &self,
        typ: Option<&str>,
        claims: Map<String, Value>,
    ) -> Result<String, OAuthError> {
        let mut header = Map::new();
        header.insert("alg".into(), self.signing.alg.name().into());
        if let Some(t) = typ {
            header.insert("typ".into(), t.into());
        }
        header.insert("kid".into(), self.signing.kid.clone().into());
        let payload = serde_json::to_vec(&Value::Object(claims)).map_err(server_error)?;
        SIGNER.with(|cell| {
            let mut slot = cell.borrow_mut();
            if !matches!(&*slot, Some((serial, _)) if *serial == self.signing.serial) {
                let signer =
                    Signer::new(self.signing.alg, &self.signing.key).map_err(server_error)?;
                *slot = Some((self.signing.serial, signer));
            }
            // Never an unsigned token: no signer is an error, not `alg: none`.
            let Some((_, signer)) = slot.as_ref() else {
                return Err(server_error("no signer"));
            };
            sign_compact(&payload, header, Some(signer)).map_err(server_error)
        })
    }

    /// The OpenID Connect hash of `value` for the signing algorithm (`at_hash`: the left half
    /// of the digest the algorithm uses, base64url; SHAKE256 for Ed448 as the OpenID
    /// Foundation's registry says).
    pub(super) fn left_hash(&self, value: &str) -> Result<String, OAuthError> {
        use aws_lc_rs::digest::{SHA256, SHA384, SHA512, digest};
        let full: Vec<u8> = match self.signing.alg {
            JwsAlg::HS384 | JwsAlg::RS384 | JwsAlg::PS384 | JwsAlg::ES384 => {
                digest(&SHA384, value.as_bytes()).as_ref().to_vec()
            }
            JwsAlg::HS512 | JwsAlg::RS512 | JwsAlg::PS512 | JwsAlg::ES512 => {
                digest(&SHA512, value.as_bytes()).as_ref().to_vec()
            }
            JwsAlg::EdDSA | JwsAlg::Ed448
                if self.signing.key.key_type() == KeyType::Okp(OkpCurve::Ed448) =>
            {
                let mut out = vec![0u8; 114];
                let mut h = openssl::hash::Hasher::new(openssl::hash::MessageDigest::shake_256())
                    .map_err(server_error)?;
                h.update(value.as_bytes()).map_err(server_error)?;
                h.finish_xof(&mut out).map_err(server_error)?;
                out
            }
            JwsAlg::EdDSA | JwsAlg::Ed25519 => digest(&SHA512, value.as_bytes()).as_ref().to_vec(),
            _ => digest(&SHA256, value.as_bytes()).as_ref().to_vec(),
        };
        let half = full.len().checked_div(2).unwrap_or(0);
        Ok(b64url(full.get(..half).unwrap_or_default()))
    }
}
