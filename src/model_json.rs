//! The normalized model as one JSON document: what `ekslint model` prints and what custom
//! policies read as `input` (documented in `docs/model.md`).
//!
//! Every field is `{"value": ..., "known": true, "at": <id>}` or, when it cannot be known
//! statically, `{"known": false, "at": <id>}` (a partly known string adds `parts`). A location id
//! indexes the `locations` table, where each location has its file, start and end, and the places
//! its value came from. Ids are assigned in document order, so the document is the same for the
//! same inputs. New kinds of objects are added as new top-level arrays and new fields as new keys;
//! nothing existing changes meaning without a new `version`.

use crate::ir::{AccessEntry, Cluster, ClusterLink, Model, Part, PolicyAssociation, Related, Tag};
use crate::ir::{Text, Val};
use crate::source::{Position, SourceMap, Span};
use serde_json::{Map, Value, json};
use std::collections::HashMap;

/// The version of the document's layout.
pub const VERSION: u32 = 1;

/// The document and what its location ids stand for.
#[derive(Debug)]
pub struct Document {
    pub json: Value,
    /// Indexed by location id.
    pub locations: Vec<Location>,
}

/// A location of the document: a span, and the places its value came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Location {
    pub span: Span,
    pub origin: Vec<Related>,
}

/// Builds the document of `model`, whose spans are in `sources`.
pub fn document(model: &Model, sources: &SourceMap) -> Document {
    let bindings = crate::rules::bindings(model);
    let mut b = Builder {
        sources,
        ids: HashMap::new(),
        locations: Vec::new(),
        table: Vec::new(),
    };
    let clusters: Vec<Value> = model.clusters.iter().map(|c| b.cluster(c)).collect();
    let entries: Vec<Value> = model
        .entries
        .iter()
        .zip(&bindings.entry_cluster)
        .map(|(e, cluster)| b.entry(e, *cluster))
        .collect();
    let associations: Vec<Value> = model
        .associations
        .iter()
        .enumerate()
        .map(|(i, a)| {
            b.association(
                model,
                a,
                bindings.association_cluster[i],
                bindings.association_entry[i],
            )
        })
        .collect();
    let json = json!({
        "version": VERSION,
        "clusters": clusters,
        "entries": entries,
        "associations": associations,
        "locations": b.table,
    });
    Document {
        json,
        locations: b.locations,
    }
}

/// Assigns location ids and writes the fields.
struct Builder<'a> {
    sources: &'a SourceMap,
    ids: HashMap<(Span, Vec<(Span, String)>), usize>,
    locations: Vec<Location>,
    /// The JSON of each location, by id.
    table: Vec<Value>,
}

