//! Decoding a token *without verifying it*, and the findings (warnings) worth showing about
//! it. Everything here is data; rendering is the binary's job.

use serde_json::{Map, Value, json};

use crate::encoding::{b64url, parse_value_strict};
use crate::error::Rejection;
use crate::jws::{Serialization, Token};
use crate::time::{format_relative, format_span, format_timestamp};

mod chain;
mod sd;

pub use chain::ChainCert;
use chain::chain_findings;
pub use sd::{DisclosureView, SdInspection};

/// Lifetimes (`exp` − `iat`) above this draw a warning: the upper bound of common guidance for
/// access, ID and service tokens.
pub const MAX_RECOMMENDED_LIFETIME: i64 = 3600;

/// Tokens above this size do not fit comfortably in headers and cookies.
pub const LARGE_TOKEN: usize = 4096;

/// A warning about a token, with a stable code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Stable machine-readable code (`expired`, `no_exp`, ...).
    pub code: &'static str,
    /// One-line explanation.
    pub message: String,
}

/// A time claim with its readings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeClaim {
    /// `iat`, `nbf`, `exp` or `auth_time`.
    pub name: &'static str,
    /// Unix seconds.
    pub value: i64,
}

/// What `inspect` learned about a token.
#[derive(Debug, Clone)]
pub struct Inspection {
    /// `JWS` or `JWE`.
    pub kind: &'static str,
    /// How it was serialized.
    pub serialization: Serialization,
    /// The (first) header.
    pub header: Map<String, Value>,
    /// The payload, when it is JSON (a JWT's claims are an object).
    pub claims: Option<Value>,
    /// The payload as text, when it is not JSON; `None` for a JWE or a detached payload.
    pub payload_text: Option<String>,
    /// The (first) signature, base64url (JWS).
    pub signature: Option<String>,
    /// Number of signatures (JWS) or recipients (JWE).
    pub count: usize,
    /// Sizes of encrypted key, IV, ciphertext, tag (JWE).
    pub jwe_sizes: Option<[usize; 4]>,
    /// Time claims present, in the order iat, nbf, exp.
    pub times: Vec<TimeClaim>,
    /// Warnings.
    pub findings: Vec<Finding>,
    /// The `x5c` chain, decoded (never verified here).
    pub chain: Vec<ChainCert>,
    /// The SD-JWT parts, when the token is one.
    pub sd: Option<SdInspection>,
    /// Size of the token text in bytes.
    pub size: usize,
    /// The moment the token was judged against.
    pub now: i64,
}

fn finding(code: &'static str, message: impl Into<String>) -> Finding {
    Finding {
        code,
        message: message.into(),
    }
}

fn suspicious_kid(kid: &str) -> Option<&'static str> {
    let lower = kid.to_ascii_lowercase();
    if kid.contains('/') || kid.contains('\\') || kid.contains("..") {
        Some("a file path")
    } else if kid.contains(['`', '$', ';', '|', '&', '<', '>']) || kid.contains("$(") {
        Some("shell syntax")
    } else if kid.contains('\'')
        || kid.contains("--")
        || lower.contains(" or ")
        || lower.contains("union ")
        || lower.contains("select ")
    {
        Some("SQL")
    } else {
        None
    }
}

