//! Terraform JSON syntax (`*.tf.json`, `*.tfvars.json`) into the tree of [`super::syntax`].
//!
//! In `.tf.json`, a string is a template (`"${var.x}"`), parsed with the native parser at the
//! string's offset so that spans stay absolute; a property is a nested block when its name is a
//! block type this tool reads.

use super::syntax::{Attr, Block, Body, Expr};
use super::value::{Sv, Value};
use crate::ir::{Literal, Quoting, Text};
use crate::parse::ParseError;
use crate::parse::edits::{ListSyntax, item_removals};
use crate::parse::tree::json::STRICT;
use crate::source::{FileId, Span};
use jsonc_parser::ast::{ObjectPropName, Value as Json};
use jsonc_parser::{CollectOptions, parse_to_ast};

/// Top-level block types and how many labels they take.
const TOP_LEVEL: &[(&str, usize)] = &[
    ("resource", 2),
    ("data", 2),
    ("module", 1),
    ("variable", 1),
    ("output", 1),
    ("provider", 1),
    ("locals", 0),
    ("terraform", 0),
];

/// Nested block types, and how many labels they take.
const NESTED: &[(&str, usize)] = &[
    ("access_scope", 0),
    ("access_config", 0),
    ("compute_config", 0),
    ("remote_network_config", 0),
    ("metadata", 0),
    ("content", 0),
    ("lifecycle", 0),
    ("timeouts", 0),
    ("validation", 0),
    ("dynamic", 1),
];

/// How a JSON string is read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Strings {
    /// A template (`.tf.json` values).
    Template,
    /// A bare expression (`depends_on` items, variable types).
    Expression,
    /// A literal (`.tfvars.json` values).
    Literal,
}

/// Parses a `.tf.json` file into blocks.
pub fn parse_config(file: FileId, text: &str) -> Result<Body, ParseError> {
    let value = parse(file, text)?;
    let mut body = Body::default();
    let Some(Json::Object(obj)) = &value else {
        return Ok(body);
    };
    for prop in &obj.properties {
        let (name, key) = prop_name(file, &prop.name);
        let Some(&(_, labels)) = TOP_LEVEL.iter().find(|(n, _)| *n == name) else {
            continue;
        };
        blocks(
            file,
            text,
            name,
            key,
            &prop.value,
            labels,
            &mut Vec::new(),
            &mut body.blocks,
        );
    }
    Ok(body)
}

/// Parses a `.tfvars.json` file into attributes (values are literal).
pub fn parse_values(file: FileId, text: &str) -> Result<Body, ParseError> {
    let value = parse(file, text)?;
    let mut body = Body::default();
    if let Some(Json::Object(obj)) = &value {
        for prop in &obj.properties {
            let (name, key) = prop_name(file, &prop.name);
            body.attrs.push(Attr {
                name: name.to_string(),
                key,
                key_literal: key_literal(file, &prop.name),
                value: expr(file, text, &prop.value, Strings::Literal),
            });
        }
    }
    Ok(body)
}

fn parse<'a>(file: FileId, text: &'a str) -> Result<Option<Json<'a>>, ParseError> {
    parse_to_ast(text, &CollectOptions::default(), &STRICT)
        .map(|r| r.value)
        .map_err(|e| ParseError {
            span: Span::new(file, e.range().start, e.range().end),
            message: format!("invalid JSON: {}", e.kind()),
        })
}

fn prop_name<'a>(file: FileId, name: &'a ObjectPropName) -> (&'a str, Span) {
    match name {
        ObjectPropName::String(s) => (&s.value, Span::new(file, s.range.start, s.range.end)),
        ObjectPropName::Word(w) => (w.value, Span::new(file, w.range.start, w.range.end)),
    }
}

/// The blocks of type `ident` under `value`, which nests `labels` more label levels.
#[allow(clippy::too_many_arguments)]
fn blocks(
    file: FileId,
    text: &str,
    ident: &str,
    key: Span,
    value: &Json,
    labels: usize,
    prefix: &mut Vec<String>,
    out: &mut Vec<Block>,
) {
    match value {
        Json::Array(items) if labels == 0 => {
            for item in &items.elements {
                let at = out.len();
                blocks(file, text, ident, key, item, 0, prefix, out);
                // A block of a list spans its own object (the key names them all).
                if let (Json::Object(obj), Some(b)) = (item, out.get_mut(at)) {
                    b.span = Span::new(file, obj.range.start, obj.range.end);
                }
            }
        }
        Json::Object(obj) if labels == 0 => out.push(Block {
            ident: ident.to_string(),
            ident_span: key,
            ident_literal: (labels == 0 && prefix.is_empty()).then(|| Literal {
                span: Span::new(
                    file,
                    key.start as usize + 1,
                    (key.end as usize).saturating_sub(1),
                ),
                quoting: Quoting::Json,
            }),
            body_line: None,
            labels: prefix.clone(),
            header: key,
            span: Span::new(file, key.start as usize, obj.range.end),
            body: body(file, text, ident, obj),
        }),
        Json::Object(obj) => {
            for prop in &obj.properties {
                let (label, label_span) = prop_name(file, &prop.name);
                prefix.push(label.to_string());
                blocks(
                    file,
                    text,
                    ident,
                    label_span,
                    &prop.value,
                    labels - 1,
                    prefix,
                    out,
                );
                prefix.pop();
            }
        }
        _ => {}
    }
}

