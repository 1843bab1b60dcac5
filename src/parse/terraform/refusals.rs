//! What Terraform itself refuses in the access resources (`aws_eks_access_entry`,
//! `aws_eks_access_policy_association`, the `access_config` of `aws_eks_cluster`) and in the
//! module calls that feed them, checked once on each module's written blocks, whatever their
//! `count` or `for_each` evaluate to; and the `dynamic` blocks of those resources whose content
//! reads the iterator object where its value is meant.

use super::module::Module;
use super::modules::normalize;
use super::project::Project;
use super::registry::{self, Resolved};
use super::syntax::{Block, Body, Expr, native_span};
use crate::ir::{IteratorRead, Model, Refusal, RefusalKind};
use crate::source::{FileId, Span};
use crate::trust::Boundary;
use hcl::edit::expr::{Expression, ForExpr, TraversalOperator};
use hcl::edit::template::ForDirective;
use hcl::edit::visit::{Visit, visit_expr, visit_traversal_operator};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The nested blocks of the access resources that the schema allows once.
const SINGLE_BLOCKS: &[(&str, &str)] = &[
    ("aws_eks_access_policy_association", "access_scope"),
    ("aws_eks_cluster", "access_config"),
];

/// Records what the project's modules (not the built-in models) hold of both, looking at the
/// modules in parallel and recording them in the project's order.
pub fn check(project: &Project, boundary: &Boundary, model: &mut Model) {
    let modules: Vec<&Module> = project
        .modules()
        .filter(|m| !registry::is_model(&m.dir))
        .collect();
    let found: Vec<Written> = modules
        .par_iter()
        .map(|module| module_found(project, boundary, module))
        .collect();
    for f in found {
        model.refusals.extend(f.refusals);
        model.iterator_reads.extend(f.iterator_reads);
    }
}

/// Records what one module outside the project (a root module parsed only for its own
/// evaluation) holds of both.
pub fn check_module(project: &Project, boundary: &Boundary, module: &Module, model: &mut Model) {
    let found = module_found(project, boundary, module);
    model.refusals.extend(found.refusals);
    model.iterator_reads.extend(found.iterator_reads);
}

/// What Terraform refuses in one module, and its iterator reads.
fn module_found(project: &Project, boundary: &Boundary, module: &Module) -> Written {
    let mut feeds = Feeds {
        project,
        known: BTreeMap::new(),
    };
    let mut found = Written::default();
    // Every written block, a second one with the same address too.
    let resources = module
        .blocks
        .iter()
        .filter_map(|b| match b.labels.as_slice() {
            [kind, _] if b.ident == "resource" && is_access_resource(kind) => Some((kind, b)),
            _ => None,
        });
    for (kind, block) in resources {
        found.extend(block.written.get_or_init(|| access_resource(kind, block)));
    }
    for (first, second) in &module.duplicates {
        let (first, second) = (&module.blocks[*first], &module.blocks[*second]);
        let access = match second.labels.as_slice() {
            [kind, _] => is_access_resource(kind),
            _ => feeds.call(module, second),
        };
        if access {
            found.refusals.push(Refusal {
                kind: RefusalKind::DuplicateAddress {
                    address: address(second),
                },
                span: second.header,
                related: Some(first.header),
            });
        }
    }
    for call in module.blocks.iter().filter(|b| b.ident == "module") {
        if let Some(refusal) = missing_source(module, call, boundary) {
            found.refusals.push(refusal);
        } else if feeds.call(module, call) {
            found.extend(call.written.get_or_init(|| {
                let mut own = Written::default();
                meta_reads(call, &[&call.body], &mut own);
                own
            }));
        }
    }
    found
}

/// What Terraform refuses in an access resource's block itself, and its iterator reads.
fn access_resource(kind: &str, block: &Block) -> Written {
    let mut own = Written::default();
    if kind == "aws_eks_cluster" {
        let access: Vec<&Body> = block
            .body
            .blocks
            .iter()
            .filter(|b| b.ident == "access_config" || is_dynamic(b, "access_config"))
            .map(|b| &b.body)
            .collect();
        meta_reads(block, &access, &mut own);
        single_blocks(kind, &block.body, &mut own);
        iterator_reads(&block.body, Some("access_config"), &mut own);
    } else {
        meta_reads(block, &[&block.body], &mut own);
        single_blocks(kind, &block.body, &mut own);
        iterator_reads(&block.body, None, &mut own);
    }
    own
}

/// What Terraform refuses in a module or a block, and its iterator reads. A top-level block's
/// own is found once and kept with it ([`super::module::TopBlock`]), for every run that shares
/// its parse.
#[derive(Debug, Default)]
pub struct Written {
    refusals: Vec<Refusal>,
    iterator_reads: Vec<IteratorRead>,
}

impl Written {
    fn extend(&mut self, other: &Written) {
        self.refusals.extend_from_slice(&other.refusals);
        self.iterator_reads.extend_from_slice(&other.iterator_reads);
    }
}

