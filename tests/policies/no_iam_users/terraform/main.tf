data "aws_partition" "current" {}

resource "aws_eks_access_entry" "alice" {
  cluster_name  = "shop"
  principal_arn = "arn:${data.aws_partition.current.partition}:iam::111122223333:user/alice"
}

resource "aws_eks_access_entry" "bob" {
  cluster_name  = "shop"
  principal_arn = "arn:aws:iam::111122223333:user/bob"
}

resource "aws_eks_access_entry" "ci" {
  cluster_name  = "shop"
  principal_arn = "arn:aws:iam::111122223333:role/ci"
}
