//! The commonest snippets written directly: a finding whose spans are in one file, each on a
//! line of its own of printable ASCII (the primary one unlabelled, the related ones labelled),
//! with or without colour. The bytes are those codespan-reporting writes for it with its
//! default styles, through termcolor's ANSI writer when coloured (tested against it), several
//! times faster: codespan writes a source line one character at a time through the formatting
//! machinery. Any other finding goes to codespan.
//!
//! Such a finding is written straight from the sources ([`write_direct`]) when its lines are
//! short enough to be shown whole: its excerpts would be those lines unchanged. Otherwise it is
//! written from its excerpts ([`write_plain`]), whose escaped characters show as ASCII too.

use std::borrow::Cow;
use std::ops::Range;

use codespan_reporting::diagnostic::{Diagnostic, LabelStyle, Severity};
use codespan_reporting::files::Files;

use super::escape;
use super::excerpt::{Excerpts, MAX_LINE};
use crate::source::{FileId, SourceMap, Span};

/// What a snippet says besides its source lines: `severity[code]: message`, then its notes.
pub struct Header<'a> {
    pub severity: &'static str,
    pub code: Option<&'a str>,
    pub message: &'a str,
    pub notes: &'a [String],
}

/// Appends `d` as codespan's rich output of it (coloured with `color`) and returns true, or
/// writes nothing and returns false when it is not of the shapes written here.
pub fn write_plain(
    files: &Excerpts,
    d: &Diagnostic<FileId>,
    color: bool,
    out: &mut Vec<u8>,
) -> bool {
    let Some(shape) = Shape::of(files, d) else {
        return false;
    };
    let severity = match d.severity {
        Severity::Bug => "bug",
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Help => "help",
        Severity::Note => "note",
    };
    let header = Header {
        severity,
        code: d.code.as_deref(),
        message: &d.message,
        notes: &d.notes,
    };
    write(&shape, &header, color, out)
}

/// Writes a finding as [`write_plain`] would write it from its excerpts, straight from the
/// sources, and returns true; or writes nothing and returns false when it is not of the shapes
/// written here or a line of it is too long to be shown whole. `labels` are the primary span
/// (unlabelled) and the related spans with their messages, as shown.
pub fn write_direct(
    map: &SourceMap,
    header: &Header,
    labels: &[(Span, &str)],
    color: bool,
    out: &mut Vec<u8>,
) -> bool {
    Shape::direct(map, labels).is_some_and(|shape| write(&shape, header, color, out))
}

/// The ANSI escapes termcolor writes for codespan's default styles: each sets its style
/// anew (a reset first).
mod ansi {
    pub const RESET: &[u8] = b"\x1b[0m";
    /// The header's message: bold.
    pub const BOLD: &[u8] = b"\x1b[0m\x1b[1m";
    /// Line numbers, borders, note bullets and secondary labels.
    pub const CYAN: &[u8] = b"\x1b[0m\x1b[36m";

    /// A severity's header (bold, intense) and primary label colours.
    pub fn of(severity: &str) -> Option<(&'static [u8], &'static [u8])> {
        Some(match severity {
            "bug" | "error" => (b"\x1b[0m\x1b[1m\x1b[38;5;9m", b"\x1b[0m\x1b[31m"),
            "warning" => (b"\x1b[0m\x1b[1m\x1b[38;5;11m", b"\x1b[0m\x1b[33m"),
            "note" => (b"\x1b[0m\x1b[1m\x1b[38;5;10m", b"\x1b[0m\x1b[32m"),
            "help" => (b"\x1b[0m\x1b[1m\x1b[38;5;14m", b"\x1b[0m\x1b[36m"),
            _ => return None,
        })
    }
}

