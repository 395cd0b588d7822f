//! Certificate and CRL files: anchors for `--ca`, chains for `sign --x5c`, and revocation
//! lists, PEM or DER.

use openssl::x509::X509Crl;

use super::Cert;
use crate::error::{Error, Result};

/// Certificates from a PEM file (every `CERTIFICATE` block) or one DER certificate; `what`
/// names the file in errors. A file holding none is an error.
pub fn load_certs(bytes: &[u8], what: &str) -> Result<Vec<Cert>> {
    let bad = |msg: String| Error::usage(format!("{what}: {msg}"));
    let mut out = Vec::new();
    if bytes.trim_ascii_start().starts_with(b"-----BEGIN") {
        for pem in x509_parser::pem::Pem::iter_from_buffer(bytes) {
            let pem = pem.map_err(|e| bad(format!("not valid PEM: {e}")))?;
            if pem.label == "CERTIFICATE" {
                out.push(Cert::from_der(pem.contents).map_err(bad)?);
            }
        }
    } else if !bytes.trim_ascii().is_empty() {
        out.push(Cert::from_der(bytes.to_vec()).map_err(bad)?);
    }
    if out.is_empty() {
        return Err(bad("holds no certificate".into()));
    }
    Ok(out)
}

/// A chain to sign with: certificates from `bytes` (see [`load_certs`]), leaf first, whose
/// leaf holds `key`'s public part (a chain for another key would make a token no one can
/// verify).
pub fn signing_chain(bytes: &[u8], what: &str, key: &crate::keys::Key) -> Result<Vec<Cert>> {
    let certs = load_certs(bytes, what)?;
    let public = key.public_pkey().and_then(|p| {
        p.public_key_to_der()
            .map_err(|_| Error::key("cannot encode the signing key's public part"))
    })?;
    match certs.first() {
        Some(leaf) if leaf.spki == public => Ok(certs),
        Some(leaf) => Err(Error::usage(format!(
            "{what}: the first certificate ({:?}) is not for the signing key; the chain must start with the signing key's certificate",
            crate::sanitize::sanitize(&leaf.subject)
        ))),
        None => Err(Error::usage(format!("{what}: holds no certificate"))),
    }
}

/// A certificate revocation list and the file it came from.
pub struct Crl {
    pub(super) crl: X509Crl,
    pub(super) issuer_raw: Vec<u8>,
    /// The file, for warnings.
    pub file: String,
}

/// A CRL from a PEM or DER file; anything else is an error naming the file.
pub fn load_crl(bytes: &[u8], what: &str) -> Result<Crl> {
    let crl = if bytes.trim_ascii_start().starts_with(b"-----BEGIN") {
        X509Crl::from_pem(bytes)
    } else {
        X509Crl::from_der(bytes)
    }
    .map_err(|_| {
        Error::usage(format!(
            "{what}: not a certificate revocation list (PEM or DER)"
        ))
    })?;
    let issuer_raw = crl
        .issuer_name()
        .to_der()
        .map_err(|_| Error::usage(format!("{what}: the CRL's issuer name cannot be read")))?;
    Ok(Crl {
        crl,
        issuer_raw,
        file: what.to_string(),
    })
}
