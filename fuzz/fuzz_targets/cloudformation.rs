//! The CloudFormation front end (`parse::structured` on a template): any text as
//! `template.yaml` (or `template.json` when the first byte is odd), with parameter values from
//! the input's last line (`K=V`) when the second bit is set.

#![no_main]

use ekslint::parse::cloudformation::{CfnOptions, parse_assignment, parse_parameter_file};
use ekslint::parse::{StructuredOptions, structured};
use ekslint::source::{FileId, SourceFile};
use libfuzzer_sys::fuzz_target;

fuzz_target!(init: ekslint_fuzz::init(), |data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let name = if first & 1 == 1 { "template.json" } else { "template.yaml" };
    let mut options = StructuredOptions {
        cloudformation: CfnOptions::default(),
    };
    if first & 2 == 2
        && let Some(Ok((k, v))) = text.lines().last().map(parse_assignment)
    {
        options.cloudformation.parameters.insert(k, v);
    }
    if first & 4 == 4 {
        // The same text as a parameter file.
        let _ = parse_parameter_file(&text);
    }
    let source = SourceFile::new(name.into(), text.into_owned());
    ekslint::threads::run(|| {
        let _ = structured(FileId(0), &source, &options);
    });
});
