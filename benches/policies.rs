//! `cargo bench --bench policies`: the cost of custom policies. Lints the synthetic corpus (1,000
//! Terraform files, benches/support/corpus.rs) without policies and with the four example
//! policies of `examples/policies/` (cluster admin, team namespaces, IAM users, accounts), and
//! prints the median wall time of each, the time the policies add, and where it goes. Under `cargo test` (no
//! `--bench` argument) it does nothing.

#[path = "support/corpus.rs"]
mod corpus;

use ekslint::engine::{Input, LintOptions, Settings, lint};
use ekslint::policy::{Policies, PolicyFile};
use ekslint::scoped::Scoped;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

/// The example policies measured.
const POLICIES: [&str; 4] = [
    "break_glass_admin.rego",
    "team_namespaces.rego",
    "no_iam_users.rego",
    "org_accounts.rego",
];

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let dir = std::env::temp_dir().join(format!("ekslint-bench-policies-{}", std::process::id()));
    let lines = corpus::write(&dir, 1000).expect("corpus written");
    let files: Vec<PathBuf> = (0..1000)
        .map(|i| dir.join(format!("m{i:04}/main.tf")))
        .collect();
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/policies");
    let policies = Policies::compile(
        POLICIES
            .iter()
            .map(|name| PolicyFile {
                display: format!("examples/policies/{name}"),
                text: std::fs::read_to_string(examples.join(name)).expect("example policy"),
            })
            .collect(),
    );
    assert_eq!(
        policies.problem_count(),
        0,
        "{:?}",
        policies.describe_problems()
    );
    let with = LintOptions {
        settings: Scoped::new(Settings {
            policies: Arc::new(policies),
            ..Settings::default()
        }),
        ..LintOptions::default()
    };
    let without = LintOptions::default();

    // Alternate the two runs so that both see the same machine load.
    let (mut plain, mut custom) = (Vec::new(), Vec::new());
    let mut findings = (0, 0);
    for _ in 0..10 {
        let (t, n) = run(&files, &without);
        plain.push(t);
        findings.0 = n;
        let (t, n) = run(&files, &with);
        custom.push(t);
        findings.1 = n;
    }
    let (plain, custom) = (median(plain), median(custom));
    println!(
        "1000 files, {lines} lines: without policies median {plain:.1} ms ({} findings); with the 4 example policies {custom:.1} ms ({} findings): +{:.1} ms, +{:.1}%",
        findings.0,
        findings.1,
        custom - plain,
        (custom - plain) / plain * 100.0
    );
    breakdown(&files, &with, plain);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Where the policies' time goes, measured in-process on the parsed corpus: building their
/// input (the model as the interpreter's values, with the objects' cluster links) and the whole
/// evaluation (input included). The input and the interpreter's part (the evaluation less the
/// input) are also given as shares of `plain`, the median lint without policies.
fn breakdown(files: &[PathBuf], with: &LintOptions, plain: f64) {
    let parsed = ekslint::engine::parse(inputs(files), with);
    let policies = &with.settings.get(Path::new("/")).policies;
    let (mut input, mut evaluation) = (Vec::new(), Vec::new());
    for _ in 0..10 {
        let start = Instant::now();
        let links = OnceLock::new();
        let document = ekslint::model_json::input(&parsed.model, parsed.sources(), &links, &|f| {
            ["clusters", "entries", "associations"].contains(&f)
        });
        input.push(start.elapsed().as_secs_f64() * 1000.0);
        drop(document);
        let start = Instant::now();
        let found = policies.evaluate(&parsed.model, parsed.sources(), &OnceLock::new());
        evaluation.push(start.elapsed().as_secs_f64() * 1000.0);
        drop(found);
    }
    let (input, evaluation) = (median(input), median(evaluation));
    let interpreter = evaluation - input;
    println!(
        "  of which (in-process medians): building the input {input:.1} ms ({:.1}% of the lint without policies); the evaluation, input included, {evaluation:.1} ms; the interpreter alone {interpreter:.1} ms ({:.1}%)",
        input / plain * 100.0,
        interpreter / plain * 100.0
    );
}

/// The corpus files as lint inputs.
fn inputs(files: &[PathBuf]) -> Vec<Input> {
    files
        .iter()
        .map(|p| Input {
            display: p.display().to_string(),
            dir: p.parent().map(Path::to_path_buf).unwrap_or_default(),
            bytes: std::fs::read(p).expect("corpus file"),
            explicit: false,
            context: false,
            unreadable: None,
        })
        .collect()
}

/// One lint of the corpus: wall time in ms and the number of findings.
fn run(files: &[PathBuf], options: &LintOptions) -> (f64, usize) {
    let start = Instant::now();
    let report = lint(inputs(files), options);
    (
        start.elapsed().as_secs_f64() * 1000.0,
        report.diagnostics.len(),
    )
}

fn median(mut times: Vec<f64>) -> f64 {
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}
