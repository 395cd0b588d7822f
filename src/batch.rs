//! The streaming batch engine: standard input (or any reader) split into blocks of whole lines,
//! each block worked on by one of `jobs` workers, and the results written in input order, one
//! flushed write per block. Generic over the per-line work ([`LineWork`]); `verify --batch` is
//! one such work.
//!
//! Memory is bounded: a block is at most [`MAX_BLOCK`] bytes (a line longer than
//! [`crate::jws::MAX_TOKEN_BYTES`] keeps only its head, enough to be rejected), each worker
//! holds one block in hand, and at most two results per worker wait for an earlier block.
//! Blocks end at the last newline of one read, so a slow producer (`tail -f log | ...`) gets
//! each result as soon as its line arrives.
//!
//! # Example: stream a batch from a program
//!
//! ```
//! use jwtctl::batch::{LineWork, run};
//! use jwtctl::error::Result;
//!
//! /// Writes each line's length; lines of odd length count as invalid.
//! struct Lengths;
//!
//! impl LineWork for Lengths {
//!     fn line(&mut self, out: &mut String, number: u64, text: &str) -> Result<bool> {
//!         out.push_str(&format!("{number}:{}", text.len()));
//!         Ok(text.len() % 2 == 0)
//!     }
//! }
//!
//! let input = b"ab\n\ncde\nfghi\n";
//! let mut output = Vec::new();
//! let summary = run(&input[..], &mut output, 2, &|| Lengths, None)?;
//! // Blank lines are skipped but counted in the numbering; the order is the input's.
//! assert_eq!(String::from_utf8_lossy(&output), "1:2\n3:3\n4:4\n");
//! assert_eq!((summary.bad, summary.total), (1, 3));
//! # Ok::<(), jwtctl::Error>(())
//! ```
//!
//! A verifying work holds a [`crate::source::Cursor`] and calls
//! [`Cursor::verify`](crate::source::Cursor::verify) for each line, with
//! [`Cursor::sync`](crate::source::Cursor::sync) in [`LineWork::begin_block`] so that a long
//! stream follows a remote key set as it changes.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::Instant;

use crate::error::{Error, Result};
use crate::jws::MAX_TOKEN_BYTES;

/// Largest block of input handed to a worker at once (two blocks per worker are in flight,
/// which bounds memory). It is also the block size of a single-threaded run.
pub const MAX_BLOCK: usize = 256 * 1024;
/// Smallest block handed to a worker.
const MIN_BLOCK: usize = 4 * 1024;
/// How long a worker should spend on one block. Blocks go round-robin, so the last round
/// leaves at most about this much of one worker's time unused (fixed 256 KiB blocks held a
/// thousand ES512 tokens: a short run became three blocks for two workers, scaling 0.82).
/// Hand-over costs microseconds: 2 ms and 10 ms blocks measured the same.
const BLOCK_SECONDS: f64 = 0.005;
/// Tokens between two progress reports.
const PROGRESS_EVERY: u64 = 100_000;

/// The work done for each line, by one worker (each worker makes its own).
pub trait LineWork {
    /// Called before each block's lines (a verifier revalidates stale key sets here).
    fn begin_block(&mut self) {}

    /// Appends the result for line `number` (1-based, counting blank lines) to `out`, without a
    /// newline; returns whether the line was valid. An `Err` stops the whole run.
    fn line(&mut self, out: &mut String, number: u64, text: &str) -> Result<bool>;
}

/// What a run saw.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// Lines that were not valid.
    pub bad: u64,
    /// Non-blank lines.
    pub total: u64,
}

/// Progress so far, for a hook that shows it (every 100,000 lines, and once at the end when it
/// was shown before).
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    /// Lines done.
    pub total: u64,
    /// Lines per second since the start.
    pub rate: f64,
    /// Whether the run is over.
    pub done: bool,
}

/// A hook that shows progress.
pub type ProgressHook<'a> = &'a (dyn Fn(Progress) + Sync);

