//! The threads that lint: one pool, built once, whose threads have a known stack
//! ([`LINT_STACK_BYTES`]), so that the evaluation limits stay well inside it whoever calls the
//! engine (the command line's main thread, the language server's thread, a test's thread).

use crate::limits::LINT_STACK_BYTES;
use rayon::{ThreadPool, ThreadPoolBuilder};
use std::any::Any;
use std::cell::RefCell;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering as AtomicOrdering};

/// At most this many files (or jobs) in one task of a parallel loop over them. Rayon splits a
/// loop into about as many tasks as there are threads and splits a task again only when a
/// thread steals it, so near the end one thread could sit idle while another works through a
/// long run of files alone.
pub const FILES_PER_TASK: usize = 4;

/// A root module is lowered in parts on the threads when it has this many resources to lower
/// for each part at least (each part evaluates again what the others evaluated and it reads:
/// the module's locals, at least).
pub const RESOURCES_PER_PART: usize = 32;

/// A root module is lowered in at most this many parts for each thread: parts a thread can
/// steal while the other threads finish theirs.
pub const PARTS_PER_THREAD: usize = 4;

/// The rules check a model on several threads when it holds this many access entries, policy
/// associations and aws-auth mappings at least. A monorepo's deployment units are checked on
/// the threads side by side, and splitting each of their few objects' checks among the
/// threads as well took longer (a thread then reads another's model): a model of fewer objects
/// is checked on its own thread.
pub const OBJECTS_FOR_PARALLEL_RULES: usize = 64;

/// How many threads lint (those of the pool).
pub fn count() -> usize {
    run(rayon::current_num_threads)
}

/// Runs `op` on a thread of the pool, where its parallel iterators run too. Should the pool
/// fail to start (no threads to be had), `op` runs on the calling thread.
pub fn run<R: Send>(op: impl FnOnce() -> R + Send) -> R {
    match pool() {
        Some(pool) => pool.install(op),
        None => op(),
    }
}

/// The pool, built on first use; `None` when it could not start.
fn pool() -> Option<&'static ThreadPool> {
    static POOL: OnceLock<Option<ThreadPool>> = OnceLock::new();
    POOL.get_or_init(|| {
        ThreadPoolBuilder::new()
            .stack_size(LINT_STACK_BYTES)
            .thread_name(|i| format!("ekslint-lint-{i}"))
            .build()
            .ok()
    })
    .as_ref()
}

thread_local! {
    /// What a thread of the pool frees once the run that made it has returned (see
    /// [`freeing_after`]).
    static LATER: RefCell<Vec<Box<dyn Any>>> = const { RefCell::new(Vec::new()) };
}

/// Whether a run of [`freeing_after`] goes on: the pool's threads then keep what they free.
static DEFERRING: AtomicBool = AtomicBool::new(false);

/// Runs `op` (which lints on the pool) with what the pool's threads free through
/// [`free_later`] kept until it has returned (or panicked), then freed while the caller goes
/// on: the language server publishes a keystroke's findings before the keystroke's model is
/// freed. Each value is freed by the thread that gave it up, where it was most likely made
/// (see [`free_elsewhere`]). The next run does not wait for that: a thread still freeing the
/// last run's values joins it once done (a thread frees what it kept whenever its turn comes,
/// a value of the next run with them at times).
pub fn freeing_after<R>(op: impl FnOnce() -> R) -> R {
    /// Frees what the threads kept, when dropped.
    struct Free(&'static ThreadPool);
    impl Drop for Free {
        fn drop(&mut self) {
            DEFERRING.store(false, AtomicOrdering::Release);
            self.0
                .spawn_broadcast(|_| drop(LATER.with_borrow_mut(std::mem::take)));
        }
    }
    let Some(pool) = pool() else {
        return op();
    };
    DEFERRING.store(true, AtomicOrdering::Release);
    let _free = Free(pool);
    op()
}

/// Frees `value` now, or on a thread of the pool inside [`freeing_after`], once that returns.
pub fn free_later<T: 'static>(value: T) {
    let on_pool = pool().and_then(ThreadPool::current_thread_index).is_some();
    if on_pool && DEFERRING.load(AtomicOrdering::Acquire) {
        LATER.with_borrow_mut(|later| later.push(Box::new(value)));
    } else {
        drop(value);
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc::{Sender, channel};
    use std::time::Duration;

    /// Tells when it is freed.
    struct Freed(Sender<()>);

    impl Drop for Freed {
        fn drop(&mut self) {
            let _ = self.0.send(());
        }
    }

    #[test]
    fn a_value_freed_later_in_a_run_is_freed_once_the_run_has_returned() {
        let (tx, rx) = channel();
        free_later(Freed(tx.clone()));
        assert!(
            rx.try_recv().is_ok(),
            "outside such a run, a value is freed at once"
        );

        let returned = freeing_after(|| {
            run(|| free_later(Freed(tx.clone())));
            rx.try_recv().is_err()
        });
        assert!(returned, "inside the run, the value is kept");
        rx.recv_timeout(Duration::from_secs(60))
            .expect("once the run has returned, the value is freed");

        // The threads free at once again afterwards.
        run(|| free_later(Freed(tx.clone())));
        rx.recv_timeout(Duration::from_secs(60))
            .expect("after the run, a value is freed at once");
    }

    /// Blocks its thread while it is freed, until told to go on.
    struct Slow(std::sync::mpsc::Receiver<()>);

    impl Drop for Slow {
        fn drop(&mut self) {
            let _ = self.0.recv_timeout(Duration::from_secs(60));
        }
    }

    #[test]
    fn a_run_does_not_wait_for_a_thread_still_freeing_what_the_last_one_kept() {
        // With one thread, that thread is the one freeing.
        if count() < 2 {
            return;
        }
        let (go_on, wait) = channel();
        freeing_after(|| run(|| free_later(Slow(wait))));
        // A thread of the pool now frees `Slow`, and waits.
        let (done, finished) = channel();
        std::thread::spawn(move || done.send(freeing_after(|| run(|| 7))));
        let next = finished.recv_timeout(Duration::from_secs(10));
        let _ = go_on.send(());
        assert_eq!(
            next,
            Ok(7),
            "the next run went on while a thread was freeing"
        );
    }
}
