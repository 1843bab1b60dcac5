//! The global allocator.

/// mimalloc instead of the system allocator: the linter allocates many small values (the model,
/// the policies' input) from several threads, where glibc's malloc spends much of the time.
/// Built without transparent huge pages (the `no_thp` feature): a huge page is resident whole
/// once touched, and a run that frees each unit's model as it goes kept a quarter more memory
/// resident with them (see the README's dependency table for the figures).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
