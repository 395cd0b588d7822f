//! JWK Sets: building one from keys (public members only unless asked), `kid` assignment,
//! merging for rotation with a stable order, and X.509 members (`x5c`, `x5t#S256`).

use base64::Engine as _;
use serde_json::{Map, Value};

use crate::encoding::b64url;
use crate::error::{Error, Result};
use crate::jwa::KeyType;
use crate::keys::{Key, key_from_jwk};

/// How to describe each key added to a set.
#[derive(Debug, Clone, Default)]
pub struct MemberOptions {
    /// Include private members (and allow `oct` keys).
    pub private: bool,
    /// `use` for every key (else kept from the key, if it has one).
    pub use_: Option<String>,
    /// `alg` for every key (else kept from the key).
    pub alg: Option<String>,
}

/// The JWK a key contributes to a set: `kid` (given, the key's own, or its RFC 7638
/// thumbprint), `alg`, `use`, and `x5c`/`x5t#S256` for certificates.
pub fn member(key: &Key, kid: Option<&str>, opts: &MemberOptions) -> Result<Map<String, Value>> {
    if key.key_type() == KeyType::Oct && !opts.private {
        return Err(Error::refused(
            crate::error::Remedy::AskForPrivate,
            "a key set must never publish a secret: this is a symmetric (oct) key",
        ));
    }
    let mut jwk = key.to_jwk(opts.private)?;
    let kid = match kid.map(str::to_string).or_else(|| key.meta.kid.clone()) {
        Some(k) => k,
        None => key.thumbprint()?,
    };
    jwk.insert("kid".into(), kid.into());
    if let Some(a) = &opts.alg {
        jwk.insert("alg".into(), a.clone().into());
    }
    if let Some(u) = &opts.use_ {
        jwk.insert("use".into(), u.clone().into());
    }
    if let Some(der) = &key.origin.cert_der {
        let std_b64 = base64::engine::general_purpose::STANDARD.encode(der);
        jwk.insert("x5c".into(), Value::Array(vec![std_b64.into()]));
        jwk.insert(
            "x5t#S256".into(),
            b64url(aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, der)).into(),
        );
    }
    Ok(jwk)
}

/// A JWK Set under construction; members keep their order.
#[derive(Debug, Clone, Default)]
pub struct SetBuilder {
    members: Vec<Map<String, Value>>,
}

fn kid_of(m: &Map<String, Value>) -> Option<&str> {
    m.get("kid").and_then(Value::as_str)
}

fn same_material(a: &Map<String, Value>, b: &Map<String, Value>) -> bool {
    let tp = |m: &Map<String, Value>| key_from_jwk(m).and_then(|k| k.thumbprint()).ok();
    match (tp(a), tp(b)) {
        (Some(x), Some(y)) => x == y,
        _ => false,
    }
}

impl SetBuilder {
    /// Starts from an existing set's members, in their order (for `--merge`).
    pub fn from_existing(set: &Value) -> Result<SetBuilder> {
        let keys = set
            .get("keys")
            .and_then(Value::as_array)
            .ok_or_else(|| Error::usage("the set to merge into has no \"keys\" array"))?;
        let mut members = Vec::with_capacity(keys.len());
        for (i, k) in keys.iter().enumerate() {
            let obj = k
                .as_object()
                .ok_or_else(|| Error::usage(format!("key #{i} of the set is not an object")))?;
            key_from_jwk(obj)
                .map_err(|e| Error::key(format!("key #{i} of the set to merge into: {e}")))?;
            members.push(obj.clone());
        }
        Ok(SetBuilder { members })
    }

    /// Adds a member. One with the same `kid` and the same key material is merged (kept
    /// once); the same `kid` with different material is an error.
    pub fn add(&mut self, jwk: Map<String, Value>) -> Result<()> {
        if let Some(kid) = kid_of(&jwk) {
            if let Some(existing) = self.members.iter().find(|m| kid_of(m) == Some(kid)) {
                if same_material(existing, &jwk) {
                    return Ok(());
                }
                return Err(Error::key(format!("two different keys share kid {kid:?}")));
            }
        }
        self.members.push(jwk);
        Ok(())
    }

    /// Removes the member with this `kid`; an unknown `kid` is an error.
    pub fn remove(&mut self, kid: &str) -> Result<()> {
        let before = self.members.len();
        self.members.retain(|m| kid_of(m) != Some(kid));
        if self.members.len() == before {
            return Err(Error::usage(format!("no key with kid {kid:?} to remove")));
        }
        Ok(())
    }

    /// The set as `{"keys":[...]}`.
    pub fn build(self) -> Value {
        let mut m = Map::new();
        m.insert(
            "keys".into(),
            Value::Array(self.members.into_iter().map(Value::Object).collect()),
        );
        Value::Object(m)
    }
}
