//! Checking a run job by job: each job's model is checked alone and freed once it is, so the
//! models of a monorepo's deployment units are never all alive at once.
//!
//! A job checked alone gives the findings it gives among the others unless something ties it
//! to another job:
//! - an object that may bind by name to a cluster of another unit (see [`Reach`]);
//! - a manifest whose mappings may join the unit of a cluster of its directory;
//! - one finding that both give (a module file that two root modules evaluate), whose merged
//!   details follow the order of the whole model.
//!
//! Tied jobs are built again and checked together, until no finding ties two batches.
//!
//! Custom policies read the whole model at once: when some are evaluated, each job's model is
//! kept, and they are joined for the policies once the rules have checked them.

use super::jobs::{Built, Job, Jobs};
use super::{Found, LintOptions, join_models, partial, police, report, reported_files, sort};
use crate::diagnostic::Diagnostic;
use crate::ir::{Model, Reach, Suppression, Unit};
use crate::parse::{ParseError, Skipped, manifest};
use crate::report::Report;
use crate::rules::{self, RuleOptions};
use crate::source::{FileId, Span};
use foldhash::{HashMap, HashMapExt, HashSet};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What checking one job alone gives.
#[derive(Default)]
struct Checked {
    diagnostics: Vec<Diagnostic>,
    errors: Vec<ParseError>,
    skipped: Option<Skipped>,
    suppressions: Vec<Suppression>,
    reach: Reach,
    /// The directories of its manifests whose mappings may join the unit of another file.
    joining: Vec<PathBuf>,
    /// The directories of the files of its clusters.
    cluster_dirs: Vec<PathBuf>,
    /// Its model as built (its suppressions taken), when the policies are to read it (boxed:
    /// every job has the field).
    model: Option<Box<Model>>,
}

/// A job built, with what checking it alone gives but its findings.
struct Prepared {
    model: Model,
    /// The units of its mappings as built (when the model is kept), before the directory's
    /// units joined them.
    units: Vec<Unit>,
    checked: Checked,
}

/// Lints the jobs one by one, then again together where they are tied.
pub(super) fn lint(mut jobs: Jobs<'_>, options: &LintOptions) -> Report {
    let list = jobs.list();
    let keep = jobs.settings.iter().any(|s| s.policies.evaluates());
    let (mut checked, mut diagnostics) = {
        let rule_options: Vec<&RuleOptions> =
            jobs.settings.iter().map(|s| &s.rule_options).collect();
        let reported = reported_files(&jobs.inputs, &jobs.terraform.reported);
        let checker = Checker {
            jobs: &jobs,
            list: &list,
            rule_options: &rule_options,
            reported: &reported,
            scoped: partial(&jobs.inputs),
            keep,
        };
        // A few jobs to a task, but a task for each thread at least.
        let per_task = crate::threads::FILES_PER_TASK
            .min(list.len().div_ceil(rayon::current_num_threads()))
            .max(1);
        let mut checked: Vec<Checked> = list.iter().map(|_| Checked::default()).collect();
        checked
            .par_chunks_mut(per_task)
            .zip(list.par_chunks(per_task))
            // Each task on its own, to be taken by whichever thread is free (rayon would run
            // runs of them on one thread: a thread then finished alone).
            .with_max_len(1)
            .for_each(|(out, jobs)| {
                for (slot, c) in out.iter_mut().zip(checker.alone(jobs)) {
                    *slot = c;
                }
            });
        let diagnostics = checker.settle(&mut checked);
        (checked, diagnostics)
    };
    let mut models = Vec::new();
    for (&job, c) in list.iter().zip(checked.drain(..)) {
        jobs.record(job, c.errors, c.suppressions, c.skipped);
        models.extend(c.model.map(|m| *m));
    }
    let suppressions = jobs.finish();
    let model = join_models(models, |f| jobs.dir(f));
    let mut files = jobs.into_files();
    let policed = police(&mut files, &model);
    if keep {
        crate::threads::free_elsewhere(model);
    }
    diagnostics.extend(policed.findings);
    report(
        Found {
            files,
            diagnostics,
            suppressions,
            policy_errors: policed.errors,
            undeclared: policed.undeclared,
        },
        options,
    )
}

/// Builds and checks jobs.
struct Checker<'c, 'o> {
    jobs: &'c Jobs<'o>,
    list: &'c [Job],
    rule_options: &'c [&'c RuleOptions],
    reported: &'c (dyn Fn(FileId) -> bool + Sync),
    /// Whether the rules visit only the objects whose findings can be reported.
    scoped: bool,
    /// Whether each job's model is kept for the policies.
    keep: bool,
}

