//! `jwtctl verify`.

use std::io::{Read, Write};
use std::path::Path;

use serde_json::{Map, Value, json};

use jwtctl::error::{Error, Result};
use jwtctl::jws::MAX_TOKEN_BYTES;
use jwtctl::jwt::ClaimRules;
use jwtctl::jwt::{Claims, Verified};
use jwtctl::keys::read_limited;
use jwtctl::remote::looks_like_url;
use jwtctl::report::{Outcome, Report};
use jwtctl::time::{parse_duration, parse_time, system_now};
use jwtctl::verify::KeyRing;

use super::args::{ClaimArgs, OutputMode, VerifyArgs};
use super::input::{load_keys, read_token};
use super::output::Output;
use super::remote::{Cursor, VerifyKeys};

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
            Some(jwtctl::jwt::parse_revoked(&String::from_utf8_lossy(&text)))
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
            Some(json!({"header": Value::Object((*v.header).clone()), "claims": claims}))
        }
        OutputMode::Payload | OutputMode::None => None,
    }
}

pub fn run(a: &VerifyArgs, out: &Output) -> Result<()> {
    let k = &a.key;
    let algs: Vec<_> = a.alg.iter().map(|x| x.0).collect();
    let remote_jwks = a.jwks.as_deref().filter(|j| looks_like_url(j));
    let fetcher = super::remote::fetcher_if(
        remote_jwks.is_some() || !a.issuer.is_empty(),
        &a.remote,
        a.refresh_cooldown.as_ref(),
    )?;
    if fetcher.is_some() && k.passphrase.is_some() {
        return Err(Error::usage(
            "--passphrase applies to key files; remote key sets hold public keys",
        ));
    }
    let keys = match (&fetcher, remote_jwks) {
        (Some(f), Some(url)) => VerifyKeys::jwks(url, f, &algs, k.allow_weak_key)?,
        (Some(f), None) => VerifyKeys::issuers(&a.issuer, f, &algs, k.allow_weak_key)?,
        (None, _) => {
            let set = load_keys(
                k.key.as_deref(),
                k.secret.as_ref(),
                k.passphrase.as_ref(),
                a.jwks.as_deref().map(Path::new),
                out,
            )?;
            VerifyKeys::fixed(KeyRing::new(set, &algs, k.allow_weak_key)?)
        }
    };
    let warn_all = |keys: &VerifyKeys<'_>| {
        for w in keys.take_warnings() {
            out.warn(&w);
        }
    };
    warn_all(&keys);
    let mut rules = rules(&a.claims)?;
    if rules.iss.is_empty() {
        // The token's iss picks the issuer, and it must be one of them.
        rules.iss = a.issuer.clone();
    }
    let need_claims = matches!(a.output, OutputMode::Claims | OutputMode::Full);
    if a.batch {
        let jobs = match a.jobs {
            Some(n) => usize::from(n),
            None => std::thread::available_parallelism().map_or(1, |n| n.get().min(256)),
        };
        keys.open_all()?;
        warn_all(&keys);
        let done = batch(&keys, &rules, need_claims, a.output, jobs, out);
        warn_all(&keys);
        return done;
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
    let result = Cursor::new(&keys, false).verify(
        &token,
        &rules,
        detached.as_deref(),
        need_claims,
        Claims::All,
        &mut report,
    );
    warn_all(&keys);
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

/// Largest block of input handed to a worker at once (two blocks per worker are in flight,
/// which bounds memory). It is also the block size of a single-threaded run.
const BATCH_BLOCK: usize = 256 * 1024;
/// Smallest block handed to a worker.
const MIN_BATCH_BLOCK: usize = 4 * 1024;
/// How long a worker should spend on one block. Blocks go round-robin, so the last round
/// leaves at most about this much of one worker's time unused (fixed 256 KiB blocks held a
/// thousand ES512 tokens: a short run became three blocks for two workers, scaling 0.82).
/// Hand-over costs microseconds: 2 ms and 10 ms blocks measured the same.
const BLOCK_SECONDS: f64 = 0.005;

/// Appends the JSON line for one token (without its newline) to `out`; true when it verified.
fn batch_line(
    out: &mut String,
    number: u64,
    text: &str,
    keys: &mut Cursor<'_, '_>,
    rules: &ClaimRules,
    need_claims: bool,
    mode: OutputMode,
) -> Result<bool> {
    // Only full output prints the claims from the parsed map; the others print the payload as
    // signed (or nothing), so only the members the checks read are built.
    let keep = match mode {
        OutputMode::Full => Claims::All,
        OutputMode::Claims => Claims::ForOutput,
        OutputMode::Payload | OutputMode::None => Claims::Checked,
    };
    let result = match keys.verify(text, rules, None, need_claims, keep, &mut Report::default()) {
        Ok(v) => Ok(v),
        Err(Error::Rejected(r)) => Err(r),
        Err(e) => return Err(e),
    };
    // The common lines are written directly; the rest go through serde_json.
    match (&result, mode) {
        (Ok(_), OutputMode::None) => {
            push_line_start(out, number);
            out.push_str(",\"valid\":true}");
            return Ok(true);
        }
        (Ok(v), OutputMode::Claims) => {
            // The verified payload is the claims: when only the checked members were built, it
            // is exactly what re-serializing would print, and it is written as signed.
            let signed = std::str::from_utf8(&v.payload)
                .ok()
                .filter(|_| v.payload_is_claims_text);
            push_line_start(out, number);
            out.push_str(",\"valid\":true,\"claims\":");
            match signed {
                Some(text) => out.push_str(text),
                None => {
                    let claims = v.claims.clone().map(Value::Object).unwrap_or(Value::Null);
                    out.push_str(&jwtctl::encoding::to_json_text(&claims, false));
                }
            }
            out.push('}');
            return Ok(true);
        }
        _ => {}
    }
    let mut obj = Map::new();
    obj.insert("line".into(), number.into());
    let valid = match result {
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
                    obj.insert(
                        "header".into(),
                        Value::Object(std::sync::Arc::unwrap_or_clone(v.header)),
                    );
                    obj.insert(
                        "claims".into(),
                        v.claims.map(Value::Object).unwrap_or(Value::Null),
                    );
                }
                OutputMode::Claims => {
                    // Not reached (claims lines are written above); kept whole for safety.
                    let claims = jwtctl::encoding::parse_object_strict(&v.payload)
                        .map(Value::Object)
                        .unwrap_or(Value::Null);
                    obj.insert("claims".into(), claims);
                }
                OutputMode::None => {}
            }
            true
        }
        Err(r) => {
            obj.insert("valid".into(), false.into());
            obj.insert("error".into(), r.code.as_str().into());
            obj.insert("message".into(), super::remedy::rejection(&r).into());
            false
        }
    };
    out.push_str(&jwtctl::encoding::to_json_text(&Value::Object(obj), false));
    Ok(valid)
}

