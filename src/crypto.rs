//! The crypto backend table: which library computes which JWS algorithm, and prepared
//! signers/verifiers that are built once per key and reused.
//!
//! * jsonwebtoken (aws-lc-rs): HS256/384/512, RS256/384/512, PS256/384/512, ES256, ES384, and
//!   EdDSA/Ed25519 with an Ed25519 key. Its signers work on the raw signing input, so
//!   unencoded (RFC 7797) payloads and the JSON serializations share one path. Verification of
//!   these algorithms uses the same aws-lc-rs through its prepared keys (`hmac::Key`,
//!   `ParsedPublicKey`), parsed once per key: jsonwebtoken's verifiers hand aws-lc the raw key
//!   bytes on every call, which re-parses the key for each token (measured: RS256 batch
//!   verification at 0.72 of `openssl speed`).
//! * aws-lc-rs directly: ES512 and ES256K, which jsonwebtoken 11 does not have (the same
//!   library computes them, so one-shot runs never start OpenSSL for them).
//! * OpenSSL directly: EdDSA/Ed448 with an Ed448 key, which aws-lc does not have, and RSA keys
//!   under 2048 bits, accepted only with `--allow-weak-key`, since aws-lc refuses them.

use jsonwebtoken::crypto::JwtSigner;
use jsonwebtoken::crypto::aws_lc::DEFAULT_PROVIDER;
use jsonwebtoken::{Algorithm, EncodingKey};
use openssl::hash::MessageDigest;
use openssl::pkey::{PKey, Private, Public};
use openssl::rsa::Padding;
use openssl::sign::RsaPssSaltlen;

use crate::error::{Error, Result};
use crate::jwa::JwsAlg;
use crate::jwa::{KeyType, OkpCurve};
use crate::keys::{Key, ossl_reason};
use crate::params::{aws_lc_ecdsa_signing, aws_lc_verification};

/// Which implementation computes an algorithm for a given key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Backend {
    /// jsonwebtoken with aws-lc-rs.
    JsonWebToken(Algorithm),
    /// aws-lc-rs's ECDSA directly (ES512, ES256K).
    AwsLcEcdsa,
    /// OpenSSL directly (Ed448, legacy RSA keys under 2048 bits).
    Openssl,
}

/// Whether two secrets, nonces or digests are equal, in time that depends only on their
/// lengths (which are not secret). The one comparison of this kind: OpenSSL's `CRYPTO_memcmp`
/// binding asserts equal lengths, so every caller checked them first, and two that forgot
/// panicked on a presented value of the wrong length.
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && openssl::memcmp::eq(a, b)
}

/// The one table: `alg` (with the key, for EdDSA's curve and RSA's size) to a backend.
pub(crate) fn backend(alg: JwsAlg, key: &Key) -> Backend {
    use JwsAlg::*;
    let jwt = |a| Backend::JsonWebToken(a);
    match alg {
        HS256 => jwt(Algorithm::HS256),
        HS384 => jwt(Algorithm::HS384),
        HS512 => jwt(Algorithm::HS512),
        RS256 | RS384 | RS512 | PS256 | PS384 | PS512 if key.bits() < 2048 => Backend::Openssl,
        RS256 => jwt(Algorithm::RS256),
        RS384 => jwt(Algorithm::RS384),
        RS512 => jwt(Algorithm::RS512),
        PS256 => jwt(Algorithm::PS256),
        PS384 => jwt(Algorithm::PS384),
        PS512 => jwt(Algorithm::PS512),
        ES256 => jwt(Algorithm::ES256),
        ES384 => jwt(Algorithm::ES384),
        EdDSA | Ed25519 if key.key_type() == KeyType::Okp(OkpCurve::Ed25519) => {
            jwt(Algorithm::EdDSA)
        }
        ES512 | ES256K => Backend::AwsLcEcdsa,
        EdDSA | Ed25519 | Ed448 => Backend::Openssl,
    }
}

/// Whether an algorithm's signatures take randomness (RSA blinding, PSS salts, ECDSA nonces).
fn randomized(alg: JwsAlg) -> bool {
    use JwsAlg::*;
    matches!(
        alg,
        RS256 | RS384 | RS512 | PS256 | PS384 | PS512 | ES256 | ES384 | ES512 | ES256K
    )
}

