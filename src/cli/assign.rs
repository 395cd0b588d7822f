//! Command-line assignment syntax, as httpie has it: `name=value` gives a string and
//! `name:=json` raw JSON. Used by `--claim` and `--header`.

use serde_json::{Map, Value};

use jwtctl::error::{Error, Result};

/// Parses `name=value` (a string) or `name:=json` (raw JSON), as httpie does.
pub fn parse_assignment(text: &str) -> Result<(String, Value)> {
    let eq = text
        .find('=')
        .ok_or_else(|| Error::usage(format!("expected NAME=VALUE or NAME:=JSON, got {text:?}")))?;
    let (name, rest) = text.split_at(eq);
    let value = rest.get(1..).unwrap_or("");
    let (name, value) = match name.strip_suffix(':') {
        Some(n) => {
            let v = serde_json::from_str(value).map_err(|e| {
                Error::usage(format!("{n}:= needs JSON, but {value:?} is not: {e}"))
            })?;
            (n, v)
        }
        None => (name, Value::String(value.to_string())),
    };
    if name.is_empty() {
        return Err(Error::usage(format!("missing name in {text:?}")));
    }
    Ok((name.to_string(), value))
}

/// Adds the protected-header members users set with flags: `typ`, `kid`, `cty`, then
/// `--header NAME=VALUE | NAME:=JSON` assignments, refusing the names in `reserved` (those the
/// tool sets itself). Shared by `sign` and `encrypt`.
pub fn add_header_members(
    header: &mut Map<String, Value>,
    typ: Option<&str>,
    kid: Option<&str>,
    cty: Option<&str>,
    assignments: &[String],
    reserved: &[&str],
) -> Result<()> {
    for (name, value) in [("typ", typ), ("kid", kid), ("cty", cty)] {
        if let Some(v) = value {
            header.insert(name.into(), v.into());
        }
    }
    for a in assignments {
        let (name, value) = parse_assignment(a)?;
        if reserved.contains(&name.as_str()) {
            return Err(Error::usage(format!(
                "--header cannot set {name:?}: jwtctl sets it"
            )));
        }
        header.insert(name, value);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    #[test]
    fn assignments() {
        assert_eq!(parse_assignment("x=1").ok(), Some(("x".into(), json!("1"))));
        assert_eq!(parse_assignment("x:=1").ok(), Some(("x".into(), json!(1))));
        assert_eq!(
            parse_assignment("r:=[\"a\"]").ok(),
            Some(("r".into(), json!(["a"])))
        );
        assert_eq!(
            parse_assignment("u=a=b").ok(),
            Some(("u".into(), json!("a=b")))
        );
        assert!(parse_assignment("x:=nope").is_err());
        assert!(parse_assignment("novalue").is_err());
    }
}
