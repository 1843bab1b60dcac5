//! YAML to [`Node`] trees, one per document, built from `saphyr-parser` events.
//!
//! Building the tree from events (rather than through `saphyr::MarkedYaml`) lets us see each
//! scalar's quoting style, stop at [`MAX_DEPTH`] before anything deep is built, bound alias
//! expansion and report duplicate keys at the key itself.

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use std::borrow::Cow;
use std::cell::Cell;

use saphyr_parser::{Event, Marker, Parser, ScalarStyle, Span as YamlSpan, Tag};

use super::{Key, MAX_DEPTH, Node, NodeKind, TreeError};
use crate::ir::{Literal, Quoting, Written};
use crate::parse::edits::ListSyntax;
use crate::source::{FileId, Span};

use crate::limits::{MAX_ALIAS_BYTES, MAX_ALIAS_NODES};

/// Parse YAML text into one tree per document (an empty text has none).
///
/// Scalars follow the YAML 1.2 core schema, quoted scalars are always strings, and local tags
/// (`!Ref x`) are kept on the node. Aliases are expanded (within [`MAX_ALIAS_NODES`] nodes and
/// [`MAX_ALIAS_BYTES`] bytes more than the file's size); the copy's top node spans the alias,
/// the nodes inside it keep the anchor's spans. Merge keys (`<<: *a`) are applied (see
/// [`merged`]). Duplicate keys, nesting deeper than [`MAX_DEPTH`], expansions past those limits
/// and syntax errors are errors.
pub fn parse_yaml(file: FileId, text: &str) -> Result<Vec<Node>, TreeError> {
    parse_yaml_lines(file, text, &crate::source::line_starts(text))
}

/// [`parse_yaml`] given the text's table of line starts (that of its
/// [`SourceFile`](crate::source::SourceFile)), not built again.
pub fn parse_yaml_lines(
    file: FileId,
    text: &str,
    line_starts: &[u32],
) -> Result<Vec<Node>, TreeError> {
    let mut builder = Builder::new(file, text, line_starts);
    for event in Parser::new_from_str(text) {
        let (event, span) = match event {
            Ok(event) => event,
            Err(e) => return Err(builder.error_at(*e.marker(), e.info())),
        };
        builder.event(event, span)?;
    }
    Ok(builder.docs)
}

/// A finished node with what anchors need to know about it.
#[derive(Clone)]
struct Built {
    node: Node,
    /// The number of nodes in the subtree.
    size: usize,
    /// The bytes of its scalars (keys included) and tags.
    bytes: usize,
    /// The number of nested collection levels (0 for a scalar).
    height: usize,
}

/// A sequence or mapping whose end event has not come yet.
struct Frame {
    start: usize,
    /// The end of the last thing seen inside (for block collections, whose end event is empty).
    last_end: usize,
    tag: Option<String>,
    anchor: usize,
    size: usize,
    bytes: usize,
    height: usize,
    body: Body,
}

enum Body {
    Seq(Vec<Node>),
    Map {
        entries: Vec<(Key, Node)>,
        pending: Option<Key>,
        /// The keys, once there are [`SEARCHED_KEYS`] of them.
        seen: HashSet<String>,
    },
}

/// Up to how many keys a mapping's keys are searched for a duplicate, rather than kept in a set.
const SEARCHED_KEYS: usize = 16;

/// The most items a collection makes room for before it holds them: a guess from its
/// predecessor never holds more than this many unused.
const MOST_ROOM: usize = 64;

struct Builder<'t> {
    file: FileId,
    text: &'t str,
    lines: LineIndex<'t>,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Built>,
    /// What alias expansions copied.
    expanded: Copies,
    /// What recording anchors copied (only nested anchors copy more than the file holds).
    anchored: Copies,
    docs: Vec<Node>,
    /// The item spans of the sequence being closed (kept for the next one).
    ranges: Vec<(usize, usize)>,
    /// For each depth, how many items the last collection closed at that depth held: the room
    /// a new one there starts with, up to [`MOST_ROOM`] (lists of entries repeat their shapes),
    /// rather than growing by doubling from four.
    sizes: Vec<usize>,
}

/// Nodes and bytes copied.
#[derive(Default)]
struct Copies {
    nodes: usize,
    bytes: usize,
}

impl Copies {
    /// Counts a copy of `built`; `Err` with what was exceeded when past `max_nodes` or
    /// `max_bytes`.
    fn add(&mut self, built: &Built, max_nodes: usize, max_bytes: usize) -> Result<(), String> {
        self.nodes = self.nodes.saturating_add(built.size);
        self.bytes = self.bytes.saturating_add(built.bytes);
        if self.nodes > max_nodes {
            Err(format!("more than {max_nodes} nodes"))
        } else if self.bytes > max_bytes {
            Err(format!("more than {max_bytes} bytes"))
        } else {
            Ok(())
        }
    }
}

