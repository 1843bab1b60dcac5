//! The command line: parse arguments, run, choose the exit code.

use crate::configs::{Configs, Overrides};
use crate::diagnostic::Severity;
use crate::discover::{Discovery, discover};
use crate::engine::LintOptions;
use crate::engine::{Input, lint};
use crate::report::escape::visible;
use crate::report::{self, Format, RenderOptions};
use crate::rules;
use crate::source::display_path_from;
use crate::trust::Boundary;
use crate::workspace::{module_context, module_dir, terraform_inputs, written_parent};
use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
use rayon::prelude::*;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Lint Amazon EKS access entries and access policy associations in Terraform, CloudFormation
/// and eksctl files.
#[derive(Debug, Parser)]
#[command(name = "ekslint", version, args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    lint: LintArgs,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// List every rule: id, name, severity, fix (safe, unsafe or -), summary.
    Rules {
        /// Print a Markdown table of the built-in rules (the one in README.md).
        #[arg(long)]
        markdown: bool,
        /// Also read the custom policies in PATH (besides the configuration's).
        #[arg(long, value_name = "PATH")]
        policy: Vec<PathBuf>,
    },
    /// Print a rule's full explanation with examples.
    Explain {
        /// A rule id (EKS101) or name (invalid-principal-arn), built-in or custom.
        rule: String,
        /// Also read the custom policies in PATH (besides the configuration's).
        #[arg(long, value_name = "PATH")]
        policy: Vec<PathBuf>,
    },
    /// Print the normalized model of the files (the input of custom policies) as JSON.
    Model {
        #[command(flatten)]
        args: Box<LintArgs>,
    },
    /// Custom Rego policies.
    Policy {
        #[command(subcommand)]
        command: PolicyCommand,
    },
    /// Run the language server over standard input and output (for editors).
    Lsp,
    /// Print a shell completion script (e.g. `ekslint completions bash > ~/.local/share/bash-completion/completions/ekslint`).
    Completions { shell: clap_complete::Shell },
    /// Print the manual page in roff (e.g. `ekslint man > ekslint.1`).
    Man,
}

/// `ekslint policy` subcommands.
#[derive(Debug, Subcommand)]
enum PolicyCommand {
    /// Run the `test_*` rules of the `*_test.rego` files in PATHs (default: the configuration's
    /// policy paths, else `.`) with the policies beside them, as `opa test` does.
    Test {
        /// Rego files or directories.
        paths: Vec<PathBuf>,
    },
}

/// The names of the subcommands, for suggestions when one is mistyped as a path.
const SUBCOMMANDS: [&str; 8] = [
    "rules",
    "explain",
    "model",
    "policy",
    "lsp",
    "completions",
    "man",
    "help",
];

/// When to colour the human output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// The lowest severity that fails the run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum FailOn {
    Error,
    Warning,
    Note,
    Never,
}

