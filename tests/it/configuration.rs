//! One configuration story for the command line, the hook and the editor: each file is linted
//! under the nearest `.ekslint.toml` upward from it, `exclude` is relative to the file that
//! holds it, and `--config` applies to every file.

use assert_cmd::Command;
use std::path::Path;

const USER_ENTRY: &str = r#"resource "aws_eks_access_entry" "user" {
  cluster_name  = "cfg"
  principal_arn = "arn:aws:iam::111122223333:user/bob"
}
"#;

const CROSS_ACCOUNT: &str = r#"resource "aws_eks_cluster" "c" {
  name     = "cfg"
  role_arn = "arn:aws:iam::111122223333:role/cluster"
  access_config {
    authentication_mode                         = "API"
    bootstrap_cluster_creator_admin_permissions = false
  }
}

resource "aws_eks_access_entry" "other" {
  cluster_name  = aws_eks_cluster.c.name
  principal_arn = "arn:aws:iam::444455556666:role/partner"
}
"#;

fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

/// `RULE file:line severity` of each finding of `ekslint --format json ARGS` run in `dir`, and
/// the exit code.
fn lint(dir: &Path, args: &[&str]) -> (Option<i32>, Vec<String>) {
    let out = Command::cargo_bin("ekslint")
        .unwrap()
        .current_dir(dir)
        .args(["--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    let found = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let file = d["file"].as_str().unwrap().trim_start_matches("../");
            format!(
                "{} {file}:{} {}",
                d["rule"].as_str().unwrap(),
                d["span"]["start"]["line"],
                d["severity"].as_str().unwrap()
            )
        })
        .collect();
    (out.status.code(), found)
}

#[test]
fn each_file_takes_its_nearest_configuration_wherever_the_run_starts() {
    let dir = tree(&[
        (".ekslint.toml", "[severity]\nEKS404 = \"error\"\n"),
        ("app/main.tf", USER_ENTRY),
        ("infra/.ekslint.toml", "ignore = [\"EKS404\"]\n"),
        ("infra/main.tf", &USER_ENTRY.replace("cfg", "infra")),
    ]);
    let root = dir.path();
    // From the root, from the subdirectory, and naming the file: infra's own configuration
    // ignores EKS404 there; app's file takes the root's, which makes it an error.
    assert_eq!(
        lint(root, &[]),
        (Some(1), vec!["EKS404 app/main.tf:3 error".to_string()])
    );
    assert_eq!(lint(&root.join("infra"), &[]), (Some(0), vec![]));
    assert_eq!(lint(root, &["infra/main.tf"]), (Some(0), vec![]));
    assert_eq!(
        lint(&root.join("infra"), &["../app/main.tf"]),
        (Some(1), vec!["EKS404 app/main.tf:3 error".to_string()])
    );
    // `--config` applies to every file.
    std::fs::write(root.join("strict.toml"), "select = [\"EKS404\"]\n").unwrap();
    assert_eq!(
        lint(root, &["--config", "strict.toml"]),
        (
            Some(1),
            vec![
                "EKS404 app/main.tf:3 warning".to_string(),
                "EKS404 infra/main.tf:3 warning".to_string()
            ]
        )
    );
}

#[test]
fn a_walk_through_a_link_or_a_dotted_path_keeps_the_configuration_and_its_excludes() {
    // The directories a walk finds are real below the real path of the walked directory: one
    // reached through a symbolic link, or spelled with `..`, is governed as the directory.
    let dir = tree(&[
        ("infra/.ekslint.toml", "exclude = [\"legacy/**\"]\n"),
        ("infra/legacy/main.tf", USER_ENTRY),
        ("infra/new/main.tf", &USER_ENTRY.replace("cfg", "new")),
        ("infra/new/deep/main.tf", &USER_ENTRY.replace("cfg", "deep")),
    ]);
    let root = dir.path();
    std::os::unix::fs::symlink(root.join("infra"), root.join("link")).unwrap();
    let kept = |base: &str| {
        (
            Some(1),
            vec![
                format!("EKS404 {base}new/deep/main.tf:3 warning"),
                format!("EKS404 {base}new/main.tf:3 warning"),
            ],
        )
    };
    assert_eq!(lint(root, &["infra"]), kept("infra/"));
    assert_eq!(lint(root, &["link"]), kept("link/"));
    assert_eq!(
        lint(&root.join("infra/new"), &["../../infra"]),
        kept("infra/")
    );
    assert_eq!(lint(&root.join("infra"), &["."]), kept(""));
}

