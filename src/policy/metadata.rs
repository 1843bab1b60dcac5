//! Custom rules' metadata: read from `# METADATA` annotations, and interned so that a custom
//! rule is a `&'static RuleMeta` like a built-in one.
//!
//! Interning keeps one copy of each distinct metadata for the life of the process: the language
//! server reloads the policies on every keystroke and gets the same references back, so memory
//! grows only with the number of distinct versions of the annotations, not with the edits.

use super::scan::MetadataBlock;
use crate::diagnostic::Severity;
use crate::parse::tree::{Node, NodeKind, parse_yaml};
use crate::rules::{self, RuleMeta};
use crate::source::FileId;
use std::collections::BTreeMap;
use std::sync::Mutex;

/// The rules a policy package's findings are read from, and the severity each gives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Set {
    Deny,
    Warn,
    Info,
}

impl Set {
    pub const ALL: [Set; 3] = [Set::Deny, Set::Warn, Set::Info];

    pub fn name(self) -> &'static str {
        match self {
            Set::Deny => "deny",
            Set::Warn => "warn",
            Set::Info => "info",
        }
    }

    pub fn severity(self) -> Severity {
        match self {
            Set::Deny => Severity::Error,
            Set::Warn => Severity::Warning,
            Set::Info => Severity::Note,
        }
    }

    pub fn parse(name: &str) -> Option<Set> {
        Set::ALL.into_iter().find(|s| s.name() == name)
    }
}

/// A mistake at a byte offset of a policy file.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    pub offset: usize,
    pub message: String,
}

/// Checks a custom rule id: letters, digits, `_`, `-` and `.`, starting with a letter, not with
/// `EKS` (the built-in rules' prefix) and not a built-in rule's name.
pub fn check_id(id: &str) -> Result<(), String> {
    if id.len() > 64
        || !id.starts_with(|c: char| c.is_ascii_alphabetic())
        || !id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
    {
        return Err(format!(
            "rule id {id:?} must start with a letter and hold only letters, digits, '_', '-' and '.' (at most 64)"
        ));
    }
    if id.get(..3).is_some_and(|p| p.eq_ignore_ascii_case("EKS")) {
        return Err(format!(
            "rule id {id:?} starts with EKS, which is reserved for ekslint's built-in rules"
        ));
    }
    if let Some(r) = rules::lookup(id) {
        return Err(format!(
            "rule id {id:?} is the name of the built-in rule {}",
            r.id
        ));
    }
    Ok(())
}

