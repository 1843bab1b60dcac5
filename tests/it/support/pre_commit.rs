//! What the tests that run the real pre-commit share.

/// Whether pre-commit can run. Without it the tests fail, saying how to install it, unless
/// `EKSLINT_SKIP_PRE_COMMIT=1` says to skip them (a skip in a passing test is invisible in
/// `cargo test`'s output).
pub fn pre_commit_installed() -> bool {
    let installed = std::process::Command::new("python3")
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
