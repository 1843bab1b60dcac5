//! The syntax of Terraform files, native (`.tf`) or JSON (`.tf.json`), in one owned tree of
//! blocks, attributes and expressions whose spans are absolute byte ranges of their file.

use super::value::Sv;
use crate::ir::{Literal, Quoting};
use crate::parse::edits::{ListSyntax, item_removals, line_above};
use crate::source::{FileId, Span};
use hcl::edit::expr::{Array, Expression};
use hcl::edit::structure::{BlockLabel, Structure};
use hcl::edit::visit::{Visit, visit_array};
use std::collections::BTreeMap;
use std::sync::Arc;

/// For the list items of an expression (by their span's start and end), the span that removes
/// the item from its list; `None` when the expression has no list.
pub type Lists = Option<Arc<BTreeMap<(u32, u32), Span>>>;

/// An expression of either syntax.
#[derive(Clone, Debug)]
pub enum Expr {
    /// Native syntax: from a `.tf` file (`base` 0), or a `.tf.json` string parsed as a template
    /// (`base` is the string's offset in the file, spans inside are relative to it).
    Native {
        expr: Box<Expression>,
        file: FileId,
        base: usize,
        lists: Lists,
    },
    /// A JSON array, with the span that removes each item.
    List {
        items: Vec<Expr>,
        span: Span,
        removals: Vec<Option<Span>>,
    },
    /// A JSON object: keys with their spans.
    Map {
        items: Vec<(String, Span, Expr)>,
        span: Span,
    },
    /// A JSON literal (null, bool, number, or a string without interpolation).
    Literal(Sv),
}

impl Expr {
    /// The span of the whole expression.
    pub fn span(&self) -> Span {
        match self {
            Expr::Native {
                expr, file, base, ..
            } => native_span(*file, *base, expr.as_ref()),
            Expr::List { span, .. } | Expr::Map { span, .. } => *span,
            Expr::Literal(sv) => sv.span,
        }
    }
}

/// The span of a native node whose own offsets are relative to `base`.
pub fn native_span(file: FileId, base: usize, node: &impl hcl::edit::Span) -> Span {
    node.span().map_or(Span::new(file, base, base), |r| {
        Span::new(file, base + r.start, base + r.end)
    })
}

/// `name = value`.
#[derive(Clone, Debug)]
pub struct Attr {
    pub name: String,
    /// The span of the name.
    pub key: Span,
    /// The name as written, for a fix that renames it.
    pub key_literal: Option<Literal>,
    pub value: Expr,
}

/// A block: `resource "aws_eks_access_entry" "x" { ... }`, `access_scope { ... }`.
#[derive(Clone, Debug)]
pub struct Block {
    pub ident: String,
    pub ident_span: Span,
    /// The identifier as written, for a fix that renames it.
    pub ident_literal: Option<Literal>,
    pub labels: Vec<String>,
    /// From the identifier to the end of the last label.
    pub header: Span,
    /// The whole block.
    pub span: Span,
    pub body: Body,
    /// Where a line can be added to the body: before its first line, with its indentation
    /// and line break (native syntax).
    pub body_line: Option<BodyLine>,
}

/// Where a line of a block's body can be inserted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BodyLine {
    /// The start of the body's first line.
    pub at: Span,
    pub indent: String,
    pub eol: String,
}

impl Block {
    /// The iterator name of a `dynamic` block: its `iterator` argument (a bare name, or a string
    /// in JSON syntax), else the label of the block it generates.
    pub fn iterator(&self) -> Option<String> {
        let named = self.body.attr("iterator").and_then(|a| match &a.value {
            Expr::Native { expr, .. } => match expr.as_ref() {
                Expression::Variable(v) => Some(v.as_str().to_string()),
                _ => None,
            },
            Expr::Literal(sv) => sv.as_str().map(str::to_string),
            _ => None,
        });
        named.or_else(|| self.labels.first().cloned())
    }
}

/// The attributes and nested blocks of a block or file, in source order.
#[derive(Clone, Debug, Default)]
pub struct Body {
    pub attrs: Vec<Attr>,
    pub blocks: Vec<Block>,
}

