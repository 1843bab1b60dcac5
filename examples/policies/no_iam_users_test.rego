package ekslint.policies.no_iam_users_test

import data.ekslint.policies.no_iam_users

entry(principal) := {"principal_arn": principal}

known(arn) := {"value": arn, "known": true, "at": 1}

test_a_user_is_denied if {
	findings := no_iam_users.deny with input as {"entries": [entry(known("arn:aws:iam::111122223333:user/alice"))]}
	count(findings) == 1
	some finding in findings
	finding.id == "ORG003"
	finding.at == 1
}

test_a_role_is_allowed if {
	findings := no_iam_users.deny with input as {"entries": [entry(known("arn:aws:iam::111122223333:role/user/alice"))]}
	count(findings) == 0
}

test_a_partly_known_user_is_denied if {
	partly := {"known": false, "parts": ["arn:", null, ":iam::", null, ":user/alice"], "at": 1}
	findings := no_iam_users.deny with input as {"entries": [entry(partly)]}
	count(findings) == 1
}

test_an_unknown_kind_is_not_judged if {
	partly := {"known": false, "parts": ["arn:aws:iam::111122223333:", null], "at": 1}
	unknown := {"known": false, "at": 2}
	findings := no_iam_users.deny with input as {"entries": [entry(partly), entry(unknown)]}
	count(findings) == 0
}
