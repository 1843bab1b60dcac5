//! Runs the binary over every fixture case (a directory with an `expected.txt`) and compares the
//! findings (rule, file, line, column) with the expectations written beside the case.
//!
//! Cases live in `fixtures/<format>/` (the examples a user can lint: `ekslint fixtures/` exits
//! 1) and, for files that cannot be parsed (EKS000, exit code 2), in `tests/invalid/<format>/`.
//!
//! `fixtures/units/<format>/<layout>/{bad,clean}` are repositories of several deployment units
//! (`envs/staging`, `envs/prod`, ...) linted together.

use assert_cmd::Command;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

type Finding = (String, String, u64, u64);

fn fixtures_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

fn invalid_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/invalid")
}

/// A case's path below its root (`terraform/EKS105-invalid-entry-type/bad`).
fn relative(case: &Path) -> String {
    case.strip_prefix(fixtures_root())
        .or_else(|_| case.strip_prefix(invalid_root()))
        .unwrap()
        .to_string_lossy()
        .replace('\\', "/")
}

/// Every directory under `fixtures/` and `tests/invalid/` that holds an `expected.txt`, sorted.
fn cases() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        if entries
            .iter()
            .any(|p| p.file_name().is_some_and(|n| n == "expected.txt"))
        {
            out.push(dir.to_path_buf());
        }
        for p in entries {
            if p.is_dir() {
                walk(&p, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(&fixtures_root(), &mut out);
    walk(&invalid_root(), &mut out);
    out
}

/// Parses `expected.txt`: `EKSnnn file:line:column` per line, `#` comments.
fn expected(case: &Path) -> Vec<Finding> {
    let text = std::fs::read_to_string(case.join("expected.txt")).unwrap();
    let mut out: Vec<Finding> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (rule, loc) = l
                .split_once(' ')
                .unwrap_or_else(|| panic!("{}: bad line {l:?}", case.display()));
            let mut parts = loc.trim().rsplitn(3, ':');
            let column = parts.next().and_then(|c| c.parse().ok());
            let line = parts.next().and_then(|c| c.parse().ok());
            let file = parts.next();
            match (file, line, column) {
                (Some(f), Some(l), Some(c)) => (rule.to_string(), f.to_string(), l, c),
                _ => panic!("{}: bad location in {l:?}", case.display()),
            }
        })
        .collect();
    out.sort();
    out
}

/// Runs `ekslint --format json` in `dir` on `args` and returns the findings.
fn run(dir: &Path, args: &[&str]) -> Vec<Finding> {
    let output = Command::cargo_bin("ekslint")
        .unwrap()
        .current_dir(dir)
        .args(["--format", "json", "--fail-on", "never"])
        .args(args)
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "{}: output is not JSON ({e}); stderr: {}",
            dir.display(),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let mut out: Vec<Finding> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["file"].as_str().unwrap().to_string(),
                d["span"]["start"]["line"].as_u64().unwrap(),
                d["span"]["start"]["column"].as_u64().unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

fn describe(findings: &[Finding]) -> String {
    findings
        .iter()
        .map(|(r, f, l, c)| format!("  {r} {f}:{l}:{c}\n"))
        .collect()
}

#[test]
fn every_case_gives_exactly_its_expected_findings() {
    let cases = cases();
    assert!(
        cases.len() > 20,
        "fixtures are missing: found {} cases",
        cases.len()
    );
    let mut failures = String::new();
    for case in &cases {
        let want = expected(case);
        let got = run(case, &["."]);
        if got != want {
            let missing: Vec<_> = want.iter().filter(|f| !got.contains(f)).cloned().collect();
            let extra: Vec<_> = got.iter().filter(|f| !want.contains(f)).cloned().collect();
            failures.push_str(&format!(
                "{}:\n missing:\n{} unexpected:\n{}",
                relative(case),
                describe(&missing),
                describe(&extra)
            ));
        }
    }
    assert!(failures.is_empty(), "fixture mismatches:\n{failures}");
}

#[test]
fn all_fixtures_linted_together_give_the_union_of_the_cases() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut want: Vec<Finding> = Vec::new();
    for case in cases()
        .into_iter()
        .filter(|c| c.starts_with(fixtures_root()))
    {
        let prefix = case
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        want.extend(
            expected(&case)
                .into_iter()
                .map(|(r, f, l, c)| (r, format!("{prefix}/{f}"), l, c)),
        );
    }
    want.sort();
    let mut got = run(root, &["fixtures"]);
    // The cases of fixes (`fixtures/fixes/<rule>/<case>/{input,expected}`) have their own test,
    // `tests/it/fixes.rs`: their findings are the fixed rule's.
    got.retain(|f| !f.1.starts_with("fixtures/fixes/"));
    assert!(
        !want.iter().any(|f| f.0 == "EKS000"),
        "parse errors belong in tests/invalid/"
    );
    // Findings, and no file that cannot be parsed: the exit code is 1.
    let status = Command::cargo_bin("ekslint")
        .unwrap()
        .current_dir(root)
        .arg("fixtures")
        .output()
        .unwrap()
        .status;
    assert_eq!(status.code(), Some(1));
    let missing: Vec<_> = want.iter().filter(|f| !got.contains(f)).cloned().collect();
    let extra: Vec<_> = got.iter().filter(|f| !want.contains(f)).cloned().collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing:\n{}unexpected:\n{}",
        describe(&missing),
        describe(&extra)
    );
}

