//! The one key loader. Every key jwtctl uses — PEM (PKCS#8, encrypted PKCS#8, PKCS#1, SEC1,
//! SPKI, X.509 certificates), DER, JWK, JWK Sets and raw secrets — becomes a [`Key`] here, its
//! format sniffed from the content, never from the file name. SPKI/PKCS#8 keys and public JWKs
//! of the algorithms aws-lc computes take a fast path that never starts OpenSSL ([`native`]);
//! OpenSSL parses and validates everything else. The rest of jwtctl sees only [`Key`].

mod native;
mod rsa_check;

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
use crate::error::{Error, Result};
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

/// The one `kid` selector (RFC 7515 4.1.4, RFC 7517 4.5): the indices of the keys a `kid`
/// picks. In a JWK Set a `kid` picks exactly the keys that carry it, with no fallback to the
/// others (none is `kid_not_found` for a token); without a `kid`, or for a single key whose own
/// `kid` is only metadata, every key is a candidate.
pub fn select_by_kid(keys: &[Key], is_set: bool, kid: Option<&str>) -> Vec<usize> {
    keys.iter()
        .enumerate()
        .filter(|(_, k)| match (is_set, kid) {
            (true, Some(want)) => k.meta.kid.as_deref() == Some(want),
            _ => true,
        })
        .map(|(i, _)| i)
        .collect()
}

