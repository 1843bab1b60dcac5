# A team's namespaces only for that team's roles.
#
# Each team owns its namespaces; an access policy scoped to one of them may be granted only to
# that team's IAM roles (named `<team>-...`), so one team cannot grant itself into another's.
package ekslint.policies.team_namespaces

# Each team's namespaces and the name prefix of its IAM roles.
teams := {
	"payments": {"namespaces": {"payments", "payments-batch"}, "role_prefix": "payments-"},
	"search": {"namespaces": {"search"}, "role_prefix": "search-"},
}

# The name of an IAM role ARN without its path (`deployer` for `role/ci/deployer`).
role_name(arn) := name if {
	parts := split(arn, ":role/")
	count(parts) == 2
	segments := split(parts[1], "/")
	name := segments[count(segments) - 1]
}

# Whether an ARN is one of the team's roles.
team_role(arn, team) if startswith(role_name(arn), teams[team].role_prefix)

# The team that owns each namespace.
namespace_owner[namespace] := team if {
	some team, owner in teams
	some namespace in owner.namespaces
}

# METADATA
# title: A team's namespaces only for that team's roles
# description: >-
#   An access policy scoped to a team's namespace is granted to a principal that is not one of
#   that team's IAM roles.
# related_resources:
#   - https://docs.aws.amazon.com/eks/latest/userguide/access-policies.html
# custom:
#   id: ORG002
#   name: team-namespace-foreign-principal
deny contains finding if {
	some association in input.associations
	association.access_scope.type.value == "namespace"
	some namespace in association.access_scope.namespaces.value
	team := namespace_owner[namespace.value]
	principal := association.principal_arn.value
	not team_role(principal, team)
	finding := {
		"id": "ORG002",
		"message": sprintf("namespace %q belongs to team %s, but %s is not one of its roles (%s*)", [namespace.value, team, principal, teams[team].role_prefix]),
		"at": namespace.at,
	}
}
