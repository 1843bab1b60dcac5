//! Input variables: their values from defaults, `.tfvars` files, the command line, the
//! environment or a module call's arguments, converted to their declared type.

use super::eval::{Evaluator, Scope};
use super::functions::to_set;
use super::module::Module;
use super::modules::Frame;
use super::project::Project;
use super::syntax::{Block, Expr};
use super::value::{Placement, Sv, Value, to_text};
use crate::source::{FileId, Span};
use hcl::edit::expr::{Expression, ObjectKey};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The value of an input variable and where it came from.
#[derive(Clone, Debug)]
pub struct Input {
    pub value: Sv,
    /// Names the origin for a secondary location (`from the default of variable \`x\``),
    /// shared by every value read through the variable.
    pub message: Arc<str>,
}

/// A value given to a root module's variable, in Terraform's order of precedence (later wins).
#[derive(Clone, Debug)]
pub struct Assignment {
    pub name: String,
    pub value: Assigned,
    /// Names the origin (`from \`terraform.tfvars\``).
    pub message: String,
}

/// A value from a file, or a raw string from the command line or the environment.
#[derive(Clone, Debug)]
pub enum Assigned {
    Value(Sv),
    /// Read as the variable's type asks: a string for primitive types, an HCL expression else.
    Raw(String),
}

/// A declared type, as far as conversions need it.
#[derive(Clone, Debug, PartialEq)]
enum Type {
    Any,
    String,
    Number,
    Bool,
    List(Box<Type>),
    Set(Box<Type>),
    Map(Box<Type>),
    /// `object({...})`: its attributes, with `optional(type, default)` ones.
    Object(Vec<ObjectAttr>),
    /// Tuples and other types: values are kept as written.
    Structural,
}

/// An attribute of an object type.
#[derive(Clone, Debug, PartialEq)]
struct ObjectAttr {
    name: String,
    ty: Type,
    /// `optional(...)`: absent (or null, when there is a default) takes the default or null.
    optional: bool,
    default: Option<Sv>,
}

/// The values of a root module's variables: defaults overridden by assignments.
///
/// A root module may also be a reusable module linted on its own: a default that is empty
/// (`""`, `[]`, `{}`) or `null` is then the module's sentinel for "not given", and the value
/// is unknown unless one is assigned.
pub fn root_inputs(module: &Module, assignments: &[Assignment]) -> BTreeMap<String, Input> {
    let mut out = BTreeMap::new();
    for (name, block) in module.variables() {
        let ty = declared_type(block);
        let mut input = default(name, block);
        if is_sentinel(&input.value.value) {
            input = Input {
                value: Sv::unknown(block.header),
                message: "".into(),
            };
        }
        for a in assignments.iter().filter(|a| a.name == name) {
            let value = match &a.value {
                Assigned::Value(v) => v.clone(),
                Assigned::Raw(raw) => raw_value(raw, &ty, block.header),
            };
            input = Input {
                value,
                message: a.message.as_str().into(),
            };
        }
        out.insert(name.to_string(), finish(input, name, block, &ty));
    }
    out
}

/// Whether a default says "not given": `null`, or an empty string, list or map.
fn is_sentinel(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(t) => t.as_str() == Some(""),
        Value::List(items) => items.is_empty(),
        Value::Object(map) => map.is_empty(),
        _ => false,
    }
}

/// The values of a module instance's variables from the call's arguments.
pub fn module_inputs(
    module: &Module,
    args: BTreeMap<String, Sv>,
    call: &str,
) -> BTreeMap<String, Input> {
    let mut args = args;
    let mut out = BTreeMap::new();
    for (name, block) in module.variables() {
        let ty = declared_type(block);
        let input = match args.remove(name) {
            Some(value) => Input {
                value,
                message: format!("from the argument `{name}` of module `{call}`").into(),
            },
            None => default(name, block),
        };
        out.insert(name.to_string(), finish(input, name, block, &ty));
    }
    out
}

/// The default, or an unknown value when there is none.
fn default(name: &str, block: &Block) -> Input {
    match block.body.attr("default") {
        Some(attr) => Input {
            value: constant(&attr.value),
            message: format!("from the default of variable `{name}`").into(),
        },
        None => Input {
            value: Sv::unknown(block.header),
            message: "".into(),
        },
    }
}

/// `null` given to a variable with `nullable = false` takes the default; then the type applies.
fn finish(input: Input, name: &str, block: &Block, ty: &Type) -> Input {
    let non_nullable = block
        .body
        .attr("nullable")
        .is_some_and(|a| constant(&a.value).value == Value::Bool(false));
    let input = if input.value.value == Value::Null && non_nullable {
        default(name, block)
    } else {
        input
    };
    let mut value = convert(input.value, ty);
    // A `validation` block may test the value as written: no fix edits it.
    if block.body.blocks("validation").next().is_some() {
        value.written = crate::ir::Written::default();
    }
    Input {
        value,
        message: input.message,
    }
}

/// Evaluates an expression that may only hold literals (defaults, `.tfvars` values).
pub fn constant(expr: &Expr) -> Sv {
    let module = Module::default();
    let project = Project::default();
    let eval = Evaluator::new(
        &module,
        &project,
        String::new(),
        Placement::Root,
        Frame::root(std::path::PathBuf::new()),
        BTreeMap::new(),
    );
    eval.eval(expr, &Scope::default())
}

fn declared_type(block: &Block) -> Type {
    match block.body.attr("type").map(|a| &a.value) {
        Some(Expr::Native {
            expr, file, base, ..
        }) => parse_type(expr, *file, *base),
        _ => Type::Any,
    }
}

