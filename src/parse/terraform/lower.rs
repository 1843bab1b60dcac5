//! Lowers the EKS resources of a module instance into the IR: one IR object per `for_each` or
//! `count` instance, then the resources of the module calls. The aws-auth ConfigMap resources
//! are read by [`config_map`].

use super::config_map;
use super::eval::{
    Binding, Evaluator, META, Objects, Scope, deployer_key, instance_value, iterate,
};
use super::fields::Fields;
use super::instances::{self, InstanceKey};
use super::module::{Module, TopBlock};
use super::modules::{self, Keys};
use super::syntax::{Block, Body, Expr};
use super::value::{Placement, Sv, Value};
use crate::ir::{
    AccessEntry, Address, AuthMode, Capability, Cluster, ClusterLink, DeployTool, Insertion, Model,
    NodeRole, Ordering, PolicyAssociation, Refusal, RefusalKind, Tag, Text, Unit, UnknownField,
    UnknownHint, Val,
};
use crate::parse::budget::Cost;
use crate::source::Span;
use crate::threads::{PARTS_PER_THREAD, RESOURCES_PER_PART};
use hcl::edit::expr::{Expression, Traversal, TraversalOperator};
use hcl::edit::visit::{Visit, visit_traversal};
use rayon::prelude::*;
use std::cell::{Ref, RefCell};
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Deref;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering as AtomicOrdering};

/// Arguments of `aws_eks_access_entry` (provider schema).
const ENTRY_ARGS: &[&str] = &[
    "cluster_name",
    "principal_arn",
    "type",
    "user_name",
    "kubernetes_groups",
    "tags",
    "region",
];
/// Arguments of `aws_eks_access_policy_association`.
const ASSOC_ARGS: &[&str] = &[
    "cluster_name",
    "principal_arn",
    "policy_arn",
    "access_scope",
    "region",
];
/// Arguments of the `access_scope` block.
const SCOPE_ARGS: &[&str] = &["type", "namespaces"];
/// Arguments of the `access_config` block of `aws_eks_cluster`.
const ACCESS_CONFIG_ARGS: &[&str] = &[
    "authentication_mode",
    "bootstrap_cluster_creator_admin_permissions",
];

/// The Terraform AWS provider's entry type list lacks `HYPERPOD_LINUX`
/// (`internal/service/eks/consts.go`), so `terraform plan` refuses it.
const TERRAFORM: DeployTool = DeployTool {
    name: "the Terraform AWS provider",
    entry_types: Some(&[
        "EC2",
        "EC2_LINUX",
        "EC2_WINDOWS",
        "FARGATE_LINUX",
        "HYBRID_LINUX",
        "STANDARD",
    ]),
    refuses_cluster_scope_namespaces: false,
};

/// The resources read, besides the aws-auth ConfigMap's.
const RESOURCES: [&str; 6] = [
    "aws_eks_cluster",
    "aws_eks_access_entry",
    "aws_eks_access_policy_association",
    "aws_eks_capability",
    "aws_eks_node_group",
    "aws_eks_fargate_profile",
];

/// Reads the clusters, entries, associations, aws-auth mappings, capabilities and node roles
/// of a module instance and of the modules it calls.
pub fn lower(eval: &Evaluator, model: &mut Model) {
    let unit = tool_unit(eval, model);
    for (kind, name, top) in lowered(eval.module) {
        lower_resource(eval, &unit, kind, name, top, model);
    }
    modules::lower_children(eval, model);
}

/// The resources of a module that lowering reads, in order.
fn lowered(module: &Module) -> impl Iterator<Item = (&str, &str, &TopBlock)> {
    module
        .resources()
        .filter(|(kind, _, _)| RESOURCES.contains(kind) || config_map::RESOURCES.contains(kind))
}

