//! `cargo bench --bench hostile`: the paths that were quadratic (or worse) on large or hostile
//! inputs, each linted in process at N, 2N and 4N, so that the growth shows (about 2× per step
//! when linear). Under `cargo test` (no `--bench` argument) it does nothing.

use ekslint::engine::{Input, LintOptions, lint};
use std::path::Path;
use std::time::Instant;

/// A case: its name, its three sizes, and the files of one run at a size.
struct Case {
    name: &'static str,
    sizes: [usize; 3],
    files: fn(usize) -> Vec<(&'static str, String)>,
}

const CASES: &[Case] = &[
    Case {
        name: "CloudFormation entries naming their cluster by Ref (resource index)",
        sizes: [10_000, 20_000, 40_000],
        files: cfn_resources,
    },
    Case {
        name: "CloudFormation Fn::FindInMap into a large mapping (mapping index)",
        sizes: [10_000, 20_000, 40_000],
        files: cfn_mappings,
    },
    Case {
        name: "CloudFormation Fn::Sub with many variables (variable index)",
        sizes: [5_000, 10_000, 20_000],
        files: cfn_sub,
    },
    Case {
        name: "CloudFormation parameters each joining the next twice (memoised)",
        sizes: [10, 20, 40],
        files: cfn_joins,
    },
    Case {
        name: "Terraform toset and distinct of N strings (hashed)",
        sizes: [10_000, 20_000, 40_000],
        files: tf_sets,
    },
    Case {
        name: "Terraform count of N reading a list of N (shared values)",
        sizes: [1_000, 2_000, 4_000],
        files: tf_count,
    },
    Case {
        name: "Terraform count of N reading a module output of N (shared values)",
        sizes: [1_000, 2_000, 4_000],
        files: tf_module_output,
    },
    Case {
        name: "Terraform template of N interpolations with origins (capped origins)",
        sizes: [10_000, 20_000, 40_000],
        files: tf_template,
    },
    Case {
        name: "Terraform N blocks below a first line of 100N bytes (body line search)",
        sizes: [2_000, 4_000, 8_000],
        files: tf_long_first_line,
    },
    Case {
        name: "eksctl list of N repeated groups, each with a fix (disputed edits)",
        sizes: [10_000, 20_000, 40_000],
        files: eksctl_repeated_groups,
    },
    Case {
        name: "CloudFormation flow list of N groups on one line, each with a fix (item removals)",
        sizes: [40_000, 80_000, 160_000],
        files: cfn_flow_list,
    },
    Case {
        name: "Terraform expression going back over its N nested terms (parser steps)",
        sizes: [10, 20, 30],
        files: tf_backtracking,
    },
    Case {
        name: "Terraform suppression naming 50 unknown ids N times (one finding per id)",
        sizes: [50_000, 100_000, 200_000],
        files: tf_repeated_suppression,
    },
];

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    for case in CASES {
        println!("{}", case.name);
        let mut previous = None;
        for n in case.sizes {
            let ms = median_ms(|| run((case.files)(n)));
            let growth = previous.map_or(String::new(), |p: f64| format!(" (×{:.1})", ms / p));
            println!("  N = {n:>6}: {ms:>9.1} ms{growth}");
            previous = Some(ms);
        }
    }
}

