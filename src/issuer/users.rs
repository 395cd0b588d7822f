//! Users who can sign in, and which of their claims a client sees: OpenID Connect Core 5.4's
//! standard claims by scope (`profile`, `email`, `address`, `phone`); other claims always.

use serde_json::{Map, Value};

use crate::error::{Error, Result};

/// A user: the subject and its claims.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct User {
    /// `sub`.
    pub sub: String,
    /// Claims for the ID token and userinfo (filtered by scope).
    pub claims: Map<String, Value>,
}

/// Claims the issuer writes itself: a user's claims may not name them.
const RESERVED: &[&str] = &[
    "iss",
    "sub",
    "aud",
    "exp",
    "nbf",
    "iat",
    "jti",
    "auth_time",
    "nonce",
    "acr",
    "amr",
    "azp",
    "at_hash",
    "c_hash",
    "sid",
    "cnf",
    "scope",
    "client_id",
    "act",
    "typ",
];

/// The standard claims each scope releases (OpenID Connect Core 5.4).
const BY_SCOPE: &[(&str, &[&str])] = &[
    (
        "profile",
        &[
            "name",
            "family_name",
            "given_name",
            "middle_name",
            "nickname",
            "preferred_username",
            "profile",
            "picture",
            "website",
            "gender",
            "birthdate",
            "zoneinfo",
            "locale",
            "updated_at",
        ],
    ),
    ("email", &["email", "email_verified"]),
    ("address", &["address"]),
    ("phone", &["phone_number", "phone_number_verified"]),
];

/// Every claim name discovery lists as supported.
pub fn standard_claims() -> Vec<&'static str> {
    let mut v = vec![
        "sub",
        "iss",
        "aud",
        "exp",
        "iat",
        "auth_time",
        "nonce",
        "azp",
        "sid",
        "at_hash",
    ];
    for (_, names) in BY_SCOPE {
        v.extend(names.iter());
    }
    v
}

/// The scopes discovery lists.
pub const SCOPES: &[&str] = &[
    "openid",
    "profile",
    "email",
    "address",
    "phone",
    "offline_access",
];

/// Checks a user's claims: an object naming no claim the issuer writes itself.
pub fn check_claims(claims: &Map<String, Value>) -> Result<()> {
    if let Some(name) = claims.keys().find(|k| RESERVED.contains(&k.as_str())) {
        return Err(Error::usage(format!(
            "a user's claims cannot set {name:?}: the issuer writes it"
        )));
    }
    Ok(())
}

impl User {
    /// Parses `SUB` or `SUB:{claims JSON}` (the claims start at the first `:{`, so a `sub`
    /// may hold colons, as URNs do).
    pub fn parse(text: &str) -> Result<User> {
        let (sub, claims) = match text.find(":{") {
            Some(at) => (
                text.get(..at).unwrap_or_default(),
                Some(text.get(at.saturating_add(1)..).unwrap_or_default()),
            ),
            None => (text, None),
        };
        if sub.is_empty() {
            return Err(Error::usage("a user needs a non-empty sub"));
        }
        let claims = match claims {
            Some(json) => match crate::encoding::parse_object_strict(json.as_bytes()) {
                Ok(m) => m,
                Err(_) => {
                    return Err(Error::usage(format!(
                        "the claims of user {:?} are not a JSON object",
                        crate::sanitize::sanitize(sub)
                    )));
                }
            },
            None => Map::new(),
        };
        check_claims(&claims)?;
        Ok(User {
            sub: sub.to_string(),
            claims,
        })
    }

    /// A display name for the login page: `name`, else `preferred_username`, else none.
    pub fn display_name(&self) -> Option<&str> {
        ["name", "preferred_username"]
            .iter()
            .find_map(|k| self.claims.get(*k).and_then(Value::as_str))
    }
}

/// The claims of `claims` that `scopes` release.
pub fn by_scope(claims: &Map<String, Value>, scopes: &[&str]) -> Map<String, Value> {
    claims
        .iter()
        .filter(|(name, _)| {
            match BY_SCOPE
                .iter()
                .find(|(_, names)| names.contains(&name.as_str()))
            {
                Some((scope, _)) => scopes.contains(scope),
                None => true,
            }
        })
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn users_parse_with_and_without_claims() {
        let u =
            User::parse(r#"alice:{"email":"a@example.com","name":"Alice","team":"x"}"#).unwrap();
        assert_eq!(u.sub, "alice");
        assert_eq!(u.display_name(), Some("Alice"));
        assert_eq!(User::parse("urn:user:7").unwrap().sub, "urn:user:7");
        assert!(User::parse(r#"bob:{"sub":"x"}"#).is_err(), "reserved claim");
        assert!(User::parse("bob:{nope").is_err());
        assert!(User::parse(":{}").is_err());
        let by = by_scope(&u.claims, &["openid"]);
        assert_eq!(by.keys().collect::<Vec<_>>(), ["team"]);
        let by = by_scope(&u.claims, &["openid", "email"]);
        assert_eq!(by.len(), 2);
    }
}