/// The body of a block of type `ident`.
fn body(file: FileId, text: &str, ident: &str, obj: &jsonc_parser::ast::Object) -> Body {
    let mut out = Body::default();
    for prop in &obj.properties {
        let (name, key) = prop_name(file, &prop.name);
        if let Some(&(_, labels)) = NESTED.iter().find(|(n, _)| *n == name)
            && matches!(prop.value, Json::Object(_) | Json::Array(_))
        {
            let mut prefix = Vec::new();
            blocks(
                file,
                text,
                name,
                key,
                &prop.value,
                labels,
                &mut prefix,
                &mut out.blocks,
            );
            continue;
        }
        // `depends_on` items are bare references; so is a variable's `type`.
        let strings = if name == "depends_on" || (ident == "variable" && name == "type") {
            Strings::Expression
        } else {
            Strings::Template
        };
        out.attrs.push(Attr {
            name: name.to_string(),
            key,
            key_literal: key_literal(file, &prop.name),
            value: expr(file, text, &prop.value, strings),
        });
    }
    out
}

fn expr(file: FileId, text: &str, value: &Json, strings: Strings) -> Expr {
    let range = value_range(value);
    let span = Span::new(file, range.0, range.1);
    let literal = |v: Value| Expr::Literal(Sv::new(v, span));
    // A string's text without its quotes, as Terraform reads it: a template, or plain JSON.
    let string = |v: Value| {
        let mut sv = Sv::new(v, span);
        sv.written.literal = Some(Literal {
            span: Span::new(file, range.0 + 1, range.1.saturating_sub(1)),
            quoting: if strings == Strings::Template {
                Quoting::TerraformJson
            } else {
                Quoting::Json
            },
        });
        Expr::Literal(sv)
    };
    match value {
        Json::StringLit(s) => {
            let raw = &text[range.0..range.1];
            let native = match strings {
                Strings::Template if raw.contains("${") || raw.contains("%{") => {
                    hcl::edit::parser::parse_expr(raw)
                        .ok()
                        .map(|e| (e, range.0))
                }
                Strings::Expression => raw
                    .get(1..raw.len().saturating_sub(1))
                    .and_then(|inner| hcl::edit::parser::parse_expr(inner).ok())
                    .map(|e| (e, range.0 + 1)),
                _ => None,
            };
            match native {
                Some((expr, base)) => Expr::Native {
                    expr,
                    file,
                    base,
                    lists: None,
                },
                // A template that does not parse as written (`"${lookup(m, \"k\")}"`: HCL does
                // not read JSON's escapes inside `${...}`) is not known, never its own text.
                None if strings == Strings::Template
                    && (raw.contains("${") || raw.contains("%{")) =>
                {
                    literal(Value::Unknown(None))
                }
                None => string(Value::String(Text::lit(s.value.as_ref()))),
            }
        }
        Json::NumberLit(n) => literal(
            n.value
                .parse::<f64>()
                .map_or(Value::Unknown(None), Value::Number),
        ),
        Json::BooleanLit(b) => literal(Value::Bool(b.value)),
        Json::NullKeyword(_) => literal(Value::Null),
        Json::Array(a) => {
            let ranges: Vec<(usize, usize)> = a.elements.iter().map(value_range).collect();
            let syntax = ListSyntax::Commas {
                trailing_comma: false,
            };
            Expr::List {
                items: a
                    .elements
                    .iter()
                    .map(|e| expr(file, text, e, strings))
                    .collect(),
                span,
                removals: item_removals(file, text, &ranges, syntax).collect(),
            }
        }
        Json::Object(o) => Expr::Map {
            items: o
                .properties
                .iter()
                .map(|p| {
                    let (name, key) = prop_name(file, &p.name);
                    (name.to_string(), key, expr(file, text, &p.value, strings))
                })
                .collect(),
            span,
        },
    }
}

/// A property name as written: the text of a JSON string without its quotes.
fn key_literal(file: FileId, name: &ObjectPropName) -> Option<Literal> {
    match name {
        ObjectPropName::String(s) => Some(Literal {
            span: Span::new(file, s.range.start + 1, s.range.end.saturating_sub(1)),
            quoting: Quoting::Json,
        }),
        ObjectPropName::Word(_) => None,
    }
}

fn value_range(value: &Json) -> (usize, usize) {
    let r = match value {
        Json::StringLit(v) => v.range,
        Json::NumberLit(v) => v.range,
        Json::BooleanLit(v) => v.range,
        Json::NullKeyword(v) => v.range,
        Json::Array(v) => v.range,
        Json::Object(v) => v.range,
    };
    (r.start, r.end)
}
