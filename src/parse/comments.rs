//! `ekslint:ignore` comments, shared by the formats that have comments.
//!
//! Comments are found by scanning lines for `#` or `//` followed by `ekslint:ignore`; a marker
//! inside a string literal would also be taken, which real templates do not write.

use crate::ir::Suppression;
use crate::parse::edits::comment_removal;
use crate::source::{FileId, Span};

/// Reads the `ekslint:ignore` comments of a file. `scopes` are the spans of resources: a comment
/// alone on the line above one covers the whole resource; otherwise a comment alone on its line
/// covers the next line, and a comment after code covers its own line.
pub fn suppressions(file: FileId, text: &str, scopes: &[Span]) -> Vec<Suppression> {
    let mut out = Vec::new();
    // Most files have none: one search of the whole text (SIMD), not one per line.
    if memchr::memmem::find(text.as_bytes(), MARKER.as_bytes()).is_none() {
        return out;
    }
    let lines: Vec<(usize, &str)> = text
        .split_inclusive('\n')
        .scan(0, |offset, line| {
            let start = *offset;
            *offset += line.len();
            Some((start, line.trim_end_matches(['\n', '\r'])))
        })
        .collect();
    for (index, &(start, line)) in lines.iter().enumerate() {
        let Some((at, marker)) = find_marker(line) else {
            continue;
        };
        let (file_wide, rest) = match marker.strip_prefix("ekslint:ignore-file") {
            Some(rest) => (true, rest),
            None => (false, &marker["ekslint:ignore".len()..]),
        };
        if !rest.is_empty() && !rest.starts_with(char::is_whitespace) {
            continue;
        }
        let (ids, reason) = match rest.split_once("--") {
            Some((ids, reason)) => (
                ids,
                Some(reason.trim().to_string()).filter(|r| !r.is_empty()),
            ),
            None => (rest, None),
        };
        // Each rule id with its offset in the file.
        let ids_at = start + line.len() - rest.len();
        let tokens: Vec<(usize, &str)> = ids
            .split([',', ' ', '\t'])
            .scan(ids_at, |at, token| {
                let here = *at;
                *at += token.len() + 1;
                Some((here, token))
            })
            .filter(|(_, t)| !t.is_empty())
            .collect();
        if tokens.is_empty() {
            continue;
        }
        let rules: Vec<String> = tokens.iter().map(|(_, t)| t.to_string()).collect();
        // An id goes with the separator before it (the first, with the one after it).
        let remove_rule = (0..tokens.len())
            .map(|i| {
                let end = |j: usize| tokens[j].0 + tokens[j].1.len();
                match (i.checked_sub(1), tokens.get(i + 1)) {
                    (Some(prev), _) => Some(Span::new(file, end(prev), end(i))),
                    (None, Some(next)) => Some(Span::new(file, tokens[i].0, next.0)),
                    (None, None) => None,
                }
            })
            .collect();
        let written = Span::new(file, start + at, start + line.len());
        let alone = line[..at].trim().is_empty();
        let covers = if file_wide {
            Span::new(file, 0, text.len())
        } else if !alone {
            Span::new(file, start, start + line.len())
        } else if let Some(&(next, next_line)) = lines.get(index + 1) {
            let line_span = Span::new(file, next, next + next_line.len());
            scopes
                .iter()
                .filter(|s| {
                    (s.start as usize) >= next && (s.start as usize) <= next + next_line.len()
                })
                .max_by_key(|s| s.end)
                .copied()
                .unwrap_or(line_span)
        } else {
            continue;
        };
        out.push(Suppression {
            covers,
            rules,
            reason,
            written,
            remove: Some(comment_removal(file, text, start + at, start + line.len())),
            remove_rule,
        });
    }
    out
}

/// What every suppression comment holds.
const MARKER: &str = "ekslint:ignore";

/// The offset of the comment start and the text from `ekslint:ignore` on.
fn find_marker(line: &str) -> Option<(usize, &str)> {
    let m = line.find(MARKER)?;
    let before = &line[..m];
    let comment = before
        .rfind('#')
        .into_iter()
        .chain(before.rfind("//"))
        .max()?;
    before[comment..]
        .trim_start_matches(['#', '/'])
        .trim()
        .is_empty()
        .then_some((comment, &line[m..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailing_alone_scoped_and_file_wide() {
        let text = "a = 1 # ekslint:ignore EKS101 -- known\n# ekslint:ignore EKS104,EKS105\nresource {\n  x\n}\n// ekslint:ignore-file EKS401\n";
        let f = FileId(0);
        let block = Span::new(
            f,
            text.find("resource").unwrap(),
            text.find("}\n").unwrap() + 1,
        );
        let s = suppressions(f, text, &[block]);
        assert_eq!(s.len(), 3);
        assert_eq!(s[0].rules, ["EKS101"]);
        assert_eq!(s[0].reason.as_deref(), Some("known"));
        assert_eq!(
            &text[s[0].covers.range()],
            "a = 1 # ekslint:ignore EKS101 -- known"
        );
        assert_eq!(s[1].rules, ["EKS104", "EKS105"]);
        let removed = |span: Option<Span>| {
            let r = span.unwrap().range();
            format!("{}{}", &text[..r.start], &text[r.end..])
        };
        assert!(removed(s[1].remove_rule[1]).contains("# ekslint:ignore EKS104\nresource"));
        assert!(removed(s[1].remove_rule[0]).contains("# ekslint:ignore EKS105\nresource"));
        assert!(removed(s[0].remove).starts_with("a = 1\n# ekslint:ignore EKS104"));
        assert!(
            removed(s[1].remove).starts_with("a = 1 # ekslint:ignore EKS101 -- known\nresource")
        );
        assert_eq!(s[0].remove_rule, [None]);
        assert_eq!(s[1].covers, block);
        assert_eq!(s[2].covers, Span::new(f, 0, text.len()));
        assert!(suppressions(f, "x = \"ekslint:ignore EKS1\"\n", &[]).is_empty());
    }
}
