//! What `keygen --alg/--kty/--bits/--crv/--enc` ask for, as a [`KeySpec`] for the library's
//! generator: the command line's names and rules, kept out of the library.

use jwtctl::error::{Error, Result};
use jwtctl::jwa::{EcCurve, JweAlg, JweEnc, KeyType, OkpCurve};
use jwtctl::keygen::KeySpec;

/// Whether `alg` is a JWE key-management algorithm (so keys default to `use: enc`).
pub fn is_jwe_alg(alg: &str) -> bool {
    JweAlg::from_name(alg).is_some()
}

/// Parses a curve name (`P-256`, `secp256k1`, `Ed25519`, `X448`, ...).
pub fn parse_curve(name: &str) -> Result<KeyType> {
    let lower = name.to_ascii_lowercase();
    Ok(match lower.as_str() {
        "p-256" | "p256" | "prime256v1" | "secp256r1" => KeyType::Ec(EcCurve::P256),
        "p-384" | "p384" | "secp384r1" => KeyType::Ec(EcCurve::P384),
        "p-521" | "p521" | "secp521r1" => KeyType::Ec(EcCurve::P521),
        "secp256k1" => KeyType::Ec(EcCurve::Secp256k1),
        "ed25519" => KeyType::Okp(OkpCurve::Ed25519),
        "ed448" => KeyType::Okp(OkpCurve::Ed448),
        "x25519" => KeyType::Okp(OkpCurve::X25519),
        "x448" => KeyType::Okp(OkpCurve::X448),
        _ => {
            return Err(Error::usage(format!(
                "unknown curve {name:?} (expected P-256, P-384, P-521, secp256k1, Ed25519, Ed448, X25519, X448)"
            )));
        }
    })
}

fn rsa_bits(bits: Option<u32>) -> Result<KeySpec> {
    let b = bits.unwrap_or(2048);
    if !(2048..=8192).contains(&b) {
        return Err(Error::usage(format!(
            "RSA keys must have 2048 to 8192 bits, not {b}"
        )));
    }
    Ok(KeySpec::Rsa(b))
}

/// The key that fits `alg` (a JWS or JWE algorithm name), sized by `enc` for `dir` and
/// adjustable with `bits` (RSA) and `crv` (EdDSA, ECDH-ES).
pub fn spec_for_alg(
    alg: &str,
    enc: Option<&str>,
    bits: Option<u32>,
    crv: Option<&str>,
) -> Result<KeySpec> {
    let curve = crv.map(parse_curve).transpose()?;
    let ec = |default: EcCurve| -> Result<KeySpec> {
        match curve {
            None => Ok(KeySpec::Ec(default)),
            Some(KeyType::Ec(c)) if c == default => Ok(KeySpec::Ec(c)),
            Some(other) => Err(Error::usage(format!(
                "{alg} uses {}, not {other}",
                default.name()
            ))),
        }
    };
    let oct = |b: u32| -> Result<KeySpec> {
        match bits {
            Some(x) if x != b => Err(Error::usage(format!("{alg} needs a {b}-bit key, not {x}"))),
            _ => Ok(KeySpec::Oct(b)),
        }
    };
    match alg {
        "HS256" => oct(256),
        "HS384" => oct(384),
        "HS512" => oct(512),
        "RS256" | "RS384" | "RS512" | "PS256" | "PS384" | "PS512" | "RSA-OAEP" | "RSA-OAEP-256"
        | "RSA-OAEP-384" | "RSA-OAEP-512" => rsa_bits(bits),
        "RSA1_5" => Err(Error::usage(
            "RSA1_5 is deprecated (RFC 8725): generate a key for RSA-OAEP-256 instead",
        )),
        "ES256" => ec(EcCurve::P256),
        "ES384" => ec(EcCurve::P384),
        "ES512" => ec(EcCurve::P521),
        "ES256K" => ec(EcCurve::Secp256k1),
        "EdDSA" => match curve {
            None | Some(KeyType::Okp(OkpCurve::Ed25519)) => Ok(KeySpec::Okp(OkpCurve::Ed25519)),
            Some(KeyType::Okp(OkpCurve::Ed448)) => Ok(KeySpec::Okp(OkpCurve::Ed448)),
            Some(other) => Err(Error::usage(format!(
                "EdDSA uses Ed25519 or Ed448, not {other}"
            ))),
        },
        "Ed25519" => Ok(KeySpec::Okp(OkpCurve::Ed25519)),
        "Ed448" => Ok(KeySpec::Okp(OkpCurve::Ed448)),
        "ECDH-ES" | "ECDH-ES+A128KW" | "ECDH-ES+A192KW" | "ECDH-ES+A256KW" => match curve {
            None => Ok(KeySpec::Ec(EcCurve::P256)),
            Some(KeyType::Ec(c)) if c != EcCurve::Secp256k1 => Ok(KeySpec::Ec(c)),
            Some(KeyType::Okp(c @ (OkpCurve::X25519 | OkpCurve::X448))) => Ok(KeySpec::Okp(c)),
            Some(other) => Err(Error::usage(format!(
                "ECDH-ES uses P-256, P-384, P-521, X25519 or X448, not {other}"
            ))),
        },
        a if JweAlg::from_name(a).and_then(JweAlg::secret_len).is_some() => {
            let bytes = JweAlg::from_name(a)
                .and_then(JweAlg::secret_len)
                .unwrap_or(32);
            oct(u32::try_from(bytes.saturating_mul(8)).unwrap_or(u32::MAX))
        }
        "dir" => {
            let enc = enc.ok_or_else(|| {
                Error::usage("--alg dir needs --enc to size the key (e.g. --enc A256GCM)")
            })?;
            let e = JweEnc::from_name(enc)
                .ok_or_else(|| Error::usage(format!("unknown content encryption {enc:?}")))?;
            oct(u32::try_from(e.key_len().saturating_mul(8)).unwrap_or(u32::MAX))
        }
        a if a.starts_with("PBES2") => Err(Error::usage(
            "PBES2 algorithms use a password (--secret), not a generated key",
        )),
        other => Err(Error::usage(format!("unknown algorithm {other:?}"))),
    }
}

/// The key for an explicit `--kty` (with `--bits` / `--crv`).
pub fn spec_for_kty(kty: &str, bits: Option<u32>, crv: Option<&str>) -> Result<KeySpec> {
    match kty {
        "RSA" => rsa_bits(bits),
        "EC" => match crv.map(parse_curve).transpose()? {
            None => Ok(KeySpec::Ec(EcCurve::P256)),
            Some(KeyType::Ec(c)) => Ok(KeySpec::Ec(c)),
            Some(other) => Err(Error::usage(format!(
                "--kty EC needs an EC curve, not {other}"
            ))),
        },
        "OKP" => match crv.map(parse_curve).transpose()? {
            None => Ok(KeySpec::Okp(OkpCurve::Ed25519)),
            Some(KeyType::Okp(c)) => Ok(KeySpec::Okp(c)),
            Some(other) => Err(Error::usage(format!(
                "--kty OKP needs Ed25519, Ed448, X25519 or X448, not {other}"
            ))),
        },
        "oct" => {
            let b = bits.unwrap_or(256);
            if b == 0 || b % 8 != 0 || b > 8192 {
                return Err(Error::usage(format!(
                    "oct keys need a multiple of 8 bits from 8 to 8192, not {b}"
                )));
            }
            Ok(KeySpec::Oct(b))
        }
        other => Err(Error::usage(format!(
            "unknown key type {other:?} (expected RSA, EC, OKP or oct)"
        ))),
    }
}
