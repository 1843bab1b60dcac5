//! Values of evaluated Terraform expressions, with spans and origins.

use crate::ir::{Related, Spanned, Text, UnknownHint, Val};
use crate::source::Span;
use std::collections::BTreeMap;

/// A Terraform value that may be unknown.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Unknown(Option<UnknownHint>),
    Null,
    Bool(bool),
    Number(f64),
    String(Text),
    List(Vec<Sv>),
    /// Maps and objects, iterated in key order as Terraform does; each key keeps its span.
    Object(BTreeMap<String, (Span, Sv)>),
}

/// A spanned value: where it is written, and where it came from when that is elsewhere.
#[derive(Clone, Debug, PartialEq)]
pub struct Sv {
    pub value: Value,
    pub span: Span,
    pub origin: Vec<Related>,
}

impl Sv {
    pub fn new(value: Value, span: Span) -> Sv {
        Sv {
            value,
            span,
            origin: Vec::new(),
        }
    }

    pub fn unknown(span: Span) -> Sv {
        Sv::new(Value::Unknown(None), span)
    }

    fn spanned<T>(&self, value: T) -> Val<T> {
        Val::Known(Spanned {
            value,
            span: self.span,
            origin: self.origin.clone(),
        })
    }

    fn unknown_val<T>(&self) -> Val<T> {
        match &self.value {
            Value::Unknown(hint) => Val::Unknown {
                span: self.span,
                hint: hint.clone(),
            },
            _ => Val::unknown(self.span),
        }
    }

    /// The value as an IR string (numbers and bools convert as Terraform converts them).
    pub fn to_text(&self) -> Val<Text> {
        match &self.value {
            Value::Null => Val::Absent,
            Value::String(t) => self.spanned(t.clone()),
            Value::Bool(b) => self.spanned(Text::lit(b.to_string())),
            Value::Number(n) => self.spanned(Text::lit(format_number(*n))),
            _ => self.unknown_val(),
        }
    }

    /// The value as an IR bool (`"true"` and `"false"` convert).
    pub fn to_bool(&self) -> Val<bool> {
        match &self.value {
            Value::Null => Val::Absent,
            Value::Bool(b) => self.spanned(*b),
            Value::String(t) => match t.as_str() {
                Some("true") => self.spanned(true),
                Some("false") => self.spanned(false),
                _ => self.unknown_val(),
            },
            _ => self.unknown_val(),
        }
    }

    /// The value as a list of IR strings (a set or tuple; a map is not a list).
    pub fn to_text_list(&self) -> Val<Vec<Val<Text>>> {
        match &self.value {
            Value::Null => Val::Absent,
            Value::List(items) => self.spanned(items.iter().map(Sv::to_text).collect()),
            _ => self.unknown_val(),
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
