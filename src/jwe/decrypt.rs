//! Decryption: recipients and keys tried in turn under the PBES2 work budget, content
//! decrypted and inflated up to the cap, and one error for every cryptographic failure.

use super::*;

pub(super) fn decrypt_failed() -> Rejection {
    reject(
        RejectCode::DecryptionFailed,
        "decryption failed: wrong key, or the token was altered",
    )
}

/// Decrypts a JWE with the first key of `keys` that can open one of its recipients.
pub fn decrypt(input: &str, keys: &KeySet, opts: &DecryptOptions) -> Result<Decrypted, Rejection> {
    let text = normalize_input(input);
    if text.is_empty() {
        return Err(malformed("empty input: no token"));
    }
    if text.len() > MAX_TOKEN_BYTES {
        return Err(reject(
            RejectCode::LimitExceeded,
            format!("token is larger than {MAX_TOKEN_BYTES} bytes"),
        ));
    }
    let (body, recips) = parse_jwe(text)?;
    let mut first_err: Option<Rejection> = None;
    // PBKDF2 iterations spent on this token: `max_p2c` bounds the sum over every recipient
    // and key tried, not just each recipient's own count, or a token of many recipients
    // would cost many times the limit.
    let mut spent: u64 = 0;
    for r in &recips {
        let (alg, enc) = match precheck(r, &body, opts) {
            Ok(x) => x,
            Err(e) => {
                first_err.get_or_insert(e);
                continue;
            }
        };
        let kid = r.header.get("kid").and_then(Value::as_str);
        let candidates = keys.select(kid);
        if let (true, Some(kid)) = (candidates.is_empty(), kid) {
            first_err.get_or_insert(Rejection::kid_not_found(kid));
            continue;
        }
        let fitting: Vec<&Key> = candidates
            .into_iter()
            .filter(|k| check_key(alg, Some(enc), k, true).is_ok())
            .collect();
        if fitting.is_empty() {
            first_err.get_or_insert(reject(
                RejectCode::AlgNotAllowed,
                format!("JWE algorithm {alg} does not fit the key"),
            ));
            continue;
        }
        let cost = r.header.get("p2c").and_then(Value::as_u64).unwrap_or(0);
        for key in fitting {
            if alg.family() == JweFamily::Pbes2 {
                spent = match spent.checked_add(cost) {
                    Some(total) if total <= opts.max_p2c => total,
                    _ => {
                        return Err(reject(
                            RejectCode::LimitExceeded,
                            format!(
                                "PBES2 work limit: another recipient would take the iterations past {} for this token",
                                opts.max_p2c
                            ),
                        )
                        .with_remedy(Remedy::RaiseP2cLimit));
                    }
                };
            }
            let Ok(d) = decrypter(alg, key) else {
                continue;
            };
            match open(r, &body, enc, &*d, opts) {
                Ok(plaintext) => {
                    return Ok(Decrypted {
                        plaintext,
                        header: r.header.clone(),
                    });
                }
                Err(Opened::TooLarge) => return Err(plaintext_cap(opts)),
                Err(Opened::Failed) => {
                    first_err.get_or_insert(decrypt_failed());
                }
            }
        }
    }
    Err(first_err.unwrap_or_else(decrypt_failed))
}

/// Why a recipient did not open.
pub(super) enum Opened {
    /// Any cryptographic failure: one outcome, so the tool is no padding or key oracle.
    Failed,
    /// The plaintext (inflated) is over the cap.
    TooLarge,
}

/// Decrypts the body for one recipient (RFC 7516 5.2 steps 10-16): the key management
/// algorithm gives the content key, which must have the content encryption's size, which
/// decrypts and authenticates; `zip: DEF` content is inflated up to the cap.
pub(super) fn open(
    r: &Recipient,
    body: &Body,
    enc: JweEnc,
    decrypter: &dyn JweDecrypter,
    opts: &DecryptOptions,
) -> Result<Vec<u8>, Opened> {
    let cenc = content_encryption(enc);
    let header = JweHeader::from_map(r.header.clone()).map_err(|_| Opened::Failed)?;
    let cek = decrypter
        .decrypt(r.encrypted_key.as_deref(), cenc, &header)
        .map_err(|_| Opened::Failed)?;
    if cek.len() != cenc.key_len() {
        return Err(Opened::Failed);
    }
    let content = cenc
        .decrypt(
            &cek,
            Some(&body.iv),
            &body.ciphertext,
            body.aad.as_bytes(),
            Some(&body.tag),
        )
        .map_err(|_| Opened::Failed)?;
    let plaintext = match r.header.get("zip") {
        Some(_) => inflate_bounded(&content, opts.max_plaintext)?,
        None => content,
    };
    if plaintext.len() > opts.max_plaintext {
        return Err(Opened::TooLarge);
    }
    Ok(plaintext)
}

/// Inflates raw DEFLATE (RFC 1951) data, stopping one byte past `cap`.
pub(super) fn inflate_bounded(data: &[u8], cap: usize) -> Result<Vec<u8>, Opened> {
    let mut out = Vec::new();
    flate2::read::DeflateDecoder::new(data)
        .take(u64::try_from(cap).unwrap_or(u64::MAX).saturating_add(1))
        .read_to_end(&mut out)
        .map_err(|_| Opened::Failed)?;
    if out.len() > cap {
        return Err(Opened::TooLarge);
    }
    Ok(out)
}

