# Built-in model of terraform-aws-modules/eks/aws//modules/aws-auth v20 (checked against
# v20.37.2; v21 removed the submodule): it writes its inputs, YAML-encoded, to the aws-auth
# ConfigMap of
# https://github.com/terraform-aws-modules/terraform-aws-eks/tree/v20.37.2/modules/aws-auth
# "M" is https://github.com/terraform-aws-modules/terraform-aws-eks/blob/v20.37.2/modules/aws-auth/main.tf
# and "V" is .../modules/aws-auth/variables.tf.

# V L1-39
variable "create" {
  type    = bool
  default = true
}

variable "create_aws_auth_configmap" {
  type    = bool
  default = false
}

variable "manage_aws_auth_configmap" {
  type    = bool
  default = true
}

variable "aws_auth_roles" {
  type    = list(any)
  default = []
}

variable "aws_auth_users" {
  type    = list(any)
  default = []
}

variable "aws_auth_accounts" {
  type    = list(any)
  default = []
}

# M L6-12
locals {
  aws_auth_configmap_data = {
    mapRoles    = yamlencode(var.aws_auth_roles)
    mapUsers    = yamlencode(var.aws_auth_users)
    mapAccounts = yamlencode(var.aws_auth_accounts)
  }
}

# M L14-30: created only where the ConfigMap does not exist yet; its data is then managed by the
# resource below, which writes the same data.
resource "kubernetes_config_map" "aws_auth" {
  count = var.create && var.create_aws_auth_configmap ? 1 : 0

  metadata {
    name      = "aws-auth"
    namespace = "kube-system"
  }

  data = local.aws_auth_configmap_data
}

# M L32-47
resource "kubernetes_config_map_v1_data" "aws_auth" {
  count = var.create && var.manage_aws_auth_configmap ? 1 : 0

  force = true

  metadata {
    name      = "aws-auth"
    namespace = "kube-system"
  }

  data = local.aws_auth_configmap_data
}
