//! A Terraform project: the module directories of a run, the modules they call (read from disk
//! when they are outside the linted files, or built-in models of registry modules), and which
//! directories are root modules.

use super::SyntaxCache;
use super::eval::Evaluator;
use super::json;
use super::lower;
use super::module::{Module, SourceText, parse_native};
use super::modules::{Frame, normalize};
use super::refusals;
use super::registry::{self, Resolved};
use super::syntax::Body;
use super::value::Placement;
use super::variables::{self, Assigned, Assignment, constant};
use crate::discover::Entries;
use crate::ir::Model;
use crate::parse::ParseError;
use crate::scoped::Scoped;
use crate::source::{FileId, SourceFile, SourceMap};
use crate::source::{Span, display_path};
use crate::trust::Boundary;
use foldhash::HashMap;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::limits::MAX_EXTRA_MODULE_DIRS as MAX_EXTRA_DIRS;

/// Reading from disk: what may be read, and the files whose read errors are reported.
struct Disk<'b> {
    boundary: &'b Boundary,
    refused: BTreeSet<FileId>,
}

/// Values for root modules' variables given to the run.
#[derive(Clone, Debug, Default)]
pub struct TerraformInputs {
    /// Each root module's variable files (its configuration's `var-files`, then `--var-file`),
    /// in order (later wins), by the directory of the configuration that gives them.
    pub var_files: Scoped<Vec<PathBuf>>,
    /// `--var NAME=VALUE`, in order.
    pub vars: Vec<String>,
    /// `TF_VAR_<name>` environment variables: the name without the prefix, and the value.
    pub env: Vec<(String, String)>,
    /// What may be read from disk: called modules, `.tfvars`, `modules.json`.
    pub boundary: Boundary,
    /// Parses kept from the last runs (by a caller that lints the same files again).
    pub syntax_cache: Option<Arc<SyntaxCache>>,
    /// The entries of linted directories that a walk read already, by real path (see
    /// [`crate::discover::Discovery::listings`]); the others are listed when needed.
    pub listed: HashMap<PathBuf, Entries>,
}

/// The parsed module directories of a run.
#[derive(Debug, Default)]
pub struct Project {
    modules: BTreeMap<PathBuf, Module>,
    /// Local copies of registry and git modules (`.terraform/modules/modules.json`): by root
    /// directory, then call path (`eks`, `eks.karpenter`).
    remote: BTreeMap<PathBuf, BTreeMap<String, PathBuf>>,
    /// The files of the built-in models in use.
    builtin: BTreeSet<FileId>,
    /// Parses kept from the last runs, when the caller keeps them.
    cache: Option<Arc<SyntaxCache>>,
}

impl Project {
    /// The module in a directory.
    pub fn module(&self, dir: &Path) -> Option<&Module> {
        self.modules.get(dir)
    }

    /// Every module, by directory.
    pub fn modules(&self) -> impl Iterator<Item = &Module> {
        self.modules.values()
    }

    /// The local copy of a registry or git module called from a root module, if installed.
    pub fn remote(&self, root: &Path, key: &str) -> Option<PathBuf> {
        self.remote.get(root)?.get(key).cloned()
    }
}

/// The Terraform files of a run, read with the modules they call and ready to be evaluated
/// root module by root module (each one a deployment unit).
pub struct Prepared<'i> {
    project: Project,
    /// Root module directories parsed only when evaluated (they call no module).
    deferred: Deferred,
    /// Each root module's directory with the values given to its variables.
    jobs: Vec<(PathBuf, Vec<Assignment>)>,
    boundary: &'i Boundary,
    /// Mistakes found while reading the files and the modules they call.
    pub errors: Vec<ParseError>,
    /// Files read from disk besides the given ones whose findings are reported (`.tfvars`);
    /// the others (modules outside the linted files) are read for context.
    pub reported: BTreeSet<FileId>,
}

/// What evaluating one root module gives: its model (with the suppressions written in the
/// files parsed only for it), and the mistakes in those files.
pub struct Root {
    pub model: Model,
    pub errors: Vec<ParseError>,
}

