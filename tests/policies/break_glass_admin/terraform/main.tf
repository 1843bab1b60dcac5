resource "aws_eks_cluster" "main" {
  name     = "shop"
  role_arn = "arn:aws:iam::111122223333:role/eks-cluster"

  access_config {
    authentication_mode = "API"
  }
}

resource "aws_eks_access_entry" "break_glass" {
  cluster_name  = aws_eks_cluster.main.name
  principal_arn = "arn:aws:iam::111122223333:role/break-glass"
}

resource "aws_eks_access_policy_association" "break_glass" {
  cluster_name  = aws_eks_cluster.main.name
  principal_arn = aws_eks_access_entry.break_glass.principal_arn
  policy_arn    = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"

  access_scope {
    type = "cluster"
  }
}

resource "aws_eks_access_entry" "platform" {
  cluster_name  = aws_eks_cluster.main.name
  principal_arn = "arn:aws:iam::111122223333:role/platform"
}

resource "aws_eks_access_policy_association" "platform" {
  cluster_name  = aws_eks_cluster.main.name
  principal_arn = aws_eks_access_entry.platform.principal_arn
  policy_arn    = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"

  access_scope {
    type = "cluster"
  }
}
