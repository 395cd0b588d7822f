//! Certificate chains: tokens whose key travels in the `x5c` header (RFC 7515 4.1.6), trusted
//! only through anchors the caller gives.
//!
//! Parsing is x509-parser's (a maintained pure-Rust DER parser that exposes every extension
//! with its criticality, so the rules below are ours and exact); signatures of certificates and
//! CRLs are checked by the OpenSSL already linked. OpenSSL's own path builder
//! (`X509_verify_cert`) was not used: it checks the anchor's validity, stops at its own first
//! error rather than in the order the contract ranks them, and wants a CRL for every
//! certificate once CRL checking is on.
//!
//! The rules: a path is built from the first `x5c` certificate (the leaf, whose key verifies
//! the token) through the other `x5c` certificates, in any order, to an anchor, matched by
//! subject and signature, so a token may carry the root, a re-issued copy of it, or leave it
//! out. Nothing is fetched (no AIA, OCSP or CRL distribution points). Every certificate of the
//! path must be valid at the verification time (no leeway), the ones above the leaf must be
//! CAs whose key usage (when present) allows certificate signing and whose path length
//! constraint holds; the leaf's key usage (when present) must allow digital signatures; an
//! unknown critical extension anywhere rejects. The anchor is trusted as given (RFC 5280 6.1):
//! its validity and self-signature are not checked, though its path length constraint is.
//! Work is bounded before any signature check: at most `max_chain` certificates and 64 KiB
//! of base64 text.

use std::sync::Arc;

use base64::Engine;
use openssl::pkey::{PKey, Public};
use openssl::x509::{CrlStatus, X509};
use serde_json::{Map, Value};
use x509_parser::certificate::X509Certificate;
use x509_parser::extensions::{GeneralName, ParsedExtension};
use x509_parser::prelude::FromDer;

use crate::error::{RejectCode, Rejection};
use crate::time::format_timestamp;

mod files;

pub use files::{Crl, load_certs, load_crl, signing_chain};

/// Certificates in an `x5c` at most, unless the caller says otherwise.
pub const DEFAULT_MAX_CHAIN: usize = 10;
/// The largest `max_chain` a caller may ask for.
pub const MAX_CHAIN_LIMIT: usize = 100;
/// Base64 text over all `x5c` entries at most.
pub const MAX_X5C_TEXT: usize = 64 * 1024;

/// Extensions whose meaning is understood here (critical ones are not a reason to reject):
/// basic constraints, key usage, subject and issuer alternative names, extended key usage,
/// key identifiers, certificate policies, CRL distribution points and authority information
/// access (both never followed).
const UNDERSTOOD: &[&str] = &[
    "2.5.29.19",
    "2.5.29.15",
    "2.5.29.17",
    "2.5.29.18",
    "2.5.29.37",
    "2.5.29.14",
    "2.5.29.35",
    "2.5.29.32",
    "2.5.29.31",
    "1.3.6.1.5.5.7.1.1",
];

/// One certificate, parsed once.
pub struct Cert {
    /// The DER bytes.
    pub der: Vec<u8>,
    /// The subject, RFC 4514 style (`CN=Prod Signing 3, O=Example`).
    pub subject: String,
    /// The issuer, likewise.
    pub issuer: String,
    /// notBefore, Unix seconds.
    pub not_before: i64,
    /// notAfter, Unix seconds.
    pub not_after: i64,
    /// SHA-256 of the DER, upper-case hex pairs joined by `:` (as `openssl x509 -fingerprint`).
    pub fingerprint: String,
    /// The DER SubjectPublicKeyInfo.
    pub spki: Vec<u8>,
    subject_raw: Vec<u8>,
    issuer_raw: Vec<u8>,
    /// basicConstraints: (cA, pathLenConstraint).
    basic: Option<(bool, Option<u32>)>,
    /// keyUsage: (digitalSignature, keyCertSign).
    key_usage: Option<(bool, bool)>,
    /// Every extension's OID, and whether it is critical.
    extensions: Vec<(String, bool)>,
    /// subjectAltName DNS names, when the extension is present.
    dns_names: Option<Vec<String>>,
    common_name: Option<String>,
    ossl: X509,
}

