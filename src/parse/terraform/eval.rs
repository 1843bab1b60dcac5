//! Static evaluation of Terraform expressions into [`Sv`] values, in the context of one module
//! instance: its input variables, locals, resources and module calls.
//!
//! What cannot be known before `terraform apply` (or is not modelled) evaluates to
//! [`Value::Unknown`]; a partly known string template keeps its known parts. Values read through
//! a variable, local or `for_each` item are relocated to where they are used, remembering where
//! they came from.

use super::fields::Fields;
use super::functions;
use super::iam;
use super::instances::{self, InstanceKey};
use super::module::Module;
use super::modules::{self, Children, Frame, Keys};
use super::operators;
use super::project::Project;
use super::registry;
use super::syntax::{Block, Expr, Lists, native_span};
use super::value::{Placement, Reference, Sv, Value, to_text};
use super::variables::Input;
use crate::ir::{Literal, Part, Quoting, Text, UnknownHint};
use crate::parse::budget::{Budget, Cost, Size, TextBuilder};
use crate::source::{FileId, Span};
use foldhash::HashMap;
use hcl::edit::Decorated;
use hcl::edit::expr::{Expression, ForExpr, FuncCall, ObjectKey, Traversal, TraversalOperator};
use hcl::edit::template::{Directive, Element};
use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::hash::Hash;
use std::rc::Rc;
use std::sync::Arc;

/// Meta-arguments of a resource: not attributes of its instances.
pub const META: &[&str] = &[
    "for_each",
    "count",
    "depends_on",
    "provider",
    "lifecycle",
    "timeouts",
    "provisioner",
    "connection",
];

/// A name bound while evaluating: a for-expression variable, `each`, `count`, a `dynamic`
/// block's iterator.
#[derive(Clone, Debug)]
pub struct Binding {
    pub name: String,
    pub value: Sv,
    /// When set, a value read through this name is relocated to where it is used, with this
    /// message on where it came from (`from the for_each item "admin"`).
    pub origin: Option<Arc<str>>,
}

/// The names bound around an expression.
#[derive(Default)]
pub struct Scope<'a> {
    parent: Option<&'a Scope<'a>>,
    bindings: Vec<Binding>,
}

impl<'a> Scope<'a> {
    /// A scope inside this one, with more names.
    pub fn with(&'a self, bindings: Vec<Binding>) -> Scope<'a> {
        Scope {
            parent: Some(self),
            bindings,
        }
    }

    fn get(&self, name: &str) -> Option<&Binding> {
        self.bindings
            .iter()
            .find(|b| b.name == name)
            .or_else(|| self.parent.and_then(|p| p.get(name)))
    }
}

/// A memoised value: being computed (a cycle when asked for again), or done; or a resource's
/// value as lowering it evaluated it, with what computing it takes (see
/// [`Evaluator::keep_lowered`] and [`Budget::replay`]).
enum Slot {
    Busy,
    Done(Rc<Sv>),
    Lowered(Rc<Sv>, Cost, Option<usize>),
}

/// Where a native expression's spans are: its file and the offset its own spans start from,
/// with the removal spans of its list items.
#[derive(Clone, Copy)]
pub struct Loc<'e> {
    pub file: FileId,
    pub base: usize,
    pub lists: &'e Lists,
}

impl Loc<'_> {
    fn span(self, node: &impl hcl::edit::Span) -> Span {
        native_span(self.file, self.base, node)
    }

    /// The span that removes the list item written at `span`.
    fn removal(self, span: Span) -> Option<Span> {
        self.lists.as_ref()?.get(&(span.start, span.end)).copied()
    }
}

/// Evaluates expressions in the context of one module instance.
pub struct Evaluator<'p> {
    pub module: &'p Module,
    /// Names the module instance uniquely in the run (`dir`, `dir::module.access["a"]`).
    pub unit: Arc<str>,
    /// Names the root module (`dir`): what its modules share (the account, the partition).
    pub root: Arc<str>,
    /// Where the IR values of this instance are reported.
    pub placement: Placement,
    pub project: &'p Project,
    pub frame: Frame,
    vars: BTreeMap<String, Input>,
    locals: RefCell<HashMap<String, Slot>>,
    outputs: RefCell<HashMap<String, Slot>>,
    /// By the resource's index in the module's blocks.
    resources: RefCell<HashMap<usize, Slot>>,
    /// IAM roles and users (resources and data sources) with the attributes known in part.
    iam: RefCell<HashMap<(iam::Kind, String), Slot>>,
    /// Module calls, instantiated on first use (`None` while being instantiated).
    pub children: RefCell<BTreeMap<String, Option<Rc<Children<'p>>>>>,
    /// The budget of the root module's evaluation, shared by the modules it calls.
    budget: Rc<Budget>,
    /// Lists and maps relocated to a place with a message (by the address of their items), with
    /// the source kept alive so that its address names nothing else: each is relocated once and
    /// shared by every later read there (each instance of a `count` reading one list).
    relocations: RefCell<HashMap<Relocation, (Value, Value)>>,
    /// For each local read: the message on where its values come from, and its reference
    /// path, made once and shared by every value read through it.
    local_names: RefCell<HashMap<String, LocalNames>>,
    /// `aws_eks_cluster.<name>` by cluster name: the reference path of every read of a
    /// cluster's name, made once.
    cluster_paths: RefCell<HashMap<String, Arc<str>>>,
}

/// A local's message on where its values come from (`from local \`x\``), and its reference
/// path (`local.x`).
type LocalNames = (Arc<str>, Arc<str>);

