//! The trust boundary: which files a run may read.
//!
//! ekslint lints untrusted pull requests, whose files may be symlinks to `/proc/self/environ`,
//! FIFOs, or paths that climb out of the repository. Every read of a run goes through a
//! [`Boundary`]: it reads only regular files whose real path (symlinks resolved) is inside one
//! of its roots — the project root (the enclosing git work tree, else the working directory)
//! and the paths the user named — never a special file (FIFO, device, socket, `/proc`, `/sys`),
//! and never more than [`Boundary::max_file_bytes`]. A refusal names the path and shows nothing
//! of its content.

use crate::limits::DEFAULT_MAX_FILE_BYTES;
use crate::read_cache::ReadCache;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::fs::Metadata;
use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

/// Why a file was not read.
#[derive(Debug)]
pub enum Refusal {
    /// Its real path (symlinks resolved) is outside the project.
    Outside,
    /// Not a regular file (FIFO, device, socket, directory, `/proc` or `/sys`).
    Special,
    /// Larger than the read limit.
    TooLarge { limit: u64 },
    /// The operating system's error (missing, permission denied, ...).
    Io(std::io::Error),
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::Outside => f.write_str("it resolves outside the project root; not read"),
            Refusal::Special => f.write_str(
                "it is not a regular file (a FIFO, device, socket, or a file of /proc or /sys); not read",
            ),
            Refusal::TooLarge { limit } => write!(
                f,
                "it is larger than {limit} bytes (the `max-file-bytes` limit); not read"
            ),
            Refusal::Io(e) => write!(f, "{e}"),
        }
    }
}

/// The directories a run may read from, and the largest file it reads. The default has no
/// root: it reads nothing.
#[derive(Clone, Debug)]
pub struct Boundary {
    /// Real paths (canonical) of the roots.
    roots: Vec<PathBuf>,
    pub max_file_bytes: u64,
    /// Texts read instead of the files at these real paths (`--fix` lints its fixed texts
    /// before it writes them).
    overlay: Option<Arc<BTreeMap<PathBuf, Vec<u8>>>>,
}

impl Default for Boundary {
    fn default() -> Boundary {
        Boundary {
            roots: Vec::new(),
            max_file_bytes: DEFAULT_MAX_FILE_BYTES,
            overlay: None,
        }
    }
}

impl Boundary {
    /// A boundary around the project that holds `start` (a directory): the enclosing git work
    /// tree, else `start` itself.
    pub fn around(start: &Path) -> Boundary {
        let mut b = Boundary::default();
        b.add_root(&project_root(start));
        b
    }

    /// Trusts a path the user named: the git work tree that holds it, else the path itself (a
    /// directory) or its directory (a file). Reading it and its module's files is then allowed.
    pub fn trust_named(&mut self, path: &Path) {
        let abs = absolute(path);
        if self.contains_lexically(&abs) {
            return;
        }
        let dir = if abs.is_dir() {
            abs
        } else {
            abs.parent().map(Path::to_path_buf).unwrap_or(abs)
        };
        self.add_root(&project_root(&dir));
    }

    fn add_root(&mut self, dir: &Path) {
        let real = std::fs::canonicalize(dir).unwrap_or_else(|_| absolute(dir));
        if !is_system(&real) && !self.roots.contains(&real) {
            self.roots.push(real);
        }
    }

    /// Reads `texts` (by real path) instead of those files, once they pass the same checks.
    pub fn set_overlay(&mut self, texts: Arc<BTreeMap<PathBuf, Vec<u8>>>) {
        self.overlay = Some(texts);
    }

    /// The roots (real paths).
    pub fn roots(&self) -> &[PathBuf] {
        &self.roots
    }

    /// Whether a path, written as given (symlinks not resolved), lies under a root.
    fn contains_lexically(&self, abs: &Path) -> bool {
        self.roots.iter().any(|r| abs.starts_with(r))
    }

    /// Whether the real path of `path` is inside a root. A path that does not exist is judged
    /// by its parent's real path and its name.
    pub fn allows(&self, path: &Path) -> bool {
        self.real_path(path)
            .is_some_and(|real| !is_system(&real) && self.roots.iter().any(|r| real.starts_with(r)))
    }

