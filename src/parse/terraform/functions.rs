//! Terraform's built-in functions that real modules use around access entries, hand-written
//! over [`Sv`] so that unknown values and spans survive (`hcl::eval` has neither).
//!
//! A function this tool does not know gives an unknown value, never an error. `try` and `can`
//! are in the evaluator: they need their arguments unevaluated.

use super::fields::Fields;
use super::operators::{finite, number};
use super::value::{Sv, Value, format_number, same, to_text};
use crate::ir::{Part, Text};
use crate::limits::{MAX_VALUE_BYTES, MAX_VALUE_ITEMS};
use crate::parse::budget::{Size, TextBuilder};
use crate::source::Span;
use std::collections::HashSet;

/// Calls function `name` on evaluated arguments.
pub fn call(name: &str, args: Vec<Sv>, span: Span) -> Sv {
    if args.iter().any(|a| a.value == Value::Error) {
        return Sv::error(span);
    }
    let sources = if computes_string(name) {
        args.clone()
    } else {
        Vec::new()
    };
    let result = match name {
        "lookup" => return lookup(args, span),
        "merge" => merge(&args),
        "concat" => concat(&args),
        "flatten" => flatten_all(&args),
        "coalesce" => return coalesce(args, span),
        "coalescelist" => return coalescelist(args, span),
        "format" => format(&args),
        "join" => join(&args),
        "split" => split(&args, span),
        "lower" => map_text(&args, str::to_lowercase),
        "upper" => map_text(&args, str::to_uppercase),
        "trimspace" => strings(&args, |s| match s {
            [x] => Value::String(Text::lit(x.trim())),
            _ => Value::Error,
        }),
        "replace" => strings(&args, replace),
        "trimprefix" => strings(&args, |s| {
            let [x, p] = s else { return Value::Error };
            Value::String(Text::lit(x.strip_prefix(p).unwrap_or(x)))
        }),
        "trimsuffix" => strings(&args, |s| {
            let [x, p] = s else { return Value::Error };
            Value::String(Text::lit(x.strip_suffix(p).unwrap_or(x)))
        }),
        "startswith" => strings(&args, |s| match s {
            [x, p] => Value::Bool(x.starts_with(p)),
            _ => Value::Error,
        }),
        "endswith" => strings(&args, |s| match s {
            [x, p] => Value::Bool(x.ends_with(p)),
            _ => Value::Error,
        }),
        "keys" => keys_or_values(args, true),
        "values" => keys_or_values(args, false),
        "length" => length(&args),
        "contains" => contains(&args),
        "toset" => one_list(args, |items| Value::list(to_set(items))),
        "distinct" => one_list(args, |items| Value::list(distinct(items))),
        "tolist" => one_list(args, Value::list),
        "compact" => one_list(args, compact),
        "one" => return one(args, span),
        "element" => return element(args, span),
        "zipmap" => zipmap(args),
        "range" => range(&args, span),
        "tomap" => match args.into_iter().next() {
            Some(
                a @ Sv {
                    value: Value::Object(_) | Value::Null,
                    ..
                },
            ) => return a,
            Some(a) if a.is_unknown() => Value::Unknown(None),
            _ => Value::Error,
        },
        "tostring" => match args.first().map(|a| &a.value) {
            Some(Value::Null) => Value::Null,
            Some(Value::Unknown(_)) => Value::Unknown(None),
            Some(v) => to_text(v).map_or(Value::Error, Value::String),
            None => Value::Error,
        },
        "tonumber" => match args.first().map(|a| &a.value) {
            Some(Value::Null) => Value::Null,
            Some(Value::Unknown(_)) => Value::Unknown(None),
            Some(v) => number(v).map_or(Value::Error, finite),
            None => Value::Error,
        },
        "jsonencode" => match args.first() {
            Some(a) if a.is_wholly_known() => {
                json(a).map_or(Value::Error, |j| Value::string(Text::lit(j.to_string())))
            }
            Some(_) => Value::Unknown(None),
            None => Value::Error,
        },
        _ => Value::Unknown(None),
    };
    Sv::new(result, span).with_origins_of(&sources)
}