/// josekit's implementation of a content encryption.
pub(super) fn content_encryption(enc: JweEnc) -> &'static dyn JweContentEncryption {
    use josekit::jwe::enc::aescbc_hmac::AescbcHmacJweEncryption as Cbc;
    use josekit::jwe::enc::aesgcm::AesgcmJweEncryption as Gcm;
    match enc {
        JweEnc::A128CbcHs256 => &Cbc::A128cbcHs256,
        JweEnc::A192CbcHs384 => &Cbc::A192cbcHs384,
        JweEnc::A256CbcHs512 => &Cbc::A256cbcHs512,
        JweEnc::A128Gcm => &Gcm::A128gcm,
        JweEnc::A192Gcm => &Gcm::A192gcm,
        JweEnc::A256Gcm => &Gcm::A256gcm,
    }
}

pub(super) fn plaintext_cap(opts: &DecryptOptions) -> Rejection {
    reject(
        RejectCode::LimitExceeded,
        format!("the plaintext is larger than {} bytes", opts.max_plaintext),
    )
    .with_remedy(Remedy::RaisePlaintextLimit)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    fn password_set(password: &[u8]) -> KeySet {
        KeySet {
            keys: vec![Key::from_secret(password.to_vec())],
            is_set: false,
        }
    }

    /// A general JWE of `n` PBES2 recipients, each with its own salt and `p2c`, none of
    /// which the password opens.
    fn many_recipients(n: usize, p2c: u64) -> String {
        let opts = EncryptOptions {
            alg: Some(JweAlg::Pbes2Hs256A128Kw),
            enc: JweEnc::A128Gcm,
            zip: false,
            header: Map::new(),
            serialization: Serialization::Flattened,
            p2c: 1000,
        };
        let one = encrypt(b"secret", &Key::from_secret(b"right".to_vec()), &opts).unwrap();
        let v: Value = serde_json::from_str(&one).unwrap();
        let protected: Value =
            serde_json::from_slice(&b64url_decode(v["protected"].as_str().unwrap()).unwrap())
                .unwrap();
        let recipients: Vec<Value> = (0..n)
            .map(|i| {
                serde_json::json!({
                    "header": {"alg": "PBES2-HS256+A128KW", "p2c": p2c,
                               "p2s": crate::encoding::b64url(format!("salt-{i:04}"))},
                    "encrypted_key": v["encrypted_key"],
                })
            })
            .collect();
        let shared =
            crate::encoding::b64url(serde_json::json!({"enc": protected["enc"]}).to_string());
        serde_json::json!({
            "protected": shared,
            "recipients": recipients,
            "iv": v["iv"], "ciphertext": v["ciphertext"], "tag": v["tag"],
        })
        .to_string()
    }

    fn iterations_spent(token: &str, max_p2c: u64) -> (u64, Result<Decrypted, Rejection>) {
        let before = PBKDF2_ITERATIONS.with(std::cell::Cell::get);
        let opts = DecryptOptions {
            max_p2c,
            ..DecryptOptions::default()
        };
        let r = decrypt(token, &password_set(b"wrong"), &opts);
        (
            PBKDF2_ITERATIONS
                .with(std::cell::Cell::get)
                .saturating_sub(before),
            r,
        )
    }

    /// 100 recipients of p2c 1000 each, under a budget of 5000: at most 5 key derivations,
    /// then a limit rejection, instead of 100 derivations.
    #[test]
    fn pbes2_budget_bounds_the_whole_token() {
        let token = many_recipients(100, 1000);
        let (spent, r) = iterations_spent(&token, 5000);
        assert_eq!(spent, 5000);
        assert_eq!(r.unwrap_err().code, RejectCode::LimitExceeded);
        // Within the budget every recipient is tried, and the failure is a decryption one.
        let (spent, r) = iterations_spent(&many_recipients(3, 1000), 5000);
        assert_eq!(spent, 3000);
        assert_eq!(r.unwrap_err().code, RejectCode::DecryptionFailed);
        // One recipient over the budget costs nothing.
        let (spent, r) = iterations_spent(&many_recipients(1, 6000), 5000);
        assert_eq!(spent, 0);
        assert_eq!(r.unwrap_err().code, RejectCode::LimitExceeded);
    }

    #[test]
    fn p2c_outside_openssl_range_never_reaches_it() {
        let opts = EncryptOptions {
            alg: Some(JweAlg::Pbes2Hs256A128Kw),
            enc: JweEnc::A128Gcm,
            zip: false,
            header: Map::new(),
            serialization: Serialization::Compact,
            p2c: MAX_P2C + 1,
        };
        assert!(encrypt(b"x", &Key::from_secret(b"pw".to_vec()), &opts).is_err());
        let opts = DecryptOptions {
            max_p2c: u64::MAX,
            ..DecryptOptions::default()
        };
        let token = many_recipients(1, 3_000_000_000);
        let r = decrypt(&token, &password_set(b"wrong"), &opts);
        assert!(r.is_err());
    }
}
