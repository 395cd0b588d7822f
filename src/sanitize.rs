//! Escaping of untrusted text (claims, header values, key ids) before it reaches a terminal:
//! control characters, bidirectional overrides and zero-width characters could otherwise move
//! the cursor, recolour the screen or make one string look like another.

/// True for characters that change how surrounding text *looks* without being visible:
/// bidirectional controls and zero-width characters.
pub fn is_deceptive(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}' | '\u{FEFF}' | '\u{180E}'
    )
}

/// Returns `text` with control, bidirectional and zero-width characters escaped as `\u{..}`
/// (and `\n`, `\t`, `\r` as their usual escapes), safe to print on a terminal.
pub fn sanitize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || is_deceptive(c) => {
                out.push_str(&format!("\\u{{{:04x}}}", u32::from(c)))
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::sanitize;

    #[test]
    fn escapes_what_can_deceive() {
        assert_eq!(sanitize("admin\u{202e}nimda"), "admin\\u{202e}nimda");
        assert_eq!(sanitize("\u{1b}[31mred"), "\\u{001b}[31mred");
        assert_eq!(sanitize("a\u{200b}b\nc"), "a\\u{200b}b\\nc");
        assert_eq!(sanitize("plain ünïcode ✓"), "plain ünïcode ✓");
    }
}
