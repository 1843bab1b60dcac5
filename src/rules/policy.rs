//! EKS201-EKS206 and EKS211: the policy ARN and access scope of an association.

use super::access_policies::{ACCESS_POLICIES, lookup};
use super::arn::{ArnParts, PrincipalKind, policy_arn};
use super::{
    Context, EKS201, EKS202, EKS203, EKS204, EKS205, EKS206, EKS211, on_value, remove_item, rewrite,
};
use crate::diagnostic::{Diagnostic, Severity, quote, shown};
use crate::fix::Fix;
use crate::ir::{Related, Spanned, Text, Val};

pub(super) fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for (i, a) in cx.associations() {
        if let Val::Known(v) = &a.policy_arn {
            match policy_arn(&v.value) {
                Err(problem) => out.push(
                    on_value(EKS201, v, format!("{} is not an access policy ARN: {problem}", quote(&v.value.display())))
                        .with_help("access policies are `arn:aws:eks::aws:cluster-access-policy/<Name>`; IAM policies cannot be associated")
                        .with_fix(full_arn(v)),
                ),
                Ok(Some(name)) => match lookup(&name) {
                    None => out.push(unknown_policy(v, &name)),
                    Some(p) if p.service_linked_only => {
                        let service_linked = cx.assoc_principal(i).get().is_some_and(|p| {
                            ArnParts::new(&p.value).principal_kind()
                                == Some(PrincipalKind::ServiceLinkedRole)
                        });
                        if !service_linked {
                            out.push(
                                on_value(
                                    EKS211,
                                    v,
                                    format!("{name} is designated for AWS service-linked roles only and cannot be used with customer-managed roles"),
                                )
                                .with_help("EKS associates this policy itself where a feature needs it; grant this principal a policy meant for people or workloads"),
                            );
                        }
                    }
                    Some(_) => {}
                },
                Ok(_) => {}
            }
        }

        let scope = match &a.scope_type {
            Val::Known(t) => t,
            _ => continue,
        };
        let Some(ty) = scope.value.as_str() else {
            continue;
        };
        let namespaces = a.namespaces.get();
        match ty {
            "namespace" => {
                let empty = match &a.namespaces {
                    Val::Absent => true,
                    Val::Known(n) => n.value.is_empty(),
                    Val::Unknown { .. } => false,
                };
                if empty {
                    out.push(
                        on_value(
                            EKS204,
                            scope,
                            "the access scope is `namespace` but lists no namespaces".into(),
                        )
                        .with_help("list the namespaces, or use scope type `cluster`"),
                    );
                }
            }
            "cluster" => {
                if let Some(n) = namespaces.filter(|n| !n.value.is_empty()) {
                    let refused_by = cx
                        .tool(&a.unit)
                        .filter(|t| t.refuses_cluster_scope_namespaces);
                    let message = match refused_by {
                        Some(tool) => format!(
                            "namespaces are listed for a `cluster` access scope, which {} refuses",
                            tool.name
                        ),
                        None => "namespaces are listed for a `cluster` access scope".into(),
                    };
                    let mut d = on_value(EKS205, n, message)
                        .with_help("remove the namespaces, or use scope type `namespace`");
                    // Where the deploying tool refuses it, the mistake stops the deployment.
                    if refused_by.is_some() {
                        d.severity = Severity::Error;
                    }
                    out.push(d);
                }
            }
            other => {
                let d = on_value(
                    EKS203,
                    scope,
                    format!("{} is not an access scope type", quote(other)),
                );
                let lower = other.trim().to_ascii_lowercase();
                out.push(if lower == "cluster" || lower == "namespace" {
                    d.with_help(format!(
                        "did you mean \"{lower}\"? Scope types are lowercase"
                    ))
                    .with_fix(rewrite(EKS203, scope, &lower))
                } else {
                    d.with_help("use \"cluster\" or \"namespace\"")
                });
            }
        }
        let Some(list) = namespaces else { continue };
        // Each namespace's first occurrence, by name.
        let mut seen: foldhash::HashMap<&str, crate::source::Span> = Default::default();
        for ns in list.value.iter().filter_map(Val::get) {
            let Some(name) = ns.value.as_str() else {
                continue;
            };
            if !valid_namespace(name) {
                out.push(on_value(
                    EKS206,
                    ns,
                    format!("{} is not a valid namespace name or pattern", quote(name)),
                ).with_help("namespaces are lowercase DNS labels (`[a-z0-9]([-a-z0-9]*[a-z0-9])?`, at most 63), optionally ending in one `*`"));
            } else if let Some(first) = seen.get(name) {
                out.push(
                    on_value(
                        EKS206,
                        ns,
                        format!("the namespace {} is listed twice", quote(name)),
                    )
                    .with_related([Related {
                        span: *first,
                        message: "first listed here".into(),
                    }])
                    .with_fix(remove_item(
                        EKS206,
                        ns,
                        "Remove the repeated namespace",
                    )),
                );
            } else {
                seen.insert(name, ns.span);
            }
        }
    }
}

/// EKS202, suggesting a known name that is close, and where it is listed.
fn unknown_policy(v: &crate::ir::Spanned<crate::ir::Text>, name: &str) -> Diagnostic {
    let d = on_value(
        EKS202,
        v,
        format!("{} is not a known AWS-managed access policy", shown(name)),
    );
    let close = ACCESS_POLICIES
        .iter()
        .find(|p| p.name.eq_ignore_ascii_case(name))
        .or_else(|| {
            ACCESS_POLICIES
                .iter()
                .map(|p| (crate::diagnostic::likeness(p.name, name), p))
                .filter(|(s, _)| *s > 0.9)
                .max_by(|x, y| x.0.total_cmp(&y.0))
                .map(|(_, p)| p)
        });
    match close {
        Some(p) if !p.source.url().is_empty() => d.with_help(format!(
            "did you mean {}? (listed in {})",
            p.name,
            p.source.url()
        )),
        Some(p) => d.with_help(format!("did you mean {}?", p.name)),
        None => d.with_help("`aws eks list-access-policies` lists the available policies"),
    }
}

/// For a bare access policy name (`AmazonEKSViewPolicy`), the fix that writes its full ARN in
/// the `aws` partition (another partition's ARN differs: the fix is unsafe).
fn full_arn(v: &Spanned<Text>) -> Option<Fix> {
    let name = v.value.as_str()?.trim();
    let policy = ACCESS_POLICIES
        .iter()
        .find(|p| p.name.eq_ignore_ascii_case(name))?;
    rewrite(
        EKS201,
        v,
        &format!("arn:aws:eks::aws:cluster-access-policy/{}", policy.name),
    )
}

/// A DNS-1123 label, optionally ending in one `*` wildcard (`dev-*`, `*`).
fn valid_namespace(name: &str) -> bool {
    let (label, wildcard) = match name.strip_suffix('*') {
        Some(prefix) => (prefix, true),
        None => (name, false),
    };
    if label.len() > 63 || label.contains('*') {
        return false;
    }
    let ok_chars = label
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    let starts = label.bytes().next().is_none_or(|b| b != b'-');
    let ends = wildcard || label.bytes().last().is_some_and(|b| b != b'-');
    ok_chars && starts && ends && (wildcard || !label.is_empty())
}

#[cfg(test)]
mod tests {
    use super::valid_namespace;

    #[test]
    fn namespaces() {
        for ok in ["default", "kube-system", "dev-*", "*", "a1"] {
            assert!(valid_namespace(ok), "{ok}");
        }
        for bad in ["Dev", "-a", "a-", "a_b", "*a", "a**", ""] {
            assert!(!valid_namespace(bad), "{bad}");
        }
    }
}