/// Buffers passed back once used — input blocks by the workers, output text by the writer — for
/// the reader and the workers to fill again. Without them every block was a fresh allocation
/// of a quarter megabyte that the allocator returned to the kernel when it was freed, and the
/// kernel zero-filled its pages again for the next: 7 % of an HS256 batch's time.
#[derive(Default)]
struct Spares(Mutex<Vec<Vec<u8>>>);

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
        if buf.capacity() > 4 * MAX_BLOCK {
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

/// Splits the input into blocks of whole lines, each with the number of its first line.
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
            block_size: MAX_BLOCK,
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
            buf.resize(start.saturating_add(self.block_size), 0);
            let n = loop {
                match self.reader.read(buf.get_mut(start..).unwrap_or_default()) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(Error::io("<stdin>", e)),
                }
            };
            buf.truncate(start.saturating_add(n));
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
                .map(|i| start.saturating_add(i));
            match newline {
                Some(i) => {
                    // What follows the last newline starts the next block, in a used buffer
                    // that already has the room.
                    let mut next = self.spares.take();
                    next.extend_from_slice(buf.get(i.saturating_add(1)..).unwrap_or_default());
                    buf.truncate(i.saturating_add(1));
                    self.carry = next;
                    return Ok(Some(self.emit(buf)));
                }
                None if buf.len() > MAX_TOKEN_BYTES => {
                    buf.truncate(MAX_TOKEN_BYTES.saturating_add(1));
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
        self.next_line = self
            .next_line
            .saturating_add(lines)
            .saturating_add(u64::from(block.last() != Some(&b'\n')));
        (first, block)
    }
}

/// A block's output text and counts.
type Done = (String, Summary);

/// Works on every non-blank line of a block.
fn process_block<L: LineWork>(
    first: u64,
    block: &[u8],
    work: &mut L,
    spares: &Spares,
) -> Result<Done> {
    work.begin_block();
    let mut out = spares.take_string();
    out.reserve(block.len() / 4);
    let mut counts = Summary::default();
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
        let valid = work.line(&mut out, first.saturating_add(i as u64), &text)?;
        counts.total = counts.total.saturating_add(1);
        counts.bad = counts.bad.saturating_add(u64::from(!valid));
        out.push('\n');
    }
    Ok((out, counts))
}

/// Where results go: one flushed write per block, with the counts and the progress hook.
struct Sink<'p, W: Write> {
    w: W,
    counts: Summary,
    progress: Option<ProgressHook<'p>>,
    started: Instant,
    last_report: u64,
}

impl<'p, W: Write> Sink<'p, W> {
    fn new(w: W, progress: Option<ProgressHook<'p>>) -> Self {
        Sink {
            w,
            counts: Summary::default(),
            progress,
            started: Instant::now(),
            last_report: 0,
        }
    }

    fn rate(&self) -> f64 {
        self.counts.total as f64 / self.started.elapsed().as_secs_f64().max(1e-9)
    }

    /// Writes a block's results, then hands its buffer back to `spares`.
    fn write(&mut self, (text, counts): Done, spares: &Spares) -> Result<()> {
        self.counts.bad = self.counts.bad.saturating_add(counts.bad);
        self.counts.total = self.counts.total.saturating_add(counts.total);
        self.w
            .write_all(text.as_bytes())
            .and_then(|()| self.w.flush())
            .map_err(|e| Error::io("<stdout>", e))?;
        spares.give(text.into_bytes());
        if let Some(hook) = self.progress {
            if self.counts.total >= self.last_report.saturating_add(PROGRESS_EVERY) {
                self.last_report = self.counts.total;
                hook(Progress {
                    total: self.counts.total,
                    rate: self.rate(),
                    done: false,
                });
            }
        }
        Ok(())
    }

    fn finish(self) -> Summary {
        if let Some(hook) = self.progress {
            if self.last_report > 0 {
                hook(Progress {
                    total: self.counts.total,
                    rate: self.rate(),
                    done: true,
                });
            }
        }
        self.counts
    }
}

