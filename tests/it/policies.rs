//! Custom Rego policies: the example policies over Terraform, CloudFormation and eksctl (one
//! policy, three formats, the same findings), their Rego tests, the rules' metadata in the
//! catalog, configuration, and every way a policy can be wrong.
//!
//! Each `tests/policies/<policy>/<format>/` case holds a file and an `expected.txt` of
//! `ID file:line:column` lines, derived from the file.

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn ekslint(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("ekslint").expect("binary");
    cmd.current_dir(dir).env("NO_COLOR", "1");
    cmd
}

/// `ID file:line:column` of each finding of a JSON report.
fn findings(json: &Value) -> Vec<String> {
    let mut out: Vec<String> = json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            format!(
                "{} {}:{}:{}",
                d["rule"].as_str().unwrap_or("?"),
                d["file"].as_str().unwrap_or("?"),
                d["span"]["start"]["line"],
                d["span"]["start"]["column"]
            )
        })
        .collect();
    out.sort();
    out
}

fn json_report(cmd: &mut Command) -> (Value, Option<i32>) {
    let out = cmd.output().expect("run");
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (json, out.status.code())
}

fn expected(case: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(case.join("expected.txt")).expect("expected.txt");
    let mut out: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect();
    out.sort();
    out
}

/// The id a policy's METADATA declares (`custom.id`).
fn declared_id(policy: &Path) -> String {
    let text = std::fs::read_to_string(policy).expect("policy");
    text.lines()
        .find_map(|l| l.trim().strip_prefix("#   id: "))
        .unwrap_or_else(|| panic!("{} declares no id", policy.display()))
        .to_string()
}

