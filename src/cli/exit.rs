//! The exit codes: what each one means, written once for `--help` and the man pages, and the
//! one map from a run's outcome to its code.

/// How a run ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 0: success (for verify and decrypt: the token is valid).
    Success,
    /// 1: the token is not acceptable.
    Rejected,
    /// 2: usage error or unusable input other than the token.
    Usage,
}

impl Exit {
    pub const ALL: [Exit; 3] = [Exit::Success, Exit::Rejected, Exit::Usage];

    pub fn code(self) -> u8 {
        match self {
            Exit::Success => 0,
            Exit::Rejected => 1,
            Exit::Usage => 2,
        }
    }

    /// The one map from an error to its exit code: a token that was read and refused (or a
    /// batch with refused tokens) is 1, everything else 2.
    pub fn of(e: &jwtctl::Error) -> Exit {
        match e {
            jwtctl::Error::Rejected(_)
            | jwtctl::Error::SomeInvalid { .. }
            | jwtctl::Error::Denied(_) => Exit::Rejected,
            _ => Exit::Usage,
        }
    }

    /// The line(s) `--help` shows.
    fn summary(self) -> &'static str {
        match self {
            Exit::Success => "success (for verify: the token is valid)",
            Exit::Rejected => {
                "the token is not acceptable: malformed, bad signature, expired, not yet valid,\n     wrong iss/aud/sub/typ, missing claim, algorithm not allowed; for token: the server refused"
            }
            Exit::Usage => "usage error, unreadable or unusable key, unknown algorithm, I/O error",
        }
    }

    /// The paragraph the man pages show (roff-escaped).
    pub fn description(self) -> &'static str {
        match self {
            Exit::Success => "Success; for verify, the token is valid.",
            Exit::Rejected => {
                "The token is not acceptable: malformed, bad signature, expired, not yet valid, wrong iss/aud/sub/typ, missing claim, algorithm not allowed, revoked. With verify \\-\\-batch: at least one token is not valid. With token: the server refused (an OAuth error), the user denied, the device code expired, or the state or ID token did not match."
            }
            Exit::Usage => {
                "Usage error or unusable input other than the token: bad flags, unreadable or malformed key file, unknown algorithm, a key that does not fit the algorithm or is too weak."
            }
        }
    }
}

/// The "Exit status" block of `--help`.
pub fn help_text() -> String {
    let mut s = String::from("Exit status:");
    for e in Exit::ALL {
        s.push_str(&format!("\n  {}  {}", e.code(), e.summary()));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use jwtctl::error::Rejection;

    #[test]
    fn every_error_maps_to_its_code() {
        let rejected = jwtctl::Error::Rejected(Rejection::malformed("x"));
        assert_eq!(Exit::of(&rejected).code(), 1);
        let some = jwtctl::Error::SomeInvalid { bad: 1, total: 2 };
        assert_eq!(Exit::of(&some).code(), 1);
        for e in [
            jwtctl::Error::usage("x"),
            jwtctl::Error::key("x"),
            jwtctl::Error::io("f", std::io::Error::other("x")),
            jwtctl::Error::PassphraseNeeded { what: "k".into() },
        ] {
            assert_eq!(Exit::of(&e), Exit::Usage, "{e}");
        }
        let codes: Vec<u8> = Exit::ALL.iter().map(|e| e.code()).collect();
        assert_eq!(codes, [0, 1, 2]);
    }

    #[test]
    fn help_text_lists_every_code() {
        let h = help_text();
        for e in Exit::ALL {
            assert!(h.contains(&format!("\n  {}  ", e.code())), "{h}");
        }
    }
}
