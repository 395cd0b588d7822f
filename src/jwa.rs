//! JOSE algorithm and key-type vocabulary (RFC 7518, RFC 8037, RFC 8812, RFC 9864): key types
//! and curves, JWS algorithms and which keys fit each one. Pure data, the bottom layer: no
//! crypto library and no error type of the crate's.

use std::fmt;
use std::str::FromStr;

/// Elliptic curves for ECDSA and ECDH.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EcCurve {
    /// NIST P-256 (secp256r1).
    P256,
    /// NIST P-384.
    P384,
    /// NIST P-521.
    P521,
    /// secp256k1 (RFC 8812).
    Secp256k1,
}

impl EcCurve {
    /// The JWK `crv` name.
    pub fn name(self) -> &'static str {
        match self {
            EcCurve::P256 => "P-256",
            EcCurve::P384 => "P-384",
            EcCurve::P521 => "P-521",
            EcCurve::Secp256k1 => "secp256k1",
        }
    }
    /// Every curve.
    pub const ALL: [EcCurve; 4] = [
        EcCurve::P256,
        EcCurve::P384,
        EcCurve::P521,
        EcCurve::Secp256k1,
    ];
    /// The curve with this JWK `crv` name.
    pub fn from_name(name: &str) -> Option<EcCurve> {
        EcCurve::ALL.into_iter().find(|c| c.name() == name)
    }
    /// Size in bytes of a coordinate or private scalar.
    pub fn field_len(self) -> usize {
        match self {
            EcCurve::P256 | EcCurve::Secp256k1 => 32,
            EcCurve::P384 => 48,
            EcCurve::P521 => 66,
        }
    }
}

/// Curves of octet key pairs (RFC 8037).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OkpCurve {
    /// Ed25519 signatures.
    Ed25519,
    /// Ed448 signatures.
    Ed448,
    /// X25519 key agreement.
    X25519,
    /// X448 key agreement.
    X448,
}

impl OkpCurve {
    /// The JWK `crv` name.
    pub fn name(self) -> &'static str {
        match self {
            OkpCurve::Ed25519 => "Ed25519",
            OkpCurve::Ed448 => "Ed448",
            OkpCurve::X25519 => "X25519",
            OkpCurve::X448 => "X448",
        }
    }
    /// Every curve.
    pub const ALL: [OkpCurve; 4] = [
        OkpCurve::Ed25519,
        OkpCurve::Ed448,
        OkpCurve::X25519,
        OkpCurve::X448,
    ];
    /// The curve with this JWK `crv` name.
    pub fn from_name(name: &str) -> Option<OkpCurve> {
        OkpCurve::ALL.into_iter().find(|c| c.name() == name)
    }
    /// Length in bytes of the public (and private) key.
    pub fn key_len(self) -> usize {
        match self {
            OkpCurve::Ed25519 | OkpCurve::X25519 => 32,
            OkpCurve::Ed448 => 57,
            OkpCurve::X448 => 56,
        }
    }
}

/// The type of a key, as far as algorithm selection cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyType {
    /// RSA of any size.
    Rsa,
    /// An elliptic-curve key.
    Ec(EcCurve),
    /// An octet key pair.
    Okp(OkpCurve),
    /// A symmetric secret.
    Oct,
}

impl fmt::Display for KeyType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyType::Rsa => f.write_str("RSA"),
            KeyType::Ec(c) => write!(f, "EC {}", c.name()),
            KeyType::Okp(c) => f.write_str(c.name()),
            KeyType::Oct => f.write_str("secret"),
        }
    }
}

/// A JWS algorithm jwtctl can sign and verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum JwsAlg {
    HS256,
    HS384,
    HS512,
    RS256,
    RS384,
    RS512,
    PS256,
    PS384,
    PS512,
    ES256,
    ES384,
    ES512,
    ES256K,
    /// EdDSA with whichever curve the key has (RFC 8037).
    EdDSA,
    /// EdDSA fixed to Ed25519 (RFC 9864).
    Ed25519,
    /// EdDSA fixed to Ed448 (RFC 9864).
    Ed448,
}