fn is_access_resource(kind: &str) -> bool {
    matches!(
        kind,
        "aws_eks_access_entry" | "aws_eks_access_policy_association" | "aws_eks_cluster"
    )
}

fn is_dynamic(b: &Block, generates: &str) -> bool {
    b.ident == "dynamic" && b.labels.first().is_some_and(|l| l == generates)
}

/// `aws_eks_access_entry.admin`, `module.access`.
fn address(block: &Block) -> String {
    let prefix = if block.ident == "module" {
        "module."
    } else {
        ""
    };
    format!("{prefix}{}", block.labels.join("."))
}

/// `each.*` without `for_each` and `count.*` without `count` in the bodies of `block`.
fn meta_reads(block: &Block, bodies: &[&Body], found: &mut Written) {
    let has = |name| block.body.attr(name).is_some();
    let (each, count) = (has("for_each"), has("count"));
    let mut reads = Vec::new();
    for body in bodies {
        body_reads(body, &["each", "count"], &mut reads);
    }
    for read in reads {
        let kind = match read.name.as_str() {
            "each" if !each => RefusalKind::EachWithoutForEach,
            "count" if !count => RefusalKind::CountWithoutCount,
            _ => continue,
        };
        found.refusals.push(Refusal {
            kind,
            span: read.span,
            related: None,
        });
    }
}

/// A block the schema allows once written as an argument, or written (or generated) twice.
fn single_blocks(kind: &str, body: &Body, found: &mut Written) {
    for (_, name) in SINGLE_BLOCKS.iter().filter(|(k, _)| *k == kind) {
        if let Some(attr) = body.attr(name) {
            found.refusals.push(Refusal {
                kind: RefusalKind::BlockAsArgument {
                    block: name.to_string(),
                },
                span: attr.key,
                related: None,
            });
        }
        for extra in body.blocks(name).skip(1) {
            found.refusals.push(Refusal {
                kind: RefusalKind::TooManyBlocks {
                    block: name.to_string(),
                    max: 1,
                    generated: None,
                },
                span: block_start(extra),
                related: None,
            });
        }
    }
}

/// Where a block starts: its type, or in JSON syntax, where an item of a list of blocks starts.
fn block_start(block: &Block) -> Span {
    if block.span.start > block.header.start {
        Span {
            end: block.span.start + 1,
            ..block.span
        }
    } else {
        block.ident_span
    }
}

/// Reads of a `dynamic` block's iterator object itself in its `content` (of the `dynamic`
/// blocks that generate `only`, when given).
fn iterator_reads(body: &Body, only: Option<&str>, found: &mut Written) {
    for dynamic in body.blocks("dynamic") {
        let Some(generates) = dynamic.labels.first() else {
            continue;
        };
        if only.is_some_and(|o| o != generates) {
            continue;
        }
        let Some(iterator) = dynamic.iterator() else {
            continue;
        };
        let mut reads = Vec::new();
        for content in dynamic.body.blocks("content") {
            body_reads(&content.body, &[iterator.as_str()], &mut reads);
        }
        for read in reads {
            let uses_item = matches!(&read.first, First::Attr(a) if a == "key" || a == "value");
            if read.name == iterator && !uses_item {
                found.iterator_reads.push(IteratorRead {
                    span: read.span,
                    iterator: iterator.clone(),
                    block: generates.clone(),
                });
            }
        }
    }
}

/// A call whose local `source` names no directory, at the `source` value. A source that leads
/// out of the project is refused where the modules are read.
fn missing_source(module: &Module, call: &Block, boundary: &Boundary) -> Option<Refusal> {
    let source = Module::call_source(call)?;
    if !(source.starts_with("./") || source.starts_with("../")) {
        return None;
    }
    let target = normalize(&module.dir.join(&source));
    if target.is_dir() || !inside(&target, boundary) {
        return None;
    }
    Some(Refusal {
        kind: RefusalKind::MissingModule { source },
        span: call.body.attr("source")?.value.span(),
        related: None,
    })
}

/// Whether a path that may not exist lies inside the boundary: its nearest existing ancestor
/// does.
pub(super) fn inside(path: &Path, boundary: &Boundary) -> bool {
    path.ancestors()
        .find(|a| a.as_os_str().is_empty() || a.exists())
        .is_some_and(|a| boundary.allows(crate::workspace::here_if_empty(a)))
}

/// Which module calls feed an access resource: a call to a module that has one (or calls one
/// that does), to a modelled registry module, or that passes access inputs.
struct Feeds<'p> {
    project: &'p Project,
    /// Module directories: whether they feed one (`false` while being looked at).
    known: BTreeMap<PathBuf, bool>,
}