impl<'t> Builder<'t> {
    fn new(file: FileId, text: &'t str, line_starts: &'t [u32]) -> Builder<'t> {
        Builder {
            file,
            text,
            lines: LineIndex::new(text, line_starts),
            stack: Vec::new(),
            anchors: HashMap::new(),
            expanded: Copies::default(),
            anchored: Copies::default(),
            docs: Vec::new(),
            ranges: Vec::new(),
            sizes: Vec::new(),
        }
    }

    fn error_at(&self, marker: Marker, message: &str) -> TreeError {
        let offset = self.lines.offset(marker);
        TreeError::at(self.file, self.text, offset, message)
    }

    fn span(&self, span: YamlSpan) -> Span {
        let start = self.lines.offset(span.start);
        let end = self.lines.offset(span.end);
        Span::new(self.file, start, end)
    }

    fn event(&mut self, event: Event<'_>, span: YamlSpan) -> Result<(), TreeError> {
        match event {
            Event::Scalar(value, style, anchor, tag) => {
                let mut span = self.span(span);
                if matches!(style, ScalarStyle::Literal | ScalarStyle::Folded) {
                    // A block scalar's end marker is at the next token: stop at its last text.
                    if let Some(source) = self.text.get(span.range()) {
                        span.end = span.start + source.trim_end().len() as u32;
                    }
                }
                if let Some(quote) = match style {
                    ScalarStyle::SingleQuoted => Some('\''),
                    ScalarStyle::DoubleQuoted => Some('"'),
                    _ => None,
                } {
                    // A quoted scalar's end marker may be past spaces and a comment after it.
                    if let Some(len) = self
                        .text
                        .get(span.range())
                        .and_then(|s| quoted_len(s, quote))
                    {
                        span.end = span.start + len as u32;
                    }
                }
                let value_len = value.len();
                let kind = scalar_kind(value, style, tag.as_deref());
                let tag = tag.and_then(tag_name);
                let literal = match (&kind, &tag) {
                    (NodeKind::String(_), None) => literal(self.text, span, style),
                    _ => None,
                };
                let node = Node {
                    kind,
                    span,
                    tag,
                    written: Written {
                        literal,
                        item: None,
                    },
                };
                let bytes = value_len + node.tag.as_ref().map_or(0, String::len);
                self.finish(
                    Built {
                        node,
                        size: 1,
                        bytes,
                        height: 0,
                    },
                    anchor,
                )
            }
            Event::SequenceStart(anchor, tag) => self.open(span, anchor, tag, true),
            Event::MappingStart(anchor, tag) => self.open(span, anchor, tag, false),
            Event::SequenceEnd | Event::MappingEnd => self.close(span),
            Event::Alias(id) => self.alias(id, span),
            Event::Nothing
            | Event::StreamStart
            | Event::StreamEnd
            | Event::DocumentStart(_)
            | Event::DocumentEnd => Ok(()),
        }
    }

    fn open(
        &mut self,
        span: YamlSpan,
        anchor: usize,
        tag: Option<Cow<'_, Tag>>,
        seq: bool,
    ) -> Result<(), TreeError> {
        if self.stack.len() >= MAX_DEPTH {
            let message = format!("nesting is deeper than {MAX_DEPTH} levels");
            return Err(self.error_at(span.start, &message));
        }
        let span = self.span(span);
        let room = self.sizes.get(self.stack.len()).copied().unwrap_or(0);
        let body = if seq {
            Body::Seq(Vec::with_capacity(room))
        } else {
            Body::Map {
                entries: Vec::with_capacity(room),
                pending: None,
                seen: HashSet::new(),
            }
        };
        let tag = tag.and_then(tag_name);
        self.stack.push(Frame {
            start: span.start as usize,
            last_end: span.end as usize,
            bytes: tag.as_ref().map_or(0, String::len),
            tag,
            anchor,
            size: 1,
            height: 1,
            body,
        });
        Ok(())
    }

    fn close(&mut self, span: YamlSpan) -> Result<(), TreeError> {
        let end_span = self.span(span);
        let Some(frame) = self.stack.pop() else {
            return Err(self.error_at(span.start, "unbalanced end of collection"));
        };
        // A flow collection ends at its bracket; a block one at its last entry.
        let end = if end_span.start < end_span.end {
            end_span.end as usize
        } else {
            frame.last_end
        };
        let depth = self.stack.len();
        let held = match &frame.body {
            Body::Seq(items) => items.len(),
            Body::Map { entries, .. } => entries.len(),
        };
        if self.sizes.len() <= depth {
            self.sizes.resize(depth + 1, 0);
        }
        self.sizes[depth] = held.min(MOST_ROOM);
        let kind = match frame.body {
            Body::Seq(mut items) => {
                let syntax = if end_span.start < end_span.end {
                    ListSyntax::Commas {
                        trailing_comma: true,
                    }
                } else {
                    ListSyntax::Dashes
                };
                super::record_removals(self.file, self.text, &mut items, syntax, &mut self.ranges);
                NodeKind::Seq(items)
            }
            Body::Map { entries, .. } => NodeKind::Map(merged(entries)),
        };
        let node = Node {
            kind,
            span: Span::new(self.file, frame.start, end),
            tag: frame.tag,
            written: Written::default(),
        };
        let built = Built {
            node,
            size: frame.size,
            bytes: frame.bytes,
            height: frame.height,
        };
        self.finish(built, frame.anchor)
    }

    fn alias(&mut self, id: usize, span: YamlSpan) -> Result<(), TreeError> {
        let Some(anchored) = self.anchors.get(&id) else {
            return Err(self.error_at(span.start, "alias refers to its own enclosing anchor"));
        };
        if self.stack.len() + anchored.height > MAX_DEPTH {
            let message = format!("alias expands to nesting deeper than {MAX_DEPTH} levels");
            return Err(self.error_at(span.start, &message));
        }
        // Counted before it is copied.
        let max_bytes = MAX_ALIAS_BYTES.saturating_add(self.text.len());
        if let Err(what) = self.expanded.add(anchored, MAX_ALIAS_NODES, max_bytes) {
            return Err(self.error_at(span.start, &format!("aliases expand to {what}")));
        }
        let mut copy = anchored.clone();
        copy.node.span = self.span(span);
        self.finish(copy, 0)
    }

    /// Record a finished node as an anchor if it has one, and put it in its parent.
    fn finish(&mut self, built: Built, anchor: usize) -> Result<(), TreeError> {
        if anchor != 0 {
            // Anchors that are not nested copy at most what the file holds.
            let max_nodes = MAX_ALIAS_NODES.saturating_add(self.text.len());
            let max_bytes = MAX_ALIAS_BYTES.saturating_add(self.text.len());
            if let Err(what) = self.anchored.add(&built, max_nodes, max_bytes) {
                return Err(TreeError::at(
                    self.file,
                    self.text,
                    built.node.span.start as usize,
                    format!("nested anchors copy {what}"),
                ));
            }
            self.anchors.insert(anchor, built.clone());
        }
        let Some(frame) = self.stack.last_mut() else {
            self.docs.push(built.node);
            return Ok(());
        };
        frame.size += built.size;
        frame.bytes += built.bytes;
        frame.height = frame.height.max(built.height + 1);
        frame.last_end = frame.last_end.max(built.node.span.end as usize);
        match &mut frame.body {
            Body::Seq(items) => items.push(built.node),
            Body::Map {
                entries,
                pending,
                seen,
            } => match pending.take() {
                Some(key) => entries.push((key, built.node)),
                None => {
                    let (span, literal) = (built.node.span, built.node.written.literal);
                    let key = Key {
                        name: key_name(built.node, self.text),
                        span,
                        literal,
                    };
                    // A small mapping is searched; a larger one keeps a set of its keys.
                    let duplicate = if entries.len() < SEARCHED_KEYS {
                        entries.iter().any(|(k, _)| k.name == key.name)
                    } else {
                        if seen.is_empty() {
                            seen.extend(entries.iter().map(|(k, _)| k.name.clone()));
                        }
                        !seen.insert(key.name.clone())
                    };
                    if duplicate {
                        return Err(TreeError {
                            span: key.span,
                            message: format!("duplicate key `{}` in mapping", key.name),
                        });
                    }
                    *pending = Some(key);
                }
            },
        }
        Ok(())
    }
}

