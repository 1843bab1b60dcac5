//! The trust boundary as an attacker meets it: a pull request's symlinks, configuration and
//! module sources must not make ekslint read, or print, anything outside the project.

#![cfg(unix)]

use assert_cmd::Command;
use std::os::unix::fs::symlink;
use std::path::Path;
use std::time::Duration;

const SECRET: &str = "AKIAEXAMPLESECRET0123";

const BAD_ENTRY: &str = r#"resource "aws_eks_access_entry" "a" {
  cluster_name  = "trust"
  principal_arn = "arn:aws:iam::111122223333:role/ops"
  type          = "Standard"
}
"#;

/// A project directory with `main.tf` holding one EKS105, and a directory outside it holding a
/// secret as a `.tf` file, a `.tfvars` file and a plain file.
fn project() -> (tempfile::TempDir, tempfile::TempDir) {
    let project = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(project.path().join("main.tf"), BAD_ENTRY).unwrap();
    std::fs::write(outside.path().join("secret"), format!("TOKEN={SECRET}\n")).unwrap();
    std::fs::write(
        outside.path().join("main.tf"),
        format!(
            "resource \"aws_eks_access_entry\" \"s\" {{\n  cluster_name  = \"trust\"\n  principal_arn = \"{SECRET}\"\n}}\n"
        ),
    )
    .unwrap();
    (project, outside)
}

/// Runs ekslint in `dir` with each output format; returns the exit codes and every byte it
/// printed, and checks that the run ends within seconds.
fn run_all_formats(dir: &Path, args: &[&str]) -> (Vec<Option<i32>>, String) {
    let mut codes = Vec::new();
    let mut printed = String::new();
    for format in ["human", "json", "sarif", "github"] {
        let out = Command::cargo_bin("ekslint")
            .unwrap()
            .current_dir(dir)
            .env("EKSLINT_CANARY", SECRET)
            .args(["--format", format])
            .args(args)
            .timeout(Duration::from_secs(20))
            .output()
            .unwrap();
        codes.push(out.status.code());
        printed.push_str(&String::from_utf8_lossy(&out.stdout));
        printed.push_str(&String::from_utf8_lossy(&out.stderr));
    }
    (codes, printed)
}

/// The rule and `file:line` of every finding of a JSON run.
fn findings(dir: &Path, args: &[&str]) -> Vec<String> {
    let out = Command::cargo_bin("ekslint")
        .unwrap()
        .current_dir(dir)
        .args(["--format", "json"])
        .args(args)
        .timeout(Duration::from_secs(20))
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{} {}:{}",
                d["rule"].as_str().unwrap(),
                d["file"].as_str().unwrap(),
                d["span"]["start"]["line"]
            )
        })
        .collect()
}

fn assert_nothing_leaked(printed: &str) {
    assert!(!printed.contains(SECRET), "leaked:\n{printed}");
}

#[test]
fn a_tfvars_symlink_out_of_the_project_is_refused_and_the_rest_linted() {
    let (project, outside) = project();
    symlink(
        outside.path().join("secret"),
        project.path().join("terraform.tfvars"),
    )
    .unwrap();
    symlink(
        "/proc/self/environ",
        project.path().join("prod.auto.tfvars"),
    )
    .unwrap();
    let (codes, printed) = run_all_formats(project.path(), &[]);
    assert_nothing_leaked(&printed);
    assert!(codes.iter().all(|c| *c == Some(2)), "{codes:?}");
    let found = findings(project.path(), &[]);
    assert!(found.contains(&"EKS105 main.tf:4".to_string()), "{found:?}");
    assert!(
        found.contains(&"EKS000 terraform.tfvars:1".to_string()),
        "{found:?}"
    );
    assert!(
        found.contains(&"EKS000 prod.auto.tfvars:1".to_string()),
        "{found:?}"
    );
}

#[test]
fn a_symlinked_template_and_special_files_are_refused() {
    let (project, outside) = project();
    symlink(
        outside.path().join("secret"),
        project.path().join("stack.yaml"),
    )
    .unwrap();
    symlink("/dev/zero", project.path().join("zero.json")).unwrap();
    let fifo = project.path().join("pipe.yaml");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let (codes, printed) = run_all_formats(project.path(), &[]);
    assert_nothing_leaked(&printed);
    assert!(codes.iter().all(|c| *c == Some(2)), "{codes:?}");
    let found = findings(project.path(), &[]);
    for f in [
        "EKS000 pipe.yaml:1",
        "EKS000 stack.yaml:1",
        "EKS000 zero.json:1",
    ] {
        assert!(found.contains(&f.to_string()), "{f} not in {found:?}");
    }
    assert!(found.contains(&"EKS105 main.tf:4".to_string()), "{found:?}");
}

