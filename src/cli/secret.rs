//! Secret sources (`--secret`, `--passphrase`): `env:NAME`, `file:PATH` / `@PATH`, `prompt`,
//! `b64:VALUE`, or a literal. Reading a `prompt` source is left to the caller through a
//! callback, so the library never touches the terminal.

use std::path::PathBuf;
use std::str::FromStr;

use zeroize::Zeroizing;

use jwtctl::encoding::b64_decode_lenient;
use jwtctl::error::{Error, Result};

/// Secrets read from files are capped; a secret is never megabytes long.
const MAX_SECRET_FILE: u64 = 1024 * 1024;

/// Where a secret comes from.
#[derive(Clone, PartialEq, Eq)]
pub enum SecretSource {
    /// `env:NAME`: the value of an environment variable.
    Env(String),
    /// `file:PATH` or `@PATH`: the raw bytes of a file.
    File(PathBuf),
    /// `prompt`: asked on the terminal without echo.
    Prompt,
    /// `b64:VALUE`: base64url or standard base64.
    Base64(String),
    /// Anything else: the literal text (it can leak through shell history and `ps`).
    Literal(Zeroizing<String>),
}

impl std::fmt::Debug for SecretSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SecretSource::Env(n) => write!(f, "env:{n}"),
            SecretSource::File(p) => write!(f, "file:{}", p.display()),
            SecretSource::Prompt => f.write_str("prompt"),
            SecretSource::Base64(_) => f.write_str("b64:(hidden)"),
            SecretSource::Literal(_) => f.write_str("(literal, hidden)"),
        }
    }
}

impl FromStr for SecretSource {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(if let Some(name) = s.strip_prefix("env:") {
            SecretSource::Env(name.to_string())
        } else if let Some(path) = s.strip_prefix("file:").or_else(|| s.strip_prefix('@')) {
            SecretSource::File(PathBuf::from(path))
        } else if s == "prompt" {
            SecretSource::Prompt
        } else if let Some(v) = s.strip_prefix("b64:") {
            SecretSource::Base64(v.to_string())
        } else {
            SecretSource::Literal(Zeroizing::new(s.to_string()))
        })
    }
}

impl SecretSource {
    /// True for a literal on the command line, which deserves a warning.
    pub fn is_literal(&self) -> bool {
        matches!(self, SecretSource::Literal(_))
    }

    /// Reads the secret bytes; `prompt` is answered by `ask`. An empty secret is an error.
    pub fn read(
        &self,
        ask: &mut dyn FnMut() -> std::io::Result<Zeroizing<String>>,
    ) -> Result<Zeroizing<Vec<u8>>> {
        let bytes = match self {
            SecretSource::Env(name) => {
                let v = std::env::var_os(name).ok_or_else(|| {
                    Error::usage(format!("environment variable {name} is not set"))
                })?;
                Zeroizing::new(v.into_encoded_bytes())
            }
            SecretSource::File(path) => {
                Zeroizing::new(jwtctl::keys::read_limited(path, MAX_SECRET_FILE)?)
            }
            SecretSource::Prompt => {
                let text = ask().map_err(|e| {
                    Error::usage(format!("cannot read the secret from the terminal: {e}"))
                })?;
                Zeroizing::new(text.as_bytes().to_vec())
            }
            SecretSource::Base64(v) => Zeroizing::new(
                b64_decode_lenient(v)
                    .ok_or_else(|| Error::usage("b64: secret is not valid base64 or base64url"))?,
            ),
            SecretSource::Literal(s) => Zeroizing::new(s.as_bytes().to_vec()),
        };
        if bytes.is_empty() {
            return Err(Error::usage(format!("the secret from {self:?} is empty")));
        }
        Ok(bytes)
    }
}
