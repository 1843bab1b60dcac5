//! CloudFormation templates built from fuzzer bytes: parameters whose defaults are intrinsic
//! functions (so references between them make chains and cycles), mappings, conditions that
//! refer to each other, and EKS clusters and access entries whose properties are nested
//! intrinsics (`Ref`, `Fn::Sub`, `Fn::Join`, `Fn::If`, `Fn::FindInMap`, `Fn::Select`,
//! `Fn::Split`, `Fn::GetAtt`, and functions the linter does not evaluate), some malformed.
//! Rendered as YAML with short-form tags (`!Ref`), YAML with long forms (`Fn::Join:`), or JSON.

use crate::words::{self, word};
use arbitrary::{Result, Unstructured};

/// Nesting of generated intrinsic functions.
const MAX_DEPTH: u32 = 6;

/// A value before it is rendered.
#[derive(Debug)]
pub enum V {
    /// A string, rendered quoted.
    Str(String),
    /// A scalar written as is (numbers, booleans, null).
    Plain(&'static str),
    Seq(Vec<V>),
    Map(Vec<(String, V)>),
    /// An intrinsic function (`Ref`, `Fn::Join`, `Condition`) applied to its argument.
    Fn(String, Box<V>),
}

/// How a template is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// YAML, intrinsics as tags (`!Ref x`).
    Short,
    /// YAML, intrinsics as one-key mappings (`{Fn::Join: [...]}`).
    Long,
    Json,
}

/// A generated template, and parameter values given to the run (`--parameter K=V`).
#[derive(Debug)]
pub struct Template {
    pub text: String,
    pub style: Style,
    pub given: Vec<(String, String)>,
}

/// Sizes of the template's sections, and how it is written.
struct Gen {
    params: usize,
    mappings: usize,
    conditions: usize,
    resources: usize,
}

/// Builds a template.
pub fn template(u: &mut Unstructured) -> Result<Template> {
    let style = *u.choose(&[Style::Short, Style::Short, Style::Long, Style::Json])?;
    let g = Gen {
        params: u.int_in_range(0..=8)?,
        mappings: u.int_in_range(0..=2)?,
        conditions: u.int_in_range(0..=4)?,
        resources: u.int_in_range(1..=6)?,
    };
    let mut sections: Vec<(String, V)> = Vec::new();
    if u.ratio(3, 4)? {
        sections.push((
            "AWSTemplateFormatVersion".into(),
            V::Str("2010-09-09".into()),
        ));
    }
    if u.ratio(1, 16)? {
        sections.push((
            "Transform".into(),
            V::Str("AWS::Serverless-2016-10-31".into()),
        ));
    }
    let mut params = Vec::new();
    for i in 0..g.params {
        params.push((format!("P{i}"), g.parameter(u)?));
    }
    sections.push(("Parameters".into(), V::Map(params)));
    let mut mappings = Vec::new();
    for i in 0..g.mappings {
        mappings.push((format!("M{i}"), g.mapping(u)?));
    }
    sections.push(("Mappings".into(), V::Map(mappings)));
    let mut conditions = Vec::new();
    for i in 0..g.conditions {
        conditions.push((format!("C{i}"), g.condition(u, 0)?));
    }
    sections.push(("Conditions".into(), V::Map(conditions)));
    let mut resources = Vec::new();
    for i in 0..g.resources {
        resources.push((format!("R{i}"), g.resource(u)?));
    }
    sections.push(("Resources".into(), V::Map(resources)));
    let mut given = Vec::new();
    while given.len() < 3 && u.ratio(1, 4)? {
        given.push((g.param_name(u)?, word(u)?));
    }
    let comments = style != Style::Json && u.ratio(1, 4)?;
    let text = match style {
        Style::Json => {
            let mut out = String::new();
            flow(&V::Map(sections), style, &mut out);
            out
        }
        _ => block_sections(u, &sections, style, comments)?,
    };
    Ok(Template { text, style, given })
}

impl Gen {
    fn parameter(&self, u: &mut Unstructured) -> Result<V> {
        let ty = u.choose(&[
            "String",
            "String",
            "CommaDelimitedList",
            "Number",
            "List<Number>",
            "AWS::SSM::Parameter::Value<String>",
            "Strin",
        ])?;
        let mut p = vec![("Type".to_string(), V::Str(ty.to_string()))];
        if u.ratio(7, 8)? {
            // Real defaults are literals; a default that is an intrinsic is what makes chains.
            let default = if u.ratio(1, 2)? {
                self.leaf(u)?
            } else {
                self.expr(u, 0)?
            };
            p.push(("Default".into(), default));
        }
        if u.ratio(1, 8)? {
            p.push((
                "AllowedValues".into(),
                V::Seq(vec![self.leaf(u)?, self.leaf(u)?]),
            ));
        }
        Ok(V::Map(p))
    }

