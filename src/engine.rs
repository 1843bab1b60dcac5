//! One lint run: sources → parsers → IR → rules → sorted diagnostics.

use crate::diagnostic::{Diagnostic, Severity};
use crate::parse::{self, ParseError, Skipped};
use crate::report::Report;
use crate::rules::{self, EKS000, EKS003, RuleMeta, RuleOptions};
use crate::source::{FileId, SourceFile, SourceMap, Span};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// One input: a file from disk or standard input.
#[derive(Debug)]
pub struct Input {
    /// The path shown in reports.
    pub display: String,
    /// The file's directory on disk (Terraform files of one directory form a module).
    pub dir: PathBuf,
    pub bytes: Vec<u8>,
    /// Named explicitly: a file without a known suffix is still sniffed.
    pub explicit: bool,
    /// Read only for context (the rest of a module): its findings are not reported.
    pub context: bool,
    /// Why the file could not be read (then `bytes` is empty): an EKS000 on the file.
    pub unreadable: Option<String>,
}

/// Everything that changes which findings a run reports.
#[derive(Debug, Default)]
pub struct LintOptions {
    pub rule_options: RuleOptions,
    /// Run only these rules (all when `None`).
    pub select: Option<Vec<&'static RuleMeta>>,
    pub ignore: Vec<&'static RuleMeta>,
    pub severity: BTreeMap<&'static str, Severity>,
    /// Inputs of the YAML and JSON formats (CloudFormation parameters).
    pub structured: parse::StructuredOptions,
    /// Values for Terraform root modules' variables.
    pub terraform: parse::terraform::TerraformInputs,
    /// Custom Rego policies, evaluated once per run over the whole model.
    pub policies: crate::policy::Policies,
}

impl LintOptions {
    fn enabled(&self, rule: &str) -> bool {
        // Parse errors are always reported: they are why a file has no other findings.
        rule == EKS000.id
            || (self
                .select
                .as_ref()
                .is_none_or(|s| s.iter().any(|r| r.id == rule))
                && !self.ignore.iter().any(|r| r.id == rule))
    }

    /// The rules that run, sorted by id: built-in ones, then the policies' declared ones.
    pub fn rules(&self) -> Vec<&'static RuleMeta> {
        rules::RULES
            .iter()
            .chain(self.policies.rules().iter().copied())
            .filter(|r| self.enabled(r.id))
            .collect()
    }

    /// A built-in or custom rule by id or name.
    pub fn lookup(&self, key: &str) -> Option<&'static RuleMeta> {
        rules::lookup(key).or_else(|| self.policies.lookup(key))
    }
}

/// How a file is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Terraform,
    /// YAML or JSON: CloudFormation, eksctl, or neither.
    Structured,
}

fn kind_of(name: &str, explicit: bool, text: &str) -> Option<Kind> {
    if name.ends_with(".tf") || name.ends_with(".tf.json") {
        Some(Kind::Terraform)
    } else if [".yaml", ".yml", ".json", ".template"]
        .iter()
        .any(|s| name.ends_with(s))
    {
        Some(Kind::Structured)
    } else if explicit && NOT_INFRASTRUCTURE.iter().any(|s| name.ends_with(s)) {
        None
    } else if explicit {
        // Named on the command line: Terraform if its first statement is an HCL block or
        // attribute, else YAML/JSON (which skips what is neither template format).
        Some(if starts_like_hcl(text) {
            Kind::Terraform
        } else {
            Kind::Structured
        })
    } else {
        None
    }
}

/// Name endings of files that are never templates, even when named on the command line
/// (documentation and code that may quote templates).
const NOT_INFRASTRUCTURE: [&str; 16] = [
    ".md",
    ".markdown",
    ".rst",
    ".adoc",
    ".txt",
    ".toml",
    ".lock",
    ".ini",
    ".cfg",
    ".rs",
    ".py",
    ".go",
    ".js",
    ".ts",
    ".sh",
    ".html",
];

