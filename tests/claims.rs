//! Building claims in `sign` and the output modes of `verify`.

use serde_json::{Value, json};

use crate::util::*;

fn claims(token: &str) -> Value {
    serde_json::from_slice(&b64url_decode(token.split('.').nth(1).unwrap())).unwrap()
}

#[test]
fn flags_build_and_override_claims() {
    let s = hmac_secret();
    let t = sign(&[
        "--alg",
        "HS256",
        "--secret",
        &s,
        "--now",
        "1795000000",
        "--aud",
        "api",
        "--claim",
        "x=1",
        "--claim",
        "y:=1",
        "--claim",
        "r:=[\"a\",\"b\"]",
        "--exp",
        "15m",
        "--nbf",
        "-1m",
        r#"{"sub":"file","x":"old","keep":true}"#,
    ]);
    let c = claims(&t);
    assert_eq!(
        c,
        json!({"sub":"file","x":"1","keep":true,"aud":"api","iat":1795000000,"nbf":1794999940,"exp":1795000900,"y":1,"r":["a","b"]})
    );
    let t = sign(&[
        "--alg",
        "HS256",
        "--secret",
        &s,
        "--aud",
        "a",
        "--aud",
        "b",
        "--no-iat",
        "--exp",
        "2026-11-23T10:00:00Z",
        "--jti",
        "id-1",
    ]);
    assert_eq!(
        claims(&t),
        json!({"aud":["a","b"],"exp":1795428000,"jti":"id-1"})
    );
    let t1 = sign(&["--alg", "HS256", "--secret", &s, "--jti-random"]);
    let t2 = sign(&["--alg", "HS256", "--secret", &s, "--jti-random"]);
    let (j1, j2) = (
        claims(&t1)["jti"].as_str().unwrap().to_string(),
        claims(&t2)["jti"].as_str().unwrap().to_string(),
    );
    assert_eq!(b64url_decode(&j1).len(), 16);
    assert_ne!(j1, j2);
}

