//! `iamIdentityMappings[]`: the aws-auth ConfigMap mappings eksctl writes for the cluster.

use super::value::{optional_text, text, text_list};
use crate::ir::{ClusterLink, ConfigMapMapping, MappingKind, Model, Unit, Val};
use crate::parse::tree::{Node, NodeKind};

/// Adds the mappings of an `iamIdentityMappings` list of `unit` to the model. eksctl writes a
/// role ARN to `mapRoles` and a user ARN to `mapUsers` as given; `account` adds to
/// `mapAccounts`, and `serviceName` makes the mapping of that service's own role.
pub fn lower(list: &Node, unit: &Unit, cluster: &ClusterLink, model: &mut Model) {
    let NodeKind::Seq(items) = &list.kind else {
        return;
    };
    for item in items.iter().filter(|i| matches!(i.kind, NodeKind::Map(_))) {
        let field = |key: &str| optional_text(item.get(key));
        let (kind, arn) = if !field("serviceName").is_absent() {
            (MappingKind::Service, Val::Absent)
        } else if !field("account").is_absent() {
            (MappingKind::Account, field("account"))
        } else {
            let arn = text(item.get("arn"));
            let user = arn
                .get()
                .is_some_and(|a| crate::parse::aws_auth::is_user_arn(&a.value));
            let kind = if user {
                MappingKind::User
            } else {
                MappingKind::Role
            };
            (kind, arn)
        };
        model.mappings.push(ConfigMapMapping {
            unit: unit.clone(),
            cluster: cluster.clone(),
            span: item.span,
            origin: Vec::new(),
            kind,
            arn,
            username: field("username"),
            groups: text_list(item.get("groups")),
            sso: None,
            defect: None,
        });
    }
}
