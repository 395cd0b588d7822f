//! `jwtctl sign`.

use serde_json::{Map, Value};

use jwtctl::jwt::{ClaimsSpec, build};

use super::assign::{add_header_members, parse_assignment};
use jwtctl::crypto::Signer;
use jwtctl::encoding::{b64url, parse_object_strict};
use jwtctl::error::{Error, KeyErrorKind, Result};
use jwtctl::jwa::JwsAlg;
use jwtctl::jwa::{KeyType, OkpCurve};
use jwtctl::jws::{self, SignOptions};
use jwtctl::keys::{Key, KeyOp, KeySet, read_limited, select_by_kid};
use jwtctl::time::{parse_time, system_now};
use jwtctl::verify::check_key_fits;

use super::args::{SignAlg, SignArgs};
use super::input::{MAX_PAYLOAD, load_keys, read_text_arg, read_token};
use super::output::Output;

/// The algorithm when `--alg` is absent: a JWK's own `alg`, or the one JWS algorithm an EC
/// key admits, or EdDSA for Ed25519/Ed448 (the name every verifier knows). RSA keys and
/// secrets fit several algorithms, and guessing one would pick the hash for the user.
pub(super) fn infer_alg(set: &KeySet, kid: Option<&str>) -> Result<JwsAlg> {
    let chosen = set.select(kid);
    let [key] = chosen.as_slice() else {
        return Err(Error::usage(
            "--alg is needed to choose a key from the set (or give --kid)",
        ));
    };
    if let Some(name) = &key.meta.alg {
        return JwsAlg::from_header(name).ok_or_else(|| {
            Error::key(format!(
                "the key's JWK \"alg\" is {name:?}, which is not a JWS algorithm"
            ))
        });
    }
    match key.key_type() {
        KeyType::Okp(OkpCurve::Ed25519 | OkpCurve::Ed448) => Ok(JwsAlg::EdDSA),
        kty @ KeyType::Ec(_) => JwsAlg::fitting(kty)
            .first()
            .copied()
            .ok_or_else(|| Error::key(format!("no JWS algorithm fits {}", key.describe()))),
        KeyType::Rsa => Err(Error::usage(
            "give --alg: an RSA key fits RS256, RS384, RS512, PS256, PS384 and PS512, and the choice is the verifier's to expect",
        )),
        KeyType::Oct => Err(Error::usage(
            "give --alg: a secret fits HS256, HS384 and HS512, and the choice is the verifier's to expect",
        )),
        KeyType::Okp(_) => Err(Error::key(format!(
            "{} cannot sign: X25519 and X448 keys are for key agreement (ECDH-ES)",
            key.describe()
        ))),
    }
}

fn pick_key(mut keys: Vec<Key>, is_set: bool, alg: JwsAlg, kid: Option<&str>) -> Result<Key> {
    if !is_set {
        return keys.pop().ok_or_else(|| Error::key("no key"));
    }
    let fitting: Vec<usize> = select_by_kid(&keys, is_set, kid)
        .into_iter()
        .filter(|&i| keys.get(i).is_some_and(|k| alg.fits(k.key_type())))
        .collect();
    match fitting.as_slice() {
        [i] if *i < keys.len() => Ok(keys.swap_remove(*i)),
        [] => Err(Error::key(format!(
            "no key in the set fits {alg}{}",
            kid.map(|k| format!(" with kid {k:?}")).unwrap_or_default()
        ))),
        many => Err(Error::key(format!(
            "{} keys in the set fit {alg}: choose one with --kid",
            many.len()
        ))),
    }
}

