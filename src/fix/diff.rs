//! `--diff`: the changes fixes would make, as a unified diff (the `similar` crate's).

use crate::report::escape::escaped;
use similar::TextDiff;

/// Lines of context around each change, as `diff -u` and `git diff` show.
const CONTEXT: usize = 3;

/// The unified diff of one file from `old` to `new`, with the headers `a/<path>` and
/// `b/<path>`; empty when they are the same. Control characters taken from the file (other than
/// tabs and line breaks) are written visibly, as in every other output, so a diff of an
/// untrusted file cannot drive the terminal.
pub fn unified(path: &str, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    let path = visible_line(path);
    let diff = TextDiff::from_lines(old, new);
    let text = diff
        .unified_diff()
        .context_radius(CONTEXT)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string();
    visible_line(&text)
}

/// `text` with control characters other than tabs and line breaks (LF, CRLF) escaped.
fn visible_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\t' | '\n' => out.push(c),
            '\r' if chars.peek() == Some(&'\n') => out.push(c),
            c => match escaped(c) {
                Some(e) => out.push_str(&e),
                None => out.push(c),
            },
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unified_diff_with_headers_context_and_no_final_newline() {
        let old = "a\nb\nc\nd\ne\nf\ng\nh\ntype = \"EC2_Linux\"";
        let new = "a\nb\nc\nd\ne\nf\ng\nh\ntype = \"EC2_LINUX\"";
        assert_eq!(
            unified("m.tf", old, new),
            "--- a/m.tf\n+++ b/m.tf\n@@ -6,4 +6,4 @@\n f\n g\n h\n-type = \"EC2_Linux\"\n\\ No newline at end of file\n+type = \"EC2_LINUX\"\n\\ No newline at end of file\n"
        );
        assert_eq!(unified("m.tf", old, old), "");
        assert_eq!(
            unified("m\u{1b}.tf", "x\u{1b}[2J\n", "y\n"),
            "--- a/m\\x1b.tf\n+++ b/m\\x1b.tf\n@@ -1 +1 @@\n-x\\x1b[2J\n+y\n"
        );
    }
}