#[test]
fn each_example_policy_finds_the_same_ids_in_every_format() {
    let cases = root().join("tests/policies");
    let mut policies: Vec<PathBuf> = std::fs::read_dir(&cases)
        .expect("tests/policies")
        .map(|e| e.expect("entry").path())
        .collect();
    policies.sort();
    assert!(policies.len() >= 4, "{policies:?}");
    let mut failures = Vec::new();
    for case in &policies {
        let name = case.file_name().and_then(|n| n.to_str()).expect("name");
        let policy = root().join(format!("examples/policies/{name}.rego"));
        let id = declared_id(&policy);
        let mut ids_per_format = Vec::new();
        for format in ["terraform", "cloudformation", "eksctl"] {
            let dir = case.join(format);
            let want = expected(&dir);
            let (json, _) = json_report(ekslint(&dir).args([
                "--format",
                "json",
                "--fail-on",
                "never",
                "--select",
                &id,
                "--policy",
                policy.to_str().expect("UTF-8"),
                ".",
            ]));
            let got = findings(&json);
            if got != want {
                failures.push(format!("{name}/{format}: want {want:?}, got {got:?}"));
            }
            let mut ids: Vec<String> = want
                .iter()
                .map(|f| f.split(' ').next().unwrap_or_default().to_string())
                .collect();
            ids.sort();
            ids_per_format.push(ids);
        }
        assert!(!ids_per_format[0].is_empty(), "{name}: no finding expected");
        assert!(
            ids_per_format.iter().all(|ids| *ids == ids_per_format[0]),
            "{name}: the formats expect different findings: {ids_per_format:?}"
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_example_policies_rego_tests_pass() {
    let out = ekslint(root())
        .args(["policy", "test", "examples/policies"])
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    let tests = text.lines().filter(|l| l.ends_with(": PASS")).count();
    assert!(tests >= 15, "{text}");
    assert!(
        text.ends_with(&format!("PASS: {tests}/{tests}\n")),
        "{text}"
    );
    for name in [
        "break_glass_admin",
        "team_namespaces",
        "no_iam_users",
        "org_accounts",
    ] {
        assert!(
            text.contains(&format!("examples/policies/{name}_test.rego:\n")),
            "{text}"
        );
    }
}

/// A project in a temporary directory: `files` are (path, text).
fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
    dir
}

const CONFIG: &str = "[policy]\npaths = [\"policies\"]\n";

/// Two entries: line 3 and line 8 hold the principals.
const ENTRIES: &str = r#"resource "aws_eks_access_entry" "a" {
  cluster_name  = "shop"
  principal_arn = "arn:aws:iam::111122223333:role/a"
}

resource "aws_eks_access_entry" "b" {
  cluster_name  = "shop"
  principal_arn = "arn:aws:iam::111122223333:role/b"
}
"#;

/// A policy with one finding per entry, at its principal.
const EVERY_ENTRY: &str = r#"package ekslint.policies.all_entries

# METADATA
# title: Every entry
# description: Reports every access entry.
# custom:
#   id: ORG100
#   name: every-entry
warn contains finding if {
	some entry in input.entries
	finding := {"id": "ORG100", "message": "an entry", "at": entry.principal_arn.at}
}
"#;

#[test]
fn policy_mistakes_are_reported_on_the_policy_and_lose_nothing_else() {
    let bad = r#"package ekslint.policies.bad

deny contains f if {
	some e in input.entries
	f := {"id": "EKS101", "message": "reserved id", "at": e.at}
}

deny contains f if {
	some e in input.entries
	f := {"id": "ORG201", "message": "nowhere"}
}

deny contains f if {
	some e in input.entries
	f := {"id": "ORG202", "message": "far away", "at": 1000000}
}

deny contains f if {
	some e in input.entries
	f := {"id": "ORG203", "message": "kept", "at": e.at}
}

info contains f if {
	some e in input.entries
	x := 1 / 0
	f := {"id": "ORG204", "message": "never", "at": e.at}
}
"#;
    let broken = "package ekslint.policies.broken\n\ndeny contains f if {\n\tsome e in input.entries\n\tf := e ~ 1\n}\n";
    let dir = project(&[
        (".ekslint.toml", CONFIG),
        ("main.tf", ENTRIES),
        ("policies/bad.rego", bad),
        ("policies/broken.rego", broken),
        ("policies/every.rego", EVERY_ENTRY),
    ]);
    let (json, code) = json_report(ekslint(dir.path()).args(["--format", "json", "."]));
    assert_eq!(code, Some(2), "{json}");
    // The built-in rules' findings on main.tf aside.
    let got: Vec<String> = findings(&json)
        .into_iter()
        .filter(|f| !f.starts_with("EKS") || f.starts_with("EKS000"))
        .collect();
    assert_eq!(
        got,
        [
            // Division by zero where it happens; the `deny` rule's bad items at its first
            // head (one per distinct item); the file that does not compile where the error is.
            // The good items of that `deny` are kept (ORG203, at the entries' headers) and
            // every.rego still runs.
            "EKS000 policies/bad.rego:25:9",
            "EKS000 policies/bad.rego:3:1",
            "EKS000 policies/bad.rego:3:1",
            "EKS000 policies/bad.rego:3:1",
            "EKS000 policies/bad.rego:3:1",
            "EKS000 policies/broken.rego:5:9",
            "ORG100 main.tf:3:19",
            "ORG100 main.tf:8:19",
            "ORG203 main.tf:1:1",
            "ORG203 main.tf:6:1",
        ]
        .map(String::from),
        "{json}"
    );
    let messages: Vec<&str> = json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["rule"] == "EKS000")
        .map(|d| d["message"].as_str().unwrap_or_default())
        .collect();
    let has = |needle: &str| messages.iter().any(|m| m.contains(needle));
    assert!(has("starts with EKS, which is reserved"), "{messages:?}");
    assert!(has("the finding ORG201 has no `at`"), "{messages:?}");
    assert!(
        has("`at` 1000000, which is not a location of the input"),
        "{messages:?}"
    );
    assert!(
        has("`info` of ekslint.policies.bad: evaluation failed: divide by zero"),
        "{messages:?}"
    );
    assert!(
        has("the policy does not compile: invalid character"),
        "{messages:?}"
    );
}

