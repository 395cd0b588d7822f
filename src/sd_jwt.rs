//! SD-JWT, Selective Disclosure for JWTs (RFC 9901): an issuer-signed JWT whose claims may be
//! replaced by digests, the disclosures that reveal them, and an optional key-binding JWT
//! (KB-JWT) by which the holder proves possession of the key in `cnf`.
//!
//! The issuer-signed JWT and the KB-JWT are ordinary JWS: they are signed and verified by the
//! one signer and verifier of [`crate::jws`] and [`crate::verify`]. This module holds what is
//! particular to SD-JWT: the serializations (compact `~`-separated, and the JSON forms of RFC
//! 9901 section 8), disclosures and their digests, processing (section 7.1), issuance,
//! presentation and key binding.
//!
//! # Example: a digest
//!
//! ```
//! use jwtctl::sd_jwt::{Disclosure, SdAlg};
//!
//! // RFC 9901 section 4.2.3: the disclosure of family_name and its SHA-256 digest.
//! let d = Disclosure::parse("WyI2cU1RdlJMNWhhaiIsICJmYW1pbHlfbmFtZSIsICJNw7ZiaXVzIl0").unwrap();
//! assert_eq!(d.name.as_deref(), Some("family_name"));
//! assert_eq!(d.digest(SdAlg::Sha256), "uutlBuYeMDyjLLTpf6Jxi7yNkEF35jdyWMn9U7b_RYY");
//! ```

use serde_json::{Map, Value};

use crate::encoding::{b64url, b64url_decode, parse_value_strict};
use crate::error::{RejectCode, Rejection};

mod issue;
pub mod kb;
mod path;
mod present;
mod process;
mod verify;

pub use issue::{IssueOptions, conceal};
pub use path::{SdPath, Seg};
pub use present::{KbRequest, present, select};
pub use process::{Processed, Reference, process};
pub use verify::{SdRules, SdVerified, disclosed_json, verify};

/// Disclosures in one SD-JWT at most (checked before any is hashed).
pub const MAX_DISCLOSURES: usize = 4096;
/// Nesting of objects, arrays and disclosures at most while processing.
pub const MAX_DEPTH: usize = 64;
/// Decoy digests per `_sd` array at most.
pub const MAX_DECOYS: usize = 100;

/// The digest algorithm of `_sd_alg` (IANA "Named Information Hash Algorithm" names).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SdAlg {
    /// `sha-256`, the default and the one every verifier must support.
    Sha256,
    /// `sha-384`.
    Sha384,
    /// `sha-512`.
    Sha512,
}

impl SdAlg {
    /// From the `_sd_alg` claim: absent means `sha-256`; an unsupported name is
    /// `disclosure_invalid`.
    pub fn from_claims(claims: &Map<String, Value>) -> Result<SdAlg, Rejection> {
        match claims.get("_sd_alg") {
            None => Ok(SdAlg::Sha256),
            Some(Value::String(s)) if s == "sha-256" => Ok(SdAlg::Sha256),
            Some(Value::String(s)) if s == "sha-384" => Ok(SdAlg::Sha384),
            Some(Value::String(s)) if s == "sha-512" => Ok(SdAlg::Sha512),
            Some(other) => Err(invalid(format!(
                "_sd_alg {} is not supported (sha-256, sha-384 or sha-512)",
                crate::sanitize::sanitize(&other.to_string())
            ))),
        }
    }

    /// The name written in `_sd_alg`.
    pub fn name(self) -> &'static str {
        match self {
            SdAlg::Sha256 => "sha-256",
            SdAlg::Sha384 => "sha-384",
            SdAlg::Sha512 => "sha-512",
        }
    }

    /// base64url(hash(ASCII text)).
    pub fn hash(self, text: &str) -> String {
        // aws-lc's one-shot digest, as everywhere else: OpenSSL 3's looks the algorithm up in
        // its provider tables on every call, more than half of what a disclosure's digest cost.
        use aws_lc_rs::digest::{SHA256, SHA384, SHA512, digest};
        let alg = match self {
            SdAlg::Sha256 => &SHA256,
            SdAlg::Sha384 => &SHA384,
            SdAlg::Sha512 => &SHA512,
        };
        b64url(digest(alg, text.as_bytes()).as_ref())
    }
}

