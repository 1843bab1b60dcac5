//! Findings produced by rules, independent of how they are reported.

use crate::ir::Related;
use crate::source::Span;
use serde::{Deserialize, Serialize};

/// How serious a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Note,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "note" => Some(Severity::Note),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

/// An inline or configured suppression that matched a finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suppression {
    pub justification: Option<String>,
}

/// One finding.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    /// The rule id (`EKS101`).
    pub rule: &'static str,
    pub severity: Severity,
    pub message: String,
    pub span: Span,
    pub related: Vec<Related>,
    pub help: Option<String>,
    pub suppressed: Option<Suppression>,
}

impl Diagnostic {
    /// A finding of `rule` at `span`, with the rule's default severity.
    pub fn new(rule: &'static crate::rules::RuleMeta, span: Span, message: String) -> Diagnostic {
        Diagnostic {
            rule: rule.id,
            severity: rule.severity,
            message,
            span,
            related: Vec::new(),
            help: None,
            suppressed: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn with_related(mut self, related: impl IntoIterator<Item = Related>) -> Diagnostic {
        self.related.extend(related);
        self
    }
}
