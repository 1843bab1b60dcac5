//! The intermediate representation shared by every input format and every rule.
//!
//! Parsers build a [`Model`]; rules read it. Nothing here knows a file format: where formats
//! differ in meaning (the default authentication mode, a schema's item limit), the parser states
//! the meaning as data, and each object's deployment [`Unit`] with it; [`Bindings`] then binds
//! every object to its cluster.

mod binding;
mod config_map;
mod created;
mod tool;
mod value;
mod written;

pub use binding::{Bindings, ClusterKey, Reach, Unit};
pub use config_map::{ConfigMapMapping, MappingDefect, MappingKind};
pub use created::{Capability, NodeRole};
pub use tool::DeployTool;
pub use value::{Part, Related, Spanned, Text, UnknownHint, Val, push_quoted};
pub use written::{Insertion, Literal, Quoting, Written};

use crate::source::Span;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Clusters, access entries and policy associations of one or more files, with the aws-auth
/// mappings and the objects whose roles EKS gives access itself.
#[derive(Debug, Default)]
pub struct Model {
    pub clusters: Vec<Cluster>,
    /// Entries and associations are boxed: merging the models of many files moves pointers,
    /// not the objects.
    pub entries: Vec<Box<AccessEntry>>,
    pub associations: Vec<Box<PolicyAssociation>>,
    pub mappings: Vec<ConfigMapMapping>,
    pub capabilities: Vec<Capability>,
    pub node_roles: Vec<NodeRole>,
    /// The deploying tool of each unit whose tool is stricter than the EKS API.
    pub tools: BTreeMap<Unit, DeployTool>,
    /// Keys of a module's access inputs that the module drops without a word (`username` in an
    /// item of `access_entries` given to a modelled registry module).
    pub dropped_fields: Vec<UnknownField>,
    /// Module calls that pass access inputs to a module that was not evaluated.
    pub unevaluated: Vec<UnevaluatedModule>,
    /// What the deploying tool refuses in an access resource or the module call feeding one.
    pub refusals: Vec<Refusal>,
    /// Reads of a generated block's iterator object where its value is meant.
    pub iterator_reads: Vec<IteratorRead>,
    /// Suppressions written in the sources (`ekslint:ignore` comments, template metadata).
    pub suppressions: Vec<Suppression>,
}

/// A suppression written in a source: the rules it names and the region it covers.
#[derive(Clone, Debug, PartialEq)]
pub struct Suppression {
    /// Findings whose primary span starts inside this region are suppressed.
    pub covers: Span,
    /// Rule ids or names, as written.
    pub rules: Vec<String>,
    /// The reason written after `--`, if any.
    pub reason: Option<String>,
    /// Where the suppression is written (reported when it suppresses nothing).
    pub written: Span,
    /// The span that removes the whole suppression (its line, when it is alone on it).
    pub remove: Option<Span>,
    /// For each of `rules`, the span that removes it (with one separator) from the list.
    pub remove_rule: Vec<Option<Span>>,
}

impl Model {
    /// Adds an entry (boxed).
    pub fn push_entry(&mut self, entry: AccessEntry) {
        self.entries.push(Box::new(entry));
    }

    /// Adds an association (boxed).
    pub fn push_association(&mut self, association: PolicyAssociation) {
        self.associations.push(Box::new(association));
    }

