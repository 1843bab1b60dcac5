//! The SARIF reporter's output validates against the (errata-patched) OASIS SARIF 2.1.0 schema,
//! and its fingerprints survive unrelated edits above a finding.

use ekslint::diagnostic::{Diagnostic, Suppression};
use ekslint::ir::Related;
use ekslint::report::{self, Format, RenderOptions, Report};
use ekslint::rules::{self, RuleMeta};
use ekslint::source::{FileId, SourceFile, SourceMap, Span};
use serde_json::Value;

const TF: &str = "\
resource \"aws_eks_access_entry\" \"ci\" {
  cluster_name  = \"prod\"
  principal_arn = \"arn:aws:iam::123456789012:role/ci\"
  /* ünï */ type = \"standrd\"
}

resource \"aws_eks_access_policy_association\" \"ci\" {
  cluster_name  = \"prod\"
  principal_arn = \"arn:aws:iam::123456789012:role/ci\"
  policy_arn    = \"arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy\"
  access_scope {
    type = \"cluster\"
  }
}
";

const CFN: &str = "\
Resources:
  Entry:
    Type: AWS::EKS::AccessEntry
    Properties:
      ClusterName: prod
      PrincipalArn: arn:aws:iam::123456789012:role/ci
";

fn rule(id: &str) -> &'static RuleMeta {
    rules::lookup(id).unwrap_or_else(|| panic!("{id} is in the catalog"))
}

fn span_of(file: FileId, text: &str, needle: &str) -> Span {
    let start = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} occurs in the source"));
    Span::new(file, start, start + needle.len())
}

/// A report over two files built through the library API; `tf_prefix` is prepended to the
/// Terraform file (to move its findings down), and spans follow the text.
pub fn build_report(tf_prefix: &str) -> Report {
    let tf_text = format!("{tf_prefix}{TF}");
    let mut sources = SourceMap::default();
    let cfn = sources.add(SourceFile::new("cfn/stack.yaml".into(), CFN.into()));
    let tf = sources.add(SourceFile::new(
        "envs/prod cluster/main.tf".into(),
        tf_text.clone(),
    ));
    let principal = "\"arn:aws:iam::123456789012:role/ci\"";
    let diagnostics = vec![
        Diagnostic::new(
            rule("EKS104"),
            span_of(cfn, CFN, "arn:aws:iam::123456789012:role/ci"),
            "principal already has an access entry".into(),
        )
        .with_related([Related {
            span: span_of(tf, &tf_text, principal),
            message: "first access entry for this principal".into(),
        }])
        .with_help("remove one of the two entries"),
        Diagnostic::new(
            rule("EKS105"),
            span_of(tf, &tf_text, "\"standrd\""),
            "type \"standrd\" is not a valid access entry type".into(),
        )
        .with_help("did you mean \"STANDARD\"?")
        .with_fix(Some(ekslint::fix::Fix {
            title: "Replace with \"STANDARD\"".into(),
            safety: ekslint::fix::Safety::Safe,
            edits: vec![
                ekslint::fix::Edit::replace(span_of(tf, &tf_text, "standrd"), "STANDARD"),
                // An insertion: an empty region.
                ekslint::fix::Edit::replace(Span::new(tf, tf_text.len(), tf_text.len()), "# end\n"),
            ],
        })),
        Diagnostic {
            suppressed: Some(Suppression {
                justification: Some("break-glass role".into()),
            }),
            ..Diagnostic::new(
                rule("EKS401"),
                span_of(
                    tf,
                    &tf_text,
                    "\"arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy\"",
                ),
                "AmazonEKSClusterAdminPolicy grants every verb on every resource".into(),
            )
        },
    ];
    Report {
        skipped: Vec::new(),
        sources,
        diagnostics,
        rules: ["EKS104", "EKS105", "EKS401"]
            .into_iter()
            .map(rule)
            .collect(),
        files_linted: 2,
        failed: false,
    }
}

fn sarif(report: &Report) -> Value {
    let mut out = Vec::new();
    report::render(Format::Sarif, report, &RenderOptions::default(), &mut out)
        .expect("rendering to a Vec succeeds");
    serde_json::from_slice(&out).expect("SARIF output is JSON")
}

