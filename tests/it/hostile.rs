//! Hostile inputs, each a few bytes to a few MB built here: cycles, long chains, values that
//! double, alias bombs. Each run ends with the file's other findings (the runaway values
//! unknown) or an EKS000 saying which limit was hit, and the other files of the run are still
//! linted. They run on the engine's lint threads, in a debug build: the depth limits hold on
//! their stack. (How fast they end is measured by `cargo bench --bench hostile`.)

use crate::support::{input, located};
use ekslint::engine::{LintOptions, lint};
use ekslint::report::Report;

/// A template with an entry whose principal is `principal` and whose type is invalid (EKS105).
fn template(sections: &str, principal: &str) -> String {
    format!(
        "AWSTemplateFormatVersion: \"2010-09-09\"\n{sections}Resources:\n  Entry:\n    Type: AWS::EKS::AccessEntry\n    Properties:\n      ClusterName: c\n      PrincipalArn: {principal}\n      Type: BAD\n"
    )
}

/// A Terraform entry whose principal is `principal` and whose type is invalid (EKS105).
fn entry(name: &str, principal: &str) -> String {
    format!(
        "resource \"aws_eks_access_entry\" \"{name}\" {{\n  cluster_name  = \"c\"\n  principal_arn = {principal}\n  type          = \"BAD\"\n}}\n"
    )
}

/// Another file of the run, with one finding (EKS101, a group's ARN).
const OTHER: (&str, &str) = (
    "other.yaml",
    "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  E:\n    Type: AWS::EKS::AccessEntry\n    Properties:\n      ClusterName: other\n      PrincipalArn: arn:aws:iam::111122223333:group/g\n",
);

/// The finding in [`OTHER`]: at the principal's value.
const OTHER_FINDING: &str = "EKS101 other.yaml:7:21";

/// Lints the files (and [`OTHER`]) together.
fn lint_report(files: &[(&str, String)]) -> Report {
    let inputs = files
        .iter()
        .map(|(name, text)| (*name, text.as_str()))
        .chain([OTHER])
        .map(|(name, text)| input(name, text, false))
        .collect();
    lint(inputs, &LintOptions::default())
}

/// Lints the files (and [`OTHER`]) together; findings as `RULE file:line:column`, with the
/// message for EKS000.
fn lint_files(files: &[(&str, String)]) -> Vec<String> {
    let report = lint_report(files);
    report
        .diagnostics
        .iter()
        .map(|d| match d.rule {
            "EKS000" => format!("{} {}", located(&report, d), d.message),
            _ => located(&report, d),
        })
        .collect()
}

/// `name:line:column` of the first `needle` in `text` (columns count characters from 1).
fn at(name: &str, text: &str, needle: &str) -> String {
    let offset = text.find(needle).expect("needle in text");
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = text[..offset].matches('\n').count() + 1;
    let column = text[line_start..offset].chars().count() + 1;
    format!("{name}:{line}:{column}")
}

#[test]
fn cloudformation_cycles_are_unknown() {
    let files = [
        (
            "ref.yaml",
            template(
                "Parameters: {A: {Type: String, Default: !Ref A}}\n",
                "!Ref A",
            ),
        ),
        (
            "sub.yaml",
            template(
                "Parameters: {A: {Type: String, Default: !Sub '${A}'}}\n",
                "!Ref A",
            ),
        ),
        (
            "mutual.yaml",
            template(
                "Parameters:\n  A: {Type: String, Default: !Ref B}\n  B: {Type: String, Default: !Sub '${A}'}\n",
                "!Ref A",
            ),
        ),
        (
            "map.yaml",
            template(
                "Mappings: {M: {a: {b: !FindInMap [M, a, b]}}}\n",
                "!FindInMap [M, a, b]",
            ),
        ),
        (
            "ref.json",
            r#"{"AWSTemplateFormatVersion": "2010-09-09",
 "Parameters": {"A": {"Type": "String", "Default": {"Ref": "A"}}},
 "Resources": {"E": {"Type": "AWS::EKS::AccessEntry", "Properties": {
   "ClusterName": "c", "PrincipalArn": {"Ref": "A"}, "Type": "BAD"}}}}
"#
            .to_string(),
        ),
    ];
    // The principals are unknown (no EKS101); the invalid types are still found.
    let mut expected: Vec<String> = files
        .iter()
        .map(|(name, text)| {
            let needle = if name.ends_with(".json") {
                "\"BAD\""
            } else {
                "BAD"
            };
            format!("EKS105 {}", at(name, text, needle))
        })
        .collect();
    expected.push(OTHER_FINDING.into());
    expected.sort();
    let mut found = lint_files(&files);
    found.sort();
    assert_eq!(found, expected);
}

