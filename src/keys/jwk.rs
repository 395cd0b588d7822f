//! JWKs (RFC 7517, RFC 7518 section 6, RFC 8037): a key from a JWK object, with messages that
//! name the member at fault, and a key as a JWK, with its RFC 7638 thumbprint.

use super::*;

impl Key {
    /// The public JWK members (RFC 7517/7518/8037) in the order RFC 7638 lists them, without
    /// metadata. Secrets give `{"kty":"oct","k":...}`.
    pub fn public_jwk(&self) -> Result<Map<String, Value>> {
        let mut m = Map::new();
        match self.kty {
            KeyType::Rsa => {
                let (n, e) = self.rsa_components()?;
                m.insert("e".into(), b64url(e).into());
                m.insert("kty".into(), "RSA".into());
                m.insert("n".into(), b64url(n).into());
            }
            KeyType::Ec(c) => {
                let point = self.ec_point()?;
                let l = c.field_len();
                let (x, y) = (
                    point.get(1..l.saturating_add(1)).unwrap_or_default(),
                    point.get(l.saturating_add(1)..).unwrap_or_default(),
                );
                m.insert("crv".into(), c.name().into());
                m.insert("kty".into(), "EC".into());
                m.insert("x".into(), b64url(x).into());
                m.insert("y".into(), b64url(y).into());
            }
            KeyType::Okp(c) => {
                m.insert("crv".into(), c.name().into());
                m.insert("kty".into(), "OKP".into());
                m.insert("x".into(), b64url(self.okp_public()?).into());
            }
            KeyType::Oct => {
                m.insert("k".into(), b64url(self.secret().unwrap_or_default()).into());
                m.insert("kty".into(), "oct".into());
            }
        }
        Ok(m)
    }

    /// The key as a JWK: the public members, the private ones when `private` is set and the
    /// key has them, and the metadata (`kid`, `alg`, `use`, `key_ops`) it carries.
    pub fn to_jwk(&self, private: bool) -> Result<Map<String, Value>> {
        let mut m = self.public_jwk()?;
        if self.kty == KeyType::Oct && !private {
            return Err(Error::key("a secret key has no public part to export"));
        }
        if let (true, Some(p)) = (private, self.private_pkey()) {
            let enc = |e: openssl::error::ErrorStack| {
                Error::key(format!("cannot export private key: {}", ossl_reason(&e)))
            };
            match self.kty {
                KeyType::Rsa => {
                    let rsa = p.rsa().map_err(enc)?;
                    m.insert("d".into(), b64url(rsa.d().to_vec()).into());
                    let parts = [
                        ("p", rsa.p()),
                        ("q", rsa.q()),
                        ("dp", rsa.dmp1()),
                        ("dq", rsa.dmq1()),
                        ("qi", rsa.iqmp()),
                    ];
                    for (name, v) in parts {
                        if let Some(v) = v {
                            m.insert(name.into(), b64url(v.to_vec()).into());
                        }
                    }
                }
                KeyType::Ec(c) => {
                    let ec = p.ec_key().map_err(enc)?;
                    let len = i32::try_from(c.field_len()).unwrap_or(66);
                    let d = ec.private_key().to_vec_padded(len).map_err(enc)?;
                    m.insert("d".into(), b64url(d).into());
                }
                KeyType::Okp(_) => {
                    m.insert("d".into(), b64url(p.raw_private_key().map_err(enc)?).into());
                }
                KeyType::Oct => {}
            }
        }
        if let Some(k) = &self.meta.kid {
            m.insert("kid".into(), k.clone().into());
        }
        if let Some(a) = &self.meta.alg {
            m.insert("alg".into(), a.clone().into());
        }
        if let Some(u) = &self.meta.use_ {
            m.insert("use".into(), u.clone().into());
        }
        if let Some(ops) = &self.meta.key_ops {
            m.insert(
                "key_ops".into(),
                ops.iter().cloned().map(Value::String).collect(),
            );
        }
        Ok(m)
    }

