//! An SD-JWT as `inspect` shows it: each disclosure (digest, salt, name, value, where it is
//! referenced), the claims as disclosed, how many digests stay undisclosed, the KB-JWT.
//! Nothing is verified.

use serde_json::{Map, Value, json};

use super::{Inspection, finding};
use crate::sd_jwt::{SdJwt, process};

/// One disclosure, decoded.
#[derive(Debug, Clone)]
pub struct DisclosureView {
    /// Its digest.
    pub digest: String,
    /// The salt.
    pub salt: String,
    /// The claim name (none for an array element).
    pub name: Option<String>,
    /// The value.
    pub value: Value,
    /// Where it is referenced (`address.street_address`); none when nowhere.
    pub referenced_at: Option<String>,
}

/// The SD-JWT parts of an inspection.
#[derive(Debug, Clone)]
pub struct SdInspection {
    /// The disclosures given, in order.
    pub disclosures: Vec<DisclosureView>,
    /// Digests no disclosure given opens (decoys included).
    pub undisclosed: usize,
    /// The claims with what is disclosed in place.
    pub disclosed_claims: Option<Value>,
    /// The KB-JWT's header and claims, decoded.
    pub kb_jwt: Option<(Value, Value)>,
}

impl SdInspection {
    /// Adds its members to `inspect --json`'s object.
    pub fn to_json(&self, m: &mut Map<String, Value>) {
        let list: Vec<Value> = self
            .disclosures
            .iter()
            .map(|d| {
                json!({
                    "digest": d.digest,
                    "salt": d.salt,
                    "name": d.name,
                    "value": d.value,
                    "referenced_at": d.referenced_at,
                })
            })
            .collect();
        m.insert("disclosures".into(), Value::Array(list));
        m.insert("undisclosed_digests".into(), self.undisclosed.into());
        if let Some(c) = &self.disclosed_claims {
            m.insert("disclosed_claims".into(), c.clone());
        }
        if let Some((h, c)) = &self.kb_jwt {
            m.insert("kb_jwt".into(), json!({"header": h, "claims": c}));
        }
    }
}

/// A compact JWS's header and payload, decoded without verification.
fn decode(jwt: &str) -> Option<(Value, Value)> {
    let mut parts = jwt.split('.');
    let mut part = || {
        parts
            .next()
            .and_then(|p| crate::encoding::b64url_decode(p).ok())
            .and_then(|b| crate::encoding::parse_value_strict(&b).ok())
    };
    Some((part()?, part()?))
}

/// Fills in the SD-JWT parts of `ins` (the issuer-signed JWT's inspection), with findings.
pub(super) fn add(ins: &mut Inspection, sd: &SdJwt) {
    let mut out = SdInspection {
        disclosures: Vec::new(),
        undisclosed: 0,
        disclosed_claims: None,
        kb_jwt: sd.kb_jwt.as_deref().and_then(decode),
    };
    if let Some(Value::Object(claims)) = &ins.claims {
        if !claims.contains_key("cnf") {
            ins.findings.push(finding(
                "no_key_binding",
                "no cnf claim: the SD-JWT is not bound to a holder key, so anyone who has it can present it",
            ));
        }
        match process(claims, &sd.disclosures, false) {
            Ok(p) => {
                for r in &p.references {
                    if r.location.is_none() {
                        ins.findings.push(finding(
                            "disclosure_unreferenced",
                            format!(
                                "the disclosure with digest {} is referenced nowhere: a verifier rejects it",
                                r.digest
                            ),
                        ));
                    }
                }
                out.disclosures = p
                    .references
                    .iter()
                    .map(|r| DisclosureView {
                        digest: r.digest.clone(),
                        salt: r.disclosure.salt.clone(),
                        name: r.disclosure.name.clone(),
                        value: r.disclosure.value.clone(),
                        referenced_at: r.location_text(),
                    })
                    .collect();
                out.undisclosed = p.undisclosed;
                out.disclosed_claims = Some(Value::Object(p.claims));
            }
            Err(r) => ins.findings.push(finding("disclosure_invalid", r.message)),
        }
    }
    ins.sd = Some(out);
}
