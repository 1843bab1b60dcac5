//! Custom policies in Rego, evaluated by the embedded `regorus` interpreter over the normalized
//! model of all linted files (the document `ekslint model` prints, see [`crate::model_json`]).
//!
//! A policy is a package under `ekslint.policies`; its findings are the items of its `deny`
//! (error), `warn` (warning) and `info` (note) rules: objects with `id`, `message`, `at` (a
//! location id of the input) and optionally `help`. `# METADATA` blocks with `custom.id` declare
//! the rules (title, description, severity, related resources), which then join the catalog
//! (`ekslint rules`, `explain`, SARIF, the language server) as interned `&'static RuleMeta`s.
//!
//! A policy that does not compile, fails or runs past the time limit at evaluation, or returns a
//! finding that cannot be placed is reported as an EKS000 finding in the policy file (exit code
//! 2); the other policies and every built-in rule still run.

mod eval;
mod load;
mod metadata;
mod scan;
pub mod test;

pub use eval::Evaluation;
pub use load::{PolicyFile, read};
pub use metadata::Set;

use crate::rules::{self, RuleMeta};
use regorus::Engine;
use std::collections::{BTreeMap, HashMap};

/// Compiled policies and the rules they declare. The default has none.
#[derive(Clone, Debug, Default)]
pub struct Policies {
    /// The interpreter with every policy file that compiles; `None` when there is none.
    engine: Option<Engine>,
    files: Vec<PolicyFile>,
    /// The packages under `ekslint.policies`, sorted by name.
    packages: Vec<Package>,
    /// The rules declared by METADATA blocks, sorted by id.
    rules: Vec<&'static RuleMeta>,
    /// The same rules by their ids and names in lower case, each key to the first rule in
    /// `rules` that has it: every rule key a suppression or a configuration names is looked
    /// up, and policies may declare thousands.
    by_key: HashMap<String, &'static RuleMeta>,
    /// Mistakes found while compiling, reported on every run.
    problems: Vec<FileProblem>,
    /// The top-level fields of the input the policies may read (the others are left empty).
    reads: scan::Reads,
}

/// A package under `ekslint.policies` and the finding rules it declares.
#[derive(Clone, Debug)]
struct Package {
    /// `ekslint.policies.admin`.
    name: String,
    /// Its rule path (`data.ekslint.policies.admin`).
    path: String,
    /// Each rule set with the file and offset of its first head.
    sets: Vec<(Set, usize, usize)>,
}

/// A mistake at an offset of a policy file (an index into [`Policies::files`]).
#[derive(Clone, Debug, PartialEq)]
struct FileProblem {
    file: usize,
    offset: usize,
    message: String,
}

/// A new interpreter with the evaluation time limit.
fn new_engine() -> Engine {
    use crate::limits::{POLICY_TIME_CHECK_INTERVAL, POLICY_TIME_LIMIT};
    use regorus::utils::limits::ExecutionTimerConfig;
    let mut engine = Engine::new();
    engine.set_execution_timer_config(ExecutionTimerConfig {
        limit: POLICY_TIME_LIMIT,
        check_interval: std::num::NonZeroU32::new(POLICY_TIME_CHECK_INTERVAL)
            .unwrap_or(std::num::NonZeroU32::MIN),
    });
    engine
}

impl Policies {
    /// Compiles policy files. What does not compile is kept as a problem of its file, and
    /// the rest is compiled without it.
    pub fn compile(files: Vec<PolicyFile>) -> Policies {
        let mut problems = Vec::new();
        let mut excluded = vec![false; files.len()];
        let engine = loop {
            let mut engine = new_engine();
            for (i, f) in files.iter().enumerate() {
                if excluded[i] {
                    continue;
                }
                if let Err(e) = engine.add_policy(f.display.clone(), f.text.clone()) {
                    problems.push(problem_of(&files, i, &e.to_string(), "does not compile"));
                    excluded[i] = true;
                }
            }
            if excluded.iter().all(|e| *e) {
                break None;
            }
            // The analysis of all modules together (rule dependencies, imports): a mistake it
            // finds is in one file, which is left out before analysing the rest again.
            // (Kept prepared: the copies made for each evaluation start from here.)
            match engine.eval_query("true".into(), false) {
                Ok(_) => break Some(engine),
                Err(e) => {
                    let text = e.to_string();
                    let at = eval::locate(&files, &text)
                        .map(|(file, _)| file)
                        .filter(|f| !excluded[*f]);
                    let file = at.unwrap_or_else(|| excluded.iter().position(|e| !e).unwrap_or(0));
                    problems.push(problem_of(&files, file, &text, "does not compile"));
                    excluded[file] = true;
                }
            }
        };
        let reads = files
            .iter()
            .zip(&excluded)
            .filter(|(_, excluded)| !**excluded)
            .fold(scan::Reads::default(), |reads, (f, _)| {
                reads.and(scan::input_reads(&f.text))
            });
        let mut policies = Policies {
            engine: None,
            files,
            packages: Vec::new(),
            rules: Vec::new(),
            by_key: HashMap::new(),
            problems,
            reads,
        };
        if let Some(engine) = engine {
            policies.index(&engine, &excluded);
            policies.engine = Some(engine);
        }
        policies.problems.sort_by_key(|p| (p.file, p.offset));
        policies
    }

