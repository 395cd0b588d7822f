//! Integration tests: every test runs the built `jwtctl` binary through real pipes and files.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod server;
mod util;

mod attacks;
mod bad_input;
mod claims;
mod corners;
mod docs;
mod dpop;
mod edit;
mod fuzz_regressions;
mod inspect;
mod jwe;
mod jwks;
mod key_paths;
mod keygen;
mod keys;
mod peers;
mod properties;
mod readme;
mod remote;
mod roundtrip;
mod sd_jwt;
mod sd_jwt_rfc;
mod serve;
mod serve_grants;
mod serve_peers;
mod serve_web;
mod token;
mod vectors;
mod x5c;
