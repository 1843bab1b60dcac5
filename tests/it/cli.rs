//! The command line as a user runs it: subcommands, exit codes, options, inputs that must not
//! crash the linter, discovery and determinism.

use crate::support::ekslint;
use predicates::prelude::*;
use std::path::Path;

const BAD_ENTRY: &str = r#"resource "aws_eks_access_entry" "a" {
  cluster_name  = "cli-test"
  principal_arn = "arn:aws:iam::111122223333:role/ops"
  type          = "Standard"
}
"#;

const USER_ENTRY: &str = r#"resource "aws_eks_access_entry" "a" {
  cluster_name  = "cli-test"
  principal_arn = "arn:aws:iam::111122223333:user/bob"
}
"#;

/// Runs `ekslint --format json ARGS` in `dir`; returns the exit code and the report.
fn lint_json(dir: &Path, args: &[&str]) -> (Option<i32>, serde_json::Value) {
    let out = ekslint()
        .current_dir(dir)
        .args(["--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let json = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code(), json)
}

/// `field` of every diagnostic of a JSON report.
fn each(json: &serde_json::Value, field: &str) -> Vec<String> {
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d[field].as_str().unwrap().to_string())
        .collect()
}

/// Each diagnostic of a JSON report, as `describe` gives it.
fn each_as(
    json: &serde_json::Value,
    describe: impl Fn(&serde_json::Value) -> String,
) -> Vec<String> {
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(describe)
        .collect()
}

fn dir_with(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, content) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }
    dir
}

#[test]
fn rules_lists_every_rule_and_explain_finds_by_id_or_name() {
    let out = ekslint()
        .arg("rules")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert_eq!(text.lines().count(), ekslint::rules::RULES.len());
    assert!(text.contains("EKS105  invalid-entry-type"));
    for key in ["EKS105", "invalid-entry-type", "eks105"] {
        ekslint()
            .args(["explain", key])
            .assert()
            .success()
            .stdout(predicate::str::contains("## Use instead"));
    }
    ekslint().args(["explain", "EKS999"]).assert().code(2);
}

#[test]
fn exit_codes_follow_fail_on() {
    let dir = dir_with(&[("main.tf", USER_ENTRY.as_bytes())]);
    // EKS404 is a warning: fails by default, not with --fail-on error.
    ekslint()
        .current_dir(dir.path())
        .assert()
        .code(1)
        .stdout(predicate::str::contains("EKS404"));
    ekslint()
        .current_dir(dir.path())
        .args(["--fail-on", "error"])
        .assert()
        .code(0);
    ekslint()
        .current_dir(dir.path())
        .args(["--fail-on", "never"])
        .assert()
        .code(0);
    ekslint()
        .current_dir(dir.path())
        .args(["--ignore", "iam-user-principal"])
        .assert()
        .code(0);
    ekslint()
        .current_dir(dir.path())
        .args(["--select", "EKS105"])
        .assert()
        .code(0);
    let clean = dir_with(&[("main.tf", b"# nothing here\n")]);
    ekslint()
        .current_dir(clean.path())
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "0 errors, 0 warnings, 0 notes in 1 file",
        ));
}

#[test]
fn usage_and_input_errors_exit_2() {
    ekslint()
        .arg("does/not/exist")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("does/not/exist"));
    ekslint().args(["--format", "xml"]).assert().code(2);
    ekslint().args(["--select", "EKS999"]).assert().code(2);
    let dir = dir_with(&[
        ("bad.tf", b"resource \"x\" {\n  a = @\n}\n"),
        ("ok.tf", BAD_ENTRY.as_bytes()),
    ]);
    // A parse error is EKS000, exit 2, and the other file is still linted.
    ekslint()
        .current_dir(dir.path())
        .assert()
        .code(2)
        .stdout(predicate::str::contains("EKS000").and(predicate::str::contains("EKS105")));
}