#[test]
fn claims_from_file_and_stdin() {
    let dir = tempdir();
    let f = write(dir.path(), "claims.json", r#"{"sub":"from-file","n":1}"#);
    let t = sign(&[
        "--alg",
        "HS256",
        "--secret",
        &hmac_secret(),
        "--no-iat",
        &format!("@{f}"),
    ]);
    assert_eq!(claims(&t), json!({"sub":"from-file","n":1}));
    let o = run(jwtctl()
        .args([
            "sign",
            "--alg",
            "HS256",
            "--secret",
            &hmac_secret(),
            "--no-iat",
            "--sub",
            "flag",
            "-",
        ])
        .write_stdin(r#"{"sub":"stdin","m":2}"#));
    assert_eq!(claims(assert_ok(&o).trim()), json!({"sub":"flag","m":2}));
    for bad in ["[1]", "not json", "\"s\""] {
        let o = run(jwtctl().args(["sign", "--alg", "HS256", "--secret", &hmac_secret(), bad]));
        assert_fails(&o, 2);
    }
}

#[test]
fn headers_kid_typ_cty() {
    let t = sign(&[
        "--alg",
        "HS256",
        "--secret",
        &hmac_secret(),
        "--kid",
        "k1",
        "--typ",
        "at+jwt",
        "--cty",
        "x",
        "--header",
        "n:=3",
        "--header",
        "s=v",
    ]);
    let h: Value = serde_json::from_slice(&b64url_decode(t.split('.').next().unwrap())).unwrap();
    assert_eq!(
        h,
        json!({"alg":"HS256","typ":"at+jwt","kid":"k1","cty":"x","n":3,"s":"v"})
    );
    let o = run(jwtctl().args([
        "sign",
        "--alg",
        "HS256",
        "--secret",
        &hmac_secret(),
        "--header",
        "alg=none",
    ]));
    assert_fails(&o, 2);
}

#[test]
fn verify_output_modes() {
    let s = hmac_secret();
    let t = sign(&["--alg", "HS256", "--secret", &s, "--sub", "a", "--no-iat"]);
    let o = run(jwtctl().args(["verify", "--secret", &s, "--output", "full", &t]));
    let v: Value = serde_json::from_str(&assert_ok(&o)).unwrap();
    assert_eq!(
        v,
        json!({"header":{"alg":"HS256","typ":"JWT"},"claims":{"sub":"a"}})
    );
    let o = run(jwtctl().args(["verify", "--secret", &s, "--output", "none", &t]));
    assert!(assert_ok(&o).is_empty());
    let o = run(jwtctl().args(["verify", "--secret", &s, "--output", "payload", &t]));
    assert_eq!(assert_ok(&o), r#"{"sub":"a"}"#);
    // Piped JSON is one line; --pretty makes it pretty.
    let o = run(jwtctl().args(["verify", "--secret", &s, &t]));
    assert_eq!(assert_ok(&o), "{\"sub\":\"a\"}\n");
    let o = run(jwtctl().args(["--pretty", "verify", "--secret", &s, &t]));
    assert_eq!(assert_ok(&o), "{\n  \"sub\": \"a\"\n}\n");
}

#[test]
fn non_json_payloads() {
    let dir = tempdir();
    let s = hmac_secret();
    let p = write(dir.path(), "p.bin", [0u8, 1, 2, 255]);
    let t = sign(&["--alg", "HS256", "--secret", &s, "--payload", &p]);
    let o = run(jwtctl().args(["verify", "--secret", &s, "--output", "payload", &t]));
    assert_eq!(o.stdout, vec![0u8, 1, 2, 255]);
    let o = run(jwtctl().args(["verify", "--secret", &s, &t]));
    let msg = assert_fails(&o, 1);
    assert!(msg.contains("--output payload"), "{msg}");
    let o = run(jwtctl().args([
        "verify", "--secret", &s, "--output", "payload", "--iss", "x", &t,
    ]));
    assert_fails(&o, 1);
}

#[test]
fn explain_reports_every_check() {
    let s = hmac_secret();
    let t = sign(&[
        "--alg", "HS256", "--secret", &s, "--iss", "i", "--exp", "5m",
    ]);
    let o = run(jwtctl().args(["verify", "--secret", &s, "--iss", "i", "--explain", &t]));
    assert_ok(&o);
    let err = stderr(&o);
    for check in [
        "format",
        "algorithm",
        "signature",
        "exp",
        "nbf",
        "iss",
        "aud",
    ] {
        assert!(
            err.lines().any(|l| l.contains(check)),
            "{check} missing from {err}"
        );
    }
}

#[test]
fn revoked_and_max_age() {
    let dir = tempdir();
    let s = hmac_secret();
    let list = write(dir.path(), "revoked.txt", "# revoked ids\nabc\n\n  def  \n");
    let t = sign(&["--alg", "HS256", "--secret", &s, "--jti", "def"]);
    let o = run(jwtctl().args(["verify", "--secret", &s, "--revoked", &list, &t]));
    assert!(assert_fails(&o, 1).contains("revoked"));
    let t = sign(&["--alg", "HS256", "--secret", &s, "--jti", "ghi"]);
    assert_ok(&run(jwtctl().args([
        "verify",
        "--secret",
        &s,
        "--revoked",
        &list,
        &t,
    ])));
    let t = sign(&["--alg", "HS256", "--secret", &s, "--iat", "-10m"]);
    let o = run(jwtctl().args(["verify", "--secret", &s, "--max-age", "5m", &t]));
    assert!(assert_fails(&o, 1).contains("older"));
    assert_ok(&run(jwtctl().args([
        "verify",
        "--secret",
        &s,
        "--max-age",
        "15m",
        &t,
    ])));
}

#[test]
fn batch_verification_keeps_order_and_reports_codes() {
    let s = hmac_secret();
    let good = sign(&["--alg", "HS256", "--secret", &s, "--sub", "ok"]);
    let expired = sign(&["--alg", "HS256", "--secret", &s, "--exp", "-1h"]);
    let mut input = String::new();
    // (line number, valid, error code); blank lines are skipped but still counted.
    let mut expect = Vec::new();
    for i in 0..1050usize {
        let line = i + 1;
        if i % 50 == 49 {
            input += "\n";
            continue;
        }
        match i % 4 {
            0 => {
                input += &format!("{good}\n");
                expect.push((line, true, ""));
            }
            1 => {
                input += &format!("{expired}\n");
                expect.push((line, false, "expired"));
            }
            2 => {
                input += "garbage\n";
                expect.push((line, false, "malformed"));
            }
            _ => {
                input += &format!("{good}.x\n");
                expect.push((line, false, "malformed"));
            }
        }
    }
    // One thread, and workers that get many small blocks: the same lines in the same order.
    let mut outputs = Vec::new();
    for jobs in ["1", "2", "3"] {
        let o = run(jwtctl()
            .args(["verify", "--batch", "--jobs", jobs, "--secret", &s])
            .write_stdin(input.clone()));
        assert_eq!(o.status.code(), Some(1));
        let lines: Vec<Value> = stdout(&o)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), expect.len(), "--jobs {jobs}");
        for (line, (number, valid, code)) in lines.iter().zip(&expect) {
            assert_eq!(line["line"], *number, "--jobs {jobs}");
            assert_eq!(line["valid"], *valid, "{line}");
            if *valid {
                assert_eq!(line["claims"]["sub"], "ok");
            } else {
                assert_eq!(line["error"], *code, "{line}");
            }
        }
        outputs.push(stdout(&o));
    }
    assert!(outputs.iter().all(|o| *o == outputs[0]));
    let o = run(jwtctl()
        .args(["verify", "--batch", "--secret", &s])
        .write_stdin(format!("{good}\n{good}\n")));
    assert_eq!(o.status.code(), Some(0));
}

/// Batch output writes a payload as signed when re-serializing it would print the same bytes
/// (the fast path), and re-serializes it otherwise: either way a line's claims are exactly what
/// a one-shot verify prints.
#[test]
fn batch_claims_are_the_same_on_the_fast_and_the_slow_path() {
    let s = hmac_secret();
    let dir = tempdir();
    let payloads = [
        r#"{"sub":"alice","exp":4102444800,"aud":["a","b"],"admin":false,"n":null}"#,
        r#"{ "sub" : "alice",
  "exp": 4102444800 }"#,
        r#"{"sub":"Zo\u00eb","q":"\/path","tab":"a\tb","quote":"\"x\""}"#,
        r#"{"z":1,"b":{"y":2,"x":[3,{"w":4}]},"a":"Łódź 東京"}"#,
        r#"{"f":1.50,"e":1e3,"E":2E-2,"neg":-0,"big":123456789012345678901234}"#,
        r#"{"trick":"\u202eevil","zw":"a\u200bb"}"#,
        "{\"raw\":\"\u{202e}gnp.exe\"}",
        // The one-pass scan's own corners: escapes in names and values, signed and 18-digit
        // integers, nested values it builds through the general parser.
        r#"{"sub":"a\"b\\c\n","aud":"api","exp":4102444800,"iat":-5,"n":-123456789012345678,"m":999999999999999999,"k\"ey":{"in":[true,false,null,{}],"e":[]},"z":0}"#,
        r#"{"big":1234567890123456789,"neg":-1234567890123456789}"#,
    ];
    let deep = format!("{{\"d\":{}1{}}}", "[".repeat(20), "]".repeat(20));
    let wide: Vec<String> = (0..40).map(|i| format!("\"k{i}\":{i}")).collect();
    let wide = format!("{{{},\"exp\":4102444800}}", wide.join(","));
    let payloads: Vec<&str> = payloads
        .into_iter()
        .chain([deep.as_str(), wide.as_str()])
        .collect();
    let mut tokens = Vec::new();
    for (i, p) in payloads.iter().enumerate() {
        let f = write(dir.path(), &format!("p{i}.json"), p);
        tokens.push(sign(&["--alg", "HS256", "--secret", &s, "--payload", &f]));
    }
    let input: String = tokens.iter().map(|t| format!("{t}\n")).collect();
    for jobs in ["1", "2"] {
        let o = run(jwtctl()
            .args([
                "verify",
                "--batch",
                "--jobs",
                jobs,
                "--secret",
                &s,
                "--any-aud",
            ])
            .write_stdin(input.clone()));
        let out = assert_ok(&o);
        for (i, (line, token)) in out.lines().zip(&tokens).enumerate() {
            let one = assert_ok(&run(jwtctl().args([
                "verify",
                "--secret",
                &s,
                "--any-aud",
                token,
            ])));
            let want = format!(
                "{{\"line\":{},\"valid\":true,\"claims\":{}}}",
                i + 1,
                one.trim_end()
            );
            assert_eq!(line, want, "payload {i}: {}", payloads[i]);
        }
    }
}

/// A live stream: each token's result comes out while the input is still open.
#[test]
fn batch_results_stream_while_input_is_open() {
    use std::io::{BufRead, BufReader, Write};
    use std::process::{Command, Stdio};
    use std::sync::mpsc;
    use std::time::Duration;
    let s = hmac_secret();
    let good = sign(&["--alg", "HS256", "--secret", &s, "--sub", "live"]);
    for jobs in ["1", "2"] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_jwtctl"))
            .args(["verify", "--batch", "--jobs", jobs, "--secret", &s])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                if tx.send(line.unwrap()).is_err() {
                    break;
                }
            }
        });
        for n in 1..=3 {
            writeln!(stdin, "{good}").unwrap();
            stdin.flush().unwrap();
            let line = rx
                .recv_timeout(Duration::from_secs(20))
                .unwrap_or_else(|_| {
                    panic!("--jobs {jobs}: no result for line {n} while input is open")
                });
            let v: Value = serde_json::from_str(&line).unwrap();
            assert_eq!(v["line"], n);
            assert_eq!(v["valid"], true);
        }
        drop(stdin);
        assert!(child.wait().unwrap().success());
    }
}
