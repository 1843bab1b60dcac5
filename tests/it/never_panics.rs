//! The linter never panics, whatever the input: fixture files cut and spliced at random places,
//! and random text, linted as every format.

use crate::support::input;
use ekslint::engine::{LintOptions, lint};
use proptest::prelude::*;
use std::path::{Path, PathBuf};

/// Every fixture file, as (name, text).
fn fixture_files() -> Vec<(String, String)> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if ekslint::discover::is_candidate(&path) {
                out.push(path);
            }
        }
    }
    let mut paths = Vec::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    walk(&root.join("fixtures"), &mut paths);
    walk(&root.join("tests/invalid"), &mut paths);
    paths.sort();
    paths
        .into_iter()
        .filter_map(|p| {
            let text = std::fs::read_to_string(&p).ok()?;
            let name = p.file_name()?.to_string_lossy().into_owned();
            (text.len() < 20_000).then_some((name, text))
        })
        .collect()
}

fn lint_text(name: &str, text: &str) {
    let input = input(name, text, true);
    let report = lint(vec![input], &LintOptions::default());
    for format in [
        ekslint::report::Format::Human,
        ekslint::report::Format::Json,
        ekslint::report::Format::Sarif,
        ekslint::report::Format::Github,
    ] {
        let mut out = Vec::new();
        ekslint::report::render(format, &report, &Default::default(), &mut out).unwrap();
    }
}

thread_local! {
    static FILES: Vec<(String, String)> = fixture_files();
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn spliced_fixtures_do_not_panic(
        pick in any::<prop::sample::Index>(),
        cut in any::<prop::sample::Index>(),
        len in 0usize..40,
        insert in "[\\[\\]{}()\"'$:,!&*#=\\-\\n ${}a-zA-Z0-9_.\\\\/]{0,12}",
    ) {
        let (name, text) = FILES.with(|f| f[pick.index(f.len())].clone());
        let mut at = cut.index(text.len() + 1);
        while !text.is_char_boundary(at) { at -= 1; }
        let mut end = (at + len).min(text.len());
        while !text.is_char_boundary(end) { end -= 1; }
        let spliced = format!("{}{}{}", &text[..at], insert, &text[end.max(at)..]);
        lint_text(&name, &spliced);
    }

    #[test]
    fn random_text_does_not_panic(text in "\\PC{0,300}", ext in prop::sample::select(vec!["tf", "tf.json", "yaml", "json", "template"])) {
        lint_text(&format!("x.{ext}"), &text);
    }
}
