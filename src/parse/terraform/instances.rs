//! `for_each` and `count`: the instances of a resource, module call or `dynamic` block, with
//! the names (`each`, `count`) bound in each.

use super::eval::{Binding, Evaluator, Scope};
use super::modules::Keys;
use super::syntax::Body;
use super::value::{Sv, Value, to_text};
use crate::ir::push_quoted;
use std::collections::BTreeMap;

use crate::limits::MAX_RESOURCE_INSTANCES as MAX_INSTANCES;

/// The key of one instance: a `for_each` key or a `count` index.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum InstanceKey {
    Key(String),
    Index(usize),
}

impl InstanceKey {
    /// As in a Terraform address: `["admin"]`, `[0]`.
    pub fn address(&self) -> String {
        match self {
            InstanceKey::Key(k) => key_address(k),
            InstanceKey::Index(i) => ["[", &i.to_string(), "]"].concat(),
        }
    }

    /// The key as a map key (`admin`, `0`).
    pub fn name(&self) -> String {
        match self {
            InstanceKey::Key(k) => k.clone(),
            InstanceKey::Index(i) => i.to_string(),
        }
    }
}

/// The address of a `for_each` key (`["admin"]`), as [`InstanceKey::address`] writes it.
pub fn key_address(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 4);
    out.push('[');
    push_quoted(&mut out, key);
    out.push(']');
    out
}

/// One instance: its key and the names bound in it.
#[derive(Clone, Debug)]
pub struct Instance {
    pub key: InstanceKey,
    pub bindings: Vec<Binding>,
}

/// The instances of a block.
#[derive(Debug)]
pub enum Expansion {
    /// No `for_each` or `count`: one instance without a key.
    Single,
    /// Known keys (`counted` for `count`, whose instances form a list).
    Known {
        instances: Vec<Instance>,
        counted: bool,
    },
    /// Keys that cannot be known: the bindings hold unknown values.
    Unknown(Vec<Binding>),
}

/// An instance's key (none for a single instance or unknown keys) with the names bound in it.
pub type Keyed = (Option<InstanceKey>, Vec<Binding>);

impl Expansion {
    /// How the instances are addressed, and each instance's key (none for a single instance
    /// or unknown keys) with its bindings: one instance of unknown bindings for unknown keys.
    pub fn into_instances(self) -> (Keys, Vec<Keyed>) {
        match self {
            Expansion::Single => (Keys::Single, vec![(None, Vec::new())]),
            Expansion::Known { instances, counted } => (
                if counted { Keys::Count } else { Keys::ForEach },
                instances
                    .into_iter()
                    .map(|i| (Some(i.key), i.bindings))
                    .collect(),
            ),
            Expansion::Unknown(bindings) => (Keys::Unknown, vec![(None, bindings)]),
        }
    }
}

/// The instances of a block with `for_each` or `count`, each binding `each` or `count`.
pub fn expand(eval: &Evaluator, body: &Body, scope: &Scope) -> Expansion {
    if let Some(attr) = body.attr("for_each") {
        let v = eval.eval(&attr.value, scope);
        return match items(&v) {
            Some(items) => Expansion::Known {
                instances: items
                    .into_iter()
                    .map(|(key, key_sv, value)| {
                        const FROM: &str = "from the `for_each` item `";
                        let mut origin = String::with_capacity(FROM.len() + key.len() + 3);
                        origin.push_str(FROM);
                        push_quoted(&mut origin, &key);
                        origin.push('`');
                        Instance {
                            bindings: vec![Binding {
                                name: "each".into(),
                                origin: Some(origin.into()),
                                value: pair(key_sv, value, v.span),
                            }],
                            key: InstanceKey::Key(key),
                        }
                    })
                    .collect(),
                counted: false,
            },
            None => Expansion::Unknown(vec![Binding {
                name: "each".into(),
                origin: None,
                value: pair(Sv::unknown(v.span), Sv::unknown(v.span), v.span),
            }]),
        };
    }
    if let Some(attr) = body.attr("count") {
        let v = eval.eval(&attr.value, scope);
        let count = match &v.value {
            Value::Number(n) if *n >= 0.0 && n.fract() == 0.0 && *n <= MAX_INSTANCES as f64 => {
                Some(*n as usize)
            }
            _ => None,
        };
        let index = |value: Value| Binding {
            name: "count".into(),
            origin: None,
            value: object([("index", Sv::new(value, v.span))], v.span),
        };
        return match count {
            Some(n) => Expansion::Known {
                instances: (0..n)
                    .map(|i| Instance {
                        key: InstanceKey::Index(i),
                        bindings: vec![index(Value::Number(i as f64))],
                    })
                    .collect(),
                counted: true,
            },
            None => Expansion::Unknown(vec![index(Value::Unknown(None))]),
        };
    }
    Expansion::Single
}

/// The keys and values of a known `for_each` collection: a map, or a set of strings.
pub fn items(v: &Sv) -> Option<Vec<(String, Sv, Sv)>> {
    match &v.value {
        Value::Object(map) if map.len() <= MAX_INSTANCES => Some(
            map.iter()
                .map(|(k, (ks, value))| (k.clone(), Sv::string(k.as_str(), *ks), value.clone()))
                .collect(),
        ),
        Value::List(list) if list.len() <= MAX_INSTANCES => {
            let mut out: BTreeMap<String, (Sv, Sv)> = BTreeMap::new();
            for item in list {
                let key = item.as_str()?.to_string();
                out.entry(key)
                    .or_insert_with(|| (item.clone(), item.clone()));
            }
            Some(out.into_iter().map(|(k, (ks, v))| (k, ks, v)).collect())
        }
        _ => None,
    }
}

/// `each`: an object with `key` and `value`.
fn pair(key: Sv, value: Sv, span: crate::source::Span) -> Sv {
    object([("key", key), ("value", value)], span)
}

fn object<const N: usize>(fields: [(&str, Sv); N], span: crate::source::Span) -> Sv {
    Sv::new(
        Value::object(
            fields
                .into_iter()
                .map(|(k, v)| (k.to_string(), (v.span, v)))
                .collect(),
        ),
        span,
    )
}

/// A key for an instance address from an index value (`"admin"`, `0`).
pub fn key_of(v: &Sv) -> Option<InstanceKey> {
    match &v.value {
        Value::Number(n) if *n >= 0.0 && n.fract() == 0.0 => Some(InstanceKey::Index(*n as usize)),
        value => Some(InstanceKey::Key(to_text(value)?.as_str()?.to_string())),
    }
}
