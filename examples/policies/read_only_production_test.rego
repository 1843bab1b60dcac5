package ekslint.policies.read_only_production_test

import data.ekslint.policies.read_only_production

association(cluster, principal, policy) := {
	"cluster": {"name": {"value": cluster, "known": true, "at": 1}},
	"principal_arn": {"value": principal, "known": true, "at": 2},
	"policy_arn": {"value": sprintf("arn:aws:eks::aws:cluster-access-policy/%s", [policy]), "known": true, "at": 3},
}

test_edit_in_production_warns if {
	findings := read_only_production.warn with input as {"associations": [association("prod-eu", "arn:aws:iam::111122223333:role/dev", "AmazonEKSEditPolicy")]}
	count(findings) == 1
	some finding in findings
	finding.id == "ORG005"
	finding.at == 3
}

test_view_in_production_and_edit_elsewhere_are_allowed if {
	findings := read_only_production.warn with input as {"associations": [
		association("prod-eu", "arn:aws:iam::111122223333:role/dev", "AmazonEKSViewPolicy"),
		association("staging", "arn:aws:iam::111122223333:role/dev", "AmazonEKSEditPolicy"),
	]}
	count(findings) == 0
}

test_the_deployer_may_change_production if {
	findings := read_only_production.warn with input as {"associations": [association("prod-eu", "arn:aws:iam::111122223333:role/prod-deployer", "AmazonEKSAdminPolicy")]}
	count(findings) == 0
}

test_the_bound_clusters_name_counts if {
	unnamed := {
		"cluster": {"name": {"known": false, "at": 4}, "index": 0},
		"principal_arn": {"value": "arn:aws:iam::111122223333:role/dev", "known": true, "at": 2},
		"policy_arn": {"value": "arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy", "known": true, "at": 3},
	}
	findings := read_only_production.warn with input as {
		"clusters": [{"name": {"value": "prod-us", "known": true, "at": 5}}],
		"associations": [unnamed],
	}
	count(findings) == 1
}
