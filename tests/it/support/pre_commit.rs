//! What the tests that run the real pre-commit share.

use std::path::Path;
use std::process::{Command, Output};

/// Whether pre-commit can run. Without it the tests fail, saying how to install it, unless
/// `EKSLINT_SKIP_PRE_COMMIT=1` says to skip them (a skip in a passing test is invisible in
/// `cargo test`'s output).
pub fn pre_commit_installed() -> bool {
    let installed = Command::new("python3")
        .args(["-c", "import pre_commit"])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        installed || std::env::var_os("EKSLINT_SKIP_PRE_COMMIT").is_some_and(|v| v == "1"),
        "pre-commit is not importable by python3: `python3 -m pip install pre-commit` (as .ci/run \
         does), or set EKSLINT_SKIP_PRE_COMMIT=1 to skip the pre-commit tests"
    );
    installed
}

/// Runs `program` in `dir` without the user's or the system's git configuration, with a test
/// identity and pre-commit's cache inside `dir`.
pub fn isolated(dir: &Path, program: &str, args: &[&str]) -> Output {
    Command::new(program)
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "test")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("GIT_COMMITTER_NAME", "test")
        .env("GIT_COMMITTER_EMAIL", "test@example.com")
        .env("PRE_COMMIT_HOME", dir.join(".cache-pre-commit"))
        .env("NO_COLOR", "1")
        .output()
        .expect("spawn")
}
