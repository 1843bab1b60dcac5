//! Values of evaluated Terraform expressions, with spans and origins, and their conversion to
//! IR values.

use crate::ir::{Part, Related, Spanned, Text, UnknownHint, Val};
use crate::source::Span;
use std::collections::BTreeMap;

/// A Terraform value that may be unknown.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// Not known before `terraform apply`, or not modelled.
    Unknown(Option<UnknownHint>),
    /// What Terraform would reject (a missing attribute, an index out of range): `try` and `can`
    /// see it; everywhere else it is as good as unknown.
    Error,
    Null,
    Bool(bool),
    Number(f64),
    String(Text),
    /// Lists, tuples and sets (a set is a list without duplicates, in Terraform's order).
    List(Vec<Sv>),
    /// Maps and objects, iterated in key order as Terraform does; each key keeps its span.
    Object(BTreeMap<String, (Span, Sv)>),
}

/// A spanned value: where it is written, and where it came from when that is elsewhere.
#[derive(Clone, Debug, PartialEq)]
pub struct Sv {
    pub value: Value,
    /// Where the value is written or used (in the module that evaluates it).
    pub span: Span,
    /// Where it came from: variable default, tfvars entry, local, `for_each` item.
    pub origin: Vec<Related>,
    /// Inside a module instance: the place in the root module that passed the value (a module
    /// call's argument); findings on the value point there.
    pub anchor: Option<Span>,
    /// What the value refers to, for linking clusters whose name is unknown
    /// (`unit::aws_eks_cluster.main`, `unit::var.cluster_name`).
    pub reference: Option<String>,
}

impl Sv {
    pub fn new(value: Value, span: Span) -> Sv {
        Sv {
            value,
            span,
            origin: Vec::new(),
            anchor: None,
            reference: None,
        }
    }

    pub fn unknown(span: Span) -> Sv {
        Sv::new(Value::Unknown(None), span)
    }

    pub fn error(span: Span) -> Sv {
        Sv::new(Value::Error, span)
    }

    /// A fully known string.
    pub fn string(s: impl Into<String>, span: Span) -> Sv {
        Sv::new(Value::String(Text::lit(s)), span)
    }

