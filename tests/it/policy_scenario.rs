//! A platform team's policy, end to end: with `[policy] paths = ["policies"]` in `.ekslint.toml`,
//! a `deny` rule over associations gives an error at the policy ARN in the human, JSON, SARIF
//! and GitHub outputs, in the editor (the language server over stdio) and in the pre-commit
//! hook (the real pre-commit, skipped when it is not installed); an inline
//! `ekslint:ignore ORG001` silences it everywhere.

use serde_json::{Value, json};
use std::path::Path;
use std::process::{Command, Output};

use crate::support::lsp::{Server, did_change, did_open, file_uri, initialize};
use crate::support::pre_commit::{isolated, pre_commit_installed};

const CONFIG: &str = "[policy]\npaths = [\"policies\"]\n";

const POLICY: &str = r#"package ekslint.policies.admin

# METADATA
# title: Cluster admin only for the break-glass role
# description: Only the break-glass role may hold AmazonEKSClusterAdminPolicy.
# related_resources:
#   - https://wiki.example.com/eks/break-glass
# custom:
#   id: ORG001
#   name: break-glass-only
deny contains finding if {
	some association in input.associations
	endswith(association.policy_arn.value, "/AmazonEKSClusterAdminPolicy")
	association.principal_arn.value != "arn:aws:iam::111122223333:role/break-glass"
	finding := {
		"id": "ORG001",
		"message": sprintf("%s may not be cluster admin", [association.principal_arn.value]),
		"at": association.policy_arn.at,
	}
}
"#;

/// The policy ARN is on line 9, from column 19 to 87 (68 characters with its quotes).
const MAIN: &str = r#"resource "aws_eks_access_entry" "ci" {
  cluster_name  = "shop"
  principal_arn = "arn:aws:iam::111122223333:role/ci"
}

resource "aws_eks_access_policy_association" "ci" {
  cluster_name  = "shop"
  principal_arn = aws_eks_access_entry.ci.principal_arn
  policy_arn    = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"

  access_scope {
    type = "cluster"
  }
}
"#;

const POLICY_LINE: &str =
    "  policy_arn    = \"arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy\"\n";

fn ignored() -> String {
    MAIN.replace(
        POLICY_LINE,
        &POLICY_LINE.replace('\n', " # ekslint:ignore ORG001 -- break-glass drill\n"),
    )
}

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join("policies")).expect("mkdir");
    std::fs::write(dir.path().join(".ekslint.toml"), CONFIG).expect("write");
    std::fs::write(dir.path().join("policies/admin.rego"), POLICY).expect("write");
    std::fs::write(dir.path().join("main.tf"), MAIN).expect("write");
    dir
}

fn ekslint(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ekslint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run ekslint")
}

#[test]
fn every_output_reports_the_policy_at_the_policy_arn_and_the_ignore_silences_it() {
    let dir = project();
    let root = dir.path();

    let human = ekslint(root, &["--format", "human", "."]);
    let text = String::from_utf8_lossy(&human.stdout);
    assert_eq!(human.status.code(), Some(1), "{text}");
    assert!(
        text.contains("error[ORG001 break-glass-only]: arn:aws:iam::111122223333:role/ci may not be cluster admin\n"),
        "{text}"
    );
    assert!(text.contains("┌─ main.tf:9:19\n"), "{text}");

    let json: Value =
        serde_json::from_slice(&ekslint(root, &["--format", "json", "."]).stdout).expect("JSON");
    let finding = json["diagnostics"]
        .as_array()
        .and_then(|d| d.iter().find(|d| d["rule"] == "ORG001"))
        .expect("an ORG001 finding");
    assert_eq!(finding["name"], "break-glass-only");
    assert_eq!(finding["severity"], "error");
    assert_eq!(finding["file"], "main.tf");
    assert_eq!(finding["span"]["start"]["line"], 9);
    assert_eq!(finding["span"]["start"]["column"], 19);
    assert_eq!(finding["span"]["end"]["column"], 87);

    let sarif: Value =
        serde_json::from_slice(&ekslint(root, &["--format", "sarif", "."]).stdout).expect("JSON");
    let schema: Value = serde_json::from_str(include_str!("../data/sarif-schema-2.1.0.json"))
        .expect("the vendored schema is JSON");
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    let index = rules
        .iter()
        .position(|r| r["id"] == "ORG001")
        .expect("ORG001 among the driver's rules");
    let rule = &rules[index];
    assert_eq!(rule["name"], "break-glass-only");
    assert_eq!(
        rule["shortDescription"]["text"],
        "Cluster admin only for the break-glass role"
    );
    assert_eq!(
        rule["fullDescription"]["text"],
        "Only the break-glass role may hold AmazonEKSClusterAdminPolicy."
    );
    assert_eq!(rule["helpUri"], "https://wiki.example.com/eks/break-glass");
    assert_eq!(rule["defaultConfiguration"]["level"], "error");
    let result = run["results"]
        .as_array()
        .and_then(|r| r.iter().find(|r| r["ruleId"] == "ORG001"))
        .expect("an ORG001 result");
    assert_eq!(result["ruleIndex"], index);
    assert_eq!(result["level"], "error");
    assert_eq!(
        result["locations"][0]["physicalLocation"]["region"],
        json!({"startLine": 9, "startColumn": 19, "endLine": 9, "endColumn": 87})
    );

    let github = ekslint(root, &["--format", "github", "."]);
    let text = String::from_utf8_lossy(&github.stdout);
    assert!(
        text.lines().any(|l| l.starts_with(
            "::error file=main.tf,line=9,col=19,endLine=9,endColumn=87,title=ORG001 break-glass-only::"
        )),
        "{text}"
    );

    // Silenced inline: gone from the findings, kept as suppressed in SARIF, and the ignore is
    // used (no EKS003).
    std::fs::write(root.join("main.tf"), ignored()).expect("write");
    let json: Value =
        serde_json::from_slice(&ekslint(root, &["--format", "json", "."]).stdout).expect("JSON");
    let rules: Vec<&str> = json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter_map(|d| d["rule"].as_str())
        .collect();
    assert!(
        !rules.contains(&"ORG001") && !rules.contains(&"EKS003"),
        "{rules:?}"
    );
    assert_eq!(json["summary"]["suppressed"], 1);
    let sarif: Value =
        serde_json::from_slice(&ekslint(root, &["--format", "sarif", "."]).stdout).expect("JSON");
    let result = sarif["runs"][0]["results"]
        .as_array()
        .and_then(|r| r.iter().find(|r| r["ruleId"] == "ORG001"))
        .expect("the suppressed ORG001 result");
    assert_eq!(
        result["suppressions"],
        json!([{"kind": "inSource", "justification": "break-glass drill"}])
    );
    let only = ekslint(root, &["--select", "ORG001", "."]);
    assert_eq!(only.status.code(), Some(0), "{only:?}");
}

