//! The command line (SPEC §5): parse arguments, run, choose the exit code.

use crate::config::Config;
use crate::diagnostic::Severity;
use crate::discover::{Found, discover, display_path};
use crate::engine::{Input, LintOptions, lint};
use crate::parse::terraform::TerraformInputs;
use crate::report::{self, Format, RenderOptions};
use crate::rules::{self, RuleMeta, RuleOptions};
use clap::{Parser, Subcommand, ValueEnum};
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
        /// Print a Markdown table (the one in README.md).
        #[arg(long)]
        markdown: bool,
    },
    /// Print a rule's full explanation with examples.
    Explain {
        /// A rule id (EKS101) or name (invalid-principal-arn).
        rule: String,
    },
}

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
    /// Also report findings in files read only for context (the other files of a named file's
    /// Terraform module).
    #[arg(long)]
    all_findings: bool,
}

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::Rules { markdown }) => list_rules(markdown),
        Some(Command::Explain { rule }) => explain(&rule),
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

fn list_rules(markdown: bool) -> Result<ExitCode, String> {
    if markdown {
        print_stdout(&rules::markdown_table())?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = String::new();
    for r in rules::RULES {
        out.push_str(&format!(
            "{}  {:<40} {:<8} {}\n",
            r.id,
            r.name,
            r.severity.as_str(),
            r.summary
        ));
    }
    print_stdout(&out)?;
    Ok(ExitCode::SUCCESS)
}

fn explain(key: &str) -> Result<ExitCode, String> {
    let rule = rules::lookup(key)
        .ok_or_else(|| format!("no rule is named {key:?}; `ekslint rules` lists them"))?;
    print_stdout(&format!(
        "{} {} ({})\n\n{}\n\n{}",
        rule.id,
        rule.name,
        rule.severity.as_str(),
        rule.summary,
        rule.explanation()
    ))?;
    Ok(ExitCode::SUCCESS)
}

fn print_stdout(text: &str) -> Result<(), String> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.to_string()),
        _ => Ok(()),
    }
}

fn rule_list(keys: &[String]) -> Result<Vec<&'static RuleMeta>, String> {
    keys.iter()
        .map(|k| {
            rules::lookup(k.trim())
                .ok_or_else(|| format!("unknown rule {k:?}; `ekslint rules` lists them"))
        })
        .collect()
}

fn run_lint(args: &LintArgs) -> Result<ExitCode, String> {
    let cwd = std::env::current_dir().map_err(|e| e.to_string())?;
    let config = match &args.config {
        Some(path) => Config::load(path)?,
        None => Config::find(&cwd)
            .map(|p| Config::load(&p))
            .transpose()?
            .unwrap_or_default(),
    };

    let select: Vec<String> = if args.select.is_empty() {
        config.select.clone()
    } else {
        args.select.clone()
    };
    let mut ignore = config.ignore.clone();
    ignore.extend(args.ignore.iter().cloned());
    let mut severity = std::collections::BTreeMap::new();
    for (key, value) in &config.severity {
        let rule = rules::lookup(key)
            .ok_or_else(|| format!("configuration: unknown rule {key:?} in [severity]"))?;
        let level = Severity::parse(value).ok_or_else(|| {
            format!(
                "configuration: severity of {key} must be error, warning or note, not {value:?}"
            )
        })?;
        severity.insert(rule.id, level);
    }
    let options = LintOptions {
        rule_options: RuleOptions {
            trusted_accounts: config.rules.eks405.trusted_accounts.clone(),
        },
        select: if select.is_empty() {
            None
        } else {
            Some(rule_list(&select)?)
        },
        ignore: rule_list(&ignore)?,
        severity,
        structured: crate::parse::StructuredOptions {
            cloudformation: crate::parse::cloudformation::CfnOptions {
                parameters: cfn_parameters(args, &config)?,
            },
        },
        terraform: terraform_inputs(args, &config)?,
    };
    let fail_on = match (args.fail_on, config.fail_on.as_deref()) {
        (Some(f), _) => f,
        (None, None) => FailOn::Warning,
        (None, Some(s)) => FailOn::from_str(s, true).map_err(|_| {
            format!("configuration: fail-on must be error, warning, note or never, not {s:?}")
        })?,
    };

    let inputs = read_inputs(args, &config)?;
    let report = lint(inputs, &options);

    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            args.output.is_none()
                && std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
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
    if report
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

/// Terraform variable values: the configuration's var files (relative to it), `--var-file`,
/// `--var`, and `TF_VAR_` environment variables.
fn terraform_inputs(args: &LintArgs, config: &Config) -> Result<TerraformInputs, String> {
    let var_files: Vec<PathBuf> = config
        .terraform
        .var_files
        .iter()
        .map(|p| config.base.join(p))
        .chain(args.var_file.iter().cloned())
        .collect();
    if let Some(missing) = var_files.iter().find(|p| !p.is_file()) {
        return Err(format!("{}: no such variable file", missing.display()));
    }
    if let Some(bad) = args.var.iter().find(|kv| !kv.contains('=')) {
        return Err(format!("--var {bad:?}: expected NAME=VALUE"));
    }
    let env = std::env::vars()
        .filter_map(|(k, v)| Some((k.strip_prefix("TF_VAR_")?.to_string(), v)))
        .collect();
    Ok(TerraformInputs {
        var_files,
        vars: args.var.clone(),
        env,
    })
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

/// Reads the files to lint, or standard input for `-`.
fn read_inputs(args: &LintArgs, config: &Config) -> Result<Vec<Input>, String> {
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
            });
        } else {
            paths.push(path.clone());
        }
    }
    let exclude: Vec<String> = config.exclude.clone();
    let mut found = discover(&paths, &exclude)?;
    found.extend(module_context(&found, &inputs, args.all_findings));
    for found in found {
        let bytes =
            std::fs::read(&found.path).map_err(|e| format!("{}: {e}", found.path.display()))?;
        let dir = module_dir(&found.path);
        inputs.push(Input {
            display: display_path(&found.path),
            dir,
            bytes,
            explicit: found.explicit,
            context: found.context,
        });
    }
    Ok(inputs)
}

/// The other `.tf` files of the modules of named Terraform files (and of a Terraform file read
/// from standard input), read for context: a module's variables, cluster and other entries.
fn module_context(found: &[Found], stdin: &[Input], all_findings: bool) -> Vec<Found> {
    let named = found
        .iter()
        .filter(|f| f.explicit)
        .map(|f| f.path.clone())
        .chain(stdin.iter().map(|i| PathBuf::from(&i.display)))
        .filter(|p| p.extension().is_some_and(|e| e == "tf"));
    let mut extra: Vec<Found> = Vec::new();
    for path in named {
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let sibling = entry.path();
            let same =
                |p: &Path| std::fs::canonicalize(p).ok() == std::fs::canonicalize(&sibling).ok();
            let known = found.iter().any(|f| same(&f.path))
                || extra.iter().any(|f| same(&f.path))
                || stdin.iter().any(|i| same(Path::new(&i.display)));
            if !known && sibling.extension().is_some_and(|e| e == "tf") && sibling.is_file() {
                extra.push(Found {
                    path: sibling,
                    explicit: false,
                    context: !all_findings,
                });
            }
        }
    }
    extra.sort();
    extra
}

/// The directory of a file, as one key per directory whatever the spelling (`main.tf`,
/// `./main.tf`, an absolute path): Terraform files of one directory form one module.
fn module_dir(path: &Path) -> PathBuf {
    let parent = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::canonicalize(parent).unwrap_or_else(|_| parent.to_path_buf())
}