/// Reads the Terraform files of a run (each with its directory), grouped by directory, with the
/// modules they call and the values of their variables. Files read from disk are added to
/// `sources`.
pub fn prepare<'i>(
    files: Vec<(PathBuf, FileId)>,
    sources: &mut SourceMap,
    inputs: &'i TerraformInputs,
) -> Prepared<'i> {
    let grouped = grouped_by_normal_path(files);
    let mut errors = Vec::new();
    let mut project = Project {
        cache: inputs.syntax_cache.clone(),
        ..Project::default()
    };
    let linted: Vec<PathBuf> = grouped.iter().map(|(dir, _)| dir.clone()).collect();
    // A directory that calls no module is parsed when it is evaluated and dropped once lowered,
    // unless a module calls it: so the syntax trees of a monorepo's many root modules are
    // never all alive at once.
    let sources_ref = &*sources;
    let calls: Vec<bool> = grouped
        .par_iter()
        .map(|(_, ids)| !calls_no_module(ids, sources_ref))
        .collect();
    let (now, later): (Vec<_>, Vec<_>) = grouped
        .into_iter()
        .zip(calls)
        .partition(|(_, calls)| *calls);
    let mut deferred: Deferred = later.into_iter().map(|(dir, _)| dir).collect();
    let parsed: Vec<(Module, Vec<ParseError>)> = now
        .into_par_iter()
        .map(|((dir, ids), _)| parse_dir(dir, &ids, sources_ref, project.cache.as_deref()))
        .collect();
    for (module, e) in parsed {
        errors.extend(e);
        project.modules.insert(module.dir.clone(), module);
    }
    let mut disk = Disk {
        boundary: &inputs.boundary,
        refused: BTreeSet::new(),
    };
    // The disk is asked on the lint threads; what it has is loaded in order.
    let listings: Vec<Listing> = linted
        .par_iter()
        .with_max_len(crate::threads::FILES_PER_TASK)
        .map(|dir| Listing::of(dir, inputs.listed.get(dir)))
        .collect();
    let installed = linted.iter().zip(&listings).filter(|(_, l)| l.installed);
    for (dir, _) in installed {
        if let Some(remote) = installed_modules(dir, &mut disk, sources, &mut errors) {
            project.remote.insert(dir.clone(), remote);
        }
    }
    load_called(&mut project, &mut deferred, &mut disk, sources, &mut errors);
    load_models(&mut project, sources, &mut errors);

    let roots = roots(&project, &linted);
    // Files read from disk so far are modules, read for context; from here on, `.tfvars`,
    // whose findings are reported.
    let vars_from = sources.len();
    let mut jobs = Vec::new();
    // Each root is a linted directory, and both lists are sorted: each root's listing is found
    // after the last one's (a root that is not, which `roots` never gives, is listed here).
    let mut listed = linted.into_iter().zip(listings);
    let auto: Vec<Vec<PathBuf>> = roots
        .iter()
        .map(|root| match listed.find(|(dir, _)| dir == root) {
            Some((_, listing)) => listing.auto_var_files,
            None => Listing::of(root, inputs.listed.get(root)).auto_var_files,
        })
        .collect();
    for (dir, auto) in roots.into_iter().zip(auto) {
        let (mut assignments, e) = var_file_assignments(&auto, &mut disk, sources);
        errors.extend(e);
        let (var_files, e) = var_file_assignments(inputs.var_files.get(&dir), &mut disk, sources);
        errors.extend(e);
        let mut all: Vec<Assignment> = inputs
            .env
            .iter()
            .map(|(name, value)| Assignment {
                name: name.clone(),
                value: Assigned::Raw(value.clone()),
                message: format!("from the environment variable `TF_VAR_{name}`"),
            })
            .collect();
        all.append(&mut assignments);
        all.extend(var_files);
        all.extend(inputs.vars.iter().filter_map(|kv| {
            let (name, value) = kv.split_once('=')?;
            Some(Assignment {
                name: name.trim().to_string(),
                value: Assigned::Raw(value.to_string()),
                message: format!("from `--var {}`", name.trim()),
            })
        }));
        jobs.push((dir, all));
    }

    let mut reported = disk.refused;
    reported.extend((vars_from..sources.len()).map(|i| FileId(i as u32)));
    Prepared {
        project,
        deferred,
        jobs,
        boundary: &inputs.boundary,
        errors,
        reported,
    }
}

