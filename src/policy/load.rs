//! Reading policy files: a `.rego` file named directly, or every `.rego` file of a directory
//! (walked honouring `.gitignore`, hidden directories skipped), through the trust boundary.

use crate::limits::MAX_POLICY_FILES;
use crate::source::display_path;
use crate::trust::Boundary;
use ignore::WalkBuilder;
use std::collections::HashSet;
use std::path::PathBuf;

/// A policy file's text and the path shown for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyFile {
    pub display: String,
    pub text: String,
}

impl PolicyFile {
    /// Whether it holds policy tests (`*_test.rego`), which only `ekslint policy test` reads.
    pub fn is_test(&self) -> bool {
        self.display.ends_with("_test.rego")
    }
}

/// Reads the policy files under `paths`, sorted by path, each once. Test files are taken only
/// with `tests`. A path that does not exist, a directory that cannot be walked, and a file the
/// boundary refuses are errors.
pub fn read(
    paths: &[PathBuf],
    boundary: &Boundary,
    tests: bool,
) -> Result<Vec<PolicyFile>, String> {
    // A path named twice, however spelt, is walked once (a configuration may repeat one).
    let mut seen = HashSet::new();
    let paths: Vec<&PathBuf> = paths
        .iter()
        .filter(|p| seen.insert(crate::trust::real_or_given(p)))
        .collect();
    let mut found: Vec<PathBuf> = Vec::new();
    for path in &paths {
        let meta =
            std::fs::metadata(path).map_err(|e| format!("policy path {}: {e}", path.display()))?;
        if !meta.is_dir() {
            found.push(path.to_path_buf());
            continue;
        }
        for entry in WalkBuilder::new(path).require_git(false).build() {
            let entry = entry.map_err(|e| format!("policy path {}: {e}", path.display()))?;
            let is_rego = entry.path().extension().is_some_and(|e| e == "rego");
            if is_rego && entry.file_type().is_some_and(|t| !t.is_dir()) {
                found.push(entry.into_path());
            }
        }
    }
    // One file named twice, or under two of the paths, is read once.
    let mut keyed: Vec<(PathBuf, PathBuf)> = found
        .into_iter()
        .map(|p| (crate::trust::real_or_given(&p), p))
        .collect();
    keyed.sort();
    keyed.dedup_by(|a, b| a.0 == b.0);
    let mut files = Vec::new();
    for (_, path) in keyed {
        let file = PolicyFile {
            display: display_path(&path),
            text: String::new(),
        };
        if file.is_test() && !tests {
            continue;
        }
        if files.len() == MAX_POLICY_FILES {
            return Err(format!(
                "more than {MAX_POLICY_FILES} policy files under {}",
                join(&paths)
            ));
        }
        let text = boundary
            .read_to_string(&path)
            .map_err(|e| format!("policy {}: {e}", path.display()))?;
        files.push(PolicyFile { text, ..file });
    }
    files.sort_by(|a, b| a.display.cmp(&b.display));
    Ok(files)
}

fn join(paths: &[&PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_policy_file_is_read_once_however_often_its_path_is_named() {
        let dir = tempfile::tempdir().unwrap();
        for (sub, name) in [("a", "x.rego"), ("b", "y.rego"), ("a/c", "z.rego")] {
            std::fs::create_dir_all(dir.path().join(sub)).unwrap();
            std::fs::write(dir.path().join(sub).join(name), "package p\n").unwrap();
        }
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        let named = [
            a.clone(),
            a.join("."),
            b.clone(),
            a.join("c"),
            a.join("c/z.rego"),
            a.clone(),
        ];
        let files = read(&named, &Boundary::around(dir.path()), false).unwrap();
        let names: Vec<&str> = files
            .iter()
            .map(|f| f.display.rsplit('/').next().unwrap())
            .collect();
        // Sorted by path: a/c/z.rego, a/x.rego, b/y.rego.
        assert_eq!(names, ["z.rego", "x.rego", "y.rego"]);
        assert!(files.iter().all(|f| f.text == "package p\n"));
    }
}
