//! Our findings as LSP diagnostics: 0-based lines, UTF-16 columns, file URIs.

use super::uri;
use crate::diagnostic::{Diagnostic, Severity};
use crate::report::Report;
use crate::rules::EKS003;
use crate::source::{FileId, SourceFile, Span};
use lsp_types as lsp;
use std::str::FromStr;

/// The `source` of every diagnostic the server publishes.
pub const SOURCE: &str = "ekslint";

/// The unsuppressed findings located in `file`, as LSP diagnostics.
pub fn diagnostics(report: &Report, file: FileId) -> Vec<lsp::Diagnostic> {
    report
        .diagnostics
        .iter()
        .filter(|d| d.span.file == file && d.suppressed.is_none())
        .map(|d| diagnostic(report, d))
        .collect()
}

fn diagnostic(report: &Report, d: &Diagnostic) -> lsp::Diagnostic {
    let related: Vec<lsp::DiagnosticRelatedInformation> = d
        .related
        .iter()
        .filter_map(|r| {
            Some(lsp::DiagnosticRelatedInformation {
                location: location(report, r.span)?,
                message: r.message.to_string(),
            })
        })
        .collect();
    let message = match &d.help {
        Some(help) => format!("{}\nhelp: {help}", d.message),
        None => d.message.clone(),
    };
    lsp::Diagnostic {
        range: range(report.sources.get(d.span.file), d.span),
        severity: Some(match d.severity {
            Severity::Error => lsp::DiagnosticSeverity::ERROR,
            Severity::Warning => lsp::DiagnosticSeverity::WARNING,
            Severity::Note => lsp::DiagnosticSeverity::INFORMATION,
        }),
        code: Some(lsp::NumberOrString::String(d.rule.to_string())),
        code_description: crate::report::rule_meta(report, d.rule)
            .and_then(|r| lsp::Uri::from_str(&r.doc_url()?).ok())
            .map(|href| lsp::CodeDescription { href }),
        source: Some(SOURCE.to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        // Editors fade unnecessary code: an ignore comment that ignores nothing.
        tags: (d.rule == EKS003.id).then(|| vec![lsp::DiagnosticTag::UNNECESSARY]),
        data: None,
    }
}

/// A span of another (or the same) file as a location. The report's paths are absolute (the
/// document's is); a relative one would be relative to the working directory.
fn location(report: &Report, span: Span) -> Option<lsp::Location> {
    let file = report.sources.get(span.file);
    let path = std::env::current_dir().ok()?.join(&file.path);
    let uri = lsp::Uri::from_str(&uri::from_path(&path)).ok()?;
    Some(lsp::Location::new(uri, range(file, span)))
}

/// The LSP range of a byte span.
pub fn range(file: &SourceFile, span: Span) -> lsp::Range {
    lsp::Range::new(
        position(file, span.start as usize),
        position(file, span.end as usize),
    )
}

/// The LSP position of a byte offset: 0-based line, column in UTF-16 code units.
fn position(file: &SourceFile, offset: usize) -> lsp::Position {
    let at = file.position(offset);
    let character = file.utf16_column(offset);
    lsp::Position::new(
        u32::try_from(at.line - 1).unwrap_or(u32::MAX),
        u32::try_from(character).unwrap_or(u32::MAX),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_utf16_units() {
        let text = "a\n  x = [\"ü😀\", \"y\"]\r\nz";
        let file = SourceFile::new("m.tf".into(), text.into());
        let y = text.find("\"y\"").unwrap_or_default();
        let r = range(&file, Span::new(FileId(0), y, y + 3));
        // `  x = ["ü😀", ` is 13 chars, 14 UTF-16 units (😀 is a surrogate pair), 17 bytes.
        assert_eq!(r.start, lsp::Position::new(1, 14));
        assert_eq!(r.end, lsp::Position::new(1, 17));
        let end = range(&file, Span::new(FileId(0), text.len(), text.len()));
        assert_eq!(end.start, lsp::Position::new(2, 1));
    }
}