impl Builder<'_> {
    /// The id of a span with the places its value came from (one id per distinct pair).
    fn at(&mut self, span: Span, origin: &[Related]) -> usize {
        let key = (
            span,
            origin
                .iter()
                .map(|r| (r.span, r.message.clone()))
                .collect(),
        );
        if let Some(&id) = self.ids.get(&key) {
            return id;
        }
        let origin_json: Vec<Value> = origin
            .iter()
            .map(|r| json!({"message": r.message, "at": self.at(r.span, &[])}))
            .collect();
        let (start, end) = self.sources.range(span);
        let mut location = json!({
            "file": self.sources.get(span.file).path,
            "start": position(start),
            "end": position(end),
        });
        if !origin_json.is_empty() {
            location["origin"] = Value::Array(origin_json);
        }
        let id = self.table.len();
        self.table.push(location);
        self.locations.push(Location {
            span,
            origin: origin.to_vec(),
        });
        self.ids.insert(key, id);
        id
    }

    fn cluster(&mut self, c: &Cluster) -> Value {
        let mut o = Map::new();
        o.insert("at".into(), self.at(c.header, &[]).into());
        self.text_field(&mut o, "name", &c.name);
        self.text_field(&mut o, "role_arn", &c.role_arn);
        match &c.auth_mode {
            Val::Absent => {
                let at = self.at(c.header, &[]);
                o.insert(
                    "authentication_mode".into(),
                    json!({"value": c.default_auth_mode.as_str(), "known": true, "default": true, "at": at}),
                );
            }
            mode => self.text_field(&mut o, "authentication_mode", mode),
        }
        self.bool_field(
            &mut o,
            "bootstrap_cluster_creator_admin_permissions",
            &c.bootstrap_admin,
        );
        self.bool_field(&mut o, "auto_mode", &c.auto_mode);
        if let Some(span) = c.remote_network {
            let at = self.at(span, &[]);
            o.insert(
                "remote_network_config".into(),
                json!({"value": true, "known": true, "at": at}),
            );
        }
        Value::Object(o)
    }

    fn entry(&mut self, e: &AccessEntry, cluster: Option<usize>) -> Value {
        let mut o = Map::new();
        o.insert("at".into(), self.at(e.header, &[]).into());
        o.insert("cluster".into(), self.link(&e.cluster, cluster));
        self.text_field(&mut o, "principal_arn", &e.principal);
        match &e.entry_type {
            Val::Absent => {
                let at = self.at(e.header, &[]);
                o.insert(
                    "type".into(),
                    json!({"value": "STANDARD", "known": true, "default": true, "at": at}),
                );
            }
            t => self.text_field(&mut o, "type", t),
        }
        self.text_field(&mut o, "username", &e.username);
        if let Some(groups) = self.list(&e.groups) {
            o.insert("kubernetes_groups".into(), groups);
        }
        if let Some(tags) = self.tags(&e.tags) {
            o.insert("tags".into(), tags);
        }
        Value::Object(o)
    }

    fn association(
        &mut self,
        model: &Model,
        a: &PolicyAssociation,
        cluster: Option<usize>,
        entry: Option<usize>,
    ) -> Value {
        let mut o = Map::new();
        o.insert("at".into(), self.at(a.header, &[]).into());
        // An inline association's cluster and principal are its entry's.
        let (link, principal) = match a.inline_of.and_then(|i| model.entries.get(i)) {
            Some(owner) => (&owner.cluster, &owner.principal),
            None => (&a.cluster, &a.principal),
        };
        o.insert("cluster".into(), self.link(link, cluster));
        if let Some(i) = entry {
            o.insert("entry".into(), i.into());
        }
        o.insert("inline".into(), a.inline_of.is_some().into());
        self.text_field(&mut o, "principal_arn", principal);
        self.text_field(&mut o, "policy_arn", &a.policy_arn);
        if let Some(span) = a.scope {
            let mut scope = Map::new();
            scope.insert("at".into(), self.at(span, &[]).into());
            self.text_field(&mut scope, "type", &a.scope_type);
            if let Some(namespaces) = self.list(&a.namespaces) {
                scope.insert("namespaces".into(), namespaces);
            }
            o.insert("access_scope".into(), Value::Object(scope));
        }
        Value::Object(o)
    }

    /// `{"name": <field>, "index": <cluster>}`: the cluster as written, and the defined cluster
    /// it binds to.
    fn link(&mut self, link: &ClusterLink, cluster: Option<usize>) -> Value {
        let mut o = Map::new();
        self.text_field(&mut o, "name", &link.name);
        if let Some(i) = cluster {
            o.insert("index".into(), i.into());
        }
        Value::Object(o)
    }

    fn text_field(&mut self, o: &mut Map<String, Value>, key: &str, value: &Val<Text>) {
        if let Some(v) = self.text(value) {
            o.insert(key.into(), v);
        }
    }

    /// A string field; a partly known string has `parts` (its known pieces, `null` for each
    /// unknown one).
    fn text(&mut self, value: &Val<Text>) -> Option<Value> {
        match value {
            Val::Absent => None,
            Val::Unknown { span, .. } => Some(json!({"known": false, "at": self.at(*span, &[])})),
            Val::Known(s) => {
                let at = self.at(s.span, &s.origin);
                Some(match s.value.as_str() {
                    Some(text) => json!({"value": text, "known": true, "at": at}),
                    None => {
                        let parts: Vec<Value> = s
                            .value
                            .parts()
                            .iter()
                            .map(|p| match p {
                                Part::Lit(t) => Value::String(t.clone()),
                                Part::Hole | Part::Named { .. } => Value::Null,
                            })
                            .collect();
                        json!({"known": false, "parts": parts, "at": at})
                    }
                })
            }
        }
    }

    fn bool_field(&mut self, o: &mut Map<String, Value>, key: &str, value: &Val<bool>) {
        let v = match value {
            Val::Absent => return,
            Val::Unknown { span, .. } => json!({"known": false, "at": self.at(*span, &[])}),
            Val::Known(s) => json!({"value": s.value, "known": true, "at": self.at(s.span, &s.origin)}),
        };
        o.insert(key.into(), v);
    }

    /// A list of strings: its items are fields themselves.
    fn list(&mut self, value: &Val<Vec<Val<Text>>>) -> Option<Value> {
        match value {
            Val::Absent => None,
            Val::Unknown { span, .. } => Some(json!({"known": false, "at": self.at(*span, &[])})),
            Val::Known(s) => {
                let at = self.at(s.span, &s.origin);
                let items: Vec<Value> = s.value.iter().filter_map(|v| self.text(v)).collect();
                Some(json!({"value": items, "known": true, "at": at}))
            }
        }
    }

    fn tags(&mut self, value: &Val<Vec<Tag>>) -> Option<Value> {
        match value {
            Val::Absent => None,
            Val::Unknown { span, .. } => Some(json!({"known": false, "at": self.at(*span, &[])})),
            Val::Known(s) => {
                let at = self.at(s.span, &s.origin);
                let items: Vec<Value> = s
                    .value
                    .iter()
                    .map(|t| {
                        let mut o = Map::new();
                        self.text_field(&mut o, "key", &t.key);
                        self.text_field(&mut o, "value", &t.value);
                        Value::Object(o)
                    })
                    .collect();
                Some(json!({"value": items, "known": true, "at": at}))
            }
        }
    }
}

fn position(p: Position) -> Value {
    json!({"line": p.line, "column": p.column, "offset": p.offset})
}
