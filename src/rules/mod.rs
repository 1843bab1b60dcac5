//! The rule engine: every rule of the catalog, written against the IR.
//!
//! Rules read a [`Model`] and emit [`Diagnostic`]s; they know nothing of file formats.

mod access_policies;
mod arn;
mod association;
mod auth;
mod catalog;
mod config_map;
mod created;
mod entry_type;
mod fields;
mod identity;
mod iterator;
mod links;
mod metadata;
mod policy;
mod principal;
mod refusal;
mod scope;
mod security;
mod unevaluated;

pub use catalog::*;
pub use links::{Links, links};

use crate::diagnostic::Diagnostic;
use crate::fix::{Edit, Fix};
use crate::ir::{
    AccessEntry, AuthMode, Bindings, Capability, Cluster, ClusterKey, DeployTool, Model,
    PolicyAssociation, Text, Val,
};
use crate::source::{FileId, Span};
use foldhash::{HashMap, HashMapExt};
use rayon::prelude::*;
use std::borrow::Cow;
use std::collections::BTreeSet;

/// Options that change what rules consider a finding.
#[derive(Clone, Debug, Default)]
pub struct RuleOptions {
    /// Accounts whose principals are not cross-account findings (EKS405). A set: each
    /// cross-account principal is looked up in it, and a configuration may list many.
    pub trusted_accounts: BTreeSet<String>,
}

/// The options of a file that no configuration governs.
static DEFAULT_OPTIONS: RuleOptions = RuleOptions {
    trusted_accounts: BTreeSet::new(),
};

/// Every rule's check, in the order their findings are joined.
const CHECKS: [fn(&Context, &mut Vec<Diagnostic>); 14] = [
    fields::check,
    principal::check,
    entry_type::check,
    identity::check,
    metadata::check,
    policy::check,
    association::check,
    auth::check,
    security::check,
    config_map::check,
    created::check,
    unevaluated::check,
    refusal::check,
    iterator::check,
];

/// The findings of each rule's check of a model, in the order of [`CHECKS`].
type PerRule = [Vec<Diagnostic>; CHECKS.len()];

/// [`check`] of each of several models, a rule at a time over the models checked on this
/// thread (the rules run in parallel on a model of many objects): a rule's code stays in the
/// processor's cache from one model to the next.
pub(crate) fn check_each(cxs: &[Context]) -> Vec<Vec<Diagnostic>> {
    // Each rule's findings of each small model, joined as `check` joins them.
    let mut lists: Vec<PerRule> = cxs.iter().map(|_| PerRule::default()).collect();
    for (r, rule) in CHECKS.iter().enumerate() {
        for (cx, model_lists) in cxs.iter().zip(&mut lists) {
            if !cx.large() {
                rule(cx, &mut model_lists[r]);
            }
        }
    }
    cxs.iter()
        .zip(lists)
        .map(|(cx, model_lists)| {
            if cx.large() {
                check(cx)
            } else {
                joined(model_lists)
            }
        })
        .collect()
}

/// The lists of findings in one vector of their size; each list is freed once appended.
fn joined(lists: PerRule) -> Vec<Diagnostic> {
    let total = lists.iter().map(Vec::len).sum();
    let mut out = Vec::with_capacity(total);
    for mut list in lists {
        out.append(&mut list);
    }
    out
}

/// Runs every rule over the model bound in `cx`. The result is unsorted and may hold the same
/// finding twice when two objects share one written value; the engine sorts and deduplicates.
pub(crate) fn check(cx: &Context) -> Vec<Diagnostic> {
    // The rules run each into its own list, in parallel on a model of many objects; the lists
    // are joined in the rules' order.
    let mut found = PerRule::default();
    if cx.large() {
        found
            .par_iter_mut()
            .zip(&CHECKS)
            .for_each(|(out, rule)| rule(cx, out));
    } else {
        for (out, rule) in found.iter_mut().zip(&CHECKS) {
            rule(cx, out);
        }
    }
    joined(found)
}

