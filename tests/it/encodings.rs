//! Encodings and line ends as repositories hold them: files that are not templates are skipped
//! whatever their encoding, templates that are not UTF-8 are EKS000, a UTF-8 byte order mark is
//! accepted in every format with positions that ignore it and offsets that count it, and a lone
//! CR ends a line.

use assert_cmd::Command;
use serde_json::Value;

/// Writes `files` into a new directory and lints it: the exit code and the JSON report.
fn lint(files: &[(&str, &[u8])]) -> (Option<i32>, Value) {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in files {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    let out = Command::cargo_bin("ekslint")
        .unwrap()
        .current_dir(dir.path())
        .args(["--format", "json"])
        .output()
        .unwrap();
    let json = serde_json::from_slice(&out.stdout).expect("a JSON report");
    (out.status.code(), json)
}

/// `(rule, file, line, column, offset)` of each finding.
fn findings(json: &Value) -> Vec<(String, String, u64, u64, u64)> {
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let start = &d["span"]["start"];
            (
                d["rule"].as_str().unwrap().to_string(),
                d["file"].as_str().unwrap().to_string(),
                start["line"].as_u64().unwrap(),
                start["column"].as_u64().unwrap(),
                start["offset"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn utf16le(text: &str) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    bytes
}

const CLEAN_TF: &[u8] = b"# nothing to lint\n";

#[test]
fn files_that_are_not_templates_are_skipped_whatever_their_encoding() {
    let settings = utf16le("{\"Logging\": {\"LogLevel\": {\"Default\": \"Information\"}}}");
    let (code, json) = lint(&[
        ("appsettings.json", &settings),
        ("values.yaml", b"name: caf\xe9\n"),
        ("main.tf", CLEAN_TF),
    ]);
    assert_eq!(code, Some(0), "{json}");
    assert_eq!(json["diagnostics"], Value::Array(Vec::new()));
    assert_eq!(json["summary"]["files"], 1);
}

#[test]
fn templates_and_terraform_that_are_not_utf8_are_parse_errors() {
    let template = utf16le("{\"AWSTemplateFormatVersion\": \"2010-09-09\", \"Resources\": {}}");
    let (code, json) = lint(&[
        ("stack.json", &template),
        (
            "stack.yaml",
            b"AWSTemplateFormatVersion: \"2010-09-09\"\n# caf\xe9\n",
        ),
        ("main.tf", b"# caf\xe9\n"),
    ]);
    assert_eq!(code, Some(2), "{json}");
    // The first byte that is not UTF-8: the UTF-16 mark, `\xe9` after `# caf`.
    assert_eq!(
        findings(&json),
        [
            ("EKS000".into(), "main.tf".into(), 1, 6, 5),
            ("EKS000".into(), "stack.json".into(), 1, 1, 0),
            ("EKS000".into(), "stack.yaml".into(), 2, 6, 44),
        ]
    );
    assert!(
        json["diagnostics"][1]["message"]
            .as_str()
            .is_some_and(|m| m.contains("UTF-16")),
        "{json}"
    );
}

#[test]
fn a_byte_order_mark_is_accepted_in_every_format() {
    const BOM: &str = "\u{feff}";
    let tf = format!(
        "{BOM}resource \"aws_eks_access_entry\" \"a\" {{\n  cluster_name  = \"c\"\n  principal_arn = \"arn:aws:iam::111122223333:role/tf\"\n  type          = \"Standard\"\n}}\n"
    );
    let tf_json = format!(
        "{BOM}{{\"resource\": {{\"aws_eks_access_entry\": {{\"b\": {{\"cluster_name\": \"d\", \"principal_arn\": \"arn:aws:iam::111122223333:role/tfjson\", \"type\": \"Standard\"}}}}}}}}"
    );
    let properties = "\"Properties\": {\"ClusterName\": \"e\", \"PrincipalArn\": \"arn:aws:iam::111122223333:role/json\", \"Type\": \"Standard\"}";
    let json_template = format!(
        "{BOM}{{\"AWSTemplateFormatVersion\": \"2010-09-09\", \"Resources\": {{\"E\": {{\"Type\": \"AWS::EKS::AccessEntry\", {properties}}}}}}}"
    );
    let yaml = format!(
        "{BOM}AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  E:\n    Type: AWS::EKS::AccessEntry\n    Properties:\n      ClusterName: f\n      PrincipalArn: arn:aws:iam::111122223333:role/yaml\n      Type: Standard\n"
    );
    let (code, json) = lint(&[
        ("main.tf", tf.as_bytes()),
        ("other.tf.json", tf_json.as_bytes()),
        ("stack.json", json_template.as_bytes()),
        ("stack.yaml", yaml.as_bytes()),
    ]);
    assert_eq!(code, Some(1), "{json}");
    // Columns ignore the mark; byte offsets count its three bytes.
    let at = |text: &str, needle: &str| text.find(needle).unwrap() as u64;
    let json_type = at(&json_template, "\"Standard\"");
    let tf_json_type = at(&tf_json, "\"Standard\"");
    assert_eq!(
        findings(&json),
        [
            (
                "EKS105".into(),
                "main.tf".into(),
                4,
                19,
                at(&tf, "\"Standard\"")
            ),
            (
                "EKS105".into(),
                "other.tf.json".into(),
                1,
                tf_json_type - 2,
                tf_json_type
            ),
            (
                "EKS105".into(),
                "stack.json".into(),
                1,
                json_type - 2,
                json_type
            ),
            (
                "EKS105".into(),
                "stack.yaml".into(),
                8,
                13,
                at(&yaml, "Standard\n")
            ),
        ]
    );
}

#[test]
fn a_lone_cr_ends_a_line() {
    let yaml = "AWSTemplateFormatVersion: \"2010-09-09\"\rResources:\r  E:\r    Type: AWS::EKS::AccessEntry\r    Properties:\r      ClusterName: x\r      PrincipalArn: arn:aws:iam::111122223333:role/c\r      Type: Standard\r";
    let (code, json) = lint(&[("stack.yaml", yaml.as_bytes())]);
    assert_eq!(code, Some(1), "{json}");
    let offset = yaml.find("Standard").unwrap() as u64;
    assert_eq!(
        findings(&json),
        [("EKS105".into(), "stack.yaml".into(), 8, 13, offset)]
    );
}
