//! The quick fix of a finding: an `ekslint:ignore` comment alone on the line above it, which
//! suppresses the finding on the next line.

use std::path::Path;

/// Text to insert at a 0-based line and UTF-16 column.
#[derive(Debug, PartialEq, Eq)]
pub struct Insertion {
    pub line: u32,
    pub character: u32,
    pub text: String,
}

/// The lines of a document that takes comments, split once for the findings of a request.
pub struct Commentable<'t> {
    /// Each line's text and line break.
    lines: Vec<(&'t str, &'t str)>,
}

impl<'t> Commentable<'t> {
    /// The document at `path` with `text`; `None` for JSON, which has no comments.
    pub fn of(path: &Path, text: &'t str) -> Option<Commentable<'t>> {
        let json = path.to_string_lossy().ends_with(".json") || text.trim_start().starts_with('{');
        (!json).then(|| Commentable {
            lines: crate::source::lines(text).collect(),
        })
    }

    /// The insertion that suppresses `rule` for a finding on the 0-based `line`: `,ID` added to
    /// an `ekslint:ignore` comment that is alone on the line above, else a new comment line
    /// above with the finding line's indentation. `None` for a line past the end, or a rule the
    /// comment above already names.
    pub fn ignore_comment(&self, line: u32, rule: &str) -> Option<Insertion> {
        let lines = &self.lines;
        let index = usize::try_from(line).ok()?;
        let (target, eol) = *lines.get(index)?;
        if let Some((above, _)) = index.checked_sub(1).and_then(|i| lines.get(i))
            && let Some(ids_end) = ignore_ids_end(above)
        {
            let ids = &above[..ids_end];
            let named = ids
                .rsplit("ekslint:ignore")
                .next()
                .unwrap_or("")
                .split([',', ' ', '\t'])
                .any(|id| id.eq_ignore_ascii_case(rule));
            return (!named).then(|| Insertion {
                line: line - 1,
                character: utf16_len(ids),
                text: format!(",{rule}"),
            });
        }
        let indent = &target[..target.len() - target.trim_start_matches([' ', '\t']).len()];
        let eol = if eol.is_empty() { "\n" } else { eol };
        Some(Insertion {
            line,
            character: 0,
            text: format!("{indent}# ekslint:ignore {rule}{eol}"),
        })
    }
}

/// For a line that is only an `ekslint:ignore` comment (not `ignore-file`), the byte offset
/// where its rule ids end (before ` -- reason`).
fn ignore_ids_end(line: &str) -> Option<usize> {
    let comment = line.trim_start();
    let body = comment
        .strip_prefix('#')
        .or_else(|| comment.strip_prefix("//"))?
        .trim_start();
    let rest = body.strip_prefix("ekslint:ignore")?;
    if !rest.starts_with([' ', '\t']) {
        return None;
    }
    let start = line.len() - rest.len();
    let ids = rest.split("--").next().unwrap_or(rest).trim_end();
    Some(start + ids.len())
}

fn utf16_len(s: &str) -> u32 {
    u32::try_from(s.encode_utf16().count()).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ignore_comment(path: &Path, text: &str, line: u32, rule: &str) -> Option<Insertion> {
        Commentable::of(path, text)?.ignore_comment(line, rule)
    }

    const TF: &str = "resource \"a\" \"b\" {\n  groups = [\"system:masters\"]\n}\n";

    #[test]
    fn new_comment_takes_the_indentation() {
        let fix = ignore_comment(Path::new("main.tf"), TF, 1, "EKS125");
        assert_eq!(
            fix,
            Some(Insertion {
                line: 1,
                character: 0,
                text: "  # ekslint:ignore EKS125\n".into()
            })
        );
        let crlf = TF.replace('\n', "\r\n");
        let fix = ignore_comment(Path::new("main.tf"), &crlf, 1, "EKS125");
        assert_eq!(
            fix.map(|f| f.text),
            Some("  # ekslint:ignore EKS125\r\n".into())
        );
        // A lone CR ends a line too, as editors count lines.
        let cr = TF.replace('\n', "\r");
        let fix = ignore_comment(Path::new("main.tf"), &cr, 1, "EKS125");
        assert_eq!(
            fix.map(|f| (f.line, f.text)),
            Some((1, "  # ekslint:ignore EKS125\r".into()))
        );
    }

    #[test]
    fn existing_comment_above_is_extended() {
        let text =
            "x {\n  # ëkś ekslint:ignore EKS101\n  # ekslint:ignore EKS101 -- known\n  a = 1\n}\n";
        let fix = ignore_comment(Path::new("m.tf"), text, 3, "EKS104");
        assert_eq!(
            fix,
            Some(Insertion {
                line: 2,
                character: 25,
                text: ",EKS104".into()
            })
        );
        assert_eq!(ignore_comment(Path::new("m.tf"), text, 3, "EKS101"), None);
        // A comment that is not an ignore comment of its own is left alone.
        let fix = ignore_comment(Path::new("m.tf"), text, 2, "EKS104");
        assert_eq!(fix.map(|f| (f.line, f.character)), Some((2, 0)));
    }

    #[test]
    fn json_has_no_comments() {
        assert_eq!(ignore_comment(Path::new("t.json"), "{}", 0, "EKS101"), None);
        assert_eq!(
            ignore_comment(Path::new("t.template"), " {\"a\": 1}", 0, "EKS101"),
            None
        );
        assert_eq!(ignore_comment(Path::new("m.tf"), TF, 9, "EKS101"), None);
    }
}
