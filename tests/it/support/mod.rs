//! What several test modules share.

pub mod lsp;
pub mod pre_commit;

use ekslint::diagnostic::Diagnostic;
use ekslint::engine::Input;
use ekslint::report::Report;

/// The built binary, to run as a user does.
pub fn ekslint() -> assert_cmd::Command {
    assert_cmd::Command::cargo_bin("ekslint").unwrap()
}

/// A file given to the lint in memory, in a directory that does not exist (so that no
/// configuration applies); `explicit` as when named on the command line.
pub fn input(name: &str, text: &str, explicit: bool) -> Input {
    Input {
        display: name.to_string(),
        dir: std::path::PathBuf::from("/nonexistent-ekslint-test"),
        bytes: text.as_bytes().to_vec(),
        explicit,
        context: false,
        unreadable: None,
    }
}

/// A finding of `report` as `RULE file:line:column`.
pub fn located(report: &Report, d: &Diagnostic) -> String {
    let f = report.sources.get(d.span.file);
    let p = f.position(d.span.start as usize);
    format!("{} {}:{}:{}", d.rule, f.path, p.line, p.column)
}
