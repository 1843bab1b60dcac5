# No IAM users.
#
# People reach clusters through roles (federated, short-lived credentials); an access entry for an
# IAM user means long-lived keys with cluster access.
package ekslint.policies.no_iam_users

# An IAM user's ARN: `arn:<partition>:iam::<account>:user/<path><name>`.
user_arn := `^arn:[^:]+:iam::[^:]*:user/`

# The text of a partly known ARN, its unknown parts as "*" (none of an ARN's separators), so
# that `arn:${partition}:iam::${account}:user/bob` is still known to be a user's.
partly_known(parts) := concat("", [text |
	some part in parts
	text := part_text(part)
])

part_text(part) := part if is_string(part)

part_text(null) := "*"

finding(entry, arn) := {
	"id": "ORG003",
	"message": sprintf("the access entry's principal %s is an IAM user", [arn]),
	"at": entry.principal_arn.at,
	"help": "create the access entry for an IAM role",
}

# METADATA
# title: No IAM users
# description: >-
#   An access entry's principal is an IAM user. Give people cluster access through IAM roles
#   (IAM Identity Center, federation) instead of long-lived user credentials.
# related_resources:
#   - https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html
# custom:
#   id: ORG003
#   name: no-iam-users
deny contains finding(entry, arn) if {
	some entry in input.entries
	arn := entry.principal_arn.value
	contains(arn, ":user/")
	regex.match(user_arn, arn)
}

deny contains finding(entry, arn) if {
	some entry in input.entries
	arn := partly_known(entry.principal_arn.parts)
	contains(arn, ":user/")
	regex.match(user_arn, arn)
}
