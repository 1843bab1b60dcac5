//! Source files, byte spans and line/column positions.

use std::fmt;
use std::sync::OnceLock;

/// Index of a file in a [`SourceMap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub u32);

/// A byte range in one source file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    /// A span covering `start..end` of `file`.
    pub fn new(file: FileId, start: usize, end: usize) -> Span {
        Span {
            file,
            start: start as u32,
            end: end.max(start) as u32,
        }
    }

    /// The byte range, for slicing the file's text.
    pub fn range(&self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    /// The span of the character at byte `offset` of `text` (an offset inside a character
    /// counts as that character; empty at the end of the text).
    pub fn of_char(file: FileId, text: &str, offset: usize) -> Span {
        let mut start = offset.min(text.len());
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        let end = text[start..]
            .chars()
            .next()
            .map_or(start, |c| start + c.len_utf8());
        Span::new(file, start, end)
    }
}

/// A 1-based line and column (the column counts Unicode scalar values), plus the byte offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: usize,
    pub column: usize,
    pub offset: usize,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// The UTF-8 byte order mark.
pub const BOM: &str = "\u{feff}";

/// Bytes per block of the column table: a position's column is found by counting at most this
/// many bytes, however long its line.
const BLOCK: usize = 1024;

/// One file's text, its display path, and tables of line starts and columns.
///
/// Lines end at `\n`, `\r\n` or a lone `\r`. A UTF-8 byte order mark stays the first three
/// bytes of `text` (or is blanked to spaces there by [`SourceFile::blank_bom`], for parsers that do
/// not accept one), so byte offsets are those of the file; it is recorded in `bom`, counts for no
/// column and is never shown.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as shown in reports (relative to the working directory when possible, `/` separated).
    pub path: String,
    pub text: String,
    /// Whether the file starts with a byte order mark.
    pub bom: bool,
    /// Its line and column tables, made when a position is first asked for: a file that no
    /// finding points into (most that a language server reads for context) never needs them.
    tables: OnceLock<Tables>,
}

/// A file's line starts and column counts.
#[derive(Debug)]
struct Tables {
    /// Where each line's text starts (the first after the byte order mark). Offsets fit in a
    /// `u32`, as in a [`Span`].
    line_starts: Box<[u32]>,
    /// For each block of [`BLOCK`] bytes: the Unicode scalar values and the UTF-16 code units
    /// before it. Empty for ASCII text, where both are the byte offset.
    blocks: Box<[(usize, usize)]>,
}

impl Tables {
    fn of(text: &str) -> Tables {
        let blocks = if text.is_ascii() {
            Box::default()
        } else {
            let mut counts = (0, 0);
            let mut blocks: Vec<(usize, usize)> = text
                .as_bytes()
                .chunks(BLOCK)
                .map(|chunk| {
                    let before = counts;
                    let (chars, units) = count(chunk);
                    counts = (counts.0 + chars, counts.1 + units);
                    before
                })
                .collect();
            blocks.push(counts);
            blocks.into_boxed_slice()
        };
        Tables {
            line_starts: line_starts(text).into_boxed_slice(),
            blocks,
        }
    }

    /// Where the line of 0-based index `index` starts.
    fn line_start(&self, index: usize) -> usize {
        self.line_starts[index] as usize
    }

    /// Scalar values and UTF-16 units before a char boundary of `text`.
    fn counts(&self, text: &str, offset: usize) -> (usize, usize) {
        if self.blocks.is_empty() {
            return (offset, offset);
        }
        let block = offset / BLOCK;
        let (chars, units) = self.blocks[block];
        let (more_chars, more_units) = count(&text.as_bytes()[block * BLOCK..offset]);
        (chars + more_chars, units + more_units)
    }
}

impl SourceFile {
    pub fn new(path: String, text: String) -> SourceFile {
        SourceFile {
            path,
            bom: text.starts_with(BOM),
            text,
            tables: OnceLock::new(),
        }
    }

    /// Replaces the byte order mark by three spaces, for parsers that read it as an error;
    /// offsets, lines and columns do not change (the tables are made from the text as read).
    pub fn blank_bom(&mut self) {
        if self.text.starts_with(BOM) {
            self.tables();
            self.text.replace_range(..BOM.len(), "   ");
        }
    }

    fn tables(&self) -> &Tables {
        self.tables.get_or_init(|| Tables::of(&self.text))
    }

    /// Where each line's text starts, as [`line_starts`] gives it for the text as read.
    pub fn line_starts(&self) -> &[u32] {
        &self.tables().line_starts
    }

