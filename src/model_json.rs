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
use crate::rules::Links;
use crate::source::{FileId, SourceMap, Span};
use foldhash::HashMap;
use foldhash::HashMapExt;
use rayon::prelude::*;
use regorus::Value;
use regorus::value::Object;
use std::sync::OnceLock;

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
    build(model, sources, &OnceLock::new(), &|_| true)
}

/// The document as the policies' input, with only the top-level fields `wanted` filled: the
/// others are left empty (`locations` out). Ids and unit numbers stay those of the whole
/// document. `links` holds the model's links (as [`crate::rules::links`] finds them) or is
/// filled with them here, while the document is numbered.
pub fn input(
    model: &Model,
    sources: &SourceMap,
    links: &OnceLock<Links>,
    wanted: &(dyn Fn(&str) -> bool + Sync),
) -> Document {
    build(model, sources, links, wanted)
}

/// One object of a top-level array, by its index in the model.
#[derive(Clone, Copy)]
enum Item {
    Cluster(usize),
    Entry(usize),
    Association(usize),
    Mapping(usize),
    Capability(usize),
}

/// A top-level array: its field, its length and the object at each index.
type Array = (&'static str, usize, fn(usize) -> Item);

/// How many objects are numbered, then built, together.
const CHUNK: usize = 512;

/// Builds the document in two passes. The first walks the model in document order and only
/// numbers: each location id and unit number, in the order the second pass asks for them. The
/// second builds the objects, each reading its numbers from the first pass's record, so the
/// document is the same whatever the thread count. The first pass goes chunk by chunk on this
/// thread while the others find the links (unless given) and build the chunks already
/// numbered.
fn build(
    model: &Model,
    sources: &SourceMap,
    links: &OnceLock<Links>,
    wanted: &(dyn Fn(&str) -> bool + Sync),
) -> Document {
    // The top-level arrays in document order: each field, its length and its objects.
    let arrays: [Array; 5] = [
        ("clusters", model.clusters.len(), Item::Cluster),
        ("entries", model.entries.len(), Item::Entry),
        ("associations", model.associations.len(), Item::Association),
        ("mappings", model.mappings.len(), Item::Mapping),
        ("capabilities", model.capabilities.len(), Item::Capability),
    ];
    let items: Vec<(&str, Item)> = arrays
        .iter()
        .flat_map(|&(field, n, item)| (0..n).map(move |i| (field, item(i))))
        .collect();
    let chunks: Vec<&[(&str, Item)]> = items.chunks(CHUNK).collect();
    let built: Vec<OnceLock<Vec<Value>>> = chunks.iter().map(|_| OnceLock::new()).collect();
    let keys = Keys::new();
    let mut numbering = Numbering::with_capacity(items.len());
    // The chunks numbered before the links were found.
    let mut unbuilt: Vec<(usize, Record)> = Vec::new();
    rayon::scope(|s| {
        if links.get().is_none() {
            s.spawn(|_| {
                links.get_or_init(|| crate::rules::links(model));
            });
        }
        for (c, chunk) in chunks.iter().enumerate() {
            unbuilt.push((c, numbering.number(model, &keys, chunk)));
            // Only read here: this thread never waits for the links.
            if let Some(links) = links.get() {
                for (c, record) in unbuilt.drain(..) {
                    let (chunk, slot) = (chunks[c], &built[c]);
                    s.spawn(move |_| {
                        let _ = slot.set(objects(model, links, chunk, &record, wanted));
                    });
                }
            }
        }
    });
    // Found by the end of the scope.
    let links = links.get_or_init(|| crate::rules::links(model));
    let late: Vec<(usize, Vec<Value>)> = unbuilt
        .into_par_iter()
        .map(|(c, record)| (c, objects(model, links, chunks[c], &record, wanted)))
        .collect();
    for (c, objects) in late {
        let _ = built[c].set(objects);
    }
    let mut objects = built
        .into_iter()
        .flat_map(|b| b.into_inner().unwrap_or_default());
    let units: Vec<Value> = numbering
        .units
        .iter()
        .map(|kind| object([(key("kind"), Value::from(*kind))]))
        .collect();
    let mut json = vec![
        (key("version"), Value::from(VERSION)),
        (key("units"), Value::from(units)),
    ];
    for (field, n, _) in arrays {
        let n = if wanted(field) { n } else { 0 };
        let array: Vec<Value> = objects.by_ref().take(n).collect();
        json.push((key(field), Value::from(array)));
    }
    if wanted("locations") {
        json.push((key("locations"), numbering.table(sources, &keys)));
    }
    Document {
        json: object(json),
        locations: numbering.locations,
    }
}

/// The objects of a chunk's items of the `wanted` fields, from the chunk's numbers.
fn objects(
    model: &Model,
    links: &Links,
    chunk: &[(&str, Item)],
    record: &Record,
    wanted: &(dyn Fn(&str) -> bool + Sync),
) -> Vec<Value> {
    // Each chunk has its own keys: a key shared by all would have its reference count written
    // by every thread for every object.
    let keys = Keys::new();
    chunk
        .iter()
        .enumerate()
        .filter(|(_, (field, _))| wanted(field))
        .map(|(i, &(_, item))| {
            Builder {
                model,
                links: Some(links),
                k: &keys,
                numbers: Numbers::Replay(
                    &record.numbers[record.starts[i]..record.starts[i + 1]],
                    0,
                ),
            }
            .item(item)
        })
        .collect()
}

fn key(name: &str) -> Value {
    Value::from(name)
}

fn object(entries: impl IntoIterator<Item = (Value, Value)>) -> Value {
    entries.into_iter().collect::<Object>().into_value()
}

/// An object with the keys of `fields` and `at` (null), in its compact storage.
fn template<const N: usize>(fields: [(&str, Value); N]) -> Object {
    let mut o = Object::new();
    for (name, value) in fields {
        o.insert(key(name), value);
    }
    o.insert(key("at"), Value::Null);
    match o.into_value() {
        Value::Object(o) => (*o).clone(),
        _ => Object::new(),
    }
}

/// The keys of the document, made once (cloning one is a reference count).
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
    /// The field names.
    names: HashMap<&'static str, Value>,
    /// `{"value": null, "known": true, "at": null}` and `{"known": false, "at": null}`, whose
    /// copies get their values set in place: an object made from a template keeps the compact
    /// storage of its keys, one made key by key goes through a tree first.
    known_template: Object,
    unknown_template: Object,
}

