//! Finding the files to lint: directories are walked honouring `.gitignore`, hidden
//! directories are skipped, explicit files are always taken.

use ignore::WalkBuilder;
use ignore::overrides::OverrideBuilder;
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

/// Walks `paths` and returns the candidate files, sorted and without duplicates.
/// `exclude` holds glob patterns (relative to the walked directory) of paths to leave out; an
/// invalid pattern is an error.
pub fn discover(paths: &[PathBuf], exclude: &[String]) -> Result<Discovery, String> {
    let mut found = Vec::new();
    let mut errors = Vec::new();
    // Named files (what pre-commit passes) are excluded by the same patterns, relative to the
    // working directory.
    let named_excluded = excludes(Path::new("."), exclude)?;
    for path in paths {
        if let Err(e) = std::fs::symlink_metadata(path) {
            errors.push(format!("{}: {e}", path.display()));
            continue;
        }
        // Anything but a directory is taken as a file: the trust boundary judges it.
        if !path.is_dir() {
            if named_excluded
                .matched(path.strip_prefix("./").unwrap_or(path), false)
                .is_ignore()
            {
                continue;
            }
            found.push(Found {
                path: path.clone(),
                explicit: true,
                context: false,
            });
            continue;
        }
        let overrides = excludes(path, exclude)?;
        let walk = WalkBuilder::new(path)
            .require_git(false)
            .overrides(overrides)
            .build();
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
            if entry.file_type().is_some_and(|t| !t.is_dir()) && is_candidate(entry.path()) {
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
    Ok(Discovery { found, errors })
}

/// The exclude patterns as ignore rules for paths under `root`.
fn excludes(root: &Path, exclude: &[String]) -> Result<ignore::overrides::Override, String> {
    let mut overrides = OverrideBuilder::new(root);
    for glob in exclude {
        overrides
            .add(&format!("!{glob}"))
            .map_err(|e| format!("invalid exclude pattern {glob:?}: {e}"))?;
    }
    overrides
        .build()
        .map_err(|e| format!("invalid exclude patterns: {e}"))
}