#[derive(Debug, clap::Args)]
struct LintArgs {
    /// Files or directories to lint; '-' reads standard input.
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Write the report to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Lowest severity that makes the exit code 1 [default: warning].
    #[arg(long, value_enum)]
    fail_on: Option<FailOn>,
    /// Run only these rules (ids or names).
    #[arg(long, value_delimiter = ',', value_name = "ID,...")]
    select: Vec<String>,
    /// Skip these rules (ids or names).
    #[arg(long, value_delimiter = ',', value_name = "ID,...")]
    ignore: Vec<String>,
    /// With '-': the name used for format detection and in reports.
    #[arg(long, value_name = "NAME")]
    stdin_filename: Option<String>,
    /// Terraform variable values from a file.
    #[arg(long, value_name = "FILE")]
    var_file: Vec<PathBuf>,
    /// A Terraform variable value.
    #[arg(long, value_name = "K=V")]
    var: Vec<String>,
    /// A CloudFormation parameter value (overrides parameter files and the configuration).
    #[arg(long, value_name = "K=V")]
    parameter: Vec<String>,
    /// CloudFormation parameter values from a JSON file: the AWS CLI's
    /// [{"ParameterKey": .., "ParameterValue": ..}] or {"Parameters": {..}}.
    #[arg(long, value_name = "FILE")]
    parameter_file: Vec<PathBuf>,
    /// Configuration file for every file [default: for each file, the nearest .ekslint.toml upward
    /// from it].
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Colour the human output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
    /// Print nothing but findings (no summary).
    #[arg(short, long)]
    quiet: bool,
    /// Also show suppressed findings.
    #[arg(long)]
    show_suppressed: bool,
    /// Say on standard error which YAML and JSON files were skipped, and why.
    #[arg(short, long)]
    verbose: bool,
    /// Also report findings in files read only for context (the other files of a named file's
    /// Terraform module).
    #[arg(long)]
    all_findings: bool,
    /// Apply the safe fixes in place, then report what remains.
    #[arg(long)]
    fix: bool,
    /// Also apply the unsafe fixes (they change what the configuration means).
    #[arg(long)]
    unsafe_fixes: bool,
    /// Print the fixes as a unified diff instead of writing them (the exit code is the lint's).
    #[arg(long)]
    diff: bool,
    /// Also evaluate the Rego policies in PATH (a .rego file or a directory of them; repeatable).
    #[arg(long, value_name = "PATH")]
    policy: Vec<PathBuf>,
}

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::Rules { markdown, policy }) => list_rules(markdown, &policy),
        Some(Command::Explain { rule, policy }) => explain(&rule, &policy),
        Some(Command::Model { args }) => run_model(&args),
        Some(Command::Policy {
            command: PolicyCommand::Test { paths },
        }) => policy_test(&paths),
        Some(Command::Lsp) => Ok(crate::lsp::run()),
        Some(Command::Completions { shell }) => {
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "ekslint", &mut out);
            print_stdout(&String::from_utf8_lossy(&out)).map(|()| ExitCode::SUCCESS)
        }
        Some(Command::Man) => {
            let mut out = Vec::new();
            clap_mangen::Man::new(Cli::command())
                .render(&mut out)
                .map_err(|e| e.to_string())
                .and_then(|()| print_stdout(&String::from_utf8_lossy(&out)))
                .map(|()| ExitCode::SUCCESS)
        }
        None => run_lint(&cli.lint),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("ekslint: error: {message}");
            ExitCode::from(2)
        }
    }
}

/// The policies of the working directory's nearest configuration and of `extra`; their
/// compile problems are printed on standard error (and make the exit code 2).
fn cwd_policies(extra: &[PathBuf]) -> Result<(crate::policy::Policies, ExitCode), String> {
    let cwd = std::env::current_dir().map_err(|e| e.to_string())?;
    let configs = Configs::new(None, Boundary::around(&cwd))?;
    let overrides = Overrides {
        policies: extra.to_vec(),
        ..Overrides::default()
    };
    let policies = configs.policies_of(&cwd, &overrides)?;
    for problem in policies.describe_problems() {
        eprintln!("ekslint: error: {}", visible(&problem));
    }
    let code = match policies.problem_count() {
        0 => ExitCode::SUCCESS,
        _ => ExitCode::from(2),
    };
    Ok((policies, code))
}

fn list_rules(markdown: bool, extra: &[PathBuf]) -> Result<ExitCode, String> {
    if markdown {
        print_stdout(&rules::markdown_table())?;
        return Ok(ExitCode::SUCCESS);
    }
    let (policies, code) = cwd_policies(extra)?;
    let mut out = String::new();
    for r in rules::RULES.iter().chain(policies.rules().iter().copied()) {
        out.push_str(&format!(
            "{}  {:<40} {:<8} {:<7} {}\n",
            r.id,
            r.name,
            r.severity.as_str(),
            r.fix.map_or("-", crate::fix::Safety::as_str),
            r.summary
        ));
    }
    print_stdout(&out)?;
    Ok(code)
}

fn explain(key: &str, extra: &[PathBuf]) -> Result<ExitCode, String> {
    let (policies, code) = cwd_policies(extra)?;
    let rule = policies.resolve(key)?;
    print_stdout(&format!(
        "{} {} ({})\n\n{}\n{}\n\n{}",
        rule.id,
        rule.name,
        rule.severity.as_str(),
        rule.summary,
        rule.fix_line(),
        rule.explanation()
    ))?;
    Ok(code)
}

