//! `AWS::EKS::Cluster` and `AWS::EKS::AccessEntry` resources into the IR, and the resources
//! whose roles EKS gives access itself: `AWS::EKS::Capability`, `AWS::EKS::Nodegroup` and
//! `AWS::EKS::FargateProfile`.

use super::intrinsics::Template;
use super::values::{Ev, Field, Value};
use crate::ir::{
    AccessEntry, AuthMode, Capability, Cluster, ClusterLink, InlinePolicies, Model, NodeRole,
    PolicyAssociation, Unit, UnknownField, Val,
};
use crate::parse::tree::{Key, Node, NodeKind, unknown_keys};
use crate::source::Span;

/// Properties of `AWS::EKS::AccessEntry` (its CloudFormation schema).
const ENTRY_PROPERTIES: &[&str] = &[
    "ClusterName",
    "PrincipalArn",
    "Type",
    "Username",
    "KubernetesGroups",
    "AccessPolicies",
    "Tags",
];
/// Properties of an `AccessPolicies` item.
const POLICY_PROPERTIES: &[&str] = &["PolicyArn", "AccessScope"];
/// Properties of an `AccessScope`.
const SCOPE_PROPERTIES: &[&str] = &["Type", "Namespaces"];
/// Properties of the `AccessConfig` of `AWS::EKS::Cluster`.
const ACCESS_CONFIG_PROPERTIES: &[&str] = &[
    "AuthenticationMode",
    "BootstrapClusterCreatorAdminPermissions",
];
/// The resource types read.
const READ: [&str; 5] = [
    "AWS::EKS::Cluster",
    "AWS::EKS::AccessEntry",
    "AWS::EKS::Capability",
    "AWS::EKS::Nodegroup",
    "AWS::EKS::FargateProfile",
];
/// The most items `AccessPolicies` may hold (`maxItems` in the schema).
const MAX_ACCESS_POLICIES: usize = 20;

/// Reads the EKS resources of a template. The template is one deployment unit.
pub(super) fn lower(t: &Template) -> Model {
    let mut model = Model::default();
    let unit = Unit::new(super::intrinsics::unit_key(t.file()));
    for (key, resource) in t.resources() {
        let skipped = resource
            .get("Condition")
            .and_then(Node::as_str)
            .is_some_and(|c| t.condition(c) == Some(false));
        if skipped {
            continue;
        }
        let ty = resource.get("Type").and_then(Node::as_str);
        if !ty.is_some_and(|t| READ.contains(&t)) {
            continue;
        }
        let properties = resource.get("Properties").map(|p| t.eval(p));
        match ty {
            Some("AWS::EKS::Cluster") => {
                model
                    .clusters
                    .push(cluster(t, &unit, key, properties.as_ref()))
            }
            Some("AWS::EKS::AccessEntry") => {
                entry(t, &unit, key, resource, properties.as_ref(), &mut model)
            }
            Some("AWS::EKS::Capability") => model.capabilities.push(Capability {
                unit: unit.clone(),
                header: key.span,
                cluster: cluster_link(t, resource, property(properties.as_ref(), "ClusterName")),
                role: property(properties.as_ref(), "RoleArn").text(),
            }),
            Some(kind @ ("AWS::EKS::Nodegroup" | "AWS::EKS::FargateProfile")) => {
                let role = if kind == "AWS::EKS::Nodegroup" {
                    "NodeRole"
                } else {
                    "PodExecutionRoleArn"
                };
                model.node_roles.push(NodeRole {
                    unit: unit.clone(),
                    header: key.span,
                    cluster: cluster_link(
                        t,
                        resource,
                        property(properties.as_ref(), "ClusterName"),
                    ),
                    role: property(properties.as_ref(), role).text(),
                })
            }
            _ => {}
        }
    }
    model
}

/// A property of the resource's evaluated `Properties`.
fn property<'e, 'd>(properties: Option<&'e Ev<'d>>, name: &str) -> Field<'e, 'd> {
    properties.map_or(Field::Absent, |p| p.field(name))
}

/// The reference key of a resource or parameter of this template.
fn reference(t: &Template, logical_id: &str) -> String {
    // Without the formatting machinery: every entry and association of a template asks.
    let mut key = t.file().0.to_string();
    key.push_str("::");
    key.push_str(logical_id);
    key
}

/// Keys of an evaluated mapping that are not in `expected`.
fn unknown_fields(object: Option<&Ev>, expected: &'static [&'static str]) -> Vec<UnknownField> {
    unknown_keys(object.map(Ev::entries).unwrap_or_default(), expected)
}

