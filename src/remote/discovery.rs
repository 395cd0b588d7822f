//! Issuer discovery: OpenID Connect Discovery 1.0 (`/.well-known/openid-configuration`),
//! falling back to RFC 8414 (`/.well-known/oauth-authorization-server`). The document's
//! `issuer` must be the one asked for; its `jwks_uri` gives the keys.

use super::{Fetched, Fetcher, RemoteUrl, json_object};
use crate::error::{Error, Result};
use crate::jwa::JwsAlg;
use crate::sanitize::sanitize;

const OIDC: &str = "/.well-known/openid-configuration";
const OAUTH: &str = "/.well-known/oauth-authorization-server";

/// What an issuer's discovery document says about its keys.
#[derive(Debug, Clone)]
pub struct Discovered {
    /// The issuer, as given.
    pub issuer: String,
    /// Where its keys are.
    pub jwks_uri: RemoteUrl,
    /// The algorithms it signs ID tokens with (`id_token_signing_alg_values_supported`);
    /// names jwtctl does not know, and `none`, are left out.
    pub algs: Vec<JwsAlg>,
    /// The document's other endpoints by member name (`token_endpoint`,
    /// `authorization_endpoint`, `device_authorization_endpoint`, ...): the string members
    /// whose names end in `_endpoint`.
    pub endpoints: Vec<(String, String)>,
}

fn without_slash(s: &str) -> &str {
    s.strip_suffix('/').unwrap_or(s)
}

/// Reads a discovery document fetched from `url` for `issuer`, checking what [`discover`]
/// checks.
pub fn parse_document(body: &[u8], url: &RemoteUrl, issuer: &str) -> Result<Discovered> {
    let doc = json_object(body, url)?;
    let fail = |why: String| Error::fetch(url.to_string(), why);
    let Some(found) = doc.get("issuer").and_then(|v| v.as_str()) else {
        return Err(fail(
            "the discovery document has no \"issuer\" string".into(),
        ));
    };
    if without_slash(found) != without_slash(issuer) {
        return Err(fail(format!(
            "the discovery document is for issuer {:?}, not {:?}: refused (OpenID Connect Discovery 4.3)",
            sanitize(found),
            sanitize(issuer)
        )));
    }
    let Some(jwks) = doc.get("jwks_uri").and_then(|v| v.as_str()) else {
        return Err(fail(
            "the discovery document has no \"jwks_uri\" string".into(),
        ));
    };
    let jwks_uri = RemoteUrl::parse(jwks).map_err(|e| match e {
        Error::Fetch { url: u, cause, .. } => fail(format!("its jwks_uri {u} is refused: {cause}")),
        other => other,
    })?;
    let algs = doc
        .get("id_token_signing_alg_values_supported")
        .and_then(|v| v.as_array())
        .map(|list| {
            list.iter()
                .filter_map(|a| a.as_str())
                .filter_map(JwsAlg::from_header)
                .collect()
        })
        .unwrap_or_default();
    let endpoints = doc
        .iter()
        .filter(|(k, _)| k.ends_with("_endpoint"))
        .filter_map(|(k, v)| v.as_str().map(|u| (k.clone(), u.to_string())))
        .collect();
    Ok(Discovered {
        issuer: issuer.to_string(),
        jwks_uri,
        algs,
        endpoints,
    })
}

/// Statuses after which the next well-known location is tried.
fn absent(e: &Error) -> bool {
    matches!(
        e,
        Error::Fetch {
            status: Some(400 | 401 | 403 | 404 | 405 | 406 | 410),
            ..
        }
    )
}

/// Finds `issuer`'s keys: its OpenID Connect discovery document, else the RFC 8414 one (at
/// the RFC's location, and appended to the issuer as some servers publish it).
pub fn discover(issuer: &str, fetcher: &Fetcher) -> Result<Fetched<Discovered>> {
    let base = RemoteUrl::parse(issuer)?;
    if base.has_query() {
        return Err(Error::fetch(
            base.to_string(),
            "an issuer URL has no query string (OpenID Connect Discovery 3)",
        ));
    }
    let mut candidates = vec![base.appended(OIDC)?, base.inserted(OAUTH)?];
    let appended = base.appended(OAUTH)?;
    if !candidates.contains(&appended) {
        candidates.push(appended);
    }
    let offline = fetcher.options().mode == super::CacheMode::Offline;
    let parse = |url: &RemoteUrl| {
        let url = url.clone();
        move |body: &[u8]| parse_document(body, &url, issuer)
    };
    let mut tried = Vec::new();
    for url in &candidates {
        if offline && !fetcher.is_cached(url) {
            continue;
        }
        match fetcher.get(url, false, &parse(url)) {
            Ok(found) => return Ok(found),
            Err(e) if absent(&e) => tried.push(format!("{url} ({})", status_of(&e))),
            Err(e) => return Err(e),
        }
    }
    if offline {
        return Err(Error::fetch(
            base.to_string(),
            "no discovery document in the cache, and offline use forbids the network",
        ));
    }
    Err(Error::fetch(
        base.to_string(),
        format!("no discovery document: {}", tried.join(", ")),
    ))
}

fn status_of(e: &Error) -> String {
    match e {
        Error::Fetch {
            status: Some(s), ..
        } => format!("HTTP {s}"),
        _ => "failed".into(),
    }
}
