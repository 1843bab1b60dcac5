//! Fixes: text edits that correct a finding, computed by the rule that found it, applied by
//! `--fix`, shown by `--diff`, offered by the language server and carried by SARIF.
//!
//! A rule builds a [`Fix`] from what the parser recorded where the offending value is written
//! ([`crate::ir::Written`]): it never sees the file's format. [`settle`] then keeps only the fixes
//! that can be applied as they are; [`apply`] applies them to texts.

pub mod apply;
pub mod diff;
pub mod run;
pub mod write;

use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Span};
use foldhash::{HashMap, HashMapExt};
use std::collections::BTreeSet;

/// Whether a fix keeps the meaning of the configuration beyond the mistake it corrects.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Safety {
    /// Applied by `--fix`: only the mistake changes (the exact spelling of a value, a duplicate).
    Safe,
    /// Applied by `--unsafe-fixes`: the meaning changes, in the way the finding asks for.
    Unsafe,
}

impl Safety {
    pub fn as_str(self) -> &'static str {
        match self {
            Safety::Safe => "safe",
            Safety::Unsafe => "unsafe",
        }
    }
}

/// Replaces the text of `span` (empty: inserts) with `text`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Edit {
    pub span: Span,
    pub text: String,
}

impl Edit {
    pub fn replace(span: Span, text: impl Into<String>) -> Edit {
        Edit {
            span,
            text: text.into(),
        }
    }

    pub fn delete(span: Span) -> Edit {
        Edit::replace(span, "")
    }

    /// Whether two edits change a common part of one file (an insertion takes the character
    /// after it).
    fn overlaps(&self, other: &Edit) -> bool {
        self.span.file == other.span.file
            && self.span.start < other.reach()
            && other.span.start < self.reach()
    }

    /// Where the part of the text the edit changes ends (an insertion takes the character
    /// after it).
    fn reach(&self) -> u32 {
        self.span.end.max(self.span.start.saturating_add(1))
    }
}

/// The edits that correct one finding, all applied or none.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    /// What the fix does, for the editor's menu (`Replace with "EC2_LINUX"`).
    pub title: String,
    pub safety: Safety,
    /// Sorted by span; never overlapping.
    pub edits: Vec<Edit>,
}

impl Fix {
    /// A fix of `rule` (whose catalog entry says how safe its fixes are); `None` when the rule
    /// declares no fix, or there is no edit.
    pub fn new(
        rule: &'static crate::rules::RuleMeta,
        title: impl Into<String>,
        edits: impl IntoIterator<Item = Edit>,
    ) -> Option<Fix> {
        let mut edits: Vec<Edit> = edits.into_iter().collect();
        edits.sort();
        edits.dedup();
        let overlapping = edits.windows(2).any(|w| w[0].overlaps(&w[1]));
        (!edits.is_empty() && !overlapping).then_some(Fix {
            title: title.into(),
            safety: rule.fix?,
            edits,
        })
    }

    /// The files the fix edits.
    pub fn files(&self) -> BTreeSet<FileId> {
        self.edits.iter().map(|e| e.span.file).collect()
    }
}

/// Keeps the fixes that can be applied as they are, after the engine has merged the findings
/// of one written mistake (sorted as reported):
/// - a fix with an edit in a file that is not `editable` (a built-in module model, a module read
///   only for context) is dropped;
/// - a value written once and used by several findings of one rule is fixed where it is written
///   only when every finding of that rule on it agrees on the edit: a finding of the same rule
///   whose location or secondary locations overlap an edit, without that edit in its own fix,
///   drops the fixes that hold the edit.
pub fn settle(diagnostics: &mut [Diagnostic], editable: impl Fn(FileId) -> bool) {
    for d in diagnostics.iter_mut() {
        if d.fix
            .as_ref()
            .is_some_and(|f| f.edits.iter().any(|e| !editable(e.span.file)))
        {
            d.fix = None;
        }
    }
    // Per rule, the edits of its fixes.
    let mut by_rule: HashMap<&'static str, Vec<&Edit>> = HashMap::new();
    for d in diagnostics.iter() {
        if let Some(f) = &d.fix {
            by_rule.entry(d.rule).or_default().extend(&f.edits);
        }
    }
    let by_rule: HashMap<&'static str, Edits> = by_rule
        .into_iter()
        .map(|(rule, edits)| (rule, Edits::new(edits)))
        .collect();
    let mut disputed: HashMap<&'static str, BTreeSet<Edit>> = HashMap::new();
    // Suppressions are not values that instances share: each unused rule id is its own edit.
    for d in diagnostics
        .iter()
        .filter(|d| d.rule != crate::rules::EKS003.id)
    {
        let Some(edits) = by_rule.get(d.rule) else {
            continue;
        };
        let own = d.fix.as_deref().map_or(&[][..], |f| f.edits.as_slice());
        let places = std::iter::once(d.span).chain(d.related.iter().map(|r| r.span));
        for place in places {
            for e in edits.touching(place) {
                if !own.contains(e) {
                    disputed.entry(d.rule).or_default().insert((*e).clone());
                }
            }
        }
    }
    for d in diagnostics.iter_mut() {
        let Some(disputed) = disputed.get(d.rule) else {
            continue;
        };
        if d.fix
            .as_ref()
            .is_some_and(|f| f.edits.iter().any(|e| disputed.contains(e)))
        {
            d.fix = None;
        }
    }
}

/// The edits of one rule's fixes, sorted by where they start, with the length of the longest:
/// the edits a location touches are found by a search, not by reading every edit for every
/// finding (a file with a finding and a fix on each of 80,000 list items took 30 s).
struct Edits<'d> {
    sorted: Vec<&'d Edit>,
    longest: u32,
}

