//! JWE (RFC 7516, RFC 7518 section 4-5): encryption and decryption through josekit, with the
//! policy and the hostile-input limits in front of it: algorithm allow-list (`RSA1_5` only on
//! request), part sizes checked before any crypto, a PBES2 `p2c` cap checked before key
//! derivation, bounded `zip: DEF` inflation, and one indistinguishable error for every
//! failure of the cryptography (no padding or key oracle).

use std::borrow::Cow;
use std::io::Read;

use josekit::JoseError;
use josekit::jwe::{
    JweCompression, JweContentEncryption, JweContext, JweDecrypter, JweEncrypter, JweHeader,
    JweHeaderSet,
};
use serde_json::{Map, Value};

use crate::encoding::{b64url_decode, json_type, parse_object_strict, parse_value_strict};
use crate::error::{Error, RejectCode, Rejection, Result};
use crate::jwa::{EcCurve, JweAlg, JweEnc, JweFamily, KeyType, OkpCurve};
use crate::jws::{MAX_TOKEN_BYTES, Serialization, normalize_input};
use crate::keys::{Key, KeySet};

/// The default PBES2 iteration count when encrypting: the most that panva/jose (10,000),
/// jwcrypto (16,384) and latchset jose (32,768) all accept with their default limits, so a
/// token jwtctl writes opens everywhere.
pub const DEFAULT_P2C: u64 = 10_000;
/// The highest PBES2 iteration count that key derivation accepts (OpenSSL takes a C `int`).
pub const MAX_P2C: u64 = i32::MAX as u64;
/// The default cap on PBES2 `p2c` when decrypting.
pub const DEFAULT_MAX_P2C: u64 = 1_000_000;
/// The default cap on decrypted (and inflated) plaintext.
pub const DEFAULT_MAX_PLAINTEXT: usize = 16 * 1024 * 1024;

/// The algorithm a key implies when `--alg` is not given.
pub fn default_alg(key: &Key, enc: JweEnc) -> Result<JweAlg> {
    Ok(match key.key_type() {
        KeyType::Rsa => JweAlg::RsaOaep256,
        KeyType::Ec(EcCurve::Secp256k1) => {
            return Err(Error::key("secp256k1 keys are not used for JWE"));
        }
        KeyType::Ec(_) | KeyType::Okp(OkpCurve::X25519 | OkpCurve::X448) => JweAlg::EcdhEsA256Kw,
        KeyType::Okp(_) => {
            return Err(Error::key(
                "Ed25519/Ed448 keys sign; for JWE use an X25519/X448, EC, RSA or secret key",
            ));
        }
        KeyType::Oct => match key.secret().map(<[u8]>::len) {
            Some(16) => JweAlg::A128Kw,
            Some(24) => JweAlg::A192Kw,
            Some(32) => JweAlg::A256Kw,
            Some(n) if enc.key_len() == n => JweAlg::Dir,
            _ => JweAlg::Pbes2Hs512A256Kw,
        },
    })
}

/// Checks that `key` can serve `alg` (type, size, JWK use/alg), as a usage error (exit 2).
pub fn check_key(alg: JweAlg, enc: Option<JweEnc>, key: &Key, decrypting: bool) -> Result<()> {
    let kty = key.key_type();
    let family = alg.family();
    let ok = match family {
        JweFamily::Rsa => kty == KeyType::Rsa,
        JweFamily::EcdhEs => matches!(
            kty,
            KeyType::Ec(EcCurve::P256 | EcCurve::P384 | EcCurve::P521)
                | KeyType::Okp(OkpCurve::X25519 | OkpCurve::X448)
        ),
        JweFamily::Direct | JweFamily::AesKw | JweFamily::AesGcmKw | JweFamily::Pbes2 => {
            kty == KeyType::Oct
        }
    };
    if !ok {
        return Err(Error::key(format!("{alg} cannot use a {}", key.describe())));
    }
    if let (Some(need), Some(s)) = (alg.secret_len(), key.secret()) {
        if s.len() != need {
            return Err(Error::key(format!(
                "{alg} needs a {}-bit key; this secret has {} bits",
                need.saturating_mul(8),
                s.len().saturating_mul(8)
            )));
        }
    }
    if let (JweAlg::Dir, Some(e), Some(s)) = (alg, enc, key.secret()) {
        let n = e.key_len();
        if s.len() != n {
            return Err(Error::key(format!(
                "dir with {e} needs a {}-bit key; this secret has {} bits",
                n.saturating_mul(8),
                s.len().saturating_mul(8)
            )));
        }
    }
    if let Some((_, why)) = key.rsa_weakness() {
        return Err(Error::key(why));
    }
    if matches!(family, JweFamily::Rsa | JweFamily::EcdhEs) && decrypting && !key.is_private() {
        return Err(Error::key(format!(
            "decrypting needs a private key, but the key is a {}",
            key.describe()
        )));
    }
    if let Some(u) = &key.meta.use_ {
        if u != "enc" {
            return Err(Error::key(format!(
                "the key's \"use\" is {u:?}, which does not permit encryption"
            )));
        }
    }
    if let Some(ops) = &key.meta.key_ops {
        const ENC_OPS: &[&str] = &[
            "encrypt",
            "decrypt",
            "wrapKey",
            "unwrapKey",
            "deriveKey",
            "deriveBits",
        ];
        if !ops.iter().any(|o| ENC_OPS.contains(&o.as_str())) {
            return Err(Error::key(format!(
                "the key's \"key_ops\" {ops:?} do not permit encryption"
            )));
        }
    }
    if let Some(a) = &key.meta.alg {
        // A `dir` key may name the content encryption it is for, as some producers write.
        let dir_enc = alg == JweAlg::Dir && JweEnc::from_name(a).is_some();
        if a != alg.name() && !dir_enc {
            return Err(Error::key(format!(
                "the key is for algorithm {a:?} (its JWK \"alg\"), not {alg}"
            )));
        }
    }
    Ok(())
}