/// Parameters `P0` to `P{n}`, each the next one's value, the last `arn:...:group/g`.
fn parameter_chain(n: usize) -> String {
    let mut out = String::from("Parameters:\n");
    for i in 0..n {
        out.push_str(&format!(
            "  P{i}: {{Type: String, Default: !Ref P{}}}\n",
            i + 1
        ));
    }
    out.push_str(&format!(
        "  P{n}: {{Type: String, Default: 'arn:aws:iam::111122223333:group/g'}}\n"
    ));
    out
}

#[test]
fn cloudformation_parameter_chains() {
    let short = template(&parameter_chain(50), "!Ref P0");
    let long = template(&parameter_chain(4000), "!Ref P0");
    let found = lint_files(&[("short.yaml", short.clone()), ("long.yaml", long.clone())]);
    // 50 links are followed: the group's ARN is found where it is used. 4,000 are past the
    // depth limit: unknown.
    assert_eq!(
        found,
        [
            format!("EKS105 {}", at("long.yaml", &long, "BAD")),
            OTHER_FINDING.to_string(),
            format!("EKS101 {}", at("short.yaml", &short, "!Ref P0")),
            format!("EKS105 {}", at("short.yaml", &short, "BAD")),
        ]
    );
}

#[test]
fn cloudformation_doubling_joins() {
    // Each parameter joins the next one twice: 2^40 bytes (and, unshared, 2^40 evaluations).
    let mut sections = String::from("Parameters:\n");
    for i in 0..40 {
        let next = format!("!Ref P{}", i + 1);
        sections.push_str(&format!(
            "  P{i}: {{Type: String, Default: !Join ['', [{next}, {next}]]}}\n"
        ));
    }
    sections.push_str("  P40: {Type: String, Default: x}\n");
    let text = template(
        &sections,
        "!Join ['', ['arn:aws:iam::111122223333:group/', !Ref P0]]",
    );
    let found = lint_files(&[("t.yaml", text.clone())]);
    assert_eq!(
        found,
        [
            OTHER_FINDING.to_string(),
            format!("EKS105 {}", at("t.yaml", &text, "BAD")),
        ]
    );
}

#[test]
fn cloudformation_resources_are_found_by_logical_id() {
    // Every entry names the cluster, declared last, by `Ref`; the cluster's mode is CONFIG_MAP,
    // so each entry is an EKS302.
    let n = 2000;
    let mut text = String::from("AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n");
    for i in 0..n {
        text.push_str(&format!(
            "  E{i}: {{Type: AWS::EKS::AccessEntry, Properties: {{ClusterName: !Ref C, PrincipalArn: 'arn:aws:iam::111122223333:role/r{i}'}}}}\n"
        ));
    }
    text.push_str("  C:\n    Type: AWS::EKS::Cluster\n    Properties:\n      Name: c\n      AccessConfig: {AuthenticationMode: CONFIG_MAP}\n");
    let found = lint_files(&[("t.yaml", text)]);
    let linked = found
        .iter()
        .filter(|f| f.starts_with("EKS302 t.yaml:"))
        .count();
    assert_eq!(linked, n, "{:?}", &found[..found.len().min(5)]);
}

