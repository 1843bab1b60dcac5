//! The JSON reporter: one pretty-printed object, format version 1.
//!
//! ```json
//! {"version": 1, "diagnostics": [...],
//!  "summary": {"errors": 0, "warnings": 0, "notes": 0, "files": 0, "suppressed": 0}}
//! ```

use std::io::{self, Write};

use serde::Serialize;

use super::{RenderOptions, Report, Summary};
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::{Position, Span};

/// The version of this output format; bumped on incompatible changes.
const VERSION: u32 = 1;

/// The whole document as one value: what [`render`] writes piece by piece.
#[cfg(test)]
#[derive(Serialize)]
struct Output<'a> {
    version: u32,
    diagnostics: Vec<JsonDiagnostic<'a>>,
    summary: JsonSummary,
}

#[derive(Serialize)]
struct JsonSummary {
    errors: usize,
    warnings: usize,
    notes: usize,
    files: usize,
    suppressed: usize,
}

impl JsonSummary {
    fn of(report: &Report) -> JsonSummary {
        let s = Summary::of(report);
        JsonSummary {
            errors: s.errors,
            warnings: s.warnings,
            notes: s.notes,
            files: s.files,
            suppressed: s.suppressed,
        }
    }
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    rule: &'a str,
    /// `null` only for an id missing from the catalog.
    name: Option<&'a str>,
    severity: Severity,
    message: &'a str,
    file: &'a str,
    span: JsonSpan,
    related: Vec<JsonRelated<'a>>,
    help: Option<&'a str>,
    /// Present only on suppressed findings (shown with `--show-suppressed`).
    #[serde(skip_serializing_if = "Option::is_none")]
    suppressed: Option<JsonSuppressed<'a>>,
    /// The edits that correct the finding, when its rule has them.
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<JsonFix<'a>>,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    title: &'a str,
    /// `safe` (applied by `--fix`) or `unsafe` (by `--unsafe-fixes`).
    safety: &'a str,
    edits: Vec<JsonEdit<'a>>,
}

/// Replace the text of `span` in `file` (empty: insert) with `text`.
#[derive(Serialize)]
struct JsonEdit<'a> {
    file: &'a str,
    span: JsonSpan,
    text: &'a str,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    message: &'a str,
    file: &'a str,
    span: JsonSpan,
}

#[derive(Serialize)]
struct JsonSuppressed<'a> {
    justification: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonSpan {
    start: JsonPosition,
    end: JsonPosition,
}

/// 1-based line, 1-based column in Unicode scalar values, 0-based byte offset.
#[derive(Serialize)]
struct JsonPosition {
    line: usize,
    column: usize,
    offset: usize,
}

impl From<Position> for JsonPosition {
    fn from(p: Position) -> JsonPosition {
        JsonPosition {
            line: p.line,
            column: p.column,
            offset: p.offset,
        }
    }
}

/// Renders the report as pretty-printed JSON followed by a newline. The findings are
/// rendered on the lint threads (each pretty-printed alone, then indented to its place in the
/// array) and written in order: a run's findings are not held twice.
pub fn render(report: &Report, opts: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let shown: Vec<&Diagnostic> = super::visible(report, opts).collect();
    write!(out, "{{\n  \"version\": {VERSION},\n  \"diagnostics\": [")?;
    super::json_array_items(out, &shown, b"  ", |d| diagnostic(report, d))?;
    let mut text = Vec::new();
    serde_json::to_writer_pretty(&mut text, &JsonSummary::of(report))?;
    out.write_all(b"],\n  \"summary\": ")?;
    out.write_all(super::indented(&text, b"  ").trim_ascii_start())?;
    out.write_all(b"\n}\n")
}

fn diagnostic<'a>(report: &'a Report, d: &'a Diagnostic) -> JsonDiagnostic<'a> {
    JsonDiagnostic {
        rule: d.rule,
        name: super::rule_meta(report, d.rule).map(|m| m.name),
        severity: d.severity,
        message: &d.message,
        file: &report.sources.get(d.span.file).path,
        span: span(report, d.span),
        related: d
            .related
            .iter()
            .map(|r| JsonRelated {
                message: &r.message,
                file: &report.sources.get(r.span.file).path,
                span: span(report, r.span),
            })
            .collect(),
        help: d.help.as_deref(),
        suppressed: d.suppressed.as_ref().map(|s| JsonSuppressed {
            justification: s.justification.as_deref(),
        }),
        fix: d.fix.as_deref().map(|f| JsonFix {
            title: &f.title,
            safety: f.safety.as_str(),
            edits: f
                .edits
                .iter()
                .map(|e| JsonEdit {
                    file: &report.sources.get(e.span.file).path,
                    span: span(report, e.span),
                    text: &e.text,
                })
                .collect(),
        }),
    }
}

