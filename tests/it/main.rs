//! ekslint's integration tests, as one test binary: each binary links the whole linter and its
//! dependencies, so one binary instead of one per file is built, linked and stored once (with a
//! binary per file, a first `cargo test` wrote 1.8 GB to `target/`). Each module is one subject;
//! `cargo test --test it <module>::` runs one of them.

mod action;
mod catalog;
mod cli;
mod cloudformation;
mod code_scanning;
mod configuration;
mod deploying_tool;
mod encodings;
mod fixes;
mod fixtures;
mod fuzzed;
mod generated_corpus;
mod hostile;
mod lsp;
mod messages;
mod never_panics;
mod packaging;
mod policies;
mod policy_scenario;
mod pre_commit;
mod readme;
mod rule_docs;
mod sarif_schema;
mod support;
mod trust_boundary;
mod untrusted_output;
