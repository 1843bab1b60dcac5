//! How ekslint is built for users: the Python package (maturin, binary bindings), the release
//! profile, the release workflow, and `--locked` on every cargo build the project runs. Building
//! the wheel takes a release build, too slow for every test run: `.ci/wheel-check` builds it,
//! installs it into a fresh virtual environment and runs it; here its metadata is checked.

use ekslint::parse::tree::{Node, NodeKind, parse_yaml};
use ekslint::source::FileId;
use std::path::Path;

fn read(path: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path))
        .unwrap_or_else(|e| panic!("read {path}: {e}"))
}

fn toml_file(path: &str) -> toml::Table {
    toml::from_str(&read(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn yaml_file(path: &str) -> Node {
    parse_yaml(FileId(0), &read(path))
        .unwrap_or_else(|e| panic!("{path}: {e:?}"))
        .into_iter()
        .next()
        .expect("one document")
}

fn seq(node: Option<&Node>) -> Vec<Node> {
    match node.map(|n| &n.kind) {
        Some(NodeKind::Seq(items)) => items.clone(),
        other => panic!("not a list: {other:?}"),
    }
}

#[test]
fn pyproject_builds_the_binary_as_a_wheel() {
    let py = toml_file("pyproject.toml");
    assert_eq!(
        py["build-system"]["build-backend"].as_str(),
        Some("maturin")
    );
    assert!(py["build-system"]["requires"].as_array().is_some_and(|r| {
        r.iter()
            .any(|r| r.as_str().is_some_and(|r| r.starts_with("maturin")))
    }));
    let project = &py["project"];
    assert_eq!(project["name"].as_str(), Some(env!("CARGO_PKG_NAME")));
    // The version is the crate's, so the wheel and the binary never disagree.
    assert_eq!(project["dynamic"].as_array().map(Vec::len), Some(1));
    assert_eq!(project["dynamic"][0].as_str(), Some("version"));
    assert!(project.get("version").is_none());
    assert_eq!(project["license"].as_str(), Some(env!("CARGO_PKG_LICENSE")));
    assert_eq!(
        project["urls"]["Repository"].as_str(),
        Some(env!("CARGO_PKG_REPOSITORY"))
    );
    let maturin = &py["tool"]["maturin"];
    assert_eq!(maturin["bindings"].as_str(), Some("bin"));
    assert_eq!(maturin["locked"].as_bool(), Some(true));
    assert_eq!(maturin["strip"].as_bool(), Some(true));
}

#[test]
fn the_release_binary_is_stripped_and_profiling_keeps_symbols() {
    let cargo = toml_file("Cargo.toml");
    let release = &cargo["profile"]["release"];
    assert_eq!(release["strip"].as_bool(), Some(true));
    assert_eq!(release["debug"].as_bool(), Some(false));
    // One code unit, optimised whole (the README's Releases section gives the figures).
    assert_eq!(release["lto"].as_str(), Some("fat"));
    assert_eq!(release["codegen-units"].as_integer(), Some(1));
    let profiling = &cargo["profile"]["profiling"];
    assert_eq!(profiling["inherits"].as_str(), Some("release"));
    assert_eq!(profiling["strip"].as_bool(), Some(false));
    assert!(profiling.get("debug").is_some());
}

#[test]
fn a_version_tag_releases_every_platform_with_checksums() {
    let workflow = yaml_file(".github/workflows/release.yml");
    let tags = seq(workflow
        .get("on")
        .and_then(|o| o.get("push"))
        .and_then(|p| p.get("tags")));
    assert_eq!(tags[0].as_str(), Some("v*"));
    let jobs = workflow.get("jobs").expect("jobs");
    let targets: Vec<String> = seq(jobs
        .get("binaries")
        .and_then(|j| j.get("strategy"))
        .and_then(|s| s.get("matrix"))
        .and_then(|m| m.get("include")))
    .iter()
    .filter_map(|i| i.get("target").and_then(Node::as_str).map(str::to_string))
    .collect();
    for target in [
        "x86_64-unknown-linux-gnu",
        "aarch64-unknown-linux-gnu",
        "x86_64-unknown-linux-musl",
        "aarch64-unknown-linux-musl",
        "x86_64-apple-darwin",
        "aarch64-apple-darwin",
        "x86_64-pc-windows-msvc",
    ] {
        assert!(
            targets.iter().any(|t| t == target),
            "{target} in {targets:?}"
        );
    }
    let text = read(".github/workflows/release.yml");
    assert!(text.contains("sha256sum"), "checksums");
    assert!(text.contains("cargo build --release --locked"));
    assert!(text.contains("gh release create"));
    assert!(jobs.get("wheels").is_some(), "wheels for pip install");
}

/// Every cargo command that builds, in the workflows, the action and CI, uses the lock file.
#[test]
fn every_build_is_locked() {
    let mut unlocked = Vec::new();
    for file in [
        "action.yml",
        ".github/workflows/release.yml",
        ".github/workflows/ci.yml",
        ".ci/run",
        "README.md",
    ] {
        for (n, line) in read(file).lines().enumerate() {
            let builds = [
                "cargo build",
                "cargo install",
                "cargo test",
                "cargo run",
                "cargo clippy",
                "cargo check",
            ]
            .iter()
            .any(|c| line.contains(c));
            // Prose about what others run (pre-commit's own `cargo install`) is not a command.
            let prose = line.contains("without `--locked`");
            if builds && !prose && !line.contains("--locked") {
                unlocked.push(format!("{file}:{}: {line}", n + 1));
            }
        }
    }
    assert!(unlocked.is_empty(), "{}", unlocked.join("\n"));
}

/// The action and the workflows use the current major version of each action.
#[test]
fn actions_are_current_majors() {
    let current = [
        "actions/checkout@v7",
        "actions/cache/restore@v6",
        "actions/cache/save@v6",
        "actions/setup-python@v7",
        "actions/upload-artifact@v7",
        "actions/download-artifact@v8",
        "github/codeql-action/upload-sarif@v4",
    ];
    for file in [
        "action.yml",
        ".github/workflows/release.yml",
        ".github/workflows/ci.yml",
        "README.md",
    ] {
        for line in read(file).lines() {
            let Some(used) = line
                .trim()
                .strip_prefix("- uses: ")
                .or_else(|| line.trim().strip_prefix("uses: "))
            else {
                continue;
            };
            let name = used.split('@').next().unwrap_or_default();
            if let Some(want) = current.iter().find(|c| c.split('@').next() == Some(name)) {
                assert_eq!(used, *want, "{file}");
            }
        }
    }
}
