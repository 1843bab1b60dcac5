//! The rule engine: every rule of the catalog, written against the IR.
//!
//! Rules read a [`Model`] and emit [`Diagnostic`]s; they know nothing of file formats.

mod arn;
mod association;
mod auth;
mod bindings;
mod catalog;
mod entry_type;
mod fields;
mod identity;
mod metadata;
mod policy;
mod principal;
mod security;

pub use bindings::{Bindings, bindings};
pub use catalog::*;

use crate::diagnostic::Diagnostic;
use crate::ir::{AccessEntry, AuthMode, Cluster, ClusterLink, Model, PolicyAssociation, Text, Val};
use crate::source::Span;
use std::borrow::Cow;
use std::collections::HashMap;

/// Options that change what rules consider a finding.
#[derive(Clone, Debug, Default)]
pub struct RuleOptions {
    /// Accounts whose principals are not cross-account findings (EKS405).
    pub trusted_accounts: Vec<String>,
}

/// Runs every rule over the model. The result is unsorted and may hold the same finding twice
/// when two objects share one written value; the engine sorts and deduplicates.
pub fn check(model: &Model, options: &RuleOptions) -> Vec<Diagnostic> {
    let cx = Context::new(model, options);
    let mut out = Vec::new();
    for rule in [
        fields::check,
        principal::check,
        entry_type::check,
        identity::check,
        metadata::check,
        policy::check,
        association::check,
        auth::check,
        security::check,
    ] {
        rule(&cx, &mut out);
    }
    out
}

/// Which cluster a link points at, for grouping objects that must be unique per cluster.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum ClusterKey {
    /// A cluster of the model (index into [`Model::clusters`]).
    Defined(usize),
    Name(String),
    Reference(String),
}

/// The model with each entry and association resolved to its cluster.
pub(crate) struct Context<'a> {
    pub model: &'a Model,
    pub options: &'a RuleOptions,
    entry_keys: Vec<Option<ClusterKey>>,
    assoc_keys: Vec<Option<ClusterKey>>,
    /// The entries of each cluster, in model order.
    entries_by_cluster: HashMap<ClusterKey, Vec<usize>>,
    /// The first entry of each cluster for each known principal.
    entry_by_principal: HashMap<(ClusterKey, Cow<'a, str>), usize>,
}

impl<'a> Context<'a> {
    fn new(model: &'a Model, options: &'a RuleOptions) -> Context<'a> {
        let clusters = ClusterIndex::new(model);
        let entry_keys: Vec<_> = model
            .entries
            .iter()
            .map(|e| clusters.key(&e.cluster))
            .collect();
        let assoc_keys = model
            .associations
            .iter()
            .map(|a| match a.inline_of {
                Some(i) => entry_keys[i].clone(),
                None => clusters.key(&a.cluster),
            })
            .collect();
        let mut entries_by_cluster: HashMap<ClusterKey, Vec<usize>> = HashMap::new();
        let mut entry_by_principal = HashMap::new();
        for (i, (entry, key)) in model.entries.iter().zip(&entry_keys).enumerate() {
            let Some(key) = key else { continue };
            entries_by_cluster.entry(key.clone()).or_default().push(i);
            if let Some(p) = entry.principal.identity() {
                entry_by_principal.entry((key.clone(), p)).or_insert(i);
            }
        }
        Context {
            model,
            options,
            entry_keys,
            assoc_keys,
            entries_by_cluster,
            entry_by_principal,
        }
    }

    /// The entries of a cluster.
    pub fn cluster_entries(
        &self,
        key: &ClusterKey,
    ) -> impl Iterator<Item = (usize, &'a AccessEntry)> {
        let model = self.model;
        self.entries_by_cluster
            .get(key)
            .into_iter()
            .flatten()
            .map(move |&i| (i, &model.entries[i]))
    }

    /// The first entry of a cluster for a principal.
    pub fn principal_entry(
        &self,
        key: &ClusterKey,
        principal: &str,
    ) -> Option<(usize, &'a AccessEntry)> {
        let i = *self
            .entry_by_principal
            .get(&(key.clone(), Cow::Borrowed(principal)))?;
        Some((i, &self.model.entries[i]))
    }

    pub fn entries(&self) -> impl Iterator<Item = (usize, &'a AccessEntry)> {
        self.model.entries.iter().enumerate()
    }

    pub fn associations(&self) -> impl Iterator<Item = (usize, &'a PolicyAssociation)> {
        self.model.associations.iter().enumerate()
    }

    pub fn entry_key(&self, entry: usize) -> Option<&ClusterKey> {
        self.entry_keys[entry].as_ref()
    }

    pub fn assoc_key(&self, assoc: usize) -> Option<&ClusterKey> {
        self.assoc_keys[assoc].as_ref()
    }

    /// The cluster an entry belongs to, when it is defined in the linted files.
    pub fn entry_cluster(&self, entry: usize) -> Option<&'a Cluster> {
        match self.entry_key(entry)? {
            ClusterKey::Defined(i) => Some(&self.model.clusters[*i]),
            _ => None,
        }
    }

    /// The entry an association belongs to: its owner when inline, otherwise the entry of the
    /// same cluster with the same known principal.
    pub fn assoc_entry(&self, assoc: usize) -> Option<(usize, &'a AccessEntry)> {
        let a = &self.model.associations[assoc];
        if let Some(i) = a.inline_of {
            return Some((i, &self.model.entries[i]));
        }
        let principal = a.principal.identity()?;
        self.principal_entry(self.assoc_key(assoc)?, &principal)
    }

    /// The principal of an association (its owner's, when inline).
    pub fn assoc_principal(&self, assoc: usize) -> &'a Val<Text> {
        let a = &self.model.associations[assoc];
        match a.inline_of {
            Some(i) => &self.model.entries[i].principal,
            None => &a.principal,
        }
    }
}

