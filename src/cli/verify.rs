//! `jwtctl verify`.

use std::io::{BufRead, Read, Write};

use serde_json::{Map, Value, json};

use jwtctl::claims::{ClaimRules, Outcome, Report};
use jwtctl::error::{Error, Result};
use jwtctl::jws::MAX_TOKEN_BYTES;
use jwtctl::keys::read_limited;
use jwtctl::time::{parse_duration, parse_time, system_now};
use jwtctl::verify::{KeyRing, Verified, verify_token};

use super::args::{ClaimArgs, OutputMode, VerifyArgs};
use super::input::{load_keys, read_token};
use super::output::Output;

const MAX_SIDE_FILE: u64 = 64 * 1024 * 1024;

/// Claim rules from the shared claim flags (also used by `decrypt --verify-key`).
pub fn rules(a: &ClaimArgs) -> Result<ClaimRules> {
    let now = match &a.now {
        Some(t) => parse_time(t, system_now())?,
        None => system_now(),
    };
    let revoked = match &a.revoked {
        Some(p) => {
            let text = read_limited(p, MAX_SIDE_FILE)?;
            Some(jwtctl::claims::parse_revoked(&String::from_utf8_lossy(
                &text,
            )))
        }
        None => None,
    };
    Ok(ClaimRules {
        iss: a.iss.clone(),
        aud: a.aud.clone(),
        any_aud: a.any_aud,
        sub: a.sub.clone(),
        typ: a.typ.clone(),
        require: a.require.clone(),
        leeway: parse_duration(&a.leeway)?,
        max_age: a.max_age.as_deref().map(parse_duration).transpose()?,
        now,
        ignore_exp: a.ignore_exp,
        revoked,
    })
}

fn print_report(report: &Report, out: &Output) {
    for c in &report.checks {
        let mark = match c.outcome {
            Outcome::Pass => "pass",
            Outcome::Fail => "FAIL",
            Outcome::Skip => "skip",
        };
        out.note(&format!("{mark:<4}  {:<10} {}", c.name, c.detail));
    }
}

fn success_json(v: &Verified, mode: OutputMode) -> Option<Value> {
    let claims = v.claims.clone().map(Value::Object).unwrap_or(Value::Null);
    match mode {
        OutputMode::Claims => Some(claims),
        OutputMode::Full => {
            Some(json!({"header": Value::Object(v.header.clone()), "claims": claims}))
        }
        OutputMode::Payload | OutputMode::None => None,
    }
}

pub fn run(a: &VerifyArgs, out: &Output) -> Result<()> {
    let k = &a.key;
    let set = load_keys(
        k.key.as_deref(),
        k.secret.as_ref(),
        k.passphrase.as_ref(),
        a.jwks.as_deref(),
        out,
    )?;
    let algs: Vec<_> = a.alg.iter().map(|x| x.0).collect();
    let ring = KeyRing::new(set, &algs, a.key.allow_weak_key)?;
    for w in &ring.warnings {
        out.warn(w);
    }
    let rules = rules(&a.claims)?;
    let need_claims = matches!(a.output, OutputMode::Claims | OutputMode::Full);
    if a.batch {
        return batch(&ring, &rules, need_claims, a.output, out);
    }
    let detached = a
        .payload
        .as_deref()
        .map(|p| read_limited(p, MAX_SIDE_FILE))
        .transpose()?;
    let token = read_token(a.token.as_deref())?;
    let mut report = Report::default();
    let result = verify_token(
        &token,
        &ring,
        &rules,
        detached.as_deref(),
        need_claims,
        &mut report,
    );
    if a.explain {
        print_report(&report, out);
    }
    print_verified(&result?, a.output, out)
}

/// Prints a verified token as `--output` asks.
pub fn print_verified(v: &Verified, mode: OutputMode, out: &Output) -> Result<()> {
    let written = match mode {
        OutputMode::Payload => out.bytes(&v.payload),
        OutputMode::None => Ok(()),
        mode => match success_json(v, mode) {
            Some(j) => out.json(&j),
            None => Ok(()),
        },
    };
    written.map_err(|e| Error::io("<stdout>", e))
}

/// One token per line in, one JSON line per token out, in order; exit 1 if any is invalid.
fn batch(
    ring: &KeyRing,
    rules: &ClaimRules,
    need_claims: bool,
    mode: OutputMode,
    out: &Output,
) -> Result<()> {
    let stdin = std::io::stdin();
    let mut reader = stdin.lock();
    let stdout = std::io::stdout();
    let mut w = std::io::BufWriter::new(stdout.lock());
    let (mut bad, mut total) = (0u64, 0u64);
    let mut line = Vec::new();
    let mut number = 0u64;
    loop {
        line.clear();
        let n = (&mut reader)
            .take(MAX_TOKEN_BYTES as u64 + 1)
            .read_until(b'\n', &mut line)
            .map_err(|e| Error::io("<stdin>", e))?;
        if n == 0 {
            break;
        }
        number += 1;
        let text = String::from_utf8_lossy(&line);
        if text.trim().is_empty() {
            continue;
        }
        total += 1;
        let mut report = Report::default();
        let mut obj = Map::new();
        obj.insert("line".into(), number.into());
        match verify_token(&text, ring, rules, None, need_claims, &mut report) {
            Ok(v) => {
                obj.insert("valid".into(), true.into());
                match mode {
                    OutputMode::Payload => {
                        obj.insert(
                            "payload".into(),
                            String::from_utf8_lossy(&v.payload).into_owned().into(),
                        );
                    }
                    OutputMode::Full => {
                        obj.insert("header".into(), Value::Object(v.header.clone()));
                        obj.insert(
                            "claims".into(),
                            v.claims.clone().map(Value::Object).unwrap_or(Value::Null),
                        );
                    }
                    OutputMode::Claims => {
                        obj.insert(
                            "claims".into(),
                            v.claims.clone().map(Value::Object).unwrap_or(Value::Null),
                        );
                    }
                    OutputMode::None => {}
                }
            }
            Err(r) => {
                bad += 1;
                obj.insert("valid".into(), false.into());
                obj.insert("error".into(), r.code.as_str().into());
                obj.insert("message".into(), r.message.into());
            }
        }
        let text = jwtctl::encoding::to_json_text(&Value::Object(obj), false);
        writeln!(w, "{text}").map_err(|e| Error::io("<stdout>", e))?;
    }
    w.flush().map_err(|e| Error::io("<stdout>", e))?;
    let _ = out;
    if bad == 0 {
        Ok(())
    } else {
        Err(Error::SomeInvalid { bad, total })
    }
}
