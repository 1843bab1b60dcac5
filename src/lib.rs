//! ekslint: a linter for Amazon EKS access entries and access policy associations in
//! Terraform, CloudFormation and eksctl files.
//!
//! Data flows one way: files → [`parse`] → [`ir`] → [`rules`] → [`diagnostic`] → [`report`].

pub mod allocator;
pub mod cli;
pub mod config;
pub mod configs;
pub mod diagnostic;
pub mod discover;
pub mod engine;
pub mod fix;
pub mod ir;
pub mod limits;
pub mod lsp;
pub mod model_json;
pub mod parse;
pub mod path_order;
pub mod policy;
pub mod read_cache;
pub mod report;
pub mod rules;
pub mod scoped;
pub mod source;
pub mod threads;
pub mod trust;
pub mod workspace;
