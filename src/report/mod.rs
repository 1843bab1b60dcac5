//! Reporters: turn a [`Report`] into human, JSON, SARIF or GitHub output.
//!
//! Reporters know nothing of rule logic: they read diagnostics, the rule catalog and sources.

use crate::diagnostic::Diagnostic;
use crate::rules::RuleMeta;
use crate::source::SourceMap;

/// The result of one run, ready to be rendered.
#[derive(Debug)]
pub struct Report {
    pub sources: SourceMap,
    /// Sorted by file path, position, then rule id; suppressed findings included.
    pub diagnostics: Vec<Diagnostic>,
    /// The rules that ran, sorted by id.
    pub rules: Vec<&'static RuleMeta>,
    /// The number of files that were linted (parsed as one of the input formats).
    pub files_linted: usize,
}

/// Output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    Sarif,
    Github,
}

/// Options that change rendering, not findings.
#[derive(Clone, Copy, Debug, Default)]
pub struct RenderOptions {
    pub color: bool,
    /// Render suppressed findings too (SARIF always keeps them, marked as suppressed).
    pub show_suppressed: bool,
    /// Leave out everything but the findings (the human summary line).
    pub quiet: bool,
}

/// Renders a report (temporary: plain lines until the reporters land).
pub fn render(
    _format: Format,
    report: &Report,
    _opts: &RenderOptions,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    for d in &report.diagnostics {
        let f = report.sources.get(d.span.file);
        let p = f.position(d.span.start as usize);
        writeln!(
            out,
            "{} {}:{}:{} {}",
            d.rule, f.path, p.line, p.column, d.message
        )?;
    }
    Ok(())
}
