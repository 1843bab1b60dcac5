//! The Terraform front end (`parse::terraform`): any text as a `.tf` file (or `.tf.json` when
//! the first byte is odd), with a `--var` assignment taken from the input's last line. Runs on
//! the lint threads, as the engine does.

#![no_main]

use ekslint::parse::terraform::{TerraformInputs, prepare};
use ekslint::source::{SourceFile, SourceMap};
use ekslint_fuzz::check::DIR;
use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;

fuzz_target!(init: ekslint_fuzz::init(), |data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest).into_owned();
    let name = if first & 1 == 1 { "main.tf.json" } else { "main.tf" };
    let mut inputs = TerraformInputs::default();
    if first & 2 == 2 {
        // The last line as `--var NAME=VALUE`: variable values are parsed as HCL too.
        if let Some(line) = text.lines().last() {
            inputs.vars.push(line.to_string());
        }
    }
    ekslint::threads::run(|| {
        let mut sources = SourceMap::default();
        let id = sources.add(SourceFile::new(name.into(), text));
        let prepared = prepare(vec![(PathBuf::from(DIR), id)], &mut sources, &inputs);
        let roots = (0..prepared.roots()).map(|i| prepared.evaluate(i, &sources));
        let root_errors: Vec<_> = roots.flat_map(|root| root.errors).collect();
        prepared.project_model(&sources);
        for e in prepared.errors.iter().chain(&root_errors) {
            let file = sources.get(e.span.file);
            assert!(e.span.end as usize <= file.text.len());
        }
    });
});
