//! Every shell block of the README marked `<!-- test -->` runs, in a fresh directory, with the
//! built jwtctl first on PATH.

use crate::util::*;

fn marked_blocks(readme: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut lines = readme.lines();
    while let Some(line) = lines.next() {
        if line.trim() != "<!-- test -->" {
            continue;
        }
        let fence = lines.next().unwrap_or_default();
        assert!(
            fence.starts_with("```"),
            "a test marker must precede a fenced block"
        );
        let mut block = String::new();
        for l in lines.by_ref() {
            if l.starts_with("```") {
                break;
            }
            block.push_str(l);
            block.push('\n');
        }
        blocks.push(block);
    }
    blocks
}

#[test]
fn readme_commands_run() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let blocks = marked_blocks(&readme);
    assert!(blocks.len() >= 2);
    let dir = tempdir();
    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_jwtctl"))
        .parent()
        .unwrap()
        .to_path_buf();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    for block in blocks {
        let o = std::process::Command::new("bash")
            .args(["-euo", "pipefail", "-c", &block])
            .current_dir(dir.path())
            .env("PATH", &path)
            .env("CI", "true")
            .env_remove("NO_COLOR")
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "README block failed:\n{block}\nstdout: {}\nstderr: {}",
            stdout(&o),
            stderr(&o)
        );
        // Expected output written as comments in the block must appear.
        for expected in block
            .lines()
            .filter_map(|l| l.strip_prefix("# error: ").map(|e| format!("error: {e}")))
        {
            assert!(
                stderr(&o).contains(&expected),
                "{expected:?} not in {}",
                stderr(&o)
            );
        }
        for expected in block.lines().filter_map(|l| l.strip_prefix("# exit ")) {
            assert!(
                stdout(&o).contains(&format!("exit {expected}")),
                "exit {expected} not in {}",
                stdout(&o)
            );
        }
    }
}