/// `ekslint policy test`: exit code 0 when every test passes, 1 when one fails, 2 when a
/// policy does not compile.
fn policy_test(paths: &[PathBuf]) -> Result<ExitCode, String> {
    let cwd = std::env::current_dir().map_err(|e| e.to_string())?;
    let configs = Configs::new(None, Boundary::around(&cwd))?;
    let run = crate::policy::test::run(configs.policy_files_of(&cwd, paths)?);
    print_stdout(&run.render())?;
    Ok(if !run.problems.is_empty() {
        ExitCode::from(2)
    } else if run.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// `ekslint model`: the model of the files as JSON; files that cannot be read or parsed are
/// named on standard error, and make the exit code 2.
fn run_model(args: &LintArgs) -> Result<ExitCode, String> {
    check_usage(args)?;
    let cwd = std::env::current_dir().map_err(|e| e.to_string())?;
    let configs = Configs::new(args.config.as_deref(), lint_boundary(args, &cwd))?;
    let boundary = configs.boundary(&cwd)?;
    let (inputs, unreadable, listed) = read_inputs(args, &configs, &boundary)?;
    let options = lint_options(args, &configs, &inputs, listed, boundary)?;
    let parsed = crate::engine::parse(inputs, &options);
    for why in &unreadable {
        eprintln!("ekslint: error: {}", visible(why));
    }
    for e in parsed.errors() {
        let (start, _) = parsed.sources().range(e.span);
        let path = &parsed.sources().get(e.span.file).path;
        eprintln!(
            "ekslint: error: {}:{start}: {}",
            visible(path),
            visible(&e.message)
        );
    }
    let text = crate::model_json::document(&parsed.model, parsed.sources()).to_json()?;
    write_output(args, text.as_bytes())?;
    Ok(if unreadable.is_empty() && parsed.errors().is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}

/// The boundary of a run started in `cwd`: the project around it, and the paths named.
fn lint_boundary(args: &LintArgs, cwd: &Path) -> Boundary {
    let mut boundary = Boundary::around(cwd);
    for path in args.paths.iter().chain(&args.var_file) {
        if path != Path::new("-") {
            boundary.trust_named(path);
        }
    }
    boundary
}

fn print_stdout(text: &str) -> Result<(), String> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.to_string()),
        _ => Ok(()),
    }
}

fn run_lint(args: &LintArgs) -> Result<ExitCode, String> {
    check_usage(args)?;
    // On a lint thread from the start: its parallel steps are entered without a handoff from
    // this thread each time, and what it allocates before reading (the paths found) is
    // allocated there, where the reading and checking that follow reuse the memory freed.
    crate::threads::run(|| lint_on_pool(args))
}

/// [`run_lint`] once its usage is checked.
fn lint_on_pool(args: &LintArgs) -> Result<ExitCode, String> {
    let cwd = std::env::current_dir().map_err(|e| e.to_string())?;
    let configs = Configs::new(args.config.as_deref(), lint_boundary(args, &cwd))?;
    // The read limit is the configuration's of the working directory (or `--config`'s).
    let boundary = configs.boundary(&cwd)?;
    if args.fix || args.unsafe_fixes || args.diff {
        return run_fixes(args, &configs, boundary);
    }
    let (inputs, unreadable, listed) = read_inputs(args, &configs, &boundary)?;
    let options = lint_options(args, &configs, &inputs, listed, boundary)?;
    // What the configurations know of each directory is no longer needed once the options are.
    drop(configs);
    let named = named_files(&inputs);
    let report = lint(inputs, &options);
    emit(args, &report, &unreadable, &named)?;
    let code = exit_code(&report, &unreadable);
    // The process ends next and its memory goes back to the system whole: freeing the files and
    // findings one by one first only delays the exit (6 ms of 10,000 CloudFormation files).
    std::mem::forget((report, options));
    Ok(code)
}

/// The entries of the Terraform directories a walk read, by real path.
type Listed = foldhash::HashMap<PathBuf, crate::discover::Entries>;

