//! Parsers: read each input format into the IR. Parsers know nothing of rules.

pub mod aws_auth;
pub mod budget;
pub mod cloudformation;
pub mod comments;
pub mod edits;
pub mod eksctl;
pub mod embedded;
pub mod envsubst;
pub mod manifest;
pub mod terraform;
pub mod tree;

use crate::ir::{Model, Suppression};
use crate::source::{BOM, FileId, SourceFile, Span};
use std::borrow::Cow;
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

/// Why a YAML or JSON file was not linted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Skipped {
    /// Neither a CloudFormation template, an eksctl `ClusterConfig` nor the aws-auth ConfigMap.
    NotATemplate,
    /// Several YAML documents, none of them an eksctl `ClusterConfig` or the aws-auth ConfigMap.
    MultiDocument,
    /// Not valid YAML or JSON, and naming neither format.
    Unparsable,
    /// Named on the command line, but documentation or code by its name (`README.md`).
    NotInfrastructure,
    /// Not UTF-8 (UTF-16, Latin-1, binary), and naming neither format.
    NotUtf8,
    /// An eksctl file that is YAML only once `envsubst` fills it in: its syntax error is at a
    /// `${NAME}` placeholder (`availabilityZones: [${AZS}]`).
    Unfilled,
}

impl std::fmt::Display for Skipped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Skipped::NotATemplate => {
                "neither a CloudFormation template, an eksctl ClusterConfig nor the aws-auth ConfigMap"
            }
            Skipped::MultiDocument => {
                "several YAML documents and no eksctl ClusterConfig or aws-auth ConfigMap: not a template"
            }
            Skipped::Unparsable => "not valid YAML or JSON, and names neither format",
            Skipped::NotInfrastructure => {
                "not a Terraform, CloudFormation or eksctl file (documentation or code, by its name)"
            }
            Skipped::NotUtf8 => "not UTF-8, and names neither format",
            Skipped::Unfilled => {
                "an eksctl template: not valid YAML until its ${...} placeholders are filled in"
            }
        })
    }
}

/// Reads a YAML or JSON file as CloudFormation, eksctl or aws-auth ConfigMap manifests, or says
/// why it is none of them.
///
/// A file that does not parse is reported only when its text names one of the two formats;
/// other broken YAML and JSON files are not ours to judge.
pub fn structured(
    file: FileId,
    source: &SourceFile,
    options: &StructuredOptions,
) -> Result<(Model, Vec<ParseError>), Skipped> {
    let (name, text) = (source.path.as_str(), source.text.as_str());
    let body = text.strip_prefix(BOM).unwrap_or(text);
    let json = name.ends_with(".json") || body.trim_start().starts_with('{');
    let docs = if json {
        // JSON has no byte order mark: read it as blanks, which keeps the offsets.
        let blanked = match text.strip_prefix(BOM) {
            Some(rest) => Cow::Owned(format!("{:1$}{rest}", "", BOM.len())),
            None => Cow::Borrowed(text),
        };
        tree::parse_json(file, &blanked).map(|d| vec![d])
    } else {
        tree::yaml::parse_yaml_lines(file, text, source.line_starts())
    };
    let docs = match docs {
        Ok(docs) => docs,
        Err(e) if !json && at_placeholder(text, e.span.start as usize) => {
            return Err(Skipped::Unfilled);
        }
        Err(e) => {
            return if names_a_format(text) {
                Ok((Model::default(), vec![e.into()]))
            } else {
                Err(Skipped::Unparsable)
            };
        }
    };
    let aws_auth: Vec<&Node> = docs.iter().filter(|d| manifest::is_aws_auth(d)).collect();
    let manifests = (!aws_auth.is_empty()).then(|| manifest::lower(file, text, &aws_auth));
    let (mut model, errors, scopes) = if docs.iter().any(eksctl::is_cluster_config) {
        let configs: Vec<Node> = docs.into_iter().filter(eksctl::is_cluster_config).collect();
        let (model, errors) = eksctl::lower(file, &configs);
        (model, errors, Vec::new())
    } else {
        match docs.as_slice() {
            [doc] if cloudformation::is_template(doc) => {
                let (mut model, errors) = cloudformation::lower(file, doc, &options.cloudformation);
                model
                    .suppressions
                    .extend(metadata_suppressions(file, text, doc));
                (
                    model,
                    errors,
                    resources(doc).into_iter().map(|(s, _)| s).collect(),
                )
            }
            _ if manifests.is_some() => (Model::default(), Vec::new(), Vec::new()),
            [_] => return Err(Skipped::NotATemplate),
            _ => return Err(Skipped::MultiDocument),
        }
    };
    model.extend(manifests.unwrap_or_default());
    if !json {
        model
            .suppressions
            .extend(comments::suppressions(file, text, &scopes));
    }
    Ok((model, errors))
}