/// What a function reads besides what it builds (whose size is counted after): the values it
/// compares one by one, the strings it copies.
pub fn reads(name: &str, args: &[Sv]) -> Size {
    match name {
        "contains" | "distinct" | "toset" => args.first().map_or(Size::SCALAR, Sv::size),
        "length" | "replace" | "split" | "startswith" | "endswith" | "trimprefix"
        | "trimsuffix" | "trimspace" => Size::text(
            args.iter()
                .filter_map(|a| match &a.value {
                    Value::String(t) => Some(Size::of_text(t).bytes),
                    _ => None,
                })
                .sum(),
        ),
        _ => Size::SCALAR,
    }
}

/// Whether a function computes a new string from its arguments, so that the result inherits
/// their origins (container functions keep their elements, with their own origins).
fn computes_string(name: &str) -> bool {
    matches!(
        name,
        "format"
            | "join"
            | "lower"
            | "upper"
            | "trimspace"
            | "replace"
            | "trimprefix"
            | "trimsuffix"
            | "tostring"
            | "jsonencode"
    )
}

/// The first unknown argument's value, if any.
fn any_unknown(args: &[Sv]) -> bool {
    args.iter().any(|a| matches!(a.value, Value::Unknown(_)))
}

/// `lookup(map, key, default)`: the value found keeps its own span and origins.
fn lookup(args: Vec<Sv>, span: Span) -> Sv {
    let mut args = args.into_iter();
    let (Some(map), Some(key)) = (args.next(), args.next()) else {
        return Sv::error(span);
    };
    let default = args.next();
    if map.is_unknown() || key.is_unknown() {
        return Sv::unknown(span);
    }
    let (Value::Object(m), Some(k)) = (&map.value, key.as_str()) else {
        return Sv::error(span);
    };
    match (m.get(k), default) {
        (Some((_, v)), _) => v.clone(),
        (None, Some(d)) => d,
        (None, None) => Sv::error(span),
    }
}

fn merge(args: &[Sv]) -> Value {
    let mut out = Fields::new();
    for a in args {
        match &a.value {
            Value::Object(m) => out.extend(m.iter().map(|(k, v)| (k.clone(), v.clone()))),
            Value::Null => {}
            Value::Unknown(_) => return Value::Unknown(None),
            _ => return Value::Error,
        }
    }
    Value::object(out)
}

fn concat(args: &[Sv]) -> Value {
    let mut out = Vec::new();
    for a in args {
        match &a.value {
            Value::List(items) => out.extend(items.iter().cloned()),
            Value::Unknown(_) => return Value::Unknown(None),
            _ => return Value::Error,
        }
    }
    Value::list(out)
}

fn flatten_all(args: &[Sv]) -> Value {
    let [list] = args else {
        return Value::Error;
    };
    let mut out = Vec::new();
    match flatten_into(list, &mut out) {
        Ok(()) => Value::list(out),
        Err(v) => v,
    }
}

fn flatten_into(v: &Sv, out: &mut Vec<Sv>) -> Result<(), Value> {
    match &v.value {
        Value::List(items) => {
            for item in items.iter() {
                match &item.value {
                    Value::List(_) | Value::Unknown(_) => flatten_into(item, out)?,
                    _ => out.push(item.clone()),
                }
            }
            Ok(())
        }
        Value::Unknown(_) => Err(Value::Unknown(None)),
        _ => Err(Value::Error),
    }
}

/// The first argument that is neither null nor an empty string.
fn coalesce(args: Vec<Sv>, span: Span) -> Sv {
    for a in args {
        match &a.value {
            Value::Null => {}
            Value::String(t) if t.as_str() == Some("") => {}
            Value::Unknown(_) => return Sv::unknown(span),
            _ => return a,
        }
    }
    Sv::error(span)
}

/// The first non-empty list.
fn coalescelist(args: Vec<Sv>, span: Span) -> Sv {
    for a in args {
        match &a.value {
            Value::List(items) if items.is_empty() => {}
            Value::List(_) => return a,
            Value::Unknown(_) => return Sv::unknown(span),
            _ => return Sv::error(span),
        }
    }
    Sv::error(span)
}

