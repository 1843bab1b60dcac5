//! `accessConfig.accessEntries[]` and their inline `accessPolicies[]`.

use super::value::{item_header, optional_text, text, text_list, unknown_fields};
use crate::ir::{AccessEntry, ClusterLink, InlinePolicies, Model, PolicyAssociation, Unit, Val};
use crate::parse::tree::{Node, NodeKind};

/// The keys of an access entry.
const ENTRY_KEYS: &[&str] = &[
    "principalARN",
    "type",
    "kubernetesGroups",
    "kubernetesUsername",
    "accessPolicies",
];
/// The keys of an access policy.
const POLICY_KEYS: &[&str] = &["policyARN", "accessScope"];
/// The keys of an access scope.
const SCOPE_KEYS: &[&str] = &["type", "namespaces"];

/// Adds the entries of an `accessEntries` list of `unit`, and their policies, to the model.
pub fn lower(list: &Node, unit: &Unit, cluster: &ClusterLink, model: &mut Model) {
    let NodeKind::Seq(items) = &list.kind else {
        return;
    };
    for item in items.iter().filter(|i| matches!(i.kind, NodeKind::Map(_))) {
        let owner = model.entries.len();
        let policies = item.entry("accessPolicies");
        let policy_items = match policies.map(|(_, v)| &v.kind) {
            Some(NodeKind::Seq(p)) => p.as_slice(),
            _ => &[],
        };
        model.push_entry(AccessEntry {
            unit: unit.clone(),
            header: item_header(item),
            cluster: cluster.clone(),
            principal: text(item.get("principalARN")),
            entry_type: optional_text(item.get("type")),
            username: optional_text(item.get("kubernetesUsername")),
            groups: text_list(item.get("kubernetesGroups")),
            tags: Val::Absent,
            inline_policies: policies.map(|(k, _)| InlinePolicies {
                span: k.span,
                count: policy_items.len(),
                limit: None,
            }),
            address: None,
            unknown_fields: unknown_fields(item, ENTRY_KEYS),
        });
        for policy in policy_items
            .iter()
            .filter(|p| matches!(p.kind, NodeKind::Map(_)))
        {
            model.push_association(PolicyAssociation {
                inline_of: Some(owner),
                ..association(policy, unit)
            });
        }
    }
}

/// One item of an `accessPolicies` list, with no cluster, principal or owner yet.
pub(super) fn association(policy: &Node, unit: &Unit) -> PolicyAssociation {
    let scope = policy.entry("accessScope");
    let scope_value = scope.map(|(_, v)| v);
    let mut unknown = unknown_fields(policy, POLICY_KEYS);
    if let Some(s) = scope_value {
        unknown.extend(unknown_fields(s, SCOPE_KEYS));
    }
    PolicyAssociation {
        unit: unit.clone(),
        header: item_header(policy),
        cluster: ClusterLink::default(),
        principal: Val::Absent,
        policy_arn: text(policy.get("policyARN")),
        scope: scope.map(|(k, _)| k.span),
        scope_type: optional_text(scope_value.and_then(|s| s.get("type"))),
        namespaces: text_list(scope_value.and_then(|s| s.get("namespaces"))),
        inline_of: None,
        ordering: None,
        unknown_fields: unknown,
    }
}
