//! The snippets of README's "Where to run it" work as written, as far as they can be run here:
//! the shell command is run, the pre-commit configuration is validated by pre-commit (when it is
//! installed), the workflow is checked against action.yml, and the editor configurations parse
//! and run `ekslint lsp` (which tests/it/lsp.rs drives like an editor). The editors themselves are
//! not installed here.

use ekslint::parse::tree::{Node, NodeKind, parse_yaml};
use ekslint::source::FileId;
use std::path::Path;
use std::process::Command;

/// The fenced code blocks (`language`, body) of README's section about integrations.
fn snippets() -> Vec<(String, String)> {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("read README.md");
    let start = readme.find("\n## Where to run it").expect("the section");
    let end = readme[start + 1..]
        .find("\n## ")
        .map_or(readme.len(), |e| e + start + 1);
    let mut blocks = Vec::new();
    let mut lines = readme[start..end].lines();
    while let Some(line) = lines.next() {
        if let Some(lang) = line.strip_prefix("```") {
            let body: Vec<&str> = lines.by_ref().take_while(|l| *l != "```").collect();
            blocks.push((lang.to_string(), body.join("\n") + "\n"));
        }
    }
    blocks
}

fn snippet(lang: &str, containing: &str) -> String {
    snippets()
        .into_iter()
        .find(|(l, body)| l == lang && body.contains(containing))
        .map(|(_, body)| body)
        .unwrap_or_else(|| panic!("no {lang} snippet with {containing:?}"))
}

fn yaml(text: &str) -> Node {
    parse_yaml(FileId(0), text)
        .expect("valid YAML")
        .into_iter()
        .next()
        .expect("one document")
}