/// Streams `reader` through `jobs` workers made by `make` (one each) into `writer`, one line
/// of output per non-blank input line, in input order. With several jobs there is no reader or
/// writer thread: each worker takes the next block of lines itself (reading under a lock),
/// works on it, and writes the results of every block that is now next in input order (under
/// another lock), so on two cores two workers are all that run. An `Err` from reading, a
/// worker or writing stops the run.
pub fn run<R, W, L, M>(
    reader: R,
    writer: W,
    jobs: usize,
    make: &M,
    progress: Option<ProgressHook<'_>>,
) -> Result<Summary>
where
    R: Read + Send,
    W: Write + Send,
    L: LineWork,
    M: Fn() -> L + Sync,
{
    let spares = Spares::default();
    let mut blocks = BlockReader::new(reader, &spares);
    let writer = std::io::BufWriter::with_capacity(1 << 16, writer);
    if jobs <= 1 {
        let mut sink = Sink::new(writer, progress);
        let mut work = make();
        while let Some((first, block)) = blocks.next_block()? {
            let done = process_block(first, &block, &mut work, &spares)?;
            spares.give(block);
            sink.write(done, &spares)?;
        }
        return Ok(sink.finish());
    }
    // The first blocks are small so that a slow algorithm's input is not all in one block;
    // each result then sizes the blocks to come, to about BLOCK_SECONDS of work.
    blocks.block_size = MIN_BLOCK;
    let shared = Shared {
        input: Mutex::new(Input {
            blocks,
            next: 0,
            over: false,
            failed: None,
        }),
        output: Mutex::new(Ordered {
            sink: Sink::new(writer, progress),
            next: 0,
            ready: BTreeMap::new(),
            failed: None,
        }),
        written: Condvar::new(),
        block_size: AtomicUsize::new(MIN_BLOCK),
        stop: AtomicBool::new(false),
        held: jobs.saturating_mul(2),
        spares: &spares,
    };
    std::thread::scope(|scope| -> Result<()> {
        for _ in 0..jobs {
            let shared = &shared;
            std::thread::Builder::new()
                .spawn_scoped(scope, move || shared.work(make()))
                .map_err(|e| {
                    shared.stop.store(true, Ordering::Relaxed);
                    Error::usage(format!("cannot start a worker thread: {e}"))
                })?;
        }
        Ok(())
    })?;
    let Shared { input, output, .. } = shared;
    let input = input
        .into_inner()
        .map_err(|_| Error::usage("a batch worker stopped"))?;
    let output = output
        .into_inner()
        .map_err(|_| Error::usage("a batch worker stopped"))?;
    // A read error is the run's error; then the first failure in input order.
    if let Some(e) = input.failed {
        return Err(e);
    }
    if let Some(e) = output.failed {
        return Err(e);
    }
    Ok(output.sink.finish())
}

/// What the workers of a multi-threaded run share.
struct Shared<'s, 'p, R, W: Write> {
    input: Mutex<Input<'s, R>>,
    output: Mutex<Ordered<'p, W>>,
    /// Signalled when blocks are written, for workers waiting to take another.
    written: Condvar,
    block_size: AtomicUsize,
    /// Set when the run fails: workers take no more blocks.
    stop: AtomicBool,
    /// Blocks done but not yet written (because an earlier one is still being worked on)
    /// that make a worker wait before taking another: this bounds the memory they hold.
    held: usize,
    spares: &'s Spares,
}

/// The reading side: the next block's place in input order.
struct Input<'s, R> {
    blocks: BlockReader<'s, R>,
    next: u64,
    over: bool,
    failed: Option<Error>,
}

/// The writing side: results wait in `ready` until every block before them is written.
struct Ordered<'p, W: Write> {
    sink: Sink<'p, W>,
    next: u64,
    ready: BTreeMap<u64, Result<Done>>,
    failed: Option<Error>,
}

impl<R: Read, W: Write> Shared<'_, '_, R, W> {
    /// One worker: take a block, work on it, write what is next in order; until the input
    /// ends or the run fails.
    fn work<L: LineWork>(&self, mut work: L) {
        while let Some((place, first, block)) = self.take() {
            let started = Instant::now();
            let done = process_block(first, &block, &mut work, self.spares);
            let spent = started.elapsed().as_secs_f64();
            let fitting = block.len() as f64 * BLOCK_SECONDS / spent.max(1e-9);
            self.block_size.store(
                (fitting as usize).clamp(MIN_BLOCK, MAX_BLOCK),
                Ordering::Relaxed,
            );
            self.spares.give(block);
            self.put(place, done);
        }
    }

    /// The next block and its place in input order, once few enough results are held.
    fn take(&self) -> Option<(u64, u64, Vec<u8>)> {
        {
            let Ok(mut out) = self.output.lock() else {
                self.stop.store(true, Ordering::Relaxed);
                return None;
            };
            while out.ready.len() >= self.held && !self.stop.load(Ordering::Relaxed) {
                out = match self.written.wait(out) {
                    Ok(o) => o,
                    Err(_) => {
                        self.stop.store(true, Ordering::Relaxed);
                        return None;
                    }
                };
            }
        }
        if self.stop.load(Ordering::Relaxed) {
            return None;
        }
        let Ok(mut input) = self.input.lock() else {
            self.stop.store(true, Ordering::Relaxed);
            return None;
        };
        if input.over {
            return None;
        }
        input.blocks.block_size = self.block_size.load(Ordering::Relaxed);
        match input.blocks.next_block() {
            Ok(Some((first, block))) => {
                let place = input.next;
                input.next = place.saturating_add(1);
                Some((place, first, block))
            }
            Ok(None) => {
                input.over = true;
                None
            }
            Err(e) => {
                input.over = true;
                input.failed = Some(e);
                self.stop.store(true, Ordering::Relaxed);
                self.written.notify_all();
                None
            }
        }
    }

