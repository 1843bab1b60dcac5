//! Tests of the aws-auth ConfigMap in Terraform: where values are read from, and where their
//! findings point.

use super::TerraformInputs;
use super::tests::{rules, run};

/// A cluster in `mode`, named `t`.
fn cluster(mode: &str) -> String {
    format!(
        r#"resource "aws_eks_cluster" "c" {{
  name     = "t"
  role_arn = "arn:aws:iam::111122223333:role/eks"
  access_config {{
    authentication_mode                         = "{mode}"
    bootstrap_cluster_creator_admin_permissions = false
  }}
}}
"#
    )
}

fn lint(files: &[(&str, &str)]) -> Vec<String> {
    run(files, TerraformInputs::default())
}

#[test]
fn heredoc_findings_point_inside_the_heredoc_past_indentation_escapes_and_interpolations() {
    // Line 9 on: the heredoc. `$${` is one character shorter in the value than in the file.
    let main = format!(
        r#"{}variable "team" {{
  default = "t$${{x}}"
}}
resource "kubernetes_config_map_v1_data" "a" {{
  metadata {{
    name      = "aws-auth"
    namespace = "kube-system"
  }}
  data = {{
    mapRoles = <<-YAML
      - rolearn: ${{aws_iam_role.x.arn}}
        username: ${{var.team}}:$${{x}}
        groups: [system:masters]
      - rolearn: arn:aws:iam::111122223333:role/a/b
      - rolearn: arn:aws:iam::111122223333:role/c
        username: ${{var.team}}:{{{{Foo}}}}
    YAML
  }}
}}
"#,
        cluster("CONFIG_MAP").replace("= false", "= true")
    );
    let out = lint(&[("main.tf", &main)]);
    assert_eq!(
        rules(&out),
        [
            "EKS505 main.tf:21:18",
            "EKS503 main.tf:22:18",
            "EKS506 main.tf:24:19",
        ],
        "{out:#?}"
    );
    // The username's interpolated part came from the variable's default.
    assert!(
        out.iter()
            .any(|l| l.contains("main.tf:10:13 from the default of variable `team`")),
        "{out:#?}"
    );
}

#[test]
fn an_interpolated_or_encoded_role_is_the_same_principal_as_an_entry_of_the_same_expression() {
    let main = format!(
        r#"{}resource "aws_eks_access_entry" "nodes" {{
  cluster_name  = aws_eks_cluster.c.name
  principal_arn = aws_iam_role.nodes.arn
}}
resource "kubernetes_config_map_v1_data" "a" {{
  metadata {{
    name      = "aws-auth"
    namespace = "kube-system"
  }}
  data = {{
    mapRoles = yamlencode([{{ rolearn = aws_iam_role.nodes.arn, groups = ["a"] }}])
    mapUsers = <<YAML
- userarn: ${{aws_iam_role.nodes.arn}}
YAML
  }}
}}
"#,
        cluster("API_AND_CONFIG_MAP")
    );
    let out = lint(&[("main.tf", &main)]);
    // Both mappings are for the entry's principal (the ARN is not known to be a role's).
    assert_eq!(
        rules(&out),
        ["EKS502 main.tf:19:28", "EKS502 main.tf:21:3"],
        "{out:#?}"
    );
    let unknown_role = main.replace("aws_iam_role.nodes.arn", "var.unset");
    let unknown_role = unknown_role.replace(
        "resource \"aws_eks_access_entry\"",
        "variable \"unset\" {}\nresource \"aws_eks_access_entry\"",
    );
    let out = lint(&[("main.tf", &unknown_role)]);
    assert_eq!(
        rules(&out),
        ["EKS502 main.tf:20:28", "EKS502 main.tf:22:3"],
        "{out:#?}"
    );
}

#[test]
fn data_is_followed_through_locals_and_values_keep_their_origin() {
    let main = format!(
        r#"{}variable "roles" {{
  default = [{{ rolearn = "arn:aws:iam::111122223333:role/dev", groups = ["x"] }}]
}}
locals {{
  data = {{ "mapRoles" = local.roles_yaml }}
  roles_yaml = jsonencode(var.roles)
}}
resource "kubernetes_config_map_v1_data" "a" {{
  count = 1
  metadata {{
    name      = "aws-auth"
    namespace = "kube-system"
  }}
  data = local.data
}}
"#,
        cluster("API")
    );
    let out = lint(&[("main.tf", &main)]);
    // Reported where the variable is used (in the local), with its default as the origin.
    assert_eq!(rules(&out), ["EKS501 main.tf:14:27"], "{out:#?}");
    assert!(out.iter().any(|l| l.contains("main.tf:10:14")), "{out:#?}");
}

#[test]
fn only_the_aws_auth_config_map_of_kube_system_is_read() {
    let config_map = |kind: &str, name: &str, namespace: &str| {
        format!(
            r#"resource "{kind}" "x" {{
  metadata {{
    name = {name}
    {namespace}
  }}
  data = {{
    mapRoles = yamlencode([{{ username = "no-arn" }}])
  }}
}}
"#
        )
    };
    let read = |kind, name, namespace| {
        let main = format!("variable \"v\" {{}}\n{}", config_map(kind, name, namespace));
        rules(&lint(&[("main.tf", &main)])).len()
    };
    assert_eq!(
        read(
            "kubernetes_config_map",
            "\"aws-auth\"",
            "namespace = \"kube-system\""
        ),
        1
    );
    assert_eq!(
        read(
            "kubernetes_config_map_v1",
            "\"aws-auth\"",
            "namespace = \"kube-system\""
        ),
        1
    );
    // The provider's default namespace is `default`.
    assert_eq!(read("kubernetes_config_map_v1_data", "\"aws-auth\"", ""), 0);
    assert_eq!(
        read(
            "kubernetes_config_map_v1_data",
            "\"other\"",
            "namespace = \"kube-system\""
        ),
        0
    );
    assert_eq!(
        read(
            "kubernetes_config_map_v1_data",
            "var.v",
            "namespace = \"kube-system\""
        ),
        0
    );
    assert_eq!(
        read(
            "kubernetes_config_map_v1_data",
            "\"aws-auth\"",
            "namespace = var.v"
        ),
        0
    );
}