#[test]
fn config_file_is_read_and_unknown_keys_are_errors() {
    let dir = dir_with(&[
        ("main.tf", USER_ENTRY.as_bytes()),
        (".ekslint.toml", b"[severity]\nEKS404 = \"error\"\n"),
    ]);
    ekslint()
        .current_dir(dir.path())
        .args(["--fail-on", "error"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("error[EKS404"));
    std::fs::write(
        dir.path().join(".ekslint.toml"),
        "ignore = []\n\nfail_on = \"error\"\n",
    )
    .unwrap();
    ekslint().current_dir(dir.path()).assert().code(2).stderr(
        predicate::str::contains("fail_on").and(predicate::str::contains(".ekslint.toml:3:1:")),
    );
}

#[test]
fn config_values_are_checked_with_file_line_key_and_suggestion() {
    let cases: [(&str, &str); 4] = [
        (
            "[severity]\nEKS404 = \"eror\"\n",
            ".ekslint.toml:2:10: [severity] EKS404: \"eror\" is not a severity; did you mean \"error\"?",
        ),
        (
            "select = [\"EKS101\"]\nignore = [\"EKS3O2\"]\n",
            ".ekslint.toml:2:11: ignore: unknown rule \"EKS3O2\"; did you mean EKS302 (access-entries-need-api-mode)?",
        ),
        (
            "[severity]\ninvalid-entry = \"note\"\n",
            ".ekslint.toml:2:1: [severity]: unknown rule \"invalid-entry\"; did you mean EKS105 (invalid-entry-type)?",
        ),
        (
            "fail-on = \"warnings\"\n",
            ".ekslint.toml:1:11: fail-on: \"warnings\" is not one of error, warning, note, never; did you mean \"warning\"?",
        ),
    ];
    for (config, message) in cases {
        let dir = dir_with(&[
            ("main.tf", USER_ENTRY.as_bytes()),
            (".ekslint.toml", config.as_bytes()),
        ]);
        ekslint()
            .current_dir(dir.path())
            .assert()
            .code(2)
            .stderr(predicate::str::contains(message));
    }
}

#[test]
fn typos_get_suggestions_and_usage_mistakes_are_errors() {
    ekslint()
        .args(["explian", "EKS105"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "did you mean the subcommand `ekslint explain`?",
        ));
    ekslint()
        .args(["explain", "EKS3O2"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean EKS302"));
    ekslint()
        .args(["--select", "invalid-entry", "."])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "did you mean EKS105 (invalid-entry-type)?",
        ));
    ekslint()
        .args(["--stdin-filename", "main.tf", "."])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("give '-' as a path"));
}

#[test]
fn a_missing_path_is_reported_and_the_others_still_linted() {
    let dir = dir_with(&[("main.tf", BAD_ENTRY.as_bytes())]);
    ekslint()
        .current_dir(dir.path())
        .args(["missing.tf", "main.tf", "gone/"])
        .assert()
        .code(2)
        .stdout(predicate::str::contains("EKS105"))
        .stderr(predicate::str::contains("missing.tf").and(predicate::str::contains("gone/")));
}

#[test]
fn a_named_file_that_is_not_infrastructure_says_why() {
    let dir = dir_with(&[
        (
            "README.md",
            b"# Example\n\n```yaml\nType: AWS::EKS::AccessEntry\n```\nresource \"x\" \"y\" {\n",
        ),
        ("notes", b"just: [text"),
    ]);
    ekslint()
        .current_dir(dir.path())
        .args(["README.md", "notes"])
        .assert()
        .code(0)
        .stderr(
            predicate::str::contains(
                "skipped README.md: not a Terraform, CloudFormation or eksctl file",
            )
            .and(predicate::str::contains("skipped notes: ")),
        );
}

#[test]
fn completions_and_man_page() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        ekslint()
            .args(["completions", shell])
            .assert()
            .success()
            .stdout(predicate::str::contains("ekslint").and(predicate::str::contains("fail-on")));
    }
    ekslint().arg("man").assert().success().stdout(
        predicate::str::contains(".TH ekslint 1").and(predicate::str::contains("fail\\-on")),
    );
}

