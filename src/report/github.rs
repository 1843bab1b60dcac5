//! The GitHub Actions reporter: one workflow command per finding, which the runner turns into
//! an annotation on the file.
//!
//! `::error file=F,line=L,col=C,endLine=L,endColumn=C,title=ID name::message`, with `::warning`
//! for warnings and `::notice` for notes. Columns count Unicode scalar values and `endColumn` is
//! the column just after the span, as in the JSON and SARIF output. Secondary locations and the
//! help follow the message on lines of their own. Text from the linted files is escaped
//! visibly ([`visible`]), then as GitHub's runner reads commands (`%`, CR and LF in the message;
//! also `:` and `,` in properties), so no input ends a command early or starts another.

use std::borrow::Cow;
use std::io::{self, Write};
use std::sync::OnceLock;

use super::escape::{self, visible};
use super::location::Locator;
use super::{RenderOptions, Report};
use crate::diagnostic::{Diagnostic, Severity};
use crate::limits::MAX_SHOWN_RELATED;
use foldhash::HashMap;

/// Writes one workflow command line per shown diagnostic, rendered on the lint threads (see
/// [`super::rendered_in_order`]).
pub fn render(report: &Report, opts: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let locator = Locator::of_working_directory();
    // Each file's `file` property (its place in the repository) and each rule's `title`,
    // worked out and escaped once rather than for each finding.
    let file_property = |file| {
        let place = locator.place(&report.sources.get(file).path);
        escape_property(&path_property(place.path()))
    };
    let files: Vec<OnceLock<String>> = (0..report.sources.len()).map(|_| OnceLock::new()).collect();
    let title = |rule| escape_property(&title_of(report, rule));
    let titles: HashMap<&str, String> = report.rules.iter().map(|r| (r.id, title(r.id))).collect();
    let shown: Vec<&Diagnostic> = super::visible(report, opts).collect();
    super::rendered_in_order(
        &shown,
        |_, d, text| {
            let file = files[d.span.file.0 as usize].get_or_init(|| file_property(d.span.file));
            let title = match titles.get(d.rule) {
                Some(title) => Cow::Borrowed(title.as_str()),
                None => Cow::Owned(title(d.rule)),
            };
            command(report, file, &title, d, text)
        },
        |text| out.write_all(text),
    )
}

/// The `title` of a finding's rule, before escaping: its id and name.
fn title_of(report: &Report, rule: &str) -> String {
    match super::rule_meta(report, rule) {
        Some(meta) => format!("{} {}", meta.id, meta.name),
        None => rule.to_string(),
    }
}

/// Appends one workflow command and its line break, given its escaped `file` and `title`
/// properties; `file` is relative to the repository root, which is what the runner resolves
/// annotations against whatever directory ekslint ran in.
fn command(
    report: &Report,
    file: &str,
    title: &str,
    d: &Diagnostic,
    out: &mut Vec<u8>,
) -> io::Result<()> {
    let kind = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "notice",
    };
    let (start, end) = report.sources.range(d.span);
    write!(
        out,
        "::{kind} file={file},line={},col={},endLine={},endColumn={},title={title}::",
        start.line, start.column, end.line, end.column,
    )?;
    for piece in data_pieces(&message(report, d)) {
        out.extend_from_slice(piece.as_bytes());
    }
    out.push(b'\n');
    Ok(())
}

/// The message, then one line per secondary location (where a value came from, the earlier
/// duplicate) and the help: annotations have no other place for them.
/// Each part is escaped ([`visible`]) first, so that the line breaks are only ours.
fn message(report: &Report, d: &Diagnostic) -> String {
    let mut text = visible(&d.message).into_owned();
    for r in d.related.iter().take(MAX_SHOWN_RELATED) {
        let (start, _) = report.sources.range(r.span);
        let path = &report.sources.get(r.span.file).path;
        text.push_str(&format!(
            "\n{}: {}:{}:{}",
            visible(&r.message),
            visible(path),
            start.line,
            start.column
        ));
    }
    if let Some(more) = d
        .related
        .len()
        .checked_sub(MAX_SHOWN_RELATED)
        .filter(|n| *n > 0)
    {
        text.push_str(&format!("\nand {more} more secondary locations"));
    }
    if let Some(help) = &d.help {
        text.push_str(&format!("\nhelp: {}", visible(help)));
    }
    text
}

