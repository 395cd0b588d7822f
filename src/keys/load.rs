//! Reading key files: the format sniffed from the content (JWK or JWK Set, PEM, DER), the
//! fast path for SPKI/PKCS#8 ([`super::native`]), and OpenSSL for everything else.

use super::*;

/// The passphrase does not open the key read from `what`.
fn wrong_passphrase(what: &str) -> Error {
    in_file(
        what,
        KeyErrorKind::WrongPassphrase,
        "cannot decrypt the private key (wrong passphrase?)",
    )
}

/// A key error about the key read from `what`.
fn in_file(what: &str, kind: KeyErrorKind, msg: impl Into<String>) -> Error {
    Error::Key(KeyError {
        kind,
        message: msg.into(),
        source_name: Some(what.to_string()),
        remedy: None,
    })
}

/// Reads and parses a key file. `passphrase` decrypts encrypted private keys.
pub fn load_key_file(path: &Path, passphrase: Option<&[u8]>) -> Result<KeySet> {
    let bytes = read_limited(path, MAX_KEY_FILE)?;
    load_key_bytes(&bytes, &path.display().to_string(), passphrase)
}

/// Reads a whole file, refusing files over `limit` bytes.
pub fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(path, e))?;
    if bytes.len() as u64 > limit {
        return Err(Error::usage(format!(
            "{}: file is larger than {limit} bytes",
            path.display()
        )));
    }
    Ok(bytes)
}

/// Parses key bytes, sniffing the format: JWK/JWKS (JSON), PEM, or DER. `what` names the
/// source in messages.
pub fn load_key_bytes(bytes: &[u8], what: &str, passphrase: Option<&[u8]>) -> Result<KeySet> {
    let trimmed = bytes.trim_ascii();
    if trimmed.is_empty() {
        return Err(in_file(what, KeyErrorKind::Invalid, "empty key file"));
    }
    let fail = |msg: String| in_file(what, KeyErrorKind::Invalid, msg);
    if trimmed.first() == Some(&b'{') {
        let value = parse_value_strict(trimmed).map_err(|e| fail(format!("invalid JSON: {e}")))?;
        let Value::Object(obj) = value else {
            return Err(fail("expected a JSON object".into()));
        };
        if let Some(keys) = obj.get("keys") {
            let Value::Array(list) = keys else {
                return Err(fail("JWKS member \"keys\" must be an array".into()));
            };
            let mut out = Vec::with_capacity(list.len());
            for (i, k) in list.iter().enumerate() {
                let Value::Object(jwk) = k else {
                    return Err(fail(format!(
                        "key #{i} of the set is {}, not an object",
                        json_type(k)
                    )));
                };
                out.push(key_from_jwk(jwk).map_err(|e| fail(format!("key #{i} of the set: {e}")))?);
            }
            if out.is_empty() {
                return Err(fail("the JWK Set has no keys".into()));
            }
            return Ok(KeySet {
                keys: out,
                is_set: true,
            });
        }
        let key = key_from_jwk(&obj).map_err(|e| fail(e.to_string()))?;
        return Ok(KeySet {
            keys: vec![key],
            is_set: false,
        });
    }
    if let Some(text) = std::str::from_utf8(trimmed)
        .ok()
        .filter(|t| t.contains("-----BEGIN "))
    {
        return load_pem(text, what, passphrase).map(|k| KeySet {
            keys: vec![k],
            is_set: false,
        });
    }
    // DER is binary: trimming "whitespace" would cut a key whose last byte happens to be
    // 0x20 or 0x0a.
    load_der(bytes, what, passphrase).map(|k| KeySet {
        keys: vec![k],
        is_set: false,
    })
}

fn pem_labels(text: &str) -> Vec<&str> {
    text.match_indices("-----BEGIN ")
        .filter_map(|(i, m)| {
            let rest = text.get(i.checked_add(m.len())?..)?;
            rest.find("-----").and_then(|end| rest.get(..end))
        })
        .collect()
}

/// Records how a key was stored and names the source in its error message.
fn with_origin(
    what: &str,
    key: Result<Key>,
    format: &'static str,
    encrypted: bool,
    cert_der: Option<Vec<u8>>,
) -> Result<Key> {
    match key {
        Ok(mut k) => {
            k.origin = KeyOrigin {
                format,
                encrypted,
                cert_der,
            };
            Ok(k)
        }
        Err(Error::Key(mut k)) => {
            k.source_name.get_or_insert_with(|| what.to_string());
            Err(Error::Key(k))
        }
        Err(e) => Err(e),
    }
}

