//! eksctl `ClusterConfig` files into the IR.

use super::ParseError;
use super::tree::Node;
use crate::ir::Model;
use crate::source::FileId;

/// Whether a document is an eksctl `ClusterConfig` (SPEC §1).
pub fn is_cluster_config(doc: &Node) -> bool {
    doc.get("apiVersion").and_then(Node::as_str) == Some("eksctl.io/v1alpha5")
        && doc.get("kind").and_then(Node::as_str) == Some("ClusterConfig")
}

/// Reads the clusters and access entries of every `ClusterConfig` document of a file.
pub fn lower(_file: FileId, _docs: &[Node]) -> (Model, Vec<ParseError>) {
    (Model::default(), Vec::new())
}
