//! The aws-auth ConfigMap in Terraform: `kubernetes_config_map`, `kubernetes_config_map_v1` and
//! `kubernetes_config_map_v1_data` named `aws-auth` in `kube-system` (the
//! `terraform-aws-modules/eks/aws//modules/aws-auth` submodule writes one, read through its
//! built-in model when it is not downloaded).
//!
//! A data value is read where it is written when its expression says what it holds:
//! `yamlencode(...)` (or `jsonencode`, also YAML) of a value evaluated like any other, directly
//! or through locals; a heredoc or string template parsed as YAML with spans inside it, each
//! interpolation standing for its value. Any other expression is evaluated, and a known string
//! is parsed as YAML reported at the value.

use super::eval::{Evaluator, Loc, Scope};
use super::syntax::{Block, Expr, native_span};
use super::value::{Placement, Sv, Value, to_text};
use crate::ir::{ClusterLink, Model, Part, Related, Text, Unit, Val};
use crate::parse::aws_auth::{self, DATA_KEYS, Field, Item, ItemValue, NodeReader, Shape, Target};
use crate::parse::embedded::{self, OffsetMap, Unread};
use crate::parse::tree::Node;
use crate::source::Span;
use hcl::edit::expr::{Expression, ObjectKey, TraversalOperator};
use hcl::edit::template::{Element, Template};

/// The ConfigMap resources of the Kubernetes provider.
pub const RESOURCES: [&str; 3] = [
    "kubernetes_config_map",
    "kubernetes_config_map_v1",
    "kubernetes_config_map_v1_data",
];

/// How many locals a data value is followed through to find what it is written as.
const MAX_LOCAL_HOPS: usize = 8;

/// Reads one instance of a ConfigMap resource, when it is `kube-system/aws-auth` (the
/// provider's default namespace is `default`).
pub fn resource(eval: &Evaluator, block: &Block, scope: &Scope, unit: &Unit, model: &mut Model) {
    let body = &block.body;
    let Some(meta) = body.blocks("metadata").next() else {
        return;
    };
    let field = |name: &str| {
        meta.body
            .attr(name)
            .map(|a| eval.eval(&a.value, scope))
            .and_then(|v| v.as_str().map(str::to_string))
    };
    if field("name").as_deref() != Some("aws-auth")
        || field("namespace").as_deref() != Some("kube-system")
    {
        return;
    }
    let Some(data) = body.attr("data") else {
        return;
    };
    let reader = Reader { eval, scope };
    let cluster = ClusterLink::default();
    let target = Target {
        unit,
        cluster: &cluster,
    };
    let mut evaluated = None;
    for (key, kind) in DATA_KEYS {
        let shape = match find(eval, &data.value, key, false, 0) {
            Found::Absent => continue,
            Found::Native(expr, loc, in_local) => reader.native(expr, loc, in_local),
            // A JSON string left as a literal although it holds `${`: a template this tool
            // could not parse (escaped quotes inside it), not known.
            Found::Json(Expr::Literal(sv))
                if sv
                    .as_str()
                    .is_some_and(|s| s.contains("${") || s.contains("%{")) =>
            {
                Shape::Unknown
            }
            Found::Json(expr) => reader.value(&eval.eval(expr, scope)),
            Found::Evaluate => {
                let whole = evaluated.get_or_insert_with(|| eval.eval(&data.value, scope));
                match &whole.value {
                    Value::Object(map) => match map.get(key) {
                        Some((_, v)) => reader.value(v),
                        None => continue,
                    },
                    _ => Shape::Unknown,
                }
            }
        };
        aws_auth::read(kind, shape, &target, &mut model.mappings);
    }
}

/// Where the expression of a data key is written.
enum Found<'e> {
    /// The `data` value surely has no such key.
    Absent,
    /// A native expression (inside a local when the flag is set: it is evaluated without the
    /// resource's `each` and `count`).
    Native(&'e Expression, Loc<'e>, bool),
    /// A JSON-syntax expression.
    Json(&'e Expr),
    /// Not found by reading the expressions: evaluate `data` and look.
    Evaluate,
}