#[test]
fn configured_var_files_outside_the_project_are_refused() {
    let (project, outside) = project();
    let secret = outside.path().join("secret");
    std::fs::write(
        project.path().join(".ekslint.toml"),
        format!(
            "[terraform]\nvar-files = [\"/proc/self/environ\", \"{}\", \"../../../../etc/passwd\"]\n",
            secret.display()
        ),
    )
    .unwrap();
    let (codes, printed) = run_all_formats(project.path(), &[]);
    assert_nothing_leaked(&printed);
    assert!(!printed.contains("root:x:0"), "{printed}");
    assert!(codes.iter().all(|c| *c == Some(2)), "{codes:?}");
    let found = findings(project.path(), &[]);
    assert!(found.contains(&"EKS105 main.tf:4".to_string()), "{found:?}");
    assert_eq!(
        found.iter().filter(|f| f.starts_with("EKS000")).count(),
        3,
        "{found:?}"
    );
}

#[test]
fn module_sources_and_installed_dirs_outside_the_project_are_not_read() {
    let (project, outside) = project();
    let climb = format!("../{}", "../".repeat(12));
    let relative = format!("{climb}{}", outside.path().display());
    std::fs::write(
        project.path().join("modules.tf"),
        format!(
            "module \"up\" {{\n  source = \"{relative}\"\n}}\n\nmodule \"eks\" {{\n  source  = \"terraform-aws-modules/eks/aws\"\n  version = \"~> 20.0\"\n}}\n"
        ),
    )
    .unwrap();
    std::fs::create_dir_all(project.path().join(".terraform/modules")).unwrap();
    std::fs::write(
        project.path().join(".terraform/modules/modules.json"),
        format!(
            "{{\"Modules\":[{{\"Key\":\"\",\"Source\":\"\",\"Dir\":\".\"}},{{\"Key\":\"eks\",\"Source\":\"registry.terraform.io/terraform-aws-modules/eks/aws\",\"Dir\":\"{}\"}}]}}",
            outside.path().display()
        ),
    )
    .unwrap();
    let (codes, printed) = run_all_formats(project.path(), &[]);
    assert_nothing_leaked(&printed);
    assert!(codes.iter().all(|c| *c == Some(2)), "{codes:?}");
    let found = findings(project.path(), &[]);
    assert!(
        found.contains(&"EKS000 modules.tf:2".to_string()),
        "{found:?}"
    );
    assert!(
        found.contains(&"EKS000 .terraform/modules/modules.json:1".to_string()),
        "{found:?}"
    );
    assert!(found.contains(&"EKS105 main.tf:4".to_string()), "{found:?}");
}

#[test]
fn modules_json_that_never_ends_is_refused() {
    for target in ["/dev/zero", "fifo"] {
        let (project, _outside) = project();
        std::fs::write(
            project.path().join("modules.tf"),
            "module \"eks\" {\n  source = \"terraform-aws-modules/eks/aws\"\n}\n",
        )
        .unwrap();
        let dir = project.path().join(".terraform/modules");
        std::fs::create_dir_all(&dir).unwrap();
        if target == "fifo" {
            assert!(
                std::process::Command::new("mkfifo")
                    .arg(dir.join("modules.json"))
                    .status()
                    .unwrap()
                    .success()
            );
        } else {
            symlink(target, dir.join("modules.json")).unwrap();
        }
        let found = findings(project.path(), &[]);
        assert!(
            found.contains(&"EKS000 .terraform/modules/modules.json:1".to_string()),
            "{target}: {found:?}"
        );
        assert!(found.contains(&"EKS105 main.tf:4".to_string()), "{found:?}");
    }
}

#[test]
fn files_larger_than_the_limit_are_refused() {
    let (project, _outside) = project();
    let big = format!("{BAD_ENTRY}{}", "#\n".repeat(600));
    std::fs::write(project.path().join("big.tf"), big.replace("\"a\"", "\"b\"")).unwrap();
    std::fs::write(
        project.path().join(".ekslint.toml"),
        "max-file-bytes = 1000\n",
    )
    .unwrap();
    let found = findings(project.path(), &[]);
    assert!(found.contains(&"EKS000 big.tf:1".to_string()), "{found:?}");
    assert!(found.contains(&"EKS105 main.tf:4".to_string()), "{found:?}");
}

#[test]
fn a_file_the_user_names_outside_the_project_is_linted_with_its_module() {
    let (project, outside) = project();
    std::fs::write(outside.path().join("main.tf"), BAD_ENTRY).unwrap();
    std::fs::write(
        outside.path().join("variables.tf"),
        "variable \"unused\" {\n  default = \"x\"\n}\n",
    )
    .unwrap();
    let named = outside.path().join("main.tf");
    let found = findings(project.path(), &[named.to_str().unwrap()]);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].starts_with("EKS105 "), "{found:?}");
}