impl Drop for Evaluator<'_> {
    /// The values kept for the module's names are as large as its resources: they are freed
    /// with the model (see [`crate::threads::free_later`]).
    fn drop(&mut self) {
        crate::threads::free_later((
            std::mem::take(self.resources.get_mut()),
            std::mem::take(self.locals.get_mut()),
            std::mem::take(self.outputs.get_mut()),
            std::mem::take(self.iam.get_mut()),
            std::mem::take(self.relocations.get_mut()),
        ));
    }
}

/// What `made` made for `name` (a cheap clone), made the first time it is asked for.
fn made_once<T: Clone>(
    made: &RefCell<HashMap<String, T>>,
    name: &str,
    make: impl FnOnce() -> T,
) -> T {
    if let Some(v) = made.borrow().get(name) {
        return v.clone();
    }
    let v = make();
    made.borrow_mut().insert(name.to_string(), v.clone());
    v
}

/// A list or map (the address of its items) used at a place, with the message on its origin.
type Relocation = (usize, Span, Arc<str>);

/// Why a string template was not rendered.
enum Stop {
    /// Terraform would fail.
    Error,
    /// The string grew too big: it is unknown.
    TooBig,
}

impl<'p> Evaluator<'p> {
    /// An evaluator for a module instance with the given input variable values.
    pub fn new(
        module: &'p Module,
        project: &'p Project,
        unit: String,
        placement: Placement,
        frame: Frame,
        vars: BTreeMap<String, Input>,
    ) -> Evaluator<'p> {
        let budget = frame.evaluation.clone();
        if matches!(placement, Placement::Root) {
            // A root module's budget grows with its source.
            budget.grant(module.blocks.iter().map(|b| b.span.range().len()).sum());
        }
        Evaluator {
            module,
            unit: unit.into(),
            root: frame.root_dir.display().to_string().into(),
            placement,
            project,
            frame,
            vars,
            locals: RefCell::default(),
            outputs: RefCell::default(),
            resources: RefCell::default(),
            iam: RefCell::default(),
            children: RefCell::default(),
            budget,
            relocations: RefCell::default(),
            local_names: RefCell::default(),
            cluster_paths: RefCell::default(),
        }
    }

    /// Evaluates `expr` in `scope`. The value is then used whole (lowered, passed to a module),
    /// which takes steps in proportion to its size; past the budget it is unknown.
    pub fn eval(&self, expr: &Expr, scope: &Scope) -> Sv {
        let v = self.eval_expr(expr, scope);
        if self.budget.spend(v.size().steps()) {
            v
        } else {
            Sv::unknown(v.span)
        }
    }

    fn eval_expr(&self, expr: &Expr, scope: &Scope) -> Sv {
        match expr {
            Expr::Native {
                expr,
                file,
                base,
                lists,
            } => self.native(
                expr,
                Loc {
                    file: *file,
                    base: *base,
                    lists,
                },
                scope,
            ),
            Expr::List {
                items,
                span,
                removals,
            } => Sv::new(
                Value::list(
                    items
                        .iter()
                        .zip(removals)
                        .map(|(e, removal)| {
                            let mut v = self.eval_expr(e, scope);
                            v.written.item = *removal;
                            v
                        })
                        .collect(),
                ),
                *span,
            ),
            Expr::Map { items, span } => Sv::new(
                Value::object(
                    items
                        .iter()
                        .map(|(k, ks, e)| (k.clone(), (*ks, self.eval_expr(e, scope))))
                        .collect(),
                ),
                *span,
            ),
            Expr::Literal(sv) => sv.clone(),
        }
    }

    /// Evaluates a native expression within the budget: nested too deeply (a cycle, or a
    /// hostile file) or past the steps of the root module, it is unknown.
    pub fn native(&self, expr: &Expression, loc: Loc, scope: &Scope) -> Sv {
        let span = loc.span(expr);
        self.budget
            .nest(|| self.native_inner(expr, loc, scope, span))
            .unwrap_or_else(|| Sv::unknown(span))
    }

    fn native_inner(&self, expr: &Expression, loc: Loc, scope: &Scope, span: Span) -> Sv {
        let value = match expr {
            Expression::Null(_) => Value::Null,
            Expression::Bool(b) => Value::Bool(*b.value()),
            Expression::Number(n) => n
                .value()
                .as_f64()
                .filter(|n| n.is_finite())
                .map_or(Value::Unknown(None), Value::Number),
            Expression::String(s) => {
                let mut v = Sv::new(Value::String(Text::lit(s.value().as_str())), span);
                // The text between the quotes.
                if span.end > span.start + 1 {
                    v.written.literal = Some(Literal {
                        span: Span::new(span.file, span.start as usize + 1, span.end as usize - 1),
                        quoting: Quoting::HclQuoted,
                    });
                }
                return v;
            }
            Expression::Array(items) => Value::list(
                items
                    .iter()
                    .map(|e| {
                        let mut v = self.native(e, loc, scope);
                        v.written.item = loc.removal(loc.span(e));
                        v
                    })
                    .collect(),
            ),
            Expression::Object(obj) => {
                let mut map = Vec::with_capacity(obj.len());
                for (key, value) in obj.iter() {
                    let name = match key {
                        ObjectKey::Ident(id) => id.as_str().to_string(),
                        ObjectKey::Expression(e) => {
                            let k = self.native(e, loc, scope);
                            match to_text(&k.value).and_then(|t| t.as_str().map(str::to_string)) {
                                Some(name) => name,
                                None if k.value == Value::Error => return Sv::error(span),
                                None => return Sv::unknown(span),
                            }
                        }
                    };
                    map.push((name, (loc.span(key), self.native(value.expr(), loc, scope))));
                }
                Value::object(map.into_iter().collect())
            }
            Expression::StringTemplate(t) => {
                let elements: Vec<&Element> = t.iter().collect();
                return self.template(&elements, loc, scope, span);
            }
            Expression::HeredocTemplate(h) => {
                let elements: Vec<&Element> = h.template.iter().collect();
                return self.template(&elements, loc, scope, span);
            }
            Expression::Parenthesis(p) => return self.native(p.inner(), loc, scope),
            Expression::Variable(v) => match scope.get(v.as_str()) {
                Some(b) => return self.bound(b, span),
                None => Value::Unknown(None),
            },
            Expression::Conditional(c) => {
                let cond = self.native(&c.cond_expr, loc, scope);
                // The branch an argument chose is reported at that argument.
                let mut chosen = match cond.value {
                    Value::Bool(true) => self.native(&c.true_expr, loc, scope),
                    Value::Bool(false) => self.native(&c.false_expr, loc, scope),
                    Value::Unknown(_) => return Sv::unknown(span),
                    _ => return Sv::error(span),
                };
                chosen.anchor_missing(cond.anchor);
                return chosen;
            }
            Expression::FuncCall(f) => return self.call(f, loc, scope, span),
            Expression::Traversal(t) => return self.traversal(t, loc, scope, span),
            Expression::UnaryOp(op) => {
                let v = self.native(&op.expr, loc, scope);
                return operators::unary(*op.operator.value(), &v, span);
            }
            Expression::BinaryOp(op) => {
                let lhs = self.native(&op.lhs_expr, loc, scope);
                if let Some(v) = operators::short_circuit(*op.operator.value(), &lhs, span) {
                    return v;
                }
                let rhs = self.native(&op.rhs_expr, loc, scope);
                if !self.budget.spend(operators::reads(&lhs, &rhs).steps()) {
                    return Sv::unknown(span);
                }
                return operators::binary(*op.operator.value(), &lhs, &rhs, span);
            }
            Expression::ForExpr(f) => return self.for_expr(f, loc, scope, span),
        };
        Sv::new(value, span)
    }

    /// A string template; one lone interpolation gives its value unconverted, as in Terraform.
    fn template(&self, elements: &[&Element], loc: Loc, scope: &Scope, span: Span) -> Sv {
        if let [Element::Interpolation(i)] = elements {
            // A value used here (not one referenced elsewhere) is reported at the template.
            let mut v = self.native(&i.expr, loc, scope);
            if v.span.file == span.file && span.start <= v.span.start && v.span.end <= span.end {
                // Every part of the value is looked at (and copied, when shared).
                if !self.budget.spend(v.size().steps()) {
                    return Sv::unknown(span);
                }
                v.move_span(v.span, span);
            }
            return v;
        }
        let mut text = TextBuilder::default();
        let mut sources = Vec::new();
        let rendered = self.render(
            elements.iter().copied(),
            loc,
            scope,
            &mut text,
            &mut sources,
        );
        match rendered.map(|()| text.finish(&self.budget).map(Value::string)) {
            Err(Stop::Error) => Sv::error(span),
            Ok(Some(value @ Value::String(_))) => Sv::new(value, span).with_origins_of(&sources),
            Ok(_) | Err(Stop::TooBig) => Sv::unknown(span),
        }
    }

    /// Appends the parts of template elements; stops when Terraform would fail or the string
    /// grows too big.
    fn render<'e>(
        &self,
        elements: impl Iterator<Item = &'e Element>,
        loc: Loc,
        scope: &Scope,
        parts: &mut TextBuilder,
        sources: &mut Vec<Sv>,
    ) -> Result<(), Stop> {
        for element in elements {
            if parts.too_big() {
                return Err(Stop::TooBig);
            }
            match element {
                Element::Literal(s) => parts.push_str(s.value()),
                Element::Interpolation(i) => {
                    let v = self.native(&i.expr, loc, scope);
                    match (&v.value, &v.reference) {
                        // An unknown named expression is the same wherever it is written.
                        (Value::Unknown(_), Some(r)) => parts.push(r.part()),
                        _ => match to_text(&v.value) {
                            Some(t) => parts.push_text(&t),
                            None => return Err(Stop::Error),
                        },
                    }
                    sources.push(v);
                }
                Element::Directive(d) => match d.as_ref() {
                    Directive::If(d) => match self.native(&d.if_expr.cond_expr, loc, scope).value {
                        Value::Bool(true) => {
                            self.render(d.if_expr.template.iter(), loc, scope, parts, sources)?
                        }
                        Value::Bool(false) => {
                            if let Some(e) = &d.else_expr {
                                self.render(e.template.iter(), loc, scope, parts, sources)?;
                            }
                        }
                        Value::Unknown(_) => parts.push(Part::Hole),
                        _ => return Err(Stop::Error),
                    },
                    Directive::For(d) => {
                        let f = &d.for_expr;
                        let coll = self.native(&f.collection_expr, loc, scope);
                        let Some(items) = iterate(&coll) else {
                            if coll.value == Value::Error {
                                return Err(Stop::Error);
                            }
                            parts.push(Part::Hole);
                            continue;
                        };
                        for (k, v) in items {
                            let bindings = loop_bindings(f.key_var.as_ref(), &f.value_var, k, v);
                            let inner = scope.with(bindings);
                            self.render(f.template.iter(), loc, &inner, parts, sources)?;
                        }
                    }
                },
            }
        }
        Ok(())
    }

    /// `[for k, v in coll : value if cond]` and `{for k, v in coll : key => value... if cond}`.
    fn for_expr(&self, f: &ForExpr, loc: Loc, scope: &Scope, span: Span) -> Sv {
        let coll = self.native(&f.intro.collection_expr, loc, scope);
        let Some(items) = iterate(&coll) else {
            return Sv::new(coll.value, span);
        };
        let mut list = Vec::new();
        let mut map = Fields::new();
        let mut groups: BTreeMap<String, (Span, Vec<Sv>)> = BTreeMap::new();
        // Counted as it grows: the result may be too big long before it is built.
        let mut size = Size::EMPTY;
        for (k, v) in items {
            let bindings = loop_bindings(f.intro.key_var.as_ref(), &f.intro.value_var, k, v);
            let inner = scope.with(bindings);
            // An item kept by a condition on an argument is reported at that argument.
            let mut decided_at = None;
            if let Some(c) = &f.cond {
                let cond = self.native(&c.expr, loc, &inner);
                match cond.value {
                    Value::Bool(true) => decided_at = cond.anchor,
                    Value::Bool(false) => continue,
                    Value::Unknown(_) => return Sv::unknown(span),
                    _ => return Sv::error(span),
                }
            }
            let mut value = self.native(&f.value_expr, loc, &inner);
            value.anchor_missing(decided_at);
            size = size.holding(value.size());
            if !size.fits() {
                return Sv::unknown(span);
            }
            let Some(key_expr) = &f.key_expr else {
                list.push(value);
                continue;
            };
            let key = self.native(key_expr, loc, &inner);
            let Some(name) = to_text(&key.value).and_then(|t| t.as_str().map(str::to_string))
            else {
                return Sv::new(
                    if key.value == Value::Error {
                        Value::Error
                    } else {
                        Value::Unknown(None)
                    },
                    span,
                );
            };
            if f.grouping {
                let group = groups.entry(name).or_insert_with(|| (key.span, Vec::new()));
                group.1.push(value);
            } else if map.insert(name, (key.span, value)).is_some() {
                // Terraform rejects duplicate keys without `...`.
                return Sv::error(span);
            }
        }
        for (name, (key_span, items)) in groups {
            map.insert(name, (key_span, Sv::new(Value::list(items), span)));
        }
        match f.key_expr {
            Some(_) => Sv::new(Value::object(map), span),
            None => Sv::new(Value::list(list), span),
        }
    }

    /// A function call; `try` and `can` evaluate their arguments themselves.
    fn call(&self, f: &FuncCall, loc: Loc, scope: &Scope, span: Span) -> Sv {
        if f.name.is_namespaced() {
            return registry::function(self, f, loc, scope, span);
        }
        let name = f.name.name.as_str();
        match name {
            "try" => {
                for arg in f.args.iter() {
                    let v = self.native(arg, loc, scope);
                    if v.value != Value::Error {
                        return v;
                    }
                }
                return Sv::error(span);
            }
            "can" => {
                let v = f.args.iter().next().map(|a| self.native(a, loc, scope));
                let value = match v.map(|v| v.value) {
                    Some(Value::Error) => Value::Bool(false),
                    Some(Value::Unknown(_)) | None => Value::Unknown(None),
                    Some(_) => Value::Bool(true),
                };
                return Sv::new(value, span);
            }
            _ => {}
        }
        let mut args: Vec<Sv> = f.args.iter().map(|a| self.native(a, loc, scope)).collect();
        if f.args.expand_final() {
            match args.pop().map(|a| a.value) {
                Some(Value::List(items)) => args.extend(items.iter().cloned()),
                Some(Value::Error) => return Sv::error(span),
                _ => return Sv::unknown(span),
            }
        }
        // What the function reads, then what it builds, takes steps.
        if !self.budget.spend(functions::reads(name, &args).steps()) {
            return Sv::unknown(span);
        }
        let v = functions::call(name, args, span);
        // Building the result took steps in proportion to its outer size (inner values are
        // shared).
        if self.budget.spend(v.value.outer_size().steps()) {
            v
        } else {
            Sv::unknown(span)
        }
    }

    /// A reference: `var.x`, `local.y`, `each.value.z`, `aws_eks_access_entry.this["a"].type`,
    /// `module.m.out`, `data.aws_caller_identity.current.arn`, or an index into any value.
    fn traversal(&self, t: &Traversal, loc: Loc, scope: &Scope, span: Span) -> Sv {
        let ops = t.operators.as_slice();
        let Expression::Variable(root) = &t.expr else {
            let base = self.native(&t.expr, loc, scope);
            return self.navigate(&base, ops, loc, scope, span);
        };
        let name = root.as_str();
        if let Some(b) = scope.get(name) {
            let reached = self.navigate_in(&b.value, ops, loc, scope, span);
            return match &b.origin {
                Some(message) => self.relocate(&reached, span, message),
                None => reached.into_owned(),
            };
        }
        let Some((first, rest)) = ops.split_first() else {
            return Sv::unknown(span);
        };
        let TraversalOperator::GetAttr(attr) = first.value() else {
            return Sv::unknown(span);
        };
        let attr = attr.as_str();
        let mut v = match name {
            "var" => {
                let Some(input) = self.vars.get(attr) else {
                    return self.named(Sv::unknown(span), name, attr, rest, loc, scope);
                };
                let reached = self.navigate_in(&input.value, rest, loc, scope, span);
                let mut v = self.relocate(&reached, span, &input.message);
                if rest.is_empty() && v.reference.is_none() {
                    v.reference = Some(self.reference(["var.", attr].concat()));
                }
                v
            }
            "local" => {
                let Some(local) = self.local(attr) else {
                    return self.named(Sv::unknown(span), name, attr, rest, loc, scope);
                };
                let (message, path) = self.local_names(attr);
                let reached = self.navigate_in(&local, rest, loc, scope, span);
                let mut v = self.relocate(&reached, span, &message);
                if rest.is_empty() && v.reference.is_none() {
                    v.reference = Some(Reference {
                        scope: self.unit.clone(),
                        path,
                    });
                }
                v
            }
            "module" => modules::module_value(self, attr, rest, loc, scope, span),
            "data" => match iam::data_kind(attr) {
                Some(kind) => self.iam_attribute(kind, rest, loc, scope, span),
                None => {
                    let mut v = data_source(attr, rest, span);
                    v.reference = self.deployer(attr, rest);
                    v
                }
            },
            kind if kind.starts_with("aws_eks_") => {
                let resource = self.resource_value(kind, attr);
                let mut v = self.navigate(&resource, rest, loc, scope, span);
                if kind == "aws_eks_cluster" {
                    v.reference = self.cluster_reference(attr, rest, loc, scope);
                }
                v
            }
            kind => match iam::resource_kind(kind) {
                Some(kind) => self.iam_attribute(kind, ops, loc, scope, span),
                None => Sv::unknown(span),
            },
        };
        if let Value::Unknown(_) = v.value
            && v.reference.is_none()
        {
            v = self.named(v, name, attr, rest, loc, scope);
        }
        v
    }

    /// The message on where the values of local `name` come from, and its reference path.
    fn local_names(&self, name: &str) -> LocalNames {
        made_once(&self.local_names, name, || {
            (
                ["from local `", name, "`"].concat().into(),
                ["local.", name].concat().into(),
            )
        })
    }

    /// `aws_eks_cluster.<name>`, made once per name.
    fn cluster_path(&self, name: &str) -> Arc<str> {
        made_once(&self.cluster_paths, name, || {
            ["aws_eks_cluster.", name].concat().into()
        })
    }

    /// A reference to `path` in this module instance.
    pub fn reference(&self, path: String) -> Reference {
        Reference {
            scope: self.unit.clone(),
            path: path.into(),
        }
    }

    /// An unknown value named by the expression it is read from (`var.names["prod"]`), when
    /// that expression names one value: attributes and known keys, no splat.
    fn named(
        &self,
        mut v: Sv,
        root: &str,
        first: &str,
        rest: &[Op],
        loc: Loc,
        scope: &Scope,
    ) -> Sv {
        let mut path = [root, ".", first].concat();
        for op in rest {
            match op.value() {
                TraversalOperator::GetAttr(id) => {
                    path.push('.');
                    path.push_str(id.as_str());
                }
                TraversalOperator::Index(e) => {
                    match instances::key_of(&self.native(e, loc, scope)) {
                        Some(key) => path.push_str(&key.address()),
                        None => return v,
                    }
                }
                TraversalOperator::LegacyIndex(i) => path.push_str(&format!("[{}]", i.value())),
                _ => return v,
            }
        }
        v.reference = Some(self.reference(path));
        v
    }

    /// A value used at `span` (see [`Sv::relocate`]). Copying it takes steps; the items of a
    /// list or map are relocated once per place and message, then shared.
    pub fn relocate(&self, v: &Sv, span: Span, message: &Arc<str>) -> Sv {
        let key = v
            .value
            .shared_id()
            .map(|id| (id, span, Arc::clone(message)));
        if let Some(key) = &key
            && let Some((_, value)) = self.relocations.borrow().get(key)
        {
            return v.relocated_with(span, message, value.clone());
        }
        // A relocation that is kept is computed once, whoever asks first.
        let spent = match key {
            Some(_) => self.budget.kept(|| self.budget.spend(v.size().steps())),
            None => self.budget.spend(v.size().steps()),
        };
        if !spent {
            return Sv::unknown(span);
        }
        let value = v.value.relocated(span, message);
        if let Some(key) = key {
            self.relocations
                .borrow_mut()
                .insert(key, (v.value.clone(), value.clone()));
        }
        v.relocated_with(span, message, value)
    }

    /// A value read through a bound name.
    fn bound(&self, b: &Binding, span: Span) -> Sv {
        match &b.origin {
            Some(message) => self.relocate(&b.value, span, message),
            None => b.value.clone(),
        }
    }

    /// `data.aws_iam_session_context.<name>.issuer_arn` of a session context of the caller
    /// identity is the identity that runs Terraform, the same in every module of the root:
    /// its sameness key is the root's.
    fn deployer(&self, kind: &str, rest: &[Op]) -> Option<Reference> {
        let attrs = attributes(rest);
        let [name, "issuer_arn"] = attrs.as_slice() else {
            return None;
        };
        if kind != "aws_iam_session_context" {
            return None;
        }
        let block = self.module.blocks.iter().find(|b| {
            b.ident == "data" && b.labels.len() == 2 && b.labels[0] == kind && b.labels[1] == *name
        })?;
        let arn = self.eval(&block.body.attr("arn")?.value, &Scope::default());
        matches!(
            arn.value,
            Value::Unknown(Some(UnknownHint::CallerIdentityArn { .. }))
        )
        .then(|| Reference {
            scope: self.root.clone(),
            path: "data.aws_iam_session_context.issuer_arn".into(),
        })
    }

    /// `aws_eks_cluster.name[key]` for `aws_eks_cluster.name[key].name` (or `.id`).
    fn cluster_reference(
        &self,
        name: &str,
        rest: &[Op],
        loc: Loc,
        scope: &Scope,
    ) -> Option<Reference> {
        let (key, attr) = match rest {
            [attr] => (String::new(), attr),
            [index, attr] => {
                let k = match index.value() {
                    TraversalOperator::Index(e) => self.native(e, loc, scope),
                    TraversalOperator::LegacyIndex(i) => {
                        Sv::new(Value::Number(*i.value() as f64), loc.span(i))
                    }
                    _ => return None,
                };
                (instances::key_of(&k)?.address(), attr)
            }
            _ => return None,
        };
        match attr.value() {
            TraversalOperator::GetAttr(a) if a.as_str() == "name" || a.as_str() == "id" => {
                Some(if key.is_empty() {
                    Reference {
                        scope: self.unit.clone(),
                        path: self.cluster_path(name),
                    }
                } else {
                    self.reference(["aws_eks_cluster.", name, &key].concat())
                })
            }
            _ => None,
        }
    }

    /// Applies traversal operators to a value.
    pub fn navigate(&self, start: &Sv, ops: &[Op], loc: Loc, scope: &Scope, span: Span) -> Sv {
        self.navigate_in(start, ops, loc, scope, span).into_owned()
    }

    /// [`Evaluator::navigate`], borrowing the value it reaches when that is inside `start` (a
    /// value relocated at once need not be copied first).
    pub(super) fn navigate_in<'v>(
        &self,
        start: &'v Sv,
        ops: &[Op],
        loc: Loc,
        scope: &Scope,
        span: Span,
    ) -> Cow<'v, Sv> {
        let mut cur = start;
        for (i, op) in ops.iter().enumerate() {
            if let Value::Unknown(_) | Value::Error = cur.value {
                return Cow::Owned(Sv::new(cur.value.clone(), span));
            }
            let next = match op.value() {
                TraversalOperator::GetAttr(id) => match &cur.value {
                    Value::Object(map) => map.get(id.as_str()).map(|(_, v)| v),
                    _ => None,
                },
                TraversalOperator::Index(e) => {
                    let key = self.native(e, loc, scope);
                    match key.value {
                        Value::Unknown(_) => return Cow::Owned(Sv::unknown(span)),
                        _ => index(cur, &key),
                    }
                }
                TraversalOperator::LegacyIndex(n) => match &cur.value {
                    Value::List(items) => items.get(*n.value() as usize),
                    _ => None,
                },
                TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => {
                    let rest = &ops[i + 1..];
                    let split = match op.value() {
                        TraversalOperator::AttrSplat(_) => rest
                            .iter()
                            .position(|o| !matches!(o.value(), TraversalOperator::GetAttr(_)))
                            .unwrap_or(rest.len()),
                        _ => rest.len(),
                    };
                    let (each, after) = rest.split_at(split);
                    let items: Vec<&Sv> = match &cur.value {
                        Value::List(items) => items.iter().collect(),
                        Value::Null => Vec::new(),
                        _ => vec![cur],
                    };
                    if !self.budget.spend(items.len()) {
                        return Cow::Owned(Sv::unknown(span));
                    }
                    let list = Sv::new(
                        Value::list(
                            items
                                .into_iter()
                                .map(|it| self.navigate(it, each, loc, scope, span))
                                .collect(),
                        ),
                        span,
                    );
                    return Cow::Owned(self.navigate(&list, after, loc, scope, span));
                }
            };
            match next {
                Some(v) => cur = v,
                None => return Cow::Owned(Sv::error(span)),
            }
        }
        Cow::Borrowed(cur)
    }

    /// The value of a local, evaluated once; a cycle makes it unknown.
    fn local(&self, name: &str) -> Option<Rc<Sv>> {
        let attr = self.module.local(name)?;
        Some(memo(
            &self.locals,
            name.to_string(),
            attr.value.span(),
            &self.budget,
            || self.eval(&attr.value, &Scope::default()),
        ))
    }

    /// The value of an output, evaluated once.
    pub fn output(&self, name: &str) -> Option<Rc<Sv>> {
        let attr = self.module.output(name)?.body.attr("value")?;
        Some(memo(
            &self.outputs,
            name.to_string(),
            attr.value.span(),
            &self.budget,
            || self.eval(&attr.value, &Scope::default()),
        ))
    }

    /// The value of an EKS resource as other resources see it: an object of its written
    /// attributes, or a map (`for_each`) or list (`count`) of them; evaluated once.
    pub fn resource_value(&self, kind: &str, name: &str) -> Rc<Sv> {
        let Some((index, block)) = self.module.resource_at(kind, name) else {
            return Rc::new(Sv::unknown(Span::new(FileId(0), 0, 0)));
        };
        memo(&self.resources, index, block.header, &self.budget, || {
            let root = Scope::default();
            self.expanded(block, &root, |_, bindings| {
                self.instance_object(kind, block, &root.with(bindings))
            })
        })
    }

    /// Keeps the value of a resource that lowering evaluated (its objects, what evaluating
    /// them took, `cost`, and the steps of the last value evaluated, `last`), when nothing has
    /// asked for it yet: the first read takes it instead of evaluating the resource again, when
    /// that would take `cost` (see [`Budget::replay`]).
    pub fn keep_lowered(
        &self,
        kind: &str,
        name: &str,
        block: &Block,
        objects: Objects,
        cost: Cost,
        last: Option<usize>,
    ) {
        let Some((index, first)) = self.module.resource_at(kind, name) else {
            return;
        };
        if cost.unknown || !std::ptr::eq(first, block) {
            return;
        }
        self.resources
            .borrow_mut()
            .entry(index)
            .or_insert_with(|| Slot::Lowered(Rc::new(objects.value(block.header)), cost, last));
    }

    /// Whether lowering kept the value of a resource that nothing has read yet.
    #[cfg(test)]
    pub fn is_kept(&self, kind: &str, name: &str) -> bool {
        self.module
            .resource_at(kind, name)
            .is_some_and(|(index, _)| {
                matches!(self.resources.borrow().get(&index), Some(Slot::Lowered(..)))
            })
    }

    /// The budget of this evaluation.
    pub fn budget(&self) -> &Budget {
        &self.budget
    }

    /// An attribute of an IAM role or user (`aws_iam_role.ci.arn`, `data.aws_iam_user.ops.arn`):
    /// `ops` start at the block's name. What is not known in part is unknown.
    fn iam_attribute(
        &self,
        kind: iam::Kind,
        ops: &[Op],
        loc: Loc,
        scope: &Scope,
        span: Span,
    ) -> Sv {
        let Some((first, rest)) = ops.split_first() else {
            return Sv::unknown(span);
        };
        let TraversalOperator::GetAttr(name) = first.value() else {
            return Sv::unknown(span);
        };
        let Some((value, expanded)) = self.iam_value(kind, name.as_str()) else {
            return Sv::unknown(span);
        };
        let (instance, rest) = match rest.split_first() {
            Some((index, tail))
                if expanded
                    && matches!(
                        index.value(),
                        TraversalOperator::Index(_) | TraversalOperator::LegacyIndex(_)
                    ) =>
            {
                (
                    self.navigate(&value, std::slice::from_ref(index), loc, scope, span),
                    tail,
                )
            }
            _ if expanded => return self.navigate(&value, rest, loc, scope, span),
            _ => ((*value).clone(), rest),
        };
        let Some((attr, tail)) = rest.split_first() else {
            return instance;
        };
        let found = match (&instance.value, attr.value()) {
            (Value::Object(map), TraversalOperator::GetAttr(a)) => map.get(a.as_str()),
            _ => None,
        };
        match found {
            Some((_, attr)) => {
                let reached = self.navigate_in(attr, tail, loc, scope, span);
                let from = ["from `", &kind.address(name.as_str()), "`"].concat();
                self.relocate(&reached, span, &from.into())
            }
            None => Sv::unknown(span),
        }
    }

    /// An IAM role or user with its attributes known in part, evaluated once: an object, or a
    /// map (`for_each`) or list (`count`) of them; with whether it has instances.
    fn iam_value(&self, kind: iam::Kind, name: &str) -> Option<(Rc<Sv>, bool)> {
        let block = if kind.is_data() {
            self.module.data(kind.block_type(), name)?
        } else {
            self.module.resource(kind.block_type(), name)?
        };
        let expanded = block.body.attr("for_each").is_some() || block.body.attr("count").is_some();
        let value = memo(
            &self.iam,
            (kind, name.to_string()),
            block.header,
            &self.budget,
            || {
                let root = Scope::default();
                let address = kind.address(name);
                let object = |key: String, bindings| {
                    iam::instance(
                        self,
                        kind,
                        &[address.as_str(), &key].concat(),
                        block,
                        &root.with(bindings),
                    )
                };
                self.expanded(block, &root, |key, bindings| {
                    object(key.map_or(String::new(), InstanceKey::address), bindings)
                })
            },
        );
        Some((value, expanded))
    }

    /// A resource, or a map (`for_each`) or list (`count`) of its instances, each the object
    /// `object` gives; unknown for unknown keys, whose instances are not evaluated.
    fn expanded(
        &self,
        block: &Block,
        root: &Scope,
        mut object: impl FnMut(Option<&InstanceKey>, Vec<Binding>) -> Sv,
    ) -> Sv {
        let (keys, instances) = instances::expand(self, &block.body, root).into_instances();
        let objects = match keys {
            Keys::Unknown => Vec::new(),
            _ => instances
                .into_iter()
                .map(|(key, bindings)| {
                    let value = object(key.as_ref(), bindings);
                    (key, value)
                })
                .collect(),
        };
        Objects { keys, objects }.value(block.header)
    }

    /// The written attributes of one instance of a resource.
    fn instance_object(&self, kind: &str, block: &Block, scope: &Scope) -> Sv {
        let map = block
            .body
            .attrs
            .iter()
            .filter(|a| !META.contains(&a.name.as_str()))
            .map(|a| (a.name.clone(), (a.key, self.eval(&a.value, scope))))
            .collect();
        instance_value(kind, block, map)
    }
}