/// Appends `{"line":N` (what every batch line starts with) without the formatting machinery.
fn push_line_start(out: &mut String, number: u64) {
    out.push_str("{\"line\":");
    let mut digits = [0u8; 20];
    let mut n = number;
    let mut at = digits.len();
    loop {
        at -= 1;
        if let Some(d) = digits.get_mut(at) {
            *d = b'0' + (n % 10) as u8;
        }
        n /= 10;
        if n == 0 || at == 0 {
            break;
        }
    }
    out.push_str(std::str::from_utf8(digits.get(at..).unwrap_or_default()).unwrap_or_default());
}

/// Buffers passed back once used — input blocks by the workers, output text by the writer — for
/// the reader and the workers to fill again. Without them every block was a fresh allocation
/// of a quarter megabyte that the allocator returned to the kernel when it was freed, and the
/// kernel zero-filled its pages again for the next: 7 % of an HS256 batch's time.
#[derive(Default)]
struct Spares(std::sync::Mutex<Vec<Vec<u8>>>);

/// Spare buffers kept at most (a few per thread in flight bounds the memory they hold).
const SPARES: usize = 16;

impl Spares {
    /// An empty buffer, with room from an earlier block when there is one.
    fn take(&self) -> Vec<u8> {
        self.0
            .lock()
            .ok()
            .and_then(|mut v| v.pop())
            .unwrap_or_default()
    }

