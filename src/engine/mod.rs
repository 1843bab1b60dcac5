//! One lint run: sources → parsers → IR → rules → sorted diagnostics.

use crate::diagnostic::{Diagnostic, Severity, quote, shorten};
use crate::fix::Edit;
use crate::limits::MAX_MESSAGE_CHARS;
use crate::parse::{self, ParseError, Skipped};
use crate::policy::{Evaluation, Policies};
use crate::report::Report;
use crate::rules::{self, EKS000, EKS003, RuleMeta, RuleOptions};
use crate::scoped::Scoped;
use crate::source::{FileId, SourceFile, SourceMap, Span};
use foldhash::HashSet;
use rayon::prelude::*;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

mod jobs;
mod stream;

use jobs::{Built, Jobs};

/// One input: a file from disk or standard input.
#[derive(Debug)]
pub struct Input {
    /// The path shown in reports.
    pub display: String,
    /// The file's directory on disk (Terraform files of one directory form a module).
    pub dir: PathBuf,
    pub bytes: Vec<u8>,
    /// Named explicitly: a file without a known suffix is still sniffed.
    pub explicit: bool,
    /// Read only for context (the rest of a module): its findings are not reported.
    pub context: bool,
    /// Why the file could not be read (then `bytes` is empty): an EKS000 on the file.
    pub unreadable: Option<String>,
}

/// What changes the findings of the files of one configuration.
#[derive(Clone, Debug)]
pub struct Settings {
    pub rule_options: RuleOptions,
    /// Run only these rules, by id (all when `None`). Sets: every finding is looked up in them,
    /// and a configuration may name a rule many times.
    pub select: Option<BTreeSet<&'static str>>,
    pub ignore: BTreeSet<&'static str>,
    pub severity: BTreeMap<&'static str, Severity>,
    /// The lowest severity that fails the run; `None`: nothing does.
    pub fail_on: Option<Severity>,
    /// Inputs of the YAML and JSON formats (CloudFormation parameters).
    pub structured: parse::StructuredOptions,
    /// The custom Rego policies of the configuration (shared by configurations naming the same
    /// paths), evaluated once per run over the whole model.
    pub policies: Arc<Policies>,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            rule_options: RuleOptions::default(),
            select: None,
            ignore: BTreeSet::new(),
            severity: BTreeMap::new(),
            fail_on: Some(Severity::Warning),
            structured: parse::StructuredOptions::default(),
            policies: Arc::default(),
        }
    }
}

impl Settings {
    fn enabled(&self, rule: &str) -> bool {
        // Parse errors are always reported: they are why a file has no other findings.
        rule == EKS000.id
            || (self.select.as_ref().is_none_or(|s| s.contains(rule))
                && !self.ignore.contains(rule))
    }

    /// A built-in rule or one of the policies' by id or name.
    fn lookup(&self, key: &str) -> Option<&'static RuleMeta> {
        rules::lookup(key).or_else(|| self.policies.lookup(key))
    }
}

/// Everything that changes which findings a run reports.
#[derive(Debug, Default)]
pub struct LintOptions {
    /// The settings of each configuration, by the directory it governs (the nearest
    /// `.ekslint.toml` upward from a file gives that file's).
    pub settings: Scoped<Settings>,
    /// Values for Terraform root modules' variables.
    pub terraform: parse::terraform::TerraformInputs,
}

impl LintOptions {
    /// The rules that run on some file, sorted by id: built-in ones and the policies' declared
    /// ones.
    pub fn rules(&self) -> Vec<&'static RuleMeta> {
        let mut rules: Vec<&'static RuleMeta> = rules::RULES.iter().collect();
        for s in self.settings.values() {
            rules.extend(s.policies.rules().iter().copied());
        }
        rules.sort_by_key(|r| r.id);
        rules.dedup_by_key(|r| r.id);
        rules.retain(|r| self.settings.values().any(|s| s.enabled(r.id)));
        rules
    }
}

/// How a file is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Terraform,
    /// A `.tfvars` file: read by its module's evaluation, not as a module file.
    TerraformValues,
    /// YAML or JSON: CloudFormation, eksctl, or neither.
    Structured,
}

fn kind_of(name: &str, explicit: bool, text: &str) -> Option<Kind> {
    if name.ends_with(".tfvars") || name.ends_with(".tfvars.json") {
        Some(Kind::TerraformValues)
    } else if crate::discover::is_module_file(name) {
        Some(Kind::Terraform)
    } else if [".yaml", ".yml", ".json", ".template"]
        .iter()
        .any(|s| name.ends_with(s))
    {
        Some(Kind::Structured)
    } else if explicit && NOT_INFRASTRUCTURE.iter().any(|s| name.ends_with(s)) {
        None
    } else if explicit {
        // Named on the command line: Terraform if its first statement is an HCL block or
        // attribute, else YAML/JSON (which skips what is neither template format).
        let text = text.strip_prefix(crate::source::BOM).unwrap_or(text);
        Some(if starts_like_hcl(text) {
            Kind::Terraform
        } else {
            Kind::Structured
        })
    } else {
        None
    }
}

