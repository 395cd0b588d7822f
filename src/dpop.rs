//! DPoP (RFC 9449): proofs of possession. A proof is a JWT the client signs with a key whose
//! public JWK rides in the header; it names the request (`htm`, `htu`), is fresh (`iat`,
//! `jti`), may carry a server `nonce`, and, with an access token, its hash (`ath`). Made with
//! the one signer and checked with the one JWT verifier; a token bound to the key carries the
//! key's RFC 7638 thumbprint in `cnf.jkt`.

use serde_json::{Map, Value, json};

use crate::crypto::Signer;
use crate::encoding::b64url;
use crate::error::{Error, RejectCode, Rejection, Result};
use crate::jwa::{JwsAlg, KeyType};
use crate::jwks::{MemberOptions, member};
use crate::jws::sign_compact;
use crate::jwt::{ClaimRules, Claims, verify_token_with};
use crate::keys::{Key, KeySet, load_key_bytes};
use crate::report::Report;
use crate::verify::KeyRing;

/// The proof's `typ`.
pub const TYP: &str = "dpop+jwt";

/// The JWK members that only a private or secret key has.
const PRIVATE_MEMBERS: &[&str] = &["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

/// What a new proof says.
#[derive(Debug, Clone, Default)]
pub struct ProofSpec {
    /// `htm`: the HTTP method.
    pub htm: String,
    /// `htu`: the target URI (query and fragment are dropped).
    pub htu: String,
    /// The access token the request carries (`ath`).
    pub access_token: Option<String>,
    /// A server-provided `nonce`.
    pub nonce: Option<String>,
    /// `iat`.
    pub iat: i64,
    /// `jti` (random when absent).
    pub jti: Option<String>,
}

/// base64url SHA-256 of an access token: `ath`.
pub fn ath(access_token: &str) -> String {
    b64url(aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, access_token.as_bytes()).as_ref())
}

/// Signs a proof with `key` (a private asymmetric key).
pub fn make(key: &Key, alg: JwsAlg, spec: &ProofSpec) -> Result<String> {
    if key.key_type() == KeyType::Oct || alg.name().starts_with("HS") {
        return Err(Error::usage(
            "a DPoP proof needs an asymmetric key: a symmetric one cannot prove possession to others",
        ));
    }
    let signer = Signer::new(alg, key)?;
    let jwk = member(
        key,
        None,
        &MemberOptions {
            private: false,
            use_: None,
            alg: None,
        },
    )?;
    let mut header = Map::new();
    header.insert("typ".into(), TYP.into());
    header.insert("alg".into(), alg.name().into());
    header.insert("jwk".into(), Value::Object(jwk));
    let jti = match &spec.jti {
        Some(j) => j.clone(),
        None => {
            let mut buf = [0u8; 16];
            openssl::rand::rand_bytes(&mut buf).map_err(|e| Error::usage(e.to_string()))?;
            b64url(buf)
        }
    };
    let mut claims = json!({
        "jti": jti,
        "htm": spec.htm,
        "htu": strip_query(&spec.htu),
        "iat": spec.iat,
    });
    if let Some(obj) = claims.as_object_mut() {
        if let Some(t) = &spec.access_token {
            obj.insert("ath".into(), ath(t).into());
        }
        if let Some(n) = &spec.nonce {
            obj.insert("nonce".into(), n.clone().into());
        }
    }
    sign_compact(claims.to_string().as_bytes(), header, Some(&signer))
}

fn strip_query(uri: &str) -> &str {
    let end = uri.find(['?', '#']).unwrap_or(uri.len());
    uri.get(..end).unwrap_or(uri)
}

fn hex(b: u8) -> Option<u8> {
    char::from(b)
        .to_digit(16)
        .and_then(|d| u8::try_from(d).ok())
}