#[test]
fn every_rule_has_a_triggering_case_and_a_clean_twin_per_format() {
    // Which rules fire on which format's fixtures: each rule of the catalog that applies to a
    // format must be expected somewhere in that format's cases.
    let mut fired: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for case in cases() {
        let rel = relative(&case);
        let format = rel.split('/').next().unwrap_or_default().to_string();
        let format = match format.as_str() {
            "terraform" | "terraform-eval" => "TF",
            "cloudformation" => "CFN",
            "eksctl" => "EKSCTL",
            _ => continue,
        };
        for (rule, ..) in expected(&case) {
            fired.entry(format).or_default().push(rule);
        }
    }
    // eksctl writes policies only inside their entry, so an association without an entry
    // (EKS208) cannot be written in an eksctl file.
    let impossible = [("EKS208", "EKSCTL")];
    let mut missing = Vec::new();
    for rule in ekslint::rules::RULES {
        for format in ["TF", "CFN", "EKSCTL"] {
            if !fired.contains_key(format)
                || !rule.applies.contains(format)
                || rule.id == "EKS003"
                || impossible.contains(&(rule.id, format))
            {
                continue;
            }
            if !fired[format].iter().any(|r| r == rule.id) {
                missing.push(format!("{} {}", rule.id, format));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "rules without a triggering fixture: {missing:?}"
    );
}

#[test]
fn every_rule_directory_has_a_clean_twin_with_no_findings() {
    let mut missing = Vec::new();
    for format in ["terraform", "cloudformation", "eksctl"] {
        let Ok(dirs) = std::fs::read_dir(fixtures_root().join(format)) else {
            continue;
        };
        for dir in dirs.map(|d| d.unwrap().path()).filter(|p| p.is_dir()) {
            let name = dir.file_name().unwrap().to_string_lossy().to_string();
            if !name.starts_with("EKS") {
                continue;
            }
            let clean: Vec<PathBuf> = std::fs::read_dir(&dir)
                .unwrap()
                .map(|d| d.unwrap().path())
                .filter(|p| {
                    p.file_name()
                        .is_some_and(|n| n.to_string_lossy().starts_with("clean"))
                })
                .collect();
            if clean.is_empty() {
                missing.push(format!("{format}/{name}: no clean twin"));
            }
            for case in clean {
                if !expected(&case).is_empty() {
                    missing.push(format!("{}: a clean twin expects findings", case.display()));
                }
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[test]
fn every_deployment_unit_layout_has_a_case_with_findings_and_a_clean_twin() {
    let mut problems = Vec::new();
    let mut layouts = 0;
    for format in ["terraform", "cloudformation", "eksctl", "mixed"] {
        let dir = fixtures_root().join("units").join(format);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            problems.push(format!("{}: missing", dir.display()));
            continue;
        };
        for layout in entries.map(|d| d.unwrap().path()).filter(|p| p.is_dir()) {
            layouts += 1;
            let name = relative(&layout);
            if expected(&layout.join("bad")).is_empty() {
                problems.push(format!("{name}/bad expects nothing"));
            }
            if !expected(&layout.join("clean")).is_empty() {
                problems.push(format!("{name}/clean expects findings"));
            }
        }
    }
    assert!(layouts >= 4, "deployment unit layouts are missing");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn a_repository_mid_migration_reports_each_aws_auth_rule_and_its_clean_twin_nothing() {
    // A Terraform cluster in API mode with a kubernetes_config_map_v1_data aws-auth, an eksctl
    // file with iamIdentityMappings and a raw manifest, linted together.
    let dir = fixtures_root().join("migration");
    let got = run(&dir.join("bad"), &["."]);
    assert_eq!(got, expected(&dir.join("bad")));
    let rules: std::collections::BTreeSet<&str> = got.iter().map(|f| f.0.as_str()).collect();
    assert_eq!(
        rules.into_iter().collect::<Vec<_>>(),
        ["EKS501", "EKS502", "EKS503", "EKS504", "EKS505", "EKS506"]
    );
    assert_eq!(run(&dir.join("clean"), &["."]), Vec::<Finding>::new());
}
