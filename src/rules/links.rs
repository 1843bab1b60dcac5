//! Which defined cluster and which entry each object binds to, for readers of the model outside
//! the rules (the JSON model that custom policies read).

use super::{Context, RuleOptions};
use crate::ir::{ClusterKey, Model};

/// The defined cluster (index into `Model::clusters`) each object binds to, by index, and the
/// entry of each association.
#[derive(Debug, Default, PartialEq)]
pub struct Links {
    pub entry_cluster: Vec<Option<usize>>,
    pub association_cluster: Vec<Option<usize>>,
    /// The entry of each association: its owner when inline, else the entry of the same cluster
    /// with the same principal.
    pub association_entry: Vec<Option<usize>>,
    pub mapping_cluster: Vec<Option<usize>>,
    pub capability_cluster: Vec<Option<usize>>,
}

/// Resolves every object of `model` the way the rules do.
pub fn links(model: &Model) -> Links {
    let options = RuleOptions::default();
    let options = [&options];
    Context::new(model, &options, &|_| true, false).links()
}

impl Context<'_> {
    /// The links of the model's objects, as the rules bind them.
    pub(crate) fn links(&self) -> Links {
        let model = self.model;
        let defined = |key: Option<&ClusterKey>| match key {
            Some(ClusterKey::Defined(i)) => Some(*i),
            _ => None,
        };
        Links {
            entry_cluster: (0..model.entries.len())
                .map(|i| defined(self.entry_key(i)))
                .collect(),
            association_cluster: (0..model.associations.len())
                .map(|i| defined(self.assoc_key(i)))
                .collect(),
            association_entry: (0..model.associations.len())
                .map(|i| self.assoc_entry(i).map(|(e, _)| e))
                .collect(),
            mapping_cluster: (0..model.mappings.len())
                .map(|i| defined(self.mapping_key(i)))
                .collect(),
            capability_cluster: (0..model.capabilities.len())
                .map(|i| defined(self.bindings.capability(i)))
                .collect(),
        }
    }
}
