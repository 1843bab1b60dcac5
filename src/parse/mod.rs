//! Parsers: read each input format into the IR. Parsers know nothing of rules.

pub mod cloudformation;
pub mod comments;
pub mod eksctl;
pub mod terraform;
pub mod tree;

use crate::ir::Model;
use crate::source::{FileId, Span};
use tree::Node;

/// A file that could not be parsed, or a limit that was exceeded, at a position.
#[derive(Clone, Debug, PartialEq)]
pub struct ParseError {
    pub span: Span,
    pub message: String,
}

impl From<tree::TreeError> for ParseError {
    fn from(e: tree::TreeError) -> ParseError {
        ParseError {
            span: e.span,
            message: e.message,
        }
    }
}

/// Options of the structured (YAML and JSON) formats.
#[derive(Clone, Debug, Default)]
pub struct StructuredOptions {
    pub cloudformation: cloudformation::CfnOptions,
}

/// Reads a YAML or JSON file as CloudFormation or eksctl; `None` when it is neither.
///
/// A file that does not parse is reported only when its text names one of the two formats;
/// other broken YAML and JSON files are not ours to judge.
pub fn structured(
    file: FileId,
    name: &str,
    text: &str,
    options: &StructuredOptions,
) -> Option<(Model, Vec<ParseError>)> {
    let json = name.ends_with(".json") || text.trim_start().starts_with('{');
    let docs = if json {
        tree::parse_json(file, text).map(|d| vec![d])
    } else {
        tree::parse_yaml(file, text)
    };
    let docs = match docs {
        Ok(docs) => docs,
        Err(e) => {
            let ours = ["AWSTemplateFormatVersion", "AWS::", "eksctl.io/v1alpha5"]
                .iter()
                .any(|m| text.contains(m));
            return ours.then(|| (Model::default(), vec![e.into()]));
        }
    };
    if docs.iter().any(eksctl::is_cluster_config) {
        let configs: Vec<Node> = docs.into_iter().filter(eksctl::is_cluster_config).collect();
        return Some(eksctl::lower(file, &configs));
    }
    match docs.as_slice() {
        [doc] if cloudformation::is_template(doc) => {
            Some(cloudformation::lower(file, doc, &options.cloudformation))
        }
        _ => None,
    }
}