    /// The RFC 7638 JWK thumbprint (SHA-256, base64url).
    pub fn thumbprint(&self) -> Result<String> {
        let text = serde_json::to_string(&Value::Object(self.public_jwk()?))
            .map_err(|e| Error::key(e.to_string()))?;
        // aws-lc: OpenSSL 3 loads its providers on a first digest (~1 ms).
        let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, text.as_bytes());
        Ok(b64url(digest))
    }
}

/// A base64url JWK member, decoded, with messages that name the member.
fn member(jwk: &Map<String, Value>, name: &str) -> Result<Option<Zeroizing<Vec<u8>>>> {
    match jwk.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => b64url_decode(s)
            .map(|b| Some(Zeroizing::new(b)))
            .map_err(|e| Error::key(format!("JWK member {name:?} is not valid base64url: {e}"))),
        Some(other) => Err(Error::key(format!(
            "JWK member {name:?} must be a string, not {}",
            json_type(other)
        ))),
    }
}

fn required(jwk: &Map<String, Value>, name: &str, kty: &str) -> Result<Zeroizing<Vec<u8>>> {
    member(jwk, name)?.ok_or_else(|| {
        Error::key(format!(
            "JWK member {name:?} is missing (required for kty {kty:?})"
        ))
    })
}

fn string_member(jwk: &Map<String, Value>, name: &str) -> Result<Option<String>> {
    match jwk.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(Error::key(format!(
            "JWK member {name:?} must be a string, not {}",
            json_type(other)
        ))),
    }
}

fn bn(bytes: &[u8]) -> Result<BigNum> {
    BigNum::from_slice(bytes).map_err(|e| Error::key(ossl_reason(&e)))
}

fn exact_len(bytes: &[u8], name: &str, want: usize, crv: &str) -> Result<()> {
    if bytes.len() == want {
        Ok(())
    } else {
        Err(Error::key(format!(
            "JWK member {name:?} has {} bytes; {crv} needs {want}",
            bytes.len()
        )))
    }
}

/// Builds a key from a JWK object (RFC 7517, 7518 section 6, RFC 8037).
pub fn key_from_jwk(jwk: &Map<String, Value>) -> Result<Key> {
    let kty =
        string_member(jwk, "kty")?.ok_or_else(|| Error::key("JWK member \"kty\" is missing"))?;
    let meta = KeyMeta {
        kid: string_member(jwk, "kid")?,
        alg: string_member(jwk, "alg")?,
        use_: string_member(jwk, "use")?,
        key_ops: match jwk.get("key_ops") {
            None => None,
            Some(Value::Array(a)) => Some(
                a.iter()
                    .map(|v| v.as_str().map(str::to_string))
                    .collect::<Option<Vec<_>>>()
                    .ok_or_else(|| {
                        Error::key("JWK member \"key_ops\" must be an array of strings")
                    })?,
            ),
            Some(_) => {
                return Err(Error::key(
                    "JWK member \"key_ops\" must be an array of strings",
                ));
            }
        },
    };
    let mut key = match kty.as_str() {
        "oct" => {
            let k = required(jwk, "k", "oct")?;
            if k.is_empty() {
                return Err(Error::key("JWK member \"k\" is empty"));
            }
            Key::from_secret(k.to_vec())
        }
        "RSA" => rsa_from_jwk(jwk)?,
        "EC" => ec_from_jwk(jwk)?,
        "OKP" => okp_from_jwk(jwk)?,
        other => {
            return Err(Error::key(format!(
                "unknown JWK \"kty\" {other:?} (expected RSA, EC, OKP or oct)"
            )));
        }
    };
    key.meta = meta;
    key.origin = KeyOrigin {
        format: "JWK",
        ..KeyOrigin::default()
    };
    Ok(key)
}