/// The syntax error of a file's text, read as a lint run reads a file of that name (Terraform
/// for `.tf`, `.tf.json` and `.tfvars`, else YAML or JSON); `None` when it parses.
pub fn syntax_error(name: &str, text: &str) -> Option<String> {
    let terraform = [".tf", ".tf.json", ".tfvars", ".tfvars.json"];
    if terraform.iter().any(|s| name.ends_with(s)) {
        let blanked = match text.strip_prefix(BOM) {
            Some(rest) => Cow::Owned(format!("{:1$}{rest}", "", BOM.len())),
            None => Cow::Borrowed(text),
        };
        return terraform::syntax_error(name, &blanked);
    }
    let body = text.strip_prefix(BOM).unwrap_or(text);
    let file = FileId(0);
    let parsed = if name.ends_with(".json") || body.trim_start().starts_with('{') {
        tree::parse_json(file, &format!("{:1$}{body}", "", text.len() - body.len())).map(|_| ())
    } else {
        tree::parse_yaml(file, text).map(|_| ())
    };
    parsed.err().map(|e| e.message)
}

/// Whether a syntax error at byte `offset` of an eksctl file is at one of its placeholders (see
/// [`envsubst`]), or right after one: the file is YAML once they are filled in.
fn at_placeholder(text: &str, offset: usize) -> bool {
    text.contains(eksctl::API_VERSION)
        && envsubst::spans(text).any(|span| (span.start..=span.end).contains(&offset))
}

/// Whether a YAML or JSON text names CloudFormation or eksctl: such a file is reported when it
/// cannot be read, other files are not ours to judge.
pub fn names_a_format(text: &str) -> bool {
    ["AWSTemplateFormatVersion", "AWS::", eksctl::API_VERSION]
        .iter()
        .any(|m| text.contains(m))
}

/// Each resource of a template with its span, from its logical id to the end of its definition.
fn resources(doc: &Node) -> Vec<(Span, &Node)> {
    let entries = doc.get("Resources").map(Node::entries).unwrap_or_default();
    entries
        .iter()
        .map(|(k, v)| {
            let end = v.span.end.max(k.span.end);
            (Span { end, ..k.span }, v)
        })
        .collect()
}

/// `Metadata: {ekslint: {ignore: [...]}}` on the template (the whole file) or on a resource:
/// CloudFormation JSON has no comments.
fn metadata_suppressions(file: FileId, text: &str, doc: &Node) -> Vec<Suppression> {
    std::iter::once((Span::new(file, 0, text.len()), doc))
        .chain(resources(doc))
        .filter_map(|(covers, node)| {
            let list = node.get("Metadata")?.get("ekslint")?.get("ignore")?;
            let tree::NodeKind::Seq(items) = &list.kind else {
                return None;
            };
            let (rules, remove_rule) = items
                .iter()
                .filter_map(|i| Some((i.as_str()?.to_string(), i.written.item)))
                .unzip();
            Some(Suppression {
                covers,
                rules,
                reason: None,
                written: list.span,
                remove: None,
                remove_rule,
            })
        })
        .collect()
}