/// Every field name the builder writes.
const NAMES: [&str; 27] = [
    "unit",
    "cluster",
    "name",
    "index",
    "role_arn",
    "authentication_mode",
    "bootstrap_cluster_creator_admin_permissions",
    "auto_mode",
    "remote_network_config",
    "principal_arn",
    "type",
    "username",
    "kubernetes_groups",
    "tags",
    "key",
    "value",
    "inline",
    "entry",
    "policy_arn",
    "access_scope",
    "namespaces",
    "kind",
    "arn",
    "account",
    "groups",
    "sso",
    "defect",
];

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
            names: NAMES.iter().map(|n| (*n, key(n))).collect(),
            known_template: template([("value", Value::Null), ("known", Value::Bool(true))]),
            unknown_template: template([("known", Value::Bool(false))]),
        }
    }

    /// A field name.
    fn name(&self, name: &'static str) -> Value {
        match self.names.get(name) {
            Some(k) => k.clone(),
            None => {
                debug_assert!(false, "`{name}` is missing from NAMES");
                key(name)
            }
        }
    }
}

/// The numbers of the document, assigned in document order by the first pass.
#[derive(Default)]
struct Numbering<'a> {
    /// Location ids of spans without origin, and of spans with one.
    plain_ids: HashMap<Span, usize>,
    ids: HashMap<(Span, &'a [Related]), usize>,
    /// Indexed by location id, with the ids of the places each value came from.
    locations: Vec<Location>,
    origin_ids: Vec<Vec<usize>>,
    /// The kind of each unit, by its number in the document (the order objects name them).
    units: Vec<&'a str>,
    unit_ids: HashMap<&'a Unit, usize>,
    /// Each number handed out for the chunk being numbered, in the order its objects ask.
    record: Vec<usize>,
}