impl Feeds<'_> {
    fn call(&mut self, module: &Module, call: &Block) -> bool {
        if call
            .body
            .attrs
            .iter()
            .any(|a| registry::is_access_input(&a.name))
        {
            return true;
        }
        let Some(source) = Module::call_source(call) else {
            return false;
        };
        if source.starts_with("./") || source.starts_with("../") {
            return self.dir(&normalize(&module.dir.join(&source)));
        }
        matches!(
            registry::resolve(&source, registry::call_version(call).as_deref()),
            Resolved::Model { .. }
        )
    }

    fn dir(&mut self, dir: &Path) -> bool {
        if let Some(known) = self.known.get(dir) {
            return *known;
        }
        self.known.insert(dir.to_path_buf(), false);
        let Some(module) = self.project.module(dir) else {
            return false;
        };
        let feeds = module
            .resources()
            .any(|(kind, _, _)| is_access_resource(kind))
            || module
                .blocks
                .iter()
                .filter(|b| b.ident == "module")
                .any(|call| self.call(module, call));
        self.known.insert(dir.to_path_buf(), feeds);
        feeds
    }
}

/// A name read in an expression: a variable alone, or the root of a traversal.
struct Read {
    name: String,
    first: First,
    span: Span,
}

/// What a read does with the name first.
enum First {
    /// Nothing: the name's value itself (`lookup(access_scope, ...)`).
    Itself,
    Attr(String),
    /// An index or splat.
    Other,
}

/// The reads of the `wanted` names in every expression of a body and its nested blocks.
fn body_reads(body: &Body, wanted: &[&str], out: &mut Vec<Read>) {
    for a in &body.attrs {
        expr_reads(&a.value, wanted, out);
    }
    for b in &body.blocks {
        body_reads(&b.body, wanted, out);
    }
}

fn expr_reads(expr: &Expr, wanted: &[&str], out: &mut Vec<Read>) {
    match expr {
        Expr::Native {
            expr, file, base, ..
        } => {
            let mut reads = Reads {
                file: *file,
                base: *base,
                wanted,
                bound: Vec::new(),
                out,
            };
            reads.visit_expr(expr);
        }
        Expr::List { items, .. } => items.iter().for_each(|e| expr_reads(e, wanted, out)),
        Expr::Map { items, .. } => items
            .iter()
            .for_each(|(_, _, e)| expr_reads(e, wanted, out)),
        Expr::Literal(_) => {}
    }
}

/// Collects the reads of the wanted names where no enclosing `for` binds them.
struct Reads<'o> {
    file: FileId,
    base: usize,
    wanted: &'o [&'o str],
    bound: Vec<String>,
    out: &'o mut Vec<Read>,
}

impl Reads<'_> {
    fn read(&mut self, name: &str, first: impl FnOnce() -> First, node: &Expression) {
        if self.wanted.contains(&name) && !self.bound.iter().any(|b| b == name) {
            let first = first();
            self.out.push(Read {
                name: name.to_string(),
                first,
                span: native_span(self.file, self.base, node),
            });
        }
    }

    /// Visits `inside` with the names of a `for` bound.
    fn binding(&mut self, names: BTreeSet<String>, inside: impl FnOnce(&mut Self)) {
        let n = names.len();
        self.bound.extend(names);
        inside(self);
        self.bound.truncate(self.bound.len() - n);
    }
}

impl Visit for Reads<'_> {
    fn visit_expr(&mut self, node: &Expression) {
        match node {
            Expression::Variable(v) => self.read(v.as_str(), || First::Itself, node),
            Expression::Traversal(t) => match &t.expr {
                Expression::Variable(v) => {
                    let first = || match t.operators.first().map(|o| o.value()) {
                        Some(TraversalOperator::GetAttr(a)) => First::Attr(a.as_str().to_string()),
                        _ => First::Other,
                    };
                    self.read(v.as_str(), first, node);
                    for op in &t.operators {
                        visit_traversal_operator(self, op);
                    }
                }
                _ => visit_expr(self, node),
            },
            _ => visit_expr(self, node),
        }
    }

    fn visit_for_expr(&mut self, node: &ForExpr) {
        self.visit_expr(&node.intro.collection_expr);
        let names = [node.intro.key_var.as_ref(), Some(&node.intro.value_var)]
            .into_iter()
            .flatten()
            .map(|v| v.as_str().to_string())
            .collect();
        self.binding(names, |r| {
            if let Some(k) = &node.key_expr {
                r.visit_expr(k);
            }
            r.visit_expr(&node.value_expr);
            if let Some(c) = &node.cond {
                r.visit_expr(&c.expr);
            }
        });
    }

    fn visit_for_directive(&mut self, node: &ForDirective) {
        let f = &node.for_expr;
        self.visit_expr(&f.collection_expr);
        let names = [f.key_var.as_ref(), Some(&f.value_var)]
            .into_iter()
            .flatten()
            .map(|v| v.as_str().to_string())
            .collect();
        self.binding(names, |r| r.visit_template(&f.template));
    }
}