/// `uri` without query and fragment, normalized as RFC 3986 6.2.2 (case, percent-encoding,
/// dot segments) and 6.2.3 (default port, empty path) say; `None` when it is not an absolute
/// http(s) URI.
pub fn normalize_htu(uri: &str) -> Option<String> {
    let uri = strip_query(uri);
    let (scheme, rest) = uri.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let (authority, path) = match rest.find('/') {
        Some(at) => (rest.get(..at)?, rest.get(at..)?),
        None => (rest, ""),
    };
    if authority.is_empty() || authority.contains('@') {
        return None;
    }
    let mut authority = authority.to_ascii_lowercase();
    let default = if scheme == "http" { ":80" } else { ":443" };
    if authority.ends_with(default) {
        authority.truncate(authority.len().saturating_sub(default.len()));
    }
    // Percent-encoding: upper-case hex, and unreserved characters decoded.
    let bytes = path.as_bytes();
    let mut decoded = String::with_capacity(path.len());
    let mut i = 0usize;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let (h, l) = (
                bytes.get(i.saturating_add(1)).copied(),
                bytes.get(i.saturating_add(2)).copied(),
            );
            let (Some(h), Some(l)) = (h.and_then(hex), l.and_then(hex)) else {
                return None;
            };
            let v = h.checked_mul(16)?.checked_add(l)?;
            if v.is_ascii_alphanumeric() || matches!(v, b'-' | b'.' | b'_' | b'~') {
                decoded.push(char::from(v));
            } else {
                decoded.push_str(&format!("%{v:02X}"));
            }
            i = i.saturating_add(3);
        } else {
            decoded.push(char::from(b));
            i = i.saturating_add(1);
        }
    }
    // Dot segments (RFC 3986 5.2.4).
    let mut out: Vec<&str> = Vec::new();
    let segments: Vec<&str> = decoded.split('/').skip(1).collect();
    let last = segments.len().saturating_sub(1);
    for (n, seg) in segments.iter().enumerate() {
        match *seg {
            "." => {
                if n == last {
                    out.push("");
                }
            }
            ".." => {
                out.pop();
                if n == last {
                    out.push("");
                }
            }
            s => out.push(s),
        }
    }
    let path = if out.is_empty() {
        "/".to_string()
    } else {
        format!("/{}", out.join("/"))
    };
    Some(format!("{scheme}://{authority}{path}"))
}

/// What a proof is checked against.
#[derive(Debug, Clone, Default)]
pub struct ProofRules {
    /// The request's method.
    pub htm: String,
    /// The request's URI.
    pub htu: String,
    /// Oldest `iat` accepted, seconds before `now`.
    pub max_age: u64,
    /// Clock skew allowed for an `iat` in the future, seconds.
    pub leeway: u64,
    /// The nonce the server expects, when it expects one.
    pub nonce: Option<String>,
    /// The access token presented with the proof (`ath` must match).
    pub access_token: Option<String>,
    /// Allowed algorithms (empty: any asymmetric one that fits the key).
    pub algs: Vec<JwsAlg>,
    /// The verification time.
    pub now: i64,
}

/// A proof that passed.
#[derive(Debug, Clone)]
pub struct Proof {
    /// RFC 7638 thumbprint of the proof's key: what `cnf.jkt` must be.
    pub jkt: String,
    /// `jti`, for replay detection.
    pub jti: String,
    /// `iat`.
    pub iat: i64,
}

fn invalid(msg: impl Into<String>) -> Rejection {
    Rejection::new(RejectCode::DpopInvalid, msg)
}

/// Why a nonce check failed: a missing or stale nonce is answered with a fresh one
/// (`use_dpop_nonce`), anything else is `invalid_dpop_proof`.
pub fn nonce_problem(r: &Rejection) -> bool {
    r.message.starts_with("DPoP nonce")
}

