//! The commonest snippets written directly: a finding whose spans are in one file, each on a
//! line of its own of printable ASCII (the primary one unlabelled, the related ones labelled),
//! without colour. The bytes are those codespan-reporting writes for it (tested against it),
//! several times faster: codespan writes a source line one character at a time through the
//! formatting machinery. Any other finding goes to codespan.

use std::fmt::Write as _;
use std::io::{self, Write};
use std::ops::Range;

use codespan_reporting::diagnostic::{Diagnostic, LabelStyle, Severity};
use codespan_reporting::files::Files;

use super::excerpt::Excerpts;
use crate::source::FileId;

/// Writes `d` as codespan's rich, uncoloured output of it and returns true, or writes nothing
/// and returns false when it is not of the shapes written here.
pub fn write_plain(
    files: &Excerpts,
    d: &Diagnostic<FileId>,
    out: &mut impl Write,
) -> io::Result<bool> {
    let Some(shape) = Shape::of(files, d) else {
        return Ok(false);
    };
    let pad = shape.pad;
    let severity = match d.severity {
        Severity::Bug => "bug",
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Help => "help",
        Severity::Note => "note",
    };
    let mut text = String::with_capacity(512);
    text.push_str(severity);
    if let Some(code) = d.code.as_deref().filter(|c| !c.is_empty()) {
        text.push('[');
        text.push_str(code);
        text.push(']');
    }
    text.push_str(": ");
    text.push_str(&d.message);
    text.push('\n');
    let gutter = " ".repeat(pad + 1);
    // The locus, then an empty line of the snippet.
    text.push_str(&gutter);
    text.push_str("┌─ ");
    text.push_str(shape.name);
    let _ = writeln!(text, ":{}:{}", shape.line, shape.column);
    text.push_str(&gutter);
    text.push_str("│\n");
    for row in &shape.rows {
        let Row::Source {
            number,
            text: source,
            underline,
        } = row
        else {
            // Lines left out.
            text.push_str(&gutter);
            text.push_str("·\n");
            continue;
        };
        let _ = write!(text, "{number:>pad$} │ ");
        text.push_str(source);
        text.push('\n');
        if let Some(u) = underline {
            text.push_str(&gutter);
            text.push_str("│ ");
            text.push_str(&" ".repeat(u.carets.start));
            text.extend(std::iter::repeat_n(u.caret, u.carets.len()));
            if !u.message.is_empty() {
                text.push(' ');
                text.push_str(u.message);
            }
            text.push('\n');
        }
    }
    if !d.notes.is_empty() {
        text.push_str(&gutter);
        text.push_str("│\n");
    }
    for note in &d.notes {
        text.push_str(&gutter);
        text.push_str("= ");
        text.push_str(note);
        text.push('\n');
    }
    text.push('\n');
    out.write_all(text.as_bytes())?;
    Ok(true)
}

/// What the snippet shows of a finding of these shapes.
struct Shape<'a> {
    name: &'a str,
    /// The location of the primary span's start (1-based).
    line: usize,
    column: usize,
    /// The width of the line numbers.
    pad: usize,
    rows: Vec<Row<'a>>,
}

/// A row of the snippet.
enum Row<'a> {
    /// A source line (without its line break), and the span on it.
    Source {
        number: usize,
        text: &'a str,
        underline: Option<Underline<'a>>,
    },
    /// Lines left out.
    Break,
}

/// A span's carets under its line, with its label.
struct Underline<'a> {
    /// The columns underlined (one at least, at most to one past the line's end).
    carets: Range<usize>,
    caret: char,
    message: &'a str,
}