impl Checker<'_, '_> {
    /// The rules' view of a model.
    fn context<'m>(&'m self, model: &'m Model) -> rules::Context<'m> {
        rules::Context::new(model, self.rule_options, self.reported, self.scoped)
    }

    /// The findings of a model, in the report's order: sorted here, on the lint threads, so
    /// that the report's sort finds the jobs' findings in order (see `engine::sort`).
    fn findings(&self, model: &Model) -> Vec<Diagnostic> {
        let mut found = rules::check(&self.context(model));
        sort(&mut found);
        found
    }

    fn dir(&self, file: FileId) -> Option<&Path> {
        self.jobs.dir(file)
    }

    /// Builds a few jobs one after the other, then checks each alone, rule by rule. A step at
    /// a time over a few files keeps that step's code in the processor's cache: building and
    /// checking each file in turn ran the parser's, the lowering's and every rule's code
    /// through it for each file (eksctl, 1,000 files, 1 thread: 8% more time). Each model is
    /// freed (see [`crate::threads::free_later`]) unless it is kept.
    fn alone(&self, jobs: &[Job]) -> Vec<Checked> {
        let built: Vec<Built> = jobs.iter().map(|&job| self.jobs.build(job)).collect();
        let prepared: Vec<Prepared> = built.into_iter().map(|b| self.prepare(b)).collect();
        let found = {
            let contexts: Vec<rules::Context> =
                prepared.iter().map(|p| self.context(&p.model)).collect();
            rules::check_each(&contexts)
        };
        prepared
            .into_iter()
            .zip(found)
            .map(|(p, mut found)| {
                sort(&mut found);
                self.finish(p, found)
            })
            .collect()
    }

    /// What a built job tells before its rules run.
    fn prepare(&self, built: Built) -> Prepared {
        let mut model = built.model;
        let joining = manifest::joining_directories(&model, |f| self.dir(f))
            .into_iter()
            .map(Path::to_path_buf)
            .collect();
        // The whole model joins the units of each directory again, among all its clusters.
        let units: Vec<Unit> = if self.keep {
            model.mappings.iter().map(|m| m.unit.clone()).collect()
        } else {
            Vec::new()
        };
        manifest::join_directory_units(&mut model, |f| self.dir(f));
        let mut cluster_dirs: Vec<PathBuf> = model
            .clusters
            .iter()
            .filter_map(|c| self.dir(c.header.file))
            .map(Path::to_path_buf)
            .collect();
        cluster_dirs.sort_unstable();
        cluster_dirs.dedup();
        let reach = Reach::of(&model);
        Prepared {
            model,
            units,
            checked: Checked {
                errors: built.errors,
                skipped: built.skipped,
                reach,
                joining,
                cluster_dirs,
                ..Checked::default()
            },
        }
    }

    /// A prepared job with its findings; its model freed unless it is kept.
    fn finish(&self, prepared: Prepared, diagnostics: Vec<Diagnostic>) -> Checked {
        let Prepared {
            mut model,
            units,
            mut checked,
        } = prepared;
        checked.diagnostics = diagnostics;
        checked.suppressions = std::mem::take(&mut model.suppressions);
        if self.keep {
            for (m, unit) in model.mappings.iter_mut().zip(units) {
                m.unit = unit;
            }
            checked.model = Some(Box::new(model));
        } else {
            crate::threads::free_later(model);
        }
        checked
    }

    /// Builds the jobs at these positions again and checks them together.
    fn together(&self, members: &[usize]) -> Vec<Diagnostic> {
        let models: Vec<Model> = members
            .par_iter()
            .map(|&i| self.jobs.build(self.list[i]).model)
            .collect();
        self.findings(&join_models(models, |f| self.dir(f)))
    }

