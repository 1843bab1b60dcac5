//! A format-neutral tree of YAML or JSON with a byte span on every key and value.
//!
//! CloudFormation (YAML and JSON) and eksctl (YAML) read this tree; neither knows which parser
//! produced it.

use crate::parse::edits::{ListSyntax, item_removal};
use crate::source::{FileId, Span};

pub mod json;
pub mod yaml;

pub use json::parse_json;
pub use yaml::parse_yaml;

/// The deepest nesting of sequences and mappings either parser accepts.
pub use crate::limits::MAX_TREE_DEPTH as MAX_DEPTH;

/// A parsed value with its span (for a tagged YAML node, the span starts at the tag).
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub kind: NodeKind,
    pub span: Span,
    /// A YAML local tag without its `!` (`Ref` for `!Ref x`); JSON has none.
    pub tag: Option<String>,
    /// Where an untagged string is written as a literal, and the span that removes the node
    /// from its sequence (for fixes).
    pub written: crate::ir::Written,
}

/// The kinds of values.
#[derive(Clone, Debug, PartialEq)]
pub enum NodeKind {
    Null,
    Bool(bool),
    /// A number, kept as written.
    Number(String),
    String(String),
    Seq(Vec<Node>),
    /// Entries in source order.
    Map(Vec<(Key, Node)>),
}

/// A mapping key (keys that are not scalars are rendered as text).
#[derive(Clone, Debug, PartialEq)]
pub struct Key {
    pub name: String,
    pub span: Span,
    /// The key as a string literal, when it is one.
    pub literal: Option<crate::ir::Literal>,
}

/// The keys that are not among `expected` (compared exactly), as EKS001 candidates.
pub fn unknown_keys<K: std::borrow::Borrow<Key>, V>(
    entries: &[(K, V)],
    expected: &'static [&'static str],
) -> Vec<crate::ir::UnknownField> {
    entries
        .iter()
        .map(|(k, _)| k.borrow())
        .filter(|k| !expected.contains(&k.name.as_str()))
        .map(|k| crate::ir::UnknownField {
            name: k.name.clone(),
            span: k.span,
            expected,
            literal: k.literal,
            siblings: entries
                .iter()
                .map(|(o, _)| o.borrow().name.clone())
                .filter(|o| *o != k.name)
                .collect(),
        })
        .collect()
}

/// A syntax error (or a limit exceeded) at a position.
#[derive(Clone, Debug, PartialEq)]
pub struct TreeError {
    pub span: Span,
    pub message: String,
}

impl TreeError {
    /// An error at byte `offset` of `text`, spanning the character there (empty at the end).
    pub fn at(file: FileId, text: &str, offset: usize, message: impl Into<String>) -> TreeError {
        TreeError {
            span: Span::of_char(file, text, offset),
            message: message.into(),
        }
    }
}

impl Node {
    /// The value of `key` in a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|(_, v)| v)
    }

    /// The key and value of `key` in a mapping.
    pub fn entry(&self, key: &str) -> Option<(&Key, &Node)> {
        match &self.kind {
            NodeKind::Map(entries) => entries
                .iter()
                .find(|(k, _)| k.name == key)
                .map(|(k, v)| (k, v)),
            _ => None,
        }
    }

    /// The entries of a mapping.
    pub fn entries(&self) -> &[(Key, Node)] {
        match &self.kind {
            NodeKind::Map(entries) => entries,
            _ => &[],
        }
    }

    /// Whether a fix may remove this list item: whether it can give a string (a scalar, a
    /// tagged node, or a mapping of one key, as a function is written in JSON). Only such items
    /// get their removal span: a list of mappings (entries, statements) needs none.
    fn may_be_removed(&self) -> bool {
        match &self.kind {
            NodeKind::Seq(_) => self.tag.is_some(),
            NodeKind::Map(entries) => self.tag.is_some() || entries.len() == 1,
            _ => true,
        }
    }

    /// The string value of an untagged string scalar.
    pub fn as_str(&self) -> Option<&str> {
        match (&self.kind, &self.tag) {
            (NodeKind::String(s), None) => Some(s),
            _ => None,
        }
    }
}

/// Records in each item of a list that a fix may remove ([`Node::may_be_removed`]) the span
/// that removes it with one separator; `ranges` is room for the items' byte ranges.
fn record_removals(
    file: FileId,
    text: &str,
    items: &mut [Node],
    syntax: ListSyntax,
    ranges: &mut Vec<(usize, usize)>,
) {
    ranges.clear();
    ranges.extend(
        items
            .iter()
            .map(|i| (i.span.start as usize, i.span.end as usize)),
    );
    for (i, item) in items.iter_mut().enumerate() {
        if item.may_be_removed() {
            item.written.item = item_removal(file, text, ranges, i, syntax);
        }
    }
}

/// What tests of either parser read of a tree.
#[cfg(test)]
pub(crate) mod testutil {
    use super::{Node, NodeKind};

    /// The text each item of the list at `key` of `doc` is removed with, where it has a
    /// removal span.
    pub fn removals<'t>(text: &'t str, doc: &Node, key: &str) -> Vec<Option<&'t str>> {
        let Some(NodeKind::Seq(items)) = doc.get(key).map(|n| &n.kind) else {
            panic!("no list at {key}: {doc:?}")
        };
        items
            .iter()
            .map(|i| i.written.item.map(|s| &text[s.range()]))
            .collect()
    }
}
