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
    /// A server refused what was asked (an OAuth error, a denied or expired authorization, a
    /// state or ID token mismatch): exit 1, as a refused token is.
    #[error("{0}")]
    Denied(String),
    /// A flag or argument is unusable (exit 2).
    #[error("{0}")]
    Usage(String),
    /// A usage error the user can act on in a known way (exit 2); the caller words the remedy.
    #[error("{message}")]
    Refused {
        /// What is wrong.
        message: String,
        /// What would make it work.
        remedy: Remedy,
    },
    /// A key could not be read, does not fit, or is too weak (exit 2).
    #[error("{0}")]
    Key(KeyError),
    /// The key is encrypted and no passphrase was supplied (exit 2, or a prompt on a terminal).
    #[error("{what} is encrypted")]
    PassphraseNeeded {
        /// What was being loaded (a path).
        what: String,
    },
    /// A remote document (a key set, a discovery document) could not be fetched or is not
    /// usable (exit 2). The message names the URL and the cause.
    #[error("{url}: {cause}")]
    Fetch {
        /// The URL concerned.
        url: String,
        /// What went wrong, one line.
        cause: String,
        /// The HTTP status, when the server answered with one that is not usable.
        status: Option<u16>,
        /// What the user can do about it, when something is known to help.
        remedy: Option<Remedy>,
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

/// What the user can do about an error. The library names the remedy and the binary words it
/// (with its flag names), so that no library message depends on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Remedy {
    /// Supply the detached payload.
    GiveDetachedPayload,
    /// Ask for the payload as it is, not as claims.
    AskForPayload,
    /// Name the expected audience, or accept any.
    NameAudience,
    /// Raise the PBES2 iteration limit.
    RaiseP2cLimit,
    /// Raise the plaintext size limit.
    RaisePlaintextLimit,
    /// Allow the deprecated RSA1_5 key encryption.
    AllowRsa15,
    /// Accept a weak key on purpose.
    AllowWeakKey,
    /// Give the passphrase of an encrypted key.
    GivePassphrase,
    /// Ask to publish private keys.
    AskForPrivate,
    /// Ask to overwrite the file.
    Force,
    /// Trust the server's certificate authority.
    TrustCa,
    /// Allow more time for the answer.
    RaiseTimeout,
}

/// What kind of key problem: callers match on this, never on message text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyErrorKind {
    /// Not readable as a key, or its parts are invalid.
    Invalid,
    /// A format or key type jwtctl does not read.
    Unsupported,
    /// The parts of a private key do not belong together.
    Inconsistent,
    /// Too weak: short HMAC secret, RSA under 2048 bits, ROCA.
    Weak,
    /// The key does not fit the algorithm (type, curve, size, JWK `alg`).
    AlgorithmMismatch,
    /// A JWK's `use` or `key_ops` forbids the operation.
    NotPermitted,
    /// The passphrase does not decrypt the key.
    WrongPassphrase,
    /// A private key is needed and the key is public (or the reverse).
    WrongPart,
}

