//! Tells the crate whether aws-lc was built without its CPU-jitter entropy source, read from the
//! same variable, with the same precedence and parsing, as aws-lc-sys's build reads it
//! (`AWS_LC_SYS_NO_JITTER_ENTROPY_<target>`, else `AWS_LC_SYS_NO_JITTER_ENTROPY`).
//!
//! With jitter entropy, aws-lc's first random number costs ~400 M instructions (~30 ms), so
//! signatures that take randomness (RSA, PSS, ECDSA) are then made by OpenSSL, which seeds from
//! getrandom(2); without it (this repository's `.cargo/config.toml`), aws-lc makes them faster.
//! A crate built from crates.io, or as a dependency, sees no such variable: it signs with
//! OpenSSL and never pays for jitter entropy (`src/crypto.rs`, `signing_backend`).

fn truthy(value: &str) -> Option<bool> {
    let v = value.to_lowercase();
    if v.starts_with('0') || v.starts_with('n') || v.starts_with("off") || v.starts_with('f') {
        Some(false)
    } else if v.starts_with(|c: char| c.is_ascii_digit())
        || v.starts_with('y')
        || v.starts_with("on")
        || v.starts_with('t')
    {
        Some(true)
    } else {
        None
    }
}

fn main() {
    println!("cargo::rustc-check-cfg=cfg(aws_lc_no_jitter)");
    let target = std::env::var("TARGET")
        .unwrap_or_default()
        .to_lowercase()
        .replace('-', "_");
    let general = "AWS_LC_SYS_NO_JITTER_ENTROPY".to_string();
    let specific = format!("{general}_{target}");
    for name in [&specific, &general] {
        println!("cargo::rerun-if-env-changed={name}");
    }
    let value = std::env::var(&specific).or_else(|_| std::env::var(&general));
    if value.ok().as_deref().and_then(truthy) == Some(true) {
        println!("cargo::rustc-cfg=aws_lc_no_jitter");
    }
}
