//! Parsed files kept between runs, for a caller that lints the same files again and again with
//! one of them changed (the language server, on every keystroke).
//!
//! Parsing is a function of a file's id, text and syntax, so a file whose three are those of
//! the last parse is not parsed again. One parse is kept per file id: a changed text replaces
//! it, and the cache never holds more files than the largest run it served.

use super::module::{SourceText, TopBlock, parse_blocks};
use crate::parse::ParseError;
use crate::source::FileId;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

/// The last parse of each file id.
#[derive(Debug, Default)]
pub struct SyntaxCache {
    parsed: Mutex<HashMap<FileId, Arc<Parsed>>>,
}

/// A file's text and syntax, and what parsing it gave.
#[derive(Debug)]
struct Parsed {
    text: String,
    json: bool,
    result: Result<Vec<Arc<TopBlock>>, ParseError>,
}

impl SyntaxCache {
    /// The top-level blocks of `source`: parsed, or those of its last parse (shared, not
    /// copied) when it has not changed.
    pub fn blocks(&self, source: SourceText) -> Result<Vec<Arc<TopBlock>>, ParseError> {
        let last = self.lock().get(&source.id).cloned();
        if let Some(last) = last.filter(|p| p.json == source.json && p.text == source.text) {
            return last.result.clone();
        }
        let result = parse_blocks(source);
        let parsed = Parsed {
            text: source.text.to_string(),
            json: source.json,
            result: result.clone(),
        };
        self.lock().insert(source.id, Arc::new(parsed));
        result
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<FileId, Arc<Parsed>>> {
        // A parse that panicked left no half-written entry: the map is still whole.
        self.parsed.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(text: &str) -> SourceText<'_> {
        SourceText {
            id: FileId(3),
            text,
            json: false,
        }
    }

    fn idents(blocks: &Result<Vec<Arc<TopBlock>>, ParseError>) -> Vec<String> {
        blocks
            .as_ref()
            .expect("parses")
            .iter()
            .map(|b| format!("{} {}", b.ident, b.labels.join(" ")))
            .collect()
    }

    #[test]
    fn an_unchanged_file_gives_its_last_parse_and_a_changed_one_is_parsed_again() {
        let cache = SyntaxCache::default();
        let first = "resource \"aws_eks_access_entry\" \"a\" {}\n";
        assert_eq!(
            idents(&cache.blocks(source(first))),
            ["resource aws_eks_access_entry a"]
        );
        assert_eq!(
            idents(&cache.blocks(source(first))),
            ["resource aws_eks_access_entry a"]
        );
        let edited = "resource \"aws_eks_access_entry\" \"b\" {}\nlocals {}\n";
        assert_eq!(
            idents(&cache.blocks(source(edited))),
            ["resource aws_eks_access_entry b", "locals "]
        );
        // An error is kept like a parse, at the file's id.
        let broken = cache.blocks(source("resource {"));
        assert_eq!(broken.map_err(|e| e.span.file).err(), Some(FileId(3)));
        assert!(cache.blocks(source("resource {")).is_err());
        // The same text in the other syntax is parsed again.
        let json = SourceText {
            json: true,
            ..source("{\"locals\": {}}")
        };
        assert!(cache.blocks(source("{\"locals\": {}}")).is_err());
        assert_eq!(idents(&cache.blocks(json)), ["locals "]);
    }
}
