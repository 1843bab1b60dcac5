//! `action.yml`, the composite GitHub Action. GitHub itself cannot run here, so the action is
//! read with the crate's own YAML parser and checked for its inputs, outputs and steps, and its
//! `run` scripts are executed with bash the way the runner executes them
//! (`bash --noprofile --norc -eo pipefail`), with the `env` of each step evaluated from the
//! inputs and the outputs earlier steps wrote to `GITHUB_OUTPUT`. The steps that `uses` another
//! action (cache, upload) and the cargo build (the binary under test stands in for it) are not run.

use ekslint::parse::tree::{Node, NodeKind, parse_yaml};
use ekslint::source::FileId;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

fn action() -> Node {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("action.yml");
    let text = std::fs::read_to_string(&path).expect("read action.yml");
    let mut docs = parse_yaml(FileId(0), &text).expect("action.yml is YAML");
    assert_eq!(docs.len(), 1);
    docs.remove(0)
}

fn str_at<'a>(node: &'a Node, path: &[&str]) -> Option<&'a str> {
    path.iter()
        .try_fold(node, |n, key| n.get(key))
        .and_then(Node::as_str)
}

fn steps(action: &Node) -> Vec<Node> {
    match action
        .get("runs")
        .and_then(|r| r.get("steps"))
        .map(|s| &s.kind)
    {
        Some(NodeKind::Seq(steps)) => steps.clone(),
        other => panic!("runs.steps is not a list: {other:?}"),
    }
}

fn step<'a>(steps: &'a [Node], id: &str) -> &'a Node {
    steps
        .iter()
        .find(|s| str_at(s, &["id"]) == Some(id))
        .unwrap_or_else(|| panic!("no step with id {id}"))
}

#[test]
fn inputs_outputs_and_steps_are_declared() {
    let action = action();
    assert_eq!(str_at(&action, &["runs", "using"]), Some("composite"));
    for (input, default) in [
        ("paths", "."),
        ("fail-on", "error"),
        ("config", ""),
        ("upload-sarif", "true"),
    ] {
        assert_eq!(
            str_at(&action, &["inputs", input, "default"]),
            Some(default),
            "input {input}"
        );
        assert!(str_at(&action, &["inputs", input, "description"]).is_some());
    }
    assert_eq!(
        str_at(&action, &["outputs", "sarif-file", "value"]),
        Some("${{ steps.lint.outputs.sarif-file }}")
    );
    assert_eq!(
        str_at(&action, &["outputs", "findings", "value"]),
        Some("${{ steps.count.outputs.findings }}")
    );

    let steps = steps(&action);
    for s in &steps {
        if let Some(script) = str_at(s, &["run"]) {
            assert_eq!(str_at(s, &["shell"]), Some("bash"), "{script}");
            // Inputs reach scripts through `env` only: no expression can inject shell code.
            assert!(!script.contains("${{"), "expression in a script: {script}");
        }
    }
    let cache = step(&steps, "cache");
    assert_eq!(str_at(cache, &["uses"]), Some("actions/cache@v4"));
    assert_eq!(
        str_at(cache, &["with", "key"]),
        Some("${{ steps.key.outputs.key }}")
    );
    let build = step(&steps, "build");
    assert_eq!(
        str_at(build, &["if"]),
        Some("steps.cache.outputs.cache-hit != 'true'")
    );
    assert!(
        str_at(build, &["run"])
            .is_some_and(|s| s.contains("cargo install --path \"$ACTION_PATH\" --locked"))
    );
    let upload = step(&steps, "upload");
    assert_eq!(
        str_at(upload, &["uses"]),
        Some("github/codeql-action/upload-sarif@v3")
    );
    assert!(str_at(upload, &["if"]).is_some_and(|c| c.contains("inputs.upload-sarif == 'true'")));
    assert_eq!(
        str_at(upload, &["with", "sarif_file"]),
        Some("${{ steps.lint.outputs.sarif-file }}")
    );
    // The step that fails the job comes after the upload, so findings are uploaded first.
    let position = |id: &str| steps.iter().position(|s| str_at(s, &["id"]) == Some(id));
    assert!(position("upload") < position("result"));
}