fn jerr(e: JoseError) -> Error {
    Error::key(format!("the key cannot be used: {e}"))
}

fn encrypter(alg: JweAlg, key: &Key, p2c: u64) -> Result<Box<dyn JweEncrypter>> {
    use josekit::jwe::*;
    let secret = || key.secret().unwrap_or_default();
    let spki = || key.spki_der();
    Ok(match alg {
        JweAlg::Dir => Box::new(Dir.encrypter_from_bytes(secret()).map_err(jerr)?),
        JweAlg::A128Kw => Box::new(A128KW.encrypter_from_bytes(secret()).map_err(jerr)?),
        JweAlg::A192Kw => Box::new(A192KW.encrypter_from_bytes(secret()).map_err(jerr)?),
        JweAlg::A256Kw => Box::new(A256KW.encrypter_from_bytes(secret()).map_err(jerr)?),
        JweAlg::A128GcmKw => Box::new(A128GCMKW.encrypter_from_bytes(secret()).map_err(jerr)?),
        JweAlg::A192GcmKw => Box::new(A192GCMKW.encrypter_from_bytes(secret()).map_err(jerr)?),
        JweAlg::A256GcmKw => Box::new(A256GCMKW.encrypter_from_bytes(secret()).map_err(jerr)?),
        JweAlg::RsaOaep => Box::new(RSA_OAEP.encrypter_from_der(spki()?).map_err(jerr)?),
        JweAlg::RsaOaep256 => Box::new(RSA_OAEP_256.encrypter_from_der(spki()?).map_err(jerr)?),
        JweAlg::RsaOaep384 => Box::new(RSA_OAEP_384.encrypter_from_der(spki()?).map_err(jerr)?),
        JweAlg::RsaOaep512 => Box::new(RSA_OAEP_512.encrypter_from_der(spki()?).map_err(jerr)?),
        JweAlg::EcdhEs => Box::new(ECDH_ES.encrypter_from_der(spki()?).map_err(jerr)?),
        JweAlg::EcdhEsA128Kw => Box::new(ECDH_ES_A128KW.encrypter_from_der(spki()?).map_err(jerr)?),
        JweAlg::EcdhEsA192Kw => Box::new(ECDH_ES_A192KW.encrypter_from_der(spki()?).map_err(jerr)?),
        JweAlg::EcdhEsA256Kw => Box::new(ECDH_ES_A256KW.encrypter_from_der(spki()?).map_err(jerr)?),
        JweAlg::Pbes2Hs256A128Kw | JweAlg::Pbes2Hs384A192Kw | JweAlg::Pbes2Hs512A256Kw => {
            let mut e = pbes2(alg).encrypter_from_bytes(secret()).map_err(jerr)?;
            // josekit panics below 1000; callers validate p2c first.
            e.set_iter_count(usize::try_from(p2c.max(1000)).unwrap_or(1000));
            e.set_salt_len(16);
            Box::new(e)
        }
        JweAlg::Rsa1_5 => {
            return Err(Error::usage(
                "RSA1_5 is deprecated (RFC 8725) and never used to encrypt",
            ));
        }
    })
}

/// josekit's PBES2 algorithm object for a PBES2 `alg`.
fn pbes2(alg: JweAlg) -> josekit::jwe::alg::pbes2_hmac_aeskw::Pbes2HmacAeskwJweAlgorithm {
    use josekit::jwe::*;
    match alg {
        JweAlg::Pbes2Hs256A128Kw => PBES2_HS256_A128KW,
        JweAlg::Pbes2Hs384A192Kw => PBES2_HS384_A192KW,
        _ => PBES2_HS512_A256KW,
    }
}

fn decrypter(alg: JweAlg, key: &Key) -> Result<Box<dyn JweDecrypter>> {
    use josekit::jwe::*;
    let secret = || key.secret().unwrap_or_default();
    let der = || key.pkcs8_der();
    Ok(match alg {
        JweAlg::Dir => Box::new(Dir.decrypter_from_bytes(secret()).map_err(jerr)?),
        JweAlg::A128Kw => Box::new(A128KW.decrypter_from_bytes(secret()).map_err(jerr)?),
        JweAlg::A192Kw => Box::new(A192KW.decrypter_from_bytes(secret()).map_err(jerr)?),
        JweAlg::A256Kw => Box::new(A256KW.decrypter_from_bytes(secret()).map_err(jerr)?),
        JweAlg::A128GcmKw => Box::new(A128GCMKW.decrypter_from_bytes(secret()).map_err(jerr)?),
        JweAlg::A192GcmKw => Box::new(A192GCMKW.decrypter_from_bytes(secret()).map_err(jerr)?),
        JweAlg::A256GcmKw => Box::new(A256GCMKW.decrypter_from_bytes(secret()).map_err(jerr)?),
        JweAlg::RsaOaep => Box::new(RSA_OAEP.decrypter_from_der(&*der()?).map_err(jerr)?),
        JweAlg::RsaOaep256 => Box::new(RSA_OAEP_256.decrypter_from_der(&*der()?).map_err(jerr)?),
        JweAlg::RsaOaep384 => Box::new(RSA_OAEP_384.decrypter_from_der(&*der()?).map_err(jerr)?),
        JweAlg::RsaOaep512 => Box::new(RSA_OAEP_512.decrypter_from_der(&*der()?).map_err(jerr)?),
        // Deprecated (RFC 8725); reached only when the caller allows it.
        #[allow(deprecated)]
        JweAlg::Rsa1_5 => Box::new(RSA1_5.decrypter_from_der(&*der()?).map_err(jerr)?),
        JweAlg::EcdhEs => Box::new(ECDH_ES.decrypter_from_der(&*der()?).map_err(jerr)?),
        JweAlg::EcdhEsA128Kw => {
            Box::new(ECDH_ES_A128KW.decrypter_from_der(&*der()?).map_err(jerr)?)
        }
        JweAlg::EcdhEsA192Kw => {
            Box::new(ECDH_ES_A192KW.decrypter_from_der(&*der()?).map_err(jerr)?)
        }
        JweAlg::EcdhEsA256Kw => {
            Box::new(ECDH_ES_A256KW.decrypter_from_der(&*der()?).map_err(jerr)?)
        }
        JweAlg::Pbes2Hs256A128Kw | JweAlg::Pbes2Hs384A192Kw | JweAlg::Pbes2Hs512A256Kw => {
            Box::new(Pbes2Decrypter::new(pbes2(alg), secret()))
        }
    })
}

