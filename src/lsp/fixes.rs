//! Fixes as code actions: one `quickfix` per fix of a finding in the requested range
//! (preferred when the fix is safe), and `source.fixAll.ekslint`, every safe fix of the
//! document, applied in passes as `--fix` applies them.

use super::convert;
use super::document::{self, Kept, Linted, Open};
use super::uri;
use crate::fix::{Fix, Safety, apply};
use crate::limits::MAX_FIX_PASSES;
use crate::source::{FileId, SourceFile};
use lsp_types as lsp;
use std::collections::HashMap;
use std::path::Path;
use std::str::FromStr;

/// The kind of the fix-all action.
pub const FIX_ALL: &str = "source.fixAll.ekslint";

/// Whether a request that asks only for `only` kinds (all when `None`) wants actions of `kind`.
pub fn wanted(only: Option<&[lsp::CodeActionKind]>, kind: &str) -> bool {
    only.is_none_or(|kinds| {
        kinds.iter().any(|k| {
            let k = k.as_str();
            kind == k || kind.starts_with(&format!("{k}."))
        })
    })
}

/// A quick fix for each fix of an unsuppressed finding of the document that starts or ends in
/// `range` (or overlaps it), linked to the client's diagnostic of the same rule and range.
pub fn quick_fixes(
    linted: &Linted,
    range: lsp::Range,
    known: &[lsp::Diagnostic],
) -> Vec<lsp::CodeActionOrCommand> {
    let report = &linted.report;
    let file = report.sources.get(linted.file);
    // The editor's diagnostics by range and rule (the first of each), looked up once per fix.
    let mut linked: HashMap<(lsp::Range, &str), &lsp::Diagnostic> = HashMap::new();
    for k in known {
        if let Some(lsp::NumberOrString::String(rule)) = &k.code
            && k.source.as_deref() == Some(convert::SOURCE)
        {
            linked.entry((k.range, rule.as_str())).or_insert(k);
        }
    }
    report
        .diagnostics
        .iter()
        .filter(|d| d.span.file == linted.file && d.suppressed.is_none())
        .filter_map(|d| {
            let fix = d.fix.as_deref()?;
            let at = convert::range(file, d.span);
            if at.end < range.start || range.end < at.start {
                return None;
            }
            let edit = workspace_edit(report, fix)?;
            let linked = linked.get(&(at, d.rule));
            Some(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                title: format!("{} ({})", fix.title, d.rule),
                kind: Some(lsp::CodeActionKind::QUICKFIX),
                diagnostics: linked.map(|k| vec![(*k).clone()]),
                edit: Some(edit),
                is_preferred: Some(fix.safety == Safety::Safe),
                ..Default::default()
            }))
        })
        .collect()
}

/// The edits of a fix, by document.
fn workspace_edit(report: &crate::report::Report, fix: &Fix) -> Option<lsp::WorkspaceEdit> {
    // By file, in the order of the edits (URIs are not map keys here: they have interior
    // mutability).
    let mut changes: Vec<(lsp::Uri, Vec<lsp::TextEdit>)> = Vec::new();
    for e in &fix.edits {
        let file = report.sources.get(e.span.file);
        let uri = lsp::Uri::from_str(&uri::from_path(Path::new(&file.path))).ok()?;
        let edit = lsp::TextEdit::new(convert::range(file, e.span), e.text.clone());
        match changes.iter_mut().find(|(u, _)| *u == uri) {
            Some((_, edits)) => edits.push(edit),
            None => changes.push((uri, vec![edit])),
        }
    }
    Some(lsp::WorkspaceEdit::new(changes.into_iter().collect()))
}

/// Every safe fix of the document at `path` (whose first lint is `linted`), applied in passes
/// on its text; one edit from the first to the last changed character. `None` when nothing
/// changes.
pub fn fix_all(
    path: &Path,
    open: &Open,
    kept: &Kept,
    linted: Linted,
    uri: &lsp::Uri,
) -> Option<lsp::CodeActionOrCommand> {
    let original = open.get(path)?.clone();
    let mut text = original.clone();
    let mut open = open.clone();
    let mut linted = linted;
    for _ in 0..MAX_FIX_PASSES {
        let document = linted.file;
        let chosen = apply::compatible(
            linted
                .report
                .diagnostics
                .iter()
                .filter(|d| d.suppressed.is_none())
                .filter_map(|d| d.fix.as_deref())
                .filter(|f| f.safety == Safety::Safe && only_in(f, document)),
        );
        if chosen.is_empty() {
            break;
        }
        let next = apply::apply(&text, &apply::edits_in(&chosen, document))?;
        if crate::parse::syntax_error(&path.to_string_lossy(), &next).is_some() {
            break;
        }
        text = next;
        open.insert(path.to_path_buf(), text.clone());
        linted = document::lint(path, &open, kept).ok()?;
    }
    let edit = whole_edit(&original, &text)?;
    Some(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
        title: "Fix all safe ekslint findings".into(),
        kind: Some(lsp::CodeActionKind::from(FIX_ALL.to_string())),
        edit: Some(lsp::WorkspaceEdit::new(HashMap::from([(
            uri.clone(),
            vec![edit],
        )]))),
        ..Default::default()
    }))
}

fn only_in(fix: &Fix, file: FileId) -> bool {
    fix.edits.iter().all(|e| e.span.file == file)
}

/// One edit that turns `old` into `new`: the text between their common prefix and suffix
/// (at char boundaries), in UTF-16 positions of `old`.
fn whole_edit(old: &str, new: &str) -> Option<lsp::TextEdit> {
    if old == new {
        return None;
    }
    let mut prefix = old
        .bytes()
        .zip(new.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    while !old.is_char_boundary(prefix) || !new.is_char_boundary(prefix) {
        prefix -= 1;
    }
    let max_suffix = old.len().min(new.len()) - prefix;
    let mut suffix = old
        .bytes()
        .rev()
        .zip(new.bytes().rev())
        .take(max_suffix)
        .take_while(|(a, b)| a == b)
        .count();
    while !old.is_char_boundary(old.len() - suffix) || !new.is_char_boundary(new.len() - suffix) {
        suffix -= 1;
    }
    let file = SourceFile::new(String::new(), old.to_string());
    let span = crate::source::Span::new(FileId(0), prefix, old.len() - suffix);
    Some(lsp::TextEdit::new(
        convert::range(&file, span),
        new[prefix..new.len() - suffix].to_string(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_whole_edit_covers_only_what_changed_in_utf16_units() {
        let old = "a = \"😀\"\ntype = \"EC2_Linux\"\nz\n";
        let new = "a = \"😀\"\ntype = \"EC2_LINUX\"\nz\n";
        let edit = whole_edit(old, new).unwrap();
        // `type = "EC2_L` is common: the edit replaces `inux` (characters 13 to 17).
        assert_eq!(edit.range.start, lsp::Position::new(1, 13));
        assert_eq!(edit.range.end, lsp::Position::new(1, 17));
        assert_eq!(edit.new_text, "INUX");
        assert!(whole_edit(old, old).is_none());
        assert!(wanted(None, FIX_ALL));
        assert!(wanted(
            Some(&[lsp::CodeActionKind::SOURCE_FIX_ALL]),
            FIX_ALL
        ));
        assert!(!wanted(Some(&[lsp::CodeActionKind::QUICKFIX]), FIX_ALL));
        assert!(wanted(Some(&[lsp::CodeActionKind::QUICKFIX]), "quickfix"));
    }
}
