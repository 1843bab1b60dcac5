//! Reading eksctl's YAML values the way its strict Go decoding reads them.
//!
//! eksctl decodes a `ClusterConfig` into Go structs: a string field left empty means the same as
//! an absent one (`type: ""` is `STANDARD`), a `null` is the zero value, and keys match only in
//! their exact spelling.

use crate::ir::{Part, Spanned, Text, UnknownField, Val, Written};
use crate::parse::tree::{Node, NodeKind, unknown_keys};
use crate::source::Span;
use std::borrow::Cow;

/// A scalar as text (numbers and booleans as written); `null` or no value is absent, and a
/// mapping or list where a string belongs is unknown (it is no string rule's business).
pub fn text(node: Option<&Node>) -> Val<Text> {
    node.map_or(Val::Absent, |n| {
        let scalar = match &n.kind {
            NodeKind::String(s) => Scalar::String(Cow::Borrowed(s)),
            NodeKind::Number(s) => Scalar::Number(Cow::Borrowed(s)),
            other => Scalar::other(other),
        };
        scalar_text(n.span, n.written, scalar)
    })
}

/// [`text`] of a node that is not read again: its string is moved into the text, not copied.
pub fn take_text(node: Option<&mut Node>) -> Val<Text> {
    node.map_or(Val::Absent, |n| {
        let scalar = match &mut n.kind {
            NodeKind::String(s) => Scalar::String(Cow::Owned(std::mem::take(s))),
            NodeKind::Number(s) => Scalar::Number(Cow::Owned(std::mem::take(s))),
            other => Scalar::other(other),
        };
        scalar_text(n.span, n.written, scalar)
    })
}

/// A node's value as [`text`] reads it.
enum Scalar<'n> {
    Null,
    String(Cow<'n, str>),
    Number(Cow<'n, str>),
    Bool(bool),
    Collection,
}

impl Scalar<'_> {
    /// A value that is not a string or a number.
    fn other(kind: &NodeKind) -> Scalar<'static> {
        match kind {
            NodeKind::Bool(b) => Scalar::Bool(*b),
            NodeKind::Seq(_) | NodeKind::Map(_) => Scalar::Collection,
            NodeKind::Null | NodeKind::String(_) | NodeKind::Number(_) => Scalar::Null,
        }
    }
}

/// [`text`] of a value written at `span`.
fn scalar_text(span: Span, written: Written, scalar: Scalar) -> Val<Text> {
    // A list item can be removed where it is written; only a literal string can be rewritten.
    let item = Written {
        literal: None,
        item: written.item,
    };
    match scalar {
        Scalar::Null => Val::Absent,
        Scalar::String(s) => match placeholders(&s) {
            Some(t) if t.parts() == [Part::Hole] => Val::unknown(span),
            Some(t) => Val::written(t, span, item),
            None => Val::written(Text::lit(s.into_owned()), span, written),
        },
        Scalar::Number(s) => Val::written(Text::lit(s.into_owned()), span, item),
        Scalar::Bool(b) => Val::written(Text::lit(b.to_string()), span, item),
        Scalar::Collection => Val::unknown(span),
    }
}

/// A string with `${NAME}` or `$NAME` placeholders, which eksctl configs get filled by
/// `envsubst` before eksctl reads them: the placeholders are unknown parts. `None` when there
/// is none.
fn placeholders(s: &str) -> Option<Text> {
    if !s.contains('$') {
        return None;
    }
    let mut parts = Vec::new();
    let mut lit = String::new();
    let mut found = false;
    let mut rest = s;
    while let Some(start) = rest.find('$') {
        let after = &rest[start + 1..];
        let len = if let Some(braced) = after.strip_prefix('{') {
            braced.find('}').map(|end| end + 2)
        } else {
            let name = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            let starts_well = after.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_');
            (name > 0 && starts_well).then_some(name)
        };
        lit.push_str(&rest[..start]);
        match len {
            Some(len) => {
                found = true;
                parts.push(Part::Lit(std::mem::take(&mut lit)));
                parts.push(Part::Hole);
                rest = &after[len..];
            }
            None => {
                lit.push('$');
                rest = after;
            }
        }
    }
    lit.push_str(rest);
    parts.push(Part::Lit(lit));
    found.then(|| Text::from_parts(parts))
}

/// Like [`text`], for a Go `string` field whose empty value means unset (`type`,
/// `kubernetesUsername`, `authenticationMode`, `accessScope.type`).
pub fn optional_text(node: Option<&Node>) -> Val<Text> {
    unset_when_empty(text(node))
}

/// [`optional_text`] of a node that is not read again (see [`take_text`]).
pub fn take_optional_text(node: Option<&mut Node>) -> Val<Text> {
    unset_when_empty(take_text(node))
}

/// Absent for an empty string, as Go's zero value.
fn unset_when_empty(value: Val<Text>) -> Val<Text> {
    match value {
        Val::Known(s) if s.value.as_str() == Some("") => Val::Absent,
        v => v,
    }
}

/// A boolean; `null` or no value is absent, anything else is not a boolean eksctl would read.
pub fn flag(node: Option<&Node>) -> Val<bool> {
    match node.map(|n| (&n.kind, n.span)) {
        None | Some((NodeKind::Null, _)) => Val::Absent,
        Some((NodeKind::Bool(b), span)) => Val::known(*b, span),
        Some((_, span)) => Val::unknown(span),
    }
}

/// A list of strings, spanning the list; `null` or no value is absent.
pub fn text_list(node: Option<&Node>) -> Val<Vec<Val<Text>>> {
    let Some(node) = node else {
        return Val::Absent;
    };
    match &node.kind {
        NodeKind::Null => Val::Absent,
        NodeKind::Seq(items) => Val::Known(Spanned::new(
            items.iter().map(|i| text(Some(i))).collect(),
            node.span,
        )),
        _ => Val::unknown(node.span),
    }
}

/// [`text_list`] of a node that is not read again (see [`take_text`]).
pub fn take_text_list(node: Option<&mut Node>) -> Val<Vec<Val<Text>>> {
    let Some(node) = node else {
        return Val::Absent;
    };
    match &mut node.kind {
        NodeKind::Null => Val::Absent,
        NodeKind::Seq(items) => Val::Known(Spanned::new(
            items.iter_mut().map(|i| take_text(Some(i))).collect(),
            node.span,
        )),
        _ => Val::unknown(node.span),
    }
}

/// The keys of a mapping that are not among `expected` (compared exactly, as eksctl does).
pub fn unknown_fields(node: &Node, expected: &'static [&'static str]) -> Vec<UnknownField> {
    unknown_keys(node.entries(), expected)
}

/// The first line of a list item that is a mapping: from its first key to the end of that
/// key's value when the value is a scalar, or to the end of the key when the value is empty or
/// a collection (which usually starts on the next line). The tree holds no line breaks, so a
/// trailing comment on that line is not included.
pub fn item_header(item: &Node) -> Span {
    match item.entries().first() {
        Some((key, value)) => {
            let end = match value.kind {
                NodeKind::Seq(_) | NodeKind::Map(_) | NodeKind::Null => key.span.end,
                _ => value.span.end.max(key.span.end),
            };
            Span { end, ..key.span }
        }
        None => item.span,
    }
}