fn header_findings(header: &Map<String, Value>, out: &mut Vec<Finding>) {
    if let Some(alg) = header.get("alg").and_then(Value::as_str) {
        if alg.eq_ignore_ascii_case("none") {
            out.push(finding(
                "alg_none",
                "alg is \"none\": the token is unsigned and must never be accepted",
            ));
        } else if alg.starts_with("HS") {
            out.push(finding(
                "hmac",
                format!("{alg} is an HMAC token: its strength depends on the secret, which cannot be seen here (use at least 256 random bits)"),
            ));
        }
    }
    for (h, why) in [
        (
            "jku",
            "\"jku\" header: a URL for keys; never fetch keys from the token",
        ),
        (
            "x5u",
            "\"x5u\" header: a URL for certificates; never fetch keys from the token",
        ),
        (
            "jwk",
            "\"jwk\" header: an embedded key; trusting it lets anyone sign",
        ),
        (
            "crit",
            "\"crit\" header: verifiers must understand every listed extension",
        ),
    ] {
        if header.contains_key(h) {
            out.push(finding(
                match h {
                    "jku" => "jku_header",
                    "x5u" => "x5u_header",
                    "jwk" => "jwk_header",
                    _ => "crit_header",
                },
                why,
            ));
        }
    }
    if let Some(kid) = header.get("kid").and_then(Value::as_str) {
        if let Some(what) = suspicious_kid(kid) {
            out.push(finding("suspicious_kid", format!("kid {:?} looks like {what}: a verifier that uses kid in a lookup may be injectable", crate::sanitize::sanitize(kid))));
        }
    }
}

/// Decodes `input` and collects findings, judged at `now`.
pub fn inspect(input: &str, now: i64) -> Result<Inspection, Rejection> {
    let text = crate::jws::normalize_input(input);
    if crate::sd_jwt::looks_like(text) {
        let parsed = crate::sd_jwt::SdJwt::parse(text)?;
        let mut ins = inspect_token(&parsed.jwt, now)?;
        sd::add(&mut ins, &parsed);
        ins.size = text.len();
        return Ok(ins);
    }
    inspect_token(text, now)
}

fn inspect_token(text: &str, now: i64) -> Result<Inspection, Rejection> {
    let token = crate::jws::parse(text)?;
    let mut findings = Vec::new();
    let mut ins = match token {
        Token::Jwe => {
            let j = crate::jwe::parts(text)?;
            header_findings(&j.protected, &mut findings);
            if j.protected
                .get("cty")
                .and_then(Value::as_str)
                .is_some_and(|c| c.eq_ignore_ascii_case("JWT"))
            {
                findings.push(finding("nested_jwt", "cty is JWT: a nested token (sign-then-encrypt); decrypt, then verify the inner JWS"));
            }
            Inspection {
                kind: "JWE",
                serialization: j.serialization,
                header: j.protected,
                claims: None,
                payload_text: None,
                signature: None,
                count: j.recipients,
                jwe_sizes: Some(j.sizes),
                times: Vec::new(),
                findings: Vec::new(),
                chain: Vec::new(),
                sd: None,
                size: text.len(),
                now,
            }
        }
        Token::Jws(jws) => {
            let first = jws
                .signatures
                .first()
                .ok_or_else(|| Rejection::malformed("no signature"))?;
            let header = first.header();
            header_findings(&header, &mut findings);
            let chain = chain_findings(&first.protected, now, &mut findings);
            let payload = match &jws.payload_segment {
                None => None,
                Some(_) => Some(jws.payload(first.b64(), None)?),
            };
            let claims = payload.as_deref().and_then(|p| parse_value_strict(p).ok());
            let payload_text = match (&claims, &payload) {
                (None, Some(p)) => Some(String::from_utf8_lossy(p).into_owned()),
                _ => None,
            };
            Inspection {
                kind: "JWS",
                serialization: jws.serialization,
                header,
                claims,
                payload_text,
                signature: Some(b64url(&first.signature)),
                count: jws.signatures.len(),
                jwe_sizes: None,
                times: Vec::new(),
                findings: Vec::new(),
                chain,
                sd: None,
                size: text.len(),
                now,
            }
        }
    };
    if let Some(Value::Object(c)) = &ins.claims {
        claim_findings(c, now, &mut ins.times, &mut findings);
    }
    if ins.size > LARGE_TOKEN {
        findings.push(finding(
            "large_token",
            format!(
                "token is {} bytes: over 4 KiB it may not fit HTTP headers or cookies",
                ins.size
            ),
        ));
    }
    ins.findings = findings;
    Ok(ins)
}