thread_local! {
    /// PBKDF2 iterations run by this thread's decryptions: the work a token made jwtctl do,
    /// which the unit tests check against the `max_p2c` budget.
    static PBKDF2_ITERATIONS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// PBES2 key unwrapping (RFC 7518 4.8) with jwtctl's own `p2c` cap (checked before this runs),
/// since josekit's decrypter has a fixed one.
#[derive(Debug, Clone)]
struct Pbes2Decrypter {
    alg: josekit::jwe::alg::pbes2_hmac_aeskw::Pbes2HmacAeskwJweAlgorithm,
    password: zeroize::Zeroizing<Vec<u8>>,
}

impl Pbes2Decrypter {
    fn new(
        alg: josekit::jwe::alg::pbes2_hmac_aeskw::Pbes2HmacAeskwJweAlgorithm,
        password: &[u8],
    ) -> Self {
        Pbes2Decrypter {
            alg,
            password: zeroize::Zeroizing::new(password.to_vec()),
        }
    }
}

impl JweDecrypter for Pbes2Decrypter {
    fn algorithm(&self) -> &dyn josekit::jwe::JweAlgorithm {
        &self.alg
    }
    fn key_id(&self) -> Option<&str> {
        None
    }
    fn decrypt(
        &self,
        encrypted_key: Option<&[u8]>,
        _c: &dyn JweContentEncryption,
        header: &JweHeader,
    ) -> Result<Cow<'_, [u8]>, JoseError> {
        let fail = |m: &str| JoseError::InvalidJweFormat(anyhow::anyhow!("{m}"));
        let ek = encrypted_key.ok_or_else(|| fail("no encrypted key"))?;
        let p2s = header
            .claim("p2s")
            .and_then(Value::as_str)
            .and_then(|s| b64url_decode(s).ok())
            .ok_or_else(|| fail("bad p2s"))?;
        let p2c = header
            .claim("p2c")
            .and_then(Value::as_u64)
            .ok_or_else(|| fail("bad p2c"))?;
        let name = josekit::jwe::JweAlgorithm::name(&self.alg);
        let (md, len) = match name {
            "PBES2-HS256+A128KW" => (openssl::hash::MessageDigest::sha256(), 16),
            "PBES2-HS384+A192KW" => (openssl::hash::MessageDigest::sha384(), 24),
            _ => (openssl::hash::MessageDigest::sha512(), 32),
        };
        let mut salt = Vec::with_capacity(name.len().saturating_add(1).saturating_add(p2s.len()));
        salt.extend_from_slice(name.as_bytes());
        salt.push(0);
        salt.extend_from_slice(&p2s);
        let mut kek = zeroize::Zeroizing::new(vec![0u8; len]);
        // OpenSSL's binding converts the count to a C int and panics when it does not fit.
        if p2c > MAX_P2C {
            return Err(fail("bad p2c"));
        }
        let iter = usize::try_from(p2c).map_err(|_| fail("bad p2c"))?;
        PBKDF2_ITERATIONS.with(|n| n.set(n.get().saturating_add(p2c)));
        openssl::pkcs5::pbkdf2_hmac(&self.password, &salt, iter, md, &mut kek)
            .map_err(|_| fail("kdf"))?;
        let aes = openssl::aes::AesKey::new_decrypt(&kek).map_err(|_| fail("kek"))?;
        let mut cek = vec![0u8; ek.len().saturating_sub(8)];
        let n = openssl::aes::unwrap_key(&aes, None, &mut cek, ek).map_err(|_| fail("unwrap"))?;
        cek.truncate(n);
        Ok(Cow::Owned(cek))
    }
    fn box_clone(&self) -> Box<dyn JweDecrypter> {
        Box::new(self.clone())
    }
}

/// `zip: DEF` for josekit's serializers, which compress when encrypting. (Decryption does
/// not go through josekit's parsers: [`open`] inflates, with the plaintext cap.)
#[derive(Debug, Clone)]
struct Deflate;

