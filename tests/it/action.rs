//! `action.yml`, the composite GitHub Action. GitHub itself cannot run here, so the action is
//! read with the crate's own YAML parser and run step by step the way the runner runs it: each
//! step's `if` is evaluated, its `env` is evaluated from the inputs, the `github` context and
//! the outputs earlier steps wrote to `GITHUB_OUTPUT`, and its `run` script is executed with
//! bash (`bash --noprofile --norc -eo pipefail`). A step that `uses` another action (cache
//! restore and save, the SARIF upload) is not run: the run records whether it would have run and
//! with what. The cargo build is not run either: the binary under test stands in for the one it
//! installs.

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
        ("fail-on", ""),
        ("config", ""),
        ("upload-sarif", "auto"),
        ("category", "ekslint"),
    ] {
        assert_eq!(
            str_at(&action, &["inputs", input, "default"]),
            Some(default),
            "input {input}"
        );
        assert!(str_at(&action, &["inputs", input, "description"]).is_some());
    }
    for (output, value) in [
        ("sarif-file", "${{ steps.lint.outputs.sarif-file }}"),
        ("findings", "${{ steps.count.outputs.findings }}"),
        ("uploaded", "${{ steps.decide.outputs.upload }}"),
    ] {
        assert_eq!(
            str_at(&action, &["outputs", output, "value"]),
            Some(value),
            "{output}"
        );
    }

    let steps = steps(&action);
    for s in &steps {
        if let Some(script) = str_at(s, &["run"]) {
            assert_eq!(str_at(s, &["shell"]), Some("bash"), "{script}");
            // Inputs reach scripts through `env` only: no expression can inject shell code.
            assert!(!script.contains("${{"), "expression in a script: {script}");
        }
    }
    // The current major versions of the actions used; the cache is restored and saved by
    // separate steps (the combined actions/cache saves only when the job succeeds).
    let uses: Vec<&str> = steps.iter().filter_map(|s| str_at(s, &["uses"])).collect();
    assert_eq!(
        uses,
        [
            "actions/cache/restore@v6",
            "actions/cache/save@v6",
            "github/codeql-action/upload-sarif@v4"
        ]
    );
    let build = str_at(step(&steps, "build"), &["run"]).expect("build script");
    assert!(build.contains("cargo install --locked --path \"$ACTION_PATH\""));
}

/// A step that `uses` another action and would have run, with its evaluated `with`.
#[derive(Debug)]
struct Used {
    id: String,
    uses: String,
    with: BTreeMap<String, String>,
}

/// The outcome of running the action.
#[derive(Debug)]
struct Run {
    outputs: BTreeMap<String, BTreeMap<String, String>>,
    /// The ids of the steps that ran (or would have run), in order.
    ran: Vec<String>,
    used: Vec<Used>,
    /// Each script's standard output, where workflow commands (annotations) go.
    stdout: BTreeMap<String, String>,
    /// The exit code of the last script that ran.
    result: Option<i32>,
    /// The SARIF file's text, read before the runner's temporary directory goes.
    sarif: Option<String>,
}

impl Run {
    fn used(&self, id: &str) -> Option<&Used> {
        self.used.iter().find(|u| u.id == id)
    }

    fn output(&self, step: &str, name: &str) -> Option<&str> {
        self.outputs
            .get(step)
            .and_then(|o| o.get(name))
            .map(String::as_str)
    }

    /// The `::error`/`::warning`/`::notice` commands with a `file=` the lint step printed.
    fn annotations(&self) -> Vec<&str> {
        self.stdout
            .get("lint")
            .map(|s| s.lines().filter(|l| l.contains(" file=")).collect())
            .unwrap_or_default()
    }
}

/// What the runner knows besides the inputs.
struct Context {
    inputs: BTreeMap<String, String>,
    /// `github.*` values by their dotted path.
    github: BTreeMap<&'static str, String>,
    cache_hit: bool,
}

/// A push to the repository's default branch, with the binary cache empty.
fn push_event() -> BTreeMap<&'static str, String> {
    BTreeMap::from([
        ("event_name", "push".to_string()),
        ("repository", "acme/infra".to_string()),
        ("actor", "alice".to_string()),
        ("event.pull_request.head.repo.full_name", String::new()),
        ("action_path", env!("CARGO_MANIFEST_DIR").to_string()),
    ])
}

