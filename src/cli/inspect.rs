//! `jwtctl inspect`: decode without verifying; human layout on a terminal, JSON with --json.

use colored::Colorize;
use serde_json::Value;

use jwtctl::error::{Error, RejectCode, Rejection, Result};
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
    let io = |e| Error::io("<stdout>", e);
    if !a.key.is_empty() {
        return inspect_keys(a, out);
    }
    let token = read_token(a.token.as_deref())?;
    let ins = inspect(&token, now)?;
    if let Some(min) = &a.min_ttl {
        return min_ttl(&ins, min, a.json, out);
    }
    if a.json {
        return out.json(&ins.to_json()).map_err(io);
    }
    render(&ins, out).map_err(io)?;
    for f in &ins.findings {
        out.warn(&format!("{} [{}]", f.message, f.code));
    }
    Ok(())
}

/// `--min-ttl`: whether the token's `exp` is at least `min` away from `ins.now`.
fn min_ttl(ins: &Inspection, min: &str, json: bool, out: &Output) -> Result<()> {
    let min = jwtctl::time::parse_duration(min)?;
    let exp = ins
        .claims
        .as_ref()
        .and_then(|c| c.get("exp"))
        .and_then(jwtctl::time::numeric_date);
    let Some(exp) = exp else {
        return Err(Rejection::new(
            RejectCode::Expiring,
            "the token has no exp claim, so its lifetime is unknown (decoded only, not verified)",
        )
        .into());
    };
    let ttl = exp.saturating_sub(ins.now);
    let want = i64::try_from(min).unwrap_or(i64::MAX);
    let when = format!(
        "{} ({})",
        format_timestamp(exp),
        format_relative(exp, ins.now)
    );
    if ttl < want {
        let state = if ttl <= 0 { "expired" } else { "expires" };
        return Err(Rejection::new(
            RejectCode::Expiring,
            format!(
                "token {state} {when}, less than --min-ttl {} ahead (decoded only, not verified)",
                jwtctl::time::format_span(min)
            ),
        )
        .into());
    }
    let written = if json {
        out.json(&serde_json::json!({
            "exp": exp,
            "ttl": ttl,
            "min_ttl": min,
            "fresh": true,
            "verified": false,
        }))
    } else {
        out.line(&format!(
            "exp {when}: at least {} left (decoded only, signature not verified)",
            jwtctl::time::format_span(min)
        ))
    };
    written.map_err(|e| Error::io("<stdout>", e))
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
            if ins.kind == "JWE" {
                "header decoded only, content NOT decrypted (use jwtctl decrypt)"
            } else {
                "decoded only, signature NOT verified (use jwtctl verify)"
            },
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
    if let Some(sd) = &ins.sd {
        out.line(&head("Disclosures (not verified)"))?;
        for d in &sd.disclosures {
            let what = match &d.name {
                Some(n) => format!("{}: {}", sanitize(n), sanitize(&d.value.to_string())),
                None => format!("array element: {}", sanitize(&d.value.to_string())),
            };
            let at = d.referenced_at.as_deref().unwrap_or("nowhere");
            out.line(&format!("  {what}"))?;
            out.line(&format!(
                "      at {}  digest {}  salt {}",
                sanitize(at),
                d.digest,
                sanitize(&d.salt)
            ))?;
        }
        out.line(&format!(
            "  {} digest(s) undisclosed (decoys included)",
            sd.undisclosed
        ))?;
        if let Some(c) = &sd.disclosed_claims {
            out.line(&head("Claims as disclosed"))?;
            out.line(&indent(&pretty(c)))?;
        }
        if let Some((h, c)) = &sd.kb_jwt {
            out.line(&head("KB-JWT (not verified)"))?;
            out.line(&indent(&pretty(h)))?;
            out.line(&indent(&pretty(c)))?;
        }
    }
    if !ins.chain.is_empty() {
        out.line(&head("Certificates (x5c, not verified)"))?;
        for (i, c) in ins.chain.iter().enumerate() {
            out.line(&format!("  [{i}] {}", sanitize(&c.subject)))?;
            out.line(&format!("      issuer    {}", sanitize(&c.issuer)))?;
            out.line(&format!(
                "      valid     {} to {}",
                format_timestamp(c.not_before),
                format_timestamp(c.not_after)
            ))?;
            out.line(&format!("      key       {}", c.key))?;
            out.line(&format!("      sha256    {}", c.fingerprint))?;
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
    // Times come from the token: any i64 (a float claim such as 1e300 saturates), so the
    // arithmetic is done in i128, where differences of i64 values and their products with
    // 100 cannot overflow.
    let (start, exp, now) = (i128::from(start), i128::from(exp), i128::from(ins.now));
    let span = exp.saturating_sub(start);
    let elapsed = now.saturating_sub(start).clamp(0, span);
    let pos = elapsed
        .saturating_mul(i128::from(WIDTH))
        .checked_div(span)
        .unwrap_or(0)
        .clamp(0, i128::from(WIDTH));
    let used: String = "━".repeat(usize::try_from(pos).unwrap_or(0));
    let left: String =
        "─".repeat(usize::try_from(i128::from(WIDTH).saturating_sub(pos)).unwrap_or(0));
    let state = if now >= exp {
        out.paint("expired", |t| t.red().bold())
    } else if now < start {
        out.paint("not yet started", |t| t.yellow())
    } else {
        let pct = elapsed.saturating_mul(100).checked_div(span).unwrap_or(0);
        out.paint(&format!("{pct}% of lifetime used"), |t| t.green())
    };
    Some(format!(
        "{start_name} {}●{} exp  ({state})",
        out.paint(&used, |t| t.green()),
        left
    ))
}

/// `inspect --key FILE [--key FILE2] [TOKEN]`: describe keys, pairs, and fit to a token.
fn inspect_keys(a: &InspectArgs, out: &Output) -> Result<()> {
    use jwtctl::inspect::describe_key;
    use serde_json::{Map, json};
    if a.key.len() > 2 {
        return Err(Error::usage("inspect takes at most two --key files"));
    }
    let mut keys = Vec::new();
    let mut described = Vec::new();
    for path in &a.key {
        let set = super::input::load_key(path, a.passphrase.as_ref(), out)?;
        for k in set.keys {
            let mut d = describe_key(&k);
            if let Value::Object(m) = &mut d {
                m.insert("file".into(), path.display().to_string().into());
            }
            described.push(d);
            keys.push(k);
        }
    }
    let mut report = Map::new();
    report.insert("keys".into(), Value::Array(described.clone()));
    if a.key.len() == 2 {
        let pair = match (keys.first(), keys.get(1)) {
            (Some(x), Some(y)) => {
                x.key_type() == y.key_type()
                    && x.thumbprint().ok().is_some()
                    && x.thumbprint().ok() == y.thumbprint().ok()
            }
            _ => false,
        };
        report.insert("pair".into(), pair.into());
    }
    if let Some(t) = &a.token {
        let text = read_token(Some(t))?;
        let ins = inspect(&text, system_now())?;
        let alg = ins
            .header
            .get("alg")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let kid = ins
            .header
            .get("kid")
            .and_then(Value::as_str)
            .map(str::to_string);
        let fits: Vec<Value> = keys
            .iter()
            .map(|k| {
                let alg_fits =
                    jwtctl::jwa::JwsAlg::from_header(&alg).is_some_and(|x| x.fits(k.key_type()));
                let kid_fits = match (&kid, &k.meta.kid) {
                    (Some(t), Some(m)) => Some(t == m),
                    _ => None,
                };
                json!({"alg": alg, "alg_fits": alg_fits, "kid": kid, "kid_matches": kid_fits})
            })
            .collect();
        report.insert("token".into(), Value::Array(fits));
    }
    if a.json {
        return out
            .json(&Value::Object(report))
            .map_err(|e| Error::io("<stdout>", e));
    }
    let io = |e| Error::io("<stdout>", e);
    for d in &described {
        let g = |k: &str| d.get(k).cloned().unwrap_or(Value::Null);
        let size = match (g("bits"), g("crv")) {
            (Value::Number(b), _) => format!("{b} bits"),
            (_, Value::String(c)) => c,
            _ => String::new(),
        };
        let visibility = if g("private") == Value::Bool(true) {
            "private"
        } else {
            "public"
        };
        let enc = if g("encrypted") == Value::Bool(true) {
            ", encrypted"
        } else {
            ""
        };
        out.line(&format!(
            "{}: {} {size} {visibility} key ({}{enc})",
            sanitize(g("file").as_str().unwrap_or("")),
            g("kty").as_str().unwrap_or(""),
            g("format").as_str().unwrap_or("")
        ))
        .map_err(io)?;
        if let Some(kid) = g("kid").as_str() {
            out.line(&format!("  kid         {}", sanitize(kid)))
                .map_err(io)?;
        }
        out.line(&format!(
            "  thumbprint  {}",
            g("thumbprint").as_str().unwrap_or("-")
        ))
        .map_err(io)?;
        let list = |v: Value| {
            v.as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default()
        };
        out.line(&format!("  JWS         {}", list(g("jws_algs"))))
            .map_err(io)?;
        out.line(&format!("  JWE         {}", list(g("jwe_algs"))))
            .map_err(io)?;
        for w in g("warnings").as_array().into_iter().flatten() {
            out.warn(&format!(
                "{} [{}]",
                w["message"].as_str().unwrap_or(""),
                w["code"].as_str().unwrap_or("")
            ));
        }
    }
    if let Some(Value::Bool(p)) = report.get("pair") {
        out.line(if *p {
            "the two keys form a pair (same public key)"
        } else {
            "the two keys do NOT form a pair"
        })
        .map_err(io)?;
    }
    if let Some(Value::Array(fits)) = report.get("token") {
        for f in fits {
            out.line(&format!(
                "token: alg {} {} the key; kid {}",
                sanitize(f["alg"].as_str().unwrap_or("")),
                if f["alg_fits"] == Value::Bool(true) {
                    "fits"
                } else {
                    "does NOT fit"
                },
                match f["kid_matches"].as_bool() {
                    Some(true) => "matches",
                    Some(false) => "does NOT match",
                    None => "not compared (missing on the token or the key)",
                }
            ))
            .map_err(io)?;
        }
    }
    Ok(())
}
