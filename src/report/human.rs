//! The human reporter: codespan-reporting snippets (the commonest written directly, as codespan
//! would write them: [`super::snippet`]) and a summary line. Everything taken from
//! the linted files (paths, messages, source lines) is escaped ([`super::escape`]) and bounded
//! ([`super::excerpt`]), so the output is safe to print in a terminal or a CI log.

use std::borrow::Cow;
use std::io::{self, Write};
use std::ops::Range;

use codespan_reporting::diagnostic::{self as cs, Label};
use codespan_reporting::files;
use codespan_reporting::term::{self, termcolor};

use super::escape::visible;
use super::excerpt::Excerpts;
use super::snippet;
use super::{RenderOptions, Report, Summary};
use crate::diagnostic::{Diagnostic, Severity};
use crate::limits::MAX_SHOWN_RELATED;
use crate::rules::RuleMeta;
use crate::source::{FileId, Span};
use foldhash::HashMap;

/// Renders each shown diagnostic as a source snippet, then the summary line.
///
/// Colour uses ANSI escapes when `opts.color` is set; deciding whether the terminal supports
/// them is the caller's business.
pub fn render(report: &Report, opts: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let config = term::Config::default();
    let shown: Vec<&Diagnostic> = super::visible(report, opts).collect();
    // Each rule's `ID name`, made once rather than once for each of its findings.
    let codes: HashMap<&str, String> = report.rules.iter().map(|r| (r.id, code_of(r))).collect();
    super::rendered_in_order(
        &shown,
        |_, d, text| {
            let words = Words::of(report, &codes, d);
            let labels: Vec<(Span, &str)> = std::iter::once((d.span, ""))
                .chain(
                    d.related
                        .iter()
                        .map(|r| r.span)
                        .zip(words.related.iter().map(|m| &**m)),
                )
                .collect();
            let header = snippet::Header {
                severity: d.severity.as_str(),
                code: Some(&words.code),
                message: &words.message,
                notes: &words.notes,
            };
            if snippet::write_direct(&report.sources, &header, &labels, opts.color, text) {
                return Ok(());
            }
            let spans: Vec<Span> = labels.iter().map(|(span, _)| *span).collect();
            let (files, ranges) = Excerpts::new(&report.sources, &spans);
            let diagnostic = to_codespan(words, ranges);
            if snippet::write_plain(&files, &diagnostic, opts.color, text) {
                return Ok(());
            }
            if opts.color {
                let w = &mut termcolor::Ansi::new(&mut *text);
                term::emit_to_write_style(w, &config, &files, &diagnostic).map_err(into_io)?;
            } else {
                let w = &mut termcolor::NoColor::new(&mut *text);
                term::emit_to_write_style(w, &config, &files, &diagnostic).map_err(into_io)?;
            }
            Ok(())
        },
        |text| out.write_all(text),
    )?;
    if opts.quiet {
        return Ok(());
    }
    writeln!(out, "{}", summary_line(&Summary::of(report)))
}

/// What a finding's snippet says besides its source lines: the header `severity[ID name]:
/// message`, the messages of the related spans shown, and the `help:` / `suppressed:` notes.
/// Everything taken from the linted files is escaped.
struct Words<'d> {
    severity: Severity,
    code: Cow<'d, str>,
    message: Cow<'d, str>,
    /// The messages of the first [`MAX_SHOWN_RELATED`] related spans.
    related: Vec<Cow<'d, str>>,
    notes: Vec<String>,
}

