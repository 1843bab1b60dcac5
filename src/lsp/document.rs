//! Linting an open document: its unsaved text, the rest of its Terraform module from disk (or
//! from the editor, for files of the module that are open too), and the `.ekslint.toml` found
//! upward from its directory.

use crate::configs::{Configs, Overrides};
use crate::engine::LintOptions;
use crate::engine::{self, Input};
use crate::parse::terraform::{SyntaxCache, TerraformInputs};
use crate::read_cache::ReadCache;
use crate::report::Report;
use crate::source::FileId;
use crate::trust::Boundary;
use crate::workspace::{module_context, module_dir, terraform_inputs};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The texts of the open documents, by path.
pub type Open = BTreeMap<PathBuf, String>;

/// The result of linting one document.
#[derive(Debug)]
pub struct Linted {
    /// Every finding of the run (only the document's are reported; the others' files were read
    /// for context).
    pub report: Report,
    /// The document in `report.sources`.
    pub file: FileId,
}

/// Whether two documents belong to the same Terraform module (so that editing one changes the
/// findings of the other).
pub fn same_module(a: &Path, b: &Path) -> bool {
    let tf = |p: &Path| p.extension().is_some_and(|e| e == "tf");
    tf(a) && tf(b) && module_dir(a) == module_dir(b)
}

/// What the lints of a session keep for the next ones: a keystroke reads and parses only the
/// files that changed.
#[derive(Debug, Default)]
pub struct Kept {
    /// The Terraform files parsed.
    pub parsed: Arc<SyntaxCache>,
    /// The files read from disk.
    pub read: ReadCache,
}

/// Lints the open document at `path` (whose text is in `open`), taking the files that did not
/// change from `kept`. Paths in the report are absolute, as the document's is. Fails when the
/// configuration is not valid.
pub fn lint(path: &Path, open: &Open, kept: &Kept) -> Result<Linted, String> {
    let text = open
        .get(path)
        .ok_or_else(|| format!("{} is not open", path.display()))?;
    let dir = module_dir(path);
    // The nearest configuration upward from the document, as on the command line.
    let configs = Configs::new(None, Boundary::around(&dir))?;
    let boundary = configs.boundary(&dir)?;
    let overrides = Overrides::default();
    let options = LintOptions {
        settings: configs.settings(&overrides)?,
        terraform: TerraformInputs {
            syntax_cache: Some(Arc::clone(&kept.parsed)),
            ..terraform_inputs(configs.var_files(&overrides), &[], boundary)?
        },
    };
    let display = path.display().to_string();
    let mut inputs = vec![Input {
        display: display.clone(),
        dir: dir.clone(),
        bytes: text.clone().into_bytes(),
        explicit: true,
        context: false,
        unreadable: None,
    }];
    // The module's files share their directory: it is resolved once, not for every file.
    let reader = options.terraform.boundary.cached_reader(&kept.read);
    for found in module_context(&[], &[path.to_path_buf()], false) {
        // A file of the module that is open is read as the editor holds it; one that cannot
        // be read (deleted meanwhile) is left out rather than failing the document.
        let bytes = match open.get(&found.path) {
            Some(text) => text.clone().into_bytes(),
            None => match reader.read(&found.path) {
                Ok(bytes) => bytes,
                Err(_) => continue,
            },
        };
        inputs.push(Input {
            display: found.path.display().to_string(),
            // The document's siblings are in its module (resolved once above).
            dir: if found.path.parent() == path.parent() {
                dir.clone()
            } else {
                module_dir(&found.path)
            },
            bytes,
            explicit: false,
            context: found.context,
            unreadable: None,
        });
    }
    // The findings are published before the model is freed.
    let report = crate::threads::freeing_after(|| engine::lint(inputs, &options));
    let file = report
        .sources
        .files()
        .find(|(_, f)| f.path == display)
        .map(|(id, _)| id)
        .ok_or_else(|| format!("{display}: missing from its own report"))?;
    Ok(Linted { report, file })
}

/// The first mistake of a custom policy in a report (an EKS000 finding in a `.rego` file), as
/// `file:line:column: message`.
pub fn policy_error(report: &Report) -> Option<String> {
    report.diagnostics.iter().find_map(|d| {
        let file = report.sources.get(d.span.file);
        let policy = d.rule == crate::rules::EKS000.id && file.path.ends_with(".rego");
        policy.then(|| {
            let (start, _) = report.sources.range(d.span);
            format!("{}:{start}: {}", file.path, d.message)
        })
    })
}
