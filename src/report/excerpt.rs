//! Very long lines (minified JSON, generated templates) shown as a window around the labels,
//! so that one finding does not print a whole file. Line and column numbers stay the original
//! ones.

use std::collections::BTreeMap;
use std::ops::Range;

use codespan_reporting::files::{self, Files};

use crate::source::{FileId, SourceFile, SourceMap, Span};

/// Lines longer than this many bytes are windowed.
pub const MAX_LINE: usize = 240;
/// Bytes of context kept on each side of the labels of a windowed line.
const CONTEXT: usize = 60;
const ELLIPSIS: &str = "…";

/// The labelled lines of some files, each cut to a window when long.
#[derive(Default)]
pub struct Excerpts<'a> {
    files: BTreeMap<FileId, Excerpt<'a>>,
}

struct Excerpt<'a> {
    source: &'a SourceFile,
    text: String,
    lines: Vec<Line>,
}

/// One line of an excerpt.
struct Line {
    /// The original 1-based line number.
    number: usize,
    /// Where the line starts in the excerpt's text.
    start: usize,
    /// The original bytes shown: a window of the original line.
    window: Range<usize>,
    /// The original line's start.
    line_start: usize,
    /// Bytes of the leading ellipsis (0 when the window starts the line).
    prefix: usize,
}

/// Whether any of the spans starts on a line too long to show whole.
pub fn needed(map: &SourceMap, spans: &[Span]) -> bool {
    spans.iter().any(|s| {
        let file = map.get(s.file);
        let line = file.position(s.start as usize).line;
        file.line_range(line).len() > MAX_LINE
    })
}

impl<'a> Excerpts<'a> {
    /// The excerpts showing `spans` (each on its first line), and the spans mapped into them.
    pub fn new(map: &'a SourceMap, spans: &[Span]) -> (Excerpts<'a>, Vec<(FileId, Range<usize>)>) {
        // The label ranges on each (file, line), in original bytes, cut to their first line.
        let mut wanted: BTreeMap<(FileId, usize), Vec<Range<usize>>> = BTreeMap::new();
        for s in spans {
            let file = map.get(s.file);
            let line = file.position(s.start as usize).line;
            let bounds = file.line_range(line);
            let end = (s.end as usize).clamp(s.start as usize, bounds.end);
            wanted
                .entry((s.file, line))
                .or_default()
                .push(s.start as usize..end);
        }
        let mut excerpts = Excerpts::default();
        for ((id, number), ranges) in &wanted {
            let source = map.get(*id);
            let bounds = source.line_range(*number);
            let lo = ranges.iter().map(|r| r.start).min().unwrap_or(bounds.start);
            let hi = ranges.iter().map(|r| r.end).max().unwrap_or(bounds.end);
            let window = if bounds.len() > MAX_LINE {
                floor(&source.text, lo.saturating_sub(CONTEXT).max(bounds.start))
                    ..ceil(&source.text, (hi + CONTEXT).min(bounds.end))
            } else {
                bounds.clone()
            };
            let excerpt = excerpts.files.entry(*id).or_insert_with(|| Excerpt {
                source,
                text: String::new(),
                lines: Vec::new(),
            });
            let prefix = if window.start > bounds.start {
                ELLIPSIS.len()
            } else {
                0
            };
            let start = excerpt.text.len();
            if prefix > 0 {
                excerpt.text.push_str(ELLIPSIS);
            }
            excerpt.text.push_str(&source.text[window.clone()]);
            if window.end < bounds.end {
                excerpt.text.push_str(ELLIPSIS);
            }
            excerpt.text.push('\n');
            excerpt.lines.push(Line {
                number: *number,
                start,
                window,
                line_start: bounds.start,
                prefix,
            });
        }
        let mapped = spans
            .iter()
            .map(|s| {
                let excerpt = &excerpts.files[&s.file];
                let number = map.get(s.file).position(s.start as usize).line;
                let line = excerpt
                    .lines
                    .iter()
                    .find(|l| l.number == number)
                    .expect("a line per span");
                let at = |o: usize| {
                    line.start
                        + line.prefix
                        + (o.clamp(line.window.start, line.window.end) - line.window.start)
                };
                (
                    s.file,
                    at(s.start as usize)..at((s.end as usize).max(s.start as usize)),
                )
            })
            .collect();
        (excerpts, mapped)
    }

    fn excerpt(&self, id: FileId) -> Result<&Excerpt<'a>, files::Error> {
        self.files.get(&id).ok_or(files::Error::FileMissing)
    }
}

impl<'a> Files<'a> for Excerpts<'a> {
    type FileId = FileId;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: FileId) -> Result<&'a str, files::Error> {
        Ok(&self.excerpt(id)?.source.path)
    }

    fn source(&'a self, id: FileId) -> Result<&'a str, files::Error> {
        Ok(&self.excerpt(id)?.text)
    }

    fn line_index(&'a self, id: FileId, byte_index: usize) -> Result<usize, files::Error> {
        let lines = &self.excerpt(id)?.lines;
        Ok(lines
            .partition_point(|l| l.start <= byte_index)
            .saturating_sub(1))
    }

    fn line_range(&'a self, id: FileId, line_index: usize) -> Result<Range<usize>, files::Error> {
        let e = self.excerpt(id)?;
        let line = e.lines.get(line_index).ok_or(files::Error::LineTooLarge {
            given: line_index,
            max: e.lines.len().saturating_sub(1),
        })?;
        let end = e
            .lines
            .get(line_index + 1)
            .map_or(e.text.len(), |next| next.start);
        Ok(line.start..end)
    }

    /// The original line number.
    fn line_number(&'a self, id: FileId, line_index: usize) -> Result<usize, files::Error> {
        let e = self.excerpt(id)?;
        Ok(e.lines.get(line_index).map_or(line_index + 1, |l| l.number))
    }

    /// The original column (in chars), however much of the line is cut.
    fn column_number(
        &'a self,
        id: FileId,
        line_index: usize,
        byte_index: usize,
    ) -> Result<usize, files::Error> {
        let e = self.excerpt(id)?;
        let Some(line) = e.lines.get(line_index) else {
            return Ok(1);
        };
        let offset = byte_index.saturating_sub(line.start + line.prefix);
        let original = (line.window.start + offset).min(line.window.end);
        let original = floor(&e.source.text, original);
        Ok(e.source.text[line.line_start..original].chars().count() + 1)
    }
}

/// The nearest char boundary at or before `at`.
fn floor(text: &str, mut at: usize) -> usize {
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
