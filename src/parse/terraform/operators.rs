//! Unary and binary operators of Terraform expressions.

use super::value::{Sv, Value, same};
use crate::parse::budget::Size;
use crate::source::Span;
use hcl::edit::expr::{BinaryOperator, UnaryOperator};

/// `!x`, `-x`.
pub fn unary(op: UnaryOperator, v: &Sv, span: Span) -> Sv {
    let value = match (op, &v.value) {
        (_, Value::Unknown(_)) => Value::Unknown(None),
        (UnaryOperator::Not, Value::Bool(b)) => Value::Bool(!b),
        (UnaryOperator::Neg, _) => number(&v.value).map_or(Value::Error, |n| finite(-n)),
        _ => Value::Error,
    };
    Sv::new(value, span)
}

/// `false && x` and `true || x` need not look at `x`.
pub fn short_circuit(op: BinaryOperator, lhs: &Sv, span: Span) -> Option<Sv> {
    match (op, &lhs.value) {
        (BinaryOperator::And, Value::Bool(false)) => Some(Sv::new(Value::Bool(false), span)),
        (BinaryOperator::Or, Value::Bool(true)) => Some(Sv::new(Value::Bool(true), span)),
        _ => None,
    }
}

/// What comparing two values reads: at most the smaller of them.
pub fn reads(lhs: &Sv, rhs: &Sv) -> Size {
    let (l, r) = (lhs.size(), rhs.size());
    Size {
        items: l.items.min(r.items),
        bytes: l.bytes.min(r.bytes),
        depth: 0,
    }
}

/// `a == b`, `a + b`, `a && b`, ...
pub fn binary(op: BinaryOperator, lhs: &Sv, rhs: &Sv, span: Span) -> Sv {
    use BinaryOperator as B;
    let (l, r) = (&lhs.value, &rhs.value);
    if matches!(l, Value::Error) || matches!(r, Value::Error) {
        return Sv::error(span);
    }
    let value = match op {
        B::Eq | B::NotEq => match same(l, r) {
            Some(eq) => Value::Bool(eq == (op == B::Eq)),
            None => Value::Unknown(None),
        },
        B::And | B::Or => match (l, r) {
            (Value::Bool(a), Value::Bool(b)) => {
                Value::Bool(if op == B::And { *a && *b } else { *a || *b })
            }
            (Value::Unknown(_), _) | (_, Value::Unknown(_)) => Value::Unknown(None),
            _ => Value::Error,
        },
        _ => {
            if matches!(l, Value::Unknown(_)) || matches!(r, Value::Unknown(_)) {
                return Sv::unknown(span);
            }
            let (Some(a), Some(b)) = (number(l), number(r)) else {
                return Sv::error(span);
            };
            if !a.is_finite() || !b.is_finite() {
                return Sv::unknown(span);
            }
            match op {
                B::Less => Value::Bool(a < b),
                B::LessEq => Value::Bool(a <= b),
                B::Greater => Value::Bool(a > b),
                B::GreaterEq => Value::Bool(a >= b),
                B::Plus => finite(a + b),
                B::Minus => finite(a - b),
                B::Mul => finite(a * b),
                B::Div if b != 0.0 => finite(a / b),
                B::Mod if b != 0.0 => finite(a % b),
                _ => Value::Error,
            }
        }
    };
    Sv::new(value, span)
}

/// A computed number; unknown when it is too big for an `f64` (Terraform's numbers are not).
pub fn finite(n: f64) -> Value {
    if n.is_finite() {
        Value::Number(n)
    } else {
        Value::Unknown(None)
    }
}

/// A number, or a string that converts to one. A number too big for an `f64` (`"1e999"`) is
/// infinite here, where Terraform knows it: callers treat it as unknown. `inf` and `NaN` are
/// not numbers in Terraform.
pub fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => Some(*n),
        Value::String(t) => {
            let s = t.as_str()?.trim();
            if s.bytes()
                .any(|b| b.is_ascii_alphabetic() && !b.eq_ignore_ascii_case(&b'e'))
            {
                return None;
            }
            s.parse().ok()
        }
        _ => None,
    }
}
