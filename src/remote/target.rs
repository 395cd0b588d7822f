//! Which URLs may be fetched: `https://` anywhere, `http://` only to a loopback host (a local
//! issuer), no credentials in the URL, no fragment.

use crate::error::{Error, Result};
use crate::sanitize::sanitize;
use http::Uri;

/// A URL that jwtctl may fetch, as the user wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteUrl {
    text: String,
    uri: Uri,
    loopback: bool,
}

/// Whether a `--jwks` value is a URL rather than a file path.
pub fn looks_like_url(text: &str) -> bool {
    let lower = text.get(..8).unwrap_or(text).to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

fn is_loopback_host(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    match host.parse::<std::net::IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => false,
    }
}

impl RemoteUrl {
    /// Checks `text` against the fetch policy.
    pub fn parse(text: &str) -> Result<RemoteUrl> {
        let shown = sanitize(text);
        let bad = |why: &str| Error::fetch(shown.clone(), why.to_string());
        if text.contains('#') {
            return Err(bad("a URL to fetch cannot carry a #fragment"));
        }
        let uri: Uri = text
            .parse()
            .map_err(|e| Error::fetch(shown.clone(), format!("not a valid URL: {e}")))?;
        let Some(authority) = uri.authority() else {
            return Err(bad("not an absolute URL (expected https://host/...)"));
        };
        if authority.as_str().contains('@') {
            return Err(bad("credentials in the URL are not supported"));
        }
        let host = authority.host();
        if host.is_empty() {
            return Err(bad("the URL has no host"));
        }
        let loopback = is_loopback_host(host);
        match uri.scheme_str().map(str::to_ascii_lowercase).as_deref() {
            Some("https") => {}
            Some("http") if loopback => {}
            Some("http") => {
                return Err(bad(
                    "plain http is refused for a host that is not loopback (127.0.0.0/8, [::1], localhost): keys must come over https",
                ));
            }
            _ => return Err(bad("only https:// URLs are fetched")),
        }
        Ok(RemoteUrl {
            text: text.to_string(),
            uri,
            loopback,
        })
    }

    /// The URL as given.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The parsed URL.
    pub fn uri(&self) -> &Uri {
        &self.uri
    }

    /// Whether the host is a loopback address (no proxy is used for it).
    pub fn is_loopback(&self) -> bool {
        self.loopback
    }

    /// Whether the URL has a query string (an issuer must not, OpenID Connect Discovery 4.1).
    pub fn has_query(&self) -> bool {
        self.uri.query().is_some()
    }

    /// `scheme://authority`.
    fn origin(&self) -> String {
        let scheme = self.uri.scheme_str().unwrap_or("https");
        let authority = self.uri.authority().map(|a| a.as_str()).unwrap_or_default();
        format!("{scheme}://{authority}")
    }

    /// The path without one trailing `/` ("" for the root).
    fn trimmed_path(&self) -> &str {
        let p = self.uri.path();
        p.strip_suffix('/').unwrap_or(p)
    }

    /// The URL with `suffix` appended to its path (OpenID Connect Discovery 4: the issuer,
    /// less one trailing `/`, then `/.well-known/openid-configuration`).
    pub fn appended(&self, suffix: &str) -> Result<RemoteUrl> {
        RemoteUrl::parse(&format!("{}{}{suffix}", self.origin(), self.trimmed_path()))
    }

    /// RFC 8414 3.1: the well-known segment goes between the host and the issuer's path.
    pub fn inserted(&self, well_known: &str) -> Result<RemoteUrl> {
        RemoteUrl::parse(&format!(
            "{}{well_known}{}",
            self.origin(),
            self.trimmed_path()
        ))
    }
}

impl std::fmt::Display for RemoteUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&sanitize(&self.text))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn policy() {
        assert!(RemoteUrl::parse("https://idp.example.com/jwks").is_ok());
        assert!(
            RemoteUrl::parse("http://127.0.0.1:8080/jwks")
                .unwrap()
                .is_loopback()
        );
        assert!(RemoteUrl::parse("http://127.9.9.9/jwks").is_ok());
        assert!(RemoteUrl::parse("http://[::1]:9/jwks").is_ok());
        assert!(RemoteUrl::parse("http://LOCALHOST/jwks").is_ok());
        for bad in [
            "http://idp.example.com/jwks",
            "http://128.0.0.1/jwks",
            "ftp://idp.example.com/jwks",
            "https://user:pw@idp.example.com/jwks",
            "https://idp.example.com/jwks#x",
            "/etc/passwd",
            "https://",
        ] {
            assert!(RemoteUrl::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn well_known_locations() {
        let root = RemoteUrl::parse("https://idp.example.com/").unwrap();
        assert_eq!(
            root.appended("/.well-known/openid-configuration")
                .unwrap()
                .as_str(),
            "https://idp.example.com/.well-known/openid-configuration"
        );
        let tenant = RemoteUrl::parse("https://idp.example.com/tenant/a").unwrap();
        assert_eq!(
            tenant
                .inserted("/.well-known/oauth-authorization-server")
                .unwrap()
                .as_str(),
            "https://idp.example.com/.well-known/oauth-authorization-server/tenant/a"
        );
        assert_eq!(
            tenant
                .appended("/.well-known/openid-configuration")
                .unwrap()
                .as_str(),
            "https://idp.example.com/tenant/a/.well-known/openid-configuration"
        );
    }
}