/// Into how many parts a root module is lowered by [`lower_in_parts`] on the lint threads:
/// one (it is lowered whole) when it calls a module, or when its resources are too few to
/// share among the threads.
pub fn parts(module: &Module) -> usize {
    if module.calls().next().is_some() {
        return 1;
    }
    let threads = rayon::current_num_threads();
    if threads < 2 {
        return 1;
    }
    let resources = lowered(module).count();
    (resources / RESOURCES_PER_PART).clamp(1, threads * PARTS_PER_THREAD)
}

/// Lowers a root module that calls no module in `parts` runs of its resources, in order, each
/// on a lint thread with an evaluator of its own (from `new_eval`) and a `parts`th of the
/// module's steps, and appends the parts' models in order. False, with `model` untouched, when
/// a part was refused a step or a level of nesting (the other parts stop then): only lowering
/// it whole tells what its values are (a module made to exhaust its steps takes at most twice
/// them).
///
/// Otherwise the model is the one lowering it whole gives. A part evaluates what it reads that
/// another part evaluated (a local, another part's entry) again where lowering it whole would
/// read it as kept; that never takes fewer steps or less nesting, so what no part was refused,
/// within the module's steps together, lowering it whole is not refused either, and each value
/// is computed in full both ways.
pub fn lower_in_parts<'p>(
    module: &'p Module,
    new_eval: &(dyn Fn() -> Evaluator<'p> + Sync),
    parts: usize,
    model: &mut Model,
) -> bool {
    debug_assert!(
        module.calls().next().is_none(),
        "a module call is lowered whole"
    );
    let resources: Vec<_> = lowered(module).collect();
    let size = resources.len().div_ceil(parts.max(1)).max(1);
    // One part at least: a module without resources still has its unit's tool.
    let mut runs: Vec<&[_]> = resources.chunks(size).collect();
    if runs.is_empty() {
        runs.push(&[]);
    }
    let shares = runs.len();
    // Set once a part is refused: the others stop at their next resource.
    let declined = AtomicBool::new(false);
    let lowered: Option<Vec<Model>> = runs
        .into_par_iter()
        .map(|part| {
            let eval = new_eval();
            eval.budget().share(shares);
            let mut model = Model::default();
            let unit = tool_unit(&eval, &mut model);
            for &(kind, name, top) in part {
                if declined.load(AtomicOrdering::Relaxed) {
                    return None;
                }
                lower_resource(&eval, &unit, kind, name, top, &mut model);
                if eval.budget().refused_any() {
                    declined.store(true, AtomicOrdering::Relaxed);
                    return None;
                }
            }
            Some(model)
        })
        .collect();
    let Some(lowered) = lowered else {
        return false;
    };
    model.reserve_for(lowered.iter());
    for part in lowered {
        model.extend(part);
    }
    true
}

/// Lowers one resource of a module instance, each of its instances.
fn lower_resource(
    eval: &Evaluator,
    unit: &Unit,
    kind: &str,
    name: &str,
    top: &TopBlock,
    model: &mut Model,
) {
    let block: &Block = top;
    let root = Scope::default();
    // The entries other resources read (`principal_arn`, `for_each`) are kept as lowering
    // evaluates them, not evaluated again (see `Evaluator::keep_lowered`).
    let expand = || instances::expand(eval, &block.body, &root);
    let (instances, mut keeping) = if kind == "aws_eks_access_entry" {
        let (expansion, cost) = eval.budget().measure(expand);
        let (keys, instances) = expansion.into_instances();
        (instances, Some(Keeping::new(block, keys, cost)))
    } else {
        (expand().into_instances().1, None)
    };
    let ordering =
        (kind == "aws_eks_access_policy_association").then(|| OrderingIndex::new(eval, top));
    for (key, bindings) in instances {
        let item = modules::item_anchor(&bindings);
        let scope = root.with(bindings);
        let r = Res {
            eval,
            unit,
            block,
            scope: &scope,
            name,
            key: key.as_ref().map_or(String::new(), InstanceKey::address),
            item,
            arguments: keeping.as_ref().map(|_| RefCell::default()),
            last_written: keeping.as_ref().and_then(|k| k.last_written),
        };
        match kind {
            "aws_eks_cluster" => model.clusters.push(r.cluster()),
            "aws_eks_access_entry" => model.push_entry(r.entry()),
            "aws_eks_capability" => model.capabilities.push(r.capability()),
            "aws_eks_node_group" => model.node_roles.push(r.node_role("node_role_arn")),
            "aws_eks_fargate_profile" => {
                model.node_roles.push(r.node_role("pod_execution_role_arn"))
            }
            "aws_eks_access_policy_association" => {
                if let Some(o) = &ordering {
                    let (association, refusal) = r.association(o);
                    model.push_association(association);
                    model.refusals.extend(refusal);
                }
            }
            _ => config_map::resource(eval, block, &scope, unit, model),
        }
        if let (Some(keeping), Some(arguments)) = (&mut keeping, r.arguments) {
            keeping.instance(kind, key, arguments.into_inner());
        }
    }
    if let Some(keeping) = keeping {
        keeping.keep(eval, kind, name);
    }
}