/// Writes the snippet, coloured with `color`, or nothing when a note is not one plain line;
/// whether it was written.
fn write(shape: &Shape, header: &Header, color: bool, out: &mut Vec<u8>) -> bool {
    // A note of several lines (or none) is written otherwise.
    let plain_note = |n: &String| !n.is_empty() && one_line(n);
    if !header.notes.iter().all(plain_note) {
        return false;
    }
    let (header_style, primary_style) = match (color, ansi::of(header.severity)) {
        (false, _) => (&b""[..], &b""[..]),
        (true, Some(styles)) => styles,
        (true, None) => return false,
    };
    // Appends an escape when coloured.
    let style = |out: &mut Vec<u8>, escape: &[u8]| {
        if color {
            out.extend_from_slice(escape);
        }
    };
    // Appends text in a style of its own when coloured.
    let styled = |out: &mut Vec<u8>, escape: &[u8], text: &str| {
        style(out, escape);
        out.extend_from_slice(text.as_bytes());
        style(out, ansi::RESET);
    };
    let pad = shape.pad;
    out.reserve(512);
    style(out, header_style);
    out.extend_from_slice(header.severity.as_bytes());
    if let Some(code) = header.code.filter(|c| !c.is_empty()) {
        out.push(b'[');
        out.extend_from_slice(code.as_bytes());
        out.push(b']');
    }
    style(out, ansi::BOLD);
    out.extend_from_slice(b": ");
    out.extend_from_slice(header.message.as_bytes());
    style(out, ansi::RESET);
    out.push(b'\n');
    let gutter = |out: &mut Vec<u8>| repeat(out, b' ', pad + 1);
    // The locus, then an empty line of the snippet.
    gutter(out);
    styled(out, ansi::CYAN, "┌─");
    out.push(b' ');
    out.extend_from_slice(shape.name.as_bytes());
    out.push(b':');
    decimal(out, shape.line);
    out.push(b':');
    decimal(out, shape.column);
    out.push(b'\n');
    gutter(out);
    styled(out, ansi::CYAN, "│");
    out.push(b'\n');
    for row in &shape.rows {
        let Row::Source {
            number,
            text: source,
            underline,
        } = row
        else {
            // Lines left out.
            gutter(out);
            styled(out, ansi::CYAN, "·");
            out.push(b'\n');
            continue;
        };
        // The line number, right-aligned.
        style(out, ansi::CYAN);
        repeat(out, b' ', pad - (number.ilog10() as usize + 1));
        decimal(out, *number);
        style(out, ansi::RESET);
        out.push(b' ');
        styled(out, ansi::CYAN, "│");
        out.push(b' ');
        match underline {
            // The primary span's text in its colour (none when it is past the line's end).
            Some(u) if color && u.caret == b'^' && u.carets.start < source.len() => {
                let end = u.carets.end.min(source.len());
                out.extend_from_slice(&source.as_bytes()[..u.carets.start]);
                styled(out, primary_style, &source[u.carets.start..end]);
                out.extend_from_slice(&source.as_bytes()[end..]);
            }
            _ => out.extend_from_slice(source.as_bytes()),
        }
        out.push(b'\n');
        if let Some(u) = underline {
            let label_style = if u.caret == b'^' {
                primary_style
            } else {
                ansi::CYAN
            };
            gutter(out);
            styled(out, ansi::CYAN, "│");
            out.push(b' ');
            repeat(out, b' ', u.carets.start);
            style(out, label_style);
            repeat(out, u.caret, u.carets.len());
            style(out, ansi::RESET);
            if !u.message.is_empty() {
                out.push(b' ');
                styled(out, label_style, u.message);
            }
            out.push(b'\n');
        }
    }
    if !header.notes.is_empty() {
        gutter(out);
        styled(out, ansi::CYAN, "│");
        out.push(b'\n');
    }
    for note in header.notes {
        gutter(out);
        styled(out, ansi::CYAN, "=");
        out.push(b' ');
        out.extend_from_slice(note.as_bytes());
        out.push(b'\n');
    }
    out.push(b'\n');
    true
}