/// The outcome of running the action's scripts.
struct Run {
    outputs: BTreeMap<String, BTreeMap<String, String>>,
    /// The exit code of the last step.
    result: Option<i32>,
}

/// Evaluates the `${{ }}` expressions the action's `env` blocks use.
fn evaluate(
    value: &str,
    inputs: &BTreeMap<String, String>,
    outputs: &BTreeMap<String, BTreeMap<String, String>>,
) -> String {
    let mut out = String::new();
    let mut rest = value;
    while let Some(start) = rest.find("${{") {
        out.push_str(&rest[..start]);
        let end = rest[start..].find("}}").expect("closed expression") + start;
        let expr = rest[start + 3..end].trim();
        let parts: Vec<&str> = expr.split('.').collect();
        out.push_str(&match parts.as_slice() {
            ["inputs", name] => inputs[*name].clone(),
            ["steps", id, "outputs", name] => outputs
                .get(*id)
                .and_then(|o| o.get(*name))
                .cloned()
                .unwrap_or_default(),
            ["github", "action_path"] => env!("CARGO_MANIFEST_DIR").to_string(),
            _ => panic!("unexpected expression {expr}"),
        });
        rest = &rest[end + 2..];
    }
    out.push_str(rest);
    out
}

/// Runs the action's scripts in `workspace` with the given inputs (the others at their defaults).
fn run_action(workspace: &Path, given: &[(&str, &str)]) -> Run {
    let action = action();
    let mut inputs: BTreeMap<String, String> = action
        .get("inputs")
        .map(|i| i.entries())
        .unwrap_or_default()
        .iter()
        .map(|(k, v)| {
            let default = v.get("default").and_then(Node::as_str).unwrap_or("");
            (k.name.clone(), default.to_string())
        })
        .collect();
    for (k, v) in given {
        assert!(inputs.contains_key(*k), "no input {k}");
        inputs.insert((*k).to_string(), (*v).to_string());
    }
    let temp = tempfile::tempdir().expect("tempdir");
    let mut outputs: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let mut result = None;
    for s in steps(&action) {
        let id = str_at(&s, &["id"])
            .expect("every step has an id")
            .to_string();
        let Some(script) = str_at(&s, &["run"]) else {
            continue;
        };
        if id == "build" {
            continue;
        }
        let output_file = temp.path().join(format!("output-{id}"));
        std::fs::write(&output_file, "").expect("write");
        let script_file = temp.path().join(format!("{id}.sh"));
        std::fs::write(&script_file, script).expect("write");
        let mut cmd = Command::new("bash");
        cmd.args(["--noprofile", "--norc", "-eo", "pipefail"])
            .arg(&script_file)
            .current_dir(workspace)
            .env("GITHUB_OUTPUT", &output_file)
            .env("RUNNER_TEMP", temp.path())
            .env("RUNNER_OS", "Linux")
            .env("RUNNER_ARCH", "X64");
        for (key, value) in s.get("env").map(|e| e.entries()).unwrap_or_default() {
            let value = value.as_str().expect("string env value");
            cmd.env(&key.name, evaluate(value, &inputs, &outputs));
        }
        let out = cmd.output().expect("run bash");
        let written = std::fs::read_to_string(&output_file).expect("read outputs");
        let mut step_outputs: BTreeMap<String, String> = written
            .lines()
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        if id == "key" {
            assert!(out.status.success(), "{out:?}");
            // The binary under test stands in for the one the build step installs.
            assert!(step_outputs["bin"].ends_with("/bin/ekslint"));
            step_outputs.insert("bin".into(), env!("CARGO_BIN_EXE_ekslint").into());
        }
        outputs.insert(id.clone(), step_outputs);
        result = out.status.code();
        if id != "result" {
            assert!(out.status.success(), "step {id} failed: {out:?}");
        }
    }
    // The SARIF file lives in RUNNER_TEMP: read it before the directory goes.
    if let Some(sarif) = outputs.get("lint").and_then(|o| o.get("sarif-file")) {
        let text = std::fs::read_to_string(sarif).expect("the SARIF file exists");
        outputs
            .entry("test".into())
            .or_default()
            .insert("sarif".into(), text);
    }
    Run { outputs, result }
}

