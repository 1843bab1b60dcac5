//! EKS207-EKS210: associations across entries and files.

use super::{Context, EKS207, EKS208, EKS209, EKS210, on_present, on_value};
use crate::diagnostic::{Diagnostic, shown};
use crate::fix::{Edit, Fix};
use crate::ir::{ClusterKey, Related, Val};
use std::borrow::Cow;
use std::collections::BTreeMap;

pub(super) fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    duplicates(cx, out);
    // Per cluster: whether it has entries, and whether one of them has an unknown principal.
    let mut clusters: BTreeMap<&ClusterKey, (bool, bool)> = BTreeMap::new();
    for (a, assoc) in cx.associations() {
        if assoc.inline_of.is_some() {
            continue;
        }
        let (Some(key), Some(p)) = (cx.assoc_key(a), cx.assoc_identity(a)) else {
            continue;
        };
        match cx.principal_entry(key, p) {
            Some((_, entry)) => {
                if let (Some(order), Some(addr)) = (&assoc.ordering, &entry.address)
                    && order.module == addr.module
                    && !order.after.iter().any(|a| covers(a, &addr.resource))
                {
                    let message = format!(
                        "this association is not ordered after `{}`, so it may be created before the entry",
                        shown(&addr.resource)
                    );
                    // `depends_on` names the resource, not one of its instances.
                    let resource = addr.resource.split('[').next().unwrap_or(&addr.resource);
                    let fix = order.depends_on.as_ref().and_then(|i| {
                        Fix::new(
                            EKS209,
                            format!("Add `depends_on = [{}]`", shown(resource)),
                            [Edit::replace(
                                i.at,
                                format!("{}{resource}{}", i.before, i.after),
                            )],
                        )
                    });
                    out.extend(on_present(EKS209, &assoc.principal, message).map(|d| {
                        let d = d.with_fix(fix);
                        d.with_related([Related {
                            span: entry.header,
                            message: "the access entry".into(),
                        }])
                        .with_help(format!(
                            "use `principal_arn = {instance}.principal_arn` or add `depends_on = [{whole}]`",
                            instance = shown(&addr.resource),
                            whole = shown(resource)
                        ))
                    }));
                }
            }
            // No entry has this principal; only a known principal is surely none of them. The
            // entry of a capability's role is created by EKS.
            None => {
                let Some((_, principal)) = assoc.principal.str() else {
                    continue;
                };
                if cx.capability_for(key, p).is_some() {
                    continue;
                }
                let (any_entry, maybe) = *clusters.entry(key).or_insert_with(|| {
                    let mut entries = cx.cluster_entries(key).peekable();
                    let any = entries.peek().is_some();
                    // An entry whose principal is not fully known might be for this principal.
                    (any, entries.any(|(_, e)| e.principal.str().is_none()))
                });
                if any_entry && !maybe {
                    out.push(
                        on_value(EKS208, principal, "no access entry for this principal is defined for this cluster".into())
                            .with_help("create an access entry for the principal first; associating a policy needs one"),
                    );
                }
            }
        }
    }
    for (_, e) in cx.entries() {
        if let Some(inline) = e.inline_policies
            && let Some(limit) = inline.limit.filter(|l| inline.count > *l)
        {
            out.push(Diagnostic::new(
                EKS210,
                inline.span,
                format!(
                    "{} access policies are listed; at most {limit} are allowed",
                    inline.count
                ),
            ));
        }
    }
}

/// EKS207: one policy associated twice with one principal in one cluster.
fn duplicates(cx: &Context, out: &mut Vec<Diagnostic>) {
    // (cluster, principal, policy) → the associations, in model order.
    type Key<'a> = (&'a ClusterKey, &'a str, Cow<'a, str>);
    let mut seen: BTreeMap<Key, Vec<usize>> = BTreeMap::new();
    for (a, assoc) in cx.associations() {
        let (Some(key), Some(p), Some(policy)) = (
            cx.assoc_key(a),
            cx.assoc_principal_identity(a),
            assoc.policy_arn.identity(),
        ) else {
            continue;
        };
        seen.entry((key, p, policy)).or_default().push(a);
    }
    for group in seen.values().filter(|g| g.len() > 1) {
        let mut values: Vec<&Val<crate::ir::Text>> = group
            .iter()
            .map(|&a| &cx.model.associations[a].policy_arn)
            .collect();
        values.sort_by_key(|v| v.span());
        let first = values[0];
        for &later in &values[1..] {
            let (at, other) = cx.place(first, later);
            let Some(other) = other.span() else {
                continue;
            };
            let message =
                "this policy is already associated with the same principal in this cluster";
            let Some(d) = on_present(EKS207, at, message.into()) else {
                continue;
            };
            let named = if std::ptr::eq(at, later) {
                "first associated here"
            } else {
                "also associated here"
            };
            out.push(
                d.with_related([Related { span: other, message: named.into() }])
                    .with_help("a policy can be associated with an entry once; merge the scopes into one association"),
            );
        }
    }
}

/// Whether waiting for `after` waits for the entry at `address`: the same address, or the
/// whole resource of which it is an instance (`aws_eks_access_entry.this` covers
/// `aws_eks_access_entry.this["admin"]`).
fn covers(after: &str, address: &str) -> bool {
    address
        .strip_prefix(after)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('['))
}
