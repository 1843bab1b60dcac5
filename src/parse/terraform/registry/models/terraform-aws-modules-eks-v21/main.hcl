# Built-in model of terraform-aws-modules/eks/aws v21 (checked against v21.19.0): the access
# behaviour of https://github.com/terraform-aws-modules/terraform-aws-eks/tree/v21.19.0
# The file and line cited above each part is what it mirrors; "M" is
# https://github.com/terraform-aws-modules/terraform-aws-eks/blob/v21.19.0/main.tf
# and "V" is .../blob/v21.19.0/variables.tf.

# V L1-5, L1505-1509
variable "create" {
  type    = bool
  default = true
}

variable "putin_khuylo" {
  type    = bool
  default = true
}

# V L29-33: v21 renamed v20's `cluster_name` to `name`.
variable "name" {
  type    = string
  default = ""
}

# V L59-63
variable "authentication_mode" {
  type    = string
  default = "API_AND_CONFIG_MAP"
}

# V L219-238. The object type drops any other key of an item (`username`, `groups`); ekslint
# reports those keys where the call writes them (EKS001).
variable "access_entries" {
  type = map(object({
    kubernetes_groups = optional(list(string))
    principal_arn     = string
    type              = optional(string, "STANDARD")
    user_name         = optional(string)
    tags              = optional(map(string), {})
    policy_associations = optional(map(object({
      policy_arn = string
      access_scope = object({
        namespaces = optional(list(string))
        type       = string
      })
    })), {})
  }))
  default = {}
}

# V L240-244
variable "enable_cluster_creator_admin_permissions" {
  type    = bool
  default = false
}

# V L19-23
variable "tags" {
  type    = map(string)
  default = {}
}

# V L532-542
variable "create_iam_role" {
  type    = bool
  default = true
}

variable "iam_role_arn" {
  type    = string
  default = null
}

# V L809-1226: only the attributes that decide a node group's access entry.
variable "self_managed_node_groups" {
  type = map(object({
    create                      = optional(bool)
    name                        = optional(string)
    ami_type                    = optional(string)
    create_iam_instance_profile = optional(bool)
    create_access_entry         = optional(bool)
    iam_role_arn                = optional(string)
    iam_role_name               = optional(string)
    iam_role_use_name_prefix    = optional(bool)
    iam_role_path               = optional(string)
  }))
  default = null
}

# M L1-16: the session context of the identity that runs Terraform.
data "aws_partition" "current" {
  count = local.create ? 1 : 0
}

data "aws_caller_identity" "current" {
  count = local.create ? 1 : 0
}

data "aws_iam_session_context" "current" {
  count = local.create ? 1 : 0
  arn   = try(data.aws_caller_identity.current[0].arn, "")
}

# M L18-24
locals {
  create    = var.create && var.putin_khuylo
  partition = try(data.aws_partition.current[0].partition, "")
  role_arn  = local.create && var.create_iam_role ? aws_iam_role.this[0].arn : var.iam_role_arn
}

# M L36-58: the cluster's access configuration. Bootstrap cluster creator admin permissions
# are hard-coded `false` (M L57); with `authentication_mode = "CONFIG_MAP"` that is a mistake
# of the argument, so it is reported there (EKS303).
resource "aws_eks_cluster" "this" {
  count = local.create ? 1 : 0

  name     = var.name
  role_arn = local.role_arn

  access_config {
    authentication_mode                         = var.authentication_mode
    bootstrap_cluster_creator_admin_permissions = provider::ekslint::reported_at(false, var.authentication_mode)
  }
}