/// The median wall time of three runs of `f`, in milliseconds.
fn median_ms(f: impl Fn() -> usize) -> f64 {
    let mut times: Vec<f64> = (0..3)
        .map(|_| {
            let start = Instant::now();
            let findings = f();
            assert!(findings > 0, "the case has findings");
            start.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[1]
}

/// Lints the files together; the number of findings.
fn run(files: Vec<(&'static str, String)>) -> usize {
    let inputs = files
        .into_iter()
        .map(|(name, text)| Input {
            display: name.to_string(),
            dir: Path::new("/nonexistent-ekslint-bench")
                .join(Path::new(name).parent().unwrap_or(Path::new(""))),
            bytes: text.into_bytes(),
            explicit: false,
            context: false,
            unreadable: None,
        })
        .collect();
    lint(inputs, &LintOptions::default()).diagnostics.len()
}

const HEADER: &str = "AWSTemplateFormatVersion: \"2010-09-09\"\n";

fn cfn_resources(n: usize) -> Vec<(&'static str, String)> {
    let mut text = format!("{HEADER}Resources:\n");
    for i in 0..n {
        text.push_str(&format!(
            "  E{i}: {{Type: AWS::EKS::AccessEntry, Properties: {{ClusterName: !Ref C, PrincipalArn: 'arn:aws:iam::111122223333:role/r{i}'}}}}\n"
        ));
    }
    text.push_str("  C: {Type: AWS::EKS::Cluster, Properties: {Name: c, AccessConfig: {AuthenticationMode: CONFIG_MAP}}}\n");
    vec![("t.yaml", text)]
}

fn cfn_mappings(n: usize) -> Vec<(&'static str, String)> {
    let mut text = format!("{HEADER}Mappings:\n  M:\n");
    for i in 0..n {
        text.push_str(&format!(
            "    k{i}: {{arn: 'arn:aws:iam::111122223333:role/r{i}'}}\n"
        ));
    }
    text.push_str("Resources:\n");
    for i in 0..n {
        text.push_str(&format!(
            "  E{i}: {{Type: AWS::EKS::AccessEntry, Properties: {{ClusterName: c, Type: BAD, PrincipalArn: !FindInMap [M, k{i}, arn]}}}}\n"
        ));
    }
    vec![("t.yaml", text)]
}

fn cfn_sub(n: usize) -> Vec<(&'static str, String)> {
    let refs: String = (0..n).map(|i| format!("${{V{i}}}")).collect();
    let vars: Vec<String> = (0..n).map(|i| format!("V{i}: x")).collect();
    let text = format!(
        "{HEADER}Resources:\n  E:\n    Type: AWS::EKS::AccessEntry\n    Properties:\n      ClusterName: c\n      Type: BAD\n      PrincipalArn: !Sub ['arn:aws:iam::111122223333:role/{refs}', {{{}}}]\n",
        vars.join(", ")
    );
    vec![("t.yaml", text)]
}

fn cfn_joins(n: usize) -> Vec<(&'static str, String)> {
    let mut text = format!("{HEADER}Parameters:\n");
    for i in 0..n {
        let next = format!("!Ref P{}", i + 1);
        text.push_str(&format!(
            "  P{i}: {{Type: String, Default: !Join ['', [{next}, {next}]]}}\n"
        ));
    }
    text.push_str(&format!(
        "  P{n}: {{Type: String, Default: x}}\nResources:\n  E:\n    Type: AWS::EKS::AccessEntry\n    Properties:\n      ClusterName: c\n      Type: BAD\n      PrincipalArn: !Ref P0\n"
    ));
    vec![("t.yaml", text)]
}

/// `n` distinct strings, built with at most 1,000 numbers from `range`.
fn strings(n: usize) -> String {
    format!(
        r#"flatten([for i in range({}) : [for j in range(1000) : "v${{i}}-${{j}}"]])"#,
        n / 1000
    )
}

fn tf_sets(n: usize) -> Vec<(&'static str, String)> {
    let text = format!(
        r#"locals {{
  all = concat({s}, {s})
}}
resource "aws_eks_access_entry" "e" {{
  cluster_name  = "c"
  principal_arn = "arn:aws:iam::111122223333:role/${{length(toset(local.all))}}-${{length(distinct(local.all))}}"
  type          = "BAD"
}}
"#,
        s = strings(n)
    );
    vec![("main.tf", text)]
}

fn tf_count(n: usize) -> Vec<(&'static str, String)> {
    let text = format!(
        r#"locals {{
  roles = [for s in {s} : "arn:aws:iam::111122223333:role/${{s}}"]
}}
resource "aws_eks_access_entry" "e" {{
  count         = length(local.roles)
  cluster_name  = "c"
  principal_arn = element(local.roles, count.index)
  type          = "BAD"
}}
"#,
        s = strings(n)
    );
    vec![("main.tf", text)]
}

