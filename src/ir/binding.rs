//! Deployment units, and the binding of every object to the cluster it belongs to.
//!
//! A deployment unit is what one tool applies at once: a Terraform root module with the modules
//! it calls, one CloudFormation template, one eksctl document. Objects bind to clusters once,
//! here, and rules compare objects only through the [`ClusterKey`] they bound to:
//! - a reference to a cluster (or the same unknown name expression) binds inside its unit;
//! - a known name binds to the cluster of that name in its own unit, else to the one defined in
//!   another unit when exactly one other unit defines that name and the own unit has no cluster
//!   whose name is unknown (that cluster may be the one named);
//! - otherwise the cluster is not defined by the linted files (or ambiguous), and the key keeps
//!   the unit: objects of one unit that name it are compared, objects of different units never;
//! - an aws-auth mapping that names no cluster (a ConfigMap does not) binds to the only cluster
//!   of its unit, and to none when the unit defines several or none.
//!
//! Two clusters of different units are never one cluster, whatever their names.

use super::{ClusterLink, Model, Val};
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use std::sync::Arc;

/// The deployment unit an object belongs to, unique in a run. Parsers make the key from what
/// makes the unit (a root module's directory, a template's file, an eksctl document).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Unit(Arc<str>);

impl Unit {
    /// The unit named `key` (`terraform:envs/prod`, `eksctl:3#1`).
    pub fn new(key: impl Into<Arc<str>>) -> Unit {
        Unit(key.into())
    }

    /// The kind of unit: the part of its key before the first `:` (`terraform`,
    /// `cloudformation`, `eksctl`, `manifest`).
    pub fn kind(&self) -> &str {
        self.0.split(':').next().unwrap_or_default()
    }
}

/// The cluster an object binds to.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ClusterKey {
    /// A cluster of the model (index into [`Model::clusters`]).
    Defined(usize),
    /// A known name that binds to no defined cluster (no unit defines it, several other units
    /// do, or the unit has a cluster whose name is unknown), as one unit names it.
    Named { unit: Unit, name: String },
    /// A cluster known only by a reference that resolves to no cluster of the unit
    /// (`var.cluster_name` without a value, `!Ref` of a parameter).
    Referenced { unit: Unit, reference: String },
}

/// The cluster of every object of a model.
#[derive(Debug)]
pub struct Bindings {
    entries: Vec<Option<ClusterKey>>,
    associations: Vec<Option<ClusterKey>>,
    mappings: Vec<Option<ClusterKey>>,
    capabilities: Vec<Option<ClusterKey>>,
    node_roles: Vec<Option<ClusterKey>>,
}

impl Bindings {
    /// Binds every object of the model. An inline association binds with its entry.
    pub fn new(model: &Model) -> Bindings {
        let clusters = ClusterIndex::new(model);
        let entries: Vec<_> = model
            .entries
            .iter()
            .map(|e| clusters.bind(&e.unit, &e.cluster))
            .collect();
        let associations = model
            .associations
            .iter()
            .map(|a| match a.inline_of {
                Some(i) => entries[i].clone(),
                None => clusters.bind(&a.unit, &a.cluster),
            })
            .collect();
        let mappings = model
            .mappings
            .iter()
            .map(|m| match (&m.cluster.name, &m.cluster.reference) {
                (Val::Absent, None) => clusters.only(&m.unit),
                _ => clusters.bind(&m.unit, &m.cluster),
            })
            .collect();
        let capabilities = model
            .capabilities
            .iter()
            .map(|c| clusters.bind(&c.unit, &c.cluster))
            .collect();
        let node_roles = model
            .node_roles
            .iter()
            .map(|n| clusters.bind(&n.unit, &n.cluster))
            .collect();
        Bindings {
            entries,
            associations,
            mappings,
            capabilities,
            node_roles,
        }
    }

    /// The cluster of an entry (index into [`Model::entries`]); `None` when it names none.
    pub fn entry(&self, entry: usize) -> Option<&ClusterKey> {
        self.entries[entry].as_ref()
    }

