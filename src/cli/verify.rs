//! `jwtctl verify`.

use std::io::{BufRead, Read, Write};

use serde_json::{Map, Value, json};

use jwtctl::claims::{ClaimRules, Outcome, Report};
use jwtctl::error::{Error, Result};
use jwtctl::jws::MAX_TOKEN_BYTES;
use jwtctl::keys::read_limited;
use jwtctl::time::{parse_duration, parse_time, system_now};
use jwtctl::verify::{KeyRing, Verified, Verifiers, verify_token};

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
        let jobs = match a.jobs {
            Some(n) => usize::from(n),
            None => std::thread::available_parallelism().map_or(1, |n| n.get()),
        };
        return batch(&ring, &rules, need_claims, a.output, jobs, out);
    }
    let detached = a
        .payload
        .as_deref()
        .map(|p| read_limited(p, MAX_SIDE_FILE))
        .transpose()?;
    let token = read_token(a.token.as_deref())?;
    let mut report = if a.explain {
        Report::recording()
    } else {
        Report::default()
    };
    let result = verify_token(
        &token,
        &ring.verifiers(),
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

/// Lines handed to a worker at a time: large enough that hand-over costs nothing, small enough
/// that memory stays bounded (a few MiB of typical tokens per worker).
const BATCH_CHUNK: usize = 2048;

/// The JSON line for one token.
fn batch_line(
    number: u64,
    text: &str,
    verifiers: &Verifiers<'_>,
    rules: &ClaimRules,
    need_claims: bool,
    mode: OutputMode,
) -> (String, bool) {
    let mut obj = Map::new();
    obj.insert("line".into(), number.into());
    let valid = match verify_token(
        text,
        verifiers,
        rules,
        None,
        need_claims,
        &mut Report::default(),
    ) {
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
                    obj.insert("header".into(), Value::Object(v.header));
                    obj.insert(
                        "claims".into(),
                        v.claims.map(Value::Object).unwrap_or(Value::Null),
                    );
                }
                OutputMode::Claims => {
                    obj.insert(
                        "claims".into(),
                        v.claims.map(Value::Object).unwrap_or(Value::Null),
                    );
                }
                OutputMode::None => {}
            }
            true
        }
        Err(r) => {
            obj.insert("valid".into(), false.into());
            obj.insert("error".into(), r.code.as_str().into());
            obj.insert("message".into(), r.message.into());
            false
        }
    };
    (
        jwtctl::encoding::to_json_text(&Value::Object(obj), false),
        valid,
    )
}

/// Reads up to `BATCH_CHUNK` non-blank lines with their line numbers. A line longer than a
/// token may be is cut at the limit (and then rejected), the rest of it skipped.
fn read_chunk(reader: &mut impl BufRead, number: &mut u64) -> Result<Vec<(u64, String)>> {
    let mut chunk = Vec::with_capacity(BATCH_CHUNK);
    let mut line = Vec::new();
    while chunk.len() < BATCH_CHUNK {
        line.clear();
        let n = reader
            .by_ref()
            .take(MAX_TOKEN_BYTES as u64 + 1)
            .read_until(b'\n', &mut line)
            .map_err(|e| Error::io("<stdin>", e))?;
        if n == 0 {
            break;
        }
        if line.len() > MAX_TOKEN_BYTES && line.last() != Some(&b'\n') {
            let mut sink = Vec::new();
            loop {
                sink.clear();
                let m = reader
                    .by_ref()
                    .take(1 << 20)
                    .read_until(b'\n', &mut sink)
                    .map_err(|e| Error::io("<stdin>", e))?;
                if m == 0 || sink.last() == Some(&b'\n') {
                    break;
                }
            }
        }
        *number += 1;
        let text = String::from_utf8_lossy(&line);
        if !text.trim().is_empty() {
            chunk.push((*number, text.into_owned()));
        }
    }
    Ok(chunk)
}

