//! Every budget and limit of a run, in one place. ekslint reads untrusted pull requests: no
//! input may make it read without end, recurse without end, or build values without end. Each
//! front end takes its limits from here; past a limit the value concerned becomes unknown (an
//! evaluation budget) or the file gets an EKS000 (a read or parse limit), never a crash. The
//! HCL parser's own limits (64 nested levels, 128 chained binary operators, 256 steps a byte of
//! the text) are in the patched hcl-edit, `vendor/hcl-edit/src/parser/nesting.rs`, which cannot
//! read this module.

/// The largest file read, by default (configurable with `max-file-bytes`).
pub const DEFAULT_MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;

/// Nesting of a YAML or JSON tree, and of an alias expansion.
pub const MAX_TREE_DEPTH: usize = 256;

/// Nodes that the aliases of one YAML file may expand to (and that its anchors may copy besides
/// the file's size: only nested anchors copy more than the file holds).
pub const MAX_ALIAS_NODES: usize = 100_000;

/// Bytes (of scalars, keys and tags) that the aliases of one YAML file may expand to, and its
/// anchors copy, besides the size of the file itself.
pub const MAX_ALIAS_BYTES: usize = 16 << 20;

/// Module directories read from disk besides the linted ones, in one run.
pub const MAX_EXTRA_MODULE_DIRS: usize = 1_000;

/// Nesting of Terraform module calls.
pub const MAX_MODULE_DEPTH: usize = 16;

/// Module instances evaluated for one Terraform root module.
pub const MAX_MODULE_INSTANCES: usize = 20_000;

/// Instances of one `for_each` or `count`.
pub const MAX_RESOURCE_INSTANCES: usize = 100_000;

/// Nesting of one evaluation (Terraform expressions through the locals, variables and modules
/// they read; CloudFormation intrinsic functions through parameters and mappings).
pub const MAX_EVAL_DEPTH: usize = 128;

/// Nesting of lists and maps in one evaluated value.
pub const MAX_VALUE_DEPTH: usize = 64;

/// Values (the value itself, list elements and map entries at every level) in one evaluated
/// value.
pub const MAX_VALUE_ITEMS: usize = 1 << 20;

/// Text bytes (of all its strings) of one evaluated value.
pub const MAX_VALUE_BYTES: usize = 4 << 20;

/// Secondary locations (where a value came from) that one evaluated value keeps.
pub const MAX_VALUE_ORIGINS: usize = 32;

/// Evaluation steps of one unit (a template; a Terraform root module with the modules it
/// calls), besides [`EVAL_STEPS_PER_SOURCE_BYTE`]. A step is one expression evaluated, one item
/// built or copied, or [`TEXT_BYTES_PER_STEP`] bytes of text built.
pub const MAX_EVAL_STEPS: usize = 16_000_000;

/// Evaluation steps of one value (an attribute, a resource's properties) of a unit, with the
/// values it reads first (locals, parameters): past them it is unknown, and the unit goes on.
pub const MAX_VALUE_STEPS: usize = 2_000_000;

/// Evaluation steps a unit gets for each byte of its source.
pub const EVAL_STEPS_PER_SOURCE_BYTE: usize = 1;

/// Text bytes built per evaluation step.
pub const TEXT_BYTES_PER_STEP: usize = 16;

/// The stack of each thread that parses, evaluates and checks. At the depth limits above, the
/// deepest chains measured (Terraform locals through modules, CloudFormation parameters) need
/// about 1 MiB of it in a debug build.
pub const LINT_STACK_BYTES: usize = 64 << 20;

/// The longest value quoted in a message, in chars: longer values are shortened with an
/// ellipsis (the span still covers the whole value).
pub const MAX_QUOTED_CHARS: usize = 80;

/// The longest message, secondary-location message or help, in chars (a safety net for
/// messages that quote text other than through the quoting helper, such as parser errors).
pub const MAX_MESSAGE_CHARS: usize = 400;

/// Lines of a span that the human output underlines; a span over more lines is underlined on
/// its first line only.
pub const MAX_LABEL_LINES: usize = 8;

/// Bytes of a label the human output shows on one line; the rest of a longer value is elided.
pub const MAX_LABEL_BYTES: usize = 120;

/// The largest language server message (a document's text, JSON-escaped, plus the envelope).
pub const MAX_LSP_MESSAGE_BYTES: usize = 2 * DEFAULT_MAX_FILE_BYTES as usize + 64 * 1024;

/// The header block of one language server message.
pub const MAX_LSP_HEADER_BYTES: usize = 8 * 1024;

/// Bytes of file text the language server keeps between keystrokes (the files of the modules
/// it lints, read again only when they change); past it, the texts kept are let go.
pub const MAX_READ_CACHE_BYTES: usize = 64 << 20;

/// Secondary locations the human and GitHub outputs show for one finding (a finding of many
/// `for_each` instances lists one per instance); the others are counted in a note. JSON, SARIF
/// and the language server list them all.
pub const MAX_SHOWN_RELATED: usize = 20;

/// Bytes of YAML embedded in a string (an aws-auth `mapRoles` value) that are parsed; a larger
/// value is not read.
pub const MAX_EMBEDDED_YAML_BYTES: usize = 1024 * 1024;

/// Passes of `--fix`: each lints the files, then applies the fixes whose edits do not overlap;
/// fixes left (overlapping, or new after the edits) wait for the next pass, up to this many.
pub const MAX_FIX_PASSES: usize = 16;

/// Wall-clock time one rule set of a custom policy (`deny`, `warn` or `info` of one package), or
/// one policy test, may take; past it the evaluation stops and is reported on the policy.
pub const POLICY_TIME_LIMIT: std::time::Duration = std::time::Duration::from_secs(2);

/// Evaluation steps between two reads of the clock for [`POLICY_TIME_LIMIT`].
pub const POLICY_TIME_CHECK_INTERVAL: u32 = 64;

/// `.rego` files read from the policy paths of one run.
pub const MAX_POLICY_FILES: usize = 1_000;
