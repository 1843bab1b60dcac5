//! Reading IAM and EKS ARNs that may be only partly known.

use crate::diagnostic::quote;
use crate::ir::{Part, Text};
use std::borrow::Cow;

/// Partitions known to the AWS SDKs and eksctl.
pub(crate) const PARTITIONS: [&str; 7] = [
    "aws",
    "aws-cn",
    "aws-us-gov",
    "aws-iso",
    "aws-iso-b",
    "aws-iso-f",
    "aws-iso-e",
];

/// The colon-separated fields of an ARN; a field is `None` when it touches an unknown part.
pub(crate) struct ArnParts<'t> {
    fields: Fields<'t>,
    /// The known start of the last field (all of it when it is known): `role/` of
    /// `...:role/${name}`.
    last_start: Cow<'t, str>,
}

/// The fields of an ARN.
enum Fields<'t> {
    /// A fully known ARN, with the offsets of its first colons and how many it has.
    Known {
        arn: &'t str,
        colons: [usize; FIRST_COLONS],
        count: usize,
    },
    /// A partly known one, split once.
    Partial(Vec<Option<Cow<'t, str>>>),
}

/// How many colon offsets a known ARN keeps: enough for the six fields of an ARN.
const FIRST_COLONS: usize = 6;

/// The offsets of the first colons of `arn`, and how many colons it has.
fn colons(arn: &str) -> ([usize; FIRST_COLONS], usize) {
    let mut colons = [0; FIRST_COLONS];
    let mut count = 0;
    // A loop over bytes: ARNs are too short for memchr's setup to pay.
    for (i, b) in arn.bytes().enumerate() {
        if b == b':' {
            if let Some(slot) = colons.get_mut(count) {
                *slot = i;
            }
            count += 1;
        }
    }
    (colons, count)
}

impl<'t> Fields<'t> {
    fn known(arn: &'t str) -> Fields<'t> {
        let (colons, count) = colons(arn);
        Fields::Known { arn, colons, count }
    }

    fn len(&self) -> usize {
        match self {
            Fields::Known { count, .. } => count + 1,
            Fields::Partial(fields) => fields.len(),
        }
    }

    fn get(&self, i: usize) -> Option<&str> {
        match self {
            Fields::Known { arn, colons, count } => {
                if i > *count {
                    return None;
                }
                if i >= FIRST_COLONS {
                    return arn.split(':').nth(i);
                }
                let start = if i == 0 { 0 } else { colons[i - 1] + 1 };
                let end = if i == *count { arn.len() } else { colons[i] };
                arn.get(start..end)
            }
            Fields::Partial(fields) => fields.get(i)?.as_deref(),
        }
    }

    /// Whether every field is known.
    fn all_known(&self) -> bool {
        match self {
            Fields::Known { .. } => true,
            Fields::Partial(fields) => fields.iter().all(Option::is_some),
        }
    }

    fn last(&self) -> Option<&str> {
        match self {
            Fields::Known { arn, .. } => Some(after_last_colon(arn)),
            Fields::Partial(fields) => fields.last()?.as_deref(),
        }
    }
}

/// What follows the last colon (all of `arn` when it has none).
fn after_last_colon(arn: &str) -> &str {
    arn.bytes()
        .rposition(|b| b == b':')
        .map_or(arn, |i| &arn[i + 1..])
}

/// What kind of principal an ARN names, as far as its known parts tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PrincipalKind {
    Role,
    ServiceLinkedRole,
    User,
    /// An STS session (`assumed-role/...` or `federated-user/...`).
    Session,
}

