//! `capabilities[]` (with their `accessPolicies`), and the roles of `managedNodeGroups[]` and
//! `fargateProfiles[]`: roles whose access entries EKS creates.

use super::entries::association;
use super::value::{item_header, text};
use crate::ir::{
    Capability, ClusterLink, Model, NodeRole, PolicyAssociation, Unit, UnknownHint, Val,
};
use crate::parse::tree::{Node, NodeKind};

/// The items of a list that are mappings.
fn items(list: Option<&Node>) -> impl Iterator<Item = &Node> {
    let items = match list.map(|l| &l.kind) {
        Some(NodeKind::Seq(items)) => items.as_slice(),
        _ => &[],
    };
    items.iter().filter(|i| matches!(i.kind, NodeKind::Map(_)))
}

/// Adds the capabilities of a document, and their access policies, to the model. Without a
/// `roleArn` eksctl creates the role: its ARN is unknown, the same for every policy of the
/// capability.
pub fn capabilities(doc: &Node, unit: &Unit, cluster: &ClusterLink, model: &mut Model) {
    for (index, item) in items(doc.get("capabilities")).enumerate() {
        let header = item_header(item);
        let role = match text(item.get("roleArn")) {
            Val::Absent => Val::Unknown {
                span: header,
                hint: Some(UnknownHint::Same {
                    key: format!("{}::capabilities[{index}].roleArn", cluster_key(cluster)),
                }),
            },
            role => role,
        };
        for policy in items(item.get("accessPolicies")) {
            model.push_association(PolicyAssociation {
                cluster: cluster.clone(),
                principal: role.clone(),
                ..association(policy, unit)
            });
        }
        model.capabilities.push(Capability {
            unit: unit.clone(),
            header,
            cluster: cluster.clone(),
            role,
        });
    }
}

fn cluster_key(cluster: &ClusterLink) -> &str {
    cluster.reference.as_deref().unwrap_or_default()
}

/// Adds the node roles given to managed node groups and Fargate profiles (a role eksctl
/// creates is none of the roles the file names).
pub fn node_roles(doc: &Node, unit: &Unit, cluster: &ClusterLink, model: &mut Model) {
    let groups = items(doc.get("managedNodeGroups"))
        .map(|g| (g, g.get("iam").and_then(|i| i.get("instanceRoleARN"))));
    let profiles = items(doc.get("fargateProfiles")).map(|p| (p, p.get("podExecutionRoleARN")));
    for (item, role) in groups.chain(profiles) {
        let role = text(role);
        if !role.is_absent() {
            model.node_roles.push(NodeRole {
                unit: unit.clone(),
                header: item_header(item),
                cluster: cluster.clone(),
                role,
            });
        }
    }
}
