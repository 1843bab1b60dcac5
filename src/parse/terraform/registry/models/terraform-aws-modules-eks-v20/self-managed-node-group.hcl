# Built-in model of terraform-aws-modules/eks/aws//modules/self-managed-node-group v20
# (checked against v20.37.2): the node IAM role's access entry of
# https://github.com/terraform-aws-modules/terraform-aws-eks/tree/v20.37.2/modules/self-managed-node-group
# "M" is https://github.com/terraform-aws-modules/terraform-aws-eks/blob/v20.37.2/modules/self-managed-node-group/main.tf
# and "V" is .../modules/self-managed-node-group/variables.tf.

# V L1-5
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

variable "name" {
  type    = string
  default = ""
}

# V L283-287
variable "ami_type" {
  type    = string
  default = "AL2_x86_64"
}

# V L625-629, L637-653
variable "create_iam_instance_profile" {
  type    = bool
  default = true
}

variable "iam_role_name" {
  type    = string
  default = null
}

variable "iam_role_use_name_prefix" {
  type    = bool
  default = true
}

variable "iam_role_path" {
  type    = string
  default = null
}

# V L705-715
variable "create_access_entry" {
  type    = bool
  default = true
}

variable "iam_role_arn" {
  type    = string
  default = null
}

# M L800-802
locals {
  create_iam_instance_profile = var.create && var.create_iam_instance_profile
  iam_role_name               = coalesce(var.iam_role_name, "${var.name}-node-group")
}

# M L827-832: the node role (its name and path make its ARN).
resource "aws_iam_role" "this" {
  count = local.create_iam_instance_profile ? 1 : 0

  name        = var.iam_role_use_name_prefix ? null : local.iam_role_name
  name_prefix = var.iam_role_use_name_prefix ? "${local.iam_role_name}-" : null
  path        = var.iam_role_path
}

# M L1017-1025: the node role's entry, EC2_WINDOWS for a Windows AMI type, else EC2_LINUX
# M L13-34 and L1022 map the AMI type to "windows" for the WINDOWS_* types.
resource "aws_eks_access_entry" "this" {
  count = var.create && var.create_access_entry ? 1 : 0

  cluster_name  = var.cluster_name
  principal_arn = var.create_iam_instance_profile ? aws_iam_role.this[0].arn : var.iam_role_arn
  type          = startswith(var.ami_type, "WINDOWS_") ? "EC2_WINDOWS" : "EC2_LINUX"

  tags = var.tags
}
