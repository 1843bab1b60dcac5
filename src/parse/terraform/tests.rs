//! Tests of Terraform evaluation: functions, variable precedence, cycles, module calls, scale.

use super::TerraformInputs;
use super::eval::{Evaluator, Scope};
use super::module::{Module, SourceText};
use super::modules::Frame;
use super::project::Project;
use super::syntax::Expr;
use super::value::{Placement, Sv, Value};
use super::variables::constant;
use crate::discover::discover;
use crate::engine::{Input, LintOptions, lint};
use crate::parse::budget::Budget;
use crate::source::FileId;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::rc::Rc;

/// The files of each fixture directory whose names `keep` takes, with their text, by directory
/// (each directory's files in name order).
pub(super) fn fixture_files_by_dir(
    keep: impl Fn(&str) -> bool,
) -> Vec<(PathBuf, Vec<(String, String)>)> {
    let mut dirs = Vec::new();
    let mut stack = vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")];
    while let Some(dir) = stack.pop() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
            .expect("fixture directory")
            .map(|e| e.expect("fixture entry").path())
            .collect();
        entries.sort();
        let mut files = Vec::new();
        for path in entries {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            if path.is_dir() {
                stack.push(path.clone());
            } else if keep(name) {
                let text = std::fs::read_to_string(&path).expect("fixture text");
                files.push((name.to_string(), text));
            }
        }
        if !files.is_empty() {
            dirs.push((dir, files));
        }
    }
    dirs
}

/// Evaluates an expression without context (functions and literals only).
fn eval(src: &str) -> Sv {
    let expr = hcl::edit::parser::parse_expr(src).expect("test expression parses");
    constant(&Expr::Native {
        expr,
        file: FileId(0),
        base: 0,
        lists: None,
    })
}

/// The value as compact text: strings quoted, `?` for unknown, `!` for an error.
fn show(v: &Sv) -> String {
    match &v.value {
        Value::Unknown(_) => "?".into(),
        Value::Error => "!".into(),
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => super::value::format_number(*n),
        Value::String(t) => match t.as_str() {
            Some(s) => format!("{s:?}"),
            None => "partial".into(),
        },
        Value::List(items) => format!("[{}]", items.iter().map(show).collect::<Vec<_>>().join(",")),
        Value::Object(m) => format!(
            "{{{}}}",
            m.iter()
                .map(|(k, (_, v))| format!("{k}={}", show(v)))
                .collect::<Vec<_>>()
                .join(",")
        ),
    }
}

/// Lints files written to a temporary directory; findings as `RULE path:line:col` followed by
/// their related locations as `  <- path:line:col message`.
pub(super) fn run(files: &[(&str, &str)], terraform: TerraformInputs) -> Vec<String> {
    let dir = tempfile::tempdir().expect("temporary directory");
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().expect("file has a parent")).expect("mkdir");
        std::fs::write(&path, text).expect("write");
    }
    let found = discover(
        &[dir.path().to_path_buf()],
        &|_: &std::path::Path, _: bool| false,
    )
    .found;
    let inputs = found
        .into_iter()
        .map(|f| Input {
            display: f.path.to_string_lossy().into_owned(),
            dir: f.path.parent().expect("file has a parent").to_path_buf(),
            bytes: std::fs::read(&f.path).expect("read"),
            explicit: false,
            context: false,
            unreadable: None,
        })
        .collect();
    let options = LintOptions {
        terraform: TerraformInputs {
            boundary: crate::trust::Boundary::around(dir.path()),
            ..terraform
        },
        ..LintOptions::default()
    };
    let report = lint(inputs, &options);
    let root = format!("{}/", dir.path().display());
    let at = |span: crate::source::Span| {
        let f = report.sources.get(span.file);
        let p = f.position(span.start as usize);
        format!(
            "{}:{}:{}",
            f.path.trim_start_matches(&root),
            p.line,
            p.column
        )
    };
    let mut out = Vec::new();
    for d in &report.diagnostics {
        out.push(format!("{} {}", d.rule, at(d.span)));
        for r in &d.related {
            out.push(format!("  <- {} {}", at(r.span), r.message));
        }
    }
    out
}

pub(super) fn rules(lines: &[String]) -> Vec<&str> {
    lines
        .iter()
        .filter(|l| !l.starts_with(' '))
        .map(String::as_str)
        .collect()
}

const CLUSTER: &str = r#"
resource "aws_eks_cluster" "c" {
  name     = "t"
  role_arn = "arn:aws:iam::111122223333:role/eks"
  access_config {
    authentication_mode                         = "API"
    bootstrap_cluster_creator_admin_permissions = false
  }
}
"#;

