//! The global allocator, and when it gives freed memory back to the system.

/// mimalloc instead of the system allocator: the linter allocates many small values (the model,
/// the policies' input) from several threads, where glibc's malloc spends much of the time.
/// Built without transparent huge pages (the `no_thp` feature): a huge page is backed whole
/// once touched, which a run that frees each unit's model as it goes does not need.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay`. libmimalloc-sys does not name it; it comes right after
/// `mi_option_eager_commit_delay` (14) and before `mi_option_use_numa_nodes` (16), which it
/// names, in the option enums of both mimalloc versions it builds.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Freed memory goes back to the system at once, not after a second (mimalloc's default): a
/// run frees each unit's model once it is checked, and the findings it keeps are small.
pub fn return_freed_memory_at_once() {
    // SAFETY: sets one integer option, which mimalloc reads atomically.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, 0) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_purge_delay_option_is_the_one_set() {
        // SAFETY: reads one integer option.
        let delay = unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) };
        // mimalloc's default, unless the environment sets it.
        let expected = std::env::var("MIMALLOC_PURGE_DELAY")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(1000);
        assert_eq!(delay, expected);
        assert_eq!(
            libmimalloc_sys::mi_option_use_numa_nodes,
            PURGE_DELAY + 1,
            "the option after it is still numa nodes"
        );
    }
}