/// The options of a run: the configuration of each input (loaded while walking and here, and
/// valid) with the command line's overrides.
fn lint_options(
    args: &LintArgs,
    configs: &Configs,
    inputs: &[Input],
    listed: Listed,
    boundary: Boundary,
) -> Result<LintOptions, String> {
    for input in inputs {
        configs.visit(&input.dir);
    }
    configs.check()?;
    let overrides = Overrides {
        select: args.select.clone(),
        ignore: args.ignore.clone(),
        fail_on: args.fail_on.map(|f| match f {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Note => Some(Severity::Note),
            FailOn::Never => None,
        }),
        parameters: cfn_parameters(args)?,
        var_files: args.var_file.clone(),
        policies: args.policy.clone(),
    };
    Ok(LintOptions {
        settings: configs.settings(&overrides)?,
        terraform: crate::parse::terraform::TerraformInputs {
            listed,
            ..terraform_inputs(configs.var_files(&overrides), &args.var, boundary)?
        },
    })
}

/// The display paths of the files named on the command line.
fn named_files(inputs: &[Input]) -> std::collections::HashSet<String> {
    inputs
        .iter()
        .filter(|i| i.explicit)
        .map(|i| i.display.clone())
        .collect()
}

/// Prints the errors and skipped files of a run and renders its report.
fn emit(
    args: &LintArgs,
    report: &report::Report,
    unreadable: &[String],
    named: &std::collections::HashSet<String>,
) -> Result<(), String> {
    // Paths are escaped: a directory's name must not start a line of its own in a CI log.
    for why in unreadable {
        eprintln!("ekslint: error: {}", visible(why));
    }
    // A file the user named is never skipped in silence.
    for (id, why) in &report.skipped {
        let path = &report.sources.get(*id).path;
        if args.verbose || named.contains(path) {
            eprintln!("ekslint: skipped {}: {why}", visible(path));
        }
    }

    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            args.output.is_none()
                && std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
        }
    };
    let render = RenderOptions {
        color,
        show_suppressed: args.show_suppressed,
        quiet: args.quiet,
    };
    // Written as it is rendered, 64 KiB at a time: a monorepo's report is megabytes (a SARIF
    // log of 10,000 files, 36 MB) and is never held whole in memory; a CI log reads a pipe.
    let written_to = |sink: &mut dyn Write| {
        let mut out = std::io::BufWriter::with_capacity(1 << 16, sink);
        report::render(args.format, report, &render, &mut out)?;
        out.flush()
    };
    match &args.output {
        Some(path) => std::fs::File::create(path)
            .and_then(|mut file| written_to(&mut file))
            .map_err(|e| format!("{}: {e}", path.display())),
        None => match written_to(&mut std::io::stdout().lock()) {
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.to_string()),
            _ => Ok(()),
        },
    }
}

/// Writes to `--output`, or standard output.
fn write_output(args: &LintArgs, buf: &[u8]) -> Result<(), String> {
    match &args.output {
        Some(path) => std::fs::write(path, buf).map_err(|e| format!("{}: {e}", path.display())),
        None => print_stdout(&String::from_utf8_lossy(buf)),
    }
}

/// The exit code of a report: 2 when a file could not be read or parsed, 1 when a finding is
/// at or above the `fail-on` of its file's configuration.
fn exit_code(report: &report::Report, unreadable: &[String]) -> ExitCode {
    if !unreadable.is_empty()
        || report
            .diagnostics
            .iter()
            .any(|d| d.rule == rules::EKS000.id)
    {
        return ExitCode::from(2);
    }
    if report.failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The files of a `--fix` or `--diff` run, read through the boundary (with the fixed texts).
struct FixFiles<'a> {
    args: &'a LintArgs,
    configs: &'a Configs,
    boundary: Boundary,
    /// Made on the first pass, from the files it read.
    options: Option<LintOptions>,
    /// What the first pass could not read.
    unreadable: Option<Vec<String>>,
    named: std::collections::HashSet<String>,
}

