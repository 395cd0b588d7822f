//! `jwtctl keygen`.

use std::io::IsTerminal;
use std::path::Path;

use serde_json::Value;

use jwtctl::error::{Error, Result};
use jwtctl::keygen::{self, KeySpec, check_writable, write_key_file};
use jwtctl::keys::Key;

use super::args::{KeyFormat, KeygenArgs, KtyArg};
use super::input::read_new_secret;
use super::output::Output;

/// Runs `f` while printing progress dots on a terminal, for slow RSA generation.
fn with_progress<T>(show: bool, label: &str, f: impl FnOnce() -> T) -> T {
    if !show {
        return f();
    }
    use std::sync::atomic::{AtomicBool, Ordering};
    let done = std::sync::Arc::new(AtomicBool::new(false));
    let flag = done.clone();
    Output::progress(label);
    let ticker = std::thread::spawn(move || {
        while !flag.load(Ordering::Relaxed) {
            std::thread::sleep(std::time::Duration::from_millis(300));
            if !flag.load(Ordering::Relaxed) {
                Output::progress(".");
            }
        }
    });
    let r = f();
    done.store(true, Ordering::Relaxed);
    let _ = ticker.join();
    Output::progress(" done\n");
    r
}

fn jwk_text(v: &Value) -> Vec<u8> {
    let mut t = serde_json::to_vec_pretty(v).unwrap_or_default();
    t.push(b'\n');
    t
}

fn emit(path: Option<&Path>, bytes: &[u8], mode: u32, force: bool, out: &Output) -> Result<()> {
    match path {
        Some(p) => write_key_file(p, bytes, mode, force),
        None => out.bytes(bytes).map_err(|e| Error::io("<stdout>", e)),
    }
}

pub fn run(a: &KeygenArgs, out: &Output) -> Result<()> {
    let spec = match (&a.alg, a.kty) {
        (Some(alg), _) => {
            super::keyspec::spec_for_alg(alg, a.enc.as_deref(), a.bits, a.crv.as_deref())?
        }
        (None, Some(kty)) => {
            let name = match kty {
                KtyArg::Rsa => "RSA",
                KtyArg::Ec => "EC",
                KtyArg::Okp => "OKP",
                KtyArg::Oct => "oct",
            };
            super::keyspec::spec_for_kty(name, a.bits, a.crv.as_deref())?
        }
        (None, None) => return Err(Error::usage("give --alg or --kty")),
    };
    if a.enc.is_some() && a.alg.as_deref() != Some("dir") {
        return Err(Error::usage("--enc only sizes keys for --alg dir"));
    }
    let symmetric = matches!(spec, KeySpec::Oct(_));
    let format = match (a.format, symmetric) {
        (Some(KeyFormat::Pem), true) => {
            return Err(Error::usage(
                "a symmetric key has no PEM form: use --format jwk",
            ));
        }
        (Some(f), _) => f,
        (None, true) => KeyFormat::Jwk,
        (None, false) => KeyFormat::Pem,
    };
    if symmetric && a.pub_out.is_some() {
        return Err(Error::usage(
            "a symmetric key has no public part: --pub-out does not apply",
        ));
    }
    if a.passphrase.is_some() && format != KeyFormat::Pem {
        return Err(Error::usage(
            "--passphrase encrypts PEM private keys only (use --format pem)",
        ));
    }
    if let (Some(o), Some(p)) = (&a.out, &a.pub_out) {
        if o == p {
            return Err(Error::usage("--out and --pub-out must be different files"));
        }
    }
    // Refuse before the (possibly slow) generation, so nothing is done for a failing run.
    for p in [&a.out, &a.pub_out].into_iter().flatten() {
        check_writable(p, a.force)?;
    }
    let pass = a
        .passphrase
        .as_ref()
        .map(|s| read_new_secret(s, "passphrase", out))
        .transpose()?;

    let slow = matches!(spec, KeySpec::Rsa(b) if b >= 4096);
    let show = slow && std::io::stderr().is_terminal();
    let label = match spec {
        KeySpec::Rsa(b) => format!("generating a {b}-bit RSA key"),
        _ => String::new(),
    };
    let mut key: Key = with_progress(show, &label, || keygen::generate(spec))?;
    let use_ = a.use_.map(|u| u.name().to_string()).or_else(|| {
        a.alg.as_deref().map(|alg| {
            if super::keyspec::is_jwe_alg(alg) {
                "enc"
            } else {
                "sig"
            }
            .to_string()
        })
    });
    key.meta.alg = a.alg.clone();
    key.meta.use_ = use_;
    key.meta.kid = Some(match &a.kid {
        Some(k) => k.clone(),
        None => key.thumbprint()?,
    });

    let (private_bytes, public_bytes) = match format {
        KeyFormat::Pem => (
            keygen::private_pem(&key, pass.as_ref().map(|p| p.as_slice()))?,
            keygen::public_pem(&key)?,
        ),
        KeyFormat::Jwk => {
            let private = Value::Object(key.to_jwk(true)?);
            let public = if symmetric {
                Vec::new()
            } else {
                jwk_text(&Value::Object(key.to_jwk(false)?))
            };
            (jwk_text(&private), public)
        }
    };
    let private_bytes = zeroize::Zeroizing::new(private_bytes);
    emit(a.out.as_deref(), &private_bytes, 0o600, a.force, out)?;
    if let Some(p) = &a.pub_out {
        emit(Some(p), &public_bytes, 0o644, a.force, out)?;
    }
    Ok(())
}
