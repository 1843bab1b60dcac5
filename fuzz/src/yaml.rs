//! YAML built from fuzzer bytes around anchors and aliases: anchored scalars, sequences and
//! mappings, aliases to them (nested, so that expansions multiply), merge keys (`<<: *a`),
//! tags, block and flow styles, in a CloudFormation template or an eksctl `ClusterConfig`
//! (or a document that is neither), one or several documents.

use crate::words::{self, word};
use arbitrary::{Result, Unstructured};

/// Nesting of generated nodes.
const MAX_DEPTH: u32 = 6;

/// A YAML node before it is rendered.
#[derive(Debug)]
enum Y {
    Scalar(String),
    Seq(Vec<Y>),
    Map(Vec<(Y, Y)>),
    /// `&aN` on a node.
    Anchor(usize, Box<Y>),
    /// `*aN`.
    Alias(usize),
    /// `!Tag` on a node.
    Tag(&'static str, Box<Y>),
    /// `<<: *aN` (or a list of aliases).
    Merge(Vec<usize>),
}

struct Gen {
    /// Anchors defined so far.
    anchors: usize,
    /// Whether aliases may name an anchor not defined (yet): in a few files only.
    dangling: bool,
}

/// Builds a YAML file.
pub fn document(u: &mut Unstructured) -> Result<String> {
    let mut g = Gen {
        anchors: 0,
        dangling: u.ratio(1, 16)?,
    };
    let kind = u.int_in_range(0u8..=2)?;
    let mut out = String::new();
    let docs = if u.ratio(1, 8)? {
        u.int_in_range(2..=3)?
    } else {
        1
    };
    for d in 0..docs {
        if d > 0 || u.ratio(1, 8)? {
            out.push_str("---\n");
        }
        let root = match kind {
            0 => g.template(u)?,
            1 => g.cluster_config(u)?,
            _ => g.node(u, 0)?,
        };
        block(&root, 0, &mut out);
        if !out.ends_with('\n') {
            out.push('\n');
        }
    }
    Ok(out)
}

fn s(text: &str) -> Y {
    Y::Scalar(text.to_string())
}

impl Gen {
    fn template(&mut self, u: &mut Unstructured) -> Result<Y> {
        let mut sections = vec![(s("AWSTemplateFormatVersion"), s("\"2010-09-09\""))];
        if u.ratio(1, 2)? {
            let mut params = Vec::new();
            for i in 0..u.int_in_range(0..=3)? {
                let default = self.node(u, 3)?;
                params.push((
                    Y::Scalar(format!("P{i}")),
                    Y::Map(vec![(s("Type"), s("String")), (s("Default"), default)]),
                ));
            }
            sections.push((s("Parameters"), Y::Map(params)));
        }
        let mut resources = Vec::new();
        for i in 0..u.int_in_range(1..=3)? {
            let ty = if u.ratio(1, 4)? {
                "AWS::EKS::Cluster"
            } else {
                "AWS::EKS::AccessEntry"
            };
            let mut props = Vec::new();
            for key in [
                "ClusterName",
                "Name",
                "PrincipalArn",
                "Type",
                "Username",
                "KubernetesGroups",
                "AccessPolicies",
                "AccessConfig",
            ] {
                if u.ratio(1, 2)? {
                    props.push((s(key), self.node(u, 2)?));
                }
            }
            if self.can_alias() && u.ratio(1, 4)? {
                props.push((Y::Merge(self.aliases(u)?), s("null")));
            }
            let resource = Y::Map(vec![
                (s("Type"), s(ty)),
                (s("Properties"), self.anchored(u, Y::Map(props))?),
            ]);
            resources.push((Y::Scalar(format!("R{i}")), resource));
        }
        sections.push((s("Resources"), Y::Map(resources)));
        Ok(Y::Map(sections))
    }

