# Built-in model of cloudposse/eks-cluster/aws v4 (checked against v4.11.0): the access
# behaviour of https://github.com/cloudposse/terraform-aws-eks-cluster/tree/v4.11.0
# The file and line cited above each part is what it mirrors; "A" is
# https://github.com/cloudposse/terraform-aws-eks-cluster/blob/v4.11.0/auth.tf,
# "M" is .../blob/v4.11.0/main.tf and "V" is .../blob/v4.11.0/variables.tf.

# https://github.com/cloudposse/terraform-aws-eks-cluster/blob/v4.11.0/context.tf#L97-L101:
# null-label's `enabled`, true unless set to false.
variable "enabled" {
  type    = bool
  default = null
}

# V L355-368: the mode defaults to API. Its validation refuses CONFIG_MAP.
variable "access_config" {
  type = object({
    authentication_mode                         = optional(string, "API")
    bootstrap_cluster_creator_admin_permissions = optional(bool, false)
  })
  default  = {}
  nullable = false
}

# V L370-401: keyed by principal ARN; `user_name` is accepted but set on no resource.
variable "access_entry_map" {
  type = map(object({
    user_name         = optional(string)
    kubernetes_groups = optional(list(string), [])
    type              = optional(string, "STANDARD")
    access_policy_associations = optional(map(object({
      access_scope = optional(object({
        type       = optional(string, "cluster")
        namespaces = optional(list(string))
      }), {})
    })), {})
  }))
  default  = {}
  nullable = false
}

# V L403-417
variable "access_entries" {
  type = list(object({
    principal_arn     = string
    user_name         = optional(string, null)
    kubernetes_groups = optional(list(string), null)
  }))
  default  = []
  nullable = false
}

# V L419-435
variable "access_policy_associations" {
  type = list(object({
    principal_arn = string
    policy_arn    = string
    access_scope = optional(object({
      type       = optional(string, "cluster")
      namespaces = optional(list(string))
    }), {})
  }))
  default  = []
  nullable = false
}

# V L437-466: only EC2_LINUX and EC2_WINDOWS (its validations refuse other keys).
variable "access_entries_for_nodes" {
  type     = map(list(string))
  default  = {}
  nullable = false
}

# M L1-6
locals {
  enabled        = var.enabled != false
  eks_cluster_id = aws_eks_cluster.default[0].id
}

# M L78-100. The cluster's name is null-label's `id` (https://github.com/cloudposse/terraform-null-label),
# not modelled: it is unknown. With CONFIG_MAP, a `false` bootstrap that the call leaves at the
# default is reported at the mode (EKS303).
resource "aws_eks_cluster" "default" {
  count = local.enabled ? 1 : 0

  name = module.label.id

  access_config {
    authentication_mode                         = var.access_config.authentication_mode
    bootstrap_cluster_creator_admin_permissions = provider::ekslint::reported_at(var.access_config.bootstrap_cluster_creator_admin_permissions, var.access_config.authentication_mode)
  }
}

# A L1-56
locals {
  # A L6-19: short policy names (`View`) and full names (`AmazonEKSViewPolicy`) stand for
  # the policy's ARN.
  eks_policy_short_abbreviation_map = {
    Admin        = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy"
    ClusterAdmin = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
    Edit         = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy"
    View         = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy"
  }

  eks_policy_abbreviation_map = merge({ for k, v in local.eks_policy_short_abbreviation_map : format("AmazonEKS%sPolicy", k) => v },
  local.eks_policy_short_abbreviation_map)

  # A L21-27 (each entry is reported at its key in `access_entry_map`)
  access_entry_expanded_map = { for k, v in var.access_entry_map : k => provider::ekslint::reported_at(merge({
    access_policy_associations = { for kk, vv in v.access_policy_associations : try(local.eks_policy_abbreviation_map[kk], kk) => vv }
  }, { for kk, vv in v : kk => vv if kk != "access_policy_associations" }), v) }

  # A L29-47: `system:masters` in a STANDARD entry's groups becomes an association of
  # AmazonEKSClusterAdminPolicy at cluster scope (reported at the groups).
  access_entry_map = { for k, v in local.access_entry_expanded_map : k => provider::ekslint::reported_at(merge({
    kubernetes_groups = [for group in v.kubernetes_groups : group if group != "system:masters" || v.type != "STANDARD"]
    access_policy_associations = merge(
      v.access_policy_associations,
      contains(v.kubernetes_groups, "system:masters") && v.type == "STANDARD" ? {
        "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy" = provider::ekslint::reported_at({
          access_scope = {
            type       = "cluster"
            namespaces = null
          }
        }, v.kubernetes_groups)
      } : {}
    )
  }, { for kk, vv in v : kk => vv if kk != "kubernetes_groups" && kk != "access_policy_associations" }), v) }

  # A L49-55: one association per entry and policy, keyed "<principal ARN>-<policy ARN>";
  # each is reported at its item in `access_policy_associations`.
  eks_access_policy_association_product_map = merge(flatten([
    for k, v in local.access_entry_map : [for kk, vv in v.access_policy_associations : { format("%s-%s", k, kk) = provider::ekslint::reported_at({
      principal_arn = provider::ekslint::reported_at(k, v)
      policy_arn    = kk
      access_scope  = vv.access_scope
    }, vv) }]
  ])...)
}