fn hex_colons(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

impl Cert {
    /// Parses one DER certificate (nothing may follow it).
    pub fn from_der(der: Vec<u8>) -> std::result::Result<Cert, String> {
        let (rest, c) = X509Certificate::from_der(&der)
            .map_err(|e| format!("not an X.509 certificate: {e}"))?;
        if !rest.is_empty() {
            return Err("bytes follow the certificate".into());
        }
        let mut basic = None;
        let mut key_usage = None;
        let mut dns_names = None;
        let mut extensions = Vec::new();
        for ext in c.extensions() {
            extensions.push((ext.oid.to_id_string(), ext.critical));
            match ext.parsed_extension() {
                ParsedExtension::BasicConstraints(b) => basic = Some((b.ca, b.path_len_constraint)),
                ParsedExtension::KeyUsage(k) => {
                    key_usage = Some((k.digital_signature(), k.key_cert_sign()))
                }
                ParsedExtension::SubjectAlternativeName(san) => {
                    dns_names = Some(
                        san.general_names
                            .iter()
                            .filter_map(|n| match n {
                                GeneralName::DNSName(d) => Some((*d).to_string()),
                                _ => None,
                            })
                            .collect(),
                    )
                }
                ParsedExtension::ParseError { error } => {
                    return Err(format!(
                        "extension {} does not parse: {error}",
                        ext.oid.to_id_string()
                    ));
                }
                _ => {}
            }
        }
        let common_name = c
            .subject()
            .iter_common_name()
            .next()
            .and_then(|cn| cn.as_str().ok())
            .map(str::to_string);
        let ossl = X509::from_der(&der).map_err(|e| format!("not an X.509 certificate: {e}"))?;
        Ok(Cert {
            subject: c.subject().to_string(),
            issuer: c.issuer().to_string(),
            not_before: c.validity().not_before.timestamp(),
            not_after: c.validity().not_after.timestamp(),
            fingerprint: hex_colons(&openssl::sha::sha256(&der)),
            spki: c.public_key().raw.to_vec(),
            subject_raw: c.subject().as_raw().to_vec(),
            issuer_raw: c.issuer().as_raw().to_vec(),
            basic,
            key_usage,
            extensions,
            dns_names,
            common_name,
            ossl,
            der,
        })
    }

    /// The public key, for verifying what this certificate signed.
    fn public_key(&self) -> Option<PKey<Public>> {
        self.ossl.public_key().ok()
    }

    /// Whether `issuer`'s key verifies this certificate's signature.
    fn signed_by(&self, issuer: &Cert) -> bool {
        issuer
            .public_key()
            .is_some_and(|k| self.ossl.verify(&k).unwrap_or(false))
    }

    /// Same subject and same key: the same entity, whatever the bytes (a re-issued root).
    fn same_entity(&self, other: &Cert) -> bool {
        self.subject_raw == other.subject_raw && self.spki == other.spki
    }

    /// The key, described (`EC P-256`, `RSA 2048 bits`).
    pub fn key_description(&self) -> String {
        match crate::keys::load_key_bytes(&self.spki, "certificate", None) {
            Ok(set) => set
                .keys
                .first()
                .map_or_else(|| "unknown key".into(), |k| k.describe()),
            Err(_) => "a key jwtctl cannot use".into(),
        }
    }

    /// Whether it carries an extension with this OID (dotted form).
    pub fn has_extension(&self, oid: &str) -> bool {
        self.extensions.iter().any(|(o, _)| o == oid)
    }

    fn quoted(&self) -> String {
        format!("certificate {:?}", crate::sanitize::sanitize(&self.subject))
    }
}

/// Reads the `x5c` member of a header: `None` when absent; the DER certificates, parsed, when
/// it is an array of base64 certificates within the bounds; `malformed` when it is not one,
/// `cert_invalid` when it is too long. The shape and alphabet are checked, then the size,
/// then the DER, so that no oversized chain is decoded.
pub fn chain_from_header(
    header: &Map<String, Value>,
    max_chain: usize,
) -> std::result::Result<Option<Vec<Cert>>, Rejection> {
    let Some(v) = header.get("x5c") else {
        return Ok(None);
    };
    let malformed = |m: &str| Rejection::malformed(format!("x5c {m}"));
    let Some(items) = v.as_array() else {
        return Err(malformed("is not an array of base64 certificates"));
    };
    if items.is_empty() {
        return Err(malformed("is an empty array"));
    }
    let mut texts = Vec::with_capacity(items.len().min(MAX_CHAIN_LIMIT));
    let mut total = 0usize;
    for (i, item) in items.iter().enumerate() {
        let Some(t) = item.as_str() else {
            return Err(malformed(&format!("entry {i} is not a string")));
        };
        if t.bytes().any(|b| b == b'-' || b == b'_') {
            return Err(malformed(&format!(
                "entry {i} is base64url; x5c entries are standard base64 (RFC 7515 4.1.6)"
            )));
        }
        if !t
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'=')
        {
            return Err(malformed(&format!("entry {i} is not base64")));
        }
        total = total.saturating_add(t.len());
        texts.push(t);
    }
    if items.len() > max_chain {
        return Err(Rejection::new(
            RejectCode::CertInvalid,
            format!(
                "x5c holds {} certificates, more than the {max_chain} allowed",
                items.len()
            ),
        ));
    }
    if total > MAX_X5C_TEXT {
        return Err(Rejection::new(
            RejectCode::CertInvalid,
            format!("x5c holds {total} bytes of base64, more than the 64 KiB allowed"),
        ));
    }
    let b64 = base64::engine::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
    );
    let mut certs = Vec::with_capacity(texts.len());
    for (i, t) in texts.into_iter().enumerate() {
        let der = b64
            .decode(t)
            .map_err(|_| malformed(&format!("entry {i} is not valid base64")))?;
        certs.push(Cert::from_der(der).map_err(|e| malformed(&format!("entry {i}: {e}")))?);
    }
    Ok(Some(certs))
}