#[test]
fn a_policy_that_runs_too_long_is_stopped_and_the_others_run() {
    let slow = "package ekslint.policies.slow\n\nwarn contains n if {\n\tn := count([x | some x in numbers.range(1, 100000); some y in numbers.range(1, 100000)])\n}\n";
    let dir = project(&[
        (".ekslint.toml", CONFIG),
        ("main.tf", ENTRIES),
        ("policies/slow.rego", slow),
        ("policies/every.rego", EVERY_ENTRY),
    ]);
    let (json, code) =
        json_report(ekslint(dir.path()).args(["--format", "json", "--select", "ORG100", "."]));
    assert_eq!(code, Some(2));
    assert_eq!(
        findings(&json),
        [
            "EKS000 policies/slow.rego:3:1",
            "ORG100 main.tf:3:19",
            "ORG100 main.tf:8:19"
        ]
    );
    let message = json["diagnostics"]
        .as_array()
        .and_then(|d| d.iter().find(|d| d["rule"] == "EKS000"))
        .and_then(|d| d["message"].as_str())
        .unwrap_or_default();
    assert!(
        message.contains("ran longer than the 2 s limit"),
        "{message}"
    );
}

#[test]
fn custom_rules_follow_select_ignore_severity_and_suppressions() {
    let base = [("main.tf", ENTRIES), ("policies/every.rego", EVERY_ENTRY)];
    let run = |config: &str, main: &str| {
        let dir = project(&[(".ekslint.toml", config), base[1]]);
        std::fs::write(dir.path().join("main.tf"), main).expect("write");
        let (json, code) = json_report(ekslint(dir.path()).args(["--format", "json", "."]));
        let custom: Vec<(String, String)> = json["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .filter(|d| d["rule"] == "ORG100")
            .map(|d| {
                (
                    format!("{}", d["span"]["start"]["line"]),
                    d["severity"].as_str().unwrap_or_default().to_string(),
                )
            })
            .collect();
        (custom, code, json)
    };
    let pair = |line: &str, sev: &str| (line.to_string(), sev.to_string());
    // By default: a warning per entry, exit 1.
    let (custom, code, _) = run(CONFIG, ENTRIES);
    assert_eq!(custom, [pair("3", "warning"), pair("8", "warning")]);
    assert_eq!(code, Some(1));
    // `ignore` by name, `select` by id of another rule.
    let (custom, ..) = run(&format!("ignore = [\"every-entry\"]\n{CONFIG}"), ENTRIES);
    assert!(custom.is_empty());
    let (custom, ..) = run(&format!("select = [\"EKS101\"]\n{CONFIG}"), ENTRIES);
    assert!(custom.is_empty());
    // A severity override, and `fail-on` counts it.
    let (custom, code, _) = run(
        &format!("fail-on = \"error\"\n{CONFIG}[severity]\nORG100 = \"note\"\n"),
        ENTRIES,
    );
    assert_eq!(custom, [pair("3", "note"), pair("8", "note")]);
    assert_eq!(code, Some(0));
    // An inline suppression on the second entry's principal.
    let suppressed = ENTRIES.replace(
        "role/b\"\n",
        "role/b\" # ekslint:ignore ORG100 -- reviewed\n",
    );
    let (custom, _, json) = run(CONFIG, &suppressed);
    assert_eq!(custom, [pair("3", "warning")]);
    assert_eq!(json["summary"]["suppressed"], 1);
    // A key that no policy declares is a configuration error naming its line.
    let dir = project(&[
        (
            ".ekslint.toml",
            &format!("{CONFIG}[severity]\nORG101 = \"note\"\n"),
        ),
        base[0],
        base[1],
    ]);
    let out = ekslint(dir.path()).arg(".").output().expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(".ekslint.toml:4:1: [severity]: unknown rule \"ORG101\"; did you mean ORG100 (every-entry)?"),
        "{stderr}"
    );
}

