//! Evaluating template values: parameters, pseudo-parameters, mappings, conditions and the
//! intrinsic functions, in their long (`{"Fn::Sub": ..}`) and short (`!Sub`) forms.
//!
//! What cannot be known statically is [`Value::Unknown`] (or a hole in a partly known string):
//! `Fn::GetAtt`, `Fn::ImportValue`, `Fn::GetAZs`, `Fn::Cidr`, `Fn::Base64`, `Fn::Transform`, the
//! pseudo-parameters other than `AWS::NoValue`, parameters without a default or given value, and
//! `Ref` to resources other than an `AWS::EKS::Cluster` (whose `Ref` is its name).
//!
//! `Fn::If` on a condition that cannot be evaluated (it depends on an unknown value) evaluates
//! both branches and gives their value when the two are the same, and an unknown value
//! otherwise. So a finding is reported only when it holds whichever branch is taken, and never
//! on a value that only one branch would produce.

use super::values::{Ev, Value};
use crate::ir::{Part, Text};
use crate::parse::tree::{Node, NodeKind};
use crate::source::{FileId, Span};
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};

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

/// A template's sections, with the parameter values given from outside.
pub(super) struct Template<'d> {
    file: FileId,
    parameters: BTreeMap<&'d str, Parameter<'d>>,
    mappings: Option<&'d Node>,
    conditions: Option<&'d Node>,
    resources: Option<&'d Node>,
    /// Evaluated conditions (`None`: not statically known).
    condition_values: RefCell<HashMap<String, Option<bool>>>,
    /// Conditions and resources being evaluated (cycles evaluate to unknown).
    active: RefCell<Vec<String>>,
}

/// A declared parameter.
struct Parameter<'d> {
    /// A `CommaDelimitedList` or `List<...>` parameter.
    list: bool,
    value: ParameterValue<'d>,
}

enum ParameterValue<'d> {
    /// Given on the command line, in a parameter file or in the configuration.
    Given(String),
    Default(&'d Node),
    None,
}

impl<'d> Template<'d> {
    /// Reads the sections of a template; `given` overrides parameter defaults.
    pub fn new(file: FileId, doc: &'d Node, given: &BTreeMap<String, String>) -> Template<'d> {
        let parameters = doc
            .get("Parameters")
            .map(|p| p.entries())
            .unwrap_or_default()
            .iter()
            .map(|(key, decl)| {
                let ty = decl.get("Type").and_then(Node::as_str).unwrap_or("");
                let value = match (given.get(&key.name), decl.get("Default")) {
                    (Some(v), _) => ParameterValue::Given(v.clone()),
                    (None, Some(d)) => ParameterValue::Default(d),
                    (None, None) => ParameterValue::None,
                };
                let list = ty == "CommaDelimitedList" || ty.starts_with("List<");
                (key.name.as_str(), Parameter { list, value })
            })
            .collect();
        Template {
            file,
            parameters,
            mappings: doc.get("Mappings"),
            conditions: doc.get("Conditions"),
            resources: doc.get("Resources"),
            condition_values: RefCell::new(HashMap::new()),
            active: RefCell::new(Vec::new()),
        }
    }

    /// The file the template is in.
    pub fn file(&self) -> FileId {
        self.file
    }

    /// The `Resources` section's entries.
    pub fn resources(&self) -> &'d [(crate::parse::tree::Key, Node)] {
        self.resources.map(Node::entries).unwrap_or_default()
    }

