//! `cargo bench --bench scaling`: how the engine's own costs grow. Each case lints an input
//! generated in memory at sizes N, 2N and 4N and prints the median time and its growth from
//! one size to the next (about 2x per step is linear; 4x is quadratic):
//!
//! - `for_each origins`: N `for_each` instances wrong in the same way, merged into one finding
//!   that lists N origins;
//! - `suppressions`: N findings, each suppressed by an `ekslint:ignore` comment on its line;
//! - `long-line columns`: an eksctl file written on one line with 2N findings, rendered as JSON
//!   (every finding's line and column);
//! - `duplicate groups`: one entry listing N groups, each twice (EKS126).
//!
//! Under `cargo test` (no `--bench` argument) it does nothing.

use ekslint::engine::{Input, LintOptions, lint};
use ekslint::report::{self, Format, RenderOptions};
use std::fmt::Write as _;
use std::time::Instant;

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    scale("for_each origins", 2_000, for_each_origins);
    scale("suppressions", 2_000, suppressions);
    scale("long-line columns", 2_000, long_line);
    scale("duplicate groups", 5_000, duplicate_groups);
}

/// A named file of the given text.
fn input(name: &str, text: String) -> Input {
    Input {
        display: name.into(),
        dir: "bench".into(),
        bytes: text.into_bytes(),
        explicit: false,
        context: false,
        unreadable: None,
    }
}

/// Times `case` at n, 2n and 4n (median of 5 runs each) and prints the growth.
fn scale(name: &str, n: usize, case: fn(usize) -> (Input, usize)) {
    let mut previous: Option<f64> = None;
    let mut line = format!("{name}:");
    for size in [n, 2 * n, 4 * n] {
        let mut times: Vec<f64> = (0..5)
            .map(|_| {
                let (input, expected) = case(size);
                let start = Instant::now();
                let report = lint(vec![input], &LintOptions::default());
                let mut out = Vec::new();
                report::render(Format::Json, &report, &RenderOptions::default(), &mut out)
                    .expect("rendering to memory");
                let elapsed = start.elapsed().as_secs_f64() * 1000.0;
                let found = report.diagnostics.len();
                assert_eq!(found, expected, "{name} at {size}: findings");
                elapsed
            })
            .collect();
        times.sort_by(f64::total_cmp);
        let median = times[times.len() / 2];
        let growth = previous.map_or(String::new(), |p| format!(" (x{:.2})", median / p));
        write!(line, "  N={size}: {median:.1} ms{growth}").unwrap();
        previous = Some(median);
    }
    println!("{line}");
}

/// N instances of one resource, each with the same invalid type and its own `for_each` item
/// as origin: one EKS105 listing N origins. (The map is built by a `for` expression: a literal
/// object of N keys costs the HCL parser N² key comparisons, which would hide the engine's cost.)
fn for_each_origins(n: usize) -> (Input, usize) {
    let tf = format!(
        "resource \"aws_eks_access_entry\" \"this\" {{\n  for_each      = {{ for i in range({n}) : \"e${{i}}\" => \"Standard\" }}\n  cluster_name  = \"c\"\n  principal_arn = \"arn:aws:iam::111122223333:role/${{each.key}}\"\n  type          = each.value\n}}\n"
    );
    (input("main.tf", tf), 1)
}

/// N entries with an invalid type, each suppressed by a comment on its line: N suppressed
/// findings. (A comment alone above a resource would also measure how comments find their
/// resource, which is the parser's business.)
fn suppressions(n: usize) -> (Input, usize) {
    let mut tf = String::new();
    for i in 0..n {
        writeln!(
            tf,
            "resource \"aws_eks_access_entry\" \"e{i}\" {{\n  cluster_name  = \"c\"\n  principal_arn = \"arn:aws:iam::111122223333:role/r{i}\"\n  type          = \"Standard\" # ekslint:ignore EKS105 -- reviewed\n}}"
        )
        .unwrap();
    }
    (input("main.tf", tf), n)
}

/// An eksctl ClusterConfig written on one line (YAML flow style) with N entries that each have
/// an invalid type and an invalid role name: 2N findings whose columns are far along the same
/// line, and the note on the creator's admin permissions.
fn long_line(n: usize) -> (Input, usize) {
    let entries: Vec<String> = (0..n)
        .map(|i| {
            format!("{{principalARN: \"arn:aws:iam::111122223333:role/r{i}ü\", type: Standard}}")
        })
        .collect();
    let yaml = format!(
        "---\n{{apiVersion: eksctl.io/v1alpha5, kind: ClusterConfig, metadata: {{name: c, region: us-east-1}}, accessConfig: {{accessEntries: [{}]}}}}\n",
        entries.join(", ")
    );
    (input("cluster.yaml", yaml), 2 * n + 1)
}

/// One entry listing N groups twice each: N EKS126 findings.
fn duplicate_groups(n: usize) -> (Input, usize) {
    let groups: Vec<String> = (0..2 * n).map(|i| format!("\"g{}\"", i % n)).collect();
    let tf = format!(
        "resource \"aws_eks_access_entry\" \"e\" {{\n  cluster_name      = \"c\"\n  principal_arn     = \"arn:aws:iam::111122223333:role/r\"\n  kubernetes_groups = [{}]\n}}\n",
        groups.join(", ")
    );
    (input("main.tf", tf), n)
}
