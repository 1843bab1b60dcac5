//! EKS001 unknown-field and EKS002 missing-required-field.

use super::{Context, EKS001, EKS002};
use crate::diagnostic::{Diagnostic, shown};
use crate::fix::{Edit, Fix};
use crate::ir::{ClusterLink, UnknownField, Val};
use crate::source::Span;

pub(super) fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let m = cx.model;
    let unknown = m
        .clusters
        .iter()
        .flat_map(|c| &c.unknown_fields)
        .chain(cx.entries().flat_map(|(_, e)| &e.unknown_fields))
        .chain(cx.associations().flat_map(|(_, a)| &a.unknown_fields))
        .chain(&m.dropped_fields);
    out.extend(unknown.map(unknown_field));

    for c in &m.clusters {
        missing(out, c.header, "cluster", &[("name", c.name.is_absent())]);
    }
    for (_, e) in cx.entries() {
        missing(
            out,
            e.header,
            "access entry",
            &[
                ("cluster name", link_missing(&e.cluster)),
                ("principal ARN", e.principal.is_absent()),
            ],
        );
    }
    for (_, a) in cx.associations() {
        missing(
            out,
            a.header,
            "access policy association",
            &[
                (
                    "cluster name",
                    a.inline_of.is_none() && link_missing(&a.cluster),
                ),
                (
                    "principal ARN",
                    a.inline_of.is_none() && a.principal.is_absent(),
                ),
                ("policy ARN", a.policy_arn.is_absent()),
                ("access scope", a.scope.is_none()),
                (
                    "access scope type",
                    a.scope.is_some() && a.scope_type.is_absent(),
                ),
            ],
        );
    }
}

fn link_missing(link: &ClusterLink) -> bool {
    matches!(link.name, Val::Absent) && link.reference.is_none()
}

fn missing(out: &mut Vec<Diagnostic>, header: Span, what: &str, fields: &[(&str, bool)]) {
    let names: Vec<&str> = fields.iter().filter(|f| f.1).map(|f| f.0).collect();
    if names.is_empty() {
        return;
    }
    out.push(Diagnostic::new(
        EKS002,
        header,
        format!("{what} is missing its required {}", names.join(", ")),
    ));
}

fn unknown_field(f: &UnknownField) -> Diagnostic {
    let d = Diagnostic::new(
        EKS001,
        f.span,
        format!("unknown field `{}`", shown(&f.name)),
    );
    let d = match suggest(&f.name, f.expected) {
        Some(s) => d.with_help(format!("did you mean `{s}`?")),
        None => d.with_help(format!("expected one of: {}", f.expected.join(", "))),
    };
    d.with_fix(rename(f))
}

/// The fix that renames an unknown field to its one clear correction, when the object has no
/// field of that name already.
fn rename(f: &UnknownField) -> Option<Fix> {
    let literal = f.literal?;
    let name = correction(&f.name, f.expected)?;
    if f.siblings.iter().any(|s| s == name) {
        return None;
    }
    Fix::new(
        EKS001,
        format!("Rename to `{name}`"),
        [Edit::replace(literal.span, literal.write(name)?)],
    )
}

/// The one expected name that `name` clearly means: the only one equal to it ignoring case,
/// `_` and `-`, else the only one spelled closely enough; `None` when there are several.
pub(crate) fn correction(name: &str, expected: &[&'static str]) -> Option<&'static str> {
    let fold = |s: &str| s.to_ascii_lowercase().replace(['_', '-', ' '], "");
    let one = |found: Vec<&'static str>| match found.as_slice() {
        [only] => Some(*only),
        _ => None,
    };
    let same: Vec<&'static str> = expected
        .iter()
        .copied()
        .filter(|e| fold(e) == fold(name))
        .collect();
    if !same.is_empty() {
        return one(same);
    }
    one(expected
        .iter()
        .copied()
        .filter(|e| crate::diagnostic::likeness(&fold(e), &fold(name)) > 0.85)
        .collect())
}

/// The expected name closest to `name`: the same ignoring case, `_` and `-`, or a near spelling.
pub(crate) fn suggest(name: &str, expected: &[&'static str]) -> Option<&'static str> {
    let fold = |s: &str| s.to_ascii_lowercase().replace(['_', '-', ' '], "");
    expected
        .iter()
        .find(|e| fold(e) == fold(name))
        .or_else(|| {
            expected
                .iter()
                .map(|e| (crate::diagnostic::likeness(&fold(e), &fold(name)), e))
                .filter(|(score, _)| *score > 0.85)
                .max_by(|a, b| a.0.total_cmp(&b.0))
                .map(|(_, e)| e)
        })
        .copied()
}

#[cfg(test)]
mod tests {
    use super::{correction, suggest};

    #[test]
    fn suggestions() {
        let fields = &["principal_arn", "user_name", "kubernetes_groups", "type"];
        assert_eq!(suggest("username", fields), Some("user_name"));
        assert_eq!(
            suggest("principalArn", &["principalARN", "type"]),
            Some("principalARN")
        );
        assert_eq!(
            suggest("kubernetes_group", fields),
            Some("kubernetes_groups")
        );
        assert_eq!(suggest("zzz", fields), None);
        assert_eq!(correction("username", fields), Some("user_name"));
        assert_eq!(
            correction("principalArn", &["principalARN", "type"]),
            Some("principalARN")
        );
        // Two close spellings: no clear correction.
        assert_eq!(correction("groupz", &["groups", "group"]), None);
        assert_eq!(correction("zzz", fields), None);
    }
}
