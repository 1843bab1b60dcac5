//! The pre-commit hook, run by the real pre-commit (`python3 -m pip install pre-commit`; `.ci/run`
//! installs it) in a throwaway git repository.
//!
//! The repository's hook is `language: rust`: pre-commit would `cargo install` this crate into
//! its own environment, a full release build of every dependency (minutes on a CI runner), and
//! so would `pre-commit try-repo`. The test therefore declares the same hook as a `repo: local`
//! hook with `language: system` and the binary cargo already built as its `entry`; every other
//! setting (`id`, `files`, `pass_filenames`) is read from `.pre-commit-hooks.yaml`, so what runs
//! is the manifest's hook. The manifest itself is checked with `pre-commit validate-manifest`.

use ekslint::parse::tree::{Node, parse_yaml};
use ekslint::source::FileId;
use std::path::Path;
use std::process::Output;

use crate::support::pre_commit::{isolated, pre_commit_installed};

const OTHER: &str = r#"resource "aws_eks_access_entry" "first" {
  cluster_name  = "ctx"
  principal_arn = "arn:aws:iam::111122223333:role/ops"
  type          = "Standard"
}
"#;

const VARIABLES: &str = r#"variable "entry_type" {
  default = "Standard"
}
"#;

/// The changed file: its principal duplicates the unchanged file's, its type comes from the
/// unchanged variables.tf.
const ENTRIES: &str = r#"resource "aws_eks_access_entry" "second" {
  cluster_name  = "ctx"
  principal_arn = "arn:aws:iam::111122223333:role/ops"
  type          = var.entry_type
}
"#;

/// A throwaway git repository whose pre-commit configuration runs the manifest's hook, with
/// `files` committed as the unchanged state.
fn repository(files: &[(&str, &str)]) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    git(dir, &["init", "-q", "-b", "main"]);
    std::fs::write(dir.join(".pre-commit-config.yaml"), local_hook_config()).expect("write");
    std::fs::write(dir.join(".gitignore"), ".cache-pre-commit/\n").expect("write");
    for (name, text) in files {
        std::fs::write(dir.join(name), text).expect("write");
    }
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", "unchanged files"]);
    tmp
}

/// Stages `files` and runs the hook on what is staged.
fn commit_attempt(dir: &Path, files: &[(&str, &str)]) -> (Option<i32>, Vec<String>, String) {
    for (name, text) in files {
        std::fs::write(dir.join(name), text).expect("write");
        git(dir, &["add", name]);
    }
    let out = run(
        dir,
        "python3",
        &["-m", "pre_commit", "run", "--color", "never"],
    );
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    (out.status.code(), findings(&out), text)
}

const MAIN: &str = r#"variable "entry_type" {
  default = "STANDARD"
}

resource "aws_eks_access_entry" "ops" {
  cluster_name  = "ctx"
  principal_arn = "arn:aws:iam::111122223333:role/ops"
  type          = var.entry_type
}
"#;

#[test]
fn a_duplicate_added_in_a_file_that_sorts_first_is_blocked_there() {
    if !pre_commit_installed() {
        return;
    }
    let repo = repository(&[("main.tf", MAIN)]);
    // `a_new.tf` sorts before the unchanged `main.tf`, whose entry is the first of the two in
    // output order: the finding is reported in the changed file all the same.
    let added = r#"resource "aws_eks_access_entry" "again" {
  cluster_name  = "ctx"
  principal_arn = "arn:aws:iam::111122223333:role/ops"
}
"#;
    let (code, found, text) = commit_attempt(repo.path(), &[("a_new.tf", added)]);
    assert_eq!(code, Some(1), "{text}");
    assert_eq!(found, ["a_new.tf EKS104"], "{text}");
}

#[test]
fn a_tfvars_change_is_passed_to_the_hook_and_blocks_its_bad_value() {
    if !pre_commit_installed() {
        return;
    }
    let repo = repository(&[("main.tf", MAIN)]);
    let (code, found, text) = commit_attempt(
        repo.path(),
        &[("terraform.tfvars", "entry_type = \"Standard\"\n")],
    );
    assert_eq!(code, Some(1), "{text}");
    // The finding is where the value is used, in main.tf; it is reported because its value
    // comes from the changed terraform.tfvars.
    assert_eq!(found, ["main.tf EKS105"], "{text}");
    let (code, found, text) = commit_attempt(
        repo.path(),
        &[("terraform.tfvars", "entry_type = \"EC2_LINUX\"\n")],
    );
    assert_eq!((code, found), (Some(0), vec![]), "{text}");
}

fn run(dir: &Path, program: &str, args: &[&str]) -> Output {
    let out = isolated(dir, program, args);
    assert!(
        out.status.code().is_some(),
        "{program} {args:?} was killed: {out:?}"
    );
    out
}