impl JweCompression for Deflate {
    fn name(&self) -> &str {
        "DEF"
    }
    fn compress(&self, message: &[u8]) -> std::io::Result<Vec<u8>> {
        use std::io::Write;
        let mut e = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(message)?;
        e.finish()
    }
    fn decompress(&self, message: &[u8]) -> std::io::Result<Vec<u8>> {
        inflate_bounded(message, usize::MAX)
            .map_err(|_| std::io::Error::other("invalid DEFLATE data"))
    }
    fn box_clone(&self) -> Box<dyn JweCompression> {
        Box::new(self.clone())
    }
}

/// How to encrypt.
#[derive(Debug, Clone)]
pub struct EncryptOptions {
    /// Key management algorithm; `None`: chosen from the key ([`default_alg`]).
    pub alg: Option<JweAlg>,
    /// Content encryption.
    pub enc: JweEnc,
    /// Compress with DEFLATE first.
    pub zip: bool,
    /// Further protected header members (`kid`, `cty`, `typ`, ...).
    pub header: Map<String, Value>,
    /// Output serialization.
    pub serialization: Serialization,
    /// PBES2 iteration count.
    pub p2c: u64,
}

/// Encrypts `plaintext` to `key`.
pub fn encrypt(plaintext: &[u8], key: &Key, opts: &EncryptOptions) -> Result<String> {
    let alg = match opts.alg {
        Some(a) => a,
        None => default_alg(key, opts.enc)?,
    };
    if alg.family() == JweFamily::Pbes2 && !(1000..=MAX_P2C).contains(&opts.p2c) {
        return Err(Error::usage(format!(
            "PBES2 needs 1000 to {MAX_P2C} iterations (p2c), not {}",
            opts.p2c
        )));
    }
    check_key(alg, Some(opts.enc), key, false)?;
    let enc = encrypter(alg, key, opts.p2c)?;
    let mut map = opts.header.clone();
    map.insert("alg".into(), alg.name().into());
    map.insert("enc".into(), opts.enc.name().into());
    if opts.zip {
        map.insert("zip".into(), "DEF".into());
    }
    let mut ctx = JweContext::new();
    ctx.remove_compression("DEF");
    ctx.add_compression(Box::new(Deflate));
    let fail = |e: JoseError| Error::usage(format!("encryption failed: {e}"));
    match opts.serialization {
        Serialization::Compact => {
            let header = JweHeader::from_map(map).map_err(fail)?;
            ctx.serialize_compact(plaintext, &header, &*enc)
                .map_err(fail)
        }
        s => {
            let mut set = JweHeaderSet::new();
            if s == Serialization::General {
                // The recipient's own header names its key management (and key id).
                let mut recipient = JweHeader::new();
                for name in ["alg", "kid"] {
                    if let Some(v) = map.remove(name) {
                        recipient.set_claim(name, Some(v)).map_err(fail)?;
                    }
                }
                for (k, v) in map {
                    set.set_claim(&k, Some(v), true).map_err(fail)?;
                }
                ctx.serialize_general_json(
                    plaintext,
                    Some(&set),
                    &[(Some(&recipient), &*enc)],
                    None,
                )
                .map_err(fail)
            } else {
                for (k, v) in map {
                    set.set_claim(&k, Some(v), true).map_err(fail)?;
                }
                ctx.serialize_flattened_json(plaintext, Some(&set), None, None, &*enc)
                    .map_err(fail)
            }
        }
    }
}

/// What decryption accepts.
#[derive(Debug, Clone)]
pub struct DecryptOptions {
    /// Allowed key management algorithms; empty: those that fit the key (never `RSA1_5`).
    pub algs: Vec<JweAlg>,
    /// Allowed content encryptions; empty: all.
    pub encs: Vec<JweEnc>,
    /// Accept `RSA1_5`.
    pub allow_rsa1_5: bool,
    /// Highest PBES2 `p2c` accepted: for one recipient, and for the sum over every recipient
    /// and key a token makes jwtctl try.
    pub max_p2c: u64,
    /// Largest plaintext (after inflation).
    pub max_plaintext: usize,
}

impl Default for DecryptOptions {
    fn default() -> Self {
        DecryptOptions {
            algs: Vec::new(),
            encs: Vec::new(),
            allow_rsa1_5: false,
            max_p2c: DEFAULT_MAX_P2C,
            max_plaintext: DEFAULT_MAX_PLAINTEXT,
        }
    }
}

/// A decrypted JWE.
#[derive(Debug, Clone)]
pub struct Decrypted {
    /// The plaintext, exactly.
    pub plaintext: Vec<u8>,
    /// The merged header of the recipient that was opened.
    pub header: Map<String, Value>,
}

fn reject(code: RejectCode, m: impl Into<String>) -> Rejection {
    Rejection::new(code, m)
}

fn malformed(m: impl Into<String>) -> Rejection {
    Rejection::malformed(m)
}

/// The parts of a compact or JSON JWE, enough to describe it without decrypting.
#[derive(Debug, Clone)]
pub struct JweParts {
    /// How it was serialized.
    pub serialization: Serialization,
    /// The decoded protected header.
    pub protected: Map<String, Value>,
    /// Sizes in bytes of encrypted key, IV, ciphertext and tag (the first recipient's key).
    pub sizes: [usize; 4],
    /// Number of recipients.
    pub recipients: usize,
}

/// Parses a JWE for description (`inspect`), with the same parser decryption uses.
pub fn parts(input: &str) -> Result<JweParts, Rejection> {
    let (body, recips) = parse_jwe(normalize_input(input))?;
    Ok(JweParts {
        serialization: body.serialization,
        sizes: [
            recips.first().map_or(0, Recipient::encrypted_key_len),
            body.iv.len(),
            body.ciphertext.len(),
            body.tag.len(),
        ],
        recipients: recips.len(),
        protected: body.protected,
    })
}

