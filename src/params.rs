//! aws-lc's parameter tables: which of its algorithm statics computes a JOSE algorithm. Pure
//! lookups below the key loader, which validates keys with them, and the signers and
//! verifiers, which compute with them.

use aws_lc_rs::signature as sig;

use crate::jwa::{EcCurve, JwsAlg, KeyType, OkpCurve};

/// aws-lc's verification parameters for `alg` with a key of type `kty`; `None` where aws-lc
/// does not verify it (HMAC, Ed448). The key loader validates keys with the same table.
pub(crate) fn aws_lc_verification(
    alg: JwsAlg,
    kty: KeyType,
) -> Option<&'static dyn sig::VerificationAlgorithm> {
    Some(match alg {
        JwsAlg::RS256 => &sig::RSA_PKCS1_2048_8192_SHA256,
        JwsAlg::RS384 => &sig::RSA_PKCS1_2048_8192_SHA384,
        JwsAlg::RS512 => &sig::RSA_PKCS1_2048_8192_SHA512,
        JwsAlg::PS256 => &sig::RSA_PSS_2048_8192_SHA256,
        JwsAlg::PS384 => &sig::RSA_PSS_2048_8192_SHA384,
        JwsAlg::PS512 => &sig::RSA_PSS_2048_8192_SHA512,
        JwsAlg::ES256 => &sig::ECDSA_P256_SHA256_FIXED,
        JwsAlg::ES384 => &sig::ECDSA_P384_SHA384_FIXED,
        JwsAlg::ES512 => &sig::ECDSA_P521_SHA512_FIXED,
        JwsAlg::ES256K => &sig::ECDSA_P256K1_SHA256_FIXED,
        JwsAlg::EdDSA | JwsAlg::Ed25519 if kty == KeyType::Okp(OkpCurve::Ed25519) => &sig::ED25519,
        _ => return None,
    })
}

/// aws-lc's fixed-length (JOSE `r || s`) ECDSA signing parameters for a curve.
pub(crate) fn aws_lc_ecdsa_signing(c: EcCurve) -> &'static sig::EcdsaSigningAlgorithm {
    match c {
        EcCurve::P256 => &sig::ECDSA_P256_SHA256_FIXED_SIGNING,
        EcCurve::P384 => &sig::ECDSA_P384_SHA384_FIXED_SIGNING,
        EcCurve::P521 => &sig::ECDSA_P521_SHA512_FIXED_SIGNING,
        EcCurve::Secp256k1 => &sig::ECDSA_P256K1_SHA256_FIXED_SIGNING,
    }
}