fn claim_findings(
    c: &Map<String, Value>,
    now: i64,
    times: &mut Vec<TimeClaim>,
    out: &mut Vec<Finding>,
) {
    for name in ["iat", "nbf", "exp", "auth_time"] {
        if let Some(v) = c.get(name).and_then(crate::time::numeric_date) {
            times.push(TimeClaim { name, value: v });
        }
    }
    let get = |n: &str| c.get(n).and_then(crate::time::numeric_date);
    match get("exp") {
        Some(exp) if exp <= now => out.push(finding(
            "expired",
            format!(
                "expired at {} ({})",
                format_timestamp(exp),
                format_relative(exp, now)
            ),
        )),
        Some(_) => {}
        None => out.push(finding("no_exp", "no exp claim: the token never expires")),
    }
    if let Some(nbf) = get("nbf").filter(|n| *n > now) {
        out.push(finding(
            "not_yet_valid",
            format!(
                "not valid before {} ({})",
                format_timestamp(nbf),
                format_relative(nbf, now)
            ),
        ));
    }
    if let Some(iat) = get("iat").filter(|i| *i > now) {
        out.push(finding(
            "iat_in_future",
            format!(
                "issued in the future at {} ({})",
                format_timestamp(iat),
                format_relative(iat, now)
            ),
        ));
    }
    if let (Some(iat), Some(exp)) = (get("iat"), get("exp")) {
        let life = exp.saturating_sub(iat);
        if life > MAX_RECOMMENDED_LIFETIME {
            out.push(finding(
                "long_lifetime",
                format!("lifetime (exp - iat) is {}: access, ID and service tokens should live at most 1h (5-15m for access tokens)", format_span(life.unsigned_abs())),
            ));
        }
    }
}

impl Inspection {
    /// The `--json` form: `{"type","serialization","header","claims"|"payload","signature",
    /// "times","warnings","verified":false}`.
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("type".into(), self.kind.into());
        m.insert("serialization".into(), self.serialization.name().into());
        m.insert("verified".into(), false.into());
        m.insert("header".into(), Value::Object(self.header.clone()));
        if let Some(c) = &self.claims {
            m.insert("claims".into(), c.clone());
        }
        if let Some(p) = &self.payload_text {
            m.insert("payload".into(), p.clone().into());
        }
        if let Some(s) = &self.signature {
            m.insert("signature".into(), s.clone().into());
        }
        if self.kind == "JWS" {
            m.insert("signatures".into(), self.count.into());
        } else {
            m.insert("recipients".into(), self.count.into());
        }
        if let Some([k, iv, c, t]) = self.jwe_sizes {
            m.insert(
                "sizes".into(),
                json!({"encrypted_key": k, "iv": iv, "ciphertext": c, "tag": t}),
            );
        }
        let times: Map<String, Value> = self
            .times
            .iter()
            .map(|t| {
                (t.name.to_string(), json!({"value": t.value, "date": format_timestamp(t.value), "relative": format_relative(t.value, self.now)}))
            })
            .collect();
        m.insert("times".into(), Value::Object(times));
        if !self.chain.is_empty() {
            let chain: Vec<Value> = self
                .chain
                .iter()
                .map(|c| {
                    json!({
                        "subject": c.subject,
                        "issuer": c.issuer,
                        "not_before": format_timestamp(c.not_before),
                        "not_after": format_timestamp(c.not_after),
                        "key": c.key,
                        "sha256": c.fingerprint,
                    })
                })
                .collect();
            m.insert("x5c_chain".into(), Value::Array(chain));
        }
        m.insert(
            "warnings".into(),
            Value::Array(
                self.findings
                    .iter()
                    .map(|f| json!({"code": f.code, "message": f.message}))
                    .collect(),
            ),
        );
        if let Some(sd) = &self.sd {
            sd.to_json(&mut m);
        }
        m.insert("size".into(), self.size.into());
        Value::Object(m)
    }
}