/// A path for the `file` property: exact where GitHub's escaping lets it round-trip (so the
/// annotation finds the file), with other control characters shown visibly.
fn path_property(path: &str) -> String {
    path.chars()
        .map(|c| match c {
            '\r' | '\n' => c.to_string(),
            _ => escape::escaped(c).unwrap_or_else(|| c.to_string()),
        })
        .collect()
}

/// Escapes a command's message: `%`, `\r` and `\n`.
fn escape_data(s: &str) -> String {
    data_pieces(s).collect()
}

/// `s` in pieces to be written one after another, with `%`, `\r` and `\n` escaped as in a
/// command's message.
fn data_pieces(s: &str) -> impl Iterator<Item = &str> {
    s.split_inclusive(['%', '\r', '\n']).flat_map(|piece| {
        // A piece ends with the character it was split after, or is the last piece.
        let escaped = match piece.as_bytes().last() {
            Some(b'%') => "%25",
            Some(b'\r') => "%0D",
            Some(b'\n') => "%0A",
            _ => return [piece, ""],
        };
        [&piece[..piece.len() - 1], escaped]
    })
}

/// Escapes a property value: as data, plus `:` and `,`.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testutil;

    fn rendered(opts: RenderOptions) -> String {
        testutil::rendered(crate::report::Format::Github, opts)
    }

    #[test]
    fn github_one_command_per_unsuppressed_finding() {
        let s = rendered(RenderOptions::default());
        let lines: Vec<&str> = s.lines().collect();
        assert_eq!(lines.len(), 3, "{s}");
        assert_eq!(
            lines[0],
            "::error file=cfn/stack.yaml,line=5,col=21,endLine=5,endColumn=54,\
             title=EKS104 duplicate-principal::\
             principal arn:aws:iam::123456789012:role/ci already has an access entry\
             %0Afirst access entry for this principal: envs/prod cluster/main.tf:3:19\
             %0Ahelp: remove one of the two entries"
        );
        assert!(
            lines[1].starts_with("::notice file=envs/prod cluster/main.tf,line=4,"),
            "{s}"
        );
        assert_eq!(
            lines[2],
            "::error file=envs/prod cluster/main.tf,line=5,col=20,endLine=5,endColumn=29,\
             title=EKS105 invalid-entry-type::type \"standrd\" is not a valid access entry type\
             %0Ahelp: did you mean \"STANDARD\"?"
        );
    }

    #[test]
    fn github_shows_suppressed_when_asked() {
        let s = rendered(RenderOptions {
            show_suppressed: true,
            ..RenderOptions::default()
        });
        assert!(
            s.lines().any(|l| l.starts_with("::warning ")
                && l.contains("title=EKS401 cluster-admin-policy::")),
            "{s}"
        );
    }

    #[test]
    fn github_escaping() {
        assert_eq!(escape_data("100% a:b,c\r\nd"), "100%25 a:b,c%0D%0Ad");
        // Escapes at either end, none, and text ending in characters of several bytes.
        assert_eq!(escape_data("%\n%%ü\n"), "%25%0A%25%25ü%0A");
        assert_eq!(escape_data(""), "");
        assert_eq!(escape_data("plain ü"), "plain ü");
        assert_eq!(escape_data("ü%😀"), "ü%25😀");
        assert_eq!(escape_property("100% a:b,c\nd"), "100%25 a%3Ab%2Cc%0Ad");
    }
}
