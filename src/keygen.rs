//! Key generation: which key fits an algorithm, making it (OpenSSL), and writing key files
//! safely (mode 0600 for private keys, never clobbering without `force`, atomic replacement).

use std::io::Write;
use std::path::{Path, PathBuf};

use openssl::ec::{EcGroup, EcKey};
use openssl::pkey::PKey;
use openssl::rsa::Rsa;

use crate::error::{Error, Result};
use crate::jwa::{EcCurve, JweAlg, JweEnc, KeyType, OkpCurve};
use crate::keys::{Key, KeyOrigin, ec_nid, ossl_reason};

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeySpec {
    /// RSA with a modulus of this many bits.
    Rsa(u32),
    /// An EC key on a curve.
    Ec(EcCurve),
    /// An octet key pair.
    Okp(OkpCurve),
    /// A random secret of this many bits.
    Oct(u32),
}

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

/// Generates a key.
pub fn generate(spec: KeySpec) -> Result<Key> {
    let fail = |e: openssl::error::ErrorStack| {
        Error::key(format!("key generation failed: {}", ossl_reason(&e)))
    };
    let pkey = match spec {
        KeySpec::Oct(bits) => {
            let mut buf = vec![0u8; usize::try_from(bits / 8).unwrap_or(32)];
            openssl::rand::rand_bytes(&mut buf).map_err(fail)?;
            return Ok(Key::from_secret(buf));
        }
        KeySpec::Rsa(bits) => PKey::from_rsa(Rsa::generate(bits).map_err(fail)?).map_err(fail)?,
        KeySpec::Ec(c) => {
            let group = EcGroup::from_curve_name(ec_nid(c)).map_err(fail)?;
            PKey::from_ec_key(EcKey::generate(&group).map_err(fail)?).map_err(fail)?
        }
        KeySpec::Okp(OkpCurve::Ed25519) => PKey::generate_ed25519().map_err(fail)?,
        KeySpec::Okp(OkpCurve::Ed448) => PKey::generate_ed448().map_err(fail)?,
        KeySpec::Okp(OkpCurve::X25519) => PKey::generate_x25519().map_err(fail)?,
        KeySpec::Okp(OkpCurve::X448) => PKey::generate_x448().map_err(fail)?,
    };
    let mut key = Key::from_private(pkey)?;
    key.origin = KeyOrigin {
        format: "generated",
        ..KeyOrigin::default()
    };
    Ok(key)
}

/// The private key as PKCS#8 PEM, encrypted (AES-256-CBC, PBES2) when a passphrase is given.
pub fn private_pem(key: &Key, passphrase: Option<&[u8]>) -> Result<Vec<u8>> {
    let p = key
        .private_pkey()
        .ok_or_else(|| Error::key("not a private key"))?;
    let fail = |e: openssl::error::ErrorStack| {
        Error::key(format!(
            "cannot encode the private key: {}",
            ossl_reason(&e)
        ))
    };
    match passphrase {
        Some(pass) => p
            .private_key_to_pem_pkcs8_passphrase(openssl::symm::Cipher::aes_256_cbc(), pass)
            .map_err(fail),
        None => p.private_key_to_pem_pkcs8().map_err(fail),
    }
}

/// The public key as SubjectPublicKeyInfo PEM.
pub fn public_pem(key: &Key) -> Result<Vec<u8>> {
    key.public_pkey()?
        .public_key_to_pem()
        .map_err(|e| Error::key(format!("cannot encode the public key: {}", ossl_reason(&e))))
}

/// Refuses early when `path` exists and `force` is not set, so that no work is done (and
/// nothing is written) for a run that would fail at the end.
pub fn check_writable(path: &Path, force: bool) -> Result<()> {
    if !force && std::fs::symlink_metadata(path).is_ok() {
        return Err(Error::refused(
            crate::error::Remedy::Force,
            format!(
                "{} already exists; refusing to overwrite it",
                path.display()
            ),
        ));
    }
    Ok(())
}

fn temp_path(path: &Path) -> PathBuf {
    let mut rnd = [0u8; 6];
    let _ = openssl::rand::rand_bytes(&mut rnd);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.{}.tmp", crate::encoding::b64url(rnd)))
}

/// Writes `bytes` to `path` with `mode` (0600 for private keys). The file is written beside
/// the target and then moved into place, so an interrupted run never leaves a partial key:
/// without `force` the move fails if the target exists (a hard link never replaces), with
/// `force` it atomically replaces it.
pub fn write_key_file(path: &Path, bytes: &[u8], mode: u32, force: bool) -> Result<()> {
    check_writable(path, force)?;
    let tmp = temp_path(path);
    let io = |p: &Path, e| Error::io(p, e);
    let result = (|| -> Result<()> {
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(mode);
        }
        let mut f = opts.open(&tmp).map_err(|e| io(&tmp, e))?;
        f.write_all(bytes).map_err(|e| io(&tmp, e))?;
        f.sync_all().map_err(|e| io(&tmp, e))?;
        drop(f);
        if force {
            std::fs::rename(&tmp, path).map_err(|e| io(path, e))
        } else {
            std::fs::hard_link(&tmp, path).map_err(|e| match e.kind() {
                std::io::ErrorKind::AlreadyExists => Error::refused(
                    crate::error::Remedy::Force,
                    format!(
                        "{} already exists; refusing to overwrite it",
                        path.display()
                    ),
                ),
                _ => io(path, e),
            })?;
            let _ = std::fs::remove_file(&tmp);
            Ok(())
        }
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