    fn mapping(&self, u: &mut Unstructured) -> Result<V> {
        let keys = ["dev", "prod", "us-east-1", "Namespaces", "Arn", "Name"];
        let mut top = Vec::new();
        for _ in 0..u.int_in_range(1..=3)? {
            let mut second = Vec::new();
            for _ in 0..u.int_in_range(1..=3)? {
                let value = if u.ratio(1, 4)? {
                    self.expr(u, 2)?
                } else if u.ratio(1, 2)? {
                    V::Seq(vec![V::Str(word(u)?), V::Str(word(u)?)])
                } else {
                    V::Str(word(u)?)
                };
                second.push((u.choose(&keys)?.to_string(), value));
            }
            top.push((u.choose(&keys)?.to_string(), V::Map(unique(second))));
        }
        Ok(V::Map(unique(top)))
    }

    fn condition(&self, u: &mut Unstructured, depth: u32) -> Result<V> {
        let f = |name: &str, arg: V| V::Fn(name.into(), Box::new(arg));
        Ok(
            match u.int_in_range(0u8..=if depth >= 3 { 1 } else { 4 })? {
                0 => f(
                    "Fn::Equals",
                    V::Seq(vec![self.expr(u, 3)?, self.expr(u, 3)?]),
                ),
                1 => f("Condition", V::Str(self.condition_name(u)?)),
                2 => f("Fn::Not", V::Seq(vec![self.condition(u, depth + 1)?])),
                op => {
                    let mut items = Vec::new();
                    for _ in 0..u.int_in_range(0..=3)? {
                        items.push(self.condition(u, depth + 1)?);
                    }
                    f(if op == 3 { "Fn::And" } else { "Fn::Or" }, V::Seq(items))
                }
            },
        )
    }

    fn resource(&self, u: &mut Unstructured) -> Result<V> {
        let ty = *u.choose(&[
            "AWS::EKS::Cluster",
            "AWS::EKS::AccessEntry",
            "AWS::EKS::AccessEntry",
            "AWS::EKS::AccessEntry",
            "AWS::IAM::Role",
            "AWS::EKS::Nodegroup",
        ])?;
        let mut r = vec![("Type".to_string(), V::Str(ty.into()))];
        if self.conditions > 0 && u.ratio(1, 4)? {
            r.push(("Condition".into(), V::Str(self.condition_name(u)?)));
        }
        if u.ratio(1, 8)? {
            r.push(("DependsOn".into(), V::Str(self.resource_name(u)?)));
        }
        if u.ratio(1, 8)? {
            let rules = V::Seq(vec![V::Str(
                u.choose(&["EKS105", "EKS101", "EKS9", "EKS401"])?
                    .to_string(),
            )]);
            let ignore = V::Map(vec![("ignore".into(), rules)]);
            r.push(("Metadata".into(), V::Map(vec![("ekslint".into(), ignore)])));
        }
        let properties = if u.ratio(1, 16)? {
            self.expr(u, 0)?
        } else if ty == "AWS::EKS::Cluster" {
            self.cluster(u)?
        } else {
            self.entry(u)?
        };
        if u.ratio(15, 16)? {
            r.push(("Properties".into(), properties));
        }
        Ok(V::Map(r))
    }

    fn cluster(&self, u: &mut Unstructured) -> Result<V> {
        let mut p = Vec::new();
        self.maybe(u, &mut p, "Name")?;
        self.maybe(u, &mut p, "RoleArn")?;
        if u.ratio(3, 4)? {
            let mut access = Vec::new();
            self.maybe(u, &mut access, "AuthenticationMode")?;
            self.maybe(u, &mut access, "BootstrapClusterCreatorAdminPermissions")?;
            if u.ratio(1, 8)? {
                access.push(("AuthMode".into(), self.leaf(u)?));
            }
            p.push(("AccessConfig".into(), V::Map(access)));
        }
        if u.ratio(1, 4)? {
            p.push((
                "ComputeConfig".into(),
                V::Map(vec![("Enabled".into(), self.value(u)?)]),
            ));
        }
        if u.ratio(1, 8)? {
            p.push(("RemoteNetworkConfig".into(), V::Map(vec![])));
        }
        Ok(V::Map(p))
    }

