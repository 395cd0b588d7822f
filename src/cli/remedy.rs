//! The command line's words for what a user can do about an error: the library names a
//! [`Remedy`]; here it becomes the flag that provides it. Library messages name no flags.

use jwtctl::error::{Error, Rejection, Remedy};

/// The remedy in the command line's terms.
fn wording(r: Remedy) -> &'static str {
    match r {
        Remedy::GiveDetachedPayload => "if the payload is detached, give it with --payload FILE",
        Remedy::AskForPayload => "use --output payload for other payloads",
        Remedy::NameAudience => "use --aud, or --any-aud to accept any",
        Remedy::RaiseP2cLimit => "--max-p2c raises the limit",
        Remedy::RaisePlaintextLimit => "--max-plaintext raises the limit",
        Remedy::AllowRsa15 => "--allow-rsa1_5 accepts it",
        Remedy::AllowWeakKey => {
            "use a stronger key, or --allow-weak-key to accept it for legacy tokens"
        }
        Remedy::GivePassphrase => "give --passphrase SOURCE",
        Remedy::AskForPrivate => "add --private for a private set",
        Remedy::Force => "use --force to overwrite it",
        Remedy::TrustCa => {
            "if the server's certificate authority is a private one, give it with --cacert FILE"
        }
        Remedy::RaiseTimeout => "--timeout allows more time",
        _ => "",
    }
}

pub fn with(message: String, remedy: Option<Remedy>) -> String {
    match remedy.map(wording) {
        Some(w) if !w.is_empty() => format!("{message}; {w}"),
        _ => message,
    }
}

/// An error's line, its message and, when it has one, the remedy, for a command whose flags
/// `has` knows: a remedy that names a flag the command
/// lacks is left out (serve loads keys as sign does, but has no --allow-weak-key).
pub fn message_in(e: &Error, has: &dyn Fn(&str) -> bool) -> String {
    let remedy = e.remedy().filter(|r| {
        wording(*r)
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .filter(|w| w.starts_with("--") && w.len() > 2)
            .all(has)
    });
    with(e.to_string(), remedy)
}

/// A rejection's message with its remedy (for batch output and errors alike).
pub fn rejection(r: &Rejection) -> String {
    with(r.message.clone(), r.remedy)
}

/// The warning for a weak key accepted on purpose.
pub fn weak_key_accepted(weakness: &str) -> String {
    format!("{weakness} (accepted: --allow-weak-key)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remedies_name_their_flags() {
        let r = Rejection::malformed("x").with_remedy(Remedy::GiveDetachedPayload);
        assert!(rejection(&r).ends_with("--payload FILE"));
        let e = Error::PassphraseNeeded {
            what: "k.pem".into(),
        };
        assert_eq!(
            message_in(&e, &|_| true),
            "k.pem is encrypted; give --passphrase SOURCE"
        );
        assert_eq!(
            message_in(&e, &|f| f != "--passphrase"),
            "k.pem is encrypted"
        );
        assert_eq!(message_in(&Error::usage("plain"), &|_| true), "plain");
    }
}
