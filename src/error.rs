//! The library's error type.
//!
//! Two families matter to callers: a [`Rejection`] says the *token* is not acceptable (the
//! binary exits 1 and prints its stable [`RejectCode`]); every other variant is a problem with
//! the invocation, a key or a file (exit 2). The binary maps errors to exit codes in one place
//! (`src/cli/exit.rs`).

use std::fmt;
use std::path::PathBuf;

use crate::time::{format_relative, format_timestamp};

/// Result alias used throughout the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in jwtctl's library.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The token was read but is not acceptable (exit 1).
    #[error("{0}")]
    Rejected(#[from] Rejection),
    /// Batch verification: some tokens were not valid (exit 1; each has its own output line).
    #[error("{bad} of {total} tokens are not valid")]
    SomeInvalid {
        /// Invalid tokens.
        bad: u64,
        /// Tokens read.
        total: u64,
    },
    /// A flag or argument is unusable (exit 2).
    #[error("{0}")]
    Usage(String),
    /// A key could not be read, does not fit, or is too weak (exit 2).
    #[error("{0}")]
    Key(String),
    /// The key is encrypted and no passphrase was supplied (exit 2, or a prompt on a terminal).
    #[error("{what} is encrypted: give --passphrase SOURCE")]
    PassphraseNeeded {
        /// What was being loaded (a path).
        what: String,
    },
    /// A file could not be read or written (exit 2).
    #[error("{}: {source}", path.display())]
    Io {
        /// The file concerned.
        path: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },
}

impl From<crate::time::TimeError> for Error {
    fn from(e: crate::time::TimeError) -> Error {
        Error::Usage(e.0)
    }
}

impl From<crate::jwa::UnknownAlg> for Error {
    fn from(e: crate::jwa::UnknownAlg) -> Error {
        Error::Usage(e.0)
    }
}

impl Error {
    /// Shorthand for a usage error.
    pub fn usage(msg: impl Into<String>) -> Self {
        Error::Usage(msg.into())
    }

    /// Shorthand for a key error.
    pub fn key(msg: impl Into<String>) -> Self {
        Error::Key(msg.into())
    }

    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

/// Stable, machine-readable reasons for rejecting a token. The strings are part of the
/// contract (JSON and batch output, the man page) and never change once published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RejectCode {
    /// Not a well-formed JWS/JWE: bad base64, bad JSON, wrong number of parts, duplicates.
    Malformed,
    /// The signature does not verify with the key.
    BadSignature,
    /// The header's algorithm is not allowed (not in `--alg`, does not fit the key, `none`).
    AlgNotAllowed,
    /// A `crit` header names an extension jwtctl does not understand, or is itself invalid.
    CritUnsupported,
    /// The token's `kid` matches no key of the set.
    KidNotFound,
    /// `exp` is in the past.
    Expired,
    /// `nbf` is in the future.
    NotYetValid,
    /// `iat` is older than `--max-age`.
    TooOld,
    /// `iat` lies in the future.
    IssuedInFuture,
    /// `iss` is not one of the expected issuers.
    IssMismatch,
    /// `aud` does not contain an expected audience.
    AudMismatch,
    /// The token carries `aud` but no audience was asked for.
    AudUnchecked,
    /// `sub` differs from the expected subject.
    SubMismatch,
    /// The header `typ` differs from the expected type.
    TypMismatch,
    /// A required claim is absent.
    MissingClaim,
    /// A registered claim has the wrong JSON type (for example a string `exp`).
    InvalidClaim,
    /// The payload is not a JSON object, so it has no claims.
    NotAJwt,
    /// The token's `jti` is on the `--revoked` list.
    Revoked,
    /// The input is a JWE where a JWS was expected, or the reverse.
    WrongTokenType,
    /// A JWE could not be decrypted (wrong key, altered token: deliberately not told apart).
    DecryptionFailed,
    /// A limit was exceeded: PBES2 iterations, plaintext or token size.
    LimitExceeded,
}