/// The rules declared by a file's `# METADATA` blocks (those with `custom.id`), and the mistakes
/// in them. `file` is the file's display path and `package` its package, both for the
/// explanation.
pub fn declared(
    blocks: &[MetadataBlock],
    file: &str,
    package: &str,
) -> (Vec<(&'static RuleMeta, usize)>, Vec<Problem>) {
    let mut rules = Vec::new();
    let mut problems = Vec::new();
    for block in blocks {
        match declare(block, file, package) {
            Ok(Some(rule)) => rules.push(rule),
            Ok(None) => {}
            Err(p) => problems.push(p),
        }
    }
    (rules, problems)
}

fn declare(
    block: &MetadataBlock,
    file: &str,
    package: &str,
) -> Result<Option<(&'static RuleMeta, usize)>, Problem> {
    let problem = |at: usize, message: String| Problem {
        offset: block.start + at,
        message: format!("METADATA: {message}"),
    };
    let docs = parse_yaml(FileId(0), &block.yaml)
        .map_err(|e| problem(e.span.start as usize, e.message))?;
    let annotated = block
        .annotates
        .as_ref()
        .and_then(|(name, _)| Set::parse(name));
    let Some(doc) = docs.first().filter(|d| matches!(d.kind, NodeKind::Map(_))) else {
        return Err(problem(0, "the block is not a YAML mapping".into()));
    };
    let string = |node: &Node, key: &str| -> Result<Option<String>, Problem> {
        match node.get(key) {
            None
            | Some(Node {
                kind: NodeKind::Null,
                ..
            }) => Ok(None),
            Some(v) => match &v.kind {
                NodeKind::String(s) => Ok(Some(s.trim().to_string())),
                _ => Err(problem(
                    v.span.start as usize,
                    format!("{key} must be a string"),
                )),
            },
        }
    };
    let custom = doc.get("custom");
    let id_node = custom.and_then(|c| c.get("id"));
    let Some(id_node) = id_node else {
        return match annotated {
            Some(set) => Err(problem(
                0,
                format!(
                    "a METADATA block above `{}` needs `custom.id`: the id of the findings it describes",
                    set.name()
                ),
            )),
            None => Ok(None),
        };
    };
    let at = |node: &Node| node.span.start as usize;
    let id = match &id_node.kind {
        NodeKind::String(s) => s.trim().to_string(),
        _ => return Err(problem(at(id_node), "custom.id must be a string".into())),
    };
    check_id(&id).map_err(|e| problem(at(id_node), e))?;
    let custom = custom.unwrap_or(doc);
    let severity = match custom.get("severity") {
        None => match annotated {
            Some(set) => set.severity(),
            None => {
                return Err(problem(
                    at(id_node),
                    format!(
                        "{id}: custom.severity (error, warning or note) is needed: the block does not annotate a deny, warn or info rule"
                    ),
                ));
            }
        },
        Some(node) => {
            let level = node
                .as_str()
                .and_then(|s| Severity::parse(&s.to_ascii_lowercase()))
                .ok_or_else(|| {
                    problem(
                        at(node),
                        format!("{id}: custom.severity must be error, warning or note"),
                    )
                })?;
            if let Some(set) = annotated.filter(|s| s.severity() != level) {
                return Err(problem(
                    at(node),
                    format!(
                        "{id}: custom.severity {} contradicts the `{}` rule it annotates, whose findings are {}s",
                        level.as_str(),
                        set.name(),
                        set.severity().as_str()
                    ),
                ));
            }
            level
        }
    };
    let title = string(doc, "title")?;
    let description = string(doc, "description")?;
    let name = match string(custom, "name")? {
        Some(n) => {
            if !n
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                || n.is_empty()
            {
                let node = custom.get("name").unwrap_or(doc);
                return Err(problem(
                    at(node),
                    format!("{id}: custom.name must be lower-case letters, digits and '-'"),
                ));
            }
            n
        }
        None => slug(title.as_deref().unwrap_or(&id)),
    };
    if let Some(r) = rules::RULES
        .iter()
        .find(|r| r.name == name || r.id.eq_ignore_ascii_case(&name))
    {
        return Err(problem(
            at(id_node),
            format!(
                "{id}: its name {name:?} is the built-in rule {}'s; set custom.name",
                r.id
            ),
        ));
    }
    let resources = related_resources(doc).map_err(|(offset, m)| problem(offset, m))?;
    let summary = title
        .clone()
        .unwrap_or_else(|| format!("Custom policy rule {id}"));
    let doc_text = explanation(
        description.as_deref().or(title.as_deref()),
        &resources,
        file,
        package,
    );
    let help_uri = resources.first().map(|(url, _)| url.clone());
    let meta = intern(Fields {
        id,
        name,
        severity,
        summary,
        doc: doc_text,
        help_uri,
    });
    Ok(Some((meta, block.start + at(id_node))))
}

/// A related resource: its URL and description.
type Resource = (String, Option<String>);

/// `related_resources`: URLs, or `{ref, description}` objects; a mistake is (offset, message).
fn related_resources(doc: &Node) -> Result<Vec<Resource>, (usize, String)> {
    let Some(list) = doc.get("related_resources") else {
        return Ok(Vec::new());
    };
    let NodeKind::Seq(items) = &list.kind else {
        return Err((
            list.span.start as usize,
            "related_resources must be a list".into(),
        ));
    };
    items
        .iter()
        .map(|item| match (&item.kind, item.get("ref")) {
            (NodeKind::String(url), _) => Ok((url.clone(), None)),
            (NodeKind::Map(_), Some(r)) if r.as_str().is_some() => Ok((
                r.as_str().unwrap_or_default().to_string(),
                item.get("description")
                    .and_then(Node::as_str)
                    .map(str::to_string),
            )),
            _ => Err((
                item.span.start as usize,
                "a related resource is a URL or {ref: URL, description: text}".into(),
            )),
        })
        .collect()
}

/// The rule's Markdown explanation (`ekslint explain`, SARIF help).
fn explanation(what: Option<&str>, resources: &[Resource], file: &str, package: &str) -> String {
    let mut out = String::from("## What it does\n");
    out.push_str(what.unwrap_or("A custom policy rule (its METADATA has no description)."));
    out.push_str("\n\n");
    if !resources.is_empty() {
        out.push_str("## References\n");
        for (url, description) in resources {
            match description {
                Some(d) => out.push_str(&format!("- <{url}>: {d}\n")),
                None => out.push_str(&format!("- <{url}>\n")),
            }
        }
        out.push('\n');
    }
    out.push_str(&format!(
        "## Defined in\nThe custom policy `{file}` (package `{package}`).\n"
    ));
    out
}

/// A name from a title: lower-case words joined by `-`.
fn slug(title: &str) -> String {
    title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect::<Vec<_>>()
        .join("-")
}

/// What makes a custom rule's metadata.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Fields {
    pub id: String,
    pub name: String,
    pub severity: Severity,
    pub summary: String,
    pub doc: String,
    pub help_uri: Option<String>,
}