impl JwsAlg {
    /// For ECDSA, the size in bytes of each of r and s in a JWS signature (RFC 7518 3.4).
    pub fn ecdsa_len(self) -> Option<usize> {
        match self {
            JwsAlg::ES256 | JwsAlg::ES256K => Some(32),
            JwsAlg::ES384 => Some(48),
            JwsAlg::ES512 => Some(66),
            _ => None,
        }
    }

    /// Every algorithm, in the order help texts list them.
    pub const ALL: [JwsAlg; 16] = [
        JwsAlg::HS256,
        JwsAlg::HS384,
        JwsAlg::HS512,
        JwsAlg::RS256,
        JwsAlg::RS384,
        JwsAlg::RS512,
        JwsAlg::PS256,
        JwsAlg::PS384,
        JwsAlg::PS512,
        JwsAlg::ES256,
        JwsAlg::ES384,
        JwsAlg::ES512,
        JwsAlg::ES256K,
        JwsAlg::EdDSA,
        JwsAlg::Ed25519,
        JwsAlg::Ed448,
    ];

    /// The registered name, exactly as it appears in a header.
    pub fn name(self) -> &'static str {
        match self {
            JwsAlg::HS256 => "HS256",
            JwsAlg::HS384 => "HS384",
            JwsAlg::HS512 => "HS512",
            JwsAlg::RS256 => "RS256",
            JwsAlg::RS384 => "RS384",
            JwsAlg::RS512 => "RS512",
            JwsAlg::PS256 => "PS256",
            JwsAlg::PS384 => "PS384",
            JwsAlg::PS512 => "PS512",
            JwsAlg::ES256 => "ES256",
            JwsAlg::ES384 => "ES384",
            JwsAlg::ES512 => "ES512",
            JwsAlg::ES256K => "ES256K",
            JwsAlg::EdDSA => "EdDSA",
            JwsAlg::Ed25519 => "Ed25519",
            JwsAlg::Ed448 => "Ed448",
        }
    }

    /// Parses a header's `alg` exactly (names are case-sensitive, RFC 7515 section 4.1.1).
    pub fn from_header(name: &str) -> Option<JwsAlg> {
        JwsAlg::ALL.into_iter().find(|a| a.name() == name)
    }

    /// True for the HMAC algorithms.
    pub fn is_hmac(self) -> bool {
        matches!(self, JwsAlg::HS256 | JwsAlg::HS384 | JwsAlg::HS512)
    }

    /// The minimum HMAC key length in bytes (the hash output size, RFC 7518 section 3.2).
    pub fn min_secret_len(self) -> usize {
        match self {
            JwsAlg::HS384 => 48,
            JwsAlg::HS512 => 64,
            _ => 32,
        }
    }

    /// Whether a key of this type can be used with this algorithm.
    pub fn fits(self, kty: KeyType) -> bool {
        use JwsAlg::*;
        matches!(
            (self, kty),
            (HS256 | HS384 | HS512, KeyType::Oct)
                | (RS256 | RS384 | RS512 | PS256 | PS384 | PS512, KeyType::Rsa)
                | (ES256, KeyType::Ec(EcCurve::P256))
                | (ES384, KeyType::Ec(EcCurve::P384))
                | (ES512, KeyType::Ec(EcCurve::P521))
                | (ES256K, KeyType::Ec(EcCurve::Secp256k1))
                | (EdDSA, KeyType::Okp(OkpCurve::Ed25519 | OkpCurve::Ed448))
                | (Ed25519, KeyType::Okp(OkpCurve::Ed25519))
                | (Ed448, KeyType::Okp(OkpCurve::Ed448))
        )
    }

    /// What a fitting key looks like, for error messages.
    pub fn wants(self) -> &'static str {
        use JwsAlg::*;
        match self {
            HS256 | HS384 | HS512 => "a secret (or an oct JWK)",
            RS256 | RS384 | RS512 | PS256 | PS384 | PS512 => "an RSA key",
            ES256 => "an EC P-256 key",
            ES384 => "an EC P-384 key",
            ES512 => "an EC P-521 key",
            ES256K => "an EC secp256k1 key",
            EdDSA => "an Ed25519 or Ed448 key",
            Ed25519 => "an Ed25519 key",
            Ed448 => "an Ed448 key",
        }
    }

    /// The algorithms a key of this type can be used with.
    pub fn fitting(kty: KeyType) -> Vec<JwsAlg> {
        JwsAlg::ALL.into_iter().filter(|a| a.fits(kty)).collect()
    }
}