/// Whether the first line that is not blank or a comment opens an HCL block
/// (`resource "a" "b" {`, `locals {`) or is an attribute (`name = ...`).
fn starts_like_hcl(text: &str) -> bool {
    let Some(line) = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with("//"))
    else {
        return false;
    };
    let ident_end = line
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(line.len());
    if ident_end == 0 {
        return false;
    }
    let mut rest = line[ident_end..].trim_start();
    if rest.starts_with('=') && !rest.starts_with("==") {
        return true;
    }
    while let Some(after) = rest.strip_prefix('"') {
        let Some(close) = after.find('"') else {
            return false;
        };
        rest = after[close + 1..].trim_start();
    }
    rest.starts_with('{')
}

/// Lints the inputs together.
pub fn lint(inputs: Vec<Input>, options: &LintOptions) -> Report {
    check(parse(inputs, options), options)
}

/// The inputs read into one model.
#[derive(Debug)]
pub struct Parsed {
    /// Sorted by display path; file ids follow this order.
    pub inputs: Vec<Input>,
    pub sources: SourceMap,
    pub model: crate::ir::Model,
    /// Files that could not be read or parsed.
    pub errors: Vec<ParseError>,
    skipped: Vec<(FileId, Skipped)>,
    /// Whether each input was read as one of the formats.
    linted: Vec<bool>,
    /// Files read beyond the inputs whose findings are reported.
    reported: std::collections::BTreeSet<FileId>,
}

/// Reads and parses the inputs into one model.
pub fn parse(mut inputs: Vec<Input>, options: &LintOptions) -> Parsed {
    inputs.sort_by(|a, b| a.display.cmp(&b.display));
    let decoded: Vec<(SourceFile, Option<usize>)> = inputs
        .par_iter_mut()
        .map(|input| {
            let bytes = std::mem::take(&mut input.bytes);
            match String::from_utf8(bytes) {
                Ok(text) => (SourceFile::new(input.display.clone(), text), None),
                Err(e) => {
                    let at = e.utf8_error().valid_up_to();
                    let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
                    (SourceFile::new(input.display.clone(), text), Some(at))
                }
            }
        })
        .collect();

    let mut sources = SourceMap::default();
    let mut errors: Vec<ParseError> = Vec::new();
    let mut units: BTreeMap<PathBuf, Vec<FileId>> = BTreeMap::new();
    let mut structured: Vec<FileId> = Vec::new();
    let mut skipped = Vec::new();
    // Whether each file was read as one of the formats (for the summary's file count).
    let mut linted = vec![false; inputs.len()];
    for (input, (file, bad_utf8)) in inputs.iter().zip(decoded) {
        let kind = kind_of(&file.path, input.explicit, &file.text);
        let id = sources.add(file);
        if let Some(why) = &input.unreadable {
            linted[id.0 as usize] = true;
            errors.push(ParseError {
                span: Span::new(id, 0, 0),
                message: format!("cannot read {}: {why}", input.display),
            });
            continue;
        }
        if let Some(at) = bad_utf8 {
            linted[id.0 as usize] = true;
            errors.push(ParseError {
                span: Span::new(id, at, at),
                message: "the file is not valid UTF-8".into(),
            });
            continue;
        }
        match kind {
            Some(Kind::Terraform) => units.entry(input.dir.clone()).or_default().push(id),
            Some(Kind::Structured) => structured.push(id),
            None if input.explicit => skipped.push((id, Skipped::NotInfrastructure)),
            None => {}
        }
    }

    for ids in units.values() {
        ids.iter().for_each(|id| linted[id.0 as usize] = true);
    }
    // Terraform reads more files than it was given (modules called from outside the linted
    // files, `.tfvars`): findings in them are reported only where `reported` says so.
    let terraform = parse::terraform::lint(units, &mut sources, &options.terraform);
    let sources_ref = &sources;
    let structured_results: Vec<_> = structured
        .par_iter()
        .map(|&id| {
            let file = sources_ref.get(id);
            (
                id,
                parse::structured(id, &file.path, &file.text, &options.structured),
            )
        })
        .collect();

    let mut model = terraform.model;
    errors.extend(terraform.errors);
    for (id, result) in structured_results {
        match result {
            Ok((m, e)) => {
                model.extend(m);
                errors.extend(e);
                linted[id.0 as usize] = true;
            }
            Err(why) => skipped.push((id, why)),
        }
    }

    Parsed {
        inputs,
        sources,
        model,
        errors,
        skipped,
        linted,
        reported: terraform.reported,
    }
}