    /// The position of a byte offset (clamped to the text, moved back to a char boundary).
    pub fn position(&self, offset: usize) -> Position {
        let tables = self.tables();
        let offset = self.floor(offset.max(tables.line_start(0)));
        let line = tables
            .line_starts
            .partition_point(|&s| s as usize <= offset)
            - 1;
        let column = tables.counts(&self.text, offset).0
            - tables.counts(&self.text, tables.line_start(line)).0
            + 1;
        Position {
            line: line + 1,
            column,
            offset,
        }
    }

    /// The UTF-16 code units between the start of an offset's line and the offset, as the
    /// language server protocol counts columns (a byte order mark counts as one unit).
    pub fn utf16_column(&self, offset: usize) -> usize {
        let at = self.position(offset);
        let tables = self.tables();
        let units = tables.counts(&self.text, at.offset).1
            - tables.counts(&self.text, tables.line_start(at.line - 1)).1;
        if at.line == 1 && self.bom {
            units + 1
        } else {
            units
        }
    }

    /// The nearest char boundary at or before `offset`, within the text.
    fn floor(&self, offset: usize) -> usize {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }

    /// The text of a span.
    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.range()).unwrap_or("")
    }

    /// The number of lines.
    pub fn line_count(&self) -> usize {
        self.line_starts().len()
    }

    /// The byte range of a 1-based line, without its line break.
    pub fn line_range(&self, line: usize) -> std::ops::Range<usize> {
        let tables = self.tables();
        let start = tables.line_start(line - 1);
        let Some(next) = tables.line_starts.get(line).map(|&n| n as usize) else {
            return start..self.text.len();
        };
        let bytes = self.text.as_bytes();
        let crlf = next >= start + 2 && bytes[next - 1] == b'\n' && bytes[next - 2] == b'\r';
        start..next - if crlf { 2 } else { 1 }
    }
}

/// Where each line of `text` starts: after the byte order mark, and after each `\n`, `\r\n` or
/// lone `\r`.
pub fn line_starts(text: &str) -> Vec<u32> {
    let bytes = text.as_bytes();
    let first = if text.starts_with(BOM) { BOM.len() } else { 0 };
    let mut starts = vec![first as u32];
    let body = &bytes[first..];
    // Most texts have no `\r`: their lines are found by the faster search for one byte.
    if memchr::memchr(b'\r', body).is_none() {
        starts.extend(memchr::memchr_iter(b'\n', body).map(|i| (first + i + 1) as u32));
        return starts;
    }
    for i in memchr::memchr2_iter(b'\n', b'\r', body).map(|i| i + first) {
        let lone_cr = bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n');
        if bytes[i] == b'\n' || lone_cr {
            starts.push((i + 1) as u32);
        }
    }
    starts
}

/// The lines of a text, each with its line break (`\n`, `\r\n`, a lone `\r`, or none at the end).
pub fn lines(text: &str) -> impl Iterator<Item = (&str, &str)> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let t = rest?;
        let Some(at) = t.find(['\n', '\r']) else {
            rest = None;
            return Some((t, ""));
        };
        let len = if t[at..].starts_with("\r\n") { 2 } else { 1 };
        rest = Some(&t[at + len..]);
        Some((&t[..at], &t[at..at + len]))
    })
}

/// The Unicode scalar values and UTF-16 code units in some bytes of UTF-8 (cut anywhere): a
/// byte that is not a continuation byte starts a scalar value, and one of four bytes a value
/// outside the Basic Multilingual Plane (two units).
fn count(bytes: &[u8]) -> (usize, usize) {
    let chars = bytes.iter().filter(|&&b| (b as i8) >= -0x40).count();
    let wide = bytes.iter().filter(|&&b| b >= 0xF0).count();
    (chars, chars + wide)
}

/// All files of one run, addressed by [`FileId`].
#[derive(Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    /// A map with room for `files` files.
    pub fn with_capacity(files: usize) -> SourceMap {
        SourceMap {
            files: Vec::with_capacity(files),
        }
    }

    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.files.push(file);
        FileId(self.files.len() as u32 - 1)
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn files(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Start and end positions of a span.
    pub fn range(&self, span: Span) -> (Position, Position) {
        let file = self.get(span.file);
        (
            file.position(span.start as usize),
            file.position(span.end as usize),
        )
    }
}

/// The path as shown in reports: relative to the working directory when below it, `/`-separated.
pub fn display_path(path: &std::path::Path) -> String {
    display_path_from(std::env::current_dir().ok().as_deref(), path)
}

