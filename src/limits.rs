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

/// Wall-clock time one rule set of a custom policy (`deny`, `warn` or `info` of one package), or
/// one policy test, may take; past it the evaluation stops and is reported on the policy.
pub const POLICY_TIME_LIMIT: std::time::Duration = std::time::Duration::from_secs(2);

/// Evaluation steps between two reads of the clock for [`POLICY_TIME_LIMIT`].
pub const POLICY_TIME_CHECK_INTERVAL: u32 = 64;

/// `.rego` files read from the policy paths of one run.
pub const MAX_POLICY_FILES: usize = 1_000;
