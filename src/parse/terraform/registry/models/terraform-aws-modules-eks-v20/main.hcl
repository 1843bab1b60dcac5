# Built-in model of terraform-aws-modules/eks/aws v20 (checked against v20.37.2): the access
# behaviour of https://github.com/terraform-aws-modules/terraform-aws-eks/tree/v20.37.2
# The file and line cited above each part is what it mirrors; "M" is
# https://github.com/terraform-aws-modules/terraform-aws-eks/blob/v20.37.2/main.tf
# and "V" is .../blob/v20.37.2/variables.tf.

# V L1-5, L683-687
variable "create" {
  type    = bool
  default = true
}

variable "putin_khuylo" {
  type    = bool
  default = true
}

# V L23-27 (renamed `name` in v21)
variable "cluster_name" {
  type    = string
  default = ""
}

# V L47-51
variable "authentication_mode" {
  type    = string
  default = "API_AND_CONFIG_MAP"
}

# V L180-184. Any type: the module reads the keys it knows with try() and lookup(), so any
# other key of an item (`username`, `groups`) is never read; ekslint reports those keys where
# the call writes them (EKS001).
variable "access_entries" {
  type    = any
  default = {}
}

# V L186-190
variable "enable_cluster_creator_admin_permissions" {
  type    = bool
  default = false
}

# V L7-11
variable "tags" {
  type    = map(string)
  default = {}
}

# V L454-464
variable "create_iam_role" {
  type    = bool
  default = true
}

variable "iam_role_arn" {
  type    = string
  default = null
}

# V L655-665
variable "self_managed_node_groups" {
  type    = any
  default = {}
}

variable "self_managed_node_group_defaults" {
  type    = any
  default = {}
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

# M L18-23
locals {
  create       = var.create && var.putin_khuylo
  partition    = try(data.aws_partition.current[0].partition, "")
  cluster_role = local.create && var.create_iam_role ? aws_iam_role.this[0].arn : var.iam_role_arn
}

# M L35-54: the cluster's access configuration. Bootstrap cluster creator admin permissions
# are hard-coded `false` (M L53); with `authentication_mode = "CONFIG_MAP"` that is a mistake
# of the argument, so it is reported there (EKS303).
resource "aws_eks_cluster" "this" {
  count = local.create ? 1 : 0

  name     = var.cluster_name
  role_arn = local.cluster_role

  access_config {
    authentication_mode                         = var.authentication_mode
    bootstrap_cluster_creator_admin_permissions = provider::ekslint::reported_at(false, var.authentication_mode)
  }
}

# M L222-266
locals {
  # M L225-240: the creator's entry...
  bootstrap_cluster_creator_admin_permissions = {
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
  }

  # M L242-245: ...only when enable_cluster_creator_admin_permissions is true (its findings
  # are reported at that argument), merged before the user's entries, so a user key
  # `cluster_creator` replaces it.
  merged_access_entries = merge(
    { for k, v in local.bootstrap_cluster_creator_admin_permissions : k => v if var.enable_cluster_creator_admin_permissions },
    var.access_entries,
  )

  # M L249-265. The module drops the policy fields of node-type entries (EC2_LINUX,
  # EC2_WINDOWS, FARGATE_LINUX, HYBRID_LINUX), so a policy on one fails at plan with
  # `Unsupported attribute ... "association_policy_arn"`; the model keeps the association so
  # that the mistake is reported (EKS109). Each association is reported at its item in
  # `policy_associations`. A missing `policy_arn` or `access_scope` also fails at plan; the
  # model passes null so that it is reported (EKS002).
  flattened_access_entries = flatten([
    for entry_key, entry_val in local.merged_access_entries : [
      for pol_key, pol_val in lookup(entry_val, "policy_associations", {}) :
      provider::ekslint::reported_at(merge(
        {
          principal_arn = entry_val.principal_arn
          entry_key     = entry_key
          pol_key       = pol_key
        },
        {
          association_policy_arn              = try(pol_val.policy_arn, null)
          association_access_scope_type       = try(pol_val.access_scope.type, null)
          association_access_scope_namespaces = lookup(pol_val.access_scope, "namespaces", [])
        },
      ), pol_val)
    ]
  ])
}

# M L268-278. A missing principal_arn fails the module at plan; the model passes null so that
# it is reported (EKS002).
resource "aws_eks_access_entry" "this" {
  for_each = { for k, v in local.merged_access_entries : k => v if local.create }

  cluster_name      = aws_eks_cluster.this[0].id
  kubernetes_groups = try(each.value.kubernetes_groups, null)
  principal_arn     = try(each.value.principal_arn, null)
  type              = try(each.value.type, "STANDARD")
  user_name         = try(each.value.user_name, null)

  tags = merge(var.tags, try(each.value.tags, {}))
}

# M L280-296
resource "aws_eks_access_policy_association" "this" {
  for_each = { for k, v in local.flattened_access_entries : "${v.entry_key}_${v.pol_key}" => v if local.create }

  access_scope {
    namespaces = try(each.value.association_access_scope_namespaces, [])
    type       = each.value.association_access_scope_type
  }

  cluster_name = aws_eks_cluster.this[0].id

  policy_arn    = each.value.association_policy_arn
  principal_arn = each.value.principal_arn

  depends_on = [
    aws_eks_access_entry.this,
  ]
}

# https://github.com/terraform-aws-modules/terraform-aws-eks/blob/v20.37.2/node_groups.tf#L419-L568:
# each self-managed node group is the submodule, whose access entry is the node role's. The
# module passes the cluster's name through `time_sleep.this[0].triggers["cluster_name"]`
# (node_groups.tf L29-42), which is `aws_eks_cluster.this[0].id`.
module "self_managed_node_group" {
  source = "./modules/self-managed-node-group"

  for_each = { for k, v in var.self_managed_node_groups : k => v if var.create }

  create       = try(each.value.create, true)
  name         = try(each.value.name, each.key)
  cluster_name = aws_eks_cluster.this[0].id

  ami_type                    = try(each.value.ami_type, var.self_managed_node_group_defaults.ami_type, "AL2_x86_64")
  create_iam_instance_profile = try(each.value.create_iam_instance_profile, var.self_managed_node_group_defaults.create_iam_instance_profile, true)
  iam_role_name               = try(each.value.iam_role_name, var.self_managed_node_group_defaults.iam_role_name, null)
  iam_role_use_name_prefix    = try(each.value.iam_role_use_name_prefix, var.self_managed_node_group_defaults.iam_role_use_name_prefix, true)
  iam_role_path               = try(each.value.iam_role_path, var.self_managed_node_group_defaults.iam_role_path, null)
  create_access_entry         = try(each.value.create_access_entry, var.self_managed_node_group_defaults.create_access_entry, true)
  iam_role_arn                = try(each.value.iam_role_arn, var.self_managed_node_group_defaults.iam_role_arn, null)

  tags = var.tags
}

# https://github.com/terraform-aws-modules/terraform-aws-eks/blob/v20.37.2/outputs.tf#L44-L47
output "cluster_name" {
  value = try(aws_eks_cluster.this[0].name, "")
}