/// Name endings of files that are never templates, even when named on the command line
/// (documentation and code that may quote templates).
const NOT_INFRASTRUCTURE: [&str; 16] = [
    ".md",
    ".markdown",
    ".rst",
    ".adoc",
    ".txt",
    ".toml",
    ".lock",
    ".ini",
    ".cfg",
    ".rs",
    ".py",
    ".go",
    ".js",
    ".ts",
    ".sh",
    ".html",
];

/// Whether the first line that is not blank or a comment opens an HCL block
/// (`resource "a" "b" {`, `locals {`) or is an attribute (`name = ...`).
fn starts_like_hcl(text: &str) -> bool {
    let Some(line) = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with("//"))
    else {
        return false;
    };
    let ident_end = line
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(line.len());
    if ident_end == 0 {
        return false;
    }
    let mut rest = line[ident_end..].trim_start();
    if rest.starts_with('=') && !rest.starts_with("==") {
        return true;
    }
    while let Some(after) = rest.strip_prefix('"') {
        let Some(close) = after.find('"') else {
            return false;
        };
        rest = after[close + 1..].trim_start();
    }
    rest.starts_with('{')
}

/// An input's text (lossy when it is not UTF-8).
struct Decoded {
    file: SourceFile,
    not_utf8: Option<NotUtf8>,
}

/// What is known of a file that is not UTF-8.
struct NotUtf8 {
    /// The first byte that is not UTF-8.
    at: usize,
    /// It starts with a UTF-16 byte order mark.
    utf16: bool,
    /// It names CloudFormation or eksctl all the same (in an ASCII-compatible encoding such as
    /// Latin-1, or in UTF-16).
    names_a_format: bool,
}

impl NotUtf8 {
    fn of(bytes: &[u8], at: usize) -> NotUtf8 {
        let utf16 = |unit: fn([u8; 2]) -> u16| {
            let units: Vec<u16> = bytes[2..]
                .chunks_exact(2)
                .map(|c| unit([c[0], c[1]]))
                .collect();
            parse::names_a_format(&String::from_utf16_lossy(&units))
        };
        let (utf16, in_utf16) = match bytes.get(..2) {
            Some([0xFF, 0xFE]) => (true, utf16(u16::from_le_bytes)),
            Some([0xFE, 0xFF]) => (true, utf16(u16::from_be_bytes)),
            _ => (false, false),
        };
        NotUtf8 {
            at,
            utf16,
            names_a_format: in_utf16 || parse::names_a_format(&String::from_utf8_lossy(bytes)),
        }
    }

    fn message(&self) -> &'static str {
        if self.utf16 {
            "the file is UTF-16; ekslint reads UTF-8"
        } else {
            "the file is not valid UTF-8"
        }
    }
}

fn decode(input: &mut Input) -> Decoded {
    let bytes = std::mem::take(&mut input.bytes);
    match String::from_utf8(bytes) {
        Ok(text) => Decoded {
            file: SourceFile::new(input.display.clone(), text),
            not_utf8: None,
        },
        Err(e) => {
            let not_utf8 = NotUtf8::of(e.as_bytes(), e.utf8_error().valid_up_to());
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            Decoded {
                file: SourceFile::new(input.display.clone(), text),
                not_utf8: Some(not_utf8),
            }
        }
    }
}

/// Lints the inputs together, on the lint threads (whose stack the evaluation limits fit in).
pub fn lint(inputs: Vec<Input>, options: &LintOptions) -> Report {
    crate::threads::run(|| stream::lint(Jobs::read(inputs, options), options))
}

/// The files of a run and what is known of each, once every job is built.
struct Files<'o> {
    /// Sorted by display path; file ids follow this order.
    inputs: Vec<Input>,
    sources: SourceMap,
    /// Files that could not be read or parsed.
    errors: Vec<ParseError>,
    skipped: Vec<(FileId, Skipped)>,
    /// Whether each input was read as one of the formats.
    linted: Vec<bool>,
    /// The files Terraform read besides the inputs whose findings are reported (`.tfvars`).
    terraform_reported: BTreeSet<FileId>,
    /// The built-in module models Terraform read.
    builtin: BTreeSet<FileId>,
    /// The settings of each file, by file id.
    settings: Vec<&'o Settings>,
}

/// The inputs read into one model.
pub struct Parsed<'o> {
    files: Files<'o>,
    pub model: crate::ir::Model,
}