/// What a chain must meet, besides reaching an anchor.
pub struct TrustPolicy {
    /// The trust anchors.
    pub anchors: Vec<Arc<Cert>>,
    /// Offline revocation lists.
    pub crls: Vec<Crl>,
    /// The leaf's DNS name (or, without a SAN, its CN), compared without regard to ASCII case.
    pub leaf_name: Option<String>,
    /// Extensions the leaf must carry (dotted OIDs); they count as understood on the leaf.
    pub leaf_oids: Vec<String>,
    /// Certificates in `x5c` at most.
    pub max_chain: usize,
}

/// A chain that passed: the path from the leaf up (the leaf first), and the anchor that ended it.
pub struct Validated {
    /// The path, leaf first, anchor not included.
    pub path: Vec<Cert>,
    /// The anchor.
    pub anchor: Arc<Cert>,
    /// CRL files signed by no certificate of the path (ignored).
    pub unused_crls: Vec<String>,
}

impl Validated {
    /// The leaf: its key verifies the token.
    pub fn leaf(&self) -> Option<&Cert> {
        self.path.first()
    }
}

fn invalid(msg: String) -> Rejection {
    Rejection::new(RejectCode::CertInvalid, msg)
}

fn untrusted(msg: String) -> Rejection {
    Rejection::new(RejectCode::CertUntrusted, msg)
}

/// Compares a header's thumbprint member with the leaf's digest.
fn check_thumbprint(
    header: &Map<String, Value>,
    name: &str,
    digest: &[u8],
) -> std::result::Result<(), Rejection> {
    match header.get(name) {
        None => Ok(()),
        Some(Value::String(t)) if crate::encoding::b64url(digest) == *t => Ok(()),
        Some(_) => Err(invalid(format!(
            "the header's {name} does not match the x5c leaf certificate"
        ))),
    }
}