#[test]
fn paths_written_with_doubled_trailing_or_dot_separators_keep_their_configuration() {
    // The configurations' tables are keyed by a path's bytes: each way of writing the same
    // directory is resolved to it, not taken for another directory.
    let dir = tree(&[
        ("infra/.ekslint.toml", "ignore = [\"EKS404\"]\n"),
        ("infra/new/main.tf", USER_ENTRY),
        ("app/main.tf", &USER_ENTRY.replace("cfg", "app")),
    ]);
    let root = dir.path();
    // Only app's finding, wherever the path's spelling puts it.
    let app_only = |spelled: &[&str]| {
        let (code, found) = lint(root, spelled);
        assert_eq!(code, Some(1), "{spelled:?}");
        assert!(
            matches!(found.as_slice(), [f] if f.starts_with("EKS404 ") && f.contains("app/")),
            "{spelled:?}: {found:?}"
        );
    };
    app_only(&["infra/", "app"]);
    app_only(&["infra//new", "./app/"]);
    app_only(&["./infra/./new/", "app//"]);
    app_only(&["infra//new/main.tf", "./app/main.tf"]);
    app_only(&["infra/new/../new", "app/."]);
    // Two spellings of one directory in one run.
    app_only(&["infra/new", "infra//new/", "app"]);
}

#[test]
fn a_directory_walked_twice_or_named_first_keeps_its_excludes() {
    // The configuration of a directory met before a walk (by an earlier walk, or a named file
    // of it) still excludes its files when the walk finds them again.
    let dir = tree(&[
        ("infra/legacy/.ekslint.toml", "exclude = [\"main.tf\"]\n"),
        ("infra/legacy/main.tf", USER_ENTRY),
        ("infra/new/main.tf", &USER_ENTRY.replace("cfg", "new")),
    ]);
    let root = dir.path();
    let kept = (
        Some(1),
        vec!["EKS404 infra/new/main.tf:3 warning".to_string()],
    );
    for args in [
        &["infra"][..],
        &["infra", "infra"],
        &["infra/legacy/main.tf", "infra"],
        &["infra/legacy", "infra"],
        &["infra", "."],
    ] {
        assert_eq!(lint(root, args), kept, "{args:?}");
    }
}

#[test]
fn exclude_is_relative_to_its_configuration_file() {
    let dir = tree(&[
        (
            "infra/.ekslint.toml",
            "exclude = [\"legacy/**\", \"old\"]\n",
        ),
        ("infra/legacy/main.tf", USER_ENTRY),
        ("infra/old/deep/main.tf", USER_ENTRY),
        ("infra/new/main.tf", &USER_ENTRY.replace("cfg", "new")),
        ("legacy/main.tf", &USER_ENTRY.replace("cfg", "top")),
    ]);
    let root = dir.path();
    let kept = (
        Some(1),
        vec![
            "EKS404 infra/new/main.tf:3 warning".to_string(),
            "EKS404 legacy/main.tf:3 warning".to_string(),
        ],
    );
    // The Action's `paths: infra`, a run from the root, and the hook naming files: all leave
    // out infra/legacy and infra/old, and only those.
    assert_eq!(lint(root, &[]), kept);
    assert_eq!(lint(root, &["infra", "legacy"]), kept);
    assert_eq!(
        lint(
            root,
            &[
                "infra/legacy/main.tf",
                "infra/old/deep/main.tf",
                "infra/new/main.tf",
                "legacy/main.tf"
            ]
        ),
        kept
    );
    assert_eq!(
        lint(&root.join("infra"), &[]),
        (Some(1), vec!["EKS404 new/main.tf:3 warning".to_string()])
    );
}

#[test]
fn fail_on_rule_options_and_values_come_from_each_files_configuration() {
    let dir = tree(&[
        (
            "team/.ekslint.toml",
            "fail-on = \"never\"\n[rules.EKS405]\ntrusted-accounts = [\"444455556666\"]\n[terraform]\nvar-files = [\"team.tfvars\"]\n[cloudformation]\nparameters = { Type = \"Standard\" }\n",
        ),
        ("team/main.tf", CROSS_ACCOUNT),
        ("team/team.tfvars", "entry_type = \"EC2_Linux\"\n"),
        (
            "team/vars.tf",
            "variable \"entry_type\" {\n  default = \"STANDARD\"\n}\n\nresource \"aws_eks_access_entry\" \"typed\" {\n  cluster_name  = aws_eks_cluster.c.name\n  principal_arn = \"arn:aws:iam::111122223333:role/typed\"\n  type          = var.entry_type\n}\n",
        ),
        (
            "team/stack.yaml",
            "AWSTemplateFormatVersion: \"2010-09-09\"\nParameters:\n  Type:\n    Type: String\n    Default: STANDARD\nResources:\n  Entry:\n    Type: AWS::EKS::AccessEntry\n    Properties:\n      ClusterName: cfg\n      PrincipalArn: arn:aws:iam::111122223333:role/cfn\n      Type: !Ref Type\n",
        ),
        ("other/main.tf", CROSS_ACCOUNT),
    ]);
    let (code, found) = lint(dir.path(), &[]);
    // team/: the partner account is trusted, the variable and the parameter take the
    // configuration's values; other/: the partner account is a finding, which fails the run
    // (team's `fail-on = "never"` does not apply to it).
    assert_eq!(
        found,
        [
            "EKS405 other/main.tf:12 warning",
            "EKS105 team/stack.yaml:12 error",
            "EKS105 team/vars.tf:8 error",
        ],
    );
    assert_eq!(code, Some(1));
    // Alone, team/ does not fail.
    let (code, _) = lint(dir.path(), &["team"]);
    assert_eq!(code, Some(0));
}