impl Parsed<'_> {
    /// The files read, where the model's spans are.
    pub fn sources(&self) -> &SourceMap {
        &self.files.sources
    }

    /// Files that could not be read or parsed.
    pub fn errors(&self) -> &[ParseError] {
        &self.files.errors
    }
}

/// Reads and parses the inputs into one model (what `ekslint model` prints), on the lint
/// threads.
pub fn parse(inputs: Vec<Input>, options: &LintOptions) -> Parsed<'_> {
    crate::threads::run(|| parse_here(inputs, options))
}

fn parse_here(inputs: Vec<Input>, options: &LintOptions) -> Parsed<'_> {
    let mut jobs = Jobs::read(inputs, options);
    let list = jobs.list();
    let built: Vec<Built> = list.par_iter().map(|&job| jobs.build(job)).collect();
    let mut models = Vec::with_capacity(built.len());
    for (job, mut b) in list.into_iter().zip(built) {
        let suppressions = std::mem::take(&mut b.model.suppressions);
        jobs.record(job, b.errors, suppressions, b.skipped);
        models.push(b.model);
    }
    let mut model = join_models(models, |f| jobs.dir(f));
    model.suppressions = jobs.finish();
    Parsed {
        model,
        files: jobs.into_files(),
    }
}

/// The models of jobs joined in their order into one, whose manifests then join the units of
/// their directories. `dir` gives a file's directory.
fn join_models<'p>(
    models: Vec<crate::ir::Model>,
    dir: impl Fn(FileId) -> Option<&'p Path>,
) -> crate::ir::Model {
    let mut model = crate::ir::Model::default();
    model.reserve_for(models.iter());
    for m in models {
        model.extend(m);
    }
    parse::manifest::join_directory_units(&mut model, dir);
    model
}

/// Runs the rules and the policies over one model of the whole run: what the job-by-job check
/// must give.
#[cfg(test)]
fn check(parsed: Parsed<'_>, options: &LintOptions) -> Report {
    let Parsed {
        mut files,
        mut model,
    } = parsed;
    let reported = reported_files(&files.inputs, &files.terraform_reported);
    let rule_options: Vec<&RuleOptions> = files.settings.iter().map(|s| &s.rule_options).collect();
    let mut diagnostics = rules::check(&rules::Context::new(
        &model,
        &rule_options,
        &reported,
        false,
    ));
    drop(reported);
    let policed = police(&mut files, &model);
    diagnostics.extend(policed.findings);
    let suppressions = std::mem::take(&mut model.suppressions);
    report(
        Found {
            files,
            diagnostics,
            suppressions,
            policy_errors: policed.errors,
            undeclared: policed.undeclared,
        },
        options,
    )
}

/// What the policies give over the whole model of a run.
struct Policed {
    findings: Vec<Diagnostic>,
    /// Their mistakes, in the policy files (added to the run's sources); always reported.
    errors: Vec<Diagnostic>,
    /// Rules they report without declaring them, sorted by id.
    undeclared: Vec<&'static RuleMeta>,
}

/// Evaluates the policies of the files' settings over `model`, the whole model of the run.
fn police(files: &mut Files<'_>, model: &crate::ir::Model) -> Policed {
    let evaluations = evaluate_policies(&files.settings, model, &files.sources);
    let mut policy_files = HashMap::new();
    let mut policed = Policed {
        findings: Vec::new(),
        errors: Vec::new(),
        undeclared: Vec::new(),
    };
    for (policies, mut evaluation) in evaluations {
        policed
            .errors
            .extend(policies.errors(&evaluation, &mut files.sources, &mut policy_files));
        policed.undeclared.append(&mut evaluation.undeclared);
        policed.findings.append(&mut evaluation.findings);
    }
    policed.undeclared.sort_by_key(|r| r.id);
    policed.undeclared.dedup_by_key(|r| r.id);
    policed
}

/// The findings of a run before they are filtered, sorted and suppressed, with what that needs.
struct Found<'o> {
    files: Files<'o>,
    /// The rules' and the policies' findings.
    diagnostics: Vec<Diagnostic>,
    suppressions: Vec<crate::ir::Suppression>,
    /// Mistakes of the policies, in the policy files.
    policy_errors: Vec<Diagnostic>,
    /// Rules the policies report without declaring them.
    undeclared: Vec<&'static RuleMeta>,
}

/// Whether only some files' findings are reported: some inputs are read only for context.
fn partial(inputs: &[Input]) -> bool {
    inputs.iter().any(|i| i.context)
}

/// Whether a file's findings are reported: those given (not read only for context), and,
/// unless only some files were given, the `.tfvars` files Terraform read.
fn reported_files<'a>(
    inputs: &'a [Input],
    terraform_reported: &'a BTreeSet<FileId>,
) -> impl Fn(FileId) -> bool + Sync + 'a {
    let partial = partial(inputs);
    move |file: FileId| match inputs.get(file.0 as usize) {
        Some(input) => !input.context,
        None => !partial && terraform_reported.contains(&file),
    }
}