/// Whether `text` holds no line break (searched for as bytes: a `char` pattern decodes each
/// character, and every finding's message and notes are asked).
fn one_line(text: &str) -> bool {
    memchr::memchr2(b'\n', b'\r', text.as_bytes()).is_none()
}

/// Appends `byte` `n` times.
fn repeat(out: &mut Vec<u8>, byte: u8, n: usize) {
    out.resize(out.len() + n, byte);
}

/// Appends `n` in decimal.
fn decimal(out: &mut Vec<u8>, n: usize) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut rest = n;
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    // Byte by byte: a copy of a few bytes through `extend_from_slice` calls `memcpy`.
    for &digit in &digits[at..] {
        out.push(digit);
    }
}

/// What the snippet shows of a finding of these shapes.
struct Shape<'a> {
    /// The path, escaped.
    name: Cow<'a, str>,
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
    caret: u8,
    message: &'a str,
}

/// A span on its line: the line's 0-based index, the carets, and the line's text.
type OnLine<'a> = (usize, Underline<'a>, &'a str);

impl<'a> Shape<'a> {
    fn of(files: &'a Excerpts, d: &'a Diagnostic<FileId>) -> Option<Shape<'a>> {
        let primary = d.labels.first()?;
        let file = primary.file_id;
        if primary.style != LabelStyle::Primary || !primary.message.is_empty() {
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
            printable(text).then_some((range.start, text))
        };
        // Each span on a line of its own, in line order.
        let mut spans: Vec<OnLine<'a>> = Vec::with_capacity(d.labels.len());
        for (i, label) in d.labels.iter().enumerate() {
            // The primary span first (checked above), then the related ones.
            let secondary = i > 0;
            if label.file_id != file
                || label.range.start > label.range.end
                || !one_line(&label.message)
                || (secondary && label.style != LabelStyle::Secondary)
            {
                return None;
            }
            let index = files.line_index(file, label.range.start).ok()?;
            if files.line_index(file, label.range.end).ok()? != index {
                return None;
            }
            let (line_start, text) = line_text(index)?;
            spans.push(on_line(
                index,
                line_start,
                text,
                label.range.clone(),
                secondary,
                &label.message,
            )?);
        }
        let location = files.location(file, primary.range.start).ok()?;
        Shape::assemble(
            Cow::Borrowed(files.name(file).ok()?),
            (location.line_number, location.column_number),
            spans,
            |index| Some(line_text(index)?.1),
        )
    }

    /// The shape read from the sources: each span on a line of its own that is shown whole
    /// (at most [`MAX_LINE`] bytes) and unescaped (printable ASCII), as its excerpt would show it.
    fn direct(map: &'a SourceMap, labels: &[(Span, &'a str)]) -> Option<Shape<'a>> {
        let file = labels.first()?.0.file;
        let source = map.get(file);
        let line_text = |index: usize| {
            let range = source.line_range(index + 1);
            let text = source.text.get(range.clone())?;
            (text.len() <= MAX_LINE && printable(text)).then_some((range.start, text))
        };
        let mut spans: Vec<OnLine<'a>> = Vec::with_capacity(labels.len());
        let mut at = None;
        for (i, &(span, message)) in labels.iter().enumerate() {
            if span.file != file || !one_line(message) {
                return None;
            }
            let (start, end) = (
                span.start as usize,
                (span.end as usize).max(span.start as usize),
            );
            let position = source.position(start);
            let index = position.line - 1;
            // It ends on that line: before the next one starts.
            if source
                .line_starts()
                .get(index + 1)
                .is_some_and(|&next| end >= next as usize)
            {
                return None;
            }
            let (line_start, text) = line_text(index)?;
            // As the excerpt shows it: what is past the line's text (a `\r` before its `\n`)
            // at the line's end.
            let line_end = line_start + text.len();
            let range = start.clamp(line_start, line_end)..end.clamp(line_start, line_end);
            if at.is_none() {
                // Where the snippet's locus is: the primary span's start, on its line.
                at = Some(if range.start == start {
                    position
                } else {
                    source.position(range.start)
                });
            }
            spans.push(on_line(index, line_start, text, range, i > 0, message)?);
        }
        let at = at?;
        Shape::assemble(
            escape::visible(&source.path),
            (at.line, at.column),
            spans,
            |index| Some(line_text(index)?.1),
        )
    }

    /// The rows of spans each on a line of its own: the lines in order, a single line between
    /// two shown and a break for more; `None` when two spans share a line.
    fn assemble(
        name: Cow<'a, str>,
        (line, column): (usize, usize),
        mut spans: Vec<OnLine<'a>>,
        line_text: impl Fn(usize) -> Option<&'a str>,
    ) -> Option<Shape<'a>> {
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
                    number: index,
                    text: line_text(index - 1)?,
                    underline: None,
                }),
                Some(_) => rows.push(Row::Break),
            }
            let number = index + 1;
            pad = pad.max(number.ilog10() as usize + 1);
            rows.push(Row::Source {
                number,
                text,
                underline: Some(underline),
            });
            previous = Some(index);
        }
        Some(Shape {
            name,
            line,
            column,
            pad,
            rows,
        })
    }
}

