//! The key loader's fast path: SPKI and PKCS#8 keys (PEM or DER) and public JWKs of the
//! algorithms aws-lc computes — RSA 2048–8192, P-256, P-384, P-521, secp256k1, Ed25519 — are
//! parsed and validated by aws-lc without touching OpenSSL. Ed448 keys, which only OpenSSL
//! computes, are read here too and handed to it as raw bytes, skipping its decoders. OpenSSL
//! 3's start-up (configuration, providers, PEM decoders and DER encoders) costs about 4 ms on
//! a first call, more than a whole one-shot `verify` should. A key this path does not
//! recognise returns `None` and goes to the OpenSSL path, which reads every format and words
//! the errors.

use std::sync::OnceLock;

use aws_lc_rs::encoding::{AsDer, PublicKeyX509Der};
use aws_lc_rs::signature::{self as sig, KeyPair};
use openssl::pkey::{PKey, Private};
use zeroize::Zeroizing;

use super::{EcCurve, KeyType, OkpCurve};
use crate::der::{self, Reader, tag};
use crate::jwa::JwsAlg;
use crate::params::{aws_lc_ecdsa_signing, aws_lc_verification};

/// rsaEncryption (1.2.840.113549.1.1.1).
const OID_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
/// id-ecPublicKey (1.2.840.10045.2.1).
const OID_EC: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
/// id-Ed25519 (1.3.101.112).
const OID_ED25519: &[u8] = &[0x2b, 0x65, 0x70];
/// id-Ed448 (1.3.101.113).
const OID_ED448: &[u8] = &[0x2b, 0x65, 0x71];

fn curve_oid(c: EcCurve) -> &'static [u8] {
    match c {
        EcCurve::P256 => &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07],
        EcCurve::P384 => &[0x2b, 0x81, 0x04, 0x00, 0x22],
        EcCurve::P521 => &[0x2b, 0x81, 0x04, 0x00, 0x23],
        EcCurve::Secp256k1 => &[0x2b, 0x81, 0x04, 0x00, 0x0a],
    }
}

/// A key held as DER: the public key as SubjectPublicKeyInfo and, for a private key, its
/// PKCS#8. An OpenSSL handle is made only if something asks for one (a private JWK export,
/// say), never on the sign/verify path.
pub(super) struct DerKey {
    /// SubjectPublicKeyInfo, as aws-lc re-encodes it (uncompressed EC points).
    pub spki: Vec<u8>,
    /// Unencrypted PKCS#8, for private keys.
    pub pkcs8: Option<Zeroizing<Vec<u8>>>,
    /// The OpenSSL private key, made on first request.
    pub openssl: OnceLock<Option<PKey<Private>>>,
}

impl DerKey {
    /// Size in bits, as OpenSSL reports it.
    pub fn bits(&self) -> u32 {
        spki_parts(&self.spki)
            .and_then(|(kty, key)| bits(kty, key))
            .unwrap_or(0)
    }

    /// The private key as OpenSSL's, parsed from the PKCS#8 on first use.
    pub fn openssl_private(&self) -> Option<&PKey<Private>> {
        self.openssl
            .get_or_init(|| {
                let der = self.pkcs8.as_ref()?;
                PKey::private_key_from_der(der).ok()
            })
            .as_ref()
    }
}

/// The type and the key bytes of a SubjectPublicKeyInfo: the RSAPublicKey DER, the
/// uncompressed EC point or the raw Ed25519 key. `None` for anything else.
pub(super) fn spki_parts(spki: &[u8]) -> Option<(KeyType, &[u8])> {
    let mut seq = der::whole(spki, tag::SEQUENCE)?;
    let alg = seq.expect(tag::SEQUENCE)?;
    let key = seq.bit_string()?;
    if !seq.is_empty() {
        return None;
    }
    let kty = algorithm(alg)?;
    let fits = match kty {
        KeyType::Ec(c) => {
            key.len() == c.field_len().saturating_mul(2).saturating_add(1)
                && key.first() == Some(&4)
        }
        KeyType::Okp(c) => key.len() == c.key_len(),
        _ => true,
    };
    fits.then_some((kty, key))
}

/// The key type named by an AlgorithmIdentifier's contents.
fn algorithm(contents: &[u8]) -> Option<KeyType> {
    let mut r = Reader::new(contents);
    let oid = r.expect(tag::OID)?;
    let kty = if oid == OID_RSA {
        r.expect(tag::NULL)?.is_empty().then_some(KeyType::Rsa)?
    } else if oid == OID_EC {
        let curve = r.expect(tag::OID)?;
        [
            EcCurve::P256,
            EcCurve::P384,
            EcCurve::P521,
            EcCurve::Secp256k1,
        ]
        .into_iter()
        .find(|&c| curve_oid(c) == curve)
        .map(KeyType::Ec)?
    } else if oid == OID_ED25519 {
        KeyType::Okp(OkpCurve::Ed25519)
    } else if oid == OID_ED448 {
        KeyType::Okp(OkpCurve::Ed448)
    } else {
        return None;
    };
    r.is_empty().then_some(kty)
}

