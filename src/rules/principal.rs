//! EKS101-EKS103 and EKS111: what a principal ARN may name.

use super::arn::{ArnParts, PrincipalKind, principal_arn_problem, resource_problem};
use super::{Context, EKS101, EKS102, EKS103, EKS104, EKS111, on_present, on_value, rewrite};
use crate::diagnostic::{Diagnostic, quote, shown};
use crate::ir::{Text, UnknownHint, Val};
use foldhash::{HashMap, HashMapExt};

pub(super) fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for (i, e) in cx.entries() {
        check_principal(&e.principal, cx.entry_arn(i), out);
    }
    for (_, a) in cx.associations() {
        check_principal(&a.principal, None, out);
    }
    duplicates(cx, out);
}

/// Checks a principal; `parts` are its ARN's fields when already read.
fn check_principal(principal: &Val<Text>, parts: Option<&ArnParts>, out: &mut Vec<Diagnostic>) {
    let value = match principal {
        Val::Known(v) => v,
        Val::Unknown {
            span,
            hint:
                Some(
                    UnknownHint::CallerIdentityArn { source_name }
                    | UnknownHint::Deployer {
                        caller_identity: Some(source_name),
                        ..
                    },
                ),
        } => {
            out.push(
                Diagnostic::new(
                    EKS111,
                    *span,
                    format!(
                        "the principal is the ARN of the caller identity `data.aws_caller_identity.{}`, which is an STS session ARN when Terraform runs as a role",
                        shown(source_name)
                    ),
                )
                .with_help(format!(
                    "use `data.aws_iam_session_context.{name}.issuer_arn` (with `arn = data.aws_caller_identity.{name}.arn`) to get the role ARN",
                    name = shown(source_name)
                )),
            );
            return;
        }
        _ => return,
    };
    let read;
    let parts = match parts {
        Some(parts) => parts,
        None => {
            read = ArnParts::new(&value.value);
            &read
        }
    };
    match parts.principal_kind() {
        Some(PrincipalKind::Session) => {
            out.push(session(value, parts));
            return;
        }
        Some(PrincipalKind::ServiceLinkedRole) => {
            out.push(
                on_value(
                    EKS103,
                    value,
                    "access entries do not support service-linked roles".into(),
                )
                .with_help("create the entry for a regular IAM role; EKS manages access for service-linked roles itself"),
            );
            return;
        }
        _ => {}
    }
    // A partly known ARN is checked on its resource, when that is known (`role/<name>` of a
    // role whose partition and account are not).
    let problem = match value.value.as_str() {
        Some(arn) => principal_arn_problem(arn),
        None => parts
            .resource()
            .filter(|_| {
                matches!(
                    parts.principal_kind(),
                    Some(PrincipalKind::Role | PrincipalKind::User)
                )
            })
            .and_then(resource_problem),
    };
    if let Some(problem) = problem {
        out.push(
                on_value(
                    EKS101,
                    value,
                    format!("{} is not a valid IAM role or user ARN: {problem}", quote(&value.value.display())),
                )
                .with_help("use `arn:aws:iam::<12-digit account>:role/<path/><name>` or `...:user/<path/><name>`"),
            );
    }
}

/// EKS102, naming the role to use instead of an assumed-role session.
fn session(value: &crate::ir::Spanned<Text>, parts: &ArnParts) -> Diagnostic {
    let d = on_value(
        EKS102,
        value,
        "the principal is an STS session, which access entries do not accept".into(),
    );
    let resource = parts.resource().unwrap_or_default();
    match (
        resource
            .strip_prefix("assumed-role/")
            .and_then(|r| r.split('/').next()),
        parts.field(1),
        parts.field(4),
    ) {
        (Some(role), Some(partition), Some(account)) => {
            let arn = format!("arn:{partition}:iam::{account}:role/{role}");
            // Only a fully known ARN is rewritten: a partly known one may hold the session
            // name in a part that the fix would drop.
            let fix = value
                .value
                .as_str()
                .and_then(|_| rewrite(EKS102, value, &arn));
            d.with_help(format!(
                "use the role's ARN instead: {} (add the role's path if it has one)",
                quote(&arn)
            ))
            .with_fix(fix)
        }
        _ => d.with_help("use the ARN of the IAM role or user behind the session"),
    }
}

/// EKS104: two entries for one principal in one cluster.
fn duplicates(cx: &Context, out: &mut Vec<Diagnostic>) {
    // The entries of each cluster and principal, in the order each pair first appears.
    let mut index: HashMap<(&crate::ir::ClusterKey, &str), usize> =
        HashMap::with_capacity(cx.model.entries.len());
    let mut groups: Vec<Vec<&Val<Text>>> = Vec::new();
    for (i, e) in cx.entries() {
        if let (Some(key), Some(p)) = (cx.entry_key(i), cx.entry_identity(i)) {
            let next = groups.len();
            let g = *index.entry((key, p)).or_insert(next);
            if g == next {
                groups.push(Vec::new());
            }
            groups[g].push(&e.principal);
        }
    }
    for group in groups.iter_mut().filter(|g| g.len() > 1) {
        group.sort_by_key(|v| v.span());
        let first = group[0];
        for &later in &group[1..] {
            let (at, other) = cx.place(first, later);
            let Some(other) = other.span() else {
                continue;
            };
            let message = match at {
                Val::Known(v) => format!(
                    "{} already has an access entry in this cluster",
                    quote(&v.value.display())
                ),
                _ => "this principal (the same expression as the other entry's) already has an access entry in this cluster".into(),
            };
            let Some(d) = on_present(EKS104, at, message) else {
                continue;
            };
            let message = if std::ptr::eq(at, later) {
                "first access entry for this principal"
            } else {
                "the other access entry for this principal"
            };
            out.push(
                d.with_related([crate::ir::Related {
                    span: other,
                    message: message.into(),
                }])
                .with_help("a principal can have one access entry per cluster; merge the two"),
            );
        }
    }
}