const ENTRIES: &str = r#"resource "aws_eks_access_entry" "ops" {
  cluster_name      = "prod"
  principal_arn     = "arn:aws:iam::111122223333:role/ops"
  kubernetes_groups = ["system:masters"]
}

resource "aws_eks_access_entry" "bob" {
  cluster_name  = "prod"
  principal_arn = "arn:aws:iam::111122223333:user/bob"
}

# ekslint:ignore EKS404 -- break-glass user
resource "aws_eks_access_entry" "alice" {
  cluster_name  = "prod"
  principal_arn = "arn:aws:iam::111122223333:user/alice"
}
"#;

fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join("infra/eks")).expect("mkdir");
    std::fs::create_dir_all(dir.path().join("more")).expect("mkdir");
    std::fs::write(dir.path().join("infra/eks/main.tf"), ENTRIES).expect("write");
    std::fs::write(
        dir.path().join("more/user.tf"),
        ENTRIES
            .replace("user/bob", "user/carol")
            .replace("\"prod\"", "\"dev\""),
    )
    .expect("write");
    dir
}

/// Unsuppressed results, counted in Rust.
fn unsuppressed(sarif: &str) -> usize {
    let log: serde_json::Value = serde_json::from_str(sarif).expect("SARIF is JSON");
    log["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter(|r| r.get("suppressions").is_none())
        .count()
}

#[test]
fn scripts_lint_count_and_fail_like_the_runner_would() {
    let found_jq = Command::new("jq").arg("--version").output().is_ok();
    assert!(found_jq, "jq is needed (GitHub's runners have it)");
    let ws = workspace();

    // Default inputs: the whole workspace, failing on errors (EKS125 is one).
    let run = run_action(ws.path(), &[]);
    assert_eq!(run.outputs["lint"]["exit-code"], "1");
    let sarif = &run.outputs["test"]["sarif"];
    let count = unsuppressed(sarif);
    // Per file: EKS125 and EKS404 for bob; alice's EKS404 is suppressed.
    assert_eq!(count, 4, "{sarif}");
    assert_eq!(run.outputs["count"]["findings"], count.to_string());
    assert!(sarif.contains("\"uri\": \"infra/eks/main.tf\""), "{sarif}");
    assert_eq!(run.result, Some(1));

    // Several paths on separate lines; nothing fails with fail-on never.
    let run = run_action(
        ws.path(),
        &[("paths", "infra/eks\nmore/user.tf\n"), ("fail-on", "never")],
    );
    assert_eq!(run.outputs["lint"]["exit-code"], "0");
    assert_eq!(run.outputs["count"]["findings"], "4");
    assert_eq!(run.result, Some(0));

    // A configuration input is passed on; a wrong one fails the step, with no SARIF file.
    std::fs::write(ws.path().join("ci.toml"), "ignore = [\"EKS125\"]\n").expect("write");
    let run = run_action(ws.path(), &[("config", "ci.toml"), ("fail-on", "warning")]);
    assert_eq!(run.outputs["count"]["findings"], "2");
    assert_eq!(run.result, Some(1));
    let run = run_action(ws.path(), &[("config", "missing.toml")]);
    assert_eq!(run.outputs["lint"]["exit-code"], "2");
    assert!(!run.outputs["lint"].contains_key("sarif-file"));
    assert!(!run.outputs["count"].contains_key("findings"));
    assert_eq!(run.result, Some(2));
}