impl Prepared<'_> {
    /// The number of root modules.
    pub fn roots(&self) -> usize {
        self.jobs.len()
    }

    /// The files of the built-in module models in use: no finding or secondary location points
    /// there.
    pub fn builtin(&self) -> &BTreeSet<FileId> {
        &self.project.builtin
    }

    /// Evaluates the root module `i` with the modules it calls.
    pub fn evaluate(&self, i: usize, sources: &SourceMap) -> Root {
        let (dir, assignments) = &self.jobs[i];
        let project = &self.project;
        let mut model = Model::default();
        let evaluate = |module: &Module, model: &mut Model| {
            let new_eval = || {
                Evaluator::new(
                    module,
                    project,
                    dir.display().to_string(),
                    Placement::Root,
                    Frame::root(dir.clone()),
                    variables::root_inputs(module, assignments),
                )
            };
            let parts = lower::parts(module);
            if parts < 2 || !lower::lower_in_parts(module, &new_eval, parts, model) {
                lower::lower(&new_eval(), model);
            }
        };
        match self.deferred.get(dir) {
            Some(ids) => {
                let (module, errors) =
                    parse_dir(dir.clone(), ids, sources, project.cache.as_deref());
                // What Terraform refuses and the suppressions are read beside the evaluation.
                let ((), found) = rayon::join(
                    || evaluate(&module, &mut model),
                    || {
                        let mut found = Model::default();
                        refusals::check_module(project, self.boundary, &module, &mut found);
                        found.suppressions = suppressions(scopes([&module]), sources);
                        found
                    },
                );
                model.refusals.extend(found.refusals);
                model.iterator_reads.extend(found.iterator_reads);
                model.suppressions = found.suppressions;
                module.free();
                Root { model, errors }
            }
            None => {
                if let Some(module) = project.module(dir) {
                    evaluate(module, &mut model);
                }
                Root {
                    model,
                    errors: Vec::new(),
                }
            }
        }
    }

    /// What the parsed modules hold besides the roots' evaluations: what Terraform refuses in
    /// them, their iterator reads, and the suppressions written in their files.
    pub fn project_model(&self, sources: &SourceMap) -> Model {
        let mut model = Model::default();
        refusals::check(&self.project, self.boundary, &mut model);
        model.suppressions = suppressions(scopes(self.project.modules.values()), sources);
        model
    }
}

/// Module directories with their files. Hashed, not sorted: each root module finds its own
/// files here when it is evaluated, and a search of a sorted map of a monorepo's roots compares
/// a dozen paths component by component; nothing iterates it.
type Deferred = foldhash::HashMap<PathBuf, Vec<FileId>>;

/// The files of modules with the spans of their top-level blocks (the regions a suppression
/// comment written above a block covers).
type Scopes = BTreeMap<FileId, Vec<Span>>;

/// The files of each directory by its normalized path, sorted: directories that normalize to
/// the same path are merged, their files in the order of their paths as given, then of `files`.
fn grouped_by_normal_path(files: Vec<(PathBuf, FileId)>) -> Vec<(PathBuf, Vec<FileId>)> {
    let mut files: Vec<(PathBuf, PathBuf, FileId)> = files
        .into_iter()
        .map(|(dir, id)| (normalize(&dir), dir, id))
        .collect();
    // Stable, and nearly sorted already: the files come in path order.
    files.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    let mut grouped: Vec<(PathBuf, Vec<FileId>)> = Vec::new();
    for (dir, _, id) in files {
        match grouped.last_mut() {
            Some((last, ids)) if *last == dir => ids.push(id),
            _ => grouped.push((dir, vec![id])),
        }
    }
    grouped
}

/// Whether the files of a directory call no module: all in native syntax (a JSON key may be
/// escaped) and none says `module`.
fn calls_no_module(ids: &[FileId], sources: &SourceMap) -> bool {
    ids.iter().all(|&id| {
        let file = sources.get(id);
        !file.path.ends_with(".json")
            && memchr::memmem::find(file.text.as_bytes(), b"module").is_none()
    })
}

