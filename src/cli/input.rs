//! Reading what the user gives: tokens (argument or stdin), keys and secrets (through the
//! library's one loader, with prompting for passphrases here at the edge), claims.

use std::io::{IsTerminal, Read};
use std::path::Path;

use zeroize::Zeroizing;

use super::secret::SecretSource;
use jwtctl::error::{Error, Rejection, Result};
use jwtctl::jws::MAX_TOKEN_BYTES;
use jwtctl::keys::{Key, KeySet, load_key_file, read_limited};

use super::output::Output;

/// Reads all of standard input, up to `limit` bytes; more is an error from `too_big`.
pub fn read_stdin_limited(limit: usize, too_big: impl Fn() -> Error) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    std::io::stdin()
        .lock()
        .take(limit as u64 + 1)
        .read_to_end(&mut buf)
        .map_err(|e| Error::io("<stdin>", e))?;
    if buf.len() > limit {
        return Err(too_big());
    }
    Ok(buf)
}

/// Token input larger than this is refused while reading (a token may be surrounded by
/// whitespace and a `Bearer ` prefix).
const MAX_TOKEN_INPUT: usize = MAX_TOKEN_BYTES + 4096;

/// The token text: the argument, `@FILE`, or all of standard input when absent or `-`.
/// An argument that is not a token but names an existing file is refused with a hint.
pub fn read_token(arg: Option<&str>) -> Result<String> {
    let too_big =
        || Rejection::malformed(format!("input is larger than {MAX_TOKEN_BYTES} bytes")).into();
    let bytes = match arg {
        None | Some("-") => read_stdin_limited(MAX_TOKEN_INPUT, too_big)?,
        Some(t) => match t.strip_prefix('@') {
            Some(path) => {
                let bytes =
                    read_limited(Path::new(path), MAX_TOKEN_INPUT as u64).map_err(|e| match e {
                        Error::Usage(_) => too_big(),
                        other => other,
                    })?;
                return String::from_utf8(bytes).map_err(|_| {
                    Rejection::malformed(format!("{path} is not text: a token is ASCII")).into()
                });
            }
            None => {
                if Path::new(t).is_file() && jwtctl::jws::parse(t).is_err() {
                    return Err(Rejection::malformed(format!(
                        "{:?} is not a token, but it names a file: to read the token from it, give @{t}",
                        jwtctl::sanitize::sanitize(t)
                    ))
                    .into());
                }
                return Ok(t.to_string());
            }
        },
    };
    String::from_utf8(bytes)
        .map_err(|_| Rejection::malformed("input is not text: a token is ASCII").into())
}

fn ask_hidden(prompt: &str) -> std::io::Result<Zeroizing<String>> {
    rpassword::prompt_password(prompt).map(Zeroizing::new)
}

/// Whether we may ask the user something on the terminal.
pub fn can_prompt() -> bool {
    std::io::stderr().is_terminal()
        && std::env::var_os("CI").is_none_or(|v| v.is_empty() || v == "false")
}

/// Reads a secret source, prompting on the terminal for `prompt`, and warns about literals.
pub fn read_secret(src: &SecretSource, what: &str, out: &Output) -> Result<Zeroizing<Vec<u8>>> {
    if src.is_literal() {
        out.warn(&format!("{what} given literally on the command line can leak through shell history and ps; prefer env:NAME, @FILE or prompt"));
    }
    src.read(&mut || ask_hidden(&format!("{what}: ")))
}

/// Loads a key file, asking for the passphrase on a terminal when the key is encrypted and
/// none was given.
pub fn load_key(path: &Path, passphrase: Option<&SecretSource>, out: &Output) -> Result<KeySet> {
    let pass = match passphrase {
        Some(src) => Some(read_secret(src, "passphrase", out)?),
        None => None,
    };
    match load_key_file(path, pass.as_ref().map(|p| p.as_slice())) {
        Err(Error::PassphraseNeeded { what }) if pass.is_none() && can_prompt() => {
            let p = ask_hidden(&format!("passphrase for {what}: "))
                .map_err(|e| Error::usage(format!("cannot read the passphrase: {e}")))?;
            load_key_file(path, Some(p.as_bytes()))
        }
        other => other,
    }
}

/// The keys selected by `--key`, `--secret` or `--jwks`; `choices` names the key flags the
/// command has, for the error when none is given.
pub fn load_keys(
    key: Option<&Path>,
    secret: Option<&SecretSource>,
    passphrase: Option<&SecretSource>,
    jwks: Option<&Path>,
    choices: &str,
    out: &Output,
) -> Result<KeySet> {
    match (key, secret, jwks) {
        (Some(path), None, None) => load_key(path, passphrase, out),
        (None, Some(src), None) => {
            let bytes = read_secret(src, "secret", out)?;
            Ok(KeySet {
                keys: vec![Key::from_secret(bytes.to_vec())],
                is_set: false,
            })
        }
        (None, None, Some(path)) => {
            let set = load_key(path, passphrase, out)?;
            Ok(KeySet {
                keys: set.keys,
                is_set: true,
            })
        }
        (None, None, None) => Err(Error::usage(format!("a key is needed: give {choices}"))),
        _ => Err(Error::usage(format!("give only one of {choices}"))),
    }
}

/// Payloads and claims files larger than this are refused.
pub const MAX_PAYLOAD: usize = 64 * 1024 * 1024;

/// Reads a `TEXT | @FILE | -` argument (absent means standard input): the bytes of the
/// text, of the file, or of all of standard input.
pub fn read_text_arg(arg: Option<&str>) -> Result<Vec<u8>> {
    match arg {
        None | Some("-") => read_stdin_limited(MAX_PAYLOAD, || {
            Error::usage("standard input is larger than 64 MiB")
        }),
        Some(a) => match a.strip_prefix('@') {
            Some(path) => read_limited(Path::new(path), MAX_PAYLOAD as u64),
            None => Ok(a.as_bytes().to_vec()),
        },
    }
}

/// Reads a secret, asking twice (and comparing) when it comes from the terminal: for
/// secrets that are being created (new passphrases, encryption passwords).
pub fn read_new_secret(src: &SecretSource, what: &str, out: &Output) -> Result<Zeroizing<Vec<u8>>> {
    let first = read_secret(src, what, out)?;
    if *src == SecretSource::Prompt {
        let again = read_secret(src, &format!("{what} (again)"), out)?;
        if *first != *again {
            return Err(Error::usage(format!("the two {what}s do not match")));
        }
    }
    Ok(first)
}