    /// Files a block's result and writes every result now next in order.
    fn put(&self, place: u64, done: Result<Done>) {
        let Ok(mut out) = self.output.lock() else {
            self.stop.store(true, Ordering::Relaxed);
            self.written.notify_all();
            return;
        };
        out.ready.insert(place, done);
        loop {
            let next = out.next;
            let Some(done) = out.ready.remove(&next) else {
                break;
            };
            out.next = next.saturating_add(1);
            if out.failed.is_some() {
                continue;
            }
            let written = done.and_then(|d| out.sink.write(d, self.spares));
            if let Err(e) = written {
                out.failed = Some(e);
                self.stop.store(true, Ordering::Relaxed);
            }
        }
        drop(out);
        self.written.notify_all();
    }
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
        reader.block_size = MIN_BLOCK;
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

    struct Echo;

    impl LineWork for Echo {
        fn line(&mut self, out: &mut String, number: u64, text: &str) -> Result<bool> {
            out.push_str(&format!("{number} {text}"));
            Ok(!text.starts_with('x'))
        }
    }

    /// Fails at one line.
    struct FailAt(u64);

    impl LineWork for FailAt {
        fn line(&mut self, out: &mut String, number: u64, text: &str) -> Result<bool> {
            if number == self.0 {
                return Err(Error::usage(format!("stopped at {number}")));
            }
            out.push_str(text);
            Ok(true)
        }
    }

    /// Reads `data`, then fails.
    struct Broken<'a>(Trickle<'a>);

    impl Read for Broken<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            match self.0.read(buf)? {
                0 => Err(std::io::Error::other("the pipe broke")),
                n => Ok(n),
            }
        }
    }

    /// A worker's error or a read error stops the run with that error; what was written is
    /// whole lines of the input's beginning, in order, and nothing from the failing line on.
    #[test]
    fn a_failure_stops_the_run_after_an_ordered_prefix() {
        let input: String = (1..=20_000u64).map(|i| format!("{i}\n")).collect();
        for jobs in [1, 2, 5] {
            let mut out = Vec::new();
            let reader = Trickle {
                data: input.as_bytes(),
                step: 700,
            };
            let e = run(reader, &mut out, jobs, &|| FailAt(15_000), None).unwrap_err();
            assert!(e.to_string().contains("stopped at 15000"), "{e}");
            let out = String::from_utf8(out).unwrap();
            assert!(input.starts_with(&out), "jobs {jobs}");
            assert!(!out.contains("\n15000\n"), "jobs {jobs}");

            let mut out = Vec::new();
            let reader = Broken(Trickle {
                data: input.as_bytes(),
                step: 700,
            });
            let e = run(reader, &mut out, jobs, &|| Echo, None).unwrap_err();
            assert!(e.to_string().contains("the pipe broke"), "{e}");
            let out = String::from_utf8(out).unwrap();
            let lines = out.lines().count() as u64;
            let want: String = (1..=lines).map(|i| format!("{i} {i}\n")).collect();
            assert_eq!(out, want, "jobs {jobs}");
        }
    }

    /// Many workers, tiny reads: every line once, in order, numbered as in the input.
    #[test]
    fn output_keeps_input_order_with_any_jobs() {
        let mut input = String::new();
        let mut want = String::new();
        for i in 1..=20_000u64 {
            if i % 7 == 0 {
                input.push_str("  \n");
                continue;
            }
            let word = if i % 5 == 0 { "x" } else { "ok" };
            input.push_str(&format!("{word}{i}\n"));
            want.push_str(&format!("{i} {word}{i}\n"));
        }
        for jobs in [1, 2, 5] {
            let mut out = Vec::new();
            let reader = Trickle {
                data: input.as_bytes(),
                step: 1000,
            };
            let s = run(reader, &mut out, jobs, &|| Echo, None).unwrap();
            assert_eq!(String::from_utf8(out).unwrap(), want, "jobs {jobs}");
            assert_eq!(s.total, 20_000 - 20_000 / 7);
            assert_eq!(
                s.bad,
                (1..=20_000u64).filter(|i| i % 5 == 0 && i % 7 != 0).count() as u64
            );
        }
    }
}