#[cfg(unix)]
#[test]
fn colour_follows_the_terminal_no_color_and_term_dumb() {
    // `script` gives the command a terminal, where colour is on unless NO_COLOR or TERM=dumb.
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipped: `script` is not installed");
        return;
    }
    let dir = dir_with(&[("main.tf", BAD_ENTRY.as_bytes())]);
    let bin = assert_cmd::cargo::cargo_bin("ekslint");
    let run = |env: &str| {
        let out = std::process::Command::new("script")
            .current_dir(dir.path())
            .args([
                "-qec",
                &format!("env {env} {} main.tf", bin.display()),
                "/dev/null",
            ])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).contains("\x1b[")
    };
    assert!(run("TERM=xterm"), "colour on a terminal");
    assert!(!run("TERM=dumb"), "no colour with TERM=dumb");
    assert!(!run("TERM=xterm NO_COLOR=1"), "no colour with NO_COLOR");
}

#[test]
fn output_file_and_formats() {
    let dir = dir_with(&[("main.tf", BAD_ENTRY.as_bytes())]);
    let sarif_to = |out: &std::path::Path| {
        ekslint()
            .current_dir(dir.path())
            .args(["--format", "sarif", "-o"])
            .arg(out)
            .arg("main.tf")
            .assert()
    };
    let out = dir.path().join("report.sarif");
    sarif_to(&out).code(1).stdout("");
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(sarif["runs"][0]["results"][0]["ruleId"], "EKS105");
    // An output file that cannot be created is an error naming it.
    let missing = dir.path().join("missing").join("report.sarif");
    sarif_to(&missing)
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(format!("{}: ", missing.display())));
    assert!(!missing.exists());
    ekslint()
        .current_dir(dir.path())
        .args(["--format", "github"])
        .assert()
        .code(1)
        .stdout(predicate::str::starts_with(
            "::error file=main.tf,line=4,col=19,",
        ));
}

#[test]
fn stdin_uses_the_given_name() {
    ekslint()
        .args(["--format", "json", "--stdin-filename", "envs/main.tf", "-"])
        .write_stdin(BAD_ENTRY)
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("\"file\": \"envs/main.tf\"")
                .and(predicate::str::contains("EKS105")),
        );
}

#[test]
fn hostile_inputs_do_not_crash() {
    let mut big = String::new();
    while big.len() < 5 * 1024 * 1024 {
        big.push_str(
            BAD_ENTRY
                .replace("\"a\"", &format!("\"a{}\"", big.len()))
                .as_str(),
        );
    }
    let dir = dir_with(&[
        ("empty.tf", b""),
        ("binary.tf", &[0u8, 159, 146, 150, 0, 1, 2, 255]),
        (
            "latin1.tf",
            b"resource \"aws_eks_access_entry\" \"\xe9\" {}\n",
        ),
        ("big.tf", big.as_bytes()),
        ("bad.yaml", b"AWSTemplateFormatVersion: [\n"),
        ("notes.json", &[0xff, 0xfe, b'{']),
    ]);
    let (code, json) = lint_json(dir.path(), &[]);
    assert_eq!(code, Some(2));
    let rules = each(&json, "rule");
    assert!(rules.iter().filter(|r| **r == "EKS105").count() > 10_000);
    assert!(rules.iter().any(|r| r == "EKS000"));
}