/// Filters, suppresses, sorts and merges the findings of a run into its report.
fn report(found: Found<'_>, options: &LintOptions) -> Report {
    let Found {
        files:
            Files {
                inputs,
                sources,
                errors,
                skipped,
                linted,
                terraform_reported,
                builtin,
                settings,
            },
        mut diagnostics,
        suppressions,
        policy_errors,
        undeclared,
    } = found;
    let reported = reported_files(&inputs, &terraform_reported);
    let settings_of = |file: FileId| settings[file.0 as usize];
    // Built-in module models are not files a user can open: findings in them are reported at
    // the call's arguments, and their own lines are not shown.
    if !builtin.is_empty() {
        for d in &mut diagnostics {
            d.related.retain(|r| !builtin.contains(&r.span.file));
        }
    }
    diagnostics.extend(
        errors
            .into_iter()
            .map(|e| Diagnostic::new(EKS000, e.span, e.message)),
    );
    // A finding is reported where it points, or where its offending value comes from (a
    // `.tfvars` change blocks the bad value it brings).
    let kept = |d: &Diagnostic| reported(d.span.file) || d.origins.iter().any(|o| reported(o.file));
    // Those that will not be are let go now (the editor lints a module for one file's
    // findings), unless a suppression may match them.
    let suppressed_files: HashSet<FileId> = suppressions.iter().map(|s| s.covers.file).collect();
    // Which to keep is decided on the lint threads (a run's findings are megabytes), in the
    // pass that sets the severities and bounds the messages of those kept.
    let keep: Vec<bool> = diagnostics
        .par_iter_mut()
        .map(|d| {
            let settings = settings_of(d.span.file);
            let keep =
                (kept(d) || suppressed_files.contains(&d.span.file)) && settings.enabled(d.rule);
            if keep {
                if let Some(s) = settings.severity.get(d.rule) {
                    d.severity = *s;
                }
                bound_messages(d);
            }
            keep
        })
        .collect();
    // `retain` visits each finding once, in order.
    let mut keep = keep.into_iter();
    diagnostics.retain(|_| keep.next().unwrap_or(false));
    sort(&mut diagnostics);
    let lookup = |file: FileId, key: &str| {
        settings_of(file).lookup(key).or_else(|| {
            undeclared
                .iter()
                .copied()
                .find(|r| r.id.eq_ignore_ascii_case(key))
        })
    };
    let unused = apply_suppressions(
        &mut diagnostics,
        &suppressions,
        &|file, rule| settings_of(file).enabled(rule),
        &lookup,
    );
    // Sorted already, unless findings are added after it (`retain` keeps the order).
    let added = !unused.is_empty() || !policy_errors.is_empty();
    diagnostics.extend(unused);
    diagnostics.retain(kept);
    diagnostics.extend(policy_errors);
    let files_linted = inputs
        .iter()
        .zip(&linted)
        .filter(|(i, l)| **l && !i.context)
        .count();
    if added {
        sort(&mut diagnostics);
    }
    merge_instances(&mut diagnostics);
    // Fixes edit only files whose findings are reported, never a built-in module model.
    crate::fix::settle(&mut diagnostics, |file| {
        !builtin.contains(&file)
            && match inputs.get(file.0 as usize) {
                Some(input) => !input.context && input.unreadable.is_none(),
                None => terraform_reported.contains(&file),
            }
    });

    // A policy's mistake (in a policy file, which has no settings) fails the run.
    let failed = diagnostics.iter().any(|d| {
        d.suppressed.is_none()
            && settings
                .get(d.span.file.0 as usize)
                .is_none_or(|s| s.fail_on.is_some_and(|t| d.severity >= t))
    });
    Report {
        skipped,
        sources,
        diagnostics,
        rules: {
            let mut ran = options.rules();
            ran.extend(
                undeclared
                    .iter()
                    .filter(|r| options.settings.values().any(|s| s.enabled(r.id))),
            );
            ran.sort_by_key(|r| r.id);
            ran
        },
        files_linted,
        failed,
    }
}

/// Evaluates each distinct set of policies of the files' settings once over the whole model;
/// a finding is kept when it is in a file governed by the same policies.
fn evaluate_policies<'o>(
    settings: &[&'o Settings],
    model: &crate::ir::Model,
    sources: &SourceMap,
) -> Vec<(&'o Policies, Evaluation)> {
    let mut distinct: Vec<&'o Arc<Policies>> = Vec::new();
    for s in settings {
        if !distinct.iter().any(|p| Arc::ptr_eq(p, &s.policies)) {
            distinct.push(&s.policies);
        }
    }
    // The policies read the objects bound as the rules bind them (found once, when needed).
    let links = std::sync::OnceLock::new();
    distinct
        .into_iter()
        .map(|policies| {
            let mut evaluation = policies.evaluate(model, sources, &links);
            evaluation.findings.retain(|d| {
                settings
                    .get(d.span.file.0 as usize)
                    .is_some_and(|s| Arc::ptr_eq(&s.policies, policies))
            });
            (&**policies, evaluation)
        })
        .collect()
}

