//! The commonest snippet written directly: a finding with one unlabelled primary span on one line
//! of printable ASCII, without colour. The bytes are those codespan-reporting writes for it
//! (tested against it), several times faster: codespan writes a source line one character at
//! a time through the formatting machinery. Any other finding goes to codespan.

use std::io::{self, Write};

use codespan_reporting::diagnostic::{Diagnostic, LabelStyle, Severity};
use codespan_reporting::files::Files;

use super::excerpt::Excerpts;
use crate::source::FileId;

/// Writes `d` as codespan's rich, uncoloured output of it and returns true, or writes nothing
/// and returns false when it is not of the one shape written here.
pub fn write_plain(
    files: &Excerpts,
    d: &Diagnostic<FileId>,
    out: &mut impl Write,
) -> io::Result<bool> {
    let Some(shape) = Shape::of(files, d) else {
        return Ok(false);
    };
    let pad = shape.line_number.ilog10() as usize + 1;
    let severity = match d.severity {
        Severity::Bug => "bug",
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Help => "help",
        Severity::Note => "note",
    };
    let mut text = String::with_capacity(256 + shape.source.len() * 2);
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
    text.push_str(&shape.name);
    text.push_str(&format!(":{}:{}\n", shape.line, shape.column));
    text.push_str(&gutter);
    text.push_str("│\n");
    // The source line and its carets.
    text.push_str(&format!("{:>pad$} │ ", shape.line_number));
    text.push_str(shape.source);
    text.push('\n');
    text.push_str(&gutter);
    text.push_str("│ ");
    text.push_str(&" ".repeat(shape.carets.start));
    text.push_str(&"^".repeat(shape.carets.len()));
    text.push('\n');
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

/// What the snippet shows of a finding of the one shape.
struct Shape<'a> {
    name: String,
    /// The location of the span's start (1-based).
    line: usize,
    column: usize,
    /// The number shown in the gutter.
    line_number: usize,
    /// The shown line, without its line break.
    source: &'a str,
    /// The columns underlined (one at least, at most to one past the line's end).
    carets: std::ops::Range<usize>,
}

impl<'a> Shape<'a> {
    fn of(files: &'a Excerpts, d: &Diagnostic<FileId>) -> Option<Shape<'a>> {
        let [label] = d.labels.as_slice() else {
            return None;
        };
        // A note of several lines (or none) is written otherwise.
        let plain_note = |n: &String| !n.is_empty() && !n.contains(['\n', '\r']);
        if label.style != LabelStyle::Primary
            || !label.message.is_empty()
            || !d.notes.iter().all(plain_note)
            || label.range.start > label.range.end
        {
            return None;
        }
        let file = label.file_id;
        let index = files.line_index(file, label.range.start).ok()?;
        if files.line_index(file, label.range.end).ok()? != index {
            return None;
        }
        let range = files.line_range(file, index).ok()?;
        let source = files.source(file).ok()?;
        let line = source
            .get(range.clone())?
            .trim_end_matches(['\n', '\r', '\0']);
        // One column a byte: no tab, no wide or combining character, nothing to escape.
        if !line.bytes().all(|b| (b' '..=b'~').contains(&b)) {
            return None;
        }
        let start = label.range.start.checked_sub(range.start)?;
        let end = (label.range.end - range.start).max(start + 1);
        if end > line.len() + 1 {
            return None;
        }
        let location = files.location(file, label.range.start).ok()?;
        Some(Shape {
            name: files.name(file).ok()?.to_string(),
            line: location.line_number,
            column: location.column_number,
            line_number: files.line_number(file, index).ok()?,
            source: line,
            carets: start..end,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{SourceFile, SourceMap, Span};
    use codespan_reporting::diagnostic::Label;
    use codespan_reporting::term::{self, termcolor::NoColor};
    use proptest::prelude::*;

    /// The finding written here, if it is of the shape, and as codespan writes it.
    fn both(
        source: SourceFile,
        span: (usize, usize),
        d: Diagnostic<FileId>,
    ) -> (Option<String>, String) {
        let mut map = SourceMap::default();
        let id = map.add(source);
        let (files, labels) = Excerpts::new(&map, &[Span::new(id, span.0, span.1)]);
        let d = d.with_labels(
            labels
                .into_iter()
                .map(|(file, range)| Label::primary(file, range))
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

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        /// Whatever the line, span, gutter width, code and notes: what is written here is
        /// codespan's output byte for byte, and a short line of printable ASCII is written
        /// here.
        #[test]
        fn the_plain_snippet_is_codespans(
            before in 0usize..1200,
            line in "[ -~]{0,90}|[ -~\t\u{e9}\u{4e00}\u{1b}]{0,90}|[a-z ]{230,300}",
            crlf in any::<bool>(),
            at in any::<prop::sample::Index>(),
            width in 0usize..12,
            severity in 0usize..5,
            code in proptest::option::of("[A-Z0-9 -]{0,12}"),
            message in "[ -~]{0,60}|[ -~\n]{0,30}",
            notes in prop::collection::vec("[ -~]{0,40}|[ -~\n\r]{1,30}", 0..3),
            path in "[a-z/ \u{e9}]{1,20}",
        ) {
            let newline = if crlf { "\r\n" } else { "\n" };
            let mut text: String = (0..before).map(|i| format!("line {i}{newline}")).collect();
            let start = text.len() + at.index(line.len() + 1);
            text.push_str(&line);
            text.push_str(newline);
            text.push_str("after\n");
            // Up to the line break and past it, too.
            let line_end = text.len() - "after\n".len() - newline.len();
            let end = (start + width).min(text.len());
            let (start, end) = (floor(&text, start), floor(&text, end.max(start)));
            let mut d = Diagnostic::new(SEVERITIES[severity])
                .with_message(message.clone())
                .with_notes(notes.clone());
            if let Some(code) = code {
                d = d.with_code(code);
            }
            let source = SourceFile::new(path, text);
            let (ours, theirs) = both(source, (start, end), d);
            let plain = end <= line_end
                && line.len() <= 240
                && line.bytes().all(|b| (b' '..=b'~').contains(&b))
                && notes.iter().all(|n| !n.is_empty() && !n.contains(['\n', '\r']));
            // Escaped characters show as ASCII too, and are written here then.
            prop_assert!(ours.is_some() || !plain, "{}", theirs);
            if let Some(ours) = ours {
                prop_assert_eq!(ours, theirs);
            }
        }
    }

    /// The nearest char boundary at or before `at`.
    fn floor(text: &str, mut at: usize) -> usize {
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        at
    }
}