/// What lowering a resource evaluated, to keep as its value (see `Evaluator::keep_lowered`).
struct Keeping<'b> {
    block: &'b Block,
    /// How many arguments it has (all but the meta-arguments).
    written: usize,
    /// Its argument written last, when every argument is in native syntax: evaluating the
    /// resource again at the outermost level starts a value for the expansion and for each
    /// argument, in order, and ends with that argument of the last instance.
    last_written: Option<&'b str>,
    keys: Keys,
    cost: Cost,
    /// The steps of the last value evaluated at the outermost level (see `Budget::replay`).
    last: Option<usize>,
    objects: Vec<(Option<InstanceKey>, Sv)>,
}

impl<'b> Keeping<'b> {
    /// Starts with the expansion and what it took.
    fn new(block: &'b Block, keys: Keys, cost: Cost) -> Keeping<'b> {
        let attrs = &block.body.attrs;
        let native = attrs.iter().all(|a| matches!(a.value, Expr::Native { .. }));
        let expanded = block.body.attr("for_each").is_some() || block.body.attr("count").is_some();
        let arguments = || attrs.iter().filter(|a| !META.contains(&a.name.as_str()));
        Keeping {
            block,
            written: arguments().count(),
            last_written: arguments()
                .next_back()
                .map(|a| a.name.as_str())
                .filter(|_| native),
            keys,
            cost,
            last: (native && expanded).then_some(cost.steps),
            objects: Vec::new(),
        }
    }

    /// Adds an instance's arguments. Of unknown keys, the resource is unknown: its arguments
    /// are not part of it.
    fn instance(&mut self, kind: &str, key: Option<InstanceKey>, arguments: Arguments) {
        if self.keys == Keys::Unknown {
            return;
        }
        self.cost.add(arguments.cost);
        self.cost.unknown |= arguments.attrs.len() != self.written;
        if self.last_written.is_some() {
            self.last = arguments.last;
        }
        let object = instance_value(kind, self.block, arguments.attrs);
        self.objects.push((key, object));
    }

    /// Keeps the resource's value.
    fn keep(self, eval: &Evaluator, kind: &str, name: &str) {
        let objects = Objects {
            keys: self.keys,
            objects: self.objects,
        };
        eval.keep_lowered(kind, name, self.block, objects, self.cost, self.last);
    }
}

/// The arguments that lowering one instance of a resource evaluated, with what evaluating them
/// took: the instance as other resources see it, when they are all its arguments.
#[derive(Default)]
struct Arguments {
    attrs: Fields,
    cost: Cost,
    /// The steps of the argument written last, evaluated in native syntax.
    last: Option<usize>,
}

/// A value lowering evaluated: its own, or one kept among the instance's [`Arguments`].
enum Evaluated<'a> {
    Own(Sv),
    Kept(Ref<'a, Sv>),
}

impl Deref for Evaluated<'_> {
    type Target = Sv;

    fn deref(&self) -> &Sv {
        match self {
            Evaluated::Own(v) => v,
            Evaluated::Kept(v) => v,
        }
    }
}

