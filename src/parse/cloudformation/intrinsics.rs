//! Evaluating template values: parameters, pseudo-parameters, mappings, conditions and the
//! intrinsic functions, in their long (`{"Fn::Sub": ..}`) and short (`!Sub`) forms.
//!
//! What cannot be known statically is [`Value::Unknown`] (or a hole in a partly known string):
//! `Fn::GetAZs`, `Fn::Cidr`, `Fn::Base64`, `Fn::Transform`. What is not known but is one value
//! wherever it is written is a *named* part: the pseudo-parameters other than `AWS::NoValue`,
//! parameters without a default or given value, `Ref` to resources other than an
//! `AWS::EKS::Cluster` (whose `Ref` is its name), `Fn::GetAtt` and `Fn::ImportValue` of a known
//! export. The `Arn` of an `AWS::IAM::Role` or `AWS::IAM::User` is known in part:
//! `arn:${AWS::Partition}:iam::${AWS::AccountId}:role<Path><RoleName>`.
//!
//! `Fn::If` on a condition that cannot be evaluated (it depends on an unknown value) evaluates
//! both branches and gives their value when the two are the same, and an unknown value
//! otherwise. So a finding is reported only when it holds whichever branch is taken, and never
//! on a value that only one branch would produce.

use super::values::{Ev, Value};
use crate::ir::{Part, Related, Text, Written};
use crate::limits::MAX_VALUE_ORIGINS;
use crate::parse::budget::{Budget, Size, TextBuilder};
use crate::parse::tree::{Key, Node, NodeKind};
use crate::source::{FileId, Span};
use foldhash::{HashMap, HashMapExt};
use std::borrow::Cow;
use std::cell::{OnceCell, RefCell};
use std::collections::BTreeMap;
use std::sync::{Arc, LazyLock};

/// Pseudo-parameters whose value depends on the stack (all but `AWS::NoValue`).
const PSEUDO_PARAMETERS: [&str; 7] = [
    "AWS::AccountId",
    "AWS::NotificationARNs",
    "AWS::Partition",
    "AWS::Region",
    "AWS::StackId",
    "AWS::StackName",
    "AWS::URLSuffix",
];

/// A template's sections, indexed by name, with the parameter values given from outside.
pub(super) struct Template<'d> {
    file: FileId,
    /// What names this template's own named parts (parameters, resources): its unit.
    scope: Arc<str>,
    parameters: HashMap<&'d str, Parameter<'d>>,
    /// Values of `Mappings` by map, top-level key and second-level key.
    mappings: HashMap<[&'d str; 3], &'d Node>,
    conditions: HashMap<&'d str, &'d Node>,
    resources: &'d [(Key, Node)],
    /// Resources by logical id.
    by_id: HashMap<&'d str, &'d Node>,
    budget: Budget,
    /// Evaluated definitions (parameter defaults, mapping values, cluster names), by node.
    definitions: RefCell<HashMap<*const Node, Slot<(Ev<'d>, Size)>>>,
    /// Evaluated conditions (`None`: not statically known).
    condition_values: RefCell<HashMap<&'d str, Slot<Option<bool>>>>,
}

/// A memoised evaluation: under way (asked for again, it is a cycle), or done.
enum Slot<T> {
    Busy,
    Done(T),
}

/// A declared parameter.
struct Parameter<'d> {
    /// A `CommaDelimitedList` or `List<...>` parameter.
    list: bool,
    /// It has `AllowedValues` or an `AllowedPattern`, which its default must pass: a fix must
    /// not edit the default.
    constrained: bool,
    value: ParameterValue<'d>,
    /// The label of where its default comes from, made once for its uses.
    from_default: OnceCell<Arc<str>>,
}

enum ParameterValue<'d> {
    /// Given on the command line, in a parameter file or in the configuration.
    Given(String),
    Default(&'d Node),
    None,
}

impl<'d> Template<'d> {
    /// Reads and indexes the sections of a template; `given` overrides parameter defaults.
    pub fn new(file: FileId, doc: &'d Node, given: &BTreeMap<String, String>) -> Template<'d> {
        let section = |name| doc.get(name).map(Node::entries).unwrap_or_default();
        let mut parameters = HashMap::new();
        for (key, decl) in section("Parameters") {
            let ty = decl.get("Type").and_then(Node::as_str).unwrap_or("");
            let value = match (given.get(&key.name), decl.get("Default")) {
                (Some(v), _) => ParameterValue::Given(v.clone()),
                (None, Some(d)) => ParameterValue::Default(d),
                (None, None) => ParameterValue::None,
            };
            let list = ty == "CommaDelimitedList" || ty.starts_with("List<");
            let constrained =
                decl.get("AllowedValues").is_some() || decl.get("AllowedPattern").is_some();
            parameters.entry(key.name.as_str()).or_insert(Parameter {
                list,
                constrained,
                value,
                from_default: OnceCell::new(),
            });
        }
        let mut mappings = HashMap::new();
        for (map, tops) in section("Mappings") {
            for (top, seconds) in tops.entries() {
                for (second, value) in seconds.entries() {
                    let key = [map.name.as_str(), top.name.as_str(), second.name.as_str()];
                    mappings.entry(key).or_insert(value);
                }
            }
        }
        let index = |entries: &'d [(Key, Node)]| {
            let mut out = HashMap::with_capacity(entries.len());
            for (k, v) in entries {
                out.entry(k.name.as_str()).or_insert(v);
            }
            out
        };
        let resources = section("Resources");
        Template {
            file,
            scope: unit_key(file).into(),
            parameters,
            mappings,
            conditions: index(section("Conditions")),
            resources,
            by_id: index(resources),
            budget: Budget::new(doc.span.end as usize),
            definitions: RefCell::new(HashMap::new()),
            condition_values: RefCell::new(HashMap::new()),
        }
    }

