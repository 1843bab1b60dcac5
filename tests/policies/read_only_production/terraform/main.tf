resource "aws_eks_cluster" "prod" {
  name     = "prod-eu"
  role_arn = "arn:aws:iam::111122223333:role/eks-cluster"

  access_config {
    authentication_mode = "API"
  }
}

resource "aws_eks_access_entry" "dev" {
  cluster_name  = aws_eks_cluster.prod.name
  principal_arn = "arn:aws:iam::111122223333:role/developers"
}

resource "aws_eks_access_policy_association" "dev_edit" {
  cluster_name  = aws_eks_cluster.prod.name
  principal_arn = aws_eks_access_entry.dev.principal_arn
  policy_arn    = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy"

  access_scope {
    type       = "namespace"
    namespaces = ["shop"]
  }
}

resource "aws_eks_access_policy_association" "dev_view" {
  cluster_name  = aws_eks_cluster.prod.name
  principal_arn = aws_eks_access_entry.dev.principal_arn
  policy_arn    = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy"

  access_scope {
    type = "cluster"
  }
}
