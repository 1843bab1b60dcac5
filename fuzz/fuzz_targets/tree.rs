//! The YAML/JSON tree (`parse::tree`): any text, read by both parsers. A parsed tree's spans
//! lie in the text on character boundaries and its nesting stays within the limit; an error's
//! span too.

#![no_main]

use ekslint::parse::tree::{MAX_DEPTH, Node, NodeKind, parse_json, parse_yaml};
use ekslint::source::{FileId, Span};
use libfuzzer_sys::fuzz_target;

fuzz_target!(init: ekslint_fuzz::init(), |data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    ekslint::threads::run(|| {
        match parse_yaml(FileId(0), &text) {
            Ok(docs) => docs.iter().for_each(|d| node(&text, d, 1)),
            Err(e) => span(&text, e.span),
        }
        match parse_json(FileId(0), &text) {
            Ok(doc) => node(&text, &doc, 1),
            Err(e) => span(&text, e.span),
        }
    });
});

fn node(text: &str, n: &Node, depth: usize) {
    assert!(depth <= MAX_DEPTH + 1, "nesting {depth} past the limit");
    span(text, n.span);
    match &n.kind {
        NodeKind::Seq(items) => items.iter().for_each(|i| node(text, i, depth + 1)),
        NodeKind::Map(entries) => entries.iter().for_each(|(k, v)| {
            span(text, k.span);
            node(text, v, depth + 1);
        }),
        _ => {}
    }
}

fn span(text: &str, s: Span) {
    let (start, end) = (s.start as usize, s.end as usize);
    assert!(
        start <= end && end <= text.len(),
        "span {start}..{end} of {}",
        text.len()
    );
    assert!(
        text.is_char_boundary(start) && text.is_char_boundary(end),
        "span {start}..{end} not on character boundaries"
    );
}
