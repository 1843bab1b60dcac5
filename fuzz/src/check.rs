//! Linting in process as the command line does, rendering every output format, and checking
//! what must hold of any output whatever the input: spans inside their file on character
//! boundaries, fixes whose edits apply, JSON and SARIF that parse, human output without
//! control characters or a line that starts a GitHub workflow command, GitHub output of one
//! workflow command per line.

use ekslint::engine::{Input, LintOptions, lint};
use ekslint::fix::apply::{apply, compatible, edits_in};
use ekslint::report::escape::escaped;
use ekslint::report::{self, Format, RenderOptions, Report};
use ekslint::source::Span;
use std::path::{Path, PathBuf};

/// The directory the fuzzed files are in. It does not exist, and the default trust boundary
/// has no root: nothing is read from disk.
pub const DIR: &str = "/nonexistent-ekslint-fuzz";

/// An input named `name` (which may hold directories, under [`DIR`]).
pub fn input(name: &str, bytes: Vec<u8>, explicit: bool) -> Input {
    let path = Path::new(DIR).join(name);
    Input {
        display: name.to_string(),
        dir: path
            .parent()
            .map_or_else(|| PathBuf::from(DIR), Path::to_path_buf),
        bytes,
        explicit,
        context: false,
        unreadable: None,
    }
}

/// Lints the inputs on the engine's lint threads, renders every format and checks them.
///
/// The report keeps only the rules that found something: SARIF describes every rule that ran
/// (the whole catalog's documentation), which does not depend on the input and would take
/// most of each run.
pub fn lint_and_check(
    inputs: Vec<Input>,
    options: &LintOptions,
    render: Option<RenderOptions>,
) -> Report {
    let mut report = lint(inputs, options);
    let fired: Vec<&str> = report.diagnostics.iter().map(|d| d.rule).collect();
    report.rules.retain(|r| fired.contains(&r.id));
    for d in &report.diagnostics {
        crate::show("finding", &format!("{} {}", d.rule, d.message));
    }
    check(&report, render);
    report
}

/// Checks a report and what is rendered from it: the JSON output always, every format when
/// `render` is given.
pub fn check(report: &Report, render: Option<RenderOptions>) {
    for d in &report.diagnostics {
        check_span(report, d.span);
        for r in &d.related {
            check_span(report, r.span);
        }
        if let Some(fix) = &d.fix {
            fix.edits.iter().for_each(|e| check_span(report, e.span));
            assert!(
                fix.edits
                    .windows(2)
                    .all(|w| w[0].span.file != w[1].span.file || w[0].span.end <= w[1].span.start),
                "the edits of a {} fix overlap or are not sorted",
                d.rule
            );
        }
    }
    // The fixes `--fix` would apply together apply to every file.
    let fixes = compatible(report.diagnostics.iter().filter_map(|d| d.fix.as_deref()));
    for (id, file) in report.sources.files() {
        assert!(
            apply(&file.text, &edits_in(&fixes, id)).is_some(),
            "the fixes do not apply to {}",
            file.path
        );
    }
    let rendered = |format, opts| {
        let mut out = Vec::new();
        report::render(format, report, &opts, &mut out).expect("rendering to memory");
        String::from_utf8(out).expect("output is UTF-8")
    };
    let formats: &[Format] = match render {
        Some(_) => &[Format::Json, Format::Sarif],
        None => &[Format::Json],
    };
    for &format in formats {
        let out = rendered(format, render.unwrap_or_default());
        if let Err(e) = serde_json::from_str::<serde_json::Value>(&out) {
            panic!("{format:?} output is not JSON: {e}\n{out}");
        }
    }
    let Some(render) = render else {
        return;
    };
    let plain = RenderOptions {
        color: false,
        ..render
    };
    let human = rendered(Format::Human, plain);
    for line in human.lines() {
        assert!(
            !line.trim_start().starts_with("::"),
            "a human output line starts a workflow command: {line:?}"
        );
        assert!(
            line.chars().all(|c| escaped(c).is_none()),
            "a human output line holds a control character: {line:?}"
        );
    }
    if render.color {
        rendered(Format::Human, render);
    }
    let github = rendered(Format::Github, plain);
    for line in github.lines() {
        assert!(
            ["::error file=", "::warning file=", "::notice file="]
                .iter()
                .any(|p| line.starts_with(p)),
            "a GitHub output line is not one workflow command: {line:?}"
        );
        assert!(
            line.chars().all(|c| escaped(c).is_none()),
            "a GitHub output line holds a control character: {line:?}"
        );
    }
}

/// A span lies in its file, on character boundaries; its LSP position can be computed.
fn check_span(report: &Report, span: Span) {
    let file = report.sources.get(span.file);
    let (start, end) = (span.start as usize, span.end as usize);
    assert!(
        start <= end && end <= file.text.len(),
        "span {start}..{end} out of {} ({} bytes)",
        file.path,
        file.text.len()
    );
    assert!(
        file.text.is_char_boundary(start) && file.text.is_char_boundary(end),
        "span {start}..{end} of {} is not on character boundaries",
        file.path
    );
    for offset in [start, end] {
        let at = file.position(offset);
        assert!(at.line >= 1 && at.column >= 1);
        file.utf16_column(offset);
    }
}

/// Render options from one byte of input.
pub fn render_options(bits: u8) -> RenderOptions {
    RenderOptions {
        color: bits & 1 != 0,
        show_suppressed: bits & 2 != 0,
        quiet: bits & 4 != 0,
    }
}

/// For the generators' targets, whose subject is evaluation: every format for one input in
/// four (bits 3 and 4 of `bits` set), the JSON output only for the others (rendering all of
/// them takes most of a run; the `engine` target renders all of them every time).
pub fn sometimes_render(bits: u8) -> Option<RenderOptions> {
    (bits & 0x18 == 0x18).then(|| render_options(bits))
}