    /// The findings of every job: each job's own, unless it is tied to others, then those of
    /// its batch checked together. In job order (a batch at its first job).
    fn settle(&self, checked: &mut [Checked]) -> Vec<Diagnostic> {
        let mut batches = Batches::new(checked.len());
        batches.tie_by_reach(checked);
        // Freed before the findings are joined, when memory peaks (on the lint threads: the
        // jobs' allocations are theirs).
        checked.par_iter_mut().for_each(|c| {
            c.reach = Reach::default();
            c.joining = Vec::new();
            c.cluster_dirs = Vec::new();
        });
        // The findings of each batch, at its first job; a job's own while it is alone.
        let mut found: Vec<Option<Vec<Diagnostic>>> = checked
            .iter_mut()
            .map(|c| Some(std::mem::take(&mut c.diagnostics)))
            .collect();
        let mut checked_together: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        loop {
            for (first, members) in batches.groups() {
                if members.len() > 1 && checked_together.get(&first) != Some(&members) {
                    for &m in &members {
                        found[m] = None;
                    }
                    found[first] = Some(self.together(&members));
                    checked_together.insert(first, members);
                }
            }
            let ties = shared_findings(&found);
            if ties.is_empty() {
                break;
            }
            for (a, b) in ties {
                batches.union(a, b);
            }
        }
        // Joined into a vector of the exact size: the lists of all jobs are alive meanwhile.
        let total = found.iter().flatten().map(Vec::len).sum();
        let mut all = Vec::with_capacity(total);
        for mut list in found.into_iter().flatten() {
            all.append(&mut list);
        }
        all
    }
}

/// Pairs of batches (by first job) that give one finding both. Only findings in files that
/// more than one batch has findings in are compared.
fn shared_findings(found: &[Option<Vec<Diagnostic>>]) -> Vec<(usize, usize)> {
    let batches = || {
        found
            .iter()
            .enumerate()
            .flat_map(|(batch, d)| d.iter().flatten().map(move |d| (batch, d)))
    };
    // By file id (ids are dense): the first batch with findings in the file, and whether
    // another has some.
    let files = batches().map(|(_, d)| d.span.file.0 as usize + 1).max();
    let mut batch_of: Vec<Option<usize>> = vec![None; files.unwrap_or(0)];
    let mut shared = vec![false; batch_of.len()];
    for (batch, d) in batches() {
        let file = d.span.file.0 as usize;
        if *batch_of[file].get_or_insert(batch) != batch {
            shared[file] = true;
        }
    }
    if !shared.contains(&true) {
        return Vec::new();
    }
    let mut first: HashMap<(Span, &str, &str), usize> = HashMap::new();
    let mut ties = Vec::new();
    for (batch, d) in batches().filter(|(_, d)| shared[d.span.file.0 as usize]) {
        let at = *first
            .entry((d.span, d.rule, d.message.as_str()))
            .or_insert(batch);
        if at != batch {
            ties.push((at, batch));
        }
    }
    ties
}

/// Jobs tied into batches (a union-find whose root is a batch's first job).
struct Batches {
    parent: Vec<usize>,
}

impl Batches {
    fn new(jobs: usize) -> Batches {
        Batches {
            parent: (0..jobs).collect(),
        }
    }

    fn find(&mut self, mut i: usize) -> usize {
        while self.parent[i] != i {
            self.parent[i] = self.parent[self.parent[i]];
            i = self.parent[i];
        }
        i
    }

    fn union(&mut self, a: usize, b: usize) {
        let (a, b) = (self.find(a), self.find(b));
        let (first, other) = (a.min(b), a.max(b));
        self.parent[other] = first;
    }

    /// Ties the jobs an object may bind across, and the manifests that may join a unit of their
    /// directory to the jobs with clusters there.
    fn tie_by_reach(&mut self, checked: &[Checked]) {
        // Only the names some job seeks and the directories some job joins are gathered: most
        // jobs define a cluster that no other job binds to.
        let sought: HashSet<&str> = checked
            .iter()
            .flat_map(|c| c.reach.seeks.iter().map(String::as_str))
            .collect();
        let joined: HashSet<&Path> = checked
            .iter()
            .flat_map(|c| c.joining.iter().map(PathBuf::as_path))
            .collect();
        if sought.is_empty() && joined.is_empty() {
            return;
        }
        let mut defining: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut in_dir: HashMap<&Path, Vec<usize>> = HashMap::new();
        for (i, c) in checked.iter().enumerate() {
            for name in c
                .reach
                .defines
                .iter()
                .filter(|n| sought.contains(n.as_str()))
            {
                defining.entry(name).or_default().push(i);
            }
            for dir in c
                .cluster_dirs
                .iter()
                .filter(|d| joined.contains(d.as_path()))
            {
                in_dir.entry(dir).or_default().push(i);
            }
        }
        for (i, c) in checked.iter().enumerate() {
            let names = c
                .reach
                .seeks
                .iter()
                .filter_map(|n| defining.get(n.as_str()));
            let dirs = c.joining.iter().filter_map(|d| in_dir.get(d.as_path()));
            for &j in names.chain(dirs).flatten() {
                self.union(i, j);
            }
        }
    }

