# Cluster admin only for the break-glass role.
#
# AmazonEKSClusterAdminPolicy is the cluster-admin of EKS access policies: every action on every
# resource. Only the organisation's break-glass role may hold it; everyone else gets a narrower
# policy, scoped to their namespaces.
package ekslint.policies.break_glass_admin

# The roles that may hold cluster admin.
break_glass_roles := {"arn:aws:iam::111122223333:role/break-glass"}

# METADATA
# title: Cluster admin only for the break-glass role
# description: >-
#   AmazonEKSClusterAdminPolicy grants every action on every resource of the cluster. Only the
#   break-glass role may hold it; grant other principals a narrower policy scoped to namespaces.
# related_resources:
#   - ref: https://docs.aws.amazon.com/eks/latest/userguide/access-policy-permissions.html
#     description: the permissions of each EKS access policy
# custom:
#   id: ORG001
#   name: cluster-admin-only-break-glass
deny contains finding if {
	some association in input.associations
	endswith(association.policy_arn.value, ":cluster-access-policy/AmazonEKSClusterAdminPolicy")
	principal := association.principal_arn.value
	not break_glass_roles[principal]
	finding := {
		"id": "ORG001",
		"message": sprintf("%s gets AmazonEKSClusterAdminPolicy; only the break-glass role may be cluster admin", [principal]),
		"at": association.policy_arn.at,
		"help": "grant AmazonEKSAdminPolicy or AmazonEKSEditPolicy scoped to the principal's namespaces",
	}
}