    /// The file the template is in.
    pub fn file(&self) -> FileId {
        self.file
    }

    /// The `Resources` section's entries.
    pub fn resources(&self) -> &'d [(Key, Node)] {
        self.resources
    }

    /// The `Type` of a resource.
    pub fn resource_type(&self, logical_id: &str) -> Option<&'d str> {
        self.by_id
            .get(logical_id)?
            .get("Type")
            .and_then(Node::as_str)
    }

    /// Evaluates a value; past the budget (too deep, too many steps) it is unknown.
    pub fn eval(&self, node: &'d Node) -> Ev<'d> {
        self.budget
            .nest(|| self.eval_node(node))
            .unwrap_or_else(|| Ev::unknown(node.span))
    }

    fn eval_node(&self, node: &'d Node) -> Ev<'d> {
        if let Some(tag) = &node.tag {
            return self.intrinsic(&function_name(tag), node, node.span);
        }
        self.eval_untagged(node)
    }

    /// Evaluates a node as if it had no tag (the argument of a short-form function).
    fn eval_untagged(&self, node: &'d Node) -> Ev<'d> {
        match &node.kind {
            NodeKind::Map(entries) => match entries.as_slice() {
                [(key, args)] if is_function(&key.name) => {
                    self.intrinsic(&key.name, args, node.span)
                }
                _ => {
                    // Made at its size: the entries removed (`AWS::NoValue`) are few.
                    let mut evaluated = Vec::with_capacity(entries.len());
                    for (k, v) in entries {
                        let v = self.eval(v);
                        if !matches!(v.value, Value::Removed) {
                            evaluated.push((k, v));
                        }
                    }
                    Ev::new(Value::Map(evaluated), node.span)
                }
            },
            NodeKind::Seq(items) => {
                let mut evaluated = Vec::with_capacity(items.len());
                for n in items {
                    let mut v = self.eval(n);
                    if !matches!(v.value, Value::Removed) {
                        v.written.item = n.written.item;
                        evaluated.push(v);
                    }
                }
                Ev::new(Value::List(evaluated), node.span)
            }
            NodeKind::String(s) => {
                let mut v = Ev::new(Value::Str(Text::lit(s.as_str())), node.span);
                v.written = node.written;
                v
            }
            NodeKind::Number(n) => Ev::new(Value::Number(n.clone()), node.span),
            NodeKind::Bool(b) => Ev::new(Value::Bool(*b), node.span),
            NodeKind::Null => Ev::new(Value::Null, node.span),
        }
    }

    /// The value of a definition (a parameter default, a mapping value, a cluster's name),
    /// evaluated once: asked for while it is being evaluated (a cycle), or too big, it is unknown.
    fn definition(&self, node: &'d Node) -> Ev<'d> {
        let key: *const Node = node;
        match self.definitions.borrow().get(&key) {
            Some(Slot::Busy) => return Ev::unknown(node.span),
            Some(Slot::Done((value, size))) => {
                // Each use is a copy.
                return if self.budget.spend(size.steps()) {
                    value.clone()
                } else {
                    Ev::unknown(node.span)
                };
            }
            None => {}
        }
        self.definitions.borrow_mut().insert(key, Slot::Busy);
        let value = self.eval(node);
        // Too big, or partial (its evaluation ran out of steps): not kept.
        let value = if value.size().fits() && !self.budget.ran_out() {
            value
        } else {
            Ev::unknown(node.span)
        };
        let size = value.size();
        self.definitions
            .borrow_mut()
            .insert(key, Slot::Done((value.clone(), size)));
        value
    }

    /// Applies the function `name` to `args` (for a short-form tag, `args` is the tagged node,
    /// whose tag is not looked at again).
    fn intrinsic(&self, name: &str, args: &'d Node, span: Span) -> Ev<'d> {
        let items = match &args.kind {
            NodeKind::Seq(items) => items.as_slice(),
            _ => &[],
        };
        match name {
            "Ref" => match &args.kind {
                NodeKind::String(target) => self.reference(target, span),
                _ => Ev::unknown(span),
            },
            "Fn::Sub" => self.sub(args, span),
            "Fn::Join" => self.join(items, span),
            "Fn::Select" => self.select(items, span),
            "Fn::Split" => self.split(items, span),
            "Fn::FindInMap" => self.find_in_map(items, span),
            "Fn::If" => self.if_(items, span),
            "Fn::GetAtt" => {
                let (id, attribute) = match (&args.kind, items) {
                    (NodeKind::String(s), _) => match s.split_once('.') {
                        Some((id, attribute)) => (id.to_string(), Some(attribute.to_string())),
                        None => return Ev::unknown(span),
                    },
                    (_, [id, attribute]) => (
                        id.as_str().unwrap_or_default().to_string(),
                        self.eval(attribute).as_string(),
                    ),
                    _ => return Ev::unknown(span),
                };
                match attribute {
                    Some(attribute) => self.get_att(&id, &attribute, span),
                    None => Ev::unknown(span),
                }
            }
            // The export's name may be named in part (`!Sub '${Env}-role'`): the same
            // expression imports the same export.
            "Fn::ImportValue" => match self.eval_argument(name, args).as_text() {
                Some(export) if export.identity().is_some() => Ev::named(
                    self.named_part(&format!("Fn::ImportValue {}", export.display())),
                    span,
                ),
                _ => Ev::unknown(span),
            },
            _ => Ev::unknown(span),
        }
    }

    /// The argument of function `name`: in the short form (`!ImportValue name`), the node
    /// tagged with the function, without its tag.
    fn eval_argument(&self, name: &str, args: &'d Node) -> Ev<'d> {
        if args
            .tag
            .as_deref()
            .is_some_and(|tag| function_name(tag) == name)
        {
            self.budget
                .nest(|| self.eval_untagged(args))
                .unwrap_or_else(|| Ev::unknown(args.span))
        } else {
            self.eval(args)
        }
    }

    /// `Fn::GetAtt`: the ARN of an IAM role or user known in part, else a named value.
    fn get_att(&self, id: &str, attribute: &str, span: Span) -> Ev<'d> {
        let Some(resource) = self.by_id.get(id) else {
            return Ev::unknown(span);
        };
        let kind = match (self.resource_type(id), attribute) {
            (Some("AWS::IAM::Role"), "Arn") => ("role", "RoleName"),
            (Some("AWS::IAM::User"), "Arn") => ("user", "UserName"),
            _ => return Ev::named(self.named_part(&[id, ".", attribute].concat()), span),
        };
        let property = |name: &str| {
            let node = resource.get("Properties")?.get(name)?;
            Some(self.definition(node)).filter(|v| !matches!(v.value, Value::Removed))
        };
        let (resource_kind, name_property) = kind;
        let name = property(name_property);
        let path = property("Path");
        let own = |what: &str| self.named_part(&[id, ".", what].concat());
        // Without a name, CloudFormation generates one.
        let name_parts = name.as_ref().map_or_else(
            || vec![own(name_property)],
            |n| parts_of(n, own(name_property)),
        );
        let path_parts = match &path {
            None => vec![Part::Lit("/".into())],
            Some(p) => match parts_of(p, own("Path")) {
                parts if matches!(parts.first(), Some(Part::Lit(s)) if s.starts_with('/')) => parts,
                parts => std::iter::once(Part::Lit("/".into()))
                    .chain(parts)
                    .collect(),
            },
        };
        let text = Text::from_parts(
            [
                Part::Lit("arn:".into()),
                self.named_part("AWS::Partition"),
                Part::Lit(":iam::".into()),
                self.named_part("AWS::AccountId"),
                Part::Lit([":", resource_kind].concat()),
            ]
            .into_iter()
            .chain(path_parts)
            .chain(name_parts),
        );
        let mut origin = Vec::new();
        for (property, v) in [(name_property, name), ("Path", path)] {
            if let Some(v) = v {
                origin.push(Related {
                    span: v.span,
                    message: ["from the `", property, "` of `", id, "`"].concat().into(),
                });
                origin.extend(v.origin);
            }
        }
        origin.dedup();
        Ev::text(text, span, origin)
    }

    /// `Ref`: a parameter's value, a pseudo-parameter, or an EKS cluster's name.
    fn reference(&self, target: &str, span: Span) -> Ev<'d> {
        if target == "AWS::NoValue" {
            return Ev::new(Value::Removed, span);
        }
        if PSEUDO_PARAMETERS.contains(&target) {
            return Ev::named(self.named_part(target), span);
        }
        if let Some(p) = self.parameters.get(target) {
            return self.parameter(target, p, span);
        }
        if self.resource_type(target) == Some("AWS::EKS::Cluster") {
            return self
                .cluster_name(target)
                .unwrap_or_else(|| Ev::named(self.named_part(target), span));
        }
        if self.by_id.contains_key(target) {
            return Ev::named(self.named_part(target), span);
        }
        Ev::unknown(span)
    }

    /// The `Name` of an `AWS::EKS::Cluster` resource, where it is written; `None` when it is
    /// not set (CloudFormation then generates one).
    pub fn cluster_name(&self, logical_id: &str) -> Option<Ev<'d>> {
        let node = self.by_id.get(logical_id)?.get("Properties")?.get("Name")?;
        let name = self.definition(node);
        (!matches!(name.value, Value::Removed)).then_some(name)
    }

    fn parameter(&self, name: &str, p: &Parameter<'d>, span: Span) -> Ev<'d> {
        let (value, defaulted) = match &p.value {
            ParameterValue::Given(v) => (Ev::new(Value::Str(Text::lit(v.as_str())), span), false),
            ParameterValue::Default(node) => (self.definition(node), true),
            ParameterValue::None => return Ev::named(self.named_part(name), span),
        };
        let mut value = match (&value.value, p.list) {
            (Value::Str(t), true) => match t.as_str() {
                Some(s) => self.split_text(s, ",", value.span, &value.origin),
                None => Ev::unknown(value.span),
            },
            (Value::Number(n), false) => Ev::new(Value::Str(Text::lit(n.as_str())), value.span),
            (Value::Bool(b), false) => Ev::new(Value::Str(Text::lit(b.to_string())), value.span),
            _ => value,
        };
        if p.constrained {
            value.written = Written::default();
        }
        if defaulted {
            let message = p.from_default.get_or_init(|| {
                ["from the default of parameter `", name, "`"]
                    .concat()
                    .into()
            });
            value.relocate(span, message)
        } else {
            value
        }
    }

    /// `Fn::Sub` with a string, or with a string and a map of variables.
    fn sub(&self, args: &'d Node, span: Span) -> Ev<'d> {
        let (template, vars) = match &args.kind {
            NodeKind::String(s) => (s.as_str(), &[][..]),
            NodeKind::Seq(items) => match items.as_slice() {
                [t, vars] => match (&t.kind, t.tag.is_none()) {
                    (NodeKind::String(s), true) => (s.as_str(), vars.entries()),
                    _ => return Ev::unknown(span),
                },
                _ => return Ev::unknown(span),
            },
            _ => return Ev::unknown(span),
        };
        let vars: HashMap<&str, &Node> = vars.iter().map(|(k, v)| (k.name.as_str(), v)).collect();
        let mut out = Concat::default();
        let mut rest = template;
        // Made once: a finder's set-up costs more than most searches of a short string.
        static VARIABLE: LazyLock<memchr::memmem::Finder> =
            LazyLock::new(|| memchr::memmem::Finder::new("${"));
        while let Some(start) = VARIABLE.find(rest.as_bytes()) {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let Some(end) = memchr::memchr(b'}', after.as_bytes()) else {
                out.push_str(&rest[start..]);
                rest = "";
                break;
            };
            let name = &after[..end];
            if let Some(literal) = name.strip_prefix('!') {
                out.push_str("${");
                out.push_str(literal);
                out.push_str("}");
            } else {
                let name = name.trim();
                // A variable of the map is a hole where it is not known; a name stands for
                // itself (named only when needed: most values are known in part).
                match vars.get(name) {
                    Some(v) => out.value(self.eval(v), || Part::Hole),
                    None => {
                        let value = match name.split_once('.') {
                            Some((id, attribute)) if !name.starts_with("AWS::") => {
                                self.get_att(id, attribute, span)
                            }
                            _ => self.reference(name, span),
                        };
                        out.value(value, || self.named_part(name));
                    }
                }
            }
            if out.too_big() {
                return Ev::unknown(span);
            }
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        out.finish(&self.budget, span)
    }

    /// `Fn::Join`: a known delimiter and a list.
    fn join(&self, items: &'d [Node], span: Span) -> Ev<'d> {
        let [delimiter, list] = items else {
            return Ev::unknown(span);
        };
        let (Some(delimiter), Value::List(list)) =
            (self.eval(delimiter).as_string(), self.eval(list).value)
        else {
            return Ev::unknown(span);
        };
        let mut out = Concat::default();
        for (i, item) in list.into_iter().enumerate() {
            if i > 0 {
                out.push_str(&delimiter);
            }
            out.value(item, || Part::Hole);
            if out.too_big() {
                return Ev::unknown(span);
            }
        }
        out.finish(&self.budget, span)
    }

    /// `Fn::Select`: a known index into a known list.
    fn select(&self, items: &'d [Node], span: Span) -> Ev<'d> {
        let [index, list] = items else {
            return Ev::unknown(span);
        };
        let index = self
            .eval(index)
            .as_string()
            .and_then(|i| i.parse::<usize>().ok());
        match (index, self.eval(list).value) {
            (Some(i), Value::List(mut list)) if i < list.len() => list.swap_remove(i),
            _ => Ev::unknown(span),
        }
    }

    /// `Fn::Split`: a known delimiter and a fully known string.
    fn split(&self, items: &'d [Node], span: Span) -> Ev<'d> {
        let [delimiter, source] = items else {
            return Ev::unknown(span);
        };
        let source = self.eval(source);
        match (self.eval(delimiter).as_string(), source.as_string()) {
            (Some(d), Some(s)) if !d.is_empty() => self.split_text(&s, &d, span, &source.origin),
            _ => Ev::unknown(span),
        }
    }

    /// The pieces of `s` between `delimiter`s, as a list at `span`; unknown when too many.
    fn split_text(&self, s: &str, delimiter: &str, span: Span, origin: &[Related]) -> Ev<'d> {
        let pieces = s.matches(delimiter).count() + 1;
        let size = Size::collection([Size {
            items: pieces,
            ..Size::text(s.len())
        }]);
        if !self.budget.build(size) {
            return Ev::unknown(span);
        }
        let piece = |text: &str| Ev {
            value: Value::Str(Text::lit(text)),
            span,
            origin: origin.to_vec(),
            written: Written::default(),
        };
        Ev {
            value: Value::List(s.split(delimiter).map(piece).collect()),
            span,
            origin: origin.to_vec(),
            written: Written::default(),
        }
    }

    /// `Fn::FindInMap`: a value of `Mappings`, or the `DefaultValue` when the keys are absent.
    fn find_in_map(&self, items: &'d [Node], span: Span) -> Ev<'d> {
        let (keys, default) = match items {
            [m, a, b] => ([m, a, b], None),
            [m, a, b, options] => ([m, a, b], options.get("DefaultValue")),
            _ => return Ev::unknown(span),
        };
        let [Some(map), Some(top), Some(second)] = keys.map(|k| self.eval(k).as_string()) else {
            return Ev::unknown(span);
        };
        let found = self
            .mappings
            .get(&[map.as_str(), top.as_str(), second.as_str()]);
        match (found, default) {
            (Some(value), _) => self.definition(value).relocate(
                span,
                &format!("from mapping `{map}` ({top}, {second})").into(),
            ),
            (None, Some(default)) => self.eval(default),
            (None, None) => Ev::unknown(span),
        }
    }

    /// `Fn::If`: the branch the condition takes, or the branches' common value.
    fn if_(&self, items: &'d [Node], span: Span) -> Ev<'d> {
        let [condition, then, otherwise] = items else {
            return Ev::unknown(span);
        };
        let Some(name) = condition.as_str() else {
            return Ev::unknown(span);
        };
        match self.condition(name) {
            Some(true) => self.eval(then),
            Some(false) => self.eval(otherwise),
            None => {
                let (mut a, b) = (self.eval(then), self.eval(otherwise));
                // Written twice: one edit would not fix it.
                a.written = Written::default();
                if a.same(&b) { a } else { Ev::unknown(span) }
            }
        }
    }

    /// The value of a named condition, when its inputs are known; evaluated once, and not known
    /// when it needs itself.
    pub fn condition(&self, name: &str) -> Option<bool> {
        let (&name, node) = self.conditions.get_key_value(name)?;
        match self.condition_values.borrow().get(name) {
            Some(Slot::Busy) => return None,
            Some(Slot::Done(v)) => return *v,
            None => {}
        }
        self.condition_values.borrow_mut().insert(name, Slot::Busy);
        let value = self.condition_expr(node);
        self.condition_values
            .borrow_mut()
            .insert(name, Slot::Done(value));
        value
    }

    /// A condition function (`Fn::Equals`, `Fn::And`, `Fn::Or`, `Fn::Not`, `Condition`).
    fn condition_expr(&self, node: &'d Node) -> Option<bool> {
        self.budget.nest(|| self.condition_fn(node)).flatten()
    }

    fn condition_fn(&self, node: &'d Node) -> Option<bool> {
        let (name, args) = match (&node.tag, &node.kind) {
            (Some(tag), _) => (function_name(tag), node),
            (None, NodeKind::Map(entries)) => match entries.as_slice() {
                [(key, args)] => (Cow::Borrowed(key.name.as_str()), args),
                _ => return None,
            },
            _ => return None,
        };
        let items = match &args.kind {
            NodeKind::Seq(items) => items.as_slice(),
            _ => &[],
        };
        let all = || items.iter().map(|n| self.condition_expr(n));
        match &*name {
            "Condition" => match &args.kind {
                NodeKind::String(other) => self.condition(other),
                _ => None,
            },
            "Fn::Equals" => match items {
                [a, b] => {
                    let (a, b) = (self.eval(a), self.eval(b));
                    Some(a.as_string()? == b.as_string()?)
                }
                _ => None,
            },
            "Fn::Not" => match items {
                [a] => self.condition_expr(a).map(|v| !v),
                _ => None,
            },
            "Fn::And" => match all().collect::<Vec<_>>() {
                v if v.contains(&Some(false)) => Some(false),
                v if v.iter().all(|b| *b == Some(true)) => Some(true),
                _ => None,
            },
            "Fn::Or" => match all().collect::<Vec<_>>() {
                v if v.contains(&Some(true)) => Some(true),
                v if v.iter().all(|b| *b == Some(false)) => Some(false),
                _ => None,
            },
            _ => None,
        }
    }
}

/// A string being built from the values in it, with their origins.
#[derive(Default)]
struct Concat {
    text: TextBuilder,
    origin: Vec<Related>,
}

impl Concat {
    /// Appends known text, without a string of its own.
    fn push_str(&mut self, s: &str) {
        self.text.push_str(s);
    }

    /// Appends the text of a scalar value, or what `unknown` gives in its place.
    fn value(&mut self, value: Ev<'_>, unknown: impl FnOnce() -> Part) {
        match value.into_text() {
            (Some(t), origin) => {
                self.text.push_owned_text(t);
                self.origin.extend(origin);
                self.origin.truncate(MAX_VALUE_ORIGINS);
            }
            (None, _) => self.text.push(unknown()),
        }
    }

    fn too_big(&self) -> bool {
        self.text.too_big()
    }

    /// The string at `span`; unknown when it is too big for the budget.
    fn finish<'d>(self, budget: &Budget, span: Span) -> Ev<'d> {
        match self.text.finish(budget) {
            Some(text) => Ev::text(text, span, self.origin),
            None => Ev::unknown(span),
        }
    }
}

/// The long name of a short-form tag (`Sub` → `Fn::Sub`; `Ref` and `Condition` stay).
fn function_name(tag: &str) -> Cow<'_, str> {
    Cow::Borrowed(match tag {
        "Ref" | "Condition" => tag,
        // The template language's functions, named without an allocation.
        "Sub" => "Fn::Sub",
        "GetAtt" => "Fn::GetAtt",
        "Join" => "Fn::Join",
        "Select" => "Fn::Select",
        "Split" => "Fn::Split",
        "If" => "Fn::If",
        "FindInMap" => "Fn::FindInMap",
        "ImportValue" => "Fn::ImportValue",
        "Equals" => "Fn::Equals",
        "And" => "Fn::And",
        "Or" => "Fn::Or",
        "Not" => "Fn::Not",
        "Base64" => "Fn::Base64",
        "Cidr" => "Fn::Cidr",
        "GetAZs" => "Fn::GetAZs",
        _ => return Cow::Owned(format!("Fn::{tag}")),
    })
}

/// Whether a single key of a mapping makes it a function call.
fn is_function(key: &str) -> bool {
    key == "Ref" || key.starts_with("Fn::")
}

impl Template<'_> {
    /// The part a value that is not known stands for: the same value wherever the same name
    /// appears in the template (a parameter, a resource, an attribute), or, for the account,
    /// partition, region and URL suffix, in every template that targets the same cluster.
    fn named_part(&self, name: &str) -> Part {
        let global = [
            "AWS::AccountId",
            "AWS::Partition",
            "AWS::Region",
            "AWS::URLSuffix",
        ]
        .contains(&name);
        Part::Named {
            name: name.to_string(),
            scope: (!global).then(|| self.scope.clone()),
        }
    }
}

/// The deployment unit of the template in `file`.
pub(super) fn unit_key(file: FileId) -> String {
    format!("cloudformation:{}", file.0)
}

/// The parts of a string value, those not known named `fallback` unless the value is named.
fn parts_of(v: &Ev, fallback: Part) -> Vec<Part> {
    match v.as_text() {
        Some(t) => t
            .parts()
            .iter()
            .map(|p| match p {
                Part::Hole => fallback.clone(),
                p => p.clone(),
            })
            .collect(),
        None => vec![fallback],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::Val;
    use crate::parse::tree::parse_yaml;

    const F: FileId = FileId(0);

    #[test]
    fn short_form_tags_name_their_functions() {
        for (tag, name) in [
            ("Ref", "Ref"),
            ("Condition", "Condition"),
            ("Sub", "Fn::Sub"),
            ("GetAtt", "Fn::GetAtt"),
            ("GetAZs", "Fn::GetAZs"),
            // One not written out: formatted.
            ("Length", "Fn::Length"),
        ] {
            assert_eq!(function_name(tag), name);
        }
    }

    fn template(text: &str) -> Node {
        parse_yaml(F, text).unwrap().remove(0)
    }

    fn value<'d>(doc: &'d Node, given: &[(&str, &str)], key: &str) -> Ev<'d> {
        let given = given
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let t = Template::new(F, doc, &given);
        t.eval(doc.get("Values").and_then(|v| v.get(key)).unwrap())
    }

    fn text(ev: &Ev) -> Option<String> {
        ev.as_string()
    }

    /// A string with its unknown parts as `${name}` (`…` when not named), or `?` when unknown.
    fn shown(ev: &Ev) -> String {
        match &ev.value {
            Value::Str(t) => t.display(),
            _ => "?".into(),
        }
    }

    const DOC: &str = "\
Parameters:
  Name: {Type: String, Default: cfn-a}
  Groups: {Type: CommaDelimitedList, Default: 'a,b'}
  Open: {Type: String}
  Env: {Type: String, Default: prod}
Mappings:
  M: {prod: {type: Standard}}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  NotProd: !Not [!Condition IsProd]
  Unknown: !Equals [!Ref 'AWS::Region', us-east-1]
  Both: {'Fn::And': [{Condition: IsProd}, {Condition: Unknown}]}
  Loop: !Condition Loop
Resources:
  Cluster: {Type: AWS::EKS::Cluster, Properties: {Name: !Ref Name}}
  Other: {Type: AWS::IAM::Role}
Values:
  ref: !Ref Name
  open: !Ref Open
  groups: !Ref Groups
  sub: !Sub 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${Name}-${!x}'
  sublist: !Sub ['${A}/${B}', {A: !Ref Name, B: !GetAtt Other.Arn}]
  join: !Join ['-', [x, !Ref Name, {Ref: 'AWS::Region'}]]
  select: !Select [1, !Ref Groups]
  split: !Select [2, !Split [':', 'a:b:c']]
  map: !FindInMap [M, !Ref Env, type]
  mapdefault: !FindInMap [M, dev, type, {DefaultValue: d}]
  if: !If [IsProd, yes, no]
  ifnot: !If [NotProd, yes, no]
  ifunknown: !If [Unknown, same, same]
  ifdiffer: !If [Unknown, a, b]
  ifboth: !If [Both, a, b]
  loop: !If [Loop, a, b]
  cluster: !Ref Cluster
  other: !Ref Other
  novalue: [a, !Ref AWS::NoValue]
  long: {'Fn::Sub': 'x-${Name}'}
  dollars: !Sub 'a$b$${Name}$ ${x'
";

    #[test]
    fn intrinsic_functions() {
        let doc = template(DOC);
        let v = |k: &str| text(&value(&doc, &[], k));
        assert_eq!(v("ref").as_deref(), Some("cfn-a"));
        assert_eq!(shown(&value(&doc, &[], "open")), "${Open}");
        assert_eq!(v("select").as_deref(), Some("b"));
        assert_eq!(v("split").as_deref(), Some("c"));
        assert_eq!(v("map").as_deref(), Some("Standard"));
        assert_eq!(v("mapdefault").as_deref(), Some("d"));
        assert_eq!(v("if").as_deref(), Some("yes"));
        assert_eq!(v("ifnot").as_deref(), Some("no"));
        assert_eq!(v("ifunknown").as_deref(), Some("same"));
        assert_eq!(value(&doc, &[], "ifdiffer").value, Value::Unknown);
        assert_eq!(value(&doc, &[], "ifboth").value, Value::Unknown);
        assert_eq!(value(&doc, &[], "loop").value, Value::Unknown);
        assert_eq!(v("cluster").as_deref(), Some("cfn-a"));
        assert_eq!(shown(&value(&doc, &[], "other")), "${Other}");
        assert_eq!(v("long").as_deref(), Some("x-cfn-a"));
        // A `$` not before `{` is text, and so is a `${` that is not closed.
        assert_eq!(v("dollars").as_deref(), Some("a$b$cfn-a$ ${x"));
        assert_eq!(
            text(&value(&doc, &[("Name", "given"), ("Env", "dev")], "ref")).as_deref(),
            Some("given")
        );
        assert_eq!(
            text(&value(&doc, &[("Env", "dev")], "if")).as_deref(),
            Some("no")
        );
        let novalue = value(&doc, &[], "novalue");
        assert!(matches!(&novalue.value, Value::List(items) if items.len() == 1));
    }

    #[test]
    fn partly_known_strings() {
        let doc = template(DOC);
        let sub = value(&doc, &[], "sub");
        let Value::Str(t) = &sub.value else {
            panic!("{sub:?}")
        };
        assert_eq!(
            t.parts(),
            [
                Part::Lit("arn:".into()),
                Part::Named {
                    name: "AWS::Partition".into(),
                    scope: None
                },
                Part::Lit(":iam::".into()),
                Part::Named {
                    name: "AWS::AccountId".into(),
                    scope: None
                },
                Part::Lit(":role/cfn-a-${x}".into()),
            ]
        );
        assert_eq!(sub.origin.len(), 1);
        // `Other` is a role without a name: CloudFormation generates one.
        assert_eq!(
            shown(&value(&doc, &[], "sublist")),
            "cfn-a/arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${Other.RoleName}"
        );
        assert_eq!(shown(&value(&doc, &[], "join")), "x-cfn-a-${AWS::Region}");
    }

    #[test]
    fn iam_arns_are_known_in_part() {
        let doc = template(
            "\
Parameters:
  Team: {Type: String}
  Long: {Type: String, Default: a-name-of-seventy-characters-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa}
Resources:
  Admin: {Type: AWS::IAM::Role, Properties: {RoleName: admin, Path: /team/}}
  Named: {Type: AWS::IAM::Role, Properties: {RoleName: !Sub '${Team}-ops'}}
  FromDefault: {Type: AWS::IAM::Role, Properties: {RoleName: !Ref Long}}
  Ops: {Type: AWS::IAM::User, Properties: {UserName: ops}}
  Bucket: {Type: AWS::S3::Bucket}
Values:
  admin: !GetAtt Admin.Arn
  adminlong: {'Fn::GetAtt': [Admin, Arn]}
  adminsub: !Sub '${Admin.Arn}'
  named: !GetAtt Named.Arn
  default: !GetAtt FromDefault.Arn
  user: !GetAtt Ops.Arn
  bucket: !GetAtt Bucket.Arn
  missing: !GetAtt Nothing.Arn
  import: !ImportValue shared-role
  importsub: {'Fn::ImportValue': !Sub '${Team}-role'}
",
        );
        let v = |k: &str| value(&doc, &[], k);
        let role = "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/team/admin";
        for key in ["admin", "adminlong", "adminsub"] {
            assert_eq!(shown(&v(key)), role, "{key}");
        }
        assert!(v("admin").same(&v("adminsub")));
        assert_eq!(
            shown(&v("named")),
            "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${Team}-ops"
        );
        assert_eq!(
            shown(&v("user")),
            "arn:${AWS::Partition}:iam::${AWS::AccountId}:user/ops"
        );
        // The name came from a parameter's default: both are origins.
        let default = v("default");
        let origins: Vec<&str> = default.origin.iter().map(|o| &*o.message).collect();
        assert_eq!(
            origins,
            [
                "from the `RoleName` of `FromDefault`",
                "from the default of parameter `Long`"
            ]
        );
        assert_eq!(shown(&v("bucket")), "${Bucket.Arn}");
        assert_eq!(v("missing").value, Value::Unknown);
        assert_eq!(shown(&v("import")), "${Fn::ImportValue shared-role}");
        assert_eq!(shown(&v("importsub")), "${Fn::ImportValue ${Team}-role}");
    }

    #[test]
    fn named_values_are_the_same_only_in_their_template() {
        let doc = template(
            "Parameters:\n  Role: {Type: String}\nValues:\n  a: !Ref Role\n  b: !Sub '${Role}'\n",
        );
        let eval = |file: FileId, key: &str| {
            let t = Template::new(file, &doc, &BTreeMap::new());
            t.eval(doc.get("Values").and_then(|v| v.get(key)).unwrap())
        };
        assert!(eval(F, "a").same(&eval(F, "b")));
        assert!(!eval(F, "a").same(&eval(FileId(1), "a")));
        // A value of named parts only is unknown, and one value wherever it is written.
        let (a, b) = (eval(F, "a").to_text(), eval(F, "b").to_text());
        assert!(matches!(a, Val::Unknown { .. }));
        assert_eq!(a.identity(), b.identity());
        assert_ne!(a.identity(), eval(FileId(1), "a").to_text().identity());
    }

    #[test]
    fn values_from_parameters_are_used_where_written() {
        let doc = template(DOC);
        let t = Template::new(F, &doc, &BTreeMap::new());
        let node = doc.get("Values").and_then(|v| v.get("ref")).unwrap();
        let ev = t.eval(node);
        assert_eq!(ev.span, node.span);
        assert_eq!(
            &*ev.origin[0].message,
            "from the default of parameter `Name`"
        );
        let groups = value(&doc, &[], "groups");
        let Value::List(items) = &groups.value else {
            panic!("{groups:?}")
        };
        assert_eq!(items.len(), 2);
        assert_eq!(items[1].span, groups.span);
    }

    #[test]
    fn cycles_are_unknown() {
        let doc = template(
            "\
Parameters:
  Self: {Type: String, Default: !Ref Self}
  SubSelf: {Type: String, Default: !Sub 'x-${SubSelf}'}
  A: {Type: String, Default: !Ref B}
  B: {Type: String, Default: !Join ['', [!Ref A, b]]}
  List: {Type: CommaDelimitedList, Default: !Join [',', [!Ref List, a]]}
Mappings:
  M: {a: {b: !FindInMap [M, a, b]}, c: {d: !FindInMap [M, a, b]}}
Conditions:
  C: !Equals [!Ref Self, x]
Resources:
  Cluster: {Type: AWS::EKS::Cluster, Properties: {Name: !Ref Cluster}}
Values:
  self: !Ref Self
  sub: !Sub '${SubSelf}'
  a: !Ref A
  b: !Ref B
  list: !Select [1, !Ref List]
  map: !FindInMap [M, c, d]
  cluster: !Ref Cluster
  if: !If [C, x, y]
",
        );
        for key in ["self", "list", "map", "cluster", "if"] {
            assert_eq!(value(&doc, &[], key).value, Value::Unknown, "{key}");
        }
        // What is written around a cycle is still known.
        for (key, known) in [("sub", "x-${SubSelf}"), ("a", "…b"), ("b", "…b")] {
            let v = value(&doc, &[], key);
            let Value::Str(t) = &v.value else {
                panic!("{key}: {v:?}")
            };
            assert_eq!(t.display(), known, "{key}");
        }
    }

    #[test]
    fn shared_parameters_are_evaluated_once() {
        // Each parameter joins the next one twice: 2^40 evaluations without memoisation, and a
        // string of 2^40 bytes, which is unknown; 4 levels give 16 bytes.
        let chain = |n: usize| {
            let mut text = String::from("Parameters:\n");
            for i in 0..n {
                let next = format!("!Ref P{}", i + 1);
                text.push_str(&format!(
                    "  P{i}: {{Type: String, Default: !Join ['', [{next}, {next}]]}}\n"
                ));
            }
            text.push_str(&format!(
                "  P{n}: {{Type: String, Default: x}}\nValues:\n  v: !Ref P0\n"
            ));
            template(&text)
        };
        assert_eq!(
            text(&value(&chain(4), &[], "v")).as_deref(),
            Some("x".repeat(16).as_str())
        );
        assert_eq!(value(&chain(40), &[], "v").value, Value::Unknown);
    }

    #[test]
    fn a_value_past_its_steps_is_unknown() {
        let items = vec!["a"; 1000].join(", ");
        let doc = template(&format!(
            "Parameters:\n  Long: {{Type: String, Default: !Join ['', [{items}]]}}\nValues:\n  long: !Ref Long\n  short: !Join ['-', [a, b]]\n"
        ));
        let mut t = Template::new(F, &doc, &BTreeMap::new());
        t.budget = Budget::with_steps(10_000, 500);
        let values = doc.get("Values").unwrap();
        let eval = |key| t.eval(values.get(key).unwrap());
        assert_eq!(eval("long").value, Value::Unknown);
        assert_eq!(text(&eval("short")).as_deref(), Some("a-b"));
        // The partial value was not kept.
        assert_eq!(eval("long").value, Value::Unknown);
    }
}