/// Every distinct custom metadata seen by this process.
static INTERNED: Mutex<BTreeMap<Fields, &'static RuleMeta>> = Mutex::new(BTreeMap::new());

/// The one `&'static RuleMeta` of these fields.
pub fn intern(fields: Fields) -> &'static RuleMeta {
    let mut table = INTERNED
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(meta) = table.get(&fields) {
        return meta;
    }
    let leak = |s: &str| -> &'static str { Box::leak(s.to_string().into_boxed_str()) };
    let meta: &'static RuleMeta = Box::leak(Box::new(RuleMeta {
        id: leak(&fields.id),
        name: leak(&fields.name),
        severity: fields.severity,
        summary: leak(&fields.summary),
        applies: "TF, CFN, EKSCTL",
        security_severity: None,
        fix: None,
        doc: leak(&fields.doc),
        help_uri: fields.help_uri.as_deref().map(leak),
    }));
    table.insert(fields, meta);
    meta
}

/// The metadata of a rule id that no METADATA block declares: found only in findings.
pub fn undeclared(id: &str, set: Set, package: &str) -> &'static RuleMeta {
    intern(Fields {
        id: id.to_string(),
        name: id.to_ascii_lowercase(),
        severity: set.severity(),
        summary: format!("Custom policy rule {id} of {package}"),
        doc: format!(
            "## What it does\nA finding of the custom policy package `{package}`; no `# METADATA` block declares `{id}` (`custom.id`), so it has no title or description.\n"
        ),
        help_uri: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::scan::metadata_blocks;

    fn read(text: &str) -> (Vec<(&'static RuleMeta, usize)>, Vec<Problem>) {
        declared(&metadata_blocks(text), "p.rego", "ekslint.policies.p")
    }

    #[test]
    fn a_block_declares_its_rule() {
        let text = "package ekslint.policies.p\n\n# METADATA\n# title: No IAM users\n# description: Roles only.\n# related_resources:\n#   - https://example.com/iam\n# custom:\n#   id: ORG003\ndeny contains f if { false }\n";
        let (rules, problems) = read(text);
        assert!(problems.is_empty(), "{problems:?}");
        let (meta, at) = rules[0];
        assert_eq!(meta.id, "ORG003");
        assert_eq!(meta.name, "no-iam-users");
        assert_eq!(meta.severity, Severity::Error);
        assert_eq!(meta.summary, "No IAM users");
        assert_eq!(meta.doc_url().as_deref(), Some("https://example.com/iam"));
        assert!(meta.explanation().contains("Roles only."));
        assert_eq!(&text[at..at + 6], "ORG003");
        // The same metadata again is the same reference.
        assert!(std::ptr::eq(meta, read(text).0[0].0));
    }

    #[test]
    fn mistakes_are_located() {
        let cases = [
            (
                "# METADATA\n# custom:\n#   id: EKS999\ndeny contains f if { false }\n",
                "EKS999",
                "reserved",
            ),
            (
                "# METADATA\n# title: x\nwarn contains f if { false }\n",
                "# METADATA",
                "needs `custom.id`",
            ),
            (
                "# METADATA\n# custom:\n#   id: ORG1\n#   severity: error\nwarn contains f if { false }\n",
                "error",
                "contradicts",
            ),
            (
                "# METADATA\n# custom:\n#   id: ORG1\n#   severity: loud\ninfo contains f if { false }\n",
                "loud",
                "must be error",
            ),
            (
                "# METADATA\n# custom:\n#   id: ORG1\nhelper := 1\n",
                "ORG1",
                "custom.severity",
            ),
            (
                "# METADATA\n# title: [unclosed\ndeny contains f if { false }\n",
                "",
                "METADATA:",
            ),
        ];
        for (text, at, message) in cases {
            let (rules, problems) = read(text);
            assert!(rules.is_empty(), "{text}");
            let p = &problems[0];
            assert!(p.message.contains(message), "{text}: {}", p.message);
            if !at.is_empty() {
                assert_eq!(&text[p.offset..p.offset + at.len()], at, "{text}");
            }
        }
    }

    #[test]
    fn ids_are_checked() {
        assert!(check_id("ORG001").is_ok());
        assert!(check_id("acme.admin-1").is_ok());
        assert!(check_id("eks101").is_err());
        assert!(check_id("invalid-principal-arn").is_err());
        assert!(check_id("1ORG").is_err());
        assert!(check_id("ORG 1").is_err());
    }
}
