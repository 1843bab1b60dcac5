//! The inputs of a run read and split into jobs, each of which evaluates whole deployment units
//! into a model: a Terraform root module, the Terraform modules as a whole (what Terraform
//! refuses in them), a YAML or JSON file.

use super::{Decoded, Files, Input, Kind, LintOptions, NotUtf8, Settings, decode, kind_of};
use crate::ir::{Model, Suppression};
use crate::parse::{self, ParseError, Skipped};
use crate::source::{FileId, SourceMap, Span};
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// What a job evaluates.
#[derive(Clone, Copy, Debug)]
pub(super) enum Job {
    /// The Terraform root module of that index.
    Root(usize),
    /// The Terraform modules parsed for the run, for what Terraform refuses in them.
    Modules,
    /// A YAML or JSON file.
    File(FileId),
}

/// What building a job gives.
pub(super) struct Built {
    /// With the suppressions written in the files the job reads (and no other job does).
    pub model: Model,
    pub errors: Vec<ParseError>,
    /// Why a YAML or JSON file is not a template.
    pub skipped: Option<Skipped>,
}

/// The inputs read, their sources added, ready to be built job by job.
pub(super) struct Jobs<'o> {
    /// Sorted by display path; file ids follow this order.
    pub inputs: Vec<Input>,
    pub sources: SourceMap,
    /// Files that could not be read or parsed, in job order once the jobs are recorded.
    pub errors: Vec<ParseError>,
    pub skipped: Vec<(FileId, Skipped)>,
    /// Whether each input was read as one of the formats.
    pub linted: Vec<bool>,
    pub terraform: parse::terraform::Prepared<'o>,
    /// The YAML and JSON files, in file order.
    structured: Vec<FileId>,
    /// The settings of each file, by file id.
    pub settings: Vec<&'o Settings>,
    /// The suppressions of the recorded Terraform jobs.
    terraform_suppressions: Vec<Suppression>,
    /// The suppressions of the recorded YAML and JSON files.
    other_suppressions: Vec<Suppression>,
}

