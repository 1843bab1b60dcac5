//! The command line (SPEC §5): parse arguments, run, choose the exit code.

use crate::config::Config;
use crate::diagnostic::Severity;
use crate::discover::{Discovery, discover};
use crate::engine::{Input, lint};
use crate::policy::Policies;
use crate::report::{self, Format, RenderOptions};
use crate::rules;
use crate::source::display_path;
use crate::trust::Boundary;
use crate::workspace::{
    lint_options, load_config, load_policies, module_context, module_dir, terraform_inputs,
};
use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
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
    /// List every rule: id, name, severity, summary.
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
    /// Configuration file [default: the nearest .ekslint.toml upward from the working directory].
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

/// The policies of the nearest configuration and of `extra`; their compile problems are
/// printed on standard error (and make the exit code 2).
fn cwd_policies(extra: &[PathBuf]) -> Result<(Policies, ExitCode), String> {
    let cwd = std::env::current_dir().map_err(|e| e.to_string())?;
    let mut boundary = Boundary::around(&cwd);
    let config = load_config(None, &cwd, &mut boundary)?;
    let policies = load_policies(&config, extra, &mut boundary)?;
    for problem in policies.describe_problems() {
        eprintln!("ekslint: error: {problem}");
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
            "{}  {:<40} {:<8} {}\n",
            r.id,
            r.name,
            r.severity.as_str(),
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
        "{} {} ({})\n\n{}\n\n{}",
        rule.id,
        rule.name,
        rule.severity.as_str(),
        rule.summary,
        rule.explanation()
    ))?;
    Ok(code)
}

/// `ekslint policy test`: exit code 0 when every test passes, 1 when one fails, 2 when a
/// policy does not compile.
fn policy_test(paths: &[PathBuf]) -> Result<ExitCode, String> {
    let cwd = std::env::current_dir().map_err(|e| e.to_string())?;
    let mut boundary = Boundary::around(&cwd);
    let config = load_config(None, &cwd, &mut boundary)?;
    let paths: Vec<PathBuf> = if !paths.is_empty() {
        paths.to_vec()
    } else if !config.policy.paths.is_empty() {
        config
            .policy
            .paths
            .iter()
            .map(|p| config.base.join(p))
            .collect()
    } else {
        vec![PathBuf::from(".")]
    };
    for path in &paths {
        boundary.trust_named(path);
    }
    let run = crate::policy::test::run(crate::policy::read(&paths, &boundary, true)?);
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
    let (options, inputs, unreadable) = prepare(args)?.0;
    let parsed = crate::engine::parse(inputs, &options);
    for why in &unreadable {
        eprintln!("ekslint: error: {why}");
    }
    for e in &parsed.errors {
        let (start, _) = parsed.sources.range(e.span);
        let path = &parsed.sources.get(e.span.file).path;
        eprintln!("ekslint: error: {path}:{start}: {}", e.message);
    }
    let text = crate::model_json::document(&parsed.model, &parsed.sources).to_json()?;
    match &args.output {
        Some(path) => {
            std::fs::write(path, &text).map_err(|e| format!("{}: {e}", path.display()))?
        }
        None => print_stdout(&text)?,
    }
    Ok(if unreadable.is_empty() && parsed.errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}

fn print_stdout(text: &str) -> Result<(), String> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.to_string()),
        _ => Ok(()),
    }
}

/// The options of a run and its inputs (with the paths that could not be walked), and the
/// lowest severity that fails it.
#[allow(clippy::type_complexity)]
fn prepare(
    args: &LintArgs,
) -> Result<
    (
        (crate::engine::LintOptions, Vec<Input>, Vec<String>),
        FailOn,
    ),
    String,
> {
    check_usage(args)?;
    let cwd = std::env::current_dir().map_err(|e| e.to_string())?;
    let mut boundary = Boundary::around(&cwd);
    for path in args.paths.iter().chain(&args.var_file) {
        if path != Path::new("-") {
            boundary.trust_named(path);
        }
    }
    let config = load_config(args.config.as_deref(), &cwd, &mut boundary)?;
    let policies = load_policies(&config, &args.policy, &mut boundary)?;
    let mut options = lint_options(&config, &args.select, &args.ignore, policies)?;
    options.structured.cloudformation.parameters = cfn_parameters(args, &config)?;
    options.terraform = terraform_inputs(&config, &args.var_file, &args.var, boundary)?;
    let fail_on = match (args.fail_on, &config.fail_on) {
        (Some(f), _) => f,
        (None, None) => FailOn::Warning,
        (None, Some(s)) => FailOn::from_str(s.get_ref(), true)
            .map_err(|_| format!("configuration: fail-on {:?}", s.get_ref()))?,
    };
    let (inputs, unreadable) = read_inputs(args, &config, &options.terraform.boundary)?;
    Ok(((options, inputs, unreadable), fail_on))
}

fn run_lint(args: &LintArgs) -> Result<ExitCode, String> {
    let ((options, inputs, unreadable), fail_on) = prepare(args)?;
    let named: std::collections::HashSet<String> = inputs
        .iter()
        .filter(|i| i.explicit)
        .map(|i| i.display.clone())
        .collect();
    let report = lint(inputs, &options);
    for why in &unreadable {
        eprintln!("ekslint: error: {why}");
    }
    // A file the user named is never skipped in silence.
    for (id, why) in &report.skipped {
        let path = &report.sources.get(*id).path;
        if args.verbose || named.contains(path) {
            eprintln!("ekslint: skipped {path}: {why}");
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
    let mut buf = Vec::new();
    report::render(args.format, &report, &render, &mut buf).map_err(|e| e.to_string())?;
    match &args.output {
        Some(path) => std::fs::write(path, &buf).map_err(|e| format!("{}: {e}", path.display()))?,
        None => print_stdout(&String::from_utf8_lossy(&buf))?,
    }

    let active = report.diagnostics.iter().filter(|d| d.suppressed.is_none());
    if !unreadable.is_empty()
        || report
            .diagnostics
            .iter()
            .any(|d| d.rule == rules::EKS000.id)
    {
        return Ok(ExitCode::from(2));
    }
    let threshold = match fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Note => Some(Severity::Note),
        FailOn::Never => None,
    };
    let failed = threshold.is_some_and(|t| active.clone().any(|d| d.severity >= t));
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
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

/// CloudFormation parameter values: the configuration's, then each parameter file's, then each
/// `--parameter`, later ones overriding earlier ones.
fn cfn_parameters(
    args: &LintArgs,
    config: &Config,
) -> Result<std::collections::BTreeMap<String, String>, String> {
    use crate::parse::cloudformation::{parse_assignment, parse_parameter_file};
    let mut parameters = config.cloudformation.parameters.clone();
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
    config: &Config,
    boundary: &Boundary,
) -> Result<(Vec<Input>, Vec<String>), String> {
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
    let exclude: Vec<String> = config.exclude.clone();
    let Discovery { mut found, errors } = discover(&paths, &exclude)?;
    let in_memory: Vec<PathBuf> = inputs.iter().map(|i| PathBuf::from(&i.display)).collect();
    found.extend(module_context(&found, &in_memory, args.all_findings));
    for found in found {
        let (bytes, unreadable) = match boundary.read(&found.path) {
            Ok(bytes) => (bytes, None),
            Err(why) => (Vec::new(), Some(why.to_string())),
        };
        let dir = module_dir(&found.path);
        inputs.push(Input {
            display: display_path(&found.path),
            dir,
            bytes,
            explicit: found.explicit,
            context: found.context,
            unreadable,
        });
    }
    Ok((inputs, errors))
}