/// A `disclosure_invalid` rejection.
pub(crate) fn invalid(msg: impl Into<String>) -> Rejection {
    Rejection::new(RejectCode::DisclosureInvalid, msg)
}

/// One disclosure: `[salt, name, value]` for an object member, `[salt, value]` for an array
/// element, as the base64url text it travels as (digests are over that text).
#[derive(Debug, Clone, PartialEq)]
pub struct Disclosure {
    /// The base64url text.
    pub encoded: String,
    /// The salt.
    pub salt: String,
    /// The member name; `None` for an array element.
    pub name: Option<String>,
    /// The value.
    pub value: Value,
}

impl Disclosure {
    /// Decodes one disclosure; anything but a base64url JSON array of a string salt, a
    /// string name and a value (or a salt and a value) is `disclosure_invalid`.
    pub fn parse(encoded: &str) -> Result<Disclosure, Rejection> {
        let bytes = b64url_decode(encoded)
            .map_err(|e| invalid(format!("a disclosure is not base64url: {e}")))?;
        let v = parse_value_strict(&bytes)
            .map_err(|e| invalid(format!("a disclosure is not JSON: {e}")))?;
        let Value::Array(items) = v else {
            return Err(invalid("a disclosure is not a JSON array"));
        };
        let mut it = items.into_iter();
        let (salt, second, third, fourth) = (it.next(), it.next(), it.next(), it.next());
        let Some(Value::String(salt)) = salt else {
            return Err(invalid("a disclosure's salt is not a string"));
        };
        let (name, value) = match (second, third, fourth) {
            (Some(Value::String(n)), Some(v), None) => (Some(n), v),
            (Some(_), Some(_), None) => {
                return Err(invalid("a disclosure's claim name is not a string"));
            }
            (Some(v), None, None) => (None, v),
            _ => return Err(invalid("a disclosure has neither 2 nor 3 elements")),
        };
        if let Some(n) = &name {
            if n == "_sd" || n == "..." {
                return Err(invalid(format!("a disclosure may not name a claim {n:?}")));
            }
        }
        Ok(Disclosure {
            encoded: encoded.to_string(),
            salt,
            name,
            value,
        })
    }

    /// A new disclosure with `salt`.
    pub fn new(salt: String, name: Option<String>, value: Value) -> Disclosure {
        let array = match &name {
            Some(n) => Value::Array(vec![salt.clone().into(), n.clone().into(), value.clone()]),
            None => Value::Array(vec![salt.clone().into(), value.clone()]),
        };
        Disclosure {
            encoded: b64url(array.to_string()),
            salt,
            name,
            value,
        }
    }

    /// Its digest under `alg`.
    pub fn digest(&self, alg: SdAlg) -> String {
        alg.hash(&self.encoded)
    }
}

/// How an SD-JWT was serialized.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// `<JWT>~<D1>~...~<Dn>~[<KB-JWT>]`.
    Compact,
    /// Flattened JWS JSON with `disclosures` (and `kb_jwt`) in the unprotected `header`.
    Flattened,
    /// General JWS JSON, with them in the first signature's unprotected `header`.
    General,
}

/// An SD-JWT split into its parts.
#[derive(Debug, Clone)]
pub struct SdJwt {
    /// The serialization it came in.
    pub form: Form,
    /// The issuer-signed JWT: compact text, or the JWS JSON without `disclosures`/`kb_jwt`.
    pub jwt: String,
    /// The first signature's compact form `<protected>.<payload>.<signature>` (the start of
    /// the text `sd_hash` covers).
    pub compact_jwt: String,
    /// The disclosures, as they travel.
    pub disclosures: Vec<String>,
    /// The KB-JWT, when present.
    pub kb_jwt: Option<String>,
}

/// Whether `text` looks like an SD-JWT: a `~` in compact form, or JSON with `disclosures`.
pub fn looks_like(text: &str) -> bool {
    // Runs for every line of a batch: one byte search, no trimming or char decoding.
    let b = text.as_bytes();
    match b.iter().find(|c| !c.is_ascii_whitespace()) {
        Some(b'{') => memchr::memmem::find(b, b"\"disclosures\"").is_some(),
        Some(_) => memchr::memchr(b'~', b).is_some(),
        None => false,
    }
}

