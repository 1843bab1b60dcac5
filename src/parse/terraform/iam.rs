//! IAM roles and users whose ARN is known in part before apply.
//!
//! `aws_iam_role.X.arn` is `arn:<partition>:iam::<account>:role<path><name>`: the partition and
//! the account are not known from the files, but the path (`/` by default) and the name are
//! written in the configuration, and they tell the principal's kind and name. The parts that are
//! not known are named (the partition and account of the root module; a generated name by the
//! resource's address), so the same ARN read twice is the same value.

use super::eval::{Evaluator, Scope};
use super::fields::Fields;
use super::syntax::Block;
use super::value::{Reference, Sv, Value};
use crate::ir::{Part, Text};

/// The resources and data sources whose attributes are known in part.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Role,
    User,
    ServiceLinkedRole,
    DataRole,
    DataUser,
}

/// The kind of a resource type.
pub fn resource_kind(ty: &str) -> Option<Kind> {
    match ty {
        "aws_iam_role" => Some(Kind::Role),
        "aws_iam_user" => Some(Kind::User),
        "aws_iam_service_linked_role" => Some(Kind::ServiceLinkedRole),
        _ => None,
    }
}

/// The kind of a data source type.
pub fn data_kind(ty: &str) -> Option<Kind> {
    match ty {
        "aws_iam_role" => Some(Kind::DataRole),
        "aws_iam_user" => Some(Kind::DataUser),
        _ => None,
    }
}

impl Kind {
    /// The resource or data source type.
    pub fn block_type(self) -> &'static str {
        match self {
            Kind::Role | Kind::DataRole => "aws_iam_role",
            Kind::User | Kind::DataUser => "aws_iam_user",
            Kind::ServiceLinkedRole => "aws_iam_service_linked_role",
        }
    }

    pub fn is_data(self) -> bool {
        matches!(self, Kind::DataRole | Kind::DataUser)
    }

    /// The address of a block of this kind (`aws_iam_role.ci`, `data.aws_iam_user.ops`).
    pub fn address(self, name: &str) -> String {
        let prefix = if self.is_data() { "data." } else { "" };
        [prefix, self.block_type(), ".", name].concat()
    }
}

/// The attributes of one instance that are known in part (`arn`, and the name under the
/// schema's attribute names), as an object. `address` names the instance
/// (`aws_iam_role.ci["a"]`).
pub fn instance(eval: &Evaluator, kind: Kind, address: &str, block: &Block, scope: &Scope) -> Sv {
    let attr = |name: &str| {
        block
            .body
            .attr(name)
            .map(|a| eval.eval(&a.value, scope))
            .filter(|v| v.value != Value::Null)
    };
    let own = |what: &str| eval.reference([address, ".", what].concat());
    let (resource, name_attr, name, path) = match kind {
        Kind::Role | Kind::User => {
            let name = match (attr("name"), attr("name_prefix")) {
                (Some(name), _) => Some(name),
                // A name of the prefix and a suffix Terraform generates.
                (None, Some(prefix)) => {
                    let mut parts = named(&prefix, &own("name"));
                    parts.push(own("name").part());
                    let text = Text::from_parts(parts);
                    Some(Sv::new(Value::String(text), prefix.span).with_origins_of([&prefix]))
                }
                (None, None) => None,
            };
            let resource = if kind == Kind::Role { "role" } else { "user" };
            (resource, "name", name, attr("path"))
        }
        Kind::ServiceLinkedRole => {
            // The path is `/aws-service-role/<service>/`; the name is the service's.
            let service = attr("aws_service_name");
            let mut path = vec![Part::Lit("/aws-service-role/".into())];
            path.extend(service.as_ref().map_or_else(
                || vec![own("aws_service_name").part()],
                |s| named(s, &own("aws_service_name")),
            ));
            path.push(Part::Lit("/".into()));
            let path = Sv::new(Value::String(Text::from_parts(path)), block.header);
            ("role", "name", None, Some(path))
        }
        Kind::DataRole | Kind::DataUser => {
            // The path of a role or user read from AWS is not in the files.
            let path = Sv::new(Value::Unknown(None), block.header);
            let path = Sv {
                reference: Some(own("path")),
                ..path
            };
            let (resource, name_attr) = match kind {
                Kind::DataRole => ("role", "name"),
                _ => ("user", "user_name"),
            };
            (resource, name_attr, attr(name_attr), Some(path))
        }
    };
    let name = name.unwrap_or_else(|| {
        Sv::new(
            Value::String(Text::from_parts([own("name").part()])),
            block.header,
        )
    });
    let path_parts = match &path {
        None => vec![Part::Lit("/".into())],
        Some(p) => {
            let parts = named(p, &own("path"));
            match parts.first() {
                Some(Part::Lit(s)) if s.starts_with('/') => parts,
                _ => std::iter::once(Part::Lit("/".into()))
                    .chain(parts)
                    .collect(),
            }
        }
    };
    let shared = |what: &str| Part::Named {
        name: what.into(),
        scope: Some(eval.root.clone()),
    };
    let arn = Text::from_parts(
        [
            Part::Lit("arn:".into()),
            shared("partition"),
            Part::Lit(":iam::".into()),
            shared("account"),
            Part::Lit(format!(":{resource}")),
        ]
        .into_iter()
        .chain(path_parts)
        .chain(named(&name, &own("name"))),
    );
    let arn = Sv::new(Value::String(arn), name.span)
        .with_origins_of([Some(&name), path.as_ref()].into_iter().flatten());
    let mut attrs = Fields::from([("arn".to_string(), (block.header, arn))]);
    if kind != Kind::ServiceLinkedRole {
        attrs.insert(name_attr.to_string(), (block.header, name.clone()));
    }
    if matches!(kind, Kind::Role | Kind::User) {
        attrs.insert("id".to_string(), (block.header, name));
    }
    Sv::new(Value::object(attrs), block.header)
}

/// The parts of a value that is a string: the parts not known named as `fallback` unless the
/// value names them itself.
fn named(v: &Sv, fallback: &Reference) -> Vec<Part> {
    match &v.value {
        Value::String(t) => t
            .parts()
            .iter()
            .map(|p| match p {
                Part::Hole => fallback.part(),
                p => p.clone(),
            })
            .collect(),
        Value::Number(_) | Value::Bool(_) => {
            super::value::to_text(&v.value).map_or_else(Vec::new, |t| t.parts().to_vec())
        }
        _ => vec![v.reference.as_ref().unwrap_or(fallback).part()],
    }
}
