//! Key generation: making a key of a given kind (OpenSSL), and writing key files
//! safely (mode 0600 for private keys, never clobbering without `force`, atomic replacement).

use std::io::Write;
use std::path::{Path, PathBuf};

use openssl::ec::{EcGroup, EcKey};
use openssl::pkey::PKey;
use openssl::rsa::Rsa;

use crate::error::{Error, Result};
use crate::jwa::{EcCurve, OkpCurve};
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
