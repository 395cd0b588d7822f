//! The one JWE parser: compact, flattened and general JSON, for decryption and for `inspect`.

use super::*;

/// The parts of a compact or JSON JWE, enough to describe it without decrypting.
#[derive(Debug, Clone)]
pub struct JweParts {
    /// How it was serialized.
    pub serialization: Serialization,
    /// The decoded protected header.
    pub protected: Map<String, Value>,
    /// Sizes in bytes of encrypted key, IV, ciphertext and tag (the first recipient's key).
    pub sizes: [usize; 4],
    /// Number of recipients.
    pub recipients: usize,
}

/// Parses a JWE for description (`inspect`), with the same parser decryption uses.
pub fn parts(input: &str) -> Result<JweParts, Rejection> {
    let (body, recips) = parse_jwe(normalize_input(input))?;
    Ok(JweParts {
        serialization: body.serialization,
        sizes: [
            recips.first().map_or(0, Recipient::encrypted_key_len),
            body.iv.len(),
            body.ciphertext.len(),
            body.tag.len(),
        ],
        recipients: recips.len(),
        protected: body.protected,
    })
}

/// The parts of a JWE that every recipient shares.
pub(super) struct Body {
    pub(super) serialization: Serialization,
    /// The protected header, decoded.
    pub(super) protected: Map<String, Value>,
    pub(super) iv: Vec<u8>,
    pub(super) ciphertext: Vec<u8>,
    pub(super) tag: Vec<u8>,
    /// The additional authenticated data: the protected header as encoded, and for JSON a
    /// `.` and the `aad` member when there is one (RFC 7516 5.1 step 14).
    pub(super) aad: String,
}

/// One recipient's view of a JWE: the merged header and its encrypted key (`None` when the
/// member is absent or empty, as producers write it for `dir` and `ECDH-ES`).
pub(super) struct Recipient {
    pub(super) header: Map<String, Value>,
    pub(super) encrypted_key: Option<Vec<u8>>,
}

impl Recipient {
    pub(super) fn encrypted_key_len(&self) -> usize {
        self.encrypted_key.as_ref().map_or(0, Vec::len)
    }
}

pub(super) fn part(obj: &Map<String, Value>, name: &str) -> Result<Vec<u8>, Rejection> {
    match obj.get(name) {
        None => Ok(Vec::new()),
        Some(Value::String(s)) => b64url_decode(s)
            .map_err(|e| malformed(format!("JWE {name} is not valid base64url: {e}"))),
        Some(v) => Err(malformed(format!(
            "JWE {name} must be a string, not {}",
            json_type(v)
        ))),
    }
}

pub(super) fn merge_into(
    dst: &mut Map<String, Value>,
    src: &Map<String, Value>,
) -> Result<(), Rejection> {
    for (k, v) in src {
        if dst.contains_key(k) {
            return Err(malformed(format!(
                "header parameter {k:?} appears in more than one JWE header (RFC 7516 7.2.1)"
            )));
        }
        dst.insert(k.clone(), v.clone());
    }
    Ok(())
}