    /// Each batch of more than one job: its first job and its jobs, in order.
    fn groups(&mut self) -> BTreeMap<usize, Vec<usize>> {
        let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for i in 0..self.parent.len() {
            let root = self.find(i);
            if root != i {
                groups.entry(root).or_insert_with(|| vec![root]).push(i);
            }
        }
        groups
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Input, check, parse_here};
    use super::*;
    use crate::discover::discover;
    use crate::threads::OBJECTS_FOR_PARALLEL_RULES;
    use crate::workspace::module_dir;
    use std::path::Path;

    /// The files of a directory as the command line reads them.
    fn inputs(dir: &Path) -> Vec<Input> {
        discover(&[dir.to_path_buf()], &|_: &Path, _: bool| false)
            .found
            .into_iter()
            .map(|f| Input {
                display: crate::source::display_path(&f.path),
                dir: module_dir(&f.path),
                bytes: std::fs::read(&f.path).expect("a fixture file"),
                explicit: f.explicit,
                context: f.context,
                unreadable: None,
            })
            .collect()
    }

    fn in_memory(files: &[(&str, &str)]) -> Vec<Input> {
        files
            .iter()
            .map(|(path, text)| Input {
                display: path.to_string(),
                dir: module_dir(Path::new(path)),
                bytes: text.as_bytes().to_vec(),
                explicit: false,
                context: false,
                unreadable: None,
            })
            .collect()
    }

    /// The findings of the inputs checked job by job, and checked as one model.
    fn both(inputs: impl Fn() -> Vec<Input> + Sync) -> (Report, Report) {
        both_with(&LintOptions::default(), inputs)
    }

    fn both_with(
        options: &LintOptions,
        inputs: impl Fn() -> Vec<Input> + Sync,
    ) -> (Report, Report) {
        crate::threads::run(|| {
            let streamed = lint(Jobs::read(inputs(), options), options);
            let whole = check(parse_here(inputs(), options), options);
            (streamed, whole)
        })
    }

    /// Options with the example policies and one that reports the unit of every mapping.
    fn with_policies() -> LintOptions {
        let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/policies");
        let boundary = crate::trust::Boundary::around(&examples);
        let mut files =
            crate::policy::read(&[examples], &boundary, false).expect("the example policies");
        files.push(crate::policy::PolicyFile {
            display: "units.rego".into(),
            text: UNITS_POLICY.into(),
        });
        let policies = crate::policy::Policies::compile(files);
        assert_eq!(
            policies.problem_count(),
            0,
            "{:?}",
            policies.describe_problems()
        );
        LintOptions {
            settings: crate::scoped::Scoped::new(super::super::Settings {
                policies: std::sync::Arc::new(policies),
                ..super::super::Settings::default()
            }),
            ..LintOptions::default()
        }
    }

    const UNITS_POLICY: &str = r#"package ekslint.policies.units

deny contains finding if {
  some m in input.mappings
  finding := {"id": "ORG900", "message": sprintf("in a unit of kind %s", [input.units[m.unit].kind]), "at": m.at}
}
"#;

    fn assert_same(streamed: &Report, whole: &Report, what: &str) {
        assert_eq!(streamed.diagnostics, whole.diagnostics, "{what}");
        assert_eq!(streamed.skipped, whole.skipped, "{what}");
        assert_eq!(streamed.files_linted, whole.files_linted, "{what}");
        assert_eq!(streamed.failed, whole.failed, "{what}");
    }

