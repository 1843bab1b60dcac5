//! Finding the files to lint: directories are walked honouring `.gitignore`, hidden
//! directories are skipped, explicit files are always taken.

use crate::path_order;
use foldhash::HashMap;
use ignore::{WalkBuilder, WalkState};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

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

/// Whether a file name is that of a Terraform module file (`.tf`, `.tf.json`): the files of a
/// directory that Terraform reads together as a module.
pub fn is_module_file(name: &str) -> bool {
    name.ends_with(".tf") || name.ends_with(".tf.json")
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
    /// The entries of each walked directory that holds Terraform files, by its path as the walk
    /// spells it (that of its files less their names): all of them, those the walk leaves out
    /// (hidden, ignored) too. Terraform reads more of a module's directory than its `.tf` files
    /// (`terraform.tfvars`, `.terraform`), and need not list it again.
    pub listings: HashMap<PathBuf, Entries>,
}

/// A directory's entries whose names are UTF-8, each with whether it is a directory (`None`
/// when its type cannot be read).
pub type Entries = Vec<(String, Option<bool>)>;

/// What leaves paths out of a run (a configuration's `exclude`).
pub trait Exclusion {
    /// Whether a path (a file, or a directory with `is_dir`) is left out.
    fn excluded(&self, path: &Path, is_dir: bool) -> bool;

    /// The files a walk of `root` found (which follows no symbolic link), with the entries it
    /// read of their directories that hold Terraform files (see [`Discovery::listings`]), before
    /// each file is judged: whether some of them may be left out (else none is judged).
    fn found(
        &self,
        _root: &Path,
        _files: &[PathBuf],
        _listings: &HashMap<PathBuf, Entries>,
    ) -> bool {
        true
    }
}

impl<F: Fn(&Path, bool) -> bool> Exclusion for F {
    fn excluded(&self, path: &Path, is_dir: bool) -> bool {
        self(path, is_dir)
    }
}

/// Walks `paths` and returns the candidate files, sorted and without duplicates. `excluded`
/// says whether a path is left out by its configuration; it applies to named files too (what
/// pre-commit passes).
pub fn discover(paths: &[PathBuf], excluded: &dyn Exclusion) -> Discovery {
    let mut found = Vec::new();
    let mut errors = Vec::new();
    let mut listings = HashMap::default();
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
        let (files, mut walk_errors, walk_listings) = walk(path);
        errors.append(&mut walk_errors);
        let judged = excluded.found(path, &files, &walk_listings);
        listings.extend(walk_listings);
        found.extend(
            files
                .into_iter()
                .filter(|file| !judged || !excluded_with_parents(file, Some(path), excluded))
                .map(|path| Found {
                    path,
                    explicit: false,
                    context: false,
                }),
        );
    }
    // One walk gives each file once, in path order already: only several paths are merged.
    let found = if paths.len() > 1 {
        once_each(found)
    } else {
        found
    };
    Discovery {
        found,
        errors,
        listings,
    }
}

/// The files sorted, each once: a file both named and found in a named directory (`main.tf`
/// and `.`, or `./main.tf`) is kept as named. Paths are compared absolute without their `.`
/// parts; a `..` stays (through a symbolic link it leads elsewhere than it reads).
fn once_each(found: Vec<Found>) -> Vec<Found> {
    let cwd = std::env::current_dir().unwrap_or_default();
    // Each path by the key of its absolute form (equal keys, equal paths), the named first.
    let mut keyed: Vec<(Vec<u8>, bool, Found)> = found
        .into_iter()
        .map(|f| {
            let same: PathBuf = cwd
                .join(&f.path)
                .components()
                .filter(|c| !matches!(c, Component::CurDir))
                .collect();
            (path_order::key(&same), !f.explicit, f)
        })
        .collect();
    keyed.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
    keyed.dedup_by(|(a, ..), (b, ..)| a == b);
    // Sorted as `Found` sorts: by path, then named or not, then read for context or not.
    let mut found: Vec<(Vec<u8>, Found)> = keyed
        .into_iter()
        .map(|(_, _, f)| (path_order::key(&f.path), f))
        .collect();
    found.sort_unstable_by(|(a, f), (b, g)| {
        a.cmp(b)
            .then(f.explicit.cmp(&g.explicit))
            .then(f.context.cmp(&g.context))
    });
    found.into_iter().map(|(_, f)| f).collect()
}

