//! Writing fixed files: only linted files inside the trust boundary, at their real path,
//! atomically (a temporary file in the same directory renamed over the file), with the file's
//! permissions.

use crate::trust::Boundary;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The real path of a linted file that fixes may write: symlinks resolved, inside the
/// boundary, a regular file.
pub fn writable(boundary: &Boundary, path: &Path) -> Result<PathBuf, String> {
    let real = std::fs::canonicalize(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if !boundary.allows(&real) {
        return Err(format!(
            "{}: it resolves outside the project root; not written",
            path.display()
        ));
    }
    let meta = std::fs::metadata(&real).map_err(|e| format!("{}: {e}", path.display()))?;
    if !meta.is_file() {
        return Err(format!(
            "{}: not a regular file; not written",
            path.display()
        ));
    }
    Ok(real)
}

/// Replaces the file at `real` (from [`writable`]) with `bytes`.
pub fn replace(real: &Path, bytes: &[u8]) -> Result<(), String> {
    let fail = |e: std::io::Error| format!("{}: {e}", real.display());
    let dir = real.parent().unwrap_or(Path::new("."));
    let permissions = std::fs::metadata(real).map_err(fail)?.permissions();
    let mut temp = tempfile::Builder::new()
        .prefix(".ekslint-fix-")
        .tempfile_in(dir)
        .map_err(fail)?;
    temp.write_all(bytes).map_err(fail)?;
    temp.as_file().sync_all().map_err(fail)?;
    temp.as_file().set_permissions(permissions).map_err(fail)?;
    temp.persist(real).map_err(|e| fail(e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn writes_in_place_keeping_permissions_and_never_through_a_link_out() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let file = dir.path().join("main.tf");
        std::fs::write(&file, "a").unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).unwrap();
        let boundary = Boundary::around(dir.path());
        let real = writable(&boundary, &file).unwrap();
        replace(&real, b"b").unwrap();
        assert_eq!(std::fs::read(&file).unwrap(), b"b");
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
        // A link inside the project to a file inside it is written at its target.
        let link = dir.path().join("link.tf");
        std::os::unix::fs::symlink(&file, &link).unwrap();
        let real = writable(&boundary, &link).unwrap();
        replace(&real, b"c").unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read(&file).unwrap(), b"c");
        // A link out of the project is not written.
        std::fs::write(outside.path().join("x.tf"), "x").unwrap();
        let out = dir.path().join("out.tf");
        std::os::unix::fs::symlink(outside.path().join("x.tf"), &out).unwrap();
        assert!(writable(&boundary, &out).is_err());
        let leftovers = std::fs::read_dir(dir.path())
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .starts_with(".ekslint")
            })
            .count();
        assert_eq!(leftovers, 0);
    }
}
