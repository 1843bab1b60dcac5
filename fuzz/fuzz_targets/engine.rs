//! The whole engine in process: several files of any format linted together (one run, on the
//! engine's lint threads), the rules, and every reporter, with the checks of
//! [`ekslint_fuzz::check`].
//!
//! Input: one byte of options, then files separated by two NUL bytes, each `name\ntext` (the
//! name may hold directories, control characters, anything; `fuzz/seed.sh` writes fixtures so).

#![no_main]

use ekslint::diagnostic::Severity;
use ekslint::engine::{LintOptions, Settings};
use ekslint::rules::{RULES, lookup};
use ekslint::scoped::Scoped;
use ekslint_fuzz::check::{DIR, input, lint_and_check, render_options};
use libfuzzer_sys::fuzz_target;
use std::path::Path;

/// Files of one run.
const MAX_FILES: usize = 8;

fuzz_target!(init: ekslint_fuzz::init(), |data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let mut inputs = Vec::new();
    for (i, chunk) in files(rest).take(MAX_FILES).enumerate() {
        let (name, text) = match chunk.iter().position(|&b| b == b'\n') {
            Some(at) => (String::from_utf8_lossy(&chunk[..at]).into_owned(), &chunk[at + 1..]),
            None => ("main.tf".to_string(), chunk),
        };
        let mut file = input(&safe_name(&name), text.to_vec(), flags & 8 != 0);
        // The name as shown may be anything; where it is read from stays inside the fuzz dir.
        file.display = name;
        file.context = flags & 16 != 0 && i == 1;
        inputs.push(file);
    }
    let mut settings = Settings::default();
    if flags & 32 != 0 {
        settings.rule_options.trusted_accounts = ["444455556666".into()].into();
        settings.ignore = [lookup("EKS401").expect("a rule").id].into();
        settings.severity.insert("EKS105", Severity::Note);
    }
    if flags & 64 != 0 {
        let select = RULES.iter().map(|r| r.id).filter(|id| id.as_bytes()[3] != b'4');
        settings.select = Some(select.collect());
    }
    let mut options = LintOptions::default();
    if flags & 128 != 0 {
        // These settings for the files under `a/` only, as an `.ekslint.toml` there would.
        options.settings.insert(Path::new(DIR).join("a"), settings);
    } else {
        options.settings = Scoped::new(settings);
    }
    lint_and_check(inputs, &options, Some(render_options(flags)));
});

/// A name whose directories stay under the fuzz directory: no root, `.` or `..` component.
fn safe_name(name: &str) -> String {
    let parts: Vec<&str> = name
        .split(['/', '\\'])
        .filter(|p| !p.is_empty() && *p != "." && *p != "..")
        .collect();
    if parts.is_empty() {
        "x".into()
    } else {
        parts.join("/")
    }
}

/// The chunks of `data` between two NUL bytes in a row.
fn files(mut data: &[u8]) -> impl Iterator<Item = &[u8]> {
    std::iter::from_fn(move || {
        if data.is_empty() {
            return None;
        }
        let end = data
            .windows(2)
            .position(|w| w == [0, 0])
            .unwrap_or(data.len());
        let chunk = &data[..end];
        data = data.get(end + 2..).unwrap_or_default();
        Some(chunk)
    })
}
