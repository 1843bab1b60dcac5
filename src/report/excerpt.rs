//! What the human output shows of the sources: only the lines its labels are on, with control
//! characters written out visibly, very long lines (minified JSON, generated templates) cut to
//! windows around the labels, and long values elided, so that the output grows with the number
//! of findings and not with the size of values. Line and column numbers stay the original ones.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use codespan_reporting::files::{self, Files};

use super::escape;
use crate::limits::{MAX_LABEL_BYTES, MAX_LABEL_LINES};
use crate::source::{FileId, SourceFile, SourceMap, Span};

/// Lines longer than this many bytes are cut to windows around their labels.
pub(super) const MAX_LINE: usize = 240;
/// Bytes of context kept on each side of a label on a cut line.
const CONTEXT: usize = 60;
const ELLIPSIS: &str = "…";

/// The shown lines of some files.
#[derive(Default)]
pub struct Excerpts<'a> {
    files: BTreeMap<FileId, Excerpt<'a>>,
}

struct Excerpt<'a> {
    source: &'a SourceFile,
    /// The path, escaped.
    name: Cow<'a, str>,
    text: String,
    /// In line order.
    lines: Vec<Line>,
}

/// One shown line: pieces of the original line, with `…` where bytes were left out.
struct Line {
    /// The original 1-based line number.
    number: usize,
    /// Where the line starts in the excerpt's text.
    start: usize,
    /// Where its shown text ends (before the line break).
    end: usize,
    /// In order; the gaps between them are elided.
    pieces: Vec<Piece>,
}

/// Original bytes and where they are shown: as they are, or one escaped character.
struct Piece {
    original: Range<usize>,
    shown: Range<usize>,
    escaped: bool,
}

impl Line {
    /// Where an original offset of this line is shown. An offset in an elided part is shown
    /// where the next piece starts (or at the end of the line).
    fn shown(&self, offset: usize) -> usize {
        let i = self.pieces.partition_point(|p| p.original.start <= offset);
        let Some(piece) = i.checked_sub(1).map(|i| &self.pieces[i]) else {
            return self.start;
        };
        if offset < piece.original.end {
            if piece.escaped {
                piece.shown.start
            } else {
                piece.shown.start + (offset - piece.original.start)
            }
        } else if offset == piece.original.end {
            piece.shown.end
        } else {
            self.pieces.get(i).map_or(self.end, |next| next.shown.start)
        }
    }

    /// The original offset shown at an excerpt offset of this line.
    fn original(&self, at: usize) -> usize {
        let i = self.pieces.partition_point(|p| p.shown.start <= at);
        let Some(piece) = i.checked_sub(1).map(|i| &self.pieces[i]) else {
            return self.pieces.first().map_or(0, |p| p.original.start);
        };
        if piece.escaped {
            piece.original.start
        } else {
            (piece.original.start + (at - piece.shown.start)).min(piece.original.end)
        }
    }
}

/// A span as shown: its lines, and where it ends when it does not end on its last shown line.
struct Shown {
    file: FileId,
    first: usize,
    last: usize,
    start: usize,
    end: usize,
}

impl Shown {
    /// The span cut to its first line when it runs over too many lines to underline.
    fn new(map: &SourceMap, span: Span) -> Shown {
        let source = map.get(span.file);
        let (start, end) = (
            span.start as usize,
            (span.end as usize).max(span.start as usize),
        );
        let first = source.position(start).line;
        let last = source.position(end).line;
        if last - first >= MAX_LABEL_LINES {
            let line_end = source.line_range(first).end.max(start);
            return Shown {
                file: span.file,
                first,
                last: first,
                start,
                end: line_end,
            };
        }
        Shown {
            file: span.file,
            first,
            last,
            start,
            end,
        }
    }
}

impl<'a> Excerpts<'a> {
    /// The excerpts that show `spans`, and the spans mapped into them.
    pub fn new(map: &'a SourceMap, spans: &[Span]) -> (Excerpts<'a>, Vec<(FileId, Range<usize>)>) {
        let shown: Vec<Shown> = spans.iter().map(|&s| Shown::new(map, s)).collect();
        // The original bytes each shown line must show, by (file, line).
        let mut wanted: BTreeMap<(FileId, usize), Vec<Range<usize>>> = BTreeMap::new();
        for s in &shown {
            let source = map.get(s.file);
            for line in s.first..=s.last {
                let bounds = source.line_range(line);
                let want = wanted.entry((s.file, line)).or_default();
                if line == s.first {
                    // The start of the label, and its end when it is far (on another line, or
                    // past a long value).
                    let to = if line == s.last { s.end } else { bounds.end };
                    want.push(s.start..to.min(s.start + MAX_LABEL_BYTES));
                    if line == s.last && s.end > s.start + MAX_LABEL_BYTES {
                        want.push(s.end..s.end);
                    }
                } else if line == s.last {
                    want.push(s.end..s.end);
                } else {
                    want.push(bounds.start..bounds.start);
                }
            }
        }
        // A single line between two shown lines is shown too, rather than a gap marker.
        let lines: BTreeSet<(FileId, usize)> = wanted.keys().copied().collect();
        for &(file, line) in &lines {
            if !lines.contains(&(file, line + 1)) && lines.contains(&(file, line + 2)) {
                let start = map.get(file).line_range(line + 1).start;
                wanted
                    .entry((file, line + 1))
                    .or_default()
                    .push(start..start);
            }
        }

        let mut excerpts = Excerpts::default();
        for ((id, number), ranges) in &wanted {
            let source = map.get(*id);
            let excerpt = excerpts.files.entry(*id).or_insert_with(|| Excerpt {
                source,
                name: escape::visible(&source.path),
                text: String::new(),
                lines: Vec::new(),
            });
            let line = excerpt.push_line(*number, ranges);
            excerpt.lines.push(line);
        }
        let mapped = shown
            .iter()
            .map(|s| {
                let excerpt = &excerpts.files[&s.file];
                let at = |line: usize, offset: usize| {
                    excerpt
                        .line(line)
                        .map_or(excerpt.text.len(), |l| l.shown(offset))
                };
                (s.file, at(s.first, s.start)..at(s.last, s.end))
            })
            .collect();
        (excerpts, mapped)
    }

