//! Lowers the EKS resources of a Terraform module into the IR.

use super::eval::Evaluator;
use super::module::{Module, Resource, header_span, span_of};
use super::value::{Sv, Value};
use crate::ir::{
    AccessEntry, Address, AuthMode, Cluster, ClusterLink, Model, Ordering, PolicyAssociation, Tag,
    UnknownField, Val,
};
use crate::source::FileId;
use hcl::edit::expr::{Expression, TraversalOperator};
use hcl::edit::structure::{Block, Body};

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
/// Meta-arguments and blocks every resource accepts.
const META: &[&str] = &[
    "for_each",
    "count",
    "depends_on",
    "provider",
    "lifecycle",
    "timeouts",
    "provisioner",
    "connection",
];

/// Reads the clusters, entries and associations of a module.
pub fn lower(module: &Module) -> Model {
    let eval = Evaluator::new(module);
    let mut model = Model::default();
    for r in module.resources() {
        match r.kind {
            "aws_eks_cluster" => model.clusters.push(cluster(module, &eval, &r)),
            "aws_eks_access_entry" => model.entries.push(entry(module, &eval, &r)),
            "aws_eks_access_policy_association" => {
                model.associations.push(association(module, &eval, &r))
            }
            _ => {}
        }
    }
    model
}

/// Evaluates an attribute of a body; absent when the attribute is not written.
fn attr(eval: &Evaluator, file: FileId, body: &Body, name: &str) -> Option<Sv> {
    body.get_attribute(name).map(|a| eval.eval(&a.value, file))
}

fn text(eval: &Evaluator, file: FileId, body: &Body, name: &str) -> Val<crate::ir::Text> {
    attr(eval, file, body, name).map_or(Val::Absent, |v| v.to_text())
}

/// Attributes and blocks of a body that are not in `expected` (nor meta-arguments).
fn unknown_fields(
    file: FileId,
    body: &Body,
    expected: &'static [&'static str],
    meta: bool,
) -> Vec<UnknownField> {
    let known = |name: &str| {
        expected.contains(&name) || (meta && (META.contains(&name) || name == "dynamic"))
    };
    let attrs = body
        .attributes()
        .filter(|a| !known(a.key.as_str()))
        .map(|a| UnknownField {
            name: a.key.as_str().to_string(),
            span: span_of(file, &a.key),
            expected,
        });
    let blocks = body
        .blocks()
        .filter(|b| !known(b.ident.as_str()))
        .map(|b| UnknownField {
            name: b.ident.as_str().to_string(),
            span: span_of(file, &b.ident),
            expected,
        });
    attrs.chain(blocks).collect()
}

/// The cluster a `cluster_name` argument points at: its value, and a reference key.
fn cluster_link(module: &Module, eval: &Evaluator, r: &Resource) -> ClusterLink {
    let Some(a) = r.block.body.get_attribute("cluster_name") else {
        return ClusterLink::default();
    };
    ClusterLink {
        name: eval.eval(&a.value, r.file).to_text(),
        reference: reference_key(module, &a.value),
    }
}

/// A key naming what an expression refers to: `unit::aws_eks_cluster.main` for its `name` or `id`,
/// otherwise the unit and the expression's text, for traversals only.
fn reference_key(module: &Module, expr: &Expression) -> Option<String> {
    let expr = match expr {
        Expression::Parenthesis(p) => p.inner(),
        e => e,
    };
    let Expression::Traversal(t) = expr else {
        return None;
    };
    let Expression::Variable(root) = &t.expr else {
        return None;
    };
    let mut path = vec![root.as_str().to_string()];
    for op in &t.operators {
        match op.value() {
            TraversalOperator::GetAttr(id) => path.push(id.as_str().to_string()),
            _ => return None,
        }
    }
    if path.len() == 3 && path[0] == "aws_eks_cluster" && (path[2] == "name" || path[2] == "id") {
        path.truncate(2);
    }
    Some(format!("{}::{}", module.unit, path.join(".")))
}

fn cluster(module: &Module, eval: &Evaluator, r: &Resource) -> Cluster {
    let body = &r.block.body;
    let access = body.get_blocks("access_config").next();
    let compute = body.get_blocks("compute_config").next();
    let remote = body.get_blocks("remote_network_config").next();
    Cluster {
        header: header_span(r.file, r.block),
        name: text(eval, r.file, body, "name"),
        reference: Some(format!("{}::aws_eks_cluster.{}", module.unit, r.name)),
        role_arn: text(eval, r.file, body, "role_arn"),
        auth_mode: access.map_or(Val::Absent, |b| {
            text(eval, r.file, &b.body, "authentication_mode")
        }),
        access_config: access.map(|b| span_of(r.file, &b.ident)),
        default_auth_mode: AuthMode::ConfigMap,
        bootstrap_admin: access
            .and_then(|b| {
                attr(
                    eval,
                    r.file,
                    &b.body,
                    "bootstrap_cluster_creator_admin_permissions",
                )
            })
            .map_or(Val::Absent, |v| v.to_bool()),
        auto_mode: compute
            .and_then(|b| attr(eval, r.file, &b.body, "enabled"))
            .map_or(Val::Absent, |v| v.to_bool()),
        remote_network: remote.map(|b| span_of(r.file, &b.ident)),
        unknown_fields: access.map_or_else(Vec::new, |b| {
            unknown_fields(r.file, &b.body, ACCESS_CONFIG_ARGS, false)
        }),
    }
}

