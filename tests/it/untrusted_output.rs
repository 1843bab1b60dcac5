//! Output built from untrusted files cannot be abused: names and contents with control
//! characters cannot start a GitHub workflow command or drive the terminal, and huge values give
//! output proportional to the number of findings. Each case runs the real binary, as CI does.

use crate::support::ekslint;
use serde_json::Value;
use std::path::Path;

/// Runs `ekslint --color never --format FORMAT ARGS` in `dir`: exit code, stdout, stderr.
fn run(dir: &Path, format: &str, args: &[&str]) -> (Option<i32>, String, String) {
    let out = ekslint()
        .current_dir(dir)
        .args(["--color", "never", "--format", format])
        .args(args)
        .output()
        .unwrap();
    let text = |b: &[u8]| String::from_utf8(b.to_vec()).expect("output is UTF-8");
    (out.status.code(), text(&out.stdout), text(&out.stderr))
}

fn entry(name: &str, principal: &str, ty: &str) -> String {
    format!(
        "resource \"aws_eks_access_entry\" \"{name}\" {{\n  cluster_name  = \"c\"\n  principal_arn = \"{principal}\"\n  type          = \"{ty}\"\n}}\n"
    )
}

/// A directory whose name holds a workflow command, and a file whose values hold terminal
/// escapes (window title, clear screen), a right-to-left override and a CR.
#[cfg(unix)]
fn hostile_tree() -> (tempfile::TempDir, String) {
    let root = tempfile::tempdir().unwrap();
    let dir_name = "x\n::error file=evil.tf,line=1::pwned\n";
    let dir = root.path().join(dir_name);
    std::fs::create_dir(&dir).unwrap();
    let tf = entry(
        "a\u{1b}]0;title\u{7}",
        "arn:aws:iam::111122223333:role/ops\u{1b}[2J\u{202e}",
        "Standard\u{1b}[31m\r::warning::x",
    );
    std::fs::write(dir.join("main.tf"), tf).unwrap();
    // A file that is not a template, for the --verbose line that names it.
    std::fs::write(dir.join("compose.yaml"), "services: {}\n").unwrap();
    (root, format!("{dir_name}/main.tf"))
}

/// No line of any output starts a workflow command unless the GitHub format wrote it, and no
/// control character but the line break reaches the terminal.
#[cfg(unix)]
#[test]
fn names_and_contents_cannot_inject_commands_or_escapes() {
    let (root, path) = hostile_tree();
    for format in ["human", "json", "sarif", "github"] {
        let (code, out, err) = run(root.path(), format, &["--verbose"]);
        assert_eq!(code, Some(1), "{format}: {out}{err}");
        for (stream, text) in [("stdout", &out), ("stderr", &err)] {
            assert!(
                !text
                    .chars()
                    .any(|c| c.is_control() && c != '\n' && c != '\t' || c == '\u{202e}'),
                "{format} {stream} holds a control character: {text:?}"
            );
            for line in text.lines() {
                let ours = format == "github"
                    && stream == "stdout"
                    && (line.starts_with("::error file=") || line.starts_with("::warning file="));
                assert!(
                    ours || !line.trim_start().starts_with("::"),
                    "{format} {stream}: {line:?}"
                );
            }
        }
        assert!(err.contains("compose.yaml"), "{format}: {err}");
    }

    // Human output shows what was escaped, and where.
    let (_, human, _) = run(root.path(), "human", &[]);
    assert!(human.contains("\\x1b[2J\\u{202e}"), "{human}");
    assert!(
        human.contains("x\\n::error file=evil.tf,line=1::pwned\\n/main.tf:3:19"),
        "{human}"
    );

    // GitHub: two commands; the file property keeps the path exact for the runner (escaped as
    // it unescapes it), and messages show the control characters visibly.
    let (_, github, _) = run(root.path(), "github", &[]);
    let lines: Vec<&str> = github.lines().collect();
    assert_eq!(lines.len(), 2, "{github}");
    assert!(
        lines[0].starts_with(
            "::error file=x%0A%3A%3Aerror file=evil.tf%2Cline=1%3A%3Apwned%0A/main.tf,line=3,"
        ),
        "{github}"
    );
    assert!(lines[1].contains("\\u{1b}[31m\\r::warning::x"), "{github}");

    // JSON and SARIF carry the exact path, escaped by JSON.
    let (_, json, _) = run(root.path(), "json", &[]);
    let json: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["diagnostics"][0]["file"], path.as_str());
    let (_, sarif, _) = run(root.path(), "sarif", &[]);
    let sarif: Value = serde_json::from_str(&sarif).unwrap();
    let uri = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
        ["uri"];
    assert!(
        uri.as_str()
            .is_some_and(|u| u.starts_with("x%0A%3A%3Aerror")),
        "{uri}"
    );
}

