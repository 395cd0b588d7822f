//! The test harness: a `jwtctl` command with a clean environment, fixture paths, and helpers
//! for the exit-code and stream rules every test checks.

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

/// A `jwtctl` command with colour, terminal and CI variables cleared.
pub fn jwtctl() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_jwtctl"));
    c.env_remove("NO_COLOR")
        .env_remove("JWTCTL_TEST_TTY")
        .env_remove("TERM")
        .env("CI", "true");
    c
}

/// A fixture path under `tests/fixtures`.
pub fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

/// The PKCS#8 fixture of every signing key type (made by `openssl genpkey` in make.sh).
pub const SIGNING_KEYS: [&str; 7] = [
    "rsa.pkcs8.pem",
    "ec-p256.pkcs8.pem",
    "ec-p384.pkcs8.pem",
    "ec-p521.pkcs8.pem",
    "ec-secp256k1.pkcs8.pem",
    "ed25519.pkcs8.pem",
    "ed448.pkcs8.pem",
];

/// A key fixture path as a string argument.
pub fn key(name: &str) -> String {
    fixture(&format!("keys/{name}")).display().to_string()
}

/// Runs a command and returns its output.
pub fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("jwtctl runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Asserts a rejection: exit `code`, nothing on stdout, exactly one `error:` line on stderr
/// (warnings may precede it), and no panic.
#[track_caller]
pub fn assert_fails(o: &Output, code: i32) -> String {
    let err = stderr(o);
    assert_eq!(
        o.status.code(),
        Some(code),
        "exit status; stderr: {err}; stdout: {}",
        stdout(o)
    );
    assert!(
        o.stdout.is_empty(),
        "stdout must be empty on failure, got {:?}",
        stdout(o)
    );
    assert!(!err.contains("panicked"), "panic: {err}");
    let errors: Vec<&str> = err.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(errors.len(), 1, "exactly one error line expected: {err}");
    assert!(
        err.lines()
            .all(|l| l.starts_with("error:") || l.starts_with("warning:")),
        "stray stderr lines: {err}"
    );
    errors[0].to_string()
}

/// Asserts success and returns stdout.
#[track_caller]
pub fn assert_ok(o: &Output) -> String {
    assert_eq!(
        o.status.code(),
        Some(0),
        "exit status; stderr: {}",
        stderr(o)
    );
    stdout(o)
}

/// Signs with the given arguments and returns the token (trimmed).
#[track_caller]
pub fn sign(args: &[&str]) -> String {
    let o = run(jwtctl().arg("sign").args(args));
    assert_ok(&o).trim().to_string()
}

/// A temporary directory for a test.
pub fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("tempdir")
}

/// Writes `contents` to `dir/name` and returns the path as a string.
pub fn write(dir: &Path, name: &str, contents: impl AsRef<[u8]>) -> String {
    let p = dir.join(name);
    std::fs::write(&p, contents).expect("write fixture");
    p.display().to_string()
}

/// base64url without padding.
pub fn b64url(bytes: &[u8]) -> String {
    jwtctl::encoding::b64url(bytes)
}

pub fn b64url_decode(s: &str) -> Vec<u8> {
    jwtctl::encoding::b64url_decode(s).expect("valid base64url")
}

/// Converts a PEM key fixture to a private (or public) JWK file in `dir`, through the library.
pub fn jwk_file(dir: &Path, pem_fixture: &str, private: bool) -> String {
    let set = jwtctl::keys::load_key_file(&fixture(&format!("keys/{pem_fixture}")), None).unwrap();
    let jwk = set.keys[0].to_jwk(private).unwrap();
    write(
        dir,
        &format!(
            "{pem_fixture}.{}.jwk",
            if private { "private" } else { "public" }
        ),
        serde_json::to_vec(&jwk).unwrap(),
    )
}

/// The secret used by HMAC tests (64 random bytes from the fixtures), as a --secret source.
pub fn hmac_secret() -> String {
    format!("@{}", key("hmac64.bin"))
}

/// HMAC-SHA256 of `input`, base64url: for crafting tokens jwtctl itself refuses to make.
pub fn hmac_sha256(secret: &[u8], input: &str) -> String {
    let k = openssl::pkey::PKey::hmac(secret).unwrap();
    let mut s = openssl::sign::Signer::new(openssl::hash::MessageDigest::sha256(), &k).unwrap();
    s.update(input.as_bytes()).unwrap();
    b64url(&s.sign_to_vec().unwrap())
}

/// A 128-bit AES key (an oct JWK) in `dir`, for the JWE tests.
pub fn aes128_jwk(dir: &Path) -> String {
    write(
        dir,
        "aes128.jwk",
        r#"{"kty":"oct","k":"GawgguFyGrWKav7AX4VKUg"}"#,
    )
}

/// Encrypts `plaintext` with `jwtctl encrypt ARGS...` and returns the token (trimmed).
#[track_caller]
pub fn encrypt(args: &[&str], plaintext: &str) -> String {
    let o = run(jwtctl().arg("encrypt").args(args).arg(plaintext));
    assert_ok(&o).trim().to_string()
}

/// Runs `cmd` (program and arguments) with `input` on its standard input and returns its
/// output (for peers and other programs the tests drive).
pub fn pipe(cmd: &[String], input: &[u8]) -> Output {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(&cmd[0])
        .args(&cmd[1..])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{cmd:?} starts: {e}"));
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(input)
        .expect("input is written");
    child.wait_with_output().expect("the program ends")
}

/// The `code` of every warning in `inspect --json` output.
pub fn warning_codes(v: &serde_json::Value) -> Vec<String> {
    v["warnings"]
        .as_array()
        .map(|w| {
            w.iter()
                .filter_map(|x| x["code"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}