impl TrustPolicy {
    /// Checks the chain `certs` (from [`chain_from_header`]) in `header` at `now`, in the
    /// contract's order: `x5t`, path, validity, constraints, leaf name and OIDs, revocation.
    pub fn validate(
        &self,
        header: &Map<String, Value>,
        certs: Vec<Cert>,
        now: i64,
    ) -> std::result::Result<Validated, Rejection> {
        let Some(leaf) = certs.first() else {
            return Err(Rejection::malformed("x5c is an empty array"));
        };
        check_thumbprint(header, "x5t", &openssl::sha::sha1(&leaf.der))?;
        check_thumbprint(header, "x5t#S256", &openssl::sha::sha256(&leaf.der))?;
        let (order, anchor) = self.build_path(&certs)?;
        let mut slots: Vec<Option<Cert>> = certs.into_iter().map(Some).collect();
        let path: Vec<Cert> = order
            .iter()
            .filter_map(|&i| slots.get_mut(i).and_then(Option::take))
            .collect();
        for c in &path {
            if now < c.not_before {
                return Err(Rejection::new(
                    RejectCode::CertNotYetValid,
                    format!(
                        "{} is not valid before {}",
                        c.quoted(),
                        format_timestamp(c.not_before)
                    ),
                ));
            }
            if now > c.not_after {
                return Err(Rejection::new(
                    RejectCode::CertExpired,
                    format!(
                        "{} expired at {}",
                        c.quoted(),
                        format_timestamp(c.not_after)
                    ),
                ));
            }
        }
        self.check_constraints(&path, &anchor)?;
        self.check_leaf(&path)?;
        let unused_crls = self.check_revocation(&path, &anchor)?;
        Ok(Validated {
            path,
            anchor,
            unused_crls,
        })
    }

    /// The indices of the path in `certs`, leaf first, and the anchor that ends it.
    fn build_path(
        &self,
        certs: &[Cert],
    ) -> std::result::Result<(Vec<usize>, Arc<Cert>), Rejection> {
        let mut order = vec![0usize];
        let mut used = vec![false; certs.len()];
        if let Some(u) = used.first_mut() {
            *u = true;
        }
        let mut current = certs
            .first()
            .ok_or_else(|| Rejection::malformed("x5c is an empty array"))?;
        // A leaf that is itself an anchor (a pinned certificate) ends the path at once.
        if let Some(a) = self.anchors.iter().find(|a| a.same_entity(current)) {
            return Ok((order, Arc::clone(a)));
        }
        loop {
            let mut named = None;
            for a in &self.anchors {
                if a.subject_raw == current.issuer_raw {
                    if current.signed_by(a) {
                        return Ok((order, Arc::clone(a)));
                    }
                    named = Some(&**a);
                }
            }
            let mut next = None;
            for (i, c) in certs.iter().enumerate() {
                if used.get(i) == Some(&false) && c.subject_raw == current.issuer_raw {
                    if current.signed_by(c) {
                        next = Some(i);
                        break;
                    }
                    named = named.or(Some(c));
                }
            }
            let Some(i) = next else {
                let self_issued = current.subject_raw == current.issuer_raw;
                return Err(untrusted(match named {
                    Some(_) if self_issued => format!(
                        "{} is self-signed and not a trust anchor (an anchor has its name but another key)",
                        current.quoted()
                    ),
                    Some(n) => format!(
                        "the signature of {} does not verify with the key of {}",
                        current.quoted(),
                        n.quoted()
                    ),
                    None if current.subject_raw == current.issuer_raw => {
                        format!("{} is self-signed and not a trust anchor", current.quoted())
                    }
                    None => format!(
                        "{} was issued by {:?}, which is neither a trust anchor nor in x5c",
                        current.quoted(),
                        crate::sanitize::sanitize(&current.issuer)
                    ),
                }));
            };
            if let Some(u) = used.get_mut(i) {
                *u = true;
            }
            order.push(i);
            current = certs
                .get(i)
                .ok_or_else(|| untrusted("the path lost a certificate".into()))?;
        }
    }

    fn check_constraints(
        &self,
        path: &[Cert],
        anchor: &Cert,
    ) -> std::result::Result<(), Rejection> {
        for (i, c) in path.iter().enumerate() {
            let leaf = i == 0;
            let understood = |oid: &str| {
                UNDERSTOOD.contains(&oid) || (leaf && self.leaf_oids.iter().any(|o| o == oid))
            };
            if let Some((oid, _)) = c
                .extensions
                .iter()
                .find(|(o, crit)| *crit && !understood(o))
            {
                return Err(invalid(format!(
                    "{} has an unknown critical extension {oid}",
                    c.quoted()
                )));
            }
            if leaf {
                if let Some((false, _)) = c.key_usage {
                    return Err(invalid(format!(
                        "{} may not make digital signatures (its keyUsage lacks digitalSignature)",
                        c.quoted()
                    )));
                }
                continue;
            }
            match c.basic {
                Some((true, _)) => {}
                _ => {
                    return Err(invalid(format!(
                        "{} signs another certificate but is not a CA (basicConstraints CA:FALSE or absent)",
                        c.quoted()
                    )));
                }
            }
            if let Some((_, false)) = c.key_usage {
                return Err(invalid(format!(
                    "{} signs another certificate but its keyUsage lacks keyCertSign",
                    c.quoted()
                )));
            }
            // Intermediates below it: every certificate between it and the leaf.
            check_path_len(c, i.saturating_sub(1))?;
        }
        // The anchor's own constraint, counted over every intermediate of the path.
        if path.len() > 1 || !path.first().is_some_and(|l| l.same_entity(anchor)) {
            check_path_len(anchor, path.len().saturating_sub(1))?;
        }
        Ok(())
    }

