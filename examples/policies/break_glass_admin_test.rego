package ekslint.policies.break_glass_admin_test

import data.ekslint.policies.break_glass_admin

admin := "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"

association(principal, policy) := {
	"principal_arn": {"value": principal, "known": true, "at": 1},
	"policy_arn": {"value": policy, "known": true, "at": 2},
}

test_cluster_admin_for_another_role_is_denied if {
	findings := break_glass_admin.deny with input as {"associations": [association("arn:aws:iam::111122223333:role/ci", admin)]}
	count(findings) == 1
	some finding in findings
	finding.id == "ORG001"
	finding.at == 2
}

test_cluster_admin_for_the_break_glass_role_is_allowed if {
	findings := break_glass_admin.deny with input as {"associations": [association("arn:aws:iam::111122223333:role/break-glass", admin)]}
	count(findings) == 0
}

test_other_policies_are_not_judged if {
	view := "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy"
	findings := break_glass_admin.deny with input as {"associations": [association("arn:aws:iam::111122223333:role/ci", view)]}
	count(findings) == 0
}

test_an_unknown_principal_is_not_judged if {
	unknown := {"principal_arn": {"known": false, "at": 1}, "policy_arn": {"value": admin, "known": true, "at": 2}}
	findings := break_glass_admin.deny with input as {"associations": [unknown]}
	count(findings) == 0
}
