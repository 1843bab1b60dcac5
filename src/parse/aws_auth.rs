//! The aws-auth ConfigMap's `mapRoles`, `mapUsers` and `mapAccounts`, read the way the AWS IAM
//! Authenticator reads them: each value is YAML decoded into a list of Go structs through JSON,
//! so keys match their field case-insensitively (the last of several wins), unknown keys are
//! ignored, a value of the wrong type leaves its field empty, and each item that does not
//! validate is dropped on its own while the others stay.
//!
//! Front ends (a manifest, a Terraform resource) say what they read as a [`Shape`]; this module
//! turns it into [`ConfigMapMapping`]s.

use super::tree::{Node, NodeKind};
use crate::ir::{
    ClusterLink, ConfigMapMapping, MappingDefect, MappingKind, Related, Text, Unit, UnknownHint,
    Val,
};
use crate::source::Span;

/// The ConfigMap's data keys the authenticator reads (compared exactly), and what they map.
pub const DATA_KEYS: [(&str, MappingKind); 3] = [
    ("mapRoles", MappingKind::Role),
    ("mapUsers", MappingKind::User),
    ("mapAccounts", MappingKind::Account),
];

/// What one data value holds.
#[derive(Debug)]
pub enum Shape {
    /// A list.
    Items(Vec<Item>),
    /// Nothing to read (`null`, an empty string).
    Empty,
    /// Not known statically.
    Unknown,
    /// Not a list: the authenticator drops the whole value.
    Invalid {
        span: Span,
        origin: Vec<Related>,
        why: String,
    },
}

/// An item of the list.
#[derive(Debug)]
pub struct Item {
    pub span: Span,
    pub origin: Vec<Related>,
    pub value: ItemValue,
}

/// The content of an item.
#[derive(Debug)]
pub enum ItemValue {
    /// A mapping: its keys and values, in order.
    Mapping(Vec<(String, Field)>),
    /// Anything else (the account id of a `mapAccounts` item).
    Scalar(Field),
}

/// A value inside an item.
#[derive(Debug)]
pub enum Field {
    Text(Val<Text>),
    /// A list (of strings, for `groups`).
    List(Val<Vec<Val<Text>>>),
    /// A mapping (the `sso` matcher).
    Mapping(Span),
    /// `null`, or a value of another type: the field stays empty.
    Empty,
    /// Not known statically; the hint tells what it is the same as.
    Unknown(Span, Option<UnknownHint>),
}

/// Whether an ARN's known resource names an IAM user (`...:user/<name>`), which tools that
/// write the ConfigMap from one `arn` put in `mapUsers`.
pub fn is_user_arn(arn: &Text) -> bool {
    arn.split_known(b':')
        .last()
        .and_then(|r| r.as_deref().map(|r| r.starts_with("user/")))
        .unwrap_or(false)
}

/// Where the mappings of one ConfigMap go.
pub struct Target<'a> {
    pub unit: &'a Unit,
    pub cluster: &'a ClusterLink,
}

/// Adds the mappings of the data value of `kind` to `out`.
pub fn read(kind: MappingKind, shape: Shape, target: &Target, out: &mut Vec<ConfigMapMapping>) {
    let mapping = |span: Span, origin: Vec<Related>| ConfigMapMapping {
        unit: target.unit.clone(),
        cluster: target.cluster.clone(),
        span,
        origin,
        kind,
        arn: Val::Absent,
        username: Val::Absent,
        groups: Val::Absent,
        sso: None,
        defect: None,
    };
    let items = match shape {
        Shape::Items(items) => items,
        Shape::Empty | Shape::Unknown => return,
        Shape::Invalid { span, origin, why } => {
            // A list of account ids that is not a list has no rule of its own.
            if kind != MappingKind::Account {
                out.push(ConfigMapMapping {
                    defect: Some(MappingDefect::NotAList(why)),
                    ..mapping(span, origin)
                });
            }
            return;
        }
    };
    for item in items {
        let mut m = mapping(item.span, item.origin);
        match (kind, item.value) {
            (MappingKind::Account, ItemValue::Scalar(Field::Text(id))) => m.arn = id,
            (MappingKind::Account, ItemValue::Scalar(Field::Unknown(span, hint))) => {
                m.arn = Val::Unknown { span, hint }
            }
            (MappingKind::Account, _) => continue,
            (_, ItemValue::Scalar(Field::Unknown(..))) => continue,
            (_, ItemValue::Scalar(_)) => m.defect = Some(MappingDefect::NotAMapping),
            (kind, ItemValue::Mapping(fields)) => {
                let arn_key = if kind == MappingKind::User {
                    "userarn"
                } else {
                    "rolearn"
                };
                m.arn = text(field(&fields, arn_key));
                m.username = text(field(&fields, "username"));
                m.groups = match field(&fields, "groups") {
                    Some(Field::List(groups)) => groups.clone(),
                    Some(Field::Unknown(span, _)) => Val::unknown(*span),
                    _ => Val::Absent,
                };
                if kind == MappingKind::Role {
                    m.sso = match field(&fields, "sso") {
                        Some(Field::Mapping(span) | Field::Unknown(span, _)) => Some(*span),
                        _ => None,
                    };
                }
            }
        }
        out.push(m);
    }
}

/// The value of the struct field `name`: the last key that matches it ignoring case.
fn field<'f>(fields: &'f [(String, Field)], name: &str) -> Option<&'f Field> {
    fields
        .iter()
        .rev()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v)
}

