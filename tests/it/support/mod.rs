//! What several test modules share.

pub mod lsp;
pub mod pre_commit;