    fn entry(&self, u: &mut Unstructured) -> Result<V> {
        let mut p = Vec::new();
        if u.ratio(7, 8)? {
            let cluster = if u.ratio(1, 2)? {
                V::Fn("Ref".into(), Box::new(V::Str(self.resource_name(u)?)))
            } else {
                self.value(u)?
            };
            p.push(("ClusterName".into(), cluster));
        }
        for key in ["PrincipalArn", "Type", "Username"] {
            self.maybe(u, &mut p, key)?;
        }
        if u.ratio(1, 2)? {
            p.push(("KubernetesGroups".into(), self.list(u)?));
        }
        if u.ratio(1, 2)? {
            let mut policies = Vec::new();
            let n = if u.ratio(1, 16)? {
                21
            } else {
                u.int_in_range(0..=3)?
            };
            for _ in 0..n {
                let mut policy = Vec::new();
                self.maybe(u, &mut policy, "PolicyArn")?;
                if u.ratio(3, 4)? {
                    let mut scope = Vec::new();
                    self.maybe(u, &mut scope, "Type")?;
                    if u.ratio(1, 2)? {
                        scope.push(("Namespaces".into(), self.list(u)?));
                    }
                    policy.push(("AccessScope".into(), V::Map(scope)));
                }
                policies.push(if u.ratio(1, 16)? {
                    self.expr(u, 1)?
                } else {
                    V::Map(policy)
                });
            }
            p.push(("AccessPolicies".into(), V::Seq(policies)));
        }
        if u.ratio(1, 8)? {
            let tag = V::Map(vec![
                ("Key".into(), self.value(u)?),
                ("Value".into(), self.value(u)?),
            ]);
            p.push(("Tags".into(), V::Seq(vec![tag])));
        }
        if u.ratio(1, 16)? {
            p.push((words::short_text(u)?, self.value(u)?));
        }
        Ok(V::Map(p))
    }

    /// Adds `key` with a value, most of the time.
    fn maybe(&self, u: &mut Unstructured, to: &mut Vec<(String, V)>, key: &str) -> Result<()> {
        if u.ratio(7, 8)? {
            to.push((key.to_string(), self.value(u)?));
        }
        Ok(())
    }

    /// A property value: mostly a word, often an intrinsic.
    fn value(&self, u: &mut Unstructured) -> Result<V> {
        if u.ratio(1, 2)? {
            self.leaf(u)
        } else {
            self.expr(u, 1)
        }
    }

    /// A list property: a list of values, or one intrinsic.
    fn list(&self, u: &mut Unstructured) -> Result<V> {
        if u.ratio(1, 4)? {
            return self.expr(u, 1);
        }
        let mut items = Vec::new();
        for _ in 0..u.int_in_range(0..=3)? {
            items.push(self.value(u)?);
        }
        Ok(V::Seq(items))
    }

    fn leaf(&self, u: &mut Unstructured) -> Result<V> {
        Ok(if u.ratio(1, 8)? {
            V::Plain(u.choose(&[
                "1",
                "-0",
                "1e400",
                "true",
                "false",
                "null",
                "12345678901234567890",
            ])?)
        } else {
            V::Str(word(u)?)
        })
    }