/// `format` with the verbs `%s`, `%d`, `%v`, `%q` and `%%`.
fn format(args: &[Sv]) -> Value {
    let Some((spec, rest)) = args.split_first() else {
        return Value::Error;
    };
    let Some(spec) = spec.as_str() else {
        return Value::Unknown(None);
    };
    let mut parts = TextBuilder::default();
    let mut next = rest.iter();
    let mut chars = spec.chars();
    while let Some(c) = chars.next() {
        if parts.too_big() {
            return Value::Unknown(None);
        }
        if c != '%' {
            parts.push_str(c.encode_utf8(&mut [0; 4]));
            continue;
        }
        match chars.next() {
            Some('%') => parts.push_str("%"),
            Some(verb @ ('s' | 'd' | 'v' | 'q')) => {
                let Some(arg) = next.next() else {
                    return Value::Error;
                };
                let Some(text) = to_text(&arg.value) else {
                    return Value::Error;
                };
                if verb == 'q' {
                    match text.as_str() {
                        Some(s) => parts.push(Part::Lit(format!("{s:?}"))),
                        None => parts.push(Part::Hole),
                    }
                } else {
                    parts.push_text(&text);
                }
            }
            _ => return Value::Unknown(None),
        }
    }
    text_value(parts)
}

/// A string from parts; unknown when it has no known part or is too big.
fn text_value(parts: TextBuilder) -> Value {
    if parts.too_big() {
        return Value::Unknown(None);
    }
    Value::string(parts.into_text())
}

fn join(args: &[Sv]) -> Value {
    let [sep, list] = args else {
        return Value::Error;
    };
    let (Some(sep), Value::List(items)) = (sep.as_str(), &list.value) else {
        return Value::Unknown(None);
    };
    let mut parts = TextBuilder::default();
    for (i, item) in items.iter().enumerate() {
        if parts.too_big() {
            return Value::Unknown(None);
        }
        if i > 0 {
            parts.push_str(sep);
        }
        match to_text(&item.value) {
            Some(t) => parts.push_text(&t),
            None => return Value::Error,
        }
    }
    text_value(parts)
}

fn split(args: &[Sv], span: Span) -> Value {
    strings(args, |s| match s {
        [sep, x] => {
            let pieces = if sep.is_empty() {
                x.chars().count() + 2
            } else {
                x.matches(sep.as_str()).count() + 1
            };
            if pieces > MAX_VALUE_ITEMS {
                return Value::Unknown(None);
            }
            Value::list(x.split(sep.as_str()).map(|p| Sv::string(p, span)).collect())
        }
        _ => Value::Error,
    })
}

fn replace(s: &[String]) -> Value {
    match s {
        // A `/regex/` pattern is not evaluated.
        [_, pattern, _]
            if pattern.len() > 1 && pattern.starts_with('/') && pattern.ends_with('/') =>
        {
            Value::Unknown(None)
        }
        [x, from, to] if !from.is_empty() => {
            // Sized before it is built: a few nested `replace` calls can ask for exabytes.
            let grows = to.len().saturating_sub(from.len());
            let len = x
                .len()
                .saturating_add(x.matches(from.as_str()).count().saturating_mul(grows));
            if len > MAX_VALUE_BYTES {
                return Value::Unknown(None);
            }
            Value::String(Text::lit(x.replace(from, to)))
        }
        [x, _, _] => Value::String(Text::lit(x.as_str())),
        _ => Value::Error,
    }
}

/// A function of fully known strings (numbers and bools convert); unknown otherwise.
fn strings(args: &[Sv], f: impl Fn(&[String]) -> Value) -> Value {
    let mut texts = Vec::new();
    for a in args {
        match to_text(&a.value) {
            Some(t) => match t.as_str() {
                Some(s) => texts.push(s.to_string()),
                None => return Value::Unknown(None),
            },
            None => return Value::Error,
        }
    }
    f(&texts)
}

/// `lower`/`upper`: applies to the known parts of a partly known string.
fn map_text(args: &[Sv], f: fn(&str) -> String) -> Value {
    let [a] = args else {
        return Value::Error;
    };
    match to_text(&a.value) {
        Some(t) => {
            let mut parts = TextBuilder::default();
            for p in t.parts() {
                parts.push(match p {
                    Part::Lit(s) => Part::Lit(f(s)),
                    _ => Part::Hole,
                });
            }
            text_value(parts)
        }
        None => Value::Error,
    }
}