/// The deployment unit of a module instance (its root module, with every module it calls),
/// with Terraform recorded in `model` as its deploying tool.
fn tool_unit(eval: &Evaluator, model: &mut Model) -> Unit {
    let unit = Unit::new(["terraform:", &*eval.frame.root_dir.to_string_lossy()].concat());
    model.tools.insert(unit.clone(), TERRAFORM);
    unit
}

/// One instance of a resource being lowered.
struct Res<'a, 'p> {
    eval: &'a Evaluator<'p>,
    unit: &'a Unit,
    block: &'a Block,
    scope: &'a Scope<'a>,
    name: &'a str,
    /// The instance key as in an address (`["admin"]`, `[0]`), or empty.
    key: String,
    /// In a module instance, where the call passed the `for_each` item this instance was made
    /// from (`admins` in `access_entries = { admins = {...} }`).
    item: Option<Span>,
    /// When kept: the resource's arguments evaluated so far.
    arguments: Option<RefCell<Arguments>>,
    /// When kept, of a resource written in native syntax: its argument written last.
    last_written: Option<&'a str>,
}

impl Res<'_, '_> {
    fn place(&self) -> &Placement {
        &self.eval.placement
    }

    fn header(&self) -> Span {
        match self.place() {
            Placement::Root => self.block.header,
            place @ Placement::Module { .. } => {
                self.item.unwrap_or_else(|| place.header(self.block.header))
            }
        }
    }