#[test]
fn the_editor_shows_the_policy_finding_and_honours_the_ignore() {
    let dir = project();
    let path = dir.path().join("main.tf");
    let uri = file_uri(&path);
    let mut server = Server::start();
    initialize(&mut server, dir.path());
    did_open(&mut server, &uri, MAIN);
    let diags = server.diagnostics(&uri);
    let finding = diags
        .iter()
        .find(|d| d["code"] == "ORG001")
        .unwrap_or_else(|| panic!("no ORG001 in {diags:#?}"));
    assert_eq!(
        finding["range"],
        json!({"start": {"line": 8, "character": 18}, "end": {"line": 8, "character": 86}})
    );
    assert_eq!(finding["severity"], 1);
    assert_eq!(finding["source"], "ekslint");
    assert_eq!(
        finding["codeDescription"]["href"],
        "https://wiki.example.com/eks/break-glass"
    );

    did_change(&mut server, &uri, 2, &ignored());
    let diags = server.diagnostics(&uri);
    assert!(
        diags
            .iter()
            .all(|d| d["code"] != "ORG001" && d["code"] != "EKS003"),
        "{diags:#?}"
    );

    // A policy that stops compiling is shown as an error message; the built-in findings stay.
    std::fs::write(
        dir.path().join("policies/admin.rego"),
        "package ekslint.policies.admin\n\ndeny contains f if {\n\tsome a in input.associations\n\tf := a ~ 1\n}\n",
    )
    .expect("write");
    did_change(&mut server, &uri, 3, MAIN);
    let shown = server.wait_for(|m| m["method"] == "window/showMessage");
    let message = shown["params"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("policies/admin.rego:5:9: the policy does not compile"),
        "{message}"
    );
    let diags = server.diagnostics(&uri);
    let codes: Vec<&str> = diags.iter().filter_map(|d| d["code"].as_str()).collect();
    assert!(
        codes.contains(&"EKS401") && !codes.contains(&"ORG001"),
        "{codes:?}"
    );
    server.request(2, "shutdown", Value::Null);
    server.notify("exit", Value::Null);
    assert_eq!(server.wait_exit(), Some(0));
}

/// Makes `root` a git repository whose pre-commit configuration runs the manifest's hook as a
/// local hook on the binary cargo built (see tests/it/pre_commit.rs), with every file staged.
fn install_hook(root: &Path) {
    let manifest = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml"),
    )
    .expect("manifest");
    let files = manifest
        .lines()
        .find_map(|l| l.trim().strip_prefix("files: "))
        .expect("the hook's files pattern");
    let config = format!(
        "repos:\n  - repo: local\n    hooks:\n      - id: ekslint\n        name: ekslint\n        language: system\n        entry: '{}'\n        args: [--format, github]\n        files: {files}\n",
        env!("CARGO_BIN_EXE_ekslint")
    );
    std::fs::write(root.join(".pre-commit-config.yaml"), config).expect("write");
    std::fs::write(root.join(".gitignore"), ".cache-pre-commit/\n").expect("write");
    for args in [&["init", "-q", "-b", "main"][..], &["add", "-A"]] {
        let out = isolated(root, "git", args);
        assert!(out.status.success(), "git {args:?}: {out:?}");
    }
}

