//! Static evaluation of Terraform expressions into [`Sv`] values.
//!
//! What cannot be known before `terraform apply` (or is not modelled) evaluates to
//! [`Value::Unknown`]; a partly known string template keeps its known parts.

use super::module::{Module, span_of};
use super::value::{Sv, Value, format_number};
use crate::ir::{Part, Text, UnknownHint};
use crate::source::FileId;
use hcl::edit::expr::{Expression, TraversalOperator};
use hcl::edit::template::{Element, Template};
use std::cell::Cell;
use std::collections::BTreeMap;

/// How deep references may chain before the value is treated as unknown (guards cycles).
const MAX_DEPTH: u32 = 64;

/// Evaluates expressions in the context of one module.
pub struct Evaluator<'m> {
    module: &'m Module,
    depth: Cell<u32>,
}

impl<'m> Evaluator<'m> {
    pub fn new(module: &'m Module) -> Evaluator<'m> {
        Evaluator {
            module,
            depth: Cell::new(0),
        }
    }

    /// Evaluates `expr`, written in `file`.
    pub fn eval(&self, expr: &Expression, file: FileId) -> Sv {
        let span = span_of(file, expr);
        let value = match expr {
            Expression::Null(_) => Value::Null,
            Expression::Bool(b) => Value::Bool(*b.value()),
            Expression::Number(n) => n
                .value()
                .as_f64()
                .map_or(Value::Unknown(None), Value::Number),
            Expression::String(s) => Value::String(Text::lit(s.value().as_str())),
            Expression::Array(items) => {
                Value::List(items.iter().map(|e| self.eval(e, file)).collect())
            }
            Expression::Object(obj) => {
                let mut map = BTreeMap::new();
                for (key, value) in obj.iter() {
                    let key_span = span_of(file, key);
                    let name = match key {
                        hcl::edit::expr::ObjectKey::Ident(id) => Some(id.as_str().to_string()),
                        hcl::edit::expr::ObjectKey::Expression(e) => {
                            match self.eval(e, file).value {
                                Value::String(t) => t.as_str().map(str::to_string),
                                Value::Number(n) => Some(format_number(n)),
                                Value::Bool(b) => Some(b.to_string()),
                                _ => None,
                            }
                        }
                    };
                    let Some(name) = name else {
                        return Sv::unknown(span);
                    };
                    map.insert(name, (key_span, self.eval(value.expr(), file)));
                }
                Value::Object(map)
            }
            Expression::StringTemplate(t) => return self.template(t, file, span),
            Expression::HeredocTemplate(h) => return self.template(&h.template, file, span),
            Expression::Parenthesis(p) => return self.eval(p.inner(), file),
            Expression::Conditional(c) => match self.eval(&c.cond_expr, file).value {
                Value::Bool(true) => return self.eval(&c.true_expr, file),
                Value::Bool(false) => return self.eval(&c.false_expr, file),
                _ => Value::Unknown(None),
            },
            Expression::Traversal(t) => return self.traversal(&t.expr, &t.operators, span),
            _ => Value::Unknown(None),
        };
        Sv::new(value, span)
    }

    fn template(&self, template: &Template, file: FileId, span: crate::source::Span) -> Sv {
        let mut parts = Vec::new();
        for element in template.iter() {
            match element {
                Element::Literal(s) => parts.push(Part::Lit(s.value().to_string())),
                Element::Interpolation(i) => match self.eval(&i.expr, file).value {
                    Value::String(t) => parts.extend(t.parts().iter().cloned()),
                    Value::Number(n) => parts.push(Part::Lit(format_number(n))),
                    Value::Bool(b) => parts.push(Part::Lit(b.to_string())),
                    _ => parts.push(Part::Hole),
                },
                Element::Directive(_) => parts.push(Part::Hole),
            }
        }
        let text = Text::from_parts(parts);
        if text.parts() == [Part::Hole] {
            return Sv::unknown(span);
        }
        Sv::new(Value::String(text), span)
    }

    /// A reference such as `aws_eks_cluster.main.name` or `data.aws_caller_identity.current.arn`.
    fn traversal(
        &self,
        root: &Expression,
        ops: &[hcl::edit::Decorated<TraversalOperator>],
        span: crate::source::Span,
    ) -> Sv {
        let attrs: Vec<&str> = ops
            .iter()
            .map_while(|op| match op.value() {
                TraversalOperator::GetAttr(id) => Some(id.as_str()),
                _ => None,
            })
            .collect();
        let Expression::Variable(root) = root else {
            return Sv::unknown(span);
        };
        match (root.as_str(), attrs.as_slice()) {
            ("data", ["aws_caller_identity", name, "arn", ..]) => Sv::new(
                Value::Unknown(Some(UnknownHint::CallerIdentityArn {
                    source_name: (*name).to_string(),
                })),
                span,
            ),
            (kind, [name, attr]) if kind.starts_with("aws_eks_") && ops.len() == 2 => self
                .resource_attribute(kind, name, attr)
                .unwrap_or_else(|| Sv::unknown(span)),
            _ => Sv::unknown(span),
        }
    }

    /// The value written for an attribute of another resource: the same value, with its span.
    fn resource_attribute(&self, kind: &str, name: &str, attr: &str) -> Option<Sv> {
        let resource = self.module.resource(kind, name)?;
        let expr = &resource.block.body.get_attribute(attr)?.value;
        if self.depth.get() >= MAX_DEPTH {
            return None;
        }
        self.depth.set(self.depth.get() + 1);
        let value = self.eval(expr, resource.file);
        self.depth.set(self.depth.get() - 1);
        Some(value)
    }
}