/// The scopes of the files of modules, built-in models left out.
fn scopes<'m>(modules: impl IntoIterator<Item = &'m Module>) -> Scopes {
    let mut scopes = Scopes::new();
    for module in modules.into_iter().filter(|m| !registry::is_model(&m.dir)) {
        for id in &module.files {
            scopes.entry(*id).or_default();
        }
        for b in &module.blocks {
            scopes.entry(b.span.file).or_default().push(b.span);
        }
    }
    scopes
}

/// The `ekslint:ignore` comments of the native-syntax files of the scopes, in file order.
fn suppressions(scopes: Scopes, sources: &SourceMap) -> Vec<crate::ir::Suppression> {
    let scopes: Vec<(FileId, Vec<Span>)> = scopes
        .into_iter()
        .filter(|(id, _)| !sources.get(*id).path.ends_with(".json"))
        .collect();
    let found: Vec<Vec<crate::ir::Suppression>> = scopes
        .par_iter()
        .map(|(id, spans)| crate::parse::comments::suppressions(*id, &sources.get(*id).text, spans))
        .collect();
    found.into_iter().flatten().collect()
}

fn parse_dir(
    dir: PathBuf,
    ids: &[FileId],
    sources: &SourceMap,
    cache: Option<&SyntaxCache>,
) -> (Module, Vec<ParseError>) {
    let texts: Vec<SourceText> = ids
        .iter()
        .map(|&id| {
            let f = sources.get(id);
            SourceText {
                id,
                text: &f.text,
                json: f.path.ends_with(".json"),
            }
        })
        .collect();
    Module::parse(dir, &texts, cache)
}

/// Reads the modules called by the parsed ones that are not parsed yet, until none is left.
/// A local `source` that leads out of the project is refused where it is written.
/// A linted directory whose parsing was deferred is parsed here once a module calls it.
fn load_called(
    project: &mut Project,
    deferred: &mut Deferred,
    disk: &mut Disk,
    sources: &mut SourceMap,
    errors: &mut Vec<ParseError>,
) {
    // Tried: the parsed and deferred directories (a deferred one is parsed into the modules)
    // and those read here, with or without files.
    let mut tried_empty: BTreeSet<PathBuf> = BTreeSet::new();
    let mut refused: BTreeSet<Span> = BTreeSet::new();
    for _ in 0..MAX_EXTRA_DIRS {
        parse_called(project, deferred, sources, errors);
        let mut wanted: BTreeSet<PathBuf> = BTreeSet::new();
        for module in project.modules.values() {
            if registry::is_model(&module.dir) {
                continue;
            }
            for (name, target) in local_targets(module) {
                if disk.boundary.allows(&target) {
                    wanted.insert(target);
                } else if !target.exists() && refusals::inside(&target, disk.boundary) {
                    // A module that does not exist is refused by Terraform (EKS004).
                } else if let Some(attr) = module.call(&name).and_then(|b| b.body.attr("source")) {
                    let span = attr.value.span();
                    if refused.insert(span) {
                        errors.push(ParseError {
                            span,
                            message: format!(
                                "module source {:?} leads outside the project root; not read",
                                Module::call_source(module.call(&name).expect("call exists"))
                                    .unwrap_or_default()
                            ),
                        });
                    }
                }
            }
        }
        wanted.extend(project.remote.values().flat_map(|r| r.values().cloned()));
        let tried = |d: &PathBuf| {
            project.modules.contains_key(d) || deferred.contains_key(d) || tried_empty.contains(d)
        };
        let Some(dir) = wanted.into_iter().find(|d| !tried(d)) else {
            return;
        };
        let ids = read_module_files(&dir, disk, sources, errors);
        if ids.is_empty() {
            tried_empty.insert(dir);
            continue;
        }
        let (module, e) = parse_dir(dir.clone(), &ids, sources, project.cache.as_deref());
        errors.extend(e);
        project.modules.insert(dir, module);
    }
    parse_called(project, deferred, sources, errors);
}