/// A string field: another type leaves it empty.
fn text(field: Option<&Field>) -> Val<Text> {
    match field {
        Some(Field::Text(v)) => v.clone(),
        Some(Field::Unknown(span, hint)) => Val::Unknown {
            span: *span,
            hint: hint.clone(),
        },
        _ => Val::Absent,
    }
}

/// How a front end reads the nodes of YAML it parsed: where a span is reported, and what a
/// string scalar holds (a Terraform heredoc's scalar may hold interpolations).
pub trait NodeReader {
    fn locate(&self, span: Span) -> (Span, Vec<Related>);
    fn scalar(&self, node: &Node, text: &str) -> Val<Text>;
}

/// The shape of a parsed YAML value.
pub fn node_shape(node: &Node, reader: &dyn NodeReader) -> Shape {
    match &node.kind {
        NodeKind::Null => Shape::Empty,
        NodeKind::Seq(items) => Shape::Items(
            items
                .iter()
                .map(|item| {
                    let (span, origin) = reader.locate(item.span);
                    let value = match &item.kind {
                        NodeKind::Map(entries) => ItemValue::Mapping(
                            entries
                                .iter()
                                .map(|(k, v)| (k.name.clone(), node_field(v, reader)))
                                .collect(),
                        ),
                        // `mapAccounts` is decoded as YAML, which reads a number as a string.
                        NodeKind::Number(s) => {
                            ItemValue::Scalar(Field::Text(reader.scalar(item, s)))
                        }
                        _ => ItemValue::Scalar(node_field(item, reader)),
                    };
                    Item {
                        span,
                        origin,
                        value,
                    }
                })
                .collect(),
        ),
        _ => {
            let (span, origin) = reader.locate(node.span);
            Shape::Invalid {
                span,
                origin,
                why: "it is not a YAML list".into(),
            }
        }
    }
}

fn node_field(node: &Node, reader: &dyn NodeReader) -> Field {
    match &node.kind {
        NodeKind::String(s) => Field::Text(reader.scalar(node, s)),
        NodeKind::Seq(items) => {
            let (span, origin) = reader.locate(node.span);
            Field::List(Val::Known(crate::ir::Spanned {
                value: items
                    .iter()
                    .map(|i| match &i.kind {
                        NodeKind::String(s) => reader.scalar(i, s),
                        // JSON decoding leaves an element of another type empty.
                        _ => Val::Absent,
                    })
                    .collect(),
                span,
                origin,
                written: crate::ir::Written::default(),
            }))
        }
        NodeKind::Map(_) => Field::Mapping(reader.locate(node.span).0),
        // A number where a string belongs is a JSON type error: the field stays empty.
        NodeKind::Null | NodeKind::Bool(_) | NodeKind::Number(_) => Field::Empty,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::tree::parse_yaml;
    use crate::source::FileId;

    struct Plain;

    impl NodeReader for Plain {
        fn locate(&self, span: Span) -> (Span, Vec<Related>) {
            (span, Vec::new())
        }
        fn scalar(&self, node: &Node, text: &str) -> Val<Text> {
            Val::known(Text::lit(text), node.span)
        }
    }

    fn mappings(kind: MappingKind, yaml: &str) -> Vec<ConfigMapMapping> {
        let doc = parse_yaml(FileId(0), yaml).unwrap().remove(0);
        let unit = Unit::new("u");
        let cluster = ClusterLink::default();
        let mut out = Vec::new();
        read(
            kind,
            node_shape(&doc, &Plain),
            &Target {
                unit: &unit,
                cluster: &cluster,
            },
            &mut out,
        );
        out
    }

    fn arn(m: &ConfigMapMapping) -> Option<&str> {
        m.arn.str().map(|(s, _)| s)
    }

    #[test]
    fn keys_match_ignoring_case_and_the_last_wins() {
        let got = mappings(
            MappingKind::Role,
            "- RoleArn: a\n  ROLEARN: b\n  UserName: u\n  Groups: [g]\n  extra: x\n",
        );
        assert_eq!(got.len(), 1);
        assert_eq!(arn(&got[0]), Some("b"));
        assert_eq!(got[0].username.str().map(|(s, _)| s), Some("u"));
        assert!(matches!(&got[0].groups, Val::Known(g) if g.value.len() == 1));
    }

    #[test]
    fn wrong_types_leave_fields_empty_and_items_are_kept_one_by_one() {
        let got = mappings(
            MappingKind::Role,
            "- rolearn: 5\n  groups: system:masters\n- just a string\n- rolearn: ok\n",
        );
        assert_eq!(got.len(), 3);
        assert!(got[0].arn.is_absent() && got[0].groups.is_absent());
        assert_eq!(got[1].defect, Some(MappingDefect::NotAMapping));
        assert_eq!(arn(&got[2]), Some("ok"));
    }

    #[test]
    fn a_value_that_is_not_a_list_is_one_defect_and_sso_counts_as_a_role() {
        let got = mappings(MappingKind::User, "userarn: a\n");
        assert!(matches!(got[0].defect, Some(MappingDefect::NotAList(_))));
        let got = mappings(
            MappingKind::Role,
            "- sso: {permissionSetName: Admin, accountID: '111122223333'}\n  username: a\n",
        );
        assert!(got[0].sso.is_some() && got[0].arn.is_absent());
        let got = mappings(
            MappingKind::Account,
            "['111122223333', {a: b}, 444455556666]",
        );
        assert_eq!(got.len(), 2);
        assert_eq!(arn(&got[0]), Some("111122223333"));
        assert_eq!(arn(&got[1]), Some("444455556666"));
    }
}