/// The backend that signs. aws-lc seeds its random generator from a CPU-jitter entropy source
/// that costs ~400 M instructions (~30 ms) on the first random number, unless aws-lc-sys was
/// built with `AWS_LC_SYS_NO_JITTER_ENTROPY` — which this repository's `.cargo/config.toml`
/// sets, and a crate built from crates.io or as a dependency does not see. `build.rs` reads
/// the variable as aws-lc-sys does: without it, randomized signatures are made by OpenSSL
/// (seeded from getrandom(2), as the standard library is), so every build signs in
/// milliseconds; with it, aws-lc makes them (1.9 M instead of 10 M instructions for a one-shot
/// ES256 `sign`, OpenSSL 3's decoder and method fetching being most of the difference).
/// Verification takes no randomness and always uses the one table.
pub(crate) fn signing_backend(alg: JwsAlg, key: &Key) -> Backend {
    if randomized(alg) && !cfg!(aws_lc_no_jitter) {
        Backend::Openssl
    } else {
        backend(alg, key)
    }
}

/// A prepared signer for one key and algorithm.
pub struct Signer(SignerImpl);

enum SignerImpl {
    Jwt(Box<dyn JwtSigner>),
    /// RSA on aws-lc, the key parsed and checked once: jsonwebtoken's RSA signer parses its
    /// DER again for every signature, which was most of a token's cost in `serve`.
    Rsa(
        Box<aws_lc_rs::signature::RsaKeyPair>,
        &'static aws_lc_rs::signature::RsaSignatureEncoding,
    ),
    Ecdsa(Box<aws_lc_rs::signature::EcdsaKeyPair>),
    Openssl(JwsAlg, PKey<Private>),
}

/// A prepared verifier for one key and algorithm, reusable across tokens.
pub struct Verifier(VerifierImpl);

enum VerifierImpl {
    Hmac(Box<aws_lc_rs::hmac::Key>),
    Parsed(aws_lc_rs::signature::ParsedPublicKey),
    Openssl(JwsAlg, PKey<Public>),
}

fn jwt_err(alg: JwsAlg, e: jsonwebtoken::errors::Error) -> Error {
    Error::key(format!("{alg}: the key cannot be used: {e}"))
}

/// OpenSSL's digest and padding for `alg`: no digest for EdDSA (Ed448 hashes internally),
/// PSS padding for PS*.
fn openssl_params(alg: JwsAlg) -> (Option<MessageDigest>, bool) {
    match alg {
        JwsAlg::EdDSA | JwsAlg::Ed25519 | JwsAlg::Ed448 => (None, false),
        JwsAlg::RS384 => (Some(MessageDigest::sha384()), false),
        JwsAlg::RS512 => (Some(MessageDigest::sha512()), false),
        JwsAlg::PS256 => (Some(MessageDigest::sha256()), true),
        JwsAlg::PS384 => (Some(MessageDigest::sha384()), true),
        JwsAlg::PS512 => (Some(MessageDigest::sha512()), true),
        JwsAlg::ES384 => (Some(MessageDigest::sha384()), false),
        JwsAlg::ES512 => (Some(MessageDigest::sha512()), false),
        _ => (Some(MessageDigest::sha256()), false),
    }
}

impl Signer {
    /// Prepares a signer. The key must already have been checked to fit `alg`.
    pub fn new(alg: JwsAlg, key: &Key) -> Result<Signer> {
        Self::with_backend(alg, key, signing_backend(alg, key))
    }