/// The path as shown in reports, relative to `cwd` (the working directory) when below it.
pub fn display_path_from(cwd: Option<&std::path::Path>, path: &std::path::Path) -> String {
    let rel = cwd.and_then(|c| path.strip_prefix(c).ok()).unwrap_or(path);
    let rel = rel.strip_prefix(".").unwrap_or(rel);
    rel.to_string_lossy().replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_chars_not_bytes() {
        let f = SourceFile::new("a".into(), "ab\nüx = 1\n".into());
        let x = f.text.find('x').unwrap();
        assert_eq!(
            f.position(x),
            Position {
                line: 2,
                column: 2,
                offset: x
            }
        );
        assert_eq!(f.position(0).column, 1);
        assert_eq!(f.line_range(2), 3..f.text.len() - 1);
    }

    proptest::proptest! {
        /// A line starts after the mark and after each `\n`, `\r\n` and lone `\r`, whichever
        /// search finds them.
        #[test]
        fn line_starts_follow_every_line_break(text in "(\u{feff})?[ab\r\n]{0,60}") {
            let first = if text.starts_with(BOM) { BOM.len() } else { 0 };
            let bytes = text.as_bytes();
            let mut expected = vec![first as u32];
            for i in first..bytes.len() {
                let lone_cr = bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n');
                if bytes[i] == b'\n' || lone_cr {
                    expected.push(i as u32 + 1);
                }
            }
            proptest::prop_assert_eq!(line_starts(&text), expected);
        }
    }

    #[test]
    fn lone_cr_crlf_and_lf_all_end_lines() {
        let text = "a\rbb\r\nccc\nd\r\re";
        let f = SourceFile::new("m.yaml".into(), text.into());
        let lines: Vec<&str> = (1..=f.line_count())
            .map(|l| &text[f.line_range(l)])
            .collect();
        assert_eq!(lines, ["a", "bb", "ccc", "d", "", "e"]);
        let split: Vec<(&str, &str)> = super::lines(text).collect();
        assert_eq!(
            split,
            [
                ("a", "\r"),
                ("bb", "\r\n"),
                ("ccc", "\n"),
                ("d", "\r"),
                ("", "\r"),
                ("e", "")
            ]
        );
        let e = text.find('e').unwrap();
        assert_eq!((f.position(e).line, f.position(e).column), (6, 1));
        let c = text.find("cc").unwrap() + 1;
        assert_eq!((f.position(c).line, f.position(c).column), (3, 2));
    }

    #[test]
    fn a_byte_order_mark_keeps_offsets_and_takes_no_column() {
        let mut f = SourceFile::new("m.tf".into(), format!("{BOM}x = 1\ny = 2\n"));
        assert!(f.bom);
        let x = BOM.len();
        assert_eq!(
            f.position(x),
            Position {
                line: 1,
                column: 1,
                offset: x
            }
        );
        assert_eq!(f.position(0).column, 1);
        assert_eq!(f.line_range(1), x..x + 5);
        assert_eq!(f.utf16_column(x + 4), 5, "the client's text holds the mark");
        f.blank_bom();
        assert!(f.text.starts_with("   x = 1"));
        assert_eq!(f.position(x + 4).column, 5);
    }

    #[test]
    fn the_tables_of_a_file_whose_mark_is_blanked_are_those_of_the_text_as_read() {
        let text = format!("{BOM}x = \"é\"\ny = 2\n");
        let read = SourceFile::new("m.tf".into(), text.clone());
        let mut blanked = SourceFile::new("m.tf".into(), text.clone());
        blanked.blank_bom();
        assert!(blanked.text.starts_with("   x"));
        assert_eq!(blanked.line_starts(), read.line_starts());
        // `x = "é"` and its line break take 9 bytes, `y = 2` and its 6.
        assert_eq!(blanked.line_starts(), [3, 12, 18]);
        for offset in [3, 7, 10, 12, 16] {
            assert_eq!(blanked.position(offset), read.position(offset), "{offset}");
            assert_eq!(
                blanked.utf16_column(offset),
                read.utf16_column(offset),
                "{offset}"
            );
        }
    }

    #[test]
    fn columns_on_long_lines_match_a_count_from_the_line_start() {
        let line: String = (0..3000).map(|i| ["a", "ü", "😀", "日"][i % 4]).collect();
        let text = format!("x\n{line}\n{line}");
        let f = SourceFile::new("m.json".into(), text.clone());
        for (offset, _) in text.char_indices().step_by(97).chain([(text.len(), ' ')]) {
            let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
            let p = f.position(offset);
            assert_eq!(
                p.column,
                text[start..offset].chars().count() + 1,
                "{offset}"
            );
            assert_eq!(
                f.utf16_column(offset),
                text[start..offset].encode_utf16().count(),
                "{offset}"
            );
        }
    }
}