/// A chunk's numbers, in the order its objects ask for them, and where each object's numbers
/// start (one more than its objects: the last is the end).
struct Record {
    numbers: Vec<usize>,
    starts: Vec<usize>,
}

impl<'a> Numbering<'a> {
    /// Room for the numbers of about `objects` objects.
    fn with_capacity(objects: usize) -> Numbering<'a> {
        Numbering {
            plain_ids: HashMap::with_capacity(objects * 4),
            ids: HashMap::with_capacity(objects),
            locations: Vec::with_capacity(objects * 5),
            origin_ids: Vec::with_capacity(objects * 5),
            ..Numbering::default()
        }
    }

    /// Numbers the objects of `chunk`, the next in document order.
    fn number(&mut self, model: &'a Model, keys: &Keys, chunk: &[(&str, Item)]) -> Record {
        self.record = Vec::with_capacity(chunk.len() * 12);
        let mut starts = Vec::with_capacity(chunk.len() + 1);
        let mut first = Builder {
            model,
            links: None,
            k: keys,
            numbers: Numbers::Assign(self),
        };
        for &(_, item) in chunk {
            starts.push(first.recorded());
            first.item(item);
        }
        starts.push(first.recorded());
        Record {
            numbers: std::mem::take(&mut self.record),
            starts,
        }
    }

    /// The id of a span with the places its value came from (one id per distinct pair).
    fn at(&mut self, span: Span, origin: &'a [Related]) -> usize {
        let found = match origin {
            [] => self.plain_ids.get(&span),
            _ => self.ids.get(&(span, origin)),
        };
        if let Some(&id) = found {
            return id;
        }
        // The places the value came from get their ids first.
        let origin_ids: Vec<usize> = origin.iter().map(|r| self.at(r.span, &[])).collect();
        let id = self.locations.len();
        self.locations.push(Location {
            span,
            origin: origin.to_vec(),
        });
        self.origin_ids.push(origin_ids);
        match origin {
            [] => self.plain_ids.insert(span, id),
            _ => self.ids.insert((span, origin), id),
        };
        id
    }

    /// The number of a deployment unit in the document.
    fn unit(&mut self, unit: &'a Unit) -> usize {
        let next = self.unit_ids.len();
        *self.unit_ids.entry(unit).or_insert_with(|| {
            self.units.push(unit.kind());
            next
        })
    }

    /// The `locations` table: the JSON of each location, by id.
    fn table(&self, sources: &SourceMap, k: &Keys) -> Value {
        let mut files: HashMap<FileId, Value> = HashMap::new();
        for location in &self.locations {
            let file = location.span.file;
            files
                .entry(file)
                .or_insert_with(|| Value::from(sources.get(file).path.as_str()));
        }
        let rows: Vec<Value> = self
            .locations
            .par_iter()
            .zip(&self.origin_ids)
            .with_min_len(256)
            .map(|(location, origin_ids)| {
                let span = location.span;
                let (start, end) = sources.range(span);
                // Flat, one object per location: the table is the largest part of the document.
                let mut row: Vec<(Value, Value)> = vec![
                    (k.file.clone(), files[&span.file].clone()),
                    (k.line.clone(), Value::from(start.line)),
                    (k.column.clone(), Value::from(start.column)),
                    (k.offset.clone(), Value::from(start.offset)),
                    (k.end_line.clone(), Value::from(end.line)),
                    (k.end_column.clone(), Value::from(end.column)),
                    (k.end_offset.clone(), Value::from(end.offset)),
                ];
                if !origin_ids.is_empty() {
                    let origin: Vec<Value> = location
                        .origin
                        .iter()
                        .zip(origin_ids)
                        .map(|(r, at)| {
                            object([
                                (k.message.clone(), Value::from(&*r.message)),
                                (k.at.clone(), Value::from(*at)),
                            ])
                        })
                        .collect();
                    row.push((k.origin.clone(), Value::from(origin)));
                }
                object(row)
            })
            .collect();
        Value::from(rows)
    }
}

