//! The one key loader. Every key jwtctl uses — PEM (PKCS#8, encrypted PKCS#8, PKCS#1, SEC1,
//! SPKI, X.509 certificates), DER, JWK, JWK Sets and raw secrets — becomes a [`Key`] here, its
//! format sniffed from the content, never from the file name. The rest of jwtctl sees only
//! [`Key`] and [`KeySet`]. By concern:
//!
//! * this file: the types, and the key material's encodings (SPKI, PKCS#8, points);
//! * `load`: reading and sniffing key files; `native`: the fast path that never starts
//!   OpenSSL for SPKI/PKCS#8 keys and public JWKs of aws-lc's algorithms;
//! * `jwk`: JWK import and export, RFC 7638 thumbprints;
//! * `policy`: weak keys (RSA size, ROCA), `use`/`key_ops`, private-key consistency
//!   (`rsa_check` holds the arithmetic);
//! * `select`: the one `kid` selector.

mod jwk;
mod load;
mod native;
mod policy;
mod rsa_check;
mod select;

pub use jwk::key_from_jwk;
pub use load::{load_key_bytes, load_key_file, load_published_set, read_limited};
pub use select::{kid_picks, select_by_kid};

use std::fmt;
use std::path::Path;

use openssl::bn::{BigNum, BigNumContext};
use openssl::ec::{EcGroup, EcKey, PointConversionForm};
use openssl::nid::Nid;
use openssl::pkey::{Id, PKey, Private, Public};
use openssl::rsa::{Rsa, RsaPrivateKeyBuilder};
use openssl::x509::X509;
use serde_json::{Map, Value};
use zeroize::Zeroizing;

use crate::encoding::{b64url, b64url_decode, json_type, parse_value_strict};
use crate::error::{Error, KeyError, KeyErrorKind, Result};
use crate::jwa::{EcCurve, KeyType, OkpCurve};

/// Key files larger than this are refused before parsing (a JWKS of thousands of keys fits).
pub const MAX_KEY_FILE: u64 = 4 * 1024 * 1024;

/// OpenSSL's identifier of an EC curve.
pub(crate) fn ec_nid(c: EcCurve) -> Nid {
    match c {
        EcCurve::P256 => Nid::X9_62_PRIME256V1,
        EcCurve::P384 => Nid::SECP384R1,
        EcCurve::P521 => Nid::SECP521R1,
        EcCurve::Secp256k1 => Nid::SECP256K1,
    }
}

/// OpenSSL's identifier of an OKP curve.
pub(crate) fn okp_id(c: OkpCurve) -> Id {
    match c {
        OkpCurve::Ed25519 => Id::ED25519,
        OkpCurve::Ed448 => Id::ED448,
        OkpCurve::X25519 => Id::X25519,
        OkpCurve::X448 => Id::X448,
    }
}

/// What a key is about to be used for; checked against a JWK's `use` and `key_ops`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyOp {
    /// Creating a JWS.
    Sign,
    /// Checking a JWS.
    Verify,
}

/// JWK metadata that travels with a key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyMeta {
    /// `kid`.
    pub kid: Option<String>,
    /// `alg`.
    pub alg: Option<String>,
    /// `use` (`sig` or `enc`).
    pub use_: Option<String>,
    /// `key_ops`.
    pub key_ops: Option<Vec<String>>,
}

enum Material {
    Private(PKey<Private>),
    Public(PKey<Public>),
    Secret(Zeroizing<Vec<u8>>),
    /// Loaded by the fast path: DER only, no OpenSSL object unless one is asked for.
    Der(native::DerKey),
}

/// A loaded key: its material, its type and any JWK metadata.
pub struct Key {
    material: Material,
    kty: KeyType,
    /// Metadata from a JWK (empty for PEM/DER keys).
    pub meta: KeyMeta,
    /// Where the key came from.
    pub origin: KeyOrigin,
}

/// How a key was stored, for descriptions and for carrying certificates into a JWK Set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyOrigin {
    /// `PEM PKCS#8`, `DER SPKI`, `JWK`, `X.509 certificate`, ...
    pub format: &'static str,
    /// The private key was encrypted (with a passphrase).
    pub encrypted: bool,
    /// The DER certificate, when the key came from one.
    pub cert_der: Option<Vec<u8>>,
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never print key material.
        f.debug_struct("Key")
            .field("kty", &self.kty)
            .field("meta", &self.meta)
            .finish_non_exhaustive()
    }
}

/// One or more keys read from a key file; `is_set` tells a JWKS from a single key.
#[derive(Debug)]
pub struct KeySet {
    /// The keys, in file order.
    pub keys: Vec<Key>,
    /// True when the source was a JWK Set.
    pub is_set: bool,
}