#[test]
fn a_config_map_in_a_local_module_reports_at_the_call() {
    let main = format!(
        r#"{}module "auth" {{
  source = "./auth"
  roles  = [{{ rolearn = "arn:aws:iam::111122223333:role/team/dev" }}]
}}
"#,
        cluster("CONFIG_MAP").replace("= false", "= true")
    );
    let module = r#"variable "roles" {}
resource "kubernetes_config_map_v1_data" "a" {
  metadata {
    name      = "aws-auth"
    namespace = "kube-system"
  }
  data = {
    mapRoles = yamlencode(var.roles)
    mapUsers = <<-YAML
      - username: no-arn
    YAML
  }
}
"#;
    let out = lint(&[("main.tf", &main), ("auth/main.tf", module)]);
    // The ARN at the call's argument; the module's own heredoc at the call's header.
    assert_eq!(
        rules(&out),
        ["EKS506 main.tf:9:1", "EKS503 main.tf:11:25"],
        "{out:#?}"
    );
    assert!(
        out.iter()
            .any(|l| l.contains("auth/main.tf:10:9 in module")),
        "{out:#?}"
    );
}

#[test]
fn the_aws_auth_submodule_is_read_through_its_model_unless_its_code_is_downloaded() {
    let call = |args: &str| {
        format!(
            r#"{}module "aws_auth" {{
  source = "terraform-aws-modules/eks/aws//modules/aws-auth"
  version = "~> 20.0" {args}
  aws_auth_users = [{{ userarn = "arn:aws:iam::111122223333:user/x", groups = ["system:masters"] }}]
}}
"#,
            cluster("CONFIG_MAP").replace("= false", "= true")
        )
    };
    let out = lint(&[("main.tf", &call(""))]);
    assert_eq!(rules(&out), ["EKS505 main.tf:12:79"], "{out:#?}");
    for off in [
        "\n  create = false",
        "\n  manage_aws_auth_configmap = false",
    ] {
        let out = lint(&[("main.tf", &call(off))]);
        assert!(rules(&out).is_empty(), "{off}: {out:#?}");
    }
    let created = "\n  manage_aws_auth_configmap = false\n  create_aws_auth_configmap = true";
    assert_eq!(rules(&lint(&[("main.tf", &call(created))])).len(), 1);
    // v21 has no aws-auth submodule: not evaluated, which is a note.
    let v21 = call("").replace("~> 20.0", "~> 21.0");
    assert_eq!(rules(&lint(&[("main.tf", &v21)])), ["EKS005 main.tf:10:12"]);
    // A downloaded copy is evaluated instead (and read once).
    let installed = r#"
variable "aws_auth_users" {}
resource "kubernetes_config_map_v1_data" "aws_auth" {
  metadata {
    name      = "aws-auth"
    namespace = "kube-system"
  }
  data = {
    mapUsers = yamlencode(var.aws_auth_users)
  }
}
"#;
    let modules_json = r#"{"Modules":[{"Key":"","Source":"","Dir":"."},{"Key":"aws_auth","Source":"registry.terraform.io/terraform-aws-modules/eks/aws//modules/aws-auth","Dir":".terraform/modules/aws_auth"}]}"#;
    let out = lint(&[
        ("main.tf", &call("")),
        (".terraform/modules/modules.json", modules_json),
        (".terraform/modules/aws_auth/main.tf", installed),
    ]);
    assert_eq!(rules(&out), ["EKS505 main.tf:12:79"], "{out:#?}");
}

#[test]
fn templates_with_directives_and_json_syntax_are_read_as_their_value() {
    let main = format!(
        r#"{}variable "roles" {{
  default = ["a", "b"]
}}
resource "kubernetes_config_map_v1_data" "a" {{
  metadata {{
    name      = "aws-auth"
    namespace = "kube-system"
  }}
  data = {{
    mapRoles = <<-YAML
      %{{for r in var.roles~}}
      - rolearn: arn:aws:iam::111122223333:role/${{r}}
      %{{endfor~}}
    YAML
  }}
}}
"#,
        cluster("API")
    );
    let out = lint(&[("main.tf", &main)]);
    // Rendered by evaluation: both items' findings point at the value, where they are one.
    assert_eq!(rules(&out), ["EKS501 main.tf:18:16"], "{out:#?}");
    let json = r#"{
  "locals": {"roles": [{"rolearn": "arn:aws:iam::111122223333:role/a"}]},
  "resource": {
    "aws_eks_cluster": {"c": {"name": "t", "access_config": {"authentication_mode": "API"}}},
    "kubernetes_config_map_v1_data": {"a": {
      "metadata": {"name": "aws-auth", "namespace": "kube-system"},
      "data": {
        "mapRoles": "${yamlencode(local.roles)}",
        "mapUsers": "${yamlencode([{userarn = \"arn:aws:iam::111122223333:role/x\"}])}"
      }
    }}
  }
}"#;
    let out = lint(&[("main.tf.json", json)]);
    // The item is reported where the local is used. A template with escaped quotes is not
    // parsed here: not known, no finding.
    assert_eq!(
        rules(&out),
        ["EKS407 main.tf.json:4:44", "EKS501 main.tf.json:8:35"],
        "{out:#?}"
    );
}