# M L251-295
locals {
  # M L254-268: the creator's entry, only when enable_cluster_creator_admin_permissions is
  # true (its findings are reported at that argument).
  bootstrap_cluster_creator_admin_permissions = { for k, v in {
    cluster_creator = {
      principal_arn = try(data.aws_iam_session_context.current[0].issuer_arn, "")
      type          = "STANDARD"

      policy_associations = {
        admin = {
          policy_arn = "arn:${local.partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
          access_scope = {
            type = "cluster"
          }
        }
      }
    }
  } : k => v if var.enable_cluster_creator_admin_permissions }

  # M L271-274: merged before the user's entries, so a user key `cluster_creator` replaces it.
  merged_access_entries = merge(
    local.bootstrap_cluster_creator_admin_permissions,
    var.access_entries,
  )

  # M L278-294. The module drops the policy fields of node-type entries (EC2_LINUX,
  # EC2_WINDOWS, FARGATE_LINUX, HYBRID_LINUX), so a policy on one fails at plan with
  # `Unsupported attribute ... "association_policy_arn"`; the model keeps the association so
  # that the mistake is reported (EKS109). Each association is reported at its item in
  # `policy_associations`. A missing `policy_arn` or `access_scope` also fails at plan; the
  # model passes null so that it is reported (EKS002).
  flattened_access_entries = flatten([
    for entry_key, entry_val in local.merged_access_entries : [
      for pol_key, pol_val in entry_val.policy_associations :
      provider::ekslint::reported_at(merge(
        {
          principal_arn = entry_val.principal_arn
          entry_key     = entry_key
          pol_key       = pol_key
        },
        {
          association_policy_arn              = try(pol_val.policy_arn, null)
          association_access_scope_type       = try(pol_val.access_scope.type, null)
          association_access_scope_namespaces = try(pol_val.access_scope.namespaces, null)
        },
      ), pol_val)
    ]
  ])
}

# M L297-312. A missing principal_arn fails the module's type; the model passes null so that it
# is reported (EKS002).
resource "aws_eks_access_entry" "this" {
  for_each = { for k, v in local.merged_access_entries : k => v if local.create }

  cluster_name      = aws_eks_cluster.this[0].id
  kubernetes_groups = try(each.value.kubernetes_groups, null)
  principal_arn     = try(each.value.principal_arn, null)
  type              = try(each.value.type, null)
  user_name         = try(each.value.user_name, null)

  tags = merge(
    var.tags,
    try(each.value.tags, {}),
  )
}

# M L314-332
resource "aws_eks_access_policy_association" "this" {
  for_each = { for k, v in local.flattened_access_entries : "${v.entry_key}_${v.pol_key}" => v if local.create }

  access_scope {
    namespaces = each.value.association_access_scope_namespaces
    type       = each.value.association_access_scope_type
  }

  cluster_name = aws_eks_cluster.this[0].id

  policy_arn    = each.value.association_policy_arn
  principal_arn = each.value.principal_arn

  depends_on = [
    aws_eks_access_entry.this,
  ]
}

# https://github.com/terraform-aws-modules/terraform-aws-eks/blob/v21.19.0/node_groups.tf#L400-L545:
# each self-managed node group is the submodule, whose access entry is the node role's. The
# module passes the cluster's name through `time_sleep.this[0].triggers["name"]`
# (node_groups.tf L10-23), which is `aws_eks_cluster.this[0].id`.
module "self_managed_node_group" {
  source = "./modules/self-managed-node-group"

  for_each = var.create && var.self_managed_node_groups != null ? var.self_managed_node_groups : {}

  create       = each.value.create
  name         = coalesce(each.value.name, each.key)
  cluster_name = aws_eks_cluster.this[0].id

  ami_type                    = each.value.ami_type
  create_iam_instance_profile = each.value.create_iam_instance_profile
  iam_role_name               = each.value.iam_role_name
  iam_role_use_name_prefix    = each.value.iam_role_use_name_prefix
  iam_role_path               = each.value.iam_role_path
  create_access_entry         = each.value.create_access_entry
  iam_role_arn                = each.value.iam_role_arn

  tags = var.tags
}

# https://github.com/terraform-aws-modules/terraform-aws-eks/blob/v21.19.0/outputs.tf#L40-L43
output "cluster_name" {
  value = try(aws_eks_cluster.this[0].name, "")
}
