//! What the tool that deploys a unit checks beyond the EKS API.

/// A deploying tool's own validation, where it is stricter than the EKS API. A unit without one
/// is held to the API's rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DeployTool {
    /// How messages name the tool (`the Terraform AWS provider`).
    pub name: &'static str,
    /// The access entry types the tool accepts, when its list is shorter than the API's.
    pub entry_types: Option<&'static [&'static str]>,
    /// Whether the tool refuses namespaces in a `cluster` access scope (the API ignores them).
    pub refuses_cluster_scope_namespaces: bool,
}