impl<'a> Shape<'a> {
    fn of(files: &'a Excerpts, d: &'a Diagnostic<FileId>) -> Option<Shape<'a>> {
        let primary = d.labels.first()?;
        let file = primary.file_id;
        // A note of several lines (or none) is written otherwise.
        let plain_note = |n: &String| !n.is_empty() && !n.contains(['\n', '\r']);
        if primary.style != LabelStyle::Primary
            || !primary.message.is_empty()
            || !d.notes.iter().all(plain_note)
        {
            return None;
        }
        let source = files.source(file).ok()?;
        // The text of a shown line, when it is one column a byte: no tab, no wide or combining
        // character, nothing to escape.
        let line_text = |index: usize| {
            let range = files.line_range(file, index).ok()?;
            let text = source
                .get(range.clone())?
                .trim_end_matches(['\n', '\r', '\0']);
            text.bytes()
                .all(|b| (b' '..=b'~').contains(&b))
                .then_some((range.start, text))
        };
        // Each span on a line of its own, in line order.
        let mut spans: Vec<(usize, Underline<'a>, &'a str)> = Vec::with_capacity(d.labels.len());
        for (i, label) in d.labels.iter().enumerate() {
            // The primary span first (checked above), then the related ones.
            let secondary = i > 0;
            if label.file_id != file
                || label.range.start > label.range.end
                || label.message.contains(['\n', '\r'])
                || (secondary && label.style != LabelStyle::Secondary)
            {
                return None;
            }
            let index = files.line_index(file, label.range.start).ok()?;
            if files.line_index(file, label.range.end).ok()? != index {
                return None;
            }
            let (line_start, text) = line_text(index)?;
            let start = label.range.start.checked_sub(line_start)?;
            let end = (label.range.end - line_start).max(start + 1);
            if end > text.len() + 1 {
                return None;
            }
            let underline = Underline {
                carets: start..end,
                caret: if secondary { '-' } else { '^' },
                message: &label.message,
            };
            spans.push((index, underline, text));
        }
        spans.sort_by_key(|(index, ..)| *index);
        if spans.windows(2).any(|w| w[0].0 == w[1].0) {
            return None;
        }
        let mut rows = Vec::with_capacity(spans.len() * 2);
        let mut pad = 0;
        let mut previous: Option<usize> = None;
        for (index, underline, text) in spans {
            match previous.map(|p| index - p) {
                None | Some(1) => {}
                // A single line between two is shown rather than left out.
                Some(2) => rows.push(Row::Source {
                    number: files.line_number(file, index - 1).ok()?,
                    text: line_text(index - 1)?.1,
                    underline: None,
                }),
                Some(_) => rows.push(Row::Break),
            }
            let number = files.line_number(file, index).ok()?;
            pad = pad.max(number.ilog10() as usize + 1);
            rows.push(Row::Source {
                number,
                text,
                underline: Some(underline),
            });
            previous = Some(index);
        }
        let location = files.location(file, primary.range.start).ok()?;
        Some(Shape {
            name: files.name(file).ok()?,
            line: location.line_number,
            column: location.column_number,
            pad,
            rows,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::excerpt::floor;
    use crate::source::{SourceFile, SourceMap, Span};
    use codespan_reporting::diagnostic::Label;
    use codespan_reporting::term::{self, termcolor::NoColor};
    use proptest::prelude::*;

    /// The finding written here, if it is of the shapes, and as codespan writes it. The first
    /// span is the primary one; the others are labelled with their messages.
    fn both(
        source: SourceFile,
        spans: &[(Range<usize>, String)],
        d: Diagnostic<FileId>,
    ) -> (Option<String>, String) {
        let mut map = SourceMap::default();
        let id = map.add(source);
        let shown: Vec<Span> = spans
            .iter()
            .map(|(r, _)| Span::new(id, r.start, r.end))
            .collect();
        let (files, labels) = Excerpts::new(&map, &shown);
        let d = d.with_labels(
            labels
                .into_iter()
                .zip(spans)
                .enumerate()
                .map(|(i, ((file, range), (_, message)))| match i {
                    0 => Label::primary(file, range),
                    _ => Label::secondary(file, range).with_message(message),
                })
                .collect(),
        );
        let mut ours = Vec::new();
        let written = write_plain(&files, &d, &mut ours).expect("written to memory");
        let mut theirs = Vec::new();
        term::emit_to_write_style(
            &mut NoColor::new(&mut theirs),
            &term::Config::default(),
            &files,
            &d,
        )
        .expect("rendered to memory");
        let text = |b: Vec<u8>| String::from_utf8(b).expect("UTF-8");
        (written.then(|| text(ours)), text(theirs))
    }

    const SEVERITIES: [Severity; 5] = [
        Severity::Bug,
        Severity::Error,
        Severity::Warning,
        Severity::Help,
        Severity::Note,
    ];

    /// A line: mostly printable ASCII, else with a tab, wide, accented or control characters,
    /// or long enough to be cut.
    fn line() -> impl Strategy<Value = String> {
        prop_oneof![
            6 => "[ -~]{0,60}",
            1 => "[ -~\t\u{e9}\u{4e00}\u{1b}]{0,40}",
            1 => "[a-z ]{230,300}",
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        /// Whatever the lines, spans, labels, gutter width, code and notes: what is written
        /// here is codespan's output byte for byte, and short lines of printable ASCII with a
        /// span each are written here.
        #[test]
        fn the_plain_snippet_is_codespans(
            before in 0usize..1200,
            lines in prop::collection::vec(line(), 1..12),
            crlf in any::<bool>(),
            spans in prop::collection::vec(
                (any::<prop::sample::Index>(), any::<prop::sample::Index>(), 0usize..12,
                 "[ -~]{0,20}|[ -~\n]{1,10}"),
                1..4,
            ),
            severity in 0usize..5,
            code in proptest::option::of("[A-Z0-9 -]{0,12}"),
            message in "[ -~]{0,60}|[ -~\n]{0,30}",
            notes in prop::collection::vec("[ -~]{0,40}|[ -~\n\r]{1,30}", 0..3),
            path in "[a-z/ \u{e9}]{1,20}",
        ) {
            let newline = if crlf { "\r\n" } else { "\n" };
            let mut text: String = (0..before).map(|i| format!("line {i}{newline}")).collect();
            let mut bounds = Vec::new();
            for line in &lines {
                bounds.push(text.len()..text.len() + line.len());
                text.push_str(line);
                text.push_str(newline);
            }
            text.push_str("after\n");
            // Each span from a point of its line, up to its line break and past it, too.
            let spans: Vec<(Range<usize>, String, usize)> = spans
                .into_iter()
                .map(|(line, at, width, label)| {
                    let i = line.index(lines.len());
                    let start = floor(&text, bounds[i].start + at.index(lines[i].len() + 1));
                    let end = floor(&text, (start + width).min(text.len()));
                    (start..end, label, i)
                })
                .collect();
            let mut d = Diagnostic::new(SEVERITIES[severity])
                .with_message(message.clone())
                .with_notes(notes.clone());
            if let Some(code) = code {
                d = d.with_code(code);
            }
            let source = SourceFile::new(path, text);
            let labelled: Vec<(Range<usize>, String)> =
                spans.iter().map(|(r, l, _)| (r.clone(), l.clone())).collect();
            let (ours, theirs) = both(source, &labelled, d);
            let mut on: Vec<usize> = spans.iter().map(|(.., i)| *i).collect();
            on.sort();
            on.dedup();
            let plain = on.len() == spans.len()
                && spans.iter().all(|(r, l, i)| r.end <= bounds[*i].end && !l.contains('\n'))
                && lines.iter().all(|l| l.len() <= 240 && l.bytes().all(|b| (b' '..=b'~').contains(&b)))
                && notes.iter().all(|n| !n.is_empty() && !n.contains(['\n', '\r']));
            // Escaped characters show as ASCII too, and are written here then.
            prop_assert!(ours.is_some() || !plain, "{}", theirs);
            if let Some(ours) = ours {
                prop_assert_eq!(ours, theirs);
            }
        }
    }
}