impl RejectCode {
    /// The stable string form (`expired`, `bad_signature`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            RejectCode::Malformed => "malformed",
            RejectCode::BadSignature => "bad_signature",
            RejectCode::AlgNotAllowed => "alg_not_allowed",
            RejectCode::CritUnsupported => "crit_unsupported",
            RejectCode::KidNotFound => "kid_not_found",
            RejectCode::Expired => "expired",
            RejectCode::NotYetValid => "not_yet_valid",
            RejectCode::TooOld => "too_old",
            RejectCode::IssuedInFuture => "iat_in_future",
            RejectCode::IssMismatch => "iss_mismatch",
            RejectCode::AudMismatch => "aud_mismatch",
            RejectCode::AudUnchecked => "aud_unchecked",
            RejectCode::SubMismatch => "sub_mismatch",
            RejectCode::TypMismatch => "typ_mismatch",
            RejectCode::MissingClaim => "missing_claim",
            RejectCode::InvalidClaim => "invalid_claim",
            RejectCode::NotAJwt => "not_a_jwt",
            RejectCode::Revoked => "revoked",
            RejectCode::WrongTokenType => "wrong_token_type",
            RejectCode::DecryptionFailed => "decryption_failed",
            RejectCode::LimitExceeded => "limit_exceeded",
        }
    }

    /// Every code with a one-line description, for `--help` and the man page.
    pub const ALL: &'static [(RejectCode, &'static str)] = &[
        (
            RejectCode::Malformed,
            "not a well-formed token: parts, base64url, JSON, duplicate members, size",
        ),
        (
            RejectCode::BadSignature,
            "the signature does not verify with the key",
        ),
        (
            RejectCode::AlgNotAllowed,
            "the header algorithm is none, unknown, not in --alg, or does not fit the key",
        ),
        (
            RejectCode::CritUnsupported,
            "crit is invalid or names an extension jwtctl does not understand",
        ),
        (
            RejectCode::KidNotFound,
            "the token's kid matches no key in the set (no fallback)",
        ),
        (RejectCode::Expired, "exp is in the past (beyond --leeway)"),
        (
            RejectCode::NotYetValid,
            "nbf is in the future (beyond --leeway)",
        ),
        (RejectCode::TooOld, "iat is older than --max-age"),
        (
            RejectCode::IssuedInFuture,
            "iat is in the future (beyond --leeway)",
        ),
        (
            RejectCode::IssMismatch,
            "iss is not one of the --iss values",
        ),
        (
            RejectCode::AudMismatch,
            "aud contains none of the --aud values",
        ),
        (
            RejectCode::AudUnchecked,
            "the token carries aud but no --aud was given (use --any-aud to skip)",
        ),
        (RejectCode::SubMismatch, "sub differs from --sub"),
        (RejectCode::TypMismatch, "the header typ differs from --typ"),
        (
            RejectCode::MissingClaim,
            "a claim named by --require (or needed by a check) is absent",
        ),
        (
            RejectCode::InvalidClaim,
            "a registered claim has the wrong type, e.g. a string exp",
        ),
        (
            RejectCode::NotAJwt,
            "the payload is not a JSON object; use --output payload",
        ),
        (
            RejectCode::Revoked,
            "the token's jti is listed in the --revoked file",
        ),
        (
            RejectCode::WrongTokenType,
            "a JWE was given where a JWS is expected, or the reverse",
        ),
        (
            RejectCode::DecryptionFailed,
            "the JWE does not decrypt: wrong key or altered token (deliberately not told apart)",
        ),
        (
            RejectCode::LimitExceeded,
            "p2c above --max-p2c, plaintext above --max-plaintext, a token over 16 MiB, over 100 signatures or recipients",
        ),
    ];
}

impl fmt::Display for RejectCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a token was rejected: a stable code and a precise human message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// The stable code.
    pub code: RejectCode,
    /// The human-readable reason, one line.
    pub message: String,
}

impl Rejection {
    /// A rejection with a message.
    pub fn new(code: RejectCode, message: impl Into<String>) -> Self {
        Rejection {
            code,
            message: message.into(),
        }
    }

    /// `kid_not_found`: a JWK Set has no key with the token's `kid`.
    pub fn kid_not_found(kid: &str) -> Self {
        Rejection::new(
            RejectCode::KidNotFound,
            format!(
                "no key in the set has kid {:?}",
                crate::sanitize::sanitize(kid)
            ),
        )
    }

    /// A `malformed` rejection.
    pub fn malformed(message: impl Into<String>) -> Self {
        Rejection::new(RejectCode::Malformed, message)
    }

    /// `token expired at ... (3m ago)`.
    pub fn expired(exp: i64, now: i64) -> Self {
        Rejection::new(
            RejectCode::Expired,
            format!(
                "token expired at {} ({})",
                format_timestamp(exp),
                format_relative(exp, now)
            ),
        )
    }

    /// `token not valid before ... (in 5m)`.
    pub fn not_yet_valid(nbf: i64, now: i64) -> Self {
        Rejection::new(
            RejectCode::NotYetValid,
            format!(
                "token not valid before {} ({})",
                format_timestamp(nbf),
                format_relative(nbf, now)
            ),
        )
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Rejection {}