fn cluster(t: &Template, unit: &Unit, key: &Key, properties: Option<&Ev>) -> Cluster {
    let access = property(properties, "AccessConfig");
    let remote = property(properties, "RemoteNetworkConfig");
    Cluster {
        unit: unit.clone(),
        header: key.span,
        // Without a name, CloudFormation generates one: not known, but not missing.
        name: match property(properties, "Name").text() {
            Val::Absent => Val::unknown(key.span),
            name => name,
        },
        reference: Some(reference(t, &key.name)),
        role_arn: property(properties, "RoleArn").text(),
        auth_mode: access.get("AuthenticationMode").text(),
        access_config: access.key().map(|k| k.span),
        default_auth_mode: AuthMode::ConfigMap,
        bootstrap_admin: access
            .get("BootstrapClusterCreatorAdminPermissions")
            .boolean(),
        auto_mode: property(properties, "ComputeConfig")
            .get("Enabled")
            .boolean(),
        remote_network: remote
            .value()
            .filter(|v| matches!(v.value, Value::Map(_)))
            .and(remote.key())
            .map(|k| k.span),
        unknown_fields: unknown_fields(access.value(), ACCESS_CONFIG_PROPERTIES),
    }
}

fn entry(
    t: &Template,
    unit: &Unit,
    key: &Key,
    resource: &Node,
    properties: Option<&Ev>,
    model: &mut Model,
) {
    let policies = property(properties, "AccessPolicies");
    let index = model.entries.len();
    let items = match policies.value().map(|v| &v.value) {
        Some(Value::List(items)) => items.as_slice(),
        _ => &[],
    };
    model.push_entry(AccessEntry {
        unit: unit.clone(),
        header: key.span,
        cluster: cluster_link(t, resource, property(properties, "ClusterName")),
        principal: property(properties, "PrincipalArn").text(),
        entry_type: property(properties, "Type").text(),
        username: property(properties, "Username").text(),
        groups: property(properties, "KubernetesGroups").text_list(),
        tags: property(properties, "Tags").tags(),
        inline_policies: policies
            .value()
            .filter(|v| matches!(v.value, Value::List(_)))
            .map(|v| InlinePolicies {
                span: v.span,
                // An unknown item (`Fn::If` with `AWS::NoValue`) may not be there.
                count: items
                    .iter()
                    .filter(|i| !matches!(i.value, Value::Unknown))
                    .count(),
                limit: Some(MAX_ACCESS_POLICIES),
            }),
        address: None,
        unknown_fields: unknown_fields(properties, ENTRY_PROPERTIES),
    });
    for item in items {
        model.push_association(inline_policy(unit, item, index));
    }
}

/// The cluster of an entry: a `Ref` to a cluster resource or parameter links by that reference
/// (and by the cluster's name, when known).
fn cluster_link(t: &Template, resource: &Node, name: Field<'_, '_>) -> ClusterLink {
    let written = resource
        .get("Properties")
        .and_then(|p| p.get("ClusterName"));
    let target = written.and_then(|n| match (&n.tag, &n.kind) {
        (Some(tag), NodeKind::String(target)) if tag == "Ref" => Some(target.as_str()),
        (None, NodeKind::Map(entries)) => match entries.as_slice() {
            [(k, v)] if k.name == "Ref" => v.as_str(),
            _ => None,
        },
        _ => None,
    });
    match target {
        Some(target) if t.resource_type(target) == Some("AWS::EKS::Cluster") => ClusterLink {
            name: t
                .cluster_name(target)
                .map_or_else(|| name.text(), |n| n.to_text()),
            reference: Some(reference(t, target)),
        },
        Some(target) if !target.starts_with("AWS::") => ClusterLink {
            name: name.text(),
            reference: Some(reference(t, target)),
        },
        _ => ClusterLink {
            name: name.text(),
            reference: None,
        },
    }
}

/// An item of `AccessPolicies`, as an association of entry `owner`.
fn inline_policy(unit: &Unit, item: &Ev, owner: usize) -> PolicyAssociation {
    let scope = item.field("AccessScope");
    let mut unknown = unknown_fields(Some(item), POLICY_PROPERTIES);
    unknown.extend(unknown_fields(scope.value(), SCOPE_PROPERTIES));
    PolicyAssociation {
        unit: unit.clone(),
        header: header(item),
        cluster: ClusterLink::default(),
        principal: Val::Absent,
        policy_arn: item.field("PolicyArn").text(),
        scope: match scope {
            Field::Unknown(span) => Some(span),
            _ => scope.key().map(|k| k.span),
        },
        scope_type: scope.get("Type").text(),
        namespaces: scope.get("Namespaces").text_list(),
        inline_of: Some(owner),
        ordering: None,
        unknown_fields: unknown,
    }
}