#[test]
fn yaml_alias_bombs_in_bytes_are_parse_errors() {
    let big = "x".repeat(1 << 16);
    let aliases = vec!["*b"; 400].join(", ");
    let bomb = template(
        &format!("Metadata:\n  big: &b {big}\n  many: [{aliases}]\n"),
        "x",
    );
    let nested: String = (0..200).map(|i| format!("&a{i} [")).collect();
    let nested = template(
        &format!(
            "Metadata:\n  n: {nested}{}{}\n",
            "y".repeat(1 << 17),
            "]".repeat(200)
        ),
        "x",
    );
    let found = lint_files(&[("bomb.yaml", bomb), ("nested.yaml", nested)]);
    assert_eq!(found.len(), 3, "{found:?}");
    assert!(found[0].starts_with("EKS000 bomb.yaml:4:"), "{found:?}");
    assert!(
        found[0].contains("aliases expand to more than"),
        "{found:?}"
    );
    assert!(found[1].starts_with("EKS000 nested.yaml:3:"), "{found:?}");
    assert!(
        found[1].contains("nested anchors copy more than"),
        "{found:?}"
    );
    assert_eq!(found[2], OTHER_FINDING);
}

#[test]
fn terraform_runaway_values_are_unknown() {
    // Known, each principal would be an invalid role name (EKS101): too long, or with a `!`.
    let k = r#"join("", [for i in range(1000) : "a"])"#;
    let doubling: String = (0..40)
        .map(|i| format!("  d{} = \"${{local.d{i}}}${{local.d{i}}}\"\n", i + 1))
        .collect();
    let main = format!(
        "locals {{\n  d0 = \"x\"\n{doubling}  r = replace(replace(replace({k}, \"a\", {k}), \"a\", {k}), \"a\", {k})\n}}\n{}{}{}",
        entry(
            "range",
            r#""arn:aws:iam::111122223333:role/${range(1e16, 1e16 + 2)[1]}!""#
        ),
        entry("replace", r#""arn:aws:iam::111122223333:role/${local.r}""#),
        entry("double", r#""arn:aws:iam::111122223333:role/${local.d40}""#),
    );
    let found = lint_files(&[("main.tf", main.clone())]);
    // No principal is known; each entry's type is still read.
    let expected: Vec<String> = main
        .match_indices("\"BAD\"")
        .map(|(i, _)| format!("EKS105 main.tf:{}:19", main[..i].matches('\n').count() + 1))
        .chain([OTHER_FINDING.to_string()])
        .collect();
    assert_eq!(expected.len(), 4);
    assert_eq!(found, expected);
}

#[test]
fn deep_chains_stay_within_the_stack() {
    // Without the depth limit, either chain overflows the lint threads' stack in a debug build.
    let n = 20_000;
    let mut locals = String::from("locals {\n");
    for i in 0..n {
        locals.push_str(&format!("  a{i} = local.a{}\n", i + 1));
    }
    locals.push_str(&format!(
        "  a{n} = \"arn:aws:iam::111122223333:group/g\"\n}}\n"
    ));
    let main = locals + &entry("e", "local.a0");
    let cfn = template(&parameter_chain(n), "!Ref P0");
    let found = lint_files(&[("main.tf", main.clone()), ("t.yaml", cfn.clone())]);
    assert_eq!(
        found,
        [
            format!("EKS105 {}", at("main.tf", &main, "\"BAD\"")),
            OTHER_FINDING.to_string(),
            format!("EKS105 {}", at("t.yaml", &cfn, "BAD")),
        ]
    );
}

#[test]
fn blocks_below_a_long_first_line_keep_their_findings_and_fixes() {
    // The line a fix adds to a block's body was searched for from the start of the file: a
    // long first line was read again for every block below it (a 1.2 MB file took 29 s).
    let n = 200;
    let mut main = format!("# {}\n", "a".repeat(100_000));
    for i in 0..n {
        main += &format!(
            "resource \"aws_eks_access_entry\" \"e{i}\" {{\n  cluster_name  = \"c\"\n  principal_arn = \"arn:aws:iam::111122223333:role/r{i}\"\n}}\n\nresource \"aws_eks_access_policy_association\" \"a{i}\" {{\n  cluster_name  = \"c\"\n  principal_arn = \"arn:aws:iam::111122223333:role/r{i}\"\n  policy_arn    = \"arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy\"\n  access_scope {{\n    type = \"cluster\"\n  }}\n}}\n"
        );
    }
    let report = lint_report(&[("main.tf", main.clone())]);
    // Each association names its entry's principal without being ordered after it (EKS209),
    // at its `principal_arn` value; its fix adds `depends_on` as the first line of its body.
    let mut expected = Vec::new();
    for i in 0..n {
        let block = main
            .find(&format!("\"a{i}\" {{\n"))
            .expect("association written");
        let body = block + main[block..].find('\n').expect("header line") + 1;
        let value = body + main[body..].find("\"arn:aws:iam").expect("principal");
        let line = format!("  depends_on = [aws_eks_access_entry.e{i}]\n");
        expected.push((value, body, line));
    }
    let found: Vec<(usize, usize, String)> = report
        .diagnostics
        .iter()
        .filter(|d| d.rule == "EKS209")
        .map(|d| {
            let fix = d.fix.as_ref().expect("a fix");
            assert_eq!(fix.edits.len(), 1);
            let edit = &fix.edits[0];
            assert_eq!(edit.span.start, edit.span.end, "an insertion");
            (
                d.span.start as usize,
                edit.span.start as usize,
                edit.text.clone(),
            )
        })
        .collect();
    assert_eq!(found, expected);
}

#[test]
fn every_repeated_item_of_a_long_list_keeps_its_own_fix() {
    // Whether a fix's edit is disputed by another finding of its rule was asked of every edit
    // for every finding: 80,000 repeated groups took 30 s.
    let n = 3_000;
    let groups = vec!["\"g\""; n].join(", ");
    let config = format!(
        "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: c\n  region: us-east-1\naccessConfig:\n  accessEntries:\n    - principalARN: arn:aws:iam::111122223333:role/r\n      kubernetesGroups: [{groups}]\n"
    );
    let report = lint_report(&[("cluster.yaml", config.clone())]);
    // Each group after the first is repeated (EKS126), at the item; its fix removes it alone.
    let items: Vec<usize> = config.match_indices("\"g\"").map(|(i, _)| i).collect();
    let expected: Vec<usize> = items[1..].to_vec();
    let mut found = Vec::new();
    for d in report.diagnostics.iter().filter(|d| d.rule == "EKS126") {
        let fix = d.fix.as_ref().expect("each repeated group keeps its fix");
        assert_eq!(fix.edits.len(), 1);
        let edit = &fix.edits[0];
        assert!(edit.text.is_empty());
        assert!(edit.span.start <= d.span.start && d.span.end <= edit.span.end);
        found.push(d.span.start as usize);
    }
    assert_eq!(found, expected);
}

#[test]
fn every_item_of_a_long_flow_list_is_removed_with_its_own_comma() {
    // Whether an item was alone on its line was read back to the line's start for every item:
    // 320,000 groups on one line of a template took 11 s.
    let n = 3_000;
    let groups = vec!["devs"; n].join(", ");
    let template = format!(
        "Resources:\n  Entry:\n    Type: AWS::EKS::AccessEntry\n    Properties:\n      ClusterName: prod\n      PrincipalArn: arn:aws:iam::111122223333:role/r\n      KubernetesGroups: [{groups}]\n"
    );
    let report = lint_report(&[("template.yaml", template.clone())]);
    // Each group after the first is repeated (EKS126); its fix removes it with the comma and
    // space after it, the last one with those before it.
    let items: Vec<usize> = template.match_indices("devs").map(|(i, _)| i).collect();
    let expected: Vec<(usize, usize)> = (1..n)
        .map(|i| match items.get(i + 1) {
            Some(&next) => (items[i], next),
            None => (items[i - 1] + "devs".len(), items[i] + "devs".len()),
        })
        .collect();
    let found: Vec<(usize, usize)> = report
        .diagnostics
        .iter()
        .filter(|d| d.rule == "EKS126")
        .map(|d| {
            let fix = d.fix.as_ref().expect("each repeated group keeps its fix");
            assert_eq!(fix.edits.len(), 1);
            assert!(fix.edits[0].text.is_empty());
            let span = fix.edits[0].span;
            (span.start as usize, span.end as usize)
        })
        .collect();
    assert_eq!(found, expected);
}

/// A cluster in API mode with `n` managed node groups (roles `node-0`...), optionally one more
/// whose role is not known after them, and an aws-auth ConfigMap mapping `node-i` and `other-i`.
fn node_roles_and_mappings(n: usize, unknown_role_last: bool) -> String {
    let mappings: String = (0..n)
        .flat_map(|i| [format!("node-{i}"), format!("other-{i}")])
        .map(|role| {
            format!("    - rolearn: arn:aws:iam::111122223333:role/{role}\n      username: system:node:{{{{EC2PrivateDNSName}}}}\n      groups:\n        - system:nodes\n")
        })
        .collect();
    let unknown = if unknown_role_last {
        "resource \"aws_eks_node_group\" \"unknown\" {\n  cluster_name  = aws_eks_cluster.main.name\n  node_role_arn = uuid()\n}\n"
    } else {
        ""
    };
    format!(
        r#"resource "aws_eks_cluster" "main" {{
  name     = "prod"
  role_arn = "arn:aws:iam::111122223333:role/cluster"
  access_config {{
    authentication_mode = "API"
  }}
}}

resource "aws_eks_node_group" "known" {{
  count         = {n}
  cluster_name  = aws_eks_cluster.main.name
  node_role_arn = "arn:aws:iam::111122223333:role/node-${{count.index}}"
}}

{unknown}
resource "kubernetes_config_map" "aws_auth" {{
  metadata {{
    name      = "aws-auth"
    namespace = "kube-system"
  }}
  data = {{
    mapRoles = <<-YAML
{mappings}    YAML
  }}
}}
"#
    )
}