/// Parses the deferred directories that a parsed module calls (which call no module).
fn parse_called(
    project: &mut Project,
    deferred: &mut Deferred,
    sources: &SourceMap,
    errors: &mut Vec<ParseError>,
) {
    let called: BTreeSet<PathBuf> = project
        .modules
        .values()
        .filter(|m| !registry::is_model(&m.dir))
        .flat_map(|m| local_targets(m).into_iter().map(|(_, target)| target))
        .chain(project.remote.values().flat_map(|r| r.values().cloned()))
        .filter(|dir| deferred.contains_key(dir))
        .collect();
    for dir in called {
        if let Some(ids) = deferred.remove(&dir) {
            let (module, e) = parse_dir(dir.clone(), &ids, sources, project.cache.as_deref());
            errors.extend(e);
            project.modules.insert(dir, module);
        }
    }
}

/// Parses the built-in models that the project's registry module calls resolve to (each model
/// once, whichever calls use it; a call with a downloaded copy may not use it).
fn load_models(project: &mut Project, sources: &mut SourceMap, errors: &mut Vec<ParseError>) {
    let mut wanted: BTreeMap<(&str, u64), &registry::ModelVersion> = BTreeMap::new();
    for module in project.modules.values() {
        for (_, block) in module.calls() {
            let Some(source) = registry::remote_source(block) else {
                continue;
            };
            let version = registry::call_version(block);
            if let Resolved::Model { model, .. } = registry::resolve(&source, version.as_deref()) {
                wanted.insert((model.address, model.major), model);
            }
        }
    }
    for model in wanted.into_values() {
        for (dir, files) in model.modules() {
            let ids: Vec<FileId> = files
                .into_iter()
                .map(|(display, text)| sources.add(SourceFile::new(display, text.to_string())))
                .collect();
            project.builtin.extend(ids.iter().copied());
            let (module, e) = parse_dir(dir.clone(), &ids, sources, project.cache.as_deref());
            errors.extend(e);
            project.modules.insert(dir, module);
        }
    }
}

/// The directories of a module's calls with local sources.
fn local_targets(module: &Module) -> Vec<(String, PathBuf)> {
    module
        .calls()
        .filter_map(|(name, block)| {
            let source = Module::call_source(block)?;
            (source.starts_with("./") || source.starts_with("../"))
                .then(|| (name.to_string(), normalize(&module.dir.join(source))))
        })
        .collect()
}

/// The linted directories no other module calls, and those that only modules outside any
/// root's reach call (a cycle of calls).
fn roots(project: &Project, linted: &[PathBuf]) -> Vec<PathBuf> {
    let mut edges: BTreeMap<&Path, Vec<PathBuf>> = BTreeMap::new();
    let mut called = BTreeSet::new();
    for (dir, module) in &project.modules {
        for (_, target) in local_targets(module) {
            if target != *dir {
                called.insert(target.clone());
            }
            edges.entry(dir.as_path()).or_default().push(target);
        }
    }
    let mut roots: Vec<PathBuf> = linted
        .iter()
        .filter(|d| !called.contains(*d))
        .cloned()
        .collect();
    if edges.is_empty() {
        // No calls: every linted directory is a root (the list is sorted).
        return roots;
    }
    let mut reached: BTreeSet<&Path> = roots.iter().map(PathBuf::as_path).collect();
    let mut stack: Vec<&Path> = reached.iter().copied().collect();
    while let Some(d) = stack.pop() {
        for t in edges.get(d).into_iter().flatten() {
            if reached.insert(t) {
                stack.push(t);
            }
        }
    }
    let unreached: Vec<PathBuf> = linted
        .iter()
        .filter(|d| !reached.contains(d.as_path()))
        .cloned()
        .collect();
    roots.extend(unreached);
    roots.sort();
    roots
}

/// Adds a file from disk to the sources (once). A file the boundary refuses, or that is not
/// UTF-8, is added without its text, with the error on it.
fn load_file(sources: &mut SourceMap, disk: &mut Disk, path: &Path) -> Result<FileId, ParseError> {
    let display = display_path(path);
    if let Some((id, _)) = sources.files().find(|(_, f)| f.path == display) {
        return Ok(id);
    }
    match disk.boundary.read_to_string(path) {
        Ok(text) => Ok(sources.add(SourceFile::new(display, text))),
        Err(why) => {
            let id = sources.add(SourceFile::new(display.clone(), String::new()));
            disk.refused.insert(id);
            Err(ParseError {
                span: Span::new(id, 0, 0),
                message: format!("cannot read {display}: {why}"),
            })
        }
    }
}

