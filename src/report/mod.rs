//! Reporters: turn a [`Report`] into human, JSON, SARIF or GitHub output.
//!
//! Reporters know nothing of rule logic: they read diagnostics, the rule catalog and sources.
//! Every reporter writes diagnostics in the order of [`Report::diagnostics`] and iterates no hash
//! map, so output is deterministic.

pub mod escape;
mod excerpt;
pub mod github;
pub mod human;
pub mod json;
mod location;
pub mod sarif;
mod snippet;

use rayon::prelude::*;
use std::io::{self, Write};

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{self, RuleMeta};
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
    /// Whether an unsuppressed finding is at or above the `fail-on` severity of its file's
    /// configuration (the exit code is then 1).
    pub failed: bool,
    /// YAML and JSON files that were read but are not one of the input formats, and why.
    pub skipped: Vec<(crate::source::FileId, crate::parse::Skipped)>,
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

/// Renders `report` in `format` to `out`.
pub fn render(
    format: Format,
    report: &Report,
    opts: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Human => human::render(report, opts, out),
        Format::Json => json::render(report, opts, out),
        Format::Sarif => sarif::render(report, opts, out),
        Format::Github => github::render(report, opts, out),
    }
}

/// Counts of a report's findings. Suppressed findings are counted only in `suppressed`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
    pub suppressed: usize,
    /// The number of files linted.
    pub files: usize,
}

impl Summary {
    /// Counts the findings of `report`.
    pub fn of(report: &Report) -> Summary {
        let mut summary = Summary {
            files: report.files_linted,
            ..Summary::default()
        };
        for d in &report.diagnostics {
            let count = if d.suppressed.is_some() {
                &mut summary.suppressed
            } else {
                match d.severity {
                    Severity::Error => &mut summary.errors,
                    Severity::Warning => &mut summary.warnings,
                    Severity::Note => &mut summary.notes,
                }
            };
            *count += 1;
        }
        summary
    }
}

/// The diagnostics a non-SARIF reporter shows: unsuppressed ones, and suppressed ones too with
/// `show_suppressed`.
fn visible<'r>(report: &'r Report, opts: &RenderOptions) -> impl Iterator<Item = &'r Diagnostic> {
    let show_suppressed = opts.show_suppressed;
    report
        .diagnostics
        .iter()
        .filter(move |d| show_suppressed || d.suppressed.is_none())
}

/// How many findings are rendered before their text is written.
const RENDERED_AT_ONCE: usize = 1024;

/// How many findings a task renders into one text: one allocation (freed by the writing
/// thread, not the one that made it) for a few findings rather than for each.
const RENDERED_TOGETHER: usize = 32;

/// Renders the findings on the lint threads a chunk at a time and hands each text to `write`
/// in order: the output does not depend on the thread count, and no more than a chunk's text
/// is held. `render` appends a finding, given with its index in `shown`, to a text.
fn rendered_in_order<T: Sync>(
    shown: &[T],
    render: impl Fn(usize, &T, &mut Vec<u8>) -> io::Result<()> + Sync,
    mut write: impl FnMut(&[u8]) -> io::Result<()>,
) -> io::Result<()> {
    for (chunk_index, chunk) in shown.chunks(RENDERED_AT_ONCE).enumerate() {
        let first = chunk_index * RENDERED_AT_ONCE;
        // Each text with how its rendering ended: the findings before one that failed are
        // written before the error is returned.
        let texts: Vec<(Vec<u8>, io::Result<()>)> = crate::threads::run(|| {
            chunk
                .par_chunks(RENDERED_TOGETHER)
                .enumerate()
                .map(|(part_index, part)| {
                    let first = first + part_index * RENDERED_TOGETHER;
                    let mut text = Vec::new();
                    let mut ended = Ok(());
                    for (i, item) in part.iter().enumerate() {
                        let before = text.len();
                        if let Err(e) = render(first + i, item, &mut text) {
                            // Nothing of the finding that failed.
                            text.truncate(before);
                            ended = Err(e);
                            break;
                        }
                    }
                    (text, ended)
                })
                .collect()
        });
        for (text, ended) in texts {
            write(&text)?;
            ended?;
        }
    }
    Ok(())
}

