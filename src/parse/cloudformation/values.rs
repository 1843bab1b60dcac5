//! Evaluated template values and their conversion into IR fields.
//!
//! An [`Ev`] is what a template value evaluates to once intrinsic functions are applied: a
//! scalar, a (partly known) string, a list, a mapping, `AWS::NoValue` or unknown. Every value
//! keeps the span where it is used in the template and the places it came from.

use crate::ir::{Part, Related, Spanned, Tag, Text, UnknownHint, Val, Written};
use crate::limits::MAX_VALUE_ORIGINS;
use crate::parse::budget::Size;
use crate::parse::tree::Key;
use crate::source::Span;
use std::sync::Arc;

/// The kinds of evaluated values.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Value<'d> {
    Null,
    Bool(bool),
    /// A number, as written.
    Number(String),
    /// A string with at least one known or named part.
    Str(Text),
    List(Vec<Ev<'d>>),
    /// A mapping without the entries that evaluated to `AWS::NoValue`; its keys are the
    /// template's, not copies.
    Map(Vec<(&'d Key, Ev<'d>)>),
    /// `!Ref AWS::NoValue`: the property is removed.
    Removed,
    Unknown,
}

/// An evaluated value with where it is used and where it came from.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Ev<'d> {
    pub value: Value<'d>,
    /// Where the value is used in the template (the primary location of findings on it).
    pub span: Span,
    /// Where it came from when not written in place (a parameter default, a mapping value).
    pub origin: Vec<Related>,
    /// Where it is written, when a fix can edit it there (a literal string, a list item).
    pub written: Written,
}

/// The text of a number or boolean, as CloudFormation renders it (a string is its own text;
/// other values have none).
fn rendered(value: &Value<'_>) -> Option<Text> {
    match value {
        Value::Number(n) => Some(Text::lit(n.as_str())),
        Value::Bool(b) => Some(Text::lit(b.to_string())),
        _ => None,
    }
}

impl<'d> Ev<'d> {
    /// A value written in place.
    pub fn new(value: Value<'d>, span: Span) -> Ev<'d> {
        Ev {
            value,
            span,
            origin: Vec::new(),
            written: Written::default(),
        }
    }

    /// An unknown value.
    pub fn unknown(span: Span) -> Ev<'d> {
        Ev::new(Value::Unknown, span)
    }

    /// A value that is not known but is the same wherever `part` is.
    pub fn named(part: Part, span: Span) -> Ev<'d> {
        Ev::new(Value::Str(Text::from_parts([part])), span)
    }

    /// A string; unknown when no part of it is known or named.
    pub fn text(text: Text, span: Span, mut origin: Vec<Related>) -> Ev<'d> {
        origin.truncate(MAX_VALUE_ORIGINS);
        let known = text.parts().is_empty()
            || text
                .parts()
                .iter()
                .any(|p| matches!(p, Part::Lit(_) | Part::Named { .. }));
        let value = if known {
            Value::Str(text)
        } else {
            Value::Unknown
        };
        Ev {
            value,
            span,
            origin,
            written: Written::default(),
        }
    }

    /// The value moved to where it is used: it and its list items get `span`, and where it was
    /// written becomes a secondary location labelled `message`.
    pub fn relocate(mut self, span: Span, message: &Arc<str>) -> Ev<'d> {
        let from = Related {
            span: self.span,
            message: message.clone(),
        };
        if let Value::List(items) = &mut self.value {
            *items = std::mem::take(items)
                .into_iter()
                .map(|item| item.relocate(span, message))
                .collect();
        }
        self.origin.insert(0, from);
        self.origin.truncate(MAX_VALUE_ORIGINS);
        self.span = span;
        self
    }

    /// How big the value is.
    pub fn size(&self) -> Size {
        match &self.value {
            Value::Str(t) => Size::of_text(t),
            Value::Number(n) => Size::text(n.len()),
            Value::List(items) => Size::collection(items.iter().map(Ev::size)),
            Value::Map(entries) => Size::collection(entries.iter().map(|(k, v)| {
                let value = v.size();
                Size {
                    bytes: value.bytes.saturating_add(k.name.len()),
                    ..value
                }
            })),
            Value::Null | Value::Bool(_) | Value::Removed | Value::Unknown => Size::SCALAR,
        }
    }

    /// The text of a scalar (numbers and booleans as CloudFormation renders them).
    pub fn as_text(&self) -> Option<Text> {
        match &self.value {
            Value::Str(t) => Some(t.clone()),
            other => rendered(other),
        }
    }

    /// [`Ev::as_text`] of a value given up, with its origin: the text is moved, not copied.
    pub fn into_text(self) -> (Option<Text>, Vec<Related>) {
        let text = match self.value {
            Value::Str(t) => Some(t),
            other => rendered(&other),
        };
        (text, self.origin)
    }

    /// The fully known string of a scalar.
    pub fn as_string(&self) -> Option<String> {
        self.as_text()?.as_str().map(str::to_string)
    }

    /// Whether two values are the same, wherever they are written.
    pub fn same(&self, other: &Ev<'_>) -> bool {
        match (&self.value, &other.value) {
            (Value::Unknown, _) | (_, Value::Unknown) => false,
            (Value::List(a), Value::List(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.same(y))
            }
            (Value::Map(a), Value::Map(b)) => {
                a.len() == b.len()
                    && a.iter()
                        .zip(b)
                        .all(|((k, x), (l, y))| k.name == l.name && x.same(y))
            }
            (Value::Str(a), Value::Str(b)) => a == b && a.identity().is_some(),
            (a, b) => a == b,
        }
    }

    /// The value of `name` when this is a mapping.
    pub fn field(&self, name: &str) -> Field<'_, 'd> {
        match &self.value {
            Value::Map(entries) => entries
                .iter()
                .find(|(k, _)| k.name == name)
                .map_or(Field::Absent, |(k, v)| Field::Present(k, v)),
            Value::Removed => Field::Absent,
            _ => Field::Unknown(self.span),
        }
    }

    /// The entries of a mapping.
    pub fn entries(&self) -> &[(&'d Key, Ev<'d>)] {
        match &self.value {
            Value::Map(entries) => entries,
            _ => &[],
        }
    }

    fn spanned<T>(&self, value: T) -> Spanned<T> {
        Spanned {
            value,
            span: self.span,
            origin: self.origin.clone(),
            written: self.written,
        }
    }

    /// The value as a string field; named parts only are an unknown value, the same as the
    /// same parts elsewhere.
    pub fn to_text(&self) -> Val<Text> {
        match &self.value {
            Value::Removed => Val::Absent,
            Value::Str(t)
                if t.as_str().is_none() && !t.parts().iter().any(|p| matches!(p, Part::Lit(_))) =>
            {
                Val::Unknown {
                    span: self.span,
                    hint: t.identity().map(|key| UnknownHint::Same {
                        key: key.into_owned(),
                    }),
                }
            }
            // The text is copied only where it is kept.
            _ => match self.as_text() {
                Some(t) => Val::Known(self.spanned(t)),
                None => Val::unknown(self.span),
            },
        }
    }

    /// The value as a boolean field (`"true"` and `"false"` strings count, as in CloudFormation).
    pub fn to_bool(&self) -> Val<bool> {
        let b = match &self.value {
            Value::Removed => return Val::Absent,
            Value::Bool(b) => Some(*b),
            Value::Str(t) => match t.as_str().map(str::to_ascii_lowercase).as_deref() {
                Some("true") => Some(true),
                Some("false") => Some(false),
                _ => None,
            },
            _ => None,
        };
        match b {
            Some(b) => Val::Known(self.spanned(b)),
            None => Val::unknown(self.span),
        }
    }

    /// The value as a list of strings.
    pub fn to_text_list(&self) -> Val<Vec<Val<Text>>> {
        match &self.value {
            Value::Removed => Val::Absent,
            Value::List(items) => Val::Known(self.spanned(items.iter().map(Ev::to_text).collect())),
            _ => Val::unknown(self.span),
        }
    }

    /// The value as a list of `{Key, Value}` tags. Unknown items are left out: they may not be
    /// there (`Fn::If` with `AWS::NoValue`), so they must not count towards the limit.
    pub fn to_tags(&self) -> Val<Vec<Tag>> {
        match &self.value {
            Value::Removed => Val::Absent,
            Value::List(items) => Val::Known(
                self.spanned(
                    items
                        .iter()
                        .filter(|item| !matches!(item.value, Value::Unknown))
                        .map(|item| Tag {
                            key: item.field("Key").text(),
                            value: item.field("Value").text(),
                        })
                        .collect(),
                ),
            ),
            _ => Val::unknown(self.span),
        }
    }
}