    fn value(&self, body: &Body, name: &str) -> Option<Evaluated<'_>> {
        let attr = body.attr(name)?;
        let Some(arguments) = self
            .arguments
            .as_ref()
            .filter(|_| std::ptr::eq(body, &self.block.body))
        else {
            return Some(Evaluated::Own(self.eval.eval(&attr.value, self.scope)));
        };
        let (v, cost) = self
            .eval
            .budget()
            .measure(|| self.eval.eval(&attr.value, self.scope));
        let mut kept = arguments.borrow_mut();
        kept.cost.add(cost);
        if self.last_written == Some(name) {
            kept.last = Some(cost.steps);
        }
        // Evaluated twice, it cost more than evaluating the instance does.
        let twice = kept.attrs.insert(name.to_string(), (attr.key, v)).is_some();
        kept.cost.unknown |= twice;
        drop(kept);
        Some(Evaluated::Kept(Ref::map(arguments.borrow(), |a| {
            &a.attrs[name].1
        })))
    }

    fn text(&self, body: &Body, name: &str) -> Val<Text> {
        self.value(body, name)
            .map_or(Val::Absent, |v| self.place().text(&v))
    }

    fn cluster_link(&self) -> ClusterLink {
        match self.value(&self.block.body, "cluster_name") {
            Some(v) => ClusterLink {
                name: self.place().text(&v),
                reference: v.reference.as_ref().map(|r| r.key()),
            },
            None => ClusterLink::default(),
        }
    }

    /// `principal_arn`; the identity that runs Terraform is the unit's deployer.
    fn principal(&self, body: &Body) -> Val<Text> {
        let Some(v) = self.value(body, "principal_arn") else {
            return Val::Absent;
        };
        match (
            self.place().text(&v),
            deployer(&v, &self.eval.frame.root_dir),
        ) {
            (Val::Unknown { span, .. }, Some(caller_identity)) => Val::Unknown {
                span,
                hint: Some(UnknownHint::Deployer {
                    unit: self.unit.clone(),
                    caller_identity,
                }),
            },
            (principal, _) => principal,
        }
    }

    fn capability(&self) -> Capability {
        Capability {
            unit: self.unit.clone(),
            header: self.header(),
            cluster: self.cluster_link(),
            role: self.text(&self.block.body, "role_arn"),
        }
    }

    fn node_role(&self, attribute: &str) -> NodeRole {
        NodeRole {
            unit: self.unit.clone(),
            header: self.header(),
            cluster: self.cluster_link(),
            role: self.text(&self.block.body, attribute),
        }
    }

    fn cluster(&self) -> Cluster {
        let body = &self.block.body;
        let access = body.blocks("access_config").next();
        // Written as an argument, the block is refused (EKS004): what it sets is not known.
        if let (None, Some(attr)) = (access, body.attr("access_config")) {
            let span = self.place().header(attr.key);
            return Cluster {
                auth_mode: Val::unknown(span),
                access_config: Some(span),
                bootstrap_admin: Val::unknown(span),
                ..self.cluster_with(None)
            };
        }
        self.cluster_with(access)
    }

    fn cluster_with(&self, access: Option<&Block>) -> Cluster {
        let body = &self.block.body;
        let compute = body.blocks("compute_config").next();
        let remote = body.blocks("remote_network_config").next();
        Cluster {
            unit: self.unit.clone(),
            header: self.header(),
            name: self.text(body, "name"),
            reference: Some(
                [&*self.eval.unit, "::aws_eks_cluster.", self.name, &self.key].concat(),
            ),
            role_arn: self.text(body, "role_arn"),
            auth_mode: access.map_or(Val::Absent, |b| self.text(&b.body, "authentication_mode")),
            access_config: access.map(|b| self.place().header(b.ident_span)),
            default_auth_mode: AuthMode::ConfigMap,
            bootstrap_admin: access
                .and_then(|b| self.value(&b.body, "bootstrap_cluster_creator_admin_permissions"))
                .map_or(Val::Absent, |v| self.place().bool(&v)),
            auto_mode: compute
                .and_then(|b| self.value(&b.body, "enabled"))
                .map_or(Val::Absent, |v| self.place().bool(&v)),
            remote_network: remote.map(|b| self.place().header(b.ident_span)),
            unknown_fields: access.map_or_else(Vec::new, |b| {
                unknown_fields(&b.body, ACCESS_CONFIG_ARGS, false)
            }),
        }
    }

    fn entry(&self) -> AccessEntry {
        let body = &self.block.body;
        AccessEntry {
            unit: self.unit.clone(),
            header: self.header(),
            cluster: self.cluster_link(),
            principal: self.principal(body),
            entry_type: self.text(body, "type"),
            username: self.text(body, "user_name"),
            groups: self
                .value(body, "kubernetes_groups")
                .map_or(Val::Absent, |v| self.place().text_list(&v)),
            tags: self
                .value(body, "tags")
                .map_or(Val::Absent, |v| self.tags(&v)),
            inline_policies: None,
            address: Some(Address {
                module: self.eval.unit.clone(),
                resource: ["aws_eks_access_entry.", self.name, &self.key].concat(),
            }),
            unknown_fields: unknown_fields(body, ENTRY_ARGS, true),
        }
    }

    fn tags(&self, v: &Sv) -> Val<Vec<Tag>> {
        let Value::Object(map) = &v.value else {
            return match v.value {
                Value::Null => Val::Absent,
                _ => Val::unknown(self.place().locate(v).0),
            };
        };
        let tags = map
            .iter()
            .map(|(k, (key_span, value))| {
                let mut key = Sv::string(k.as_str(), *key_span);
                key.origin = v.origin.clone();
                key.anchor = value.anchor.or(v.anchor);
                Tag {
                    key: self.place().text(&key),
                    value: self.place().text(value),
                }
            })
            .collect();
        let (span, origin) = self.place().locate(v);
        Val::Known(crate::ir::Spanned::new(tags, span).with_origin(origin))
    }

    /// The association, and the refusal of a `dynamic` block that generates several scopes.
    fn association(&self, ordering: &OrderingIndex) -> (PolicyAssociation, Option<Refusal>) {
        let body = &self.block.body;
        let mut unknown = unknown_fields(body, ASSOC_ARGS, true);
        let (scope, refusal) = self.access_scope(&mut unknown);
        let principal = self.principal(body);
        let after = ordering.after(principal.str().map(|(p, _)| p));
        let association = PolicyAssociation {
            unit: self.unit.clone(),
            header: self.header(),
            cluster: self.cluster_link(),
            principal,
            policy_arn: self.text(body, "policy_arn"),
            scope: scope.span,
            scope_type: scope.scope_type,
            namespaces: scope.namespaces,
            inline_of: None,
            ordering: Some(Ordering {
                module: self.eval.unit.clone(),
                after,
                depends_on: ordering.depends_on.clone(),
            }),
            unknown_fields: unknown,
        };
        (association, refusal)
    }

    /// The `access_scope` block, written or generated by a `dynamic` block (with the refusal
    /// of a `dynamic` block that generates several). Written as an argument, or more than
    /// once, the block is refused (EKS004) and its content is not known.
    fn access_scope(&self, unknown: &mut Vec<UnknownField>) -> (AccessScope, Option<Refusal>) {
        let body = &self.block.body;
        if let Some(s) = body.blocks("access_scope").next() {
            unknown.extend(unknown_fields(&s.body, SCOPE_ARGS, false));
            let header = self.place().header(s.ident_span);
            if body.blocks("access_scope").nth(1).is_some() {
                return (AccessScope::unknown(header), None);
            }
            return (self.scope_from(&s.body, self.scope, header), None);
        }
        if let Some(attr) = body.attr("access_scope") {
            return (AccessScope::unknown(self.place().header(attr.key)), None);
        }
        let Some(dynamic) = body
            .blocks("dynamic")
            .find(|b| b.labels.first().is_some_and(|l| l == "access_scope"))
        else {
            return (AccessScope::default(), None);
        };
        let header = self.place().header(dynamic.header);
        let Some(content) = dynamic.body.blocks("content").next() else {
            return (AccessScope::unknown(header), None);
        };
        unknown.extend(unknown_fields(&content.body, SCOPE_ARGS, false));
        let iterator = dynamic
            .iterator()
            .unwrap_or_else(|| "access_scope".to_string());
        let Some(for_each) = self.value(&dynamic.body, "for_each") else {
            return (AccessScope::unknown(header), None);
        };
        let Some(items) = iterate(&for_each) else {
            return (AccessScope::unknown(header), None);
        };
        if items.len() > 1 {
            // One block per item: the schema allows one (in a module, reported where the
            // items were passed).
            let at = match self.place() {
                Placement::Root => dynamic.header,
                place => place.locate(&for_each).0,
            };
            let refusal = Refusal {
                kind: RefusalKind::TooManyBlocks {
                    block: "access_scope".into(),
                    max: 1,
                    generated: Some(items.len()),
                },
                span: at,
                related: None,
            };
            return (AccessScope::unknown(header), Some(refusal));
        }
        let Some((key, value)) = items.into_iter().next() else {
            return (AccessScope::default(), None);
        };
        let origin = format!(
            "from the `dynamic` item `{}`",
            key.as_str().map_or_else(
                || instances::key_of(&key).map_or(String::new(), |k| k.name()),
                str::to_string
            )
        );
        let binding = Binding {
            name: iterator,
            origin: Some(origin.into()),
            value: Sv::new(
                Value::object(Fields::from([
                    ("key".to_string(), (key.span, key.clone())),
                    ("value".to_string(), (value.span, value.clone())),
                ])),
                for_each.span,
            ),
        };
        let inner = self.scope.with(vec![binding]);
        (self.scope_from(&content.body, &inner, header), None)
    }

    fn scope_from(&self, body: &Body, scope: &Scope, span: Span) -> AccessScope {
        let value = |name| body.attr(name).map(|a| self.eval.eval(&a.value, scope));
        AccessScope {
            span: Some(span),
            scope_type: value("type").map_or(Val::Absent, |v| self.place().text(&v)),
            namespaces: value("namespaces").map_or(Val::Absent, |v| self.place().text_list(&v)),
        }
    }
}

