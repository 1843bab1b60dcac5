//! EKS105-EKS110: the entry type and what node types allow.

use super::arn::{PrincipalKind, known_policy_name};
use super::{
    Context, EKS105, EKS106, EKS107, EKS108, EKS109, EKS110, ENTRY_TYPES, RESTRICTED_NODE_TYPES,
    on_value, rewrite,
};
use crate::diagnostic::{Diagnostic, quote, shown};
use crate::ir::Val;

pub(super) fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for (i, entry) in cx.entries() {
        if let Val::Known(t) = &entry.entry_type
            && let Some(ty) = t.value.as_str().filter(|t| !ENTRY_TYPES.contains(t))
        {
            let d = on_value(
                EKS105,
                t,
                format!("{} is not a valid access entry type", quote(ty)),
            );
            let normal = ty.trim().to_ascii_uppercase().replace([' ', '-'], "_");
            out.push(match ENTRY_TYPES.iter().find(|t| **t == normal) {
                Some(exact) => d
                    .with_help(format!(
                        "did you mean \"{exact}\"? Types are case-sensitive"
                    ))
                    .with_fix(rewrite(EKS105, t, exact)),
                None => d.with_help(format!("use one of: {}", ENTRY_TYPES.join(", "))),
            });
        }
        if let (Some((ty, t)), Some(tool)) = (entry.entry_type.str(), cx.tool(&entry.unit))
            && let Some(types) = tool.entry_types
            && ENTRY_TYPES.contains(&ty)
            && !types.contains(&ty)
        {
            out.push(
                on_value(
                    EKS105,
                    t,
                    format!(
                        "{} is a valid EKS access entry type, but {}'s list of types lacks it, so it refuses the entry",
                        quote(ty),
                        tool.name
                    ),
                )
                .with_help(format!(
                    "{} accepts {}; create this entry with a tool that passes the type to the EKS API (CloudFormation, the AWS CLI)",
                    tool.name,
                    types.join(", ")
                )),
            );
        }
        let Some(ty) = cx.entry_type(entry) else {
            continue;
        };
        if ty == "STANDARD" {
            continue;
        }
        if let (Val::Known(p), Some(parts)) = (&entry.principal, cx.entry_arn(i)) {
            if parts.principal_kind() == Some(PrincipalKind::User) {
                out.push(on_value(
                    EKS106,
                    p,
                    format!(
                        "an access entry of type {ty} must be for an IAM role, not an IAM user"
                    ),
                ));
            } else if let (Some(account), Some((cluster, cluster_span))) =
                (parts.account(), cx.entry_cluster_account(i))
                && account != cluster
            {
                out.push(
                        on_value(
                            EKS107,
                            p,
                            format!("an access entry of type {ty} must be in the cluster's account {cluster}, not {account}"),
                        )
                        .with_related([crate::ir::Related {
                            span: cluster_span,
                            message: format!("the cluster's account is {cluster}").into(),
                        }]),
                    );
            }
        }
        if RESTRICTED_NODE_TYPES.contains(&ty) {
            let groups = match &entry.groups {
                Val::Known(g) if !g.value.is_empty() => Some(g),
                _ => None,
            };
            let username = entry.username.get();
            let span = match (groups, username) {
                (Some(g), _) => Some((g.span, g.origin.clone())),
                (None, Some(u)) => Some((u.span, u.origin.clone())),
                _ => None,
            };
            if let Some((span, origin)) = span {
                out.push(
                    Diagnostic::new(
                        EKS108,
                        span,
                        format!("an access entry of type {ty} cannot set Kubernetes groups or a username"),
                    )
                    .with_origin(&origin)
                    .with_help("EKS sets the node's username and groups itself; remove them"),
                );
            }
        }
    }

    for (a, assoc) in cx.associations() {
        let Some((e, entry)) = cx.assoc_entry(a) else {
            continue;
        };
        let Some(ty) = cx.entry_type(entry) else {
            continue;
        };
        let span = assoc.policy_arn.span().unwrap_or(assoc.header);
        if RESTRICTED_NODE_TYPES.contains(&ty) {
            out.push(
                Diagnostic::new(
                    EKS109,
                    span,
                    format!(
                        "access policies cannot be associated with an access entry of type {ty}"
                    ),
                )
                .with_related([crate::ir::Related {
                    span: cx.model.entries[e]
                        .entry_type
                        .span()
                        .unwrap_or(entry.header),
                    message: format!("the entry's type is {ty}").into(),
                }]),
            );
        } else if ty == "EC2"
            && let Val::Known(p) = &assoc.policy_arn
            && let Some(name) =
                known_policy_name(&p.value).filter(|n| n != "AmazonEKSAutoNodePolicy")
        {
            out.push(on_value(
                        EKS110,
                        p,
                        format!("{} is associated with an EKS Auto Mode node entry (type EC2), which only needs AmazonEKSAutoNodePolicy", shown(&name)),
                    ));
        }
    }
}