# A L60-69: the entry's principal is the map's key.
resource "aws_eks_access_entry" "map" {
  for_each = local.enabled ? local.access_entry_map : {}

  cluster_name      = local.eks_cluster_id
  principal_arn     = provider::ekslint::reported_at(each.key, each.value)
  kubernetes_groups = each.value.kubernetes_groups
  type              = each.value.type
}

# A L71-89
resource "aws_eks_access_policy_association" "map" {
  for_each = local.enabled ? local.eks_access_policy_association_product_map : {}

  cluster_name  = local.eks_cluster_id
  principal_arn = each.value.principal_arn
  policy_arn    = each.value.policy_arn

  access_scope {
    type       = each.value.access_scope.type
    namespaces = each.value.access_scope.namespaces
  }

  depends_on = [
    aws_eks_access_entry.map,
    aws_eks_access_entry.standard,
    aws_eks_access_entry.linux,
    aws_eks_access_entry.windows,
  ]
}

# A L94-103: STANDARD entries from a list.
resource "aws_eks_access_entry" "standard" {
  count = local.enabled ? length(var.access_entries) : 0

  cluster_name      = local.eks_cluster_id
  principal_arn     = var.access_entries[count.index].principal_arn
  kubernetes_groups = var.access_entries[count.index].kubernetes_groups
  type              = "STANDARD"
}

# A L105-123: node entries from `access_entries_for_nodes`.
resource "aws_eks_access_entry" "linux" {
  count = local.enabled ? length(lookup(var.access_entries_for_nodes, "EC2_LINUX", [])) : 0

  cluster_name  = local.eks_cluster_id
  principal_arn = var.access_entries_for_nodes.EC2_LINUX[count.index]
  type          = "EC2_LINUX"
}

resource "aws_eks_access_entry" "windows" {
  count = local.enabled ? length(lookup(var.access_entries_for_nodes, "EC2_WINDOWS", [])) : 0

  cluster_name  = local.eks_cluster_id
  principal_arn = var.access_entries_for_nodes.EC2_WINDOWS[count.index]
  type          = "EC2_WINDOWS"
}

# A L125-144: associations from a list; the policy may be a short or full name (reported
# where the call names it).
resource "aws_eks_access_policy_association" "list" {
  count = local.enabled ? length(var.access_policy_associations) : 0

  cluster_name  = local.eks_cluster_id
  principal_arn = var.access_policy_associations[count.index].principal_arn
  policy_arn = provider::ekslint::reported_at(try(local.eks_policy_abbreviation_map[var.access_policy_associations[count.index].policy_arn],
  var.access_policy_associations[count.index].policy_arn), var.access_policy_associations[count.index].policy_arn)

  access_scope {
    type       = var.access_policy_associations[count.index].access_scope.type
    namespaces = var.access_policy_associations[count.index].access_scope.namespaces
  }

  depends_on = [
    aws_eks_access_entry.map,
    aws_eks_access_entry.standard,
    aws_eks_access_entry.linux,
    aws_eks_access_entry.windows,
  ]
}

# https://github.com/cloudposse/terraform-aws-eks-cluster/blob/v4.11.0/outputs.tf#L1-L4
output "eks_cluster_id" {
  value = local.eks_cluster_id
}