fn tf_module_output(n: usize) -> Vec<(&'static str, String)> {
    let module = format!(
        r#"output "roles" {{
  value = [for s in {s} : "arn:aws:iam::111122223333:role/${{s}}"]
}}
"#,
        s = strings(n)
    );
    let main = r#"module "m" {
  source = "./m"
}
resource "aws_eks_access_entry" "e" {
  count         = length(module.m.roles)
  cluster_name  = "c"
  principal_arn = element(module.m.roles, count.index)
  type          = "BAD"
}
"#;
    vec![("main.tf", main.to_string()), ("m/main.tf", module)]
}

fn tf_template(n: usize) -> Vec<(&'static str, String)> {
    // Written one by one, each string has its own span: N origins to merge.
    let parts: Vec<String> = (0..n).map(|i| format!("\"p{i}\"")).collect();
    let text = format!(
        r#"locals {{
  parts = [{}]
  long  = "%{{ for p in local.parts }}${{p}}%{{ endfor }}"
}}
resource "aws_eks_access_entry" "e" {{
  cluster_name  = "c"
  principal_arn = "arn:aws:iam::111122223333:role/${{length(local.long)}}"
  type          = "BAD"
}}
"#,
        parts.join(", ")
    );
    vec![("main.tf", text)]
}

fn tf_long_first_line(n: usize) -> Vec<(&'static str, String)> {
    let mut text = format!("# {}\n", "a".repeat(100 * n));
    for i in 0..n {
        text += &format!(
            "resource \"aws_eks_access_entry\" \"e{i}\" {{\n  cluster_name  = \"c\"\n  principal_arn = \"arn:aws:iam::111122223333:role/r{i}\"\n  type          = \"BAD\"\n}}\n"
        );
    }
    vec![("main.tf", text)]
}

fn eksctl_repeated_groups(n: usize) -> Vec<(&'static str, String)> {
    let groups = vec!["\"g\""; n].join(", ");
    let text = format!(
        "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: c\n  region: us-east-1\naccessConfig:\n  accessEntries:\n    - principalARN: arn:aws:iam::111122223333:role/r\n      kubernetesGroups: [{groups}]\n"
    );
    vec![("cluster.yaml", text)]
}

fn cfn_flow_list(n: usize) -> Vec<(&'static str, String)> {
    let groups = vec!["devs"; n].join(", ");
    let text = format!(
        "Resources:\n  Entry:\n    Type: AWS::EKS::AccessEntry\n    Properties:\n      ClusterName: prod\n      PrincipalArn: arn:aws:iam::111122223333:role/r\n      KubernetesGroups: [{groups}]\n"
    );
    vec![("template.yaml", text)]
}

/// `x*(x*!x*(x*!x ... |x`: each nested term parsed anew by each alternative tried around it,
/// 2^N times but for the parser's steps (vendor/hcl-edit/PATCHES.md, 5).
fn tf_backtracking(n: usize) -> Vec<(&'static str, String)> {
    let text = format!("c = x{}|x\n", "*(x*!x".repeat(n));
    vec![("main.tf", text)]
}

fn tf_repeated_suppression(n: usize) -> Vec<(&'static str, String)> {
    let ids: Vec<String> = (0..n).map(|i| format!("EKS{}", 9000 + i % 50)).collect();
    let text = format!(
        "# ekslint:ignore {}\nresource \"aws_eks_access_entry\" \"e\" {{\n  cluster_name  = \"c\"\n  principal_arn = \"arn:aws:iam::111122223333:role/r\"\n}}\n",
        ids.join(",")
    );
    vec![("main.tf", text)]
}
