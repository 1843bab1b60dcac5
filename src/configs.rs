//! The configurations of a run. Every file is linted under the nearest `.ekslint.toml` upward
//! from its own directory (as ruff does), so the command line, the pre-commit hook and the
//! language server agree whatever directory they start in; `--config` gives one configuration
//! for every file. Each configuration governs the files below its directory: its `exclude`
//! globs are relative to that directory, its `var-files` too.

use crate::config::Config;
use crate::diagnostic::Severity;
use crate::engine::Settings;
use crate::parse::StructuredOptions;
use crate::parse::cloudformation::CfnOptions;
use crate::rules::{self, RuleMeta, RuleOptions};
use crate::scoped::Scoped;
use crate::trust::Boundary;
use ignore::overrides::{Override, OverrideBuilder};
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// What the command line sets for every file, over each configuration.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    /// Replaces a configuration's `select` when not empty.
    pub select: Vec<String>,
    /// Added to a configuration's `ignore`.
    pub ignore: Vec<String>,
    /// Replaces a configuration's `fail-on` when given (`Some(None)`: never).
    pub fail_on: Option<Option<Severity>>,
    /// CloudFormation parameter values, over a configuration's.
    pub parameters: BTreeMap<String, String>,
    /// Terraform variable files, after a configuration's.
    pub var_files: Vec<PathBuf>,
}

/// One loaded configuration.
struct Loaded {
    config: Config,
    /// Its directory (a real path): the files below it are its files.
    dir: PathBuf,
    exclude: Override,
}

/// The configurations found for the directories of a run, each loaded once.
pub struct Configs {
    /// `--config`: one configuration for every file.
    explicit: Option<Rc<Loaded>>,
    /// The nearest configuration of each directory looked at (real paths).
    nearest: RefCell<HashMap<PathBuf, Option<Rc<Loaded>>>>,
    boundary: RefCell<Boundary>,
    /// The first configuration that could not be loaded while walking (reported after).
    error: RefCell<Option<String>>,
}

impl Configs {
    /// The configurations of a run: the `--config` file when given, else those found upward
    /// from each directory as it is looked at. Reads go through `boundary`; a configuration
    /// outside it is the user's own (named, or above the project) and its directory becomes
    /// trusted, for its `var-files`.
    pub fn new(explicit: Option<&Path>, boundary: Boundary) -> Result<Configs, String> {
        let configs = Configs {
            explicit: None,
            nearest: RefCell::default(),
            boundary: RefCell::new(boundary),
            error: RefCell::default(),
        };
        let explicit = explicit.map(|p| configs.load(p)).transpose()?;
        Ok(Configs {
            explicit,
            ..configs
        })
    }

    fn load(&self, path: &Path) -> Result<Rc<Loaded>, String> {
        let mut boundary = self.boundary.borrow_mut();
        boundary.trust_named(path);
        let config = Config::load(path, &boundary)?;
        let dir = real(&config.base);
        let mut exclude = OverrideBuilder::new(&dir);
        for glob in &config.exclude {
            exclude.add(&format!("!{glob}")).map_err(|e| {
                format!("{}: exclude: invalid pattern {glob:?}: {e}", path.display())
            })?;
        }
        let exclude = exclude
            .build()
            .map_err(|e| format!("{}: exclude: {e}", path.display()))?;
        Ok(Rc::new(Loaded {
            config,
            dir,
            exclude,
        }))
    }

    /// The configuration of the files of `dir`: `--config`, else the nearest `.ekslint.toml`
    /// upward.
    fn of_dir(&self, dir: &Path) -> Result<Option<Rc<Loaded>>, String> {
        if let Some(explicit) = &self.explicit {
            return Ok(Some(explicit.clone()));
        }
        let dir = real(dir);
        let mut walked = Vec::new();
        let mut found = None;
        for d in dir.ancestors() {
            if let Some(known) = self.nearest.borrow().get(d) {
                found = known.clone();
                break;
            }
            walked.push(d.to_path_buf());
            let path = d.join(".ekslint.toml");
            if std::fs::symlink_metadata(&path).is_ok() {
                found = Some(self.load(&path)?);
                break;
            }
        }
        let mut nearest = self.nearest.borrow_mut();
        for d in walked {
            nearest.insert(d, found.clone());
        }
        Ok(found)
    }

    /// Loads the configuration of the files of `dir` (an error is reported by [`Configs::check`]).
    pub fn visit(&self, dir: &Path) {
        if let Err(e) = self.of_dir(dir) {
            self.error.borrow_mut().get_or_insert(e);
        }
    }