#[test]
fn the_pre_commit_hook_blocks_the_policy_finding_until_it_is_ignored() {
    if !pre_commit_installed() {
        return;
    }
    let dir = project();
    let root = dir.path();
    install_hook(root);
    let run = ["-m", "pre_commit", "run", "--color", "never"];
    let out = isolated(root, "python3", &run);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.lines().any(|l| l.starts_with(
            "::error file=main.tf,line=9,col=19,endLine=9,endColumn=87,title=ORG001 break-glass-only::"
        )),
        "{text}"
    );

    std::fs::write(root.join("main.tf"), ignored()).expect("write");
    let out = isolated(root, "git", &["add", "main.tf"]);
    assert!(out.status.success(), "{out:?}");
    let out = isolated(root, "python3", &run);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("ORG001"), "{text}");
    assert!(!text.contains("EKS003"), "{text}");
}

/// The ORG001 findings of a JSON report, as `file:line:column`.
fn org001(report: &Output) -> Vec<String> {
    let json: Value = serde_json::from_slice(&report.stdout).expect("JSON");
    json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["rule"] == "ORG001")
        .map(|d| {
            format!(
                "{}:{}:{}",
                d["file"].as_str().unwrap_or("?"),
                d["span"]["start"]["line"],
                d["span"]["start"]["column"]
            )
        })
        .collect()
}

/// The shop team's directory has its own `.ekslint.toml` naming `policies` (relative to it); the
/// root's configuration names none. The same file in a sibling directory gets no ORG001.
fn nested_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    for sub in ["shop/policies", "other"] {
        std::fs::create_dir_all(root.join(sub)).expect("mkdir");
    }
    std::fs::write(root.join(".ekslint.toml"), "fail-on = \"warning\"\n").expect("write");
    std::fs::write(root.join("shop/.ekslint.toml"), CONFIG).expect("write");
    std::fs::write(root.join("shop/policies/admin.rego"), POLICY).expect("write");
    std::fs::write(root.join("shop/main.tf"), MAIN).expect("write");
    std::fs::write(root.join("other/main.tf"), MAIN).expect("write");
    dir
}

#[test]
fn policies_follow_the_nearest_configuration_on_the_command_line_and_in_the_editor() {
    let dir = nested_project();
    let root = dir.path();
    // From the root, from the team's directory, and with the custom rule selected.
    let all = ekslint(root, &["--format", "json", "."]);
    assert_eq!(all.status.code(), Some(1), "{all:?}");
    assert_eq!(org001(&all), ["shop/main.tf:9:19"]);
    let inside = ekslint(&root.join("shop"), &["--format", "json", "main.tf"]);
    assert_eq!(org001(&inside), ["main.tf:9:19"]);
    let selected = ekslint(root, &["--format", "json", "--select", "ORG001", "."]);
    assert_eq!(selected.status.code(), Some(1), "{selected:?}");
    assert_eq!(org001(&selected), ["shop/main.tf:9:19"]);
    // Only the other directory: its configuration has no such rule.
    let other = ekslint(root, &["--select", "ORG001", "other"]);
    assert_eq!(other.status.code(), Some(2), "{other:?}");
    assert!(
        String::from_utf8_lossy(&other.stderr).contains("unknown rule \"ORG001\""),
        "{other:?}"
    );

    let mut server = Server::start();
    initialize(&mut server, root);
    for (sub, expected) in [("shop", true), ("other", false)] {
        let uri = file_uri(&root.join(sub).join("main.tf"));
        did_open(&mut server, &uri, MAIN);
        let diags = server.diagnostics(&uri);
        let lines: Vec<Value> = diags
            .iter()
            .filter(|d| d["code"] == "ORG001")
            .map(|d| d["range"]["start"].clone())
            .collect();
        let want = if expected {
            vec![json!({"line": 8, "character": 18})]
        } else {
            vec![]
        };
        assert_eq!(lines, want, "{sub}: {diags:#?}");
    }
    server.request(2, "shutdown", Value::Null);
    server.notify("exit", Value::Null);
    assert_eq!(server.wait_exit(), Some(0));
}

#[test]
fn the_pre_commit_hook_uses_the_nearest_configurations_policies() {
    if !pre_commit_installed() {
        return;
    }
    let dir = nested_project();
    let root = dir.path();
    install_hook(root);
    let out = isolated(
        root,
        "python3",
        &["-m", "pre_commit", "run", "--color", "never"],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    let org: Vec<&str> = text.lines().filter(|l| l.contains("ORG001")).collect();
    assert_eq!(org.len(), 1, "{text}");
    assert!(
        org[0].starts_with("::error file=shop/main.tf,line=9,col=19,"),
        "{text}"
    );
}