/// A type expression of a `.tf` file (`file`, with spans relative to `base`).
fn parse_type(expr: &Expression, file: FileId, base: usize) -> Type {
    match expr {
        Expression::Variable(v) => match v.as_str() {
            "string" => Type::String,
            "number" => Type::Number,
            "bool" => Type::Bool,
            _ => Type::Any,
        },
        Expression::FuncCall(f) => {
            let inner = || {
                Box::new(
                    f.args
                        .iter()
                        .next()
                        .map_or(Type::Any, |e| parse_type(e, file, base)),
                )
            };
            match (f.name.name.as_str(), f.args.iter().next()) {
                ("list", _) => Type::List(inner()),
                ("set", _) => Type::Set(inner()),
                ("map", _) => Type::Map(inner()),
                ("object", Some(Expression::Object(attrs))) => Type::Object(
                    attrs
                        .iter()
                        .filter_map(|(key, value)| {
                            let name = match key {
                                ObjectKey::Ident(id) => id.as_str().to_string(),
                                ObjectKey::Expression(Expression::String(s)) => s.value().clone(),
                                ObjectKey::Expression(_) => return None,
                            };
                            Some(object_attr(name, value.expr(), file, base))
                        })
                        .collect(),
                ),
                _ => Type::Structural,
            }
        }
        _ => Type::Any,
    }
}

/// An attribute of `object({...})`: `name = type` or `name = optional(type[, default])`.
fn object_attr(name: String, expr: &Expression, file: FileId, base: usize) -> ObjectAttr {
    match expr {
        Expression::FuncCall(f) if f.name.name.as_str() == "optional" => {
            let mut args = f.args.iter();
            let ty = args.next().map_or(Type::Any, |e| parse_type(e, file, base));
            let default = args.next().map(|e| {
                constant(&Expr::Native {
                    expr: e.clone(),
                    file,
                    base,
                    lists: None,
                })
            });
            ObjectAttr {
                name,
                ty,
                optional: true,
                default,
            }
        }
        _ => ObjectAttr {
            name,
            ty: parse_type(expr, file, base),
            optional: false,
            default: None,
        },
    }
}

/// A value from the command line or the environment, at the variable's declaration.
fn raw_value(raw: &str, ty: &Type, at: Span) -> Sv {
    let value = match ty {
        Type::Any | Type::String | Type::Number | Type::Bool => Sv::string(raw, at),
        _ => match hcl::edit::parser::parse_expr(raw) {
            Ok(expr) => constant(&Expr::Native {
                expr,
                file: FileId(u32::MAX),
                base: 0,
                lists: None,
            }),
            Err(_) => Sv::error(at),
        },
    };
    respan(value, at)
}

/// The value with every part at `span`.
fn respan(mut v: Sv, span: Span) -> Sv {
    v.span = span;
    // Not written in a file: no fix edits it.
    v.written = crate::ir::Written::default();
    v.value = match v.value {
        Value::List(items) => Value::list(
            items
                .into_inner()
                .into_iter()
                .map(|i| respan(i, span))
                .collect(),
        ),
        Value::Object(map) => Value::object(
            map.into_inner()
                .into_iter()
                .map(|(k, (_, v))| (k, (span, respan(v, span))))
                .collect(),
        ),
        other => other,
    };
    v
}

/// Terraform's conversion to the declared type (as far as rules can tell the difference).
fn convert(v: Sv, ty: &Type) -> Sv {
    let Sv {
        value,
        span,
        origin,
        anchor,
        reference,
        written,
    } = v;
    let value = match (ty, value) {
        (Type::String, value @ (Value::Number(_) | Value::Bool(_))) => {
            to_text(&value).map_or(Value::Error, Value::String)
        }
        (Type::Number, Value::String(t)) => t
            .as_str()
            .and_then(|s| s.trim().parse::<f64>().ok())
            .filter(|n| n.is_finite())
            .map_or(Value::Unknown(None), Value::Number),
        (Type::Bool, Value::String(t)) => match t.as_str() {
            Some("true") => Value::Bool(true),
            Some("false") => Value::Bool(false),
            _ => Value::Unknown(None),
        },
        (Type::List(inner), Value::List(items)) => Value::list(
            items
                .into_inner()
                .into_iter()
                .map(|i| convert(i, inner))
                .collect(),
        ),
        (Type::Set(inner), Value::List(items)) => Value::list(to_set(
            items
                .into_inner()
                .into_iter()
                .map(|i| convert(i, inner))
                .collect(),
        )),
        (Type::Map(inner), Value::Object(map)) => Value::object(
            map.into_inner()
                .into_iter()
                .map(|(k, (ks, v))| (k, (ks, convert(v, inner))))
                .collect(),
        ),
        (Type::Object(attrs), Value::Object(map)) => {
            let mut map = map.into_inner();
            for attr in attrs {
                let given = map
                    .remove(&attr.name)
                    .filter(|(_, v)| !(v.value == Value::Null && attr.default.is_some()));
                let value = match (given, &attr.default) {
                    (Some((ks, v)), _) => Some((ks, convert(v, &attr.ty))),
                    (None, Some(default)) => {
                        Some((default.span, convert(default.clone(), &attr.ty)))
                    }
                    (None, None) if attr.optional => Some((span, Sv::new(Value::Null, span))),
                    (None, None) => None,
                };
                if let Some(v) = value {
                    map.insert(attr.name.clone(), v);
                }
            }
            Value::object(map)
        }
        (_, value) => value,
    };
    Sv {
        value,
        span,
        origin,
        anchor,
        reference,
        written,
    }
}
