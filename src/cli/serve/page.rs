//! The HTML `serve` shows a person: the login page and the pages for errors that must not be
//! redirected. Server-rendered, no JavaScript, nothing loaded from elsewhere; every value is
//! escaped, since a client id, a scope or a user's claims are untrusted text.

use jwtctl::issuer::LoginPage;

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "\
:root{color-scheme:light dark;--fg:#1d2330;--muted:#5b6475;--line:#d8dce5;--card:#fff;--bg:#f3f5f9;--accent:#2956d6;--bad:#b42318}
@media (prefers-color-scheme:dark){:root{--fg:#e6e9ef;--muted:#9aa3b5;--line:#353b48;--card:#1c2029;--bg:#12151b;--accent:#7d9cff;--bad:#ff8a80}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.45 system-ui,-apple-system,\"Segoe UI\",sans-serif}
main{max-width:30rem;margin:3rem auto;padding:1.5rem 1.75rem;background:var(--card);border:1px solid var(--line);border-radius:12px}
h1{font-size:1.35rem;margin:0 0 .25rem}
p{margin:.4rem 0}
.muted{color:var(--muted);font-size:.9rem}
code{font:.85rem ui-monospace,SFMono-Regular,Menlo,monospace;background:var(--bg);border:1px solid var(--line);border-radius:4px;padding:0 .3rem}
.error{color:var(--bad);border:1px solid var(--bad);border-radius:8px;padding:.5rem .75rem}
form{margin:1rem 0 0}
.user{display:flex;justify-content:space-between;align-items:baseline;width:100%;margin:.35rem 0;padding:.6rem .8rem;font:inherit;color:var(--fg);background:var(--bg);border:1px solid var(--line);border-radius:8px;cursor:pointer;text-align:left}
.user:hover,.user:focus{border-color:var(--accent);outline:none}
.user .sub{color:var(--muted);font:.85rem ui-monospace,SFMono-Regular,Menlo,monospace}
fieldset{border:1px solid var(--line);border-radius:8px;margin:1rem 0 0;padding:.5rem .8rem .8rem}
legend{color:var(--muted);font-size:.9rem;padding:0 .3rem}
label{display:block;margin:.5rem 0 .2rem;font-size:.9rem}
input,textarea{width:100%;padding:.45rem .55rem;font:.9rem ui-monospace,SFMono-Regular,Menlo,monospace;color:var(--fg);background:var(--bg);border:1px solid var(--line);border-radius:6px}
.primary{margin-top:.7rem;padding:.5rem 1rem;font:inherit;color:#fff;background:var(--accent);border:0;border-radius:8px;cursor:pointer}
.deny{padding:.45rem 1rem;font:inherit;color:var(--bad);background:transparent;border:1px solid var(--line);border-radius:8px;cursor:pointer}
footer{margin-top:1.25rem;color:var(--muted);font-size:.8rem}
";

fn document(title: &str, body: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<meta name=\"referrer\" content=\"no-referrer\">\
<title>{} · jwtctl</title><style>{STYLE}</style></head>\n<body><main>\n{body}\n\
<footer>jwtctl serve: a mock identity provider for development and tests, not for production.</footer>\n\
</main></body></html>\n",
        escape(title)
    )
}

fn hidden(page: &LoginPage) -> String {
    format!(
        "<input type=\"hidden\" name=\"ticket\" value=\"{}\"><input type=\"hidden\" name=\"csrf\" value=\"{}\">",
        escape(&page.ticket),
        escape(&page.csrf)
    )
}

/// The login page. Three forms, so that Enter in the `sub` field signs in that `sub` rather
/// than the first user's button.
pub fn login(page: &LoginPage, action: &str) -> String {
    let mut body = String::new();
    body.push_str("<h1>Sign in</h1>\n");
    body.push_str(&format!(
        "<p><strong>{}</strong> asks to sign you in at <code>{}</code>.</p>\n",
        escape(&page.client_id),
        escape(&page.issuer)
    ));
    if page.scopes.is_empty() {
        body.push_str("<p class=\"muted\">No scopes asked.</p>\n");
    } else {
        let scopes: Vec<String> = page
            .scopes
            .iter()
            .map(|s| format!("<code>{}</code>", escape(s)))
            .collect();
        body.push_str(&format!(
            "<p class=\"muted\">Scopes: {}</p>\n",
            scopes.join(" ")
        ));
    }
    if let Some(e) = &page.error {
        body.push_str(&format!(
            "<p class=\"error\" role=\"alert\">{}</p>\n",
            escape(e)
        ));
    }
    let action = escape(action);
    if !page.users.is_empty() {
        body.push_str(&format!(
            "<form method=\"post\" action=\"{action}\" aria-label=\"Users\">{}\n",
            hidden(page)
        ));
        for (sub, name) in &page.users {
            // The name when there is one, with the sub beside it; else the sub alone.
            let (label, aside) = match name {
                Some(n) => (n.as_str(), sub.as_str()),
                None => (sub.as_str(), ""),
            };
            body.push_str(&format!(
                "<button class=\"user\" type=\"submit\" name=\"user\" value=\"{}\"><span>{}</span><span class=\"sub\">{}</span></button>\n",
                escape(sub),
                escape(label),
                escape(aside)
            ));
        }
        body.push_str("</form>\n");
    }
    body.push_str(&format!(
        "<form method=\"post\" action=\"{action}\">{}<fieldset><legend>{}</legend>\n\
<label for=\"sub\">sub</label><input id=\"sub\" name=\"sub\" required autocomplete=\"off\" spellcheck=\"false\" value=\"{}\">\n\
<label for=\"claims\">Claims <span class=\"muted\">(a JSON object, optional)</span></label>\
<textarea id=\"claims\" name=\"claims\" rows=\"3\" spellcheck=\"false\" placeholder=\"{}\"></textarea>\n\
<button class=\"primary\" type=\"submit\" name=\"action\" value=\"sign_in\">Sign in</button></fieldset></form>\n",
        hidden(page),
        if page.users.is_empty() { "Any user" } else { "Another user" },
        escape(page.login_hint.as_deref().unwrap_or_default()),
        escape("{\"email\": \"dev@example.com\"}")
    ));
    body.push_str(&format!(
        "<form method=\"post\" action=\"{action}\">{}<p><button class=\"deny\" type=\"submit\" name=\"action\" value=\"deny\">Deny</button></p></form>",
        hidden(page)
    ));
    document("Sign in", &body)
}

/// The device flow's verification page: the user code, then the login page.
pub fn device(code: &str, action: &str) -> String {
    document(
        "Connect a device",
        &format!(
            "<h1>Connect a device</h1>\n<p>Enter the code your device shows.</p>\n\
<form method=\"post\" action=\"{}\"><label for=\"user_code\">Code</label>\
<input id=\"user_code\" name=\"user_code\" required autocomplete=\"off\" spellcheck=\"false\" \
autocapitalize=\"characters\" value=\"{}\">\n<button class=\"primary\" type=\"submit\">Continue</button></form>",
            escape(action),
            escape(code)
        ),
    )
}

/// A page with a heading and a message.
pub fn message(title: &str, message: &str) -> String {
    document(
        title,
        &format!("<h1>{}</h1>\n<p>{}</p>", escape(title), escape(message)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn everything_shown_is_escaped() {
        let page = LoginPage {
            ticket: "t".into(),
            csrf: "c".into(),
            issuer: "http://127.0.0.1:1".into(),
            client_id: "<script>x</script>".into(),
            scopes: vec!["a\"b".into()],
            users: vec![("u'1".into(), Some("<b>Eve</b>".into()))],
            login_hint: Some("\"><img src=x>".into()),
            error: Some("<i>".into()),
        };
        let html = login(&page, "/login");
        for raw in ["<script>", "<b>Eve", "\"><img", "<i>", "a\"b", "u'1"] {
            assert!(!html.contains(raw), "{raw} escaped");
        }
        assert!(html.contains("&lt;script&gt;"));
        assert!(!html.contains("<script"), "no JavaScript at all");
        for loads in ["<img", "<link", "<iframe", " href=", " src=\""] {
            assert!(
                !html.contains(loads),
                "nothing loaded from elsewhere: {loads}"
            );
        }
    }
}
