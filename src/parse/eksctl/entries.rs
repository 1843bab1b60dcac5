//! `accessConfig.accessEntries[]` and their inline `accessPolicies[]`.

use super::value::{item_header, take_optional_text, take_text, take_text_list, unknown_fields};
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
/// The strings read are taken from the list (it is not read again).
pub fn lower(list: &mut Node, unit: &Unit, cluster: &ClusterLink, model: &mut Model) {
    let NodeKind::Seq(items) = &mut list.kind else {
        return;
    };
    for item in items
        .iter_mut()
        .filter(|i| matches!(i.kind, NodeKind::Map(_)))
    {
        let owner = model.entries.len();
        // What is read of the keys, before values are taken.
        let header = item_header(item);
        let unknown_fields = unknown_fields(item, ENTRY_KEYS);
        let inline_policies = item.entry("accessPolicies").map(|(k, v)| InlinePolicies {
            span: k.span,
            count: match &v.kind {
                NodeKind::Seq(p) => p.len(),
                _ => 0,
            },
            limit: None,
        });
        model.push_entry(AccessEntry {
            unit: unit.clone(),
            header,
            cluster: cluster.clone(),
            principal: take_text(item.get_mut("principalARN")),
            entry_type: take_optional_text(item.get_mut("type")),
            username: take_optional_text(item.get_mut("kubernetesUsername")),
            groups: take_text_list(item.get_mut("kubernetesGroups")),
            tags: Val::Absent,
            inline_policies,
            address: None,
            unknown_fields,
        });
        let Some(NodeKind::Seq(policies)) = item.get_mut("accessPolicies").map(|p| &mut p.kind)
        else {
            continue;
        };
        for policy in policies
            .iter_mut()
            .filter(|p| matches!(p.kind, NodeKind::Map(_)))
        {
            model.push_association(PolicyAssociation {
                inline_of: Some(owner),
                ..association(policy, unit)
            });
        }
    }
}

/// One item of an `accessPolicies` list, with no cluster, principal or owner yet. The strings
/// read are taken from the item.
pub(super) fn association(policy: &mut Node, unit: &Unit) -> PolicyAssociation {
    let header = item_header(policy);
    let mut unknown = unknown_fields(policy, POLICY_KEYS);
    let scope = policy.entry("accessScope").map(|(k, v)| {
        unknown.extend(unknown_fields(v, SCOPE_KEYS));
        k.span
    });
    let policy_arn = take_text(policy.get_mut("policyARN"));
    let mut scope_value = policy.get_mut("accessScope");
    let scope_type = take_optional_text(scope_value.as_deref_mut().and_then(|s| s.get_mut("type")));
    let namespaces = take_text_list(scope_value.and_then(|s| s.get_mut("namespaces")));
    PolicyAssociation {
        unit: unit.clone(),
        header,
        cluster: ClusterLink::default(),
        principal: Val::Absent,
        policy_arn,
        scope,
        scope_type,
        namespaces,
        inline_of: None,
        ordering: None,
        unknown_fields: unknown,
    }
}