    /// The `Type` of a resource.
    pub fn resource_type(&self, logical_id: &str) -> Option<&'d str> {
        self.resources?
            .get(logical_id)?
            .get("Type")
            .and_then(Node::as_str)
    }

    /// Evaluates a value.
    pub fn eval(&self, node: &Node) -> Ev {
        if let Some(tag) = &node.tag {
            return self.intrinsic(&function_name(tag), node, node.span);
        }
        match &node.kind {
            NodeKind::Map(entries) => match entries.as_slice() {
                [(key, args)] if is_function(&key.name) => {
                    self.intrinsic(&key.name, args, node.span)
                }
                _ => Ev::new(
                    Value::Map(
                        entries
                            .iter()
                            .map(|(k, v)| (k.clone(), self.eval(v)))
                            .filter(|(_, v)| v.value != Value::Removed)
                            .collect(),
                    ),
                    node.span,
                ),
            },
            NodeKind::Seq(items) => Ev::new(
                Value::List(
                    items
                        .iter()
                        .map(|n| self.eval(n))
                        .filter(|v| v.value != Value::Removed)
                        .collect(),
                ),
                node.span,
            ),
            NodeKind::String(s) => Ev::new(Value::Str(Text::lit(s.as_str())), node.span),
            NodeKind::Number(n) => Ev::new(Value::Number(n.clone()), node.span),
            NodeKind::Bool(b) => Ev::new(Value::Bool(*b), node.span),
            NodeKind::Null => Ev::new(Value::Null, node.span),
        }
    }

    /// Applies the function `name` to `args` (for a short-form tag, `args` is the tagged node,
    /// whose tag is not looked at again).
    fn intrinsic(&self, name: &str, args: &Node, span: Span) -> Ev {
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
            _ => Ev::unknown(span),
        }
    }

    /// `Ref`: a parameter's value, a pseudo-parameter, or an EKS cluster's name.
    fn reference(&self, target: &str, span: Span) -> Ev {
        if target == "AWS::NoValue" {
            return Ev::new(Value::Removed, span);
        }
        if PSEUDO_PARAMETERS.contains(&target) {
            return Ev::unknown(span);
        }
        if let Some(p) = self.parameters.get(target) {
            return self.parameter(target, p, span);
        }
        if self.resource_type(target) == Some("AWS::EKS::Cluster") {
            return self
                .cluster_name(target)
                .unwrap_or_else(|| Ev::unknown(span));
        }
        Ev::unknown(span)
    }

    /// The `Name` of an `AWS::EKS::Cluster` resource, where it is written; `None` when it is
    /// not set (CloudFormation then generates one).
    pub fn cluster_name(&self, logical_id: &str) -> Option<Ev> {
        let node = self
            .resources?
            .get(logical_id)?
            .get("Properties")?
            .get("Name")?;
        let key = format!("resource {logical_id}");
        let name = self.guarded(&key, || self.eval(node))?;
        (name.value != Value::Removed).then_some(name)
    }

    /// Runs `f` unless `key` is already being evaluated (a cycle).
    fn guarded<T>(&self, key: &str, f: impl FnOnce() -> T) -> Option<T> {
        if self.active.borrow().iter().any(|k| k == key) {
            return None;
        }
        self.active.borrow_mut().push(key.to_string());
        let result = f();
        self.active.borrow_mut().pop();
        Some(result)
    }

    fn parameter(&self, name: &str, p: &Parameter<'d>, span: Span) -> Ev {
        let (value, defaulted) = match &p.value {
            ParameterValue::Given(v) => (Ev::new(Value::Str(Text::lit(v.as_str())), span), false),
            ParameterValue::Default(node) => (self.eval(node), true),
            ParameterValue::None => return Ev::unknown(span),
        };
        let value = match (&value.value, p.list) {
            (Value::Str(t), true) => match t.as_str() {
                Some(s) => Ev::new(
                    Value::List(
                        s.split(',')
                            .map(|item| Ev::new(Value::Str(Text::lit(item)), value.span))
                            .collect(),
                    ),
                    value.span,
                ),
                None => Ev::unknown(value.span),
            },
            (Value::Number(n), false) => Ev::new(Value::Str(Text::lit(n.as_str())), value.span),
            (Value::Bool(b), false) => Ev::new(Value::Str(Text::lit(b.to_string())), value.span),
            _ => value,
        };
        if defaulted {
            value.relocate(span, &format!("from the default of parameter `{name}`"))
        } else {
            value
        }
    }

    /// `Fn::Sub` with a string, or with a string and a map of variables.
    fn sub(&self, args: &Node, span: Span) -> Ev {
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
        let mut parts = Vec::new();
        let mut origin = Vec::new();
        let mut rest = template;
        while let Some(start) = rest.find("${") {
            parts.push(Part::Lit(rest[..start].to_string()));
            let after = &rest[start + 2..];
            let Some(end) = after.find('}') else {
                parts.push(Part::Lit(rest[start..].to_string()));
                rest = "";
                break;
            };
            let name = &after[..end];
            if let Some(literal) = name.strip_prefix('!') {
                parts.push(Part::Lit(format!("${{{literal}}}")));
            } else {
                let name = name.trim();
                let value = match vars.iter().find(|(k, _)| k.name == name) {
                    Some((_, v)) => self.eval(v),
                    None if name.contains('.') && !name.starts_with("AWS::") => Ev::unknown(span),
                    None => self.reference(name, span),
                };
                match value.as_text() {
                    Some(t) => {
                        parts.extend(t.parts().iter().cloned());
                        origin.extend(value.origin);
                    }
                    None => parts.push(Part::Hole),
                }
            }
            rest = &after[end + 1..];
        }
        parts.push(Part::Lit(rest.to_string()));
        Ev::text(Text::from_parts(parts), span, origin)
    }

    /// `Fn::Join`: a known delimiter and a list.
    fn join(&self, items: &[Node], span: Span) -> Ev {
        let [delimiter, list] = items else {
            return Ev::unknown(span);
        };
        let (Some(delimiter), Value::List(list)) =
            (self.eval(delimiter).as_string(), self.eval(list).value)
        else {
            return Ev::unknown(span);
        };
        let mut parts = Vec::new();
        let mut origin = Vec::new();
        for (i, item) in list.into_iter().enumerate() {
            if i > 0 {
                parts.push(Part::Lit(delimiter.clone()));
            }
            match item.as_text() {
                Some(t) => {
                    parts.extend(t.parts().iter().cloned());
                    origin.extend(item.origin);
                }
                None => parts.push(Part::Hole),
            }
        }
        Ev::text(Text::from_parts(parts), span, origin)
    }

    /// `Fn::Select`: a known index into a known list.
    fn select(&self, items: &[Node], span: Span) -> Ev {
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
    fn split(&self, items: &[Node], span: Span) -> Ev {
        let [delimiter, source] = items else {
            return Ev::unknown(span);
        };
        let source = self.eval(source);
        match (self.eval(delimiter).as_string(), source.as_string()) {
            (Some(d), Some(s)) if !d.is_empty() => Ev {
                value: Value::List(
                    s.split(d.as_str())
                        .map(|piece| Ev {
                            value: Value::Str(Text::lit(piece)),
                            span,
                            origin: source.origin.clone(),
                        })
                        .collect(),
                ),
                span,
                origin: source.origin.clone(),
            },
            _ => Ev::unknown(span),
        }
    }

    /// `Fn::FindInMap`: a value of `Mappings`, or the `DefaultValue` when the keys are absent.
    fn find_in_map(&self, items: &[Node], span: Span) -> Ev {
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
            .and_then(|m| m.get(&map))
            .and_then(|m| m.get(&top))
            .and_then(|m| m.get(&second));
        match (found, default) {
            (Some(value), _) => self
                .eval(value)
                .relocate(span, &format!("from mapping `{map}` ({top}, {second})")),
            (None, Some(default)) => self.eval(default),
            (None, None) => Ev::unknown(span),
        }
    }

    /// `Fn::If`: the branch the condition takes, or the branches' common value.
    fn if_(&self, items: &[Node], span: Span) -> Ev {
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
                let (a, b) = (self.eval(then), self.eval(otherwise));
                if a.same(&b) { a } else { Ev::unknown(span) }
            }
        }
    }

    /// The value of a named condition, when its inputs are known.
    pub fn condition(&self, name: &str) -> Option<bool> {
        if let Some(v) = self.condition_values.borrow().get(name) {
            return *v;
        }
        let node = self.conditions?.get(name)?;
        let value = self
            .guarded(&format!("condition {name}"), || self.condition_expr(node))
            .flatten();
        self.condition_values
            .borrow_mut()
            .insert(name.to_string(), value);
        value
    }

    /// A condition function (`Fn::Equals`, `Fn::And`, `Fn::Or`, `Fn::Not`, `Condition`).
    fn condition_expr(&self, node: &Node) -> Option<bool> {
        let (name, args) = match (&node.tag, &node.kind) {
            (Some(tag), _) => (function_name(tag), node),
            (None, NodeKind::Map(entries)) => match entries.as_slice() {
                [(key, args)] => (key.name.clone(), args),
                _ => return None,
            },
            _ => return None,
        };
        let items = match &args.kind {
            NodeKind::Seq(items) => items.as_slice(),
            _ => &[],
        };
        let all = || items.iter().map(|n| self.condition_expr(n));
        match name.as_str() {
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

/// The long name of a short-form tag (`Sub` → `Fn::Sub`; `Ref` and `Condition` stay).
fn function_name(tag: &str) -> String {
    match tag {
        "Ref" | "Condition" => tag.to_string(),
        _ => format!("Fn::{tag}"),
    }
}

/// Whether a single key of a mapping makes it a function call.
fn is_function(key: &str) -> bool {
    key == "Ref" || key.starts_with("Fn::")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::tree::parse_yaml;

    const F: FileId = FileId(0);

    fn template(text: &str) -> Node {
        parse_yaml(F, text).unwrap().remove(0)
    }

    fn value(doc: &Node, given: &[(&str, &str)], key: &str) -> Ev {
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
";

    #[test]
    fn intrinsic_functions() {
        let doc = template(DOC);
        let v = |k: &str| text(&value(&doc, &[], k));
        assert_eq!(v("ref").as_deref(), Some("cfn-a"));
        assert_eq!(value(&doc, &[], "open").value, Value::Unknown);
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
        assert_eq!(value(&doc, &[], "other").value, Value::Unknown);
        assert_eq!(v("long").as_deref(), Some("x-cfn-a"));
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
                Part::Hole,
                Part::Lit(":iam::".into()),
                Part::Hole,
                Part::Lit(":role/cfn-a-${x}".into()),
            ]
        );
        assert_eq!(sub.origin.len(), 1);
        let sublist = value(&doc, &[], "sublist");
        let Value::Str(t) = &sublist.value else {
            panic!("{sublist:?}")
        };
        assert_eq!(t.parts(), [Part::Lit("cfn-a/".into()), Part::Hole]);
        let join = value(&doc, &[], "join");
        let Value::Str(t) = &join.value else {
            panic!("{join:?}")
        };
        assert_eq!(t.parts(), [Part::Lit("x-cfn-a-".into()), Part::Hole]);
    }

    #[test]
    fn values_from_parameters_are_used_where_written() {
        let doc = template(DOC);
        let t = Template::new(F, &doc, &BTreeMap::new());
        let node = doc.get("Values").and_then(|v| v.get("ref")).unwrap();
        let ev = t.eval(node);
        assert_eq!(ev.span, node.span);
        assert_eq!(ev.origin[0].message, "from the default of parameter `Name`");
        let groups = value(&doc, &[], "groups");
        let Value::List(items) = &groups.value else {
            panic!("{groups:?}")
        };
        assert_eq!(items.len(), 2);
        assert_eq!(items[1].span, groups.span);
    }
}