    /// The cluster of an association (index into [`Model::associations`]).
    pub fn association(&self, association: usize) -> Option<&ClusterKey> {
        self.associations[association].as_ref()
    }

    /// The cluster of an aws-auth mapping (index into [`Model::mappings`]).
    pub fn mapping(&self, mapping: usize) -> Option<&ClusterKey> {
        self.mappings[mapping].as_ref()
    }

    /// The cluster of a capability (index into [`Model::capabilities`]).
    pub fn capability(&self, capability: usize) -> Option<&ClusterKey> {
        self.capabilities[capability].as_ref()
    }

    /// The cluster of a node role (index into [`Model::node_roles`]).
    pub fn node_role(&self, node_role: usize) -> Option<&ClusterKey> {
        self.node_roles[node_role].as_ref()
    }
}

/// What binding a model's objects needs from the clusters of units outside it: the known names
/// its objects may bind to a cluster of another unit by, and the known names of its clusters.
/// A model none of whose objects seeks a name, and none of whose names another model's objects
/// seek, binds alone exactly as it binds among the others.
#[derive(Debug, Default)]
pub struct Reach {
    /// The names of the model's clusters that are known.
    pub defines: Vec<String>,
    /// The names an object binds by when its own unit surely defines no cluster of that name.
    pub seeks: Vec<String>,
}

impl Reach {
    pub fn of(model: &Model) -> Reach {
        let clusters = ClusterIndex::new(model);
        let links = model
            .entries
            .iter()
            .map(|e| (&e.unit, &e.cluster))
            .chain(
                model
                    .associations
                    .iter()
                    .filter(|a| a.inline_of.is_none())
                    .map(|a| (&a.unit, &a.cluster)),
            )
            .chain(model.mappings.iter().map(|m| (&m.unit, &m.cluster)))
            .chain(model.capabilities.iter().map(|c| (&c.unit, &c.cluster)))
            .chain(model.node_roles.iter().map(|n| (&n.unit, &n.cluster)));
        let mut seeks: Vec<String> = links
            .filter_map(|(unit, link)| clusters.sought(unit, link))
            .map(str::to_string)
            .collect();
        seeks.sort_unstable();
        seeks.dedup();
        let mut defines: Vec<String> = clusters.by_name.keys().map(|n| n.to_string()).collect();
        defines.sort_unstable();
        Reach { defines, seeks }
    }
}

/// The clusters of a model, by what links name them with.
struct ClusterIndex<'a> {
    /// The first cluster of a unit for each way it is named inside the unit.
    in_unit: HashMap<(&'a Unit, Local<'a>), usize>,
    /// For each known name: the first cluster with it, and whether more than one unit defines it.
    by_name: HashMap<&'a str, (usize, &'a Unit, bool)>,
    /// The units that define a cluster whose name is not known: it may be any name.
    unknown_names: HashSet<&'a Unit>,
    /// The cluster of each unit that defines exactly one (`None` for several).
    only: HashMap<&'a Unit, Option<usize>>,
}

