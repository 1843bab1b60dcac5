//! The aws-auth ConfigMap's identity mappings, as the AWS IAM Authenticator reads them.

use super::{ClusterLink, Related, Text, Unit, Val};
use crate::source::Span;

/// One mapping of the aws-auth ConfigMap (an item of `mapRoles`, `mapUsers` or `mapAccounts`,
/// or an eksctl identity mapping, which eksctl writes there).
#[derive(Clone, Debug)]
pub struct ConfigMapMapping {
    pub unit: Unit,
    /// The cluster whose ConfigMap it is. A ConfigMap names no cluster: an empty link (no name,
    /// no reference) stands for the only cluster of the unit.
    pub cluster: ClusterLink,
    /// The item (or, for a value that is not a list, the whole value).
    pub span: Span,
    /// Where the item came from when it is not written in place (a variable default, a module
    /// argument): secondary locations of every finding on it.
    pub origin: Vec<Related>,
    pub kind: MappingKind,
    /// `rolearn` or `userarn`; the account id of an account mapping.
    pub arn: Val<Text>,
    pub username: Val<Text>,
    pub groups: Val<Vec<Val<Text>>>,
    /// A `mapRoles` item's `sso` matcher (a role chosen by permission set), when present.
    pub sso: Option<Span>,
    /// Why the authenticator drops the item before reading its fields.
    pub defect: Option<MappingDefect>,
}

/// What a mapping maps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MappingKind {
    /// `mapRoles`: an IAM role (sessions of it match).
    Role,
    /// `mapUsers`: an IAM user.
    User,
    /// `mapAccounts`: every principal of an account.
    Account,
    /// A service's own mapping that a tool writes (eksctl's `serviceName`).
    Service,
}

/// Why a mapping is dropped as a whole.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MappingDefect {
    /// `mapRoles` or `mapUsers` is not a YAML list of mappings (a parse error says why).
    NotAList(String),
    /// An item of the list is not a mapping of keys to values.
    NotAMapping,
}
