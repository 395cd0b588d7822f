//! josekit's side: key management objects (encrypters and decrypters) for each algorithm and
//! key, jwtctl's own PBES2 decrypter (its `p2c` cap is jwtctl's, not josekit's fixed one), and
//! DEFLATE for josekit's serializers. Also which keys fit which algorithm.

use super::*;
use crate::error::KeyErrorKind;

/// The algorithm a key implies when `--alg` is not given.
pub fn default_alg(key: &Key, enc: JweEnc) -> Result<JweAlg> {
    Ok(match key.key_type() {
        KeyType::Rsa => JweAlg::RsaOaep256,
        KeyType::Ec(EcCurve::Secp256k1) => {
            return Err(Error::key_of(
                KeyErrorKind::AlgorithmMismatch,
                "secp256k1 keys are not used for JWE",
            ));
        }
        KeyType::Ec(_) | KeyType::Okp(OkpCurve::X25519 | OkpCurve::X448) => JweAlg::EcdhEsA256Kw,
        KeyType::Okp(_) => {
            return Err(Error::key_of(
                KeyErrorKind::AlgorithmMismatch,
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
        return Err(Error::key_of(
            KeyErrorKind::AlgorithmMismatch,
            format!("{alg} cannot use a {}", key.describe()),
        ));
    }
    if let (Some(need), Some(s)) = (alg.secret_len(), key.secret()) {
        if s.len() != need {
            return Err(Error::key_of(
                KeyErrorKind::AlgorithmMismatch,
                format!(
                    "{alg} needs a {}-bit key; this secret has {} bits",
                    need.saturating_mul(8),
                    s.len().saturating_mul(8)
                ),
            ));
        }
    }
    if let (JweAlg::Dir, Some(e), Some(s)) = (alg, enc, key.secret()) {
        let n = e.key_len();
        if s.len() != n {
            return Err(Error::key_of(
                KeyErrorKind::AlgorithmMismatch,
                format!(
                    "dir with {e} needs a {}-bit key; this secret has {} bits",
                    n.saturating_mul(8),
                    s.len().saturating_mul(8)
                ),
            ));
        }
    }
    if let Some((_, why)) = key.rsa_weakness() {
        return Err(Error::key_of(KeyErrorKind::Weak, why));
    }
    if matches!(family, JweFamily::Rsa | JweFamily::EcdhEs) && decrypting && !key.is_private() {
        return Err(Error::key_of(
            KeyErrorKind::WrongPart,
            format!(
                "decrypting needs a private key, but the key is a {}",
                key.describe()
            ),
        ));
    }
    if let Some(u) = &key.meta.use_ {
        if u != "enc" {
            return Err(Error::key_of(
                KeyErrorKind::NotPermitted,
                format!("the key's \"use\" is {u:?}, which does not permit encryption"),
            ));
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
            return Err(Error::key_of(
                KeyErrorKind::NotPermitted,
                format!("the key's \"key_ops\" {ops:?} do not permit encryption"),
            ));
        }
    }
    if let Some(a) = &key.meta.alg {
        // A `dir` key may name the content encryption it is for, as some producers write.
        let dir_enc = alg == JweAlg::Dir && JweEnc::from_name(a).is_some();
        if a != alg.name() && !dir_enc {
            return Err(Error::key_of(
                KeyErrorKind::AlgorithmMismatch,
                format!("the key is for algorithm {a:?} (its JWK \"alg\"), not {alg}"),
            ));
        }
    }
    Ok(())
}

pub(super) fn jerr(e: JoseError) -> Error {
    Error::key(format!("the key cannot be used: {e}"))
}

pub(super) fn encrypter(alg: JweAlg, key: &Key, p2c: u64) -> Result<Box<dyn JweEncrypter>> {
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
pub(super) fn pbes2(
    alg: JweAlg,
) -> josekit::jwe::alg::pbes2_hmac_aeskw::Pbes2HmacAeskwJweAlgorithm {
    use josekit::jwe::*;
    match alg {
        JweAlg::Pbes2Hs256A128Kw => PBES2_HS256_A128KW,
        JweAlg::Pbes2Hs384A192Kw => PBES2_HS384_A192KW,
        _ => PBES2_HS512_A256KW,
    }
}

pub(super) fn decrypter(alg: JweAlg, key: &Key) -> Result<Box<dyn JweDecrypter>> {
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
    pub(super) static PBKDF2_ITERATIONS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// PBES2 key unwrapping (RFC 7518 4.8) with jwtctl's own `p2c` cap (checked before this runs),
/// since josekit's decrypter has a fixed one.
#[derive(Debug, Clone)]
pub(super) struct Pbes2Decrypter {
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
pub(super) struct Deflate;

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
