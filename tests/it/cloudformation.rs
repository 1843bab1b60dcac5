//! CloudFormation end to end: one mistake in three formats, parameter values from outside the
//! template, and hostile YAML that must fail fast.

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/cloudformation")
        .join(path)
}

/// Runs `ekslint --format json` with `args` and returns the report.
fn lint(args: &[&str]) -> Value {
    let output = Command::cargo_bin("ekslint")
        .unwrap()
        .args(["--format", "json", "--fail-on", "never"])
        .args(args)
        .output()
        .unwrap();
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "output is not JSON ({e}); stderr: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

/// The rule ids of a report's findings, sorted.
fn rules(report: &Value) -> Vec<String> {
    let mut out: Vec<String> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap().to_string())
        .collect();
    out.sort();
    out
}

#[test]
fn one_mistake_in_three_formats() {
    let dir = tempfile::tempdir().unwrap();
    let tf = dir.path().join("main.tf");
    std::fs::write(
        &tf,
        r#"resource "aws_eks_access_entry" "dev" {
  cluster_name  = "tf-same-mistake"
  principal_arn = "arn:aws:iam::111122223333:role/dev"
  type          = "Standard"
}
"#,
    )
    .unwrap();
    let eksctl = dir.path().join("cluster.yaml");
    std::fs::write(
        &eksctl,
        "apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata:
  name: ekc-same-mistake
  region: us-west-2
accessConfig:
  authenticationMode: API
  bootstrapClusterCreatorAdminPermissions: false
  accessEntries:
    - principalARN: arn:aws:iam::111122223333:role/dev
      type: Standard
",
    )
    .unwrap();
    let cfn = fixture("same-mistake/template.yaml");
    for file in [&tf, &cfn, &eksctl] {
        let report = lint(&[file.to_str().unwrap()]);
        assert_eq!(rules(&report), ["EKS105"], "{}: {report}", file.display());
    }
}

#[test]
fn parameter_values_override_defaults() {
    let template = fixture("intrinsics/parameter-default-type/template.yaml");
    let template = template.to_str().unwrap();

    // The default "Standard" is reported where it is used, with the default as secondary.
    let report = lint(&[template]);
    assert_eq!(rules(&report), ["EKS105"]);
    let related = &report["diagnostics"][0]["related"][0];
    assert_eq!(
        related["message"],
        "from the default of parameter `EntryType`"
    );
    assert_eq!(related["span"]["start"]["line"], 5);

    let dir = tempfile::tempdir().unwrap();
    let cli_shape = dir.path().join("cli.json");
    std::fs::write(
        &cli_shape,
        r#"[{"ParameterKey": "EntryType", "ParameterValue": "STANDARD"}]"#,
    )
    .unwrap();
    let pipeline_shape = dir.path().join("pipeline.json");
    std::fs::write(
        &pipeline_shape,
        r#"{"Parameters": {"EntryType": "EC2_LINUX"}}"#,
    )
    .unwrap();
    let config = dir.path().join("ekslint.toml");
    std::fs::write(
        &config,
        "[cloudformation]\nparameters = { EntryType = \"bogus\" }\n",
    )
    .unwrap();
    let cli_file = cli_shape.to_str().unwrap();
    let pipeline_file = pipeline_shape.to_str().unwrap();
    let config = config.to_str().unwrap();

    assert!(rules(&lint(&["--parameter", "EntryType=STANDARD", template])).is_empty());
    assert!(rules(&lint(&["--parameter-file", cli_file, template])).is_empty());
    assert!(rules(&lint(&["--parameter-file", pipeline_file, template])).is_empty());
    // A given value has no default to point at.
    let report = lint(&["--config", config, template]);
    assert_eq!(rules(&report), ["EKS105"]);
    assert_eq!(report["diagnostics"][0]["related"], serde_json::json!([]));
    // --parameter over parameter files over the configuration.
    let report = lint(&["--config", config, "--parameter-file", cli_file, template]);
    assert!(rules(&report).is_empty());
    let args = [
        "--parameter-file",
        cli_file,
        "--parameter",
        "EntryType=Standard",
        template,
    ];
    assert_eq!(rules(&lint(&args)), ["EKS105"]);

    let status = Command::cargo_bin("ekslint")
        .unwrap()
        .args(["--parameter", "novalue", template])
        .output()
        .unwrap()
        .status;
    assert_eq!(status.code(), Some(2));
}

#[test]
/// Hostile files end in a parse error (their time is measured by `cargo bench`).
fn hostile_yaml_ends_in_a_parse_error() {
    for case in [
        "bad-billion-laughs-yaml/template.yaml",
        "bad-deep-nesting-yaml/template.yaml",
        "bad-deep-nesting-json/template.json",
    ] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/invalid/cloudformation/EKS000-parse-error")
            .join(case);
        let report = lint(&[path.to_str().unwrap()]);
        assert_eq!(rules(&report), ["EKS000"], "{case}");
    }
}
