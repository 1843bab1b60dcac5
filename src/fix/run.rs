//! `--fix`, `--unsafe-fixes` and `--diff`: lint, apply the fixes that fit together, lint the
//! fixed texts again, until no fix is left or [`MAX_FIX_PASSES`] passes are done.
//!
//! The fixed texts are kept in memory (the boundary reads them instead of the files) until the
//! last pass; the caller then writes them, or prints their diff. A file whose fixed text would
//! not parse keeps its text, and its fixes are not applied.

use super::{Fix, Safety, apply};
use crate::limits::MAX_FIX_PASSES;
use crate::report::Report;
use crate::source::FileId;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Fixed texts by the real path of their file.
pub type Overlay = BTreeMap<PathBuf, Vec<u8>>;

/// A file whose text the fixes changed.
#[derive(Debug)]
pub struct Change {
    /// The path as shown in reports.
    pub display: String,
    /// The real path, where it is written.
    pub real: PathBuf,
    pub old: Vec<u8>,
    pub new: Vec<u8>,
}

/// What the passes did.
#[derive(Debug)]
pub struct Outcome {
    /// The lint of the texts before any fix, when a fix was applied (else it is `after`).
    pub before: Option<Report>,
    /// The lint of the fixed texts.
    pub after: Report,
    /// The fixes applied (each corrects one finding).
    pub applied: usize,
    /// The files changed, by path.
    pub changes: Vec<Change>,
    /// Files left as they were, and why.
    pub errors: Vec<String>,
}

/// How the passes reach the files.
pub trait Files {
    /// Lints the files, reading the texts of `overlay` instead of theirs.
    fn lint(&mut self, overlay: &Arc<Overlay>) -> Report;
    /// The real path of a file of a report that fixes may write, or why not.
    fn writable(&self, display: &str) -> Result<PathBuf, String>;
    /// The bytes of a file on disk.
    fn read(&self, real: &Path) -> Result<Vec<u8>, String>;
}

/// Applies the fixes up to `safety` until none is left.
pub fn fix(files: &mut dyn Files, safety: Safety) -> Outcome {
    let mut overlay: Arc<Overlay> = Arc::default();
    let mut originals: BTreeMap<PathBuf, (String, Vec<u8>)> = BTreeMap::new();
    // Files whose fixes are not applied: not writable, or their fixed text would not parse.
    let mut frozen: BTreeSet<String> = BTreeSet::new();
    let mut errors = Vec::new();
    let mut applied = 0;
    let mut before = None;
    let mut after = None;
    for _ in 0..MAX_FIX_PASSES {
        let report = files.lint(&overlay);
        let path = |id: FileId| report.sources.get(id).path.clone();
        let candidates = report
            .diagnostics
            .iter()
            .filter(|d| d.suppressed.is_none())
            .filter_map(|d| d.fix.as_deref())
            .filter(|f| f.safety <= safety)
            .filter(|f| f.files().into_iter().all(|id| !frozen.contains(&path(id))));
        let chosen: Vec<&Fix> = apply::compatible(candidates);
        let ids: BTreeSet<FileId> = chosen.iter().flat_map(|f| f.files()).collect();
        let mut fixed: Vec<(String, PathBuf, Vec<u8>)> = Vec::new();
        for id in &ids {
            let display = path(*id);
            match fixed_text(files, &overlay, &mut originals, &display, &chosen, *id) {
                Ok((real, text)) => fixed.push((display, real, text)),
                Err(why) => {
                    errors.push(why);
                    frozen.insert(display);
                }
            }
        }
        if chosen.is_empty() {
            after = Some(report);
            break;
        }
        // A pass applies its fixes only when every file they edit takes them.
        if fixed.len() == ids.len() {
            applied += chosen.len();
            let next = Arc::make_mut(&mut overlay);
            for (_, real, text) in fixed {
                next.insert(real, text);
            }
        }
        if before.is_none() {
            before = Some(report);
        }
    }
    let after = after.unwrap_or_else(|| files.lint(&overlay));
    let changes = originals
        .into_iter()
        .filter_map(|(real, (display, old))| {
            let new = overlay.get(&real)?.clone();
            (new != old).then_some(Change {
                display,
                real,
                old,
                new,
            })
        })
        .collect();
    Outcome {
        before,
        after,
        applied,
        changes,
        errors,
    }
}

/// The text of the file `display` (file `id` of the pass) with the chosen fixes applied, and
/// its real path; an error when it cannot be written or would not parse.
fn fixed_text(
    files: &dyn Files,
    overlay: &Overlay,
    originals: &mut BTreeMap<PathBuf, (String, Vec<u8>)>,
    display: &str,
    chosen: &[&Fix],
    id: FileId,
) -> Result<(PathBuf, Vec<u8>), String> {
    let real = files.writable(display)?;
    let current = match overlay.get(&real) {
        Some(text) => text.clone(),
        None => files.read(&real)?,
    };
    originals
        .entry(real.clone())
        .or_insert_with(|| (display.to_string(), current.clone()));
    let text =
        String::from_utf8(current).map_err(|_| format!("{display}: not UTF-8; not fixed"))?;
    let edits = apply::edits_in(chosen, id);
    let new = apply::apply(&text, &edits)
        .ok_or_else(|| format!("{display}: changed while it was fixed; not fixed"))?;
    if let Some(error) = crate::parse::syntax_error(display, &new)
        && crate::parse::syntax_error(display, &text).is_none()
    {
        return Err(format!(
            "{display}: the fixed text would not parse ({error}); left as it is"
        ));
    }
    Ok((real, new.into_bytes()))
}