    /// The string when the value is a fully known string.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(t) => t.as_str(),
            _ => None,
        }
    }

    /// True for unknown and error values.
    pub fn is_unknown(&self) -> bool {
        matches!(self.value, Value::Unknown(_) | Value::Error)
    }

    /// True when the value and everything inside it is known.
    pub fn is_wholly_known(&self) -> bool {
        match &self.value {
            Value::Unknown(_) | Value::Error => false,
            Value::String(t) => t.as_str().is_some(),
            Value::List(items) => items.iter().all(Sv::is_wholly_known),
            Value::Object(map) => map.values().all(|(_, v)| v.is_wholly_known()),
            _ => true,
        }
    }

    /// The same value used at `span`: every part of it now points at `span`, and remembers
    /// where it was (with `message`) before its earlier origins.
    pub fn relocate(&self, span: Span, message: &str) -> Sv {
        let mut origin = Vec::with_capacity(self.origin.len() + 1);
        if self.span != span && !matches!(self.value, Value::Unknown(_) | Value::Error) {
            origin.push(Related {
                span: self.span,
                message: message.to_string(),
            });
        }
        for o in &self.origin {
            if !origin.contains(o) {
                origin.push(o.clone());
            }
        }
        let value = match &self.value {
            Value::List(items) => {
                Value::List(items.iter().map(|v| v.relocate(span, message)).collect())
            }
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(k, (_, v))| (k.clone(), (span, v.relocate(span, message))))
                    .collect(),
            ),
            v => v.clone(),
        };
        Sv {
            value,
            span,
            origin,
            anchor: self.anchor,
            reference: self.reference.clone(),
        }
    }

    /// Moves the parts of this value written at `from` to `to` (a value used inside a template
    /// is written where the template is).
    pub fn move_span(&mut self, from: Span, to: Span) {
        if self.span == from {
            self.span = to;
        }
        match &mut self.value {
            Value::List(items) => items.iter_mut().for_each(|i| i.move_span(from, to)),
            Value::Object(map) => map.values_mut().for_each(|(ks, v)| {
                if *ks == from {
                    *ks = to;
                }
                v.move_span(from, to);
            }),
            _ => {}
        }
    }

    /// Sets the anchor of this value and every part of it that has none to its own span; an
    /// object inside an object is anchored at its key (`admins` of `access_entries = { admins =
    /// {...} }`), where a finding on the item as a whole points.
    pub fn anchor_here(&mut self) {
        self.anchor.get_or_insert(self.span);
        match &mut self.value {
            Value::List(items) => items.iter_mut().for_each(Sv::anchor_here),
            Value::Object(map) => map.values_mut().for_each(|(key, v)| {
                if matches!(v.value, Value::Object(_)) {
                    v.anchor.get_or_insert(*key);
                }
                v.anchor_here();
            }),
            _ => {}
        }
    }

    /// Anchors this value and every part of it that has no anchor at `at` (a value that exists
    /// because of an argument, such as an item kept by `if var.flag`, is reported there).
    pub fn anchor_missing(&mut self, at: Option<Span>) {
        let Some(at) = at else { return };
        self.anchor.get_or_insert(at);
        match &mut self.value {
            Value::List(items) => items.iter_mut().for_each(|i| i.anchor_missing(Some(at))),
            Value::Object(map) => map
                .values_mut()
                .for_each(|(_, v)| v.anchor_missing(Some(at))),
            _ => {}
        }
    }

    /// Forgets anchors (the value is back in the root module, where its span is the anchor).
    pub fn clear_anchors(&mut self) {
        self.anchor = None;
        self.for_each_child(Sv::clear_anchors);
    }

    fn for_each_child(&mut self, f: fn(&mut Sv)) {
        match &mut self.value {
            Value::List(items) => items.iter_mut().for_each(f),
            Value::Object(map) => map.values_mut().for_each(|(_, v)| f(v)),
            _ => {}
        }
    }

    /// Adds the origins of `others` to this value's (a value computed from them).
    pub fn with_origins_of<'a>(mut self, others: impl IntoIterator<Item = &'a Sv>) -> Sv {
        for o in others {
            for r in &o.origin {
                if !self.origin.contains(r) {
                    self.origin.push(r.clone());
                }
            }
            if self.anchor.is_none() {
                self.anchor = o.anchor;
            }
        }
        self
    }
}

/// Whether two values are equal, ignoring where they are written; `None` when unknown.
pub fn same(a: &Value, b: &Value) -> Option<bool> {
    match (a, b) {
        (Value::Unknown(_) | Value::Error, _) | (_, Value::Unknown(_) | Value::Error) => None,
        (Value::String(x), Value::String(y)) => match (x.as_str(), y.as_str()) {
            (Some(x), Some(y)) => Some(x == y),
            _ => None,
        },
        (Value::List(x), Value::List(y)) => {
            if x.len() != y.len() {
                return Some(false);
            }
            all_same(x.iter().zip(y).map(|(a, b)| same(&a.value, &b.value)))
        }
        (Value::Object(x), Value::Object(y)) => {
            if !x.keys().eq(y.keys()) {
                return Some(false);
            }
            all_same(
                x.values()
                    .zip(y.values())
                    .map(|((_, a), (_, b))| same(&a.value, &b.value)),
            )
        }
        (Value::Null, Value::Null) => Some(true),
        (Value::Bool(x), Value::Bool(y)) => Some(x == y),
        (Value::Number(x), Value::Number(y)) => Some(x == y),
        _ => Some(false),
    }
}