    /// An expression: an intrinsic function of expressions, nested at most [`MAX_DEPTH`].
    fn expr(&self, u: &mut Unstructured, depth: u32) -> Result<V> {
        if depth >= MAX_DEPTH || u.ratio(1, 4)? {
            return self.leaf(u);
        }
        let d = depth + 1;
        let f = |name: &str, arg: V| V::Fn(name.into(), Box::new(arg));
        Ok(match u.int_in_range(0u8..=13)? {
            0 | 1 => f("Ref", V::Str(self.ref_target(u)?)),
            2 => f("Fn::Sub", self.sub(u, d)?),
            3 => {
                let items = if u.ratio(1, 4)? {
                    self.expr(u, d)?
                } else {
                    self.exprs(u, d)?
                };
                f(
                    "Fn::Join",
                    V::Seq(vec![
                        V::Str(u.choose(&["", ",", ":", "-"])?.to_string()),
                        items,
                    ]),
                )
            }
            4 => {
                let index = if u.ratio(1, 4)? {
                    self.expr(u, d)?
                } else {
                    V::Plain(u.choose(&[
                        "0",
                        "1",
                        "2",
                        "-1",
                        "\"0\"",
                        "1.5",
                        "99999999999999999999",
                    ])?)
                };
                f("Fn::Select", V::Seq(vec![index, self.exprs(u, d)?]))
            }
            5 => f(
                "Fn::Split",
                V::Seq(vec![
                    V::Str(u.choose(&[",", ":", "", "/"])?.to_string()),
                    self.expr(u, d)?,
                ]),
            ),
            6 => {
                let mut args = vec![
                    if u.ratio(3, 4)? {
                        V::Str(self.mapping_name(u)?)
                    } else {
                        self.expr(u, d)?
                    },
                    self.expr(u, d)?,
                    self.expr(u, d)?,
                ];
                if u.ratio(1, 8)? {
                    args.push(V::Map(vec![("DefaultValue".into(), self.expr(u, d)?)]));
                }
                f("Fn::FindInMap", V::Seq(args))
            }
            7 => f(
                "Fn::If",
                V::Seq(vec![
                    V::Str(self.condition_name(u)?),
                    self.expr(u, d)?,
                    self.expr(u, d)?,
                ]),
            ),
            8 => {
                let target = self.resource_name(u)?;
                let attribute = u.choose(&["Arn", "Name", "Endpoint", "x.y"])?;
                f(
                    "Fn::GetAtt",
                    V::Seq(vec![V::Str(target), V::Str(attribute.to_string())]),
                )
            }
            9 => {
                let name = u.choose(&[
                    "Fn::ImportValue",
                    "Fn::Base64",
                    "Fn::GetAZs",
                    "Fn::Length",
                    "Fn::ToJsonString",
                    "Fn::Cidr",
                    "Fn::Bogus",
                ])?;
                f(name, self.expr(u, d)?)
            }
            10 => self.exprs(u, d)?,
            11 => V::Map(vec![(words::name(u)?.to_string(), self.expr(u, d)?)]),
            12 => {
                // A known function with the wrong shape of argument.
                let name = u.choose(&[
                    "Ref",
                    "Fn::Sub",
                    "Fn::Join",
                    "Fn::Select",
                    "Fn::Split",
                    "Fn::FindInMap",
                    "Fn::If",
                    "Condition",
                ])?;
                f(
                    name,
                    if u.ratio(1, 2)? {
                        self.leaf(u)?
                    } else {
                        self.exprs(u, d)?
                    },
                )
            }
            _ => f("Condition", V::Str(self.condition_name(u)?)),
        })
    }

    fn exprs(&self, u: &mut Unstructured, depth: u32) -> Result<V> {
        let mut items = Vec::new();
        for _ in 0..u.int_in_range(0..=3)? {
            items.push(self.expr(u, depth)?);
        }
        Ok(V::Seq(items))
    }

    /// `Fn::Sub`'s argument: a template string, or a string and variables.
    fn sub(&self, u: &mut Unstructured, depth: u32) -> Result<V> {
        let mut text = String::new();
        for _ in 0..u.int_in_range(0..=4)? {
            match u.int_in_range(0u8..=6)? {
                0 | 1 => text.push_str(&word(u)?),
                2 => text.push_str(&format!("${{{}}}", self.ref_target(u)?)),
                3 => text.push_str(&format!("${{{}.Arn}}", self.resource_name(u)?)),
                4 => text.push_str(&format!("${{{}}}", words::name(u)?)),
                5 => text.push_str("${!Literal}"),
                _ => text.push_str(u.choose(&["${", "}", "$", "${ P0 }"])?),
            }
        }
        if u.ratio(1, 2)? {
            return Ok(V::Str(text));
        }
        let mut vars = Vec::new();
        for _ in 0..u.int_in_range(0..=2)? {
            vars.push((words::name(u)?.to_string(), self.expr(u, depth)?));
        }
        Ok(V::Seq(vec![V::Str(text), V::Map(vars)]))
    }

    fn param_name(&self, u: &mut Unstructured) -> Result<String> {
        name(u, "P", self.params)
    }

    fn mapping_name(&self, u: &mut Unstructured) -> Result<String> {
        name(u, "M", self.mappings)
    }

    fn condition_name(&self, u: &mut Unstructured) -> Result<String> {
        name(u, "C", self.conditions)
    }