#[test]
fn a_thousand_file_tree_is_linted() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..1000 {
        let sub = dir.path().join(format!("m{:02}", i % 40));
        std::fs::create_dir_all(&sub).unwrap();
        std::fs::write(
            sub.join(format!("f{i}.tf")),
            BAD_ENTRY.replace("\"a\"", &format!("\"a{i}\"")),
        )
        .unwrap();
    }
    let (code, json) = lint_json(dir.path(), &[]);
    assert_eq!(code, Some(1));
    assert_eq!(json["summary"]["files"], 1000);
    // Every entry is for the same principal on a cluster no file defines; each of the 40
    // directories is a root module, so a unit of its own, and entries of different units are
    // never compared: 1000 EKS105, and 24 EKS104 in each directory of 25 files.
    let rules = each(&json, "rule");
    assert_eq!(rules.iter().filter(|r| **r == "EKS105").count(), 1000);
    assert_eq!(rules.iter().filter(|r| **r == "EKS104").count(), 40 * 24);
    assert_eq!(rules.len(), 1000 + 40 * 24);
}

#[test]
fn discovery_honours_gitignore_and_skips_hidden_directories() {
    let dir = dir_with(&[
        ("main.tf", BAD_ENTRY.as_bytes()),
        (".gitignore", b"generated/\n"),
        ("generated/x.tf", USER_ENTRY.as_bytes()),
        (".terraform/modules/m/x.tf", USER_ENTRY.as_bytes()),
        (
            "docker-compose.yaml",
            b"services:\n  web:\n    image: nginx\n",
        ),
    ]);
    let (code, json) = lint_json(dir.path(), &[]);
    assert_eq!(code, Some(1));
    let files = each(&json, "file");
    assert_eq!(files, ["main.tf"]);
    assert_eq!(json["summary"]["files"], 1);
    // An explicit file is linted even when ignored.
    ekslint()
        .current_dir(dir.path())
        .arg("generated/x.tf")
        .assert()
        .code(1)
        .stdout(predicate::str::contains("EKS404"));
}

#[test]
fn output_is_identical_with_one_and_many_threads() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for format in ["human", "json", "sarif", "github"] {
        let run = |threads: &str| {
            ekslint()
                .current_dir(root)
                .env("RAYON_NUM_THREADS", threads)
                .args(["--format", format, "--color", "never", "fixtures"])
                .output()
                .unwrap()
                .stdout
        };
        let one = run("1");
        assert!(one.len() > 1000, "{format}: output too short");
        assert!(
            one == run("4"),
            "{format}: output differs between 1 and 4 threads"
        );
    }
}

#[test]
fn named_files_are_linted_with_their_module_but_only_their_findings_reported() {
    let other = r#"resource "aws_eks_access_entry" "first" {
  cluster_name  = "ctx"
  principal_arn = "arn:aws:iam::111122223333:role/ops"
  type          = "Standard"
}
"#;
    let changed = r#"resource "aws_eks_access_entry" "second" {
  cluster_name  = "ctx"
  principal_arn = "arn:aws:iam::111122223333:role/ops"
}
"#;
    let dir = dir_with(&[
        ("a_other.tf", other.as_bytes()),
        ("entries.tf", changed.as_bytes()),
    ]);
    let findings = |args: &[&str]| -> Vec<String> {
        let (_, json) = lint_json(dir.path(), args);
        let files = each(&json, "file");
        each(&json, "rule")
            .into_iter()
            .zip(files)
            .map(|(r, f)| format!("{r} {f}"))
            .collect()
    };
    // The duplicate is found against the unchanged file, and reported on the changed one only.
    assert_eq!(findings(&["entries.tf"]), ["EKS104 entries.tf"]);
    assert_eq!(
        findings(&["--all-findings", "entries.tf"]),
        ["EKS105 a_other.tf", "EKS104 entries.tf"]
    );
    // The same through standard input, as editors run it.
    let out = ekslint()
        .current_dir(dir.path())
        .args(["--format", "json", "--stdin-filename", "entries.tf", "-"])
        .write_stdin(changed.replace("role/ops", "role/ops2"))
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["diagnostics"].as_array().unwrap().len(), 0, "{json}");
}

