//! Reading IAM and EKS ARNs that may be only partly known.

use crate::diagnostic::quote;
use crate::ir::Text;

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
pub(crate) struct ArnParts {
    fields: Vec<Option<String>>,
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

impl ArnParts {
    pub fn new(text: &Text) -> ArnParts {
        ArnParts {
            fields: text.split_known(':'),
        }
    }

    /// Field `i` (0 = `arn`, 1 = partition, 2 = service, 3 = region, 4 = account), when known and
    /// when no unknown part before it could have shifted the fields.
    pub fn field(&self, i: usize) -> Option<&str> {
        if self.fields.len() < 6 {
            return None;
        }
        self.fields.get(i)?.as_deref()
    }

    /// The resource: the last field (IAM and EKS resources hold no colon), when known.
    pub fn resource(&self) -> Option<&str> {
        if self.fields.len() < 2 {
            return None;
        }
        self.fields.last()?.as_deref()
    }

    /// The twelve-digit account, when known.
    pub fn account(&self) -> Option<&str> {
        self.field(4)
            .filter(|a| a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit()))
    }

    /// The principal kind, from the service and resource (when known).
    pub fn principal_kind(&self) -> Option<PrincipalKind> {
        let resource = self.resource()?;
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
    let fields: Vec<&str> = arn.splitn(6, ':').collect();
    let [prefix, partition, service, region, account, resource] = fields[..] else {
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
    let Some((kind, rest)) = resource
        .split_once('/')
        .filter(|(k, _)| *k == "role" || *k == "user")
    else {
        return Some(format!(
            "the resource {} is not `role/<name>` or `user/<name>`",
            quote(resource)
        ));
    };
    let (path, name) = match rest.rfind('/') {
        Some(i) => (&rest[..=i], &rest[i + 1..]),
        None => ("", rest),
    };
    if name.is_empty()
        || name.chars().count() > 64
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c))
    {
        return Some(format!(
            "the {kind} name {} is not 1 to 64 characters of letters, digits and `_+=,.@-`",
            quote(name)
        ));
    }
    if !path.is_empty() {
        let full = format!("/{path}");
        if full.len() > 512 || !full.chars().all(|c| ('!'..='~').contains(&c)) {
            return Some(format!("the path {} is not a valid IAM path", quote(&full)));
        }
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
        return if complete || parts.fields.len() > 6 && parts.fields.iter().all(Option::is_some) {
            Err("it does not have the six colon-separated fields of an ARN".into())
        } else {
            Ok(None)
        };
    }
    let field = |i: usize| parts.fields[i].as_deref();
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
    ArnParts::new(text)
        .resource()?
        .strip_prefix("cluster-access-policy/")
        .filter(|n| !n.is_empty())
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::Part;

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
