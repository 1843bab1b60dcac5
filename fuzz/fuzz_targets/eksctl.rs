//! The eksctl front end (`parse::structured` on a `ClusterConfig`): any text as `cluster.yaml`,
//! after an eksctl header when the first byte is odd (so that mutations of the body are still
//! read as eksctl).

#![no_main]

use ekslint::parse::{StructuredOptions, structured};
use ekslint::source::{FileId, SourceFile};
use libfuzzer_sys::fuzz_target;

const HEADER: &str = "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\n";

fuzz_target!(init: ekslint_fuzz::init(), |data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let body = String::from_utf8_lossy(rest);
    let text = if first & 1 == 1 {
        format!("{HEADER}{body}")
    } else {
        body.into_owned()
    };
    let source = SourceFile::new("cluster.yaml".into(), text);
    ekslint::threads::run(|| {
        let _ = structured(FileId(0), &source, &StructuredOptions::default());
    });
});