pub fn run(a: &SignArgs, out: &Output) -> Result<()> {
    let now = match &a.now {
        Some(t) => parse_time(t, system_now())?,
        None => system_now(),
    };
    let unsecured = a.alg == Some(SignAlg::Unsecured);
    let mut chain = None;
    let (alg_name, signer, key_kid) = if unsecured {
        if a.x5c.is_some() {
            return Err(Error::usage(
                "--x5c needs a signature: an unsecured token's chain would vouch for nothing",
            ));
        }
        if !a.allow_unsecured {
            return Err(Error::usage(
                "--alg none makes an unsigned token that anyone can forge; add --allow-unsecured if you really mean it",
            ));
        }
        if a.key.key.is_some() || a.key.secret.is_some() {
            return Err(Error::usage("--alg none takes no key"));
        }
        out.warn("creating an unsecured token (alg none): it is not signed and every careful verifier rejects it");
        ("none".to_string(), None, None)
    } else {
        let k = &a.key;
        let set = load_keys(
            k.key.as_deref(),
            k.secret.as_ref(),
            k.passphrase.as_ref(),
            None,
            "--key PATH or --secret SOURCE",
            out,
        )?;
        let alg: JwsAlg = match a.alg {
            Some(SignAlg::Jws(alg)) => alg,
            _ => infer_alg(&set, a.kid.as_deref())?,
        };
        let key = pick_key(set.keys, set.is_set, alg, a.kid.as_deref())?;
        if let Some(w) = check_key_fits(alg, &key, KeyOp::Sign, a.key.allow_weak_key)? {
            out.warn(&super::remedy::weak_key_accepted(&w));
        }
        if !key.is_private() {
            return Err(Error::key_of(
                KeyErrorKind::WrongPart,
                format!(
                    "{alg} signing needs a private key, but the key is a {}",
                    key.describe()
                ),
            ));
        }
        let signer = Signer::new(alg, &key)?;
        chain = a
            .x5c
            .as_deref()
            .map(|p| signing_chain(p, &key))
            .transpose()?;
        (alg.name().to_string(), Some(signer), key.meta.kid.clone())
    };

    let (mut from_claims, mut from_header) = match &a.from {
        Some(t) => {
            let (claims, header) = decode_from(t)?;
            (Some(claims), a.keep_header.then_some(header))
        }
        None => (None, None),
    };
    let is_sd = !a.sd.is_empty() || a.holder_key.is_some();
    let mut disclosures: Vec<String> = Vec::new();
    if is_sd && (a.payload.is_some() || a.detached || a.unencoded) {
        return Err(Error::usage(
            "--sd and --holder-key make an SD-JWT from claims: not with --payload, --detached or --unencoded",
        ));
    }
    if a.sd_decoys.is_some() && a.sd.is_empty() {
        return Err(Error::usage("--sd-decoys needs --sd"));
    }
    if a.unencoded && a.payload.is_none() {
        return Err(Error::usage(
            "--unencoded needs --payload FILE: RFC 7797 forbids the unencoded option for JWT claims",
        ));
    }
    let (payload, is_claims) = match &a.payload {
        Some(p) if p.as_os_str() == "-" => (read_text_arg(None)?, false),
        Some(p) => (read_limited(p, MAX_PAYLOAD as u64)?, false),
        None => {
            let base = match &a.claims_input {
                None if a.from.is_some() => from_claims.take().unwrap_or_default(),
                None => Map::new(),
                Some(src) => {
                    let bytes = read_text_arg(Some(src))?;
                    parse_object_strict(bytes.trim_ascii())
                        .map_err(|e| Error::usage(format!("claims must be a JSON object: {e}")))?
                }
            };
            let time = |t: &Option<String>| t.as_deref().map(|t| parse_time(t, now)).transpose();
            let jti = if a.jti_random {
                let mut b = [0u8; 16];
                openssl::rand::rand_bytes(&mut b)
                    .map_err(|_| Error::usage("no randomness available"))?;
                Some(b64url(b))
            } else {
                a.jti.clone()
            };
            let spec = ClaimsSpec {
                iss: a.iss.clone(),
                sub: a.sub.clone(),
                aud: a.aud.clone(),
                exp: time(&a.exp)?,
                nbf: time(&a.nbf)?,
                // --from keeps the token's iat unless --iat or --no-iat says otherwise.
                iat: match (a.no_iat, time(&a.iat)?) {
                    (true, _) => None,
                    (false, Some(t)) => Some(t),
                    (false, None) if a.from.is_some() => None,
                    (false, None) => Some(now),
                },
                jti,
                extra: a
                    .claims
                    .iter()
                    .map(|c| parse_assignment(c))
                    .collect::<Result<_>>()?,
            };
            let mut claims = build(base, spec);
            // --from --no-iat drops the token's iat (claims given as JSON keep theirs: --no-iat
            // only stops jwtctl from adding one).
            if a.no_iat && a.from.is_some() {
                claims.remove("iat");
            }
            for name in &a.unset {
                if claims.remove(name).is_none() {
                    out.warn(&format!("--unset {name}: the claims have no such member"));
                }
            }
            if is_sd {
                disclosures = sd_conceal(a, &mut claims, out)?;
            }
            if let (Some(Value::Number(e)), Some(Value::Number(i))) =
                (claims.get("exp"), claims.get("iat"))
            {
                if e.as_i64() <= i.as_i64() {
                    out.warn("exp is not after iat: the token is born expired");
                }
            }
            (
                serde_json::to_vec(&Value::Object(claims))
                    .map_err(|e| Error::usage(e.to_string()))?,
                true,
            )
        }
    };

    let mut header = Map::new();
    header.insert("alg".into(), alg_name.into());
    if let Some(kept) = from_header.take() {
        header.extend(kept);
    }
    let typ = a
        .typ
        .clone()
        .or_else(|| {
            header
                .get("typ")
                .and_then(Value::as_str)
                .map(str::to_string)
        })
        .or_else(|| is_claims.then(|| "JWT".to_string()));
    let kid = a.kid.clone().or(key_kid);
    add_header_members(
        &mut header,
        typ.as_deref(),
        kid.as_deref(),
        a.cty.as_deref(),
        &a.headers,
        &["alg", "b64"],
    )?;
    let serialization = a.serialization.into();
    let opts = SignOptions {
        serialization,
        detached: a.detached,
        unencoded: a.unencoded,
    };
    if let Some(certs) = &chain {
        for name in ["x5c", "x5t#S256"] {
            if header.contains_key(name) {
                return Err(Error::usage(format!(
                    "--header {name} and --x5c both set {name}: give the chain with --x5c only"
                )));
            }
        }
        header.insert("x5c".into(), jwtctl::x5c::header_value(certs));
        if let (true, Some(leaf)) = (a.x5t, certs.first()) {
            header.insert("x5t#S256".into(), jwtctl::x5c::thumbprint_s256(leaf).into());
        }
    }
    let mut token = jws::sign(&payload, header, signer.as_ref(), opts)?;
    if is_sd {
        token = sd_serialize(token, serialization, &disclosures)?;
    }
    out.line(&token).map_err(|e| Error::io("<stdout>", e))
}

