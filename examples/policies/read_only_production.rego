# Read-only in production.
#
# Changes reach production clusters through the deployment pipeline's own role; people and other
# roles get read-only access there.
package ekslint.policies.read_only_production

# The policies that only read.
read_only := {"AmazonEKSViewPolicy"}

# Roles that deploy to production.
deployers := {"arn:aws:iam::111122223333:role/prod-deployer", "arn:aws:iam::111122223333:role/break-glass"}

# The name of an association's cluster: the cluster it binds to, else the name it gives.
cluster_name(association) := name if {
	name := input.clusters[association.cluster.index].name.value
} else := association.cluster.name.value

# METADATA
# title: Read-only in production
# description: >-
#   A principal other than the production deployers gets an access policy that can change a
#   production cluster (a cluster whose name starts with "prod").
# related_resources:
#   - https://docs.aws.amazon.com/eks/latest/userguide/access-policy-permissions.html
# custom:
#   id: ORG005
#   name: read-only-in-production
warn contains finding if {
	some association in input.associations
	cluster := cluster_name(association)
	startswith(cluster, "prod")
	policy := split(association.policy_arn.value, "/")[1]
	not read_only[policy]
	principal := association.principal_arn.value
	not deployers[principal]
	finding := {
		"id": "ORG005",
		"message": sprintf("%s gets %s on the production cluster %s; only the deployers may change it", [principal, policy, cluster]),
		"at": association.policy_arn.at,
		"help": "grant AmazonEKSViewPolicy",
	}
}