    fn real_path(&self, path: &Path) -> Option<PathBuf> {
        match std::fs::canonicalize(path) {
            Ok(p) => Some(p),
            Err(_) => {
                let abs = absolute(path);
                let parent = std::fs::canonicalize(abs.parent()?).ok()?;
                Some(parent.join(abs.file_name()?))
            }
        }
    }

    /// Reads a file inside the boundary.
    pub fn read(&self, path: &Path) -> Result<Vec<u8>, Refusal> {
        let real = std::fs::canonicalize(path).map_err(Refusal::Io)?;
        self.read_real(&real, None, None)
    }

    /// A reader of many files for one run, which resolves each directory once.
    pub fn reader(&self) -> Reader<'_> {
        Reader {
            boundary: self,
            dirs: Mutex::default(),
            cache: None,
        }
    }

    /// A reader that takes a file from `cache` when it has not changed since it was kept
    /// there, and keeps what it reads (see [`ReadCache`]).
    pub fn cached_reader<'b>(&'b self, cache: &'b ReadCache) -> Reader<'b> {
        Reader {
            cache: Some(cache),
            ..self.reader()
        }
    }

    /// Reads a file by its real path, whose metadata (symlinks followed) may be known, through
    /// `cache` when given (the checks are made either way).
    fn read_real(
        &self,
        real: &Path,
        meta: Option<Metadata>,
        cache: Option<&ReadCache>,
    ) -> Result<Vec<u8>, Refusal> {
        self.judge_place(real)?;
        // Judge the file before opening it: opening a FIFO for reading would block.
        let meta = match meta {
            Some(meta) => meta,
            None => std::fs::metadata(real).map_err(Refusal::Io)?,
        };
        self.judge_file(&meta)?;
        if let Some(text) = self.overlaid(real) {
            return Ok(text.clone());
        }
        if let Some(bytes) = cache.and_then(|c| c.get(&meta)) {
            return Ok(bytes);
        }
        let read_at = SystemTime::now();
        let file = std::fs::File::open(real).map_err(Refusal::Io)?;
        // Judged again as it is once open: it may have changed since.
        let opened = file.metadata().map_err(Refusal::Io)?;
        self.judge_file(&opened)?;
        let bytes = contents(file, opened.len(), self.max_file_bytes)?;
        if let Some(cache) = cache {
            cache.keep(&opened, read_at, &bytes);
        }
        Ok(bytes)
    }

    /// Reads a file opened at `real` (its real path) by [`open_unfollowed`], judged as
    /// [`Boundary::read_real`] judges one, by the open file's metadata.
    fn read_opened(&self, real: &Path, file: std::fs::File) -> Result<Vec<u8>, Refusal> {
        self.judge_place(real)?;
        let meta = file.metadata().map_err(Refusal::Io)?;
        self.judge_file(&meta)?;
        if let Some(text) = self.overlaid(real) {
            return Ok(text.clone());
        }
        contents(file, meta.len(), self.max_file_bytes)
    }

    /// Refuses a real path outside the roots or in `/proc`, `/sys`, `/dev`.
    fn judge_place(&self, real: &Path) -> Result<(), Refusal> {
        if is_system(real) {
            return Err(Refusal::Special);
        }
        if !self.roots.iter().any(|r| real.starts_with(r)) {
            return Err(Refusal::Outside);
        }
        Ok(())
    }

    /// Refuses what is not a regular file, or one past the read limit.
    fn judge_file(&self, meta: &Metadata) -> Result<(), Refusal> {
        if !meta.is_file() {
            return Err(Refusal::Special);
        }
        let limit = self.max_file_bytes;
        if meta.len() > limit {
            return Err(Refusal::TooLarge { limit });
        }
        Ok(())
    }

    /// The text read instead of the file at `real`, if any.
    fn overlaid(&self, real: &Path) -> Option<&Vec<u8>> {
        self.overlay.as_ref().and_then(|o| o.get(real))
    }

    /// Reads a UTF-8 file inside the boundary (a BOM is dropped).
    pub fn read_to_string(&self, path: &Path) -> Result<String, String> {
        let bytes = self.read(path).map_err(|e| e.to_string())?;
        let text = String::from_utf8(bytes).map_err(|_| "it is not valid UTF-8".to_string())?;
        Ok(match text.strip_prefix('\u{feff}') {
            Some(rest) => rest.to_string(),
            None => text,
        })
    }
}

