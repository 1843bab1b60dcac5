# Principals only from the organisation's accounts.
#
# An access entry for a principal of an account outside the organisation hands cluster access to
# whoever controls that account.
package ekslint.policies.org_accounts

# The organisation's accounts.
accounts := {"111122223333", "444455556666"}

# METADATA
# title: Principals only from the organisation's accounts
# description: >-
#   An access entry's principal belongs to an AWS account outside the organisation.
# related_resources:
#   - https://docs.aws.amazon.com/eks/latest/userguide/access-entries.html
# custom:
#   id: ORG004
#   name: principal-outside-organisation
deny contains finding if {
	some entry in input.entries
	arn := entry.principal_arn.value
	account := split(arn, ":")[4]
	account != ""
	not accounts[account]
	finding := {
		"id": "ORG004",
		"message": sprintf("the principal %s belongs to account %s, outside the organisation", [arn, account]),
		"at": entry.principal_arn.at,
	}
}
