//! Values that hold for the files under a directory: each file is linted under the nearest
//! `.ekslint.toml` upward from it, so a run may hold several configurations, each governing
//! the tree below its own directory.

use std::path::{Path, PathBuf};

/// A value per directory, and a default for files under none of them.
#[derive(Clone, Debug, Default)]
pub struct Scoped<T> {
    default: T,
    /// By directory (real paths); the deepest directory holding a file wins.
    dirs: Vec<(PathBuf, T)>,
}

impl<T> Scoped<T> {
    /// One value for every file.
    pub fn new(default: T) -> Scoped<T> {
        Scoped {
            default,
            dirs: Vec::new(),
        }
    }

    /// The value for the files under `dir` (a real path).
    pub fn insert(&mut self, dir: PathBuf, value: T) {
        match self.dirs.iter_mut().find(|(d, _)| *d == dir) {
            Some((_, v)) => *v = value,
            None => self.dirs.push((dir, value)),
        }
    }

    /// The value for a file in `dir` (a real path).
    pub fn get(&self, dir: &Path) -> &T {
        self.dirs
            .iter()
            .filter(|(d, _)| dir.starts_with(d))
            .max_by_key(|(d, _)| d.components().count())
            .map_or(&self.default, |(_, v)| v)
    }

    /// Every value, the default first.
    pub fn values(&self) -> impl Iterator<Item = &T> {
        std::iter::once(&self.default).chain(self.dirs.iter().map(|(_, v)| v))
    }

    /// Every value, mutably.
    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut T> {
        std::iter::once(&mut self.default).chain(self.dirs.iter_mut().map(|(_, v)| v))
    }

    /// The same directories with values made from these.
    pub fn map<U>(&self, f: impl Fn(&T) -> U) -> Scoped<U> {
        Scoped {
            default: f(&self.default),
            dirs: self.dirs.iter().map(|(d, v)| (d.clone(), f(v))).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_deepest_directory_holding_a_file_wins() {
        let mut s = Scoped::new("default");
        s.insert("/repo".into(), "root");
        s.insert("/repo/infra".into(), "infra");
        assert_eq!(*s.get(Path::new("/repo/infra/envs/prod")), "infra");
        assert_eq!(*s.get(Path::new("/repo/app")), "root");
        assert_eq!(*s.get(Path::new("/repo/infrastructure")), "root");
        assert_eq!(*s.get(Path::new("/elsewhere")), "default");
        assert_eq!(s.values().count(), 3);
    }
}