impl<'t> ArnParts<'t> {
    pub fn new(text: &'t Text) -> ArnParts<'t> {
        if let Some(arn) = text.as_str() {
            return ArnParts {
                fields: Fields::known(arn),
                last_start: Cow::Borrowed(after_last_colon(arn)),
            };
        }
        let mut last_start = Cow::Borrowed("");
        let mut open = true;
        for part in text.parts() {
            match part {
                Part::Lit(s) => match s.rfind(':') {
                    Some(i) => {
                        last_start = Cow::Borrowed(&s[i + 1..]);
                        open = true;
                    }
                    None if open && last_start.is_empty() => last_start = Cow::Borrowed(s),
                    None if open => last_start.to_mut().push_str(s),
                    None => {}
                },
                Part::Hole | Part::Named { .. } => open = false,
            }
        }
        ArnParts {
            fields: Fields::Partial(text.split_known(b':')),
            last_start,
        }
    }

    /// Field `i` (0 = `arn`, 1 = partition, 2 = service, 3 = region, 4 = account), when known and
    /// when no unknown part before it could have shifted the fields.
    pub fn field(&self, i: usize) -> Option<&str> {
        if self.fields.len() < 6 {
            return None;
        }
        self.fields.get(i)
    }

    /// The resource: the last field (IAM and EKS resources hold no colon), when known.
    pub fn resource(&self) -> Option<&str> {
        if self.fields.len() < 2 {
            return None;
        }
        self.fields.last()
    }

    /// The twelve-digit account, when known.
    pub fn account(&self) -> Option<&str> {
        self.field(4)
            .filter(|a| a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit()))
    }

    /// The principal kind, from the service and the known start of the resource (`role/`,
    /// `user/`, `role/aws-service-role/`): a role's or user's name may be unknown.
    pub fn principal_kind(&self) -> Option<PrincipalKind> {
        if self.fields.len() < 2 {
            return None;
        }
        let resource = &*self.last_start;
        let service = self.field(2);
        if resource.starts_with("assumed-role/") || resource.starts_with("federated-user/") {
            return (service == Some("sts")).then_some(PrincipalKind::Session);
        }
        if service.is_some_and(|s| s != "iam") {
            return None;
        }
        if resource.starts_with("role/aws-service-role/") {
            Some(PrincipalKind::ServiceLinkedRole)
        } else if resource.starts_with("role/") {
            Some(PrincipalKind::Role)
        } else if resource.starts_with("user/") {
            Some(PrincipalKind::User)
        } else {
            None
        }
    }
}

/// Why a fully known principal ARN is not a valid IAM role or user ARN, if it is not.
pub(crate) fn principal_arn_problem(arn: &str) -> Option<String> {
    let Some([prefix, partition, service, region, account, resource]) = six_fields(arn) else {
        return Some("it does not have the six colon-separated fields of an ARN".into());
    };
    if prefix != "arn" {
        return Some("it does not start with `arn:`".into());
    }
    if !PARTITIONS.contains(&partition) {
        return Some(format!("{} is not an AWS partition", quote(partition)));
    }
    if service != "iam" {
        return Some(format!("the service is {}, not `iam`", quote(service)));
    }
    if !region.is_empty() {
        return Some("IAM ARNs have no region".into());
    }
    if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
        return Some(format!("the account {} is not 12 digits", quote(account)));
    }
    resource_problem(resource)
}

/// The six colon-separated fields of an ARN, the last with any further colons; `None` when
/// it has fewer.
fn six_fields(arn: &str) -> Option<[&str; 6]> {
    let ([a, b, c, d, e, _], count) = colons(arn);
    if count < 5 {
        return None;
    }
    Some([
        &arn[..a],
        &arn[a + 1..b],
        &arn[b + 1..c],
        &arn[c + 1..d],
        &arn[d + 1..e],
        &arn[e + 1..],
    ])
}