#[test]
fn pre_commit_config_names_the_hook_of_the_manifest() {
    let config = snippet("yaml", "repos:");
    let doc = yaml(&config);
    let repo = match doc.get("repos").map(|r| &r.kind) {
        Some(NodeKind::Seq(repos)) => repos[0].clone(),
        other => panic!("repos: {other:?}"),
    };
    assert_eq!(
        repo.get("repo").and_then(Node::as_str),
        Some(env!("CARGO_PKG_REPOSITORY"))
    );
    assert!(config.contains("- id: ekslint"));
    let manifest = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml"),
    )
    .expect("read the manifest");
    assert!(manifest.contains("- id: ekslint"));

    let installed = Command::new("python3")
        .args(["-c", "import pre_commit"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !installed {
        eprintln!("SKIPPED validate-config: pre-commit is not importable by python3");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(".pre-commit-config.yaml");
    std::fs::write(&path, &config).expect("write");
    let out = Command::new("python3")
        .args(["-m", "pre_commit", "validate-config"])
        .arg(&path)
        .output()
        .expect("run pre-commit");
    assert!(out.status.success(), "{out:?}");
}

#[test]
fn workflow_uses_the_action_with_its_inputs() {
    let workflow = yaml(&snippet("yaml", "ekslint/ekslint@v0"));
    let permissions = workflow.get("permissions").expect("permissions");
    assert_eq!(
        permissions.get("security-events").and_then(Node::as_str),
        Some("write")
    );
    assert_eq!(
        permissions.get("contents").and_then(Node::as_str),
        Some("read")
    );
    let action = yaml(
        &std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("action.yml"))
            .expect("read action.yml"),
    );
    let inputs = action.get("inputs").expect("inputs");
    let jobs = workflow.get("jobs").expect("jobs");
    let steps = match jobs.entries()[0].1.get("steps").map(|s| &s.kind) {
        Some(NodeKind::Seq(steps)) => steps.clone(),
        other => panic!("steps: {other:?}"),
    };
    let ours = steps
        .iter()
        .find(|s| s.get("uses").and_then(Node::as_str) == Some("ekslint/ekslint@v0"))
        .expect("the ekslint step");
    for (key, _) in ours.get("with").map(|w| w.entries()).unwrap_or_default() {
        assert!(inputs.get(&key.name).is_some(), "no input {}", key.name);
    }
}

#[test]
fn editor_configurations_start_the_language_server() {
    let vscode: serde_json::Value =
        serde_json::from_str(&snippet("json", "glspc")).expect("valid JSON");
    assert_eq!(vscode["glspc.server.command"], "ekslint");
    assert_eq!(
        vscode["glspc.server.commandArguments"],
        serde_json::json!(["lsp"])
    );

    let helix: toml::Table =
        toml::from_str(&snippet("toml", "language-server.ekslint")).expect("valid TOML");
    let server = &helix["language-server"]["ekslint"];
    assert_eq!(server["command"].as_str(), Some("ekslint"));
    assert_eq!(server["args"].as_array().map(Vec::len), Some(1));
    assert_eq!(server["args"][0].as_str(), Some("lsp"));
    let languages = helix["language"].as_array().expect("[[language]]");
    for name in ["hcl", "yaml", "json"] {
        let language = languages
            .iter()
            .find(|l| l["name"].as_str() == Some(name))
            .unwrap_or_else(|| panic!("language {name}"));
        let servers = language["language-servers"].as_array().expect("servers");
        assert!(servers.iter().any(|s| s.as_str() == Some("ekslint")));
    }

    let neovim = snippet("lua", "vim.lsp.config");
    assert!(neovim.contains("cmd = { 'ekslint', 'lsp' }"), "{neovim}");
    assert!(neovim.contains("vim.lsp.enable('ekslint')"), "{neovim}");
    // Neovim 0.7 to 0.10: nvim-lspconfig's custom server, or `vim.lsp.start` from an autocmd.
    for (marker, starts) in [
        ("lspconfig.configs", "require('lspconfig').ekslint.setup"),
        ("nvim_create_autocmd", "vim.lsp.start({"),
    ] {
        let lua = snippet("lua", marker);
        assert!(lua.contains("cmd = { 'ekslint', 'lsp' }"), "{lua}");
        assert!(lua.contains(starts), "{lua}");
        assert!(!lua.contains("vim.lsp.config("), "0.11-only API in {lua}");
        assert_eq!(lua.matches('(').count(), lua.matches(')').count(), "{lua}");
        assert_eq!(lua.matches('{').count(), lua.matches('}').count(), "{lua}");
    }

    let emacs = snippet("elisp", "eglot-server-programs");
    assert!(emacs.contains(". (\"ekslint\" \"lsp\")"), "{emacs}");
    assert!(emacs.contains("#'eglot-ensure"), "{emacs}");
    assert_eq!(
        emacs.matches('(').count(),
        emacs.matches(')').count(),
        "{emacs}"
    );
}

#[test]
fn python_pre_commit_hook_installs_the_released_wheel() {
    let config = snippet("yaml", "language: python");
    let doc = yaml(&config);
    let repo = match doc.get("repos").map(|r| &r.kind) {
        Some(NodeKind::Seq(repos)) => repos[0].clone(),
        other => panic!("repos: {other:?}"),
    };
    assert_eq!(repo.get("repo").and_then(Node::as_str), Some("local"));
    let hook = match repo.get("hooks").map(|h| &h.kind) {
        Some(NodeKind::Seq(hooks)) => hooks[0].clone(),
        other => panic!("hooks: {other:?}"),
    };
    assert_eq!(hook.get("id").and_then(Node::as_str), Some("ekslint"));
    assert_eq!(hook.get("entry").and_then(Node::as_str), Some("ekslint"));
    // The wheel of this version, from PyPI.
    let dependency = match hook.get("additional_dependencies").map(|d| &d.kind) {
        Some(NodeKind::Seq(deps)) => deps[0].as_str().map(str::to_string),
        other => panic!("additional_dependencies: {other:?}"),
    };
    assert_eq!(
        dependency.as_deref(),
        Some(concat!("ekslint==", env!("CARGO_PKG_VERSION")))
    );
    let files = hook.get("files").and_then(Node::as_str).expect("files");
    assert!(files.contains("tfvars"), "{files}");

    let installed = Command::new("python3")
        .args(["-c", "import pre_commit"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !installed {
        eprintln!("SKIPPED validate-config: pre-commit is not importable by python3");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(".pre-commit-config.yaml");
    std::fs::write(&path, &config).expect("write");
    let out = Command::new("python3")
        .args(["-m", "pre_commit", "validate-config"])
        .arg(&path)
        .output()
        .expect("run pre-commit");
    assert!(out.status.success(), "{out:?}");
}

#[test]
fn stdin_command_runs_as_written() {
    let command = snippet("sh", "--stdin-filename");
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("main.tf"),
        "resource \"aws_eks_access_entry\" \"a\" {\n  cluster_name  = \"x\"\n  principal_arn = \"arn:aws:iam::111122223333:role/a\"\n  type          = \"Standard\"\n}\n",
    )
    .expect("write");
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_ekslint"))
        .parent()
        .expect("binary directory");
    let path = std::env::join_paths(std::iter::once(bin_dir.to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .expect("PATH");
    let out = Command::new("bash")
        .args(["-c", &command])
        .current_dir(dir.path())
        .env("PATH", path)
        .output()
        .expect("run bash");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("main.tf:4:19") && stdout.contains("EKS105"),
        "{stdout}"
    );
}
