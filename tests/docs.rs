//! Generated documentation stays in sync with the clap definitions; help is complete.

use crate::util::*;

/// A readable report of where `now` first differs from the committed text.
fn first_difference(name: &str, committed: &str, now: &str) -> String {
    let c: Vec<&str> = committed.lines().collect();
    let n: Vec<&str> = now.lines().collect();
    let line = c
        .iter()
        .zip(&n)
        .position(|(a, b)| a != b)
        .unwrap_or(c.len().min(n.len()));
    format!(
        "{name}: differs from line {}\n  committed: {:?}\n  now:       {:?}",
        line + 1,
        c.get(line).copied().unwrap_or("<missing>"),
        n.get(line).copied().unwrap_or("<missing>")
    )
}

#[test]
fn completions_and_man_pages_are_fresh() {
    let dir = tempdir();
    let o = run(jwtctl().args(["generate-docs", &dir.path().display().to_string()]));
    assert_ok(&o);
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut stale = Vec::new();
    let mut count = 0;
    for sub in ["completions", "man"] {
        for entry in std::fs::read_dir(dir.path().join(sub)).unwrap() {
            let entry = entry.unwrap();
            let rel = format!("{sub}/{}", entry.file_name().to_string_lossy());
            let fresh = std::fs::read_to_string(entry.path()).unwrap();
            let committed = std::fs::read_to_string(root.join(&rel)).unwrap_or_default();
            count += 1;
            if fresh != committed {
                stale.push(first_difference(&rel, &committed, &fresh));
            }
        }
    }
    assert!(count >= 9);
    assert!(
        stale.is_empty(),
        "stale generated files; run `cargo run -- generate-docs .`:\n{}",
        stale.join("\n")
    );
}

#[test]
fn completions_command_prints_scripts() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let o = run(jwtctl().args(["completions", shell]));
        let out = assert_ok(&o);
        assert!(out.contains("jwtctl"), "{shell}");
    }
    let bash = stdout(&run(jwtctl().args(["completions", "bash"])));
    assert!(
        bash.contains("ES256K") && bash.contains("never"),
        "algorithm names and colour values complete"
    );
}

#[test]
fn help_lists_exit_codes_and_examples() {
    let o = run(jwtctl().arg("--help"));
    let out = assert_ok(&o);
    assert!(out.contains("Exit status") && out.contains("  2  usage error"));
    for sub in ["sign", "verify", "inspect", "completions"] {
        let o = run(jwtctl().args([sub, "--help"]));
        assert!(assert_ok(&o).contains("Examples:"), "{sub}");
    }
    let o = run(jwtctl().arg("--version"));
    assert!(assert_ok(&o).starts_with("jwtctl "));
}

/// `--help` of every subcommand matches its committed snapshot in `tests/snapshots/`;
/// `UPDATE_SNAPSHOTS=1 cargo test help_snapshots` rewrites them after a deliberate change.
#[test]
fn help_snapshots() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    let update = std::env::var_os("UPDATE_SNAPSHOTS").is_some();
    let mut stale = Vec::new();
    for sub in [
        "",
        "sign",
        "present",
        "verify",
        "inspect",
        "encrypt",
        "decrypt",
        "keygen",
        "jwks",
        "completions",
    ] {
        let mut cmd = jwtctl();
        cmd.env("COLUMNS", "100");
        if !sub.is_empty() {
            cmd.arg(sub);
        }
        let help = assert_ok(&run(cmd.arg("--help")));
        let name = if sub.is_empty() {
            "help.txt".to_string()
        } else {
            format!("help-{sub}.txt")
        };
        let path = dir.join(&name);
        if update {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &help).unwrap();
            continue;
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        if committed != help {
            stale.push(first_difference(&name, &committed, &help));
        }
    }
    assert!(
        stale.is_empty(),
        "help changed; review and run UPDATE_SNAPSHOTS=1 cargo test help_snapshots:\n{}",
        stale.join("\n")
    );
}

/// Every flag that one of jwtctl's own error lines names exists in that subcommand's
/// `--help`: an error never tells a user to give a flag the command does not have. (clap's
/// "unexpected argument" lines name what the user typed, and are left out.)
#[test]
fn errors_name_only_the_commands_own_flags() {
    let d = tempdir();
    let existing = write(d.path(), "exists.pem", "x");
    let hs = write(d.path(), "hs.bin", "short");
    let token = sign(&[
        "--alg",
        "HS256",
        "--secret",
        &format!("@{}", key("hmac64.bin")),
        "--sub",
        "x",
    ]);
    let token = token.trim();
    let weak_rsa = key("rsa1024.pkcs8.pem");
    let encrypted = key("rsa.encrypted.pem");
    let cases: Vec<Vec<String>> = [
        vec!["sign", "--alg", "HS256"],
        vec!["sign", "--alg", "RS256", "--key", &weak_rsa],
        vec!["sign", "--alg", "RS256", "--key", &encrypted],
        vec!["sign", "--alg", "HS256", "--secret", &format!("@{hs}")],
        vec!["sign", "--key", &key("rsa.pkcs8.pem")],
        vec!["verify", token],
        vec!["verify", "--key", &weak_rsa, token],
        vec![
            "verify",
            "--timeout",
            "5s",
            "--key",
            &key("rsa.spki.pem"),
            token,
        ],
        vec![
            "verify",
            "--no-cache",
            "--secret",
            &format!("@{}", key("hmac64.bin")),
            token,
        ],
        vec!["encrypt", "--alg", "dir", "--enc", "A128GCM", "x"],
        vec![
            "encrypt", "--alg", "RSA-OAEP", "--enc", "A128GCM", "--key", &weak_rsa, "x",
        ],
        vec!["decrypt", token],
        vec![
            "decrypt",
            "--timeout",
            "5s",
            "--key",
            &key("rsa.pkcs8.pem"),
            token,
        ],
        vec!["decrypt", "--key", &encrypted, token],
        vec!["keygen"],
        vec!["keygen", "--alg", "ES256", "--out", &existing],
        vec!["jwks"],
        vec!["jwks", "--to-pem", &existing],
        vec!["jwks", &weak_rsa, "--timeout", "1s"],
        vec!["inspect", "--key", &encrypted],
        vec!["serve", "--key", &weak_rsa, "--addr", "127.0.0.1:0"],
        vec!["serve", "--key", &encrypted, "--addr", "127.0.0.1:0"],
        vec!["present", "--disclose", "x", &format!("{token}~")],
        vec![
            "present",
            "--holder-key",
            &encrypted,
            "--kb-aud",
            "a",
            "--nonce",
            "n",
            &format!("{token}~"),
        ],
    ]
    .into_iter()
    .map(|v| v.into_iter().map(str::to_string).collect())
    .collect();
    let mut wrong = Vec::new();
    for args in &cases {
        let o = run(jwtctl()
            .args(args)
            .env("JWTCTL_CACHE_DIR", d.path())
            .write_stdin(""));
        assert_ne!(o.status.code(), Some(0), "{args:?} should fail");
        let help = stdout(&run(jwtctl().args([args[0].as_str(), "--help"])));
        for line in stderr(&o).lines().filter(|l| l.starts_with("error:")) {
            if line.contains("unexpected argument") {
                continue;
            }
            for flag in line
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
                .filter(|w| w.starts_with("--") && w.len() > 2)
            {
                if !help.contains(flag) {
                    wrong.push(format!("{}: {flag} in {line:?}", args[0]));
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "errors naming flags the command lacks:\n{}",
        wrong.join("\n")
    );
}