/// How a builder gets its numbers.
enum Numbers<'n, 'a> {
    /// The first pass: assigns and records them, and builds nothing.
    Assign(&'n mut Numbering<'a>),
    /// The second: reads one object's record from the start.
    Replay(&'n [usize], usize),
}

/// Writes the objects of the document (or, in the first pass, only numbers them).
struct Builder<'n, 'a> {
    model: &'a Model,
    /// None in the first pass, which reads no link.
    links: Option<&'n Links>,
    k: &'n Keys,
    numbers: Numbers<'n, 'a>,
}

/// An object under construction; none in the first pass, which builds nothing.
struct Fields(Option<Object>);

impl Fields {
    /// Adds a field (in the second pass).
    fn push(&mut self, key: &Value, value: Value) {
        if let Some(o) = &mut self.0 {
            o.insert(key.clone(), value);
        }
    }

    /// Adds a field by its name (in the second pass).
    fn named(&mut self, keys: &Keys, name: &'static str, value: Value) {
        if let Some(o) = &mut self.0 {
            o.insert(keys.name(name), value);
        }
    }
}

impl<'n, 'a> Builder<'n, 'a> {
    /// How many numbers the first pass has recorded.
    fn recorded(&self) -> usize {
        match &self.numbers {
            Numbers::Assign(n) => n.record.len(),
            Numbers::Replay(_, next) => *next,
        }
    }

    /// Whether this pass only numbers.
    fn numbering(&self) -> bool {
        matches!(self.numbers, Numbers::Assign(_))
    }