/// A value of hundreds of kilobytes is quoted shortened in messages, and the snippet shows a window of it;
/// the span still covers all of it.
#[test]
fn huge_values_give_output_proportional_to_the_findings() {
    let huge = "A".repeat(120_000);
    let small = "A".repeat(40);
    let tree = |value: &str| {
        let dir = tempfile::tempdir().unwrap();
        let mut tf = entry("a", "arn:aws:iam::111122223333:role/ops", value);
        // The same value twice in a list: EKS126 on the second, the first as secondary.
        tf = tf.replace(
            "  type ",
            &format!("  kubernetes_groups = [\"{value}\", \"{value}\"]\n  type "),
        );
        std::fs::write(dir.path().join("main.tf"), tf).unwrap();
        dir
    };
    let (big_dir, small_dir) = (tree(&huge), tree(&small));
    for format in ["human", "json", "sarif", "github"] {
        let (code, big, _) = run(big_dir.path(), format, &[]);
        let (_, reference, _) = run(small_dir.path(), format, &[]);
        assert_eq!(code, Some(1), "{format}");
        assert!(
            big.len() < reference.len() + 4096,
            "{format}: {} bytes for a 120 kB value, {} for a 40-byte one",
            big.len(),
            reference.len()
        );
    }
    let (_, json, _) = run(big_dir.path(), "json", &[]);
    let json: Value = serde_json::from_str(&json).unwrap();
    let rules: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["EKS126", "EKS105"]);
    let eks105 = &json["diagnostics"][1];
    assert!(
        eks105["message"].as_str().unwrap().contains("AAAA…\""),
        "{eks105}"
    );
    let span = &eks105["span"];
    let width = span["end"]["offset"].as_u64().unwrap() - span["start"]["offset"].as_u64().unwrap();
    assert_eq!(
        width,
        huge.len() as u64 + 2,
        "the span covers the quoted value"
    );
    assert_eq!(
        span["end"]["column"].as_u64(),
        Some(huge.len() as u64 + 2 + 19)
    );
}

/// A span over thousands of lines is underlined on its first line only.
#[test]
fn multi_line_spans_are_bounded() {
    let body: String = (0..20_000).map(|i| format!("line {i}\n")).collect();
    let tf = format!(
        "resource \"aws_eks_access_entry\" \"a\" {{\n  cluster_name  = \"c\"\n  principal_arn = \"arn:aws:iam::111122223333:role/ops\"\n  user_name     = <<EOT\nsystem:{body}EOT\n}}\n"
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.tf"), tf).unwrap();
    let (code, human, _) = run(dir.path(), "human", &[]);
    assert_eq!(code, Some(1));
    assert!(human.contains("EKS121"), "{human}");
    assert!(human.contains("main.tf:4:19"), "{human}");
    assert!(human.len() < 4096, "{} bytes:\n{human}", human.len());
    assert!(!human.contains("line 19999"), "{human}");
}

/// One finding of many `for_each` instances lists every origin in JSON, and a bounded number in
/// the human and GitHub outputs (the rest counted).
#[test]
fn many_origins_are_listed_in_json_and_counted_in_text_outputs() {
    let tf = r#"resource "aws_eks_access_entry" "this" {
  for_each      = { for i in range(500) : "e${i}" => "Standard" }
  cluster_name  = "c"
  principal_arn = "arn:aws:iam::111122223333:role/${each.key}"
  type          = each.value
}
"#;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.tf"), tf).unwrap();
    let (_, json, _) = run(dir.path(), "json", &[]);
    let json: Value = serde_json::from_str(&json).unwrap();
    let related = json["diagnostics"][0]["related"].as_array().unwrap();
    assert_eq!(related.len(), 500);
    let (code, human, _) = run(dir.path(), "human", &[]);
    assert_eq!(code, Some(1));
    assert!(
        human.contains("= and 480 more secondary locations"),
        "{human}"
    );
    assert!(human.lines().count() < 60, "{human}");
    let (_, github, _) = run(dir.path(), "github", &[]);
    assert_eq!(github.lines().count(), 1);
    assert!(
        github.contains("%0Aand 480 more secondary locations%0A"),
        "{github}"
    );
}