/// The clusters of the model by known name and by reference.
struct ClusterIndex<'a> {
    by_name: HashMap<&'a str, usize>,
    /// Clusters by reference, with whether their name is known.
    by_reference: HashMap<&'a str, Vec<(usize, bool)>>,
}

impl<'a> ClusterIndex<'a> {
    fn new(model: &'a Model) -> ClusterIndex<'a> {
        let mut by_name = HashMap::new();
        let mut by_reference: HashMap<&str, Vec<(usize, bool)>> = HashMap::new();
        for (i, c) in model.clusters.iter().enumerate() {
            let name = c.name.str().map(|(n, _)| n);
            if let Some(n) = name {
                by_name.entry(n).or_insert(i);
            }
            if let Some(r) = &c.reference {
                by_reference
                    .entry(r.as_str())
                    .or_default()
                    .push((i, name.is_some()));
            }
        }
        ClusterIndex {
            by_name,
            by_reference,
        }
    }

    /// Resolves a cluster link: to the first defined cluster with the same known name, or (where
    /// either name is unknown) the same reference; else to the name or reference itself; `None`
    /// when neither is known.
    fn key(&self, link: &ClusterLink) -> Option<ClusterKey> {
        let name = link.name.str().map(|(n, _)| n);
        let by_name = name.and_then(|n| self.by_name.get(n).copied());
        let by_reference = link
            .reference
            .as_deref()
            .and_then(|r| self.by_reference.get(r))
            .and_then(|cs| cs.iter().find(|(_, named)| name.is_none() || !named))
            .map(|(i, _)| *i);
        let defined = match (by_name, by_reference) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        match (defined, name, &link.reference) {
            (Some(i), _, _) => Some(ClusterKey::Defined(i)),
            (None, Some(n), _) => Some(ClusterKey::Name(n.to_string())),
            (None, None, Some(r)) => Some(ClusterKey::Reference(r.clone())),
            _ => None,
        }
    }
}

/// The authentication mode in effect on a cluster, with the span that set it (if written).
/// `None` when the mode is unknown or invalid.
pub(crate) fn effective_mode(cluster: &Cluster) -> Option<(AuthMode, Option<Span>)> {
    match &cluster.auth_mode {
        Val::Absent => Some((cluster.default_auth_mode, None)),
        Val::Unknown { .. } => None,
        Val::Known(s) => AuthMode::parse(s.value.as_str()?).map(|m| (m, Some(s.span))),
    }
}

/// Entry types, and the node types that take no groups, username or policies.
pub(crate) const ENTRY_TYPES: [&str; 7] = [
    "STANDARD",
    "EC2",
    "EC2_LINUX",
    "EC2_WINDOWS",
    "FARGATE_LINUX",
    "HYBRID_LINUX",
    "HYPERPOD_LINUX",
];
pub(crate) const RESTRICTED_NODE_TYPES: [&str; 5] = [
    "EC2_LINUX",
    "EC2_WINDOWS",
    "FARGATE_LINUX",
    "HYBRID_LINUX",
    "HYPERPOD_LINUX",
];

/// The type of an entry when it is valid (absent means `STANDARD`); `None` when unknown or invalid.
pub(crate) fn valid_type(entry: &AccessEntry) -> Option<&str> {
    match &entry.entry_type {
        Val::Absent => Some("STANDARD"),
        Val::Unknown { .. } => None,
        Val::Known(s) => s.value.as_str().filter(|t| ENTRY_TYPES.contains(t)),
    }
}

/// Quotes a value for a message.
pub(crate) fn quoted(s: &str) -> String {
    format!("\"{}\"", s.escape_debug())
}

/// A finding on a present value, known or not: at the value (a known value's origin becomes
/// secondary locations); `None` when the value is absent.
pub(crate) fn on_present<T>(
    rule: &'static RuleMeta,
    value: &Val<T>,
    message: String,
) -> Option<Diagnostic> {
    match value {
        Val::Known(v) => Some(on_value(rule, v, message)),
        Val::Unknown { span, .. } => Some(Diagnostic::new(rule, *span, message)),
        Val::Absent => None,
    }
}

/// A finding on a known value: at the value, with the value's origin as secondary locations.
pub(crate) fn on_value<T>(
    rule: &'static RuleMeta,
    value: &crate::ir::Spanned<T>,
    message: String,
) -> Diagnostic {
    Diagnostic::new(rule, value.span, message).with_related(value.origin.iter().cloned())
}

/// The account of a cluster, from its IAM role ARN, with the span that tells it.
pub(crate) fn cluster_account(cluster: Option<&Cluster>) -> Option<(String, Span)> {
    let role = cluster?.role_arn.get()?;
    let account = arn::ArnParts::new(&role.value).account()?.to_string();
    Some((account, role.span))
}
