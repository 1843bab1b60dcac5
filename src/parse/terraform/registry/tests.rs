//! Tests of the built-in models: they parse, calls pick the right version, and each behaviour
//! they encode gives its finding at the call's argument.

use super::{MODELS, Resolved, resolve};
use crate::parse::terraform::TerraformInputs;
use crate::parse::terraform::module::{Module, SourceText};
use crate::parse::terraform::tests::{rules, run};
use crate::source::{FileId, SourceFile, SourceMap};

#[test]
fn every_model_parses() {
    for model in MODELS {
        for (dir, files) in model.modules() {
            let mut sources = SourceMap::default();
            let ids: Vec<FileId> = files
                .iter()
                .map(|(name, text)| sources.add(SourceFile::new(name.clone(), text.to_string())))
                .collect();
            let texts: Vec<SourceText> = ids
                .iter()
                .map(|&id| SourceText {
                    id,
                    text: &sources.get(id).text,
                    json: false,
                })
                .collect();
            let (module, errors) = Module::parse(dir.clone(), &texts, None);
            assert!(errors.is_empty(), "{}: {errors:?}", dir.display());
            assert!(module.blocks.len() > 1, "{}", dir.display());
        }
    }
}

/// The major version a call resolves to, or why it does not.
fn major(source: &str, version: Option<&str>) -> String {
    match resolve(source, version) {
        Resolved::Model { model, dir } => format!(
            "v{} {}",
            model.major,
            dir.strip_prefix(model.dir())
                .expect("inside the model")
                .display()
        )
        .trim_end()
        .to_string(),
        Resolved::NotModelled(why) => format!("not modelled: {why}"),
        Resolved::Unknown => "unknown".into(),
    }
}

#[test]
fn the_version_constraint_picks_the_model() {
    let eks = "terraform-aws-modules/eks/aws";
    assert_eq!(major(eks, Some("~> 20.0")), "v20");
    assert_eq!(major(eks, Some("20.24.0")), "v20");
    assert_eq!(major(eks, Some(">= 21")), "v21");
    assert_eq!(major(eks, None), "v21");
    assert_eq!(major(eks, Some(">= 20.0, < 22.0")), "v21");
    assert_eq!(
        major(eks, Some("~> 19.21")),
        "not modelled: ekslint models versions 21.x (as of 21.19.0), 20.x (as of 20.37.2) of \
         `terraform-aws-modules/eks/aws`, which `version = \"~> 19.21\"` excludes"
    );
    assert!(major(eks, Some("latest")).starts_with("not modelled: its version constraint"));
    assert_eq!(major("cloudposse/eks-cluster/aws", Some("4.11.0")), "v4");
}

#[test]
fn submodules_and_addresses_resolve() {
    assert_eq!(
        major(
            "terraform-aws-modules/eks/aws//modules/karpenter",
            Some("~> 20.0")
        ),
        "v20 modules/karpenter"
    );
    assert_eq!(
        major(
            "registry.terraform.io/terraform-aws-modules/eks/aws//modules/self-managed-node-group",
            None
        ),
        "v21 modules/self-managed-node-group"
    );
    assert_eq!(major("Terraform-AWS-Modules/EKS/AWS", None), "v21");
    assert!(
        major(
            "terraform-aws-modules/eks/aws//modules/eks-managed-node-group",
            None
        )
        .starts_with("not modelled: ekslint has no model of the submodule")
    );
    assert_eq!(
        major(
            "git::https://github.com/terraform-aws-modules/terraform-aws-eks.git?ref=v21.0.0",
            None
        ),
        "unknown"
    );
    assert_eq!(major("hashicorp/consul/aws", None), "unknown");
}

/// A root module calling the eks module at `version` with a bad name in both name inputs.
fn named(version: &str) -> Vec<String> {
    let main = format!(
        r#"module "eks" {{
  source  = "terraform-aws-modules/eks/aws"
  {version}
  cluster_name = "v20 name!"
  name         = "v21 name!"
}}
"#
    );
    rules(&run(&[("main.tf", &main)], TerraformInputs::default()))
        .into_iter()
        .map(str::to_string)
        .collect()
}

