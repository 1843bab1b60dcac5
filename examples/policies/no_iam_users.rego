# No IAM users.
#
# People reach clusters through roles (federated, short-lived credentials); an access entry for an
# IAM user means long-lived keys with cluster access.
package ekslint.policies.no_iam_users

# The text of an ARN field, its unknown parts as "*" (none of an ARN's separators), so that
# `arn:${partition}:iam::${account}:user/bob` is still known to be a user.
arn_text(field) := field.value if field.known

arn_text(field) := concat("", [text |
	some part in field.parts
	text := part_text(part)
]) if not field.known

part_text(part) := part if is_string(part)

part_text(part) := "*" if part == null

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
deny contains finding if {
	some entry in input.entries
	arn := arn_text(entry.principal_arn)
	regex.match(`^arn:[^:]+:iam::[^:]*:user/`, arn)
	finding := {
		"id": "ORG003",
		"message": sprintf("the access entry's principal %s is an IAM user", [arn]),
		"at": entry.principal_arn.at,
		"help": "create the access entry for an IAM role",
	}
}
