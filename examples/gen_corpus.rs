//! Generates a synthetic Terraform corpus for benchmarks: `N` modules of one `.tf` file each,
//! about 100 lines per file, with a cluster, access entries, policy associations and a few
//! deliberate mistakes.
//!
//! ```sh
//! cargo run --release --example gen_corpus -- /tmp/corpus 1000
//! /usr/bin/time -v target/release/ekslint --format json -o /dev/null /tmp/corpus
//! ```

use std::fmt::Write as _;
use std::path::PathBuf;

fn module(i: usize) -> String {
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

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(out), count) = (args.next(), args.next()) else {
        eprintln!("usage: gen_corpus OUTDIR [FILES]");
        std::process::exit(2);
    };
    let count: usize = count.map_or(Ok(1000), |c| c.parse()).unwrap_or_else(|e| {
        eprintln!("FILES must be a number: {e}");
        std::process::exit(2);
    });
    let out = PathBuf::from(out);
    let mut lines = 0;
    for i in 0..count {
        let dir = out.join(format!("m{i:04}"));
        let text = module(i);
        lines += text.lines().count();
        if let Err(e) =
            std::fs::create_dir_all(&dir).and_then(|_| std::fs::write(dir.join("main.tf"), text))
        {
            eprintln!("{}: {e}", dir.display());
            std::process::exit(1);
        }
    }
    println!(
        "wrote {count} files, {lines} lines, under {}",
        out.display()
    );
}