/// The candidate files under a directory and what could not be walked, sorted (the walk runs
/// on as many threads as the lint, so the order it finds things in varies), and the entries of
/// its directories that hold Terraform files (see [`Discovery::listings`]).
fn walk(dir: &Path) -> (Vec<PathBuf>, Vec<String>, HashMap<PathBuf, Entries>) {
    let found: Mutex<(Vec<PathBuf>, Vec<String>)> = Mutex::default();
    let listings: Arc<Mutex<HashMap<PathBuf, Entries>>> = Arc::default();
    let listed = listings.clone();
    WalkBuilder::new(dir)
        .require_git(false)
        .threads(crate::threads::count())
        .on_read_dir(move |dir, entries, complete| {
            let terraform =
                |e: &std::fs::DirEntry| e.file_name().to_str().is_some_and(is_module_file);
            // A directory some of whose entries could not be read is listed again.
            if !complete || !entries.iter().any(terraform) {
                return;
            }
            let entries = entries
                .iter()
                .filter_map(|e| {
                    let is_dir = e.file_type().ok().map(|t| t.is_dir());
                    Some((e.file_name().into_string().ok()?, is_dir))
                })
                .collect();
            listed
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .insert(dir.to_path_buf(), entries);
        })
        .build_parallel()
        .run(|| {
            Box::new(|entry| {
                let mut found = found.lock().unwrap_or_else(PoisonError::into_inner);
                match entry {
                    // Symlinks are taken too, so that one leading out of the project is
                    // refused visibly (EKS000) rather than skipped.
                    Ok(entry) => {
                        if entry.file_type().is_some_and(|t| !t.is_dir())
                            && is_candidate(entry.path())
                        {
                            found.0.push(entry.into_path());
                        }
                    }
                    Err(e) => found.1.push(e.to_string()),
                }
                WalkState::Continue
            })
        });
    let (mut files, mut errors) = found.into_inner().unwrap_or_else(PoisonError::into_inner);
    path_order::sort(&mut files);
    errors.sort();
    let listings = std::mem::take(&mut *listings.lock().unwrap_or_else(PoisonError::into_inner));
    (files, errors, listings)
}

/// Whether a file is excluded, itself or through a directory it is in (below `root`, the
/// walked directory, when given): `legacy` excludes `legacy/x.tf`, as in `.gitignore`.
fn excluded_with_parents(file: &Path, root: Option<&Path>, excluded: &dyn Exclusion) -> bool {
    excluded.excluded(file, false)
        || file
            .ancestors()
            .skip(1)
            .take_while(|d| !d.as_os_str().is_empty() && root.is_none_or(|r| *d != r))
            .any(|d| excluded.excluded(d, true))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_found_on_several_threads_come_sorted_and_filtered() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let mut expected = Vec::new();
        for i in (0..60).rev() {
            let sub = dir.path().join(format!("m{i:02}"));
            std::fs::create_dir_all(sub.join("nested")).expect("directories");
            for name in ["main.tf", "nested/c.yaml", "notes.txt"] {
                std::fs::write(sub.join(name), "").expect("file");
            }
            if i % 7 != 0 {
                expected.push(sub.join("main.tf"));
                expected.push(sub.join("nested/c.yaml"));
            }
        }
        expected.sort();
        // Every seventh directory is excluded, through its name, as a configuration would.
        let excluded = |p: &Path, is_dir: bool| {
            is_dir
                && p.file_name()
                    .and_then(|n| n.to_str())
                    .and_then(|n| n.strip_prefix('m'))
                    .and_then(|n| n.parse::<usize>().ok())
                    .is_some_and(|i| i % 7 == 0)
        };
        let found = discover(&[dir.path().to_path_buf()], &excluded);
        assert!(found.errors.is_empty(), "{:?}", found.errors);
        let paths: Vec<PathBuf> = found.found.into_iter().map(|f| f.path).collect();
        assert_eq!(paths, expected);
    }

    #[test]
    fn listings_of_terraform_directories_hold_the_entries_the_walk_leaves_out() {
        let dir = tempfile::tempdir().expect("temporary directory");
        for name in [
            ".gitignore",
            "m/main.tf",
            "m/terraform.tfvars",
            "m/.terraform/modules/modules.json",
            "y/c.yaml",
        ] {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().expect("a parent")).expect("directories");
            std::fs::write(path, "").expect("file");
        }
        std::fs::write(dir.path().join(".gitignore"), "*.tfvars\n").expect("file");
        let found = discover(&[dir.path().to_path_buf()], &|_: &Path, _: bool| false);
        let mut listed = found.listings[&dir.path().join("m")].clone();
        listed.sort();
        let expected = [
            (".terraform", Some(true)),
            ("main.tf", Some(false)),
            ("terraform.tfvars", Some(false)),
        ]
        .map(|(n, d)| (n.to_string(), d));
        assert_eq!(listed, expected);
        // Only the directories of Terraform files are kept.
        assert_eq!(found.listings.len(), 1);
    }

    /// Excludes nothing it is asked about, and says of walks whether to ask.
    struct NothingBelow(bool);

    impl Exclusion for NothingBelow {
        fn excluded(&self, path: &Path, _: bool) -> bool {
            assert!(
                self.0,
                "{} judged after its walk said none would be",
                path.display()
            );
            false
        }

        fn found(&self, _: &Path, _: &[PathBuf], _: &HashMap<PathBuf, Entries>) -> bool {
            self.0
        }
    }

    #[test]
    fn files_of_a_walk_that_nothing_excludes_are_taken_unjudged() {
        let dir = tempfile::tempdir().expect("temporary directory");
        for name in ["a/main.tf", "a/b/c.yaml", "d.json"] {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().expect("a parent")).expect("directories");
            std::fs::write(path, "").expect("file");
        }
        let walked = |exclusion: &NothingBelow| -> Vec<PathBuf> {
            discover(&[dir.path().to_path_buf()], exclusion)
                .found
                .into_iter()
                .map(|f| f.path)
                .collect()
        };
        let expected: Vec<PathBuf> = ["a/b/c.yaml", "a/main.tf", "d.json"]
            .iter()
            .map(|n| dir.path().join(n))
            .collect();
        assert_eq!(walked(&NothingBelow(false)), expected);
        assert_eq!(walked(&NothingBelow(true)), expected);
    }
}