#[test]
fn a_long_list_of_trusted_accounts_leaves_out_exactly_the_principals_of_its_accounts() {
    // 5,000 trusted accounts; 60 entries, every third from an account not in the list.
    let account = |k: usize| format!("{:012}", 500_000_000_000usize + k);
    let listed: Vec<String> = (0..5000)
        .map(|k| format!("\"{}\"", account(2 * k)))
        .collect();
    let config = format!(
        "[rules.EKS405]\ntrusted-accounts = [{}]\n",
        listed.join(", ")
    );
    let cluster = CROSS_ACCOUNT.split("\n\n").next().unwrap();
    let mut main = format!("{cluster}\n");
    let mut expected = Vec::new();
    for i in 0..60 {
        // Listed accounts from the start, the middle and the end of the list.
        let k = if i % 3 == 0 {
            2 * i * 83 + 1
        } else {
            2 * i * 83
        };
        let line = main.lines().count() + 1;
        main.push_str(&format!(
            "\nresource \"aws_eks_access_entry\" \"e{i}\" {{\n  cluster_name  = aws_eks_cluster.c.name\n  principal_arn = \"arn:aws:iam::{}:role/r\"\n}}\n",
            account(k)
        ));
        if i % 3 == 0 {
            expected.push(format!("EKS405 main.tf:{} warning", line + 3));
        }
    }
    let dir = tree(&[(".ekslint.toml", &config), ("main.tf", &main)]);
    let (code, found) = lint(dir.path(), &[]);
    assert_eq!(found, expected);
    assert_eq!(code, Some(1));
}

#[test]
fn rules_named_thousands_of_times_in_select_and_ignore_are_selected_and_ignored_once() {
    let many = |key: &str| vec![format!("\"{key}\""); 3000].join(", ");
    let config = format!(
        "select = [{}, {}, {}]\nignore = [{}]\n",
        many("EKS404"),
        many("EKS405"),
        many("cross-account-principal"),
        many("cross-account-principal"),
    );
    let dir = tree(&[
        (".ekslint.toml", &config),
        ("user.tf", USER_ENTRY),
        ("cross.tf", CROSS_ACCOUNT),
    ]);
    // EKS405 is selected, by id and by name, and ignored by name: only EKS404 is left.
    assert_eq!(
        lint(dir.path(), &[]),
        (Some(1), vec!["EKS404 user.tf:3 warning".to_string()])
    );
}

#[test]
fn a_variable_file_named_again_sets_its_values_where_it_is_named_last() {
    let module = "variable \"t\" {}\n\nresource \"aws_eks_access_entry\" \"e\" {\n  cluster_name  = \"c\"\n  principal_arn = \"arn:aws:iam::111122223333:role/r\"\n  type          = var.t\n}\n";
    // Each configuration repeats its list 1,000 times; the file named last sets `t` last.
    let config = |files: &[&str]| {
        let list = vec![files.join(", "); 1000].join(", ");
        format!("[terraform]\nvar-files = [{list}]\n")
    };
    let (a_last, b_last) = (
        config(&["\"../a.tfvars\"", "\"../b.tfvars\"", "\"./../a.tfvars\""]),
        config(&["\"../a.tfvars\"", "\"../b.tfvars\""]),
    );
    let dir = tree(&[
        ("a.tfvars", "t = \"TYPE_A\"\n"),
        ("b.tfvars", "t = \"TYPE_B\"\n"),
        ("x/.ekslint.toml", &a_last),
        ("x/main.tf", module),
        ("y/.ekslint.toml", &b_last),
        ("y/main.tf", module),
    ]);
    let out = Command::cargo_bin("ekslint")
        .unwrap()
        .current_dir(dir.path())
        .args(["--format", "json", "x", "y"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let found: Vec<(&str, &str)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["file"].as_str().unwrap(), d["message"].as_str().unwrap()))
        .collect();
    assert_eq!(
        found,
        [
            ("x/main.tf", "\"TYPE_A\" is not a valid access entry type"),
            ("y/main.tf", "\"TYPE_B\" is not a valid access entry type"),
        ]
    );
}

#[test]
fn a_configuration_error_anywhere_names_its_file_line_and_key() {
    let dir = tree(&[
        ("main.tf", USER_ENTRY),
        ("infra/.ekslint.toml", "[severity]\nEKS404 = \"eror\"\n"),
        ("infra/main.tf", USER_ENTRY),
    ]);
    let out = Command::cargo_bin("ekslint")
        .unwrap()
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("infra/.ekslint.toml:2:10: [severity] EKS404: \"eror\" is not a severity; did you mean \"error\"?"),
        "{stderr}"
    );
}
