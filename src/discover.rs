//! Finding the files to lint: directories are walked honouring `.gitignore`, hidden
//! directories are skipped, explicit files are always taken.

use ignore::WalkBuilder;
use std::path::{Path, PathBuf};

/// File name endings that may hold a template this tool reads.
const CANDIDATE_SUFFIXES: [&str; 6] = [".tf", ".tf.json", ".yaml", ".yml", ".json", ".template"];

/// A file found for linting.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Found {
    pub path: PathBuf,
    /// Named on the command line (its format is then detected from its content if need be).
    pub explicit: bool,
    /// Read only for context: findings in it are not reported.
    pub context: bool,
}

/// Whether a file name ends in one of the candidate suffixes.
pub fn is_candidate(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| CANDIDATE_SUFFIXES.iter().any(|s| n.ends_with(s)))
}

/// The files found, and the paths that could not be walked (a missing path, an unreadable
/// directory): those are reported and the rest is still linted.
#[derive(Debug, Default)]
pub struct Discovery {
    pub found: Vec<Found>,
    pub errors: Vec<String>,
}

/// Walks `paths` and returns the candidate files, sorted and without duplicates. `excluded`
/// says whether a path (a file, or a directory with `true`) is left out by its configuration;
/// it applies to named files too (what pre-commit passes).
pub fn discover(paths: &[PathBuf], excluded: &dyn Fn(&Path, bool) -> bool) -> Discovery {
    let mut found = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        if let Err(e) = std::fs::symlink_metadata(path) {
            errors.push(format!("{}: {e}", path.display()));
            continue;
        }
        // Anything but a directory is taken as a file: the trust boundary judges it.
        if !path.is_dir() {
            if excluded_with_parents(path, None, excluded) {
                continue;
            }
            found.push(Found {
                path: path.clone(),
                explicit: true,
                context: false,
            });
            continue;
        }
        let walk = WalkBuilder::new(path).require_git(false).build();
        for entry in walk {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) => {
                    errors.push(e.to_string());
                    continue;
                }
            };
            // Symlinks are taken too, so that one leading out of the project is refused
            // visibly (EKS000) rather than skipped.
            if entry.file_type().is_some_and(|t| !t.is_dir())
                && is_candidate(entry.path())
                && !excluded_with_parents(entry.path(), Some(path), excluded)
            {
                found.push(Found {
                    path: entry.into_path(),
                    explicit: false,
                    context: false,
                });
            }
        }
    }
    found.sort();
    found.dedup_by(|a, b| a.path == b.path);
    Discovery { found, errors }
}

/// Whether a file is excluded, itself or through a directory it is in (below `root`, the
/// walked directory, when given): `legacy` excludes `legacy/x.tf`, as in `.gitignore`.
fn excluded_with_parents(
    file: &Path,
    root: Option<&Path>,
    excluded: &dyn Fn(&Path, bool) -> bool,
) -> bool {
    excluded(file, false)
        || file
            .ancestors()
            .skip(1)
            .take_while(|d| !d.as_os_str().is_empty() && root.is_none_or(|r| *d != r))
            .any(|d| excluded(d, true))
}
