//! Every rule's documentation shows a bad example that triggers the rule and a fixed version
//! that does not (the examples are linted, not only read).

use ekslint::engine::{Input, LintOptions, lint};
use ekslint::rules::RULES;
use std::path::PathBuf;

/// The first fenced code block after `heading`: its language and text.
fn example<'a>(doc: &'a str, heading: &str) -> Option<(&'a str, &'a str)> {
    let rest = &doc[doc.find(heading)? + heading.len()..];
    let start = rest.find("```")? + 3;
    let (lang, body) = rest[start..].split_once('\n')?;
    let end = body.find("\n```")?;
    Some((lang.trim(), &body[..=end]))
}

fn rules_found(lang: &str, text: &str) -> Vec<&'static str> {
    let name = match lang {
        "hcl" | "terraform" => "main.tf",
        "json" => "template.json",
        _ => "template.yaml",
    };
    let input = Input {
        display: name.into(),
        dir: PathBuf::from("/nonexistent-ekslint-docs"),
        bytes: text.as_bytes().to_vec(),
        explicit: true,
        context: false,
        unreadable: None,
    };
    let report = lint(vec![input], &LintOptions::default());
    report
        .diagnostics
        .iter()
        .filter(|d| d.suppressed.is_none())
        .map(|d| d.rule)
        .collect()
}

#[test]
fn bad_examples_trigger_their_rule_and_fixed_ones_do_not() {
    let mut problems = Vec::new();
    for rule in RULES {
        let doc = rule.explanation();
        let (Some((bad_lang, bad)), Some((good_lang, good))) =
            (example(doc, "## Example"), example(doc, "## Use instead"))
        else {
            problems.push(format!("{}: no example code blocks", rule.id));
            continue;
        };
        let found = rules_found(bad_lang, bad);
        if !found.contains(&rule.id) {
            problems.push(format!("{}: the bad example gives {found:?}", rule.id));
        }
        let found = rules_found(good_lang, good);
        if found.contains(&rule.id) {
            problems.push(format!(
                "{}: the fixed example still gives it ({found:?})",
                rule.id
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
