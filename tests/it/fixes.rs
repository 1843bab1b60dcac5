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

/// The texts of `dir`'s files, recursively, by path relative to it.
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            if e.file_type().unwrap().is_dir() {
                if e.file_name() != ".git" {
                    stack.push(e.path());
                }
            } else {
                let rel = e.path().strip_prefix(dir).unwrap().to_path_buf();
                out.insert(rel, std::fs::read(e.path()).unwrap());
            }
        }
    }
    out
}

/// The done-when check: `--fix` on a copy of `fixtures/examples` fixes every finding there that
/// has a safe fix, and the files differ from the originals by exactly those fixes' edits.
#[test]
fn fix_on_the_examples_changes_only_the_safe_fixes_values() {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/examples");
    let original = tree(&examples);
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    for (rel, bytes) in &original {
        std::fs::create_dir_all(dir.path().join(rel).parent().unwrap()).unwrap();
        std::fs::write(dir.path().join(rel), bytes).unwrap();
    }
    let json = |dir: &Path| -> Vec<Value> {
        let out = Command::cargo_bin("ekslint")
            .unwrap()
            .current_dir(dir)
            .args(["--format", "json", "."])
            .output()
            .unwrap();
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        v["diagnostics"].as_array().unwrap().clone()
    };
    let safe = |d: &Value| d["fix"]["safety"] == "safe";
    let before = json(dir.path());
    let fixable: Vec<&Value> = before.iter().filter(|d| safe(d)).collect();
    assert!(fixable.len() >= 2, "{before:#?}");
    // The texts with every safe fix's edits applied, by file (the edits do not overlap).
    let mut expected = original.clone();
    let mut edits: BTreeMap<String, Vec<(usize, usize, String)>> = BTreeMap::new();
    for d in &fixable {
        for e in d["fix"]["edits"].as_array().unwrap() {
            let offset = |p: &str| e["span"][p]["offset"].as_u64().unwrap() as usize;
            edits
                .entry(e["file"].as_str().unwrap().to_string())
                .or_default()
                .push((
                    offset("start"),
                    offset("end"),
                    e["text"].as_str().unwrap().to_string(),
                ));
        }
    }
    for (file, mut list) in edits {
        list.sort();
        list.dedup();
        let text = expected.get_mut(Path::new(&file)).unwrap();
        for (start, end, new) in list.into_iter().rev() {
            text.splice(start..end, new.into_bytes());
        }
    }
    let out = Command::cargo_bin("ekslint")
        .unwrap()
        .current_dir(dir.path())
        .args(["--fix", "."])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("applied {} fixes", fixable.len())),
        "{stderr}"
    );
    assert_eq!(tree(dir.path()), expected);
    let after = json(dir.path());
    assert!(after.iter().all(|d| !safe(d)), "{after:#?}");
    // Each fixed finding is gone.
    let key = |d: &Value| (d["rule"].clone(), d["file"].clone(), d["message"].clone());
    for d in &fixable {
        assert!(!after.iter().any(|a| key(a) == key(d)), "{d}");
    }
    // No finding is new (fixing a key may also clear the finding that the key was missing).
    for a in &after {
        assert!(before.iter().any(|b| key(a) == key(b)), "{a}");
    }
}

mod property {
    use ekslint::engine::{Input, LintOptions};
    use ekslint::fix::Safety;
    use ekslint::fix::run::{Files, Overlay, fix};
    use ekslint::report::Report;
    use proptest::prelude::*;
    use std::collections::BTreeMap;
    use std::path::{Path, PathBuf};
    use std::sync::Arc;

    /// Files held in memory, by display path.
    struct Memory(BTreeMap<String, String>);

    impl Files for Memory {
        fn lint(&mut self, overlay: &Arc<Overlay>) -> Report {
            let inputs = self
                .0
                .iter()
                .map(|(name, text)| {
                    let bytes = overlay
                        .get(Path::new(name))
                        .cloned()
                        .unwrap_or_else(|| text.clone().into_bytes());
                    Input {
                        display: name.clone(),
                        dir: Path::new(name).parent().unwrap().to_path_buf(),
                        bytes,
                        explicit: true,
                        context: false,
                        unreadable: None,
                    }
                })
                .collect();
            ekslint::engine::lint(inputs, &LintOptions::default())
        }

        fn writable(&self, display: &str) -> Result<PathBuf, String> {
            Ok(PathBuf::from(display))
        }

        fn read(&self, real: &Path) -> Result<Vec<u8>, String> {
            Ok(self.0[&*real.to_string_lossy()].clone().into_bytes())
        }
    }

