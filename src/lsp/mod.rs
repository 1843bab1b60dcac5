//! `ekslint lsp`: a language server over standard input and output.
//!
//! It publishes the diagnostics of every open Terraform, CloudFormation and eksctl document on
//! open, change (full text sync) and save, linting the editor's unsaved text together with the
//! rest of the document's Terraform module (from disk, or from the editor for files of the module
//! that are open too) under the `.ekslint.toml` found upward from the document's directory. Each
//! finding offers a quick fix that writes an `ekslint:ignore` comment above it, and a finding
//! whose rule has a fix offers that fix ([`fixes`]); `source.fixAll.ekslint` applies every safe
//! fix of the document.
//!
//! Only [`server`], [`transport`] and [`convert`] know the LSP crates (`lsp-server` for the
//! message types, `lsp-types` for their contents), and [`fixes`], which builds code actions;
//! [`document`],
//! [`quickfix`] and [`uri`] are plain Rust. The transport is our own, so that no malformed
//! frame stops the server.

mod convert;
mod document;
mod fixes;
mod quickfix;
mod server;
mod transport;
mod uri;

pub use server::run;
