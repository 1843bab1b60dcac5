//! What the deploying tool of a file refuses beyond the EKS API is data of its deployment unit,
//! not a format check in the rules: eksctl refuses namespaces in a cluster scope (EKS205 is an
//! error there), and Terraform's and eksctl's lists of entry types lack `HYPERPOD_LINUX`, which
//! CloudFormation passes to the API.

use crate::support::input;
use ekslint::diagnostic::Severity;
use ekslint::engine::{Input, LintOptions, lint};

/// The findings of one file: (rule, severity, message).
fn findings(name: &str, text: &str) -> Vec<(&'static str, Severity, String)> {
    let input = input(name, text, true);
    lint(vec![input], &LintOptions::default())
        .diagnostics
        .into_iter()
        .map(|d| (d.rule, d.severity, d.message))
        .collect()
}

const EKSCTL: &str = "\
apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata: {name: c}
accessConfig:
  authenticationMode: API
  bootstrapClusterCreatorAdminPermissions: false
  accessEntries:
    - principalARN: arn:aws:iam::111122223333:role/dev
      accessPolicies:
        - policyARN: arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy
          accessScope: {type: cluster, namespaces: [a]}
    - principalARN: arn:aws:iam::111122223333:role/nodes
      type: HYPERPOD_LINUX
";

const TERRAFORM: &str = r#"
resource "aws_eks_access_policy_association" "dev" {
  cluster_name  = "c"
  principal_arn = "arn:aws:iam::111122223333:role/dev"
  policy_arn    = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy"
  access_scope {
    type       = "cluster"
    namespaces = ["a"]
  }
}
resource "aws_eks_access_entry" "nodes" {
  cluster_name  = "c"
  principal_arn = "arn:aws:iam::111122223333:role/nodes"
  type          = "HYPERPOD_LINUX"
}
resource "aws_eks_access_policy_association" "nodes" {
  cluster_name  = "c"
  principal_arn = aws_eks_access_entry.nodes.principal_arn
  policy_arn    = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy"
  access_scope {
    type = "cluster"
  }
}
"#;

const CLOUDFORMATION: &str = "\
Resources:
  Nodes:
    Type: AWS::EKS::AccessEntry
    Properties:
      ClusterName: c
      PrincipalArn: arn:aws:iam::111122223333:role/nodes
      Type: HYPERPOD_LINUX
      AccessPolicies:
        - PolicyArn: arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy
          AccessScope: {Type: cluster, Namespaces: [a]}
";

#[test]
fn namespaces_in_a_cluster_scope_are_an_error_only_where_eksctl_deploys_them() {
    let severity = |found: &[(&str, Severity, String)]| {
        found
            .iter()
            .find(|f| f.0 == "EKS205")
            .map(|f| (f.1, f.2.contains("eksctl refuses")))
    };
    assert_eq!(
        severity(&findings("cluster.yaml", EKSCTL)),
        Some((Severity::Error, true))
    );
    assert_eq!(
        severity(&findings("main.tf", TERRAFORM)),
        Some((Severity::Warning, false))
    );
    assert_eq!(
        severity(&findings("template.yaml", CLOUDFORMATION)),
        Some((Severity::Warning, false))
    );
}

#[test]
fn hyperpod_linux_is_refused_by_the_tools_that_lack_it() {
    let hyperpod = |found: Vec<(&str, Severity, String)>| {
        found
            .into_iter()
            .filter(|f| f.0 == "EKS105")
            .map(|f| f.2)
            .collect::<Vec<_>>()
    };
    let eksctl = hyperpod(findings("cluster.yaml", EKSCTL));
    assert_eq!(eksctl.len(), 1);
    assert!(
        eksctl[0].contains("eksctl's list of types lacks it"),
        "{eksctl:?}"
    );
    let terraform = hyperpod(findings("main.tf", TERRAFORM));
    assert!(
        terraform[0].contains("the Terraform AWS provider's list of types lacks it"),
        "{terraform:?}"
    );
    // Where the type is accepted, a policy on the node type is EKS109; where it is refused, the
    // type-dependent rules do not pile up on it.
    assert!(hyperpod(findings("template.yaml", CLOUDFORMATION)).is_empty());
    let found = findings("template.yaml", CLOUDFORMATION);
    assert!(found.iter().any(|f| f.0 == "EKS109"), "{found:?}");
    let found = findings("main.tf", TERRAFORM);
    assert!(!found.iter().any(|f| f.0 == "EKS109"), "{found:?}");
}

/// Lints a Terraform root module written to a temporary directory, with its local modules.
fn lint_dir(files: &[(&str, &str)]) -> Vec<(&'static str, String, u32)> {
    let dir = tempfile::tempdir().expect("temporary directory");
    let mut inputs = Vec::new();
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
        std::fs::write(&path, text).expect("write");
        if !name.contains('/') {
            inputs.push(Input {
                display: name.to_string(),
                dir: dir.path().to_path_buf(),
                bytes: text.as_bytes().to_vec(),
                explicit: false,
                context: false,
                unreadable: None,
            });
        }
    }
    let options = LintOptions {
        terraform: ekslint::parse::terraform::TerraformInputs {
            boundary: ekslint::trust::Boundary::around(dir.path()),
            ..Default::default()
        },
        ..LintOptions::default()
    };
    let report = lint(inputs, &options);
    report
        .diagnostics
        .iter()
        .map(|d| {
            let file = report.sources.get(d.span.file);
            let line = file.position(d.span.start as usize).line as u32;
            (d.rule, file.path.clone(), line)
        })
        .collect()
}

#[test]
fn the_identity_that_runs_terraform_creates_the_cluster_in_every_module_of_the_root() {
    let main = r#"
data "aws_caller_identity" "current" {}
resource "aws_eks_cluster" "c" {
  name     = "c"
  role_arn = "arn:aws:iam::111122223333:role/eks"
  access_config {
    authentication_mode = "API"
  }
}
module "access" {
  source  = "./access"
  cluster = aws_eks_cluster.c.name
  admin   = data.aws_caller_identity.current.arn
}
"#;
    let module = r#"
variable "cluster" {}
variable "admin" {}
data "aws_caller_identity" "me" {}
data "aws_iam_session_context" "me" {
  arn = data.aws_caller_identity.me.arn
}
resource "aws_eks_access_entry" "creator" {
  cluster_name  = var.cluster
  principal_arn = data.aws_iam_session_context.me.issuer_arn
}
resource "aws_eks_access_entry" "admin" {
  cluster_name  = var.cluster
  principal_arn = var.admin
}
"#;
    let found = lint_dir(&[("main.tf", main), ("access/main.tf", module)]);
    let at = |rule: &str| {
        let mut lines: Vec<u32> = found
            .iter()
            .filter(|f| f.0 == rule && f.1 == "main.tf")
            .map(|f| f.2)
            .collect();
        lines.sort();
        lines
    };
    // The module's own session issuer (at the call) and the caller passed in (at the argument);
    // the caller is also EKS111.
    assert_eq!(at("EKS112"), [10, 13], "{found:?}");
    assert_eq!(at("EKS111"), [13], "{found:?}");
    // With the bootstrap permissions off, EKS creates no entry.
    let off = main.replace(
        "authentication_mode = \"API\"",
        "authentication_mode = \"API\"\n    bootstrap_cluster_creator_admin_permissions = false",
    );
    let found = lint_dir(&[("main.tf", &off), ("access/main.tf", module)]);
    assert!(!found.iter().any(|f| f.0 == "EKS112"), "{found:?}");
}
