package ekslint.policies.org_accounts_test

import data.ekslint.policies.org_accounts

entry(arn) := {"principal_arn": {"value": arn, "known": true, "at": 7}}

test_a_foreign_account_is_denied if {
	findings := org_accounts.deny with input as {"entries": [entry("arn:aws:iam::999988887777:role/vendor")]}
	count(findings) == 1
	some finding in findings
	finding.id == "ORG004"
	finding.at == 7
}

test_the_organisations_accounts_are_allowed if {
	findings := org_accounts.deny with input as {"entries": [
		entry("arn:aws:iam::111122223333:role/ci"),
		entry("arn:aws:iam::444455556666:user/alice"),
	]}
	count(findings) == 0
}

test_an_unknown_principal_is_not_judged if {
	findings := org_accounts.deny with input as {"entries": [{"principal_arn": {"known": false, "at": 1}}]}
	count(findings) == 0
}