/// The model with each entry and association bound to its cluster.
pub(crate) struct Context<'a> {
    pub model: &'a Model,
    /// The options of the configuration of each file, by file id.
    options: &'a [&'a RuleOptions],
    reported: &'a (dyn Fn(FileId) -> bool + Sync),
    /// The entries and associations the rules start from, when not all of them.
    scope: Option<scope::Scope>,
    bindings: Bindings,
    /// The entries of each cluster, in model order.
    entries_by_cluster: HashMap<ClusterKey, Vec<usize>>,
    /// The first entry of each cluster for each known principal.
    entry_by_principal: HashMap<(ClusterKey, Cow<'a, str>), usize>,
    /// The first capability of each cluster for each known role.
    capability_by_role: HashMap<(ClusterKey, Cow<'a, str>), usize>,
    /// The account of each cluster of the model, from its IAM role ARN, with the span that
    /// tells it.
    cluster_accounts: Vec<Option<(String, Span)>>,
    /// The fields of the principal ARN of each entry in scope, when it is known, read once for
    /// every rule.
    entry_arns: Vec<Option<arn::ArnParts<'a>>>,
    /// The identity of each entry's principal and of each association's own principal (see
    /// [`Val::identity`]), computed once for every rule.
    entry_identities: Vec<Option<Cow<'a, str>>>,
    assoc_identities: Vec<Option<Cow<'a, str>>>,
}

impl<'a> Context<'a> {
    /// Whether the model holds so many objects that its rules run in parallel.
    fn large(&self) -> bool {
        let m = self.model;
        m.entries.len() + m.associations.len() + m.mappings.len()
            >= crate::threads::OBJECTS_FOR_PARALLEL_RULES
    }

    /// Binds the model's objects. `options` are by file id; `reported` tells the files whose
    /// findings are reported (all, unless only some files were named): a finding about two
    /// places points at the one in a reported file. When `scoped`, the rules visit only the
    /// objects whose findings can be in a reported file (see [`scope`]).
    pub(crate) fn new(
        model: &'a Model,
        options: &'a [&'a RuleOptions],
        reported: &'a (dyn Fn(FileId) -> bool + Sync),
        scoped: bool,
    ) -> Context<'a> {
        let bindings = Bindings::new(model);
        let entry_identities: Vec<_> = model
            .entries
            .iter()
            .map(|e| e.principal.identity())
            .collect();
        let assoc_identities: Vec<_> = model
            .associations
            .iter()
            .map(|a| a.principal.identity())
            .collect();
        let entries = model.entries.len();
        let mut entries_by_cluster: HashMap<ClusterKey, Vec<usize>> =
            HashMap::with_capacity(model.clusters.len().min(entries));
        let mut entry_by_principal = HashMap::with_capacity(entries);
        for (i, identity) in entry_identities.iter().enumerate() {
            let Some(key) = bindings.entry(i) else {
                continue;
            };
            entries_by_cluster.entry(key.clone()).or_default().push(i);
            if let Some(p) = identity {
                entry_by_principal
                    .entry((key.clone(), p.clone()))
                    .or_insert(i);
            }
        }
        let mut capability_by_role = HashMap::new();
        for (i, c) in model.capabilities.iter().enumerate() {
            if let (Some(key), Some(role)) = (bindings.capability(i), c.role.identity()) {
                capability_by_role.entry((key.clone(), role)).or_insert(i);
            }
        }
        let cluster_accounts = model
            .clusters
            .iter()
            .map(|c| {
                let role = c.role_arn.get()?;
                let account = arn::ArnParts::new(&role.value).account()?.to_string();
                Some((account, role.span))
            })
            .collect();
        let scope = scoped.then(|| {
            let assoc_principal = |a: usize| match model.associations[a].inline_of {
                Some(e) => entry_identities.get(e)?.as_deref(),
                None => assoc_identities[a].as_deref(),
            };
            scope::Scope::new(
                &model.entries,
                &model.associations,
                |e| Some((bindings.entry(e)?, entry_identities[e].as_deref()?)),
                |a| Some((bindings.association(a)?, assoc_principal(a)?)),
                reported,
            )
        });
        let entry_arns = model
            .entries
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let visited = scope.as_ref().is_none_or(|s| s.entries[i]);
                let p = e.principal.get().filter(|_| visited)?;
                Some(arn::ArnParts::new(&p.value))
            })
            .collect();
        Context {
            model,
            options,
            reported,
            scope,
            bindings,
            entries_by_cluster,
            entry_by_principal,
            capability_by_role,
            cluster_accounts,
            entry_arns,
            entry_identities,
            assoc_identities,
        }
    }

    /// The identity of an entry's principal (see [`Val::identity`]).
    pub fn entry_identity(&self, entry: usize) -> Option<&str> {
        self.entry_identities.get(entry)?.as_deref()
    }

    /// The identity of an association's own principal (see [`Val::identity`]).
    pub fn assoc_identity(&self, assoc: usize) -> Option<&str> {
        self.assoc_identities.get(assoc)?.as_deref()
    }

    /// The identity of the principal of an association (its owner's, when inline).
    pub fn assoc_principal_identity(&self, assoc: usize) -> Option<&str> {
        match self.model.associations.get(assoc)?.inline_of {
            Some(i) => self.entry_identity(i),
            None => self.assoc_identity(assoc),
        }
    }

    /// The fields of an entry's principal ARN, when it is known.
    pub fn entry_arn(&self, entry: usize) -> Option<&arn::ArnParts<'a>> {
        self.entry_arns.get(entry)?.as_ref()
    }

    /// The account of the cluster an entry binds to, from the cluster's IAM role ARN, with the
    /// span that tells it.
    pub fn entry_cluster_account(&self, entry: usize) -> Option<(&str, Span)> {
        match self.entry_key(entry)? {
            ClusterKey::Defined(i) => {
                let (account, span) = self.cluster_accounts.get(*i)?.as_ref()?;
                Some((account, *span))
            }
            _ => None,
        }
    }

    /// The capability of a cluster whose role is `principal` (EKS creates its entry).
    pub fn capability_for(&self, key: &ClusterKey, principal: &str) -> Option<&'a Capability> {
        let i = *self
            .capability_by_role
            .get(&(key.clone(), Cow::Borrowed(principal)))?;
        Some(&self.model.capabilities[i])
    }

    /// The tool that deploys a unit, where it is stricter than the EKS API.
    pub fn tool(&self, unit: &crate::ir::Unit) -> Option<&'a DeployTool> {
        self.model.tools.get(unit)
    }

    /// The type of an entry when its deploying tool accepts it (absent means `STANDARD`);
    /// `None` when unknown or refused (EKS105).
    pub fn entry_type(&self, entry: &'a AccessEntry) -> Option<&'a str> {
        let ty = match &entry.entry_type {
            Val::Absent => "STANDARD",
            Val::Unknown { .. } => return None,
            Val::Known(s) => s.value.as_str().filter(|t| ENTRY_TYPES.contains(t))?,
        };
        let tool_types = self.tool(&entry.unit).and_then(|t| t.entry_types);
        tool_types
            .is_none_or(|types| types.contains(&ty))
            .then_some(ty)
    }

    pub fn mappings(&self) -> impl Iterator<Item = (usize, &'a crate::ir::ConfigMapMapping)> {
        self.model.mappings.iter().enumerate()
    }

    pub fn mapping_key(&self, mapping: usize) -> Option<&ClusterKey> {
        self.bindings.mapping(mapping)
    }

    /// The cluster of a key, when it is defined in the linted files.
    pub fn cluster(&self, key: &ClusterKey) -> Option<&'a Cluster> {
        match key {
            ClusterKey::Defined(i) => Some(&self.model.clusters[*i]),
            _ => None,
        }
    }

    /// The options of the configuration of a file.
    pub fn options(&self, file: FileId) -> &'a RuleOptions {
        self.options
            .get(file.0 as usize)
            .copied()
            .unwrap_or(&DEFAULT_OPTIONS)
    }

    /// Of two places of one finding (a duplicate and the first), the one the finding points at
    /// and the one it names: the later in output order, unless only the earlier is in a
    /// reported file (a duplicate added in a file that sorts first is reported there).
    pub fn place<'v, T>(&self, first: &'v Val<T>, later: &'v Val<T>) -> (&'v Val<T>, &'v Val<T>) {
        let reported = |v: &Val<T>| v.span().is_some_and(|s| (self.reported)(s.file));
        if !reported(later) && reported(first) {
            (first, later)
        } else {
            (later, first)
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
            .map(move |&i| (i, &*model.entries[i]))
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

    /// The entries the rules start from (see [`scope`]).
    pub fn entries(&self) -> impl Iterator<Item = (usize, &'a AccessEntry)> {
        let scope = self.scope.as_ref().map(|s| &s.entries);
        self.all_entries()
            .filter(move |(i, _)| scope.is_none_or(|s| s[*i]))
    }

    /// Every entry, for what a rule looks up.
    pub fn all_entries(&self) -> impl Iterator<Item = (usize, &'a AccessEntry)> {
        self.model.entries.iter().map(|e| &**e).enumerate()
    }

    /// The associations the rules start from (see [`scope`]).
    pub fn associations(&self) -> impl Iterator<Item = (usize, &'a PolicyAssociation)> {
        let scope = self.scope.as_ref().map(|s| &s.associations);
        self.model
            .associations
            .iter()
            .map(|a| &**a)
            .enumerate()
            .filter(move |(i, _)| scope.is_none_or(|s| s[*i]))
    }

    pub fn entry_key(&self, entry: usize) -> Option<&ClusterKey> {
        self.bindings.entry(entry)
    }

    pub fn assoc_key(&self, assoc: usize) -> Option<&ClusterKey> {
        self.bindings.association(assoc)
    }

    /// The cluster an entry belongs to, when it is defined in the linted files.
    pub fn entry_cluster(&self, entry: usize) -> Option<&'a Cluster> {
        self.cluster(self.entry_key(entry)?)
    }

    /// The cluster a node role (managed node group, Fargate profile) belongs to.
    pub fn node_role_key(&self, node_role: usize) -> Option<&ClusterKey> {
        self.bindings.node_role(node_role)
    }

    /// The entry an association belongs to: its owner when inline, otherwise the entry of the
    /// same cluster with the same known principal.
    pub fn assoc_entry(&self, assoc: usize) -> Option<(usize, &'a AccessEntry)> {
        let a = &self.model.associations[assoc];
        if let Some(i) = a.inline_of {
            return Some((i, &self.model.entries[i]));
        }
        self.principal_entry(self.assoc_key(assoc)?, self.assoc_identity(assoc)?)
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

/// The `{{...}}` placeholders in the known parts of a text: from each `{{` (after the last one
/// taken) to the first `}}` after it. The `}}` found is kept for the `{{`s before it, so a part
/// is read once however many `{{` it holds.
pub(crate) fn placeholders(text: &Text) -> impl Iterator<Item = &str> {
    text.parts().iter().flat_map(|p| {
        let s = match p {
            crate::ir::Part::Lit(s) => s.as_str(),
            _ => "",
        };
        let mut close: Option<usize> = None;
        s.match_indices("{{").map_while(move |(open, _)| {
            if close.is_none_or(|c| c < open) {
                close = Some(open + s[open..].find("}}")?);
            }
            Some(&s[open..close? + 2])
        })
    })
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
    Diagnostic::new(rule, value.span, message).with_origin(&value.origin)
}

/// The fix that writes `value` where the offending string `v` is written (as a literal).
pub(crate) fn rewrite<T>(
    rule: &'static RuleMeta,
    v: &crate::ir::Spanned<T>,
    value: &str,
) -> Option<Fix> {
    let literal = v.written.literal?;
    let text = literal.write(value)?;
    Fix::new(
        rule,
        format!("Replace with {}", crate::diagnostic::quote(value)),
        [Edit::replace(literal.span, text)],
    )
}

/// The fix that removes the list item `v` where it is written.
pub(crate) fn remove_item<T>(
    rule: &'static RuleMeta,
    v: &crate::ir::Spanned<T>,
    title: &str,
) -> Option<Fix> {
    Fix::new(rule, title, [Edit::delete(v.written.item?)])
}
