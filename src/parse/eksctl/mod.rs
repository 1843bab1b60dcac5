//! eksctl `ClusterConfig` files into the IR.
//!
//! Each `ClusterConfig` document of a file is one cluster, with the access entries of its
//! `accessConfig`. Keys are matched exactly, as eksctl's strict decoding does: a key that is not
//! one eksctl knows, anywhere under `accessConfig`, is an unknown field, and the field it was
//! meant to be stays absent.

mod created;
mod entries;
mod identity;
mod value;

#[cfg(test)]
mod tests;

use super::ParseError;
use super::tree::Node;
use crate::ir::{AuthMode, Cluster, ClusterLink, DeployTool, Model, Unit};
use crate::source::FileId;
use value::{flag, optional_text, text, unknown_fields};

/// The keys of `accessConfig`.
const ACCESS_CONFIG_KEYS: &[&str] = &[
    "authenticationMode",
    "bootstrapClusterCreatorAdminPermissions",
    "accessEntries",
];

/// What eksctl's own validation refuses that the EKS API accepts: its entry types lack
/// `HYPERPOD_LINUX`, and it rejects namespaces in a `cluster` access scope.
const EKSCTL: DeployTool = DeployTool {
    name: "eksctl",
    entry_types: Some(&[
        "STANDARD",
        "EC2",
        "EC2_LINUX",
        "EC2_WINDOWS",
        "FARGATE_LINUX",
        "HYBRID_LINUX",
    ]),
    refuses_cluster_scope_namespaces: true,
};

/// The `apiVersion` of an eksctl `ClusterConfig`.
pub const API_VERSION: &str = "eksctl.io/v1alpha5";

/// Whether a document is an eksctl `ClusterConfig` (`apiVersion: eksctl.io/v1alpha5`).
pub fn is_cluster_config(doc: &Node) -> bool {
    doc.get("apiVersion").and_then(Node::as_str) == Some(API_VERSION)
        && doc.get("kind").and_then(Node::as_str) == Some("ClusterConfig")
}

/// Reads the clusters, access entries, identity mappings, capabilities and node roles of every
/// `ClusterConfig` document of a file. Each document is a deployment unit of its own.
pub fn lower(file: FileId, docs: &[Node]) -> (Model, Vec<ParseError>) {
    let mut model = Model::default();
    for (index, doc) in docs.iter().enumerate() {
        let reference = format!("{}#{index}", file.0);
        let unit = Unit::new(format!("eksctl:{reference}"));
        let cluster = cluster(doc, &unit, &reference);
        let link = ClusterLink {
            name: cluster.name.clone(),
            reference: Some(reference),
        };
        model.clusters.push(cluster);
        model.tools.insert(unit.clone(), EKSCTL);
        if let Some(list) = doc.get("accessConfig").and_then(|a| a.get("accessEntries")) {
            entries::lower(list, &unit, &link, &mut model);
        }
        if let Some(list) = doc.get("iamIdentityMappings") {
            identity::lower(list, &unit, &link, &mut model);
        }
        created::capabilities(doc, &unit, &link, &mut model);
        created::node_roles(doc, &unit, &link, &mut model);
    }
    (model, Vec::new())
}

/// The cluster of one document. Its header is the document's first key.
fn cluster(doc: &Node, unit: &Unit, reference: &str) -> Cluster {
    let access = doc.entry("accessConfig");
    let access_value = access.map(|(_, v)| v);
    let field = |key: &str| access_value.and_then(|a| a.get(key));
    Cluster {
        unit: unit.clone(),
        header: doc.entries().first().map_or(doc.span, |(k, _)| k.span),
        name: text(doc.get("metadata").and_then(|m| m.get("name"))),
        reference: Some(reference.to_string()),
        role_arn: text(doc.get("iam").and_then(|i| i.get("serviceRoleARN"))),
        auth_mode: optional_text(field("authenticationMode")),
        access_config: access.map(|(k, _)| k.span),
        default_auth_mode: AuthMode::ApiAndConfigMap,
        bootstrap_admin: flag(field("bootstrapClusterCreatorAdminPermissions")),
        auto_mode: flag(doc.get("autoModeConfig").and_then(|a| a.get("enabled"))),
        remote_network: doc.entry("remoteNetworkConfig").map(|(k, _)| k.span),
        unknown_fields: access_value
            .map_or_else(Vec::new, |a| unknown_fields(a, ACCESS_CONFIG_KEYS)),
    }
}
