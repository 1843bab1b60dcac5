//! The entries and associations the rules visit when only some files' findings are reported
//! (the editor's document, the files named to pre-commit), the rest of a module being read for
//! context: those with a place in a reported file, and those whose finding may point at another
//! object in their stead (a duplicate entry of the same principal, a duplicate association of
//! the same principal). A finding about any other object is in a file that is not reported.
//!
//! Rules find what they look up (the entry of a principal, the entries of a cluster) among all
//! objects: only the objects a rule starts from are restricted.

use crate::ir::{AccessEntry, ClusterKey, PolicyAssociation, Spanned, Tag, Val};
use crate::source::{FileId, Span};
use foldhash::HashSet;

/// Which entries and associations the rules visit, by index.
pub(super) struct Scope {
    pub entries: Vec<bool>,
    pub associations: Vec<bool>,
}

impl Scope {
    /// Marks the objects with a place in a reported file, then every object of the same
    /// cluster and principal as a marked one. `entry_groups` and `assoc_groups` give each
    /// object's cluster and principal, when both are known.
    pub fn new<'k>(
        entries: &[Box<AccessEntry>],
        associations: &[Box<PolicyAssociation>],
        entry_groups: impl Fn(usize) -> Option<(&'k ClusterKey, &'k str)>,
        assoc_groups: impl Fn(usize) -> Option<(&'k ClusterKey, &'k str)>,
        reported: &(dyn Fn(FileId) -> bool + Sync),
    ) -> Scope {
        let in_reported = |s: Span| reported(s.file);
        Scope {
            entries: spread(
                entries.iter().map(|e| entry_touches(e, &in_reported)),
                entry_groups,
            ),
            associations: spread(
                associations
                    .iter()
                    .map(|a| association_touches(a, &in_reported)),
                assoc_groups,
            ),
        }
    }
}

/// The objects marked, and those of a group (cluster and principal) with a marked one.
fn spread<'k>(
    marked: impl Iterator<Item = bool>,
    group: impl Fn(usize) -> Option<(&'k ClusterKey, &'k str)>,
) -> Vec<bool> {
    let mut marked: Vec<bool> = marked.collect();
    let touched: HashSet<(&ClusterKey, &str)> = (0..marked.len())
        .filter(|&i| marked[i])
        .filter_map(&group)
        .collect();
    if !touched.is_empty() {
        for (i, m) in marked.iter_mut().enumerate() {
            *m = *m || group(i).is_some_and(|g| touched.contains(&g));
        }
    }
    marked
}

/// Whether any place of an entry (where it is written, each value and where it came from) is
/// in a reported file.
fn entry_touches(e: &AccessEntry, reported: &impl Fn(Span) -> bool) -> bool {
    reported(e.header)
        || e.inline_policies.is_some_and(|p| reported(p.span))
        || e.unknown_fields.iter().any(|f| reported(f.span))
        || [&e.cluster.name, &e.principal, &e.entry_type, &e.username]
            .into_iter()
            .any(|v| val_touches(v, reported, |_| false))
        || val_touches(&e.groups, reported, |g| {
            g.iter().any(|v| val_touches(v, reported, |_| false))
        })
        || val_touches(&e.tags, reported, |tags| {
            tags.iter().any(|Tag { key, value }| {
                val_touches(key, reported, |_| false) || val_touches(value, reported, |_| false)
            })
        })
}

/// Whether any place of an association is in a reported file.
fn association_touches(a: &PolicyAssociation, reported: &impl Fn(Span) -> bool) -> bool {
    reported(a.header)
        || a.scope.is_some_and(reported)
        || a.unknown_fields.iter().any(|f| reported(f.span))
        || [&a.cluster.name, &a.principal, &a.policy_arn, &a.scope_type]
            .into_iter()
            .any(|v| val_touches(v, reported, |_| false))
        || val_touches(&a.namespaces, reported, |n| {
            n.iter().any(|v| val_touches(v, reported, |_| false))
        })
}

/// Whether a value's place, or a place it came from, is in a reported file; `inner` tells it
/// of the known value's items.
fn val_touches<T>(
    v: &Val<T>,
    reported: &impl Fn(Span) -> bool,
    inner: impl Fn(&T) -> bool,
) -> bool {
    match v {
        Val::Absent => false,
        Val::Unknown { span, .. } => reported(*span),
        Val::Known(Spanned {
            value,
            span,
            origin,
            ..
        }) => reported(*span) || origin.iter().any(|o| reported(o.span)) || inner(value),
    }
}
