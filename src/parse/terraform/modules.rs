//! Module calls: each call, and each `for_each`/`count` instance of it, evaluates the called
//! module with the call's arguments; `module.<name>.<output>` reads its outputs.
//!
//! Local sources (`./`, `../`) are read from disk; registry and git sources where `terraform
//! init` left a copy listed in `.terraform/modules/modules.json`, else from a built-in model of
//! the module (`registry`) when there is one; otherwise the module's outputs are unknown, its
//! resources are not seen, and a call that passes it access inputs says so (EKS005).

use super::eval::{Evaluator, Loc, Op, Scope};
use super::instances::{self, InstanceKey};
use super::module::Module;
use super::registry::{self, Resolved};
use super::syntax::Block;
use super::value::{Placement, Sv, Value};
use super::variables;
use crate::ir::{Model, Spanned, UnevaluatedModule, UnknownField};
use crate::parse::budget::Budget;
use crate::source::Span;
use hcl::edit::expr::TraversalOperator;
use std::cell::Cell;
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use std::rc::Rc;

use crate::limits::MAX_MODULE_DEPTH as MAX_DEPTH;
use crate::limits::MAX_MODULE_INSTANCES as MAX_INSTANCES;

/// Arguments of a `module` block that are not input variables.
const CALL_META: &[&str] = &[
    "source",
    "version",
    "for_each",
    "count",
    "depends_on",
    "providers",
];

/// Where a module instance sits in the tree of calls from its root module.
#[derive(Clone, Debug)]
pub struct Frame {
    /// The root module's directory (where `.terraform/modules/modules.json` is).
    pub root_dir: PathBuf,
    /// The call names from the root (`["eks", "karpenter"]`).
    pub path: Vec<String>,
    /// The directories of the modules being evaluated, root first: a module does not call
    /// itself.
    pub stack: Vec<PathBuf>,
    /// Module instances that may still be evaluated for this root.
    pub budget: Rc<Cell<usize>>,
    /// The evaluation budget of this root and the modules it calls.
    pub evaluation: Rc<Budget>,
}

impl Frame {
    /// The frame of a root module.
    pub fn root(dir: PathBuf) -> Frame {
        Frame {
            root_dir: dir.clone(),
            path: Vec::new(),
            stack: vec![dir],
            budget: Rc::new(Cell::new(MAX_INSTANCES)),
            evaluation: Rc::new(Budget::new(0)),
        }
    }
}

/// How the instances of a call are addressed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Keys {
    Single,
    ForEach,
    Count,
    /// Unknown keys, or a module whose code is not available: outputs are unknown.
    Unknown,
}

/// The instances of one module call.
pub struct Children<'p> {
    pub keys: Keys,
    pub instances: Vec<(Option<InstanceKey>, Evaluator<'p>)>,
    /// Keys of the call's access inputs that a modelled module drops.
    pub dropped: Vec<UnknownField>,
}

/// The instances of call `name`, evaluated on first use; a call that needs itself (through its
/// arguments) is unknown.
pub fn children<'p>(eval: &Evaluator<'p>, name: &str) -> Rc<Children<'p>> {
    let unknown = || {
        Rc::new(Children {
            keys: Keys::Unknown,
            instances: Vec::new(),
            dropped: Vec::new(),
        })
    };
    match eval.children.borrow().get(name) {
        Some(Some(c)) => return c.clone(),
        Some(None) => return unknown(),
        None => {}
    }
    let Some(block) = eval.module.call(name) else {
        return unknown();
    };
    eval.children.borrow_mut().insert(name.to_string(), None);
    let instantiated = eval.budget().kept(|| instantiate(eval, name, block));
    let children = Rc::new(instantiated.unwrap_or(Children {
        keys: Keys::Unknown,
        instances: Vec::new(),
        dropped: Vec::new(),
    }));
    eval.children
        .borrow_mut()
        .insert(name.to_string(), Some(children.clone()));
    children
}