fn rsa_from_jwk(jwk: &Map<String, Value>) -> Result<Key> {
    let n = required(jwk, "n", "RSA")?;
    let e = required(jwk, "e", "RSA")?;
    if n.first() == Some(&0) || e.first() == Some(&0) {
        return Err(Error::key(
            "JWK members \"n\"/\"e\" must not have leading zero bytes",
        ));
    }
    let Some(d) = member(jwk, "d")? else {
        if let Some(parts) = native::public(KeyType::Rsa, &crate::der::rsa_public_key(&n, &e)) {
            return Ok(Key::from_der_key(parts));
        }
        let rsa = Rsa::from_public_components(bn(&n)?, bn(&e)?)
            .map_err(|e| Error::key(ossl_reason(&e)))?;
        return Key::from_public(PKey::from_rsa(rsa).map_err(|e| Error::key(ossl_reason(&e)))?);
    };
    let crt = ["p", "q", "dp", "dq", "qi"];
    let present: Vec<_> = crt.iter().filter(|m| jwk.contains_key(**m)).collect();
    let rsa = if present.is_empty() {
        RsaPrivateKeyBuilder::new(bn(&n)?, bn(&e)?, bn(&d)?).map(|b| b.build())
    } else {
        let mut v = Vec::with_capacity(5);
        for name in crt {
            v.push(bn(&required(jwk, name, "RSA")?)?);
        }
        let mut it = v.into_iter();
        match (it.next(), it.next(), it.next(), it.next(), it.next()) {
            (Some(p), Some(q), Some(dp), Some(dq), Some(qi)) => {
                Rsa::from_private_components(bn(&n)?, bn(&e)?, bn(&d)?, p, q, dp, dq, qi)
            }
            _ => return Err(Error::key("incomplete RSA private key")),
        }
    }
    .map_err(|e| Error::key(format!("invalid RSA private key: {}", ossl_reason(&e))))?;
    Key::from_private(PKey::from_rsa(rsa).map_err(|e| Error::key(ossl_reason(&e)))?)
}

fn ec_from_jwk(jwk: &Map<String, Value>) -> Result<Key> {
    let crv_name = string_member(jwk, "crv")?
        .ok_or_else(|| Error::key("JWK member \"crv\" is missing (required for kty \"EC\")"))?;
    let crv = EcCurve::from_name(&crv_name).ok_or_else(|| {
        Error::key(format!(
            "unsupported EC \"crv\" {crv_name:?} (expected P-256, P-384, P-521 or secp256k1)"
        ))
    })?;
    let x = required(jwk, "x", "EC")?;
    let y = required(jwk, "y", "EC")?;
    exact_len(&x, "x", crv.field_len(), crv.name())?;
    exact_len(&y, "y", crv.field_len(), crv.name())?;
    if !jwk.contains_key("d") {
        let point = [&[4u8][..], &x, &y].concat();
        if let Some(parts) = native::public(KeyType::Ec(crv), &point) {
            return Ok(Key::from_der_key(parts));
        }
    }
    let group = EcGroup::from_curve_name(ec_nid(crv)).map_err(|e| Error::key(ossl_reason(&e)))?;
    let public =
        EcKey::from_public_key_affine_coordinates(&group, &*bn(&x)?, &*bn(&y)?).map_err(|_| {
            Error::key(format!(
                "JWK members \"x\"/\"y\" are not a point on {}",
                crv.name()
            ))
        })?;
    let Some(d) = member(jwk, "d")? else {
        return Key::from_public(
            PKey::from_ec_key(public).map_err(|e| Error::key(ossl_reason(&e)))?,
        );
    };
    exact_len(&d, "d", crv.field_len(), crv.name())?;
    let private = EcKey::from_private_components(&group, &*bn(&d)?, public.public_key())
        .map_err(|e| Error::key(format!("invalid EC private key: {}", ossl_reason(&e))))?;
    private.check_key().map_err(|_| {
        Error::key_of(
            KeyErrorKind::Inconsistent,
            "JWK member \"d\" does not match the public point \"x\"/\"y\"",
        )
    })?;
    Key::from_private(PKey::from_ec_key(private).map_err(|e| Error::key(ossl_reason(&e)))?)
}