impl Key {
    /// A symmetric key from raw secret bytes.
    pub fn from_secret(bytes: Vec<u8>) -> Key {
        Key {
            material: Material::Secret(Zeroizing::new(bytes)),
            kty: KeyType::Oct,
            meta: KeyMeta::default(),
            origin: KeyOrigin {
                format: "secret",
                ..KeyOrigin::default()
            },
        }
    }

    /// A key from an OpenSSL private key (for example a freshly generated one), checked for
    /// consistency first: a key whose parts do not belong together signs tokens that its own
    /// public key rejects.
    pub(crate) fn from_private(pkey: PKey<Private>) -> Result<Key> {
        let kty = classify(pkey.id(), pkey.ec_key().ok().as_ref())?;
        policy::check_private_consistency(&pkey, kty)?;
        Ok(Key {
            material: Material::Private(pkey),
            kty,
            meta: KeyMeta::default(),
            origin: KeyOrigin::default(),
        })
    }

    fn from_der_key((kty, der): (KeyType, native::DerKey)) -> Key {
        Key {
            material: Material::Der(der),
            kty,
            meta: KeyMeta::default(),
            origin: KeyOrigin::default(),
        }
    }

    /// A key from an OpenSSL public key.
    pub(crate) fn from_public(pkey: PKey<Public>) -> Result<Key> {
        let kty = classify(pkey.id(), pkey.ec_key().ok().as_ref())?;
        Ok(Key {
            material: Material::Public(pkey),
            kty,
            meta: KeyMeta::default(),
            origin: KeyOrigin::default(),
        })
    }

    /// The key's type.
    pub fn key_type(&self) -> KeyType {
        self.kty
    }

    /// True when the key holds private (or secret) material.
    pub fn is_private(&self) -> bool {
        match &self.material {
            Material::Public(_) => false,
            Material::Der(d) => d.pkcs8.is_some(),
            Material::Private(_) | Material::Secret(_) => true,
        }
    }

    /// Size in bits: the RSA modulus, the curve order, or the secret length.
    pub fn bits(&self) -> u32 {
        match &self.material {
            Material::Private(p) => p.bits(),
            Material::Public(p) => p.bits(),
            Material::Der(d) => d.bits(),
            Material::Secret(s) => u32::try_from(s.len().saturating_mul(8)).unwrap_or(u32::MAX),
        }
    }

    /// A short human description: `RSA 2048-bit private key`, `EC P-256 public key`, `256-bit secret`.
    pub fn describe(&self) -> String {
        let part = if self.is_private() {
            "private"
        } else {
            "public"
        };
        match self.kty {
            KeyType::Rsa => format!("RSA {}-bit {part} key", self.bits()),
            KeyType::Oct => format!("{}-bit secret", self.bits()),
            other => format!("{other} {part} key"),
        }
    }

    /// The secret bytes of an `oct` key.
    pub fn secret(&self) -> Option<&[u8]> {
        match &self.material {
            Material::Secret(s) => Some(s),
            _ => None,
        }
    }

    /// The private key, when there is one.
    pub(crate) fn private_pkey(&self) -> Option<&PKey<Private>> {
        match &self.material {
            Material::Private(p) => Some(p),
            Material::Der(d) => d.openssl_private(),
            _ => None,
        }
    }

    /// The public key as DER SubjectPublicKeyInfo (derived from a private key if need be).
    pub fn spki_der(&self) -> Result<Vec<u8>> {
        let der = match &self.material {
            Material::Private(p) => p.public_key_to_der(),
            Material::Public(p) => p.public_key_to_der(),
            Material::Der(d) => return Ok(d.spki.clone()),
            Material::Secret(_) => return Err(Error::key("a secret has no public key")),
        };
        der.map_err(|e| Error::key(format!("cannot encode public key: {}", ossl_reason(&e))))
    }

    /// The public half as an OpenSSL key.
    pub(crate) fn public_pkey(&self) -> Result<PKey<Public>> {
        match (&self.material, self.kty) {
            (Material::Public(p), _) => Ok(p.clone()),
            // Raw bytes skip OpenSSL's decoders (~1 ms on first use).
            (Material::Der(_), KeyType::Okp(c)) => {
                PKey::public_key_from_raw_bytes(&self.okp_public()?, okp_id(c))
                    .map_err(|e| Error::key(format!("invalid public key: {}", ossl_reason(&e))))
            }
            _ => PKey::public_key_from_der(&self.spki_der()?)
                .map_err(|e| Error::key(format!("cannot derive public key: {}", ossl_reason(&e)))),
        }
    }

    /// The key bytes of a fast-path key's SubjectPublicKeyInfo.
    fn der_public(&self) -> Option<&[u8]> {
        match &self.material {
            Material::Der(d) => native::spki_parts(&d.spki).map(|(_, key)| key),
            _ => None,
        }
    }