fn entry(module: &Module, eval: &Evaluator, r: &Resource) -> AccessEntry {
    let body = &r.block.body;
    AccessEntry {
        header: header_span(r.file, r.block),
        cluster: cluster_link(module, eval, r),
        principal: text(eval, r.file, body, "principal_arn"),
        entry_type: text(eval, r.file, body, "type"),
        username: text(eval, r.file, body, "user_name"),
        groups: attr(eval, r.file, body, "kubernetes_groups")
            .map_or(Val::Absent, |v| v.to_text_list()),
        tags: attr(eval, r.file, body, "tags").map_or(Val::Absent, |v| tags(&v)),
        inline_policies: None,
        address: Some(Address {
            unit: module.unit.clone(),
            resource: format!("aws_eks_access_entry.{}", r.name),
        }),
        unknown_fields: unknown_fields(r.file, body, ENTRY_ARGS, true),
    }
}

fn tags(v: &Sv) -> Val<Vec<Tag>> {
    match &v.value {
        Value::Null => Val::Absent,
        Value::Object(map) => Val::Known(crate::ir::Spanned {
            value: map
                .iter()
                .map(|(k, (key_span, value))| Tag {
                    key: Val::known(crate::ir::Text::lit(k.as_str()), *key_span),
                    value: value.to_text(),
                })
                .collect(),
            span: v.span,
            origin: v.origin.clone(),
        }),
        _ => Val::unknown(v.span),
    }
}

fn association(module: &Module, eval: &Evaluator, r: &Resource) -> PolicyAssociation {
    let body = &r.block.body;
    let scope: Option<&Block> = body.get_blocks("access_scope").next();
    let mut unknown = unknown_fields(r.file, body, ASSOC_ARGS, true);
    if let Some(s) = scope {
        unknown.extend(unknown_fields(r.file, &s.body, SCOPE_ARGS, false));
    }
    let principal = body.get_attribute("principal_arn");
    let mut after: Vec<String> = principal.map_or_else(Vec::new, |a| entry_references(&a.value));
    if let Some(deps) = body.get_attribute("depends_on") {
        after.extend(entry_references(&deps.value));
    }
    PolicyAssociation {
        header: header_span(r.file, r.block),
        cluster: cluster_link(module, eval, r),
        principal: text(eval, r.file, body, "principal_arn"),
        policy_arn: text(eval, r.file, body, "policy_arn"),
        scope: scope.map(|s| span_of(r.file, &s.ident)),
        scope_type: scope.map_or(Val::Absent, |s| text(eval, r.file, &s.body, "type")),
        namespaces: scope
            .and_then(|s| attr(eval, r.file, &s.body, "namespaces"))
            .map_or(Val::Absent, |v| v.to_text_list()),
        inline_of: None,
        ordering: Some(Ordering {
            unit: module.unit.clone(),
            after,
        }),
        unknown_fields: unknown,
    }
}

/// The `aws_eks_access_entry.<name>` addresses an expression refers to, anywhere inside it.
fn entry_references(expr: &Expression) -> Vec<String> {
    let mut out = Vec::new();
    collect_entry_references(expr, &mut out);
    out
}

fn collect_entry_references(expr: &Expression, out: &mut Vec<String>) {
    match expr {
        Expression::Traversal(t) => {
            if let (Expression::Variable(root), Some(first)) = (&t.expr, t.operators.first())
                && let (true, TraversalOperator::GetAttr(name)) =
                    (root.as_str() == "aws_eks_access_entry", first.value())
            {
                out.push(format!("aws_eks_access_entry.{}", name.as_str()));
            }
            collect_entry_references(&t.expr, out);
        }
        Expression::Array(items) => items.iter().for_each(|e| collect_entry_references(e, out)),
        Expression::Parenthesis(p) => collect_entry_references(p.inner(), out),
        Expression::StringTemplate(t) => {
            for el in t.iter() {
                if let hcl::edit::template::Element::Interpolation(i) = el {
                    collect_entry_references(&i.expr, out);
                }
            }
        }
        Expression::Conditional(c) => {
            for e in [&c.cond_expr, &c.true_expr, &c.false_expr] {
                collect_entry_references(e, out);
            }
        }
        Expression::FuncCall(f) => f.args.iter().for_each(|e| collect_entry_references(e, out)),
        _ => {}
    }
}