fn load_pem(text: &str, what: &str, passphrase: Option<&[u8]>) -> Result<Key> {
    let labels = pem_labels(text);
    let has = |l: &str| labels.contains(&l);
    let bad = |kind: &str, e: openssl::error::ErrorStack| {
        in_file(
            what,
            KeyErrorKind::Invalid,
            format!("invalid {kind}: {}", ossl_reason(&e)),
        )
    };
    let pem = text.as_bytes();
    let legacy_encrypted = text.contains("Proc-Type: 4,ENCRYPTED");
    if has("ENCRYPTED PRIVATE KEY")
        || (legacy_encrypted && labels.iter().any(|l| l.ends_with("PRIVATE KEY")))
    {
        let Some(pass) = passphrase else {
            return Err(Error::PassphraseNeeded {
                what: what.to_string(),
            });
        };
        let pkey =
            PKey::private_key_from_pem_passphrase(pem, pass).map_err(|_| wrong_passphrase(what))?;
        let format = if has("ENCRYPTED PRIVATE KEY") {
            "PEM encrypted PKCS#8"
        } else {
            "PEM encrypted (legacy)"
        };
        return with_origin(what, Key::from_private(pkey), format, true, None);
    }
    if let [label @ ("PRIVATE KEY" | "PUBLIC KEY")] = labels.as_slice() {
        let fast = native::pem_block(text, label).and_then(|der| {
            if *label == "PRIVATE KEY" {
                native::from_pkcs8(&der)
            } else {
                native::from_spki(&der)
            }
        });
        if let Some(parts) = fast {
            let format = if *label == "PRIVATE KEY" {
                "PEM PKCS#8"
            } else {
                "PEM SPKI"
            };
            return with_origin(what, Ok(Key::from_der_key(parts)), format, false, None);
        }
    }
    if has("PRIVATE KEY") || has("RSA PRIVATE KEY") || has("EC PRIVATE KEY") {
        let format = if has("PRIVATE KEY") {
            "PEM PKCS#8"
        } else if has("RSA PRIVATE KEY") {
            "PEM PKCS#1"
        } else {
            "PEM SEC1"
        };
        let key = PKey::private_key_from_pem(pem)
            .map_err(|e| bad("PEM private key", e))
            .and_then(Key::from_private)
            .and_then(
                |k| match (k.key_type(), native::pem_block(text, "PRIVATE KEY")) {
                    // Only an OKP PKCS#8 can carry a public key OpenSSL does not check.
                    (KeyType::Okp(_), Some(der)) => policy::check_pkcs8_public(&der, k),
                    _ => Ok(k),
                },
            );
        with_origin(what, key, format, false, None)
    } else if has("PUBLIC KEY") {
        let key = PKey::public_key_from_pem(pem)
            .map_err(|e| bad("PEM public key", e))
            .and_then(Key::from_public);
        with_origin(what, key, "PEM SPKI", false, None)
    } else if has("RSA PUBLIC KEY") {
        let key = Rsa::public_key_from_pem_pkcs1(pem)
            .and_then(PKey::from_rsa)
            .map_err(|e| bad("PEM RSA public key", e))
            .and_then(Key::from_public);
        with_origin(what, key, "PEM PKCS#1 public", false, None)
    } else if has("CERTIFICATE") || has("TRUSTED CERTIFICATE") {
        let cert = X509::from_pem(pem).map_err(|e| bad("X.509 certificate", e))?;
        let der = cert.to_der().map_err(|e| bad("X.509 certificate", e))?;
        let key = cert
            .public_key()
            .map_err(|e| bad("X.509 certificate", e))
            .and_then(Key::from_public);
        with_origin(what, key, "PEM X.509 certificate", false, Some(der))
    } else if has("OPENSSH PRIVATE KEY") {
        Err(in_file(
            what,
            KeyErrorKind::Unsupported,
            "OpenSSH private keys are not supported; convert with: ssh-keygen -p -m PKCS8 -f FILE",
        ))
    } else {
        Err(in_file(
            what,
            KeyErrorKind::Unsupported,
            format!(
                "no key in PEM (found {}); expected PRIVATE KEY, PUBLIC KEY, RSA/EC PRIVATE KEY or CERTIFICATE",
                if labels.is_empty() {
                    "no block".to_string()
                } else {
                    labels.join(", ")
                }
            ),
        ))
    }
}

