//! Kubernetes manifests of the aws-auth ConfigMap (`kind: ConfigMap`, `metadata.name: aws-auth`
//! in `kube-system`), alone or as documents of a multi-document file.
//!
//! A manifest names no cluster: it belongs to the deployment unit of the other files of its
//! directory when they define exactly one cluster ([`join_directory_units`]), and is a unit of
//! its own otherwise.

use super::aws_auth::{self, DATA_KEYS, NodeReader, Shape, Target};
use super::embedded::{self, OffsetMap, Unread};
use super::envsubst::{Filled, filled};
use super::tree::{Node, NodeKind};
use crate::ir::{ClusterLink, Model, Related, Text, Unit, Val};
use crate::source::{FileId, Span};
use foldhash::{HashMap, HashMapExt};
use std::path::Path;

/// Whether a document is the aws-auth ConfigMap (a namespace left out is the one `kubectl`
/// is told to apply it to).
pub fn is_aws_auth(doc: &Node) -> bool {
    let metadata = doc.get("metadata");
    let field = |key: &str| metadata.and_then(|m| m.get(key)).and_then(Node::as_str);
    doc.get("kind").and_then(Node::as_str) == Some("ConfigMap")
        && field("name") == Some("aws-auth")
        && field("namespace").is_none_or(|n| n == "kube-system")
}

/// The unit of a manifest file before it joins its directory's.
pub fn unit(file: FileId) -> Unit {
    Unit::new(format!("manifest:{}", file.0))
}

/// Reads the mappings of the aws-auth documents of a file.
pub fn lower(file: FileId, text: &str, docs: &[&Node]) -> Model {
    let mut model = Model::default();
    let unit = unit(file);
    let cluster = ClusterLink::default();
    let target = Target {
        unit: &unit,
        cluster: &cluster,
    };
    for doc in docs {
        let Some(data) = doc.get("data") else {
            continue;
        };
        for (key, kind) in DATA_KEYS {
            if let Some(value) = data.get(key) {
                let shape = shape(file, text, value);
                aws_auth::read(kind, shape, &target, &mut model.mappings);
            }
        }
    }
    model
}

/// What a data value holds: YAML in a string.
fn shape(file: FileId, text: &str, value: &Node) -> Shape {
    let invalid = |span: Span, why: String| Shape::Invalid {
        span,
        origin: Vec::new(),
        why,
    };
    let s = match &value.kind {
        NodeKind::String(s) => s,
        NodeKind::Null => return Shape::Empty,
        _ => return invalid(value.span, "ConfigMap data values are strings".into()),
    };
    if matches!(s.trim(), "" | "``" | "\"\"" | "''") {
        return Shape::Empty;
    }
    if !embedded::fits(s.len()) || is_template(s) {
        return Shape::Unknown;
    }
    let written = text.get(value.span.range()).unwrap_or_default();
    let map = OffsetMap::align(file, s, written, value.span.start as usize);
    match embedded::parse(s, &map) {
        Ok(Some(node)) => aws_auth::node_shape(&node, &Written),
        Ok(None) => Shape::Empty,
        Err(Unread::TooLarge) => Shape::Unknown,
        Err(Unread::Invalid(e)) => invalid(e.span, format!("it is not valid YAML: {}", e.message)),
    }
}

/// Whether a data value is a template of Helm, Jinja (Ansible) or another tool that renders it
/// before it is applied: it holds a tag of theirs, `{%` or a `{{` followed by a space, `-`, `.`,
/// `$`, `/` or a quote (`{{ .Values.role }}`, `{{- range }}`, `{{ arn }}`). What it renders is
/// not known. The authenticator's own placeholders (`{{SessionName}}`) start with a letter.
fn is_template(s: &str) -> bool {
    memchr::memchr_iter(b'{', s.as_bytes()).any(|at| {
        let next = &s.as_bytes()[at + 1..];
        next.first() == Some(&b'%')
            || (next.first() == Some(&b'{')
                && next
                    .get(1)
                    .is_some_and(|c| c.is_ascii_whitespace() || b"-.$/\"'".contains(c)))
    })
}

