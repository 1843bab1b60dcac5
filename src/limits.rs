//! Every budget and limit of a run, in one place. ekslint reads untrusted pull requests: no
//! input may make it read without end, recurse without end, or build values without end. Each
//! front end takes its limits from here; past a limit the value concerned becomes unknown (an
//! evaluation budget) or the file gets an EKS000 (a read or parse limit), never a crash.

/// The largest file read, by default (configurable with `max-file-bytes`).
pub const DEFAULT_MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;

/// Nesting of a YAML or JSON tree, and of an alias expansion.
pub const MAX_TREE_DEPTH: usize = 256;

/// Nodes that the aliases of one YAML file may expand to.
pub const MAX_ALIAS_NODES: usize = 100_000;

/// Module directories read from disk besides the linted ones, in one run.
pub const MAX_EXTRA_MODULE_DIRS: usize = 1_000;

/// Nesting of Terraform module calls.
pub const MAX_MODULE_DEPTH: usize = 16;

/// Module instances evaluated for one Terraform root module.
pub const MAX_MODULE_INSTANCES: usize = 20_000;

/// Instances of one `for_each` or `count`.
pub const MAX_RESOURCE_INSTANCES: usize = 100_000;

/// Elements `range()` may produce.
pub const MAX_RANGE_ELEMENTS: f64 = 1_000_000.0;

/// Nesting of one Terraform expression evaluation.
pub const MAX_EVAL_DEPTH: usize = 96;

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

/// Secondary locations the human and GitHub outputs show for one finding (a finding of many
/// `for_each` instances lists one per instance); the others are counted in a note. JSON, SARIF
/// and the language server list them all.
pub const MAX_SHOWN_RELATED: usize = 20;
