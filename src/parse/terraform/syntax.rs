//! The syntax of Terraform files, native (`.tf`) or JSON (`.tf.json`), in one owned tree of
//! blocks, attributes and expressions whose spans are absolute byte ranges of their file.

use super::value::Sv;
use crate::source::{FileId, Span};
use hcl::edit::expr::Expression;
use hcl::edit::structure::{BlockLabel, Structure};

/// An expression of either syntax.
#[derive(Clone, Debug)]
pub enum Expr {
    /// Native syntax: from a `.tf` file (`base` 0), or a `.tf.json` string parsed as a template
    /// (`base` is the string's offset in the file, spans inside are relative to it).
    Native {
        expr: Box<Expression>,
        file: FileId,
        base: usize,
    },
    /// A JSON array.
    List { items: Vec<Expr>, span: Span },
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
            Expr::Native { expr, file, base } => native_span(*file, *base, expr.as_ref()),
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
    pub value: Expr,
}

/// A block: `resource "aws_eks_access_entry" "x" { ... }`, `access_scope { ... }`.
#[derive(Clone, Debug)]
pub struct Block {
    pub ident: String,
    pub ident_span: Span,
    pub labels: Vec<String>,
    /// From the identifier to the end of the last label.
    pub header: Span,
    /// The whole block.
    pub span: Span,
    pub body: Body,
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

/// Converts a parsed native body.
pub fn from_native(file: FileId, body: hcl::edit::structure::Body) -> Body {
    let mut out = Body::default();
    for structure in body {
        match structure {
            Structure::Attribute(a) => out.attrs.push(Attr {
                name: a.key.as_str().to_string(),
                key: native_span(file, 0, &a.key),
                value: Expr::Native {
                    expr: Box::new(a.value),
                    file,
                    base: 0,
                },
            }),
            Structure::Block(b) => {
                let span = native_span(file, 0, &b);
                let ident_span = native_span(file, 0, &b.ident);
                let end = b
                    .labels
                    .last()
                    .map_or(ident_span, |l| native_span(file, 0, l));
                out.blocks.push(Block {
                    ident: b.ident.as_str().to_string(),
                    ident_span,
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
                    body: from_native(file, b.body),
                });
            }
        }
    }
    out
}