/// Why the resource of a principal ARN (`role/<path/>name`, `user/<path/>name`) is not valid,
/// if it is not.
pub(crate) fn resource_problem(resource: &str) -> Option<String> {
    let kind = resource
        .bytes()
        .position(|b| b == b'/')
        .map(|i| (&resource[..i], &resource[i + 1..]));
    let Some((kind, rest)) = kind.filter(|(k, _)| *k == "role" || *k == "user") else {
        return Some(format!(
            "the resource {} is not `role/<name>` or `user/<name>`",
            quote(resource)
        ));
    };
    let (path, name) = match rest.bytes().rposition(|b| b == b'/') {
        Some(i) => (&rest[..=i], &rest[i + 1..]),
        None => ("", rest),
    };
    // Every character allowed is ASCII, so a name of them has as many characters as bytes.
    if name.is_empty()
        || !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_+=,.@-".contains(&b))
        || name.len() > 64
    {
        return Some(format!(
            "the {kind} name {} is not 1 to 64 characters of letters, digits and `_+=,.@-`",
            quote(name)
        ));
    }
    // The path with its leading `/`: at most 512 printable ASCII characters.
    if !path.is_empty()
        && (path.len() + 1 > 512 || !path.bytes().all(|b| (b'!'..=b'~').contains(&b)))
    {
        let full = format!("/{path}");
        return Some(format!("the path {} is not a valid IAM path", quote(&full)));
    }
    None
}

/// Reads a policy ARN that may be partly known: `Ok(Some(name))` when it is a well-formed access
/// policy ARN whose name is known, `Ok(None)` when its known parts are fine but do not tell, and
/// `Err` with the reason when a known part is wrong.
pub(crate) fn policy_arn(text: &Text) -> Result<Option<String>, String> {
    let parts = ArnParts::new(text);
    let complete = !text.has_holes();
    if parts.fields.len() != 6 {
        return if complete || parts.fields.len() > 6 && parts.fields.all_known() {
            Err("it does not have the six colon-separated fields of an ARN".into())
        } else {
            Ok(None)
        };
    }
    let field = |i: usize| parts.fields.get(i);
    if field(0).is_some_and(|p| p != "arn") || field(1).is_some_and(|p| !PARTITIONS.contains(&p)) {
        return Err("it does not start with `arn:<partition>:`".into());
    }
    let (service, region, account) = (field(2), field(3), field(4));
    if service.is_some_and(|s| s != "eks")
        || region.is_some_and(|r| !r.is_empty())
        || account.is_some_and(|a| a != "aws")
    {
        return Err(format!(
            "access policies are `arn:<partition>:eks::aws:cluster-access-policy/<Name>`, not {}",
            quote(&format!(
                "{}:{}:{}",
                service.unwrap_or("…"),
                region.unwrap_or("…"),
                account.unwrap_or("…")
            ))
        ));
    }
    let Some(resource) = field(5) else {
        return Ok(None);
    };
    match resource.strip_prefix("cluster-access-policy/") {
        Some(name) if !name.is_empty() && !name.contains('/') => Ok(Some(name.to_string())),
        _ => Err(format!(
            "the resource {} is not `cluster-access-policy/<Name>`",
            quote(resource)
        )),
    }
}

