//! The normalized model as one JSON document: what `ekslint model` prints and what custom
//! policies read as `input` (documented in `docs/model.md`).
//!
//! Every field is `{"value": ..., "known": true, "at": <id>}` or, when it cannot be known
//! statically, `{"known": false, "at": <id>}` (a partly known string adds `parts`). A location id
//! indexes the `locations` table, where each location has its file, its start (`line`, `column`,
//! `offset`) and end (`end_line`, ...), and the places its value came from. Ids are assigned in document order, so the document is the same for the
//! same inputs; keys are printed sorted. New kinds of objects are added as new top-level arrays and
//! new fields as new keys; nothing existing changes meaning without a new `version`.
//!
//! The document is built directly as the interpreter's values (`regorus::Value`, which
//! serializes to JSON): the policies read it without a JSON round trip.

use crate::ir::{AccessEntry, Capability, Cluster, ClusterLink, ConfigMapMapping, MappingDefect};
use crate::ir::{MappingKind, Model, Part, PolicyAssociation, Related, Tag, Text, Unit, Val};
use crate::source::{FileId, SourceMap, Span};
use foldhash::HashMap;
use foldhash::HashMapExt;
use regorus::Value;
use regorus::value::Object;

/// The version of the document's layout.
pub const VERSION: u32 = 1;

/// The document and what its location ids stand for.
#[derive(Debug)]
pub struct Document {
    pub json: Value,
    /// Indexed by location id.
    pub locations: Vec<Location>,
}

impl Document {
    /// The document as pretty-printed JSON, keys sorted, with a final newline.
    pub fn to_json(&self) -> Result<String, String> {
        let mut text = serde_json::to_string_pretty(&self.json).map_err(|e| e.to_string())?;
        text.push('\n');
        Ok(text)
    }
}

/// A location of the document: a span, and the places its value came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Location {
    pub span: Span,
    pub origin: Vec<Related>,
}

/// Builds the document of `model`, whose spans are in `sources`.
pub fn document(model: &Model, sources: &SourceMap) -> Document {
    build(model, sources, true)
}

/// The document as the policies' input. Without `table` the `locations` table is left out (the
/// ids stay the same): the largest part of the document, built only for policies that read it.
pub fn input(model: &Model, sources: &SourceMap, table: bool) -> Document {
    build(model, sources, table)
}

fn build(model: &Model, sources: &SourceMap, table: bool) -> Document {
    let links = crate::rules::links(model);
    let mut b = Builder {
        sources,
        k: Keys::new(),
        files: HashMap::new(),
        names: HashMap::new(),
        plain_ids: HashMap::new(),
        ids: HashMap::new(),
        locations: Vec::new(),
        table: table.then(Vec::new),
        units: Vec::new(),
        unit_ids: HashMap::new(),
    };
    let clusters: Vec<Value> = model.clusters.iter().map(|c| b.cluster(c)).collect();
    let entries: Vec<Value> = model
        .entries
        .iter()
        .zip(&links.entry_cluster)
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
                links.association_cluster[i],
                links.association_entry[i],
            )
        })
        .collect();
    let mappings: Vec<Value> = model
        .mappings
        .iter()
        .zip(&links.mapping_cluster)
        .map(|(m, cluster)| b.mapping(m, *cluster))
        .collect();
    let capabilities: Vec<Value> = model
        .capabilities
        .iter()
        .zip(&links.capability_cluster)
        .map(|(c, cluster)| b.capability(c, *cluster))
        .collect();
    let units: Vec<Value> = b
        .units
        .iter()
        .map(|kind| object([(key("kind"), Value::from(*kind))]))
        .collect();
    let mut json = vec![
        (key("version"), Value::from(VERSION)),
        (key("units"), Value::from(units)),
        (key("clusters"), Value::from(clusters)),
        (key("entries"), Value::from(entries)),
        (key("associations"), Value::from(associations)),
        (key("mappings"), Value::from(mappings)),
        (key("capabilities"), Value::from(capabilities)),
    ];
    if let Some(table) = b.table {
        json.push((key("locations"), Value::from(table)));
    }
    let json = object(json);
    Document {
        json,
        locations: b.locations,
    }
}