impl Body {
    /// The attribute called `name`.
    pub fn attr(&self, name: &str) -> Option<&Attr> {
        self.attrs.iter().find(|a| a.name == name)
    }

    /// The nested blocks called `ident`.
    pub fn blocks<'a>(&'a self, ident: &'a str) -> impl Iterator<Item = &'a Block> {
        self.blocks.iter().filter(move |b| b.ident == ident)
    }
}

/// Converts a parsed native body of `text`.
pub fn from_native(file: FileId, text: &str, body: hcl::edit::structure::Body) -> Body {
    let mut out = Body::default();
    for structure in body {
        match structure {
            Structure::Attribute(a) => {
                let key = native_span(file, 0, &a.key);
                let lists = lists(file, text, &a.value);
                out.attrs.push(Attr {
                    name: a.key.as_str().to_string(),
                    key,
                    key_literal: Some(identifier(key)),
                    value: Expr::Native {
                        expr: Box::new(a.value),
                        file,
                        base: 0,
                        lists,
                    },
                })
            }
            Structure::Block(b) => {
                let span = native_span(file, 0, &b);
                let ident_span = native_span(file, 0, &b.ident);
                let end = b
                    .labels
                    .last()
                    .map_or(ident_span, |l| native_span(file, 0, l));
                let body = from_native(file, text, b.body);
                let first = body
                    .attrs
                    .iter()
                    .map(|a| a.key.start)
                    .chain(body.blocks.iter().map(|b| b.ident_span.start))
                    .min();
                // The line of the body's first item, when it starts after the block does. Only
                // that line is read: a search from the start of the file read a long first line
                // again for every block below it.
                let body_line = first
                    .filter(|&f| span.start < f && (f as usize) <= text.len())
                    .map(|f| {
                        let (at, indent, eol) = line_above(text, f as usize);
                        BodyLine {
                            at: Span::new(file, at, at),
                            indent: indent.to_string(),
                            eol: eol.to_string(),
                        }
                    })
                    .filter(|l| l.at.start > span.start);
                out.blocks.push(Block {
                    ident: b.ident.as_str().to_string(),
                    ident_span,
                    ident_literal: Some(identifier(ident_span)),
                    labels: b
                        .labels
                        .iter()
                        .map(|l| match l {
                            BlockLabel::Ident(i) => i.as_str().to_string(),
                            BlockLabel::String(s) => s.value().to_string(),
                        })
                        .collect(),
                    header: Span::new(file, ident_span.start as usize, end.end as usize),
                    span,
                    body,
                    body_line,
                });
            }
        }
    }
    out
}

/// An identifier written at `span`.
fn identifier(span: Span) -> Literal {
    Literal {
        span,
        quoting: Quoting::HclIdentifier,
    }
}

/// The removal spans of the list items of a native expression of `text`.
fn lists(file: FileId, text: &str, expr: &Expression) -> Lists {
    struct Arrays<'t> {
        file: FileId,
        text: &'t str,
        found: BTreeMap<(u32, u32), Span>,
    }
    impl Visit for Arrays<'_> {
        fn visit_array(&mut self, node: &Array) {
            let items: Vec<(usize, usize)> = node
                .iter()
                .filter_map(|e| hcl::edit::Span::span(e).map(|r| (r.start, r.end)))
                .collect();
            if items.len() == node.len() {
                let syntax = ListSyntax::Commas {
                    trailing_comma: true,
                };
                let removals = item_removals(self.file, self.text, &items, syntax);
                for (item, removal) in items.iter().zip(removals) {
                    if let Some(r) = removal {
                        self.found.insert((item.0 as u32, item.1 as u32), r);
                    }
                }
            }
            visit_array(self, node);
        }
    }
    let mut arrays = Arrays {
        file,
        text,
        found: BTreeMap::new(),
    };
    arrays.visit_expr(expr);
    (!arrays.found.is_empty()).then(|| Arc::new(arrays.found))
}