impl<'d> Edits<'d> {
    fn new(mut sorted: Vec<&'d Edit>) -> Edits<'d> {
        sorted.sort_unstable_by_key(|e| (e.span.file, e.span.start));
        let longest = sorted
            .iter()
            .map(|e| e.span.end.saturating_sub(e.span.start))
            .max();
        Edits {
            sorted,
            longest: longest.unwrap_or(0),
        }
    }

    /// The edits that touch `place`: of those that start after `place` starts less the longest
    /// edit's length and before it ends, the ones [`touches`] accepts.
    fn touching(&self, place: Span) -> impl Iterator<Item = &'d Edit> + '_ {
        let key = |e: &&Edit| (e.span.file, e.span.start);
        let from = (place.file, place.start.saturating_sub(self.longest));
        let lo = self.sorted.partition_point(|e| key(e) < from);
        let hi = self
            .sorted
            .partition_point(|e| key(e) < (place.file, place.end));
        self.sorted[lo..hi.max(lo)]
            .iter()
            .copied()
            .filter(move |e| touches(place, e.span))
    }
}

/// Whether a finding's location and an edit overlap (an insertion touches a location that
/// holds its position strictly inside).
fn touches(place: Span, edit: Span) -> bool {
    place.file == edit.file
        && if edit.start == edit.end {
            place.start < edit.start && edit.start < place.end
        } else {
            place.start < edit.end && edit.start < place.end
        }
}

/// The fixes of one finding's instances merged into one: every instance must be fixed for the
/// finding to go, so the merge has a fix only when each instance has one. The edits are only
/// gathered here; [`merged`] sorts them once the last instance is in (sorting at each merge
/// grew with the square of the instances: 50 findings of 6,400 instances each took 4.7 s).
pub fn absorb(kept: &mut Option<Box<Fix>>, other: Option<Box<Fix>>) {
    match (kept.as_mut(), other) {
        (Some(fix), Some(other)) => {
            fix.edits.extend(other.edits);
            fix.safety = fix.safety.max(other.safety);
        }
        _ => *kept = None,
    }
}

/// A fix that [`absorb`] gathered, with its edits sorted and each once; `None` when two of
/// them overlap.
pub fn merged(fix: Option<Box<Fix>>) -> Option<Box<Fix>> {
    let mut fix = fix?;
    fix.edits.sort();
    fix.edits.dedup();
    (!fix.edits.windows(2).any(|w| w[0].overlaps(&w[1]))).then_some(fix)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::Related;
    use crate::rules::{EKS105, EKS126};

    fn at(file: u32, start: usize, end: usize) -> Span {
        Span::new(FileId(file), start, end)
    }

    fn finding(span: Span, origin: Option<Span>, fix: Option<Span>) -> Diagnostic {
        Diagnostic::new(EKS105, span, "m".into())
            .with_related(origin.map(|span| Related {
                span,
                message: "from the default".into(),
            }))
            .with_fix(fix.and_then(|s| Fix::new(EKS105, "t", [Edit::replace(s, "EC2_LINUX")])))
    }

    #[test]
    fn one_written_value_is_fixed_only_when_every_finding_on_it_agrees() {
        let default = at(0, 10, 19);
        // Two uses fixed by the same edit of the default: both keep it.
        let mut agree = vec![
            finding(at(1, 0, 5), Some(default), Some(default)),
            finding(at(1, 9, 14), Some(default), Some(default)),
        ];
        settle(&mut agree, |_| true);
        assert!(agree.iter().all(|d| d.fix.is_some()));
        // A third use that the edit would not fix (a computed value from the default).
        let mut dispute = agree.clone();
        dispute.push(finding(at(1, 20, 25), Some(default), None));
        settle(&mut dispute, |_| true);
        assert!(dispute.iter().all(|d| d.fix.is_none()));
        // Another rule's finding on the value is not a use of this rule's fix.
        let mut other = agree.clone();
        other.push(Diagnostic::new(EKS126, default, "m".into()));
        settle(&mut other, |_| true);
        assert!(other[..2].iter().all(|d| d.fix.is_some()));
        // An edit in a file that may not be edited (a built-in model) drops the fix.
        let mut builtin = agree.clone();
        settle(&mut builtin, |f| f != FileId(0));
        assert!(builtin.iter().all(|d| d.fix.is_none()));
    }

    #[test]
    fn merged_instances_have_a_fix_only_when_each_has_one() {
        let fix = |s| Fix::new(EKS105, "t", [Edit::replace(at(0, s, s + 2), "X")]).map(Box::new);
        let merge = |fixes: Vec<Option<Box<Fix>>>| {
            let mut fixes = fixes.into_iter();
            let mut kept = fixes.next().flatten();
            fixes.for_each(|other| absorb(&mut kept, other));
            merged(kept)
        };
        let both = merge(vec![fix(5), fix(0)]).unwrap();
        assert_eq!(both.edits.len(), 2);
        assert!(both.edits[0].span.start < both.edits[1].span.start);
        assert_eq!(merge(vec![fix(0), None, fix(5)]), None);
        assert_eq!(merge(vec![None, fix(0)]), None);
        assert_eq!(merge(vec![fix(0), fix(0), fix(0)]).unwrap().edits.len(), 1);
        // Edits that overlap cannot all be made.
        assert_eq!(merge(vec![fix(0), fix(1)]), None);
        // Rules without a fix in the catalog give none.
        assert_eq!(
            Fix::new(crate::rules::EKS104, "t", [Edit::delete(at(0, 0, 1))]),
            None
        );
    }
}