    fn check_leaf(&self, path: &[Cert]) -> std::result::Result<(), Rejection> {
        let Some(leaf) = path.first() else {
            return Ok(());
        };
        if let Some(want) = &self.leaf_name {
            let names: Vec<&str> = match &leaf.dns_names {
                Some(dns) => dns.iter().map(String::as_str).collect(),
                None => leaf.common_name.iter().map(String::as_str).collect(),
            };
            if !names.iter().any(|n| n.eq_ignore_ascii_case(want)) {
                let shown = if names.is_empty() {
                    "no name".to_string()
                } else {
                    names.join(", ")
                };
                return Err(invalid(format!(
                    "the leaf {} is for {}, not {:?}",
                    leaf.quoted(),
                    crate::sanitize::sanitize(&shown),
                    crate::sanitize::sanitize(want)
                )));
            }
        }
        for oid in &self.leaf_oids {
            if !leaf.has_extension(oid) {
                return Err(invalid(format!(
                    "the leaf {} has no extension {oid}",
                    leaf.quoted()
                )));
            }
        }
        Ok(())
    }

    /// Rejects a revoked certificate; returns the CRL files no certificate of the path signed.
    fn check_revocation(
        &self,
        path: &[Cert],
        anchor: &Cert,
    ) -> std::result::Result<Vec<String>, Rejection> {
        let mut unused = Vec::new();
        for crl in &self.crls {
            let signers = path.iter().chain(std::iter::once(anchor));
            let signer = signers.into_iter().find(|c| {
                c.subject_raw == crl.issuer_raw
                    && c.public_key()
                        .is_some_and(|k| crl.crl.verify(&k).unwrap_or(false))
            });
            let Some(signer) = signer else {
                unused.push(crl.file.clone());
                continue;
            };
            for c in path.iter().filter(|c| c.issuer_raw == signer.subject_raw) {
                if let CrlStatus::Revoked(_) = crl.crl.get_by_cert(&c.ossl) {
                    return Err(Rejection::new(
                        RejectCode::CertRevoked,
                        format!("{} is revoked (listed by {})", c.quoted(), crl.file),
                    ));
                }
            }
        }
        Ok(unused)
    }
}

fn check_path_len(c: &Cert, below: usize) -> std::result::Result<(), Rejection> {
    if let Some((_, Some(max))) = c.basic {
        if below > usize::try_from(max).unwrap_or(usize::MAX) {
            return Err(invalid(format!(
                "{} allows {max} intermediate certificate(s) below it (pathLenConstraint), the path has {below}",
                c.quoted()
            )));
        }
    }
    Ok(())
}

/// Lines describing a certificate for reports: subject, issuer, validity, key, fingerprint.
pub fn describe(c: &Cert) -> String {
    format!(
        "{:?} issued by {:?}, valid {} to {}, {}, SHA-256 {}",
        crate::sanitize::sanitize(&c.subject),
        crate::sanitize::sanitize(&c.issuer),
        format_timestamp(c.not_before),
        format_timestamp(c.not_after),
        c.key_description(),
        c.fingerprint
    )
}

/// The `x5c` value for a header: each DER certificate in standard base64.
pub fn header_value(certs: &[Cert]) -> Value {
    Value::Array(
        certs
            .iter()
            .map(|c| Value::String(base64::engine::general_purpose::STANDARD.encode(&c.der)))
            .collect(),
    )
}

/// `x5t#S256` of a certificate.
pub fn thumbprint_s256(c: &Cert) -> String {
    crate::encoding::b64url(openssl::sha::sha256(&c.der))
}