impl<'d> Words<'d> {
    /// The words of `d`; `codes` has the `ID name` of the rules that ran.
    fn of(report: &Report, codes: &'d HashMap<&str, String>, d: &'d Diagnostic) -> Words<'d> {
        let code = match codes.get(d.rule) {
            Some(code) => Cow::Borrowed(code.as_str()),
            None => Cow::Owned(match super::rule_meta(report, d.rule) {
                Some(meta) => code_of(meta),
                None => d.rule.to_string(),
            }),
        };
        let related = d
            .related
            .iter()
            .take(MAX_SHOWN_RELATED)
            .map(|r| visible(&r.message))
            .collect();
        let mut notes = Vec::new();
        if let Some(more) = d
            .related
            .len()
            .checked_sub(MAX_SHOWN_RELATED)
            .filter(|n| *n > 0)
        {
            notes.push(format!(
                "and {more} more secondary locations (the JSON and SARIF outputs list them all)"
            ));
        }
        if let Some(help) = &d.help {
            notes.push(["help: ", &visible(help)].concat());
        }
        if let Some(s) = &d.suppressed {
            notes.push(match &s.justification {
                Some(j) => format!("suppressed: {}", visible(j)),
                None => "suppressed".to_string(),
            });
        }
        Words {
            severity: d.severity,
            code,
            message: visible(&d.message),
            related,
            notes,
        }
    }
}

/// A rule as a finding's header names it: `EKS105 invalid-entry-type`.
fn code_of(meta: &RuleMeta) -> String {
    [meta.id, " ", meta.name].concat()
}

/// `2 errors, 0 warnings, 1 note in 2 files`, then `(3 suppressed)` when findings were.
///
/// The documented shape is `N errors, N warnings, N notes in N files`; each noun is pluralised
/// correctly (`1 error`, `1 file`). Suppressed findings are counted apart.
fn summary_line(s: &Summary) -> String {
    let suppressed = if s.suppressed > 0 {
        format!(" ({} suppressed)", s.suppressed)
    } else {
        String::new()
    };
    format!(
        "{}, {}, {} in {}{suppressed}",
        counted(s.errors, "error"),
        counted(s.warnings, "warning"),
        counted(s.notes, "note"),
        counted(s.files, "file"),
    )
}