fn malformed(msg: impl Into<String>) -> Rejection {
    Rejection::malformed(msg)
}

impl SdJwt {
    /// Splits an SD-JWT (compact or JSON). Structure only: nothing is verified here.
    pub fn parse(text: &str) -> Result<SdJwt, Rejection> {
        let t = crate::jws::normalize_input(text);
        if t.starts_with('{') {
            return Self::parse_json(t);
        }
        let mut parts: Vec<&str> = t.split('~').collect();
        let Some(last) = parts.pop() else {
            return Err(malformed("empty SD-JWT"));
        };
        if parts.is_empty() {
            return Err(malformed(
                "not an SD-JWT: no '~' after the issuer-signed JWT",
            ));
        }
        let jwt = parts.remove(0);
        if parts.len() > MAX_DISCLOSURES {
            return Err(invalid(format!(
                "{} disclosures, more than the {MAX_DISCLOSURES} allowed",
                parts.len()
            )));
        }
        if parts.iter().any(|d| d.is_empty()) {
            return Err(invalid("an empty disclosure (two '~' in a row)"));
        }
        Ok(SdJwt {
            form: Form::Compact,
            jwt: jwt.to_string(),
            compact_jwt: jwt.to_string(),
            disclosures: parts.into_iter().map(str::to_string).collect(),
            kb_jwt: (!last.is_empty()).then(|| last.to_string()),
        })
    }

    fn parse_json(t: &str) -> Result<SdJwt, Rejection> {
        let Value::Object(mut obj) = parse_value_strict(t.as_bytes())
            .map_err(|e| malformed(format!("not valid JSON: {e}")))?
        else {
            return Err(malformed("not a JSON object"));
        };
        let general = obj.contains_key("signatures");
        let first = if general {
            obj.get_mut("signatures")
                .and_then(Value::as_array_mut)
                .and_then(|s| s.first_mut())
                .and_then(Value::as_object_mut)
                .ok_or_else(|| malformed("signatures is not an array of objects"))?
        } else {
            &mut obj
        };
        let (disclosures, kb_jwt, protected, signature) = {
            let header = first.get_mut("header").and_then(Value::as_object_mut);
            let (d, k) = match header {
                Some(h) => (h.remove("disclosures"), h.remove("kb_jwt")),
                None => (None, None),
            };
            if first
                .get("header")
                .and_then(Value::as_object)
                .is_some_and(Map::is_empty)
            {
                first.remove("header");
            }
            let protected = first
                .get("protected")
                .and_then(Value::as_str)
                .map(str::to_string);
            let signature = first
                .get("signature")
                .and_then(Value::as_str)
                .map(str::to_string);
            (d, k, protected, signature)
        };
        let Some(Value::Array(list)) = disclosures else {
            return Err(malformed(
                "not an SD-JWT: no disclosures array in the unprotected header",
            ));
        };
        if list.len() > MAX_DISCLOSURES {
            return Err(invalid(format!(
                "{} disclosures, more than the {MAX_DISCLOSURES} allowed",
                list.len()
            )));
        }
        let disclosures = list
            .into_iter()
            .map(|d| match d {
                Value::String(s) if !s.is_empty() => Ok(s),
                _ => Err(invalid("a disclosure is not a non-empty string")),
            })
            .collect::<Result<Vec<_>, _>>()?;
        let kb_jwt = match kb_jwt {
            None => None,
            Some(Value::String(s)) => Some(s),
            Some(_) => return Err(malformed("kb_jwt is not a string")),
        };
        let payload = obj
            .get("payload")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let (Some(protected), Some(signature)) = (protected, signature) else {
            return Err(malformed("the JWS JSON lacks protected or signature"));
        };
        Ok(SdJwt {
            form: if general {
                Form::General
            } else {
                Form::Flattened
            },
            compact_jwt: format!("{protected}.{payload}.{signature}"),
            jwt: Value::Object(obj).to_string(),
            disclosures,
            kb_jwt,
        })
    }

    /// The text `sd_hash` covers: the compact SD-JWT up to and including its last `~`.
    pub fn hash_input(&self) -> String {
        let mut s = self.compact_jwt.clone();
        s.push('~');
        for d in &self.disclosures {
            s.push_str(d);
            s.push('~');
        }
        s
    }

