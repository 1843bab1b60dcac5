use super::*;
use crate::ir::{AuthMode, Text, Val};
use crate::parse::tree::parse_yaml;
use crate::source::Span;

const F: FileId = FileId(7);

fn lower_text(text: &str) -> Model {
    let docs = parse_yaml(F, text).expect("test YAML parses");
    let configs: Vec<Node> = docs.into_iter().filter(is_cluster_config).collect();
    let (model, errors) = lower(F, &configs);
    assert!(errors.is_empty(), "{errors:?}");
    model
}

fn slice(text: &str, span: Span) -> &str {
    &text[span.range()]
}

fn known<'a>(text: &'a str, v: &Val<Text>) -> (&'a str, String) {
    match v {
        Val::Known(s) => (
            slice(text, s.span),
            s.value.as_str().unwrap_or_default().to_string(),
        ),
        other => panic!("not known: {other:?}"),
    }
}

const ONE: &str = "\
# a comment
apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata:
  name: ekc-ü
  region: us-west-2
iam:
  serviceRoleARN: arn:aws:iam::111122223333:role/eks
accessConfig:
  authenticationMode: API
  bootstrapClusterCreatorAdminPermissions: false
  accessEntries:
    - principalARN: \"arn:aws:iam::111122223333:role/ü-dev\"   # trailing
      type: STANDARD
      kubernetesGroups: [a, 'b']
      kubernetesUsername: dev:{{SessionName}}
      accessPolicies:
        - policyARN: arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy
          accessScope:
            type: namespace
            namespaces:
              - team-a
    - type: EC2_LINUX
      principalARN: arn:aws:iam::111122223333:role/node
autoModeConfig:
  enabled: true
remoteNetworkConfig:
  remoteNodeNetworks: []
";

