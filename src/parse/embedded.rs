//! YAML written inside a string value of another file (a manifest's block scalar, a Terraform
//! heredoc), parsed with spans in that file: each byte of the decoded string is mapped back to
//! where it is written, so findings point inside the string.

use super::tree::{Node, NodeKind, TreeError, parse_yaml};
use crate::limits::MAX_EMBEDDED_YAML_BYTES;
use crate::source::{FileId, Span};

/// Where each byte of a decoded string is written in its file.
#[derive(Clone, Debug)]
pub struct OffsetMap {
    file: FileId,
    /// The file offset of each byte of the string, and of its end.
    at: Vec<u32>,
}

/// How far past the last match a character of the decoded string is looked for in the source
/// (indentation and escapes that decoding removed).
const ALIGN_WINDOW: usize = 64;

impl OffsetMap {
    /// Offsets given byte by byte; `at` holds one more entry than the string has bytes.
    pub fn new(file: FileId, at: Vec<u32>) -> OffsetMap {
        OffsetMap { file, at }
    }

    /// Aligns `text`, decoded from `source` (written at `base` in `file`), with it: decoding
    /// only drops characters (indentation, quotes, a block header) or shortens escapes, so each
    /// character is the next equal one in the source; one that is not found nearby (an escape)
    /// is placed where the search stands.
    pub fn align(file: FileId, text: &str, source: &str, base: usize) -> OffsetMap {
        let mut at = Vec::with_capacity(text.len() + 1);
        let mut j = 0;
        for c in text.chars() {
            let window = &source[j..];
            let limit = window
                .char_indices()
                .nth(ALIGN_WINDOW)
                .map_or(window.len(), |(i, _)| i);
            let pos = match window[..limit].find(c) {
                Some(k) => {
                    j += k + c.len_utf8();
                    j - c.len_utf8()
                }
                None => j,
            };
            for b in 0..c.len_utf8() {
                at.push(offset(base + (pos + b).min(source.len())));
            }
        }
        at.push(offset(base + j));
        OffsetMap { file, at }
    }

    fn position(&self, offset: u32) -> u32 {
        let i = (offset as usize).min(self.at.len().saturating_sub(1));
        self.at.get(i).copied().unwrap_or(0)
    }

    /// A span of the decoded string as a span of the file.
    pub fn span(&self, span: Span) -> Span {
        let start = self.position(span.start);
        let end = self.position(span.end).max(start);
        Span {
            file: self.file,
            start,
            end,
        }
    }
}

fn offset(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Why embedded YAML was not read.
#[derive(Clone, Debug, PartialEq)]
pub enum Unread {
    /// Larger than the limit: not read, as if unknown.
    TooLarge,
    /// Not valid YAML: where and why, in the file.
    Invalid(TreeError),
}

/// Whether embedded YAML of `len` bytes is read (check before building its [`OffsetMap`]).
pub fn fits(len: usize) -> bool {
    len <= MAX_EMBEDDED_YAML_BYTES
}

/// Parses YAML embedded in a string (its first document); spans are in the file.
pub fn parse(text: &str, map: &OffsetMap) -> Result<Option<Node>, Unread> {
    if !fits(text.len()) {
        return Err(Unread::TooLarge);
    }
    match parse_yaml(map.file, text) {
        Ok(docs) => Ok(docs.into_iter().next().map(|mut doc| {
            remap(&mut doc, map);
            doc
        })),
        Err(e) => Err(Unread::Invalid(TreeError {
            span: map.span(e.span),
            message: e.message,
        })),
    }
}

fn remap(node: &mut Node, map: &OffsetMap) {
    node.span = map.span(node.span);
    match &mut node.kind {
        NodeKind::Seq(items) => items.iter_mut().for_each(|i| remap(i, map)),
        NodeKind::Map(entries) => entries.iter_mut().for_each(|(k, v)| {
            k.span = map.span(k.span);
            remap(v, map);
        }),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_block_scalar_maps_back_into_the_file() {
        let file = "data:\n  mapRoles: |\n    - rolearn: arn:x\n      groups: [a]\n";
        let start = file.find('|').unwrap();
        let text = "- rolearn: arn:x\n  groups: [a]\n";
        let map = OffsetMap::align(FileId(0), text, &file[start..], start);
        let doc = parse(text, &map).unwrap().unwrap();
        let NodeKind::Seq(items) = &doc.kind else {
            panic!()
        };
        let arn = items[0].get("rolearn").unwrap().span;
        assert_eq!(&file[arn.start as usize..arn.end as usize], "arn:x");
        let groups = items[0].get("groups").unwrap().span;
        assert_eq!(&file[groups.start as usize..groups.end as usize], "[a]");
    }

    #[test]
    fn escapes_and_unmatched_characters_stay_inside_the_value() {
        let file = "k: \"a\\tb\"";
        let start = file.find('"').unwrap();
        let map = OffsetMap::align(FileId(0), "a\tb", &file[start..], start);
        let b = map.span(Span::new(FileId(0), 2, 3));
        assert!(b.start as usize >= start && (b.end as usize) <= file.len());
        let err = parse("a: [", &map).unwrap_err();
        assert!(matches!(err, Unread::Invalid(_)));
        assert_eq!(
            parse(&"x".repeat(MAX_EMBEDDED_YAML_BYTES + 1), &map),
            Err(Unread::TooLarge)
        );
    }
}
