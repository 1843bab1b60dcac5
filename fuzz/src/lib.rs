//! What the fuzz targets share: linting in process and checking every output
//! ([`check`]), the words EKS values are made of ([`words`]), and generators that build
//! templates from fuzzer bytes ([`cloudformation`], [`terraform`], [`yaml`], [`frames`]).

pub mod check;
pub mod cloudformation;
pub mod frames;
pub mod terraform;
pub mod words;
pub mod yaml;

/// Once per process, before the first input: the lint threads (one pool, built on first use
/// and kept) get one thread, so a fuzzer uses one core.
pub fn init() {
    // SAFETY: called from the fuzzer's init, before any thread of ours reads the environment.
    unsafe { std::env::set_var("RAYON_NUM_THREADS", "1") };
}

/// Prints a generated file to standard error when `EKSLINT_FUZZ_SHOW` is set: how to see what
/// a structure-aware input is (`EKSLINT_FUZZ_SHOW=1 cargo fuzz run <target> <artifact>`).
pub fn show(name: &str, text: &str) {
    static SHOW: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    if *SHOW.get_or_init(|| std::env::var_os("EKSLINT_FUZZ_SHOW").is_some()) {
        eprintln!("==> {name} <==\n{text}");
    }
}
