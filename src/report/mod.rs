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
}
