//! EKS401-EKS406: risky grants.

use super::arn::{PrincipalKind, known_policy_name};
use super::{Context, EKS401, EKS402, EKS403, EKS404, EKS405, EKS406, on_value};
use crate::diagnostic::{Diagnostic, quote};
use crate::ir::Val;

const WRITE_POLICIES: [&str; 3] = [
    "AmazonEKSAdminPolicy",
    "AmazonEKSEditPolicy",
    "AmazonEKSClusterAdminPolicy",
];

pub(super) fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for (i, entry) in cx.entries() {
        if cx.entry_type(entry) != Some("STANDARD") {
            continue;
        }
        let (Val::Known(p), Some(parts)) = (&entry.principal, cx.entry_arn(i)) else {
            continue;
        };
        if parts.principal_kind() == Some(PrincipalKind::User) {
            out.push(
                on_value(
                    EKS404,
                    p,
                    "the access entry is for an IAM user, whose credentials are long-term".into(),
                )
                .with_help("grant access to an IAM role that people assume instead"),
            );
        }
        if let (Some(account), Some((cluster, span))) =
            (parts.account(), cx.entry_cluster_account(i))
            && account != cluster
            && !cx.options(p.span.file).trusted_accounts.contains(account)
        {
            out.push(
                    on_value(EKS405, p, format!("the principal is in account {account}, not the cluster's account {cluster}"))
                        .with_related([crate::ir::Related { span, message: format!("the cluster's account is {cluster}").into() }])
                        .with_help("if this account is trusted, list it in `[rules.EKS405] trusted-accounts` of .ekslint.toml"),
                );
        }
    }
    for (_, a) in cx.associations() {
        let Val::Known(policy) = &a.policy_arn else {
            continue;
        };
        let Some(name) = known_policy_name(&policy.value) else {
            continue;
        };
        let scope = a.scope_type.str().map(|(s, _)| s);
        match name.as_str() {
            "AmazonEKSClusterAdminPolicy" => out.push(
                on_value(EKS401, policy, "AmazonEKSClusterAdminPolicy grants every action on every resource of the cluster".into())
                    .with_help("grant a narrower policy (AmazonEKSAdminPolicy, AmazonEKSEditPolicy, AmazonEKSViewPolicy) scoped to namespaces"),
            ),
            "AmazonEKSAdminPolicy" | "AmazonEKSEditPolicy" if scope == Some("cluster") => out.push(
                on_value(EKS402, policy, format!("{name} is granted on every namespace (cluster scope)"))
                    .with_help("scope it to the namespaces the principal needs"),
            ),
            "AmazonEKSAdminViewPolicy" | "AmazonEKSSecretReaderPolicy" => out.push(
                on_value(EKS403, policy, format!("{name} can read Kubernetes Secrets"))
                    .with_help("use AmazonEKSViewPolicy unless the principal needs to read Secrets"),
            ),
            _ => {}
        }
        if !WRITE_POLICIES.contains(&name.as_str()) || scope != Some("namespace") {
            continue;
        }
        let Val::Known(list) = &a.namespaces else {
            continue;
        };
        for ns in list.value.iter().filter_map(Val::get) {
            let Some(pattern) = ns.value.as_str() else {
                continue;
            };
            let matches = match pattern.strip_suffix('*') {
                Some(prefix) => "kube-system".starts_with(prefix),
                None => pattern == "kube-system",
            };
            if matches {
                out.push(
                    on_value(EKS406, ns, format!("{name} is granted on kube-system through the namespace {}", quote(pattern)))
                        .with_help("write access to kube-system controls the cluster's own components; narrow the pattern"),
                );
            }
        }
    }
}
