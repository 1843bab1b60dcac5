//! What the command line and the language server share besides the configurations: Terraform
//! inputs, and the rest of a named file's Terraform module read for context.

use crate::discover::Found;
use crate::parse::terraform::TerraformInputs;
use crate::scoped::Scoped;
use crate::trust::Boundary;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

/// Terraform variable values: each root module's variable files, `vars` (`NAME=VALUE`, from
/// the command line) and `TF_VAR_` environment variables.
pub fn terraform_inputs(
    var_files: Scoped<Vec<PathBuf>>,
    vars: &[String],
    boundary: Boundary,
) -> Result<TerraformInputs, String> {
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
        syntax_cache: None,
        listed: Default::default(),
    })
}

/// The other `.tf` files of the modules of named Terraform files, read for context: a module's
/// variables, cluster and other entries. `found` are the files found on disk (the named ones
/// have `explicit` set); `in_memory` are named files whose text does not come from disk
/// (standard input, an editor's unsaved buffer). With `all_findings` the files found here are
/// not marked as context, so their findings are reported too.
pub fn module_context(found: &[Found], in_memory: &[PathBuf], all_findings: bool) -> Vec<Found> {
    let named_dirs: BTreeSet<PathBuf> = found
        .iter()
        .filter(|f| f.explicit)
        .map(|f| f.path.as_path())
        .chain(in_memory.iter().map(PathBuf::as_path))
        .filter(|p| is_terraform_file(p))
        .map(parent_dir)
        .collect();
    if named_dirs.is_empty() {
        return Vec::new();
    }
    // Paths compare by their directory's real path and their name: one canonicalization per
    // directory, however many files are named.
    let mut real_dirs: HashMap<PathBuf, PathBuf> = HashMap::new();
    let mut real = |dir: PathBuf| -> PathBuf {
        real_dirs
            .entry(dir)
            .or_insert_with_key(|d| crate::trust::real_or_given(d))
            .clone()
    };
    // The names known in each (real) directory.
    let mut known: HashMap<PathBuf, HashSet<std::ffi::OsString>> = HashMap::new();
    for p in found
        .iter()
        .map(|f| f.path.as_path())
        .chain(in_memory.iter().map(PathBuf::as_path))
    {
        known
            .entry(real(parent_dir(p)))
            .or_default()
            .insert(p.file_name().unwrap_or_default().to_os_string());
    }
    let mut extra: Vec<Found> = Vec::new();
    for dir in named_dirs {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let names = known.entry(real(dir.clone())).or_default();
        let mut here = Vec::new();
        for entry in entries.flatten() {
            let name = entry.file_name();
            let text = name.to_str().unwrap_or("");
            let is_tf = crate::discover::is_module_file(text)
                && entry.file_type().is_ok_and(|t| !t.is_dir());
            if is_tf && names.insert(name.clone()) {
                here.push(name);
            }
        }
        // In one directory paths sort as their names do, which compare far faster.
        here.sort_unstable();
        extra.extend(here.into_iter().map(|name| Found {
            path: dir.join(name),
            explicit: false,
            context: !all_findings,
        }));
    }
    // Already in order unless one named directory holds another.
    extra.sort();
    extra
}

/// A Terraform module file or a variable values file: naming one brings in its module.
fn is_terraform_file(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    [".tf", ".tfvars", ".tfvars.json"]
        .iter()
        .any(|s| name.ends_with(s))
}

/// `.` for the empty path: a file named without a directory is in the working directory.
pub fn here_if_empty(dir: &Path) -> &Path {
    if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    }
}

/// The directory of a path as written (`.` for a bare file name).
pub fn parent_dir(path: &Path) -> PathBuf {
    written_parent(path).to_path_buf()
}

/// The directory of a file, as one key per directory whatever the spelling (`main.tf`,
/// `./main.tf`, an absolute path): Terraform files of one directory form one module.
pub fn module_dir(path: &Path) -> PathBuf {
    crate::trust::real_or_given(written_parent(path))
}

/// The directory of a path as written, `.` for a bare file name (or a path with no parent).
pub fn written_parent(path: &Path) -> &Path {
    path.parent().map_or(Path::new("."), here_if_empty)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rest_of_named_modules_comes_in_path_order() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let m = dir.path().join("m");
        std::fs::create_dir_all(m.join("sub")).expect("mkdir");
        for name in [
            "z.tf",
            "a.tf",
            "named.tf",
            "sub/d.tf",
            "sub/c.tf.json",
            "notes.md",
        ] {
            std::fs::write(m.join(name), "").expect("write");
        }
        let named = [m.join("named.tf"), m.join("sub").join("open.tf")];
        let found = module_context(&[], &named, false);
        let paths: Vec<PathBuf> = found.iter().map(|f| f.path.clone()).collect();
        // `sub` sorts between `a.tf` and `z.tf`, whichever directory is listed first.
        assert_eq!(
            paths,
            ["a.tf", "sub/c.tf.json", "sub/d.tf", "z.tf"].map(|n| m.join(n))
        );
        assert!(found.iter().all(|f| f.context && !f.explicit));
    }
}