/// Reads files inside a [`Boundary`] for one run (see [`Boundary::reader`]), resolving each
/// directory once: the real path of a path that is not a symbolic link is its parent's real
/// path and its name, as `realpath` finds it component by component. Made for each run, so the
/// directories are resolved as they are during that run.
pub struct Reader<'b> {
    boundary: &'b Boundary,
    /// The real path of each directory met, by the path as given.
    dirs: Mutex<HashMap<PathBuf, PathBuf>>,
    /// Files kept from earlier runs.
    cache: Option<&'b ReadCache>,
}

impl Reader<'_> {
    /// Reads a file inside the boundary, as [`Boundary::read`] does.
    ///
    /// Without a cache, a file is opened first (not through a link, see [`open_unfollowed`])
    /// and judged by what it is once open: no `stat` before opening it, for each of a
    /// monorepo's thousands of files. A cache is asked by the file's metadata before the file
    /// is opened.
    pub fn read(&self, path: &Path) -> Result<Vec<u8>, Refusal> {
        self.read_from(path, None)
    }

    /// Reads a file whose directory's real path the caller has resolved (a walk, which follows
    /// no link, found it), as [`Reader::read`] does, without resolving the directory again.
    pub fn read_in(&self, path: &Path, real_dir: &Path) -> Result<Vec<u8>, Refusal> {
        self.read_from(path, Some(real_dir))
    }

    fn read_from(&self, path: &Path, real_dir: Option<&Path>) -> Result<Vec<u8>, Refusal> {
        let (Some(name), Some(dir)) = (path.file_name(), path.parent()) else {
            return self.boundary.read(path);
        };
        let dir = crate::workspace::here_if_empty(dir);
        let real = || -> Result<PathBuf, Refusal> {
            Ok(match real_dir {
                Some(known) => known.join(name),
                None => self.real_dir(dir).map_err(Refusal::Io)?.join(name),
            })
        };
        if self.cache.is_none()
            && let Some(file) = open_unfollowed(path)
        {
            return self.boundary.read_opened(&real()?, file);
        }
        let meta = std::fs::symlink_metadata(path).map_err(Refusal::Io)?;
        if meta.file_type().is_symlink() {
            return self.boundary.read(path);
        }
        self.boundary.read_real(&real()?, Some(meta), self.cache)
    }

    /// The real path of a directory: that of the nearest ancestor already met, or resolved
    /// whole, with the names below it that are not links.
    fn real_dir(&self, dir: &Path) -> std::io::Result<PathBuf> {
        let mut below: Vec<&Path> = Vec::new();
        let mut at = dir;
        let mut real = loop {
            if let Some(real) = self.dirs.lock().ok().and_then(|d| d.get(at).cloned()) {
                break real;
            }
            match at.parent() {
                Some(parent)
                    if at.file_name().is_some()
                        && !parent.as_os_str().is_empty()
                        && !std::fs::symlink_metadata(at)?.file_type().is_symlink() =>
                {
                    below.push(at);
                    at = parent;
                }
                _ => {
                    let real = std::fs::canonicalize(at)?;
                    self.remember(at, &real);
                    break real;
                }
            }
        };
        for path in below.into_iter().rev() {
            if let Some(name) = path.file_name() {
                real.push(name);
            }
            self.remember(path, &real);
        }
        Ok(real)
    }

    fn remember(&self, path: &Path, real: &Path) {
        if let Ok(mut dirs) = self.dirs.lock() {
            dirs.insert(path.to_path_buf(), real.to_path_buf());
        }
    }
}

/// Opens a file for reading unless it is a symbolic link, without blocking (a FIFO opens at
/// once; a regular file reads as it would otherwise) and without taking a terminal as the
/// process's own; `None` when it cannot be opened so (a link, a missing file: the careful path
/// judges it and says why).
#[cfg(unix)]
fn open_unfollowed(path: &Path) -> Option<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
        .ok()
}