    /// Keeps `buf` for reuse, unless enough are kept or it grew past a few blocks (a huge
    /// line's buffer is not worth holding on to).
    fn give(&self, mut buf: Vec<u8>) {
        if buf.capacity() > 4 * BATCH_BLOCK {
            return;
        }
        buf.clear();
        if let Ok(mut v) = self.0.lock() {
            if v.len() < SPARES {
                v.push(buf);
            }
        }
    }

    /// [`Spares::take`] as a `String`.
    fn take_string(&self) -> String {
        String::from_utf8(self.take()).unwrap_or_default()
    }
}

/// Splits standard input into blocks of whole lines, each with the number of its first line.
/// A line longer than a token may be keeps its first `MAX_TOKEN_BYTES + 1` bytes (so that it
/// is rejected as too large) and the rest is skipped.
struct BlockReader<'s, R> {
    reader: R,
    spares: &'s Spares,
    /// Bytes to read for the next block (a block ends at the last newline in them).
    block_size: usize,
    carry: Vec<u8>,
    next_line: u64,
    skipping: bool,
    /// Bytes searched for a line end so far (the unit tests check it stays linear).
    scanned: u64,
}

impl<'s, R: Read> BlockReader<'s, R> {
    fn new(reader: R, spares: &'s Spares) -> Self {
        BlockReader {
            reader,
            spares,
            block_size: BATCH_BLOCK,
            carry: Vec::new(),
            next_line: 1,
            skipping: false,
            scanned: 0,
        }
    }

    fn next_block(&mut self) -> Result<Option<(u64, Vec<u8>)>> {
        loop {
            let mut buf = std::mem::take(&mut self.carry);
            let start = buf.len();
            buf.resize(start + self.block_size, 0);
            let n = loop {
                match self.reader.read(buf.get_mut(start..).unwrap_or_default()) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(Error::io("<stdin>", e)),
                }
            };
            buf.truncate(start + n);
            if self.skipping {
                match memchr::memchr(b'\n', &buf) {
                    Some(i) => {
                        buf.drain(..=i);
                        self.skipping = false;
                    }
                    None if n == 0 => return Ok(None),
                    None => continue,
                }
            }
            if n == 0 {
                if buf.is_empty() {
                    return Ok(None);
                }
                return Ok(Some(self.emit(buf)));
            }
            // The carry holds no newline (it is what followed the last one), so only the bytes
            // just read are scanned: a long line costs linear, not quadratic, work.
            self.scanned = self.scanned.saturating_add(n as u64);
            let newline = buf
                .get(start..)
                .and_then(|new| memchr::memrchr(b'\n', new))
                .map(|i| start + i);
            match newline {
                Some(i) => {
                    // What follows the last newline starts the next block, in a used buffer
                    // that already has the room.
                    let mut next = self.spares.take();
                    next.extend_from_slice(buf.get(i + 1..).unwrap_or_default());
                    buf.truncate(i + 1);
                    self.carry = next;
                    return Ok(Some(self.emit(buf)));
                }
                None if buf.len() > MAX_TOKEN_BYTES => {
                    buf.truncate(MAX_TOKEN_BYTES + 1);
                    buf.push(b'\n');
                    self.skipping = true;
                    return Ok(Some(self.emit(buf)));
                }
                None => self.carry = buf,
            }
        }
    }

    fn emit(&mut self, block: Vec<u8>) -> (u64, Vec<u8>) {
        let first = self.next_line;
        let lines = memchr::memchr_iter(b'\n', &block).count() as u64;
        self.next_line += lines + u64::from(block.last() != Some(&b'\n'));
        (first, block)
    }
}

/// Standard input without std's 8 KiB buffer in between: a block should be one read(2) of
/// the size asked for. Through the buffer, a 7 KiB request came back as 7 KiB and then the
/// buffer's 1 KiB remainder, so every other block was tiny and one worker sat idle (ES512
/// scaling 0.61). A pipe's short reads still end a block early, so a slow producer
/// (`tail -f`) gets its results as lines arrive.
fn raw_stdin() -> Box<dyn Read> {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        if let Ok(fd) = std::io::stdin().as_fd().try_clone_to_owned() {
            return Box::new(std::fs::File::from(fd));
        }
    }
    Box::new(std::io::stdin().lock())
}