impl crate::fix::run::Files for FixFiles<'_> {
    fn lint(&mut self, overlay: &std::sync::Arc<crate::fix::run::Overlay>) -> report::Report {
        let mut boundary = self.boundary.clone();
        boundary.set_overlay(overlay.clone());
        let read = read_inputs(self.args, self.configs, &boundary).and_then(
            |(inputs, unreadable, listed)| {
                if self.options.is_none() {
                    self.options = Some(lint_options(
                        self.args,
                        self.configs,
                        &inputs,
                        listed,
                        self.boundary.clone(),
                    )?);
                }
                Ok((inputs, unreadable))
            },
        );
        let inputs = match read {
            Ok((inputs, unreadable)) => {
                if self.unreadable.is_none() {
                    self.named = named_files(&inputs);
                    self.unreadable = Some(unreadable);
                }
                inputs
            }
            Err(e) => {
                self.unreadable.get_or_insert_with(Vec::new).push(e);
                Vec::new()
            }
        };
        let options = self.options.get_or_insert_with(LintOptions::default);
        options.terraform.boundary = boundary;
        lint(inputs, options)
    }

    fn writable(&self, display: &str) -> Result<PathBuf, String> {
        crate::fix::write::writable(&self.boundary, Path::new(display))
    }

    fn read(&self, real: &Path) -> Result<Vec<u8>, String> {
        self.boundary
            .read(real)
            .map_err(|e| format!("{}: {e}", real.display()))
    }
}

/// `--fix`, `--unsafe-fixes` and `--diff`: apply the fixes (in memory), then write the files and
/// report what remains, or print the diff and exit as the lint would.
fn run_fixes(args: &LintArgs, configs: &Configs, boundary: Boundary) -> Result<ExitCode, String> {
    if args.paths.iter().any(|p| p == Path::new("-")) {
        return Err("--fix and --diff work on files, not standard input".into());
    }
    let safety = if args.unsafe_fixes {
        crate::fix::Safety::Unsafe
    } else {
        crate::fix::Safety::Safe
    };
    let mut files = FixFiles {
        args,
        configs,
        boundary,
        options: None,
        unreadable: None,
        named: Default::default(),
    };
    let outcome = crate::fix::run::fix(&mut files, safety);
    let unreadable = files.unreadable.take().unwrap_or_default();
    let mut errors = outcome.errors;
    let changed = outcome.changes.len();
    if args.diff {
        let diff: String = outcome
            .changes
            .iter()
            .map(|c| {
                crate::fix::diff::unified(
                    &c.display,
                    &String::from_utf8_lossy(&c.old),
                    &String::from_utf8_lossy(&c.new),
                )
            })
            .collect();
        for e in &errors {
            eprintln!("ekslint: error: {}", visible(e));
        }
        write_output(args, diff.as_bytes())?;
        eprintln!(
            "ekslint: {} would apply {} in {}",
            if args.unsafe_fixes {
                "--unsafe-fixes"
            } else {
                "--fix"
            },
            count(outcome.applied, "fix", "fixes"),
            count(changed, "file", "files")
        );
        let before = outcome.before.as_ref().unwrap_or(&outcome.after);
        return Ok(exit_code(before, &unreadable));
    }
    for change in &outcome.changes {
        let written = crate::fix::write::writable(&files.boundary, &change.real)
            .and_then(|real| crate::fix::write::replace(&real, &change.new));
        if let Err(e) = written {
            errors.push(e);
        }
    }
    emit(args, &outcome.after, &unreadable, &files.named)?;
    for e in &errors {
        eprintln!("ekslint: error: {}", visible(e));
    }
    eprintln!(
        "ekslint: applied {} in {}",
        count(outcome.applied, "fix", "fixes"),
        count(changed, "file", "files")
    );
    if !errors.is_empty() {
        return Ok(ExitCode::from(2));
    }
    Ok(exit_code(&outcome.after, &unreadable))
}