#[cfg(not(unix))]
fn open_unfollowed(_: &Path) -> Option<std::fs::File> {
    None
}

/// The contents of an open regular file whose size was `len` (at most `limit`) when judged:
/// that many bytes (or fewer, should it have shrunk since), read without asking again for its
/// end. A file that says it is empty is read to its end, up to `limit`: some file systems give
/// no size.
fn contents(file: std::fs::File, len: u64, limit: u64) -> Result<Vec<u8>, Refusal> {
    let most = if len == 0 {
        limit.saturating_add(1)
    } else {
        len
    };
    let mut bytes = Vec::with_capacity(len as usize);
    file.take(most)
        .read_to_end(&mut bytes)
        .map_err(Refusal::Io)?;
    if bytes.len() as u64 > limit {
        return Err(Refusal::TooLarge { limit });
    }
    Ok(bytes)
}

/// The git work tree that holds `dir` (a `.git` directory or file in it or above), else `dir`.
pub fn project_root(dir: &Path) -> PathBuf {
    let abs = absolute(dir);
    abs.ancestors()
        .find(|d| d.join(".git").exists())
        .map_or_else(|| abs.clone(), Path::to_path_buf)
}

/// `/proc`, `/sys` and `/dev` hold files that look regular but are not (the environment of a
/// process, devices): never read, never a root.
fn is_system(real: &Path) -> bool {
    // As `real.starts_with("/proc")` and the others, reading two components, not three paths.
    let mut parts = real.components();
    parts.next() == Some(Component::RootDir)
        && matches!(parts.next(), Some(Component::Normal(n)) if n == "proc" || n == "sys" || n == "dev")
}