impl fmt::Display for JwsAlg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A name that is not a JWS algorithm jwtctl accepts; its message says why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownAlg(pub String);

impl fmt::Display for UnknownAlg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UnknownAlg {}

impl FromStr for JwsAlg {
    type Err = UnknownAlg;

    /// Parses a user-given name; case-insensitive for convenience on the command line.
    fn from_str(s: &str) -> Result<Self, UnknownAlg> {
        if s.eq_ignore_ascii_case("none") {
            return Err(UnknownAlg(
                "algorithm 'none' is never a valid choice".to_string(),
            ));
        }
        JwsAlg::ALL
            .into_iter()
            .find(|a| a.name().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                let names: Vec<_> = JwsAlg::ALL.iter().map(|a| a.name()).collect();
                UnknownAlg(format!(
                    "unknown JWS algorithm {s:?} (expected one of {})",
                    names.join(", ")
                ))
            })
    }
}

/// How a JWE key management algorithm gets the content key (RFC 7518 section 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JweFamily {
    /// `dir`: the shared secret is the content key.
    Direct,
    /// AES Key Wrap with a secret of [`JweAlg::secret_len`] bytes.
    AesKw,
    /// AES-GCM key wrap with a secret of [`JweAlg::secret_len`] bytes.
    AesGcmKw,
    /// RSAES-OAEP or RSAES-PKCS1-v1_5.
    Rsa,
    /// ECDH-ES key agreement, direct or with AES Key Wrap.
    EcdhEs,
    /// PBES2: a password through PBKDF2, then AES Key Wrap.
    Pbes2,
}

macro_rules! named_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            /// Every value, in the order help texts list them.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The registered name, exactly as it appears in a header.
            pub fn name(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            /// The value with this registered name (case-sensitive, as in headers).
            pub fn from_name(name: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|v| v.name() == name)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.name())
            }
        }
    };
}

named_enum! {
    /// A JWE key management algorithm (RFC 7518 section 4).
    JweAlg {
        /// Direct use of a shared secret.
        Dir => "dir",
        /// AES-128 Key Wrap.
        A128Kw => "A128KW",
        /// AES-192 Key Wrap.
        A192Kw => "A192KW",
        /// AES-256 Key Wrap.
        A256Kw => "A256KW",
        /// AES-128-GCM key wrap.
        A128GcmKw => "A128GCMKW",
        /// AES-192-GCM key wrap.
        A192GcmKw => "A192GCMKW",
        /// AES-256-GCM key wrap.
        A256GcmKw => "A256GCMKW",
        /// RSAES-OAEP with SHA-1.
        RsaOaep => "RSA-OAEP",
        /// RSAES-OAEP with SHA-256.
        RsaOaep256 => "RSA-OAEP-256",
        /// RSAES-OAEP with SHA-384.
        RsaOaep384 => "RSA-OAEP-384",
        /// RSAES-OAEP with SHA-512.
        RsaOaep512 => "RSA-OAEP-512",
        /// RSAES-PKCS1-v1_5: deprecated (RFC 8725), decrypted only on request.
        Rsa1_5 => "RSA1_5",
        /// ECDH-ES, the agreed key used directly.
        EcdhEs => "ECDH-ES",
        /// ECDH-ES with AES-128 Key Wrap.
        EcdhEsA128Kw => "ECDH-ES+A128KW",
        /// ECDH-ES with AES-192 Key Wrap.
        EcdhEsA192Kw => "ECDH-ES+A192KW",
        /// ECDH-ES with AES-256 Key Wrap.
        EcdhEsA256Kw => "ECDH-ES+A256KW",
        /// PBES2 with HMAC-SHA-256 and AES-128 Key Wrap.
        Pbes2Hs256A128Kw => "PBES2-HS256+A128KW",
        /// PBES2 with HMAC-SHA-384 and AES-192 Key Wrap.
        Pbes2Hs384A192Kw => "PBES2-HS384+A192KW",
        /// PBES2 with HMAC-SHA-512 and AES-256 Key Wrap.
        Pbes2Hs512A256Kw => "PBES2-HS512+A256KW",
    }
}