/// False if any is false, else unknown if any is unknown, else true.
fn all_same(results: impl Iterator<Item = Option<bool>>) -> Option<bool> {
    let mut known = true;
    for r in results {
        match r {
            Some(false) => return Some(false),
            None => known = false,
            Some(true) => {}
        }
    }
    known.then_some(true)
}

/// Where IR values of a module instance are reported.
#[derive(Clone, Debug)]
pub enum Placement {
    /// A root module: values are reported where they are written.
    Root,
    /// A module instance: at the root-level call argument that passed the value (its anchor),
    /// or the root-level call's header, with the place inside the module as secondary.
    Module {
        header: Span,
        /// Names the module for the secondary location (`./modules/access`).
        label: String,
    },
}

impl Placement {
    /// The primary span and origins of a value as reported.
    pub fn locate(&self, sv: &Sv) -> (Span, Vec<Related>) {
        match self {
            Placement::Root => (sv.span, sv.origin.clone()),
            Placement::Module { header, label } => {
                let primary = sv.anchor.unwrap_or(*header);
                let mut origin = vec![Related {
                    span: sv.span,
                    message: format!("in module `{label}`"),
                }];
                origin.extend(sv.origin.iter().filter(|r| r.span != primary).cloned());
                (primary, origin)
            }
        }
    }

    /// A span of the module's own code as reported (block headers).
    pub fn header(&self, span: Span) -> Span {
        match self {
            Placement::Root => span,
            Placement::Module { header, .. } => *header,
        }
    }

    fn known<T>(&self, sv: &Sv, value: T) -> Val<T> {
        let (span, origin) = self.locate(sv);
        Val::Known(Spanned {
            value,
            span,
            origin,
        })
    }

    fn unknown<T>(&self, sv: &Sv) -> Val<T> {
        let (span, _) = self.locate(sv);
        let same = || sv.reference.clone().map(|key| UnknownHint::Same { key });
        match &sv.value {
            Value::Unknown(hint) => Val::Unknown {
                span,
                hint: hint.clone().or_else(same),
            },
            _ => Val::unknown(span),
        }
    }

    /// The value as an IR string (numbers and bools convert as Terraform converts them).
    pub fn text(&self, sv: &Sv) -> Val<Text> {
        match &sv.value {
            Value::Null => Val::Absent,
            Value::String(t) => self.known(sv, t.clone()),
            Value::Bool(b) => self.known(sv, Text::lit(b.to_string())),
            Value::Number(n) => self.known(sv, Text::lit(format_number(*n))),
            _ => self.unknown(sv),
        }
    }

    /// The value as an IR bool (`"true"` and `"false"` convert).
    pub fn bool(&self, sv: &Sv) -> Val<bool> {
        match &sv.value {
            Value::Null => Val::Absent,
            Value::Bool(b) => self.known(sv, *b),
            Value::String(t) => match t.as_str() {
                Some("true") => self.known(sv, true),
                Some("false") => self.known(sv, false),
                _ => self.unknown(sv),
            },
            _ => self.unknown(sv),
        }
    }

    /// The value as a list of IR strings (a set or tuple; a map is not a list).
    pub fn text_list(&self, sv: &Sv) -> Val<Vec<Val<Text>>> {
        match &sv.value {
            Value::Null => Val::Absent,
            Value::List(items) => self.known(sv, items.iter().map(|i| self.text(i)).collect()),
            _ => self.unknown(sv),
        }
    }
}

/// Formats a number as Terraform does in string conversion (integers without a fraction).
pub fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

/// The string form of a primitive value, as Terraform converts it; `None` if not a primitive.
pub fn to_text(value: &Value) -> Option<Text> {
    match value {
        Value::String(t) => Some(t.clone()),
        Value::Number(n) => Some(Text::lit(format_number(*n))),
        Value::Bool(b) => Some(Text::lit(b.to_string())),
        Value::Unknown(_) => Some(Text::from_parts([Part::Hole])),
        _ => None,
    }
}
