//! CloudFormation templates from [`ekslint_fuzz::cloudformation`] (parameters, mappings,
//! conditions and nested intrinsics, with cycles), linted by the whole engine with parameter
//! values given, every reporter checked.

#![no_main]

use arbitrary::Unstructured;
use ekslint::engine::{LintOptions, Settings};
use ekslint::scoped::Scoped;
use ekslint_fuzz::check::{input, lint_and_check, sometimes_render};
use ekslint_fuzz::cloudformation::{Style, template};
use libfuzzer_sys::fuzz_target;

fuzz_target!(init: ekslint_fuzz::init(), |data: &[u8]| {
    let Some((&bits, data)) = data.split_first() else {
        return;
    };
    let mut u = Unstructured::new(data);
    let Ok(t) = template(&mut u) else {
        return;
    };
    let name = if t.style == Style::Json { "template.json" } else { "template.yaml" };
    ekslint_fuzz::show(name, &t.text);
    let mut settings = Settings::default();
    settings.structured.cloudformation.parameters.extend(t.given);
    let options = LintOptions {
        settings: Scoped::new(settings),
        ..LintOptions::default()
    };
    lint_and_check(vec![input(name, t.text.into_bytes(), false)], &options, sometimes_render(bits));
});