/// The settings of each file of the run, by its directory: the given files know theirs, the
/// files Terraform read besides (called modules, `.tfvars`) are found by their path.
fn settings_of_files<'o>(
    options: &'o LintOptions,
    inputs: &[Input],
    sources: &SourceMap,
) -> Vec<&'o Settings> {
    let mut by_dir: foldhash::HashMap<Cow<Path>, &'o Settings> = Default::default();
    // Files of one directory come one after the other: the last one's is asked first.
    let mut last: Option<(&Path, &'o Settings)> = None;
    sources
        .files()
        .map(|(id, file)| match inputs.get(id.0 as usize) {
            Some(input) => match last {
                Some((dir, settings)) if dir == input.dir => settings,
                _ => {
                    let dir = input.dir.as_path();
                    let settings = *by_dir
                        .entry(Cow::Borrowed(dir))
                        .or_insert_with_key(|dir| options.settings.get(dir));
                    last = Some((dir, settings));
                    settings
                }
            },
            None => *by_dir
                .entry(Cow::Owned(crate::workspace::module_dir(Path::new(
                    &file.path,
                ))))
                .or_insert_with_key(|dir| options.settings.get(dir)),
        })
        .collect()
}

/// Sorts findings by file, offset and rule (then end and message, for determinism).
fn sort(diagnostics: &mut [Diagnostic]) {
    // Each job's findings come sorted (see `stream`), and jobs in the order of their files.
    if diagnostics.is_sorted_by(|a, b| order(a) <= order(b)) {
        return;
    }
    // A few findings (a job's, most often) are sorted where they are, without scratch memory.
    if diagnostics.len() <= SORTED_IN_PLACE {
        diagnostics.sort_by(|a, b| order(a).cmp(&order(b)));
        return;
    }
    // A stable sort of the findings themselves would copy them all into scratch memory: their
    // positions are sorted instead, and the findings then moved along each cycle.
    let mut positions: Vec<usize> = (0..diagnostics.len()).collect();
    positions.par_sort_by(|&a, &b| order(&diagnostics[a]).cmp(&order(&diagnostics[b])));
    permute(diagnostics, &mut positions);
}

/// Up to how many findings are sorted by moving them (an insertion sort: no scratch memory);
/// more are sorted by their positions on the lint threads.
const SORTED_IN_PLACE: usize = 20;

/// The order of findings in a report: by file, start, rule, end and message.
fn order(d: &Diagnostic) -> (FileId, u32, &str, u32, &str) {
    (d.span.file, d.span.start, d.rule, d.span.end, &d.message)
}

/// Moves the item at `order[i]` to `i`, for every `i`; `order` is left as the identity.
fn permute<T>(items: &mut [T], order: &mut [usize]) {
    for start in 0..items.len() {
        let mut at = start;
        while order[at] != start {
            let from = order[at];
            items.swap(at, from);
            order[at] = at;
            at = from;
        }
        order[at] = at;
    }
}

/// Shortens the texts of a finding that are longer than [`MAX_MESSAGE_CHARS`]: rules quote
/// values shortened already, but parser messages and suppression reasons quote the input as is.
fn bound_messages(d: &mut Diagnostic) {
    if let Cow::Owned(short) = shorten(&d.message, MAX_MESSAGE_CHARS) {
        d.message = short;
    }
    if let Some(help) = &mut d.help
        && let Cow::Owned(short) = shorten(help, MAX_MESSAGE_CHARS)
    {
        *help = Cow::Owned(short);
    }
    for r in &mut d.related {
        if let Cow::Owned(short) = shorten(&r.message, MAX_MESSAGE_CHARS) {
            r.message = short.into();
        }
    }
}

/// One finding per written mistake: sorted findings that instances (`for_each`, `count`) gave
/// at the same place with the same message are one, listing every instance's origin once.
fn merge_instances(diagnostics: &mut Vec<Diagnostic>) {
    // In place: the findings are not held twice.
    let mut listed: Option<HashSet<(Span, Arc<str>)>> = None;
    // Whether the finding kept last took in another's fix, to be settled once its run ends.
    let mut absorbed = false;
    diagnostics.dedup_by(|d, kept| {
        if !(kept.rule == d.rule && kept.span == d.span && kept.message == d.message) {
            if std::mem::take(&mut absorbed) {
                kept.fix = crate::fix::merged(kept.fix.take());
            }
            listed = None;
            return false;
        }
        let listed = listed.get_or_insert_with(|| {
            kept.related
                .iter()
                .map(|r| (r.span, r.message.clone()))
                .collect()
        });
        for r in std::mem::take(&mut d.related) {
            if listed.insert((r.span, r.message.clone())) {
                kept.related.push(r);
            }
        }
        kept.origins.append(&mut d.origins);
        crate::fix::absorb(&mut kept.fix, d.fix.take());
        absorbed = true;
        true
    });
    if absorbed && let Some(last) = diagnostics.last_mut() {
        last.fix = crate::fix::merged(last.fix.take());
    }
}

