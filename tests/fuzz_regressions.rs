//! Replays every input the fuzzers have ever crashed on (minimised, committed under
//! `fuzz/regressions/<target>/`) through the same target bodies, on stable Rust, so that CI
//! checks them without nightly or cargo-fuzz.

use std::path::Path;

#[path = "../fuzz/harness.rs"]
mod harness;

#[test]
fn fuzz_regression_inputs_replay() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut replayed = 0;
    for (name, target) in harness::TARGETS {
        assert!(
            root.join(format!("fuzz_targets/{name}.rs")).is_file(),
            "no cargo-fuzz target for {name}"
        );
        let dir = root.join("regressions").join(name);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.file_name().is_some_and(|n| n == ".gitkeep") {
                continue;
            }
            let data = std::fs::read(&path).unwrap();
            let outcome = std::panic::catch_unwind(|| target(&data));
            assert!(outcome.is_ok(), "{name}: {} panics", path.display());
            replayed += 1;
        }
    }
    eprintln!("{replayed} fuzz regression inputs replayed");
}

/// The target bodies also run on ordinary inputs here, so a change that breaks the harness
/// shows up in `cargo test`, not only in a nightly fuzz run.
#[test]
fn fuzz_targets_accept_seed_like_inputs() {
    let token = "eyJhbGciOiJIUzI1NiIsImtpZCI6ImgifQ.eyJzdWIiOiJhbGljZSJ9.";
    for (name, target) in harness::TARGETS {
        for input in [
            &b""[..],
            b"{}",
            b"\x00",
            token.as_bytes(),
            b"{\"keys\":[]}",
            b"2026-11-23T10:00:00Z",
            b"{\"exp\":1e300,\"iat\":-1e300}",
        ] {
            let outcome = std::panic::catch_unwind(|| target(input));
            assert!(outcome.is_ok(), "{name} panics on {input:?}");
        }
    }
}