/// The real path of what `path` names, or `path` as given when it names nothing: one key for
/// every spelling of an existing file or directory.
pub fn real_or_given(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// The path made absolute against the working directory, with `.` and `..` resolved lexically.
pub fn absolute(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .unwrap_or_else(|_| PathBuf::from("/"))
            .join(path)
    };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            c => out.push(c.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    fn mkfifo(path: &Path) {
        let made = std::process::Command::new("mkfifo").arg(path).status();
        assert!(made.unwrap().success(), "mkfifo {}", path.display());
    }

    fn boundary(root: &Path) -> Boundary {
        let mut b = Boundary::around(root);
        b.roots = vec![std::fs::canonicalize(root).unwrap()];
        b
    }

    /// A project directory, and a directory outside it holding a `secret` file.
    fn project_and_secret() -> (tempfile::TempDir, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret"), "TOKEN").unwrap();
        (dir, outside)
    }

    #[test]
    fn reads_regular_files_inside() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.tf"), "x").unwrap();
        assert_eq!(
            boundary(dir.path()).read(&dir.path().join("a.tf")).unwrap(),
            b"x"
        );
    }

    #[cfg(unix)]
    #[test]
    fn refuses_symlinks_out_and_special_files() {
        let (dir, outside) = project_and_secret();
        let link = dir.path().join("terraform.tfvars");
        std::os::unix::fs::symlink(outside.path().join("secret"), &link).unwrap();
        let env = dir.path().join("env.tfvars");
        std::os::unix::fs::symlink("/proc/self/environ", &env).unwrap();
        let null = dir.path().join("null.json");
        std::os::unix::fs::symlink("/dev/zero", &null).unwrap();
        let b = boundary(dir.path());
        assert!(matches!(b.read(&link), Err(Refusal::Outside)));
        assert!(matches!(b.read(&env), Err(Refusal::Special)));
        assert!(matches!(b.read(&null), Err(Refusal::Special)));
        assert!(!b.allows(&dir.path().join("../x")));
        assert!(b.allows(&dir.path().join("new.tf")));
    }

    #[cfg(unix)]
    #[test]
    fn refuses_fifos_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("modules.json");
        mkfifo(&fifo);
        assert!(matches!(
            boundary(dir.path()).read(&fifo),
            Err(Refusal::Special)
        ));
    }

    #[test]
    fn caps_reads() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("big.tf"), vec![b'#'; 100]).unwrap();
        let mut b = boundary(dir.path());
        b.max_file_bytes = 99;
        assert!(matches!(
            b.read(&dir.path().join("big.tf")),
            Err(Refusal::TooLarge { limit: 99 })
        ));
        b.max_file_bytes = 100;
        assert!(b.read(&dir.path().join("big.tf")).is_ok());
    }

    #[test]
    fn an_open_file_is_read_up_to_the_size_it_was_judged_at_or_to_its_end_when_it_gave_none() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("main.tf");
        std::fs::write(&path, "0123456789").unwrap();
        let open = || std::fs::File::open(&path).unwrap();
        assert_eq!(contents(open(), 10, 10).unwrap(), b"0123456789");
        // Grown since it was judged at four bytes: what it held then is read.
        assert_eq!(contents(open(), 4, 10).unwrap(), b"0123");
        // Shrunk since: what it holds.
        assert_eq!(contents(open(), 20, 30).unwrap(), b"0123456789");
        // No size given: read to the end, up to the limit.
        assert_eq!(contents(open(), 0, 10).unwrap(), b"0123456789");
        assert!(matches!(
            contents(open(), 0, 9),
            Err(Refusal::TooLarge { limit: 9 })
        ));
        std::fs::write(&path, "").unwrap();
        assert_eq!(boundary(dir.path()).reader().read(&path).unwrap(), b"");
    }

    #[test]
    fn system_paths_are_those_under_proc_sys_and_dev_component_by_component() {
        let paths = [
            "/proc",
            "/proc/self/environ",
            "/procfs/x",
            "/sys/kernel",
            "/system",
            "/dev/zero",
            "/devices/x",
            "/",
            "/tmp/proc/x",
            "proc/x",
            "//proc/x",
            "/./dev/x",
        ];
        for p in paths {
            let path = Path::new(p);
            let expected = ["/proc", "/sys", "/dev"]
                .iter()
                .any(|s| path.starts_with(s));
            assert_eq!(is_system(path), expected, "{p}");
        }
        assert!(is_system(Path::new("/dev/zero")));
        assert!(!is_system(Path::new("/devices/x")));
    }

    #[test]
    fn named_paths_outside_become_roots() {
        let dir = tempfile::tempdir().unwrap();
        let other = tempfile::tempdir().unwrap();
        std::fs::write(other.path().join("main.tf"), "x").unwrap();
        let mut b = boundary(dir.path());
        assert!(!b.allows(&other.path().join("main.tf")));
        b.trust_named(&other.path().join("main.tf"));
        assert!(b.allows(&other.path().join("variables.tf")));
    }

    /// A run's reader refuses and reads what a single read does, through links to files and to
    /// directories, `..`, a FIFO, `/proc`, a path without a directory, and directories it has
    /// resolved already.
    #[cfg(unix)]
    #[test]
    fn a_reader_judges_every_path_as_a_single_read_does() {
        use std::os::unix::fs::symlink;
        let (dir, outside) = project_and_secret();
        let root = dir.path();
        std::fs::create_dir_all(root.join("a/b")).unwrap();
        std::fs::write(root.join("a/b/main.tf"), "inside").unwrap();
        std::fs::write(root.join("a/top.tf"), "top").unwrap();
        std::fs::write(root.join("big.tf"), vec![b'#'; 100]).unwrap();
        symlink(outside.path(), root.join("a/out")).unwrap();
        symlink(root.join("a/b"), root.join("a/in")).unwrap();
        symlink(outside.path().join("secret"), root.join("a/b/vars.tfvars")).unwrap();
        symlink("/proc/self/environ", root.join("a/env.tfvars")).unwrap();
        symlink("b/main.tf", root.join("a/relative.tf")).unwrap();
        mkfifo(&root.join("a/modules.json"));
        let mut b = boundary(root);
        b.max_file_bytes = 99;
        let paths = [
            "a/b/main.tf",
            "a/top.tf",
            "a/out/secret",
            "a/in/main.tf",
            "a/b/vars.tfvars",
            "a/env.tfvars",
            "a/relative.tf",
            "a/modules.json",
            "a/b/../top.tf",
            "a/out/../b/main.tf",
            "a/b/missing.tf",
            "a/b",
            "big.tf",
        ];
        let outcome = |r: Result<Vec<u8>, Refusal>| match r {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(e) => e.to_string(),
        };
        let reader = b.reader();
        // Twice: the second time from the directories already resolved.
        for _ in 0..2 {
            for p in paths {
                let path = root.join(p);
                assert_eq!(outcome(reader.read(&path)), outcome(b.read(&path)), "{p}");
            }
        }
        assert_eq!(outcome(reader.read(&root.join("a/in/main.tf"))), "inside");
        assert!(matches!(
            reader.read(&root.join("a/out/secret")),
            Err(Refusal::Outside)
        ));
        assert!(matches!(
            reader.read(&root.join("a/modules.json")),
            Err(Refusal::Special)
        ));
        // Relative to the working directory, with no directory at all.
        let cwd = std::env::current_dir().unwrap();
        let here = boundary(&cwd);
        assert_eq!(
            outcome(here.reader().read(Path::new("Cargo.toml"))),
            outcome(here.read(Path::new("Cargo.toml")))
        );
    }

    #[test]
    fn a_file_read_in_a_resolved_directory_is_judged_by_that_directory() {
        use std::os::unix::fs::symlink;
        let (dir, outside) = project_and_secret();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        std::fs::create_dir_all(root.join("a/b")).unwrap();
        std::fs::write(root.join("a/b/main.tf"), "inside").unwrap();
        symlink(outside.path().join("secret"), root.join("a/b/vars.tfvars")).unwrap();
        let b = boundary(&root);
        let reader = b.reader();
        let outcome = |r: Result<Vec<u8>, Refusal>| match r {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(e) => e.to_string(),
        };
        for name in ["a/b/main.tf", "a/b/vars.tfvars", "a/b/missing.tf"] {
            let path = root.join(name);
            assert_eq!(
                outcome(reader.read_in(&path, &root.join("a/b"))),
                outcome(b.read(&path)),
                "{name}"
            );
        }
        // The directory given is the one judged: a file said to be elsewhere is refused there.
        assert!(matches!(
            reader.read_in(&root.join("a/b/main.tf"), outside.path()),
            Err(Refusal::Outside)
        ));
    }

    #[test]
    fn a_cached_reader_reads_a_file_again_once_it_changes_and_judges_it_every_time() {
        use std::os::unix::fs::symlink;
        let (dir, outside) = project_and_secret();
        let root = dir.path();
        let (same, grown, linked, fifo) = (
            root.join("same.tf"),
            root.join("grown.tf"),
            root.join("linked.tf"),
            root.join("fifo.tf"),
        );
        for path in [&same, &grown, &linked, &fifo] {
            std::fs::write(path, "first").unwrap();
        }
        // Files are kept once they have not changed for two seconds.
        std::thread::sleep(std::time::Duration::from_millis(2100));
        let b = boundary(root);
        let cache = ReadCache::default();
        for _ in 0..2 {
            let reader = b.cached_reader(&cache);
            for path in [&same, &grown, &linked, &fifo] {
                assert_eq!(reader.read(path).unwrap(), b"first");
            }
        }
        for path in [&same, &grown, &linked] {
            assert!(cache.holds(&std::fs::metadata(path).unwrap()), "{path:?}");
        }
        std::fs::write(&same, "other").unwrap();
        std::fs::write(&grown, "first and more").unwrap();
        std::fs::remove_file(&linked).unwrap();
        symlink(outside.path().join("secret"), &linked).unwrap();
        std::fs::remove_file(&fifo).unwrap();
        mkfifo(&fifo);
        let reader = b.cached_reader(&cache);
        assert_eq!(reader.read(&same).unwrap(), b"other");
        assert_eq!(reader.read(&grown).unwrap(), b"first and more");
        assert!(matches!(reader.read(&linked), Err(Refusal::Outside)));
        assert!(matches!(reader.read(&fifo), Err(Refusal::Special)));
    }
}