    /// A signer on a chosen backend (the tests sign on both, whatever the build).
    pub(crate) fn with_backend(alg: JwsAlg, key: &Key, backend: Backend) -> Result<Signer> {
        let imp = match backend {
            Backend::JsonWebToken(_) if key.key_type() == KeyType::Rsa => {
                use aws_lc_rs::signature as sig;
                let encoding: &'static sig::RsaSignatureEncoding = match alg {
                    JwsAlg::RS256 => &sig::RSA_PKCS1_SHA256,
                    JwsAlg::RS384 => &sig::RSA_PKCS1_SHA384,
                    JwsAlg::RS512 => &sig::RSA_PKCS1_SHA512,
                    JwsAlg::PS256 => &sig::RSA_PSS_SHA256,
                    JwsAlg::PS384 => &sig::RSA_PSS_SHA384,
                    JwsAlg::PS512 => &sig::RSA_PSS_SHA512,
                    _ => return Err(Error::key(format!("{alg} does not sign with an RSA key"))),
                };
                let pair = sig::RsaKeyPair::from_der(&key.rsa_pkcs1_der()?)
                    .map_err(|e| Error::key(format!("{alg}: the key cannot be used: {e}")))?;
                SignerImpl::Rsa(Box::new(pair), encoding)
            }
            Backend::JsonWebToken(a) => {
                let ek = match key.key_type() {
                    KeyType::Oct => EncodingKey::from_secret(key.secret().unwrap_or_default()),
                    KeyType::Rsa => EncodingKey::from_rsa_der(&key.rsa_pkcs1_der()?),
                    KeyType::Ec(_) => EncodingKey::from_ec_der(&key.pkcs8_der()?),
                    KeyType::Okp(_) => EncodingKey::from_ed_der(&key.pkcs8_der()?),
                };
                SignerImpl::Jwt(
                    (DEFAULT_PROVIDER.signer_factory)(&a, &ek).map_err(|e| jwt_err(alg, e))?,
                )
            }
            Backend::AwsLcEcdsa => {
                use aws_lc_rs::signature as sig;
                let KeyType::Ec(curve) = key.key_type() else {
                    return Err(Error::key(format!("{alg} needs an EC key")));
                };
                let pair =
                    sig::EcdsaKeyPair::from_pkcs8(aws_lc_ecdsa_signing(curve), &key.pkcs8_der()?)
                        .map_err(|e| Error::key(format!("{alg}: the key cannot be used: {e}")))?;
                SignerImpl::Ecdsa(Box::new(pair))
            }
            Backend::Openssl => {
                let p = key
                    .private_pkey()
                    .ok_or_else(|| Error::key(format!("a {} cannot sign", key.describe())))?;
                SignerImpl::Openssl(alg, p.clone())
            }
        };
        Ok(Signer(imp))
    }

    /// Signs the JWS signing input, returning the raw signature bytes.
    pub fn sign(&self, input: &[u8]) -> Result<Vec<u8>> {
        match &self.0 {
            SignerImpl::Jwt(s) => s
                .try_sign(input)
                .map_err(|e| Error::key(format!("signing failed: {e}"))),
            SignerImpl::Rsa(pair, encoding) => {
                let mut sig = vec![0u8; pair.public_modulus_len()];
                pair.sign(
                    *encoding,
                    &aws_lc_rs::rand::SystemRandom::new(),
                    input,
                    &mut sig,
                )
                .map(|()| sig)
                .map_err(|e| Error::key(format!("signing failed: {e}")))
            }
            SignerImpl::Ecdsa(pair) => pair
                .sign(&aws_lc_rs::rand::SystemRandom::new(), input)
                .map(|sig| sig.as_ref().to_vec())
                .map_err(|e| Error::key(format!("signing failed: {e}"))),
            SignerImpl::Openssl(alg, p) => {
                let (md, pss) = openssl_params(*alg);
                let run = || -> Result<Vec<u8>, openssl::error::ErrorStack> {
                    let mut s = match md {
                        Some(md) => openssl::sign::Signer::new(md, p)?,
                        None => openssl::sign::Signer::new_without_digest(p)?,
                    };
                    if pss {
                        s.set_rsa_padding(Padding::PKCS1_PSS)?;
                        s.set_rsa_pss_saltlen(RsaPssSaltlen::DIGEST_LENGTH)?;
                    }
                    let sig = s.sign_oneshot_to_vec(input)?;
                    match alg.ecdsa_len() {
                        // OpenSSL writes ECDSA signatures in DER; JWS wants r || s, each
                        // padded to the curve's size (RFC 7518 3.4).
                        Some(n) => {
                            // At most 66: the conversion cannot fail.
                            let n = i32::try_from(n).unwrap_or(66);
                            let parsed = openssl::ecdsa::EcdsaSig::from_der(&sig)?;
                            let mut raw = parsed.r().to_vec_padded(n)?;
                            raw.extend(parsed.s().to_vec_padded(n)?);
                            Ok(raw)
                        }
                        None => Ok(sig),
                    }
                };
                run().map_err(|e| Error::key(format!("signing failed: {}", ossl_reason(&e))))
            }
        }
    }
}

impl Verifier {
    /// Prepares a verifier from the public part of `key` (or the secret). The key must
    /// already have been checked to fit `alg`.
    pub fn new(alg: JwsAlg, key: &Key) -> Result<Verifier> {
        use aws_lc_rs::signature as sig;
        let imp = match backend(alg, key) {
            Backend::JsonWebToken(_) if alg.is_hmac() => {
                let h = match alg {
                    JwsAlg::HS384 => aws_lc_rs::hmac::HMAC_SHA384,
                    JwsAlg::HS512 => aws_lc_rs::hmac::HMAC_SHA512,
                    _ => aws_lc_rs::hmac::HMAC_SHA256,
                };
                VerifierImpl::Hmac(Box::new(aws_lc_rs::hmac::Key::new(
                    h,
                    key.secret().unwrap_or_default(),
                )))
            }
            Backend::JsonWebToken(_) | Backend::AwsLcEcdsa => {
                let params = aws_lc_verification(alg, key.key_type())
                    .ok_or_else(|| Error::key(format!("{alg}: no aws-lc verifier for this key")))?;
                let der = if key.key_type() == KeyType::Okp(OkpCurve::Ed25519) {
                    key.okp_public()?
                } else {
                    key.spki_der()?
                };
                let parsed = sig::UnparsedPublicKey::new(params, der)
                    .parse()
                    .map_err(|e| Error::key(format!("{alg}: the key cannot be used: {e}")))?;
                VerifierImpl::Parsed(parsed)
            }
            Backend::Openssl => VerifierImpl::Openssl(alg, key.public_pkey()?),
        };
        Ok(Verifier(imp))
    }