/// A mapping's entries with its merge keys applied: each plain `<<` whose value is a mapping,
/// or a list of mappings, is replaced by their entries whose keys the mapping does not hold
/// (those written in it, then those of earlier mappings, win), as YAML 1.1 merges them and
/// go-yaml v2, the YAML library of eksctl and kubectl, applies them. Any other `<<` stays a key.
fn merged(entries: Vec<(Key, Node)>) -> Vec<(Key, Node)> {
    if !entries.iter().any(|(k, v)| is_merge(k, v)) {
        return entries;
    }
    let (merges, mut out): (Vec<_>, Vec<_>) =
        entries.into_iter().partition(|(k, v)| is_merge(k, v));
    let mut held: HashSet<String> = out.iter().map(|(k, _)| k.name.clone()).collect();
    for (_, source) in merges {
        let maps = match source.kind {
            NodeKind::Map(map) => vec![map],
            NodeKind::Seq(items) => items
                .into_iter()
                .filter_map(|i| match i.kind {
                    NodeKind::Map(map) => Some(map),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        for (key, value) in maps.into_iter().flatten() {
            if held.insert(key.name.clone()) {
                out.push((key, value));
            }
        }
    }
    out
}

/// Whether an entry is a merge: a plain `<<` key holding a mapping or a list of mappings.
fn is_merge(key: &Key, value: &Node) -> bool {
    let mapping = |n: &Node| matches!(n.kind, NodeKind::Map(_));
    key.name == "<<"
        && key.literal.is_some_and(|l| l.quoting == Quoting::YamlPlain)
        && match &value.kind {
            NodeKind::Map(_) => true,
            NodeKind::Seq(items) => items.iter().all(mapping),
            _ => false,
        }
}

/// The text of a string scalar without its quotes (after any tag or anchor), and its quoting;
/// `None` for block scalars.
fn literal(text: &str, span: Span, style: ScalarStyle) -> Option<Literal> {
    let source = text.get(span.range())?;
    let (start, end, quoting) = match style {
        ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => {
            let (quote, quoting) = if style == ScalarStyle::SingleQuoted {
                ('\'', Quoting::YamlSingle)
            } else {
                ('"', Quoting::YamlDouble)
            };
            let open = memchr::memchr(quote as u8, source.as_bytes())?;
            let close = source.len().checked_sub(1)?;
            (open < close && source.ends_with(quote)).then_some((open + 1, close, quoting))?
        }
        ScalarStyle::Plain => {
            // A tag (`!!str`) or an anchor (`&a`) may come before the scalar.
            let mut start = 0;
            while source[start..].starts_with(['!', '&']) {
                let token = source[start..].find([' ', '\t', '\n', '\r'])?;
                let rest = &source[start + token..];
                start += token + (rest.len() - rest.trim_start().len());
            }
            let end = source.trim_end().len();
            (start < end).then_some((start, end, Quoting::YamlPlain))?
        }
        ScalarStyle::Literal | ScalarStyle::Folded => return None,
    };
    Some(Literal {
        span: Span::new(
            span.file,
            span.start as usize + start,
            span.start as usize + end,
        ),
        quoting,
    })
}

/// The length of `source` up to the closing quote of its first `quote`d scalar (after any tag).
fn quoted_len(source: &str, quote: char) -> Option<usize> {
    let open = memchr::memchr(quote as u8, source.as_bytes())?;
    let mut chars = source[open + 1..].char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' if quote == '"' => {
                chars.next();
            }
            '\'' if quote == '\'' && chars.peek().is_some_and(|(_, n)| *n == '\'') => {
                chars.next();
            }
            c if c == quote => return Some(open + 1 + i + c.len_utf8()),
            _ => {}
        }
    }
    None
}