/// JWE key-management algorithms a key type can serve (for key descriptions), from the
/// algorithm tables: a secret lists the key wraps of its size and the `dir` encodings it fits.
fn jwe_algs_for(kty: crate::jwa::KeyType, bits: u32) -> Vec<String> {
    use crate::jwa::{EcCurve, JweAlg, JweEnc, JweFamily, KeyType, OkpCurve};
    let family = |f: JweFamily| -> Vec<String> {
        JweAlg::ALL
            .iter()
            .filter(|a| a.family() == f && **a != JweAlg::Rsa1_5)
            .map(|a| a.name().to_string())
            .collect()
    };
    match kty {
        KeyType::Rsa => family(JweFamily::Rsa),
        KeyType::Ec(EcCurve::Secp256k1) | KeyType::Okp(OkpCurve::Ed25519 | OkpCurve::Ed448) => {
            Vec::new()
        }
        KeyType::Ec(_) | KeyType::Okp(_) => family(JweFamily::EcdhEs),
        KeyType::Oct => {
            let bytes = usize::try_from(bits / 8).unwrap_or(0);
            let mut v: Vec<String> = JweAlg::ALL
                .iter()
                .filter(|a| a.secret_len() == Some(bytes))
                .map(|a| a.name().to_string())
                .collect();
            // GCM before CBC: the recommended encodings first.
            let gcm_first = JweEnc::ALL
                .iter()
                .filter(|e| !e.is_cbc())
                .chain(JweEnc::ALL.iter().filter(|e| e.is_cbc()));
            let dir: Vec<&str> = gcm_first
                .filter(|e| e.key_len() == bytes)
                .map(|e| e.name())
                .collect();
            if !dir.is_empty() {
                v.push(format!("dir ({})", dir.join(", ")));
            }
            v
        }
    }
}

/// A description of a key for `inspect --key`.
pub fn describe_key(key: &crate::keys::Key) -> Value {
    use crate::jwa::JwsAlg;
    use crate::jwa::KeyType;
    let kty = key.key_type();
    let mut warnings = Vec::new();
    if let Some((code, message)) = key.rsa_weakness() {
        warnings.push(json!({"code": code, "message": message}));
    }
    if kty == KeyType::Oct && key.bits() < 256 {
        warnings.push(json!({"code": "short_secret", "message": format!("{}-bit secret is shorter than 256 bits, the minimum for HS256", key.bits())}));
    }
    let jws: Vec<&str> = JwsAlg::fitting(kty)
        .into_iter()
        .filter(|a| key.secret().is_none_or(|s| s.len() >= a.min_secret_len()))
        .map(JwsAlg::name)
        .collect();
    let (kind, size) = match kty {
        KeyType::Rsa => ("RSA", json!({"bits": key.bits()})),
        KeyType::Ec(c) => ("EC", json!({"crv": c.name()})),
        KeyType::Okp(c) => ("OKP", json!({"crv": c.name()})),
        KeyType::Oct => ("oct", json!({"bits": key.bits()})),
    };
    let mut m = Map::new();
    m.insert("kty".into(), kind.into());
    if let Value::Object(s) = size {
        m.extend(s);
    }
    m.insert("private".into(), key.is_private().into());
    m.insert("format".into(), key.origin.format.into());
    m.insert("encrypted".into(), key.origin.encrypted.into());
    if let Some(kid) = &key.meta.kid {
        m.insert("kid".into(), kid.clone().into());
    }
    if let Ok(tp) = key.thumbprint() {
        m.insert("thumbprint".into(), tp.into());
    }
    m.insert("jws_algs".into(), jws.into());
    m.insert("jwe_algs".into(), jwe_algs_for(kty, key.bits()).into());
    m.insert("warnings".into(), Value::Array(warnings));
    Value::Object(m)
}