/// Checks a proof; returns its key's thumbprint.
pub fn check(proof: &str, rules: &ProofRules) -> std::result::Result<Proof, Rejection> {
    let proof = proof.trim();
    let head = proof.split('.').next().unwrap_or_default();
    if proof.split('.').count() != 3 {
        return Err(invalid("the DPoP proof is not a compact JWS"));
    }
    let header = crate::encoding::b64url_decode(head)
        .ok()
        .and_then(|b| crate::encoding::parse_object_strict(&b).ok())
        .ok_or_else(|| invalid("the DPoP proof's header is not base64url JSON"))?;
    let typ_ok = header
        .get("typ")
        .and_then(Value::as_str)
        .is_some_and(|t| t.eq_ignore_ascii_case(TYP));
    if !typ_ok {
        return Err(invalid("the DPoP proof's typ is not dpop+jwt"));
    }
    let Some(Value::Object(jwk)) = header.get("jwk") else {
        return Err(invalid("the DPoP proof has no jwk in its header"));
    };
    if let Some(m) = PRIVATE_MEMBERS.iter().find(|m| jwk.contains_key(**m)) {
        return Err(invalid(format!(
            "the DPoP proof's jwk holds a private member ({m:?})"
        )));
    }
    let alg = header
        .get("alg")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if alg.starts_with("HS") || alg.eq_ignore_ascii_case("none") || alg.is_empty() {
        return Err(invalid(format!(
            "the DPoP proof's alg {alg:?} is not an asymmetric signature algorithm"
        )));
    }
    let text = Value::Object(jwk.clone()).to_string();
    let key = load_key_bytes(text.as_bytes(), "the DPoP proof's jwk", None)
        .ok()
        .and_then(|s| s.keys.into_iter().next())
        .ok_or_else(|| invalid("the DPoP proof's jwk is not a usable public key"))?;
    let jkt = key
        .thumbprint()
        .map_err(|e| invalid(format!("the DPoP proof's jwk: {e}")))?;
    let ring = KeyRing::new(
        KeySet {
            keys: vec![key],
            is_set: false,
        },
        &rules.algs,
        false,
    )
    .map_err(|e| invalid(format!("the DPoP proof's jwk cannot verify: {e}")))?;
    let signature_only = ClaimRules {
        any_aud: true,
        ignore_exp: true,
        leeway: rules.leeway,
        now: rules.now,
        ..ClaimRules::default()
    };
    let v = verify_token_with(
        proof,
        &ring.verifiers(),
        &signature_only,
        None,
        true,
        Claims::All,
        &mut Report::default(),
    )
    .map_err(|r| invalid(format!("DPoP proof: {}", r.message)))?;
    let claims = v.claims.unwrap_or_default();
    let text = |k: &str| claims.get(k).and_then(Value::as_str);
    let jti = text("jti")
        .filter(|j| !j.is_empty())
        .ok_or_else(|| invalid("the DPoP proof has no jti"))?;
    if text("htm") != Some(rules.htm.as_str()) {
        return Err(invalid(format!(
            "the DPoP proof is for method {:?}, not {}",
            text("htm").unwrap_or_default(),
            rules.htm
        )));
    }
    let want = normalize_htu(&rules.htu);
    let got = text("htu").and_then(normalize_htu);
    if want.is_none() || got != want {
        return Err(invalid(format!(
            "the DPoP proof is for {:?}, not {}",
            crate::sanitize::sanitize(text("htu").unwrap_or_default()),
            crate::sanitize::sanitize(strip_query(&rules.htu))
        )));
    }
    let Some(iat) = claims.get("iat").and_then(Value::as_i64) else {
        return Err(invalid("the DPoP proof has no numeric iat"));
    };
    let leeway = i64::try_from(rules.leeway).unwrap_or(i64::MAX);
    let max_age = i64::try_from(rules.max_age).unwrap_or(i64::MAX);
    if iat > rules.now.saturating_add(leeway) {
        return Err(invalid("the DPoP proof was issued in the future"));
    }
    if rules.now.saturating_sub(iat) > max_age {
        return Err(invalid(format!(
            "the DPoP proof is too old: issued {}",
            crate::time::format_timestamp(iat)
        )));
    }
    if let Some(want) = &rules.nonce {
        match text("nonce") {
            Some(n) if crate::crypto::ct_eq(n.as_bytes(), want.as_bytes()) => {}
            Some(_) => {
                return Err(invalid(
                    "DPoP nonce: the proof's nonce is not the current one",
                ));
            }
            None => return Err(invalid("DPoP nonce: the server requires a nonce")),
        }
    }
    match (&rules.access_token, text("ath")) {
        (Some(t), Some(a)) => {
            let want = ath(t);
            if !crate::crypto::ct_eq(a.as_bytes(), want.as_bytes()) {
                return Err(invalid(
                    "the DPoP proof's ath is not the access token's hash",
                ));
            }
        }
        (Some(_), None) => return Err(invalid("the DPoP proof has no ath for the access token")),
        (None, _) => {}
    }
    Ok(Proof {
        jkt,
        jti: jti.to_string(),
        iat,
    })
}