    /// True when `signature` is valid for `input`. Comparison (for HMAC) is constant-time in
    /// the backends.
    pub fn verify(&self, input: &[u8], signature: &[u8]) -> bool {
        self.verify_joined(&[input], signature)
    }

    /// [`Verifier::verify`] of the concatenation of `parts` (a JWS signing input is the header
    /// segment, '.', and the payload segment): an HMAC is fed the pieces, the others get one
    /// buffer.
    pub fn verify_joined(&self, parts: &[&[u8]], signature: &[u8]) -> bool {
        // The other backends take one buffer; joined only when there are pieces.
        let joined = || -> std::borrow::Cow<'_, [u8]> {
            match parts {
                [one] => std::borrow::Cow::Borrowed(*one),
                _ => std::borrow::Cow::Owned(parts.concat()),
            }
        };
        match &self.0 {
            VerifierImpl::Hmac(k) => {
                let mut ctx = aws_lc_rs::hmac::Context::with_key(k);
                parts.iter().for_each(|p| ctx.update(p));
                // Constant-time, as aws_lc_rs::hmac::verify compares.
                aws_lc_rs::constant_time::verify_slices_are_equal(ctx.sign().as_ref(), signature)
                    .is_ok()
            }
            VerifierImpl::Parsed(p) => p.verify_sig(&joined(), signature).is_ok(),
            VerifierImpl::Openssl(alg, p) => {
                let (md, pss) = openssl_params(*alg);
                let run = || -> Result<bool, openssl::error::ErrorStack> {
                    let mut v = match md {
                        Some(md) => openssl::sign::Verifier::new(md, p)?,
                        None => openssl::sign::Verifier::new_without_digest(p)?,
                    };
                    if pss {
                        v.set_rsa_padding(Padding::PKCS1_PSS)?;
                        v.set_rsa_pss_saltlen(RsaPssSaltlen::DIGEST_LENGTH)?;
                    }
                    v.verify_oneshot(signature, &joined())
                };
                run().unwrap_or(false)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    fn key(pem: &[u8]) -> Key {
        crate::keys::load_key_bytes(pem, "test", None)
            .unwrap()
            .keys
            .remove(0)
    }

    /// Both signing backends of every randomized algorithm make signatures the aws-lc
    /// verifier accepts (in JWS form: ECDSA as r || s), whichever one this build uses.
    #[test]
    fn both_signing_backends_verify() {
        let rsa = || key(include_bytes!("../tests/fixtures/keys/rsa.pkcs8.pem"));
        let cases = [
            (JwsAlg::RS256, rsa()),
            (JwsAlg::RS512, rsa()),
            (JwsAlg::PS256, rsa()),
            (JwsAlg::PS384, rsa()),
            (
                JwsAlg::ES256,
                key(include_bytes!("../tests/fixtures/keys/ec-p256.pkcs8.pem")),
            ),
            (
                JwsAlg::ES384,
                key(include_bytes!("../tests/fixtures/keys/ec-p384.pkcs8.pem")),
            ),
            (
                JwsAlg::ES512,
                key(include_bytes!("../tests/fixtures/keys/ec-p521.pkcs8.pem")),
            ),
            (
                JwsAlg::ES256K,
                key(include_bytes!(
                    "../tests/fixtures/keys/ec-secp256k1.pkcs8.pem"
                )),
            ),
        ];
        for (alg, k) in cases {
            let verifier = Verifier::new(alg, &k).unwrap();
            for b in [Backend::Openssl, backend(alg, &k)] {
                let sig = Signer::with_backend(alg, &k, b)
                    .unwrap()
                    .sign(b"header.payload")
                    .unwrap();
                if let Some(n) = alg.ecdsa_len() {
                    assert_eq!(sig.len(), 2 * n, "{alg} {b:?}");
                }
                assert!(verifier.verify(b"header.payload", &sig), "{alg} {b:?}");
                assert!(!verifier.verify(b"header.payloaD", &sig), "{alg} {b:?}");
            }
        }
    }
}