/// Evaluates the called module once per instance of the call.
fn instantiate<'p>(eval: &Evaluator<'p>, name: &str, block: &Block) -> Option<Children<'p>> {
    let source = Module::call_source(block)?;
    let mut model = None;
    let dir = if source.starts_with("./") || source.starts_with("../") {
        normalize(&eval.module.dir.join(&source))
    } else {
        match downloaded(eval, name) {
            Some(dir) => dir,
            None => match registry::resolve(&source, registry::call_version(block).as_deref()) {
                Resolved::Model { model: m, dir } => {
                    model = Some(m);
                    dir
                }
                _ => return None,
            },
        }
    };
    if eval.frame.stack.len() > MAX_DEPTH || eval.frame.stack.contains(&dir) {
        return None;
    }
    let module = eval.project.module(&dir)?;
    let root = Scope::default();
    let (keys, instances) = instances::expand(eval, &block.body, &root).into_instances();
    let call_header = match &eval.placement {
        Placement::Root => block.header,
        Placement::Module { header, .. } => *header,
    };
    let mut out = Vec::new();
    let mut dropped = Vec::new();
    for (key, bindings) in instances {
        // An instance made from an item the root module passed is reported at that item.
        let header = match &eval.placement {
            Placement::Root => call_header,
            Placement::Module { .. } => item_anchor(&bindings).unwrap_or(call_header),
        };
        let budget = &eval.frame.budget;
        if budget.get() == 0 {
            return None;
        }
        budget.set(budget.get() - 1);
        let scope = root.with(bindings);
        let mut args = BTreeMap::new();
        for attr in block
            .body
            .attrs
            .iter()
            .filter(|a| !CALL_META.contains(&a.name.as_str()))
        {
            let mut value = eval.eval(&attr.value, &scope);
            if matches!(eval.placement, Placement::Root) {
                value.anchor_here();
            }
            args.insert(attr.name.clone(), value);
        }
        if let Some(m) = model {
            dropped.extend(registry::dropped(m, &args, &eval.placement));
        }
        let mut frame = eval.frame.clone();
        frame.path.push(name.to_string());
        frame.stack.push(dir.clone());
        let suffix = key.as_ref().map_or(String::new(), |k| k.address());
        let child = Evaluator::new(
            module,
            eval.project,
            format!("{}::module.{name}{suffix}", eval.unit),
            Placement::Module {
                header,
                label: source.clone(),
            },
            frame,
            variables::module_inputs(module, args, name),
        );
        out.push((key, child));
    }
    Some(Children {
        keys,
        instances: out,
        dropped,
    })
}

/// The directory of the downloaded copy of a call's module, when `terraform init` left one
/// that could be read.
fn downloaded(eval: &Evaluator, name: &str) -> Option<std::path::PathBuf> {
    let mut key = eval.frame.path.clone();
    key.push(name.to_string());
    let dir = eval.project.remote(&eval.frame.root_dir, &key.join("."))?;
    eval.project.module(&dir).is_some().then_some(dir)
}

/// The anchor of the `for_each` item an instance was made from.
pub fn item_anchor(bindings: &[super::eval::Binding]) -> Option<Span> {
    let each = bindings.iter().find(|b| b.name == "each")?;
    match &each.value.value {
        Value::Object(map) => map.get("value")?.1.anchor,
        _ => None,
    }
}

/// A call that passes access inputs to a module that is neither local, downloaded nor
/// modelled.
fn unevaluated(eval: &Evaluator, name: &str, block: &Block) -> Option<UnevaluatedModule> {
    let source = registry::remote_source(block)?;
    let inputs: Vec<String> = block
        .body
        .attrs
        .iter()
        .map(|a| a.name.clone())
        .filter(|n| !CALL_META.contains(&n.as_str()) && registry::is_access_input(n))
        .collect();
    if inputs.is_empty() || downloaded(eval, name).is_some() {
        return None;
    }
    let reason = match registry::resolve(&source, registry::call_version(block).as_deref()) {
        Resolved::Model { .. } => return None,
        Resolved::NotModelled(why) => Some(why),
        Resolved::Unknown => None,
    };
    let span = block.body.attr("source")?.value.span();
    Some(UnevaluatedModule {
        source: Spanned::new(source, span),
        inputs,
        reason,
    })
}

