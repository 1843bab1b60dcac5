//! Built-in models of the registry modules through which most Terraform users create EKS access
//! entries, for when `terraform init` has not downloaded them (a pre-commit hook, a fresh CI
//! checkout).
//!
//! A model is a small Terraform module of our own, in `models/`, embedded in the binary and
//! evaluated like a local module: it creates the clusters, access entries and policy
//! associations the real module would create from the same inputs and defaults, and each of its
//! behaviours cites the line of the module's public source it mirrors. One entry of [`MODELS`]
//! covers one major version; adding a version is one entry and its files.
//!
//! A model may call `provider::ekslint::reported_at(value, arg)`: `value`, reported where `arg`
//! was passed when it has no place of its own (the module's hard-coded
//! `bootstrap_cluster_creator_admin_permissions = false` is a mistake only because of the
//! `authentication_mode` argument).

mod version;

use super::eval::{Evaluator, Loc, Scope};
use super::module::Module;
use super::syntax::{Block, Expr};
use super::value::{Placement, Sv, Value};
use crate::ir::UnknownField;
use crate::source::Span;
use hcl::edit::expr::FuncCall;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The directory the models' modules are evaluated in: a path that no directory on disk has.
const ROOT: &str = "\u{0}ekslint-models";

/// A built-in model of one major version of a registry module.
#[derive(Debug)]
pub struct ModelVersion {
    /// The registry address (`terraform-aws-modules/eks/aws`).
    pub address: &'static str,
    /// The major version the model covers.
    pub major: u64,
    /// The release whose public source the model was checked against.
    pub checked: &'static str,
    /// The model's files: their path in the module package (`modules/karpenter/main.tf`), and
    /// their text.
    files: &'static [(&'static str, &'static str)],
    /// The keys the module reads from its access inputs, by path from the input (`*` is every
    /// item of a map or list): a key the call gives that is not listed is dropped without a
    /// word.
    keys: &'static [(&'static str, &'static [&'static str])],
}

/// `access_entries` of terraform-aws-modules/eks: the keys of an item, of one of its policy
/// associations and of their access scope. v21 declares them as the input's object type
/// (<https://github.com/terraform-aws-modules/terraform-aws-eks/blob/v21.19.0/variables.tf#L219-L238>),
/// whose conversion drops any other key; v20 reads them with `try(...)` and `lookup(...)`
/// (<https://github.com/terraform-aws-modules/terraform-aws-eks/blob/v20.37.2/main.tf#L247-L288>),
/// so any other key is never read.
const TAM_EKS_KEYS: &[(&str, &[&str])] = &[
    (
        "access_entries.*",
        &[
            "principal_arn",
            "type",
            "kubernetes_groups",
            "user_name",
            "tags",
            "policy_associations",
        ],
    ),
    (
        "access_entries.*.policy_associations.*",
        &["policy_arn", "access_scope"],
    ),
    (
        "access_entries.*.policy_associations.*.access_scope",
        &["type", "namespaces"],
    ),
];

