//! What the parsers record for fixes that depends on the text around a value: the span that
//! removes a list item with one separator, a comment with its line, and where a line can be
//! inserted. Parsers call these with their format's list syntax; rules get only the spans.

use crate::source::{FileId, Span};

/// How the items of a list are separated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListSyntax {
    /// A YAML block sequence: each item on a line of its own after `- `.
    Dashes,
    /// Items between brackets separated by commas (HCL, JSON, YAML flow); `trailing_comma` says
    /// whether a comma may follow the last item.
    Commas { trailing_comma: bool },
}

/// For each item of a list (the byte ranges of the items, in order), the span that removes it
/// with one separator, keeping every other item, comment and line as written:
/// - an item alone on its line(s) (after its dash in YAML), with at most a comma and a comment
///   after it, goes with its whole lines;
/// - an item between others on one line goes with the comma after it (or before it, when last);
/// - where JSON would be left with a comma before the closing bracket, that comma goes too.
///
/// `None` for an item that cannot be removed so (a comment between it and its separator).
pub fn item_removals<'a>(
    file: FileId,
    text: &'a str,
    items: &'a [(usize, usize)],
    syntax: ListSyntax,
) -> impl Iterator<Item = Option<Span>> + 'a {
    (0..items.len()).map(move |i| item_removal(file, text, items, i, syntax))
}

/// The span that removes item `i` of a list, as [`item_removals`] gives it.
pub fn item_removal(
    file: FileId,
    text: &str,
    items: &[(usize, usize)],
    i: usize,
    syntax: ListSyntax,
) -> Option<Span> {
    removal(text, items, i, syntax).map(|(s, e)| Span::new(file, s, e))
}

fn removal(
    text: &str,
    items: &[(usize, usize)],
    i: usize,
    syntax: ListSyntax,
) -> Option<(usize, usize)> {
    let (start, end) = items[i];
    if start > end || end > text.len() {
        return None;
    }
    match syntax {
        ListSyntax::Dashes => {
            let dash = text[..start]
                .trim_end_matches([' ', '\t'])
                .strip_suffix('-')?;
            let line = blank_before(text, dash.len())?;
            let after = rest_of_line(text, end, false)?;
            Some(whole_lines(text, line, after))
        }
        ListSyntax::Commas { trailing_comma } => {
            let prev_end = i.checked_sub(1).map(|p| items[p].1);
            let next_start = items.get(i + 1).map(|n| n.0);
            let comma_after = text[end..].trim_start_matches([' ', '\t']).starts_with(',');
            // JSON: the last item goes with the comma before it.
            if !trailing_comma
                && next_start.is_none()
                && !comma_after
                && let Some(prev) = prev_end
            {
                let between = &text[prev..start];
                let comma = prev + between.find(',')?;
                return between
                    .trim()
                    .trim_start_matches(',')
                    .trim()
                    .is_empty()
                    .then_some((comma, end));
            }
            if let Some(line) = blank_before(text, start)
                && let Some(after) = rest_of_line(text, end, true)
            {
                return Some(whole_lines(text, line, after));
            }
            let separator = |a: usize, b: usize| {
                let s = &text[a..b];
                s.trim_matches([' ', '\t']) == ","
            };
            match (prev_end, next_start) {
                (_, Some(next)) if separator(end, next) => Some((start, next)),
                (Some(prev), None) if separator(prev, start) => Some((prev, end)),
                (None, None) => {
                    let rest = &text[end..];
                    let spaces = rest.len() - rest.trim_start_matches([' ', '\t']).len();
                    let comma = rest[spaces..].starts_with(',');
                    Some((start, if comma { end + spaces + 1 } else { end }))
                }
                _ => None,
            }
        }
    }
}

/// The start of the line that holds `offset`.
pub fn line_start(text: &str, offset: usize) -> usize {
    memchr::memrchr2(b'\n', b'\r', &text.as_bytes()[..offset]).map_or(0, |i| i + 1)
}

/// The start of the line that holds `offset`, when only spaces and tabs are before `offset` on
/// it. Only those are read: the items of a long line are not each read back to its start.
fn blank_before(text: &str, offset: usize) -> Option<usize> {
    let before = text[..offset].trim_end_matches([' ', '\t']);
    (before.is_empty() || before.ends_with(['\n', '\r'])).then_some(before.len())
}

/// The offset of the first line break (`\n` or `\r`) in `text`.
fn line_break(text: &str) -> Option<usize> {
    memchr::memchr2(b'\n', b'\r', text.as_bytes())
}

/// After a value that ends at `end`: the offset past the line break that ends its line, when
/// only spaces, a comma (`comma`) and a comment follow it there; the text's length when the
/// text ends on that line.
fn rest_of_line(text: &str, end: usize, comma: bool) -> Option<usize> {
    let rest = &text[end..];
    let mut s = rest.trim_start_matches([' ', '\t']);
    if comma && let Some(after) = s.strip_prefix(',') {
        s = after.trim_start_matches([' ', '\t']);
    }
    let body_end = if s.starts_with('#') || s.starts_with("//") {
        line_break(s).unwrap_or(s.len())
    } else {
        0
    };
    let s = &s[body_end..];
    let at = end + (rest.len() - s.len());
    if s.is_empty() {
        Some(at)
    } else if s.starts_with("\r\n") {
        Some(at + 2)
    } else if s.starts_with(['\n', '\r']) {
        Some(at + 1)
    } else {
        None
    }
}