/// One token per line in, one JSON line per token out, in input order; exit 1 if any is
/// invalid. With several jobs, each worker verifies a contiguous share of every chunk with
/// its own prepared verifiers while the main thread reads the next chunk.
fn batch(
    ring: &KeyRing,
    rules: &ClaimRules,
    need_claims: bool,
    mode: OutputMode,
    jobs: usize,
    out: &Output,
) -> Result<()> {
    let stdin = std::io::stdin();
    let mut reader = stdin.lock();
    let stdout = std::io::stdout();
    let mut w = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
    let (mut bad, mut total, mut number) = (0u64, 0u64, 0u64);
    let progress = out.err_tty;
    let started = std::time::Instant::now();
    let mut write_lines =
        |lines: Vec<(String, bool)>, bad: &mut u64, total: &mut u64| -> Result<()> {
            for (text, valid) in lines {
                *total += 1;
                if !valid {
                    *bad += 1;
                }
                w.write_all(text.as_bytes())
                    .and_then(|()| w.write_all(b"\n"))
                    .map_err(|e| Error::io("<stdout>", e))?;
            }
            if progress && *total % (BATCH_CHUNK as u64 * 16) == 0 {
                let rate = *total as f64 / started.elapsed().as_secs_f64().max(1e-9);
                eprint!("\r{} tokens, {:.0}/s ", *total, rate);
            }
            Ok(())
        };
    if jobs <= 1 {
        let verifiers = ring.verifiers();
        loop {
            let chunk = read_chunk(&mut reader, &mut number)?;
            if chunk.is_empty() {
                break;
            }
            let lines = chunk
                .iter()
                .map(|(n, t)| batch_line(*n, t, &verifiers, rules, need_claims, mode))
                .collect();
            write_lines(lines, &mut bad, &mut total)?;
        }
    } else {
        use std::sync::mpsc::sync_channel;
        std::thread::scope(|scope| -> Result<()> {
            let mut to_workers = Vec::with_capacity(jobs);
            let mut from_workers = Vec::with_capacity(jobs);
            for _ in 0..jobs {
                let (tx, rx) = sync_channel::<Vec<(u64, String)>>(1);
                let (rtx, rrx) = sync_channel::<Vec<(String, bool)>>(1);
                scope.spawn(move || {
                    let verifiers = ring.verifiers();
                    for part in rx {
                        let lines = part
                            .iter()
                            .map(|(n, t)| batch_line(*n, t, &verifiers, rules, need_claims, mode))
                            .collect();
                        if rtx.send(lines).is_err() {
                            break;
                        }
                    }
                });
                to_workers.push(tx);
                from_workers.push(rrx);
            }
            let mut pending = 0usize;
            loop {
                let chunk = read_chunk(&mut reader, &mut number)?;
                // Collect the previous round (in worker order = input order) before handing
                // out the next, so at most two chunks are in memory.
                for rx in from_workers.iter().take(pending) {
                    let lines = rx
                        .recv()
                        .map_err(|_| Error::usage("a batch worker stopped"))?;
                    write_lines(lines, &mut bad, &mut total)?;
                }
                pending = 0;
                if chunk.is_empty() {
                    break;
                }
                let per = chunk.len().div_ceil(jobs);
                let mut rest = chunk;
                for tx in &to_workers {
                    if rest.is_empty() {
                        break;
                    }
                    let tail = rest.split_off(per.min(rest.len()));
                    tx.send(rest)
                        .map_err(|_| Error::usage("a batch worker stopped"))?;
                    rest = tail;
                    pending += 1;
                }
            }
            drop(to_workers);
            Ok(())
        })?;
    }
    w.flush().map_err(|e| Error::io("<stdout>", e))?;
    if progress && total >= BATCH_CHUNK as u64 * 16 {
        eprintln!();
    }
    if bad == 0 {
        Ok(())
    } else {
        Err(Error::SomeInvalid { bad, total })
    }
}
