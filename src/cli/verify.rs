//! `jwtctl verify`.

use std::path::Path;

use serde_json::{Map, Value, json};

use jwtctl::batch::{LineWork, Progress, ProgressHook};
use jwtctl::error::{Error, Result};
use jwtctl::jwt::ClaimRules;
use jwtctl::jwt::{Claims, Verified};
use jwtctl::keys::read_limited;
use jwtctl::remote::looks_like_url;
use jwtctl::report::{Outcome, Report};
use jwtctl::sd_jwt::SdRules;
use jwtctl::source::{Cursor, KeySource};
use jwtctl::time::{parse_duration, parse_time, system_now};
use jwtctl::verify::KeyRing;

use jwtctl::x5c::{DEFAULT_MAX_CHAIN, TrustPolicy, load_certs, load_crl};

use super::args::{ChainArgs, ClaimArgs, DpopVerifyArgs, OutputMode, SdVerifyArgs, VerifyArgs};
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

/// The anchors, CRLs and leaf rules of `--ca` and its companions.
fn trust_policy(c: &ChainArgs) -> Result<TrustPolicy> {
    let mut anchors = Vec::new();
    for p in &c.ca {
        let bytes = read_limited(p, MAX_SIDE_FILE)?;
        let what = p.display().to_string();
        anchors.extend(
            load_certs(&bytes, &what)?
                .into_iter()
                .map(std::sync::Arc::new),
        );
    }
    let mut crls = Vec::new();
    for p in &c.crl {
        let bytes = read_limited(p, MAX_SIDE_FILE)?;
        crls.push(load_crl(&bytes, &p.display().to_string())?);
    }
    Ok(TrustPolicy {
        anchors,
        crls,
        leaf_name: c.leaf_name.clone(),
        leaf_oids: c.leaf_oid.clone(),
        max_chain: c.max_chain.map_or(DEFAULT_MAX_CHAIN, usize::from),
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
        "--jwks URL, or --issuer URL",
    )?;
    if fetcher.is_some() && k.passphrase.is_some() {
        return Err(Error::usage(
            "--passphrase applies to key files; remote key sets hold public keys",
        ));
    }
    let keys = match (&fetcher, remote_jwks) {
        _ if !a.chain.ca.is_empty() => {
            if k.passphrase.is_some() {
                return Err(Error::usage(
                    "--passphrase applies to key files; with --ca the key is the token's certificate",
                ));
            }
            KeySource::chain(trust_policy(&a.chain)?, &algs, k.allow_weak_key)
        }
        (Some(f), Some(url)) => KeySource::jwks(url, f, &algs, k.allow_weak_key)?,
        (Some(f), None) => KeySource::issuers(&a.issuer, f, &algs, k.allow_weak_key)?,
        (None, _) => {
            let set = load_keys(
                k.key.as_deref(),
                k.secret.as_ref(),
                k.passphrase.as_ref(),
                a.jwks.as_deref().map(Path::new),
                "--key PATH, --secret SOURCE, --jwks PATH|URL, --issuer URL or --ca FILE",
                out,
            )?;
            KeySource::fixed(KeyRing::new(set, &algs, k.allow_weak_key)?)
        }
    };
    let warn_all = |keys: &KeySource<'_>| super::remote::print_warnings(keys, out);
    warn_all(&keys);
    let mut rules = rules(&a.claims)?;
    if rules.iss.is_empty() {
        // The token's iss picks the issuer, and it must be one of them.
        rules.iss = a.issuer.clone();
    }
    let need_claims = matches!(a.output, OutputMode::Claims | OutputMode::Full);
    let sd = sd_rules(&a.sd, &rules)?;
    if a.batch {
        let jobs = match a.jobs {
            Some(n) => usize::from(n),
            None => std::thread::available_parallelism().map_or(1, |n| n.get().min(256)),
        };
        keys.open_all()?;
        warn_all(&keys);
        let done = batch(&keys, &rules, &sd, a.output, jobs, out);
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
    let mut cursor = Cursor::new(&keys, false);
    if jwtctl::sd_jwt::looks_like(&token) {
        if detached.is_some() {
            return Err(Error::usage("--payload applies to JWS, not SD-JWT"));
        }
        if a.dpop.dpop.is_some() {
            return Err(Error::usage(
                "--dpop applies to access tokens; an SD-JWT's holder binding is its KB-JWT",
            ));
        }
        let result = cursor.verify_sd(&token, &rules, &sd, &mut report);
        warn_all(&keys);
        if a.explain {
            print_report(&report, out);
        }
        let v = result?;
        if a.output == OutputMode::Full {
            let j = json!({
                "header": Value::Object((*v.verified.header).clone()),
                "claims": v.verified.claims.clone().map(Value::Object).unwrap_or(Value::Null),
                "disclosed": jwtctl::sd_jwt::disclosed_json(&v.processed),
                "kb_jwt": v.kb.as_ref().map(|k| json!({"header": k.header, "claims": k.claims})),
            });
            return out.json(&j).map_err(|e| Error::io("<stdout>", e));
        }
        return print_verified(&v.verified, a.output, out);
    }
    let result = cursor.verify(
        &token,
        &rules,
        detached.as_deref(),
        need_claims || a.dpop.dpop.is_some(),
        Claims::All,
        &mut report,
    );
    let result = match (result, &a.dpop.dpop) {
        (Ok(v), Some(proof)) => {
            check_dpop(&v, &token, proof, &a.dpop, &rules, &mut report).map(|()| v)
        }
        (r, _) => r,
    };
    warn_all(&keys);
    if a.explain {
        print_report(&report, out);
    }
    print_verified(&result?, a.output, out)
}

/// `--dpop`: the proof sent with the token, then the token's binding to the proof's key.
fn check_dpop(
    v: &Verified,
    token: &str,
    proof: &str,
    a: &DpopVerifyArgs,
    rules: &ClaimRules,
    report: &mut Report,
) -> Result<()> {
    let proof = String::from_utf8(super::input::read_text_arg(Some(proof))?)
        .map_err(|_| Error::usage("--dpop: the proof is not text"))?;
    let max_age = match &a.dpop_max_age {
        Some(t) => parse_duration(t)?,
        None => 300,
    };
    let proof_rules = jwtctl::dpop::ProofRules {
        htm: a.htm.clone().unwrap_or_default(),
        htu: a.htu.clone().unwrap_or_default(),
        max_age,
        leeway: rules.leeway,
        nonce: a.dpop_nonce.clone(),
        access_token: Some(jwtctl::jws::normalize_input(token).to_string()),
        algs: Vec::new(),
        now: rules.now,
    };
    let p = jwtctl::dpop::check(proof.trim(), &proof_rules).map_err(|r| report.fail("dpop", r))?;
    report.add("dpop", Outcome::Pass, || {
        format!(
            "proof for {} {} by key {} (iat {})",
            proof_rules.htm,
            proof_rules.htu,
            p.jkt,
            jwtctl::time::format_timestamp(p.iat)
        )
    });
    let parsed;
    let claims = match &v.claims {
        Some(c) => c,
        None => {
            parsed = jwtctl::encoding::parse_object_strict(&v.payload).unwrap_or_default();
            &parsed
        }
    };
    jwtctl::dpop::check_binding(claims, &p).map_err(|r| report.fail("binding", r))?;
    report.add("binding", Outcome::Pass, || {
        "cnf.jkt is the proof key's thumbprint".to_string()
    });
    Ok(())
}

/// The SD-JWT rules of `--require-kb`, `--kb-aud`, `--nonce` and `--kb-max-age`.
fn sd_rules(a: &SdVerifyArgs, rules: &ClaimRules) -> Result<SdRules> {
    let max_age = match &a.kb_max_age {
        Some(t) => parse_duration(t)?,
        None => 300,
    };
    Ok(SdRules {
        require_kb: a.require_kb || a.kb_aud.is_some() || a.nonce.is_some(),
        kb: jwtctl::sd_jwt::kb::KbRules {
            aud: a.kb_aud.clone(),
            nonce: a.nonce.clone(),
            max_age,
            leeway: rules.leeway,
            now: rules.now,
        },
    })
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

/// `verify --batch`'s work on one line: verify with this worker's view of the keys, render.
struct VerifyLine<'k, 'f, 'r> {
    keys: Cursor<'k, 'f>,
    rules: &'r ClaimRules,
    sd: &'r SdRules,
    mode: OutputMode,
}

impl LineWork for VerifyLine<'_, '_, '_> {
    fn begin_block(&mut self) {
        self.keys.sync();
    }

    fn line(&mut self, out: &mut String, number: u64, text: &str) -> Result<bool> {
        batch_line(
            out,
            number,
            text,
            &mut self.keys,
            self.rules,
            self.sd,
            self.mode,
        )
    }
}

/// One token per line in, one JSON line per token out, in input order (the library's batch
/// engine); exit 1 if any is invalid.
fn batch(
    keys: &KeySource<'_>,
    rules: &ClaimRules,
    sd: &SdRules,
    mode: OutputMode,
    jobs: usize,
    out: &Output,
) -> Result<()> {
    let make = || VerifyLine {
        keys: Cursor::new(keys, true),
        rules,
        sd,
        mode,
    };
    let show = |p: Progress| {
        if p.done {
            Output::progress("\n");
        } else {
            Output::progress(&format!("\r{} tokens, {:.0}/s ", p.total, p.rate));
        }
    };
    let hook: Option<ProgressHook<'_>> = if out.err_tty { Some(&show) } else { None };
    let summary = jwtctl::batch::run(raw_stdin(), std::io::stdout(), jobs, &make, hook)?;
    if summary.bad == 0 {
        Ok(())
    } else {
        Err(Error::SomeInvalid {
            bad: summary.bad,
            total: summary.total,
        })
    }
}

/// Standard input without std's 8 KiB buffer in between: a block should be one read(2) of
/// the size asked for. Through the buffer, a 7 KiB request came back as 7 KiB and then the
/// buffer's 1 KiB remainder, so every other block was tiny and one worker sat idle (ES512
/// scaling 0.61). A pipe's short reads still end a block early, so a slow producer
/// (`tail -f`) gets its results as lines arrive.
fn raw_stdin() -> Box<dyn std::io::Read + Send> {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        if let Ok(fd) = std::io::stdin().as_fd().try_clone_to_owned() {
            return Box::new(std::fs::File::from(fd));
        }
    }
    Box::new(std::io::stdin())
}

