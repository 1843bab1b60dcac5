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

use super::jobs::{Job, Jobs};
use super::{Found, LintOptions, report, reported_files};
use crate::diagnostic::Diagnostic;
use crate::ir::{Model, Reach, Suppression};
use crate::parse::terraform::Scopes;
use crate::parse::{ParseError, Skipped, manifest};
use crate::report::Report;
use crate::rules::{self, RuleOptions};
use crate::source::{FileId, Span};
use foldhash::{HashMap, HashMapExt};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What checking one job alone gives.
struct Checked {
    diagnostics: Vec<Diagnostic>,
    errors: Vec<ParseError>,
    scopes: Scopes,
    skipped: Option<Skipped>,
    suppressions: Vec<Suppression>,
    reach: Reach,
    /// The directories of its manifests whose mappings may join the unit of another file.
    joining: Vec<PathBuf>,
    /// The directories of the files of its clusters.
    cluster_dirs: Vec<PathBuf>,
}

/// Lints the jobs one by one, then again together where they are tied.
pub(super) fn lint(mut jobs: Jobs<'_>, options: &LintOptions) -> Report {
    let list = jobs.list();
    let (mut checked, diagnostics) = {
        let rule_options: Vec<&RuleOptions> =
            jobs.settings.iter().map(|s| &s.rule_options).collect();
        let reported = reported_files(&jobs.inputs, &jobs.terraform.reported);
        let checker = Checker {
            jobs: &jobs,
            list: &list,
            rule_options: &rule_options,
            reported: &reported,
        };
        let mut checked: Vec<Checked> = list.par_iter().map(|&job| checker.alone(job)).collect();
        let diagnostics = checker.settle(&mut checked);
        (checked, diagnostics)
    };
    let mut suppressions = Vec::new();
    for (&job, c) in list.iter().zip(checked.drain(..)) {
        jobs.record(job, c.errors, c.scopes, c.skipped);
        suppressions.extend(c.suppressions);
    }
    let suppressions = jobs.finish(suppressions);
    report(
        Found {
            diagnostics,
            suppressions,
            terraform_reported: std::mem::take(&mut jobs.terraform.reported),
            builtin: jobs.terraform.builtin().clone(),
            inputs: jobs.inputs,
            sources: jobs.sources,
            errors: jobs.errors,
            skipped: jobs.skipped,
            linted: jobs.linted,
            settings: jobs.settings,
            policy_errors: Vec::new(),
            undeclared: Vec::new(),
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
}

impl Checker<'_, '_> {
    fn findings(&self, model: &Model) -> Vec<Diagnostic> {
        rules::check(&rules::Context::new(
            model,
            self.rule_options,
            self.reported,
        ))
    }

    fn dir(&self, file: FileId) -> Option<&Path> {
        self.jobs.dir(file)
    }

    /// Builds and checks a job alone; its model is freed here.
    fn alone(&self, job: Job) -> Checked {
        let built = self.jobs.build(job);
        let mut model = built.model;
        let joining = manifest::joining_directories(&model, |f| self.dir(f))
            .into_iter()
            .map(Path::to_path_buf)
            .collect();
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
        let diagnostics = self.findings(&model);
        let suppressions = std::mem::take(&mut model.suppressions);
        Checked {
            diagnostics,
            errors: built.errors,
            scopes: built.scopes,
            skipped: built.skipped,
            suppressions,
            reach,
            joining,
            cluster_dirs,
        }
    }

    /// Builds the jobs at these positions again and checks them together.
    fn together(&self, members: &[usize]) -> Vec<Diagnostic> {
        let models: Vec<Model> = members
            .par_iter()
            .map(|&i| self.jobs.build(self.list[i]).model)
            .collect();
        let mut model = Model::default();
        model.reserve_for(models.iter());
        for m in models {
            model.extend(m);
        }
        manifest::join_directory_units(&mut model, |f| self.dir(f));
        self.findings(&model)
    }

    /// The findings of every job: each job's own, unless it is tied to others, then those of
    /// its batch checked together. In job order (a batch at its first job).
    fn settle(&self, checked: &mut [Checked]) -> Vec<Diagnostic> {
        let mut batches = Batches::new(checked.len());
        batches.tie_by_reach(checked);
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
        found.into_iter().flatten().flatten().collect()
    }
}

/// Pairs of batches (by first job) that give one finding both.
fn shared_findings(found: &[Option<Vec<Diagnostic>>]) -> Vec<(usize, usize)> {
    let mut first: HashMap<(Span, &str, &str), usize> = HashMap::new();
    let mut ties = Vec::new();
    for (batch, diagnostics) in found.iter().enumerate() {
        for d in diagnostics.iter().flatten() {
            let at = *first
                .entry((d.span, d.rule, d.message.as_str()))
                .or_insert(batch);
            if at != batch {
                ties.push((at, batch));
            }
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
        let mut defining: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut in_dir: HashMap<&Path, Vec<usize>> = HashMap::new();
        for (i, c) in checked.iter().enumerate() {
            for name in &c.reach.defines {
                defining.entry(name).or_default().push(i);
            }
            for dir in &c.cluster_dirs {
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
