//! Key policy: which keys are too weak (RSA under 2048 bits, ROCA), which operations a JWK's
//! `use`/`key_ops` permit, and the consistency of private keys' parts, checked at load.

use super::*;

impl Key {
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

    /// Checks a JWK's `use` and `key_ops` against the intended operation (RFC 7517 4.2, 4.3).
    pub fn permits(&self, op: KeyOp) -> Result<()> {
        let (want_use, want_op) = match op {
            KeyOp::Sign => ("sig", "sign"),
            KeyOp::Verify => ("sig", "verify"),
        };
        if let Some(u) = &self.meta.use_ {
            if u != want_use {
                return Err(Error::key_of(
                    KeyErrorKind::NotPermitted,
                    format!("the key's \"use\" is {u:?}, which does not permit {want_op}"),
                ));
            }
        }
        if let Some(ops) = &self.meta.key_ops {
            if !ops.iter().any(|o| o == want_op) {
                return Err(Error::key_of(
                    KeyErrorKind::NotPermitted,
                    format!("the key's \"key_ops\" {ops:?} do not include {want_op:?}"),
                ));
            }
        }
        Ok(())
    }
}

/// Checks that a private key's parts belong together: an RSA key's CRT members (or, without
/// them, that d inverts e on a test value), an EC scalar against its public point. (An OKP
/// key held by OpenSSL is its seed alone; its public key is derived, so it cannot disagree.)
pub(super) fn check_private_consistency(pkey: &PKey<Private>, kty: KeyType) -> Result<()> {
    let inconsistent = |why: &str| {
        Error::key_of(
            KeyErrorKind::Inconsistent,
            format!("inconsistent {kty} private key: {why}"),
        )
    };
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

/// An OKP private key read by OpenSSL, checked against the public key its PKCS#8 may carry
/// (OpenSSL ignores that one and derives its own).
pub(super) fn check_pkcs8_public(pkcs8: &[u8], key: Key) -> Result<Key> {
    if let (KeyType::Okp(_), Some(embedded)) =
        (key.key_type(), native::pkcs8_embedded_public(pkcs8))
    {
        if !native::embedded_public_matches(Some(embedded), &key.okp_public()?) {
            return Err(Error::key_of(
                KeyErrorKind::Inconsistent,
                format!(
                    "inconsistent {} private key: the public key in the file is not the one its private key gives",
                    key.key_type()
                ),
            ));
        }
    }
    Ok(key)
}
