//! CloudFormation templates (YAML and JSON) into the IR.
//!
//! [`intrinsics`] evaluates values (parameters, mappings, conditions, intrinsic functions),
//! [`values`] holds what they evaluate to, and [`resources`] reads the EKS resources from them.
//! A value that came from a parameter default or a mapping is used where it is written in the
//! resource, with its origin as a secondary location.

mod intrinsics;
mod parameters;
mod resources;
mod values;

pub use parameters::{parse_assignment, parse_parameter_file};

use super::ParseError;
use super::tree::Node;
use crate::ir::Model;
use crate::source::FileId;
use std::collections::BTreeMap;

/// Values given on the command line or in the configuration.
#[derive(Clone, Debug, Default)]
pub struct CfnOptions {
    /// Parameter values that override the template's defaults.
    pub parameters: BTreeMap<String, String>,
}

/// Whether a document is a CloudFormation template: it has an `AWSTemplateFormatVersion`, or
/// `Resources` with an `AWS::` type.
pub fn is_template(doc: &Node) -> bool {
    doc.get("AWSTemplateFormatVersion").is_some()
        || doc.get("Resources").is_some_and(|r| {
            r.entries().iter().any(|(_, res)| {
                res.get("Type")
                    .and_then(Node::as_str)
                    .is_some_and(|t| t.starts_with("AWS::"))
            })
        })
}

/// Reads a template's EKS resources. Reading a parsed template cannot fail: what cannot be
/// evaluated is unknown.
pub fn lower(file: FileId, doc: &Node, options: &CfnOptions) -> (Model, Vec<ParseError>) {
    let template = intrinsics::Template::new(file, doc, &options.parameters);
    (resources::lower(&template), Vec::new())
}
