//! Tests of lowering a root module in parts on several threads: the model is the one lowering
//! it whole gives, or lowering in parts declines.

use super::eval::Evaluator;
use super::lower::{lower, lower_in_parts, parts};
use super::module::{Module, SourceText};
use super::modules::Frame;
use super::project::Project;
use super::tests::fixture_files_by_dir;
use super::value::Placement;
use super::variables::root_inputs;
use crate::ir::Model;
use crate::parse::ParseError;
use crate::parse::budget::Budget;
use crate::source::FileId;
use std::path::Path;
use std::rc::Rc;

/// The module of the files (name, text) given, with the errors parsing them gave.
fn parsed(dir: &Path, files: &[(String, String)]) -> (Module, Vec<ParseError>) {
    let sources: Vec<SourceText> = files
        .iter()
        .enumerate()
        .map(|(i, (name, text))| SourceText {
            id: FileId(i as u32),
            text,
            json: name.ends_with(".json"),
        })
        .collect();
    Module::parse(dir.to_path_buf(), &sources, None)
}

/// The module of the files (name, text) given, parsed without errors.
fn module(dir: &Path, files: &[(String, String)]) -> Module {
    let (module, errors) = parsed(dir, files);
    assert!(errors.is_empty(), "{}: {errors:?}", dir.display());
    module
}

/// The evaluator of `module` as a root module, with a budget of `steps` (besides those its
/// source grants) and `per_value` for each value.
fn evaluator<'p>(
    module: &'p Module,
    project: &'p Project,
    steps: usize,
    per_value: usize,
) -> Evaluator<'p> {
    let mut frame = Frame::root(module.dir.clone());
    frame.evaluation = Rc::new(Budget::with_steps(steps, per_value));
    Evaluator::new(
        module,
        project,
        module.dir.display().to_string(),
        Placement::Root,
        frame,
        root_inputs(module, &[]),
    )
}

/// The model of `module` lowered whole, in its debug form, and the steps it left.
fn whole(module: &Module, steps: usize, per_value: usize) -> (String, usize) {
    let project = Project::default();
    let eval = evaluator(module, &project, steps, per_value);
    let mut model = Model::default();
    lower(&eval, &mut model);
    (format!("{model:#?}"), eval.budget().steps_left())
}

/// The model of `module` lowered in `n` parts, in its debug form; `None` when lowering in
/// parts declined (and left the model empty).
fn in_parts(module: &Module, n: usize, steps: usize, per_value: usize) -> Option<String> {
    let project = Project::default();
    let new_eval = || evaluator(module, &project, steps, per_value);
    let mut model = Model::default();
    if lower_in_parts(module, &new_eval, n, &mut model) {
        Some(format!("{model:#?}"))
    } else {
        assert_eq!(format!("{model:?}"), format!("{:?}", Model::default()));
        None
    }
}

const STEPS: usize = 16_000_000;
const PER_VALUE: usize = 2_000_000;

#[test]
fn every_fixture_module_lowers_in_parts_as_it_lowers_whole() {
    let mut compared = 0;
    let module_files = |name: &str| name.ends_with(".tf") || name.ends_with(".tf.json");
    for (dir, files) in fixture_files_by_dir(module_files) {
        // Invalid fixtures are for the parser; modules that call modules are lowered whole.
        let (module, errors) = parsed(&dir, &files);
        if !errors.is_empty() || module.calls().next().is_some() {
            continue;
        }
        let (expected, _) = whole(&module, STEPS, PER_VALUE);
        for n in 2..=4 {
            let parted = in_parts(&module, n, STEPS, PER_VALUE);
            assert_eq!(
                parted.as_deref(),
                Some(expected.as_str()),
                "{} in {n} parts",
                dir.display()
            );
        }
        compared += 1;
    }
    assert!(compared >= 150, "only {compared} fixture modules compared");
}

/// A module whose resources read each other across files: entries, associations reading the
/// entries of another file (`principal_arn`, `for_each`), locals (one that takes 50,000 steps),
/// a cluster at the end, and the aws-auth ConfigMap.
fn crossing_module(files: usize) -> Vec<(String, String)> {
    let mut out = vec![(
        "main.tf".to_string(),
        r#"
locals {
  account = "111122223333"
  teams   = { for t in ["alpha", "bravo", "charlie"] : t => "arn:aws:iam::${local.account}:role/${t}" }
  size    = length([for i in range(250) : [for j in range(200) : j]])
}
"#
        .to_string(),
    )];
    for i in 0..files {
        let j = (i + files / 2) % files;
        out.push((
            format!("f{i:03}.tf"),
            format!(
                r#"
resource "aws_eks_access_entry" "e{i}" {{
  cluster_name  = aws_eks_cluster.main.name
  principal_arn = "arn:aws:iam::${{local.account}}:role/r{i}-${{local.size}}"
}}

resource "aws_eks_access_entry" "teams{i}" {{
  for_each      = local.teams
  cluster_name  = aws_eks_cluster.main.name
  principal_arn = "${{each.value}}-{i}"
}}

resource "aws_eks_access_policy_association" "a{i}" {{
  cluster_name  = aws_eks_cluster.main.name
  principal_arn = aws_eks_access_entry.e{j}.principal_arn
  policy_arn    = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy"
  access_scope {{
    type = "cluster"
  }}
}}

resource "aws_eks_access_policy_association" "teams{i}" {{
  for_each      = aws_eks_access_entry.teams{j}
  cluster_name  = aws_eks_cluster.main.name
  principal_arn = each.value.principal_arn
  policy_arn    = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy"
  access_scope {{
    type       = "namespace"
    namespaces = [each.key]
  }}
}}
"#
            ),
        ));
    }
    out.push((
        "z.tf".to_string(),
        r#"
resource "aws_eks_cluster" "main" {
  name     = "parts"
  role_arn = "arn:aws:iam::111122223333:role/cluster"
  access_config {
    authentication_mode = "API_AND_CONFIG_MAP"
  }
}

resource "kubernetes_config_map_v1" "aws_auth" {
  metadata {
    name      = "aws-auth"
    namespace = "kube-system"
  }
  data = {
    mapRoles = yamlencode([{ rolearn = aws_eks_access_entry.e0.principal_arn, username = "ops", groups = ["ops"] }])
  }
}
"#
        .to_string(),
    ));
    out
}