fn keys_or_values(args: Vec<Sv>, keys: bool) -> Value {
    let Some(a) = args.into_iter().next() else {
        return Value::Error;
    };
    match a.value {
        Value::Object(m) => Value::list(
            m.iter()
                .map(|(k, (ks, v))| if keys { Sv::string(k, *ks) } else { v.clone() })
                .collect(),
        ),
        Value::Unknown(_) => Value::Unknown(None),
        _ => Value::Error,
    }
}

fn length(args: &[Sv]) -> Value {
    match args.first().map(|a| &a.value) {
        Some(Value::List(items)) => Value::Number(items.len() as f64),
        Some(Value::Object(m)) => Value::Number(m.len() as f64),
        Some(Value::String(t)) => t.as_str().map_or(Value::Unknown(None), |s| {
            Value::Number(s.chars().count() as f64)
        }),
        Some(Value::Unknown(_)) => Value::Unknown(None),
        _ => Value::Error,
    }
}

fn contains(args: &[Sv]) -> Value {
    let [list, x] = args else {
        return Value::Error;
    };
    let Value::List(items) = &list.value else {
        return if list.is_unknown() {
            Value::Unknown(None)
        } else {
            Value::Error
        };
    };
    let mut unknown = false;
    for item in items.iter() {
        match same(&item.value, &x.value) {
            Some(true) => return Value::Bool(true),
            None => unknown = true,
            Some(false) => {}
        }
    }
    if unknown {
        Value::Unknown(None)
    } else {
        Value::Bool(false)
    }
}

/// A function of one list (a set or tuple).
fn one_list(args: Vec<Sv>, f: impl FnOnce(Vec<Sv>) -> Value) -> Value {
    let Some(a) = args.into_iter().next() else {
        return Value::Error;
    };
    match a.value {
        Value::List(items) => f(items.into_inner()),
        Value::Null => Value::Null,
        Value::Unknown(_) => Value::Unknown(None),
        _ => Value::Error,
    }
}

/// A set: duplicates removed (the first copy kept), strings sorted as Terraform orders them.
pub fn to_set(items: Vec<Sv>) -> Vec<Sv> {
    if items.iter().all(|i| i.as_str().is_some()) {
        // Known strings are the same exactly when their texts are: sorted (stably, so the
        // first copy of a text comes first), then the later copies dropped.
        let mut out = items;
        out.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
        out.dedup_by(|later, first| later.as_str() == first.as_str());
        return out;
    }
    distinct(items)
}

/// Duplicates removed, the first copy kept (values that may be equal are both kept).
fn distinct(items: Vec<Sv>) -> Vec<Sv> {
    let mut seen = HashSet::new();
    items
        .into_iter()
        .filter(|item| identity(&item.value).is_none_or(|key| seen.insert(key)))
        .collect()
}

/// A key that is equal for two values exactly when [`same`] says they are equal; `None` for a
/// value that is not wholly known (or `NaN`), which is equal to nothing.
fn identity(v: &Value) -> Option<String> {
    fn write(v: &Value, out: &mut String) -> Option<()> {
        match v {
            Value::Unknown(_) | Value::Error => return None,
            Value::Null => out.push('n'),
            Value::Bool(b) => out.push(if *b { 't' } else { 'f' }),
            // `0.0 + 0.0` makes `-0` and `0` one key, as `==` does.
            Value::Number(n) if n.is_nan() => return None,
            Value::Number(n) => out.push_str(&format!("#{:x};", (n + 0.0).to_bits())),
            Value::String(t) => {
                let s = t.as_str()?;
                out.push_str(&format!("s{}:{s}", s.len()));
            }
            Value::List(items) => {
                out.push_str(&format!("[{}:", items.len()));
                items.iter().try_for_each(|i| write(&i.value, out))?;
            }
            Value::Object(map) => {
                out.push_str(&format!("{{{}:", map.len()));
                for (k, (_, v)) in map.iter() {
                    out.push_str(&format!("{}:{k}", k.len()));
                    write(&v.value, out)?;
                }
            }
        }
        Some(())
    }
    let mut out = String::new();
    write(v, &mut out)?;
    Some(out)
}

fn compact(items: Vec<Sv>) -> Value {
    if any_unknown(&items) {
        return Value::Unknown(None);
    }
    Value::list(
        items
            .into_iter()
            .filter(|i| !matches!(&i.value, Value::Null) && i.as_str() != Some(""))
            .collect(),
    )
}