fn counted(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("{n} {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// A finding as codespan's: its words, the primary span and then the related spans as labelled
/// secondary spans. `ranges` are the primary span and then the related spans, as byte ranges
/// of the files shown.
fn to_codespan(words: Words, ranges: Vec<(FileId, Range<usize>)>) -> cs::Diagnostic<FileId> {
    let severity = match words.severity {
        Severity::Error => cs::Severity::Error,
        Severity::Warning => cs::Severity::Warning,
        Severity::Note => cs::Severity::Note,
    };
    let mut ranges = ranges.into_iter();
    let labels: Vec<Label<FileId>> =
        ranges
            .next()
            .map(|(file, range)| Label::primary(file, range))
            .into_iter()
            .chain(ranges.zip(words.related).map(|((file, range), message)| {
                Label::secondary(file, range).with_message(message)
            }))
            .collect();
    cs::Diagnostic::new(severity)
        .with_code(words.code.into_owned())
        .with_message(words.message)
        .with_labels(labels)
        .with_notes(words.notes)
}

fn into_io(e: files::Error) -> io::Error {
    match e {
        files::Error::Io(e) => e,
        other => io::Error::other(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::RENDERED_AT_ONCE;
    use crate::report::testutil;

    fn rendered(opts: RenderOptions) -> String {
        testutil::rendered(crate::report::Format::Human, opts)
    }

    #[test]
    fn human_shows_header_snippet_related_help_and_summary() {
        let s = rendered(RenderOptions::default());
        assert!(
            s.contains("error[EKS104 duplicate-principal]: principal arn:aws:iam::123456789012:role/ci already has an access entry"),
            "{s}"
        );
        assert!(s.contains("first access entry for this principal"), "{s}");
        assert!(s.contains("= help: remove one of the two entries"), "{s}");
        assert!(
            s.contains("note[EKS124 role-username-without-session-name]"),
            "{s}"
        );
        // Char column: 19 chars (21 bytes) precede the value on its line.
        assert!(s.contains(&format!("{}:5:20", testutil::TF_PATH)), "{s}");
        assert!(
            s.ends_with("2 errors, 0 warnings, 1 note in 2 files (1 suppressed)\n"),
            "{s}"
        );
        assert!(!s.contains('\u{1b}'), "no escapes without colour: {s}");
    }

    #[test]
    fn findings_of_several_chunks_are_written_in_order() {
        let mut report = testutil::report();
        report.diagnostics.retain(|d| d.suppressed.is_none());
        let one = report.diagnostics.clone();
        // More findings than one chunk holds, each with its own message.
        report.diagnostics = (0..RENDERED_AT_ONCE * 2 + 3)
            .map(|i| {
                let mut d = one[i % one.len()].clone();
                d.message = format!("finding {i}");
                d
            })
            .collect();
        let opts = RenderOptions {
            quiet: true,
            ..RenderOptions::default()
        };
        let mut all = Vec::new();
        render(&report, &opts, &mut all).expect("rendering to memory");
        let mut expected = Vec::new();
        for d in &report.diagnostics {
            let mut alone = testutil::report();
            alone.diagnostics = vec![d.clone()];
            render(&alone, &opts, &mut expected).expect("rendering to memory");
        }
        assert!(all == expected, "the findings are not in their order");
        let text = String::from_utf8(all).expect("UTF-8");
        let last = format!("finding {}", RENDERED_AT_ONCE * 2 + 2);
        assert!(text.contains(&last), "{last} is missing");
    }

    #[test]
    fn human_omits_suppressed_unless_asked() {
        let hidden = rendered(RenderOptions::default());
        assert!(!hidden.contains("EKS401"), "{hidden}");
        let shown = rendered(RenderOptions {
            show_suppressed: true,
            ..RenderOptions::default()
        });
        assert!(
            shown.contains("warning[EKS401 cluster-admin-policy]"),
            "{shown}"
        );
        assert!(
            shown.contains("= suppressed: break-glass role, reviewed"),
            "{shown}"
        );
        // The summary counts suppressed findings apart.
        assert!(
            shown.ends_with("2 errors, 0 warnings, 1 note in 2 files (1 suppressed)\n"),
            "{shown}"
        );
    }

    #[test]
    fn quiet_leaves_out_the_summary() {
        let s = rendered(RenderOptions {
            quiet: true,
            ..RenderOptions::default()
        });
        assert!(s.contains("EKS"), "{s}");
        assert!(!s.contains(" in 2 files"), "{s}");
    }

    #[test]
    fn human_colour_uses_ansi_escapes() {
        let s = rendered(RenderOptions {
            color: true,
            ..RenderOptions::default()
        });
        assert!(s.contains("\u{1b}["), "{s}");
    }

    #[test]
    fn summary_pluralises() {
        let one = Summary {
            errors: 1,
            warnings: 1,
            notes: 1,
            suppressed: 0,
            files: 1,
        };
        assert_eq!(summary_line(&one), "1 error, 1 warning, 1 note in 1 file");
        assert_eq!(
            summary_line(&Summary::default()),
            "0 errors, 0 warnings, 0 notes in 0 files"
        );
    }

    #[test]
    fn long_lines_are_windowed_with_original_positions() {
        use crate::diagnostic::Diagnostic;
        use crate::ir::Related;
        use crate::source::{SourceFile, SourceMap};
        let filler: String = (0..200).map(|i| format!("\"k{i}\":\"ü\",")).collect();
        let text = format!("{{{filler}\"Type\":\"Standard\",{filler}\"End\":1}}\nsecond line\n");
        let mut sources = SourceMap::default();
        let id = sources.add(SourceFile::new("min.json".into(), text.clone()));
        let at = text.find("\"Standard\"").unwrap();
        let related = text.find("second").unwrap();
        let rule = crate::rules::lookup("EKS105").unwrap();
        let d =
            Diagnostic::new(rule, Span::new(id, at, at + 10), "bad type".into()).with_related([
                Related {
                    span: Span::new(id, related, related + 6),
                    message: "see here".into(),
                },
            ]);
        let report = Report {
            sources,
            diagnostics: vec![d],
            rules: vec![rule],
            files_linted: 1,
            failed: false,
            skipped: Vec::new(),
        };
        let mut out = Vec::new();
        render(&report, &RenderOptions::default(), &mut out).unwrap();
        let s = String::from_utf8(out).unwrap();
        let column = text[..at].chars().count() + 1;
        assert!(s.contains(&format!("min.json:1:{column}")), "{s}");
        assert!(s.lines().all(|l| l.chars().count() < 300), "{s}");
        assert!(
            s.contains("…") && s.contains("\"Type\":\"Standard\"") && s.contains("^^^^^^^^^^"),
            "{s}"
        );
        assert!(
            s.contains("2 │ second line") && s.contains("see here"),
            "{s}"
        );
    }

    /// Renders one diagnostic of `rule` at `span` with secondary labels at `related`.
    fn render_one(text: &str, span: (usize, usize), related: &[(usize, usize)]) -> String {
        use crate::diagnostic::Diagnostic;
        use crate::ir::Related;
        use crate::source::{SourceFile, SourceMap};
        let mut sources = SourceMap::default();
        let id = sources.add(SourceFile::new("f\u{1b}[2J.tf".into(), text.into()));
        let rule = crate::rules::lookup("EKS105").unwrap();
        let d = Diagnostic::new(
            rule,
            Span::new(id, span.0, span.1),
            "bad\r\n::error::x".into(),
        )
        .with_related(related.iter().map(|&(a, b)| Related {
            span: Span::new(id, a, b),
            message: "see \u{202e}here".into(),
        }));
        let report = Report {
            sources,
            diagnostics: vec![d],
            rules: vec![rule],
            files_linted: 1,
            failed: false,
            skipped: Vec::new(),
        };
        let mut out = Vec::new();
        render(&report, &RenderOptions::default(), &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn control_characters_are_shown_visibly_with_labels_in_place() {
        let text = "ü = \"a\u{1b}]0;t\u{7}b\"\n";
        let start = text.find('"').unwrap();
        let s = render_one(text, (start, text.len() - 1), &[]);
        assert!(!s.chars().any(|c| c.is_control() && c != '\n'), "{s:?}");
        assert!(
            s.contains("error[EKS105 invalid-entry-type]: bad\\r\\n::error::x"),
            "{s}"
        );
        assert!(s.contains("f\\x1b[2J.tf:1:5"), "{s}");
        // The escapes are underlined as the text they are shown as.
        let shown = "\"a\\x1b]0;t\\x07b\"";
        assert!(s.contains(&format!("1 │ ü = {shown}\n")), "{s}");
        assert!(
            s.contains(&format!("  │     {}\n", "^".repeat(shown.len()))),
            "{s}"
        );
    }

    #[test]
    fn labels_far_apart_on_one_line_get_windows_of_their_own() {
        let filler = "x".repeat(100_000);
        let text = format!("a = [\"{filler}\", \"b\", \"{filler}\", \"c\"]\n");
        let b = text.find("\"b\"").unwrap();
        let c = text.find("\"c\"").unwrap();
        let s = render_one(&text, (c, c + 3), &[(b, b + 3)]);
        assert!(s.len() < 2000, "{} bytes: {s}", s.len());
        assert!(s.contains(&format!("f\\x1b[2J.tf:1:{}", c + 1)), "{s}");
        assert!(s.contains("see \\u{202e}here"), "{s}");
        // Three elisions: before b, between b and c, none after c (the line ends within context).
        let line = s.lines().find(|l| l.starts_with("1 │")).unwrap();
        assert_eq!(line.matches('…').count(), 2, "{line}");
        assert!(line.contains("\"b\"") && line.contains("\"c\""), "{line}");
    }

    #[test]
    fn spans_over_many_lines_are_underlined_on_their_first_line() {
        let lines: String = (0..1000).map(|i| format!("  l{i}\n")).collect();
        let text = format!("a = <<EOT\n{lines}EOT\nb = 1\n");
        let start = text.find("<<EOT").unwrap();
        let end = text.find("EOT\nb").unwrap() + 3;
        let s = render_one(&text, (start, end), &[]);
        assert!(s.contains("1 │ a = <<EOT\n"), "{s}");
        assert!(!s.contains("l999") && !s.contains("l1 "), "{s}");
        // A span over a few lines is drawn whole.
        let short = "a = [\n  1,\n  2,\n]\n";
        let s = render_one(short, (4, short.len() - 1), &[]);
        assert!(s.contains("3 │ │   2,") && s.contains("4 │ │ ]"), "{s}");
    }
}
