//! Applying fixes to texts: which fixes of a pass go together, and the edited texts.

use super::{Edit, Fix};
use crate::source::FileId;
use std::collections::BTreeMap;

/// The fixes of one pass that can be applied together, in the order given (the findings'
/// order): a fix is taken whole when none of its edits overlaps an edit taken already, other
/// than the same edit (two findings fixed by one edit); the others wait for the next pass, when
/// the texts have been linted again.
pub fn compatible<'a>(fixes: impl IntoIterator<Item = &'a Fix>) -> Vec<&'a Fix> {
    // The edits taken, by file and start. No two of them overlap (a fix's own edits never do),
    // so the only one an edit can overlap is the last that starts before it ends.
    let mut taken: BTreeMap<FileId, BTreeMap<u32, &'a Edit>> = BTreeMap::new();
    let mut out = Vec::new();
    for fix in fixes {
        let clashes = fix.edits.iter().any(|e| {
            taken
                .get(&e.span.file)
                .and_then(|edits| edits.range(..e.reach()).next_back())
                .is_some_and(|(_, t)| *t != e && t.overlaps(e))
        });
        if clashes {
            continue;
        }
        for e in &fix.edits {
            taken
                .entry(e.span.file)
                .or_default()
                .insert(e.span.start, e);
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

    /// The fixes taken are those that checking each edit against every edit taken gives.
    #[test]
    fn the_fixes_taken_are_those_no_taken_edit_overlaps() {
        fn every_edit(fixes: &[Fix]) -> Vec<&Fix> {
            let mut taken: Vec<&Edit> = Vec::new();
            let mut out = Vec::new();
            for fix in fixes {
                if fix
                    .edits
                    .iter()
                    .any(|e| taken.iter().any(|t| *t != e && t.overlaps(e)))
                {
                    continue;
                }
                taken.extend(&fix.edits);
                out.push(fix);
            }
            out
        }
        // Pseudo-random fixes of one to three edits, in two files: replacements, deletions,
        // insertions, and edits repeated by other fixes.
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = |n: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n) as usize
        };
        let mut fixes: Vec<Fix> = Vec::new();
        for _ in 0..3_000 {
            let edits = (0..1 + next(3))
                .map(|_| {
                    let start = next(2_000);
                    let span = Span::new(FileId(next(2) as u32), start, start + next(4));
                    Edit::replace(span, if next(2) == 0 { "" } else { "x" })
                })
                .collect::<Vec<_>>();
            let fix = match next(5) {
                0 if !fixes.is_empty() => fixes[next(fixes.len() as u64)].clone(),
                _ => match Fix::new(crate::rules::EKS126, "", edits) {
                    Some(fix) => fix,
                    None => continue,
                },
            };
            fixes.push(fix);
        }
        let chosen = compatible(&fixes);
        assert!(chosen.len() > 100 && chosen.len() < fixes.len() / 2);
        assert_eq!(chosen, every_edit(&fixes));
    }
}
