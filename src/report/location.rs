//! Where a reported file is, for the formats read on a code host: relative to the repository
//! root (the nearest directory upward from the working directory that holds `.git`, else the
//! working directory), which is what GitHub's annotations and code scanning resolve paths
//! against; a file outside the repository keeps its absolute path.

use crate::source::{FileId, SourceMap};
use std::path::{Component, Path, PathBuf};
use std::sync::OnceLock;

/// Turns report paths (relative to the working directory, or absolute) into repository paths.
#[derive(Debug, Default)]
pub(super) struct Locator {
    /// The working directory; `None` when it is unknown, and then paths are used as written.
    pub(super) cwd: Option<PathBuf>,
    /// The repository root, an ancestor of `cwd` (or `cwd` itself).
    pub(super) root: PathBuf,
}

/// Where a file is, as SARIF writes it.
pub(super) enum Place {
    /// `/`-separated, relative to the repository root (`%SRCROOT%`).
    Relative(String),
    /// Absolute, `/`-separated.
    Absolute(String),
}

impl Locator {
    /// The root is the nearest directory upward from `cwd` that holds `.git` (a directory, or a
    /// file in a worktree or submodule), else `cwd`.
    pub(super) fn new(cwd: &Path) -> Locator {
        Locator {
            cwd: Some(cwd.to_path_buf()),
            root: crate::trust::project_root(cwd),
        }
    }

    pub(super) fn place(&self, path: &str) -> Place {
        let Some(cwd) = &self.cwd else {
            return if Path::new(path).is_absolute() {
                Place::Absolute(path.to_string())
            } else {
                Place::Relative(path.to_string())
            };
        };
        let absolute = crate::trust::absolute(&cwd.join(path));
        match absolute.strip_prefix(&self.root) {
            Ok(relative) => Place::Relative(slashed(relative)),
            Err(_) => Place::Absolute(slashed(&absolute)),
        }
    }
}

/// The path's normal components joined with `/`, whatever the platform's separator.
fn slashed(path: &Path) -> String {
    let mut prefix = String::new();
    let mut parts = Vec::new();
    for component in path.components() {
        match component {
            Component::Prefix(p) => prefix = p.as_os_str().to_string_lossy().replace('\\', "/"),
            Component::RootDir => prefix.push('/'),
            Component::Normal(part) => parts.push(part.to_string_lossy().into_owned()),
            Component::CurDir | Component::ParentDir => {}
        }
    }
    format!("{prefix}{}", parts.join("/"))
}

impl Locator {
    /// The locator of the working directory (paths as written when it is unknown).
    pub(super) fn of_working_directory() -> Locator {
        std::env::current_dir()
            .map(|cwd| Locator::new(&cwd))
            .unwrap_or_default()
    }
}

impl Place {
    /// The path, `/`-separated.
    pub(super) fn path(&self) -> &str {
        match self {
            Place::Relative(p) | Place::Absolute(p) => p,
        }
    }
}

/// The places of a report's files, each worked out when first asked for (on whichever thread
/// asks) and kept: a run's findings name each of their files many times, and working out a
/// place makes the path absolute and splits it into components.
pub(super) struct Places<'r> {
    locator: &'r Locator,
    sources: &'r SourceMap,
    places: Vec<OnceLock<Place>>,
}

impl<'r> Places<'r> {
    pub(super) fn new(locator: &'r Locator, sources: &'r SourceMap) -> Places<'r> {
        Places {
            locator,
            sources,
            places: (0..sources.len()).map(|_| OnceLock::new()).collect(),
        }
    }

    /// The place of `file`, a file of the report's sources.
    pub(super) fn of(&self, file: FileId) -> &Place {
        self.places[file.0 as usize]
            .get_or_init(|| self.locator.place(&self.sources.get(file).path))
    }
}