#[test]
fn exclude_patterns_apply_to_walked_and_named_files() {
    let dir = dir_with(&[
        ("main.tf", BAD_ENTRY.as_bytes()),
        ("legacy/old.tf", USER_ENTRY.as_bytes()),
        (".ekslint.toml", b"exclude = [\"legacy/**\"]\n"),
    ]);
    let files = |args: &[&str]| each(&lint_json(dir.path(), args).1, "file");
    assert_eq!(files(&[]), ["main.tf"]);
    assert!(files(&["legacy/old.tf"]).is_empty());
    assert!(files(&["./legacy/old.tf"]).is_empty());
}

#[test]
fn an_eksctl_template_that_is_yaml_only_once_filled_in_is_skipped_saying_so() {
    // `[${AZS}]` is a YAML syntax error until envsubst fills it in; a syntax error elsewhere in
    // an eksctl file is still EKS000.
    let template = "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: ${NAME}\navailabilityZones: [${AZS}]\n";
    let broken = "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: ${NAME}\navailabilityZones: [a, b\n";
    let dir = dir_with(&[
        ("cluster.yml.template", template.as_bytes()),
        ("broken.yaml", broken.as_bytes()),
    ]);
    ekslint()
        .current_dir(dir.path())
        .args(["--format", "json", "cluster.yml.template", "broken.yaml"])
        .assert()
        .code(2)
        .stdout(
            predicate::str::contains("broken.yaml")
                .and(predicate::str::contains("EKS000"))
                .and(predicate::str::contains("cluster.yml.template").not()),
        )
        .stderr(predicate::str::contains(
            "skipped cluster.yml.template: an eksctl template: not valid YAML until its ${...} placeholders are filled in",
        ));
}

#[test]
fn verbose_says_which_files_were_skipped() {
    let dir = dir_with(&[
        ("main.tf", USER_ENTRY.as_bytes()),
        ("compose.yaml", b"services:\n  web:\n    image: nginx\n"),
        ("k8s.yaml", b"kind: A\n---\nkind: B\n"),
    ]);
    ekslint()
        .current_dir(dir.path())
        .arg("--verbose")
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("skipped compose.yaml: neither a CloudFormation template")
                .and(predicate::str::contains(
                    "skipped k8s.yaml: several YAML documents",
                )),
        );
    ekslint()
        .current_dir(dir.path())
        .assert()
        .code(1)
        .stderr("");
}

#[test]
fn instances_wrong_in_the_same_way_give_one_finding_naming_each_origin() {
    let tf = r#"variable "entries" {
  default = {
    ops = { arn = "arn:aws:iam::111122223333:role/ops", type = "Standard" }
    dev = { arn = "arn:aws:iam::111122223333:role/dev", type = "Standard" }
  }
}
resource "aws_eks_access_entry" "this" {
  for_each      = var.entries
  cluster_name  = "instances"
  principal_arn = each.value.arn
  type          = each.value.type
}
"#;
    let dir = dir_with(&[("main.tf", tf.as_bytes())]);
    let (_, json) = lint_json(dir.path(), &[]);
    assert_eq!(each(&json, "rule"), ["EKS105"]);
    let related: Vec<&str> = json["diagnostics"][0]["related"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["message"].as_str().unwrap())
        .collect();
    assert!(
        related.contains(&"from the `for_each` item `\"ops\"`"),
        "{related:?}"
    );
    assert!(
        related.contains(&"from the `for_each` item `\"dev\"`"),
        "{related:?}"
    );
}

