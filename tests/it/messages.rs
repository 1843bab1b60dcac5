//! What findings say: a Terraform address in a message or a help reads as Terraform writes it.

use crate::support::input;
use ekslint::engine::{LintOptions, lint};

/// An association of a `for_each` entry's principal, not ordered after it (EKS209): the
/// instance is named with its key in plain quotes, and `depends_on` names the whole resource,
/// as the finding's fix writes it.
#[test]
fn terraform_instance_addresses_keep_their_quotes() {
    let text = r#"
resource "aws_eks_access_entry" "this" {
  for_each      = { ci = "arn:aws:iam::111122223333:role/ci" }
  cluster_name  = "c"
  principal_arn = each.value
}

resource "aws_eks_access_policy_association" "ci" {
  cluster_name  = "c"
  principal_arn = "arn:aws:iam::111122223333:role/ci"
  policy_arn    = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy"
  access_scope {
    type = "cluster"
  }
}
"#;
    let report = lint(vec![input("main.tf", text, true)], &LintOptions::default());
    let found: Vec<(&str, Option<&str>)> = report
        .diagnostics
        .iter()
        .filter(|d| d.rule == "EKS209")
        .map(|d| (d.message.as_str(), d.help.as_deref()))
        .collect();
    assert_eq!(
        found,
        [(
            r#"this association is not ordered after `aws_eks_access_entry.this["ci"]`, so it may be created before the entry"#,
            Some(
                r#"use `principal_arn = aws_eks_access_entry.this["ci"].principal_arn` or add `depends_on = [aws_eks_access_entry.this]`"#
            )
        )]
    );
}