fn one(args: Vec<Sv>, span: Span) -> Sv {
    let Some(a) = args.into_iter().next() else {
        return Sv::error(span);
    };
    match a.value {
        Value::List(items) if items.len() <= 1 => items
            .first()
            .cloned()
            .unwrap_or_else(|| Sv::new(Value::Null, span)),
        Value::Null => Sv::new(Value::Null, span),
        Value::Unknown(_) => Sv::unknown(span),
        _ => Sv::error(span),
    }
}

/// `element(list, index)`: the index wraps around.
fn element(args: Vec<Sv>, span: Span) -> Sv {
    let [list, i] = args.as_slice() else {
        return Sv::error(span);
    };
    if any_unknown(&args) {
        return Sv::unknown(span);
    }
    match (&list.value, number(&i.value)) {
        // Past 2^53 an `f64` index is not the integer Terraform has.
        (Value::List(_), Some(n)) if n >= MAX_EXACT_INTEGER => Sv::unknown(span),
        (Value::List(items), Some(n)) if !items.is_empty() && n >= 0.0 => {
            items[(n as usize) % items.len()].clone()
        }
        _ => Sv::error(span),
    }
}

fn zipmap(args: Vec<Sv>) -> Value {
    let [keys, values] = args.as_slice() else {
        return Value::Error;
    };
    if any_unknown(&args) {
        return Value::Unknown(None);
    }
    let (Value::List(ks), Value::List(vs)) = (&keys.value, &values.value) else {
        return Value::Error;
    };
    if ks.len() != vs.len() {
        return Value::Error;
    }
    let mut out = Vec::with_capacity(ks.len());
    for (k, v) in ks.iter().zip(vs.iter()) {
        match to_text(&k.value).and_then(|t| t.as_str().map(str::to_string)) {
            Some(name) => out.push((name, (k.span, v.clone()))),
            None => return Value::Unknown(None),
        };
    }
    Value::object(out.into_iter().collect())
}

/// `range(limit)`, `range(start, limit)`, `range(start, limit, step)`: an error past 1,024
/// numbers, as in Terraform (<https://developer.hashicorp.com/terraform/language/functions/range>),
/// and unknown when a step does not change the `f64` (past 2^53, where Terraform's arbitrary
/// precision still tells the numbers apart).
fn range(args: &[Sv], span: Span) -> Value {
    if any_unknown(args) {
        return Value::Unknown(None);
    }
    let nums: Option<Vec<f64>> = args.iter().map(|a| number(&a.value)).collect();
    let (start, limit, step) = match nums.as_deref() {
        Some([l]) => (0.0, *l, 1.0),
        Some([s, l]) => (*s, *l, if s <= l { 1.0 } else { -1.0 }),
        Some([s, l, st]) => (*s, *l, *st),
        _ => return Value::Error,
    };
    if step == 0.0 {
        return Value::Error;
    }
    let mut out: Vec<Sv> = Vec::new();
    let mut x = start;
    while (step > 0.0 && x < limit) || (step < 0.0 && x > limit) {
        if out.len() == MAX_RANGE {
            return Value::Error;
        }
        out.push(Sv::new(Value::Number(x), span));
        let next = x + step;
        if next == x {
            return Value::Unknown(None);
        }
        x = next;
    }
    Value::list(out)
}

/// The most numbers `range` gives.
const MAX_RANGE: usize = 1024;

/// 2^53: from here on, not every integer is an `f64`.
const MAX_EXACT_INTEGER: f64 = 9_007_199_254_740_992.0;

/// A wholly known value as JSON.
fn json(v: &Sv) -> Option<serde_json::Value> {
    Some(match &v.value {
        Value::Null => serde_json::Value::Null,
        Value::Bool(b) => serde_json::Value::Bool(*b),
        Value::Number(n) => serde_json::from_str(&format_number(*n)).ok()?,
        Value::String(t) => serde_json::Value::String(t.as_str()?.to_string()),
        Value::List(items) => {
            serde_json::Value::Array(items.iter().map(json).collect::<Option<_>>()?)
        }
        Value::Object(m) => serde_json::Value::Object(
            m.iter()
                .map(|(k, (_, v))| Some((k.clone(), json(v)?)))
                .collect::<Option<_>>()?,
        ),
        Value::Unknown(_) | Value::Error => return None,
    })
}