/// Finds the expression of `key` in an object written in place or in a local.
fn find<'e>(
    eval: &'e Evaluator,
    expr: &'e Expr,
    key: &str,
    in_local: bool,
    hops: usize,
) -> Found<'e> {
    match expr {
        Expr::Native {
            expr,
            file,
            base,
            lists,
        } => {
            let loc = Loc {
                file: *file,
                base: *base,
                lists,
            };
            find_native(eval, expr, loc, key, in_local, hops)
        }
        Expr::Map { items, .. } => match items.iter().find(|(k, _, _)| k == key) {
            Some((_, _, e)) => match e {
                Expr::Native {
                    expr,
                    file,
                    base,
                    lists,
                } => Found::Native(
                    expr,
                    Loc {
                        file: *file,
                        base: *base,
                        lists,
                    },
                    in_local,
                ),
                e => Found::Json(e),
            },
            None => Found::Absent,
        },
        _ => Found::Evaluate,
    }
}

fn find_native<'e>(
    eval: &'e Evaluator,
    expr: &'e Expression,
    loc: Loc<'e>,
    key: &str,
    in_local: bool,
    hops: usize,
) -> Found<'e> {
    match expr {
        Expression::Parenthesis(p) => find_native(eval, p.inner(), loc, key, in_local, hops),
        Expression::Object(obj) => {
            for (k, v) in obj.iter() {
                let name = match k {
                    ObjectKey::Ident(id) => Some(id.as_str()),
                    ObjectKey::Expression(Expression::String(s)) => Some(s.value().as_str()),
                    // A computed key may be this one.
                    ObjectKey::Expression(_) => return Found::Evaluate,
                };
                if name == Some(key) {
                    return Found::Native(v.expr(), loc, in_local);
                }
            }
            Found::Absent
        }
        _ => match local_of(eval, expr) {
            Some(local) if hops < MAX_LOCAL_HOPS => find(eval, local, key, true, hops + 1),
            _ => Found::Evaluate,
        },
    }
}

/// The expression of `local.<name>`, for a reference to a whole local.
fn local_of<'e>(eval: &'e Evaluator, expr: &Expression) -> Option<&'e Expr> {
    let Expression::Traversal(t) = expr else {
        return None;
    };
    let Expression::Variable(root) = &t.expr else {
        return None;
    };
    match t.operators.as_slice() {
        [op] if root.as_str() == "local" => match op.value() {
            TraversalOperator::GetAttr(name) => eval.module.local(name.as_str()).map(|a| &a.value),
            _ => None,
        },
        _ => None,
    }
}

/// Reads data values in the context of one resource (or module call) instance.
struct Reader<'a, 'p> {
    eval: &'a Evaluator<'p>,
    scope: &'a Scope<'a>,
}

impl Reader<'_, '_> {
    fn place(&self) -> &Placement {
        &self.eval.placement
    }

    /// A data value written as `expr`.
    fn native(&self, expr: &Expression, loc: Loc, in_local: bool) -> Shape {
        let empty = Scope::default();
        let scope = if in_local { &empty } else { self.scope };
        self.native_in(expr, loc, scope, 0)
    }

    fn native_in(&self, expr: &Expression, loc: Loc, scope: &Scope, hops: usize) -> Shape {
        match expr {
            Expression::Parenthesis(p) => self.native_in(p.inner(), loc, scope, hops),
            Expression::FuncCall(f)
                if !f.name.is_namespaced()
                    && matches!(f.name.name.as_str(), "yamlencode" | "jsonencode")
                    && f.args.len() == 1
                    && !f.args.expand_final() =>
            {
                match f.args.iter().next() {
                    Some(arg) => self.value(&self.eval.native(arg, loc, scope)),
                    None => Shape::Unknown,
                }
            }
            // One interpolation alone is its value, unconverted.
            Expression::StringTemplate(t) if lone(t).is_some() => match lone(t) {
                Some(inner) => self.native_in(inner, loc, scope, hops),
                None => Shape::Unknown,
            },
            Expression::HeredocTemplate(h) => {
                let indent = h.indent().unwrap_or(0);
                self.template(expr, &h.template, indent, false, loc, scope)
            }
            Expression::StringTemplate(t) => self.template(expr, t, 0, true, loc, scope),
            _ => match local_of(self.eval, expr) {
                Some(Expr::Native {
                    expr,
                    file,
                    base,
                    lists,
                }) if hops < MAX_LOCAL_HOPS => {
                    let loc = Loc {
                        file: *file,
                        base: *base,
                        lists,
                    };
                    self.native_in(expr, loc, &Scope::default(), hops + 1)
                }
                _ => self.value(&self.eval.native(expr, loc, scope)),
            },
        }
    }