    /// A `ClusterConfig`, generated in the order it is written (an alias follows its anchor).
    fn cluster_config(&mut self, u: &mut Unstructured) -> Result<Y> {
        let name = self.node(u, 4)?;
        let mut entries = Vec::new();
        for _ in 0..u.int_in_range(0..=4)? {
            let mut e = Vec::new();
            for key in [
                "principalARN",
                "type",
                "kubernetesUsername",
                "kubernetesGroups",
                "accessPolicies",
            ] {
                if u.ratio(1, 2)? {
                    e.push((s(key), self.node(u, 2)?));
                }
            }
            if self.can_alias() && u.ratio(1, 4)? {
                e.push((Y::Merge(self.aliases(u)?), s("null")));
            }
            entries.push(self.anchored(u, Y::Map(e))?);
        }
        let mut access = vec![(s("accessEntries"), Y::Seq(entries))];
        if u.ratio(1, 2)? {
            access.push((s("authenticationMode"), self.node(u, 4)?));
        }
        Ok(Y::Map(vec![
            (s("apiVersion"), s("eksctl.io/v1alpha5")),
            (s("kind"), s("ClusterConfig")),
            (
                s("metadata"),
                Y::Map(vec![(s("name"), name), (s("region"), s("us-west-2"))]),
            ),
            (s("accessConfig"), Y::Map(access)),
        ]))
    }

    /// `node`, anchored sometimes.
    fn anchored(&mut self, u: &mut Unstructured, node: Y) -> Result<Y> {
        if u.ratio(1, 3)? {
            self.anchored_always(node)
        } else {
            Ok(node)
        }
    }

    /// `node` anchored, unless it is an alias or has an anchor (a node has at most one).
    fn anchored_always(&mut self, node: Y) -> Result<Y> {
        Ok(match node {
            Y::Alias(_) | Y::Anchor(..) => node,
            Y::Tag(_, ref inner) if matches!(**inner, Y::Anchor(..)) => node,
            node => {
                self.anchors += 1;
                Y::Anchor(self.anchors - 1, Box::new(node))
            }
        })
    }

    /// Whether there is an anchor to name.
    fn can_alias(&self) -> bool {
        self.anchors > 0 || self.dangling
    }

    /// An anchor defined so far (or, in a dangling file, one that may not be).
    fn alias(&mut self, u: &mut Unstructured) -> Result<usize> {
        if self.anchors == 0 || self.dangling {
            u.int_in_range(0..=self.anchors)
        } else {
            u.int_in_range(0..=self.anchors - 1)
        }
    }

    fn aliases(&mut self, u: &mut Unstructured) -> Result<Vec<usize>> {
        let mut out = vec![self.alias(u)?];
        while out.len() < 4 && u.ratio(1, 3)? {
            out.push(self.alias(u)?);
        }
        Ok(out)
    }

    fn node(&mut self, u: &mut Unstructured, depth: u32) -> Result<Y> {
        if depth >= MAX_DEPTH || u.ratio(1, 4)? {
            return Ok(if self.can_alias() && u.ratio(1, 2)? {
                Y::Alias(self.alias(u)?)
            } else {
                self.scalar(u)?
            });
        }
        let d = depth + 1;
        let node = match u.int_in_range(0u8..=5)? {
            0 => self.scalar(u)?,
            1 if self.can_alias() => Y::Alias(self.alias(u)?),
            1 | 2 => {
                let mut items = Vec::new();
                for _ in 0..u.int_in_range(0..=4)? {
                    items.push(self.node(u, d)?);
                }
                Y::Seq(items)
            }
            3 => {
                let mut entries = Vec::new();
                for _ in 0..u.int_in_range(0..=3)? {
                    let key = if u.ratio(1, 8)? {
                        self.node(u, d)?
                    } else {
                        Y::Scalar(words::name(u)?.to_string())
                    };
                    entries.push((key, self.node(u, d)?));
                }
                if self.can_alias() && u.ratio(1, 4)? {
                    entries.push((Y::Merge(self.aliases(u)?), s("null")));
                }
                // A duplicate key is a parse error: only sometimes.
                if u.ratio(7, 8)? {
                    let mut seen = Vec::new();
                    entries.retain(|(k, _)| match k {
                        Y::Scalar(name) if seen.contains(name) => false,
                        Y::Scalar(name) => {
                            seen.push(name.clone());
                            true
                        }
                        _ => true,
                    });
                }
                Y::Map(entries)
            }
            4 => {
                let tag = u.choose(&[
                    "Ref",
                    "Sub",
                    "Join",
                    "If",
                    "GetAtt",
                    "FindInMap",
                    "Select",
                    "Split",
                    "Condition",
                    "Foo",
                    "!str",
                ])?;
                match self.node(u, d)? {
                    // An alias has no tag; a node has at most one.
                    inner @ (Y::Alias(_) | Y::Tag(..)) => inner,
                    Y::Anchor(_, ref a) if matches!(**a, Y::Tag(..)) => self.scalar(u)?,
                    inner => Y::Tag(tag, Box::new(inner)),
                }
            }
            _ => {
                let inner = self.node(u, d)?;
                return self.anchored_always(inner);
            }
        };
        self.anchored(u, node)
    }