impl<'o> Jobs<'o> {
    /// Reads the inputs (sorted by display path) and the Terraform modules they call.
    pub fn read(mut inputs: Vec<Input>, options: &'o LintOptions) -> Jobs<'o> {
        inputs.sort_by(|a, b| a.display.cmp(&b.display));
        let decoded: Vec<Decoded> = inputs
            .par_iter_mut()
            .with_max_len(crate::threads::FILES_PER_TASK)
            .map(decode)
            .collect();

        let mut sources = SourceMap::with_capacity(inputs.len());
        let mut errors: Vec<ParseError> = Vec::new();
        // The Terraform files, each with its directory.
        let mut units: Vec<(PathBuf, FileId)> = Vec::new();
        let mut structured: Vec<FileId> = Vec::new();
        let mut skipped = Vec::new();
        // Whether each file was read as one of the formats (for the summary's file count).
        let mut linted = vec![false; inputs.len()];
        for (input, Decoded { mut file, not_utf8 }) in inputs.iter().zip(decoded) {
            let kind = kind_of(&file.path, input.explicit, &file.text);
            if matches!(kind, Some(Kind::Terraform | Kind::TerraformValues)) {
                // HCL and JSON have no byte order mark.
                file.blank_bom();
            }
            let id = sources.add(file);
            if let Some(why) = &input.unreadable {
                linted[id.0 as usize] = true;
                errors.push(ParseError {
                    span: Span::new(id, 0, 0),
                    message: format!("cannot read {}: {why}", input.display),
                });
                continue;
            }
            match (kind, not_utf8) {
                // A YAML or JSON file that is not UTF-8 is a template only if it says so.
                (Some(Kind::Structured), Some(n)) if !n.names_a_format => {
                    skipped.push((id, Skipped::NotUtf8));
                }
                (Some(_), Some(n)) => {
                    linted[id.0 as usize] = true;
                    errors.push(ParseError {
                        span: Span::new(id, n.at, n.at),
                        message: NotUtf8::message(&n).into(),
                    });
                }
                (Some(Kind::Terraform), None) => units.push((input.dir.clone(), id)),
                // Terraform reads it with its module (the same source, so its findings are
                // reported when it is).
                (Some(Kind::TerraformValues), None) => linted[id.0 as usize] = true,
                (Some(Kind::Structured), None) => structured.push(id),
                (None, _) if input.explicit => skipped.push((id, Skipped::NotInfrastructure)),
                (None, _) => {}
            }
        }

        for (_, id) in &units {
            linted[id.0 as usize] = true;
        }
        // Terraform reads more files than it was given (modules called from outside the linted
        // files, `.tfvars`): findings in them are reported only where `reported` says so.
        let mut terraform = parse::terraform::prepare(units, &mut sources, &options.terraform);
        errors.append(&mut terraform.errors);
        let settings = super::settings_of_files(options, &inputs, &sources);
        Jobs {
            inputs,
            sources,
            errors,
            skipped,
            linted,
            terraform,
            structured,
            settings,
            terraform_suppressions: Vec::new(),
            other_suppressions: Vec::new(),
        }
    }

    /// Every job, in the order their models are joined: the Terraform roots, the Terraform
    /// modules, the YAML and JSON files.
    pub fn list(&self) -> Vec<Job> {
        (0..self.terraform.roots())
            .map(Job::Root)
            .chain([Job::Modules])
            .chain(self.structured.iter().map(|&id| Job::File(id)))
            .collect()
    }

    /// Evaluates a job into its model.
    pub fn build(&self, job: Job) -> Built {
        match job {
            Job::Root(i) => {
                let root = self.terraform.evaluate(i, &self.sources);
                Built {
                    model: root.model,
                    errors: root.errors,
                    skipped: None,
                }
            }
            Job::Modules => Built {
                model: self.terraform.project_model(&self.sources),
                errors: Vec::new(),
                skipped: None,
            },
            Job::File(id) => {
                let file = self.sources.get(id);
                let options = &self.settings[id.0 as usize].structured;
                let (model, errors, skipped) = match parse::structured(id, file, options) {
                    Ok((model, errors)) => (model, errors, None),
                    Err(why) => (Model::default(), Vec::new(), Some(why)),
                };
                Built {
                    model,
                    errors,
                    skipped,
                }
            }
        }
    }

    /// Records what a built job says of its files: its errors and suppressions, and whether a
    /// YAML or JSON file was read as a template. Jobs are recorded in their order.
    pub fn record(
        &mut self,
        job: Job,
        errors: Vec<ParseError>,
        suppressions: Vec<Suppression>,
        skipped: Option<Skipped>,
    ) {
        self.errors.extend(errors);
        match job {
            Job::Root(_) | Job::Modules => self.terraform_suppressions.extend(suppressions),
            Job::File(id) => {
                self.other_suppressions.extend(suppressions);
                match skipped {
                    Some(why) => self.skipped.push((id, why)),
                    None => self.linted[id.0 as usize] = true,
                }
            }
        }
    }

    /// Once every job is recorded: sorts the skipped files, and gives the suppressions written
    /// in the sources, Terraform's in file order, then those of the YAML and JSON files.
    pub fn finish(&mut self) -> Vec<Suppression> {
        self.skipped.sort_by_key(|(id, _)| *id);
        let mut all = std::mem::take(&mut self.terraform_suppressions);
        // Stable: the suppressions of one file stay in their order.
        all.sort_by_key(|s| s.written.file);
        all.append(&mut self.other_suppressions);
        all
    }

    /// The files of the run, once every job is recorded.
    pub fn into_files(mut self) -> Files<'o> {
        Files {
            terraform_reported: std::mem::take(&mut self.terraform.reported),
            builtin: self.terraform.builtin().clone(),
            inputs: self.inputs,
            sources: self.sources,
            errors: self.errors,
            skipped: self.skipped,
            linted: self.linted,
            settings: self.settings,
        }
    }

    /// The directory of an input file.
    pub fn dir(&self, file: FileId) -> Option<&Path> {
        self.inputs.get(file.0 as usize).map(|i| i.dir.as_path())
    }
}