/// A span on the line of 0-based `index` that starts at `line_start` and reads `text`: its
/// carets (one at least), or `None` when it does not lie on the line.
fn on_line<'a>(
    index: usize,
    line_start: usize,
    text: &'a str,
    range: Range<usize>,
    secondary: bool,
    message: &'a str,
) -> Option<OnLine<'a>> {
    let start = range.start.checked_sub(line_start)?;
    let end = (range.end - line_start).max(start + 1);
    if end > text.len() + 1 {
        return None;
    }
    let underline = Underline {
        carets: start..end,
        caret: if secondary { b'-' } else { b'^' },
        message,
    };
    Some((index, underline, text))
}

/// Whether a line is one column a byte: no tab, no wide or combining character, nothing to
/// escape.
fn printable(text: &str) -> bool {
    text.bytes().all(|b| (b' '..=b'~').contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::excerpt::floor;
    use crate::source::{SourceFile, SourceMap, Span};
    use codespan_reporting::diagnostic::Label;
    use codespan_reporting::term::{
        self,
        termcolor::{Ansi, NoColor},
    };
    use proptest::prelude::*;

    /// The finding as written here from its excerpts and straight from its source, when it
    /// is of the shapes, and as codespan writes it, coloured with `color` (through termcolor's
    /// ANSI writer, as the human report colours it). The first span is the primary one; the
    /// others are labelled with their messages.
    fn written(
        source: SourceFile,
        spans: &[(Range<usize>, String)],
        d: Diagnostic<FileId>,
        color: bool,
    ) -> (Option<String>, Option<String>, String) {
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
        let text = |b: Vec<u8>| String::from_utf8(b).expect("UTF-8");
        let mut plain = Vec::new();
        let plain = write_plain(&files, &d, color, &mut plain).then(|| text(plain));
        let header = Header {
            severity: SEVERITY_NAMES[SEVERITIES
                .iter()
                .position(|s| *s == d.severity)
                .expect("listed")],
            code: d.code.as_deref(),
            message: &d.message,
            notes: &d.notes,
        };
        let labels: Vec<(Span, &str)> = shown
            .iter()
            .zip(spans)
            .enumerate()
            .map(|(i, (span, (_, message)))| (*span, if i == 0 { "" } else { message.as_str() }))
            .collect();
        let mut direct = Vec::new();
        let direct = write_direct(&map, &header, &labels, color, &mut direct).then(|| text(direct));
        let mut theirs = Vec::new();
        let config = term::Config::default();
        if color {
            term::emit_to_write_style(&mut Ansi::new(&mut theirs), &config, &files, &d)
        } else {
            term::emit_to_write_style(&mut NoColor::new(&mut theirs), &config, &files, &d)
        }
        .expect("rendered to memory");
        (plain, direct, text(theirs))
    }

    const SEVERITIES: [Severity; 5] = [
        Severity::Bug,
        Severity::Error,
        Severity::Warning,
        Severity::Help,
        Severity::Note,
    ];
    const SEVERITY_NAMES: [&str; 5] = ["bug", "error", "warning", "help", "note"];

    /// A line: mostly printable ASCII, else with a tab, wide, accented or control characters,
    /// or long enough to be cut.
    fn line() -> impl Strategy<Value = String> {
        prop_oneof![
            6 => "[ -~]{0,60}",
            1 => "[ -~\t\u{e9}\u{4e00}\u{1b}]{0,40}",
            1 => "[a-z ]{230,300}",
        ]
    }

    /// A span over a CRLF line's `\r` (which the line's text leaves out) is underlined to the
    /// line's end, as its excerpt shows it.
    #[test]
    fn a_span_over_a_carriage_return_ends_at_the_line_end() {
        let text = "a: b\r\nkey: value\r\n".to_string();
        let start = text.find("value").expect("present");
        let spans = [(start..start + "value\r\n".len() - 1, String::new())];
        let d = Diagnostic::new(Severity::Error).with_message("m");
        let (plain, direct, theirs) = written(SourceFile::new("f".into(), text), &spans, d, false);
        assert!(theirs.contains("  │      ^^^^^\n"), "{theirs}");
        assert_eq!(plain.as_deref(), Some(&*theirs));
        assert_eq!(direct.as_deref(), Some(&*theirs));
    }

    /// A file's byte order mark is before its first line: a span on it is underlined from the
    /// line's start, and written straight from the source as from its excerpt.
    #[test]
    fn a_span_on_a_byte_order_mark_starts_the_first_line() {
        for span in [0..3, 0..6, 3..6] {
            let text = "\u{feff}key: value\nnext: line\n".to_string();
            let spans = [(span.clone(), String::new()), (20..24, "next".to_string())];
            let d = Diagnostic::new(Severity::Warning).with_message("m");
            let (plain, direct, theirs) =
                written(SourceFile::new("f".into(), text), &spans, d, false);
            assert!(theirs.contains("┌─ f:1:1"), "{span:?}: {theirs}");
            assert_eq!(plain.as_deref(), Some(&*theirs), "{span:?}");
            assert_eq!(direct.as_deref(), Some(&*theirs), "{span:?}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        /// Whatever the lines, spans, labels, gutter width, code, notes and colour: what is
        /// written here, from the excerpts or straight from the source, is codespan's output
        /// byte for byte, and short lines of printable ASCII with a span each are written here
        /// both ways.
        #[test]
        fn the_snippet_is_codespans(
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
            color in any::<bool>(),
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
            let (ours, direct, theirs) = written(source, &labelled, d, color);
            let mut on: Vec<usize> = spans.iter().map(|(.., i)| *i).collect();
            on.sort();
            on.dedup();
            let plain = on.len() == spans.len()
                && spans.iter().all(|(r, l, i)| r.end <= bounds[*i].end && !l.contains('\n'))
                && lines.iter().all(|l| l.len() <= 240 && l.bytes().all(|b| (b' '..=b'~').contains(&b)))
                && notes.iter().all(|n| !n.is_empty() && !n.contains(['\n', '\r']));
            // Escaped characters show as ASCII too, and are written here then.
            prop_assert!(ours.is_some() || !plain, "{}", theirs);
            prop_assert!(direct.is_some() || !plain, "{}", theirs);
            if let Some(ours) = ours {
                prop_assert_eq!(&ours, &theirs);
            }
            if let Some(direct) = direct {
                prop_assert_eq!(direct, theirs);
            }
        }
    }
}