    /// Makes room for appending `parts` (appended one by one, the largest vectors would be
    /// copied into fresh memory at every growth and end up to twice their size).
    pub fn reserve_for<'a>(&mut self, parts: impl Iterator<Item = &'a Model>) {
        let mut room = [0usize; 6];
        for p in parts {
            room[0] += p.clusters.len();
            room[1] += p.entries.len();
            room[2] += p.associations.len();
            room[3] += p.mappings.len();
            room[4] += p.capabilities.len();
            room[5] += p.suppressions.len();
        }
        self.clusters.reserve(room[0]);
        self.entries.reserve(room[1]);
        self.associations.reserve(room[2]);
        self.mappings.reserve(room[3]);
        self.capabilities.reserve(room[4]);
        self.suppressions.reserve(room[5]);
    }

    /// Appends another model (the indices of inline associations are shifted).
    pub fn extend(&mut self, other: Model) {
        let base = self.entries.len();
        self.clusters.extend(other.clusters);
        self.suppressions.extend(other.suppressions);
        self.entries.extend(other.entries);
        self.mappings.extend(other.mappings);
        self.capabilities.extend(other.capabilities);
        self.node_roles.extend(other.node_roles);
        self.tools.extend(other.tools);
        self.dropped_fields.extend(other.dropped_fields);
        self.unevaluated.extend(other.unevaluated);
        self.refusals.extend(other.refusals);
        self.iterator_reads.extend(other.iterator_reads);
        self.associations
            .extend(other.associations.into_iter().map(|mut a| {
                if let Some(e) = a.inline_of.as_mut() {
                    *e += base;
                }
                a
            }));
    }
}

/// A cluster authentication mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthMode {
    ConfigMap,
    ApiAndConfigMap,
    Api,
}

impl AuthMode {
    pub const ALL: [(&'static str, AuthMode); 3] = [
        ("CONFIG_MAP", AuthMode::ConfigMap),
        ("API_AND_CONFIG_MAP", AuthMode::ApiAndConfigMap),
        ("API", AuthMode::Api),
    ];

    /// Parses the exact spelling.
    pub fn parse(s: &str) -> Option<AuthMode> {
        Self::ALL.iter().find(|(n, _)| *n == s).map(|(_, m)| *m)
    }

    pub fn as_str(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, m)| *m == self)
            .map_or("", |(n, _)| n)
    }
}

/// A field name the tool does not know on an access-related object.
#[derive(Clone, Debug, PartialEq)]
pub struct UnknownField {
    pub name: String,
    pub span: Span,
    /// The field names this object accepts (for "did you mean" suggestions).
    pub expected: &'static [&'static str],
    /// The name as written, when a fix can rename it there.
    pub literal: Option<Literal>,
    /// The names of the object's other fields (a rename must not duplicate one).
    pub siblings: Vec<String>,
}

/// A module call whose module could not be evaluated (neither local, downloaded nor modelled),
/// although it passes the module access inputs: what it grants is not checked.
#[derive(Clone, Debug, PartialEq)]
pub struct UnevaluatedModule {
    /// The call's `source` value.
    pub source: Spanned<String>,
    /// The access inputs the call passes, by name.
    pub inputs: Vec<String>,
    /// Why no built-in model applies, when the module has models but not for this call.
    pub reason: Option<String>,
}

/// Something the deploying tool refuses before it calls the API, where it is written.
#[derive(Clone, Debug, PartialEq)]
pub struct Refusal {
    pub kind: RefusalKind,
    pub span: Span,
    /// The other place involved: the first of two resources with one address.
    pub related: Option<Span>,
}

/// What is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RefusalKind {
    /// `each.*` in a block without `for_each`.
    EachWithoutForEach,
    /// `count.*` in a block without `count`.
    CountWithoutCount,
    /// A nested block written as an argument (`access_scope = {...}`).
    BlockAsArgument { block: String },
    /// More blocks of one type than the schema allows: written, or `generated` by a `dynamic`
    /// block over a collection of that many items.
    TooManyBlocks {
        block: String,
        max: usize,
        generated: Option<usize>,
    },
    /// Two resources or module calls with one address in one module.
    DuplicateAddress { address: String },
    /// A local module source that names no directory.
    MissingModule { source: String },
}

/// A `dynamic` block's content that reads the iterator object itself (`lookup(access_scope,
/// "type", ...)`) where its value is meant (`access_scope.value`).
#[derive(Clone, Debug, PartialEq)]
pub struct IteratorRead {
    pub span: Span,
    /// The iterator's name.
    pub iterator: String,
    /// The block the `dynamic` block generates.
    pub block: String,
}