#[test]
fn functions_evaluate_like_terraform() {
    let cases = [
        (r#"merge({a = 1}, {b = 2}, {a = 3})"#, "{a=3,b=2}"),
        (r#"concat(["a"], ["b", "c"])"#, r#"["a","b","c"]"#),
        (r#"flatten([["a"], [["b"]], "c"])"#, r#"["a","b","c"]"#),
        (r#"lookup({a = "x"}, "b", "d")"#, r#""d""#),
        (r#"lookup({a = "x"}, "b")"#, "!"),
        (r#"coalesce(null, "", "z")"#, r#""z""#),
        (r#"coalescelist([], ["q"])"#, r#"["q"]"#),
        (
            r#"format("arn:%s:iam::%d:role/%s", "aws", 42, "r")"#,
            r#""arn:aws:iam::42:role/r""#,
        ),
        (r#"join("-", ["a", 1, true])"#, r#""a-1-true""#),
        (r#"split(",", "a,b")"#, r#"["a","b"]"#),
        (r#"lower("ABC")"#, r#""abc""#),
        (r#"upper("abc")"#, r#""ABC""#),
        (r#"replace("a-b-c", "-", "_")"#, r#""a_b_c""#),
        (r#"replace("abc", "/b/", "x")"#, "?"),
        (r#"trimprefix("arn:x", "arn:")"#, r#""x""#),
        (r#"trimsuffix("x.tf", ".tf")"#, r#""x""#),
        (r#"startswith("arn:aws", "arn:")"#, "true"),
        (r#"endswith("arn:aws", "gcp")"#, "false"),
        (r#"keys({b = 1, a = 2})"#, r#"["a","b"]"#),
        (r#"values({b = 1, a = 2})"#, "[2,1]"),
        (r#"length({a = 1})"#, "1"),
        (r#"length("héllo")"#, "5"),
        (r#"contains(["a", "b"], "b")"#, "true"),
        (r#"toset(["b", "a", "b"])"#, r#"["a","b"]"#),
        (r#"distinct(["b", "a", "b"])"#, r#"["b","a"]"#),
        (r#"tolist(["a"])"#, r#"["a"]"#),
        (r#"tomap({a = 1})"#, "{a=1}"),
        (r#"tostring(5)"#, r#""5""#),
        (r#"element(["a", "b"], 3)"#, r#""b""#),
        (r#"zipmap(["k"], ["v"])"#, r#"{k="v"}"#),
        (r#"compact(["a", "", null])"#, r#"["a"]"#),
        (r#"one(["x"])"#, r#""x""#),
        (r#"one([])"#, "null"),
        (r#"one(["x", "y"])"#, "!"),
        (
            r#"jsonencode({b = [1, "x"], a = true})"#,
            r#""{\"a\":true,\"b\":[1,\"x\"]}""#,
        ),
        (r#"try({a = 1}.b, "fallback")"#, r#""fallback""#),
        (r#"can({a = 1}.b)"#, "false"),
        (r#"can({a = 1}.a)"#, "true"),
        (r#"not_a_function(1)"#, "?"),
        (r#"[for k, v in {a = 1, b = 2} : k if v > 1]"#, r#"["b"]"#),
        (
            r#"{for s in ["x", "y", "x"] : s => s...}"#,
            r#"{x=["x","x"],y=["y"]}"#,
        ),
        (r#"[{a = "p"}, {a = "q"}][*].a"#, r#"["p","q"]"#),
        (r#""%{ if true }yes%{ else }no%{ endif }""#, r#""yes""#),
        (r#""%{ for x in ["a", "b"] }${x}.%{ endfor }""#, r#""a.b.""#),
        (r#"true ? "t" : "f""#, r#""t""#),
        (r#"1 + 2 * 3 == 7 && !false"#, "true"),
        (r#""n${1}""#, r#""n1""#),
        (r#"range(3)"#, "[0,1,2]"),
        (r#"range(1, 7, 3)"#, "[1,4]"),
    ];
    for (src, expected) in cases {
        assert_eq!(show(&eval(src)), expected, "{src}");
    }
}

#[test]
fn unknown_values_stay_unknown_through_functions() {
    // `var.x` has no module here: unknown.
    assert_eq!(show(&eval(r#"merge(var.x, {a = 1})"#)), "?");
    assert_eq!(show(&eval(r#"upper("arn:${var.x}")"#)), "partial");
    assert_eq!(show(&eval(r#"var.x ? "a" : "b""#)), "?");
    assert_eq!(show(&eval(r#"try(var.x.y, "z")"#)), "?");
    assert_eq!(show(&eval(r#"length(var.x)"#)), "?");
}

#[test]
fn tfvars_precedence_follows_terraform() {
    let main = format!(
        r#"{CLUSTER}
variable "user" {{
  default = "arn:aws:iam::111122223333:role/default"
}}
resource "aws_eks_access_entry" "e" {{
  cluster_name  = aws_eks_cluster.c.name
  principal_arn = var.user
}}
"#
    );
    let files = |extra: &[(&'static str, &'static str)]| {
        let mut f = vec![("main.tf", main.clone())];
        f.extend(extra.iter().map(|(n, t)| (*n, t.to_string())));
        f
    };
    let lint_with = |f: Vec<(&'static str, String)>, inputs: TerraformInputs| {
        let files: Vec<(&str, &str)> = f.iter().map(|(n, t)| (*n, t.as_str())).collect();
        run(&files, inputs)
    };
    // terraform.tfvars overrides the default; *.auto.tfvars (lexical order) override it.
    let f = files(&[
        (
            "terraform.tfvars",
            r#"user = "arn:aws:iam::111122223333:user/tfvars""#,
        ),
        (
            "a.auto.tfvars",
            r#"user = "arn:aws:iam::111122223333:user/auto-a""#,
        ),
        (
            "b.auto.tfvars",
            r#"user = "arn:aws:sts::111122223333:assumed-role/r/s""#,
        ),
    ]);
    let out = lint_with(f.clone(), TerraformInputs::default());
    assert_eq!(rules(&out), ["EKS102 main.tf:16:19"], "{out:#?}");
    assert!(
        out.iter()
            .any(|l| l.contains("b.auto.tfvars:1:8 from `b.auto.tfvars`")),
        "{out:#?}"
    );
    // --var wins over the files, and the environment loses to them.
    let out = lint_with(
        f,
        TerraformInputs {
            vars: vec!["user=arn:aws:iam::111122223333:role/cli".into()],
            env: vec![("user".into(), "bad".into())],
            ..TerraformInputs::default()
        },
    );
    assert!(rules(&out).is_empty(), "{out:#?}");
    // The environment wins over the default.
    let out = lint_with(
        files(&[]),
        TerraformInputs {
            env: vec![("user".into(), "not-an-arn".into())],
            ..TerraformInputs::default()
        },
    );
    assert_eq!(rules(&out), ["EKS101 main.tf:16:19"], "{out:#?}");
    assert!(out.iter().any(|l| l.contains("TF_VAR_user")), "{out:#?}");
}

#[test]
fn variable_default_is_a_secondary_location() {
    let main = format!(
        r#"{CLUSTER}
variable "groups" {{
  type    = set(string)
  default = ["dev", "dev", "system:masters"]
}}
resource "aws_eks_access_entry" "e" {{
  cluster_name      = aws_eks_cluster.c.name
  principal_arn     = "arn:aws:iam::111122223333:role/dev"
  kubernetes_groups = var.groups
}}
"#
    );
    let out = run(&[("main.tf", &main)], TerraformInputs::default());
    // The set removed the duplicate "dev": no EKS126.
    assert_eq!(rules(&out), ["EKS125 main.tf:18:23"], "{out:#?}");
    assert!(
        out.iter()
            .any(|l| l.contains("main.tf:13:28 from the default of variable `groups`")),
        "{out:#?}"
    );
}

#[test]
fn local_cycles_are_unknown() {
    let main = format!(
        r#"{CLUSTER}
locals {{
  a = local.b
  b = "${{local.a}}x"
  self = [local.self]
}}
resource "aws_eks_access_entry" "e" {{
  cluster_name      = aws_eks_cluster.c.name
  principal_arn     = local.a
  kubernetes_groups = local.self
}}
"#
    );
    let out = run(&[("main.tf", &main)], TerraformInputs::default());
    assert!(out.is_empty(), "{out:#?}");
}

#[test]
fn module_called_three_times_reports_at_each_call() {
    let module = r#"
variable "principal" {}
variable "policy" { default = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy" }
resource "aws_eks_access_entry" "e" {
  cluster_name  = "t"
  principal_arn = var.principal
}
resource "aws_eks_access_policy_association" "a" {
  cluster_name  = "t"
  principal_arn = aws_eks_access_entry.e.principal_arn
  policy_arn    = var.policy
  access_scope { type = "cluster" }
}
"#;
    let main = format!(
        r#"{CLUSTER}
module "a" {{
  source    = "./m"
  principal = "arn:aws:iam::111122223333:role/a"
  policy    = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
}}
module "b" {{
  source    = "./m"
  principal = "arn:aws:iam::111122223333:role/b"
}}
module "c" {{
  source    = "./m"
  principal = "arn:aws:iam::111122223333:role/c"
  policy    = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
}}
"#
    );
    let out = run(
        &[("main.tf", &main), ("m/main.tf", module)],
        TerraformInputs::default(),
    );
    assert_eq!(
        rules(&out),
        ["EKS401 main.tf:14:15", "EKS401 main.tf:23:15"],
        "{out:#?}"
    );
    assert!(
        out.iter()
            .any(|l| l.contains("m/main.tf:11:19 in module `./m`")),
        "{out:#?}"
    );
}

#[test]
fn module_default_at_fault_reports_at_call_header() {
    let module = r#"
variable "principal" { default = "arn:aws:iam::111122223333:root" }
resource "aws_eks_access_entry" "e" {
  cluster_name  = "t"
  principal_arn = var.principal
}
"#;
    let main = format!("{CLUSTER}\nmodule \"x\" {{\n  source = \"./m\"\n}}\n");
    let out = run(
        &[("main.tf", &main), ("m/main.tf", module)],
        TerraformInputs::default(),
    );
    assert_eq!(rules(&out), ["EKS101 main.tf:11:1"], "{out:#?}");
    assert!(
        out.iter()
            .any(|l| l.contains("m/main.tf:2:34 from the default of variable `principal`")),
        "{out:#?}"
    );
}

#[test]
fn module_calling_itself_terminates() {
    let main = r#"
variable "n" { default = 1 }
module "again" {
  source = "./"
  n      = var.n + 1
}
module "loop" {
  source = "./sub"
}
"#;
    let sub = "module \"back\" {\n  source = \"../\"\n}\n";
    let out = run(
        &[("main.tf", main), ("sub/main.tf", sub)],
        TerraformInputs::default(),
    );
    assert!(out.is_empty(), "{out:#?}");
}

#[test]
fn ten_thousand_for_each_instances_finish() {
    let main = format!(
        r#"{CLUSTER}
locals {{
  listed = {{ for i in keys(local.big) : i => local.big[i] }}
  big = zipmap(
    [for i in local.index : "k${{i}}"],
    [for i in local.index : "arn:aws:iam::111122223333:role/k${{i}}"]
  )
  index = split(",", join(",", [for i in local.seq : i]))
  seq = flatten([for i in range(100) : [for j in range(100) : i * 100 + j]])
}}
resource "aws_eks_access_entry" "e" {{
  for_each      = local.listed
  cluster_name  = aws_eks_cluster.c.name
  principal_arn = each.key == "k9999" ? "arn:aws:iam::111122223333:group/g" : each.value
}}
resource "aws_eks_access_policy_association" "a" {{
  for_each      = aws_eks_access_entry.e
  cluster_name  = aws_eks_cluster.c.name
  principal_arn = each.value.principal_arn
  policy_arn    = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy"
  access_scope {{ type = "cluster" }}
}}
"#
    );
    let out = run(&[("main.tf", &main)], TerraformInputs::default());
    // Every instance was evaluated: the last one's principal is a group (at the literal), and
    // so is the principal its association reads from it.
    assert_eq!(
        rules(&out),
        ["EKS101 main.tf:23:41", "EKS101 main.tf:28:19"],
        "{out:#?}"
    );
}

#[test]
fn installed_registry_module_is_read_from_modules_json() {
    let main = format!(
        "{CLUSTER}\nmodule \"eks\" {{\n  source    = \"terraform-aws-modules/x/aws\"\n  principal = \"arn:aws:iam::111122223333:user/u\"\n}}\nmodule \"missing\" {{\n  source = \"git::https://example.com/m.git\"\n}}\n"
    );
    let installed = r#"
variable "principal" {}
resource "aws_eks_access_entry" "e" {
  cluster_name  = "t"
  principal_arn = var.principal
}
"#;
    let modules_json = r#"{"Modules":[{"Key":"","Source":"","Dir":"."},{"Key":"eks","Source":"registry.terraform.io/terraform-aws-modules/x/aws","Dir":".terraform/modules/eks"}]}"#;
    let out = run(
        &[
            ("main.tf", &main),
            (".terraform/modules/modules.json", modules_json),
            (".terraform/modules/eks/main.tf", installed),
        ],
        TerraformInputs::default(),
    );
    assert_eq!(rules(&out), ["EKS404 main.tf:13:15"], "{out:#?}");
}

#[test]
fn json_syntax_reads_variables_and_references() {
    let main = r#"{
  "variable": {"groups": {"type": "list(string)", "default": ["a", "a"]}},
  "locals": {"principal": "arn:aws:iam::111122223333:role/${var.role}"},
  "resource": {"aws_eks_access_entry": {"e": {
    "cluster_name": "t",
    "principal_arn": "${local.principal}",
    "kubernetes_groups": "${var.groups}"
  }}}
}"#;
    let out = run(&[("main.tf.json", main)], TerraformInputs::default());
    assert_eq!(rules(&out), ["EKS126 main.tf.json:7:26"], "{out:#?}");
}

#[test]
fn numbers_and_ranges_at_float_extremes() {
    let cases = [
        // Past 2^53 a step of 1 does not change an `f64`: Terraform's list is not known here.
        (r#"range(1e16, 1e16 + 2)"#, "?"),
        (r#"range(-1e16, -1e16 - 2, -1)"#, "?"),
        (r#"range(5, 0, -2)"#, "[5,3,1]"),
        (r#"range(0, 1, 0)"#, "!"),
        // Terraform refuses more than 1,024 numbers.
        (r#"length(range(1024))"#, "1024"),
        (r#"range(1025)"#, "!"),
        (r#"range(0, 1e300, 1e-300)"#, "!"),
        // Too big for an `f64`, not for Terraform.
        (r#"tonumber("1e999")"#, "?"),
        (r#"1e308 * 10"#, "?"),
        (r#"-(1e308 * 10) < 0"#, "?"),
        (r#""1e999" > 1"#, "?"),
        (r#"element(["a", "b"], 1e300)"#, "?"),
        // Not numbers in Terraform.
        (r#"tonumber("inf")"#, "!"),
        (r#"tonumber("NaN")"#, "!"),
        (r#"tonumber(" 2e3 ")"#, "2000"),
    ];
    for (src, expected) in cases {
        assert_eq!(show(&eval(src)), expected, "{src}");
    }
}

#[test]
fn strings_too_big_to_build_are_unknown() {
    // 1,000 and 1,000,000 bytes.
    let k = r#"join("", [for i in range(1000) : "a"])"#;
    let m = format!(r#"replace({k}, "a", {k})"#);
    assert_eq!(show(&eval(&format!("length({m})"))), "1000000");
    let cases = [
        // A billion bytes, asked for before it is built.
        format!(r#"replace({m}, "a", {k})"#),
        format!(r#"replace(replace(replace({k}, "a", {k}), "a", {k}), "a", {k})"#),
        format!(r#"format("%s%s%s%s%s", {m}, {m}, {m}, {m}, {m})"#),
        format!(r#"join({m}, range(10))"#),
        format!(r#""%{{ for i in range(10) }}${{{m}}}%{{ endfor }}""#),
        format!(r#"upper("${{{m}}}${{{m}}}${{{m}}}${{{m}}}${{{m}}}")"#),
    ];
    for src in &cases {
        assert_eq!(show(&eval(src)), "?", "{}", &src[..60]);
    }
    // Lists of too many values (the rows are shared, so too many is quickly reached).
    assert_eq!(
        show(&eval(&format!(r#"split("", "${{{m}}}${{{m}}}")"#))),
        "?"
    );
    let main = "locals {\n  row = range(1024)\n}\n";
    let grid = ["length([for i in local.row : local.row])"];
    assert_eq!(eval_with_budget(main, &grid, 100_000, 100_000), ["?"]);
}

#[test]
fn doubling_locals_are_unknown_past_the_value_size() {
    let locals: String = (0..40)
        .map(|i| format!("  a{} = \"${{local.a{i}}}${{local.a{i}}}\"\n", i + 1))
        .collect();
    let main = format!(
        r#"locals {{
  a0 = "g"
{locals}}}
resource "aws_eks_access_entry" "small" {{
  cluster_name  = "t"
  principal_arn = "arn:aws:iam::111122223333:group/${{local.a3}}"
}}
resource "aws_eks_access_entry" "huge" {{
  cluster_name  = "t"
  principal_arn = "arn:aws:iam::111122223333:group/${{local.a40}}"
  type          = "BAD"
}}
"#
    );
    let out = run(&[("main.tf", &main)], TerraformInputs::default());
    // `a3` is known (8 bytes): a finding; `a40` (a terabyte) is unknown: none, and the rest of
    // the resource is still read.
    assert_eq!(
        rules(&out),
        ["EKS101 main.tf:46:19", "EKS105 main.tf:51:19"],
        "{out:#?}"
    );
}

#[test]
fn sets_drop_duplicates_by_value() {
    let cases = [
        (
            r#"distinct([1, "1", 1, 0, -0, null, null, [1], [1], {a = 1}, {a = 1}, {a = "1"}])"#,
            r#"[1,"1",0,null,[1],{a=1},{a="1"}]"#,
        ),
        // Values that may be equal are kept.
        (r#"distinct([var.x, var.x, "a", "a"])"#, r#"[?,?,"a"]"#),
        (r#"toset(["b", "a", "b", "c", "a"])"#, r#"["a","b","c"]"#),
    ];
    for (src, expected) in cases {
        assert_eq!(show(&eval(src)), expected, "{src}");
    }
    let many = r#"flatten([for i in range(40) : [for j in range(100) : "v${i}-${j}"]])"#;
    let src = format!(
        "[length(toset(concat({many}, {many}))), length(distinct(concat({many}, {many})))]"
    );
    assert_eq!(show(&eval(&src)), "[4000,4000]");
}

#[test]
fn a_set_keeps_the_first_copy_of_each_value() {
    for src in [
        r#"toset(["b", "a", "b", var.x])"#,
        r#"toset(["b", "a", "b"])"#,
    ] {
        let Value::List(items) = eval(src).value else {
            panic!("{src} is a list");
        };
        // The first "b" is kept, where it is written; the second is dropped.
        let kept: Vec<(String, usize)> = items
            .iter()
            .map(|i| (show(i), i.span.start as usize))
            .filter(|(v, _)| v != "?")
            .collect();
        let (a, b) = (src.find(r#""a""#), src.find(r#""b""#));
        let mut expected = vec![(r#""a""#.to_string(), a), (r#""b""#.to_string(), b)];
        if src.contains("var.x") {
            // Not all known: the order written is kept.
            expected.swap(0, 1);
        }
        let expected: Vec<(String, usize)> = expected
            .into_iter()
            .map(|(v, at)| (v, at.expect("written")))
            .collect();
        assert_eq!(kept, expected, "{src}");
    }
}

#[test]
fn counted_instances_share_what_they_read() {
    let main = format!(
        r#"{CLUSTER}
locals {{
  roles = [for i in flatten([for i in range(30) : [for j in range(100) : i * 100 + j]]) : "arn:aws:iam::111122223333:role/r${{i}}"]
  all   = concat(local.roles, ["arn:aws:iam::111122223333:group/g"])
}}
resource "aws_eks_access_entry" "e" {{
  count         = length(local.all)
  cluster_name  = aws_eks_cluster.c.name
  principal_arn = element(local.all, count.index)
}}
"#
    );
    let out = run(&[("main.tf", &main)], TerraformInputs::default());
    // 3,001 instances; the last is a group, reported where the list is read, from where the
    // item is written.
    assert_eq!(rules(&out), ["EKS101 main.tf:18:27"], "{out:#?}");
    assert!(out.iter().any(|l| l.contains("<- main.tf:13:")), "{out:#?}");
}

/// Runs `f` with an evaluator of the one module instance of `main`, with a budget of `steps`
/// for the unit and `per_value` for each value.
fn with_evaluator<R>(
    main: &str,
    steps: usize,
    per_value: usize,
    f: impl FnOnce(&Evaluator) -> R,
) -> R {
    let source = SourceText {
        id: FileId(0),
        text: main,
        json: false,
    };
    let (module, errors) = Module::parse(PathBuf::new(), &[source], None);
    assert!(errors.is_empty(), "{errors:?}");
    let project = Project::default();
    let mut frame = Frame::root(PathBuf::new());
    frame.evaluation = Rc::new(Budget::with_steps(steps, per_value));
    f(&Evaluator::new(
        &module,
        &project,
        String::new(),
        Placement::Root,
        frame,
        BTreeMap::new(),
    ))
}

/// Evaluates each expression, in order, in one module instance of `main` (its locals) with a
/// budget of `steps` for the unit and `per_value` for each value.
fn eval_with_budget(main: &str, exprs: &[&str], steps: usize, per_value: usize) -> Vec<String> {
    with_evaluator(main, steps, per_value, |eval| {
        exprs
            .iter()
            .map(|src| {
                let expr = hcl::edit::parser::parse_expr(src).expect("test expression parses");
                let expr = Expr::Native {
                    expr,
                    file: FileId(0),
                    base: 0,
                    lists: None,
                };
                show(&eval.eval(&expr, &Scope::default()))
            })
            .collect()
    })
}

#[test]
fn a_value_past_its_steps_is_unknown_and_the_rest_goes_on() {
    let main = r#"
locals {
  n     = range(100)
  cube  = [for i in local.n : [for j in local.n : [for k in local.n : k]]]
  small = [for i in range(3) : i]
}
"#;
    let exprs = ["length(local.cube)", "local.small", "length(local.cube)"];
    // A million values take more than a value's 10,000 steps: unknown, and kept unknown (not
    // half built) for later reads; the next value has steps of its own.
    assert_eq!(
        eval_with_budget(main, &exprs, 50_000, 10_000),
        ["?", "[0,1,2]", "?"]
    );
    // Once the unit's steps are spent, everything is unknown.
    assert_eq!(
        eval_with_budget(main, &exprs, 5_000, 10_000),
        ["?", "?", "?"]
    );
}

/// Lowers `main` with a budget of `per_value` steps for each value, then reads the access
/// entry `name` nested in an evaluation or not: its value and the unit's steps the read took.
fn read_after_lowering(main: &str, name: &str, nested: bool, per_value: usize) -> (String, usize) {
    with_evaluator(main, 1_000_000, per_value, |eval| {
        super::lower::lower(eval, &mut crate::ir::Model::default());
        assert!(
            eval.is_kept("aws_eks_access_entry", name),
            "lowering keeps {name}"
        );
        let budget = eval.budget();
        let before = budget.steps_left();
        let read = || eval.resource_value("aws_eks_access_entry", name);
        let (value, nesting) = match nested {
            true => (budget.nest(read).expect("room to nest"), 1),
            false => (read(), 0),
        };
        (show(&value), before - budget.steps_left() - nesting)
    })
}

#[test]
fn an_entry_read_after_lowering_takes_what_evaluating_it_again_takes() {
    let main = format!(
        r#"{CLUSTER}
locals {{
  teams = {{ a = ["x", "y"], b = ["z"] }}
}}
resource "aws_eks_access_entry" "team" {{
  for_each          = local.teams
  cluster_name      = aws_eks_cluster.c.name
  principal_arn     = "arn:aws:iam::111122223333:role/${{each.key}}-${{join("-", each.value)}}"
  kubernetes_groups = [for g in each.value : "team-${{g}}"]
}}
"#
    );
    // Read nested in an evaluation, the entry is the one lowering evaluated (outermost, it is
    // evaluated again): the same value, for the same steps.
    let (kept, steps) = read_after_lowering(&main, "team", true, 10_000);
    let (again, steps_again) = read_after_lowering(&main, "team", false, 10_000);
    assert_eq!(kept, again);
    assert_eq!(steps, steps_again);
    assert!(
        kept.contains(r#"principal_arn="arn:aws:iam::111122223333:role/a-x-y""#),
        "{kept}"
    );
    // Nested, the entry's arguments share the steps of the value under way: with too few,
    // it is unknown, as evaluating it there would make it.
    let (short, _) = read_after_lowering(&main, "team", true, steps);
    assert_eq!(short, "?");
}

#[test]
fn counted_instances_share_a_module_output() {
    let module = r#"
output "roles" {
  value = concat(
    [for i in flatten([for i in range(30) : [for j in range(100) : i * 100 + j]]) : "arn:aws:iam::111122223333:role/r${i}"],
    ["arn:aws:iam::111122223333:group/g"],
  )
}
"#;
    let main = format!(
        r#"{CLUSTER}
module "m" {{
  source = "./m"
}}
resource "aws_eks_access_entry" "e" {{
  count         = length(module.m.roles)
  cluster_name  = aws_eks_cluster.c.name
  principal_arn = element(module.m.roles, count.index)
}}
"#
    );
    let out = run(
        &[("main.tf", &main), ("m/main.tf", module)],
        TerraformInputs::default(),
    );
    // 3,001 instances; the last is a group, reported where the output is read.
    assert_eq!(rules(&out), ["EKS101 main.tf:17:27"], "{out:#?}");
}

#[test]
fn what_terraform_refuses_in_a_kept_parse_follows_its_file() {
    // A run that takes its files' parses from a cache (the language server's) finds each
    // block's refusals once; a file edited since is parsed, and looked at, again.
    let each = r#"resource "aws_eks_access_entry" "a" {
  cluster_name  = "c"
  principal_arn = "arn:aws:iam::111122223333:role/${each.key}"
}
"#;
    let count = r#"resource "aws_eks_access_entry" "b" {
  cluster_name  = "c"
  principal_arn = "arn:aws:iam::111122223333:role/r${count.index}"
}
"#;
    let fixed = each.replace("${each.key}", "a");
    let cache = std::sync::Arc::new(super::SyntaxCache::default());
    let cached = || TerraformInputs {
        syntax_cache: Some(std::sync::Arc::clone(&cache)),
        ..TerraformInputs::default()
    };
    // At the read of `each` and of `count`, past `principal_arn = "arn:...:role/${`.
    let both = ["EKS004 a.tf:3:53", "EKS004 b.tf:3:54"];
    let first = run(&[("a.tf", each), ("b.tf", count)], cached());
    assert_eq!(rules(&first), both, "{first:#?}");
    let again = run(&[("a.tf", each), ("b.tf", count)], cached());
    assert_eq!(again, first);
    let edited = run(&[("a.tf", &fixed), ("b.tf", count)], cached());
    assert_eq!(rules(&edited), ["EKS004 b.tf:3:54"], "{edited:#?}");
    let undone = run(&[("a.tf", each), ("b.tf", count)], cached());
    assert_eq!(undone, first);
}

/// Two access entries, written in `order`, whose principals and local are marked `which`.
fn two_entries(which: &str, order: [&str; 2]) -> String {
    let mut text = String::new();
    for name in order {
        text += &format!(
            r#"resource "aws_eks_access_entry" "{name}" {{
  cluster_name  = "t"
  principal_arn = "arn:aws:iam::111122223333:role/{which}-{name}"
}}
"#
        );
    }
    text + &format!("locals {{ l = \"{which}-l\" }}\n")
}

#[test]
fn of_two_blocks_with_one_name_the_first_is_read_and_the_second_refused() {
    // Written out of name order, so that the first of each name is not the first by name.
    let first = two_entries("first", ["b", "a"]);
    let second = two_entries("second", ["a", "b"]);
    let both = format!("{first}{second}");
    let exprs = [
        "aws_eks_access_entry.a.principal_arn",
        "aws_eks_access_entry.b.principal_arn",
        "local.l",
    ];
    assert_eq!(
        eval_with_budget(&both, &exprs, 100_000, 10_000),
        [
            "\"arn:aws:iam::111122223333:role/first-a\"",
            "\"arn:aws:iam::111122223333:role/first-b\"",
            "\"first-l\""
        ]
    );
    // Terraform refuses the second block of an address, at its header, with the first's.
    let out = run(
        &[("a.tf", &first), ("b.tf", &second)],
        TerraformInputs::default(),
    );
    let refused: Vec<&str> = out
        .iter()
        .map(String::as_str)
        .skip_while(|l| !l.starts_with("EKS004"))
        .take_while(|l| l.starts_with("EKS004") || l.starts_with(' '))
        .collect();
    assert_eq!(
        refused
            .iter()
            .copied()
            .filter(|l| !l.starts_with(" "))
            .collect::<Vec<_>>(),
        ["EKS004 b.tf:1:1", "EKS004 b.tf:5:1"],
        "{out:#?}"
    );
    assert!(refused[1].starts_with("  <- a.tf:5:1"), "{out:#?}");
    assert!(
        refused.iter().any(|l| l.starts_with("  <- a.tf:1:1")),
        "{out:#?}"
    );
}

#[test]
fn decor_is_neither_read_nor_copied() {
    use hcl::edit::Decorate;
    let text = "# a comment before\n\
        resource \"aws_eks_access_entry\" \"a\" { # after the brace\n  \
        cluster_name  = /* inline */ \"c\" # trailing\n  \
        principal_arn = \"arn:aws:iam::111122223333:role/a\" // slashes\n  \
        kubernetes_groups = [\n    \"g1\", # one\n    \"g2\",\n  ]\n}\n";
    let body = super::module::parse_native(FileId(0), text).expect("the file parses");
    let block = &body.blocks[0];
    let value = |name: &str| &block.body.attr(name).expect(name).value;
    let Expr::Native { expr, .. } = value("cluster_name") else {
        panic!("native syntax");
    };
    // The decor stays a range of the text: it reads as empty here, where the copying parser
    // gives the comment.
    let decor = |e: &hcl::edit::expr::Expression| {
        e.decor()
            .prefix()
            .map(|p| p.to_string())
            .unwrap_or_default()
    };
    assert_eq!(decor(expr), "");
    let copied = hcl::edit::parser::parse_body(text).expect("the file parses");
    let copied_block = copied.get_blocks("resource").next().expect("a block");
    let copied_value = &copied_block
        .body
        .get_attribute("cluster_name")
        .expect("set")
        .value;
    assert_eq!(decor(copied_value), " /* inline */ ");
    // Values, their spans and the spans that remove list items come from the text alone.
    let at = |needle: &str| text.find(needle).expect(needle);
    let span = value("cluster_name").span();
    assert_eq!(
        (span.start as usize, span.end as usize),
        (at("\"c\""), at("\"c\"") + 3)
    );
    assert_eq!(show(&constant(value("cluster_name"))), "\"c\"");
    let Expr::Native { expr, lists, .. } = value("kubernetes_groups") else {
        panic!("native syntax");
    };
    let hcl::edit::expr::Expression::Array(items) = expr else {
        panic!("a list");
    };
    let lists = lists.as_ref().expect("its items can be removed");
    let removal = |item: &hcl::edit::expr::Expression| {
        let r = hcl::edit::Span::span(item).expect("spanned");
        let s = lists[&(r.start as u32, r.end as u32)];
        &text[s.start as usize..s.end as usize]
    };
    let removed: Vec<&str> = items.iter().map(removal).collect();
    assert_eq!(removed, ["    \"g1\", # one\n", "    \"g2\",\n"]);
}