/// `1 fix`, `2 fixes`.
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Usage errors clap cannot see: `--stdin-filename` without `-`, and a path that does not
/// exist but is a mistyped subcommand (`ekslint explian EKS105`).
fn check_usage(args: &LintArgs) -> Result<(), String> {
    let stdin = args.paths.iter().any(|p| p == Path::new("-"));
    if args.stdin_filename.is_some() && !stdin {
        return Err("--stdin-filename names standard input: give '-' as a path too".into());
    }
    if let Some(first) = args.paths.first().and_then(|p| p.to_str())
        && !Path::new(first).exists()
        && let Some(cmd) = SUBCOMMANDS
            .iter()
            .find(|c| strsim::levenshtein(first, c) <= 2 && first.len() > 2)
    {
        return Err(format!(
            "{first}: no such file or directory; did you mean the subcommand `ekslint {cmd}`?"
        ));
    }
    Ok(())
}

/// CloudFormation parameter values of the command line (over the configuration's): each
/// parameter file's, then each `--parameter`, later ones overriding earlier ones.
fn cfn_parameters(args: &LintArgs) -> Result<std::collections::BTreeMap<String, String>, String> {
    use crate::parse::cloudformation::{parse_assignment, parse_parameter_file};
    let mut parameters = std::collections::BTreeMap::new();
    for path in &args.parameter_file {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        parameters
            .extend(parse_parameter_file(&text).map_err(|e| format!("{}: {e}", path.display()))?);
    }
    for p in &args.parameter {
        let (k, v) = parse_assignment(p).map_err(|e| format!("--parameter: {e}"))?;
        parameters.insert(k, v);
    }
    Ok(parameters)
}

/// Reads the files to lint, or standard input for `-`, and says which paths could not be walked.
/// A file that cannot be read is an input with the reason, reported as EKS000.
fn read_inputs(
    args: &LintArgs,
    configs: &Configs,
    boundary: &Boundary,
) -> Result<(Vec<Input>, Vec<String>, Listed), String> {
    let mut inputs = Vec::new();
    let mut paths = Vec::new();
    for path in &args.paths {
        if path == Path::new("-") {
            let mut bytes = Vec::new();
            std::io::stdin()
                .read_to_end(&mut bytes)
                .map_err(|e| format!("standard input: {e}"))?;
            let name = args
                .stdin_filename
                .clone()
                .unwrap_or_else(|| "<stdin>".into());
            let dir = module_dir(Path::new(&name));
            inputs.push(Input {
                display: name,
                dir,
                bytes,
                explicit: true,
                context: false,
                unreadable: None,
            });
        } else {
            paths.push(path.clone());
        }
    }
    let Discovery {
        mut found,
        errors,
        mut listings,
    } = discover(&paths, configs);
    configs.check()?;
    let in_memory: Vec<PathBuf> = inputs.iter().map(|i| PathBuf::from(&i.display)).collect();
    found.extend(module_context(&found, &in_memory, args.all_findings));
    let dirs: Vec<(PathBuf, bool)> = found.iter().map(|f| configs.dir_of(&f.path)).collect();
    // What the walk read of each Terraform directory, by the real path its files are read in.
    let mut listed = foldhash::HashMap::default();
    for (f, (dir, resolved)) in found.iter().zip(&dirs) {
        if listings.is_empty() {
            break;
        }
        if *resolved && let Some(entries) = listings.remove(written_parent(&f.path)) {
            listed.entry(dir.clone()).or_insert(entries);
        }
    }
    // Read on the lint threads, in the order found.
    let reader = boundary.reader();
    let cwd = std::env::current_dir().ok();
    let read: Vec<Input> = crate::threads::run(|| {
        found
            .into_par_iter()
            .zip(dirs)
            .with_max_len(crate::threads::FILES_PER_TASK)
            .map(|(found, (dir, resolved))| {
                // Each directory was resolved for its configuration: not again for each file.
                let read = if resolved {
                    reader.read_in(&found.path, &dir)
                } else {
                    reader.read(&found.path)
                };
                let (bytes, unreadable) = match read {
                    Ok(bytes) => (bytes, None),
                    Err(why) => (Vec::new(), Some(why.to_string())),
                };
                Input {
                    display: display_path_from(cwd.as_deref(), &found.path),
                    dir,
                    bytes,
                    explicit: found.explicit,
                    context: found.context,
                    unreadable,
                }
            })
            .collect()
    });
    inputs.extend(read);
    Ok((inputs, errors, listed))
}