    /// An evaluated data value: the value given to `yamlencode`, or a string of YAML.
    fn value(&self, sv: &Sv) -> Shape {
        let place = self.place();
        match &sv.value {
            Value::Null => Shape::Empty,
            Value::Unknown(_) | Value::Error => Shape::Unknown,
            Value::List(items) => Shape::Items(items.iter().map(|i| self.item(i)).collect()),
            Value::String(t) => match t.as_str() {
                Some(s) => self.yaml_string(s, sv),
                None => Shape::Unknown,
            },
            _ => {
                let (span, origin) = place.locate(sv);
                Shape::Invalid {
                    span,
                    origin,
                    why: "it is not a list".into(),
                }
            }
        }
    }

    fn item(&self, item: &Sv) -> Item {
        let place = self.place();
        let (span, origin) = place.locate(item);
        let value = match &item.value {
            Value::Object(map) => ItemValue::Mapping(
                map.iter()
                    .map(|(k, (_, v))| (k.clone(), self.field(v)))
                    .collect(),
            ),
            // `yamlencode` writes a number as YAML, which `mapAccounts` reads as a string.
            Value::Number(_) => ItemValue::Scalar(Field::Text(place.text(item))),
            _ => ItemValue::Scalar(self.field(item)),
        };
        Item {
            span,
            origin,
            value,
        }
    }

    fn field(&self, v: &Sv) -> Field {
        let place = self.place();
        match &v.value {
            Value::String(_) => Field::Text(place.text(v)),
            Value::List(_) => Field::List(place.text_list(v)),
            Value::Object(_) => Field::Mapping(place.locate(v).0),
            Value::Unknown(_) | Value::Error => match place.text(v) {
                Val::Unknown { span, hint } => Field::Unknown(span, hint),
                _ => Field::Unknown(place.locate(v).0, None),
            },
            Value::Null | Value::Bool(_) | Value::Number(_) => Field::Empty,
        }
    }

    /// A known string of YAML that is not written in place: its findings point at the value.
    fn yaml_string(&self, s: &str, sv: &Sv) -> Shape {
        if matches!(s.trim(), "" | "``" | "\"\"" | "''") {
            return Shape::Empty;
        }
        if !embedded::fits(s.len()) {
            return Shape::Unknown;
        }
        let (span, origin) = self.place().locate(sv);
        let map = OffsetMap::new(
            span.file,
            std::iter::repeat_n(span.start, s.len())
                .chain([span.end])
                .collect(),
        );
        let whole = Whole { span, origin };
        parsed(s, &map, &whole)
    }

    /// A template written in place: its literal text with a placeholder for each
    /// interpolation, parsed as YAML with spans inside the template.
    fn template(
        &self,
        expr: &Expression,
        template: &Template,
        indent: usize,
        quoted: bool,
        loc: Loc,
        scope: &Scope,
    ) -> Shape {
        let written: usize = template
            .iter()
            .map(|e| match e {
                Element::Literal(l) => l.len(),
                _ => 0,
            })
            .sum();
        if !embedded::fits(written) {
            return Shape::Unknown;
        }
        let mut text = String::new();
        let mut at: Vec<u32> = Vec::new();
        let mut holes = Vec::new();
        let mut skip_first = false;
        let mut end = native_span(loc.file, loc.base, expr).start;
        for element in template.iter() {
            match element {
                Element::Literal(l) => {
                    let span = native_span(loc.file, loc.base, l);
                    offsets(l.value(), span, indent, skip_first, quoted, &mut at);
                    text.push_str(l.value());
                    skip_first = !l.value().ends_with('\n');
                    end = span.end;
                }
                Element::Interpolation(i) => {
                    let span = native_span(loc.file, loc.base, i);
                    let token = placeholder(holes.len());
                    holes.push(self.eval.native(&i.expr, loc, scope));
                    at.extend(std::iter::repeat_n(span.start, token.len()));
                    text.push_str(&token);
                    skip_first = true;
                    end = span.end;
                }
                // Directives are rendered by evaluation: the whole value is reported as one.
                Element::Directive(_) => return self.value(&self.eval.native(expr, loc, scope)),
            }
        }
        if matches!(text.trim(), "" | "``" | "\"\"" | "''") {
            return Shape::Empty;
        }
        at.push(end);
        let map = OffsetMap::new(loc.file, at);
        let reader = Holes {
            place: self.place(),
            holes,
        };
        parsed(&text, &map, &reader)
    }
}

/// The expression of a template that is one interpolation (`"${...}"`).
fn lone(t: &Template) -> Option<&Expression> {
    let parts: Vec<&Element> = t
        .iter()
        .filter(|e| !matches!(e, Element::Literal(l) if l.is_empty()))
        .collect();
    match parts.as_slice() {
        [Element::Interpolation(i)] => Some(&i.expr),
        _ => None,
    }
}

