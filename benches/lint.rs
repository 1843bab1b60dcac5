//! `cargo bench`: lints the synthetic corpus (1,000 Terraform files of ~100 lines) in process and
//! prints the wall time per run and the process's peak resident memory; then the time the
//! hostile parser inputs (billion laughs, deep nesting) take to end in a parse error. Under `cargo test` (no
//! `--bench` argument) it does nothing, so benchmarks stay out of CI.

#[path = "support/corpus.rs"]
mod corpus;

use ekslint::engine::{Input, LintOptions, lint};
use std::time::Instant;

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let dir = std::env::temp_dir().join(format!("ekslint-bench-{}", std::process::id()));
    let lines = corpus::write(&dir, 1000).expect("corpus written");
    let files: Vec<_> = (0..1000)
        .map(|i| dir.join(format!("m{i:04}/main.tf")))
        .collect();
    let mut times = Vec::new();
    for _ in 0..10 {
        let start = Instant::now();
        let inputs = files
            .iter()
            .map(|p| Input {
                display: p.display().to_string(),
                dir: p.parent().map(|d| d.to_path_buf()).unwrap_or_default(),
                bytes: std::fs::read(p).expect("corpus file"),
                explicit: false,
                context: false,
                unreadable: None,
            })
            .collect();
        let report = lint(inputs, &LintOptions::default());
        assert!(!report.diagnostics.is_empty());
        times.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    let peak = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM"))
                .map(str::to_string)
        })
        .unwrap_or_else(|| "VmHWM unavailable".into());
    println!(
        "1000 files, {lines} lines: read+parse+check median {:.1} ms (min {:.1}, max {:.1}); {peak}",
        times[times.len() / 2],
        times[0],
        times[times.len() - 1]
    );
    let _ = std::fs::remove_dir_all(&dir);
    hostile();
}

/// The files built to exhaust a parser (alias expansion, nesting) end in a parse error quickly.
fn hostile() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/invalid/cloudformation/EKS000-parse-error");
    for case in [
        "bad-billion-laughs-yaml/template.yaml",
        "bad-deep-nesting-yaml/template.yaml",
        "bad-deep-nesting-json/template.json",
    ] {
        let path = root.join(case);
        let bytes = std::fs::read(&path).expect("hostile fixture");
        let start = Instant::now();
        let input = Input {
            display: case.to_string(),
            dir: root.clone(),
            bytes,
            explicit: true,
            context: false,
            unreadable: None,
        };
        let report = lint(vec![input], &LintOptions::default());
        let rules: Vec<&str> = report.diagnostics.iter().map(|d| d.rule).collect();
        println!(
            "{case}: {rules:?} in {:.2} ms",
            start.elapsed().as_secs_f64() * 1000.0
        );
    }
}