    /// Finds the packages, their rule sets and the declared rules of the compiled files.
    fn index(&mut self, engine: &Engine, excluded: &[bool]) {
        let by_display: HashMap<&str, usize> = self
            .files
            .iter()
            .enumerate()
            .map(|(i, f)| (f.display.as_str(), i))
            .collect();
        let mut packages: BTreeMap<String, Package> = BTreeMap::new();
        let mut declared: BTreeMap<&'static str, (usize, usize)> = BTreeMap::new();
        for module in engine.get_policy_package_components().unwrap_or_default() {
            let Some(&file) = by_display.get(module.source_file.as_str()) else {
                continue;
            };
            if excluded[file] {
                continue;
            }
            let text = &self.files[file].text;
            let name = module.components.join(".");
            let (rules, problems) = metadata::declared(
                &scan::metadata_blocks(text),
                &self.files[file].display,
                &name,
            );
            self.problems
                .extend(problems.into_iter().map(|p| FileProblem {
                    file,
                    offset: p.offset,
                    message: p.message,
                }));
            for (meta, offset) in rules {
                match declared.get(meta.id) {
                    Some(&(f, o)) => self.problems.push(FileProblem {
                        file,
                        offset,
                        message: format!(
                            "METADATA: {} is already declared at {}",
                            meta.id,
                            position(&self.files[f], o)
                        ),
                    }),
                    None => {
                        declared.insert(meta.id, (file, offset));
                        self.rules.push(meta);
                    }
                }
            }
            let [first, second, rest @ ..] = module.components.as_slice() else {
                continue;
            };
            if first != "ekslint" || second != "policies" || rest.is_empty() {
                continue;
            }
            let package = packages.entry(name.clone()).or_insert_with(|| Package {
                path: rule_path(&module.components),
                name,
                sets: Vec::new(),
            });
            for set in Set::ALL {
                let has = engine
                    .has_declared_rule_rooted_at(&module.source_file, set.name())
                    .unwrap_or(false);
                if has && !package.sets.iter().any(|(s, ..)| *s == set) {
                    let offset = scan::heads(text, |n| n == set.name())
                        .first()
                        .map_or(0, |(_, o)| *o);
                    package.sets.push((set, file, offset));
                }
            }
        }
        for package in packages.values_mut() {
            package.sets.sort();
        }
        self.packages = packages.into_values().collect();
        self.rules.sort_by_key(|r| r.id);
        for r in &self.rules {
            for key in [r.id, r.name] {
                self.by_key.entry(key.to_ascii_lowercase()).or_insert(r);
            }
        }
    }

    /// The rules the policies declare, sorted by id.
    pub fn rules(&self) -> &[&'static RuleMeta] {
        &self.rules
    }

    /// The number of policy files that do not compile or declare a rule wrongly.
    pub fn problem_count(&self) -> usize {
        self.problems.len()
    }

    /// The compile problems as `file:line:column: message` lines.
    pub fn describe_problems(&self) -> Vec<String> {
        self.problems
            .iter()
            .map(|p| {
                let f = &self.files[p.file];
                format!("{}:{}: {}", f.display, position(f, p.offset), p.message)
            })
            .collect()
    }