/// Whether a value is the ARN of the identity that runs Terraform for the root module in `root`:
/// `Some(Some(name))` for the caller itself (`data.aws_caller_identity.<name>.arn`), `Some(None)`
/// for the IAM role or user behind its session (the issuer of a session context of the caller).
fn deployer(v: &Sv, root: &std::path::Path) -> Option<Option<String>> {
    match &v.value {
        Value::Unknown(Some(UnknownHint::CallerIdentityArn { source_name })) => {
            Some(Some(source_name.clone()))
        }
        Value::Unknown(_) => (v.reference.as_ref()?.key() == deployer_key(root)).then_some(None),
        _ => None,
    }
}

/// The parts of an access scope.
#[derive(Default)]
struct AccessScope {
    span: Option<Span>,
    scope_type: Val<Text>,
    namespaces: Val<Vec<Val<Text>>>,
}

impl AccessScope {
    /// A scope that is there but cannot be known.
    fn unknown(span: Span) -> AccessScope {
        AccessScope {
            span: Some(span),
            scope_type: Val::unknown(span),
            namespaces: Val::unknown(span),
        }
    }
}

/// Which access entries an association resource is ordered after. Terraform orders a resource
/// after every instance of each resource it references (in any argument, `depends_on`, or
/// through locals), so the instances that matter are those with the association's principal.
struct OrderingIndex {
    /// `aws_eks_access_entry.<name>` of each referenced entry resource.
    bases: Vec<Arc<str>>,
    /// The instance addresses of the referenced entries, by principal ARN.
    by_principal: BTreeMap<String, Vec<Arc<str>>>,
    /// Where the resource's `depends_on` takes an address.
    depends_on: Option<Arc<Insertion>>,
}