/// Runs the rules and the policies over a model and gives the sorted findings.
fn check(parsed: Parsed, options: &LintOptions) -> Report {
    let Parsed {
        inputs,
        mut sources,
        model,
        errors,
        skipped,
        linted,
        reported,
    } = parsed;
    // The policies read the model while the rules check it.
    let (mut diagnostics, mut policy) = rayon::join(
        || rules::check(&model, &options.rule_options),
        || options.policies.evaluate(&model, &sources),
    );
    let policy_errors = options.policies.errors(&policy, &mut sources);
    diagnostics.append(&mut policy.findings);
    diagnostics.extend(
        errors
            .into_iter()
            .map(|e| Diagnostic::new(EKS000, e.span, e.message)),
    );
    diagnostics.retain(|d| options.enabled(d.rule));
    for d in &mut diagnostics {
        if let Some(s) = options.severity.get(d.rule) {
            d.severity = *s;
        }
    }
    apply_suppressions(
        &mut diagnostics,
        &model.suppressions,
        options,
        &policy.undeclared,
    );
    diagnostics.retain(|d| match inputs.get(d.span.file.0 as usize) {
        Some(input) => !input.context,
        None => reported.contains(&d.span.file),
    });
    // Mistakes of the policies are in the policy files, always reported.
    diagnostics.extend(policy_errors);
    let files_linted = inputs
        .iter()
        .zip(&linted)
        .filter(|(i, l)| **l && !i.context)
        .count();
    diagnostics.sort_by(|a, b| {
        (a.span.file, a.span.start, a.rule, a.span.end, &a.message).cmp(&(
            b.span.file,
            b.span.start,
            b.rule,
            b.span.end,
            &b.message,
        ))
    });
    // One finding per written mistake: instances (`for_each`, `count`) that give the same finding
    // at the same place are one finding listing every origin.
    diagnostics.dedup_by(|later, kept| {
        let same =
            later.rule == kept.rule && later.span == kept.span && later.message == kept.message;
        if same {
            for r in later.related.drain(..) {
                if !kept.related.contains(&r) {
                    kept.related.push(r);
                }
            }
        }
        same
    });

    Report {
        skipped,
        sources,
        diagnostics,
        rules: {
            let mut ran = options.rules();
            ran.extend(policy.undeclared.iter().filter(|r| options.enabled(r.id)));
            ran.sort_by_key(|r| r.id);
            ran
        },
        files_linted,
    }
}

/// Marks the findings that a suppression covers, and reports suppressions that covered nothing
/// (EKS003) for the rules that ran.
fn apply_suppressions(
    diagnostics: &mut Vec<Diagnostic>,
    suppressions: &[crate::ir::Suppression],
    options: &LintOptions,
    undeclared: &[&'static RuleMeta],
) {
    let mut unused = Vec::new();
    for s in suppressions {
        for key in &s.rules {
            let rule = options.lookup(key).or_else(|| {
                let key = key.as_str();
                undeclared
                    .iter()
                    .copied()
                    .find(|r| r.id.eq_ignore_ascii_case(key))
            });
            let mut used = false;
            for d in diagnostics.iter_mut() {
                let covered = d.span.file == s.covers.file
                    && s.covers.start <= d.span.start
                    && d.span.start <= s.covers.end;
                if covered && rule.is_some_and(|r| r.id == d.rule) && d.rule != EKS000.id {
                    d.suppressed = Some(crate::diagnostic::Suppression {
                        justification: s.reason.clone(),
                    });
                    used = true;
                }
            }
            let ran = rule.is_none_or(|r| options.enabled(r.id));
            if !used && ran && options.enabled(EKS003.id) {
                let message = match rule {
                    Some(r) => format!(
                        "this suppression of {} ({}) matches no finding",
                        r.id, r.name
                    ),
                    None => format!("{key:?} is not a rule id or name"),
                };
                unused.push(
                    Diagnostic::new(EKS003, s.written, message)
                        .with_help("remove it, or fix the rule id"),
                );
            }
        }
    }
    diagnostics.extend(unused);
}