/// A key error: its kind, the message, and where the key came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyError {
    /// What kind of problem.
    pub kind: KeyErrorKind,
    /// The reason, one line, without the source.
    pub message: String,
    /// The file (or other source) the key came from, when known.
    pub source_name: Option<String>,
    /// What the user can do about it, where the caller offers something (accepting a weak
    /// key is a choice `verify` and `sign` offer, `decrypt` does not).
    pub remedy: Option<Remedy>,
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.source_name {
            Some(what) => write!(f, "{what}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
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

    /// Shorthand for a key error of kind [`KeyErrorKind::Invalid`].
    pub fn key(msg: impl Into<String>) -> Self {
        Error::key_of(KeyErrorKind::Invalid, msg)
    }

    /// A key error of a given kind.
    pub fn key_of(kind: KeyErrorKind, msg: impl Into<String>) -> Self {
        Error::Key(KeyError {
            kind,
            message: msg.into(),
            source_name: None,
            remedy: None,
        })
    }

    /// A key error of a given kind, with a remedy.
    pub fn key_with_remedy(kind: KeyErrorKind, remedy: Remedy, msg: impl Into<String>) -> Self {
        Error::Key(KeyError {
            kind,
            message: msg.into(),
            source_name: None,
            remedy: Some(remedy),
        })
    }

    /// A usage error with a remedy.
    pub fn refused(remedy: Remedy, msg: impl Into<String>) -> Self {
        Error::Refused {
            message: msg.into(),
            remedy,
        }
    }

    /// The remedy for this error, if it has one.
    pub fn remedy(&self) -> Option<Remedy> {
        match self {
            Error::Rejected(r) => r.remedy,
            Error::Refused { remedy, .. } => Some(*remedy),
            Error::Key(k) => k.remedy,
            Error::PassphraseNeeded { .. } => Some(Remedy::GivePassphrase),
            Error::Fetch { remedy, .. } => *remedy,
            _ => None,
        }
    }

    /// A remote document could not be fetched or used.
    pub fn fetch(url: impl Into<String>, cause: impl Into<String>) -> Self {
        Error::Fetch {
            url: url.into(),
            cause: cause.into(),
            status: None,
            remedy: None,
        }
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
    /// Verification needs a certificate chain (`--ca`) and the token has no `x5c`.
    X5cMissing,
    /// No path from the token's `x5c` to an anchor, or a signature in the path fails.
    CertUntrusted,
    /// A certificate of the path expired before the verification time.
    CertExpired,
    /// A certificate of the path is not valid yet at the verification time.
    CertNotYetValid,
    /// A certificate breaks a constraint: CA, key usage, path length, an unknown critical
    /// extension, the leaf name or OIDs asked for, an `x5t` mismatch.
    CertInvalid,
    /// A certificate of the path is listed by a CRL its issuer signed.
    CertRevoked,
    /// An SD-JWT disclosure is malformed, unreferenced, referenced twice, or names a
    /// forbidden or clashing claim; or `_sd_alg` is unsupported.
    DisclosureInvalid,
    /// Key binding is required and the SD-JWT has no KB-JWT.
    KbMissing,
    /// The KB-JWT fails: signature, `typ`, `sd_hash`, `iat`, `aud`, `nonce`, or no `cnf` key.
    KbInvalid,
    /// A freshness check: the token's `exp` is closer than asked, past, or absent.
    Expiring,
    /// A DPoP proof fails: `typ`, `alg`, signature by its own `jwk`, a private `jwk` member,
    /// `htm`, `htu`, `iat`, `jti`, `nonce` or `ath`.
    DpopInvalid,
    /// The access token is not bound to the DPoP proof's key (`cnf.jkt`).
    DpopBinding,
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
            RejectCode::X5cMissing => "x5c_missing",
            RejectCode::CertUntrusted => "cert_untrusted",
            RejectCode::CertExpired => "cert_expired",
            RejectCode::CertNotYetValid => "cert_not_yet_valid",
            RejectCode::CertInvalid => "cert_invalid",
            RejectCode::CertRevoked => "cert_revoked",
            RejectCode::DisclosureInvalid => "disclosure_invalid",
            RejectCode::KbMissing => "kb_missing",
            RejectCode::KbInvalid => "kb_invalid",
            RejectCode::Expiring => "expiring",
            RejectCode::DpopInvalid => "dpop_invalid",
            RejectCode::DpopBinding => "dpop_binding",
        }
    }

    /// Every code, in the order the documentation lists them.
    pub const ALL: &'static [RejectCode] = &[
        RejectCode::Malformed,
        RejectCode::BadSignature,
        RejectCode::AlgNotAllowed,
        RejectCode::CritUnsupported,
        RejectCode::KidNotFound,
        RejectCode::Expired,
        RejectCode::NotYetValid,
        RejectCode::TooOld,
        RejectCode::IssuedInFuture,
        RejectCode::IssMismatch,
        RejectCode::AudMismatch,
        RejectCode::AudUnchecked,
        RejectCode::SubMismatch,
        RejectCode::TypMismatch,
        RejectCode::MissingClaim,
        RejectCode::InvalidClaim,
        RejectCode::NotAJwt,
        RejectCode::Revoked,
        RejectCode::WrongTokenType,
        RejectCode::DecryptionFailed,
        RejectCode::LimitExceeded,
        RejectCode::X5cMissing,
        RejectCode::CertUntrusted,
        RejectCode::CertExpired,
        RejectCode::CertNotYetValid,
        RejectCode::CertInvalid,
        RejectCode::CertRevoked,
        RejectCode::DisclosureInvalid,
        RejectCode::KbMissing,
        RejectCode::KbInvalid,
        RejectCode::Expiring,
        RejectCode::DpopInvalid,
        RejectCode::DpopBinding,
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
    /// What the user can do about it, if something.
    pub remedy: Option<Remedy>,
}

impl Rejection {
    /// A rejection with a message.
    pub fn new(code: RejectCode, message: impl Into<String>) -> Self {
        Rejection {
            code,
            message: message.into(),
            remedy: None,
        }
    }

    /// The same rejection, with a remedy.
    pub fn with_remedy(mut self, remedy: Remedy) -> Self {
        self.remedy = Some(remedy);
        self
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