/// The parts of a JWE that every recipient shares.
struct Body {
    serialization: Serialization,
    /// The protected header, decoded.
    protected: Map<String, Value>,
    iv: Vec<u8>,
    ciphertext: Vec<u8>,
    tag: Vec<u8>,
    /// The additional authenticated data: the protected header as encoded, and for JSON a
    /// `.` and the `aad` member when there is one (RFC 7516 5.1 step 14).
    aad: String,
}

/// One recipient's view of a JWE: the merged header and its encrypted key (`None` when the
/// member is absent or empty, as producers write it for `dir` and `ECDH-ES`).
struct Recipient {
    header: Map<String, Value>,
    encrypted_key: Option<Vec<u8>>,
}

impl Recipient {
    fn encrypted_key_len(&self) -> usize {
        self.encrypted_key.as_ref().map_or(0, Vec::len)
    }
}

fn part(obj: &Map<String, Value>, name: &str) -> Result<Vec<u8>, Rejection> {
    match obj.get(name) {
        None => Ok(Vec::new()),
        Some(Value::String(s)) => b64url_decode(s)
            .map_err(|e| malformed(format!("JWE {name} is not valid base64url: {e}"))),
        Some(v) => Err(malformed(format!(
            "JWE {name} must be a string, not {}",
            json_type(v)
        ))),
    }
}

fn merge_into(dst: &mut Map<String, Value>, src: &Map<String, Value>) -> Result<(), Rejection> {
    for (k, v) in src {
        if dst.contains_key(k) {
            return Err(malformed(format!(
                "header parameter {k:?} appears in more than one JWE header (RFC 7516 7.2.1)"
            )));
        }
        dst.insert(k.clone(), v.clone());
    }
    Ok(())
}

/// The one JWE parser: compact, flattened or general JSON, into the shared body and each
/// recipient's merged header (RFC 7516 7.2.1: a name in two headers is refused).
fn parse_jwe(text: &str) -> Result<(Body, Vec<Recipient>), Rejection> {
    if text.starts_with('{') {
        let v = parse_value_strict(text.as_bytes())
            .map_err(|e| malformed(format!("not valid JSON: {e}")))?;
        let Value::Object(obj) = v else {
            return Err(malformed("expected a JSON object"));
        };
        if !obj.contains_key("ciphertext") {
            return Err(reject(
                RejectCode::WrongTokenType,
                "this is not a JWE (no \"ciphertext\"); a JWS is checked with `jwtctl verify`",
            ));
        }
        let mut shared = Map::new();
        let protected_b64 = match obj.get("protected") {
            None => "",
            Some(Value::String(p)) => p.as_str(),
            Some(_) => return Err(malformed("JWE \"protected\" must be a string")),
        };
        if !protected_b64.is_empty() {
            let bytes = b64url_decode(protected_b64).map_err(|e| {
                malformed(format!("JWE protected header is not valid base64url: {e}"))
            })?;
            shared = parse_object_strict(&bytes)
                .map_err(|e| malformed(format!("JWE protected header: {e}")))?;
        }
        let protected = shared.clone();
        if let Some(u) = obj.get("unprotected") {
            let u = u
                .as_object()
                .ok_or_else(|| malformed("JWE \"unprotected\" must be an object"))?;
            merge_into(&mut shared, u)?;
        }
        let mut aad = protected_b64.to_string();
        match obj.get("aad") {
            None => {}
            Some(Value::String(a)) => {
                b64url_decode(a)
                    .map_err(|e| malformed(format!("JWE aad is not valid base64url: {e}")))?;
                aad.push('.');
                aad.push_str(a);
            }
            Some(_) => return Err(malformed("JWE \"aad\" must be a string")),
        }
        let body = Body {
            serialization: if obj.contains_key("recipients") {
                Serialization::General
            } else {
                Serialization::Flattened
            },
            protected: protected.clone(),
            iv: part(&obj, "iv")?,
            ciphertext: part(&obj, "ciphertext")?,
            tag: part(&obj, "tag")?,
            aad,
        };
        let list: Vec<&Map<String, Value>> = match obj.get("recipients") {
            Some(Value::Array(a)) if a.len() > crate::jws::MAX_PARTIES => {
                return Err(reject(
                    RejectCode::LimitExceeded,
                    format!(
                        "the JWE has {} recipients; at most {} are tried",
                        a.len(),
                        crate::jws::MAX_PARTIES
                    ),
                ));
            }
            Some(Value::Array(a)) if !a.is_empty() => a
                .iter()
                .map(|r| {
                    r.as_object()
                        .ok_or_else(|| malformed("a JWE recipient is not an object"))
                })
                .collect::<Result<_, _>>()?,
            Some(_) => return Err(malformed("JWE \"recipients\" must be a non-empty array")),
            None => vec![&obj],
        };
        let mut out = Vec::with_capacity(list.len());
        for r in list {
            let mut header = shared.clone();
            if let Some(h) = r.get("header") {
                merge_into(
                    &mut header,
                    h.as_object()
                        .ok_or_else(|| malformed("a recipient \"header\" must be an object"))?,
                )?;
            }
            let key = part(r, "encrypted_key")?;
            out.push(Recipient {
                header,
                encrypted_key: (!key.is_empty()).then_some(key),
            });
        }
        return Ok((body, out));
    }
    let parts: Vec<&str> = text.split('.').collect();
    let [h, k, iv, c, t] = parts.as_slice() else {
        if parts.len() == 3 {
            return Err(reject(
                RejectCode::WrongTokenType,
                "this is a JWS (signed token), not a JWE: use `jwtctl verify`",
            ));
        }
        return Err(malformed(format!(
            "expected 5 parts separated by '.', found {}",
            parts.len()
        )));
    };
    let hb = b64url_decode(h)
        .map_err(|e| malformed(format!("the JWE header is not valid base64url: {e}")))?;
    let header = parse_object_strict(&hb)
        .map_err(|e| malformed(format!("the JWE header is not a JSON object: {e}")))?;
    let dec = |s: &str, what: &str| {
        b64url_decode(s)
            .map_err(|e| malformed(format!("the JWE {what} is not valid base64url: {e}")))
    };
    let key = dec(k, "encrypted key")?;
    let body = Body {
        serialization: Serialization::Compact,
        protected: header.clone(),
        iv: dec(iv, "IV")?,
        ciphertext: dec(c, "ciphertext")?,
        tag: dec(t, "tag")?,
        aad: (*h).to_string(),
    };
    Ok((
        body,
        vec![Recipient {
            header,
            encrypted_key: (!key.is_empty()).then_some(key),
        }],
    ))
}

