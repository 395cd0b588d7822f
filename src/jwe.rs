//! JWE (RFC 7516, RFC 7518 section 4-5): encryption and decryption through josekit, with the
//! policy and the hostile-input limits in front of it: algorithm allow-list (`RSA1_5` only on
//! request), part sizes checked before any crypto, a PBES2 `p2c` cap checked before key
//! derivation, bounded `zip: DEF` inflation, and one indistinguishable error for every
//! failure of the cryptography (no padding or key oracle).

mod backend;
mod decrypt;
mod encrypt;
mod parse;
mod precheck;

pub use backend::{check_key, default_alg};
pub use decrypt::decrypt;
pub use encrypt::encrypt;
pub use parse::{JweParts, parts};

// The parts share their private items through this module.
use backend::*;
use decrypt::*;
use parse::*;
use precheck::*;

use std::borrow::Cow;
use std::io::Read;

use josekit::JoseError;
use josekit::jwe::{
    JweCompression, JweContentEncryption, JweContext, JweDecrypter, JweEncrypter, JweHeader,
    JweHeaderSet,
};
use serde_json::{Map, Value};

use crate::encoding::{b64url_decode, json_type, parse_object_strict, parse_value_strict};
use crate::error::{Error, RejectCode, Rejection, Remedy, Result};
use crate::jwa::{EcCurve, JweAlg, JweEnc, JweFamily, KeyType, OkpCurve};
use crate::jws::{MAX_TOKEN_BYTES, Serialization, normalize_input};
use crate::keys::{Key, KeySet};

/// The default PBES2 iteration count when encrypting: the most that panva/jose (10,000),
/// jwcrypto (16,384) and latchset jose (32,768) all accept with their default limits, so a
/// token jwtctl writes opens everywhere.
pub const DEFAULT_P2C: u64 = 10_000;
/// The highest PBES2 iteration count that key derivation accepts (OpenSSL takes a C `int`).
pub const MAX_P2C: u64 = i32::MAX as u64;
/// The default cap on PBES2 `p2c` when decrypting.
pub const DEFAULT_MAX_P2C: u64 = 1_000_000;
/// The default cap on decrypted (and inflated) plaintext.
pub const DEFAULT_MAX_PLAINTEXT: usize = 16 * 1024 * 1024;

/// How to encrypt.
#[derive(Debug, Clone)]
pub struct EncryptOptions {
    /// Key management algorithm; `None`: chosen from the key ([`default_alg`]).
    pub alg: Option<JweAlg>,
    /// Content encryption.
    pub enc: JweEnc,
    /// Compress with DEFLATE first.
    pub zip: bool,
    /// Further protected header members (`kid`, `cty`, `typ`, ...).
    pub header: Map<String, Value>,
    /// Output serialization.
    pub serialization: Serialization,
    /// PBES2 iteration count.
    pub p2c: u64,
}

/// What decryption accepts.
#[derive(Debug, Clone)]
pub struct DecryptOptions {
    /// Allowed key management algorithms; empty: those that fit the key (never `RSA1_5`).
    pub algs: Vec<JweAlg>,
    /// Allowed content encryptions; empty: all.
    pub encs: Vec<JweEnc>,
    /// Accept `RSA1_5`.
    pub allow_rsa1_5: bool,
    /// Highest PBES2 `p2c` accepted: for one recipient, and for the sum over every recipient
    /// and key a token makes jwtctl try.
    pub max_p2c: u64,
    /// Largest plaintext (after inflation).
    pub max_plaintext: usize,
}

impl Default for DecryptOptions {
    fn default() -> Self {
        DecryptOptions {
            algs: Vec::new(),
            encs: Vec::new(),
            allow_rsa1_5: false,
            max_p2c: DEFAULT_MAX_P2C,
            max_plaintext: DEFAULT_MAX_PLAINTEXT,
        }
    }
}

/// A decrypted JWE.
#[derive(Debug, Clone)]
pub struct Decrypted {
    /// The plaintext, exactly.
    pub plaintext: Vec<u8>,
    /// The merged header of the recipient that was opened.
    pub header: Map<String, Value>,
}

pub(super) fn reject(code: RejectCode, m: impl Into<String>) -> Rejection {
    Rejection::new(code, m)
}

pub(super) fn malformed(m: impl Into<String>) -> Rejection {
    Rejection::malformed(m)
}