#[test]
fn cluster_fields_and_spans() {
    let m = lower_text(ONE);
    assert_eq!(m.clusters.len(), 1);
    let c = &m.clusters[0];
    assert_eq!(slice(ONE, c.header), "apiVersion");
    assert_eq!(known(ONE, &c.name), ("ekc-ü", "ekc-ü".to_string()));
    assert_eq!(c.reference.as_deref(), Some("7#0"));
    assert_eq!(
        known(ONE, &c.role_arn).0,
        "arn:aws:iam::111122223333:role/eks"
    );
    assert_eq!(known(ONE, &c.auth_mode), ("API", "API".to_string()));
    assert_eq!(c.access_config.map(|s| slice(ONE, s)), Some("accessConfig"));
    assert_eq!(c.default_auth_mode, AuthMode::ApiAndConfigMap);
    match (&c.bootstrap_admin, &c.auto_mode) {
        (Val::Known(b), Val::Known(a)) => {
            assert!(!b.value && a.value);
            assert_eq!((slice(ONE, b.span), slice(ONE, a.span)), ("false", "true"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        c.remote_network.map(|s| slice(ONE, s)),
        Some("remoteNetworkConfig")
    );
    assert!(c.unknown_fields.is_empty());
}

#[test]
fn entries_and_inline_policies() {
    let m = lower_text(ONE);
    assert_eq!(m.entries.len(), 2);
    let e = &m.entries[0];
    assert_eq!(
        slice(ONE, e.header),
        "principalARN: \"arn:aws:iam::111122223333:role/ü-dev\""
    );
    assert_eq!(e.cluster.reference.as_deref(), Some("7#0"));
    assert_eq!(e.cluster.name, m.clusters[0].name);
    let (span, value) = known(ONE, &e.principal);
    assert_eq!(span, "\"arn:aws:iam::111122223333:role/ü-dev\"");
    assert_eq!(value, "arn:aws:iam::111122223333:role/ü-dev");
    assert_eq!(known(ONE, &e.entry_type).0, "STANDARD");
    assert_eq!(known(ONE, &e.username).0, "dev:{{SessionName}}");
    let Val::Known(groups) = &e.groups else {
        panic!("{:?}", e.groups)
    };
    assert_eq!(slice(ONE, groups.span), "[a, 'b']");
    assert_eq!(known(ONE, &groups.value[1]), ("'b'", "b".to_string()));
    let inline = e.inline_policies.expect("inline policies");
    assert_eq!(
        (slice(ONE, inline.span), inline.count),
        ("accessPolicies", 1)
    );
    assert_eq!(inline.limit, None);
    assert!(e.address.is_none() && e.unknown_fields.is_empty());

    let second = &m.entries[1];
    assert_eq!(slice(ONE, second.header), "type: EC2_LINUX");
    assert_eq!(second.inline_policies, None);

    assert_eq!(m.associations.len(), 1);
    let a = &m.associations[0];
    assert_eq!(a.inline_of, Some(0));
    assert!(a.principal.is_absent() && a.cluster.name.is_absent());
    assert_eq!(
        slice(ONE, a.header),
        "policyARN: arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy"
    );
    assert_eq!(a.scope.map(|s| slice(ONE, s)), Some("accessScope"));
    assert_eq!(known(ONE, &a.scope_type).0, "namespace");
    let Val::Known(ns) = &a.namespaces else {
        panic!("{:?}", a.namespaces)
    };
    assert_eq!(known(ONE, &ns.value[0]).0, "team-a");
    assert!(a.ordering.is_none() && a.unknown_fields.is_empty());
}

#[test]
fn keys_match_exactly() {
    let text = "\
apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata: {name: ekc-case}
accessConfig:
  AuthenticationMode: API
  accessEntries:
    - principalArn: arn:aws:iam::111122223333:role/a
      Type: STANDARD
      accessPolicies:
        - policyArn: arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy
          accessScope: {Type: cluster, namespace: [a]}
";
    let m = lower_text(text);
    let c = &m.clusters[0];
    assert!(c.auth_mode.is_absent());
    let names = |f: &[crate::ir::UnknownField]| -> Vec<(String, String)> {
        f.iter()
            .map(|u| (u.name.clone(), slice(text, u.span).to_string()))
            .collect()
    };
    assert_eq!(
        names(&c.unknown_fields),
        [("AuthenticationMode".into(), "AuthenticationMode".into())]
    );
    assert!(c.unknown_fields[0].expected.contains(&"authenticationMode"));
    let e = &m.entries[0];
    assert!(e.principal.is_absent() && e.entry_type.is_absent());
    assert_eq!(
        names(&e.unknown_fields)
            .into_iter()
            .map(|n| n.0)
            .collect::<Vec<_>>(),
        ["principalArn", "Type"]
    );
    assert!(e.unknown_fields[0].expected.contains(&"principalARN"));
    assert_eq!(
        slice(text, e.header),
        "principalArn: arn:aws:iam::111122223333:role/a"
    );
    let a = &m.associations[0];
    assert!(a.policy_arn.is_absent() && a.scope_type.is_absent() && a.namespaces.is_absent());
    assert!(a.scope.is_some());
    assert_eq!(
        names(&a.unknown_fields)
            .into_iter()
            .map(|n| n.0)
            .collect::<Vec<_>>(),
        ["policyArn", "Type", "namespace"]
    );
    assert!(a.unknown_fields[1].expected.contains(&"namespaces"));
}

#[test]
fn empty_strings_and_nulls_are_unset_where_eksctl_reads_them_so() {
    let text = "\
apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata:
  name: ekc-empty
accessConfig:
  authenticationMode: ''
  bootstrapClusterCreatorAdminPermissions:
  accessEntries:
    - principalARN: ''
      type: \"\"
      kubernetesUsername: ''
      kubernetesGroups:
      accessPolicies:
        - policyARN:
          accessScope:
            type: ''
        - policyARN: arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy
    - principalARN:
";
    let m = lower_text(text);
    let c = &m.clusters[0];
    assert!(c.auth_mode.is_absent() && c.bootstrap_admin.is_absent());
    let e = &m.entries[0];
    // An empty ARN is an invalid ARN to eksctl, not a missing one.
    assert_eq!(known(text, &e.principal), ("''", String::new()));
    assert!(e.entry_type.is_absent() && e.username.is_absent() && e.groups.is_absent());
    assert!(m.entries[1].principal.is_absent());
    assert_eq!(slice(text, m.entries[1].header), "principalARN");
    let [with_scope, without] = &m.associations[..] else {
        panic!("{:?}", m.associations)
    };
    assert!(with_scope.policy_arn.is_absent() && with_scope.scope_type.is_absent());
    assert_eq!(slice(text, with_scope.header), "policyARN");
    assert!(with_scope.scope.is_some());
    assert!(without.scope.is_none() && without.inline_of == Some(0));
}

#[test]
fn each_document_is_its_own_cluster() {
    let text = "\
kind: ClusterConfig
apiVersion: eksctl.io/v1alpha5
metadata: {name: ekc-one}
accessConfig:
  accessEntries:
    - principalARN: arn:aws:iam::111122223333:role/shared
---
apiVersion: v1
kind: ConfigMap
---
apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
accessConfig:
  accessEntries:
    - principalARN: arn:aws:iam::111122223333:role/shared
      accessPolicies:
        - policyARN: arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy
";
    let m = lower_text(text);
    assert_eq!(m.clusters.len(), 2);
    assert_eq!(slice(text, m.clusters[0].header), "kind");
    assert!(m.clusters[1].name.is_absent());
    let refs: Vec<_> = m
        .entries
        .iter()
        .map(|e| e.cluster.reference.clone())
        .collect();
    assert_eq!(refs, [Some("7#0".to_string()), Some("7#1".to_string())]);
    assert_eq!(m.clusters[1].reference.as_deref(), Some("7#1"));
    assert_eq!(m.associations[0].inline_of, Some(1));
    // Each document is a deployment unit: its cluster, entries and policies share it.
    assert_ne!(m.clusters[0].unit, m.clusters[1].unit);
    assert_eq!(m.entries[0].unit, m.clusters[0].unit);
    assert_eq!(m.entries[1].unit, m.clusters[1].unit);
    assert_eq!(m.associations[0].unit, m.clusters[1].unit);
}

#[test]
fn odd_shapes_are_not_findings() {
    let text = "\
apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata: {name: 42}
accessConfig:
  bootstrapClusterCreatorAdminPermissions: 'false'
  accessEntries:
    - just-a-string
    - principalARN: {nested: map}
      kubernetesGroups: group
";
    let m = lower_text(text);
    assert_eq!(known(text, &m.clusters[0].name).1, "42");
    assert!(matches!(m.clusters[0].bootstrap_admin, Val::Unknown { .. }));
    assert_eq!(m.entries.len(), 1);
    assert!(matches!(m.entries[0].principal, Val::Unknown { .. }));
    assert!(matches!(m.entries[0].groups, Val::Unknown { .. }));
}

/// eksctl's YAML library (go-yaml v2, through sigs.k8s.io/yaml) reads the YAML 1.1 words for
/// true and false as booleans when they are not quoted.
#[test]
fn yaml_1_1_booleans_are_booleans_unless_quoted() {
    use crate::parse::eksctl::value::flag;
    let docs = parse_yaml(
        FileId(0),
        "a: yes\nb: Off\nc: N\nd: ON\ne: 'no'\nf: \"y\"\ng: nope\nh: !!str yes\ni: YeS\n",
    )
    .unwrap();
    let value = |key: &str| match flag(docs[0].get(key)) {
        Val::Known(b) => Some(b.value),
        _ => None,
    };
    assert_eq!(
        ["a", "b", "c", "d"].map(value),
        [Some(true), Some(false), Some(false), Some(true)]
    );
    for key in ["e", "f", "g", "h", "i"] {
        assert!(
            matches!(flag(docs[0].get(key)), Val::Unknown { .. }),
            "{key}"
        );
    }
}

#[test]
fn envsubst_placeholders_are_unknown_parts() {
    use crate::parse::eksctl::value::text;
    let docs = parse_yaml(
        FileId(0),
        "a: ${CI_ROLE_ARN}\nb: arn:aws:iam::${ACCOUNT}:role/ci\nc: $EKS_CLUSTER_NAME\nd: cost$ 5\ne: $NAME-x\n",
    )
    .unwrap();
    assert!(matches!(text(docs[0].get("a")), Val::Unknown { .. }));
    assert!(matches!(text(docs[0].get("c")), Val::Unknown { .. }));
    let Val::Known(d) = text(docs[0].get("d")) else {
        panic!("known")
    };
    assert_eq!(d.value.as_str(), Some("cost$ 5"));
    let Val::Known(e) = text(docs[0].get("e")) else {
        panic!("partly known")
    };
    assert!(e.value.has_holes());
    let Val::Known(b) = text(docs[0].get("b")) else {
        panic!("partly known")
    };
    assert_eq!(b.value.known_prefix(), "arn:aws:iam::");
    assert!(b.value.has_holes());
}

#[test]
fn identity_mappings_capabilities_and_node_roles_join_the_document_unit() {
    let text = "\
apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata: {name: c}
managedNodeGroups:
  - name: m
    iam: {instanceRoleARN: arn:aws:iam::111122223333:role/managed}
  - name: created-by-eksctl
fargateProfiles:
  - name: f
    podExecutionRoleARN: arn:aws:iam::111122223333:role/pods
iamIdentityMappings:
  - arn: arn:aws:iam::111122223333:user/u
    groups: [g]
  - arn: arn:aws:iam::111122223333:role/r
  - account: '111122223333'
  - serviceName: emr-containers
    namespace: n
capabilities:
  - name: given
    type: ACK
    roleArn: arn:aws:iam::111122223333:role/ack
    accessPolicies:
      - policyARN: arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy
        accessScope: {type: cluster}
  - name: created
    type: KRO
    accessPolicies:
      - policyARN: arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy
        accessScope: {type: cluster}
      - policyARN: arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy
        accessScope: {type: cluster}
";
    let m = lower_text(text);
    let unit = &m.clusters[0].unit;
    use crate::ir::MappingKind::*;
    let kinds: Vec<_> = m.mappings.iter().map(|x| x.kind).collect();
    assert_eq!(kinds, [User, Role, Account, Service]);
    assert_eq!(known(text, &m.mappings[2].arn).1, "111122223333");
    assert!(
        m.mappings
            .iter()
            .all(|x| &x.unit == unit && x.cluster.reference == m.clusters[0].reference)
    );
    // The node roles given; the one eksctl creates is not one of the file's roles.
    assert_eq!(m.node_roles.len(), 2);
    assert_eq!(
        known(text, &m.node_roles[1].role).1,
        "arn:aws:iam::111122223333:role/pods"
    );
    // Capability policies are associations of the capability's role (unknown and the same for
    // both policies when eksctl creates the role), not inline policies of an entry.
    assert_eq!(m.capabilities.len(), 2);
    assert_eq!(m.associations.len(), 3);
    assert!(m.associations.iter().all(|a| a.inline_of.is_none()));
    assert_eq!(
        known(text, &m.associations[0].principal).1,
        "arn:aws:iam::111122223333:role/ack"
    );
    let created = m.associations[1].principal.identity();
    assert!(created.is_some());
    assert_eq!(created, m.associations[2].principal.identity());
    assert_ne!(created, m.associations[0].principal.identity());
    // eksctl's own validation is recorded for the unit.
    let tool = m.tools.get(unit).expect("eksctl's rules");
    assert!(tool.refuses_cluster_scope_namespaces);
    assert!(
        !tool
            .entry_types
            .unwrap_or_default()
            .contains(&"HYPERPOD_LINUX")
    );
}
