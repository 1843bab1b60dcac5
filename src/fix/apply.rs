//! Applying fixes to texts: which fixes of a pass go together, and the edited texts.

use super::{Edit, Fix};
use crate::source::FileId;
use std::collections::BTreeMap;

/// The fixes of one pass that can be applied together, in the order given (the findings'
/// order): a fix is taken whole when none of its edits overlaps an edit taken already, other
/// than the same edit (two findings fixed by one edit); the others wait for the next pass, when
/// the texts have been linted again.
pub fn compatible<'a>(fixes: impl IntoIterator<Item = &'a Fix>) -> Vec<&'a Fix> {
    let mut taken: BTreeMap<FileId, Vec<&'a Edit>> = BTreeMap::new();
    let mut out = Vec::new();
    for fix in fixes {
        let clashes = fix.edits.iter().any(|e| {
            taken
                .get(&e.span.file)
                .is_some_and(|edits| edits.iter().any(|t| *t != e && t.overlaps(e)))
        });
        if clashes {
            continue;
        }
        for e in &fix.edits {
            taken.entry(e.span.file).or_default().push(e);
        }
        out.push(fix);
    }
    out
}

/// The edits of `fixes` in `file`, sorted and without repeats.
pub fn edits_in<'a>(fixes: &[&'a Fix], file: FileId) -> Vec<&'a Edit> {
    let mut edits: Vec<&Edit> = fixes
        .iter()
        .flat_map(|f| &f.edits)
        .filter(|e| e.span.file == file)
        .collect();
    edits.sort();
    edits.dedup();
    edits
}

/// `text` with `edits` applied (sorted, not overlapping, within the text, at char boundaries);
/// `None` when an edit does not fit the text (the text changed since it was linted).
pub fn apply(text: &str, edits: &[&Edit]) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for e in edits {
        let range = e.span.range();
        if range.start < at || text.get(range.clone()).is_none() {
            return None;
        }
        out.push_str(&text[at..range.start]);
        out.push_str(&e.text);
        at = range.end;
    }
    out.push_str(&text[at..]);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fix::Safety;
    use crate::source::Span;

    fn fix(edits: &[(usize, usize, &str)]) -> Fix {
        Fix {
            title: String::new(),
            safety: Safety::Safe,
            edits: edits
                .iter()
                .map(|&(s, e, t)| Edit::replace(Span::new(FileId(0), s, e), t))
                .collect(),
        }
    }

    #[test]
    fn overlapping_fixes_wait_and_shared_edits_apply_once() {
        let text = "0123456789";
        let a = fix(&[(1, 3, "ab")]);
        let b = fix(&[(2, 4, "x")]);
        let c = fix(&[(1, 3, "ab"), (8, 8, "!")]);
        let d = fix(&[(3, 4, "")]);
        let chosen = compatible([&a, &b, &c, &d]);
        assert_eq!(chosen, [&a, &c, &d]);
        let edits = edits_in(&chosen, FileId(0));
        assert_eq!(apply(text, &edits).unwrap(), "0ab4567!89");
        assert_eq!(apply("01", &edits), None);
    }
}