fn span(report: &Report, span: Span) -> JsonSpan {
    let (start, end) = report.sources.range(span);
    JsonSpan {
        start: start.into(),
        end: end.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testutil;
    use serde_json::{Value, json};

    /// The report as one value printed whole: what `render` must write.
    fn printed_whole(report: &Report, opts: &RenderOptions) -> Vec<u8> {
        let output = Output {
            version: VERSION,
            diagnostics: crate::report::visible(report, opts)
                .map(|d| diagnostic(report, d))
                .collect(),
            summary: JsonSummary::of(report),
        };
        let mut text = serde_json::to_vec_pretty(&output).expect("JSON");
        text.push(b'\n');
        text
    }

    #[test]
    fn the_findings_rendered_apart_make_the_document_printed_whole() {
        let mut many = testutil::report();
        let one = many.diagnostics.clone();
        many.diagnostics = (0..crate::report::RENDERED_AT_ONCE * 2 + 3)
            .map(|i| {
                let mut d = one[i % one.len()].clone();
                d.message = format!("finding {i}");
                d
            })
            .collect();
        let mut none = testutil::report();
        none.diagnostics.clear();
        for report in [testutil::report(), many, none] {
            for show_suppressed in [false, true] {
                let opts = RenderOptions {
                    show_suppressed,
                    ..RenderOptions::default()
                };
                let mut text = Vec::new();
                render(&report, &opts, &mut text).expect("rendering to memory");
                assert_eq!(
                    String::from_utf8(text).expect("UTF-8"),
                    String::from_utf8(printed_whole(&report, &opts)).expect("UTF-8")
                );
            }
        }
    }

    fn rendered(opts: RenderOptions) -> (String, Value) {
        let text = testutil::rendered(crate::report::Format::Json, opts);
        let value = serde_json::from_str(&text).unwrap();
        (text, value)
    }

    #[test]
    fn json_has_fields_positions_and_summary() {
        let (text, v) = rendered(RenderOptions::default());
        assert!(text.ends_with("}\n"));
        assert_eq!(v["version"], 1);
        assert_eq!(
            v["summary"],
            json!({"errors": 2, "warnings": 0, "notes": 1, "files": 2, "suppressed": 1})
        );
        let diags = v["diagnostics"].as_array().unwrap();
        let rules: Vec<&str> = diags.iter().map(|d| d["rule"].as_str().unwrap()).collect();
        assert_eq!(rules, ["EKS104", "EKS124", "EKS105"]);

        let first = &diags[0];
        assert_eq!(first["name"], "duplicate-principal");
        assert_eq!(first["severity"], "error");
        assert_eq!(first["file"], "cfn/stack.yaml");
        assert_eq!(first["help"], "remove one of the two entries");
        assert_eq!(first["related"][0]["file"], testutil::TF_PATH);
        assert_eq!(
            first["related"][0]["message"],
            "first access entry for this principal"
        );
        assert_eq!(first["related"][0]["span"]["start"]["line"], 3);
        assert!(first.get("suppressed").is_none());

        let eks105 = &diags[2];
        let offset = testutil::TF.find("\"standrd\"").unwrap();
        assert_eq!(
            eks105["span"],
            json!({
                "start": {"line": 5, "column": 20, "offset": offset},
                "end": {"line": 5, "column": 29, "offset": offset + 9},
            })
        );
        assert_eq!(diags[1]["help"], Value::Null);
    }

    #[test]
    fn json_shows_suppressed_with_justification_when_asked() {
        let (_, v) = rendered(RenderOptions {
            show_suppressed: true,
            ..RenderOptions::default()
        });
        let diags = v["diagnostics"].as_array().unwrap();
        assert_eq!(diags.len(), 4);
        assert_eq!(diags[1]["rule"], "EKS401");
        assert_eq!(
            diags[1]["suppressed"],
            json!({"justification": "break-glass role, reviewed"})
        );
    }
}