fn key(name: &str) -> Value {
    Value::from(name)
}

fn object(entries: impl IntoIterator<Item = (Value, Value)>) -> Value {
    entries.into_iter().collect::<Object>().into_value()
}

/// The keys used many times, made once (cloning one is a reference count).
struct Keys {
    value: Value,
    known: Value,
    at: Value,
    parts: Value,
    default: Value,
    file: Value,
    line: Value,
    column: Value,
    offset: Value,
    end_line: Value,
    end_column: Value,
    end_offset: Value,
    origin: Value,
    message: Value,
}

impl Keys {
    fn new() -> Keys {
        Keys {
            value: key("value"),
            known: key("known"),
            at: key("at"),
            parts: key("parts"),
            default: key("default"),
            file: key("file"),
            line: key("line"),
            column: key("column"),
            offset: key("offset"),
            end_line: key("end_line"),
            end_column: key("end_column"),
            end_offset: key("end_offset"),
            origin: key("origin"),
            message: key("message"),
        }
    }
}

/// Assigns location ids and writes the fields.
struct Builder<'a> {
    sources: &'a SourceMap,
    k: Keys,
    /// Each file's path, made once.
    files: HashMap<FileId, Value>,
    names: HashMap<&'static str, Value>,
    /// Location ids of spans without origin, and of spans with one.
    plain_ids: HashMap<Span, usize>,
    ids: HashMap<(Span, Vec<(Span, String)>), usize>,
    locations: Vec<Location>,
    /// The JSON of each location, by id (when the table is built).
    table: Option<Vec<Value>>,
    /// The kind of each unit, by its number in the document (the order objects name them).
    units: Vec<&'a str>,
    unit_ids: HashMap<&'a Unit, usize>,
}

/// What tells two origins apart.
fn origin_key(origin: &[Related]) -> Vec<(Span, String)> {
    origin.iter().map(|r| (r.span, r.message.clone())).collect()
}

/// An object under construction.
type Fields = Vec<(Value, Value)>;

impl<'a> Builder<'a> {
    /// The number of a deployment unit in the document.
    fn unit(&mut self, unit: &'a Unit) -> Value {
        let next = self.unit_ids.len();
        let id = *self.unit_ids.entry(unit).or_insert_with(|| {
            self.units.push(unit.kind());
            next
        });
        Value::from(id)
    }

    /// A key, made once per document.
    fn name(&mut self, name: &'static str) -> Value {
        self.names.entry(name).or_insert_with(|| key(name)).clone()
    }

    /// The id of a span with the places its value came from (one id per distinct pair).
    fn at(&mut self, span: Span, origin: &[Related]) -> Value {
        let found = match origin {
            [] => self.plain_ids.get(&span),
            _ => self.ids.get(&(span, origin_key(origin))),
        };
        if let Some(&id) = found {
            return Value::from(id);
        }
        // The places the value came from get their ids first.
        let origin_ids: Vec<Value> = origin.iter().map(|r| self.at(r.span, &[])).collect();
        let id = self.locations.len();
        self.locations.push(Location {
            span,
            origin: origin.to_vec(),
        });
        match origin {
            [] => self.plain_ids.insert(span, id),
            _ => self.ids.insert((span, origin_key(origin)), id),
        };
        if self.table.is_some() {
            let location = self.location(span, origin, origin_ids);
            if let Some(table) = self.table.as_mut() {
                table.push(location);
            }
        }
        Value::from(id)
    }

    /// The JSON of a location.
    fn location(&mut self, span: Span, origin: &[Related], origin_ids: Vec<Value>) -> Value {
        let origin_json: Vec<Value> = origin
            .iter()
            .zip(origin_ids)
            .map(|(r, at)| {
                object([
                    (self.k.message.clone(), Value::from(r.message.as_str())),
                    (self.k.at.clone(), at),
                ])
            })
            .collect();
        let (start, end) = self.sources.range(span);
        let sources = self.sources;
        let file = self
            .files
            .entry(span.file)
            .or_insert_with(|| Value::from(sources.get(span.file).path.as_str()))
            .clone();
        // Flat, one object per location: the table is the largest part of the document.
        let mut location: Fields = vec![
            (self.k.file.clone(), file),
            (self.k.line.clone(), Value::from(start.line)),
            (self.k.column.clone(), Value::from(start.column)),
            (self.k.offset.clone(), Value::from(start.offset)),
            (self.k.end_line.clone(), Value::from(end.line)),
            (self.k.end_column.clone(), Value::from(end.column)),
            (self.k.end_offset.clone(), Value::from(end.offset)),
        ];
        if !origin_json.is_empty() {
            location.push((self.k.origin.clone(), Value::from(origin_json)));
        }
        object(location)
    }