    fn excerpt(&self, id: FileId) -> Result<&Excerpt<'a>, files::Error> {
        self.files.get(&id).ok_or(files::Error::FileMissing)
    }
}

impl Excerpt<'_> {
    fn line(&self, number: usize) -> Option<&Line> {
        self.lines
            .binary_search_by_key(&number, |l| l.number)
            .ok()
            .map(|i| &self.lines[i])
    }

    /// Appends line `number`, showing the windows around `ranges` when it is long.
    fn push_line(&mut self, number: usize, ranges: &[Range<usize>]) -> Line {
        let source = self.source;
        let text = &source.text;
        let bounds = source.line_range(number);
        let mut windows: Vec<Range<usize>> = if bounds.len() <= MAX_LINE {
            vec![bounds.clone()]
        } else {
            let mut w: Vec<Range<usize>> = ranges
                .iter()
                .map(|r| {
                    floor(text, r.start.saturating_sub(CONTEXT).max(bounds.start))
                        ..ceil(text, (r.end + CONTEXT).min(bounds.end))
                })
                .collect();
            w.sort_by_key(|r| r.start);
            w
        };
        windows.dedup_by(|next, kept| {
            let overlap = next.start <= kept.end;
            if overlap {
                kept.end = kept.end.max(next.end);
            }
            overlap
        });
        let start = self.text.len();
        let mut pieces = Vec::new();
        let mut previous = bounds.start;
        for window in windows {
            if window.start > previous {
                self.text.push_str(ELLIPSIS);
            }
            let mut verbatim = window.start;
            if !escape::shown_as_is(&text[window.clone()]) {
                for (i, c) in text[window.clone()].char_indices() {
                    let at = window.start + i;
                    if let Some(e) = escape::escaped(c) {
                        self.push_verbatim(&mut pieces, verbatim..at);
                        let shown = self.text.len();
                        self.text.push_str(&e);
                        pieces.push(Piece {
                            original: at..at + c.len_utf8(),
                            shown: shown..self.text.len(),
                            escaped: true,
                        });
                        verbatim = at + c.len_utf8();
                    }
                }
            }
            self.push_verbatim(&mut pieces, verbatim..window.end);
            previous = window.end;
        }
        if previous < bounds.end {
            self.text.push_str(ELLIPSIS);
        }
        let end = self.text.len();
        self.text.push('\n');
        Line {
            number,
            start,
            end,
            pieces,
        }
    }

    /// Shows original bytes as they are (an empty piece only to place an empty line).
    fn push_verbatim(&mut self, pieces: &mut Vec<Piece>, original: Range<usize>) {
        if original.is_empty() && !pieces.is_empty() {
            return;
        }
        let shown = self.text.len();
        self.text.push_str(&self.source.text[original.clone()]);
        pieces.push(Piece {
            original,
            shown: shown..self.text.len(),
            escaped: false,
        });
    }
}

impl<'a> Files<'a> for Excerpts<'a> {
    type FileId = FileId;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: FileId) -> Result<&'a str, files::Error> {
        Ok(&self.excerpt(id)?.name)
    }

    fn source(&'a self, id: FileId) -> Result<&'a str, files::Error> {
        Ok(&self.excerpt(id)?.text)
    }

    /// The original 0-based line index.
    fn line_index(&'a self, id: FileId, byte_index: usize) -> Result<usize, files::Error> {
        let lines = &self.excerpt(id)?.lines;
        let i = lines
            .partition_point(|l| l.start <= byte_index)
            .saturating_sub(1);
        Ok(lines.get(i).map_or(0, |l| l.number - 1))
    }

    /// The shown line, with its line break. A line that is not shown (no label asks for it)
    /// is empty.
    fn line_range(&'a self, id: FileId, line_index: usize) -> Result<Range<usize>, files::Error> {
        let e = self.excerpt(id)?;
        Ok(e.line(line_index + 1)
            .map_or(e.text.len()..e.text.len(), |l| l.start..l.end + 1))
    }

    fn line_number(&'a self, _id: FileId, line_index: usize) -> Result<usize, files::Error> {
        Ok(line_index + 1)
    }

    /// The original column (in chars), however much of the line is cut or escaped.
    fn column_number(
        &'a self,
        id: FileId,
        line_index: usize,
        byte_index: usize,
    ) -> Result<usize, files::Error> {
        let e = self.excerpt(id)?;
        Ok(e.line(line_index + 1)
            .map_or(1, |l| e.source.position(l.original(byte_index)).column))
    }
}

/// The nearest char boundary at or before `at`.
pub(super) fn floor(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The nearest char boundary at or after `at`.
fn ceil(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at += 1;
    }
    at
}