/// One instance of a resource as other resources see it, from its written attributes (all but
/// the meta-arguments).
pub fn instance_value(kind: &str, block: &Block, mut attrs: Fields) -> Sv {
    if kind == "aws_eks_cluster"
        && let Some(name) = attrs.get("name").cloned()
    {
        attrs.insert("id".to_string(), name);
    }
    Sv::new(Value::object(attrs), block.header)
}

/// The instances of a resource as objects (see [`instance_value`]), with their keys: none of
/// unknown keys.
pub struct Objects {
    pub keys: Keys,
    pub objects: Vec<(Option<InstanceKey>, Sv)>,
}

impl Objects {
    /// The resource as other resources see it: its object, or a map (`for_each`) or list
    /// (`count`) of them.
    fn value(mut self, header: Span) -> Sv {
        let value = match self.keys {
            Keys::Unknown => return Sv::unknown(header),
            Keys::Single => match self.objects.pop() {
                Some((_, object)) => return object,
                None => return Sv::unknown(header),
            },
            Keys::Count => Value::list(self.objects.into_iter().map(|(_, v)| v).collect()),
            Keys::ForEach => Value::object(
                self.objects
                    .into_iter()
                    .filter_map(|(k, v)| Some((k?.name(), (header, v))))
                    .collect(),
            ),
        };
        Sv::new(value, header)
    }
}