/// Verifies every non-blank line of a block; returns the output text and the counts.
fn process_block(
    first: u64,
    block: &[u8],
    keys: &mut Cursor<'_, '_>,
    rules: &ClaimRules,
    need_claims: bool,
    mode: OutputMode,
    spares: &Spares,
) -> Result<(String, u64, u64)> {
    keys.sync();
    let mut out = spares.take_string();
    out.reserve(block.len() / 4);
    let (mut bad, mut total) = (0u64, 0u64);
    // The block is checked as UTF-8 once; only a block that is not has each line checked.
    let whole = std::str::from_utf8(block).ok();
    let mut start = 0usize;
    let ends = memchr::memchr_iter(b'\n', block).chain(std::iter::once(block.len()));
    for (i, end) in ends.enumerate() {
        let (from, to) = (start, end);
        start = end.saturating_add(1);
        let Some(raw) = block.get(from..to) else {
            continue;
        };
        if raw.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let text = match whole.and_then(|w| w.get(from..to)) {
            Some(t) => std::borrow::Cow::Borrowed(t),
            None => String::from_utf8_lossy(raw),
        };
        let valid = batch_line(
            &mut out,
            first + i as u64,
            &text,
            keys,
            rules,
            need_claims,
            mode,
        )?;
        total += 1;
        bad += u64::from(!valid);
        out.push('\n');
    }
    Ok((out, bad, total))
}

/// Where batch results go: standard output, one flushed write per block (a consumer reading a
/// live stream — `tail -f log | jwtctl verify --batch` — sees each result as soon as its block
/// is done), with the counts and, on a terminal, progress on stderr.
struct Sink {
    w: std::io::BufWriter<std::io::StdoutLock<'static>>,
    bad: u64,
    total: u64,
    progress: bool,
    started: std::time::Instant,
    last_report: u64,
}

impl Sink {
    fn new(progress: bool) -> Sink {
        Sink {
            w: std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock()),
            bad: 0,
            total: 0,
            progress,
            started: std::time::Instant::now(),
            last_report: 0,
        }
    }

    /// Writes a block's results, then hands its buffer back to `spares`.
    fn write(&mut self, (text, bad, total): (String, u64, u64), spares: &Spares) -> Result<()> {
        self.bad += bad;
        self.total += total;
        self.w
            .write_all(text.as_bytes())
            .and_then(|()| self.w.flush())
            .map_err(|e| Error::io("<stdout>", e))?;
        spares.give(text.into_bytes());
        if self.progress && self.total >= self.last_report + 100_000 {
            self.last_report = self.total;
            let rate = self.total as f64 / self.started.elapsed().as_secs_f64().max(1e-9);
            Output::progress(&format!("\r{} tokens, {:.0}/s ", self.total, rate));
        }
        Ok(())
    }

    /// The run's outcome: exit 1 if any token was invalid.
    fn finish(self) -> Result<()> {
        if self.progress && self.last_report > 0 {
            Output::progress("\n");
        }
        if self.bad == 0 {
            Ok(())
        } else {
            Err(Error::SomeInvalid {
                bad: self.bad,
                total: self.total,
            })
        }
    }
}