/// The name of a mapping key: a string's value, else the key's source text.
fn key_name(node: Node, text: &str) -> String {
    match node.kind {
        NodeKind::String(s) | NodeKind::Number(s) => s,
        _ => text.get(node.span.range()).unwrap_or("").trim().to_string(),
    }
}

/// The tag kept on a node: a local tag without its `!`; none for the core schema's `!!` tags.
fn tag_name(tag: Cow<'_, Tag>) -> Option<String> {
    if tag.is_yaml_core_schema() {
        None
    } else if tag.handle == "!" {
        // The parser's own tag gives up its suffix, not copied.
        Some(tag.into_owned().suffix)
    } else {
        Some(format!(
            "{}{}",
            tag.handle.trim_start_matches('!'),
            tag.suffix
        ))
    }
}

/// A scalar's kind: quoted, block and locally tagged scalars are strings; plain ones follow the
/// YAML 1.2 core schema (as does a `!!` tag other than `!!str`). The parser's string is kept,
/// not copied.
fn scalar_kind(value: Cow<'_, str>, style: ScalarStyle, tag: Option<&Tag>) -> NodeKind {
    let resolve = match tag {
        Some(tag) if tag.is_yaml_core_schema() => tag.suffix != "str",
        Some(_) => false,
        None => style == ScalarStyle::Plain,
    };
    if resolve {
        core_schema(value)
    } else {
        NodeKind::String(value.into_owned())
    }
}

/// Resolve a plain scalar by the YAML 1.2 core schema.
fn core_schema(value: Cow<'_, str>) -> NodeKind {
    match &*value {
        "" | "~" | "null" | "Null" | "NULL" => NodeKind::Null,
        "true" | "True" | "TRUE" => NodeKind::Bool(true),
        "false" | "False" | "FALSE" => NodeKind::Bool(false),
        s if is_number(s) => NodeKind::Number(value.into_owned()),
        _ => NodeKind::String(value.into_owned()),
    }
}

/// Whether a plain scalar is a core-schema int or float.
fn is_number(s: &str) -> bool {
    let unsigned = s.strip_prefix(['-', '+']).unwrap_or(s);
    // Every form starts with a digit or a dot once signed: most strings are rejected here.
    if !unsigned.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
        return false;
    }
    let digits = |s: &str, radix: u32| !s.is_empty() && s.chars().all(|c| c.is_digit(radix));
    if let Some(octal) = s.strip_prefix("0o") {
        return digits(octal, 8);
    }
    if let Some(hex) = s.strip_prefix("0x") {
        return digits(hex, 16);
    }
    if matches!(unsigned, ".inf" | ".Inf" | ".INF") || matches!(s, ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(i) => (&unsigned[..i], Some(&unsigned[i + 1..])),
        None => (unsigned, None),
    };
    let mantissa_ok = match mantissa.split_once('.') {
        Some((int, frac)) => {
            (int.is_empty() || digits(int, 10))
                && (frac.is_empty() || digits(frac, 10))
                && !(int.is_empty() && frac.is_empty())
        }
        None => digits(mantissa, 10),
    };
    let exponent_ok = exponent.is_none_or(|e| digits(e.strip_prefix(['-', '+']).unwrap_or(e), 10));
    mantissa_ok && exponent_ok
}

/// Byte offsets of saphyr's 1-based lines and 0-based char columns.
///
/// Lines break at `\r\n`, `\r` or `\n` as in YAML, and a leading byte order mark is not counted.
/// Markers mostly come in text order, so the last position is cached and walked forward from.
struct LineIndex<'t> {
    text: &'t str,
    /// Whether the text is ASCII, where a column is a byte count.
    ascii: bool,
    starts: &'t [u32],
    /// The last (line, column, byte offset) looked up.
    cursor: Cell<(usize, usize, usize)>,
    /// The last line looked up in ASCII text, with its bounds.
    line: Cell<Option<(usize, (usize, usize))>>,
}