/// The sameness key of the IAM role or user that runs Terraform for the root module in `root`
/// (the issuer of a session context of the caller identity), the same in every module it calls.
pub fn deployer_key(root: &std::path::Path) -> String {
    [
        &*root.to_string_lossy(),
        "::data.aws_iam_session_context.issuer_arn",
    ]
    .concat()
}

/// A traversal operator.
pub type Op = Decorated<TraversalOperator>;

/// Looks up or computes a memoised value; asked for while being computed (a cycle), it is
/// unknown at `span`, and so is a value whose evaluation ran out of steps (it is partial). A
/// value lowering kept is taken when computing it here would give it (see [`Budget::replay`]).
/// Computing it is a kept computation (see [`Budget::kept`]).
fn memo<K: Hash + Eq + Clone>(
    slots: &RefCell<HashMap<K, Slot>>,
    key: K,
    span: Span,
    budget: &Budget,
    compute: impl FnOnce() -> Sv,
) -> Rc<Sv> {
    let lowered = match slots.borrow().get(&key) {
        Some(Slot::Busy) => return Rc::new(Sv::unknown(span)),
        Some(Slot::Done(v)) => return v.clone(),
        Some(Slot::Lowered(v, cost, last)) => Some((v.clone(), *cost, *last)),
        None => None,
    };
    if let Some((value, cost, last)) = lowered {
        #[cfg(debug_assertions)]
        let before = budget.state();
        if budget.kept(|| budget.replay(cost, last)) {
            // Debug builds evaluate it again, to check that the replay is exact.
            #[cfg(debug_assertions)]
            {
                let replayed = budget.state();
                budget.set_state(before);
                slots.borrow_mut().insert(key.clone(), Slot::Busy);
                let again = budget.kept(compute);
                assert_eq!(budget.state(), replayed, "a replay takes the steps again");
                assert_eq!(again, *value, "a replay gives the value again");
            }
            slots.borrow_mut().insert(key, Slot::Done(value.clone()));
            return value;
        }
    }
    slots.borrow_mut().insert(key.clone(), Slot::Busy);
    let value = budget.kept(compute);
    let value = Rc::new(if budget.ran_out() {
        Sv::unknown(span)
    } else {
        value
    });
    slots.borrow_mut().insert(key, Slot::Done(value.clone()));
    value
}