    /// The fixture directories: all of them, `units`, and each case.
    fn fixture_cases() -> Vec<std::path::PathBuf> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let mut cases = vec![root.join("units"), root.clone()];
        let mut stack = vec![root];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).expect("a fixture directory") {
                let path = entry.expect("a directory entry").path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.file_name().is_some_and(|n| n == "expected.txt") {
                    cases.push(dir.clone());
                }
            }
        }
        assert!(cases.len() > 100, "the fixtures are found");
        cases
    }

    #[test]
    fn every_fixture_gives_the_findings_of_the_whole_model() {
        for case in fixture_cases() {
            let (streamed, whole) = both(|| inputs(&case));
            assert_same(&streamed, &whole, &case.display().to_string());
        }
    }

    #[test]
    fn every_fixture_gives_the_findings_of_the_whole_model_to_the_policies() {
        let options = with_policies();
        let mut custom = 0;
        for case in fixture_cases() {
            let (streamed, whole) = both_with(&options, || inputs(&case));
            assert_same(&streamed, &whole, &case.display().to_string());
            custom += streamed
                .diagnostics
                .iter()
                .filter(|d| d.rule.starts_with("ORG"))
                .count();
        }
        assert!(custom > 100, "the policies find {custom}");
    }

    /// The inputs with only the `named`-th reported, the others read for context (as for a
    /// file named on the command line, or the editor's document).
    fn naming(mut inputs: Vec<Input>, named: usize) -> Vec<Input> {
        for (i, input) in inputs.iter_mut().enumerate() {
            input.context = i != named;
            input.explicit = i == named;
        }
        inputs
    }

    /// The rules visit only the objects whose findings can be reported (the streamed run),
    /// and find what visiting every object finds there (the whole run).
    #[test]
    fn every_fixture_file_named_alone_gives_the_findings_of_every_object() {
        let mut reported = 0;
        for case in fixture_cases().into_iter().skip(2) {
            for named in 0..inputs(&case).len() {
                let (streamed, whole) = both(|| naming(inputs(&case), named));
                let what = format!("{} (file {named})", case.display());
                assert_same(&streamed, &whole, &what);
                reported += streamed.diagnostics.len();
            }
        }
        assert!(reported > 500, "the named files have {reported} findings");
    }

    /// Duplicates in two files of one module are reported in each file, pointing at the other.
    #[test]
    fn a_duplicate_in_another_file_of_the_module_is_found_from_either() {
        let entry = |name: &str| {
            format!(
                r#"resource "aws_eks_access_entry" "{name}" {{
  cluster_name  = "prod"
  principal_arn = "arn:aws:iam::111122223333:role/ops"
}}

resource "aws_eks_access_policy_association" "{name}" {{
  cluster_name  = "prod"
  principal_arn = "arn:aws:iam::111122223333:role/ops"
  policy_arn    = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy"
  access_scope {{
    type = "cluster"
  }}
}}
"#
            )
        };
        let (a, b) = (entry("a"), entry("b"));
        let other = entry("other").replace("role/ops", "role/other");
        let files = [
            ("m/a.tf", a.as_str()),
            ("m/b.tf", b.as_str()),
            ("m/c.tf", &other),
        ];
        for named in 0..2 {
            let (streamed, whole) = both(|| naming(in_memory(&files), named));
            assert_same(&streamed, &whole, &format!("file {named}"));
            let rules: Vec<&str> = streamed.diagnostics.iter().map(|d| d.rule).collect();
            for rule in ["EKS104", "EKS207"] {
                assert!(rules.contains(&rule), "file {named}: {rules:?}");
            }
            for d in &streamed.diagnostics {
                assert_eq!(d.span.file.0 as usize, named, "{d:?}");
            }
        }
    }

    /// An eksctl file of `entries` access entries, each with a policy association: a note
    /// (EKS124) and a warning (EKS402) for each.
    fn eksctl_entries(cluster: &str, entries: usize) -> String {
        let mut text = format!(
            "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: {cluster}\n  region: us-east-1\naccessConfig:\n  authenticationMode: API\n  accessEntries:\n"
        );
        for i in 0..entries {
            text += &format!(
                "    - principalARN: arn:aws:iam::111122223333:role/r{i}\n      kubernetesUsername: \"ops\"\n      accessPolicies:\n        - policyARN: arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy\n          accessScope:\n            type: cluster\n"
            );
        }
        text
    }

    /// A task checks its small models rule by rule and a model of many objects with its rules
    /// in parallel: each gives what it gives checked alone, in the whole model's order.
    #[test]
    fn a_task_of_small_and_large_models_gives_the_findings_of_the_whole_model() {
        let large = OBJECTS_FOR_PARALLEL_RULES.div_ceil(2) + 1;
        let texts: Vec<(String, String)> =
            std::iter::once(("a/big.yaml".to_string(), eksctl_entries("big", large)))
                .chain((0..11).map(|i| {
                    (
                        format!("a/s{i:02}.yaml"),
                        eksctl_entries(&format!("s{i}"), 1),
                    )
                }))
                .collect();
        let files: Vec<(&str, &str)> = texts
            .iter()
            .map(|(p, t)| (p.as_str(), t.as_str()))
            .collect();
        let (streamed, whole) = both(|| in_memory(&files));
        assert_same(&streamed, &whole, "a task of small and large models");
        let in_file = |f: u32, rule: &str| {
            streamed
                .diagnostics
                .iter()
                .filter(|d| d.span.file.0 == f && d.rule == rule)
                .count()
        };
        for rule in ["EKS124", "EKS402"] {
            assert_eq!(in_file(0, rule), large, "{rule} in the large file");
            for f in 1..12 {
                assert_eq!(in_file(f, rule), 1, "{rule} in file {f}");
            }
        }
    }

    #[test]
    fn the_policies_see_a_manifest_in_its_own_unit_when_its_directory_has_two_clusters() {
        // Alone, `a.yaml` has the directory's only cluster, whose unit its mappings join; in
        // the whole run the directory has two, and they stay in the manifest's own unit.
        let files = [
            ("d/a.yaml", EKSCTL_WITH_AWS_AUTH),
            (
                "d/b.yaml",
                "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: two\n  region: us-east-1\n",
            ),
        ];
        let (streamed, whole) = both_with(&with_policies(), || in_memory(&files));
        assert_same(&streamed, &whole, "two clusters in one directory");
        let units: Vec<&str> = streamed
            .diagnostics
            .iter()
            .filter(|d| d.rule == "ORG900")
            .map(|d| d.message.as_str())
            .collect();
        assert_eq!(units, ["in a unit of kind manifest"]);
    }

    const EKSCTL_WITH_AWS_AUTH: &str = "\
apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata:
  name: one
  region: us-east-1
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: aws-auth
  namespace: kube-system