/// RSA modulus and public exponent from an RSAPublicKey.
pub(super) fn rsa_parts(rsa_public_key: &[u8]) -> Option<(&[u8], &[u8])> {
    let mut seq = der::whole(rsa_public_key, tag::SEQUENCE)?;
    let n = seq.unsigned()?;
    let e = seq.unsigned()?;
    seq.is_empty().then_some((n, e))
}

/// The private key inside a PKCS#8 (for RSA: the PKCS#1 RSAPrivateKey).
pub(super) fn pkcs8_inner(pkcs8: &[u8]) -> Option<&[u8]> {
    pkcs8_parts(pkcs8).map(|(_, inner, _)| inner)
}

/// The key type, the private key, and the public key a v2 PKCS#8 (RFC 5958
/// OneAsymmetricKey) may carry beside it (the BIT STRING's contents, unused-bits byte first).
type Pkcs8Parts<'a> = (KeyType, &'a [u8], Option<&'a [u8]>);

fn pkcs8_parts(pkcs8: &[u8]) -> Option<Pkcs8Parts<'_>> {
    let mut seq = der::whole(pkcs8, tag::SEQUENCE)?;
    if !matches!(seq.unsigned()?, [0] | [1]) {
        return None;
    }
    let kty = algorithm(seq.expect(tag::SEQUENCE)?)?;
    let inner = seq.expect(tag::OCTET_STRING)?;
    seq.optional(0xa0); // attributes
    let public = seq.optional(0x81);
    seq.is_empty().then_some((kty, inner, public))
}

/// The public key a v2 PKCS#8 carries beside its private key (BIT STRING contents), if any.
pub(super) fn pkcs8_embedded_public(pkcs8: &[u8]) -> Option<&[u8]> {
    pkcs8_parts(pkcs8).and_then(|(_, _, public)| public)
}

/// True when a v2 PKCS#8's own public key, if it has one, is the one derived from the
/// private key: a file whose halves disagree is refused rather than used.
pub(super) fn embedded_public_matches(embedded: Option<&[u8]>, derived: &[u8]) -> bool {
    embedded.is_none_or(|bits| bits.split_first() == Some((&0, derived)))
}

/// An RSAPrivateKey (two primes) whose parts are consistent; `None` sends anything else to
/// the OpenSSL path, which reads it and words the error.
fn consistent_rsa(inner: &[u8]) -> Option<(&[u8], &[u8])> {
    let mut rsa = der::whole(inner, tag::SEQUENCE)?;
    if rsa.unsigned()? != [0] {
        return None; // two-prime keys only; multi-prime ones go to OpenSSL
    }
    let (n, e, d) = (rsa.unsigned()?, rsa.unsigned()?, rsa.unsigned()?);
    let (p, q) = (rsa.unsigned()?, rsa.unsigned()?);
    let (dp, dq, qi) = (rsa.unsigned()?, rsa.unsigned()?, rsa.unsigned()?);
    let parts = super::rsa_check::RsaParts {
        n,
        e,
        d,
        p,
        q,
        dp,
        dq,
        qi,
    };
    if !rsa.is_empty() || super::rsa_check::rsa_inconsistency(&parts).is_some() {
        return None;
    }
    Some((n, e))
}

/// OpenSSL's `EVP_PKEY_bits` for the key, so descriptions read the same whichever path
/// loaded it.
fn bits(kty: KeyType, key: &[u8]) -> Option<u32> {
    Some(match kty {
        KeyType::Rsa => der::bit_len(rsa_parts(key)?.0),
        KeyType::Ec(EcCurve::P384) => 384,
        KeyType::Ec(EcCurve::P521) => 521,
        KeyType::Okp(OkpCurve::Ed448) => 456,
        KeyType::Ec(_) | KeyType::Okp(_) => 256,
        KeyType::Oct => return None,
    })
}

/// The aws-lc parameters a key of this type is validated with: those of the first algorithm
/// it fits (RS256 for RSA, the curve's ECDSA, EdDSA for Ed25519).
fn verification_alg(kty: KeyType) -> Option<&'static dyn sig::VerificationAlgorithm> {
    JwsAlg::fitting(kty)
        .into_iter()
        .find_map(|alg| aws_lc_verification(alg, kty))
}

/// The SubjectPublicKeyInfo of an aws-lc key pair's public key.
fn spki_of<K: KeyPair>(pair: K) -> Option<Vec<u8>>
where
    K::PublicKey: AsDer<PublicKeyX509Der<'static>>,
{
    Some(pair.public_key().as_der().ok()?.as_ref().to_vec())
}