/// Header and part checks that need no key: names, `crit`, sizes, the `p2c` cap.
fn precheck(
    r: &Recipient,
    body: &Body,
    opts: &DecryptOptions,
) -> Result<(JweAlg, JweEnc), Rejection> {
    let s = |n: &str| -> Result<String, Rejection> {
        match r.header.get(n) {
            Some(Value::String(v)) => Ok(v.clone()),
            Some(v) => Err(malformed(format!(
                "JWE \"{n}\" must be a string, not {}",
                json_type(v)
            ))),
            None => Err(malformed(format!("the JWE header has no \"{n}\""))),
        }
    };
    let (alg_name, enc_name) = (s("alg")?, s("enc")?);
    let Some(alg) = JweAlg::from_name(&alg_name) else {
        return Err(reject(
            RejectCode::AlgNotAllowed,
            format!(
                "unsupported JWE algorithm {:?}",
                crate::sanitize::sanitize(&alg_name)
            ),
        ));
    };
    let names = |list: &[String]| list.join(", ");
    if alg == JweAlg::Rsa1_5 && !opts.allow_rsa1_5 {
        return Err(reject(
            RejectCode::AlgNotAllowed,
            "RSA1_5 is deprecated (RFC 8725) and refused; --allow-rsa1_5 accepts it",
        ));
    }
    if !opts.algs.is_empty() && !opts.algs.contains(&alg) {
        return Err(reject(
            RejectCode::AlgNotAllowed,
            format!(
                "JWE algorithm {alg} is not allowed (allowed: {})",
                names(
                    &opts
                        .algs
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                )
            ),
        ));
    }
    let Some(enc) = JweEnc::from_name(&enc_name) else {
        return Err(reject(
            RejectCode::AlgNotAllowed,
            format!(
                "unsupported content encryption {:?}",
                crate::sanitize::sanitize(&enc_name)
            ),
        ));
    };
    let (iv_len, tag_len) = (enc.iv_len(), enc.tag_len());
    if !opts.encs.is_empty() && !opts.encs.contains(&enc) {
        return Err(reject(
            RejectCode::AlgNotAllowed,
            format!(
                "content encryption {enc} is not allowed (allowed: {})",
                names(
                    &opts
                        .encs
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                )
            ),
        ));
    }
    match r.header.get("zip") {
        None => {}
        Some(Value::String(z)) if z == "DEF" => {}
        Some(_) => return Err(malformed("unsupported \"zip\" (only DEF)")),
    }
    if let Some(crit) = r.header.get("crit") {
        return Err(reject(
            RejectCode::CritUnsupported,
            format!("critical JWE extensions are not understood: {crit}"),
        ));
    }
    if body.iv.len() != iv_len || body.tag.len() != tag_len {
        return Err(malformed(format!(
            "{enc} needs a {iv_len}-byte IV and a {tag_len}-byte tag; the token has {} and {}",
            body.iv.len(),
            body.tag.len()
        )));
    }
    let ciphertext_len = body.ciphertext.len();
    if enc.is_cbc() && (ciphertext_len == 0 || ciphertext_len % 16 != 0) {
        return Err(malformed(
            "CBC ciphertext must be a non-empty multiple of 16 bytes",
        ));
    }
    let ek = r.encrypted_key_len();
    if !alg.wraps_key() && ek != 0 {
        return Err(malformed(format!(
            "{alg} carries no encrypted key, but the token has {ek} bytes"
        )));
    }
    if alg.is_aes_key_wrap() && (ek < 24 || ek % 8 != 0) {
        return Err(malformed(format!(
            "{alg} encrypted key must be a multiple of 8 bytes, at least 24; the token has {ek}"
        )));
    }
    if matches!(alg.family(), JweFamily::Rsa | JweFamily::AesGcmKw) && ek < 16 {
        return Err(malformed(format!(
            "the encrypted key has {ek} bytes, too few for {alg}"
        )));
    }
    if alg.family() == JweFamily::Pbes2 {
        let p2c = match r.header.get("p2c") {
            Some(Value::Number(n)) => n
                .as_u64()
                .ok_or_else(|| malformed("\"p2c\" must be a positive integer"))?,
            _ => return Err(malformed("PBES2 needs a numeric \"p2c\"")),
        };
        if p2c == 0 {
            return Err(malformed("\"p2c\" must be at least 1"));
        }
        if p2c > opts.max_p2c {
            return Err(reject(
                RejectCode::LimitExceeded,
                format!(
                    "PBES2 iteration count p2c {p2c} is above the limit {} (--max-p2c raises it)",
                    opts.max_p2c
                ),
            ));
        }
        match r
            .header
            .get("p2s")
            .and_then(Value::as_str)
            .map(b64url_decode)
        {
            Some(Ok(s)) if s.len() >= 8 => {}
            _ => return Err(malformed("PBES2 needs a \"p2s\" salt of at least 8 bytes")),
        }
    }
    if alg.family() == JweFamily::EcdhEs {
        let epk = r
            .header
            .get("epk")
            .and_then(Value::as_object)
            .ok_or_else(|| malformed("ECDH-ES needs an \"epk\" object"))?;
        if epk.contains_key("d") {
            return Err(malformed("\"epk\" must be a public key"));
        }
        // Parsed (and checked to lie on its curve) by the same loader as every key.
        crate::keys::key_from_jwk(epk).map_err(|e| malformed(format!("invalid \"epk\": {e}")))?;
    }
    Ok((alg, enc))
}