/// `module.<name>...`: an output of a call's instance, or all of them.
pub fn module_value(
    eval: &Evaluator,
    name: &str,
    rest: &[Op],
    loc: Loc,
    scope: &Scope,
    span: Span,
) -> Sv {
    let children = children(eval, name);
    let (instance, rest) = match (children.keys, rest) {
        (Keys::Unknown, _) => return Sv::unknown(span),
        (Keys::Single, _) => (children.instances.first().map(|(_, c)| c), rest),
        (_, [index, tail @ ..]) => {
            let key = match index.value() {
                TraversalOperator::Index(e) => eval.native(e, loc, scope),
                _ => return whole(eval, name, &children, rest, loc, scope, span),
            };
            if key.is_unknown() {
                return Sv::unknown(span);
            }
            let key = instances::key_of(&key);
            let found = children
                .instances
                .iter()
                .find(|(k, _)| k.is_some() && *k == key)
                .map(|(_, c)| c);
            match found {
                Some(c) => (Some(c), tail),
                None => return Sv::error(span),
            }
        }
        _ => return whole(eval, name, &children, rest, loc, scope, span),
    };
    let Some(child) = instance else {
        return Sv::unknown(span);
    };
    match rest.split_first() {
        Some((first, tail)) => {
            let TraversalOperator::GetAttr(out) = first.value() else {
                return Sv::unknown(span);
            };
            let Some(value) = child.output(out.as_str()) else {
                return Sv::unknown(span);
            };
            let reached = eval.navigate_in(&value, tail, loc, scope, span);
            returned(eval, &reached, span, name)
        }
        None => whole(eval, name, &children, rest, loc, scope, span),
    }
}

/// Every output of every instance of a call, as one value.
fn whole(
    eval: &Evaluator,
    name: &str,
    children: &Children,
    rest: &[Op],
    loc: Loc,
    scope: &Scope,
    span: Span,
) -> Sv {
    let outputs = |c: &Evaluator| {
        let names: Vec<String> = c.module.output_names().map(str::to_string).collect();
        Sv::new(
            Value::object(
                names
                    .into_iter()
                    .filter_map(|n| {
                        let v = c.output(&n)?;
                        Some((n, (v.span, (*v).clone())))
                    })
                    .collect(),
            ),
            span,
        )
    };
    let value = match children.keys {
        Keys::Unknown => return Sv::unknown(span),
        Keys::Single => match children.instances.first() {
            Some((_, c)) => outputs(c),
            None => return Sv::unknown(span),
        },
        Keys::Count => Sv::new(
            Value::list(children.instances.iter().map(|(_, c)| outputs(c)).collect()),
            span,
        ),
        Keys::ForEach => Sv::new(
            Value::object(
                children
                    .instances
                    .iter()
                    .filter_map(|(k, c)| Some((k.as_ref()?.name(), (span, outputs(c)))))
                    .collect(),
            ),
            span,
        ),
    };
    let reached = eval.navigate_in(&value, rest, loc, scope, span);
    returned(eval, &reached, span, name)
}

/// A value returned by a module, as the caller sees it.
fn returned(eval: &Evaluator, v: &Sv, span: Span, name: &str) -> Sv {
    let mut v = eval.relocate(
        v,
        span,
        &format!("from an output of module `{name}`").into(),
    );
    if matches!(eval.placement, Placement::Root) {
        v.clear_anchors();
    }
    v
}

/// Lowers every instance of every module call of a module instance.
pub fn lower_children(eval: &Evaluator, model: &mut Model) {
    for (name, block) in eval.module.calls() {
        let children = children(eval, name);
        model
            .dropped_fields
            .extend(children.dropped.iter().cloned());
        for (_, child) in &children.instances {
            super::lower::lower(child, model);
        }
        model.unevaluated.extend(unevaluated(eval, name, block));
    }
}

/// A path with `.` removed and `..` applied where possible, without touching the disk.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out: Vec<Component> = Vec::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.last() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(c),
            },
            c => out.push(c),
        }
    }
    out.iter().collect()
}