/// DER object identifier of PBES2 (1.2.840.113549.1.5.13), the scheme of encrypted PKCS#8.
const PBES2_OID: &[u8] = &[
    0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0d,
];

fn load_der(der: &[u8], what: &str, passphrase: Option<&[u8]>) -> Result<Key> {
    if der.first() != Some(&0x30) {
        return Err(in_file(
            what,
            KeyErrorKind::Invalid,
            "not a key (expected PEM, DER, a JWK or a JWK Set)",
        ));
    }
    let head = der.get(..der.len().min(32)).unwrap_or(der);
    if head.windows(PBES2_OID.len()).any(|w| w == PBES2_OID) {
        let Some(pass) = passphrase else {
            return Err(Error::PassphraseNeeded {
                what: what.to_string(),
            });
        };
        let pkey = PKey::private_key_from_pkcs8_passphrase(der, pass)
            .map_err(|_| wrong_passphrase(what))?;
        return with_origin(
            what,
            Key::from_private(pkey),
            "DER encrypted PKCS#8",
            true,
            None,
        );
    }
    if let Some(parts) = native::from_pkcs8(der) {
        let key = Ok(Key::from_der_key(parts));
        return with_origin(what, key, "DER private key", false, None);
    }
    if let Some(parts) = native::from_spki(der) {
        return with_origin(what, Ok(Key::from_der_key(parts)), "DER SPKI", false, None);
    }
    if let Ok(p) = PKey::private_key_from_der(der) {
        let key = Key::from_private(p).and_then(|k| policy::check_pkcs8_public(der, k));
        return with_origin(what, key, "DER private key", false, None);
    }
    if let Ok(p) = PKey::public_key_from_der(der) {
        return with_origin(what, Key::from_public(p), "DER SPKI", false, None);
    }
    if let Ok(p) = Rsa::public_key_from_der_pkcs1(der).and_then(PKey::from_rsa) {
        return with_origin(what, Key::from_public(p), "DER PKCS#1 public", false, None);
    }
    if let Ok(cert) = X509::from_der(der) {
        let key = cert
            .public_key()
            .map_err(|e| Error::key(ossl_reason(&e)))
            .and_then(Key::from_public);
        return with_origin(
            what,
            key,
            "DER X.509 certificate",
            false,
            Some(der.to_vec()),
        );
    }
    Err(in_file(
        what,
        KeyErrorKind::Invalid,
        "not a key (DER that is neither a private key, a public key nor a certificate)",
    ))
}

/// A JWK Set published by a server (a `jwks_uri`), already parsed: as RFC 7517 section 5 asks, members that
/// cannot be used (an unknown `kty` or `crv`, missing or invalid members) are left out rather
/// than failing the set; the reasons come back with the set. A set that publishes a secret
/// (`oct`) or private key material is refused unless `allow_private` (a decryption set), and
/// a set with no usable member is an error.
pub fn load_published_set(
    set: &Map<String, Value>,
    what: &str,
    allow_private: bool,
) -> Result<(KeySet, Vec<String>)> {
    let fail = |msg: String| in_file(what, KeyErrorKind::Invalid, msg);
    let Some(Value::Array(list)) = set.get("keys") else {
        return Err(fail(
            "not a JWK Set: expected an object with a \"keys\" array".into(),
        ));
    };
    let mut keys = Vec::with_capacity(list.len());
    let mut skipped = Vec::new();
    for (i, member) in list.iter().enumerate() {
        let Value::Object(jwk) = member else {
            skipped.push(format!("key #{i} is {}, not an object", json_type(member)));
            continue;
        };
        match key_from_jwk(jwk) {
            Ok(key) if !allow_private && key.key_type() == KeyType::Oct => {
                return Err(fail(format!(
                    "key #{i} is a secret (oct) key: a published key set must never carry a secret"
                )));
            }
            Ok(key) if !allow_private && key.is_private() => {
                return Err(fail(format!(
                    "key #{i} carries private key material: a published key set must hold public keys only"
                )));
            }
            Ok(key) => keys.push(key),
            Err(e) => skipped.push(format!("key #{i} left out: {e}")),
        }
    }
    if keys.is_empty() {
        let why = if skipped.is_empty() {
            "the JWK Set has no keys".to_string()
        } else {
            format!("the JWK Set has no usable key ({})", skipped.join("; "))
        };
        return Err(fail(why));
    }
    Ok((KeySet { keys, is_set: true }, skipped))
}
