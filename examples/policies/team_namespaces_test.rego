package ekslint.policies.team_namespaces_test

import data.ekslint.policies.team_namespaces

scoped(principal, namespaces) := {
	"principal_arn": {"value": principal, "known": true, "at": 1},
	"access_scope": {
		"at": 2,
		"type": {"value": "namespace", "known": true, "at": 3},
		"namespaces": {"value": [{"value": ns, "known": true, "at": 10 + i} | some i, ns in namespaces], "known": true, "at": 4},
	},
}

test_another_teams_role_in_a_team_namespace_is_denied if {
	findings := team_namespaces.deny with input as {"associations": [scoped("arn:aws:iam::111122223333:role/search-deployer", ["search", "payments"])]}
	count(findings) == 1
	some finding in findings
	finding.id == "ORG002"
	finding.at == 11
}

test_the_teams_role_is_allowed_whatever_its_path if {
	findings := team_namespaces.deny with input as {"associations": [scoped("arn:aws:iam::111122223333:role/teams/payments-deployer", ["payments", "payments-batch"])]}
	count(findings) == 0
}

test_a_user_is_not_a_teams_role if {
	findings := team_namespaces.deny with input as {"associations": [scoped("arn:aws:iam::111122223333:user/payments-alice", ["payments"])]}
	count(findings) == 1
}

test_namespaces_of_no_team_are_not_judged if {
	findings := team_namespaces.deny with input as {"associations": [scoped("arn:aws:iam::111122223333:role/ci", ["tools"])]}
	count(findings) == 0
}