#[test]
fn custom_rules_join_the_catalog() {
    let dir = project(&[
        (".ekslint.toml", CONFIG),
        ("policies/every.rego", EVERY_ENTRY),
    ]);
    let out = ekslint(dir.path()).arg("rules").output().expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0));
    let last = text.lines().last().unwrap_or_default();
    assert!(last.starts_with("ORG100  every-entry"), "{text}");
    assert!(
        last.contains("warning") && last.ends_with("Every entry"),
        "{last}"
    );

    for key in ["ORG100", "every-entry", "org100"] {
        let out = ekslint(dir.path())
            .args(["explain", key])
            .output()
            .expect("run");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.starts_with("ORG100 every-entry (warning)\n\nEvery entry\n"),
            "{text}"
        );
        assert!(text.contains("Reports every access entry."), "{text}");
        assert!(text.contains("policies/every.rego"), "{text}");
    }
    // Without the configuration, `--policy` names the policies.
    let plain = project(&[("p/every.rego", EVERY_ENTRY)]);
    let out = ekslint(plain.path())
        .args(["explain", "ORG100", "--policy", "p"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
    let out = ekslint(plain.path())
        .args(["explain", "ORG100"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn policy_test_fails_when_a_test_fails() {
    let test = r#"package ekslint.policies.all_entries_test

import data.ekslint.policies.all_entries

test_one_entry if {
	count(all_entries.warn) == 1 with input as {"entries": [{"principal_arn": {"value": "x", "known": true, "at": 0}}]}
}

test_wrong if {
	count(all_entries.warn) == 2 with input as {"entries": []}
}
"#;
    let dir = project(&[("p/every.rego", EVERY_ENTRY), ("p/every_test.rego", test)]);
    let out = ekslint(dir.path())
        .args(["policy", "test", "p"])
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("data.ekslint.policies.all_entries_test.test_one_entry: PASS\n"),
        "{text}"
    );
    assert!(
        text.contains("data.ekslint.policies.all_entries_test.test_wrong: FAIL\n"),
        "{text}"
    );
    assert!(text.ends_with("PASS: 1/2\nFAIL: 1/2\n"), "{text}");
    // A policy that does not compile: exit code 2, located.
    std::fs::write(dir.path().join("p/every.rego"), "package x\n\ny := )\n").expect("write");
    let out = ekslint(dir.path())
        .args(["policy", "test", "p"])
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(text.starts_with("error: p/every.rego:3:"), "{text}");
}

#[test]
fn the_model_document_locates_every_field() {
    let main = r#"variable "role" {
  default = "arn:aws:iam::111122223333:role/ops"
}

resource "aws_eks_cluster" "main" {
  name     = "shop"
  role_arn = var.cluster_role
}

resource "aws_eks_access_entry" "ops" {
  cluster_name  = aws_eks_cluster.main.name
  principal_arn = var.role
}
"#;
    let dir = project(&[("main.tf", main)]);
    let out = ekslint(dir.path()).arg("model").output().expect("run");
    assert_eq!(out.status.code(), Some(0));
    let again = ekslint(dir.path()).arg("model").output().expect("run");
    assert_eq!(out.stdout, again.stdout, "the document is deterministic");
    let model: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(model["version"], 1);
    let locations = model["locations"].as_array().expect("locations");
    let at = |field: &Value| -> (String, u64, u64) {
        let l = &locations[field["at"].as_u64().expect("at") as usize];
        (
            l["file"].as_str().unwrap_or_default().to_string(),
            l["line"].as_u64().unwrap_or(0),
            l["column"].as_u64().unwrap_or(0),
        )
    };
    let cluster = &model["clusters"][0];
    assert_eq!(cluster["name"]["value"], "shop");
    assert_eq!(at(&cluster["name"]), ("main.tf".into(), 6, 14));
    // The role comes from an undeclared variable: unknown, so no `value`.
    assert_eq!(cluster["role_arn"]["known"], false);
    assert!(cluster["role_arn"].get("value").is_none());
    assert_eq!(at(&cluster["role_arn"]), ("main.tf".into(), 7, 14));
    // Not written: the API's default, at the cluster's header.
    assert_eq!(cluster["authentication_mode"]["default"], true);
    assert_eq!(
        at(&cluster["authentication_mode"]),
        ("main.tf".into(), 5, 1)
    );

    let entry = &model["entries"][0];
    assert_eq!(entry["cluster"]["index"], 0);
    assert_eq!(entry["type"]["value"], "STANDARD");
    assert_eq!(
        entry["principal_arn"]["value"],
        "arn:aws:iam::111122223333:role/ops"
    );
    // Where it is used, with the variable's default as its origin.
    assert_eq!(at(&entry["principal_arn"]), ("main.tf".into(), 12, 19));
    let location = &locations[entry["principal_arn"]["at"].as_u64().unwrap_or(0) as usize];
    let origin = &location["origin"][0];
    let origin_at = &locations[origin["at"].as_u64().unwrap_or(0) as usize];
    assert_eq!(origin_at["line"], 2);
    assert_eq!(location["end_line"], 12);
    assert_eq!(location["end_column"], 27);
    assert!(origin["message"].as_str().is_some());
}

#[test]
fn a_policy_can_read_the_locations_table() {
    let policy = r#"package ekslint.policies.production

warn contains finding if {
	some entry in input.entries
	startswith(input.locations[entry.principal_arn.at].file, "prod/")
	finding := {"id": "ORG300", "message": "an entry of production", "at": entry.principal_arn.at}
}
"#;
    let dir = project(&[
        ("prod/main.tf", ENTRIES),
        ("dev/main.tf", ENTRIES),
        ("policies/production.rego", policy),
    ]);
    let (json, _) =
        json_report(ekslint(dir.path()).args(["--format", "json", "--policy", "policies", "."]));
    let custom: Vec<String> = findings(&json)
        .into_iter()
        .filter(|f| f.starts_with("ORG"))
        .collect();
    assert_eq!(
        custom,
        ["ORG300 prod/main.tf:3:19", "ORG300 prod/main.tf:8:19"]
    );
}

/// A policy that reads `input` as a whole (here by iterating over its keys) sees every field,
/// though another policy names only `input.entries`; one that names only `input.entries` cannot
/// tell the other fields are left empty.
#[test]
fn a_policy_reading_the_whole_input_sees_every_field() {
    let whole = r#"package ekslint.policies.whole

warn contains finding if {
	some key, clusters in input
	key == "clusters"
	count(clusters) == 1
	clusters[0].name.value == "shop"
	finding := {"id": "ORG301", "message": "one cluster", "at": input.entries[0].principal_arn.at}
}
"#;
    let cluster = r#"resource "aws_eks_cluster" "shop" {
  name     = "shop"
  role_arn = "arn:aws:iam::111122223333:role/eks"
  access_config {
    authentication_mode = "API"
  }
}
"#;
    let custom = |policies: &[(&str, &str)]| {
        let mut files = vec![("main.tf", ENTRIES), ("cluster.tf", cluster)];
        files.extend_from_slice(policies);
        let dir = project(&files);
        let (json, _) = json_report(
            ekslint(dir.path()).args(["--format", "json", "--policy", "policies", "."]),
        );
        let mut found: Vec<String> = findings(&json)
            .into_iter()
            .filter(|f| f.starts_with("ORG"))
            .collect();
        found.sort();
        found
    };
    assert_eq!(
        custom(&[
            ("policies/whole.rego", whole),
            ("policies/every.rego", EVERY_ENTRY)
        ]),
        [
            "ORG100 main.tf:3:19",
            "ORG100 main.tf:8:19",
            "ORG301 main.tf:3:19"
        ]
    );
    assert_eq!(
        custom(&[("policies/every.rego", EVERY_ENTRY)]),
        ["ORG100 main.tf:3:19", "ORG100 main.tf:8:19"]
    );
}

#[test]
#[cfg(unix)]
fn a_policy_outside_the_project_is_not_read() {
    let outside = project(&[("evil.rego", EVERY_ENTRY)]);
    let dir = project(&[(".ekslint.toml", CONFIG), ("main.tf", ENTRIES)]);
    std::fs::create_dir_all(dir.path().join("policies")).expect("mkdir");
    std::os::unix::fs::symlink(
        outside.path().join("evil.rego"),
        dir.path().join("policies/evil.rego"),
    )
    .expect("symlink");
    let out = ekslint(dir.path()).arg(".").output().expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("policies/evil.rego") && stderr.contains("outside the project root"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
}

/// A cluster with an EKS capability and an aws-auth ConfigMap: `mapUsers` on line 20, whose
/// `userarn` value starts at column 18; `mapAccounts` on line 24, its item at column 31; the
/// capability's role on line 10 at column 21.
const CONFIG_MAP: &str = r#"resource "aws_eks_cluster" "main" {
  name     = "shop"
  role_arn = "arn:aws:iam::111122223333:role/eks"
}

resource "aws_eks_capability" "argocd" {
  cluster_name    = aws_eks_cluster.main.name
  capability_name = "argocd"
  type            = "ARGOCD"
  role_arn        = "arn:aws:iam::111122223333:role/argocd"
}

resource "kubernetes_config_map_v1" "aws_auth" {
  metadata {
    name      = "aws-auth"
    namespace = "kube-system"
  }
  data = {
    mapUsers = yamlencode([{
      userarn  = "arn:aws:iam::444455556666:user/alice"
      username = "alice"
      groups   = ["system:masters"]
    }])
    mapAccounts = yamlencode(["777788889999"])
  }
}
"#;

#[test]
fn the_model_has_units_config_map_mappings_and_capabilities() {
    let dir = project(&[("main.tf", CONFIG_MAP)]);
    let out = ekslint(dir.path()).arg("model").output().expect("run");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let model: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let locations = model["locations"].as_array().expect("locations");
    let at = |field: &Value| -> (u64, u64) {
        let l = &locations[field["at"].as_u64().expect("at") as usize];
        (
            l["line"].as_u64().unwrap_or(0),
            l["column"].as_u64().unwrap_or(0),
        )
    };
    // One Terraform root module: one unit, that every object names.
    assert_eq!(model["units"], serde_json::json!([{"kind": "terraform"}]));
    assert_eq!(model["clusters"][0]["unit"], 0);

    let mappings = model["mappings"].as_array().expect("mappings");
    assert_eq!(mappings.len(), 2, "{mappings:#?}");
    let user = mappings
        .iter()
        .find(|m| m["kind"] == "user")
        .expect("the mapUsers item");
    assert_eq!(user["unit"], 0);
    // A ConfigMap names no cluster: it belongs to the only cluster of its unit.
    assert_eq!(user["cluster"], serde_json::json!({"index": 0}));
    assert_eq!(user["arn"]["value"], "arn:aws:iam::444455556666:user/alice");
    assert_eq!(at(&user["arn"]), (20, 18));
    assert_eq!(user["username"]["value"], "alice");
    assert_eq!(user["groups"]["value"][0]["value"], "system:masters");
    let account = mappings
        .iter()
        .find(|m| m["kind"] == "account")
        .expect("the mapAccounts item");
    assert_eq!(account["account"]["value"], "777788889999");
    assert_eq!(at(&account["account"]), (24, 31));

    let capability = &model["capabilities"][0];
    assert_eq!(capability["unit"], 0);
    assert_eq!(capability["cluster"]["index"], 0);
    assert_eq!(
        capability["role_arn"]["value"],
        "arn:aws:iam::111122223333:role/argocd"
    );
    assert_eq!(at(&capability["role_arn"]), (10, 21));
    assert_eq!(at(capability), (6, 1));
}

#[test]
fn policies_read_config_map_mappings_and_capabilities() {
    let policy = r#"package ekslint.policies.config_map

deny contains finding if {
	some m in input.mappings
	m.kind == "user"
	some g in m.groups.value
	g.value == "system:masters"
	finding := {"id": "ORG400", "message": "an IAM user in system:masters", "at": m.arn.at}
}

warn contains finding if {
	some c in input.capabilities
	cluster := input.clusters[c.cluster.index]
	finding := {"id": "ORG401", "message": sprintf("a capability of %s", [cluster.name.value]), "at": c.role_arn.at}
}
"#;
    let dir = project(&[
        (".ekslint.toml", CONFIG),
        ("main.tf", CONFIG_MAP),
        ("policies/config_map.rego", policy),
    ]);
    let (json, code) = json_report(ekslint(dir.path()).args(["--format", "json", "."]));
    assert_eq!(code, Some(1), "{json}");
    let custom: Vec<String> = findings(&json)
        .into_iter()
        .filter(|f| f.starts_with("ORG"))
        .collect();
    assert_eq!(custom, ["ORG400 main.tf:20:18", "ORG401 main.tf:10:21"]);
}
