//! The one output type: colour decided once, data to stdout, diagnostics to stderr, untrusted
//! text sanitized before it reaches a terminal.

use std::io::{IsTerminal, Write};

use colored::{ColoredString, Colorize};
use serde_json::Value;

use super::args::ColorWhen;

/// Environment variable that makes jwtctl treat stdout and stderr as terminals (for tests).
pub const TEST_TTY_ENV: &str = "JWTCTL_TEST_TTY";

pub struct Output {
    /// Colour on stdout.
    pub color_out: bool,
    /// Colour on stderr.
    pub color_err: bool,
    /// stdout is a terminal (decides the human layout and pretty JSON).
    pub out_tty: bool,
    /// stderr is a terminal (progress reports).
    pub err_tty: bool,
    pretty: bool,
}

impl Output {
    pub fn new(when: ColorWhen, pretty: bool, compact: bool) -> Output {
        let forced_tty = std::env::var_os(TEST_TTY_ENV).is_some_and(|v| v == "1");
        let out_tty = forced_tty || std::io::stdout().is_terminal();
        let err_tty = forced_tty || std::io::stderr().is_terminal();
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let dumb = std::env::var_os("TERM").is_some_and(|v| v == "dumb");
        let decide = |tty: bool| match when {
            ColorWhen::Always => true,
            ColorWhen::Never => false,
            ColorWhen::Auto => tty && !no_color && !dumb,
        };
        // `colored` has its own environment checks; jwtctl decides, then tells it.
        colored::control::set_override(true);
        Output {
            color_out: decide(out_tty),
            color_err: decide(err_tty),
            out_tty,
            err_tty,
            pretty: if pretty {
                true
            } else if compact {
                false
            } else {
                out_tty
            },
        }
    }

    pub fn warn(&self, msg: &str) {
        let label = if self.color_err {
            "warning:".yellow().bold().to_string()
        } else {
            "warning:".to_string()
        };
        let _ = writeln!(std::io::stderr().lock(), "{label} {msg}");
    }

    pub fn error_line(&self, msg: &str) {
        let label = if self.color_err {
            "error:".red().bold().to_string()
        } else {
            "error:".to_string()
        };
        let _ = writeln!(std::io::stderr().lock(), "{label} {msg}");
    }

    /// Progress on stderr, without a line end (a terminal's status line: dots, counters
    /// redrawn with `\r`). Callers show it only when stderr is a terminal.
    pub fn progress(msg: &str) {
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "{msg}");
        let _ = err.flush();
    }

    /// Writes a line to stderr (reports such as --explain).
    pub fn note(&self, msg: &str) {
        let _ = writeln!(std::io::stderr().lock(), "{msg}");
    }

    /// JSON to stdout: pretty on a terminal, compact when piped, unless overridden.
    pub fn json(&self, v: &Value) -> std::io::Result<()> {
        let text = jwtctl::encoding::to_json_text(v, self.pretty);
        let mut out = std::io::stdout().lock();
        if self.color_out && self.pretty {
            writeln!(out, "{}", colorize_json(&text))?;
        } else {
            writeln!(out, "{text}")?;
        }
        out.flush()
    }

    /// Raw bytes to stdout, exactly.
    pub fn bytes(&self, b: &[u8]) -> std::io::Result<()> {
        let mut out = std::io::stdout().lock();
        out.write_all(b)?;
        out.flush()
    }

    /// A line of text to stdout.
    pub fn line(&self, s: &str) -> std::io::Result<()> {
        let mut out = std::io::stdout().lock();
        writeln!(out, "{s}")?;
        out.flush()
    }

    /// Applies a style to text for stdout when colour is on.
    pub fn paint(&self, s: &str, f: fn(&str) -> ColoredString) -> String {
        if self.color_out {
            f(s).to_string()
        } else {
            s.to_string()
        }
    }
}

/// Colours JSON text lightly: keys cyan, strings green, numbers and literals yellow.
fn colorize_json(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '"' {
            let mut s = String::from('"');
            let mut escaped = false;
            for d in chars.by_ref() {
                s.push(d);
                if escaped {
                    escaped = false;
                } else if d == '\\' {
                    escaped = true;
                } else if d == '"' {
                    break;
                }
            }
            let is_key = chars.peek() == Some(&':');
            out.push_str(&if is_key {
                s.cyan().to_string()
            } else {
                s.green().to_string()
            });
        } else if c.is_ascii_digit() || c == '-' || c == 't' || c == 'f' || c == 'n' {
            let mut s = String::from(c);
            while let Some(&d) = chars.peek() {
                if d.is_ascii_alphanumeric() || matches!(d, '.' | '+' | '-') {
                    s.push(d);
                    chars.next();
                } else {
                    break;
                }
            }
            out.push_str(&s.yellow().to_string());
        } else {
            out.push(c);
        }
    }
    out
}
