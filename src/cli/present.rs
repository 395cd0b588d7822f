//! `jwtctl present`: an SD-JWT presentation from an SD-JWT holding every disclosure.

use jwtctl::error::{Error, Result};
use jwtctl::sd_jwt::{KbRequest, SdPath, present};
use jwtctl::time::{parse_time, system_now};

use super::args::PresentArgs;
use super::input::{load_key, read_token};
use super::output::Output;

pub fn run(a: &PresentArgs, out: &Output) -> Result<()> {
    let text = read_token(a.token.as_deref())?;
    let paths = a
        .disclose
        .iter()
        .map(|p| SdPath::parse(p))
        .collect::<Result<Vec<_>>>()?;
    let holder = match &a.holder_key {
        None => None,
        Some(path) => {
            let set = load_key(path, a.passphrase.as_ref(), out)?;
            let alg = match &a.alg {
                Some(x) => x.0,
                None => super::sign::infer_alg(&set, None)?,
            };
            let key = set
                .keys
                .into_iter()
                .next()
                .ok_or_else(|| Error::usage(format!("{}: no key in it", path.display())))?;
            let iat = match &a.kb_iat {
                Some(t) => parse_time(t, system_now())?,
                None => system_now(),
            };
            Some((key, alg, iat))
        }
    };
    let kb = holder.as_ref().map(|(key, alg, iat)| KbRequest {
        key,
        alg: *alg,
        aud: a.kb_aud.as_deref().unwrap_or_default(),
        nonce: a.nonce.as_deref().unwrap_or_default(),
        iat: *iat,
    });
    let presentation = present(&text, &paths, a.disclose_all, kb)?;
    out.line(&presentation)
        .map_err(|e| Error::io("<stdout>", e))
}