/// A pull request from `head`, opened by `actor`.
fn pull_request(head: &str, actor: &str) -> BTreeMap<&'static str, String> {
    let mut github = push_event();
    github.insert("event_name", "pull_request".into());
    github.insert("event.pull_request.head.repo.full_name", head.into());
    github.insert("actor", actor.into());
    github
}

impl Context {
    fn value(&self, path: &str, outputs: &BTreeMap<String, BTreeMap<String, String>>) -> String {
        if let Some(name) = path.strip_prefix("inputs.") {
            return self.inputs[name].clone();
        }
        if let Some(rest) = path.strip_prefix("github.") {
            return self
                .github
                .get(rest)
                .cloned()
                .unwrap_or_else(|| panic!("no github.{rest} in the test context"));
        }
        let parts: Vec<&str> = path.split('.').collect();
        match parts.as_slice() {
            ["steps", id, "outputs", name] => outputs
                .get(*id)
                .and_then(|o| o.get(*name))
                .cloned()
                .unwrap_or_default(),
            _ => panic!("unexpected expression {path}"),
        }
    }

    /// Replaces each `${{ path }}` in `value`.
    fn evaluate(
        &self,
        value: &str,
        outputs: &BTreeMap<String, BTreeMap<String, String>>,
    ) -> String {
        let mut out = String::new();
        let mut rest = value;
        while let Some(start) = rest.find("${{") {
            out.push_str(&rest[..start]);
            let end = rest[start..].find("}}").expect("closed expression") + start;
            out.push_str(&self.value(rest[start + 3..end].trim(), outputs));
            rest = &rest[end + 2..];
        }
        out.push_str(rest);
        out
    }

    /// Evaluates an `if`: comparisons of a context value with a quoted string, joined by `&&`
    /// and `||` (the only forms the action uses; anything else fails the test).
    fn condition(&self, expr: &str, outputs: &BTreeMap<String, BTreeMap<String, String>>) -> bool {
        let operand = |s: &str| -> String {
            let s = s.trim();
            match s.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')) {
                Some(literal) => literal.to_string(),
                None => self.value(s, outputs),
            }
        };
        expr.split("||").any(|all| {
            all.split("&&").all(|cmp| {
                if let Some((a, b)) = cmp.split_once("!=") {
                    operand(a) != operand(b)
                } else if let Some((a, b)) = cmp.split_once("==") {
                    operand(a) == operand(b)
                } else {
                    panic!("unsupported condition {cmp:?} in {expr:?}")
                }
            })
        })
    }
}

