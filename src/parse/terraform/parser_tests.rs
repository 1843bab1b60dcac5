//! Tests that the two HCL parsers behind `parse_body_spanned` (vendor/hcl-edit/PATCHES.md) agree:
//! where the full parser, which records each error with its context, accepts a text, the quiet
//! one, which records nothing of an error, accepts it too and builds the same body, spans and
//! decor ranges included; where the full parser refuses it, so does the quiet one.

use super::tests::fixture_files_by_dir;
use hcl::edit::parser::differential::{full, quiet};
use proptest::prelude::*;

/// Both parsers' bodies, written out whole (`Debug` shows spans and decor ranges).
fn both(text: &str) -> (Option<String>, Option<String>) {
    let shown = |body: hcl::edit::structure::Body| format!("{body:?}");
    (full(text).ok().map(shown), quiet(text).map(shown))
}

/// Every native-syntax Terraform file of the fixtures, with its path.
fn fixture_files() -> Vec<(String, String)> {
    let native = |name: &str| name.ends_with(".tf") || name.ends_with(".tfvars");
    fixture_files_by_dir(native)
        .into_iter()
        .flat_map(|(dir, files)| {
            files
                .into_iter()
                .map(move |(name, text)| (dir.join(name).display().to_string(), text))
        })
        .collect()
}

#[test]
fn the_parsers_agree_on_every_terraform_fixture() {
    let files = fixture_files();
    assert!(files.len() > 100, "the fixtures hold Terraform files");
    for (name, text) in &files {
        let (full, quiet) = both(text);
        assert_eq!(full, quiet, "{name}");
    }
}

#[test]
fn the_parsers_agree_on_every_prefix_of_a_fixture() {
    // Cut anywhere, a file is mostly invalid: each cut reaches a different error on the way.
    let files = fixture_files();
    let (name, text) = files
        .iter()
        .filter(|(_, text)| text.len() < 4_000)
        .max_by_key(|(_, text)| text.len())
        .expect("a fixture");
    let mut outcomes = [0, 0];
    for (at, _) in text.char_indices() {
        let (full, quiet) = both(&text[..at]);
        outcomes[usize::from(full.is_some())] += 1;
        assert_eq!(full, quiet, "{name} cut at byte {at}");
    }
    assert!(outcomes[0] > 0 && outcomes[1] > 0, "{outcomes:?}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Text made of HCL's tokens in any order: mostly refused, sometimes not.
    #[test]
    fn the_parsers_agree_on_hcl_tokens_in_any_order(
        tokens in proptest::collection::vec(
            prop::sample::select(vec![
                "resource", "\"a\"", "{", "}", "[", "]", "(", ")", "=", ",", ":", "?", "=>",
                "x", "var.y", ".z", "[*]", ".*", "1", "2.5e3", "true", "null", "for", "in",
                "if", "...", "+", "-", "!", "==", "&&", "\"${a}\"", "\"%{if b}c%{endif}\"",
                "<<EOT\nline\nEOT", "# c", "/* c */", "\n", " ", "\t", "\"\\u00e9\"", "é",
            ]),
            0..40,
        )
    ) {
        let text = tokens.concat();
        let (full, quiet) = both(&text);
        prop_assert_eq!(full, quiet, "{:?}", text);
    }
}

/// `x*(x*!x*(x*!x ... |x`: the `|` that ends it is no operator, and each alternative tried
/// around a nested term parses it anew, so the terms are parsed 2^`n` times without the
/// parser's limit on its steps.
fn backtracking(n: usize) -> String {
    format!("c = x{}|x\n", "*(x*!x".repeat(n))
}

#[test]
fn a_text_the_parser_goes_back_over_too_often_is_refused_once_its_steps_are_spent() {
    // 2^40 parses of the innermost term: hours, before the limit.
    let text = backtracking(40);
    let error = hcl::edit::parser::parse_body_spanned(&text).expect_err("refused");
    assert!(
        error
            .message()
            .contains("at most 256 parser steps a byte of the text"),
        "{error}"
    );
    assert_eq!(quiet(&text).map(|_| ()), None);
    // Below the limit the parser finds the error itself: the `|` that is no operator.
    let error = hcl::edit::parser::parse_body_spanned(&backtracking(2)).expect_err("refused");
    assert!(!error.message().contains("parser steps"), "{error}");
}

#[test]
fn the_parsers_steps_suffice_for_text_nested_as_deep_as_it_may_be() {
    // Each nested to the parser's limit of 64 levels, or long and flat.
    let deep = |open: &str, inner: &str, close: &str, n: usize| {
        format!("c = {}{inner}{}\n", open.repeat(n), close.repeat(n))
    };
    let texts = [
        deep("{a = ", "1", "}", 63),
        deep("[", "1", "]", 63),
        deep("f(", "1", ")", 63),
        deep("(", "1", ")", 63),
        deep("!", "a", "", 63),
        deep("-", "1", "", 63),
        deep("[{a = f((", "1", "))}]", 15),
        deep("{for k, v in ", "x", " : k => v}", 30),
        deep("\"${", "x", "}\"", 30),
        format!("c = a{}\n", "[b".repeat(63) + &"]".repeat(63)),
        format!("c = {}c\n", "a ? b : ".repeat(60)),
        format!("c = [{}]\n", vec!["1"; 5_000].join(",")),
        format!("c = {}\n", vec!["a"; 120].join(" + ")),
        format!("c = <<EOT\n{}EOT\n", "${a}\n".repeat(500)),
    ];
    for text in &texts {
        let (full, quiet) = both(text);
        assert!(full.is_some(), "{text}");
        assert_eq!(full, quiet, "{text}");
    }
}