    /// Whether the nearest configuration excludes `path` (a file, or a directory with `is_dir`).
    pub fn excluded(&self, path: &Path, is_dir: bool) -> bool {
        let dir = if is_dir {
            path.to_path_buf()
        } else {
            crate::workspace::module_dir(path)
        };
        match self.of_dir(&dir) {
            Ok(Some(loaded)) => {
                let real_path = match path.file_name() {
                    Some(name) if !is_dir => real(&dir).join(name),
                    _ => real(path),
                };
                real_path.starts_with(&loaded.dir)
                    && real_path != loaded.dir
                    && loaded.exclude.matched(&real_path, is_dir).is_ignore()
            }
            Ok(None) => false,
            Err(e) => {
                self.error.borrow_mut().get_or_insert(e);
                false
            }
        }
    }

    /// The first configuration that could not be loaded, if any.
    pub fn check(&self) -> Result<(), String> {
        match self.error.borrow_mut().take() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// The read limit of the configuration of `dir` applied to the boundary, which is then
    /// the run's.
    pub fn boundary(&self, dir: &Path) -> Result<Boundary, String> {
        let limit = self.of_dir(dir)?.and_then(|l| l.config.max_file_bytes);
        let mut boundary = self.boundary.borrow().clone();
        if let Some(limit) = limit {
            boundary.max_file_bytes = limit;
        }
        Ok(boundary)
    }

    /// Every configuration loaded so far, by its directory.
    fn loaded(&self) -> Vec<Rc<Loaded>> {
        let mut all: BTreeMap<PathBuf, Rc<Loaded>> = BTreeMap::new();
        for loaded in self.nearest.borrow().values().flatten() {
            all.insert(loaded.dir.clone(), loaded.clone());
        }
        all.into_values().collect()
    }

    /// The settings of every file: those of its configuration with the command line's
    /// overrides, or the overrides alone for files under no configuration.
    pub fn settings(&self, overrides: &Overrides) -> Result<Scoped<Settings>, String> {
        if let Some(explicit) = &self.explicit {
            return Ok(Scoped::new(settings(Some(&explicit.config), overrides)?));
        }
        let mut scoped = Scoped::new(settings(None, overrides)?);
        for loaded in self.loaded() {
            scoped.insert(
                loaded.dir.clone(),
                settings(Some(&loaded.config), overrides)?,
            );
        }
        Ok(scoped)
    }

    /// The Terraform variable files of every root module: its configuration's (relative to
    /// it), then the command line's.
    pub fn var_files(&self, overrides: &Overrides) -> Scoped<Vec<PathBuf>> {
        let files = |config: Option<&Config>| -> Vec<PathBuf> {
            config
                .into_iter()
                .flat_map(|c| c.terraform.var_files.iter().map(|p| c.base.join(p)))
                .chain(overrides.var_files.iter().cloned())
                .collect()
        };
        if let Some(explicit) = &self.explicit {
            return Scoped::new(files(Some(&explicit.config)));
        }
        let mut scoped = Scoped::new(files(None));
        for loaded in self.loaded() {
            scoped.insert(loaded.dir.clone(), files(Some(&loaded.config)));
        }
        scoped
    }
}

/// The settings of a configuration (or none) with the command line's overrides: a non-empty
/// `select` replaces the configuration's, `ignore` adds to it, `fail-on` and parameters win.
fn settings(config: Option<&Config>, overrides: &Overrides) -> Result<Settings, String> {
    let default = Config::default();
    let config = config.unwrap_or(&default);
    let select: Vec<String> = if overrides.select.is_empty() {
        Config::rule_list(&config.select)
    } else {
        overrides.select.clone()
    };
    let ignore: Vec<String> = Config::rule_list(&config.ignore)
        .into_iter()
        .chain(overrides.ignore.iter().cloned())
        .collect();
    // The configuration's values were checked when it was loaded.
    let mut severity = BTreeMap::new();
    for (key, value) in &config.severity {
        if let (Some(rule), Some(level)) = (
            rules::lookup(key.get_ref()),
            Severity::parse(value.get_ref()),
        ) {
            severity.insert(rule.id, level);
        }
    }
    let fail_on = match (&overrides.fail_on, &config.fail_on) {
        (Some(f), _) => *f,
        (None, Some(f)) => Severity::parse(f.get_ref()),
        (None, None) => Some(Severity::Warning),
    };
    let mut parameters = config.cloudformation.parameters.clone();
    parameters.extend(overrides.parameters.clone());
    Ok(Settings {
        rule_options: RuleOptions {
            trusted_accounts: config.rules.eks405.trusted_accounts.clone(),
        },
        select: if select.is_empty() {
            None
        } else {
            Some(rule_list(&select)?)
        },
        ignore: rule_list(&ignore)?,
        severity,
        fail_on,
        structured: StructuredOptions {
            cloudformation: CfnOptions { parameters },
        },
    })
}

/// Looks up rules by id or name.
fn rule_list(keys: &[String]) -> Result<Vec<&'static RuleMeta>, String> {
    keys.iter().map(|k| rules::resolve(k.trim())).collect()
}

/// The real path of a directory (itself when it cannot be resolved).
fn real(dir: &Path) -> PathBuf {
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    std::fs::canonicalize(dir).unwrap_or_else(|_| crate::trust::absolute(dir))
}