/// The one JWE parser: compact, flattened or general JSON, into the shared body and each
/// recipient's merged header (RFC 7516 7.2.1: a name in two headers is refused).
pub(super) fn parse_jwe(text: &str) -> Result<(Body, Vec<Recipient>), Rejection> {
    if text.starts_with('{') {
        let v = parse_value_strict(text.as_bytes())
            .map_err(|e| malformed(format!("not valid JSON: {e}")))?;
        let Value::Object(obj) = v else {
            return Err(malformed("expected a JSON object"));
        };
        if !obj.contains_key("ciphertext") {
            return Err(reject(
                RejectCode::WrongTokenType,
                "this is not a JWE (no \"ciphertext\"); a JWS is checked with `jwtctl verify`",
            ));
        }
        let mut shared = Map::new();
        let protected_b64 = match obj.get("protected") {
            None => "",
            Some(Value::String(p)) => p.as_str(),
            Some(_) => return Err(malformed("JWE \"protected\" must be a string")),
        };
        if !protected_b64.is_empty() {
            let bytes = b64url_decode(protected_b64).map_err(|e| {
                malformed(format!("JWE protected header is not valid base64url: {e}"))
            })?;
            shared = parse_object_strict(&bytes)
                .map_err(|e| malformed(format!("JWE protected header: {e}")))?;
        }
        let protected = shared.clone();
        if let Some(u) = obj.get("unprotected") {
            let u = u
                .as_object()
                .ok_or_else(|| malformed("JWE \"unprotected\" must be an object"))?;
            merge_into(&mut shared, u)?;
        }
        let mut aad = protected_b64.to_string();
        match obj.get("aad") {
            None => {}
            Some(Value::String(a)) => {
                b64url_decode(a)
                    .map_err(|e| malformed(format!("JWE aad is not valid base64url: {e}")))?;
                aad.push('.');
                aad.push_str(a);
            }
            Some(_) => return Err(malformed("JWE \"aad\" must be a string")),
        }
        let body = Body {
            serialization: if obj.contains_key("recipients") {
                Serialization::General
            } else {
                Serialization::Flattened
            },
            protected: protected.clone(),
            iv: part(&obj, "iv")?,
            ciphertext: part(&obj, "ciphertext")?,
            tag: part(&obj, "tag")?,
            aad,
        };
        let list: Vec<&Map<String, Value>> = match obj.get("recipients") {
            Some(Value::Array(a)) if a.len() > crate::jws::MAX_PARTIES => {
                return Err(reject(
                    RejectCode::LimitExceeded,
                    format!(
                        "the JWE has {} recipients; at most {} are tried",
                        a.len(),
                        crate::jws::MAX_PARTIES
                    ),
                ));
            }
            Some(Value::Array(a)) if !a.is_empty() => a
                .iter()
                .map(|r| {
                    r.as_object()
                        .ok_or_else(|| malformed("a JWE recipient is not an object"))
                })
                .collect::<Result<_, _>>()?,
            Some(_) => return Err(malformed("JWE \"recipients\" must be a non-empty array")),
            None => vec![&obj],
        };
        let mut out = Vec::with_capacity(list.len());
        for r in list {
            let mut header = shared.clone();
            if let Some(h) = r.get("header") {
                merge_into(
                    &mut header,
                    h.as_object()
                        .ok_or_else(|| malformed("a recipient \"header\" must be an object"))?,
                )?;
            }
            let key = part(r, "encrypted_key")?;
            out.push(Recipient {
                header,
                encrypted_key: (!key.is_empty()).then_some(key),
            });
        }
        return Ok((body, out));
    }
    let parts: Vec<&str> = text.split('.').collect();
    let [h, k, iv, c, t] = parts.as_slice() else {
        if parts.len() == 3 {
            return Err(reject(
                RejectCode::WrongTokenType,
                "this is a JWS (signed token), not a JWE: use `jwtctl verify`",
            ));
        }
        return Err(malformed(format!(
            "expected 5 parts separated by '.', found {}",
            parts.len()
        )));
    };
    let hb = b64url_decode(h)
        .map_err(|e| malformed(format!("the JWE header is not valid base64url: {e}")))?;
    let header = parse_object_strict(&hb)
        .map_err(|e| malformed(format!("the JWE header is not a JSON object: {e}")))?;
    let dec = |s: &str, what: &str| {
        b64url_decode(s)
            .map_err(|e| malformed(format!("the JWE {what} is not valid base64url: {e}")))
    };
    let key = dec(k, "encrypted key")?;
    let body = Body {
        serialization: Serialization::Compact,
        protected: header.clone(),
        iv: dec(iv, "IV")?,
        ciphertext: dec(c, "ciphertext")?,
        tag: dec(t, "tag")?,
        aad: (*h).to_string(),
    };
    Ok((
        body,
        vec![Recipient {
            header,
            encrypted_key: (!key.is_empty()).then_some(key),
        }],
    ))
}
