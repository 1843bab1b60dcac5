//! Values of evaluated Terraform expressions, with spans and origins, and their conversion to
//! IR values.

use super::fields::Fields;
use crate::ir::{Part, Related, Spanned, Text, UnknownHint, Val, Written};
use crate::limits::MAX_VALUE_ORIGINS;
use crate::parse::budget::Size;
use crate::source::Span;
use std::ops::Deref;
use std::sync::Arc;

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
    List(List),
    /// Maps and objects, iterated in key order as Terraform does; each key keeps its span.
    Object(Object),
}

/// The items of a list.
pub type List = Shared<Vec<Sv>>;

/// The attributes of a map or object, by name, with the span of each name.
pub type Object = Shared<Fields>;

/// The items of a collection, shared by every value that holds them (a reference copies no
/// items), with their size. (`Arc`, not `Rc`: parsed literals are read by several threads.)
#[derive(Clone, Debug)]
pub struct Shared<T> {
    items: Arc<T>,
    size: Size,
    /// Whether a value inside has an anchor (so that forgetting anchors need not copy).
    anchored: bool,
}

impl<T> Deref for Shared<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.items
    }
}

impl<'a, T> IntoIterator for &'a Shared<T>
where
    &'a T: IntoIterator,
{
    type Item = <&'a T as IntoIterator>::Item;
    type IntoIter = <&'a T as IntoIterator>::IntoIter;

    fn into_iter(self) -> Self::IntoIter {
        self.items.as_ref().into_iter()
    }
}

impl<T: PartialEq> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.items, &other.items) || self.items == other.items
    }
}

impl<T: Clone> Shared<T> {
    /// The items, to change spans or anchors in them (which leaves the size as it is); copied
    /// first when they are shared.
    fn make_mut(&mut self) -> &mut T {
        Arc::make_mut(&mut self.items)
    }

    /// Other items of the same size and anchors (the same items at other spans).
    fn resized(&self, items: T) -> Shared<T> {
        Shared {
            items: Arc::new(items),
            size: self.size,
            anchored: self.anchored,
        }
    }

    /// The items, copied when they are shared.
    pub fn into_inner(self) -> T {
        Arc::unwrap_or_clone(self.items)
    }
}

impl Value {
    /// A list; unknown when it is too big (see [`Size::fits`]).
    pub fn list(items: Vec<Sv>) -> Value {
        let size = Size::collection(items.iter().map(Sv::size));
        if size.fits() {
            Value::List(Shared {
                anchored: items.iter().any(Sv::has_anchor),
                items: Arc::new(items),
                size,
            })
        } else {
            Value::Unknown(None)
        }
    }

    /// A map or object; unknown when it is too big.
    pub fn object(map: Fields) -> Value {
        let size = Size::collection(map.iter().map(|(k, (_, v))| {
            let value = v.size();
            Size {
                bytes: value.bytes.saturating_add(k.len()),
                ..value
            }
        }));
        if size.fits() {
            let anchored = map.values().any(|(_, v)| v.has_anchor());
            Value::Object(Shared {
                anchored,
                items: Arc::new(map),
                size,
            })
        } else {
            Value::Unknown(None)
        }
    }

    /// A string; unknown when it is too big, or has no known part.
    pub fn string(text: Text) -> Value {
        if text.parts() == [Part::Hole] || !Size::of_text(&text).fits() {
            Value::Unknown(None)
        } else {
            Value::String(text)
        }
    }

    /// The items of a list or map used at `span` (see [`Sv::relocate`]).
    pub fn relocated(&self, span: Span, message: &Arc<str>) -> Value {
        match self {
            Value::List(items) => Value::List(
                items.resized(items.iter().map(|v| v.relocate(span, message)).collect()),
            ),
            Value::Object(map) => Value::Object(
                map.resized(
                    map.iter()
                        .map(|(k, (_, v))| (k.clone(), (span, v.relocate(span, message))))
                        .collect(),
                ),
            ),
            v => v.clone(),
        }
    }