impl JweAlg {
    /// How the algorithm gets the content key.
    pub fn family(self) -> JweFamily {
        use JweAlg::*;
        match self {
            Dir => JweFamily::Direct,
            A128Kw | A192Kw | A256Kw => JweFamily::AesKw,
            A128GcmKw | A192GcmKw | A256GcmKw => JweFamily::AesGcmKw,
            RsaOaep | RsaOaep256 | RsaOaep384 | RsaOaep512 | Rsa1_5 => JweFamily::Rsa,
            EcdhEs | EcdhEsA128Kw | EcdhEsA192Kw | EcdhEsA256Kw => JweFamily::EcdhEs,
            Pbes2Hs256A128Kw | Pbes2Hs384A192Kw | Pbes2Hs512A256Kw => JweFamily::Pbes2,
        }
    }

    /// The secret length in bytes of the AES key-wrapping algorithms.
    pub fn secret_len(self) -> Option<usize> {
        use JweAlg::*;
        match self {
            A128Kw | A128GcmKw => Some(16),
            A192Kw | A192GcmKw => Some(24),
            A256Kw | A256GcmKw => Some(32),
            _ => None,
        }
    }

    /// True when the token carries a wrapped content key (every family but `dir` and
    /// `ECDH-ES` used directly).
    pub fn wraps_key(self) -> bool {
        !matches!(self, JweAlg::Dir | JweAlg::EcdhEs)
    }

    /// True for AES Key Wrap output (RFC 3394): a multiple of 8 bytes, at least 24.
    pub fn is_aes_key_wrap(self) -> bool {
        matches!(
            self.family(),
            JweFamily::AesKw | JweFamily::Pbes2 | JweFamily::EcdhEs
        ) && self.wraps_key()
    }
}

named_enum! {
    /// A JWE content encryption algorithm (RFC 7518 section 5).
    JweEnc {
        /// AES-128-CBC with HMAC-SHA-256.
        A128CbcHs256 => "A128CBC-HS256",
        /// AES-192-CBC with HMAC-SHA-384.
        A192CbcHs384 => "A192CBC-HS384",
        /// AES-256-CBC with HMAC-SHA-512.
        A256CbcHs512 => "A256CBC-HS512",
        /// AES-128-GCM.
        A128Gcm => "A128GCM",
        /// AES-192-GCM.
        A192Gcm => "A192GCM",
        /// AES-256-GCM.
        A256Gcm => "A256GCM",
    }
}

impl JweEnc {
    /// Content key length in bytes (for `dir`, the secret's length).
    pub fn key_len(self) -> usize {
        match self {
            JweEnc::A128CbcHs256 => 32,
            JweEnc::A192CbcHs384 => 48,
            JweEnc::A256CbcHs512 => 64,
            JweEnc::A128Gcm => 16,
            JweEnc::A192Gcm => 24,
            JweEnc::A256Gcm => 32,
        }
    }

    /// IV length in bytes.
    pub fn iv_len(self) -> usize {
        if self.is_cbc() { 16 } else { 12 }
    }

    /// Authentication tag length in bytes.
    pub fn tag_len(self) -> usize {
        match self {
            JweEnc::A192CbcHs384 => 24,
            JweEnc::A256CbcHs512 => 32,
            _ => 16,
        }
    }

    /// True for the AES-CBC + HMAC family (block-aligned ciphertext).
    pub fn is_cbc(self) -> bool {
        matches!(
            self,
            JweEnc::A128CbcHs256 | JweEnc::A192CbcHs384 | JweEnc::A256CbcHs512
        )
    }
}
