//! What the fuzz targets (`fuzz/`) found, each minimized to a small input: one test per
//! finding, which fails without its fix.

use crate::support::{input, located};
use ekslint::engine::{LintOptions, lint};

/// Lints the files together; findings as `RULE file:line:column`.
fn lint_files(files: &[(&str, &str)]) -> Vec<String> {
    let inputs = files
        .iter()
        .map(|(name, text)| input(name, text, false))
        .collect();
    let report = lint(inputs, &LintOptions::default());
    report
        .diagnostics
        .iter()
        .map(|d| located(&report, d))
        .collect()
}

/// In `.tf.json`, a string is decoded from JSON, then read as a template: `\"` inside
/// `${...}` is a quote there. The template is not known to the linter (it is read as written),
/// and its text is not the value: no finding quotes `${lookup(...)}` as a principal.
#[test]
fn json_templates_with_escaped_quotes_are_not_their_own_text() {
    let text = r#"{"resource": {"aws_eks_access_entry": {"e": {
  "cluster_name": "c",
  "principal_arn": "${lookup(var.roles, \"admin\")}",
  "type": "BAD"
}}}}"#;
    // The entry's type is still checked (EKS105 at line 4, column 11).
    assert_eq!(
        lint_files(&[("main.tf.json", text)]),
        ["EKS105 main.tf.json:4:11"]
    );
}

/// A function called with the wrong number of arguments is an error value, never a crash:
/// `trimspace()` took the first of no arguments. The rest of the file is still linted.
#[test]
fn functions_called_without_arguments_do_not_crash() {
    let text = r#"resource "aws_eks_access_entry" "e" {
  cluster_name  = "c"
  principal_arn = trimspace()
  type          = "BAD"
}
"#;
    // The entry's type is still checked (EKS105 at line 4, column 19).
    assert_eq!(lint_files(&[("main.tf", text)]), ["EKS105 main.tf:4:19"]);
}