impl<'t> LineIndex<'t> {
    /// `starts` is [`line_starts`](crate::source::line_starts) of `text`.
    fn new(text: &'t str, starts: &'t [u32]) -> LineIndex<'t> {
        let first = starts.first().map_or(0, |&s| s as usize);
        LineIndex {
            text,
            ascii: text.is_ascii(),
            starts,
            cursor: Cell::new((1, 0, first)),
            line: Cell::new(None),
        }
    }

    /// Where a 1-based line starts, and where the next one starts (or the text ends).
    fn bounds(&self, line: usize) -> Option<(usize, usize)> {
        let start = *line.checked_sub(1).and_then(|i| self.starts.get(i))? as usize;
        let end = self
            .starts
            .get(line)
            .map_or(self.text.len(), |&s| s as usize);
        Some((start, end))
    }

    /// The byte offset of a marker, clamped to its line (or the text).
    fn offset(&self, marker: Marker) -> usize {
        let (line, col) = (marker.line(), marker.col());
        if self.ascii {
            // A scalar's two markers, and a key's and its value's, are most often on one line.
            let (line_start, line_end) = match self.line.get() {
                Some((l, bounds)) if l == line => bounds,
                _ => {
                    let Some(bounds) = self.bounds(line) else {
                        return self.text.len();
                    };
                    self.line.set(Some((line, bounds)));
                    bounds
                }
            };
            return line_start.saturating_add(col).min(line_end);
        }
        let Some((line_start, line_end)) = self.bounds(line) else {
            return self.text.len();
        };
        let (from_col, from) = match self.cursor.get() {
            (l, c, offset) if l == line && c <= col => (c, offset),
            _ => (0, line_start),
        };
        let rest = self.text.get(from..line_end).unwrap_or("");
        let offset = rest
            .char_indices()
            .nth(col - from_col)
            .map_or(line_end, |(i, _)| from + i);
        self.cursor.set((line, col, offset));
        offset
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const F: FileId = FileId(0);

    fn one(text: &str) -> Node {
        let mut docs = parse_yaml(F, text).unwrap();
        assert_eq!(docs.len(), 1);
        docs.remove(0)
    }

    fn slice(text: &str, span: Span) -> &str {
        &text[span.range()]
    }

    fn err(text: &str) -> TreeError {
        parse_yaml(F, text).unwrap_err()
    }

    #[test]
    fn spans_of_keys_and_values_count_bytes() {
        let text = "name: ü\nlist:\n  - 'x ü'\n  - {k: v}\nsame: ü then ü\nlast: 1\n";
        let doc = one(text);
        let (key, value) = doc.entry("name").unwrap();
        assert_eq!(slice(text, key.span), "name");
        assert_eq!(slice(text, value.span), "ü");
        let (key, list) = doc.entry("list").unwrap();
        assert_eq!(slice(text, key.span), "list");
        let NodeKind::Seq(items) = &list.kind else {
            panic!("{list:?}")
        };
        assert_eq!(slice(text, items[0].span), "'x ü'");
        assert_eq!(items[0].kind, NodeKind::String("x ü".into()));
        assert_eq!(slice(text, items[1].span), "{k: v}");
        let (k, v) = items[1].entry("k").unwrap();
        assert_eq!((slice(text, k.span), slice(text, v.span)), ("k", "v"));
        assert_eq!(slice(text, list.span), "- 'x ü'\n  - {k: v}");
        let (key, value) = doc.entry("same").unwrap();
        assert_eq!(slice(text, key.span), "same");
        assert_eq!(slice(text, value.span), "ü then ü");
        let (key, value) = doc.entry("last").unwrap();
        assert_eq!(
            (slice(text, key.span), slice(text, value.span)),
            ("last", "1")
        );
        assert_eq!(slice(text, doc.span), text.trim_end());
    }

    /// A list item gets the span that removes it when it can give a string (a fix removes a
    /// repeated group or namespace): a scalar, a tagged node, a mapping of one key; a list of
    /// mappings (access entries, statements) or of untagged lists gets none.
    #[test]
    fn removal_spans_for_the_items_that_can_give_a_string() {
        let text = "a:\n  - x\n  - !Ref N\n  - {Ref: N}\n  - !Join [\"\", [y]]\n  - [z]\n  - {k: 1, l: 2}\n";
        let doc = one(text);
        let removals = super::super::testutil::removals(text, &doc, "a");
        assert_eq!(
            removals,
            [
                Some("  - x\n"),
                Some("  - !Ref N\n"),
                Some("  - {Ref: N}\n"),
                Some("  - !Join [\"\", [y]]\n"),
                None,
                None,
            ]
        );
    }

    /// What libyaml and the YAML libraries of CloudFormation and eksctl read, and YAML 1.2
    /// refuses: lines of a flow collection, its closing bracket and the lines of a quoted scalar
    /// no more indented than the key they are the value of. Values and spans are as if indented.
    #[test]
    fn flow_collections_and_quoted_scalars_may_be_less_indented_than_their_key() {
        let text = "a:\n  b: {\n  c: [\nx,\n  \"y\"\n  ]\n  }\n  d: \"one\n  two\"\n  e: 'three\nfour'\nf: 1\n";
        let doc = one(text);
        let a = doc.get("a").unwrap();
        let b = a.get("b").unwrap();
        assert_eq!(slice(text, b.span), "{\n  c: [\nx,\n  \"y\"\n  ]\n  }");
        let c = b.get("c").unwrap();
        assert_eq!(slice(text, c.span), "[\nx,\n  \"y\"\n  ]");
        let NodeKind::Seq(items) = &c.kind else {
            panic!("{c:?}")
        };
        let values: Vec<_> = items
            .iter()
            .map(|i| (i.as_str(), slice(text, i.span)))
            .collect();
        assert_eq!(values, [(Some("x"), "x"), (Some("y"), "\"y\"")]);
        let d = a.get("d").unwrap();
        assert_eq!(
            (d.as_str(), slice(text, d.span)),
            (Some("one two"), "\"one\n  two\"")
        );
        let e = a.get("e").unwrap();
        assert_eq!(
            (e.as_str(), slice(text, e.span)),
            (Some("three four"), "'three\nfour'")
        );
        let f = doc.get("f").unwrap();
        assert_eq!(
            (&f.kind, slice(text, f.span)),
            (&NodeKind::Number("1".into()), "1")
        );
        // Block collections keep their indentation rules.
        assert!(parse_yaml(F, "a:\n  b: 1\n c: 2\n").is_err());
    }

    #[test]
    fn quoted_scalars_end_at_their_closing_quote() {
        let text = "a: \"x \\\" ü\"   # c \"\nb: 'it''s'  # 'd'\nc: !Sub 'y' \nd: [\"e\" , 'f' ]\n";
        let doc = one(text);
        assert_eq!(slice(text, doc.get("a").unwrap().span), "\"x \\\" ü\"");
        assert_eq!(
            doc.get("a").unwrap().kind,
            NodeKind::String("x \" ü".into())
        );
        assert_eq!(slice(text, doc.get("b").unwrap().span), "'it''s'");
        assert_eq!(slice(text, doc.get("c").unwrap().span), "!Sub 'y'");
        let NodeKind::Seq(items) = &doc.get("d").unwrap().kind else {
            panic!()
        };
        assert_eq!(slice(text, items[0].span), "\"e\"");
        assert_eq!(slice(text, items[1].span), "'f'");
    }

    #[test]
    fn multibyte_before_a_key_on_the_same_line() {
        let text = "{ü: 1, ö: [a, b], 😀x: \"é\"}";
        let doc = one(text);
        let (key, value) = doc.entry("😀x").unwrap();
        assert_eq!(slice(text, key.span), "😀x");
        assert_eq!(slice(text, value.span), "\"é\"");
        let (key, value) = doc.entry("ö").unwrap();
        assert_eq!(
            (slice(text, key.span), slice(text, value.span)),
            ("ö", "[a, b]")
        );
    }

    /// In ASCII text the last line looked up is kept: spans that start on one line and end on
    /// another, and markers that come back to an earlier line, still count from their own line.
    #[test]
    fn ascii_spans_across_lines() {
        let text = "a: [x,\n  y, {k: v,\n  l: w}]\nb: |\n  z\nc: 'q'\n";
        let doc = one(text);
        assert_eq!(
            slice(text, doc.get("a").unwrap().span),
            "[x,\n  y, {k: v,\n  l: w}]"
        );
        let NodeKind::Seq(items) = &doc.get("a").unwrap().kind else {
            panic!("{doc:?}")
        };
        assert_eq!(slice(text, items[1].span), "y");
        assert_eq!(slice(text, items[2].span), "{k: v,\n  l: w}");
        assert_eq!(slice(text, items[2].get("l").unwrap().span), "w");
        // A block scalar spans its text.
        assert_eq!(slice(text, doc.get("b").unwrap().span), "z");
        assert_eq!(slice(text, doc.get("c").unwrap().span), "'q'");
        assert_eq!(slice(text, doc.entry("c").unwrap().0.span), "c");
    }

    #[test]
    fn line_breaks_and_byte_order_mark() {
        let text = "\u{feff}a: ü\rb: 2\r\nc: [x,\r\n y]\n";
        let doc = one(text);
        assert_eq!(slice(text, doc.entry("a").unwrap().0.span), "a");
        assert_eq!(slice(text, doc.get("b").unwrap().span), "2");
        assert_eq!(slice(text, doc.get("c").unwrap().span), "[x,\r\n y]");
    }

    #[test]
    fn core_schema_scalars() {
        let text = "a: true\nb: False\nc: ~\nd:\ne: null\nf: 12\ng: -1.5e3\nh: 0x1F\ni: .inf\nj: 'true'\n\
                    k: \"1\"\nl: yes\nm: 1.2.3\nn: !!str 5\no: |\n  block\np: .5\nq: '0o17'\nr: 0o17\n";
        let doc = one(text);
        let kind = |k: &str| doc.get(k).unwrap().kind.clone();
        assert_eq!(kind("a"), NodeKind::Bool(true));
        assert_eq!(kind("b"), NodeKind::Bool(false));
        assert_eq!(kind("c"), NodeKind::Null);
        assert_eq!(kind("d"), NodeKind::Null);
        assert_eq!(kind("e"), NodeKind::Null);
        assert_eq!(kind("f"), NodeKind::Number("12".into()));
        assert_eq!(kind("g"), NodeKind::Number("-1.5e3".into()));
        assert_eq!(kind("h"), NodeKind::Number("0x1F".into()));
        assert_eq!(kind("i"), NodeKind::Number(".inf".into()));
        assert_eq!(kind("j"), NodeKind::String("true".into()));
        assert_eq!(kind("k"), NodeKind::String("1".into()));
        assert_eq!(kind("l"), NodeKind::String("yes".into()));
        assert_eq!(kind("m"), NodeKind::String("1.2.3".into()));
        assert_eq!(kind("n"), NodeKind::String("5".into()));
        assert_eq!(doc.get("n").unwrap().tag, None);
        assert_eq!(kind("o"), NodeKind::String("block\n".into()));
        assert_eq!(slice(text, doc.get("o").unwrap().span), "block");
        assert_eq!(kind("p"), NodeKind::Number(".5".into()));
        assert_eq!(kind("q"), NodeKind::String("0o17".into()));
        assert_eq!(kind("r"), NodeKind::Number("0o17".into()));
    }

    #[test]
    fn cloudformation_tags() {
        let text = "\
Resources:
  Entry:
    Type: AWS::EKS::AccessEntry
    Properties:
      ClusterName: !Ref ClusterName
      PrincipalArn: !Sub \"arn:aws:iam::${AWS::AccountId}:role/ci-ü\"
      Other: !GetAtt Cluster.Arn
      Cond: !If [C, !Ref A, !Ref \"AWS::NoValue\"]
      Join: !Join
        - ''
        - [a, !Ref ClusterName]
      Block: !Sub |
        ü ${A}
        next
      Map: !Transform {Name: x}
";
        let doc = one(text);
        let props = doc.get("Resources").and_then(|r| r.get("Entry")).unwrap();
        assert_eq!(
            props.get("Type").and_then(Node::as_str),
            Some("AWS::EKS::AccessEntry")
        );
        let props = props.get("Properties").unwrap();

        let name = props.get("ClusterName").unwrap();
        assert_eq!(name.tag.as_deref(), Some("Ref"));
        assert_eq!(name.kind, NodeKind::String("ClusterName".into()));
        assert_eq!(name.as_str(), None);
        assert_eq!(slice(text, name.span), "!Ref ClusterName");

        let arn = props.get("PrincipalArn").unwrap();
        assert_eq!(arn.tag.as_deref(), Some("Sub"));
        let sub = "arn:aws:iam::${AWS::AccountId}:role/ci-ü";
        assert_eq!(arn.kind, NodeKind::String(sub.into()));
        assert_eq!(slice(text, arn.span), format!("!Sub \"{sub}\""));

        let other = props.get("Other").unwrap();
        assert_eq!(other.tag.as_deref(), Some("GetAtt"));
        assert_eq!(slice(text, other.span), "!GetAtt Cluster.Arn");
        // After the `ü` on an earlier line.
        assert_eq!(slice(text, props.entry("Other").unwrap().0.span), "Other");

        let cond = props.get("Cond").unwrap();
        assert_eq!(cond.tag.as_deref(), Some("If"));
        assert_eq!(
            slice(text, cond.span),
            "!If [C, !Ref A, !Ref \"AWS::NoValue\"]"
        );
        let NodeKind::Seq(items) = &cond.kind else {
            panic!("{cond:?}")
        };
        assert_eq!(items[0].as_str(), Some("C"));
        assert_eq!(items[1].tag.as_deref(), Some("Ref"));
        assert_eq!(slice(text, items[1].span), "!Ref A");
        assert_eq!(items[2].tag.as_deref(), Some("Ref"));
        assert_eq!(items[2].kind, NodeKind::String("AWS::NoValue".into()));
        assert_eq!(slice(text, items[2].span), "!Ref \"AWS::NoValue\"");

        let join = props.get("Join").unwrap();
        assert_eq!(join.tag.as_deref(), Some("Join"));
        assert!(slice(text, join.span).starts_with("!Join"));
        assert!(slice(text, join.span).ends_with("[a, !Ref ClusterName]"));

        let block = props.get("Block").unwrap();
        assert_eq!(block.tag.as_deref(), Some("Sub"));
        assert_eq!(block.kind, NodeKind::String("ü ${A}\nnext\n".into()));
        assert_eq!(
            slice(text, block.span),
            "!Sub |\n        ü ${A}\n        next"
        );

        let map = props.get("Map").unwrap();
        assert_eq!(map.tag.as_deref(), Some("Transform"));
        assert_eq!(map.get("Name").and_then(Node::as_str), Some("x"));
    }

    #[test]
    fn multiple_documents() {
        let text = "a: 1\n---\n- x\n---\n...\n--- !Ref y\n";
        let docs = parse_yaml(F, text).unwrap();
        assert_eq!(docs.len(), 4);
        assert_eq!(docs[0].get("a").unwrap().kind, NodeKind::Number("1".into()));
        assert_eq!(
            docs[1].kind,
            NodeKind::Seq(vec![Node {
                kind: NodeKind::String("x".into()),
                span: Span::new(F, 11, 12),
                tag: None,
                // The item's text, and its whole line with the dash.
                written: Written {
                    literal: Some(Literal {
                        span: Span::new(F, 11, 12),
                        quoting: Quoting::YamlPlain,
                    }),
                    item: Some(Span::new(F, 9, 13)),
                },
            }])
        );
        assert_eq!(docs[2].kind, NodeKind::Null);
        assert_eq!(docs[3].tag.as_deref(), Some("Ref"));
        assert!(parse_yaml(F, "").unwrap().is_empty());
        assert!(parse_yaml(F, "# only a comment\n").unwrap().is_empty());
    }

    /// A plain `<<` key merges the mapping (or the mappings of the list) it holds into its
    /// mapping, as go-yaml v2 does for eksctl and kubectl: keys written in the mapping win, then
    /// those of earlier mappings. Merged entries keep the anchor's spans.
    #[test]
    fn merge_keys_are_applied() {
        let text = "base: &b {Type: STANDARD, Name: base}\nmore: &m {Tags: t, Name: more}\n\
                    entry:\n  <<: *b\n  Name: x\nlist:\n  <<: [*m, *b]\nquoted:\n  '<<': *b\n\
                    scalar:\n  <<: 5\n";
        let doc = one(text);
        let names = |node: &Node| -> Vec<String> {
            node.entries().iter().map(|(k, _)| k.name.clone()).collect()
        };
        let entry = doc.get("entry").unwrap();
        assert_eq!(names(entry), ["Name", "Type"]);
        assert_eq!(entry.get("Name").and_then(Node::as_str), Some("x"));
        let (key, ty) = entry.entry("Type").unwrap();
        assert_eq!(
            (slice(text, key.span), slice(text, ty.span)),
            ("Type", "STANDARD")
        );
        assert_eq!(ty.as_str(), Some("STANDARD"));
        let list = doc.get("list").unwrap();
        assert_eq!(names(list), ["Tags", "Name", "Type"]);
        assert_eq!(list.get("Name").and_then(Node::as_str), Some("more"));
        // Quoted, or holding no mapping, `<<` is an ordinary key.
        assert_eq!(names(doc.get("quoted").unwrap()), ["<<"]);
        assert_eq!(names(doc.get("scalar").unwrap()), ["<<"]);
    }

    #[test]
    fn billion_laughs_is_refused() {
        let mut text = String::from("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
        for pair in names.windows(2) {
            let refs = vec![format!("*{}", pair[0]); 9].join(", ");
            text.push_str(&format!("{0}: &{0} [{refs}]\n", pair[1]));
        }
        let e = err(&text);
        assert!(e.message.contains("aliases expand"), "{e:?}");
        let recursive = err("a: &a [1, *a]\n");
        assert!(recursive.message.contains("alias"), "{recursive:?}");
    }

    #[test]
    fn alias_expansion_is_bounded_in_bytes() {
        // Few nodes, many bytes: each alias copies a 64 KiB scalar.
        let big = "x".repeat(1 << 16);
        let text = format!("a: &a {big}\nb: [{}]\n", vec!["*a"; 400].join(", "));
        let e = err(&text);
        assert!(
            e.message.starts_with("aliases expand to more than"),
            "{e:?}"
        );
        assert!(e.message.ends_with(" bytes"), "{e:?}");
        // The first alias past the file's size and 16 MiB.
        let fits = (MAX_ALIAS_BYTES + text.len()) / big.len();
        let at = text.match_indices("*a").nth(fits).unwrap().0;
        assert_eq!(e.span.start as usize, at);
        // A few copies are fine.
        let text = format!("a: &a {big}\nb: [{}]\n", vec!["*a"; 100].join(", "));
        assert!(parse_yaml(F, &text).is_ok());
    }

    #[test]
    fn nested_anchors_are_bounded_in_bytes() {
        // Each anchor copies the anchors inside it: 200 levels of a 128 KiB scalar would copy
        // 25 MiB; 40 levels of it, 5 MiB.
        let nested = |levels: usize| {
            let open: String = (0..levels).map(|i| format!("&a{i} [")).collect();
            format!("n: {open}{}{}\n", "y".repeat(1 << 17), "]".repeat(levels))
        };
        let e = err(&nested(200));
        assert!(
            e.message.starts_with("nested anchors copy more than"),
            "{e:?}"
        );
        assert!(parse_yaml(F, &nested(40)).is_ok());
    }

    #[test]
    fn deep_nesting_is_refused() {
        for text in [
            "[".repeat(10_000),
            "{a: ".repeat(10_000),
            "- ".repeat(10_000) + "x",
            (0..2_000)
                .map(|i| format!("{}a:\n", " ".repeat(i)))
                .collect(),
            format!("{}{}", "- ".repeat(200), "[".repeat(100)),
        ] {
            let e = err(&text);
            assert!(e.span.end - e.span.start <= 1, "{e:?}");
        }
        let ok = format!("{}x{}", "[".repeat(200), "]".repeat(200));
        assert!(parse_yaml(F, &ok).is_ok());
        let deep_anchor = format!(
            "a: &a {}x{}\nb:\n{}*a\n",
            "[".repeat(200),
            "]".repeat(200),
            "- ".repeat(100)
        );
        assert!(err(&deep_anchor).message.contains("deeper"));
    }

    #[test]
    fn duplicate_keys_are_errors_at_the_second_key() {
        let text = "a: 1\nb:\n  c: 1\n  'c': 2\n";
        let e = err(text);
        assert_eq!(slice(text, e.span), "'c'");
        assert_eq!(e.span.start as usize, text.rfind("'c'").unwrap());
        assert!(e.message.contains("duplicate key `c`"));
        // The same key in different mappings is fine.
        assert!(parse_yaml(F, "a: {x: 1}\nb: {x: 2}\n").is_ok());
    }

    #[test]
    fn duplicate_keys_of_large_mappings_are_errors_wherever_they_are() {
        let keys: Vec<String> = (0..3 * SEARCHED_KEYS)
            .map(|i| format!("k{i}: {i}\n"))
            .collect();
        assert!(parse_yaml(F, &keys.concat()).is_ok());
        // The first key repeated before the mapping keeps a set, as it starts to, and long after.
        for at in [
            SEARCHED_KEYS - 1,
            SEARCHED_KEYS,
            SEARCHED_KEYS + 1,
            3 * SEARCHED_KEYS,
        ] {
            let mut lines = keys.clone();
            lines.insert(at, "k0: again\n".to_string());
            let text = lines.concat();
            let e = err(&text);
            assert_eq!(
                e.span.start as usize,
                text.find("k0: again").unwrap(),
                "at {at}"
            );
            assert!(e.message.contains("duplicate key `k0`"));
        }
    }

    #[test]
    fn syntax_errors_have_a_position() {
        let text = "key: ü\n  bad: - x\n";
        let e = err(text);
        assert_eq!(e.span.start as usize, text.find(": -").unwrap(), "{e:?}");
        assert_eq!(slice(text, e.span), ":");
        assert!(
            e.message.contains("mapping values are not allowed"),
            "{e:?}"
        );
        let text = "a: ü\nb: [1, 2\n";
        let e = err(text);
        assert!(e.span.start as usize >= text.find('[').unwrap(), "{e:?}");
        assert!(e.span.end as usize <= text.len());
        let e = err("a: 'ü\n");
        assert!(!e.message.is_empty());
    }

    fn check_spans(node: &Node, text: &str) {
        assert!(node.span.end as usize <= text.len());
        assert!(text.is_char_boundary(node.span.start as usize));
        assert!(text.is_char_boundary(node.span.end as usize));
        match &node.kind {
            NodeKind::Seq(items) => items.iter().for_each(|n| check_spans(n, text)),
            NodeKind::Map(entries) => entries.iter().for_each(|(k, v)| {
                assert!(text.get(k.span.range()).is_some());
                check_spans(v, text);
            }),
            _ => {}
        }
    }

    fn check(text: &str) {
        match parse_yaml(F, text) {
            Ok(docs) => docs.iter().for_each(|d| check_spans(d, text)),
            Err(e) => assert!(text.get(e.span.range()).is_some(), "{e:?}"),
        }
    }

    proptest! {
        #[test]
        fn never_panics_on_any_text(text in "\\PC{0,300}") {
            check(&text);
        }

        #[test]
        fn never_panics_on_yaml_punctuation(text in "[\\[\\]{}:,\\-!&*'\" \n\ta1]{0,300}") {
            check(&text);
        }

        /// `is_number` is the YAML 1.2 core schema's int and float (tag:yaml.org,2002:int and
        /// float, https://yaml.org/spec/1.2.2/#1032-tag-resolution), written as its regular
        /// expressions.
        #[test]
        fn numbers_are_the_core_schemas(s in "[-+0-9.eEoxXaAfFiInN]{0,7}") {
            let core = regex::Regex::new(
                r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$",
            )
            .unwrap();
            prop_assert_eq!(is_number(&s), core.is_match(&s), "{}", s);
        }
    }
}