/// Every built-in model, newest major first within an address.
pub const MODELS: &[ModelVersion] = &[
    ModelVersion {
        address: "terraform-aws-modules/eks/aws",
        major: 21,
        checked: "21.19.0",
        files: &[
            (
                "main.tf",
                include_str!("models/terraform-aws-modules-eks-v21/main.hcl"),
            ),
            (
                "modules/karpenter/main.tf",
                include_str!("models/terraform-aws-modules-eks-v21/karpenter.hcl"),
            ),
            (
                "modules/self-managed-node-group/main.tf",
                include_str!("models/terraform-aws-modules-eks-v21/self-managed-node-group.hcl"),
            ),
        ],
        keys: TAM_EKS_KEYS,
    },
    ModelVersion {
        address: "terraform-aws-modules/eks/aws",
        major: 20,
        checked: "20.37.2",
        files: &[
            (
                "main.tf",
                include_str!("models/terraform-aws-modules-eks-v20/main.hcl"),
            ),
            (
                "modules/karpenter/main.tf",
                include_str!("models/terraform-aws-modules-eks-v20/karpenter.hcl"),
            ),
            (
                "modules/self-managed-node-group/main.tf",
                include_str!("models/terraform-aws-modules-eks-v20/self-managed-node-group.hcl"),
            ),
            (
                "modules/aws-auth/main.tf",
                include_str!("models/terraform-aws-modules-eks-v20/aws-auth.hcl"),
            ),
        ],
        keys: TAM_EKS_KEYS,
    },
    ModelVersion {
        address: "cloudposse/eks-cluster/aws",
        major: 4,
        checked: "4.11.0",
        files: &[(
            "main.tf",
            include_str!("models/cloudposse-eks-cluster-v4/main.hcl"),
        )],
        // The input types of
        // <https://github.com/cloudposse/terraform-aws-eks-cluster/blob/v4.11.0/variables.tf#L355-L466>;
        // `access_entries_for_nodes` is a map whose validation refuses keys other than these
        // two. `user_name` is accepted by the types but set on no resource.
        keys: &[
            (
                "access_config",
                &[
                    "authentication_mode",
                    "bootstrap_cluster_creator_admin_permissions",
                ],
            ),
            (
                "access_entry_map.*",
                &[
                    "user_name",
                    "kubernetes_groups",
                    "type",
                    "access_policy_associations",
                ],
            ),
            (
                "access_entry_map.*.access_policy_associations.*",
                &["access_scope"],
            ),
            (
                "access_entry_map.*.access_policy_associations.*.access_scope",
                &["type", "namespaces"],
            ),
            (
                "access_entries.*",
                &["principal_arn", "user_name", "kubernetes_groups"],
            ),
            (
                "access_policy_associations.*",
                &["principal_arn", "policy_arn", "access_scope"],
            ),
            (
                "access_policy_associations.*.access_scope",
                &["type", "namespaces"],
            ),
            ("access_entries_for_nodes", &["EC2_LINUX", "EC2_WINDOWS"]),
        ],
    },
];

/// What a module `source` that is not local resolves to without a downloaded copy.
#[derive(Debug)]
pub enum Resolved {
    /// A built-in model: the directory of the called module in it.
    Model {
        model: &'static ModelVersion,
        dir: PathBuf,
    },
    /// A modelled address, but no model for this call (why).
    NotModelled(String),
    /// An address without models.
    Unknown,
}