    /// The next number: assigned by `assign` in the first pass, read in the second.
    fn number(&mut self, assign: impl FnOnce(&mut Numbering<'a>) -> usize) -> Value {
        let n = match &mut self.numbers {
            Numbers::Assign(numbering) => {
                let n = assign(numbering);
                numbering.record.push(n);
                n
            }
            Numbers::Replay(record, next) => {
                let n = record[*next];
                *next += 1;
                n
            }
        };
        Value::from(n)
    }

    /// The id of a span with the places its value came from.
    fn at(&mut self, span: Span, origin: &'a [Related]) -> Value {
        self.number(|n| n.at(span, origin))
    }

    /// The number of a deployment unit.
    fn unit(&mut self, unit: &'a Unit) -> Value {
        self.number(|n| n.unit(unit))
    }

    /// An object (nothing in the first pass).
    fn object(&self, fields: Fields) -> Value {
        fields.0.map_or(Value::Null, Object::into_value)
    }

    /// A new object's fields.
    fn fields(&self) -> Fields {
        Fields((!self.numbering()).then(Object::new))
    }

    /// An array (nothing in the first pass).
    fn array(&self, items: Vec<Value>) -> Value {
        if self.numbering() {
            Value::Null
        } else {
            Value::from(items)
        }
    }

    /// A string (nothing in the first pass).
    fn string(&self, text: &str) -> Value {
        if self.numbering() {
            Value::Null
        } else {
            Value::from(text)
        }
    }

    fn item(&mut self, item: Item) -> Value {
        let (model, links) = (self.model, self.links);
        let link = |of: fn(&Links) -> &[Option<usize>], i: usize| links.and_then(|l| of(l)[i]);
        match item {
            Item::Cluster(i) => self.cluster(&model.clusters[i]),
            Item::Entry(i) => self.entry(&model.entries[i], link(|l| &l.entry_cluster, i)),
            Item::Association(i) => self.association(
                &model.associations[i],
                link(|l| &l.association_cluster, i),
                link(|l| &l.association_entry, i),
            ),
            Item::Mapping(i) => self.mapping(&model.mappings[i], link(|l| &l.mapping_cluster, i)),
            Item::Capability(i) => {
                self.capability(&model.capabilities[i], link(|l| &l.capability_cluster, i))
            }
        }
    }

    /// `{"value": .., "known": true, "at": ..}`.
    fn known(&self, value: Value, at: Value) -> Value {
        let k = self.k;
        if self.numbering() {
            return Value::Null;
        }
        let mut o = k.known_template.clone();
        o.insert(k.value.clone(), value);
        o.insert(k.at.clone(), at);
        o.into_value()
    }

    /// `{"known": false, "at": ..}`.
    fn unknown(&mut self, span: Span) -> Value {
        let k = self.k;
        let at = self.at(span, &[]);
        if self.numbering() {
            return Value::Null;
        }
        let mut o = k.unknown_template.clone();
        o.insert(k.at.clone(), at);
        o.into_value()
    }

    /// A value that is not written: the default that applies, at the object's header.
    fn default(&mut self, value: &str, header: Span) -> Value {
        let k = self.k;
        let at = self.at(header, &[]);
        let mut o = self.fields();
        o.push(&k.value, self.string(value));
        o.push(&k.known, Value::Bool(true));
        o.push(&k.default, Value::Bool(true));
        o.push(&k.at, at);
        self.object(o)
    }

    fn cluster(&mut self, c: &'a Cluster) -> Value {
        let k = self.k;
        let mut o = self.fields();
        o.push(&k.at, self.at(c.header, &[]));
        o.named(k, "unit", self.unit(&c.unit));
        self.text_field(&mut o, "name", &c.name);
        self.text_field(&mut o, "role_arn", &c.role_arn);
        match &c.auth_mode {
            Val::Absent => {
                let mode = self.default(c.default_auth_mode.as_str(), c.header);
                o.named(k, "authentication_mode", mode);
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
            o.named(
                k,
                "remote_network_config",
                self.known(Value::Bool(true), at),
            );
        }
        self.object(o)
    }

    fn entry(&mut self, e: &'a AccessEntry, cluster: Option<usize>) -> Value {
        let k = self.k;
        let mut o = self.fields();
        o.push(&k.at, self.at(e.header, &[]));
        o.named(k, "unit", self.unit(&e.unit));
        o.named(k, "cluster", self.link(&e.cluster, cluster));
        self.text_field(&mut o, "principal_arn", &e.principal);
        match &e.entry_type {
            Val::Absent => {
                let standard = self.default("STANDARD", e.header);
                o.named(k, "type", standard);
            }
            t => self.text_field(&mut o, "type", t),
        }
        self.text_field(&mut o, "username", &e.username);
        if let Some(groups) = self.list(&e.groups) {
            o.named(k, "kubernetes_groups", groups);
        }
        if let Some(tags) = self.tags(&e.tags) {
            o.named(k, "tags", tags);
        }
        self.object(o)
    }

    fn association(
        &mut self,
        a: &'a PolicyAssociation,
        cluster: Option<usize>,
        entry: Option<usize>,
    ) -> Value {
        let k = self.k;
        // An inline association's cluster and principal are its entry's.
        let (link, principal) = match a.inline_of.and_then(|i| self.model.entries.get(i)) {
            Some(owner) => (&owner.cluster, &owner.principal),
            None => (&a.cluster, &a.principal),
        };
        let mut o = self.fields();
        o.push(&k.at, self.at(a.header, &[]));
        o.named(k, "unit", self.unit(&a.unit));
        o.named(k, "cluster", self.link(link, cluster));
        o.named(k, "inline", Value::Bool(a.inline_of.is_some()));
        if let Some(i) = entry {
            o.named(k, "entry", Value::from(i));
        }
        self.text_field(&mut o, "principal_arn", principal);
        self.text_field(&mut o, "policy_arn", &a.policy_arn);
        if let Some(span) = a.scope {
            let mut scope = self.fields();
            scope.push(&k.at, self.at(span, &[]));
            self.text_field(&mut scope, "type", &a.scope_type);
            if let Some(namespaces) = self.list(&a.namespaces) {
                scope.named(k, "namespaces", namespaces);
            }
            o.named(k, "access_scope", self.object(scope));
        }
        self.object(o)
    }

    /// An item of the aws-auth ConfigMap's `mapRoles`, `mapUsers` or `mapAccounts` (or an
    /// eksctl identity mapping).
    fn mapping(&mut self, m: &'a ConfigMapMapping, cluster: Option<usize>) -> Value {
        let k = self.k;
        let kind = match m.kind {
            MappingKind::Role => "role",
            MappingKind::User => "user",
            MappingKind::Account => "account",
            MappingKind::Service => "service",
        };
        let mut o = self.fields();
        o.push(&k.at, self.at(m.span, &m.origin));
        o.named(k, "unit", self.unit(&m.unit));
        o.named(k, "cluster", self.link(&m.cluster, cluster));
        o.named(k, "kind", self.string(kind));
        let arn = match m.kind {
            MappingKind::Account => "account",
            _ => "arn",
        };
        self.text_field(&mut o, arn, &m.arn);
        self.text_field(&mut o, "username", &m.username);
        if let Some(groups) = self.list(&m.groups) {
            o.named(k, "groups", groups);
        }
        if let Some(span) = m.sso {
            let at = self.at(span, &[]);
            o.named(k, "sso", self.known(Value::Bool(true), at));
        }
        if let Some(defect) = &m.defect {
            let why = match defect {
                MappingDefect::NotAList(_) => "not_a_list",
                MappingDefect::NotAMapping => "not_a_mapping",
            };
            o.named(k, "defect", self.string(why));
        }
        self.object(o)
    }

    /// An EKS capability (ACK, Argo CD, kro) and the IAM role EKS gives access for it.
    fn capability(&mut self, c: &'a Capability, cluster: Option<usize>) -> Value {
        let k = self.k;
        let mut o = self.fields();
        o.push(&k.at, self.at(c.header, &[]));
        o.named(k, "unit", self.unit(&c.unit));
        o.named(k, "cluster", self.link(&c.cluster, cluster));
        self.text_field(&mut o, "role_arn", &c.role);
        self.object(o)
    }

    /// `{"name": <field>, "index": <cluster>}`: the cluster as written, and the defined cluster
    /// it binds to.
    fn link(&mut self, link: &'a ClusterLink, cluster: Option<usize>) -> Value {
        let mut o = self.fields();
        self.text_field(&mut o, "name", &link.name);
        if let Some(i) = cluster {
            o.named(self.k, "index", Value::from(i));
        }
        self.object(o)
    }

    fn text_field(&mut self, o: &mut Fields, name: &'static str, value: &'a Val<Text>) {
        if let Some(v) = self.text(value) {
            o.named(self.k, name, v);
        }
    }

    /// A string field; a partly known string has `parts` (its known pieces, `null` for each
    /// unknown one).
    fn text(&mut self, value: &'a Val<Text>) -> Option<Value> {
        match value {
            Val::Absent => None,
            Val::Unknown { span, .. } => Some(self.unknown(*span)),
            Val::Known(s) => {
                let at = self.at(s.span, &s.origin);
                if self.numbering() {
                    return Some(Value::Null);
                }
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
                        let k = self.k;
                        let mut o = self.fields();
                        o.push(&k.known, Value::Bool(false));
                        o.push(&k.parts, Value::from(parts));
                        o.push(&k.at, at);
                        self.object(o)
                    }
                })
            }
        }
    }

