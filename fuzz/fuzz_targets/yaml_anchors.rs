//! YAML with anchors, aliases and merge keys from [`ekslint_fuzz::yaml`], in CloudFormation
//! templates, eksctl configs and other documents, linted by the whole engine, every reporter
//! checked.

#![no_main]

use arbitrary::Unstructured;
use ekslint::engine::LintOptions;
use ekslint_fuzz::check::{input, lint_and_check, sometimes_render};
use ekslint_fuzz::yaml::document;
use libfuzzer_sys::fuzz_target;

fuzz_target!(init: ekslint_fuzz::init(), |data: &[u8]| {
    let Some((&bits, data)) = data.split_first() else {
        return;
    };
    let mut u = Unstructured::new(data);
    let Ok(text) = document(&mut u) else {
        return;
    };
    ekslint_fuzz::show("file.yaml", &text);
    lint_and_check(vec![input("file.yaml", text.into_bytes(), false)], &LintOptions::default(), sometimes_render(bits));
});
