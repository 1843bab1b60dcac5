//! `cargo bench --bench stages`: where the time over parsing goes, stage by stage, for the YAML
//! formats (CloudFormation and eksctl), in memory: no walk, no reads, no output.
//!
//! Each stage does what the one before does and more, on the same generated files (the
//! monorepo corpus's, `support/monorepo.rs`):
//! - `events`: saphyr-parser's events of each file, dropped (what the parse-only floor of
//!   `benches/monorepo.rs` does with a file once read);
//! - `tree`: ekslint's YAML tree of each file (`parse::tree::yaml`), given its line starts;
//! - `lowered`: the tree lowered into the model (`parse::structured`);
//! - `linted`: `engine::lint` on the files' bytes: decoding, the tree and lowering, the rules,
//!   settling and the report, but no rendering.
//!
//! It prints each stage's median time and its ratio to `events`. The stages take turns, each
//! round starting with the next one. The first three run on the calling thread; `linted` runs
//! on the lint threads: `RAYON_NUM_THREADS=1` compares them on one.
//!
//! Environment: `EKSLINT_BENCH_FILES` (files a format, 2,000), `EKSLINT_BENCH_RUNS` (rounds,
//! 11). Under `cargo test` (no `--bench` argument) it does nothing.

#[path = "support/monorepo.rs"]
mod monorepo;

use ekslint::engine::{Input, LintOptions, lint};
use ekslint::parse::{StructuredOptions, structured, tree::yaml::parse_yaml_lines};
use ekslint::source::{FileId, SourceFile};
use monorepo::Format;
use std::hint::black_box;
use std::time::Instant;

/// The stages, in the order each adds to the one before.
#[derive(Clone, Copy)]
enum Stage {
    Events,
    Tree,
    Lowered,
    Linted,
}

impl Stage {
    const ALL: [Stage; 4] = [Stage::Events, Stage::Tree, Stage::Lowered, Stage::Linted];

    fn name(self) -> &'static str {
        match self {
            Stage::Events => "events",
            Stage::Tree => "tree",
            Stage::Lowered => "lowered",
            Stage::Linted => "linted",
        }
    }
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let setting = |name: &str, default: usize| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let files = setting("EKSLINT_BENCH_FILES", 2000);
    let runs = setting("EKSLINT_BENCH_RUNS", 11).max(1);
    println!(
        "{files} files a format, medians of {runs} rounds; `linted` on {} thread(s)",
        ekslint::threads::count()
    );
    println!(
        "{:16} {:>8} {:>12} {:>10}",
        "format", "stage", "time", "ratio"
    );
    for format in [Format::CloudFormation, Format::Eksctl] {
        let sources: Vec<SourceFile> = (1..=files)
            .map(|i| {
                let path = format.path(i).display().to_string();
                SourceFile::new(path, format.text(i, monorepo::SEED))
            })
            .collect();
        // Made before any stage is timed (the source map makes them once for a run too).
        for source in &sources {
            black_box(source.line_starts());
        }
        let mut times: [Vec<f64>; Stage::ALL.len()] = Default::default();
        for round in 0..runs {
            for k in 0..Stage::ALL.len() {
                let i = (round + k) % Stage::ALL.len();
                times[i].push(run(Stage::ALL[i], &sources));
            }
        }
        let base = median(&mut times[0]);
        for (stage, t) in Stage::ALL.iter().zip(times.iter_mut()) {
            let t = median(t);
            println!(
                "{:16} {:>8} {:>9.1} ms {:>9.2}x",
                format.name(),
                stage.name(),
                t * 1000.0,
                t / base
            );
        }
    }
}

/// Runs a stage over every file; the seconds it took.
fn run(stage: Stage, sources: &[SourceFile]) -> f64 {
    let options = StructuredOptions::default();
    // The lint's inputs are made before the clock starts: it takes their bytes.
    let inputs: Vec<Input> = if let Stage::Linted = stage {
        sources
            .iter()
            .map(|s| Input {
                display: s.path.clone(),
                dir: std::path::Path::new(&s.path)
                    .parent()
                    .map(|d| d.to_path_buf())
                    .unwrap_or_default(),
                bytes: s.text.clone().into_bytes(),
                explicit: false,
                context: false,
                unreadable: None,
            })
            .collect()
    } else {
        Vec::new()
    };
    let start = Instant::now();
    match stage {
        Stage::Events => {
            for s in sources {
                black_box(saphyr_parser::Parser::new_from_str(&s.text).all(|e| e.is_ok()));
            }
        }
        Stage::Tree => {
            for (i, s) in sources.iter().enumerate() {
                let file = FileId(i as u32);
                black_box(parse_yaml_lines(file, &s.text, s.line_starts()).is_ok());
            }
        }
        Stage::Lowered => {
            for (i, s) in sources.iter().enumerate() {
                black_box(structured(FileId(i as u32), s, &options).is_ok());
            }
        }
        Stage::Linted => {
            black_box(lint(inputs, &LintOptions::default()).diagnostics.len());
        }
    }
    start.elapsed().as_secs_f64()
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}