#[test]
fn node_role_mappings_lose_their_nodes_only_where_no_node_group_may_use_them() {
    // Each node role mapping read every node role of the model: 8,000 mappings and node groups
    // took 16 s.
    let n = 300;
    let rules_at = |text: &str, rule: &str| -> Vec<String> {
        let report = lint_report(&[("main.tf", text.to_string())]);
        let file = report
            .sources
            .files()
            .find(|(_, f)| f.path == "main.tf")
            .map(|(id, _)| id)
            .expect("main.tf");
        report
            .diagnostics
            .iter()
            .filter(|d| d.rule == rule && d.span.file == file)
            .map(|d| report.sources.get(file).slice(d.span).to_string())
            .collect()
    };
    // Only the roles no node group uses lose their nodes (EKS504); the others are ignored
    // mappings (EKS501).
    let text = node_roles_and_mappings(n, false);
    let lost = rules_at(&text, "EKS504");
    assert_eq!(lost.len(), n);
    assert!(lost.iter().all(|m| m.contains("role/other-")), "{lost:?}");
    let ignored = rules_at(&text, "EKS501");
    assert_eq!(ignored.len(), n);
    assert!(
        ignored.iter().all(|m| m.contains("role/node-")),
        "{ignored:?}"
    );
    // A node group whose role is not known may use any role: no mapping is said to lose its
    // nodes.
    let text = node_roles_and_mappings(n, true);
    assert_eq!(rules_at(&text, "EKS504"), Vec::<String>::new());
    assert_eq!(rules_at(&text, "EKS501").len(), 2 * n);
}

#[test]
fn a_username_of_many_braces_is_read_for_placeholders_once() {
    // Each `{{` of a username was searched for its `}}` to the end: 80,000 `{` took 0.9 s,
    // growing with the square of the length.
    let braces = "{".repeat(20_000);
    for (closed, expected) in [(false, vec!["EKS124"]), (true, vec!["EKS123", "EKS124"])] {
        let username = format!("user:{braces}{}", if closed { "}}" } else { "" });
        let text = format!(
            "resource \"aws_eks_access_entry\" \"a\" {{\n  cluster_name  = \"prod\"\n  principal_arn = \"arn:aws:iam::111122223333:role/r\"\n  user_name     = \"{username}\"\n}}\n"
        );
        let report = lint_report(&[("main.tf", text.clone())]);
        let value = text.find("\"user:").expect("the username");
        let mut found: Vec<&str> = report
            .diagnostics
            .iter()
            .filter(|d| report.sources.get(d.span.file).path == "main.tf")
            .filter(|d| d.span.start as usize == value)
            .map(|d| d.rule)
            .collect();
        found.sort_unstable();
        assert_eq!(found, expected, "closed: {closed}");
    }
}
