//! The SARIF the binary writes meets GitHub code scanning's ingestion rules, and its
//! fingerprints survive unrelated edits above a finding. GitHub itself cannot be reached here:
//! these are the documented limits ("SARIF results exceed limits", "SARIF support for code
//! scanning") checked on real output.

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

fn sarif(dir: &Path, args: &[&str]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_ekslint"))
        .current_dir(dir)
        .args(["--format", "sarif"])
        .args(args)
        .output()
        .expect("run ekslint");
    assert!(matches!(out.status.code(), Some(0..=2)), "{:?}", out.status);
    serde_json::from_slice(&out.stdout).expect("SARIF is JSON")
}

fn array<'a>(v: &'a Value, what: &str) -> &'a Vec<Value> {
    v.as_array()
        .unwrap_or_else(|| panic!("{what} is not an array"))
}

/// A location's file is relative to `%SRCROOT%` (the checkout), so code scanning can find it.
fn assert_relative(location: &Value) {
    let artifact = &location["physicalLocation"]["artifactLocation"];
    let uri = artifact["uri"].as_str().expect("uri");
    assert!(
        !uri.starts_with('/') && !uri.contains("://") && !uri.contains(".."),
        "{uri}"
    );
    assert_eq!(artifact["uriBaseId"], "%SRCROOT%", "{location}");
}

#[test]
fn fixture_sarif_meets_github_ingestion_limits() {
    let log = sarif(Path::new(env!("CARGO_MANIFEST_DIR")), &["fixtures"]);
    let runs = array(&log["runs"], "runs");
    assert_eq!(runs.len(), 1, "one run (GitHub allows 20, combines none)");
    let run = &runs[0];
    let rules = array(&run["tool"]["driver"]["rules"], "rules");
    let results = array(&run["results"], "results");
    assert!(!results.is_empty());
    assert!(results.len() <= 25_000);
    assert!(rules.len() <= 1_000);
    let ids: Vec<&str> = rules.iter().filter_map(|r| r["id"].as_str()).collect();
    assert_eq!(ids.len(), rules.len());
    assert_eq!(
        ids.iter().collect::<BTreeSet<_>>().len(),
        ids.len(),
        "unique rule ids"
    );

    for rule in rules {
        let id = rule["id"].as_str().unwrap_or_default();
        let tags = rule["properties"]["tags"].as_array().map_or(0, Vec::len);
        assert!(tags <= 20, "{id}: at most 20 tags");
        if id.starts_with("EKS4") {
            let score = rule["properties"]["security-severity"]
                .as_str()
                .and_then(|s| s.parse::<f64>().ok())
                .unwrap_or_else(|| panic!("{id}: security-severity"));
            assert!((0.0..=10.0).contains(&score), "{id}: {score}");
            assert!(
                rule["properties"]["tags"]
                    .as_array()
                    .is_some_and(|t| t.iter().any(|t| t == "security")),
                "{id}: security tag"
            );
        }
    }
    for result in results {
        let index = result["ruleIndex"].as_u64().expect("ruleIndex");
        let rule = &rules[usize::try_from(index).expect("index")];
        assert_eq!(rule["id"], result["ruleId"]);
        let locations = array(&result["locations"], "locations");
        assert_eq!(locations.len(), 1);
        locations.iter().for_each(assert_relative);
        if let Some(related) = result["relatedLocations"].as_array() {
            assert!(related.len() <= 1_000);
            related.iter().for_each(assert_relative);
        }
        assert!(
            result["partialFingerprints"]
                .as_object()
                .is_some_and(|f| !f.is_empty()),
            "{result}"
        );
    }
}

const MAIN: &str = r#"resource "aws_eks_access_entry" "ops" {
  cluster_name      = "prod"
  principal_arn     = "arn:aws:iam::111122223333:role/ops"
  kubernetes_groups = ["system:masters"]
  type              = "standard"
}

resource "aws_eks_access_entry" "ops_again" {
  cluster_name  = "prod"
  principal_arn = "arn:aws:iam::111122223333:role/ops"
}
"#;

/// `(ruleId, startLine, fingerprints)` of every result.
fn fingerprints(log: &Value) -> Vec<(String, u64, Value)> {
    array(&log["runs"][0]["results"], "results")
        .iter()
        .map(|r| {
            (
                r["ruleId"].as_str().unwrap_or_default().to_string(),
                r["locations"][0]["physicalLocation"]["region"]["startLine"]
                    .as_u64()
                    .unwrap_or_default(),
                r["partialFingerprints"].clone(),
            )
        })
        .collect()
}