/// `data.<type>.<name>...`: unknown, with a hint for the caller identity's ARN.
fn data_source(kind: &str, rest: &[Op], span: Span) -> Sv {
    match (kind, attributes(rest).as_slice()) {
        ("aws_caller_identity", [name, "arn"]) => Sv::new(
            Value::Unknown(Some(UnknownHint::CallerIdentityArn {
                source_name: (*name).to_string(),
            })),
            span,
        ),
        _ => Sv::unknown(span),
    }
}

/// The attribute names of a data source traversal up to the first splat; the index of a
/// `count` instance (`current[0]`) is skipped, as every instance reads the same data.
fn attributes(rest: &[Op]) -> Vec<&str> {
    rest.iter()
        .filter(|op| {
            !matches!(
                op.value(),
                TraversalOperator::Index(_) | TraversalOperator::LegacyIndex(_)
            )
        })
        .map_while(|op| match op.value() {
            TraversalOperator::GetAttr(id) => Some(id.as_str()),
            _ => None,
        })
        .collect()
}

/// An element of a list or map by key; `None` when it is missing.
fn index<'v>(collection: &'v Sv, key: &Sv) -> Option<&'v Sv> {
    match (&collection.value, &key.value) {
        (Value::List(items), Value::Number(n)) if *n >= 0.0 && n.fract() == 0.0 => {
            items.get(*n as usize)
        }
        (Value::List(items), Value::String(s)) => items.get(s.as_str()?.parse::<usize>().ok()?),
        (Value::Object(map), _) => {
            let k = to_text(&key.value)?;
            map.get(k.as_str()?).map(|(_, v)| v)
        }
        _ => None,
    }
}

/// The keys and values a `for` iterates over; `None` when the collection is not known.
pub fn iterate(coll: &Sv) -> Option<Vec<(Sv, &Sv)>> {
    match &coll.value {
        Value::List(items) => Some(
            items
                .iter()
                .enumerate()
                .map(|(i, v)| (Sv::new(Value::Number(i as f64), v.span), v))
                .collect(),
        ),
        Value::Object(map) => Some(
            map.iter()
                .map(|(k, (ks, v))| (Sv::string(k.as_str(), *ks), v))
                .collect(),
        ),
        _ => None,
    }
}

/// The bindings of one iteration of a `for`: the value, and the key when it is named.
fn loop_bindings(
    key_var: Option<&Decorated<hcl::edit::Ident>>,
    value_var: &Decorated<hcl::edit::Ident>,
    key: Sv,
    value: &Sv,
) -> Vec<Binding> {
    let mut out = vec![Binding {
        name: value_var.as_str().to_string(),
        value: value.clone(),
        origin: None,
    }];
    if let Some(k) = key_var {
        out.push(Binding {
            name: k.as_str().to_string(),
            value: key,
            origin: None,
        });
    }
    out
}