/// The shape of embedded YAML.
fn parsed(text: &str, map: &OffsetMap, reader: &dyn NodeReader) -> Shape {
    match embedded::parse(text, map) {
        Ok(Some(node)) => aws_auth::node_shape(&node, reader),
        Ok(None) => Shape::Empty,
        Err(Unread::TooLarge) => Shape::Unknown,
        Err(Unread::Invalid(e)) => {
            let (span, origin) = reader.locate(e.span);
            Shape::Invalid {
                span,
                origin,
                why: format!("it is not valid YAML: {}", e.message),
            }
        }
    }
}

/// Where each byte of a literal's value is written: decoding removed the heredoc's indentation
/// from each line that has text (but the first when the literal starts mid-line), one `$` or
/// `%` of each escaped `$${` or `%%{`, and, in a quoted string, the backslash of each escape.
/// When the offsets do not add up to the literal's span (another escape), every byte is placed
/// at its distance from the start.
fn offsets(
    value: &str,
    span: Span,
    indent: usize,
    skip_first: bool,
    quoted: bool,
    at: &mut Vec<u32>,
) {
    let first = at.len();
    let mut src = span.start as usize;
    let mut line_start = !skip_first;
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        if line_start && c != '\n' {
            src += indent;
        }
        line_start = c == '\n';
        if matches!(c, '$' | '%') && chars.peek() == Some(&'{') {
            src += 1;
        }
        let width = if quoted && matches!(c, '\n' | '\t' | '"' | '\\' | '\r') {
            2
        } else {
            c.len_utf8()
        };
        at.extend((0..c.len_utf8()).map(|b| (src + b.min(width - 1)) as u32));
        src += width;
    }
    if src != span.end as usize {
        at.truncate(first);
        let len = (span.end - span.start) as usize;
        at.extend((0..value.len()).map(|i| (span.start as usize + i.min(len)) as u32));
    }
}

/// The text that stands for interpolation `index` in a rendered template: private-use
/// characters that no template writes.
fn placeholder(index: usize) -> String {
    format!("\u{E000}{index}\u{E001}")
}

/// Scalars of a rendered template: literal text and interpolated values.
struct Holes<'a> {
    place: &'a Placement,
    holes: Vec<Sv>,
}

impl NodeReader for Holes<'_> {
    fn locate(&self, span: Span) -> (Span, Vec<Related>) {
        self.place.locate(&Sv::new(Value::Null, span))
    }

    fn scalar(&self, node: &Node, text: &str) -> Val<Text> {
        // A scalar that is one interpolation is its value as evaluated (sameness included).
        let single = text
            .strip_prefix('\u{E000}')
            .and_then(|t| t.strip_suffix('\u{E001}'))
            .and_then(|i| i.parse::<usize>().ok())
            .and_then(|i| self.holes.get(i));
        if let Some(hole) = single {
            return self.place.text(hole);
        }
        let mut parts = Vec::new();
        let mut used = Vec::new();
        let mut rest = text;
        while let Some(start) = rest.find('\u{E000}') {
            let after = &rest[start + '\u{E000}'.len_utf8()..];
            let Some(end) = after.find('\u{E001}') else {
                break;
            };
            let Some(hole) = after[..end]
                .parse::<usize>()
                .ok()
                .and_then(|i| self.holes.get(i))
            else {
                break;
            };
            parts.push(Part::Lit(rest[..start].to_string()));
            match to_text(&hole.value) {
                Some(t) => parts.extend(t.parts().iter().cloned()),
                None => parts.push(Part::Hole),
            }
            used.push(hole);
            rest = &after[end + '\u{E001}'.len_utf8()..];
        }
        parts.push(Part::Lit(rest.to_string()));
        let value = Text::from_parts(parts);
        if value.parts() == [Part::Hole] {
            return Val::unknown(self.locate(node.span).0);
        }
        let sv = Sv::new(Value::String(value), node.span).with_origins_of(used);
        self.place.text(&sv)
    }
}

/// Every finding on a string of YAML read from elsewhere points at the value.
struct Whole {
    span: Span,
    origin: Vec<Related>,
}

impl NodeReader for Whole {
    fn locate(&self, _: Span) -> (Span, Vec<Related>) {
        (self.span, self.origin.clone())
    }

    fn scalar(&self, _: &Node, text: &str) -> Val<Text> {
        Val::Known(crate::ir::Spanned {
            value: Text::lit(text),
            span: self.span,
            origin: self.origin.clone(),
            written: crate::ir::Written::default(),
        })
    }
}
