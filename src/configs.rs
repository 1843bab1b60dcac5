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
use crate::policy::Policies;
use crate::rules::{RuleMeta, RuleOptions};
use crate::scoped::Scoped;
use crate::trust::Boundary;
use crate::workspace::here_if_empty;
use foldhash::{HashMap, HashSet};
use ignore::overrides::{Override, OverrideBuilder};
use rayon::prelude::*;
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;

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
    /// Custom policy paths (`--policy`), besides a configuration's `[policy] paths`.
    pub policies: Vec<PathBuf>,
}

/// Values by directory, keyed by the path's bytes: `Path` hashes and compares component by
/// component (so that `a//b` is `a/b`), several times slower, and a monorepo's thousands of
/// directories are each looked up several times. The paths here are each written one way: as
/// the walk or the command line gives them, and as resolved.
type ByPath<V> = HashMap<OsString, V>;

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
    nearest: RefCell<ByPath<Option<Rc<Loaded>>>>,
    /// The real path of each directory looked at, by the path it was given as (`None`: the
    /// path is its own real path): asked once per run, not once per file.
    reals: RefCell<ByPath<Option<PathBuf>>>,
    /// Whether directories a walk found (real paths) hold a configuration, asked ahead and
    /// taken when the directory is first looked at.
    probed: RefCell<ByPath<bool>>,
    /// The directories (as given, and as taken for real) that could not be resolved: their
    /// real path in `reals` is only the path made absolute.
    unresolved: RefCell<HashSet<OsString>>,
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
            reals: RefCell::default(),
            probed: RefCell::default(),
            unresolved: RefCell::default(),
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
        let dir = self.real(dir);
        let mut walked = Vec::new();
        let mut found = None;
        for d in dir.ancestors() {
            if let Some(known) = self.nearest.borrow().get(d.as_os_str()) {
                found = known.clone();
                break;
            }
            walked.push(d.to_path_buf());
            let probed = self.probed.borrow_mut().remove(d.as_os_str());
            let path = || d.join(crate::config::FILE_NAME);
            if probed.unwrap_or_else(|| std::fs::symlink_metadata(path()).is_ok()) {
                found = Some(self.load(&path())?);
                break;
            }
        }
        let mut nearest = self.nearest.borrow_mut();
        for d in walked {
            nearest.insert(d.into_os_string(), found.clone());
        }
        Ok(found)
    }

    /// The real path of a directory (see [`real`]), asked once per path given.
    fn real(&self, dir: &Path) -> PathBuf {
        if let Some(known) = self.reals.borrow().get(dir.as_os_str()) {
            return known.clone().unwrap_or_else(|| dir.to_path_buf());
        }
        let found = match resolved(dir) {
            Some(found) => found,
            None => {
                let guessed = absolute(dir);
                let mut unresolved = self.unresolved.borrow_mut();
                unresolved.insert(dir.as_os_str().to_owned());
                unresolved.insert(guessed.as_os_str().to_owned());
                guessed
            }
        };
        self.learn(dir, found.clone());
        found
    }

    /// Records the real path of `dir`, and that a real path is its own: the files' directories
    /// are asked for again by their real path.
    fn learn(&self, dir: &Path, real: PathBuf) {
        let mut reals = self.reals.borrow_mut();
        reals.insert(real.as_os_str().to_owned(), None);
        if dir.as_os_str() != real.as_os_str() {
            reals.insert(dir.as_os_str().to_owned(), Some(real));
        }
    }

    /// Learns the real paths of the directories of the files a walk of `root` found, and of
    /// those between them and `root`: a walk follows no symbolic link, so below the real path
    /// of `root` they are as found (a monorepo has thousands of directories, each several
    /// system calls to resolve). Returns whether a configuration may exclude some of the files:
    /// none is judged when every directory below `root` is met for the first time and holds no
    /// configuration, and the one governing `root` excludes nothing. Whether a directory holds
    /// a configuration is read from the walk's `listings` of it, when it has one.
    fn walked(
        &self,
        root: &Path,
        files: &[PathBuf],
        listings: &HashMap<PathBuf, crate::discover::Entries>,
    ) -> bool {
        if let Some(explicit) = &self.explicit {
            return !explicit.config.exclude.is_empty();
        }
        let real_root = self.real(root);
        // The directories met for the first time, each once with its path below `root`, and
        // whether one was met before this walk (by another walk, or a named file's): its
        // configuration was looked for then, not here.
        let mut new: Vec<(&Path, &Path)> = Vec::new();
        let mut met = false;
        {
            let reals = self.reals.borrow();
            let mut seen: HashSet<&std::ffi::OsStr> = HashSet::default();
            for file in files {
                let mut at = crate::workspace::written_parent(file);
                while let Ok(below) = at.strip_prefix(root)
                    && !below.as_os_str().is_empty()
                    && seen.insert(at.as_os_str())
                {
                    if reals.contains_key(at.as_os_str()) {
                        met = true;
                        break;
                    }
                    new.push((at, below));
                    match at.parent() {
                        Some(parent) => at = parent,
                        None => break,
                    }
                }
            }
        }
        // The real path of each, and whether it holds a configuration: worked out on the lint
        // threads, the tables filled here.
        let found: Vec<(PathBuf, bool)> = crate::threads::run(|| {
            new.par_iter()
                .with_max_len(crate::threads::FILES_PER_TASK)
                .map(|(at, below)| {
                    let real = real_root.join(below);
                    let listed = listings.get(*at).map(|entries| {
                        entries
                            .iter()
                            .any(|(name, _)| name == crate::config::FILE_NAME)
                    });
                    let has = listed.unwrap_or_else(|| {
                        std::fs::symlink_metadata(real.join(crate::config::FILE_NAME)).is_ok()
                    });
                    (real, has)
                })
                .collect()
        });
        let below = found.iter().any(|(_, has)| *has);
        // When none of them holds a configuration, the one governing `root` governs them all:
        // it is recorded as theirs now rather than looked for upward from each.
        let governing = (!met && !below).then(|| self.of_dir(root));
        self.reals.borrow_mut().reserve(2 * new.len());
        match &governing {
            Some(Ok(config)) => {
                let mut nearest = self.nearest.borrow_mut();
                nearest.reserve(new.len());
                for (real, _) in &found {
                    nearest.insert(real.as_os_str().to_owned(), config.clone());
                }
            }
            _ => {
                let mut probed = self.probed.borrow_mut();
                probed.reserve(new.len());
                for (real, has) in &found {
                    probed.insert(real.as_os_str().to_owned(), *has);
                }
            }
        }
        for ((at, _), (real, _)) in new.iter().zip(found) {
            self.learn(at, real);
        }
        match governing {
            None => true,
            Some(Ok(config)) => config.is_some_and(|c| !c.config.exclude.is_empty()),
            Some(Err(e)) => {
                self.error.borrow_mut().get_or_insert(e);
                true
            }
        }
    }

    /// The real directory of a file (its module's, as [`crate::workspace::module_dir`] gives
    /// it), resolved once per directory, and whether it is its real path: not when the
    /// directory could not be resolved, and the path is only made absolute.
    pub fn dir_of(&self, file: &Path) -> (PathBuf, bool) {
        let dir = crate::workspace::written_parent(file);
        let real = self.real(dir);
        let resolved = !self.unresolved.borrow().contains(dir.as_os_str());
        (real, resolved)
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
            crate::workspace::parent_dir(path)
        };
        match self.of_dir(&dir) {
            Ok(Some(loaded)) => {
                let real_path = match path.file_name() {
                    Some(name) if !is_dir => self.real(&dir).join(name),
                    _ => self.real(path),
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
    /// overrides, or the overrides alone for files under no configuration. Configurations with
    /// the same policy paths share one compiled set of policies.
    pub fn settings(&self, overrides: &Overrides) -> Result<Scoped<Settings>, String> {
        let configs: Vec<Option<Rc<Loaded>>> = match &self.explicit {
            Some(explicit) => vec![Some(explicit.clone())],
            None => std::iter::once(None)
                .chain(self.loaded().into_iter().map(Some))
                .collect(),
        };
        let mut compiled: HashMap<Vec<PathBuf>, Arc<Policies>> = HashMap::default();
        let mut policies = Vec::new();
        for loaded in &configs {
            let paths = self.policy_paths(loaded.as_deref().map(|l| &l.config), overrides);
            let p = match compiled.get(&paths) {
                Some(p) => p.clone(),
                None => {
                    let p = Arc::new(self.compile(&paths)?);
                    compiled.insert(paths, p.clone());
                    p
                }
            };
            policies.push(p);
        }
        // A rule of the command line may be the policies' of some configurations only.
        let others = |key: &str| compiled.values().find_map(|p| p.lookup(key));
        let mut scoped: Option<Scoped<Settings>> = None;
        for (loaded, policies) in configs.iter().zip(policies) {
            let config = loaded.as_deref().map(|l| &l.config);
            let settings = settings(config, overrides, policies, &others)?;
            match (&mut scoped, loaded) {
                (Some(scoped), Some(loaded)) => scoped.insert(loaded.dir.clone(), settings),
                _ => scoped = Some(Scoped::new(settings)),
            }
        }
        scoped.ok_or_else(|| "no configuration".to_string())
    }

    /// The policy paths of a configuration (relative to it), then the command line's; the
    /// command line's are trusted as named paths.
    fn policy_paths(&self, config: Option<&Config>, overrides: &Overrides) -> Vec<PathBuf> {
        let mut boundary = self.boundary.borrow_mut();
        for path in &overrides.policies {
            boundary.trust_named(path);
        }
        config
            .into_iter()
            .flat_map(|c| c.policy.paths.iter().map(|p| c.base.join(p)))
            .chain(overrides.policies.iter().cloned())
            .collect()
    }

    /// Reads and compiles the policies under `paths` (none: no policies).
    fn compile(&self, paths: &[PathBuf]) -> Result<Policies, String> {
        if paths.is_empty() {
            return Ok(Policies::default());
        }
        let files = crate::policy::read(paths, &self.boundary.borrow(), false)?;
        Ok(Policies::compile(files))
    }

    /// The policies of the files of `dir` (its nearest configuration's, and `--policy`'s).
    pub fn policies_of(&self, dir: &Path, overrides: &Overrides) -> Result<Policies, String> {
        let loaded = self.of_dir(dir)?;
        let paths = self.policy_paths(loaded.as_deref().map(|l| &l.config), overrides);
        self.compile(&paths)
    }

    /// What `ekslint policy test` runs, test files included: the files under `paths`, else
    /// under the policy paths of the nearest configuration of `dir`, else under `.`.
    pub fn policy_files_of(
        &self,
        dir: &Path,
        paths: &[PathBuf],
    ) -> Result<Vec<crate::policy::PolicyFile>, String> {
        let paths: Vec<PathBuf> = if paths.is_empty() {
            let loaded = self.of_dir(dir)?;
            match self.policy_paths(loaded.as_deref().map(|l| &l.config), &Overrides::default()) {
                p if p.is_empty() => vec![PathBuf::from(".")],
                p => p,
            }
        } else {
            let overrides = Overrides {
                policies: paths.to_vec(),
                ..Overrides::default()
            };
            self.policy_paths(None, &overrides)
        };
        crate::policy::read(&paths, &self.boundary.borrow(), true)
    }

    /// The Terraform variable files of every root module: its configuration's (relative to
    /// it), then the command line's.
    pub fn var_files(&self, overrides: &Overrides) -> Scoped<Vec<PathBuf>> {
        let files = |config: Option<&Config>| -> Vec<PathBuf> {
            named_last(
                config
                    .into_iter()
                    .flat_map(|c| c.terraform.var_files.iter().map(|p| c.base.join(p)))
                    .chain(overrides.var_files.iter().cloned()),
            )
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

/// Variable files, each once, at the place it is named last, however it is spelt: files set
/// variables in order, so the last place of a file is the one that counts. Every root module
/// reads them all, so a list that repeats one file is read once per module, not once per entry.
fn named_last(paths: impl DoubleEndedIterator<Item = PathBuf>) -> Vec<PathBuf> {
    let mut seen = HashSet::default();
    let mut kept: Vec<PathBuf> = paths
        .rev()
        .filter(|p| seen.insert(crate::trust::real_or_given(p)))
        .collect();
    kept.reverse();
    kept
}

/// The settings of a configuration (or none) with the command line's overrides: a non-empty
/// `select` replaces the configuration's, `ignore` adds to it, `fail-on` and parameters win.
fn settings(
    config: Option<&Config>,
    overrides: &Overrides,
    policies: Arc<Policies>,
    others: &dyn Fn(&str) -> Option<&'static RuleMeta>,
) -> Result<Settings, String> {
    let default = Config::default();
    let config = config.unwrap_or(&default);
    // Rule keys that are not built-in rules may be the policies' own.
    for custom in &config.custom_rule_keys {
        policies
            .resolve(&custom.key)
            .map_err(|e| format!("{}: {e}", custom.at))?;
    }
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
        if let (Ok(rule), Some(level)) = (
            policies.resolve(key.get_ref().trim()),
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
            trusted_accounts: config
                .rules
                .eks405
                .trusted_accounts
                .iter()
                .cloned()
                .collect(),
        },
        select: if select.is_empty() {
            None
        } else {
            Some(rule_list(&select, &policies, others)?)
        },
        ignore: rule_list(&ignore, &policies, others)?,
        severity,
        fail_on,
        structured: StructuredOptions {
            cloudformation: CfnOptions { parameters },
        },
        policies,
    })
}

/// Looks up rules by id or name: built-in, the policies' own, or `others` (the rules of the
/// other configurations' policies).
fn rule_list(
    keys: &[String],
    policies: &Policies,
    others: &dyn Fn(&str) -> Option<&'static RuleMeta>,
) -> Result<BTreeSet<&'static str>, String> {
    keys.iter()
        .map(|k| {
            let k = k.trim();
            policies
                .resolve(k)
                .or_else(|e| others(k).ok_or(e))
                .map(|r| r.id)
        })
        .collect()
}

impl crate::discover::Exclusion for Configs {
    fn excluded(&self, path: &Path, is_dir: bool) -> bool {
        Configs::excluded(self, path, is_dir)
    }

    fn found(
        &self,
        root: &Path,
        files: &[PathBuf],
        listings: &HashMap<PathBuf, crate::discover::Entries>,
    ) -> bool {
        self.walked(root, files, listings)
    }
}

/// The real path of a directory (itself when it cannot be resolved).
fn real(dir: &Path) -> PathBuf {
    resolved(dir).unwrap_or_else(|| absolute(dir))
}

/// The real path of a directory, if it can be resolved.
fn resolved(dir: &Path) -> Option<PathBuf> {
    std::fs::canonicalize(here_if_empty(dir)).ok()
}

/// A directory's path made absolute, symbolic links left as written.
fn absolute(dir: &Path) -> PathBuf {
    crate::trust::absolute(here_if_empty(dir))
}
