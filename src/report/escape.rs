//! Text from the linted files (paths, values in messages, source lines) made safe for a
//! terminal or a CI log: control characters (ESC, CR, LF, other C0 and C1), bidirectional
//! overrides and invisible separators are written out visibly (`\x1b`, `\u{202e}`), so no input
//! can move the cursor, set a window title, reorder what a reviewer reads, or start a line of
//! its own (such as a GitHub workflow command).

use std::borrow::Cow;

/// How a character is shown, when it is not shown as itself.
pub fn escaped(c: char) -> Option<String> {
    if c.is_ascii() && is_shown(c as u8) {
        return None;
    }
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

/// Whether an ASCII byte is shown as itself: printable, or a tab.
fn is_shown(b: u8) -> bool {
    matches!(b, b' '..=b'~' | b'\t')
}

/// Whether every character of `text` is shown as itself (see [`escaped`]).
pub fn shown_as_is(text: &str) -> bool {
    all_shown(text.as_bytes()) || !text.chars().any(|c| escaped(c).is_some())
}

/// Whether every byte is ASCII shown as itself, checked a block at a time without stopping
/// inside a block (so that the check is vectorised).
fn all_shown(bytes: &[u8]) -> bool {
    bytes
        .chunks(32)
        .all(|block| block.iter().fold(true, |ok, &b| ok & is_shown(b)))
}

/// `text` with every character that [`escaped`] names written out visibly.
pub fn visible(text: &str) -> Cow<'_, str> {
    if shown_as_is(text) {
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
        assert!(matches!(visible("plain\tascii ~"), Cow::Borrowed(_)));
    }

    #[test]
    fn every_ascii_character_but_tab_and_the_printable_ones_is_escaped() {
        for b in 0u8..=0x7f {
            let c = char::from(b);
            let printable = (b' '..=b'~').contains(&b) || b == b'\t';
            assert_eq!(escaped(c).is_none(), printable, "{b:#x}");
            assert_eq!(shown_as_is(&format!("a{c}b")), printable, "{b:#x}");
        }
    }
}