/// Checks aws-lc's re-encoded SubjectPublicKeyInfo and builds the key. RSA outside
/// 2048–8192 bits is left to the OpenSSL path, which handles `--allow-weak-key`.
fn finish(
    want: KeyType,
    spki: Vec<u8>,
    pkcs8: Option<Zeroizing<Vec<u8>>>,
) -> Option<(KeyType, DerKey)> {
    let (kty, key) = spki_parts(&spki)?;
    let bits = bits(kty, key)?;
    if kty != want || (kty == KeyType::Rsa && !(2048..=8192).contains(&bits)) {
        return None;
    }
    Some((
        kty,
        DerKey {
            spki,
            pkcs8,
            openssl: OnceLock::new(),
        },
    ))
}

/// A public key of type `kty` from bytes aws-lc reads: a SubjectPublicKeyInfo, an
/// RSAPublicKey, an uncompressed EC point or a raw Ed25519 key; or a raw Ed448 key.
pub(super) fn public(kty: KeyType, bytes: &[u8]) -> Option<(KeyType, DerKey)> {
    if kty == KeyType::Okp(OkpCurve::Ed448) {
        return ed448_public(bytes);
    }
    let parsed = sig::UnparsedPublicKey::new(verification_alg(kty)?, bytes)
        .parse()
        .ok()?;
    let spki = parsed.as_der().ok()?.as_ref().to_vec();
    finish(kty, spki, None)
}

/// A public key from DER SubjectPublicKeyInfo.
pub(super) fn from_spki(spki: &[u8]) -> Option<(KeyType, DerKey)> {
    let (kty, key) = spki_parts(spki)?;
    if kty == KeyType::Okp(OkpCurve::Ed448) {
        return ed448_public(key);
    }
    public(kty, spki)
}

/// An Ed448 public key from its 57 raw bytes. Like OpenSSL's own decoders, this does not
/// decode the point; a bad one fails every signature check.
pub(super) fn ed448_public(raw: &[u8]) -> Option<(KeyType, DerKey)> {
    let spki = der::spki(OID_ED448, raw);
    finish(KeyType::Okp(OkpCurve::Ed448), spki, None)
}

/// An Ed448 private key from PKCS#8: OpenSSL derives the public key from the raw seed.
fn ed448_private(pkcs8: &[u8], inner: &[u8], embedded: Option<&[u8]>) -> Option<(KeyType, DerKey)> {
    use openssl::pkey::Id;
    let seed = der::whole(inner, tag::OCTET_STRING)?.rest();
    let key = PKey::private_key_from_raw_bytes(seed, Id::ED448).ok()?;
    let public = key.raw_public_key().ok()?;
    if !embedded_public_matches(embedded, &public) {
        return None;
    }
    let (kty, mut der) = ed448_public(&public)?;
    der.pkcs8 = Some(Zeroizing::new(pkcs8.to_vec()));
    der.openssl = OnceLock::from(Some(key));
    Some((kty, der))
}

/// A private key from unencrypted DER PKCS#8. aws-lc checks EC keys (the scalar against the
/// curve and any embedded public point) and derives EC and Ed25519 public keys; an Ed25519 or
/// Ed448 file's own public key must equal the derived one. An RSA key's parts are checked for
/// consistency here and its public half is read from its `n` and `e`.
pub(super) fn from_pkcs8(pkcs8: &[u8]) -> Option<(KeyType, DerKey)> {
    let (kty, inner, embedded) = pkcs8_parts(pkcs8)?;
    let spki = match kty {
        KeyType::Okp(OkpCurve::Ed448) => return ed448_private(pkcs8, inner, embedded),
        KeyType::Rsa => {
            let (n, e) = consistent_rsa(inner)?;
            let (_, public) = public(KeyType::Rsa, &der::rsa_public_key(n, e))?;
            public.spki
        }
        KeyType::Ec(c) => {
            spki_of(sig::EcdsaKeyPair::from_pkcs8(aws_lc_ecdsa_signing(c), pkcs8).ok()?)?
        }
        KeyType::Okp(OkpCurve::Ed25519) => {
            let spki = spki_of(sig::Ed25519KeyPair::from_pkcs8_maybe_unchecked(pkcs8).ok()?)?;
            let (_, derived) = spki_parts(&spki)?;
            if !embedded_public_matches(embedded, derived) {
                return None;
            }
            spki
        }
        _ => return None,
    };
    finish(kty, spki, Some(Zeroizing::new(pkcs8.to_vec())))
}

/// The DER inside a PEM file holding exactly one block labelled `label` (RFC 7468; text
/// outside the block is allowed). `None` for anything else, including headers.
pub(super) fn pem_block(text: &str, label: &str) -> Option<Zeroizing<Vec<u8>>> {
    use base64::Engine;
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let (_, after) = text.split_once(&begin)?;
    let (body, rest) = after.split_once(&end)?;
    if rest.contains("-----BEGIN ") || body.contains(':') {
        return None;
    }
    let compact: Zeroizing<String> =
        Zeroizing::new(body.chars().filter(|c| !c.is_ascii_whitespace()).collect());
    base64::engine::general_purpose::STANDARD
        .decode(compact.as_bytes())
        .ok()
        .map(Zeroizing::new)
}