/// The `--x5c` chain, leaf first, checked against the signing key.
fn signing_chain(
    path: &std::path::Path,
    key: &jwtctl::keys::Key,
) -> Result<Vec<jwtctl::x5c::Cert>> {
    let bytes = read_limited(path, MAX_PAYLOAD as u64)?;
    jwtctl::x5c::signing_chain(&bytes, &path.display().to_string(), key)
}

/// `--sd` and `--holder-key`: conceals the named claims (returns their disclosures) and
/// writes `cnf.jwk`.
fn sd_conceal(a: &SignArgs, claims: &mut Map<String, Value>, out: &Output) -> Result<Vec<String>> {
    if let Some(path) = &a.holder_key {
        let set = super::input::load_key(path, None, out)?;
        let key = set
            .keys
            .into_iter()
            .next()
            .ok_or_else(|| Error::usage(format!("{}: no key in it", path.display())))?;
        if key.secret().is_some() {
            return Err(Error::usage(
                "--holder-key must be an asymmetric key: its public part goes in cnf.jwk",
            ));
        }
        let jwk = key.to_jwk(false)?;
        claims.insert("cnf".into(), serde_json::json!({ "jwk": jwk }));
    }
    let paths =
        a.sd.iter()
            .map(|p| jwtctl::sd_jwt::SdPath::parse(p))
            .collect::<Result<Vec<_>>>()?;
    let opts = jwtctl::sd_jwt::IssueOptions {
        decoys: a.sd_decoys.map_or(0, usize::from),
        alg: jwtctl::sd_jwt::SdAlg::Sha256,
    };
    jwtctl::sd_jwt::conceal(claims, &paths, &opts)
}

/// The issuer-signed JWT with its disclosures: compact `<JWT>~<D>~...~`, or the JSON
/// serializations of RFC 9901 section 8.
fn sd_serialize(
    token: String,
    serialization: jwtctl::jws::Serialization,
    disclosures: &[String],
) -> Result<String> {
    use jwtctl::sd_jwt::Form;
    let form = match serialization {
        jwtctl::jws::Serialization::Compact => Form::Compact,
        jwtctl::jws::Serialization::Flattened => Form::Flattened,
        jwtctl::jws::Serialization::General => Form::General,
    };
    Ok(jwtctl::sd_jwt::SdJwt::issued(form, token, disclosures))
}

/// Header members `--keep-header` does not carry over: the new signature's own, and the ones
/// that name or carry a key (a chain or key for another signer would be a lie).
const NOT_KEPT: &[&str] = &[
    "alg", "kid", "x5c", "x5t", "x5t#S256", "jwk", "jku", "x5u", "crit", "b64",
];

/// `--from TOKEN`: its claims and (for `--keep-header`) header members, decoded without
/// verification.
fn decode_from(arg: &str) -> Result<(Map<String, Value>, Map<String, Value>)> {
    let text = read_token(Some(arg))?;
    let jwtctl::jws::Token::Jws(jws) = jwtctl::jws::parse(&text)? else {
        return Err(Error::usage(
            "--from takes a signed token (JWS); decrypt a JWE first",
        ));
    };
    let first = jws
        .signatures
        .first()
        .ok_or_else(|| Error::usage("--from: the token has no signature"))?;
    let payload = jws.payload(first.b64(), None)?;
    let claims = parse_object_strict(&payload).map_err(|e| {
        jwtctl::Rejection::new(
            jwtctl::RejectCode::NotAJwt,
            format!("--from: the token's payload is not a JSON object of claims: {e}"),
        )
    })?;
    let mut header = first.header();
    header.retain(|k, _| !NOT_KEPT.contains(&k.as_str()));
    Ok((claims, header))
}