/// Reads the `.tf` and `.tf.json` files of a module directory.
fn read_module_files(
    dir: &Path,
    disk: &mut Disk,
    sources: &mut SourceMap,
    errors: &mut Vec<ParseError>,
) -> Vec<FileId> {
    let entries = entries(dir).unwrap_or_default();
    file_names(&entries, crate::discover::is_module_file)
        .into_iter()
        .filter_map(|n| {
            load_file(sources, disk, &dir.join(n))
                .map_err(|e| errors.push(e))
                .ok()
        })
        .collect()
}

/// `.terraform/modules/modules.json` of a root module, which has one: call path to directory. A
/// `Dir` that leads out of the project is refused where it is written.
fn installed_modules(
    dir: &Path,
    disk: &mut Disk,
    sources: &mut SourceMap,
    errors: &mut Vec<ParseError>,
) -> Option<BTreeMap<String, PathBuf>> {
    let path = dir.join(MODULES_JSON);
    let id = load_file(sources, disk, &path)
        .map_err(|e| errors.push(e))
        .ok()?;
    let text = &sources.get(id).text;
    let json: serde_json::Value = serde_json::from_str(text).ok()?;
    let mut out = BTreeMap::new();
    for m in json.get("Modules")?.as_array()? {
        let (Some(key), Some(path)) = (
            m.get("Key").and_then(|k| k.as_str()),
            m.get("Dir").and_then(|d| d.as_str()),
        ) else {
            continue;
        };
        let target = normalize(&dir.join(path));
        if !disk.boundary.allows(&target) {
            disk.refused.insert(id);
            let quoted = serde_json::to_string(path).unwrap_or_default();
            let at = text.find(&quoted).unwrap_or(0);
            errors.push(ParseError {
                span: Span::new(id, at, at + quoted.len()),
                message: format!("module directory {path:?} is outside the project root; not read"),
            });
        } else if !key.is_empty() {
            out.insert(key.to_string(), target);
        }
    }
    Some(out)
}

/// Where `terraform init` records the local copies of a root module's registry and git modules.
const MODULES_JSON: &str = ".terraform/modules/modules.json";

/// What a linted directory holds beside its `.tf` files, from one listing of it.
struct Listing {
    /// Whether `terraform init` has recorded its modules ([`MODULES_JSON`] exists).
    installed: bool,
    auto_var_files: Vec<PathBuf>,
}

impl Listing {
    /// What `dir` holds, from its entries when a walk read them (`listed`), else from a listing.
    fn of(dir: &Path, listed: Option<&Entries>) -> Listing {
        let read;
        let entries = match listed {
            Some(entries) => Some(entries),
            None => {
                read = entries(dir);
                read.as_ref()
            }
        };
        let Some(entries) = entries else {
            // Not listable (searchable only, say): each path is asked alone.
            return Listing {
                installed: std::fs::symlink_metadata(dir.join(MODULES_JSON)).is_ok(),
                auto_var_files: auto_var_files(dir, None),
            };
        };
        // No `.terraform` entry, no modules file under it.
        let installed = entries.iter().any(|(n, _)| n == ".terraform")
            && std::fs::symlink_metadata(dir.join(MODULES_JSON)).is_ok();
        Listing {
            installed,
            auto_var_files: auto_var_files(dir, Some(entries)),
        }
    }
}

/// A directory's entries; None when the directory cannot be listed.
fn entries(dir: &Path) -> Option<Entries> {
    let entries = std::fs::read_dir(crate::workspace::here_if_empty(dir)).ok()?;
    Some(
        entries
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let is_dir = e.file_type().ok().map(|t| t.is_dir());
                Some((e.file_name().into_string().ok()?, is_dir))
            })
            .collect(),
    )
}

