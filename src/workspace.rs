//! What the command line and the language server share: lint options from the configuration,
//! and the rest of a named file's Terraform module read for context.

use crate::config::Config;
use crate::diagnostic::Severity;
use crate::discover::Found;
use crate::engine::LintOptions;
use crate::parse::StructuredOptions;
use crate::parse::cloudformation::CfnOptions;
use crate::parse::terraform::TerraformInputs;
use crate::policy::Policies;
use crate::rules::{RuleMeta, RuleOptions};
use crate::trust::Boundary;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

/// The configuration file at `path` when given, else the nearest `.ekslint.toml` upward from
/// `dir`, else the defaults. A configuration outside the boundary is the user's own (named, or
/// above the project): its directory becomes trusted, for its `var-files`. Its
/// `max-file-bytes` becomes the boundary's read limit.
pub fn load_config(
    path: Option<&Path>,
    dir: &Path,
    boundary: &mut Boundary,
) -> Result<Config, String> {
    let Some(path) = path.map(Path::to_path_buf).or_else(|| Config::find(dir)) else {
        return Ok(Config::default());
    };
    boundary.trust_named(&path);
    let config = Config::load(&path, boundary)?;
    if let Some(limit) = config.max_file_bytes {
        boundary.max_file_bytes = limit;
    }
    Ok(config)
}

/// The custom policies of a configuration's `[policy] paths` (relative to it) and of `extra`
/// (the command line's `--policy`, trusted as named paths), compiled.
pub fn load_policies(
    config: &Config,
    extra: &[PathBuf],
    boundary: &mut Boundary,
) -> Result<Policies, String> {
    for path in extra {
        boundary.trust_named(path);
    }
    let paths: Vec<PathBuf> = config
        .policy
        .paths
        .iter()
        .map(|p| config.base.join(p))
        .chain(extra.iter().cloned())
        .collect();
    if paths.is_empty() {
        return Ok(Policies::default());
    }
    Ok(Policies::compile(crate::policy::read(
        &paths, boundary, false,
    )?))
}

/// The lint options of a configuration with command-line rule lists applied: a non-empty
/// `select` replaces the configuration's, `ignore` adds to it; rule keys may name the
/// `policies`' rules. Terraform variable values are set apart, by [`terraform_inputs`].
pub fn lint_options(
    config: &Config,
    select: &[String],
    ignore: &[String],
    policies: Policies,
) -> Result<LintOptions, String> {
    for custom in &config.custom_rule_keys {
        policies
            .resolve(&custom.key)
            .map_err(|e| format!("{}: {e}", custom.at))?;
    }
    let select: Vec<String> = if select.is_empty() {
        Config::rule_list(&config.select)
    } else {
        select.to_vec()
    };
    let ignore: Vec<String> = Config::rule_list(&config.ignore)
        .into_iter()
        .chain(ignore.iter().cloned())
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
    Ok(LintOptions {
        rule_options: RuleOptions {
            trusted_accounts: config.rules.eks405.trusted_accounts.clone(),
        },
        select: if select.is_empty() {
            None
        } else {
            Some(rule_list(&select, &policies)?)
        },
        ignore: rule_list(&ignore, &policies)?,
        severity,
        structured: StructuredOptions {
            cloudformation: CfnOptions {
                parameters: config.cloudformation.parameters.clone(),
            },
        },
        terraform: TerraformInputs::default(),
        policies,
    })
}

/// Terraform variable values: the configuration's var files (relative to it), then
/// `var_files` and `vars` (`NAME=VALUE`, from the command line), and `TF_VAR_` environment
/// variables.
pub fn terraform_inputs(
    config: &Config,
    var_files: &[PathBuf],
    vars: &[String],
    boundary: Boundary,
) -> Result<TerraformInputs, String> {
    let var_files: Vec<PathBuf> = config
        .terraform
        .var_files
        .iter()
        .map(|p| config.base.join(p))
        .chain(var_files.iter().cloned())
        .collect();
    if let Some(bad) = vars.iter().find(|kv| !kv.contains('=')) {
        return Err(format!("--var {bad:?}: expected NAME=VALUE"));
    }
    let env = std::env::vars()
        .filter_map(|(k, v)| Some((k.strip_prefix("TF_VAR_")?.to_string(), v)))
        .collect();
    Ok(TerraformInputs {
        var_files,
        vars: vars.to_vec(),
        env,
        boundary,
    })
}

/// Looks up rules by id or name.
fn rule_list(keys: &[String], policies: &Policies) -> Result<Vec<&'static RuleMeta>, String> {
    keys.iter().map(|k| policies.resolve(k.trim())).collect()
}

/// The other `.tf` files of the modules of named Terraform files, read for context: a module's
/// variables, cluster and other entries. `found` are the files found on disk (the named ones
/// have `explicit` set); `in_memory` are named files whose text does not come from disk
/// (standard input, an editor's unsaved buffer). With `all_findings` the files found here are
/// not marked as context, so their findings are reported too.
pub fn module_context(found: &[Found], in_memory: &[PathBuf], all_findings: bool) -> Vec<Found> {
    // Paths compare by their directory's real path and their name: one canonicalization per
    // directory, however many files are named.
    let mut real_dirs: HashMap<PathBuf, PathBuf> = HashMap::new();
    let mut key = |p: &Path| -> (PathBuf, std::ffi::OsString) {
        let dir = real_dirs
            .entry(parent_dir(p))
            .or_insert_with_key(|d| std::fs::canonicalize(d).unwrap_or_else(|_| d.clone()))
            .clone();
        (dir, p.file_name().unwrap_or_default().to_os_string())
    };
    let mut known: HashSet<(PathBuf, std::ffi::OsString)> = found
        .iter()
        .map(|f| f.path.as_path())
        .chain(in_memory.iter().map(PathBuf::as_path))
        .map(&mut key)
        .collect();
    let named_dirs: BTreeSet<PathBuf> = found
        .iter()
        .filter(|f| f.explicit)
        .map(|f| f.path.as_path())
        .chain(in_memory.iter().map(PathBuf::as_path))
        .filter(|p| p.extension().is_some_and(|e| e == "tf"))
        .map(parent_dir)
        .collect();
    let mut extra: Vec<Found> = Vec::new();
    for dir in named_dirs {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let sibling = entry.path();
            let is_tf = sibling.extension().is_some_and(|e| e == "tf")
                && entry.file_type().is_ok_and(|t| !t.is_dir());
            if is_tf && known.insert(key(&sibling)) {
                extra.push(Found {
                    path: sibling,
                    explicit: false,
                    context: !all_findings,
                });
            }
        }
    }
    extra.sort();
    extra
}

/// The directory of a path as written (`.` for a bare file name).
fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// The directory of a file, as one key per directory whatever the spelling (`main.tf`,
/// `./main.tf`, an absolute path): Terraform files of one directory form one module.
pub fn module_dir(path: &Path) -> PathBuf {
    let parent = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::canonicalize(parent).unwrap_or_else(|_| parent.to_path_buf())
}
