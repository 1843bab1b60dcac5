//! `--fix`, `--unsafe-fixes` and `--diff` run as a user runs them, on copies of the cases in
//! `fixtures/fixes/<rule>/<case>/`: `input/` holds the files as written, `expected/` the same
//! files as the rule's fix must leave them (written by hand). A case whose expected files are
//! its input files is one where no fix may be offered.

use assert_cmd::Command;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const CASES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/fixes");

/// The files of a directory, by name.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_file())
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

/// Every case: its rule and directory.
fn cases() -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    for rule in std::fs::read_dir(CASES).unwrap() {
        let rule = rule.unwrap();
        for case in std::fs::read_dir(rule.path()).unwrap() {
            out.push((
                rule.file_name().to_string_lossy().into_owned(),
                case.unwrap().path(),
            ));
        }
    }
    out.sort();
    out
}

/// A project directory (a git work tree, the trust boundary) holding `files`.
fn project(files: &BTreeMap<String, Vec<u8>>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    for (name, bytes) in files {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    dir
}

/// `ekslint ARGS .` in `dir`, for the rule of a case (every rule for EKS003, which needs the
/// suppressed rules to run).
fn ekslint(dir: &Path, rule: &str, args: &[&str]) -> std::process::Output {
    let mut cmd = Command::cargo_bin("ekslint").unwrap();
    cmd.current_dir(dir).args(args).arg(".");
    if rule != "EKS003" {
        cmd.args(["--select", rule]);
    }
    cmd.output().unwrap()
}

/// The findings of `rule` in `dir`, as JSON.
fn findings(dir: &Path, rule: &str) -> Vec<Value> {
    let out = ekslint(dir, rule, &["--format", "json"]);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == rule)
        .cloned()
        .collect()
}

fn fix_flag(rule: &str) -> &'static str {
    match ekslint::rules::lookup(rule).and_then(|r| r.fix) {
        Some(ekslint::fix::Safety::Unsafe) => "--unsafe-fixes",
        _ => "--fix",
    }
}

#[test]
fn each_case_is_fixed_as_written_by_hand_and_stays_fixed() {
    let mut failures = Vec::new();
    for (rule, case) in cases() {
        let input = files(&case.join("input"));
        let expected = files(&case.join("expected"));
        let dir = project(&input);
        let before = findings(dir.path(), &rule);
        assert!(!before.is_empty(), "{}: no {rule} finding", case.display());
        let out = ekslint(dir.path(), &rule, &[fix_flag(&rule)]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_ne!(out.status.code(), Some(2), "{}: {stderr}", case.display());
        let got = files(dir.path());
        if got != expected {
            let show = |m: &BTreeMap<String, Vec<u8>>| {
                m.iter()
                    .map(|(k, v)| format!("== {k}\n{}", String::from_utf8_lossy(v)))
                    .collect::<String>()
            };
            failures.push(format!(
                "{}:\n-- expected\n{}\n-- got\n{}",
                case.display(),
                show(&expected),
                show(&got)
            ));
            continue;
        }
        let after = findings(dir.path(), &rule);
        if input == expected {
            // No fix offered: the findings stay, none with a fix.
            assert!(stderr.contains("applied 0 fixes"), "{stderr}");
            assert_eq!(after.len(), before.len(), "{}", case.display());
            assert!(
                before.iter().all(|d| d.get("fix").is_none()),
                "{}: {before:?}",
                case.display()
            );
        } else {
            assert!(after.is_empty(), "{}: {after:?}", case.display());
        }
        // Fixing again changes nothing.
        let again = ekslint(dir.path(), &rule, &[fix_flag(&rule)]);
        assert!(
            String::from_utf8_lossy(&again.stderr).contains("applied 0 fixes"),
            "{}",
            case.display()
        );
        assert_eq!(files(dir.path()), expected, "{}", case.display());
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn diff_prints_the_fixes_and_writes_nothing() {
    let case = Path::new(CASES).join("EKS105/terraform-variable-default");
    let input = files(&case.join("input"));
    let dir = project(&input);
    let out = Command::cargo_bin("ekslint")
        .unwrap()
        .current_dir(dir.path())
        .args(["--diff", "."])
        .output()
        .unwrap();
    // The exit code is the lint's: an error is left.
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "--- a/variables.tf\n+++ b/variables.tf\n@@ -1,4 +1,4 @@\n variable \"node_type\" {\n   type    = string\n-  default = \"ec2_linux\" # nodes\n+  default = \"EC2_LINUX\" # nodes\n }\n"
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--fix would apply 1 fix in 1 file"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(files(dir.path()), input);
}

#[test]
fn unsafe_fixes_wait_for_unsafe_fixes() {
    let case = Path::new(CASES).join("EKS102/terraform");
    let input = files(&case.join("input"));
    let dir = project(&input);
    let out = ekslint(dir.path(), "EKS102", &["--fix"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("applied 0 fixes"));
    assert_eq!(files(dir.path()), input);
    let out = ekslint(dir.path(), "EKS102", &["--diff", "--unsafe-fixes"]);
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("+  principal_arn = \"arn:aws:iam::111122223333:role/admin\"")
    );
}

#[test]
fn fix_and_diff_refuse_standard_input() {
    Command::cargo_bin("ekslint")
        .unwrap()
        .args(["--fix", "-", "--stdin-filename", "main.tf"])
        .write_stdin("x = 1\n")
        .assert()
        .code(2);
}

#[cfg(unix)]
#[test]
fn a_linked_file_outside_the_project_is_not_written() {
    let outside = tempfile::tempdir().unwrap();
    let case = Path::new(CASES).join("EKS105/terraform");
    let input = files(&case.join("input"));
    std::fs::write(outside.path().join("main.tf"), &input["main.tf"]).unwrap();
    let dir = project(&BTreeMap::new());
    std::os::unix::fs::symlink(outside.path().join("main.tf"), dir.path().join("main.tf")).unwrap();
    // Named on the command line, the link's target is read (its directory is trusted), but
    // a fix writes only inside the project of the run.
    let out = Command::cargo_bin("ekslint")
        .unwrap()
        .current_dir(dir.path())
        .args(["--fix", "."])
        .output()
        .unwrap();
    assert_eq!(
        std::fs::read(outside.path().join("main.tf")).unwrap(),
        input["main.tf"],
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
