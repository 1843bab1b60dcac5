//! A synthetic Terraform corpus for benchmarks: module `i` is one `.tf` file of about 100 lines
//! with a cluster, four access entries, four policy associations and a few deliberate mistakes.
//! Shared by `benches/lint.rs` and `examples/gen_corpus.rs` (kept in `support/`, which cargo does
//! not take for a benchmark of its own).

use std::fmt::Write as _;

/// The text of module `i`.
pub fn module(i: usize) -> String {
    let mut s = String::new();
    let cluster = format!("bench-{i:04}");
    writeln!(
        s,
        r#"resource "aws_eks_cluster" "main" {{
  name     = "{cluster}"
  role_arn = "arn:aws:iam::111122223333:role/eks-cluster"

  vpc_config {{
    subnet_ids = ["subnet-0a", "subnet-0b"]
  }}

  access_config {{
    authentication_mode                         = "API"
    bootstrap_cluster_creator_admin_permissions = false
  }}
}}
"#
    )
    .unwrap();
    for e in 0..4 {
        let kind = if (i + e).is_multiple_of(17) {
            "Standard"
        } else {
            "STANDARD"
        };
        let group = if (i + e).is_multiple_of(23) {
            "system:masters"
        } else {
            "developers"
        };
        let namespace = if (i + e).is_multiple_of(19) {
            "Team_A"
        } else {
            "team-a"
        };
        writeln!(
            s,
            r#"resource "aws_eks_access_entry" "team_{e}" {{
  cluster_name      = aws_eks_cluster.main.name
  principal_arn     = "arn:aws:iam::111122223333:role/team-{e}"
  type              = "{kind}"
  kubernetes_groups = ["{group}"]
  tags = {{
    team = "team-{e}"
  }}
}}

resource "aws_eks_access_policy_association" "team_{e}" {{
  cluster_name  = aws_eks_cluster.main.name
  principal_arn = aws_eks_access_entry.team_{e}.principal_arn
  policy_arn    = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy"

  access_scope {{
    type       = "namespace"
    namespaces = ["{namespace}", "shared"]
  }}
}}
"#
        )
        .unwrap();
    }
    s
}

/// Writes `count` modules under `out` (`m0000/main.tf`, ...); returns the number of lines.
pub fn write(out: &std::path::Path, count: usize) -> std::io::Result<usize> {
    let mut lines = 0;
    for i in 0..count {
        let dir = out.join(format!("m{i:04}"));
        let text = module(i);
        lines += text.lines().count();
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join("main.tf"), text)?;
    }
    Ok(lines)
}