/// How an object names its cluster: by name, and by the expression that gives it
/// (`aws_eks_cluster.main.name`, `!Ref Cluster`, `var.cluster_name`). [`Bindings`] resolves it
/// inside the object's unit.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct ClusterLink {
    pub name: Val<Text>,
    /// A key naming the referenced expression, scoped so that it is unique across files.
    pub reference: Option<String>,
}

/// An EKS cluster's access-related settings.
#[derive(Debug)]
pub struct Cluster {
    /// The deployment unit that defines the cluster.
    pub unit: Unit,
    /// The header of the resource (block first line, logical id, document start).
    pub header: Span,
    pub name: Val<Text>,
    /// The key that links entries to this cluster when names are unknown.
    pub reference: Option<String>,
    /// The cluster IAM role; its account is the cluster's account.
    pub role_arn: Val<Text>,
    pub auth_mode: Val<Text>,
    /// The header of the access configuration (block, key), when it is written.
    pub access_config: Option<Span>,
    /// The mode that applies when `auth_mode` is absent (the API's default, or the tool's).
    pub default_auth_mode: AuthMode,
    pub bootstrap_admin: Val<bool>,
    /// Auto Mode: the `enabled` value of the compute configuration.
    pub auto_mode: Val<bool>,
    /// The header of a remote network (hybrid nodes) configuration, when present.
    pub remote_network: Option<Span>,
    /// Unknown fields of the access configuration.
    pub unknown_fields: Vec<UnknownField>,
}

/// A Kubernetes tag of an access entry.
#[derive(Clone, Debug, PartialEq)]
pub struct Tag {
    pub key: Val<Text>,
    pub value: Val<Text>,
}

/// An access entry.
#[derive(Debug)]
pub struct AccessEntry {
    pub unit: Unit,
    pub header: Span,
    pub cluster: ClusterLink,
    pub principal: Val<Text>,
    /// The entry type; absent means `STANDARD`.
    pub entry_type: Val<Text>,
    pub username: Val<Text>,
    pub groups: Val<Vec<Val<Text>>>,
    pub tags: Val<Vec<Tag>>,
    /// The inline policy list (its span and the schema's item limit), when the format has one.
    pub inline_policies: Option<InlinePolicies>,
    /// Where associations may name this entry to be ordered after it (Terraform address).
    pub address: Option<Address>,
    pub unknown_fields: Vec<UnknownField>,
}

/// The inline list of policies of an entry.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct InlinePolicies {
    pub span: Span,
    pub count: usize,
    pub limit: Option<usize>,
}

/// A resource address inside a module instance (Terraform).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Address {
    /// The module instance (module directory and call path), shared by its resources.
    pub module: Arc<str>,
    /// The resource address (`aws_eks_access_entry.admin`).
    pub resource: String,
}

/// What an association is ordered after, where the format lets that go wrong.
#[derive(Clone, Debug, PartialEq)]
pub struct Ordering {
    /// The module instance, as in [`Address::module`].
    pub module: Arc<str>,
    /// Resource addresses this association waits for (referenced or in `depends_on`), shared
    /// with the other associations of the module instance that name them.
    pub after: Vec<Arc<str>>,
    /// Where an address is added to make the association wait for it, when one can be (one for
    /// the instances of a resource).
    pub depends_on: Option<Arc<Insertion>>,
}

/// An access policy association (a separate resource, or an inline item of an entry).
#[derive(Debug)]
pub struct PolicyAssociation {
    pub unit: Unit,
    pub header: Span,
    pub cluster: ClusterLink,
    pub principal: Val<Text>,
    pub policy_arn: Val<Text>,
    /// The access scope object; `None` when it is missing.
    pub scope: Option<Span>,
    pub scope_type: Val<Text>,
    pub namespaces: Val<Vec<Val<Text>>>,
    /// The entry this association is written inside, if any (index into [`Model::entries`]).
    pub inline_of: Option<usize>,
    /// Ordering information for separately created associations.
    pub ordering: Option<Ordering>,
    pub unknown_fields: Vec<UnknownField>,
}