/// The model for a registry `source` and `version` constraint: the newest major version the
/// constraint allows. Only registry addresses are modelled, not git or other copies.
pub fn resolve(source: &str, version: Option<&str>) -> Resolved {
    let lower = source.to_ascii_lowercase();
    let address = lower
        .strip_prefix("registry.terraform.io/")
        .unwrap_or(&lower);
    let (package, subdir) = address.split_once("//").unwrap_or((address, ""));
    let subdir = subdir.trim_matches('/');
    let versions: Vec<&'static ModelVersion> =
        MODELS.iter().filter(|m| m.address == package).collect();
    if versions.is_empty() {
        return Resolved::Unknown;
    }
    let modelled = || {
        versions
            .iter()
            .map(|m| format!("{}.x (as of {})", m.major, m.checked))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let chosen = match version {
        None => versions.first().copied(),
        Some(c) => {
            let mut chosen = None;
            for m in &versions {
                match version::allows_major(c, m.major) {
                    Some(true) => {
                        chosen = Some(*m);
                        break;
                    }
                    Some(false) => {}
                    None => {
                        return Resolved::NotModelled(format!(
                            "its version constraint `{c}` cannot be read"
                        ));
                    }
                }
            }
            chosen
        }
    };
    let Some(model) = chosen else {
        return Resolved::NotModelled(format!(
            "ekslint models versions {} of `{package}`, which `version = \"{}\"` excludes",
            modelled(),
            version.unwrap_or_default()
        ));
    };
    let main = if subdir.is_empty() {
        "main.tf".to_string()
    } else {
        format!("{subdir}/main.tf")
    };
    if !model.files.iter().any(|(path, _)| *path == main) {
        return Resolved::NotModelled(format!(
            "ekslint has no model of the submodule `{subdir}` of `{package}`"
        ));
    }
    Resolved::Model {
        model,
        dir: model.dir().join(subdir),
    }
}

impl ModelVersion {
    /// The directory the model's root module is evaluated in.
    fn dir(&self) -> PathBuf {
        Path::new(ROOT)
            .join(self.address)
            .join(format!("v{}", self.major))
    }

    /// The model's files by module directory: each file's display name and text.
    pub fn modules(&self) -> BTreeMap<PathBuf, Vec<(String, &'static str)>> {
        let mut out: BTreeMap<PathBuf, Vec<(String, &'static str)>> = BTreeMap::new();
        for (path, text) in self.files {
            let path = Path::new(path);
            let dir = self.dir().join(path.parent().unwrap_or(Path::new("")));
            let display = format!(
                "<built-in model of {} v{}>/{}",
                self.address,
                self.major,
                path.display()
            );
            out.entry(dir).or_default().push((display, text));
        }
        out
    }
}

/// Whether a module directory is a built-in model's.
pub fn is_model(dir: &Path) -> bool {
    dir.starts_with(ROOT)
}

/// The literal `version` constraint of a module call.
pub fn call_version(block: &Block) -> Option<String> {
    match &block.body.attr("version")?.value {
        Expr::Literal(sv) => sv.as_str().map(str::to_string),
        Expr::Native {
            expr: hcl::edit::expr::Expression::String(s),
            ..
        } => Some(s.value().to_string()),
        _ => None,
    }
}

/// Whether a module input configures EKS access (`access_entries`, `authentication_mode`,
/// `access_entry_map`, `enable_cluster_creator_admin_permissions`, `aws_auth_roles`, ...).
pub fn is_access_input(name: &str) -> bool {
    [
        "access_entr",
        "access_polic",
        "access_config",
        "authentication_mode",
        "creator_admin",
        "aws_auth",
    ]
    .iter()
    .any(|p| name.contains(p))
}

/// The module's own functions, available to models only (anything else namespaced is
/// unknown, as provider functions are).
pub fn function(eval: &Evaluator, f: &FuncCall, loc: Loc, scope: &Scope, span: Span) -> Sv {
    let namespace: Vec<&str> = f.name.namespace.iter().map(|n| n.as_str()).collect();
    let args: Vec<_> = f.args.iter().collect();
    match (namespace.as_slice(), f.name.name.as_str(), args.as_slice()) {
        (["provider", "ekslint"], "reported_at", [value, at]) if is_model(&eval.module.dir) => {
            let mut v = eval.native(value, loc, scope);
            let at = eval.native(at, loc, scope);
            v.anchor_missing(at.anchor);
            v
        }
        _ => Sv::unknown(span),
    }
}

/// The keys of a call's access inputs that the model's module drops: where the call writes
/// them (the key, in a root module; else the argument that passed it).
pub fn dropped(
    model: &ModelVersion,
    args: &BTreeMap<String, Sv>,
    place: &Placement,
) -> Vec<UnknownField> {
    let mut out = Vec::new();
    for (path, expected) in model.keys {
        let mut segments = path.split('.');
        let Some(input) = segments.next().and_then(|name| args.get(name)) else {
            continue;
        };
        let mut found = vec![input];
        for segment in segments {
            found = found
                .into_iter()
                .flat_map(|v| -> Vec<&Sv> {
                    match (&v.value, segment) {
                        (Value::Object(map), "*") => map.values().map(|(_, v)| v).collect(),
                        (Value::List(items), "*") => items.iter().collect(),
                        (Value::Object(map), key) => {
                            map.get(key).map(|(_, v)| v).into_iter().collect()
                        }
                        _ => Vec::new(),
                    }
                })
                .collect();
        }
        for value in found {
            let Value::Object(map) = &value.value else {
                continue;
            };
            for (key, (key_span, v)) in map {
                if expected.contains(&key.as_str()) {
                    continue;
                }
                let span = match place {
                    Placement::Root => *key_span,
                    Placement::Module { header, .. } => {
                        v.anchor.or(value.anchor).unwrap_or(*header)
                    }
                };
                out.push(UnknownField {
                    name: key.clone(),
                    span,
                    expected,
                    literal: None,
                    siblings: map.keys().filter(|k| *k != key).cloned().collect(),
                });
            }
        }
    }
    out
}

/// The literal `source` of a call, when it is not a local path.
pub fn remote_source(block: &Block) -> Option<String> {
    Module::call_source(block).filter(|s| !s.starts_with("./") && !s.starts_with("../"))
}

#[cfg(test)]
mod tests;