#[test]
fn a_module_without_resources_lowers_in_parts_as_it_lowers_whole() {
    let files = [("main.tf".to_string(), "locals {\n  a = 1\n}\n".to_string())];
    let module = module(Path::new("empty"), &files);
    let (expected, _) = whole(&module, STEPS, PER_VALUE);
    assert!(
        !expected.contains("tools: {}"),
        "the unit has its tool: {expected}"
    );
    assert_eq!(
        in_parts(&module, 2, STEPS, PER_VALUE).as_deref(),
        Some(expected.as_str())
    );
}

#[test]
fn parts_that_read_each_other_lower_as_the_whole_module_does() {
    let module = module(Path::new("crossing"), &crossing_module(12));
    let (expected, _) = whole(&module, STEPS, PER_VALUE);
    // 12 entries and 36 of the teams, as many associations, the cluster, the mapping.
    assert_eq!(expected.matches("AccessEntry {").count(), 48, "{expected}");
    assert_eq!(expected.matches("PolicyAssociation {").count(), 48);
    assert_eq!(expected.matches("ConfigMapMapping {").count(), 1);
    for n in 2..=7 {
        assert_eq!(
            in_parts(&module, n, STEPS, PER_VALUE).as_deref(),
            Some(expected.as_str()),
            "{n} parts"
        );
    }
}

#[test]
fn parts_that_together_need_more_steps_than_the_module_has_decline() {
    let module = module(Path::new("crossing"), &crossing_module(12));
    // Lowered whole, with exactly the steps it takes.
    let (_, left) = whole(&module, STEPS, PER_VALUE);
    let exact = STEPS - left;
    let (expected, left) = whole(&module, exact, PER_VALUE);
    assert_eq!(left, 0);
    assert_eq!(expected, whole(&module, STEPS, PER_VALUE).0);
    // Each part evaluates the locals again: together they need more (the source grants fewer
    // steps than the large local takes).
    assert_eq!(in_parts(&module, 3, exact, PER_VALUE), None);
    assert!(in_parts(&module, 3, STEPS, PER_VALUE).is_some());
}

#[test]
fn a_part_refused_a_step_declines() {
    let mut files = crossing_module(4);
    files.push((
        "big.tf".into(),
        r#"
locals {
  big = [for i in range(100) : [for j in range(100) : j]]
}

resource "aws_eks_access_entry" "big" {
  cluster_name  = aws_eks_cluster.main.name
  principal_arn = "arn:aws:iam::111122223333:role/x${length(local.big)}"
}
"#
        .into(),
    ));
    let module = module(Path::new("big"), &files);
    // Too few steps for the local: whole, its entry's principal is unknown; in parts, declined.
    let (expected, _) = whole(&module, STEPS, 5_000);
    assert!(expected.contains("Unknown"), "{expected}");
    for n in 2..=4 {
        assert_eq!(in_parts(&module, n, STEPS, 5_000), None, "{n} parts");
    }
}

#[test]
fn a_module_is_lowered_in_parts_only_when_it_is_large_calls_no_module_and_threads_share_it() {
    let on = |threads: usize, module: &Module| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("thread pool")
            .install(|| parts(module))
    };
    let large = module(Path::new("large"), &crossing_module(40));
    // 40 files of 4 resources, 2 more: 162 resources, 5 parts of 32 at least.
    assert_eq!(on(2, &large), 5);
    assert_eq!(on(1, &large), 1);
    let small = module(Path::new("small"), &crossing_module(7));
    assert_eq!(on(2, &small), 1);
    let mut calling = crossing_module(40);
    calling.push((
        "call.tf".into(),
        "module \"x\" {\n  source = \"./x\"\n}\n".into(),
    ));
    assert_eq!(on(2, &module(Path::new("calling"), &calling)), 1);
    // At most four parts for each thread.
    let huge = module(Path::new("huge"), &crossing_module(200));
    assert_eq!(on(2, &huge), 8);
}