/// One token per line in, one JSON line per token out, in input order; exit 1 if any is
/// invalid. With several jobs, the main thread reads blocks of lines and deals them
/// round-robin to workers, each with its own prepared verifiers; a writer thread collects the
/// results in the same round-robin order, which is the input order, so reading never waits
/// on writing. Each worker holds at most one block queued, one in hand and one result.
fn batch(
    keys: &VerifyKeys<'_>,
    rules: &ClaimRules,
    need_claims: bool,
    mode: OutputMode,
    jobs: usize,
    out: &Output,
) -> Result<()> {
    let spares = Spares::default();
    let mut blocks = BlockReader::new(raw_stdin(), &spares);
    if jobs <= 1 {
        let mut sink = Sink::new(out.err_tty);
        let mut cursor = Cursor::new(keys, true);
        while let Some((first, block)) = blocks.next_block()? {
            let done = process_block(
                first,
                &block,
                &mut cursor,
                rules,
                need_claims,
                mode,
                &spares,
            )?;
            spares.give(block);
            sink.write(done, &spares)?;
        }
        return sink.finish();
    }
    let spares = &spares;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::mpsc::sync_channel;
    // The writer sizes the blocks to come from each result, to about BLOCK_SECONDS of work;
    // the first ones are small so that a slow algorithm's input is not all in one block.
    let block_size = AtomicUsize::new(MIN_BATCH_BLOCK);
    let progress = out.err_tty;
    std::thread::scope(|scope| -> Result<()> {
        let mut to_workers = Vec::with_capacity(jobs);
        let mut from_workers = Vec::with_capacity(jobs);
        for _ in 0..jobs {
            let (tx, rx) = sync_channel::<(u64, Vec<u8>)>(1);
            let (rtx, rrx) = sync_channel::<(Result<(String, u64, u64)>, usize, f64)>(1);
            let spawned = std::thread::Builder::new().spawn_scoped(scope, move || {
                let mut cursor = Cursor::new(keys, true);
                for (first, block) in rx {
                    let started = std::time::Instant::now();
                    let done =
                        process_block(first, &block, &mut cursor, rules, need_claims, mode, spares);
                    let spent = started.elapsed().as_secs_f64();
                    let len = block.len();
                    spares.give(block);
                    if rtx.send((done, len, spent)).is_err() {
                        break;
                    }
                }
            });
            if let Err(e) = spawned {
                return Err(Error::usage(format!("cannot start a worker thread: {e}")));
            }
            to_workers.push(tx);
            from_workers.push(rrx);
        }
        let block_size = &block_size;
        let writer = std::thread::Builder::new().spawn_scoped(scope, move || -> Result<()> {
            let mut sink = Sink::new(progress);
            // Block i went to worker i % jobs; a worker that has hung up has no block i.
            for i in 0.. {
                let Some(Ok((done, len, spent))) = from_workers.get(i % jobs).map(|r| r.recv())
                else {
                    break;
                };
                let fitting = len as f64 * BLOCK_SECONDS / spent.max(1e-9);
                block_size.store(
                    (fitting as usize).clamp(MIN_BATCH_BLOCK, BATCH_BLOCK),
                    Ordering::Relaxed,
                );
                sink.write(done?, spares)?;
            }
            sink.finish()
        });
        let writer =
            writer.map_err(|e| Error::usage(format!("cannot start the writer thread: {e}")))?;
        let read = (|| -> Result<()> {
            for sent in 0.. {
                blocks.block_size = block_size.load(Ordering::Relaxed);
                let Some(block) = blocks.next_block()? else {
                    break;
                };
                // A send fails only when the writer has stopped (its error is reported below).
                let Some(Ok(())) = to_workers.get(sent % jobs).map(|w| w.send(block)) else {
                    break;
                };
            }
            Ok(())
        })();
        drop(to_workers);
        let written = writer
            .join()
            .unwrap_or_else(|_| Err(Error::usage("the batch writer stopped")));
        read?;
        written
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    /// Hands out its data a few bytes at a time, as a pipe from a slow writer does.
    struct Trickle<'a> {
        data: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.step.min(buf.len()).min(self.data.len());
            let (head, rest) = self.data.split_at(n);
            buf[..n].copy_from_slice(head);
            self.data = rest;
            Ok(n)
        }
    }

    /// A 10 MiB line arriving in 4 KiB reads: the bytes searched for a line end stay linear in
    /// the input (the old reader rescanned the growing carry after every read).
    #[test]
    fn a_long_line_is_scanned_once() {
        let mut input = vec![b'a'; 10 << 20];
        input.extend_from_slice(b"\nshort\n");
        let spares = Spares::default();
        let mut reader = BlockReader::new(
            Trickle {
                data: &input,
                step: 4096,
            },
            &spares,
        );
        reader.block_size = MIN_BATCH_BLOCK;
        let mut lines = 0;
        while let Some((_, block)) = reader.next_block().unwrap() {
            lines += block.iter().filter(|&&b| b == b'\n').count();
        }
        assert_eq!(lines, 2);
        assert!(
            reader.scanned <= 2 * input.len() as u64,
            "{} bytes scanned for {} of input",
            reader.scanned,
            input.len()
        );
    }
}
