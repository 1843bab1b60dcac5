//! Evaluating the policies over a model: each rule set of each package once, its findings
//! turned into diagnostics at the locations they name.

use super::{FileProblem, Package, Policies, PolicyFile, Set, metadata};
use crate::diagnostic::Diagnostic;
use crate::ir::Model;
use crate::model_json::{self, Location};
use crate::rules::{EKS000, Links, RuleMeta};
use crate::source::{FileId, SourceFile, SourceMap, Span};
use rayon::prelude::*;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::OnceLock;

/// What the policies found.
#[derive(Debug, Default)]
pub struct Evaluation {
    /// The custom findings, to be filtered, suppressed and reported like built-in ones.
    pub findings: Vec<Diagnostic>,
    /// Mistakes of the policies: a policy that does not compile, fails, runs out of time or
    /// returns a finding that cannot be placed (see [`Policies::errors`]).
    problems: Vec<FileProblem>,
    /// Rule ids found in findings that no METADATA block declares.
    pub undeclared: Vec<&'static RuleMeta>,
}

impl Policies {
    /// Whether there are rule sets to evaluate (else [`Policies::evaluate`] reads nothing).
    pub fn evaluates(&self) -> bool {
        self.engine.is_some() && !self.packages.is_empty()
    }

    /// Evaluates every policy once over `model`, whose spans are in `sources`. `links` holds
    /// the model's links (as [`crate::rules::links`] finds them), or gets them here.
    pub fn evaluate(
        &self,
        model: &Model,
        sources: &SourceMap,
        links: &OnceLock<Links>,
    ) -> Evaluation {
        let mut problems: Vec<FileProblem> = self.problems.clone();
        let mut out = Evaluation::default();
        if let Some(engine) = self.engine.as_ref().filter(|_| self.evaluates()) {
            let document =
                model_json::input(model, sources, links, &|field| self.reads.reads(field));
            let mut engine = engine.clone();
            engine.set_input(document.json.clone());
            let jobs: Vec<(&Package, Set, usize, usize)> = self
                .packages
                .iter()
                .flat_map(|p| {
                    p.sets
                        .iter()
                        .map(move |&(set, file, head)| (p, set, file, head))
                })
                .collect();
            // Each rule set on its own copy of the interpreter, in parallel, a task each (so
            // that a thread done with its sets takes another's); the results are taken in order.
            let results: Vec<_> = jobs
                .par_iter()
                .with_max_len(1)
                .map(|&(package, set, ..)| {
                    let path = format!("{}.{}", package.path, set.name());
                    engine
                        .clone()
                        .eval_rule(path)
                        .map(|value| self.findings(package, set, value, &document.locations))
                        .map_err(|e| e.to_string())
                })
                .collect();
            for (&(package, set, file, head), result) in jobs.iter().zip(results) {
                let problem = |message: String| FileProblem {
                    file,
                    offset: head,
                    message: format!("`{}` of {}: {message}", set.name(), package.name),
                };
                match result {
                    Ok(items) => {
                        for item in items {
                            match item {
                                Ok((d, rule)) => {
                                    if self.lookup(rule.id).is_none() {
                                        out.undeclared.push(rule);
                                    }
                                    out.findings.push(d);
                                }
                                Err(message) => problems.push(problem(message)),
                            }
                        }
                    }
                    Err(text) => {
                        let (file, offset) = locate(&self.files, &text).unwrap_or((file, head));
                        problems.push(FileProblem {
                            file,
                            offset,
                            ..problem(format!(
                                "evaluation failed: {}; its findings are missing",
                                message_of(&text)
                            ))
                        });
                    }
                }
            }
            crate::threads::free_elsewhere((document, engine));
        }
        out.undeclared.sort_by_key(|r| r.id);
        out.undeclared.dedup_by_key(|r| r.id);
        out.problems = problems;
        out
    }

    /// The mistakes of an evaluation as EKS000 findings in the policy files, which are added to
    /// `sources` (once per path: `added` holds those added already, by several sets of
    /// policies) so that the findings can point into them.
    pub fn errors(
        &self,
        evaluation: &Evaluation,
        sources: &mut SourceMap,
        added: &mut HashMap<String, FileId>,
    ) -> Vec<Diagnostic> {
        evaluation
            .problems
            .iter()
            .map(|p| {
                let f = &self.files[p.file];
                let id = *added.entry(f.display.clone()).or_insert_with(|| {
                    sources.add(SourceFile::new(f.display.clone(), f.text.clone()))
                });
                Diagnostic::new(
                    EKS000,
                    Span::of_char(id, &self.files[p.file].text, p.offset),
                    p.message.clone(),
                )
            })
            .collect()
    }

