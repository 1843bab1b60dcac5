//! The two HCL parsers of the patched hcl-edit (`vendor/hcl-edit/PATCHES.md`, 4): on any text,
//! the one that records nothing of an error accepts what the one that records each error with
//! its context accepts, and builds the same body, spans and decor ranges included.

#![no_main]

use hcl::edit::parser::differential::{full, quiet};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let shown = |body: hcl::edit::structure::Body| format!("{body:?}");
    assert_eq!(
        full(text).ok().map(shown),
        quiet(text).map(shown),
        "{text:?}"
    );
});