fn validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(include_str!("../data/sarif-schema-2.1.0.json"))
        .expect("the vendored schema is JSON");
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the patched schema compiles")
}

/// Every validation error, with its instance path.
fn errors(v: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

#[test]
fn sarif_output_is_valid_against_the_schema() {
    let v = validator();
    let doc = sarif(&build_report(""));
    let errs = errors(&v, &doc);
    for e in &errs {
        eprintln!("{e}");
    }
    assert!(errs.is_empty(), "{} schema errors", errs.len());
    assert_eq!(doc["runs"][0]["results"].as_array().map(Vec::len), Some(3));
    let fix = &doc["runs"][0]["results"][1]["fixes"][0];
    assert_eq!(
        fix["description"]["text"],
        "Replace with \"STANDARD\" (safe fix)"
    );
    let change = &fix["artifactChanges"][0];
    assert_eq!(
        change["artifactLocation"]["uri"],
        "envs/prod%20cluster/main.tf"
    );
    let replacements = change["replacements"].as_array().unwrap();
    assert_eq!(replacements[0]["insertedContent"]["text"], "STANDARD");
    // `  /* ünï */ type = "standrd"`: the value's text is at columns 21 to 28 (`"` is the 20th char).
    assert_eq!(
        replacements[0]["deletedRegion"],
        serde_json::json!({"startLine": 4, "startColumn": 21, "endLine": 4, "endColumn": 28})
    );
    // The end of the file, after its last line break.
    assert_eq!(
        replacements[1]["deletedRegion"],
        serde_json::json!({"startLine": 15, "startColumn": 1, "endLine": 15, "endColumn": 1})
    );
    assert!(doc["runs"][0]["results"][0].get("fixes").is_none());
}

#[test]
fn schema_check_rejects_a_broken_document() {
    let v = validator();
    let mut doc = sarif(&build_report(""));
    doc["runs"][0]["results"][0]["level"] = "fatal".into();
    doc["runs"][0]["results"][1]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        0.into();
    let errs = errors(&v, &doc);
    for e in &errs {
        eprintln!("{e}");
    }
    for path in [
        "/runs/0/results/0/level",
        "/runs/0/results/1/locations/0/physicalLocation/region/startLine",
    ] {
        assert!(
            errs.iter().any(|e| e.contains(path)),
            "no error at {path}: {errs:?}"
        );
    }
}

#[test]
fn fingerprints_survive_lines_inserted_above() {
    let before = sarif(&build_report(""));
    let after = sarif(&build_report("# one\n# two\n# three\n"));
    let results = |doc: &Value| {
        doc["runs"][0]["results"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    };
    let (before, after) = (results(&before), results(&after));
    assert_eq!(before.len(), after.len());
    for (b, a) in before.iter().zip(&after) {
        let region = |r: &Value| r["locations"][0]["physicalLocation"]["region"].clone();
        let fp = |r: &Value| r["partialFingerprints"]["ekslint/v1"].clone();
        assert!(fp(b).is_string(), "{b}");
        assert_eq!(fp(b), fp(a), "fingerprint of {} changed", b["ruleId"]);
        if b["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            == "envs/prod%20cluster/main.tf"
        {
            let line = |r: &Value| region(r)["startLine"].as_i64().unwrap_or_default();
            assert_eq!(line(a), line(b) + 3, "the finding moved down");
        } else {
            assert_eq!(region(a), region(b));
        }
    }
}

#[test]
fn sarif_of_the_whole_fixture_set_is_valid() {
    let root = env!("CARGO_MANIFEST_DIR");
    let output = assert_cmd::Command::cargo_bin("ekslint")
        .unwrap()
        .current_dir(root)
        .args(["--format", "sarif", "--fail-on", "never", "fixtures"])
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&output.stdout).expect("SARIF output is JSON");
    let results = doc["runs"][0]["results"].as_array().expect("results");
    assert!(results.len() > 100, "only {} results", results.len());
    // The fix cases give results with fixes, which validate too.
    let with_fixes = results.iter().filter(|r| r.get("fixes").is_some()).count();
    assert!(with_fixes > 30, "only {with_fixes} results with fixes");
    let problems = errors(&validator(), &doc);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
