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
        expr: Expression,
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
            } => native_span(*file, *base, expr),
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
    /// Its indentation (one text for the blocks of a file indented alike).
    pub indent: Arc<str>,
    /// Its line break: `\n`, `\r\n` or `\r`.
    pub eol: &'static str,
}

impl Block {
    /// The iterator name of a `dynamic` block: its `iterator` argument (a bare name, or a string
    /// in JSON syntax), else the label of the block it generates.
    pub fn iterator(&self) -> Option<String> {
        let named = self.body.attr("iterator").and_then(|a| match &a.value {
            Expr::Native {
                expr: Expression::Variable(v),
                ..
            } => Some(v.as_str().to_string()),
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

/// Converts a parsed native body of `text`, taking its names and expressions (not copied).
pub fn from_native(file: FileId, text: &str, body: hcl::edit::structure::Body) -> Body {
    // One table of list items for the whole file: their spans are the file's own.
    let lists = lists(file, text, &body);
    convert(file, text, body, &lists, Some(&mut None))
}

/// Converts a native body; `indent` for the file's own, whose blocks' bodies may take a line:
/// the indentation of the last such line, shared with the next when it is the same.
fn convert(
    file: FileId,
    text: &str,
    body: hcl::edit::structure::Body,
    lists: &Lists,
    mut indent: Option<&mut Option<Arc<str>>>,
) -> Body {
    let attrs = body.attributes().count();
    let mut out = Body {
        attrs: Vec::with_capacity(attrs),
        blocks: Vec::with_capacity(body.len() - attrs),
    };
    for structure in body {
        match structure {
            Structure::Attribute(a) => {
                let key = native_span(file, 0, &a.key);
                out.attrs.push(Attr {
                    name: a.key.into_value().into_string(),
                    key,
                    key_literal: Some(identifier(key)),
                    value: Expr::Native {
                        expr: a.value,
                        file,
                        base: 0,
                        lists: lists.clone(),
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
                let labels = b
                    .labels
                    .into_iter()
                    .map(|l| match l {
                        BlockLabel::Ident(i) => i.into_value().into_string(),
                        BlockLabel::String(s) => s.into_value(),
                    })
                    .collect();
                let body = convert(file, text, b.body, lists, None);
                // Only a top-level block takes a line in its body (`depends_on`).
                let body_line = indent
                    .as_deref_mut()
                    .and_then(|last| body_line(file, text, span, &body, last));
                out.blocks.push(Block {
                    ident: b.ident.into_value().into_string(),
                    ident_span,
                    ident_literal: Some(identifier(ident_span)),
                    labels,
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

/// The line of a block's first body item, when it starts after the block does. Only that line
/// is read: a search from the start of the file read a long first line again for every block
/// below it.
fn body_line(
    file: FileId,
    text: &str,
    span: Span,
    body: &Body,
    last_indent: &mut Option<Arc<str>>,
) -> Option<BodyLine> {
    let first = body
        .attrs
        .iter()
        .map(|a| a.key.start)
        .chain(body.blocks.iter().map(|b| b.ident_span.start))
        .min()?;
    if span.start >= first || first as usize > text.len() {
        return None;
    }
    let (at, indent, eol) = line_above(text, first as usize);
    if at <= span.start as usize {
        return None;
    }
    let indent = match last_indent {
        Some(last) if **last == *indent => last.clone(),
        _ => last_indent.insert(indent.into()).clone(),
    };
    Some(BodyLine {
        at: Span::new(file, at, at),
        indent,
        eol: match eol {
            "\r\n" => "\r\n",
            "\r" => "\r",
            _ => "\n",
        },
    })
}

/// An identifier written at `span`.
fn identifier(span: Span) -> Literal {
    Literal {
        span,
        quoting: Quoting::HclIdentifier,
    }
}

/// The removal spans of the list items of a native body of `text`.
fn lists(file: FileId, text: &str, body: &hcl::edit::structure::Body) -> Lists {
    struct Arrays<'t> {
        file: FileId,
        text: &'t str,
        found: BTreeMap<(u32, u32), Span>,
        /// The items of the array being read (kept for the next array).
        items: Vec<(usize, usize)>,
    }
    impl Visit for Arrays<'_> {
        fn visit_array(&mut self, node: &Array) {
            self.items.clear();
            self.items.extend(
                node.iter()
                    .filter_map(|e| hcl::edit::Span::span(e).map(|r| (r.start, r.end))),
            );
            if self.items.len() == node.len() {
                let syntax = ListSyntax::Commas {
                    trailing_comma: true,
                };
                let removals = item_removals(self.file, self.text, &self.items, syntax);
                for (item, removal) in self.items.iter().zip(removals) {
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
        items: Vec::new(),
    };
    arrays.visit_body(body);
    (!arrays.found.is_empty()).then(|| Arc::new(arrays.found))
}