    /// What names the items of a list or map as long as they exist (their address).
    pub fn shared_id(&self) -> Option<usize> {
        match self {
            Value::List(items) => Some(Arc::as_ptr(&items.items) as *const () as usize),
            Value::Object(map) => Some(Arc::as_ptr(&map.items) as *const () as usize),
            _ => None,
        }
    }

    /// How big the value is without the values inside it (which are shared, not copied).
    pub fn outer_size(&self) -> Size {
        match self {
            Value::List(items) => Size {
                items: items.len(),
                ..Size::SCALAR
            },
            Value::Object(map) => Size {
                items: map.len(),
                bytes: map.keys().map(String::len).sum(),
                depth: 0,
            },
            Value::String(t) => Size::of_text(t),
            _ => Size::SCALAR,
        }
    }

    /// How big the value is.
    pub fn size(&self) -> Size {
        match self {
            Value::List(items) => items.size,
            Value::Object(map) => map.size,
            Value::String(t) => Size::of_text(t),
            _ => Size::SCALAR,
        }
    }
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
    /// The expression the value is read from, for linking clusters whose name is unknown
    /// (`aws_eks_cluster.main`, `var.cluster_name`) and for knowing that two unknown values are
    /// the same.
    pub reference: Option<Reference>,
    /// Where the value is written, when a fix can edit it there: the string literal it was read
    /// from, the list it is an item of. A value passed on unchanged (through a variable, a local,
    /// `each.value`, a module argument, `lookup`) keeps it; a computed one has none.
    pub written: Written,
}

/// A named expression of a module instance (`var.names["prod"]`, `aws_iam_role.ci.arn`): the
/// same value wherever it is written in that instance, even when the value is unknown.
#[derive(Clone, Debug, PartialEq)]
pub struct Reference {
    /// What makes the expression's value one: its module instance (`envs/prod`,
    /// `envs/prod::module.access["a"]`), or the root module for what all its modules share.
    pub scope: Arc<str>,
    /// The expression (`var.names["prod"]`).
    pub path: Arc<str>,
}

impl Reference {
    /// A key unique in the run (`envs/prod::var.cluster_name`).
    pub fn key(&self) -> String {
        [&*self.scope, "::", &*self.path].concat()
    }

    /// The value as the part of a string that is not known but is named.
    pub fn part(&self) -> Part {
        Part::Named {
            name: self.path.to_string(),
            scope: Some(self.scope.clone()),
        }
    }
}