#[test]
fn only_named_files_are_reported_but_a_duplicate_or_a_value_they_bring_is() {
    let main = "variable \"entry_type\" {\n  default = \"STANDARD\"\n}\n\nresource \"aws_eks_access_entry\" \"ops\" {\n  cluster_name  = \"ctx\"\n  principal_arn = \"arn:aws:iam::111122223333:role/ops\"\n  type          = var.entry_type\n}\n";
    let added = "resource \"aws_eks_access_entry\" \"again\" {\n  cluster_name  = \"ctx\"\n  principal_arn = \"arn:aws:iam::111122223333:role/ops\"\n}\n";
    let dir = dir_with(&[
        ("main.tf", main.as_bytes()),
        ("a_new.tf", added.as_bytes()),
        ("terraform.tfvars", b"entry_type = \"Standard\"\n"),
    ]);
    let at = |args: &[&str]| {
        let (_, json) = lint_json(dir.path(), args);
        each_as(&json, |d| {
            format!(
                "{} {}:{}",
                d["rule"].as_str().unwrap(),
                d["file"].as_str().unwrap(),
                d["span"]["start"]["line"]
            )
        })
    };
    // The duplicate points at the later entry in output order (main.tf) unless only the
    // earlier one's file is reported.
    assert_eq!(at(&["a_new.tf"]), ["EKS104 a_new.tf:3"]);
    assert_eq!(at(&["main.tf"]), ["EKS104 main.tf:7", "EKS105 main.tf:8"]);
    assert_eq!(
        at(&["a_new.tf", "main.tf"]),
        ["EKS104 main.tf:7", "EKS105 main.tf:8"]
    );
    // Naming only the `.tfvars` file reports the finding its value causes, where it is used.
    assert_eq!(at(&["terraform.tfvars"]), ["EKS105 main.tf:8"]);
}

#[test]
fn a_file_named_and_found_in_a_named_directory_is_linted_once() {
    let dir = dir_with(&[
        ("main.tf", BAD_ENTRY.as_bytes()),
        ("m/user.tf", USER_ENTRY.as_bytes()),
    ]);
    let (code, alone) = lint_json(dir.path(), &["."]);
    assert_eq!(code, Some(1));
    assert_eq!(alone["summary"]["files"], 2);
    let rules = each(&alone, "rule");
    assert_eq!(rules.len(), 2, "{alone}");
    for args in [
        &[".", "main.tf"][..],
        &["./main.tf", ".", "m/user.tf"],
        &["main.tf", "./main.tf", "m", "./m/user.tf", "./."],
    ] {
        let (code, json) = lint_json(dir.path(), args);
        assert_eq!(code, Some(1), "{args:?}");
        assert_eq!(json["summary"]["files"], 2, "{args:?}");
        assert_eq!(each(&json, "rule"), rules, "{args:?}");
        assert_eq!(each(&json, "file"), each(&alone, "file"), "{args:?}");
    }
}

/// Terraform loads `terraform.tfvars` and `*.auto.tfvars` whether git ignores them or not. The
/// walk leaves them out, and the module's directory is not listed again: what the walk read of
/// it holds them all the same.
#[test]
fn variable_files_that_git_ignores_still_set_variables() {
    let main = r#"variable "kind" {
  type = string
}

resource "aws_eks_access_entry" "e" {
  cluster_name  = "c"
  principal_arn = "arn:aws:iam::111122223333:role/ops"
  type          = var.kind
}
"#;
    let dir = dir_with(&[
        (".gitignore", b"*.tfvars\n"),
        ("m/main.tf", main.as_bytes()),
        ("m/terraform.tfvars", b"kind = \"Standard\"\n"),
    ]);
    // The value of each run, and the variable file it came from.
    let found = |dir: &Path| -> Vec<String> {
        let (_, json) = lint_json(dir, &["."]);
        each_as(&json, |d| {
            format!(
                "{} {} {}",
                d["rule"].as_str().unwrap(),
                d["message"].as_str().unwrap(),
                d["related"][0]["file"].as_str().unwrap_or("-")
            )
        })
    };
    assert_eq!(
        found(dir.path()),
        ["EKS105 \"Standard\" is not a valid access entry type m/terraform.tfvars"]
    );
    // An automatic variable file is loaded after `terraform.tfvars`, and wins.
    std::fs::write(dir.path().join("m/b.auto.tfvars"), "kind = \"Ec2\"\n").unwrap();
    assert_eq!(
        found(dir.path()),
        ["EKS105 \"Ec2\" is not a valid access entry type m/b.auto.tfvars"]
    );
}