/// Runs the action in `workspace` with the given inputs (the others at their defaults).
fn run_action(
    workspace: &Path,
    given: &[(&str, &str)],
    github: BTreeMap<&'static str, String>,
    cache_hit: bool,
) -> Run {
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
    let context = Context {
        inputs,
        github,
        cache_hit,
    };
    let temp = tempfile::tempdir().expect("tempdir");
    let home = temp.path().join("home");
    std::fs::create_dir(&home).expect("mkdir");
    let mut run = Run {
        outputs: BTreeMap::new(),
        ran: Vec::new(),
        used: Vec::new(),
        stdout: BTreeMap::new(),
        result: None,
        sarif: None,
    };
    for s in steps(&action) {
        let id = str_at(&s, &["id"])
            .expect("every step has an id")
            .to_string();
        if let Some(expr) = str_at(&s, &["if"])
            && !context.condition(expr, &run.outputs)
        {
            continue;
        }
        run.ran.push(id.clone());
        if let Some(uses) = str_at(&s, &["uses"]) {
            let with = s
                .get("with")
                .map(|w| w.entries())
                .unwrap_or_default()
                .iter()
                .map(|(k, v)| {
                    let v = v.as_str().expect("string `with` value");
                    (k.name.clone(), context.evaluate(v, &run.outputs))
                })
                .collect();
            if uses.starts_with("actions/cache/restore@") {
                let hit = if context.cache_hit { "true" } else { "false" };
                run.outputs.insert(
                    id.clone(),
                    BTreeMap::from([("cache-hit".into(), hit.into())]),
                );
            }
            run.used.push(Used {
                id,
                uses: uses.to_string(),
                with,
            });
            continue;
        }
        let script = str_at(&s, &["run"]).expect("a step runs a script or uses an action");
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
            .env("HOME", &home)
            .env("GITHUB_OUTPUT", &output_file)
            .env("RUNNER_TEMP", temp.path())
            .env("RUNNER_OS", "Linux")
            .env("RUNNER_ARCH", "X64");
        for (key, value) in s.get("env").map(|e| e.entries()).unwrap_or_default() {
            let value = value.as_str().expect("string env value");
            cmd.env(&key.name, context.evaluate(value, &run.outputs));
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
        run.outputs.insert(id.clone(), step_outputs);
        run.stdout.insert(
            id.clone(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        );
        run.result = out.status.code();
        if !out.status.success() {
            // A failed step ends the job: later steps (all `if: success()`) are skipped.
            break;
        }
    }
    if let Some(sarif) = run.output("lint", "sarif-file") {
        run.sarif = Some(std::fs::read_to_string(sarif).expect("the SARIF file exists"));
    }
    run
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

/// A checkout: `infra/eks/main.tf` and `more/user.tf`, each with an EKS125 error (line 4) and an
/// EKS404 warning (bob, line 9); alice's EKS404 is suppressed.
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for sub in [".git", "infra/eks", "more"] {
        std::fs::create_dir_all(dir.path().join(sub)).expect("mkdir");
    }
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

/// A checkout whose only finding is an EKS404 warning.
fn warning_only() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join(".git")).expect("mkdir");
    let text = ENTRIES.replace("kubernetes_groups = [\"system:masters\"]", "");
    std::fs::write(dir.path().join("main.tf"), text).expect("write");
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

fn jq_is_installed() {
    let found_jq = Command::new("jq").arg("--version").output().is_ok();
    assert!(found_jq, "jq is needed (GitHub's runners have it)");
}

#[test]
fn scripts_lint_count_and_fail_like_the_runner_would() {
    jq_is_installed();
    let ws = workspace();

    // Default inputs: the whole workspace; no fail-on input and no configuration, so
    // ekslint's own default (warning) decides.
    let run = run_action(ws.path(), &[], push_event(), false);
    assert_eq!(run.output("lint", "exit-code"), Some("1"));
    let sarif = run.sarif.as_deref().expect("a SARIF file");
    let count = unsuppressed(sarif);
    // Per file: EKS125 and EKS404 for bob; alice's EKS404 is suppressed.
    assert_eq!(count, 4, "{sarif}");
    assert_eq!(
        run.output("count", "findings"),
        Some(count.to_string().as_str())
    );
    assert!(sarif.contains("\"uri\": \"infra/eks/main.tf\""), "{sarif}");
    assert_eq!(run.result, Some(1));

    // Several paths on separate lines; nothing fails with fail-on never.
    let run = run_action(
        ws.path(),
        &[("paths", "infra/eks\nmore/user.tf\n"), ("fail-on", "never")],
        push_event(),
        false,
    );
    assert_eq!(run.output("lint", "exit-code"), Some("0"));
    assert_eq!(run.output("count", "findings"), Some("4"));
    assert_eq!(run.result, Some(0));

    // A configuration input is passed on; a wrong one fails the step, with no SARIF file.
    std::fs::write(ws.path().join("ci.toml"), "ignore = [\"EKS125\"]\n").expect("write");
    let run = run_action(
        ws.path(),
        &[("config", "ci.toml"), ("fail-on", "warning")],
        push_event(),
        false,
    );
    assert_eq!(run.output("count", "findings"), Some("2"));
    assert_eq!(run.result, Some(1));
    let run = run_action(
        ws.path(),
        &[("config", "missing.toml")],
        push_event(),
        false,
    );
    assert_eq!(run.output("lint", "exit-code"), Some("2"));
    assert_eq!(run.output("lint", "sarif-file"), None);
    assert_eq!(run.output("count", "findings"), None);
    assert!(run.used("upload").is_none(), "nothing to upload");
    assert_eq!(run.result, Some(2));
}

#[test]
fn fail_on_is_passed_only_when_given_else_the_configuration_decides() {
    jq_is_installed();
    let ws = warning_only();
    // No input, no configuration: the default, warning, fails on the EKS404 warning.
    let run = run_action(ws.path(), &[], push_event(), false);
    assert_eq!(run.output("count", "findings"), Some("1"));
    assert_eq!(run.result, Some(1));

    // The configuration's fail-on is not overridden by the action.
    std::fs::write(ws.path().join(".ekslint.toml"), "fail-on = \"error\"\n").expect("write");
    let run = run_action(ws.path(), &[], push_event(), false);
    assert_eq!(run.output("lint", "exit-code"), Some("0"));
    assert_eq!(run.output("count", "findings"), Some("1"));
    assert_eq!(run.result, Some(0));

    // An input, when given, wins over the configuration.
    let run = run_action(ws.path(), &[("fail-on", "warning")], push_event(), false);
    assert_eq!(run.output("lint", "exit-code"), Some("1"));
    assert_eq!(run.result, Some(1));
}

#[test]
fn the_binary_is_cached_even_when_the_lint_fails() {
    jq_is_installed();
    let ws = workspace();
    let run = run_action(ws.path(), &[], push_event(), false);
    assert_eq!(run.result, Some(1), "findings fail the job");
    // On a miss the binary is built and saved before the lint runs, so a failing lint does
    // not lose it; restore and save use the same key and the binary's directory only.
    let position = |id: &str| run.ran.iter().position(|r| r == id);
    assert!(position("build") < position("save"));
    assert!(position("save") < position("lint"));
    let restore = run.used("cache").expect("restore ran");
    let save = run.used("save").expect("save ran");
    assert_eq!(restore.uses, "actions/cache/restore@v6");
    assert_eq!(save.uses, "actions/cache/save@v6");
    assert_eq!(restore.with, save.with);
    let key = run.output("key", "key").expect("a key");
    assert_eq!(save.with["key"], key);
    assert!(key.starts_with("ekslint-bin-Linux-X64-"), "{key}");
    let path = &save.with["path"];
    assert!(path.ends_with("/bin") && !path.contains('\n'), "{path}");
    assert!(
        !restore.with.contains_key("restore-keys"),
        "no binary of other sources"
    );

    // On a hit nothing is built or saved.
    let run = run_action(ws.path(), &[], push_event(), true);
    assert!(
        !run.ran.iter().any(|r| r == "build" || r == "save"),
        "{:?}",
        run.ran
    );
    assert_eq!(run.result, Some(1));
}

#[test]
fn uploads_with_the_category_or_annotates_when_it_cannot() {
    jq_is_installed();
    let ws = workspace();

    // A push, and a pull request from a branch of the same repository: upload, no annotations.
    for github in [push_event(), pull_request("acme/infra", "alice")] {
        let run = run_action(ws.path(), &[("category", "ekslint-infra")], github, false);
        assert_eq!(run.output("decide", "upload"), Some("true"));
        let upload = run.used("upload").expect("uploaded");
        assert_eq!(upload.uses, "github/codeql-action/upload-sarif@v4");
        assert_eq!(upload.with["category"], "ekslint-infra");
        assert_eq!(
            Some(upload.with["sarif_file"].as_str()),
            run.output("lint", "sarif-file")
        );
        assert!(run.annotations().is_empty(), "{:?}", run.annotations());
        assert_eq!(run.result, Some(1));
    }

    // A pull request from a fork, one from Dependabot, and upload-sarif: false: no upload,
    // the findings are annotations, and only the findings fail the job.
    for (github, given) in [
        (pull_request("mallory/infra", "mallory"), "auto"),
        (pull_request("acme/infra", "dependabot[bot]"), "auto"),
        (push_event(), "false"),
    ] {
        let run = run_action(ws.path(), &[("upload-sarif", given)], github, false);
        assert_eq!(run.output("decide", "upload"), Some("false"), "{given}");
        assert!(run.used("upload").is_none());
        let annotations = run.annotations();
        assert_eq!(annotations.len(), 4, "{annotations:?}");
        // The group element (line 4, column 24) and the principal value (line 9, column 19).
        for start in [
            "::error file=infra/eks/main.tf,line=4,col=24,",
            "::warning file=more/user.tf,line=9,col=19,",
        ] {
            assert!(
                annotations.iter().any(|a| a.starts_with(start)),
                "{start} in {annotations:?}"
            );
        }
        assert_eq!(run.result, Some(1), "{given}");
    }
    // With findings under fail-on, a fork's run passes: nothing else fails it.
    let run = run_action(
        ws.path(),
        &[("fail-on", "never")],
        pull_request("mallory/infra", "mallory"),
        false,
    );
    assert_eq!(run.result, Some(0));

    // upload-sarif: true uploads even from a fork (for tokens given more permissions).
    let run = run_action(
        ws.path(),
        &[("upload-sarif", "true")],
        pull_request("mallory/infra", "mallory"),
        false,
    );
    assert!(run.used("upload").is_some());

    // Anything else is a usage error of the action.
    let run = run_action(ws.path(), &[("upload-sarif", "yes")], push_event(), false);
    assert_eq!(run.result, Some(2));
    assert!(!run.ran.iter().any(|r| r == "lint"));
}
