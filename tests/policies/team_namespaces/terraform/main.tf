resource "aws_eks_access_entry" "search" {
  cluster_name  = "shop"
  principal_arn = "arn:aws:iam::111122223333:role/search-deployer"
}

resource "aws_eks_access_policy_association" "search" {
  cluster_name  = "shop"
  principal_arn = aws_eks_access_entry.search.principal_arn
  policy_arn    = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy"

  access_scope {
    type       = "namespace"
    namespaces = ["search", "payments"]
  }
}

resource "aws_eks_access_entry" "payments" {
  cluster_name  = "shop"
  principal_arn = "arn:aws:iam::111122223333:role/payments-deployer"
}

resource "aws_eks_access_policy_association" "payments" {
  cluster_name  = "shop"
  principal_arn = aws_eks_access_entry.payments.principal_arn
  policy_arn    = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy"

  access_scope {
    type       = "namespace"
    namespaces = ["payments", "payments-batch"]
  }
}