/// The sorted names of the files (not directories) among `entries` that pass `keep`.
fn file_names(entries: &[(String, Option<bool>)], keep: impl Fn(&str) -> bool) -> Vec<String> {
    let mut names: Vec<String> = entries
        .iter()
        .filter(|(name, is_dir)| *is_dir == Some(false) && keep(name))
        .map(|(name, _)| name.clone())
        .collect();
    names.sort();
    names
}

/// The `.tfvars` files Terraform loads by itself from a directory, in its order, from its
/// `entries` when it could be listed.
fn auto_var_files(dir: &Path, entries: Option<&[(String, Option<bool>)]>) -> Vec<PathBuf> {
    let fixed = ["terraform.tfvars", "terraform.tfvars.json"];
    let mut names: Vec<String> = fixed
        .into_iter()
        .filter(|name| match entries {
            Some(entries) => entries.iter().any(|(n, _)| n == name),
            None => std::fs::symlink_metadata(dir.join(name)).is_ok(),
        })
        .map(String::from)
        .collect();
    names.extend(file_names(entries.unwrap_or_default(), |n| {
        n.ends_with(".auto.tfvars") || n.ends_with(".auto.tfvars.json")
    }));
    names.iter().map(|n| dir.join(n)).collect()
}

/// Assignments of `.tfvars` files, in order.
fn var_file_assignments(
    paths: &[PathBuf],
    disk: &mut Disk,
    sources: &mut SourceMap,
) -> (Vec<Assignment>, Vec<ParseError>) {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        let id = match load_file(sources, disk, path) {
            Ok(id) => id,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let text = &sources.get(id).text;
        let body: Result<Body, ParseError> = if path.to_string_lossy().ends_with(".json") {
            json::parse_values(id, text)
        } else {
            parse_native(id, text)
        };
        let name = path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        match body {
            Ok(body) => out.extend(body.attrs.iter().map(|a| Assignment {
                name: a.name.clone(),
                value: Assigned::Value(constant(&a.value)),
                message: format!("from `{name}`"),
            })),
            Err(e) => errors.push(e),
        }
    }
    (out, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_listing_finds_the_variable_files_in_terraform_order_and_the_installed_modules() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let root = dir.path();
        for name in [
            "b.auto.tfvars",
            "a.auto.tfvars.json",
            "terraform.tfvars.json",
            "main.tf",
            "notes.tfvars",
        ] {
            std::fs::write(root.join(name), "").expect("file");
        }
        // Terraform loads `terraform.tfvars` whatever it is; a directory named like an
        // automatic variable file is not one.
        std::fs::create_dir(root.join("terraform.tfvars")).expect("directory");
        std::fs::create_dir(root.join("c.auto.tfvars")).expect("directory");
        let listing = Listing::of(root, None);
        let names: Vec<PathBuf> = [
            "terraform.tfvars",
            "terraform.tfvars.json",
            "a.auto.tfvars.json",
            "b.auto.tfvars",
        ]
        .iter()
        .map(|n| root.join(n))
        .collect();
        assert_eq!(listing.auto_var_files, names);
        assert!(!listing.installed);

        // A `.terraform` directory without the modules file is not an installation.
        std::fs::create_dir_all(root.join(".terraform/modules")).expect("directories");
        assert!(!Listing::of(root, None).installed);
        std::fs::write(root.join(MODULES_JSON), "{}").expect("modules file");
        assert!(Listing::of(root, None).installed);
    }

    #[test]
    fn directories_spelled_apart_are_one_module_with_their_files_in_path_order() {
        let files = vec![
            (PathBuf::from("b"), FileId(0)),
            (PathBuf::from("a/./m"), FileId(1)),
            (PathBuf::from("a/m"), FileId(2)),
            (PathBuf::from("a/x/../m"), FileId(3)),
            (PathBuf::from("a/m"), FileId(4)),
        ];
        assert_eq!(
            grouped_by_normal_path(files),
            vec![
                // `a/./m` reads as `a/m`; `a/x/../m` comes after it as given.
                (
                    PathBuf::from("a/m"),
                    vec![FileId(1), FileId(2), FileId(4), FileId(3)]
                ),
                (PathBuf::from("b"), vec![FileId(0)]),
            ]
        );
    }
}
