//! Header and part checks that need no key: names, `crit`, sizes, the `p2c` cap — run before
//! any cryptography.

use super::*;

/// Header and part checks that need no key: names, `crit`, sizes, the `p2c` cap.
pub(super) fn precheck(
    r: &Recipient,
    body: &Body,
    opts: &DecryptOptions,
) -> Result<(JweAlg, JweEnc), Rejection> {
    let s = |n: &str| -> Result<String, Rejection> {
        match r.header.get(n) {
            Some(Value::String(v)) => Ok(v.clone()),
            Some(v) => Err(malformed(format!(
                "JWE \"{n}\" must be a string, not {}",
                json_type(v)
            ))),
            None => Err(malformed(format!("the JWE header has no \"{n}\""))),
        }
    };
    let (alg_name, enc_name) = (s("alg")?, s("enc")?);
    let Some(alg) = JweAlg::from_name(&alg_name) else {
        return Err(reject(
            RejectCode::AlgNotAllowed,
            format!(
                "unsupported JWE algorithm {:?}",
                crate::sanitize::sanitize(&alg_name)
            ),
        ));
    };
    let names = |list: &[String]| list.join(", ");
    if alg == JweAlg::Rsa1_5 && !opts.allow_rsa1_5 {
        return Err(reject(
            RejectCode::AlgNotAllowed,
            "RSA1_5 is deprecated (RFC 8725) and refused",
        )
        .with_remedy(Remedy::AllowRsa15));
    }
    if !opts.algs.is_empty() && !opts.algs.contains(&alg) {
        return Err(reject(
            RejectCode::AlgNotAllowed,
            format!(
                "JWE algorithm {alg} is not allowed (allowed: {})",
                names(
                    &opts
                        .algs
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                )
            ),
        ));
    }
    let Some(enc) = JweEnc::from_name(&enc_name) else {
        return Err(reject(
            RejectCode::AlgNotAllowed,
            format!(
                "unsupported content encryption {:?}",
                crate::sanitize::sanitize(&enc_name)
            ),
        ));
    };
    let (iv_len, tag_len) = (enc.iv_len(), enc.tag_len());
    if !opts.encs.is_empty() && !opts.encs.contains(&enc) {
        return Err(reject(
            RejectCode::AlgNotAllowed,
            format!(
                "content encryption {enc} is not allowed (allowed: {})",
                names(
                    &opts
                        .encs
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                )
            ),
        ));
    }
    match r.header.get("zip") {
        None => {}
        Some(Value::String(z)) if z == "DEF" => {}
        Some(_) => return Err(malformed("unsupported \"zip\" (only DEF)")),
    }
    if let Some(crit) = r.header.get("crit") {
        return Err(reject(
            RejectCode::CritUnsupported,
            format!("critical JWE extensions are not understood: {crit}"),
        ));
    }
    if body.iv.len() != iv_len || body.tag.len() != tag_len {
        return Err(malformed(format!(
            "{enc} needs a {iv_len}-byte IV and a {tag_len}-byte tag; the token has {} and {}",
            body.iv.len(),
            body.tag.len()
        )));
    }
    let ciphertext_len = body.ciphertext.len();
    if enc.is_cbc() && (ciphertext_len == 0 || ciphertext_len % 16 != 0) {
        return Err(malformed(
            "CBC ciphertext must be a non-empty multiple of 16 bytes",
        ));
    }
    let ek = r.encrypted_key_len();
    if !alg.wraps_key() && ek != 0 {
        return Err(malformed(format!(
            "{alg} carries no encrypted key, but the token has {ek} bytes"
        )));
    }
    if alg.is_aes_key_wrap() && (ek < 24 || ek % 8 != 0) {
        return Err(malformed(format!(
            "{alg} encrypted key must be a multiple of 8 bytes, at least 24; the token has {ek}"
        )));
    }
    if matches!(alg.family(), JweFamily::Rsa | JweFamily::AesGcmKw) && ek < 16 {
        return Err(malformed(format!(
            "the encrypted key has {ek} bytes, too few for {alg}"
        )));
    }
    if alg.family() == JweFamily::Pbes2 {
        let p2c = match r.header.get("p2c") {
            Some(Value::Number(n)) => n
                .as_u64()
                .ok_or_else(|| malformed("\"p2c\" must be a positive integer"))?,
            _ => return Err(malformed("PBES2 needs a numeric \"p2c\"")),
        };
        if p2c == 0 {
            return Err(malformed("\"p2c\" must be at least 1"));
        }
        if p2c > opts.max_p2c {
            return Err(reject(
                RejectCode::LimitExceeded,
                format!(
                    "PBES2 iteration count p2c {p2c} is above the limit {}",
                    opts.max_p2c
                ),
            )
            .with_remedy(Remedy::RaiseP2cLimit));
        }
        match r
            .header
            .get("p2s")
            .and_then(Value::as_str)
            .map(b64url_decode)
        {
            Some(Ok(s)) if s.len() >= 8 => {}
            _ => return Err(malformed("PBES2 needs a \"p2s\" salt of at least 8 bytes")),
        }
    }
    if alg.family() == JweFamily::EcdhEs {
        let epk = r
            .header
            .get("epk")
            .and_then(Value::as_object)
            .ok_or_else(|| malformed("ECDH-ES needs an \"epk\" object"))?;
        if epk.contains_key("d") {
            return Err(malformed("\"epk\" must be a public key"));
        }
        // Parsed (and checked to lie on its curve) by the same loader as every key.
        crate::keys::key_from_jwk(epk).map_err(|e| malformed(format!("invalid \"epk\": {e}")))?;
    }
    Ok((alg, enc))
}
