# Built-in model of terraform-aws-modules/eks/aws//modules/karpenter v21 (checked against
# v21.19.0): the node IAM role's access entry of
# https://github.com/terraform-aws-modules/terraform-aws-eks/tree/v21.19.0/modules/karpenter
# "M" is https://github.com/terraform-aws-modules/terraform-aws-eks/blob/v21.19.0/modules/karpenter/main.tf
# and "V" is .../modules/karpenter/variables.tf.

# V L1-17
variable "create" {
  type    = bool
  default = true
}

variable "tags" {
  type    = map(string)
  default = {}
}

variable "cluster_name" {
  type    = string
  default = ""
}

# V L243-277
variable "create_node_iam_role" {
  type    = bool
  default = true
}

variable "node_iam_role_arn" {
  type    = string
  default = null
}

variable "node_iam_role_name" {
  type    = string
  default = null
}

variable "node_iam_role_use_name_prefix" {
  type    = bool
  default = true
}

variable "node_iam_role_path" {
  type    = string
  default = "/"
}

# V L319-329
variable "create_access_entry" {
  type    = bool
  default = true
}

variable "access_entry_type" {
  type    = string
  default = "EC2_LINUX"
}

# M L319-321
locals {
  create_node_iam_role = var.create && var.create_node_iam_role
  node_iam_role_name   = coalesce(var.node_iam_role_name, "Karpenter-${var.cluster_name}")
}

# M L346-351: the node role (its name and path make its ARN).
resource "aws_iam_role" "node" {
  count = local.create_node_iam_role ? 1 : 0

  name        = var.node_iam_role_use_name_prefix ? null : local.node_iam_role_name
  name_prefix = var.node_iam_role_use_name_prefix ? "${local.node_iam_role_name}-" : null
  path        = var.node_iam_role_path
}

# M L388-403: the node role's entry, of type `access_entry_type`.
resource "aws_eks_access_entry" "node" {
  count = var.create && var.create_access_entry ? 1 : 0

  cluster_name  = var.cluster_name
  principal_arn = var.create_node_iam_role ? aws_iam_role.node[0].arn : var.node_iam_role_arn
  type          = var.access_entry_type

  tags = var.tags
}

# https://github.com/terraform-aws-modules/terraform-aws-eks/blob/v21.19.0/modules/karpenter/outputs.tf#L57-L60
output "node_iam_role_arn" {
  value = try(aws_iam_role.node[0].arn, var.node_iam_role_arn)
}