impl OrderingIndex {
    fn new(eval: &Evaluator, block: &TopBlock) -> OrderingIndex {
        let referenced = block
            .references
            .get_or_init(|| Referenced::of_body(&block.body));
        let mut names = referenced.entries.clone();
        let mut locals = referenced.locals.clone();
        let mut pending: Vec<String> = locals.iter().cloned().collect();
        while let Some(local) = pending.pop() {
            if let Some(attr) = eval.module.local(&local) {
                let mut more = BTreeSet::new();
                collect_expr(&attr.value, &mut names, &mut more);
                for l in more {
                    if locals.insert(l.clone()) {
                        pending.push(l);
                    }
                }
            }
        }
        let mut by_principal: BTreeMap<String, Vec<Arc<str>>> = BTreeMap::new();
        for name in &names {
            let Some(entry) = eval.module.resource("aws_eks_access_entry", name) else {
                continue;
            };
            if entry.body.attr("for_each").is_none() && entry.body.attr("count").is_none() {
                continue;
            }
            let value = eval.resource_value("aws_eks_access_entry", name);
            let instances: Vec<(String, &Sv)> = match &value.value {
                Value::Object(map) => map
                    .iter()
                    .map(|(k, (_, v))| (instances::key_address(k), v))
                    .collect(),
                Value::List(items) => items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| (InstanceKey::Index(i).address(), v))
                    .collect(),
                _ => Vec::new(),
            };
            for (key, instance) in instances {
                let Value::Object(attrs) = &instance.value else {
                    continue;
                };
                if let Some(p) = attrs.get("principal_arn").and_then(|(_, v)| v.as_str()) {
                    by_principal
                        .entry(p.to_string())
                        .or_default()
                        .push(["aws_eks_access_entry.", name, &key].concat().into());
                }
            }
        }
        OrderingIndex {
            bases: names
                .iter()
                .map(|n| ["aws_eks_access_entry.", n].concat().into())
                .collect(),
            by_principal,
            depends_on: depends_on(block).map(Arc::new),
        }
    }

    fn after(&self, principal: Option<&str>) -> Vec<Arc<str>> {
        let mut out = self.bases.clone();
        if let Some(found) = principal.and_then(|p| self.by_principal.get(p)) {
            out.extend(found.iter().cloned());
        }
        out
    }
}

/// The names of the access entries (`aws_eks_access_entry.<name>`) and of the locals
/// (`local.<name>`) a block references: kept beside the block (see [`TopBlock`]), since a block
/// that did not change references what it did.
#[derive(Debug, Default)]
pub struct Referenced {
    entries: BTreeSet<String>,
    locals: BTreeSet<String>,
}