fn decrypt_failed() -> Rejection {
    reject(
        RejectCode::DecryptionFailed,
        "decryption failed: wrong key, or the token was altered",
    )
}

/// Decrypts a JWE with the first key of `keys` that can open one of its recipients.
pub fn decrypt(input: &str, keys: &KeySet, opts: &DecryptOptions) -> Result<Decrypted, Rejection> {
    let text = normalize_input(input);
    if text.is_empty() {
        return Err(malformed("empty input: no token"));
    }
    if text.len() > MAX_TOKEN_BYTES {
        return Err(reject(
            RejectCode::LimitExceeded,
            format!("token is larger than {MAX_TOKEN_BYTES} bytes"),
        ));
    }
    let (body, recips) = parse_jwe(text)?;
    let mut first_err: Option<Rejection> = None;
    // PBKDF2 iterations spent on this token: `max_p2c` bounds the sum over every recipient
    // and key tried, not just each recipient's own count, or a token of many recipients
    // would cost many times the limit.
    let mut spent: u64 = 0;
    for r in &recips {
        let (alg, enc) = match precheck(r, &body, opts) {
            Ok(x) => x,
            Err(e) => {
                first_err.get_or_insert(e);
                continue;
            }
        };
        let kid = r.header.get("kid").and_then(Value::as_str);
        let candidates = keys.select(kid);
        if let (true, Some(kid)) = (candidates.is_empty(), kid) {
            first_err.get_or_insert(Rejection::kid_not_found(kid));
            continue;
        }
        let fitting: Vec<&Key> = candidates
            .into_iter()
            .filter(|k| check_key(alg, Some(enc), k, true).is_ok())
            .collect();
        if fitting.is_empty() {
            first_err.get_or_insert(reject(
                RejectCode::AlgNotAllowed,
                format!("JWE algorithm {alg} does not fit the key"),
            ));
            continue;
        }
        let cost = r.header.get("p2c").and_then(Value::as_u64).unwrap_or(0);
        for key in fitting {
            if alg.family() == JweFamily::Pbes2 {
                spent = match spent.checked_add(cost) {
                    Some(total) if total <= opts.max_p2c => total,
                    _ => {
                        return Err(reject(
                            RejectCode::LimitExceeded,
                            format!(
                                "PBES2 work limit: another recipient would take the iterations past {} for this token (--max-p2c raises it)",
                                opts.max_p2c
                            ),
                        ));
                    }
                };
            }
            let Ok(d) = decrypter(alg, key) else {
                continue;
            };
            match open(r, &body, enc, &*d, opts) {
                Ok(plaintext) => {
                    return Ok(Decrypted {
                        plaintext,
                        header: r.header.clone(),
                    });
                }
                Err(Opened::TooLarge) => return Err(plaintext_cap(opts)),
                Err(Opened::Failed) => {
                    first_err.get_or_insert(decrypt_failed());
                }
            }
        }
    }
    Err(first_err.unwrap_or_else(decrypt_failed))
}

/// Why a recipient did not open.
enum Opened {
    /// Any cryptographic failure: one outcome, so the tool is no padding or key oracle.
    Failed,
    /// The plaintext (inflated) is over the cap.
    TooLarge,
}

/// Decrypts the body for one recipient (RFC 7516 5.2 steps 10-16): the key management
/// algorithm gives the content key, which must have the content encryption's size, which
/// decrypts and authenticates; `zip: DEF` content is inflated up to the cap.
fn open(
    r: &Recipient,
    body: &Body,
    enc: JweEnc,
    decrypter: &dyn JweDecrypter,
    opts: &DecryptOptions,
) -> Result<Vec<u8>, Opened> {
    let cenc = content_encryption(enc);
    let header = JweHeader::from_map(r.header.clone()).map_err(|_| Opened::Failed)?;
    let cek = decrypter
        .decrypt(r.encrypted_key.as_deref(), cenc, &header)
        .map_err(|_| Opened::Failed)?;
    if cek.len() != cenc.key_len() {
        return Err(Opened::Failed);
    }
    let content = cenc
        .decrypt(
            &cek,
            Some(&body.iv),
            &body.ciphertext,
            body.aad.as_bytes(),
            Some(&body.tag),
        )
        .map_err(|_| Opened::Failed)?;
    let plaintext = match r.header.get("zip") {
        Some(_) => inflate_bounded(&content, opts.max_plaintext)?,
        None => content,
    };
    if plaintext.len() > opts.max_plaintext {
        return Err(Opened::TooLarge);
    }
    Ok(plaintext)
}