impl KeySet {
    /// The keys `kid` picks (see [`select_by_kid`]).
    pub fn select(&self, kid: Option<&str>) -> Vec<&Key> {
        select_by_kid(&self.keys, self.is_set, kid)
            .into_iter()
            .filter_map(|i| self.keys.get(i))
            .collect()
    }
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
    pub fn from_private(pkey: PKey<Private>) -> Result<Key> {
        let kty = classify(pkey.id(), pkey.ec_key().ok().as_ref())?;
        check_private_consistency(&pkey, kty)?;
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
    pub fn from_public(pkey: PKey<Public>) -> Result<Key> {
        let kty = classify(pkey.id(), pkey.ec_key().ok().as_ref())?;
        Ok(Key {
            material: Material::Public(pkey),
            kty,
            meta: KeyMeta::default(),
            origin: KeyOrigin::default(),
        })
    }

    /// Why an RSA key is too weak to use, if it is: a modulus under 2048 bits, or one with
    /// the ROCA fingerprint (CVE-2017-15361). The one statement of jwtctl's RSA key policy;
    /// `--allow-weak-key` lets callers accept such a key with a warning.
    /// Returns a stable code (`weak_rsa`, `roca`) and the message.
    pub fn rsa_weakness(&self) -> Option<(&'static str, String)> {
        if self.kty != KeyType::Rsa {
            return None;
        }
        if self.bits() < 2048 {
            return Some((
                "weak_rsa",
                format!(
                    "RSA key of {} bits is below the 2048-bit minimum",
                    self.bits()
                ),
            ));
        }
        let (n, _) = self.rsa_components().ok()?;
        rsa_check::has_roca_fingerprint(&n).then(|| {
            ("roca", "RSA key has the ROCA fingerprint (CVE-2017-15361): its primes come from a flawed generator (Infineon RSALib) and it can be factored".to_string())
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
    pub fn private_pkey(&self) -> Option<&PKey<Private>> {
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
    pub fn public_pkey(&self) -> Result<PKey<Public>> {
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

    /// Checks a JWK's `use` and `key_ops` against the intended operation (RFC 7517 4.2, 4.3).
    pub fn permits(&self, op: KeyOp) -> Result<()> {
        let (want_use, want_op) = match op {
            KeyOp::Sign => ("sig", "sign"),
            KeyOp::Verify => ("sig", "verify"),
        };
        if let Some(u) = &self.meta.use_ {
            if u != want_use {
                return Err(Error::key(format!(
                    "the key's \"use\" is {u:?}, which does not permit {want_op}"
                )));
            }
        }
        if let Some(ops) = &self.meta.key_ops {
            if !ops.iter().any(|o| o == want_op) {
                return Err(Error::key(format!(
                    "the key's \"key_ops\" {ops:?} do not include {want_op:?}"
                )));
            }
        }
        Ok(())
    }

    /// The public JWK members (RFC 7517/7518/8037) in the order RFC 7638 lists them, without
    /// metadata. Secrets give `{"kty":"oct","k":...}`.
    pub fn public_jwk(&self) -> Result<Map<String, Value>> {
        let mut m = Map::new();
        match self.kty {
            KeyType::Rsa => {
                let (n, e) = self.rsa_components()?;
                m.insert("e".into(), b64url(e).into());
                m.insert("kty".into(), "RSA".into());
                m.insert("n".into(), b64url(n).into());
            }
            KeyType::Ec(c) => {
                let point = self.ec_point()?;
                let l = c.field_len();
                let (x, y) = (
                    point.get(1..l.saturating_add(1)).unwrap_or_default(),
                    point.get(l.saturating_add(1)..).unwrap_or_default(),
                );
                m.insert("crv".into(), c.name().into());
                m.insert("kty".into(), "EC".into());
                m.insert("x".into(), b64url(x).into());
                m.insert("y".into(), b64url(y).into());
            }
            KeyType::Okp(c) => {
                m.insert("crv".into(), c.name().into());
                m.insert("kty".into(), "OKP".into());
                m.insert("x".into(), b64url(self.okp_public()?).into());
            }
            KeyType::Oct => {
                m.insert("k".into(), b64url(self.secret().unwrap_or_default()).into());
                m.insert("kty".into(), "oct".into());
            }
        }
        Ok(m)
    }

    /// The key as a JWK: the public members, the private ones when `private` is set and the
    /// key has them, and the metadata (`kid`, `alg`, `use`, `key_ops`) it carries.
    pub fn to_jwk(&self, private: bool) -> Result<Map<String, Value>> {
        let mut m = self.public_jwk()?;
        if self.kty == KeyType::Oct && !private {
            return Err(Error::key("a secret key has no public part to export"));
        }
        if let (true, Some(p)) = (private, self.private_pkey()) {
            let enc = |e: openssl::error::ErrorStack| {
                Error::key(format!("cannot export private key: {}", ossl_reason(&e)))
            };
            match self.kty {
                KeyType::Rsa => {
                    let rsa = p.rsa().map_err(enc)?;
                    m.insert("d".into(), b64url(rsa.d().to_vec()).into());
                    let parts = [
                        ("p", rsa.p()),
                        ("q", rsa.q()),
                        ("dp", rsa.dmp1()),
                        ("dq", rsa.dmq1()),
                        ("qi", rsa.iqmp()),
                    ];
                    for (name, v) in parts {
                        if let Some(v) = v {
                            m.insert(name.into(), b64url(v.to_vec()).into());
                        }
                    }
                }
                KeyType::Ec(c) => {
                    let ec = p.ec_key().map_err(enc)?;
                    let len = i32::try_from(c.field_len()).unwrap_or(66);
                    let d = ec.private_key().to_vec_padded(len).map_err(enc)?;
                    m.insert("d".into(), b64url(d).into());
                }
                KeyType::Okp(_) => {
                    m.insert("d".into(), b64url(p.raw_private_key().map_err(enc)?).into());
                }
                KeyType::Oct => {}
            }
        }
        if let Some(k) = &self.meta.kid {
            m.insert("kid".into(), k.clone().into());
        }
        if let Some(a) = &self.meta.alg {
            m.insert("alg".into(), a.clone().into());
        }
        if let Some(u) = &self.meta.use_ {
            m.insert("use".into(), u.clone().into());
        }
        if let Some(ops) = &self.meta.key_ops {
            m.insert(
                "key_ops".into(),
                ops.iter().cloned().map(Value::String).collect(),
            );
        }
        Ok(m)
    }

    /// The RFC 7638 JWK thumbprint (SHA-256, base64url).
    pub fn thumbprint(&self) -> Result<String> {
        let text = serde_json::to_string(&Value::Object(self.public_jwk()?))
            .map_err(|e| Error::key(e.to_string()))?;
        let digest = openssl::sha::sha256(text.as_bytes());
        Ok(b64url(digest))
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

/// Reads and parses a key file. `passphrase` decrypts encrypted private keys.
pub fn load_key_file(path: &Path, passphrase: Option<&[u8]>) -> Result<KeySet> {
    let bytes = read_limited(path, MAX_KEY_FILE)?;
    load_key_bytes(&bytes, &path.display().to_string(), passphrase)
}

/// Reads a whole file, refusing files over `limit` bytes.
pub fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(path, e))?;
    if bytes.len() as u64 > limit {
        return Err(Error::usage(format!(
            "{}: file is larger than {limit} bytes",
            path.display()
        )));
    }
    Ok(bytes)
}

/// Parses key bytes, sniffing the format: JWK/JWKS (JSON), PEM, or DER. `what` names the
/// source in messages.
pub fn load_key_bytes(bytes: &[u8], what: &str, passphrase: Option<&[u8]>) -> Result<KeySet> {
    let trimmed = bytes.trim_ascii();
    if trimmed.is_empty() {
        return Err(Error::key(format!("{what}: empty key file")));
    }
    let fail = |msg: String| Error::key(format!("{what}: {msg}"));
    if trimmed.first() == Some(&b'{') {
        let value = parse_value_strict(trimmed).map_err(|e| fail(format!("invalid JSON: {e}")))?;
        let Value::Object(obj) = value else {
            return Err(fail("expected a JSON object".into()));
        };
        if let Some(keys) = obj.get("keys") {
            let Value::Array(list) = keys else {
                return Err(fail("JWKS member \"keys\" must be an array".into()));
            };
            let mut out = Vec::with_capacity(list.len());
            for (i, k) in list.iter().enumerate() {
                let Value::Object(jwk) = k else {
                    return Err(fail(format!(
                        "key #{i} of the set is {}, not an object",
                        json_type(k)
                    )));
                };
                out.push(key_from_jwk(jwk).map_err(|e| fail(format!("key #{i} of the set: {e}")))?);
            }
            if out.is_empty() {
                return Err(fail("the JWK Set has no keys".into()));
            }
            return Ok(KeySet {
                keys: out,
                is_set: true,
            });
        }
        let key = key_from_jwk(&obj).map_err(|e| fail(e.to_string()))?;
        return Ok(KeySet {
            keys: vec![key],
            is_set: false,
        });
    }
    if let Some(text) = std::str::from_utf8(trimmed)
        .ok()
        .filter(|t| t.contains("-----BEGIN "))
    {
        return load_pem(text, what, passphrase).map(|k| KeySet {
            keys: vec![k],
            is_set: false,
        });
    }
    // DER is binary: trimming "whitespace" would cut a key whose last byte happens to be
    // 0x20 or 0x0a.
    load_der(bytes, what, passphrase).map(|k| KeySet {
        keys: vec![k],
        is_set: false,
    })
}

/// An OKP private key read by OpenSSL, checked against the public key its PKCS#8 may carry
/// (OpenSSL ignores that one and derives its own).
fn check_pkcs8_public(pkcs8: &[u8], key: Key) -> Result<Key> {
    if let (KeyType::Okp(_), Some(embedded)) =
        (key.key_type(), native::pkcs8_embedded_public(pkcs8))
    {
        if !native::embedded_public_matches(Some(embedded), &key.okp_public()?) {
            return Err(Error::key(format!(
                "inconsistent {} private key: the public key in the file is not the one its private key gives",
                key.key_type()
            )));
        }
    }
    Ok(key)
}

fn pem_labels(text: &str) -> Vec<&str> {
    text.match_indices("-----BEGIN ")
        .filter_map(|(i, m)| {
            let rest = text.get(i.checked_add(m.len())?..)?;
            rest.find("-----").and_then(|end| rest.get(..end))
        })
        .collect()
}

/// Records how a key was stored and names the source in its error message.
fn with_origin(
    what: &str,
    key: Result<Key>,
    format: &'static str,
    encrypted: bool,
    cert_der: Option<Vec<u8>>,
) -> Result<Key> {
    match key {
        Ok(mut k) => {
            k.origin = KeyOrigin {
                format,
                encrypted,
                cert_der,
            };
            Ok(k)
        }
        Err(Error::Key(m)) if !m.starts_with(what) => Err(Error::key(format!("{what}: {m}"))),
        Err(e) => Err(e),
    }
}

fn load_pem(text: &str, what: &str, passphrase: Option<&[u8]>) -> Result<Key> {
    let labels = pem_labels(text);
    let has = |l: &str| labels.contains(&l);
    let bad = |kind: &str, e: openssl::error::ErrorStack| {
        Error::key(format!("{what}: invalid {kind}: {}", ossl_reason(&e)))
    };
    let pem = text.as_bytes();
    let legacy_encrypted = text.contains("Proc-Type: 4,ENCRYPTED");
    if has("ENCRYPTED PRIVATE KEY")
        || (legacy_encrypted && labels.iter().any(|l| l.ends_with("PRIVATE KEY")))
    {
        let Some(pass) = passphrase else {
            return Err(Error::PassphraseNeeded {
                what: what.to_string(),
            });
        };
        let pkey = PKey::private_key_from_pem_passphrase(pem, pass).map_err(|_| {
            Error::key(format!(
                "{what}: cannot decrypt the private key (wrong passphrase?)"
            ))
        })?;
        let format = if has("ENCRYPTED PRIVATE KEY") {
            "PEM encrypted PKCS#8"
        } else {
            "PEM encrypted (legacy)"
        };
        return with_origin(what, Key::from_private(pkey), format, true, None);
    }
    if let [label @ ("PRIVATE KEY" | "PUBLIC KEY")] = labels.as_slice() {
        let fast = native::pem_block(text, label).and_then(|der| {
            if *label == "PRIVATE KEY" {
                native::from_pkcs8(&der)
            } else {
                native::from_spki(&der)
            }
        });
        if let Some(parts) = fast {
            let format = if *label == "PRIVATE KEY" {
                "PEM PKCS#8"
            } else {
                "PEM SPKI"
            };
            return with_origin(what, Ok(Key::from_der_key(parts)), format, false, None);
        }
    }
    if has("PRIVATE KEY") || has("RSA PRIVATE KEY") || has("EC PRIVATE KEY") {
        let format = if has("PRIVATE KEY") {
            "PEM PKCS#8"
        } else if has("RSA PRIVATE KEY") {
            "PEM PKCS#1"
        } else {
            "PEM SEC1"
        };
        let key = PKey::private_key_from_pem(pem)
            .map_err(|e| bad("PEM private key", e))
            .and_then(Key::from_private)
            .and_then(|k| match native::pem_block(text, "PRIVATE KEY") {
                Some(der) => check_pkcs8_public(&der, k),
                None => Ok(k),
            });
        with_origin(what, key, format, false, None)
    } else if has("PUBLIC KEY") {
        let key = PKey::public_key_from_pem(pem)
            .map_err(|e| bad("PEM public key", e))
            .and_then(Key::from_public);
        with_origin(what, key, "PEM SPKI", false, None)
    } else if has("RSA PUBLIC KEY") {
        let key = Rsa::public_key_from_pem_pkcs1(pem)
            .and_then(PKey::from_rsa)
            .map_err(|e| bad("PEM RSA public key", e))
            .and_then(Key::from_public);
        with_origin(what, key, "PEM PKCS#1 public", false, None)
    } else if has("CERTIFICATE") || has("TRUSTED CERTIFICATE") {
        let cert = X509::from_pem(pem).map_err(|e| bad("X.509 certificate", e))?;
        let der = cert.to_der().map_err(|e| bad("X.509 certificate", e))?;
        let key = cert
            .public_key()
            .map_err(|e| bad("X.509 certificate", e))
            .and_then(Key::from_public);
        with_origin(what, key, "PEM X.509 certificate", false, Some(der))
    } else if has("OPENSSH PRIVATE KEY") {
        Err(Error::key(format!(
            "{what}: OpenSSH private keys are not supported; convert with: ssh-keygen -p -m PKCS8 -f FILE"
        )))
    } else {
        Err(Error::key(format!(
            "{what}: no key in PEM (found {}); expected PRIVATE KEY, PUBLIC KEY, RSA/EC PRIVATE KEY or CERTIFICATE",
            if labels.is_empty() {
                "no block".to_string()
            } else {
                labels.join(", ")
            }
        )))
    }
}

/// DER object identifier of PBES2 (1.2.840.113549.1.5.13), the scheme of encrypted PKCS#8.
const PBES2_OID: &[u8] = &[
    0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0d,
];

fn load_der(der: &[u8], what: &str, passphrase: Option<&[u8]>) -> Result<Key> {
    if der.first() != Some(&0x30) {
        return Err(Error::key(format!(
            "{what}: not a key (expected PEM, DER, a JWK or a JWK Set)"
        )));
    }
    let head = der.get(..der.len().min(32)).unwrap_or(der);
    if head.windows(PBES2_OID.len()).any(|w| w == PBES2_OID) {
        let Some(pass) = passphrase else {
            return Err(Error::PassphraseNeeded {
                what: what.to_string(),
            });
        };
        let pkey = PKey::private_key_from_pkcs8_passphrase(der, pass).map_err(|_| {
            Error::key(format!(
                "{what}: cannot decrypt the private key (wrong passphrase?)"
            ))
        })?;
        return with_origin(
            what,
            Key::from_private(pkey),
            "DER encrypted PKCS#8",
            true,
            None,
        );
    }
    if let Some(parts) = native::from_pkcs8(der) {
        let key = Ok(Key::from_der_key(parts));
        return with_origin(what, key, "DER private key", false, None);
    }
    if let Some(parts) = native::from_spki(der) {
        return with_origin(what, Ok(Key::from_der_key(parts)), "DER SPKI", false, None);
    }
    if let Ok(p) = PKey::private_key_from_der(der) {
        let key = Key::from_private(p).and_then(|k| check_pkcs8_public(der, k));
        return with_origin(what, key, "DER private key", false, None);
    }
    if let Ok(p) = PKey::public_key_from_der(der) {
        return with_origin(what, Key::from_public(p), "DER SPKI", false, None);
    }
    if let Ok(p) = Rsa::public_key_from_der_pkcs1(der).and_then(PKey::from_rsa) {
        return with_origin(what, Key::from_public(p), "DER PKCS#1 public", false, None);
    }
    if let Ok(cert) = X509::from_der(der) {
        let key = cert
            .public_key()
            .map_err(|e| Error::key(ossl_reason(&e)))
            .and_then(Key::from_public);
        return with_origin(
            what,
            key,
            "DER X.509 certificate",
            false,
            Some(der.to_vec()),
        );
    }
    Err(Error::key(format!(
        "{what}: not a key (DER that is neither a private key, a public key nor a certificate)"
    )))
}

/// A base64url JWK member, decoded, with messages that name the member.
fn member(jwk: &Map<String, Value>, name: &str) -> Result<Option<Zeroizing<Vec<u8>>>> {
    match jwk.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => b64url_decode(s)
            .map(|b| Some(Zeroizing::new(b)))
            .map_err(|e| Error::key(format!("JWK member {name:?} is not valid base64url: {e}"))),
        Some(other) => Err(Error::key(format!(
            "JWK member {name:?} must be a string, not {}",
            json_type(other)
        ))),
    }
}

fn required(jwk: &Map<String, Value>, name: &str, kty: &str) -> Result<Zeroizing<Vec<u8>>> {
    member(jwk, name)?.ok_or_else(|| {
        Error::key(format!(
            "JWK member {name:?} is missing (required for kty {kty:?})"
        ))
    })
}

fn string_member(jwk: &Map<String, Value>, name: &str) -> Result<Option<String>> {
    match jwk.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(Error::key(format!(
            "JWK member {name:?} must be a string, not {}",
            json_type(other)
        ))),
    }
}

fn bn(bytes: &[u8]) -> Result<BigNum> {
    BigNum::from_slice(bytes).map_err(|e| Error::key(ossl_reason(&e)))
}

fn exact_len(bytes: &[u8], name: &str, want: usize, crv: &str) -> Result<()> {
    if bytes.len() == want {
        Ok(())
    } else {
        Err(Error::key(format!(
            "JWK member {name:?} has {} bytes; {crv} needs {want}",
            bytes.len()
        )))
    }
}

/// Builds a key from a JWK object (RFC 7517, 7518 section 6, RFC 8037).
pub fn key_from_jwk(jwk: &Map<String, Value>) -> Result<Key> {
    let kty =
        string_member(jwk, "kty")?.ok_or_else(|| Error::key("JWK member \"kty\" is missing"))?;
    let meta = KeyMeta {
        kid: string_member(jwk, "kid")?,
        alg: string_member(jwk, "alg")?,
        use_: string_member(jwk, "use")?,
        key_ops: match jwk.get("key_ops") {
            None => None,
            Some(Value::Array(a)) => Some(
                a.iter()
                    .map(|v| v.as_str().map(str::to_string))
                    .collect::<Option<Vec<_>>>()
                    .ok_or_else(|| {
                        Error::key("JWK member \"key_ops\" must be an array of strings")
                    })?,
            ),
            Some(_) => {
                return Err(Error::key(
                    "JWK member \"key_ops\" must be an array of strings",
                ));
            }
        },
    };
    let mut key = match kty.as_str() {
        "oct" => {
            let k = required(jwk, "k", "oct")?;
            if k.is_empty() {
                return Err(Error::key("JWK member \"k\" is empty"));
            }
            Key::from_secret(k.to_vec())
        }
        "RSA" => rsa_from_jwk(jwk)?,
        "EC" => ec_from_jwk(jwk)?,
        "OKP" => okp_from_jwk(jwk)?,
        other => {
            return Err(Error::key(format!(
                "unknown JWK \"kty\" {other:?} (expected RSA, EC, OKP or oct)"
            )));
        }
    };
    key.meta = meta;
    key.origin = KeyOrigin {
        format: "JWK",
        ..KeyOrigin::default()
    };
    Ok(key)
}

fn rsa_from_jwk(jwk: &Map<String, Value>) -> Result<Key> {
    let n = required(jwk, "n", "RSA")?;
    let e = required(jwk, "e", "RSA")?;
    if n.first() == Some(&0) || e.first() == Some(&0) {
        return Err(Error::key(
            "JWK members \"n\"/\"e\" must not have leading zero bytes",
        ));
    }
    let Some(d) = member(jwk, "d")? else {
        if let Some(parts) = native::public(KeyType::Rsa, &crate::der::rsa_public_key(&n, &e)) {
            return Ok(Key::from_der_key(parts));
        }
        let rsa = Rsa::from_public_components(bn(&n)?, bn(&e)?)
            .map_err(|e| Error::key(ossl_reason(&e)))?;
        return Key::from_public(PKey::from_rsa(rsa).map_err(|e| Error::key(ossl_reason(&e)))?);
    };
    let crt = ["p", "q", "dp", "dq", "qi"];
    let present: Vec<_> = crt.iter().filter(|m| jwk.contains_key(**m)).collect();
    let rsa = if present.is_empty() {
        RsaPrivateKeyBuilder::new(bn(&n)?, bn(&e)?, bn(&d)?).map(|b| b.build())
    } else {
        let mut v = Vec::with_capacity(5);
        for name in crt {
            v.push(bn(&required(jwk, name, "RSA")?)?);
        }
        let mut it = v.into_iter();
        match (it.next(), it.next(), it.next(), it.next(), it.next()) {
            (Some(p), Some(q), Some(dp), Some(dq), Some(qi)) => {
                Rsa::from_private_components(bn(&n)?, bn(&e)?, bn(&d)?, p, q, dp, dq, qi)
            }
            _ => return Err(Error::key("incomplete RSA private key")),
        }
    }
    .map_err(|e| Error::key(format!("invalid RSA private key: {}", ossl_reason(&e))))?;
    Key::from_private(PKey::from_rsa(rsa).map_err(|e| Error::key(ossl_reason(&e)))?)
}

/// Checks that a private key's parts belong together: an RSA key's CRT members (or, without
/// them, that d inverts e on a test value), an EC scalar against its public point. (An OKP
/// key held by OpenSSL is its seed alone; its public key is derived, so it cannot disagree.)
fn check_private_consistency(pkey: &PKey<Private>, kty: KeyType) -> Result<()> {
    let inconsistent = |why: &str| Error::key(format!("inconsistent {kty} private key: {why}"));
    match kty {
        KeyType::Rsa => {
            let rsa = pkey.rsa().map_err(|e| Error::key(ossl_reason(&e)))?;
            let why = match (rsa.p(), rsa.q(), rsa.dmp1(), rsa.dmq1(), rsa.iqmp()) {
                (Some(p), Some(q), Some(dp), Some(dq), Some(qi)) => {
                    let [n, e, d, p, q, dp, dq, qi] =
                        [rsa.n(), rsa.e(), rsa.d(), p, q, dp, dq, qi].map(|b| b.to_vec());
                    rsa_check::rsa_inconsistency(&rsa_check::RsaParts {
                        n: &n,
                        e: &e,
                        d: &d,
                        p: &p,
                        q: &q,
                        dp: &dp,
                        dq: &dq,
                        qi: &qi,
                    })
                }
                _ => (!rsa_exponents_invert(&rsa))
                    .then_some("the private exponent d does not invert the public exponent e"),
            };
            match why {
                Some(w) => Err(inconsistent(w)),
                None => Ok(()),
            }
        }
        KeyType::Ec(_) => {
            let ec = pkey.ec_key().map_err(|e| Error::key(ossl_reason(&e)))?;
            ec.check_key()
                .map_err(|_| inconsistent("the private scalar does not match the public point"))
        }
        KeyType::Okp(_) | KeyType::Oct => Ok(()),
    }
}

/// For an RSA key without CRT members: (2^e)^d ≡ 2 (mod n).
fn rsa_exponents_invert(rsa: &Rsa<Private>) -> bool {
    let check = || -> Result<bool, openssl::error::ErrorStack> {
        let mut ctx = BigNumContext::new()?;
        let two = BigNum::from_u32(2)?;
        let mut c = BigNum::new()?;
        c.mod_exp(&two, rsa.e(), rsa.n(), &mut ctx)?;
        let mut m = BigNum::new()?;
        m.mod_exp(&c, rsa.d(), rsa.n(), &mut ctx)?;
        Ok(m == two)
    };
    check().unwrap_or(false)
}

fn ec_from_jwk(jwk: &Map<String, Value>) -> Result<Key> {
    let crv_name = string_member(jwk, "crv")?
        .ok_or_else(|| Error::key("JWK member \"crv\" is missing (required for kty \"EC\")"))?;
    let crv = EcCurve::from_name(&crv_name).ok_or_else(|| {
        Error::key(format!(
            "unsupported EC \"crv\" {crv_name:?} (expected P-256, P-384, P-521 or secp256k1)"
        ))
    })?;
    let x = required(jwk, "x", "EC")?;
    let y = required(jwk, "y", "EC")?;
    exact_len(&x, "x", crv.field_len(), crv.name())?;
    exact_len(&y, "y", crv.field_len(), crv.name())?;
    if !jwk.contains_key("d") {
        let point = [&[4u8][..], &x, &y].concat();
        if let Some(parts) = native::public(KeyType::Ec(crv), &point) {
            return Ok(Key::from_der_key(parts));
        }
    }
    let group = EcGroup::from_curve_name(ec_nid(crv)).map_err(|e| Error::key(ossl_reason(&e)))?;
    let public =
        EcKey::from_public_key_affine_coordinates(&group, &*bn(&x)?, &*bn(&y)?).map_err(|_| {
            Error::key(format!(
                "JWK members \"x\"/\"y\" are not a point on {}",
                crv.name()
            ))
        })?;
    let Some(d) = member(jwk, "d")? else {
        return Key::from_public(
            PKey::from_ec_key(public).map_err(|e| Error::key(ossl_reason(&e)))?,
        );
    };
    exact_len(&d, "d", crv.field_len(), crv.name())?;
    let private = EcKey::from_private_components(&group, &*bn(&d)?, public.public_key())
        .map_err(|e| Error::key(format!("invalid EC private key: {}", ossl_reason(&e))))?;
    private
        .check_key()
        .map_err(|_| Error::key("JWK member \"d\" does not match the public point \"x\"/\"y\""))?;
    Key::from_private(PKey::from_ec_key(private).map_err(|e| Error::key(ossl_reason(&e)))?)
}

fn okp_from_jwk(jwk: &Map<String, Value>) -> Result<Key> {
    let crv_name = string_member(jwk, "crv")?
        .ok_or_else(|| Error::key("JWK member \"crv\" is missing (required for kty \"OKP\")"))?;
    let crv = OkpCurve::ALL
        .into_iter()
        .find(|c| c.name() == crv_name)
        .ok_or_else(|| {
            Error::key(format!(
                "unsupported OKP \"crv\" {crv_name:?} (expected Ed25519, Ed448, X25519 or X448)"
            ))
        })?;
    let x = required(jwk, "x", "OKP")?;
    exact_len(&x, "x", crv.key_len(), crv.name())?;
    let Some(d) = member(jwk, "d")? else {
        if let Some(parts) = native::public(KeyType::Okp(crv), &x) {
            return Ok(Key::from_der_key(parts));
        }
        let p = PKey::public_key_from_raw_bytes(&x, okp_id(crv))
            .map_err(|e| Error::key(format!("invalid \"x\": {}", ossl_reason(&e))))?;
        return Key::from_public(p);
    };
    exact_len(&d, "d", crv.key_len(), crv.name())?;
    let p = PKey::private_key_from_raw_bytes(&d, okp_id(crv))
        .map_err(|e| Error::key(format!("invalid \"d\": {}", ossl_reason(&e))))?;
    let derived = p
        .raw_public_key()
        .map_err(|e| Error::key(ossl_reason(&e)))?;
    if derived != *x {
        return Err(Error::key(
            "JWK member \"d\" does not match the public key \"x\"",
        ));
    }
    Key::from_private(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc7638_thumbprint() {
        let jwk = serde_json::json!({
            "kty": "RSA",
            "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
            "e": "AQAB",
            "alg": "RS256",
            "kid": "2011-04-29"
        });
        let Value::Object(m) = jwk else {
            unreachable!()
        };
        let key = key_from_jwk(&m).ok();
        assert_eq!(
            key.and_then(|k| k.thumbprint().ok()).as_deref(),
            Some("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs")
        );
    }

    #[test]
    fn jwk_errors_name_the_member() {
        let cases = [
            (serde_json::json!({"kty": "RSA", "e": "AQAB"}), "\"n\""),
            (
                serde_json::json!({"kty": "EC", "crv": "P-256", "x": "AAAA", "y": "AAAA"}),
                "\"x\"",
            ),
            (serde_json::json!({"kty": "foo"}), "\"kty\""),
            (serde_json::json!({"kty": "OKP", "crv": "Ed25519"}), "\"x\""),
            (serde_json::json!({"k": "AAAA"}), "\"kty\""),
        ];
        for (jwk, name) in cases {
            let Value::Object(m) = jwk else {
                unreachable!()
            };
            let err = key_from_jwk(&m)
                .map(|_| ())
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(err.contains(name), "{err} should name {name}");
        }
    }
}
