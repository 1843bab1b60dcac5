//! The rule catalog, generated at build time from `rules/*.md`.

use crate::diagnostic::Severity;
use crate::fix::Safety;

/// A rule's metadata and documentation.
#[derive(Debug, PartialEq, Eq)]
pub struct RuleMeta {
    pub id: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
    /// The input formats where the rule applies, as written in the catalog (`TF, CFN, EKSCTL`).
    pub applies: &'static str,
    /// GitHub code scanning's `security-severity` (security rules only).
    pub security_severity: Option<&'static str>,
    /// Whether the rule's findings carry a fix, and how safe it is (`fix` in the front matter).
    pub fix: Option<Safety>,
    /// The whole rule file, front matter included (a custom rule's Markdown explanation).
    pub doc: &'static str,
    /// Where a custom rule is documented (its first related resource); built-in rules' pages
    /// follow from their id and name.
    pub help_uri: Option<&'static str>,
}

/// Where rule documentation is published: `<RULES_DOC_URI><id>-<name>.md`.
const RULES_DOC_URI: &str = "https://github.com/ekslint/ekslint/blob/main/rules/";

impl RuleMeta {
    /// The address of the rule's documentation page, if it has one. Ids starting with `EKS` are
    /// reserved for built-in rules.
    pub fn doc_url(&self) -> Option<String> {
        if self.id.starts_with("EKS") {
            Some(format!("{RULES_DOC_URI}{}-{}.md", self.id, self.name))
        } else {
            self.help_uri.map(str::to_string)
        }
    }

    /// What `explain` says of the rule's fix.
    pub fn fix_line(&self) -> &'static str {
        match self.fix {
            Some(Safety::Safe) => "Fix: safe, applied by --fix",
            Some(Safety::Unsafe) => {
                "Fix: unsafe (it changes what the configuration means), applied by --unsafe-fixes"
            }
            None => "Fix: none",
        }
    }

    /// The Markdown explanation, without the front matter.
    pub fn explanation(&self) -> &'static str {
        self.doc
            .strip_prefix("+++\n")
            .and_then(|rest| rest.split_once("\n+++\n"))
            .map_or(self.doc, |(_, body)| body.trim_start())
    }
}

// The per-rule constants (`EKS105`, ...) are for the rule engine, which does not use them yet.
#[allow(clippy::all, missing_docs, dead_code)]
mod generated {
    use super::{RuleMeta, Safety, Severity};
    include!(concat!(env!("OUT_DIR"), "/rules.rs"));
}

pub use generated::*;

/// Finds a rule by id (`EKS101`) or name (`invalid-principal-arn`), ignoring case.
pub fn lookup(key: &str) -> Option<&'static RuleMeta> {
    RULES
        .iter()
        .find(|r| r.id.eq_ignore_ascii_case(key) || r.name.eq_ignore_ascii_case(key))
}

/// The rule whose id or name is closest to a mistyped `key` (`EKS3O2`, `invalid-entry`), if
/// one is close enough to be what was meant.
pub fn suggest(key: &str) -> Option<&'static RuleMeta> {
    let key = key.to_ascii_lowercase();
    RULES
        .iter()
        .flat_map(|r| {
            [r.id, r.name].map(|n| {
                (
                    crate::diagnostic::likeness(&key, &n.to_ascii_lowercase()),
                    r,
                )
            })
        })
        .filter(|(score, _)| *score >= 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, r)| r)
}

/// Finds a rule by id or name, or says which one was probably meant.
pub fn resolve(key: &str) -> Result<&'static RuleMeta, String> {
    lookup(key).ok_or_else(|| match suggest(key) {
        Some(r) => format!("unknown rule {key:?}; did you mean {} ({})?", r.id, r.name),
        None => format!("unknown rule {key:?}; `ekslint rules` lists them"),
    })
}

/// The rules as a Markdown table (README.md holds a copy, kept in sync by a test).
pub fn markdown_table() -> String {
    let mut out = String::from(
        "| id | name | severity | applies | fix | summary |\n|---|---|---|---|---|---|\n",
    );
    for r in RULES {
        out.push_str(&format!(
            "| [{id}](rules/{id}-{name}.md) | {name} | {sev} | {applies} | {fix} | {summary} |\n",
            id = r.id,
            name = r.name,
            sev = r.severity.as_str(),
            applies = r.applies,
            fix = r.fix.map_or("none", Safety::as_str),
            summary = r.summary
        ));
    }
    out
}
