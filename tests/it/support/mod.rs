//! What several test modules share.

pub mod lsp;
pub mod pre_commit;

use ekslint::engine::Input;

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