/// What names a cluster inside its unit.
#[derive(PartialEq, Eq, Hash)]
enum Local<'a> {
    Name(&'a str),
    Reference(&'a str),
    /// The identity of a name that is not fully known (the same unknown expression).
    SameName(String),
}

impl<'a> ClusterIndex<'a> {
    fn new(model: &'a Model) -> ClusterIndex<'a> {
        // Sized for the clusters at once, rather than grown a cluster at a time.
        let clusters = model.clusters.len();
        let mut in_unit = HashMap::with_capacity(clusters);
        let mut by_name: HashMap<&str, (usize, &Unit, bool)> = HashMap::with_capacity(clusters);
        let mut unknown_names = HashSet::new();
        let mut only: HashMap<&Unit, Option<usize>> = HashMap::with_capacity(clusters);
        for (i, c) in model.clusters.iter().enumerate() {
            let unit = &c.unit;
            only.entry(unit)
                .and_modify(|o| *o = None)
                .or_insert(Some(i));
            let local = match c.name.str() {
                Some((n, _)) => {
                    let first = by_name.entry(n).or_insert((i, unit, false));
                    first.2 |= first.1 != unit;
                    Some(Local::Name(n))
                }
                None => {
                    if !c.name.is_absent() {
                        unknown_names.insert(unit);
                    }
                    c.name.identity().map(|id| Local::SameName(id.into_owned()))
                }
            };
            let reference = c.reference.as_deref().map(Local::Reference);
            for key in local.into_iter().chain(reference) {
                in_unit.entry((unit, key)).or_insert(i);
            }
        }
        ClusterIndex {
            in_unit,
            by_name,
            unknown_names,
            only,
        }
    }

    /// The cluster of a unit that defines exactly one.
    fn only(&self, unit: &Unit) -> Option<ClusterKey> {
        self.only
            .get(unit)
            .copied()
            .flatten()
            .map(ClusterKey::Defined)
    }

    /// The known name by which a link of `unit` looks for a cluster of another unit: its unit
    /// surely defines no cluster of that name, and the link's reference names none of the unit.
    fn sought<'l>(&self, unit: &Unit, link: &'l ClusterLink) -> Option<&'l str> {
        let local = |key| self.in_unit.get(&(unit, key)).copied();
        let reference = link.reference.as_deref();
        if reference.and_then(|r| local(Local::Reference(r))).is_some() {
            return None;
        }
        let (name, _) = link.name.str()?;
        (local(Local::Name(name)).is_none() && !self.unknown_names.contains(unit)).then_some(name)
    }

    /// The cluster a link of `unit` binds to; `None` when the link names none.
    fn bind(&self, unit: &Unit, link: &ClusterLink) -> Option<ClusterKey> {
        let local = |key| self.in_unit.get(&(unit, key)).copied();
        let reference = link.reference.as_deref();
        if let Some(i) = reference.and_then(|r| local(Local::Reference(r))) {
            return Some(ClusterKey::Defined(i));
        }
        if let Some((name, _)) = link.name.str() {
            let own = local(Local::Name(name));
            // When the unit surely defines no cluster of this name, one unit defining it is
            // another one.
            let other = self
                .sought(unit, link)
                .and_then(|n| self.by_name.get(n))
                .and_then(|&(i, _, several)| (!several).then_some(i));
            return Some(match own.or(other) {
                Some(i) => ClusterKey::Defined(i),
                None => ClusterKey::Named {
                    unit: unit.clone(),
                    name: name.to_string(),
                },
            });
        }
        let same = link
            .name
            .identity()
            .map(|id| Local::SameName(id.into_owned()));
        if let Some(i) = same.and_then(local) {
            return Some(ClusterKey::Defined(i));
        }
        reference.map(|r| ClusterKey::Referenced {
            unit: unit.clone(),
            reference: r.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{AccessEntry, AuthMode, Cluster, PolicyAssociation, Text, UnknownHint, Val};
    use crate::source::{FileId, Span};

    fn span() -> Span {
        Span::new(FileId(0), 0, 0)
    }

    fn name(n: &str) -> Val<Text> {
        Val::known(Text::lit(n), span())
    }

    /// An unknown name that is the same wherever `key` is written.
    fn same(key: &str) -> Val<Text> {
        Val::Unknown {
            span: span(),
            hint: Some(UnknownHint::Same { key: key.into() }),
        }
    }

    fn cluster(unit: &str, name: Val<Text>, reference: Option<&str>) -> Cluster {
        Cluster {
            unit: Unit::new(unit),
            header: span(),
            name,
            reference: reference.map(str::to_string),
            role_arn: Val::Absent,
            auth_mode: Val::Absent,
            access_config: None,
            default_auth_mode: AuthMode::ConfigMap,
            bootstrap_admin: Val::Absent,
            auto_mode: Val::Absent,
            remote_network: None,
            unknown_fields: Vec::new(),
        }
    }

    fn entry(unit: &str, name: Val<Text>, reference: Option<&str>) -> AccessEntry {
        AccessEntry {
            unit: Unit::new(unit),
            header: span(),
            cluster: ClusterLink {
                name,
                reference: reference.map(str::to_string),
            },
            principal: Val::Absent,
            entry_type: Val::Absent,
            username: Val::Absent,
            groups: Val::Absent,
            tags: Val::Absent,
            inline_policies: None,
            address: None,
            unknown_fields: Vec::new(),
        }
    }

    fn association(unit: &str, name: Val<Text>, inline_of: Option<usize>) -> PolicyAssociation {
        PolicyAssociation {
            unit: Unit::new(unit),
            header: span(),
            cluster: ClusterLink {
                name,
                reference: None,
            },
            principal: Val::Absent,
            policy_arn: Val::Absent,
            scope: None,
            scope_type: Val::Absent,
            namespaces: Val::Absent,
            inline_of,
            ordering: None,
            unknown_fields: Vec::new(),
        }
    }

    /// The key of each entry.
    fn keys(clusters: Vec<Cluster>, entries: Vec<AccessEntry>) -> Vec<Option<ClusterKey>> {
        let model = Model {
            clusters,
            entries: entries.into_iter().map(Box::new).collect(),
            ..Model::default()
        };
        let b = Bindings::new(&model);
        (0..model.entries.len())
            .map(|i| b.entry(i).cloned())
            .collect()
    }

    fn named(unit: &str, name: &str) -> Option<ClusterKey> {
        Some(ClusterKey::Named {
            unit: Unit::new(unit),
            name: name.into(),
        })
    }

    #[test]
    fn a_name_binds_to_its_own_units_cluster_first() {
        let got = keys(
            vec![
                cluster("staging", name("shop"), None),
                cluster("prod", name("shop"), None),
            ],
            vec![
                entry("prod", name("shop"), None),
                entry("staging", name("shop"), None),
            ],
        );
        assert_eq!(
            got,
            [Some(ClusterKey::Defined(1)), Some(ClusterKey::Defined(0))]
        );
    }

    #[test]
    fn a_name_falls_back_to_exactly_one_other_unit() {
        let got = keys(
            vec![
                cluster("eksctl", name("core"), None),
                cluster("tf", name("other"), None),
            ],
            vec![entry("tf", name("core"), None)],
        );
        assert_eq!(got, [Some(ClusterKey::Defined(0))]);
        // One other unit defining the name twice is still one unit.
        let got = keys(
            vec![
                cluster("a", name("core"), None),
                cluster("a", name("core"), None),
            ],
            vec![entry("b", name("core"), None)],
        );
        assert_eq!(got, [Some(ClusterKey::Defined(0))]);
    }

    #[test]
    fn a_unit_with_a_cluster_of_unknown_name_does_not_look_elsewhere() {
        // Its own cluster may be the one named: binding to another unit's could be wrong.
        let got = keys(
            vec![
                cluster("eksctl", name("core"), None),
                cluster("tf", Val::unknown(span()), Some("c")),
                cluster("cfn", Val::Absent, None),
            ],
            vec![
                entry("tf", name("core"), None),
                entry("cfn", name("core"), None),
            ],
        );
        assert_eq!(got, [named("tf", "core"), Some(ClusterKey::Defined(0))]);
    }

    #[test]
    fn a_name_two_other_units_define_binds_to_none_of_them() {
        let got = keys(
            vec![
                cluster("staging", name("shop"), None),
                cluster("prod", name("shop"), None),
            ],
            vec![
                entry("ci", name("shop"), None),
                entry("ci", name("shop"), None),
            ],
        );
        // Unbound, but the two objects of one unit still name one cluster.
        assert_eq!(got, [named("ci", "shop"), named("ci", "shop")]);
    }

    #[test]
    fn an_undefined_cluster_is_one_cluster_only_inside_a_unit() {
        let got = keys(
            Vec::new(),
            vec![
                entry("a", name("shop"), None),
                entry("b", name("shop"), None),
                entry("a", name("shop"), None),
            ],
        );
        assert_eq!(
            got,
            [named("a", "shop"), named("b", "shop"), named("a", "shop")]
        );
        assert_ne!(got[0], got[1]);
        assert_eq!(got[0], got[2]);
    }

    #[test]
    fn references_bind_inside_their_unit_only() {
        let got = keys(
            vec![
                cluster("a", Val::unknown(span()), Some("this")),
                cluster("b", Val::unknown(span()), Some("this")),
            ],
            vec![
                entry("b", Val::unknown(span()), Some("this")),
                entry("c", Val::unknown(span()), Some("this")),
                entry("a", Val::Absent, None),
            ],
        );
        assert_eq!(
            got,
            [
                Some(ClusterKey::Defined(1)),
                Some(ClusterKey::Referenced {
                    unit: Unit::new("c"),
                    reference: "this".into()
                }),
                None,
            ]
        );
    }

    #[test]
    fn a_reference_wins_over_a_name_in_the_unit() {
        let got = keys(
            vec![
                cluster("a", name("shop"), None),
                cluster("a", name("shop"), Some("second")),
            ],
            vec![entry("a", name("shop"), Some("second"))],
        );
        assert_eq!(got, [Some(ClusterKey::Defined(1))]);
    }

    #[test]
    fn the_same_unknown_name_binds_inside_the_unit() {
        let got = keys(
            vec![cluster("a", same("var.name"), Some("c"))],
            vec![
                entry("a", same("var.name"), Some("var.name")),
                entry("b", same("var.name"), Some("var.name")),
            ],
        );
        assert_eq!(
            got,
            [
                Some(ClusterKey::Defined(0)),
                Some(ClusterKey::Referenced {
                    unit: Unit::new("b"),
                    reference: "var.name".into()
                }),
            ]
        );
    }

    #[test]
    fn a_mapping_that_names_no_cluster_binds_to_the_only_cluster_of_its_unit() {
        let mapping = |unit: &str, cluster: ClusterLink| crate::ir::ConfigMapMapping {
            unit: Unit::new(unit),
            cluster,
            span: span(),
            origin: Vec::new(),
            kind: crate::ir::MappingKind::Role,
            arn: Val::Absent,
            username: Val::Absent,
            groups: Val::Absent,
            sso: None,
            defect: None,
        };
        let model = Model {
            clusters: vec![
                cluster("one", name("a"), None),
                cluster("two", name("b"), None),
                cluster("two", name("c"), None),
            ],
            mappings: vec![
                mapping("one", ClusterLink::default()),
                mapping("two", ClusterLink::default()),
                mapping("none", ClusterLink::default()),
                // eksctl's mappings name their document's cluster.
                mapping(
                    "two",
                    ClusterLink {
                        name: name("c"),
                        reference: None,
                    },
                ),
            ],
            ..Model::default()
        };
        let b = Bindings::new(&model);
        let got: Vec<_> = (0..4).map(|i| b.mapping(i).cloned()).collect();
        assert_eq!(
            got,
            [
                Some(ClusterKey::Defined(0)),
                None,
                None,
                Some(ClusterKey::Defined(2))
            ]
        );
    }

    #[test]
    fn inline_associations_bind_with_their_entry() {
        let model = Model {
            clusters: vec![cluster("a", name("shop"), None)],
            entries: vec![Box::new(entry("a", name("shop"), None))],
            associations: vec![
                Box::new(association("a", Val::Absent, Some(0))),
                Box::new(association("b", name("shop"), None)),
                Box::new(association("b", Val::Absent, None)),
            ],
            ..Model::default()
        };
        let b = Bindings::new(&model);
        assert_eq!(b.association(0), Some(&ClusterKey::Defined(0)));
        assert_eq!(b.association(1), Some(&ClusterKey::Defined(0)));
        assert_eq!(b.association(2), None);
    }
}
