//! Strict JSON to a [`Node`] tree, through `jsonc-parser` with every leniency switched off.

use std::collections::HashSet;

use jsonc_parser::ast::{ObjectPropName, Value};
use jsonc_parser::common::Range;
use jsonc_parser::{CollectOptions, ParseOptions, parse_to_ast};

use super::{Key, MAX_DEPTH, Node, NodeKind, TreeError};
use crate::ir::{Literal, Quoting, Written};
use crate::parse::edits::ListSyntax;
use crate::source::{FileId, Span};

/// Strict JSON: every lenient JSONC/JSON5 form of `jsonc-parser` switched off.
pub const STRICT: ParseOptions = ParseOptions {
    allow_comments: false,
    allow_loose_object_property_names: false,
    allow_trailing_commas: false,
    allow_missing_commas: false,
    allow_single_quoted_strings: false,
    allow_hexadecimal_numbers: false,
    allow_unary_plus_numbers: false,
    allow_bare_decimal_point_numbers: false,
    allow_non_finite_numbers: false,
    allow_extended_string_escapes: false,
};

/// Parse strict JSON text (no comments, trailing commas or other JSON5 forms) into a tree.
///
/// Numbers keep their text. Duplicate keys, nesting deeper than [`MAX_DEPTH`], an empty text
/// and syntax errors are errors.
pub fn parse_json(file: FileId, text: &str) -> Result<Node, TreeError> {
    check_depth(file, text)?;
    let parsed = parse_to_ast(text, &CollectOptions::default(), &STRICT)
        .map_err(|e| TreeError::at(file, text, e.range().start, e.kind().to_string()))?;
    let Some(value) = parsed.value else {
        return Err(TreeError::at(file, text, text.len(), "no JSON value"));
    };
    convert(file, text, value)
}

