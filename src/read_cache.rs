//! Files kept between runs, for a caller that reads the same files again and again with one of
//! them changed (the language server reads the whole module of a document on every keystroke).
//!
//! Texts are kept by file (device and inode, so a file reached by two paths is kept once). A
//! file is read again unless its metadata is the one it was read with: size, and modification
//! and change times to the nanosecond. The change time cannot be set back by
//! a program (unlike the modification time), so any write after the read changes it. A file
//! changed less than [`SETTLED`] before it was read is not kept: a second write within the
//! clock's tick could leave its times as they were (git's "racy" files), so it is read again
//! until it settles.

use crate::limits::MAX_READ_CACHE_BYTES;
use foldhash::HashMap;
use std::fs::Metadata;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

/// How long before its read a file must have last changed to be kept.
const SETTLED: Duration = Duration::from_secs(2);

/// The texts of files read, with the metadata each was read with.
#[derive(Debug, Default)]
pub struct ReadCache {
    files: Mutex<Files>,
}

#[derive(Debug, Default)]
struct Files {
    /// By device and inode.
    by_file: HashMap<(u64, u64), Kept>,
    bytes: usize,
}

/// A file's text, and the metadata it was read with.
type Kept = (Stamp, Arc<[u8]>);

/// What tells one version of a file from another.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Stamp {
    dev: u64,
    ino: u64,
    len: u64,
    modified: (i64, i64),
    changed: (i64, i64),
}

impl Stamp {
    /// The stamp of a file's metadata, if the platform gives one (it does on Unix) and the
    /// file system keeps both times (one that leaves them at zero tells no versions apart).
    #[cfg(unix)]
    fn of(meta: &Metadata) -> Option<Stamp> {
        use std::os::unix::fs::MetadataExt;
        let stamp = Stamp {
            dev: meta.dev(),
            ino: meta.ino(),
            len: meta.len(),
            modified: (meta.mtime(), meta.mtime_nsec()),
            changed: (meta.ctime(), meta.ctime_nsec()),
        };
        (stamp.modified != (0, 0) && stamp.changed != (0, 0)).then_some(stamp)
    }

    #[cfg(not(unix))]
    fn of(_: &Metadata) -> Option<Stamp> {
        None
    }

    /// Whether the file last changed at least [`SETTLED`] before `now`.
    fn settled(&self, now: SystemTime) -> bool {
        let Ok(now) = now.duration_since(SystemTime::UNIX_EPOCH) else {
            return false;
        };
        let (secs, nanos) = self.changed;
        let (Ok(secs), Ok(nanos)) = (u64::try_from(secs), u32::try_from(nanos)) else {
            return false;
        };
        let changed = Duration::new(secs, 0).saturating_add(Duration::from_nanos(nanos.into()));
        now.checked_sub(changed).is_some_and(|age| age >= SETTLED)
    }
}

impl ReadCache {
    /// The text read of the file whose metadata is now `meta`, when that is the metadata it
    /// was read with.
    pub fn get(&self, meta: &Metadata) -> Option<Vec<u8>> {
        let stamp = Stamp::of(meta)?;
        let files = self.lock();
        let (kept, bytes) = files.by_file.get(&(stamp.dev, stamp.ino))?;
        (*kept == stamp).then(|| bytes.to_vec())
    }

    /// Keeps the text read from the open file whose metadata is `meta`, once it has settled
    /// (as of `read_at`, a time before the read). When the texts kept would pass
    /// [`MAX_READ_CACHE_BYTES`], the others are let go first.
    pub fn keep(&self, meta: &Metadata, read_at: SystemTime, bytes: &[u8]) {
        let Some(stamp) = Stamp::of(meta).filter(|s| s.settled(read_at)) else {
            return;
        };
        if stamp.len != bytes.len() as u64 || bytes.len() > MAX_READ_CACHE_BYTES {
            return;
        }
        let mut files = self.lock();
        if files.bytes + bytes.len() > MAX_READ_CACHE_BYTES {
            *files = Files::default();
        }
        files.bytes += bytes.len();
        if let Some((_, old)) = files
            .by_file
            .insert((stamp.dev, stamp.ino), (stamp, Arc::from(bytes)))
        {
            files.bytes -= old.len();
        }
    }

    /// Whether a text of the file whose metadata is `meta` is kept.
    #[cfg(test)]
    pub fn holds(&self, meta: &Metadata) -> bool {
        Stamp::of(meta).is_some_and(|s| self.lock().by_file.contains_key(&(s.dev, s.ino)))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Files> {
        // Every change leaves the map whole: a panic elsewhere did not half-write it.
        self.files.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::path::{Path, PathBuf};

    fn metadata(path: &Path) -> Metadata {
        std::fs::metadata(path).expect("metadata")
    }

    /// A file `main.tf` holding `text`, in a directory that lives as long as the guard.
    fn written(text: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("main.tf");
        std::fs::write(&path, text).expect("write");
        (dir, path)
    }

    /// A time well after the file last changed.
    fn later() -> SystemTime {
        SystemTime::now() + Duration::from_secs(60)
    }

    #[test]
    fn a_settled_file_is_kept_until_its_metadata_changes() {
        let (_dir, path) = written("a");
        let cache = ReadCache::default();
        assert_eq!(cache.get(&metadata(&path)), None);
        cache.keep(&metadata(&path), later(), b"a");
        assert_eq!(cache.get(&metadata(&path)), Some(b"a".to_vec()));
        // Rewritten with the same size: its change time moves on (the file system's clock
        // ticks at least every few milliseconds).
        std::thread::sleep(Duration::from_millis(20));
        std::fs::write(&path, "b").expect("write");
        assert_eq!(cache.get(&metadata(&path)), None);
    }

    #[test]
    fn a_file_changed_just_before_its_read_is_not_kept() {
        let (_dir, path) = written("a");
        let cache = ReadCache::default();
        cache.keep(&metadata(&path), SystemTime::now(), b"a");
        assert_eq!(cache.get(&metadata(&path)), None);
    }

    #[test]
    fn a_text_that_is_not_the_files_size_is_not_kept() {
        let (_dir, path) = written("ab");
        let cache = ReadCache::default();
        cache.keep(&metadata(&path), later(), b"a");
        assert_eq!(cache.get(&metadata(&path)), None);
    }
}