impl Referenced {
    fn of_body(body: &Body) -> Referenced {
        let mut found = Referenced::default();
        collect_body(body, &mut found.entries, &mut found.locals);
        found
    }
}

fn collect_body(body: &Body, names: &mut BTreeSet<String>, locals: &mut BTreeSet<String>) {
    for a in &body.attrs {
        collect_expr(&a.value, names, locals);
    }
    for b in &body.blocks {
        collect_body(&b.body, names, locals);
    }
}

fn collect_expr(expr: &Expr, names: &mut BTreeSet<String>, locals: &mut BTreeSet<String>) {
    match expr {
        Expr::Native { expr, .. } => {
            let mut refs = References { names, locals };
            refs.visit_expr(expr);
        }
        Expr::List { items, .. } => items.iter().for_each(|e| collect_expr(e, names, locals)),
        Expr::Map { items, .. } => items
            .iter()
            .for_each(|(_, _, e)| collect_expr(e, names, locals)),
        Expr::Literal(_) => {}
    }
}

/// Collects `aws_eks_access_entry.<name>` and `local.<name>` references.
struct References<'a> {
    names: &'a mut BTreeSet<String>,
    locals: &'a mut BTreeSet<String>,
}

impl Visit for References<'_> {
    fn visit_traversal(&mut self, node: &Traversal) {
        if let (Expression::Variable(root), Some(first)) = (&node.expr, node.operators.first())
            && let TraversalOperator::GetAttr(name) = first.value()
        {
            match root.as_str() {
                "aws_eks_access_entry" => {
                    self.names.insert(name.as_str().to_string());
                }
                "local" => {
                    self.locals.insert(name.as_str().to_string());
                }
                _ => {}
            }
        }
        visit_traversal(self, node);
    }
}

/// Where an address is added to the `depends_on` of a resource: after the last item of its
/// list (or inside the empty list), or in a new `depends_on` line at the top of the body.
fn depends_on(block: &Block) -> Option<Insertion> {
    let Some(attr) = block.body.attr("depends_on") else {
        let line = block.body_line.as_ref()?;
        return Some(Insertion {
            at: line.at,
            before: format!("{}depends_on = [", line.indent),
            after: format!("]{}", line.eol),
        });
    };
    let Expr::Native {
        expr, file, base, ..
    } = &attr.value
    else {
        return None;
    };
    let Expression::Array(items) = expr else {
        return None;
    };
    let list = super::syntax::native_span(*file, *base, expr);
    let (at, before) = match items.iter().last() {
        Some(last) => (super::syntax::native_span(*file, *base, last).end, ", "),
        None if list.end > list.start => (list.start + 1, ""),
        None => return None,
    };
    Some(Insertion {
        at: Span::new(*file, at as usize, at as usize),
        before: before.to_string(),
        after: String::new(),
    })
}

/// Attributes and blocks of a body that are not in `expected` (nor meta-arguments).
fn unknown_fields(body: &Body, expected: &'static [&'static str], meta: bool) -> Vec<UnknownField> {
    let known = |name: &str| {
        expected.contains(&name) || (meta && (META.contains(&name) || name == "dynamic"))
    };
    let fields = || {
        let attrs = body.attrs.iter().map(|a| (&a.name, a.key, a.key_literal));
        attrs.chain(
            body.blocks
                .iter()
                .map(|b| (&b.ident, b.ident_span, b.ident_literal)),
        )
    };
    // Most bodies have none: the names of the others are gathered only for one that has.
    if fields().all(|(name, _, _)| known(name)) {
        return Vec::new();
    }
    fields()
        .filter(|(name, _, _)| !known(name))
        .map(|(name, span, literal)| UnknownField {
            name: name.clone(),
            span,
            expected,
            literal,
            siblings: fields()
                .map(|(n, _, _)| n)
                .filter(|n| *n != name)
                .cloned()
                .collect(),
        })
        .collect()
}