/// Appends the JSON line for one token (without its newline) to `out`; true when it verified.
fn batch_line(
    out: &mut String,
    number: u64,
    text: &str,
    keys: &mut Cursor<'_, '_>,
    rules: &ClaimRules,
    sd: &SdRules,
    mode: OutputMode,
) -> Result<bool> {
    let need_claims = matches!(mode, OutputMode::Claims | OutputMode::Full);
    // Only full output prints the claims from the parsed map; the others print the payload as
    // signed (or nothing), so only the members the checks read are built.
    let keep = match mode {
        OutputMode::Full => Claims::All,
        OutputMode::Claims => Claims::ForOutput,
        OutputMode::Payload | OutputMode::None => Claims::Checked,
    };
    let (result, disclosed) = if jwtctl::sd_jwt::looks_like(text) {
        match keys.verify_sd(text, rules, sd, &mut Report::default()) {
            Ok(s) => {
                let d = jwtctl::sd_jwt::disclosed_json(&s.processed);
                (Ok(s.verified), Some(d))
            }
            Err(Error::Rejected(r)) => (Err(r), None),
            Err(e) => return Err(e),
        }
    } else {
        match keys.verify(text, rules, None, need_claims, keep, &mut Report::default()) {
            Ok(v) => (Ok(v), None),
            Err(Error::Rejected(r)) => (Err(r), None),
            Err(e) => return Err(e),
        }
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
                    if let Some(d) = disclosed {
                        obj.insert("disclosed".into(), d);
                    }
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
