//! Which defined cluster and which entry each object binds to, for readers of the model outside
//! the rules (the JSON model that custom policies read).

use super::{ClusterKey, Context, RuleOptions};
use crate::ir::Model;

/// The bindings of a model's objects, by index.
#[derive(Debug, Default, PartialEq)]
pub struct Bindings {
    /// The defined cluster (index into `Model::clusters`) of each entry, if it binds to one.
    pub entry_cluster: Vec<Option<usize>>,
    /// The defined cluster of each association, if it binds to one.
    pub association_cluster: Vec<Option<usize>>,
    /// The entry of each association: its owner when inline, else the entry of the same cluster
    /// with the same principal.
    pub association_entry: Vec<Option<usize>>,
}

/// Resolves every entry and association of `model` the way the rules do.
pub fn bindings(model: &Model) -> Bindings {
    let options = RuleOptions::default();
    let cx = Context::new(model, &options);
    let defined = |key: Option<&ClusterKey>| match key {
        Some(ClusterKey::Defined(i)) => Some(*i),
        _ => None,
    };
    Bindings {
        entry_cluster: (0..model.entries.len())
            .map(|i| defined(cx.entry_key(i)))
            .collect(),
        association_cluster: (0..model.associations.len())
            .map(|i| defined(cx.assoc_key(i)))
            .collect(),
        association_entry: (0..model.associations.len())
            .map(|i| cx.assoc_entry(i).map(|(e, _)| e))
            .collect(),
    }
}