/// The header of a list item: from its start to the end of its first key.
fn header(item: &Ev) -> Span {
    match item.entries().first() {
        Some((k, _)) if k.span.start >= item.span.start => Span {
            end: k.span.end,
            ..item.span
        },
        _ => item.span,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::tree::parse_yaml;
    use crate::source::FileId;
    use std::collections::BTreeMap;

    fn lower_text(text: &str) -> Model {
        let doc = parse_yaml(FileId(0), text).unwrap().remove(0);
        lower(&Template::new(FileId(0), &doc, &BTreeMap::new()))
    }

    #[test]
    fn odd_shapes_are_unknown_not_findings() {
        let model = lower_text(
            "\
Conditions:
  C: !Equals [!Ref 'AWS::Region', x]
Resources:
  NoProps: {Type: AWS::EKS::AccessEntry}
  ListProps: {Type: AWS::EKS::AccessEntry, Properties: [1, 2]}
  RefProps: {Type: AWS::EKS::AccessEntry, Properties: !Ref Whatever}
  Items:
    Type: AWS::EKS::AccessEntry
    Properties:
      ClusterName: !Sub '${'
      PrincipalArn: !Select [99, [a]]
      AccessPolicies:
        - !If [C, {PolicyArn: x, AccessScope: {Type: cluster}}, !Ref AWS::NoValue]
        - plain
        - {PolicyArn: !Ref AWS::NoValue, AccessScope: !GetAtt X.Y}
      Tags: [!If [C, {Key: a, Value: b}, !Ref AWS::NoValue]]
  Cluster:
    Type: AWS::EKS::Cluster
    Properties: {AccessConfig: !If [C, {AuthenticationMode: API}, !Ref AWS::NoValue], Name: !Ref Cluster}
",
        );
        assert_eq!(model.entries.len(), 4);
        let [none, list, unknown, items] = &model.entries[..] else {
            panic!()
        };
        assert!(none.principal.is_absent() && none.cluster.name.is_absent());
        assert!(matches!(list.principal, Val::Unknown { .. }));
        assert!(matches!(unknown.principal, Val::Unknown { .. }));
        assert_eq!(
            items.cluster.name.str().map(|(s, _)| s.to_string()),
            Some("${".to_string())
        );
        assert!(matches!(items.principal, Val::Unknown { .. }));
        assert_eq!(items.inline_policies.map(|p| p.count), Some(2));
        assert!(matches!(&items.tags, Val::Known(t) if t.value.is_empty()));
        let a = &model.associations;
        assert_eq!(a.len(), 3);
        assert!(a[0].scope.is_some() && matches!(a[0].policy_arn, Val::Unknown { .. }));
        assert!(matches!(a[1].scope_type, Val::Unknown { .. }));
        assert!(a[2].policy_arn.is_absent() && matches!(a[2].scope_type, Val::Unknown { .. }));
        let cluster = &model.clusters[0];
        // The template is one deployment unit.
        assert!(model.entries.iter().all(|e| e.unit == cluster.unit));
        assert!(a.iter().all(|a| a.unit == cluster.unit));
        assert!(matches!(cluster.auth_mode, Val::Unknown { .. }));
        assert!(matches!(cluster.name, Val::Unknown { .. }));
        assert_eq!(cluster.reference.as_deref(), Some("0::Cluster"));
    }

    #[test]
    fn conditions_skip_resources_and_refs_link_clusters() {
        let model = lower_text(
            "\
Parameters:
  Env: {Type: String, Default: prod}
  Name: {Type: String}
Conditions:
  IsDev: !Equals [!Ref Env, dev]
Resources:
  Skipped: {Type: AWS::EKS::AccessEntry, Condition: IsDev, Properties: {ClusterName: a}}
  Cluster: {Type: AWS::EKS::Cluster, Properties: {Name: cfn-x}}
  ByRef: {Type: AWS::EKS::AccessEntry, Properties: {ClusterName: {Ref: Cluster}}}
  ByParam: {Type: AWS::EKS::AccessEntry, Properties: {ClusterName: !Ref Name}}
",
        );
        assert_eq!(model.entries.len(), 2);
        let link = &model.entries[0].cluster;
        assert_eq!(link.reference.as_deref(), Some("0::Cluster"));
        let (name, v) = link.name.str().unwrap();
        assert_eq!(name, "cfn-x");
        assert_eq!(Some(v.span), model.clusters[0].name.span());
        let link = &model.entries[1].cluster;
        assert_eq!(link.reference.as_deref(), Some("0::Name"));
        assert!(matches!(link.name, Val::Unknown { .. }));
    }

    #[test]
    fn capabilities_node_groups_and_fargate_profiles_give_roles_of_the_cluster() {
        let model = lower_text(
            "\
Resources:
  Cluster: {Type: AWS::EKS::Cluster, Properties: {Name: c}}
  Argo:
    Type: AWS::EKS::Capability
    Properties: {ClusterName: !Ref Cluster, RoleArn: arn:aws:iam::111122223333:role/argo}
  Nodes:
    Type: AWS::EKS::Nodegroup
    Properties: {ClusterName: c, NodeRole: arn:aws:iam::111122223333:role/nodes}
  Pods:
    Type: AWS::EKS::FargateProfile
    Properties: {ClusterName: c, PodExecutionRoleArn: !GetAtt PodRole.Arn}
",
        );
        let cluster = &model.clusters[0];
        let capability = &model.capabilities[0];
        assert_eq!(capability.cluster.reference, cluster.reference);
        assert_eq!(
            capability.role.str().map(|(s, _)| s),
            Some("arn:aws:iam::111122223333:role/argo")
        );
        assert_eq!(model.node_roles.len(), 2);
        assert!(model.node_roles.iter().all(|n| n.unit == cluster.unit));
        assert!(matches!(model.node_roles[1].role, Val::Unknown { .. }));
        // CloudFormation passes entry types to the EKS API: no stricter list of its own.
        assert!(model.tools.is_empty());
    }
}
