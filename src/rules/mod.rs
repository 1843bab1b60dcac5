//! The rule engine: every rule of the catalog, written against the IR.

mod catalog;

pub use catalog::{RuleMeta, RULES, lookup};