    fn bool_field(&mut self, o: &mut Fields, name: &'static str, value: &'a Val<bool>) {
        let v = match value {
            Val::Absent => return,
            Val::Unknown { span, .. } => self.unknown(*span),
            Val::Known(s) => {
                let at = self.at(s.span, &s.origin);
                self.known(Value::Bool(s.value), at)
            }
        };
        o.named(self.k, name, v);
    }

    /// A list of strings: its items are fields themselves.
    fn list(&mut self, value: &'a Val<Vec<Val<Text>>>) -> Option<Value> {
        match value {
            Val::Absent => None,
            Val::Unknown { span, .. } => Some(self.unknown(*span)),
            Val::Known(s) => {
                let at = self.at(s.span, &s.origin);
                let items: Vec<Value> = s.value.iter().filter_map(|v| self.text(v)).collect();
                Some(self.known(self.array(items), at))
            }
        }
    }

    fn tags(&mut self, value: &'a Val<Vec<Tag>>) -> Option<Value> {
        match value {
            Val::Absent => None,
            Val::Unknown { span, .. } => Some(self.unknown(*span)),
            Val::Known(s) => {
                let at = self.at(s.span, &s.origin);
                let items: Vec<Value> = s
                    .value
                    .iter()
                    .map(|t| {
                        let mut o = self.fields();
                        self.text_field(&mut o, "key", &t.key);
                        self.text_field(&mut o, "value", &t.value);
                        self.object(o)
                    })
                    .collect();
                Some(self.known(self.array(items), at))
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

    /// `main.tf` with this text, given by name.
    fn main_tf(text: &str) -> Input {
        Input {
            display: "main.tf".into(),
            dir: std::path::PathBuf::from("."),
            bytes: text.as_bytes().to_vec(),
            explicit: true,
            context: false,
            unreadable: None,
        }
    }

    fn json(value: &Value) -> serde_json::Value {
        serde_json::to_value(value).expect("the document is JSON")
    }

    #[test]
    fn location_ids_index_the_table_and_the_input_keeps_them() {
        let options = LintOptions::default();
        let parsed = parse(vec![main_tf(TF)], &options);
        let full = document(&parsed.model, parsed.sources());
        let doc = json(&full.json);
        let table = doc["locations"].as_array().expect("locations");
        assert_eq!(table.len(), full.locations.len());
        for (id, (location, row)) in full.locations.iter().zip(table).enumerate() {
            let (start, end) = parsed.sources().range(location.span);
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
        let no_table = input(&parsed.model, parsed.sources(), &OnceLock::new(), &|f| {
            f != "locations"
        });
        let mut without = doc.clone();
        without.as_object_mut().map(|o| o.remove("locations"));
        assert_eq!(json(&no_table.json), without);
        assert_eq!(no_table.locations, full.locations);

        // With only the entries, the other arrays empty and the entries' ids unchanged.
        let links = OnceLock::from(crate::rules::links(&parsed.model));
        let entries = input(&parsed.model, parsed.sources(), &links, &|f| f == "entries");
        let entries_json = json(&entries.json);
        assert_eq!(entries_json["entries"], doc["entries"]);
        assert_eq!(entries_json["clusters"], serde_json::json!([]));
        assert_eq!(entries_json["units"], doc["units"]);
        assert!(entries_json.get("locations").is_none());
        assert_eq!(entries.locations, full.locations);
    }

    /// More objects than a chunk: every entry's ids still name its own text, the links reach
    /// every chunk, and the document is the same on one thread and on two, with the links
    /// found while numbering (the chunks are built after it) or given (each is built as soon
    /// as it is numbered).
    #[test]
    fn a_document_of_many_chunks_numbers_and_links_every_object() {
        let n = CHUNK * 2 + 37;
        let mut tf =
            String::from("resource \"aws_eks_cluster\" \"shop\" {\n  name = \"shop\"\n}\n");
        for i in 0..n {
            tf.push_str(&format!(
                "resource \"aws_eks_access_entry\" \"e{i}\" {{\n  cluster_name  = aws_eks_cluster.shop.name\n  principal_arn = \"arn:aws:iam::111122223333:role/r{i}\"\n}}\n"
            ));
        }
        let options = LintOptions::default();
        let parsed = parse(vec![main_tf(&tf)], &options);
        let on = |threads: usize, links: Option<Links>| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .expect("a pool");
            let links = links.map_or_else(OnceLock::new, OnceLock::from);
            pool.install(|| input(&parsed.model, parsed.sources(), &links, &|_| true))
        };
        let given = || Some(crate::rules::links(&parsed.model));
        let two = on(2, None);
        for other in [on(1, None), on(1, given()), on(2, given())] {
            assert_eq!(json(&other.json), json(&two.json));
            assert_eq!(other.locations, two.locations);
        }
        let doc = json(&two.json);
        let entries = doc["entries"].as_array().expect("entries");
        assert_eq!(entries.len(), n);
        for (i, entry) in entries.iter().enumerate() {
            let arn = format!("arn:aws:iam::111122223333:role/r{i}");
            assert_eq!(entry["principal_arn"]["value"], arn.as_str(), "{i}");
            let at = entry["principal_arn"]["at"].as_u64().expect("an id") as usize;
            let span = two.locations[at].span;
            assert_eq!(
                &tf[span.start as usize..span.end as usize],
                format!("\"{arn}\""),
                "{i}"
            );
            assert_eq!(entry["cluster"]["index"], 0, "{i}");
        }
    }
}