/// A property looked up in a value that may not be a known mapping.
#[derive(Clone, Copy, Debug)]
pub(super) enum Field<'e, 'd> {
    Absent,
    /// The enclosing object is not known (its span).
    Unknown(Span),
    Present(&'d Key, &'e Ev<'d>),
}

impl<'e, 'd> Field<'e, 'd> {
    /// The value, when present.
    pub fn value(self) -> Option<&'e Ev<'d>> {
        match self {
            Field::Present(_, v) if !matches!(v.value, Value::Removed) => Some(v),
            _ => None,
        }
    }

    /// The key, when present.
    pub fn key(self) -> Option<&'d Key> {
        match self {
            Field::Present(k, v) if !matches!(v.value, Value::Removed) => Some(k),
            _ => None,
        }
    }

    /// A property of this value, which may itself be absent or unknown.
    pub fn get(self, name: &str) -> Field<'e, 'd> {
        match self {
            Field::Unknown(span) => Field::Unknown(span),
            _ => self.value().map_or(Field::Absent, |v| v.field(name)),
        }
    }

    fn convert<T>(self, f: impl FnOnce(&Ev<'d>) -> Val<T>) -> Val<T> {
        match self {
            Field::Absent => Val::Absent,
            Field::Unknown(span) => Val::unknown(span),
            Field::Present(_, v) => f(v),
        }
    }

    pub fn text(self) -> Val<Text> {
        self.convert(Ev::to_text)
    }

    pub fn boolean(self) -> Val<bool> {
        self.convert(Ev::to_bool)
    }

    pub fn text_list(self) -> Val<Vec<Val<Text>>> {
        self.convert(Ev::to_text_list)
    }

    pub fn tags(self) -> Val<Vec<Tag>> {
        self.convert(Ev::to_tags)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    fn span(a: usize) -> Span {
        Span::new(FileId(0), a, a + 1)
    }

    #[test]
    fn conversions() {
        let s = Ev::new(Value::Str(Text::lit("False")), span(1));
        assert!(matches!(s.to_bool(), Val::Known(ref b) if !b.value));
        assert!(matches!(s.to_text(), Val::Known(ref t) if t.value.as_str() == Some("False")));
        let hole = Ev::text(Text::from_parts([Part::Hole]), span(2), Vec::new());
        assert_eq!(hole.value, Value::Unknown);
        assert!(!hole.same(&hole));
        let list =
            Ev::new(Value::List(vec![s.clone()]), span(3)).relocate(span(9), &"from x".into());
        assert_eq!(list.span, span(9));
        let Value::List(items) = &list.value else {
            panic!()
        };
        assert_eq!(items[0].span, span(9));
        assert_eq!(items[0].origin[0].span, span(1));
        assert!(list.same(&Ev::new(Value::List(vec![s]), span(4))));
    }
}
