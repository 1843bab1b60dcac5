//! Objects for whose IAM roles EKS creates access entries itself.

use super::{ClusterLink, Text, Unit, Val};
use crate::source::Span;

/// An EKS capability (Argo CD, ACK, kro): EKS creates the access entry of its IAM role in the
/// cluster, so an entry declared for that role fails with `ResourceInUseException`.
#[derive(Clone, Debug)]
pub struct Capability {
    pub unit: Unit,
    pub header: Span,
    pub cluster: ClusterLink,
    /// The capability's IAM role; unknown when the deploying tool creates the role itself.
    pub role: Val<Text>,
}

/// The node role of a managed node group or the pod execution role of a Fargate profile: EKS
/// gives it access to the cluster (an access entry, or an aws-auth mapping of its own).
#[derive(Clone, Debug)]
pub struct NodeRole {
    pub unit: Unit,
    pub header: Span,
    pub cluster: ClusterLink,
    pub role: Val<Text>,
}