/// Writes the items of a pretty-printed JSON array whose `[` is written and whose `]` is not,
/// as the printer would: each item serialized alone on the lint threads (see
/// [`rendered_in_order`]), indented two spaces past `indent`, one after another; then, when
/// there were items, the line break and `indent` before the `]`.
fn json_array_items<T: Sync, S: serde::Serialize>(
    out: &mut dyn Write,
    items: &[T],
    indent: &[u8],
    item: impl Fn(&T) -> S + Sync,
) -> io::Result<()> {
    let item_indent = [indent, b"  "].concat();
    rendered_in_order(
        items,
        |i, t, text| {
            text.extend_from_slice(if i == 0 { b"\n" } else { b",\n" });
            let mut json = Vec::new();
            serde_json::to_writer_pretty(&mut json, &item(t))?;
            indent_into(&json, &item_indent, text);
            Ok(())
        },
        |text| out.write_all(text),
    )?;
    if !items.is_empty() {
        out.write_all(b"\n")?;
        out.write_all(indent)?;
    }
    Ok(())
}

/// Pretty-printed JSON with `indent` before each line, to write it inside a larger document.
/// (A JSON string holds no line break, so every line break is the printer's.)
fn indented(json: &[u8], indent: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    indent_into(json, indent, &mut out);
    out
}

/// Appends [`indented`] `json` to `out`.
fn indent_into(json: &[u8], indent: &[u8], out: &mut Vec<u8>) {
    out.reserve(json.len() + json.len() / 8);
    for line in json.split_inclusive(|&b| b == b'\n') {
        out.extend_from_slice(indent);
        out.extend_from_slice(line);
    }
}

/// The metadata of a diagnostic's rule: from the rules that ran, else from the whole catalog.
/// The rules that ran are sorted by id and searched, not read in turn for every finding:
/// policies may declare thousands.
pub(crate) fn rule_meta(report: &Report, id: &str) -> Option<&'static RuleMeta> {
    report
        .rules
        .binary_search_by(|r| r.id.cmp(id))
        .ok()
        .map(|i| report.rules[i])
        .or_else(|| rules::lookup(id))
}

#[cfg(test)]
pub(crate) mod testutil {
    //! A small hand-built report shared by the reporters' unit tests.

    use super::Report;
    use crate::diagnostic::{Diagnostic, Severity, Suppression};
    use crate::ir::Related;
    use crate::rules::{self, RuleMeta};
    use crate::source::{FileId, SourceFile, SourceMap, Span};

    /// The CloudFormation file (first in path order).
    pub const CFN: &str = "\
Resources:
  Entry:
    Type: AWS::EKS::AccessEntry
    Properties:
      PrincipalArn: arn:aws:iam::123456789012:role/ci
      AccessPolicies:
        - PolicyArn: arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy
";