#[test]
fn fingerprints_survive_lines_inserted_above() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("main.tf");
    std::fs::write(&file, MAIN).expect("write");
    let before = fingerprints(&sarif(dir.path(), &["main.tf"]));
    assert!(before.len() >= 3, "{before:?}");

    // Three comment lines at the top: every finding moves down 3 lines, no fingerprint changes.
    std::fs::write(&file, format!("# one\n# two\n# three\n{MAIN}")).expect("write");
    let after = fingerprints(&sarif(dir.path(), &["main.tf"]));
    assert_eq!(after.len(), before.len());
    for (b, a) in before.iter().zip(&after) {
        assert_eq!(a.0, b.0);
        assert_eq!(a.1, b.1 + 3, "{a:?} moved down");
        assert_eq!(a.2, b.2, "{} fingerprint changed", a.0);
    }

    // Lines inserted between the two resources move only the second one.
    let (first, second) = MAIN.split_at(MAIN.find("\nresource").expect("two resources"));
    std::fs::write(&file, format!("{first}\n# a\n# b\n# c{second}")).expect("write");
    let middle = fingerprints(&sarif(dir.path(), &["main.tf"]));
    let strip = |v: &[(String, u64, Value)]| -> Vec<(String, Value)> {
        v.iter().map(|(r, _, f)| (r.clone(), f.clone())).collect()
    };
    assert_eq!(strip(&middle), strip(&before));
    assert_ne!(
        middle.iter().map(|m| m.1).collect::<Vec<_>>(),
        before.iter().map(|b| b.1).collect::<Vec<_>>()
    );
}

/// The primary URIs of the results, in order.
fn uris(log: &Value) -> Vec<String> {
    array(&log["runs"][0]["results"], "results")
        .iter()
        .map(|r| {
            let artifact = &r["locations"][0]["physicalLocation"]["artifactLocation"];
            match artifact["uriBaseId"].as_str() {
                Some(base) => format!("{base}/{}", artifact["uri"].as_str().unwrap_or_default()),
                None => artifact["uri"].as_str().unwrap_or_default().to_string(),
            }
        })
        .collect()
}

const IAM_USER: &str = r#"resource "aws_eks_access_entry" "bob" {
  cluster_name  = "prod"
  principal_arn = "arn:aws:iam::111122223333:user/bob"
}
"#;

#[test]
fn uris_are_relative_to_the_repository_root_wherever_ekslint_runs() {
    let repo = tempfile::tempdir().expect("tempdir");
    let root = repo.path();
    std::fs::create_dir(root.join(".git")).expect("mkdir");
    // A different user in each file: one EKS404 each, and no duplicate across files.
    for (dir, user) in [("infra/eks", "ann"), ("modules/users", "ben")] {
        std::fs::create_dir_all(root.join(dir)).expect("mkdir");
        std::fs::write(
            root.join(dir).join("main.tf"),
            IAM_USER.replace("bob", user),
        )
        .expect("write");
    }
    let outside = tempfile::tempdir().expect("tempdir");
    std::fs::write(outside.path().join("main.tf"), IAM_USER).expect("write");
    let outside_file = outside.path().join("main.tf");

    // From a subdirectory, a path below it and a path through `..` are both under the root;
    // a file outside the repository is an absolute file URI.
    let from_infra = sarif(
        &root.join("infra"),
        &[
            "eks",
            "../modules/users/main.tf",
            outside_file.to_str().expect("UTF-8"),
        ],
    );
    let got = uris(&from_infra);
    assert!(
        got.contains(&"%SRCROOT%/infra/eks/main.tf".to_string()),
        "{got:?}"
    );
    assert!(
        got.contains(&"%SRCROOT%/modules/users/main.tf".to_string()),
        "{got:?}"
    );
    let outside_uri = got
        .iter()
        .find(|u| u.starts_with("file:///"))
        .unwrap_or_else(|| panic!("no file URI in {got:?}"));
    assert!(
        outside_uri.ends_with("/main.tf") && !outside_uri.contains(".."),
        "{outside_uri}"
    );

    // From the root the same files have the same URIs and the same fingerprints.
    let from_root = sarif(root, &["infra/eks", "modules/users"]);
    let rooted: Vec<String> = uris(&from_root);
    for uri in &rooted {
        assert!(got.contains(uri), "{uri} not in {got:?}");
    }
    let prints = |log: &Value| -> BTreeSet<String> {
        array(&log["runs"][0]["results"], "results")
            .iter()
            .filter(|r| {
                r["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"].is_string()
            })
            .map(|r| r["partialFingerprints"].to_string())
            .collect()
    };
    assert_eq!(prints(&from_infra), prints(&from_root));
}

#[test]
fn annotations_name_files_relative_to_the_repository_root() {
    let repo = tempfile::tempdir().expect("tempdir");
    let root = repo.path();
    std::fs::create_dir(root.join(".git")).expect("mkdir");
    std::fs::create_dir_all(root.join("infra/eks")).expect("mkdir");
    std::fs::write(root.join("infra/eks/main.tf"), IAM_USER).expect("write");
    // The Action may run ekslint in a subdirectory (`working-directory`); the runner resolves
    // `file=` against the repository root.
    let out = Command::new(env!("CARGO_BIN_EXE_ekslint"))
        .current_dir(root.join("infra"))
        .args(["--format", "github", "eks"])
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with("::warning file=infra/eks/main.tf,line=3,"),
        "{text}"
    );
}