impl Sv {
    pub fn new(value: Value, span: Span) -> Sv {
        Sv {
            value,
            span,
            origin: Vec::new(),
            anchor: None,
            reference: None,
            written: Written::default(),
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

    /// How big the value is.
    pub fn size(&self) -> Size {
        self.value.size()
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
    pub fn relocate(&self, span: Span, message: &Arc<str>) -> Sv {
        self.relocated_with(span, message, self.value.relocated(span, message))
    }

    /// This value used at `span` (see [`Sv::relocate`]), holding `value`: its own value,
    /// relocated already.
    pub fn relocated_with(&self, span: Span, message: &Arc<str>, value: Value) -> Sv {
        let mut origin = Vec::with_capacity(self.origin.len() + 1);
        if self.span != span && !matches!(self.value, Value::Unknown(_) | Value::Error) {
            origin.push(Related {
                span: self.span,
                message: message.clone(),
            });
        }
        for o in &self.origin {
            if origin.len() < MAX_VALUE_ORIGINS && !origin.contains(o) {
                origin.push(o.clone());
            }
        }
        Sv {
            value,
            span,
            origin,
            anchor: self.anchor,
            reference: self.reference.clone(),
            written: self.written,
        }
    }

    /// Moves the parts of this value written at `from` to `to` (a value used inside a template
    /// is written where the template is).
    pub fn move_span(&mut self, from: Span, to: Span) {
        if self.span == from {
            self.span = to;
        }
        match &mut self.value {
            Value::List(items) => items
                .make_mut()
                .iter_mut()
                .for_each(|i| i.move_span(from, to)),
            Value::Object(map) => map.make_mut().values_mut().for_each(|(ks, v)| {
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
            Value::List(items) => {
                items.make_mut().iter_mut().for_each(Sv::anchor_here);
                items.anchored = true;
            }
            Value::Object(map) => {
                map.make_mut().values_mut().for_each(|(key, v)| {
                    if matches!(v.value, Value::Object(_)) {
                        v.anchor.get_or_insert(*key);
                    }
                    v.anchor_here();
                });
                map.anchored = true;
            }
            _ => {}
        }
    }

    /// Anchors this value and every part of it that has no anchor at `at` (a value that exists
    /// because of an argument, such as an item kept by `if var.flag`, is reported there).
    pub fn anchor_missing(&mut self, at: Option<Span>) {
        let Some(at) = at else { return };
        self.anchor.get_or_insert(at);
        match &mut self.value {
            Value::List(items) => {
                items
                    .make_mut()
                    .iter_mut()
                    .for_each(|i| i.anchor_missing(Some(at)));
                items.anchored = true;
            }
            Value::Object(map) => {
                map.make_mut()
                    .values_mut()
                    .for_each(|(_, v)| v.anchor_missing(Some(at)));
                map.anchored = true;
            }
            _ => {}
        }
    }

    /// Forgets anchors (the value is back in the root module, where its span is the anchor).
    pub fn clear_anchors(&mut self) {
        self.anchor = None;
        if self.has_anchor() {
            self.for_each_child(Sv::clear_anchors, false);
        }
    }

    /// Whether the value or a value inside it has an anchor.
    fn has_anchor(&self) -> bool {
        self.anchor.is_some()
            || match &self.value {
                Value::List(items) => items.anchored,
                Value::Object(map) => map.anchored,
                _ => false,
            }
    }

    /// Applies `f` to each value inside, after which whether one has an anchor is `anchored`.
    fn for_each_child(&mut self, f: fn(&mut Sv), anchored: bool) {
        match &mut self.value {
            Value::List(items) => {
                items.make_mut().iter_mut().for_each(f);
                items.anchored = anchored;
            }
            Value::Object(map) => {
                map.make_mut().values_mut().for_each(|(_, v)| f(v));
                map.anchored = anchored;
            }
            _ => {}
        }
    }

    /// Adds the origins of `others` to this value's (a value computed from them).
    pub fn with_origins_of<'a>(mut self, others: impl IntoIterator<Item = &'a Sv>) -> Sv {
        for o in others {
            for r in &o.origin {
                if self.origin.len() < MAX_VALUE_ORIGINS && !self.origin.contains(r) {
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
                    message: format!("in module `{label}`").into(),
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
            written: sv.written,
        })
    }

    fn unknown<T>(&self, sv: &Sv) -> Val<T> {
        let (span, _) = self.locate(sv);
        let same = || {
            sv.reference
                .as_ref()
                .map(|r| UnknownHint::Same { key: r.key() })
        };
        match &sv.value {
            Value::Unknown(hint) => Val::Unknown {
                span,
                hint: hint.clone().or_else(same),
            },
            _ => Val::unknown(span),
        }
    }

    /// The value as an IR string (numbers and bools convert as Terraform converts them). A
    /// string of named unknown parts only is unknown, and the same as the same parts elsewhere.
    pub fn text(&self, sv: &Sv) -> Val<Text> {
        match &sv.value {
            Value::Null => Val::Absent,
            Value::String(t)
                if t.as_str().is_none() && !t.parts().iter().any(|p| matches!(p, Part::Lit(_))) =>
            {
                Val::Unknown {
                    span: self.locate(sv).0,
                    hint: t.identity().map(|key| UnknownHint::Same {
                        key: key.into_owned(),
                    }),
                }
            }
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
