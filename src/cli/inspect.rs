//! `jwtctl inspect`: decode without verifying; human layout on a terminal, JSON with --json.

use colored::Colorize;
use serde_json::Value;

use jwtctl::error::{Error, Result};
use jwtctl::inspect::{Inspection, inspect};
use jwtctl::sanitize::sanitize;
use jwtctl::time::{format_relative, format_timestamp, parse_time, system_now};

use super::args::InspectArgs;
use super::input::read_token;
use super::output::Output;

pub fn run(a: &InspectArgs, out: &Output) -> Result<()> {
    let now = match &a.now {
        Some(t) => parse_time(t, system_now())?,
        None => system_now(),
    };
    let token = read_token(a.token.as_deref())?;
    let ins = inspect(&token, now)?;
    let io = |e| Error::io("<stdout>", e);
    if a.json {
        return out.json(&ins.to_json()).map_err(io);
    }
    render(&ins, out).map_err(io)?;
    for f in &ins.findings {
        out.warn(&format!("{} [{}]", f.message, f.code));
    }
    Ok(())
}

fn pretty(v: &Value) -> String {
    jwtctl::encoding::to_json_text(v, true)
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| format!("  {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn render(ins: &Inspection, out: &Output) -> std::io::Result<()> {
    let head = |s: &str| out.paint(s, |t| t.bold());
    out.line(&format!(
        "{} ({} serialization) — {}",
        head(ins.kind),
        ins.serialization.name(),
        out.paint(
            "decoded only, signature NOT verified (use jwtctl verify)",
            |t| t.yellow()
        )
    ))?;
    out.line(&head("Header"))?;
    out.line(&indent(&pretty(&Value::Object(ins.header.clone()))))?;
    if let Some(sizes) = ins.jwe_sizes {
        out.line(&head("Parts"))?;
        for (name, n) in ["encrypted key", "iv", "ciphertext", "tag"]
            .iter()
            .zip(sizes)
        {
            out.line(&format!("  {name:<14}{n} bytes"))?;
        }
        if ins.count > 1 {
            out.line(&format!("  recipients    {}", ins.count))?;
        }
    }
    if let Some(c) = &ins.claims {
        out.line(&head("Claims"))?;
        out.line(&indent(&pretty(c)))?;
    } else if let Some(p) = &ins.payload_text {
        out.line(&head("Payload (not JSON)"))?;
        out.line(&indent(&sanitize(p)))?;
    }
    if !ins.times.is_empty() {
        out.line(&head("Times"))?;
        for t in &ins.times {
            out.line(&format!(
                "  {:<9} {}  ({})",
                t.name,
                format_timestamp(t.value),
                format_relative(t.value, ins.now)
            ))?;
        }
        if out.out_tty {
            if let Some(bar) = lifetime_bar(ins, out) {
                out.line(&format!("  {bar}"))?;
            }
        }
    }
    if let Some(sig) = &ins.signature {
        let n = jwtctl::encoding::b64url_decode(sig)
            .map(|b| b.len())
            .unwrap_or(0);
        let count = if ins.count > 1 {
            format!(", {} signatures", ins.count)
        } else {
            String::new()
        };
        out.line(&format!("{}  {n} bytes{count}", head("Signature")))?;
    }
    Ok(())
}

/// `iat ━━━━━━━━●──────── exp  (62% of lifetime used)`, from the earliest of iat/nbf to exp.
fn lifetime_bar(ins: &Inspection, out: &Output) -> Option<String> {
    const WIDTH: i64 = 32;
    let get = |n: &str| ins.times.iter().find(|t| t.name == n).map(|t| t.value);
    let exp = get("exp")?;
    let (start_name, start) = match (get("iat"), get("nbf")) {
        (Some(i), Some(n)) if n < i => ("nbf", n),
        (Some(i), _) => ("iat", i),
        (None, Some(n)) => ("nbf", n),
        (None, None) => return None,
    };
    if exp <= start {
        return None;
    }
    let span = exp - start;
    let pos = ((ins.now - start).clamp(0, span) * WIDTH / span).clamp(0, WIDTH);
    let used: String = "━".repeat(usize::try_from(pos).unwrap_or(0));
    let left: String = "─".repeat(usize::try_from(WIDTH - pos).unwrap_or(0));
    let state = if ins.now >= exp {
        out.paint("expired", |t| t.red().bold())
    } else if ins.now < start {
        out.paint("not yet started", |t| t.yellow())
    } else {
        let pct = (ins.now - start) * 100 / span;
        out.paint(&format!("{pct}% of lifetime used"), |t| t.green())
    };
    Some(format!(
        "{start_name} {}●{} exp  ({state})",
        out.paint(&used, |t| t.green()),
        left
    ))
}