    fn scalar(&mut self, u: &mut Unstructured) -> Result<Y> {
        let w = word(u)?;
        Ok(Y::Scalar(match u.int_in_range(0u8..=3)? {
            0 if is_plain(&w) => w,
            1 if !w.chars().any(char::is_control) => format!("'{}'", w.replace('\'', "''")),
            _ => serde_json::to_string(&w).expect("a string serializes"),
        }))
    }
}

/// Whether a word can be written as a plain scalar.
fn is_plain(w: &str) -> bool {
    !w.is_empty()
        && w.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
        && !w.starts_with(['-', '.'])
}

/// Whether a node is written on its key's line.
fn inline(node: &Y) -> bool {
    match node {
        Y::Scalar(_) | Y::Alias(_) => true,
        Y::Seq(items) => items.is_empty(),
        Y::Map(entries) => entries.is_empty(),
        Y::Anchor(_, inner) | Y::Tag(_, inner) => inline(inner),
        Y::Merge(_) => true,
    }
}

/// A node in flow style.
fn flow(node: &Y, out: &mut String) {
    match node {
        Y::Scalar(text) => out.push_str(text),
        Y::Alias(a) => out.push_str(&format!("*a{a} ")),
        Y::Seq(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                flow(item, out);
            }
            out.push(']');
        }
        Y::Map(entries) => {
            out.push('{');
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                if let Y::Merge(aliases) = k {
                    merge_key(aliases, out);
                    continue;
                }
                key(k, out);
                out.push_str(": ");
                flow(v, out);
            }
            out.push('}');
        }
        Y::Anchor(a, inner) => {
            out.push_str(&format!("&a{a} "));
            flow(inner, out);
        }
        Y::Tag(tag, inner) => {
            out.push_str(&format!("!{tag} "));
            flow(inner, out);
        }
        Y::Merge(aliases) => merge_key(aliases, out),
    }
}

fn key(k: &Y, out: &mut String) {
    match k {
        Y::Scalar(_) | Y::Alias(_) => flow(k, out),
        _ => {
            out.push_str("? ");
            flow(k, out);
        }
    }
}

/// `<<: ` and what it merges (a merge entry's value in [`Y::Map`] is not written).
fn merge_key(aliases: &[usize], out: &mut String) {
    out.push_str("<<: ");
    if let [one] = aliases {
        out.push_str(&format!("*a{one} "));
    } else {
        out.push('[');
        let list: Vec<String> = aliases.iter().map(|a| format!("*a{a} ")).collect();
        out.push_str(&list.join(", "));
        out.push(']');
    }
}

/// A node in block style (collections that are not empty), flow style inside.
fn block(node: &Y, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match node {
        Y::Map(entries) if !entries.is_empty() => {
            for (k, v) in entries {
                out.push_str(&pad);
                if let Y::Merge(aliases) = k {
                    merge_key(aliases, out);
                    out.push('\n');
                    continue;
                }
                if matches!(k, Y::Scalar(_) | Y::Alias(_)) {
                    flow(k, out);
                } else {
                    // A complex key: `? key` then `: value` on a line of its own.
                    out.push_str("? ");
                    flow(k, out);
                    out.push('\n');
                    out.push_str(&pad);
                }
                out.push(':');
                value(v, indent, out);
            }
        }
        Y::Seq(items) if !items.is_empty() => {
            for item in items {
                out.push_str(&pad);
                out.push('-');
                value(item, indent, out);
            }
        }
        _ => {
            out.push_str(&pad);
            flow(node, out);
            out.push('\n');
        }
    }
}

/// What follows `key:` or `-`: the value on the same line, or its properties there and the
/// collection below.
fn value(v: &Y, indent: usize, out: &mut String) {
    if inline(v) || indent > 8 {
        out.push(' ');
        flow(v, out);
        out.push('\n');
        return;
    }
    let mut inner = v;
    loop {
        match inner {
            Y::Anchor(a, next) => {
                out.push_str(&format!(" &a{a}"));
                inner = next;
            }
            Y::Tag(tag, next) => {
                out.push_str(&format!(" !{tag}"));
                inner = next;
            }
            _ => break,
        }
    }
    out.push('\n');
    block(inner, indent + 2, out);
}
