//! Reading eksctl's YAML values the way its strict Go decoding reads them.
//!
//! eksctl decodes a `ClusterConfig` into Go structs: a string field left empty means the same as
//! an absent one (`type: ""` is `STANDARD`), a `null` is the zero value, and keys match only in
//! their exact spelling.

use crate::ir::{Quoting, Spanned, Text, UnknownField, Val, Written};
use crate::parse::envsubst::{Filled, filled};
use crate::parse::tree::{Node, NodeKind, unknown_keys};
use crate::source::Span;

/// A scalar as text (numbers and booleans as written); `null` or no value is absent, and a
/// mapping or list where a string belongs is unknown (it is no string rule's business).
pub fn text(node: Option<&Node>) -> Val<Text> {
    let Some(node) = node else {
        return Val::Absent;
    };
    // A list item can be removed where it is written; only a literal string can be rewritten.
    let item = Written {
        literal: None,
        item: node.written.item,
    };
    match &node.kind {
        NodeKind::Null => Val::Absent,
        NodeKind::String(s) => match filled(s) {
            Filled::Unknown => Val::unknown(node.span),
            Filled::Partly(t) => Val::written(t, node.span, item),
            Filled::AsWritten => Val::written(Text::lit(s.as_str()), node.span, node.written),
        },
        NodeKind::Number(s) => Val::written(Text::lit(s.as_str()), node.span, item),
        NodeKind::Bool(b) => Val::written(Text::lit(b.to_string()), node.span, item),
        NodeKind::Seq(_) | NodeKind::Map(_) => Val::unknown(node.span),
    }
}

/// Like [`text`], for a Go `string` field whose empty value means unset (`type`,
/// `kubernetesUsername`, `authenticationMode`, `accessScope.type`).
pub fn optional_text(node: Option<&Node>) -> Val<Text> {
    match text(node) {
        Val::Known(s) if s.value.as_str() == Some("") => Val::Absent,
        v => v,
    }
}

/// A boolean; `null` or no value is absent, anything else is not a boolean eksctl would read.
///
/// eksctl reads its file with sigs.k8s.io/yaml, whose YAML library (go-yaml v2) also takes the
/// YAML 1.1 words `y`, `yes`, `on` and `n`, `no`, `off` (lowercase, capitalized or uppercase)
/// for true and false when they are written plain.
pub fn flag(node: Option<&Node>) -> Val<bool> {
    let Some(node) = node else {
        return Val::Absent;
    };
    // Plain, with no tag (`!!str yes` is a string) nor anchor before it.
    let plain = node
        .written
        .literal
        .is_some_and(|l| l.quoting == Quoting::YamlPlain && l.span == node.span);
    match &node.kind {
        NodeKind::Null => Val::Absent,
        NodeKind::Bool(b) => Val::known(*b, node.span),
        NodeKind::String(s) if plain => match yaml_1_1_bool(s) {
            Some(b) => Val::known(b, node.span),
            None => Val::unknown(node.span),
        },
        _ => Val::unknown(node.span),
    }
}

/// The boolean of a YAML 1.1 word that the YAML 1.2 core schema reads as a string.
fn yaml_1_1_bool(s: &str) -> Option<bool> {
    match s {
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" => Some(true),
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" => Some(false),
        _ => None,
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
