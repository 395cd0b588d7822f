//! jwtctl's library: JOSE keys, JWS signing and verification, JWT claims, and token
//! inspection. It never prints and never exits; the `jwtctl` binary turns its errors into
//! messages and exit codes: a [`Rejection`] is a refused token (exit 1), anything else exit 2.

#![deny(missing_docs)]
#![deny(unsafe_code)]
#![deny(clippy::arithmetic_side_effects)]

pub mod crypto;
pub mod der;
pub mod encoding;
pub mod error;
pub mod inspect;
pub mod jwa;
pub mod jwe;
pub mod jwks;
pub mod jws;
pub mod jwt;
pub mod keygen;
pub mod keys;
mod params;
pub mod report;
pub mod sanitize;
pub mod time;
pub mod verify;

pub use error::{Error, RejectCode, Rejection, Result};