/// Whole lines from `start` (a line start) to `end` (past a line break, or the end of the
/// text: then the line break before `start` goes instead, so that no empty line is left).
fn whole_lines(text: &str, start: usize, end: usize) -> (usize, usize) {
    let ends_with_break = end > start && text[..end].ends_with(['\n', '\r']);
    if ends_with_break || start == 0 {
        return (start, end);
    }
    let before = &text[..start];
    let brk = if before.ends_with("\r\n") { 2 } else { 1 };
    (start.saturating_sub(brk), end)
}

/// The span that removes a comment from `start` to `end` (the end of its line): its whole line
/// when nothing else is on it, else the comment and the spaces before it.
pub fn comment_removal(file: FileId, text: &str, start: usize, end: usize) -> Span {
    let line = line_start(text, start);
    let (s, e) = if text[line..start].trim_matches([' ', '\t']).is_empty() {
        let after = rest_of_line(text, end, false).unwrap_or(end);
        whole_lines(text, line, after)
    } else {
        let before = text[line..start].trim_end_matches([' ', '\t']).len();
        (line + before, end)
    };
    Span::new(file, s, e)
}

/// Where a line can be inserted above the line that holds `offset`: that line's start, its
/// indentation and its line break (`\n` when it has none).
pub fn line_above(text: &str, offset: usize) -> (usize, &str, &str) {
    let start = line_start(text, offset);
    let line = &text[start..];
    let indent_len = line.len() - line.trim_start_matches([' ', '\t']).len();
    let brk_at = line_break(line);
    let brk = match brk_at {
        Some(i) if line[i..].starts_with("\r\n") => "\r\n",
        Some(i) => &line[i..i + 1],
        None => "\n",
    };
    (start, &line[..indent_len], brk)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text with each item removed in turn.
    fn removed(text: &str, items: &[&str], syntax: ListSyntax) -> Vec<Option<String>> {
        let mut at = 0;
        let ranges: Vec<(usize, usize)> = items
            .iter()
            .map(|item| {
                let s = at + text[at..].find(item).unwrap();
                at = s + item.len();
                (s, at)
            })
            .collect();
        item_removals(FileId(0), text, &ranges, syntax)
            .map(|r| r.map(|r| format!("{}{}", &text[..r.start as usize], &text[r.end as usize..])))
            .collect()
    }

    const HCL: ListSyntax = ListSyntax::Commas {
        trailing_comma: true,
    };
    const JSON: ListSyntax = ListSyntax::Commas {
        trailing_comma: false,
    };

    #[test]
    fn inline_items_go_with_one_comma() {
        let text = "g = [\"a\", \"b\", \"a\"]";
        assert_eq!(
            removed(text, &["\"a\"", "\"b\"", "\"a\""], HCL),
            [
                Some("g = [\"b\", \"a\"]".into()),
                Some("g = [\"a\", \"a\"]".into()),
                Some("g = [\"a\", \"b\"]".into()),
            ]
        );
        assert_eq!(removed("[\"a\"]", &["\"a\""], JSON), [Some("[]".into())]);
        assert_eq!(
            removed("[a, b, a]", &["a", "b", "a"], HCL)[2],
            Some("[a, b]".into())
        );
    }

    #[test]
    fn items_alone_on_their_line_go_with_it_and_keep_comments() {
        let text = "g = [\n  \"a\", # first\n  # about b\n  \"b\",\n  \"a\" # dup\n]\n";
        let out = removed(text, &["\"a\"", "\"b\"", "\"a\""], HCL);
        assert_eq!(
            out[2].as_deref(),
            Some("g = [\n  \"a\", # first\n  # about b\n  \"b\",\n]\n")
        );
        assert_eq!(
            out[0].as_deref(),
            Some("g = [\n  # about b\n  \"b\",\n  \"a\" # dup\n]\n")
        );
        let crlf = "[\r\n  \"a\",\r\n  \"a\"\r\n]";
        assert_eq!(
            removed(crlf, &["\"a\"", "\"a\""], JSON)[1].as_deref(),
            Some("[\r\n  \"a\"\r\n]")
        );
        assert_eq!(
            removed(crlf, &["\"a\"", "\"a\""], JSON)[0].as_deref(),
            Some("[\r\n  \"a\"\r\n]")
        );
    }

    #[test]
    fn yaml_block_items_go_with_their_dash_line() {
        let text = "groups:\n  - a\n  - b   # keep b\n  - a # dup\nnext: 1\n";
        let out = removed(text, &["a", "b", "a"], ListSyntax::Dashes);
        assert_eq!(
            out[2].as_deref(),
            Some("groups:\n  - a\n  - b   # keep b\nnext: 1\n")
        );
        let eof = "groups:\r\n- a\r\n- a";
        assert_eq!(
            removed(eof, &["a", "a"], ListSyntax::Dashes)[1].as_deref(),
            Some("groups:\r\n- a")
        );
        assert_eq!(removed("- - a\n", &["a"], ListSyntax::Dashes), [None]);
    }

    #[test]
    fn comments_and_insertion_points() {
        let text = "a = 1\n  # ekslint:ignore X\nb = 2 # ekslint:ignore Y\n";
        let c = text.find("# ekslint:ignore X").unwrap();
        let r = comment_removal(FileId(0), text, c, c + 18);
        assert_eq!(&text[r.range()], "  # ekslint:ignore X\n");
        let c = text.find("# ekslint:ignore Y").unwrap();
        let r = comment_removal(FileId(0), text, c, c + 18);
        assert_eq!(&text[r.range()], " # ekslint:ignore Y");
        let (at, indent, brk) = line_above("x {\r\n    y = 1\r\n}", 10);
        assert_eq!((at, indent, brk), (5, "    ", "\r\n"));
    }
}