    /// `{"value": .., "known": true, "at": ..}`.
    fn known(&self, value: Value, at: Value) -> Value {
        object([
            (self.k.value.clone(), value),
            (self.k.known.clone(), Value::Bool(true)),
            (self.k.at.clone(), at),
        ])
    }

    /// `{"known": false, "at": ..}`.
    fn unknown(&mut self, span: Span) -> Value {
        let at = self.at(span, &[]);
        object([
            (self.k.known.clone(), Value::Bool(false)),
            (self.k.at.clone(), at),
        ])
    }

    /// A value that is not written: the default that applies, at the object's header.
    fn default(&mut self, value: &str, header: Span) -> Value {
        let at = self.at(header, &[]);
        object([
            (self.k.value.clone(), Value::from(value)),
            (self.k.known.clone(), Value::Bool(true)),
            (self.k.default.clone(), Value::Bool(true)),
            (self.k.at.clone(), at),
        ])
    }

    fn cluster(&mut self, c: &'a Cluster) -> Value {
        let mut o: Fields = vec![
            (self.k.at.clone(), self.at(c.header, &[])),
            (self.name("unit"), self.unit(&c.unit)),
        ];
        self.text_field(&mut o, "name", &c.name);
        self.text_field(&mut o, "role_arn", &c.role_arn);
        match &c.auth_mode {
            Val::Absent => {
                let mode = self.default(c.default_auth_mode.as_str(), c.header);
                o.push((self.name("authentication_mode"), mode));
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
            let present = self.known(Value::Bool(true), at);
            o.push((self.name("remote_network_config"), present));
        }
        object(o)
    }

    fn entry(&mut self, e: &'a AccessEntry, cluster: Option<usize>) -> Value {
        let mut o: Fields = vec![
            (self.k.at.clone(), self.at(e.header, &[])),
            (self.name("unit"), self.unit(&e.unit)),
            (self.name("cluster"), self.link(&e.cluster, cluster)),
        ];
        self.text_field(&mut o, "principal_arn", &e.principal);
        match &e.entry_type {
            Val::Absent => {
                let standard = self.default("STANDARD", e.header);
                o.push((self.name("type"), standard));
            }
            t => self.text_field(&mut o, "type", t),
        }
        self.text_field(&mut o, "username", &e.username);
        if let Some(groups) = self.list(&e.groups) {
            o.push((self.name("kubernetes_groups"), groups));
        }
        if let Some(tags) = self.tags(&e.tags) {
            o.push((self.name("tags"), tags));
        }
        object(o)
    }

    fn association(
        &mut self,
        model: &Model,
        a: &'a PolicyAssociation,
        cluster: Option<usize>,
        entry: Option<usize>,
    ) -> Value {
        // An inline association's cluster and principal are its entry's.
        let (link, principal) = match a.inline_of.and_then(|i| model.entries.get(i)) {
            Some(owner) => (&owner.cluster, &owner.principal),
            None => (&a.cluster, &a.principal),
        };
        let mut o: Fields = vec![
            (self.k.at.clone(), self.at(a.header, &[])),
            (self.name("unit"), self.unit(&a.unit)),
            (self.name("cluster"), self.link(link, cluster)),
            (self.name("inline"), Value::Bool(a.inline_of.is_some())),
        ];
        if let Some(i) = entry {
            o.push((self.name("entry"), Value::from(i)));
        }
        self.text_field(&mut o, "principal_arn", principal);
        self.text_field(&mut o, "policy_arn", &a.policy_arn);
        if let Some(span) = a.scope {
            let mut scope: Fields = vec![(self.k.at.clone(), self.at(span, &[]))];
            self.text_field(&mut scope, "type", &a.scope_type);
            if let Some(namespaces) = self.list(&a.namespaces) {
                scope.push((self.name("namespaces"), namespaces));
            }
            o.push((self.name("access_scope"), object(scope)));
        }
        object(o)
    }

    /// An item of the aws-auth ConfigMap's `mapRoles`, `mapUsers` or `mapAccounts` (or an
    /// eksctl identity mapping).
    fn mapping(&mut self, m: &'a ConfigMapMapping, cluster: Option<usize>) -> Value {
        let kind = match m.kind {
            MappingKind::Role => "role",
            MappingKind::User => "user",
            MappingKind::Account => "account",
            MappingKind::Service => "service",
        };
        let mut o: Fields = vec![
            (self.k.at.clone(), self.at(m.span, &m.origin)),
            (self.name("unit"), self.unit(&m.unit)),
            (self.name("cluster"), self.link(&m.cluster, cluster)),
            (self.name("kind"), Value::from(kind)),
        ];
        let arn = match m.kind {
            MappingKind::Account => "account",
            _ => "arn",
        };
        self.text_field(&mut o, arn, &m.arn);
        self.text_field(&mut o, "username", &m.username);
        if let Some(groups) = self.list(&m.groups) {
            o.push((self.name("groups"), groups));
        }
        if let Some(span) = m.sso {
            let at = self.at(span, &[]);
            let present = self.known(Value::Bool(true), at);
            o.push((self.name("sso"), present));
        }
        if let Some(defect) = &m.defect {
            let why = match defect {
                MappingDefect::NotAList(_) => "not_a_list",
                MappingDefect::NotAMapping => "not_a_mapping",
            };
            o.push((self.name("defect"), Value::from(why)));
        }
        object(o)
    }

    /// An EKS capability (ACK, Argo CD, kro) and the IAM role EKS gives access for it.
    fn capability(&mut self, c: &'a Capability, cluster: Option<usize>) -> Value {
        let mut o: Fields = vec![
            (self.k.at.clone(), self.at(c.header, &[])),
            (self.name("unit"), self.unit(&c.unit)),
            (self.name("cluster"), self.link(&c.cluster, cluster)),
        ];
        self.text_field(&mut o, "role_arn", &c.role);
        object(o)
    }

    /// `{"name": <field>, "index": <cluster>}`: the cluster as written, and the defined cluster
    /// it binds to.
    fn link(&mut self, link: &ClusterLink, cluster: Option<usize>) -> Value {
        let mut o: Fields = Vec::new();
        self.text_field(&mut o, "name", &link.name);
        if let Some(i) = cluster {
            o.push((self.name("index"), Value::from(i)));
        }
        object(o)
    }

    fn text_field(&mut self, o: &mut Fields, name: &'static str, value: &Val<Text>) {
        if let Some(v) = self.text(value) {
            o.push((self.name(name), v));
        }
    }

    /// A string field; a partly known string has `parts` (its known pieces, `null` for each
    /// unknown one).
    fn text(&mut self, value: &Val<Text>) -> Option<Value> {
        match value {
            Val::Absent => None,
            Val::Unknown { span, .. } => Some(self.unknown(*span)),
            Val::Known(s) => {
                let at = self.at(s.span, &s.origin);
                Some(match s.value.as_str() {
                    Some(text) => self.known(Value::from(text), at),
                    None => {
                        let parts: Vec<Value> = s
                            .value
                            .parts()
                            .iter()
                            .map(|p| match p {
                                Part::Lit(t) => Value::from(t.as_str()),
                                Part::Hole | Part::Named { .. } => Value::Null,
                            })
                            .collect();
                        object([
                            (self.k.known.clone(), Value::Bool(false)),
                            (self.k.parts.clone(), Value::from(parts)),
                            (self.k.at.clone(), at),
                        ])
                    }
                })
            }
        }
    }

    fn bool_field(&mut self, o: &mut Fields, name: &'static str, value: &Val<bool>) {
        let v = match value {
            Val::Absent => return,
            Val::Unknown { span, .. } => self.unknown(*span),
            Val::Known(s) => {
                let at = self.at(s.span, &s.origin);
                self.known(Value::Bool(s.value), at)
            }
        };
        o.push((self.name(name), v));
    }

    /// A list of strings: its items are fields themselves.
    fn list(&mut self, value: &Val<Vec<Val<Text>>>) -> Option<Value> {
        match value {
            Val::Absent => None,
            Val::Unknown { span, .. } => Some(self.unknown(*span)),
            Val::Known(s) => {
                let at = self.at(s.span, &s.origin);
                let items: Vec<Value> = s.value.iter().filter_map(|v| self.text(v)).collect();
                Some(self.known(Value::from(items), at))
            }
        }
    }

    fn tags(&mut self, value: &Val<Vec<Tag>>) -> Option<Value> {
        match value {
            Val::Absent => None,
            Val::Unknown { span, .. } => Some(self.unknown(*span)),
            Val::Known(s) => {
                let at = self.at(s.span, &s.origin);
                let items: Vec<Value> = s
                    .value
                    .iter()
                    .map(|t| {
                        let mut o: Fields = Vec::new();
                        self.text_field(&mut o, "key", &t.key);
                        self.text_field(&mut o, "value", &t.value);
                        object(o)
                    })
                    .collect();
                Some(self.known(Value::from(items), at))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Input, LintOptions, parse};

    const TF: &str = r#"variable "role" {
  default = "arn:aws:iam::111122223333:role/ops"
}

resource "aws_eks_access_entry" "ops" {
  cluster_name  = "shop"
  principal_arn = var.role
}

resource "aws_eks_access_entry" "user" {
  cluster_name  = "shop"
  principal_arn = "arn:${var.partition}:iam::111122223333:user/alice"
  type          = var.kind
}
"#;

    fn json(value: &Value) -> serde_json::Value {
        serde_json::to_value(value).expect("the document is JSON")
    }

    #[test]
    fn location_ids_index_the_table_and_the_input_keeps_them() {
        let options = LintOptions::default();
        let parsed = parse(
            vec![Input {
                display: "main.tf".into(),
                dir: std::path::PathBuf::from("."),
                bytes: TF.as_bytes().to_vec(),
                explicit: true,
                context: false,
                unreadable: None,
            }],
            &options,
        );
        let full = document(&parsed.model, &parsed.sources);
        let doc = json(&full.json);
        let table = doc["locations"].as_array().expect("locations");
        assert_eq!(table.len(), full.locations.len());
        for (id, (location, row)) in full.locations.iter().zip(table).enumerate() {
            let (start, end) = parsed.sources.range(location.span);
            assert_eq!(row["line"], start.line, "{id}");
            assert_eq!(row["column"], start.column, "{id}");
            assert_eq!(row["end_offset"], end.offset, "{id}");
            for (origin, o) in location
                .origin
                .iter()
                .zip(row["origin"].as_array().into_iter().flatten())
            {
                let at = o["at"].as_u64().expect("origin id") as usize;
                assert_eq!(full.locations[at].span, origin.span, "{id}");
            }
        }
        let ops = &doc["entries"][0]["principal_arn"];
        assert_eq!(ops["value"], "arn:aws:iam::111122223333:role/ops");
        let row = &table[ops["at"].as_u64().expect("at") as usize];
        assert_eq!(
            (row["line"].as_u64(), row["column"].as_u64()),
            (Some(7), Some(19))
        );
        assert_eq!(
            row["origin"][0]["message"],
            "from the default of variable `role`"
        );

        let alice = &doc["entries"][1];
        assert_eq!(
            alice["principal_arn"],
            serde_json::json!({"known": false, "parts": ["arn:", null, ":iam::111122223333:user/alice"], "at": alice["principal_arn"]["at"]})
        );
        assert_eq!(alice["type"]["known"], false);
        assert!(alice["type"].get("value").is_none());

        // Without the table, the same document and the same ids.
        let input = input(&parsed.model, &parsed.sources, false);
        let mut without = doc.clone();
        without.as_object_mut().map(|o| o.remove("locations"));
        assert_eq!(json(&input.json), without);
        assert_eq!(input.locations, full.locations);
    }
}
