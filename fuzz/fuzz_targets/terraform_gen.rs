//! Terraform projects from [`ekslint_fuzz::terraform`] (modules calling each other and
//! registry modules, locals, variables, functions, `for` expressions, `count`, `for_each`),
//! linted by the whole engine, every reporter checked.

#![no_main]

use arbitrary::Unstructured;
use ekslint::engine::LintOptions;
use ekslint_fuzz::check::{input, lint_and_check, sometimes_render};
use ekslint_fuzz::terraform::project;
use libfuzzer_sys::fuzz_target;

fuzz_target!(init: ekslint_fuzz::init(), |data: &[u8]| {
    let Some((&bits, data)) = data.split_first() else {
        return;
    };
    let mut u = Unstructured::new(data);
    let Ok(files) = project(&mut u) else {
        return;
    };
    for (name, text) in &files {
        ekslint_fuzz::show(name, text);
    }
    let mut options = LintOptions::default();
    if u.ratio(1, 4).unwrap_or(false) {
        options.terraform.vars.push(format!("v0={}", ekslint_fuzz::words::word(&mut u).unwrap_or_default()));
    }
    let inputs = files
        .into_iter()
        .map(|(name, text)| input(&name, text.into_bytes(), false))
        .collect();
    lint_and_check(inputs, &options, sometimes_render(bits));
});