fn git(dir: &Path, args: &[&str]) {
    let out = run(dir, "git", args);
    assert!(out.status.success(), "git {args:?}: {out:?}");
}

/// The `ekslint` hook of the manifest, as a local hook that runs the built binary.
fn local_hook_config() -> String {
    let manifest_path = Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml");
    let manifest = std::fs::read_to_string(&manifest_path).expect("read the manifest");
    let docs = parse_yaml(FileId(0), &manifest).expect("the manifest is YAML");
    let hooks = match docs.first().map(|d| &d.kind) {
        Some(ekslint::parse::tree::NodeKind::Seq(hooks)) => hooks.clone(),
        other => panic!("the manifest is not a list of hooks: {other:?}"),
    };
    let hook: &Node = hooks
        .iter()
        .find(|h| h.get("id").and_then(Node::as_str) == Some("ekslint"))
        .expect("a hook with id ekslint");
    let field = |key: &str| {
        hook.get(key)
            .and_then(Node::as_str)
            .unwrap_or_else(|| panic!("hook field {key}"))
            .to_string()
    };
    assert_eq!(field("language"), "rust");
    assert_eq!(field("entry"), "ekslint");
    let pass_filenames = match hook.get("pass_filenames").map(|n| &n.kind) {
        Some(ekslint::parse::tree::NodeKind::Bool(b)) => *b,
        other => panic!("pass_filenames: {other:?}"),
    };
    assert!(pass_filenames);
    // `--format github` only to make the output easy to check: one line per finding.
    format!(
        "repos:\n  - repo: local\n    hooks:\n      - id: {id}\n        name: ekslint\n        language: system\n        entry: '{entry}'\n        args: [--format, github]\n        files: '{files}'\n        pass_filenames: {pass_filenames}\n",
        id = field("id"),
        entry = env!("CARGO_BIN_EXE_ekslint"),
        files = field("files"),
    )
}

/// The findings (`file rule`) in pre-commit's output.
fn findings(output: &Output) -> Vec<String> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter(|l| l.starts_with("::"))
        .map(|l| {
            let value = |key: &str| {
                l.split([',', ' ', ':'])
                    .find_map(|p| p.strip_prefix(key))
                    .unwrap_or("?")
                    .to_string()
            };
            format!("{} {}", value("file="), value("title="))
        })
        .collect()
}

#[test]
fn hook_reports_the_changed_file_with_its_module_as_context() {
    if !pre_commit_installed() {
        return;
    }
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml");
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    let out = run(
        dir,
        "python3",
        &[
            "-m",
            "pre_commit",
            "validate-manifest",
            manifest.to_str().expect("UTF-8 path"),
        ],
    );
    assert!(out.status.success(), "{out:?}");

    git(dir, &["init", "-q", "-b", "main"]);
    std::fs::write(dir.join(".pre-commit-config.yaml"), local_hook_config()).expect("write");
    std::fs::write(dir.join(".gitignore"), ".cache-pre-commit/\n").expect("write");
    std::fs::write(dir.join("a_other.tf"), OTHER).expect("write");
    std::fs::write(dir.join("variables.tf"), VARIABLES).expect("write");
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", "unchanged files"]);

    std::fs::write(dir.join("entries.tf"), ENTRIES).expect("write");
    git(dir, &["add", "entries.tf"]);
    let pre_commit = ["-m", "pre_commit", "run", "--color", "never"];
    let staged = run(dir, "python3", &pre_commit);
    let text = String::from_utf8_lossy(&staged.stdout);
    assert_eq!(staged.status.code(), Some(1), "{text}");
    let found = findings(&staged);
    // Only the changed file is reported, the unchanged ones were read for context (a_other.tf's
    // own EKS105 is not reported).
    assert!(
        found.iter().all(|f| f.starts_with("entries.tf ")),
        "{found:?}\n{text}"
    );
    assert!(
        found.contains(&"entries.tf EKS104".to_string()),
        "{found:?}\n{text}"
    );
    // The type comes from the unchanged variables.tf; the finding is reported on entries.tf.
    assert!(
        found.contains(&"entries.tf EKS105".to_string()),
        "{found:?}\n{text}"
    );

    // The same through --files, and with --all-files every file is passed, so the unchanged
    // file's own finding shows up too.
    let files = run(
        dir,
        "python3",
        &[&pre_commit[..], &["--files", "entries.tf"]].concat(),
    );
    assert_eq!(findings(&files), found);
    let all = run(
        dir,
        "python3",
        &[&pre_commit[..], &["--all-files"]].concat(),
    );
    assert!(
        findings(&all).contains(&"a_other.tf EKS105".to_string()),
        "{:?}",
        findings(&all)
    );
}
