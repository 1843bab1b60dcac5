variable "vendor_role" {
  default = "arn:aws:iam::999988887777:role/vendor-support"
}

resource "aws_eks_access_entry" "vendor" {
  cluster_name  = "shop"
  principal_arn = var.vendor_role
}

resource "aws_eks_access_entry" "dev" {
  cluster_name  = "shop"
  principal_arn = "arn:aws:iam::444455556666:role/developers"
}

resource "aws_eks_access_entry" "auditor" {
  cluster_name  = "shop"
  principal_arn = "arn:aws:iam::123456789012:role/auditor"
}