    /// The findings of one rule set's value, or why each item cannot be reported.
    fn findings(
        &self,
        package: &Package,
        set: Set,
        value: regorus::Value,
        locations: &[Location],
    ) -> Vec<Result<(Diagnostic, &'static RuleMeta), String>> {
        let items = match serde_json::to_value(&value) {
            _ if value == regorus::Value::Undefined => return Vec::new(),
            Ok(Value::Array(items)) => items,
            Ok(other) => {
                return vec![Err(format!(
                    "must be a set of findings (objects with id, message and at), not {}",
                    brief(&other)
                ))];
            }
            Err(e) => return vec![Err(format!("its value cannot be read: {e}"))],
        };
        items
            .iter()
            .map(|item| self.finding(package, set, item, locations))
            .collect()
    }

    fn finding(
        &self,
        package: &Package,
        set: Set,
        item: &Value,
        locations: &[Location],
    ) -> Result<(Diagnostic, &'static RuleMeta), String> {
        let Value::Object(o) = item else {
            return Err(format!(
                "a finding is not an object with id, message and at: {}",
                brief(item)
            ));
        };
        let string = |key: &str| match o.get(key) {
            Some(Value::String(s)) => Ok(Some(s.as_str())),
            None | Some(Value::Null) => Ok(None),
            Some(other) => Err(format!(
                "the finding {} has a {key} that is not a string: {}",
                brief(item),
                brief(other)
            )),
        };
        let id = string("id")?.ok_or_else(|| format!("a finding has no id: {}", brief(item)))?;
        metadata::check_id(id).map_err(|e| format!("{e}: {}", brief(item)))?;
        let message = string("message")?
            .ok_or_else(|| format!("the finding {id} has no message: {}", brief(item)))?;
        let help = string("help")?;
        let location = match o.get("at") {
            None | Some(Value::Null) => {
                return Err(format!(
                    "the finding {id} has no `at` (the location id of the offending value, such as `entry.principal_arn.at`): {}",
                    brief(item)
                ));
            }
            Some(at) => at
                .as_u64()
                .and_then(|i| locations.get(usize::try_from(i).ok()?))
                .ok_or_else(|| {
                    format!(
                        "the finding {id} has `at` {}, which is not a location of the input: {}",
                        brief(at),
                        brief(item)
                    )
                })?,
        };
        let rule = self
            .lookup(id)
            .filter(|r| r.id == id)
            .unwrap_or_else(|| metadata::undeclared(id, set, &package.name));
        let mut d = Diagnostic::new(rule, location.span, message.to_string())
            .with_related(location.origin.iter().cloned());
        d.severity = set.severity();
        d.help = help.map(|h| h.to_string().into());
        Ok((d, rule))
    }
}

/// A short rendering of a JSON value for a message.
fn brief(v: &Value) -> String {
    let text = v.to_string();
    match text.char_indices().nth(120) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

/// The file and offset of the first `--> path:line:column` of an interpreter error, when the
/// path is one of `files`.
pub(super) fn locate(files: &[PolicyFile], error: &str) -> Option<(usize, usize)> {
    error.lines().find_map(|line| {
        let at = line.trim().strip_prefix("--> ")?;
        let mut parts = at.rsplitn(3, ':');
        let column: usize = parts.next()?.parse().ok()?;
        let line: usize = parts.next()?.parse().ok()?;
        let path = parts.next()?;
        let index = files.iter().position(|f| f.display == path)?;
        let text = &files[index].text;
        let file = SourceFile::new(String::new(), text.clone());
        if line == 0 || line > file.line_count() {
            return None;
        }
        // The interpreter counts columns in bytes, a tab as four.
        let range = file.line_range(line);
        let mut col = 1;
        let offset = text[range.clone()]
            .char_indices()
            .find_map(|(i, c)| {
                let here = col;
                col += if c == '\t' { 4 } else { c.len_utf8() };
                (here >= column).then_some(range.start + i)
            })
            .unwrap_or(range.end);
        Some((index, offset))
    })
}

/// The message of an interpreter error, without its source excerpts.
pub(super) fn message_of(error: &str) -> String {
    if error.contains("execution exceeded time limit") {
        return format!(
            "it ran longer than the {} s limit and was stopped",
            crate::limits::POLICY_TIME_LIMIT.as_secs_f64()
        );
    }
    let message: Vec<&str> = error
        .lines()
        .map(str::trim)
        .filter(|l| {
            let frame = l
                .trim_start_matches(|c: char| c.is_ascii_digit())
                .trim_start();
            !l.is_empty() && !l.starts_with("-->") && !frame.starts_with('|')
        })
        .map(|l| l.strip_prefix("error: ").unwrap_or(l))
        .collect();
    match message.join(" ") {
        m if m.is_empty() => error.trim().to_string(),
        m => m,
    }
}
