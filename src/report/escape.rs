//! Text from the linted files (paths, values in messages, source lines) made safe for a
//! terminal or a CI log: control characters (ESC, CR, LF, other C0 and C1), bidirectional
//! overrides and invisible separators are written out visibly (`\x1b`, `\u{202e}`), so no input
//! can move the cursor, set a window title, reorder what a reviewer reads, or start a line of
//! its own (such as a GitHub workflow command).

use std::borrow::Cow;

/// How a character is shown, when it is not shown as itself.
pub fn escaped(c: char) -> Option<String> {
    match c {
        '\t' => None,
        '\n' => Some("\\n".into()),
        '\r' => Some("\\r".into()),
        '\0'..='\x1f' | '\x7f' => Some(format!("\\x{:02x}", c as u32)),
        _ if c.is_control() || is_invisible(c) => Some(format!("\\u{{{:x}}}", c as u32)),
        _ => None,
    }
}

/// Characters that change how text around them is displayed without being seen themselves:
/// bidirectional marks, embeddings, overrides and isolates, line and paragraph separators, and
/// the byte order mark.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{061c}'
            | '\u{200b}'..='\u{200f}'
            | '\u{2028}'..='\u{202e}'
            | '\u{2060}'..='\u{2069}'
            | '\u{feff}'
    )
}

/// `text` with every character that [`escaped`] names written out visibly.
pub fn visible(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| escaped(c).is_some()) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match escaped(c) {
            Some(e) => out.push_str(&e),
            None => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_and_bidi_characters_are_shown_visibly() {
        assert_eq!(
            visible("a\u{1b}]0;title\u{7}\r\n::error::x\u{9b}\u{202e}\tü"),
            "a\\x1b]0;title\\x07\\r\\n::error::x\\u{9b}\\u{202e}\tü"
        );
        assert!(matches!(visible("plain ü 😀"), Cow::Borrowed(_)));
    }
}