/// Checks that `claims` (of a verified access token) are bound to the proof's key.
pub fn check_binding(
    claims: &Map<String, Value>,
    proof: &Proof,
) -> std::result::Result<(), Rejection> {
    match claims
        .get("cnf")
        .and_then(|c| c.get("jkt"))
        .and_then(Value::as_str)
    {
        Some(jkt) if crate::crypto::ct_eq(jkt.as_bytes(), proof.jkt.as_bytes()) => Ok(()),
        Some(_) => Err(Rejection::new(
            RejectCode::DpopBinding,
            "the token is bound to another key (cnf.jkt differs from the proof's key)",
        )),
        None => Err(Rejection::new(
            RejectCode::DpopBinding,
            "the token is not DPoP-bound (no cnf.jkt)",
        )),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn htu_normalization_follows_rfc_3986() {
        for (a, b) in [
            (
                "HTTPS://Server.Example:443/a/./b/../c?q#f",
                "https://server.example/a/c",
            ),
            ("http://x:80", "http://x/"),
            ("http://x:8080/%7euser/%2f", "http://x:8080/~user/%2F"),
            ("https://x/a/b/..", "https://x/a/"),
        ] {
            assert_eq!(normalize_htu(a).as_deref(), Some(b), "{a}");
        }
        assert_eq!(normalize_htu("ftp://x/"), None);
        assert_eq!(normalize_htu("https://x/%zz"), None);
    }

    fn key() -> Key {
        let pem = include_bytes!("../tests/fixtures/keys/ec-p256.pkcs8.pem");
        load_key_bytes(pem, "k", None).unwrap().keys.remove(0)
    }

    #[test]
    fn a_proof_is_checked_claim_by_claim() {
        let spec = ProofSpec {
            htm: "POST".into(),
            htu: "https://as.example/token?x=1".into(),
            access_token: Some("tok".into()),
            nonce: Some("n1".into()),
            iat: 1000,
            jti: None,
        };
        let proof = make(&key(), JwsAlg::ES256, &spec).unwrap();
        let rules = ProofRules {
            htm: "POST".into(),
            htu: "https://AS.example:443/token".into(),
            max_age: 300,
            leeway: 5,
            nonce: Some("n1".into()),
            access_token: Some("tok".into()),
            algs: Vec::new(),
            now: 1001,
        };
        let ok = check(&proof, &rules).unwrap();
        assert_eq!(ok.jkt, key().thumbprint().unwrap());
        let fails = |r: ProofRules| check(&proof, &r).unwrap_err().code;
        assert_eq!(
            fails(ProofRules {
                htm: "GET".into(),
                ..rules.clone()
            }),
            RejectCode::DpopInvalid
        );
        assert_eq!(
            fails(ProofRules {
                htu: "https://as.example/other".into(),
                ..rules.clone()
            }),
            RejectCode::DpopInvalid
        );
        assert_eq!(
            fails(ProofRules {
                now: 2000,
                ..rules.clone()
            }),
            RejectCode::DpopInvalid
        );
        assert_eq!(
            fails(ProofRules {
                now: 900,
                ..rules.clone()
            }),
            RejectCode::DpopInvalid
        );
        assert!(nonce_problem(
            &check(
                &proof,
                &ProofRules {
                    nonce: Some("n2".into()),
                    ..rules.clone()
                }
            )
            .unwrap_err()
        ));
        assert_eq!(
            fails(ProofRules {
                access_token: Some("other".into()),
                ..rules.clone()
            }),
            RejectCode::DpopInvalid
        );
        let mut claims = Map::new();
        claims.insert("cnf".into(), json!({"jkt": ok.jkt}));
        assert!(check_binding(&claims, &ok).is_ok());
        claims.insert("cnf".into(), json!({"jkt": "x"}));
        assert_eq!(
            check_binding(&claims, &ok).unwrap_err().code,
            RejectCode::DpopBinding
        );
        assert!(make(&Key::from_secret(vec![1; 32]), JwsAlg::HS256, &spec).is_err());
    }
}