#[test]
fn v20_reads_cluster_name_and_v21_reads_name() {
    // Line 4 holds `cluster_name` (v20's input), line 5 `name` (v21's), both values at column 18.
    assert_eq!(named(r#"version = "~> 20.0""#), ["EKS131 main.tf:4:18"]);
    assert_eq!(named(r#"version = "20.24.0""#), ["EKS131 main.tf:4:18"]);
    assert_eq!(named(r#"version = ">= 21""#), ["EKS131 main.tf:5:18"]);
    assert_eq!(named(""), ["EKS131 main.tf:5:18"]);
}

#[test]
fn every_model_cites_the_release_it_was_checked_against() {
    for model in MODELS {
        for (path, text) in model.files {
            let cited: Vec<&str> = text
                .split("https://github.com/")
                .skip(1)
                .filter_map(|url| {
                    let parts: Vec<&str> = url.split_whitespace().next()?.split('/').collect();
                    matches!(parts.get(2), Some(&"blob" | &"tree")).then(|| parts[3])
                })
                .collect();
            assert!(!cited.is_empty(), "{path} cites no source");
            for tag in cited {
                assert_eq!(
                    tag.trim_start_matches('v'),
                    model.checked,
                    "{} v{} {path}",
                    model.address,
                    model.major
                );
            }
        }
    }
}

/// Lints one root module file (and others) with the default inputs.
fn lint(files: &[(&str, &str)]) -> Vec<String> {
    run(files, TerraformInputs::default())
}

#[test]
fn no_location_points_into_a_model() {
    let main = r#"module "eks" {
  source                                   = "terraform-aws-modules/eks/aws"
  name                                     = "prod"
  authentication_mode                      = "CONFIG_MAP"
  enable_cluster_creator_admin_permissions = true
  access_entries = {
    ops = {
      principal_arn = "arn:aws:iam::111122223333:role/ops"
      type          = "EC2_Linux"
    }
  }
}
"#;
    let out = lint(&[("main.tf", main)]);
    assert!(out.len() > 3, "{out:#?}");
    assert!(
        out.iter()
            .all(|l| l.contains("main.tf") && !l.contains("built-in")),
        "{out:#?}"
    );
}

#[test]
fn a_call_from_a_local_module_reports_at_the_root_call() {
    let root = r#"module "cluster" {
  source = "./cluster"
  entries = {
    ops = {
      principal_arn = "arn:aws:iam::111122223333:role/ops"
      username      = "ops"
    }
    broken = {
      type = "STANDARD"
    }
  }
}
"#;
    let cluster = r#"variable "entries" {
  type = any
}

module "eks" {
  source         = "terraform-aws-modules/eks/aws"
  version        = "~> 20.0"
  cluster_name   = "nested"
  access_entries = var.entries
}
"#;
    // The dropped key, at the value the root module gave it; the entry without a principal, at
    // its key in the root module's map.
    assert_eq!(
        rules(&lint(&[("main.tf", root), ("cluster/main.tf", cluster)])),
        ["EKS001 main.tf:6:23", "EKS002 main.tf:8:5"]
    );
}

#[test]
fn the_creator_is_the_identity_of_the_caller_only() {
    // The session context of another ARN is not the identity that runs Terraform.
    let main = r#"data "aws_iam_session_context" "other" {
  arn = var.other_arn
}

variable "other_arn" {
  type = string
}

module "eks" {
  source                                   = "terraform-aws-modules/eks/aws"
  name                                     = "prod"
  authentication_mode                      = "API"
  enable_cluster_creator_admin_permissions = true
  access_entries = {
    other = {
      principal_arn = data.aws_iam_session_context.other.issuer_arn
    }
  }
}
"#;
    // Only the creator's cluster-admin policy (at the flag), no duplicate principal.
    assert_eq!(rules(&lint(&[("main.tf", main)])), ["EKS401 main.tf:13:46"]);
}

#[test]
fn the_models_function_is_unknown_elsewhere() {
    let main = r#"resource "aws_eks_access_entry" "x" {
  cluster_name  = "prod"
  principal_arn = provider::ekslint::reported_at("not an arn", "x")
}
"#;
    assert!(lint(&[("main.tf", main)]).is_empty());
}