/// Refuse nesting deeper than [`MAX_DEPTH`] before the (recursive) parser sees it.
fn check_depth(file: FileId, text: &str) -> Result<(), TreeError> {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for (i, b) in text.bytes().enumerate() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    let message = format!("nesting is deeper than {MAX_DEPTH} levels");
                    return Err(TreeError::at(file, text, i, message));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

fn span(file: FileId, range: Range) -> Span {
    Span::new(file, range.start, range.end)
}

/// Convert a parsed value; recursion is bounded by [`check_depth`].
fn convert(file: FileId, text: &str, value: Value<'_>) -> Result<Node, TreeError> {
    let mut literal = None;
    let (kind, range) = match value {
        Value::NullKeyword(v) => (NodeKind::Null, v.range),
        Value::BooleanLit(v) => (NodeKind::Bool(v.value), v.range),
        Value::NumberLit(v) => (NodeKind::Number(v.value.to_string()), v.range),
        Value::StringLit(v) => {
            literal = Some(string_literal(file, v.range));
            (NodeKind::String(v.value.into_owned()), v.range)
        }
        Value::Array(array) => {
            let mut items: Vec<Node> = array
                .elements
                .into_iter()
                .map(|v| convert(file, text, v))
                .collect::<Result<_, _>>()?;
            let syntax = ListSyntax::Commas {
                trailing_comma: false,
            };
            super::record_removals(file, text, &mut items, syntax, &mut Vec::new());
            (NodeKind::Seq(items), array.range)
        }
        Value::Object(object) => {
            let mut seen = HashSet::new();
            let mut entries = Vec::with_capacity(object.properties.len());
            for prop in object.properties {
                let key = match prop.name {
                    ObjectPropName::String(s) => Key {
                        name: s.value.into_owned(),
                        span: span(file, s.range),
                        literal: Some(string_literal(file, s.range)),
                    },
                    ObjectPropName::Word(w) => Key {
                        name: w.value.to_string(),
                        span: span(file, w.range),
                        literal: None,
                    },
                };
                if !seen.insert(key.name.clone()) {
                    return Err(TreeError {
                        span: key.span,
                        message: format!("duplicate key `{}` in object", key.name),
                    });
                }
                entries.push((key, convert(file, text, prop.value)?));
            }
            (NodeKind::Map(entries), object.range)
        }
    };
    Ok(Node {
        kind,
        span: span(file, range),
        tag: None,
        written: Written {
            literal,
            item: None,
        },
    })
}

/// The text of a JSON string without its quotes.
fn string_literal(file: FileId, range: Range) -> Literal {
    Literal {
        span: Span::new(file, range.start + 1, range.end.saturating_sub(1)),
        quoting: Quoting::Json,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const F: FileId = FileId(0);

    fn slice(text: &str, span: Span) -> &str {
        &text[span.range()]
    }

    fn err(text: &str) -> TreeError {
        parse_json(F, text).unwrap_err()
    }

    /// As in YAML: an item that can give a string (a scalar, a function's one-key object) gets
    /// the span that removes it; an object of other sizes or a list gets none.
    #[test]
    fn removal_spans_for_the_items_that_can_give_a_string() {
        let text = r#"{"a": ["x", {"Ref": "N"}, [1], {"k": 1, "l": 2}, 3]}"#;
        let doc = parse_json(F, text).unwrap();
        let removals = super::super::testutil::removals(text, &doc, "a");
        assert_eq!(
            removals,
            [
                Some(r#""x", "#),
                Some(r#"{"Ref": "N"}, "#),
                None,
                None,
                Some(", 3")
            ]
        );
    }

    #[test]
    fn spans_of_keys_and_values_count_bytes() {
        let text = "{\n\t\"ü\": \"é\",\n\t\"list\": [1, -2.5e3, true, null],\n\t\"o\": {\"k\": \"ü\", \"x\": 12345678901234567890123}\n}\n";
        let doc = parse_json(F, text).unwrap();
        assert_eq!(slice(text, doc.span), text.trim_end());
        let (key, value) = doc.entry("ü").unwrap();
        assert_eq!(
            (slice(text, key.span), slice(text, value.span)),
            ("\"ü\"", "\"é\"")
        );
        let (key, list) = doc.entry("list").unwrap();
        assert_eq!(slice(text, key.span), "\"list\"");
        assert_eq!(slice(text, list.span), "[1, -2.5e3, true, null]");
        let NodeKind::Seq(items) = &list.kind else {
            panic!("{list:?}")
        };
        let kinds: Vec<_> = items.iter().map(|n| n.kind.clone()).collect();
        assert_eq!(
            kinds,
            [
                NodeKind::Number("1".into()),
                NodeKind::Number("-2.5e3".into()),
                NodeKind::Bool(true),
                NodeKind::Null,
            ]
        );
        assert_eq!(slice(text, items[1].span), "-2.5e3");
        let o = doc.get("o").unwrap();
        // After a multi-byte char on the same line.
        let (key, value) = o.entry("x").unwrap();
        assert_eq!(slice(text, key.span), "\"x\"");
        assert_eq!(
            value.kind,
            NodeKind::Number("12345678901234567890123".into())
        );
        assert_eq!(slice(text, value.span), "12345678901234567890123");
        assert_eq!(o.get("k").and_then(Node::as_str), Some("ü"));
    }

    #[test]
    fn escapes_are_decoded() {
        let text = r#"{"s": "\ud83d\ude00 \u00fc\t\"\\\/", "\u0041": 1}"#;
        let doc = parse_json(F, text).unwrap();
        assert_eq!(doc.get("s").and_then(Node::as_str), Some("😀 ü\t\"\\/"));
        let (key, _) = doc.entry("A").unwrap();
        assert_eq!(slice(text, key.span), r#""\u0041""#);
    }

    #[test]
    fn cloudformation_intrinsics_stay_plain_objects() {
        let text = r#"{"Resources": {"Entry": {"Type": "AWS::EKS::AccessEntry",
            "Properties": {"ClusterName": {"Ref": "Cluster"},
            "PrincipalArn": {"Fn::Sub": "arn:aws:iam::${AWS::AccountId}:role/ci"}}}}}"#;
        let doc = parse_json(F, text).unwrap();
        let props = doc
            .get("Resources")
            .and_then(|r| r.get("Entry"))
            .and_then(|e| e.get("Properties"))
            .unwrap();
        let name = props.get("ClusterName").unwrap();
        assert_eq!(name.tag, None);
        assert_eq!(name.get("Ref").and_then(Node::as_str), Some("Cluster"));
        assert_eq!(slice(text, name.span), r#"{"Ref": "Cluster"}"#);
    }

    #[test]
    fn duplicate_keys_are_errors_at_the_second_key() {
        let text = "{\"a\": {\"b\": 1, \"ü\": 2, \"\\u00fc\": 3}}";
        let e = err(text);
        assert_eq!(slice(text, e.span), "\"\\u00fc\"");
        assert!(e.message.contains("duplicate key `ü`"), "{e:?}");
        assert!(parse_json(F, r#"{"a": {"x": 1}, "b": {"x": 2}}"#).is_ok());
    }

    #[test]
    fn strict_json_only() {
        for text in [
            "{\"a\": 1,}",
            "{\"a\": 1 // c\n}",
            "{a: 1}",
            "{'a': 1}",
            "[0x1F]",
            "[+1]",
            "[.5]",
            "[NaN]",
            "[\"\\x41\"]",
            "[1 2]",
            "",
            "   ",
            "{} {}",
        ] {
            let e = err(text);
            assert!(e.span.end as usize <= text.len(), "{text}: {e:?}");
            assert!(!e.message.is_empty());
        }
    }

    #[test]
    fn syntax_errors_have_a_position() {
        let text = "{\n  \"ü\": 1,\n  \"b\": tru\n}";
        let e = err(text);
        assert_eq!(e.span.start as usize, text.find("tru").unwrap(), "{e:?}");
        let text = "{\"ü\": [1,]}";
        let e = err(text);
        assert_eq!(slice(text, e.span), ",", "{e:?}");
    }

    #[test]
    fn deep_nesting_is_refused() {
        for text in [
            "[".repeat(10_000),
            "{\"a\":".repeat(10_000),
            format!("{}1{}", "[".repeat(10_000), "]".repeat(10_000)),
        ] {
            let e = err(&text);
            assert_eq!(e.span.end - e.span.start, 1);
            assert!(e.message.contains("deeper"), "{e:?}");
        }
        let ok = format!("{}1{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse_json(F, &ok).is_ok());
        // Brackets inside strings do not count.
        let strings = format!("[\"{}\\\"{}\"]", "[".repeat(300), "{".repeat(300));
        assert!(parse_json(F, &strings).is_ok());
    }

    fn check(text: &str) {
        match parse_json(F, text) {
            Ok(node) => assert!(text.get(node.span.range()).is_some()),
            Err(e) => assert!(text.get(e.span.range()).is_some(), "{e:?}"),
        }
    }

    proptest! {
        #[test]
        fn never_panics_on_any_text(text in "\\PC{0,300}") {
            check(&text);
        }

        #[test]
        fn never_panics_on_json_punctuation(text in "[\\[\\]{}:,\\-!&*'\" \n\ta1]{0,300}") {
            check(&text);
        }
    }
}