    fn resource_name(&self, u: &mut Unstructured) -> Result<String> {
        name(u, "R", self.resources)
    }

    /// What `Ref` names: a parameter, a resource, a pseudo-parameter, or nothing.
    fn ref_target(&self, u: &mut Unstructured) -> Result<String> {
        Ok(match u.int_in_range(0u8..=7)? {
            0 => self.resource_name(u)?,
            1 => u
                .choose(&[
                    "AWS::Region",
                    "AWS::AccountId",
                    "AWS::Partition",
                    "AWS::NoValue",
                    "AWS::StackName",
                    "AWS::URLSuffix",
                ])?
                .to_string(),
            _ => self.param_name(u)?,
        })
    }
}

/// The entries with the first of each key (a duplicate key is a parse error).
fn unique(mut entries: Vec<(String, V)>) -> Vec<(String, V)> {
    let mut seen = std::collections::HashSet::new();
    entries.retain(|(k, _)| seen.insert(k.clone()));
    entries
}

/// `{prefix}{i}` for one of `count` names, or (sometimes) one that is not defined.
fn name(u: &mut Unstructured, prefix: &str, count: usize) -> Result<String> {
    Ok(format!("{prefix}{}", u.int_in_range(0..=count)?))
}

/// The top of a YAML template in block style (sections, their entries, resources' keys and
/// properties), with values in flow style; `ekslint:ignore` comments here and there.
fn block_sections(
    u: &mut Unstructured,
    sections: &[(String, V)],
    style: Style,
    comments: bool,
) -> Result<String> {
    let mut out = String::new();
    for (key, value) in sections {
        match value {
            V::Map(entries) if !entries.is_empty() => {
                out.push_str(&format!("{key}:\n"));
                for (name, v) in entries {
                    if comments && u.ratio(1, 4)? {
                        out.push_str(&format!(
                            "  # ekslint:ignore {} -- {}\n",
                            u.choose(&["EKS105", "EKS101", "EKS999", "all"])?,
                            words::short_text(u)?.replace(['\n', '\r'], " ")
                        ));
                    }
                    block_entry(name, v, 2, style, &mut out);
                }
            }
            _ => {
                out.push_str(&format!("{key}: "));
                flow(value, style, &mut out);
                out.push('\n');
            }
        }
    }
    Ok(out)
}

/// `name:` then a mapping in block style two levels deep, or the value in flow style.
fn block_entry(name: &str, value: &V, indent: usize, style: Style, out: &mut String) {
    let pad = " ".repeat(indent);
    out.push_str(&format!("{pad}{}:", quoted(name)));
    match value {
        V::Map(entries) if !entries.is_empty() && indent <= 4 => {
            out.push('\n');
            for (k, v) in entries {
                block_entry(k, v, indent + 2, style, out);
            }
        }
        _ => {
            out.push(' ');
            flow(value, style, out);
            out.push('\n');
        }
    }
}

/// A value in flow style (YAML or JSON).
pub fn flow(value: &V, style: Style, out: &mut String) {
    match value {
        V::Str(s) => out.push_str(&quoted(s)),
        V::Plain(p) => out.push_str(p),
        V::Seq(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                flow(item, style, out);
            }
            out.push(']');
        }
        V::Map(entries) => {
            out.push('{');
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&quoted(k));
                out.push_str(": ");
                flow(v, style, out);
            }
            out.push('}');
        }
        V::Fn(name, arg) if style == Style::Short => {
            // `!GetAtt R.Attr` is the short form's own way to write `Fn::GetAtt`.
            let tag = name.strip_prefix("Fn::").unwrap_or(name);
            out.push_str(&format!("!{tag} "));
            match (tag, &**arg) {
                ("GetAtt", V::Seq(items)) => match items.as_slice() {
                    [V::Str(r), V::Str(a)] => out.push_str(&quoted(&format!("{r}.{a}"))),
                    _ => flow(arg, style, out),
                },
                _ => flow(arg, style, out),
            }
        }
        V::Fn(name, arg) => {
            out.push('{');
            out.push_str(&quoted(name));
            out.push_str(": ");
            flow(arg, style, out);
            out.push('}');
        }
    }
}

/// A double-quoted string, escaped as JSON (which YAML reads the same).
fn quoted(s: &str) -> String {
    serde_json::to_string(s).expect("a string serializes")
}
