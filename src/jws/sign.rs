//! Signing and serializing a new JWS: compact, flattened or general JSON, detached or
//! unencoded (RFC 7797) payloads.

use super::*;

/// How to serialize a new JWS.
#[derive(Debug, Clone, Copy)]
pub struct SignOptions {
    /// Output serialization.
    pub serialization: Serialization,
    /// Leave the payload out of the output (RFC 7515 appendix F).
    pub detached: bool,
    /// Do not base64url-encode the payload (RFC 7797 `b64: false`).
    pub unencoded: bool,
}

/// Signs `payload` with `header` (which must already carry `alg`) as a compact JWS: what
/// every token jwtctl makes for a protocol (access and ID tokens, assertions, proofs,
/// KB-JWTs) is.
pub fn sign_compact(
    payload: &[u8],
    header: serde_json::Map<String, serde_json::Value>,
    signer: Option<&crate::crypto::Signer>,
) -> Result<String> {
    sign(
        payload,
        header,
        signer,
        SignOptions {
            serialization: crate::jws::Serialization::Compact,
            detached: false,
            unencoded: false,
        },
    )
}

/// Signs `payload` with `header` (which must already carry `alg`) and serializes the JWS.
/// Without a signer the signature is empty: an unsecured JWS (`alg: none`, RFC 7515 A.5),
/// which callers must only produce when the user insisted.
pub fn sign(
    payload: &[u8],
    mut header: Map<String, Value>,
    signer: Option<&Signer>,
    opts: SignOptions,
) -> Result<String> {
    let payload_text: String = if opts.unencoded {
        header.insert("b64".into(), Value::Bool(false));
        let mut crit: Vec<Value> = match header.remove("crit") {
            Some(Value::Array(a)) => a,
            _ => Vec::new(),
        };
        if !crit.iter().any(|v| v == "b64") {
            crit.push("b64".into());
        }
        header.insert("crit".into(), Value::Array(crit));
        let text = std::str::from_utf8(payload).map_err(|_| {
            Error::usage("an unencoded payload must be UTF-8 (it is carried as text)")
        })?;
        if opts.serialization == Serialization::Compact && !opts.detached && text.contains('.') {
            return Err(Error::usage(
                "an unencoded compact payload must not contain '.': detach it or use a JSON serialization",
            ));
        }
        text.to_string()
    } else {
        b64url(payload)
    };
    let header_json =
        serde_json::to_string(&Value::Object(header)).map_err(|e| Error::usage(e.to_string()))?;
    let protected_b64 = b64url(header_json);
    let signature = match signer {
        Some(s) => b64url(s.sign(&signing_input(&protected_b64, payload_text.as_bytes()))?),
        None => String::new(),
    };
    let shown_payload = if opts.detached {
        ""
    } else {
        payload_text.as_str()
    };
    Ok(match opts.serialization {
        Serialization::Compact => format!("{protected_b64}.{shown_payload}.{signature}"),
        Serialization::Flattened | Serialization::General => {
            let mut sig = Map::new();
            sig.insert("protected".into(), protected_b64.into());
            sig.insert("signature".into(), signature.into());
            let mut out = Map::new();
            if !opts.detached {
                out.insert("payload".into(), payload_text.into());
            }
            if opts.serialization == Serialization::General {
                out.insert("signatures".into(), Value::Array(vec![Value::Object(sig)]));
            } else {
                out.extend(sig);
            }
            serde_json::to_string(&Value::Object(out)).map_err(|e| Error::usage(e.to_string()))?
        }
    })
}