data:
  mapRoles: |
    - rolearn: arn:aws:iam::111122223333:role/node
      username: system:node:{{EC2PrivateDNSName}}
      groups:
        - system:bootstrappers
        - system:nodes
";

    const CLUSTER: &str = r#"
resource "aws_eks_cluster" "c" {
  name     = "prod"
  role_arn = "arn:aws:iam::111122223333:role/cluster"
}

resource "aws_eks_access_entry" "dev" {
  cluster_name  = aws_eks_cluster.c.name
  principal_arn = "arn:aws:iam::111122223333:role/dev"
}
"#;

    const ASSOCIATION: &str = r#"
resource "aws_eks_access_policy_association" "ops" {
  cluster_name  = "prod"
  principal_arn = "arn:aws:iam::111122223333:role/ops"
  policy_arn    = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy"

  access_scope {
    type = "cluster"
  }
}
"#;

    #[test]
    fn units_bound_by_a_cluster_name_are_checked_together() {
        // Alone, the association's unit has no entry for "prod"; bound to the cluster of the
        // other unit, which has one entry and none for `ops`, it is an EKS208.
        let files = [
            ("cluster/main.tf", CLUSTER),
            ("access/main.tf", ASSOCIATION),
        ];
        let (streamed, whole) = both(|| in_memory(&files));
        assert_same(&streamed, &whole, "two units");
        let eks208: Vec<_> = streamed
            .diagnostics
            .iter()
            .filter(|d| d.rule == "EKS208")
            .collect();
        assert_eq!(eks208.len(), 1, "{:?}", streamed.diagnostics);
        let at = ASSOCIATION
            .find("\"arn:aws:iam::111122223333:role/ops\"")
            .unwrap();
        assert_eq!(eks208[0].span.start as usize, at);
    }

    /// An EKS101 finding of four bytes at `start` of `file`.
    fn finding(file: u32, start: usize, message: &str) -> Diagnostic {
        let rule = crate::rules::lookup("EKS101").expect("a rule of the catalog");
        Diagnostic::new(
            rule,
            Span::new(FileId(file), start, start + 4),
            message.into(),
        )
    }

    #[test]
    fn a_finding_of_two_batches_ties_them() {
        let found = vec![
            Some(vec![finding(0, 10, "m"), finding(2, 5, "shared")]),
            None,
            Some(vec![finding(1, 10, "m"), finding(2, 5, "other")]),
            Some(vec![finding(2, 5, "shared")]),
        ];
        assert_eq!(shared_findings(&found), vec![(0, 3)]);
    }

    #[test]
    fn findings_of_one_file_in_two_batches_tie_nothing_unless_one_is_the_same() {
        // File 1 has findings of batches 0 and 1, none of batch 0's among batch 1's (batch 1
        // gives one finding twice: a batch does not tie itself); batch 2 has two of file 3,
        // which no other batch has.
        let found = vec![
            Some(vec![finding(0, 5, "a"), finding(1, 5, "b")]),
            Some(vec![finding(1, 5, "c"), finding(1, 5, "c")]),
            Some(vec![finding(3, 5, "d"), finding(3, 5, "d")]),
        ];
        assert!(shared_findings(&found).is_empty());
    }
}