    /// A declared custom rule by id or name, ignoring case.
    pub fn lookup(&self, key: &str) -> Option<&'static RuleMeta> {
        self.by_key.get(&key.to_ascii_lowercase()).copied()
    }

    /// A built-in or declared rule by id or name, or which one was probably meant.
    pub fn resolve(&self, key: &str) -> Result<&'static RuleMeta, String> {
        if let Some(r) = rules::lookup(key).or_else(|| self.lookup(key)) {
            return Ok(r);
        }
        let lower = key.to_ascii_lowercase();
        let close = self
            .rules
            .iter()
            .flat_map(|r| {
                [r.id, r.name].map(|n| {
                    (
                        crate::diagnostic::likeness(&lower, &n.to_ascii_lowercase()),
                        r,
                    )
                })
            })
            .filter(|(score, _)| *score >= 0.85)
            .max_by(|a, b| a.0.total_cmp(&b.0));
        match close {
            Some((_, r)) => Err(format!(
                "unknown rule {key:?}; did you mean {} ({})?",
                r.id, r.name
            )),
            None => rules::resolve(key),
        }
    }
}

/// `line:column` of an offset of a policy file.
fn position(file: &PolicyFile, offset: usize) -> String {
    crate::source::SourceFile::new(String::new(), file.text.clone())
        .position(offset)
        .to_string()
}

/// The rule path of a package's components: `data.a.b`, with `["..."]` for a component that is
/// not an identifier.
fn rule_path(components: &[String]) -> String {
    let mut out = String::from("data");
    for c in components {
        let ident = c.starts_with(|ch: char| ch.is_ascii_alphabetic() || ch == '_')
            && c.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_');
        if ident {
            out.push('.');
            out.push_str(c);
        } else {
            out.push_str(&format!("[{}]", serde_json::Value::String(c.clone())));
        }
    }
    out
}

/// A problem from an interpreter error: at the position it names when that is in one of the
/// files, else at the start of file `file`.
fn problem_of(files: &[PolicyFile], file: usize, error: &str, what: &str) -> FileProblem {
    let (file, offset) = eval::locate(files, error).unwrap_or((file, 0));
    FileProblem {
        file,
        offset,
        message: format!("the policy {what}: {}", eval::message_of(error)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(display: &str, text: &str) -> PolicyFile {
        PolicyFile {
            display: display.into(),
            text: text.into(),
        }
    }

    #[test]
    fn declared_rules_are_found_by_id_or_name_in_any_case_the_first_by_id_first() {
        let declare = |id: &str, name: &str| {
            format!(
                "# METADATA\n# title: t\n# custom:\n#   id: {id}\n#   name: {name}\n#   severity: note\ninfo contains f if {{\n  false\n  f := 1\n}}\n\n"
            )
        };
        // The name of ORG002 is the id of ORG001, written in another case.
        let text = ["package ekslint.policies.k\n\n".to_string()]
            .into_iter()
            .chain((0..300).map(|i| declare(&format!("ORG{:03}", 300 - i), &format!("name-{i}"))))
            .chain([declare("ORG000", "org001-alias")])
            .collect::<String>()
            .replace("ORG299\n#   name: name-1\n", "ORG299\n#   name: org001\n");
        let policies = Policies::compile(vec![file("k.rego", &text)]);
        assert_eq!(
            policies.problem_count(),
            0,
            "{:?}",
            policies.describe_problems()
        );
        assert_eq!(policies.rules().len(), 301);
        let found = |key: &str| policies.lookup(key).map(|r| r.id);
        assert_eq!(found("ORG300"), Some("ORG300"));
        assert_eq!(found("org300"), Some("ORG300"));
        assert_eq!(found("NAME-0"), Some("ORG300"));
        assert_eq!(found("Org001-Alias"), Some("ORG000"));
        // ORG001 by its id, and ORG299 by its name: the first by id wins.
        assert_eq!(found("org001"), Some("ORG001"));
        assert_eq!(found("ORG301"), None);
        assert_eq!(found("name-300"), None);
    }

    #[test]
    fn a_file_that_does_not_compile_leaves_the_others() {
        let policies = Policies::compile(vec![
            file(
                "a.rego",
                "package ekslint.policies.a\n\ndeny contains f if {\n  some x in input.y\n  f := x ~ 2\n}\n",
            ),
            file(
                "b.rego",
                "package ekslint.policies.b\n\nwarn contains f if { false }\n",
            ),
        ]);
        let problems = policies.describe_problems();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].starts_with("a.rego:5:10: the policy does not compile: invalid character"),
            "{problems:?}"
        );
        assert_eq!(policies.packages.len(), 1);
        assert_eq!(policies.packages[0].name, "ekslint.policies.b");
        assert_eq!(policies.packages[0].sets, [(Set::Warn, 1, 28)]);
    }

    #[test]
    fn rule_paths_quote_what_is_not_an_identifier() {
        assert_eq!(
            rule_path(&["ekslint".into(), "policies".into(), "a-b".into()]),
            "data.ekslint.policies[\"a-b\"]"
        );
    }
}