    /// RSA modulus and public exponent (big-endian bytes).
    pub fn rsa_components(&self) -> Result<(Vec<u8>, Vec<u8>)> {
        if let Some(key) = self.der_public() {
            return native::rsa_parts(key)
                .map(|(n, e)| (n.to_vec(), e.to_vec()))
                .ok_or_else(|| Error::key("not an RSA key"));
        }
        let rsa = self
            .public_pkey()?
            .rsa()
            .map_err(|_| Error::key("not an RSA key"))?;
        Ok((rsa.n().to_vec(), rsa.e().to_vec()))
    }

    /// The EC public point, uncompressed (`04 || x || y`).
    pub fn ec_point(&self) -> Result<Vec<u8>> {
        if let (Some(point), KeyType::Ec(_)) = (self.der_public(), self.kty) {
            return Ok(point.to_vec());
        }
        let ec = self
            .public_pkey()?
            .ec_key()
            .map_err(|_| Error::key("not an EC key"))?;
        let mut ctx = BigNumContext::new().map_err(|e| Error::key(ossl_reason(&e)))?;
        ec.public_key()
            .to_bytes(ec.group(), PointConversionForm::UNCOMPRESSED, &mut ctx)
            .map_err(|e| Error::key(format!("cannot encode EC point: {}", ossl_reason(&e))))
    }

    /// The raw public key of an OKP key.
    pub fn okp_public(&self) -> Result<Vec<u8>> {
        if let (Some(raw), KeyType::Okp(_)) = (self.der_public(), self.kty) {
            return Ok(raw.to_vec());
        }
        self.public_pkey()?
            .raw_public_key()
            .map_err(|e| Error::key(format!("not an OKP key: {}", ossl_reason(&e))))
    }

    /// The private key as unencrypted PKCS#8 DER.
    pub fn pkcs8_der(&self) -> Result<Zeroizing<Vec<u8>>> {
        if let Material::Der(native::DerKey {
            pkcs8: Some(der), ..
        }) = &self.material
        {
            return Ok(der.clone());
        }
        let p = self
            .private_pkey()
            .ok_or_else(|| Error::key(format!("a {} cannot sign", self.describe())))?;
        p.private_key_to_pkcs8()
            .map(Zeroizing::new)
            .map_err(|e| Error::key(format!("cannot encode private key: {}", ossl_reason(&e))))
    }

    /// The RSA private key as PKCS#1 DER (what aws-lc's `RsaKeyPair::from_der` reads).
    pub fn rsa_pkcs1_der(&self) -> Result<Zeroizing<Vec<u8>>> {
        if let Material::Der(native::DerKey {
            pkcs8: Some(der), ..
        }) = &self.material
        {
            if let (KeyType::Rsa, Some(inner)) = (self.kty, native::pkcs8_inner(der)) {
                return Ok(Zeroizing::new(inner.to_vec()));
            }
        }
        let p = self
            .private_pkey()
            .ok_or_else(|| Error::key(format!("a {} cannot sign", self.describe())))?;
        let rsa = p.rsa().map_err(|_| Error::key("not an RSA key"))?;
        rsa.private_key_to_der()
            .map(Zeroizing::new)
            .map_err(|e| Error::key(format!("cannot encode RSA key: {}", ossl_reason(&e))))
    }
}

fn classify(id: Id, ec: Option<&EcKey<impl openssl::pkey::HasParams>>) -> Result<KeyType> {
    match id {
        Id::RSA => Ok(KeyType::Rsa),
        Id::EC => {
            let nid = ec.and_then(|k| k.group().curve_name());
            match nid.and_then(|n| EcCurve::ALL.into_iter().find(|&c| ec_nid(c) == n)) {
                Some(c) => Ok(KeyType::Ec(c)),
                None => Err(Error::key(format!(
                    "unsupported elliptic curve {} (jwtctl supports P-256, P-384, P-521, secp256k1)",
                    nid.and_then(|n| n.short_name().ok()).unwrap_or("(unnamed)")
                ))),
            }
        }
        Id::ED25519 => Ok(KeyType::Okp(OkpCurve::Ed25519)),
        Id::ED448 => Ok(KeyType::Okp(OkpCurve::Ed448)),
        Id::X25519 => Ok(KeyType::Okp(OkpCurve::X25519)),
        Id::X448 => Ok(KeyType::Okp(OkpCurve::X448)),
        Id::RSA_PSS => Err(Error::key(
            "RSA-PSS-restricted keys (OID id-RSASSA-PSS) are not supported: convert to a plain RSA key",
        )),
        Id::DSA => Err(Error::key("DSA keys are not used by JOSE")),
        _ => Err(Error::key(
            "unsupported key type (expected RSA, EC, Ed25519/Ed448, X25519/X448)",
        )),
    }
}

/// The most useful line of an OpenSSL error stack.
pub(crate) fn ossl_reason(e: &openssl::error::ErrorStack) -> String {
    e.errors()
        .first()
        .and_then(|x| x.reason().map(str::to_string))
        .unwrap_or_else(|| "invalid key data".to_string())
}
