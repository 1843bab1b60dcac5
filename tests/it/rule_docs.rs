//! Every rule's documentation shows a bad example that triggers the rule and a fixed version
//! that does not (the examples are linted, not only read).

use crate::support::input;
use ekslint::engine::{LintOptions, lint};
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
    let input = input(name, text, true);
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

/// Words that mean something only inside the project's own working notes: the documents users
/// read (rule pages, `ekslint explain`, SARIF help, README, `docs/`, code comments) state the fact
/// and cite its public source instead.
const INTERNAL: &[&str] = &[
    "SPEC",
    "§",
    "constraints.md",
    "notes/",
    "SEED-",
    "EKS-MODEL",
    "IAM-MODEL",
    "TF-AE",
    "TF-APA",
    "TF-DOC",
    "UG-ADOC",
    "UG-POLREF",
    "EKSCTL-",
    "CFN-AE",
    "CFN-CL",
    "BPG-",
    "rule #",
];

fn internal_words(text: &str) -> Vec<&'static str> {
    INTERNAL
        .iter()
        .copied()
        .filter(|w| text.contains(w))
        .collect()
}

/// The Markdown link targets of `text`: `](target)`.
fn link_targets(text: &str) -> Vec<&str> {
    text.match_indices("](")
        .filter_map(|(at, _)| {
            let rest = &text[at + 2..];
            rest.find(')').map(|end| &rest[..end])
        })
        .collect()
}

#[test]
fn rule_docs_cite_public_references_only() {
    let mut problems = Vec::new();
    for rule in RULES {
        let doc = rule.explanation();
        let found = internal_words(doc);
        if !found.is_empty() {
            problems.push(format!("{}: internal references {found:?}", rule.id));
        }
        let Some((_, references)) = doc.split_once("\n## References\n") else {
            problems.push(format!("{}: no References section", rule.id));
            continue;
        };
        let links = link_targets(references);
        if links.is_empty() {
            problems.push(format!("{}: References has no link", rule.id));
        }
        // `ekslint explain` and SARIF help show the page away from the repository: every link
        // must stand on its own.
        for link in links {
            if !link.starts_with("https://") {
                problems.push(format!("{}: link {link:?} is not an https URL", rule.id));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn explain_prints_no_internal_references() {
    for rule in RULES {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_ekslint"))
            .args(["explain", rule.id])
            .output()
            .expect("run ekslint explain");
        assert!(out.status.success(), "{}: {out:?}", rule.id);
        let text = String::from_utf8(out.stdout).expect("UTF-8");
        assert!(text.contains("## References"), "{}: {text}", rule.id);
        assert!(!text.contains("+++"), "{}: front matter printed", rule.id);
        let found = internal_words(&text);
        assert!(found.is_empty(), "{}: {found:?} in\n{text}", rule.id);
    }
}

/// Every file of the product: sources, tests, rule pages, the reference and the README.
fn product_files(dir: &std::path::Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            product_files(&path, out);
        } else if path.extension().is_some_and(|e| {
            ["rs", "md", "yml", "yaml", "toml"].contains(&e.to_str().unwrap_or(""))
        }) {
            out.push(path);
        }
    }
}

#[test]
fn no_comment_or_document_cites_the_internal_notes() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![
        root.join("README.md"),
        root.join("ARCHITECTURE.md"),
        root.join("build.rs"),
        root.join("action.yml"),
        root.join(".pre-commit-hooks.yaml"),
    ];
    for dir in ["src", "tests", "rules", "docs", "benches", ".github"] {
        product_files(&root.join(dir), &mut files);
    }
    let this = root.join(file!());
    let mut problems = Vec::new();
    for file in files.iter().filter(|f| **f != this) {
        let text = std::fs::read_to_string(file).unwrap_or_default();
        for (n, line) in text.lines().enumerate() {
            let found = internal_words(line);
            if !found.is_empty() {
                problems.push(format!("{}:{}: {found:?}", file.display(), n + 1));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
