//! The threads that lint: one pool, built once, whose threads have a known stack
//! ([`LINT_STACK_BYTES`]), so that the evaluation limits stay well inside it whoever calls the
//! engine (the command line's main thread, the language server's thread, a test's thread).

use crate::limits::LINT_STACK_BYTES;
use rayon::{ThreadPool, ThreadPoolBuilder};
use std::sync::OnceLock;

/// At most this many files (or jobs) in one task of a parallel loop over them. Rayon splits a
/// loop into about as many tasks as there are threads and splits a task again only when a
/// thread steals it, so near the end one thread could sit idle while another works through a
/// long run of files alone.
pub const FILES_PER_TASK: usize = 4;

/// How many threads lint (those of the pool).
pub fn count() -> usize {
    run(rayon::current_num_threads)
}

/// Runs `op` on a thread of the pool, where its parallel iterators run too. Should the pool
/// fail to start (no threads to be had), `op` runs on the calling thread.
pub fn run<R: Send>(op: impl FnOnce() -> R + Send) -> R {
    static POOL: OnceLock<Option<ThreadPool>> = OnceLock::new();
    let pool = POOL.get_or_init(|| {
        ThreadPoolBuilder::new()
            .stack_size(LINT_STACK_BYTES)
            .thread_name(|i| format!("ekslint-lint-{i}"))
            .build()
            .ok()
    });
    match pool {
        Some(pool) => pool.install(op),
        None => op(),
    }
}

/// Frees `value` on a thread of its own, off the path to the report (a model or a policy input
/// is as large as the files linted). Should no thread be had, it is freed here.
///
/// For what a run frees as it ends (the policies' model and input), not for each job's model:
/// mimalloc gives a block freed on another thread back to the thread that allocated it through
/// a list that thread's next allocations walk (a language-server keystroke whose model was
/// freed elsewhere took about a tenth longer).
pub fn free_elsewhere<T: Send + 'static>(value: T) {
    // A thread that cannot start drops its closure, and `value` with it, here.
    let _ = std::thread::Builder::new()
        .name("ekslint-free".into())
        .spawn(move || drop(value));
}