/// Values written in the manifest, where they are.
struct Written;

impl NodeReader for Written {
    fn locate(&self, span: Span) -> (Span, Vec<Related>) {
        (span, Vec::new())
    }

    /// A string with `${NAME}` placeholders (see [`envsubst`](crate::parse::envsubst)) is
    /// known only in its other parts, and unknown when it is one placeholder.
    fn scalar(&self, node: &Node, text: &str) -> Val<Text> {
        match filled(text) {
            Filled::Unknown => Val::unknown(node.span),
            Filled::Partly(t) => Val::known(t, node.span),
            Filled::AsWritten => Val::known(Text::lit(text), node.span),
        }
    }
}

/// The directories of the manifests whose mappings [`join_directory_units`] may move into the
/// unit of a cluster of another file of their directory. `dir` gives a file's directory.
pub fn joining_directories<'p>(
    model: &Model,
    dir: impl Fn(FileId) -> Option<&'p Path>,
) -> Vec<&'p Path> {
    let mut dirs: Vec<&Path> = model
        .mappings
        .iter()
        .filter(|m| m.unit == unit(m.span.file))
        .filter_map(|m| dir(m.span.file))
        .collect();
    dirs.sort_unstable();
    dirs.dedup();
    dirs
}

/// Moves the mappings of each manifest into the unit of the other files of its directory when
/// those define exactly one cluster. `dir` gives a file's directory.
pub fn join_directory_units<'p>(model: &mut Model, dir: impl Fn(FileId) -> Option<&'p Path>) {
    let mut clusters: HashMap<&Path, Vec<usize>> = HashMap::new();
    for (i, c) in model.clusters.iter().enumerate() {
        if let Some(d) = dir(c.header.file) {
            clusters.entry(d).or_default().push(i);
        }
    }
    for m in &mut model.mappings {
        let file = m.span.file;
        if m.unit != unit(file) {
            continue;
        }
        if let Some([only]) = dir(file).and_then(|d| clusters.get(d)).map(Vec::as_slice) {
            m.unit = model.clusters[*only].unit.clone();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::MappingDefect;
    use crate::parse::tree::parse_yaml;

    fn read(text: &str) -> Model {
        let docs = parse_yaml(FileId(3), text).unwrap();
        let ours: Vec<&Node> = docs.iter().filter(|d| is_aws_auth(d)).collect();
        lower(FileId(3), text, &ours)
    }

    #[test]
    fn values_rendered_by_a_template_tool_are_unknown_and_the_authenticators_placeholders_are_not()
    {
        for rendered in [
            "- rolearn: {{ .Values.role }}",
            "{{- range .Values.roles }}\n- rolearn: {{.}}\n{{- end }}",
            "- rolearn: \"{{$role}}\"",
            "{%- for r in roles %}\n- rolearn: {{r}}\n{%- endfor %}",
        ] {
            assert!(is_template(rendered), "{rendered}");
        }
        for written in [
            "- rolearn: arn:aws:iam::111122223333:role/a\n  username: a:{{SessionName}}",
            "- rolearn: arn:aws:iam::111122223333:role/n\n  username: system:node:{{EC2PrivateDNSName}}",
            "- rolearn: ${ROLE}",
            "{",
        ] {
            assert!(!is_template(written), "{written}");
        }
    }

    #[test]
    fn envsubst_placeholders_in_a_manifest_are_unknown_parts() {
        let model = read(
            "\
apiVersion: v1
kind: ConfigMap
metadata: {name: aws-auth, namespace: kube-system}
data:
  mapRoles: |
    - rolearn: ${NODE_ROLE}
    - rolearn: arn:aws:iam::$ACCOUNT:role/ops
  mapUsers: |
    {%- for u in users %}
    - userarn: {{ u }}
    {%- endfor %}
",
        );
        let [whole, partly] = &model.mappings[..] else {
            panic!(
                "two role mappings and no user mapping: {:?}",
                model.mappings
            )
        };
        assert!(matches!(whole.arn, Val::Unknown { .. }), "{:?}", whole.arn);
        let Val::Known(arn) = &partly.arn else {
            panic!("partly known: {:?}", partly.arn)
        };
        assert_eq!(arn.value.known_prefix(), "arn:aws:iam::");
        assert!(arn.value.has_holes());
        assert!(model.mappings.iter().all(|m| m.defect.is_none()));
    }

    #[test]
    fn every_aws_auth_document_of_a_file_is_read_with_spans_in_the_file() {
        let text = "\
apiVersion: v1
kind: ConfigMap
metadata: {name: other, namespace: kube-system}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: aws-auth
  namespace: kube-system
data:
  mapRoles: |
    - rolearn: arn:aws:iam::111122223333:role/node
      groups:
        - system:nodes
  mapUsers: |
    - userarn: arn:aws:iam::111122223333:user/ops
  mapAccounts: \"\"
";
        let model = read(text);
        assert_eq!(model.mappings.len(), 2);
        let (arn, v) = model.mappings[0].arn.str().unwrap();
        assert_eq!(arn, "arn:aws:iam::111122223333:role/node");
        assert_eq!(&text[v.span.range()], arn);
        let Val::Known(groups) = &model.mappings[0].groups else {
            panic!()
        };
        let g = groups.value[0].get().unwrap();
        assert_eq!(&text[g.span.range()], "system:nodes");
        assert_eq!(model.mappings[1].kind, crate::ir::MappingKind::User);
        assert!(model.mappings.iter().all(|m| m.unit == unit(FileId(3))));
    }

    #[test]
    fn other_namespaces_are_not_aws_auth_and_broken_yaml_is_a_defect() {
        let other = "kind: ConfigMap\nmetadata: {name: aws-auth, namespace: default}\n";
        assert!(read(other).mappings.is_empty());
        let broken =
            "kind: ConfigMap\nmetadata: {name: aws-auth}\ndata:\n  mapRoles: |\n    - rolearn: [\n";
        let model = read(broken);
        assert!(matches!(
            model.mappings[0].defect,
            Some(MappingDefect::NotAList(_))
        ));
    }

    #[test]
    fn a_manifest_joins_the_unit_of_its_directory_when_it_defines_one_cluster() {
        use crate::ir::{AuthMode, Cluster};
        let cluster = |file: u32, unit: &str| Cluster {
            unit: Unit::new(unit),
            header: Span::new(FileId(file), 0, 0),
            name: Val::Absent,
            reference: None,
            role_arn: Val::Absent,
            auth_mode: Val::Absent,
            access_config: None,
            default_auth_mode: AuthMode::ConfigMap,
            bootstrap_admin: Val::Absent,
            auto_mode: Val::Absent,
            remote_network: None,
            unknown_fields: Vec::new(),
        };
        let manifest = |file: u32| {
            let text =
                "kind: ConfigMap\nmetadata: {name: aws-auth}\ndata: {mapUsers: '[{userarn: x}]'}\n";
            let docs = parse_yaml(FileId(file), text).unwrap();
            let ours: Vec<&Node> = docs.iter().collect();
            lower(FileId(file), text, &ours)
        };
        let mut model = Model {
            clusters: vec![cluster(0, "tf"), cluster(1, "a"), cluster(2, "b")],
            ..Model::default()
        };
        for file in [3, 4, 5] {
            model.extend(manifest(file));
        }
        let dirs = ["one", "two", "two", "one", "two", "three"];
        join_directory_units(&mut model, |f| dirs.get(f.0 as usize).map(Path::new));
        let units: Vec<&Unit> = model.mappings.iter().map(|m| &m.unit).collect();
        assert_eq!(
            units,
            [&Unit::new("tf"), &unit(FileId(4)), &unit(FileId(5))]
        );
    }
}