/// Inflates raw DEFLATE (RFC 1951) data, stopping one byte past `cap`.
fn inflate_bounded(data: &[u8], cap: usize) -> Result<Vec<u8>, Opened> {
    let mut out = Vec::new();
    flate2::read::DeflateDecoder::new(data)
        .take(u64::try_from(cap).unwrap_or(u64::MAX).saturating_add(1))
        .read_to_end(&mut out)
        .map_err(|_| Opened::Failed)?;
    if out.len() > cap {
        return Err(Opened::TooLarge);
    }
    Ok(out)
}

/// josekit's implementation of a content encryption.
fn content_encryption(enc: JweEnc) -> &'static dyn JweContentEncryption {
    use josekit::jwe::enc::aescbc_hmac::AescbcHmacJweEncryption as Cbc;
    use josekit::jwe::enc::aesgcm::AesgcmJweEncryption as Gcm;
    match enc {
        JweEnc::A128CbcHs256 => &Cbc::A128cbcHs256,
        JweEnc::A192CbcHs384 => &Cbc::A192cbcHs384,
        JweEnc::A256CbcHs512 => &Cbc::A256cbcHs512,
        JweEnc::A128Gcm => &Gcm::A128gcm,
        JweEnc::A192Gcm => &Gcm::A192gcm,
        JweEnc::A256Gcm => &Gcm::A256gcm,
    }
}

fn plaintext_cap(opts: &DecryptOptions) -> Rejection {
    reject(
        RejectCode::LimitExceeded,
        format!(
            "the plaintext is larger than {} bytes (--max-plaintext raises the limit)",
            opts.max_plaintext
        ),
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    fn password_set(password: &[u8]) -> KeySet {
        KeySet {
            keys: vec![Key::from_secret(password.to_vec())],
            is_set: false,
        }
    }

    /// A general JWE of `n` PBES2 recipients, each with its own salt and `p2c`, none of
    /// which the password opens.
    fn many_recipients(n: usize, p2c: u64) -> String {
        let opts = EncryptOptions {
            alg: Some(JweAlg::Pbes2Hs256A128Kw),
            enc: JweEnc::A128Gcm,
            zip: false,
            header: Map::new(),
            serialization: Serialization::Flattened,
            p2c: 1000,
        };
        let one = encrypt(b"secret", &Key::from_secret(b"right".to_vec()), &opts).unwrap();
        let v: Value = serde_json::from_str(&one).unwrap();
        let protected: Value =
            serde_json::from_slice(&b64url_decode(v["protected"].as_str().unwrap()).unwrap())
                .unwrap();
        let recipients: Vec<Value> = (0..n)
            .map(|i| {
                serde_json::json!({
                    "header": {"alg": "PBES2-HS256+A128KW", "p2c": p2c,
                               "p2s": crate::encoding::b64url(format!("salt-{i:04}"))},
                    "encrypted_key": v["encrypted_key"],
                })
            })
            .collect();
        let shared =
            crate::encoding::b64url(serde_json::json!({"enc": protected["enc"]}).to_string());
        serde_json::json!({
            "protected": shared,
            "recipients": recipients,
            "iv": v["iv"], "ciphertext": v["ciphertext"], "tag": v["tag"],
        })
        .to_string()
    }

    fn iterations_spent(token: &str, max_p2c: u64) -> (u64, Result<Decrypted, Rejection>) {
        let before = PBKDF2_ITERATIONS.with(std::cell::Cell::get);
        let opts = DecryptOptions {
            max_p2c,
            ..DecryptOptions::default()
        };
        let r = decrypt(token, &password_set(b"wrong"), &opts);
        (
            PBKDF2_ITERATIONS
                .with(std::cell::Cell::get)
                .saturating_sub(before),
            r,
        )
    }

    /// 100 recipients of p2c 1000 each, under a budget of 5000: at most 5 key derivations,
    /// then a limit rejection, instead of 100 derivations.
    #[test]
    fn pbes2_budget_bounds_the_whole_token() {
        let token = many_recipients(100, 1000);
        let (spent, r) = iterations_spent(&token, 5000);
        assert_eq!(spent, 5000);
        assert_eq!(r.unwrap_err().code, RejectCode::LimitExceeded);
        // Within the budget every recipient is tried, and the failure is a decryption one.
        let (spent, r) = iterations_spent(&many_recipients(3, 1000), 5000);
        assert_eq!(spent, 3000);
        assert_eq!(r.unwrap_err().code, RejectCode::DecryptionFailed);
        // One recipient over the budget costs nothing.
        let (spent, r) = iterations_spent(&many_recipients(1, 6000), 5000);
        assert_eq!(spent, 0);
        assert_eq!(r.unwrap_err().code, RejectCode::LimitExceeded);
    }

    #[test]
    fn p2c_outside_openssl_range_never_reaches_it() {
        let opts = EncryptOptions {
            alg: Some(JweAlg::Pbes2Hs256A128Kw),
            enc: JweEnc::A128Gcm,
            zip: false,
            header: Map::new(),
            serialization: Serialization::Compact,
            p2c: MAX_P2C + 1,
        };
        assert!(encrypt(b"x", &Key::from_secret(b"pw".to_vec()), &opts).is_err());
        let opts = DecryptOptions {
            max_p2c: u64::MAX,
            ..DecryptOptions::default()
        };
        let token = many_recipients(1, 3_000_000_000);
        let r = decrypt(&token, &password_set(b"wrong"), &opts);
        assert!(r.is_err());
    }
}