    /// Every template of the fixture set.
    fn fixtures() -> Vec<(String, String)> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let mut out = Vec::new();
        let mut stack = vec![root.clone()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                let name = p.to_string_lossy().into_owned();
                if p.is_dir() {
                    stack.push(p);
                } else if [".tf", ".yaml", ".yml", ".json", ".tfvars"]
                    .iter()
                    .any(|s| name.ends_with(s))
                    && let Ok(text) = std::fs::read_to_string(&p)
                {
                    let rel = p
                        .strip_prefix(&root)
                        .unwrap()
                        .to_string_lossy()
                        .into_owned();
                    out.push((rel, text));
                }
            }
        }
        out.sort();
        out
    }

    /// Spellings that rules fix (and some they cannot), swapped for the exact ones.
    const MISSPELLINGS: [(&str, &str); 10] = [
        ("EC2_LINUX", "Ec2_Linux"),
        ("STANDARD", "standard"),
        ("\"namespace\"", "\"Namespace\""),
        ("type: namespace", "type: NAMESPACE"),
        ("cluster\"", "CLUSTER\""),
        ("API_AND_CONFIG_MAP", "api-and-config-map"),
        ("principal_arn", "principalArn"),
        ("principalARN", "PrincipalArn"),
        ("arn:aws:eks::aws:cluster-access-policy/", ""),
        (
            ":iam::111122223333:role/",
            ":sts::111122223333:assumed-role/",
        ),
    ];

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

        /// `--unsafe-fixes` on any fixture file with misspellings, repeated list items and stale
        /// suppressions never leaves a file that does not parse when it parsed before.
        #[test]
        fn fixes_never_break_a_file_that_parsed(
            pick in any::<prop::sample::Index>(),
            swaps in prop::collection::vec((0..MISSPELLINGS.len(), any::<bool>()), 0..4),
            ignore_at in prop::option::of(any::<prop::sample::Index>()),
            repeat in any::<bool>(),
        ) {
            let all = fixtures();
            let (name, mut text) = all[pick.index(all.len())].clone();
            for (i, all_of_them) in swaps {
                let (good, bad) = MISSPELLINGS[i];
                text = if all_of_them { text.replace(good, bad) } else { text.replacen(good, bad, 1) };
            }
            if repeat {
                text = text.replacen("[\"", "[\"dup\", \"dup\", \"", 1).replacen("- system:", "- dup\n- dup\n- system:", 1);
            }
            if let Some(at) = ignore_at {
                let lines: Vec<&str> = text.split_inclusive('\n').collect();
                let i = at.index(lines.len().max(1));
                let comment = if name.ends_with(".json") { "" } else { "# ekslint:ignore EKS105,EKS999 -- stale\n" };
                text = lines[..i.min(lines.len())].concat() + comment + &lines[i.min(lines.len())..].concat();
            }
            let display = format!("case/{}", name.replace('/', "_"));
            let parsed_before = ekslint::parse::syntax_error(&display, &text).is_none();
            let mut files = Memory(BTreeMap::from([(display.clone(), text.clone())]));
            let outcome = fix(&mut files, Safety::Unsafe);
            for change in &outcome.changes {
                let new = String::from_utf8(change.new.clone()).unwrap();
                prop_assert!(
                    !parsed_before || ekslint::parse::syntax_error(&change.display, &new).is_none(),
                    "{display} no longer parses:\n{new}"
                );
            }
        }
    }
}

#[test]
fn every_repeated_item_of_a_long_list_is_removed() {
    // Each fix was checked against every edit taken before it: 320,000 repeated groups took
    // 280 s.
    let n = 3_000;
    let template = |groups: usize| {
        format!(
            "Resources:\n  Entry:\n    Type: AWS::EKS::AccessEntry\n    Properties:\n      ClusterName: prod\n      PrincipalArn: arn:aws:iam::111122223333:role/ops\n      KubernetesGroups: [{}]\n",
            vec!["devs"; groups].join(", ")
        )
    };
    let dir = project(&BTreeMap::from([(
        "stack.yaml".to_string(),
        template(n).into_bytes(),
    )]));
    let out = Command::cargo_bin("ekslint")
        .unwrap()
        .current_dir(dir.path())
        .args(["--fix", "stack.yaml"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("applied {} fixes in 1 file", n - 1)),
        "{stderr}"
    );
    // Nothing is left to find.
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("stack.yaml")).unwrap(),
        template(1)
    );
}