/// The findings of one rule in one file that suppressions may cover, in offset order, with the
/// next finding at or after each one that no suppression has marked yet (a disjoint-set forest),
/// so that however many suppressions overlap, each finding is marked once.
struct Suppressible {
    findings: Vec<usize>,
    /// `next[i]` leads to the first unmarked finding at or after `i` (`findings.len()`: none).
    next: Vec<usize>,
}

impl Suppressible {
    fn unmarked_from(&mut self, i: usize) -> usize {
        let mut root = i;
        while self.next[root] != root {
            root = self.next[root];
        }
        let mut j = i;
        while self.next[j] != root {
            j = std::mem::replace(&mut self.next[j], root);
        }
        root
    }
}

/// Marks the findings that a suppression covers, and returns the suppressions that covered
/// nothing (EKS003) for the rules that ran. `diagnostics` are sorted; each suppression is
/// matched by binary search among its rule's findings in its file, and when several cover one
/// finding, the last written gives the justification.
fn apply_suppressions(
    diagnostics: &mut [Diagnostic],
    suppressions: &[crate::ir::Suppression],
    enabled: &dyn Fn(FileId, &str) -> bool,
    lookup: &dyn Fn(FileId, &str) -> Option<&'static RuleMeta>,
) -> Vec<Diagnostic> {
    // Only the findings of files with a suppression are grouped.
    let suppressed_files: HashSet<FileId> = suppressions.iter().map(|s| s.covers.file).collect();
    let mut groups: HashMap<(FileId, &'static str), Suppressible> = HashMap::new();
    for (i, d) in diagnostics.iter().enumerate() {
        if d.rule != EKS000.id && suppressed_files.contains(&d.span.file) {
            let group = groups
                .entry((d.span.file, d.rule))
                .or_insert_with(|| Suppressible {
                    findings: Vec::new(),
                    next: Vec::new(),
                });
            group.next.push(group.findings.len());
            group.findings.push(i);
        }
    }
    for group in groups.values_mut() {
        group.next.push(group.findings.len());
    }
    let mut unused = Vec::new();
    for s in suppressions.iter().rev() {
        // The rules of this suppression that ran and matched nothing: each rule once, with the
        // message and the indexes where it is written (a comment naming one unknown id 100,000
        // times gives one finding, not 100,000 merged later).
        let mut stale: Vec<(String, Vec<usize>)> = Vec::new();
        let mut stale_at: HashMap<&str, usize> = HashMap::new();
        let mut stale_count = 0;
        for (i, key) in s.rules.iter().enumerate() {
            let rule = lookup(s.written.file, key);
            let mut used = false;
            if let Some(group) = rule.and_then(|r| groups.get_mut(&(s.covers.file, r.id))) {
                let start = |i: &usize| diagnostics[*i].span.start;
                let lo = group
                    .findings
                    .partition_point(|i| start(i) < s.covers.start);
                let hi = group.findings.partition_point(|i| start(i) <= s.covers.end);
                used = lo < hi;
                let mut at = group.unmarked_from(lo);
                while at < hi {
                    diagnostics[group.findings[at]].suppressed =
                        Some(crate::diagnostic::Suppression {
                            justification: s
                                .reason
                                .as_deref()
                                .map(|r| shorten(r, MAX_MESSAGE_CHARS).into_owned()),
                        });
                    group.next[at] = at + 1;
                    at = group.unmarked_from(at + 1);
                }
            }
            let file = s.written.file;
            let ran = rule.is_none_or(|r| enabled(file, r.id));
            if !used && ran && enabled(file, EKS003.id) {
                stale_count += 1;
                let at = *stale_at.entry(key.as_str()).or_insert_with(|| {
                    let message = match rule {
                        Some(r) => format!(
                            "this suppression of {} ({}) matches no finding",
                            r.id, r.name
                        ),
                        None => format!("{} is not a rule id or name", quote(key)),
                    };
                    stale.push((message, Vec::new()));
                    stale.len() - 1
                });
                stale[at].1.push(i);
            }
        }
        // When no rule of it is used, the whole suppression goes; else the stale ids.
        let whole = (stale_count == s.rules.len()).then_some(s.remove).flatten();
        let title = if whole.is_some() {
            "Remove the unused suppression"
        } else {
            "Remove the unused rule from the suppression"
        };
        for (message, written) in stale {
            let fix_at = |i: usize| {
                let edit = whole.or(s.remove_rule.get(i).copied().flatten());
                edit.and_then(|e| crate::fix::Fix::new(EKS003, title, [Edit::delete(e)]))
                    .map(Box::new)
            };
            let mut finding = Diagnostic::new(EKS003, s.written, message)
                .with_help("remove it, or fix the rule id");
            finding.fix = fix_at(written[0]);
            if written.len() > 1 {
                for &i in &written[1..] {
                    crate::fix::absorb(&mut finding.fix, fix_at(i));
                }
                finding.fix = crate::fix::merged(finding.fix.take());
            }
            unused.push(finding);
        }
    }
    unused
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Related, Suppression};
    use crate::rules::lookup;

    fn finding(id: &str, file: u32, start: usize) -> Diagnostic {
        let rule = lookup(id).expect("a rule of the catalog");
        Diagnostic::new(rule, Span::new(FileId(file), start, start + 1), id.into())
    }

    fn suppression(file: u32, covers: (usize, usize), rules: &[&str], reason: &str) -> Suppression {
        Suppression {
            covers: Span::new(FileId(file), covers.0, covers.1),
            rules: rules.iter().map(|r| r.to_string()).collect(),
            reason: Some(reason.into()),
            written: Span::new(FileId(file), covers.0, covers.0),
            remove: None,
            remove_rule: vec![None; rules.len()],
        }
    }

    #[test]
    fn suppressions_cover_their_rule_in_their_region_of_their_file() {
        let mut diagnostics = vec![
            finding("EKS105", 0, 10),
            finding("EKS105", 0, 20),
            finding("EKS104", 0, 20),
            finding("EKS105", 1, 20),
            finding("EKS000", 0, 25),
            finding("EKS105", 0, 30),
        ];
        sort(&mut diagnostics);
        let suppressions = [
            // The whole file, then a line inside it, both for EKS105: the later one written
            // gives the justification where both apply.
            suppression(0, (0, 100), &["EKS105", "EKS000"], "file"),
            suppression(0, (15, 20), &["invalid-entry-type"], "line"),
            // Nothing of EKS104 at 21..29, nor of an unknown rule.
            suppression(0, (21, 29), &["EKS104", "EKS9999"], "none"),
        ];
        let unused = apply_suppressions(&mut diagnostics, &suppressions, &|_, _| true, &|_, k| {
            lookup(k)
        });
        let marks: Vec<(u32, u32, &str, Option<&str>)> = diagnostics
            .iter()
            .map(|d| {
                let why = d
                    .suppressed
                    .as_ref()
                    .and_then(|s| s.justification.as_deref());
                (d.span.file.0, d.span.start, d.rule, why)
            })
            .collect();
        assert_eq!(
            marks,
            [
                (0, 10, "EKS105", Some("file")),
                (0, 20, "EKS104", None),
                (0, 20, "EKS105", Some("line")),
                (0, 25, "EKS000", None),
                (0, 30, "EKS105", Some("file")),
                (1, 20, "EKS105", None),
            ]
        );
        let unused: Vec<&str> = unused.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            unused,
            [
                "this suppression of EKS104 (duplicate-principal) matches no finding",
                "\"EKS9999\" is not a rule id or name",
                "this suppression of EKS000 (parse-error) matches no finding",
            ]
        );
    }

    #[test]
    fn permute_moves_each_item_to_its_place() {
        let mut items = vec!['a', 'b', 'c', 'd', 'e', 'f'];
        // Two cycles (0 ← 2 ← 4 ← 0, 1 ← 5 ← 1) and a fixed point (3).
        let mut order = vec![2, 5, 4, 3, 0, 1];
        permute(&mut items, &mut order);
        assert_eq!(items, vec!['c', 'f', 'e', 'd', 'a', 'b']);
        assert_eq!(order, vec![0, 1, 2, 3, 4, 5]);
    }

    #[test]
    fn findings_sort_by_file_then_position_then_rule_whether_or_not_they_come_sorted() {
        let at = |d: &Diagnostic| (d.span.file.0, d.span.start, d.rule);
        let expected = [
            (0, 3, "EKS101"),
            (0, 3, "EKS105"),
            (0, 9, "EKS101"),
            (1, 0, "EKS105"),
        ];
        // Already in order (jobs of their files, each sorted): left as they are.
        let mut sorted: Vec<Diagnostic> = expected
            .iter()
            .map(|&(file, start, rule)| finding(rule, file, start as usize))
            .collect();
        sort(&mut sorted);
        assert_eq!(sorted.iter().map(at).collect::<Vec<_>>(), expected);
        // A later job's finding in an earlier file, and a job's own out of order: sorted.
        let mut shuffled: Vec<Diagnostic> = [3, 0, 2, 1]
            .iter()
            .map(|&i| {
                let (file, start, rule) = expected[i];
                finding(rule, file, start as usize)
            })
            .collect();
        sort(&mut shuffled);
        assert_eq!(shuffled.iter().map(at).collect::<Vec<_>>(), expected);
    }

    #[test]
    fn instances_merge_with_each_origin_listed_once() {
        let origin = |i: usize| Related {
            span: Span::new(FileId(0), 100 + i, 101 + i),
            message: format!("from item {i}").into(),
        };
        let shared = origin(1000);
        let mut merged: Vec<Diagnostic> = (0..1000)
            .map(|i| finding("EKS105", 0, 10).with_related([origin(i % 300), shared.clone()]))
            .chain([finding("EKS105", 0, 11)])
            .collect();
        merge_instances(&mut merged);
        assert_eq!(merged.len(), 2);
        let expected: Vec<Related> = [origin(0), shared]
            .into_iter()
            .chain((1..300).map(origin))
            .collect();
        assert!(
            merged[0].related == expected,
            "{:?}",
            &merged[0].related[..5]
        );
        assert!(merged[1].related.is_empty());
    }

    /// A fix's edits, as (start, end).
    type Edits = Option<Vec<(u32, u32)>>;

    /// The fix of `d`, as its edits' (start, end).
    fn edits(d: &Diagnostic) -> Edits {
        let fix = d.fix.as_ref()?;
        Some(
            fix.edits
                .iter()
                .map(|e| (e.span.start, e.span.end))
                .collect(),
        )
    }

    #[test]
    fn instances_merge_their_fixes_into_one_of_every_edit_once() {
        let fixed = |at: usize, edit: usize, len: usize| {
            let edit = Edit::replace(Span::new(FileId(0), edit, edit + len), "X");
            finding("EKS105", 0, at).with_fix(crate::fix::Fix::new(
                lookup("EKS105").unwrap(),
                "t",
                [edit],
            ))
        };
        // 2,000 instances of one finding, fixed at 1,000 places given in descending order,
        // each twice; then one with a fix, and two whose edits overlap.
        let mut merged: Vec<Diagnostic> = (0..2000)
            .map(|i| fixed(10, 3000 - (i % 1000) * 2, 1))
            .chain([fixed(11, 5, 1)])
            .chain([fixed(12, 7, 2), fixed(12, 7, 2), fixed(12, 8, 1)])
            .collect();
        merge_instances(&mut merged);
        assert_eq!(merged.len(), 3);
        let every: Vec<(u32, u32)> = (0..1000).map(|i| (1002 + 2 * i, 1003 + 2 * i)).collect();
        assert_eq!(edits(&merged[0]), Some(every));
        assert_eq!(edits(&merged[1]), Some(vec![(5, 6)]));
        assert_eq!(edits(&merged[2]), None);
    }

    #[test]
    fn an_id_named_again_and_again_in_a_suppression_gives_one_finding_with_each_removal() {
        let rules = [
            "EKS9999",
            "EKS104",
            "EKS9999",
            "duplicate-principal",
            "EKS9999",
        ];
        let mut s = suppression(0, (21, 29), &rules, "none");
        s.remove = Some(Span::new(FileId(0), 0, 50));
        s.remove_rule = (0..rules.len())
            .map(|i| Some(Span::new(FileId(0), 40 - 5 * i, 43 - 5 * i)))
            .collect();
        let found = |unused: Vec<Diagnostic>| -> Vec<(String, Edits)> {
            unused
                .iter()
                .map(|d| (d.message.clone(), edits(d)))
                .collect()
        };
        let unknown = "\"EKS9999\" is not a rule id or name".to_string();
        let unused_rule = "this suppression of EKS104 (duplicate-principal) matches no finding";
        // Nothing of it is used: each finding removes the whole suppression, once.
        let whole = Some(vec![(0, 50)]);
        let unused = apply_suppressions(&mut [], &[s.clone()], &|_, _| true, &|_, k| lookup(k));
        assert_eq!(
            found(unused),
            [
                (unknown.clone(), whole.clone()),
                (unused_rule.to_string(), whole.clone()),
                (unused_rule.to_string(), whole),
            ]
        );
        // With a used rule in it, each stale name is removed where it is written.
        let mut used = [finding("EKS105", 0, 25)];
        s.rules.push("EKS105".into());
        s.remove_rule.push(None);
        let unused = apply_suppressions(&mut used, &[s], &|_, _| true, &|_, k| lookup(k));
        assert_eq!(
            found(unused),
            [
                (unknown, Some(vec![(20, 23), (30, 33), (40, 43)])),
                (unused_rule.to_string(), Some(vec![(35, 38)])),
                (unused_rule.to_string(), Some(vec![(25, 28)])),
            ]
        );
    }
}