    /// The Terraform file: line 5 has non-ASCII text before the EKS105 span.
    pub const TF: &str = "\
resource \"aws_eks_access_entry\" \"ci\" {
  cluster_name  = \"prod\"
  principal_arn = \"arn:aws:iam::123456789012:role/ci\"
  user_name     = \"ci\"
  /* ünï */ type = \"standrd\"
}
";

    /// The shared report rendered in `format`.
    pub fn rendered(format: super::Format, opts: super::RenderOptions) -> String {
        let mut out = Vec::new();
        super::render(format, &report(), &opts, &mut out).expect("rendering to memory");
        String::from_utf8(out).expect("reports are UTF-8")
    }

    /// The display path of the Terraform file (with a space, to exercise URI encoding).
    pub const TF_PATH: &str = "envs/prod cluster/main.tf";

    fn rule(id: &str) -> &'static RuleMeta {
        match rules::lookup(id) {
            Some(r) => r,
            None => panic!("rule {id} is in the catalog"),
        }
    }

    /// The span of the first occurrence of `needle` in `text`.
    pub fn span_of(file: FileId, text: &str, needle: &str) -> Span {
        span_in(file, text, needle, needle)
    }

    /// The span of `needle` inside the first occurrence of `context` in `text`.
    pub fn span_in(file: FileId, text: &str, context: &str, needle: &str) -> Span {
        let start = text
            .find(context)
            .and_then(|at| Some(at + context.find(needle)?))
            .unwrap_or_else(|| panic!("{needle:?} in {context:?} occurs in the test source"));
        Span::new(file, start, start + needle.len())
    }

    /// Two files; an error with related location and help, an error with help, a note, and a
    /// suppressed warning.
    pub fn report() -> Report {
        let mut sources = SourceMap::default();
        let cfn = sources.add(SourceFile::new("cfn/stack.yaml".into(), CFN.into()));
        let tf = sources.add(SourceFile::new(TF_PATH.into(), TF.into()));
        let diagnostics = vec![
            Diagnostic::new(
                rule("EKS104"),
                span_of(cfn, CFN, "arn:aws:iam::123456789012:role/ci"),
                "principal arn:aws:iam::123456789012:role/ci already has an access entry".into(),
            )
            .with_related([Related {
                span: span_of(tf, TF, "\"arn:aws:iam::123456789012:role/ci\""),
                message: "first access entry for this principal".into(),
            }])
            .with_help("remove one of the two entries"),
            Diagnostic {
                suppressed: Some(Suppression {
                    justification: Some("break-glass role, reviewed".into()),
                }),
                ..Diagnostic::new(
                    rule("EKS401"),
                    span_of(
                        cfn,
                        CFN,
                        "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
                    ),
                    "AmazonEKSClusterAdminPolicy grants every verb on every resource".into(),
                )
            },
            Diagnostic::new(
                rule("EKS124"),
                span_in(tf, TF, "user_name     = \"ci\"", "\"ci\""),
                "custom username for a role without {{SessionName}}".into(),
            ),
            Diagnostic::new(
                rule("EKS105"),
                span_of(tf, TF, "\"standrd\""),
                "type \"standrd\" is not a valid access entry type".into(),
            )
            .with_help("did you mean \"STANDARD\"?"),
        ];
        let mut rules: Vec<&'static RuleMeta> = ["EKS104", "EKS105", "EKS124", "EKS401"]
            .into_iter()
            .map(rule)
            .collect();
        rules.sort_by_key(|r| r.id);
        Report {
            skipped: Vec::new(),
            sources,
            diagnostics,
            rules,
            files_linted: 2,
            failed: false,
        }
    }

    /// Checks the fixture's severities, so tests read clearly.
    #[test]
    fn fixture_has_expected_severities() {
        let r = report();
        let sev: Vec<Severity> = r.diagnostics.iter().map(|d| d.severity).collect();
        assert_eq!(
            sev,
            [
                Severity::Error,
                Severity::Warning,
                Severity::Note,
                Severity::Error
            ]
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Texts are written in the order of the findings, whatever task renders them; when a
    /// finding cannot be rendered, those before it are written, nothing of it or after it, and
    /// the error is returned.
    #[test]
    fn rendered_in_order_writes_what_comes_before_a_failure() {
        let items: Vec<usize> = (0..RENDERED_AT_ONCE + 100).collect();
        let render = |fail: Option<usize>| {
            move |i: usize, item: &usize, text: &mut Vec<u8>| {
                assert_eq!(i, *item, "the index given is the item's");
                text.extend_from_slice(format!("{item},").as_bytes());
                if Some(i) == fail {
                    return Err(io::Error::other("cannot render"));
                }
                Ok(())
            }
        };
        let expected = |n: usize| -> String { (0..n).map(|i| format!("{i},")).collect() };
        let mut out = Vec::new();
        rendered_in_order(&items, render(None), |t| {
            out.extend_from_slice(t);
            Ok(())
        })
        .unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), expected(items.len()));

        // In the second chunk, past the first of its texts.
        let fail = RENDERED_AT_ONCE + RENDERED_TOGETHER + 5;
        let mut out = Vec::new();
        let e = rendered_in_order(&items, render(Some(fail)), |t| {
            out.extend_from_slice(t);
            Ok(())
        })
        .unwrap_err();
        assert_eq!(e.to_string(), "cannot render");
        assert_eq!(String::from_utf8(out).unwrap(), expected(fail));
    }

    #[test]
    fn summary_counts_suppressed_separately() {
        let s = Summary::of(&testutil::report());
        assert_eq!(
            s,
            Summary {
                errors: 2,
                warnings: 0,
                notes: 1,
                suppressed: 1,
                files: 2
            }
        );
    }

    #[test]
    fn dispatcher_renders_every_format() {
        let report = testutil::report();
        for format in [Format::Human, Format::Json, Format::Sarif, Format::Github] {
            let mut out = Vec::new();
            render(format, &report, &RenderOptions::default(), &mut out).unwrap();
            assert!(!out.is_empty(), "{format:?} wrote nothing");
        }
    }
}