    /// An SD-JWT as issued: the signed `jwt` (compact, or JWS JSON in `form`) with its
    /// `disclosures`, serialized.
    pub fn issued(form: Form, jwt: String, disclosures: &[String]) -> String {
        SdJwt {
            form,
            compact_jwt: String::new(),
            jwt,
            disclosures: Vec::new(),
            kb_jwt: None,
        }
        .serialize(disclosures, None)
    }

    /// Writes it in its form, with `disclosures` and `kb_jwt` replaced by these.
    pub fn serialize(&self, disclosures: &[String], kb_jwt: Option<&str>) -> String {
        match self.form {
            Form::Compact => {
                let mut s = self.jwt.clone();
                s.push('~');
                for d in disclosures {
                    s.push_str(d);
                    s.push('~');
                }
                if let Some(k) = kb_jwt {
                    s.push_str(k);
                }
                s
            }
            Form::Flattened | Form::General => {
                let mut obj = match serde_json::from_str::<Value>(&self.jwt) {
                    Ok(Value::Object(o)) => o,
                    _ => Map::new(),
                };
                with_json_parts(&mut obj, self.form, disclosures, kb_jwt);
                Value::Object(obj).to_string()
            }
        }
    }
}

/// Puts `disclosures` (and `kb_jwt`) in the unprotected header of a JWS JSON object: its own
/// (flattened) or the first signature's (general).
pub fn with_json_parts(
    obj: &mut Map<String, Value>,
    form: Form,
    disclosures: &[String],
    kb_jwt: Option<&str>,
) {
    let target = if form == Form::General {
        obj.get_mut("signatures")
            .and_then(Value::as_array_mut)
            .and_then(|s| s.first_mut())
            .and_then(Value::as_object_mut)
    } else {
        Some(obj)
    };
    let Some(target) = target else {
        return;
    };
    let header = target
        .entry("header")
        .or_insert_with(|| Value::Object(Map::new()));
    if let Value::Object(h) = header {
        h.insert(
            "disclosures".into(),
            Value::Array(disclosures.iter().cloned().map(Value::String).collect()),
        );
        if let Some(k) = kb_jwt {
            h.insert("kb_jwt".into(), k.into());
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn rfc_9901_digests() {
        // Section 4.2.1 and 5.1: the same claim with two salts.
        let d = Disclosure::parse(
            "WyJfMjZiYzRMVC1hYzZxMktJNmNCVzVlcyIsICJmYW1pbHlfbmFtZSIsICJNw7ZiaXVzIl0",
        )
        .unwrap();
        assert_eq!(d.salt, "_26bc4LT-ac6q2KI6cBW5es");
        assert_eq!(d.value, "Möbius");
        assert_eq!(
            d.digest(SdAlg::Sha256),
            "X9yH0Ajrdm1Oij4tWso9UzzKJvPoDxwmuEcO3XAdRC0"
        );
        // Section 4.2.2: an array element's disclosure has no name.
        let e = Disclosure::parse("WyJsa2x4RjVqTVlsR1RQVW92TU5JdkNBIiwgIkZSIl0").unwrap();
        assert_eq!(
            (e.salt.as_str(), e.name.as_deref()),
            ("lklxF5jMYlGTPUovMNIvCA", None)
        );
        assert_eq!(e.value, "FR");
        assert_eq!(
            e.digest(SdAlg::Sha256),
            "w0I8EKcdCtUPkGCNUrfwVp2xEgNjtoIDlOxc9-PlOhs"
        );
    }

    #[test]
    fn compact_parts() {
        let s = SdJwt::parse("a.b.c~d1~d2~").unwrap();
        assert_eq!(s.disclosures, ["d1", "d2"]);
        assert!(s.kb_jwt.is_none());
        assert_eq!(s.hash_input(), "a.b.c~d1~d2~");
        let s = SdJwt::parse("a.b.c~x.y.z").unwrap();
        assert!(s.disclosures.is_empty() && s.kb_jwt.as_deref() == Some("x.y.z"));
        assert!(SdJwt::parse("a.b.c~~x.y.z").is_err());
        assert!(SdJwt::parse("a.b.c~d1~~").is_err());
        assert!(SdJwt::parse("a.b.c").is_err());
    }
}
