//! Encryption: the header, the key management and the serialization.

use super::*;

/// Encrypts `plaintext` to `key`.
pub fn encrypt(plaintext: &[u8], key: &Key, opts: &EncryptOptions) -> Result<String> {
    let alg = match opts.alg {
        Some(a) => a,
        None => default_alg(key, opts.enc)?,
    };
    if alg.family() == JweFamily::Pbes2 && !(1000..=MAX_P2C).contains(&opts.p2c) {
        return Err(Error::usage(format!(
            "PBES2 needs 1000 to {MAX_P2C} iterations (p2c), not {}",
            opts.p2c
        )));
    }
    check_key(alg, Some(opts.enc), key, false)?;
    let enc = encrypter(alg, key, opts.p2c)?;
    let mut map = opts.header.clone();
    map.insert("alg".into(), alg.name().into());
    map.insert("enc".into(), opts.enc.name().into());
    if opts.zip {
        map.insert("zip".into(), "DEF".into());
    }
    let mut ctx = JweContext::new();
    ctx.remove_compression("DEF");
    ctx.add_compression(Box::new(Deflate));
    let fail = |e: JoseError| Error::usage(format!("encryption failed: {e}"));
    match opts.serialization {
        Serialization::Compact => {
            let header = JweHeader::from_map(map).map_err(fail)?;
            ctx.serialize_compact(plaintext, &header, &*enc)
                .map_err(fail)
        }
        s => {
            let mut set = JweHeaderSet::new();
            if s == Serialization::General {
                // The recipient's own header names its key management (and key id).
                let mut recipient = JweHeader::new();
                for name in ["alg", "kid"] {
                    if let Some(v) = map.remove(name) {
                        recipient.set_claim(name, Some(v)).map_err(fail)?;
                    }
                }
                for (k, v) in map {
                    set.set_claim(&k, Some(v), true).map_err(fail)?;
                }
                ctx.serialize_general_json(
                    plaintext,
                    Some(&set),
                    &[(Some(&recipient), &*enc)],
                    None,
                )
                .map_err(fail)
            } else {
                for (k, v) in map {
                    set.set_claim(&k, Some(v), true).map_err(fail)?;
                }
                ctx.serialize_flattened_json(plaintext, Some(&set), None, None, &*enc)
                    .map_err(fail)
            }
        }
    }
}