/// The access policy name of a possibly partial policy ARN, when its resource is known.
pub(crate) fn known_policy_name(text: &Text) -> Option<String> {
    let name = |resource: &str| {
        resource
            .strip_prefix("cluster-access-policy/")
            .filter(|n| !n.is_empty())
            .map(str::to_string)
    };
    match text.as_str() {
        // A known ARN's resource follows its last colon.
        Some(arn) => name(&arn[arn.bytes().rposition(|b| b == b':')? + 1..]),
        None => name(ArnParts::new(text).resource()?),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_fields_are_the_colon_separated_ones() {
        for arn in [
            "",
            "role",
            ":",
            "arn:aws:iam::111122223333:role/dev",
            "arn:aws:iam::111122223333:role/dev:",
            "a:b:c:d:e:f:g:h:i",
            "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy",
        ] {
            let fields = Fields::known(arn);
            let split: Vec<&str> = arn.split(':').collect();
            assert_eq!(fields.len(), split.len(), "{arn}");
            for i in 0..split.len() + 2 {
                assert_eq!(fields.get(i), split.get(i).copied(), "{arn} field {i}");
            }
            assert_eq!(fields.last(), split.last().copied(), "{arn}");
        }
    }

    #[test]
    fn principal_arns() {
        assert_eq!(
            principal_arn_problem("arn:aws:iam::111122223333:role/dev"),
            None
        );
        assert_eq!(
            principal_arn_problem("arn:aws:iam::111122223333:role/a/b/dev"),
            None
        );
        assert!(principal_arn_problem("arn:aws:iam::11112222333:role/dev").is_some());
        assert!(principal_arn_problem("arn:awz:iam::111122223333:role/dev").is_some());
        assert!(principal_arn_problem("arn:aws:iam::111122223333:group/dev").is_some());
        assert!(principal_arn_problem("arn:aws:iam::111122223333:role/d ev").is_some());
        assert!(principal_arn_problem("arn:aws:iam::111122223333:role/dév").is_some());
        assert!(principal_arn_problem("arn:aws:iam::111122223333:role/dev:x").is_some());
        assert!(principal_arn_problem("arn:aws:iam::111122223333").is_some());
        assert!(principal_arn_problem("arn:aws:iam:111122223333:role/dev").is_some());
        let name = |n: usize| format!("arn:aws:iam::111122223333:user/p/{}", "a".repeat(n));
        assert_eq!(principal_arn_problem(&name(64)), None);
        assert!(principal_arn_problem(&name(65)).is_some());
        assert!(principal_arn_problem("arn:aws:iam::111122223333:role/a b/dev").is_some());
        assert!(principal_arn_problem("arn:aws:iam::111122223333:role/é/dev").is_some());
        // The path with its slashes: `/` + 510 characters + `/` is 512.
        let path = |n: usize| format!("arn:aws:iam::111122223333:role/{}/dev", "p".repeat(n));
        assert_eq!(principal_arn_problem(&path(510)), None);
        assert!(principal_arn_problem(&path(511)).is_some());
    }

    #[test]
    fn partial_service_linked_role() {
        let t = Text::from_parts([
            Part::Lit("arn:".into()),
            Part::Hole,
            Part::Lit(":iam::".into()),
            Part::Hole,
            Part::Lit(":role/aws-service-role/eks.amazonaws.com/AWSServiceRoleForAmazonEKS".into()),
        ]);
        let p = ArnParts::new(&t);
        assert_eq!(p.principal_kind(), Some(PrincipalKind::ServiceLinkedRole));
        assert_eq!(p.account(), None);
    }

    #[test]
    fn known_policy_names() {
        let name = |s: &str| known_policy_name(&Text::lit(s));
        assert_eq!(
            name("arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy").as_deref(),
            Some("AmazonEKSViewPolicy")
        );
        assert_eq!(name("cluster-access-policy/AmazonEKSViewPolicy"), None);
        assert_eq!(name("arn:aws:eks::aws:cluster-access-policy/"), None);
        assert_eq!(name("arn:aws:iam::aws:policy/AmazonEKSViewPolicy"), None);
        let partial = Text::from_parts([
            Part::Lit("arn:".into()),
            Part::Hole,
            Part::Lit(":eks::aws:cluster-access-policy/AmazonEKSEditPolicy".into()),
        ]);
        assert_eq!(
            known_policy_name(&partial).as_deref(),
            Some("AmazonEKSEditPolicy")
        );
    }

    #[test]
    fn policy_arns() {
        let lit = |s: &str| policy_arn(&Text::lit(s));
        assert_eq!(
            lit("arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy"),
            Ok(Some("AmazonEKSViewPolicy".into()))
        );
        assert!(lit("arn:aws:iam::aws:policy/AmazonEKSClusterPolicy").is_err());
        assert!(lit("arn:aws:eks::aws:cluster-access-policy/A:B").is_err());
        let partial = |rest: &str| {
            policy_arn(&Text::from_parts([
                Part::Lit("arn:".into()),
                Part::Hole,
                Part::Lit(rest.into()),
            ]))
        };
        assert!(partial(":iam::aws:policy/AmazonEKSClusterAdminPolicy").is_err());
        assert_eq!(
            partial(":eks::aws:cluster-access-policy/AmazonEKSViewPolicy"),
            Ok(Some("AmazonEKSViewPolicy".into()))
        );
    }
}