fn okp_from_jwk(jwk: &Map<String, Value>) -> Result<Key> {
    let crv_name = string_member(jwk, "crv")?
        .ok_or_else(|| Error::key("JWK member \"crv\" is missing (required for kty \"OKP\")"))?;
    let crv = OkpCurve::ALL
        .into_iter()
        .find(|c| c.name() == crv_name)
        .ok_or_else(|| {
            Error::key(format!(
                "unsupported OKP \"crv\" {crv_name:?} (expected Ed25519, Ed448, X25519 or X448)"
            ))
        })?;
    let x = required(jwk, "x", "OKP")?;
    exact_len(&x, "x", crv.key_len(), crv.name())?;
    let Some(d) = member(jwk, "d")? else {
        if let Some(parts) = native::public(KeyType::Okp(crv), &x) {
            return Ok(Key::from_der_key(parts));
        }
        let p = PKey::public_key_from_raw_bytes(&x, okp_id(crv))
            .map_err(|e| Error::key(format!("invalid \"x\": {}", ossl_reason(&e))))?;
        return Key::from_public(p);
    };
    exact_len(&d, "d", crv.key_len(), crv.name())?;
    let p = PKey::private_key_from_raw_bytes(&d, okp_id(crv))
        .map_err(|e| Error::key(format!("invalid \"d\": {}", ossl_reason(&e))))?;
    let derived = p
        .raw_public_key()
        .map_err(|e| Error::key(ossl_reason(&e)))?;
    if derived != *x {
        return Err(Error::key_of(
            KeyErrorKind::Inconsistent,
            "JWK member \"d\" does not match the public key \"x\"",
        ));
    }
    Key::from_private(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc7638_thumbprint() {
        let jwk = serde_json::json!({
            "kty": "RSA",
            "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
            "e": "AQAB",
            "alg": "RS256",
            "kid": "2011-04-29"
        });
        let Value::Object(m) = jwk else {
            unreachable!()
        };
        let key = key_from_jwk(&m).ok();
        assert_eq!(
            key.and_then(|k| k.thumbprint().ok()).as_deref(),
            Some("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs")
        );
    }

    #[test]
    fn jwk_errors_name_the_member() {
        let cases = [
            (serde_json::json!({"kty": "RSA", "e": "AQAB"}), "\"n\""),
            (
                serde_json::json!({"kty": "EC", "crv": "P-256", "x": "AAAA", "y": "AAAA"}),
                "\"x\"",
            ),
            (serde_json::json!({"kty": "foo"}), "\"kty\""),
            (serde_json::json!({"kty": "OKP", "crv": "Ed25519"}), "\"x\""),
            (serde_json::json!({"k": "AAAA"}), "\"kty\""),
        ];
        for (jwk, name) in cases {
            let Value::Object(m) = jwk else {
                unreachable!()
            };
            let err = key_from_jwk(&m)
                .map(|_| ())
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(err.contains(name), "{err} should name {name}");
        }
    }

    /// Callers match on the kind, not the message: an Ed25519 JWK whose `d` is not `x`'s seed
    /// is inconsistent, a `use: enc` key may not verify.
    #[test]
    fn key_errors_have_kinds() {
        use crate::error::{Error, KeyErrorKind};
        let kind = |r: Result<()>| match r {
            Err(Error::Key(k)) => Some(k.kind),
            _ => None,
        };
        // RFC 8037 A.1's private key with another public key.
        let jwk = serde_json::json!({"kty": "OKP", "crv": "Ed25519",
            "d": "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A",
            "x": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"});
        let Value::Object(m) = jwk else {
            unreachable!()
        };
        assert_eq!(
            kind(key_from_jwk(&m).map(|_| ())),
            Some(KeyErrorKind::Inconsistent)
        );
        let mut key = Key::from_secret(vec![1; 32]);
        key.meta.use_ = Some("enc".into());
        assert_eq!(
            kind(key.permits(KeyOp::Verify)),
            Some(KeyErrorKind::NotPermitted)
        );
    }
}
