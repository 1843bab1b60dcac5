//! Terraform projects built from fuzzer bytes: a root module and up to two child modules that
//! call each other (local `source`s, cycles included) or registry modules the linter models,
//! each with variables, locals, outputs and EKS resources with `count`, `for_each` and
//! `dynamic` blocks, whose values are expressions of references, function calls (every
//! function the evaluator knows, some it does not), `for` expressions, templates with
//! directives, conditionals, operators, splats and indexes. Written in native syntax, or as
//! `.tf.json` with expressions as templates.

use crate::words::{self, word};
use arbitrary::{Result, Unstructured};

/// Nesting of generated expressions.
const MAX_DEPTH: u32 = 5;

/// Functions called: those the evaluator implements, `try` and `can`, and some it does not.
const FUNCTIONS: &[&str] = &[
    "lookup",
    "merge",
    "concat",
    "flatten",
    "coalesce",
    "coalescelist",
    "format",
    "join",
    "split",
    "lower",
    "upper",
    "trimspace",
    "replace",
    "trimprefix",
    "trimsuffix",
    "startswith",
    "endswith",
    "keys",
    "values",
    "length",
    "contains",
    "toset",
    "distinct",
    "tolist",
    "compact",
    "one",
    "element",
    "zipmap",
    "range",
    "tomap",
    "tostring",
    "tonumber",
    "jsonencode",
    "try",
    "can",
    "sort",
    "regex",
    "cidrsubnet",
    "provider::ekslint::reported_at",
];

/// The module directories, relative to the project: the root and its children.
pub const MODULES: [&str; 3] = ["", "modules/a", "modules/b"];

/// A block before it is rendered.
#[derive(Debug)]
pub struct Block {
    pub kind: &'static str,
    pub labels: Vec<String>,
    pub attrs: Vec<(String, String)>,
    pub blocks: Vec<Block>,
}

impl Block {
    fn new(kind: &'static str, labels: &[&str]) -> Block {
        Block {
            kind,
            labels: labels.iter().map(|l| l.to_string()).collect(),
            attrs: Vec::new(),
            blocks: Vec::new(),
        }
    }
}

/// What one module defines, for references to it.
#[derive(Clone, Copy)]
struct Shape {
    variables: usize,
    locals: usize,
    outputs: usize,
    clusters: usize,
    entries: usize,
    calls: usize,
}

/// Builds a project: (path, text) of each file.
pub fn project(u: &mut Unstructured) -> Result<Vec<(String, String)>> {
    let modules = u.int_in_range(1..=3)?;
    let mut shapes = Vec::new();
    for _ in 0..modules {
        shapes.push(Shape {
            variables: u.int_in_range(0..=4)?,
            locals: u.int_in_range(0..=5)?,
            outputs: u.int_in_range(0..=2)?,
            clusters: u.int_in_range(0..=2)?,
            entries: u.int_in_range(0..=4)?,
            calls: u.int_in_range(0..=2)?,
        });
    }
    let mut files = Vec::new();
    for (i, shape) in shapes.iter().enumerate() {
        let g = Module {
            index: i,
            shape: *shape,
            shapes: &shapes,
        };
        let blocks = g.blocks(u)?;
        let json = u.ratio(1, 5)?;
        let dir = MODULES[i];
        let file = if dir.is_empty() {
            String::new()
        } else {
            format!("{dir}/")
        };
        if json {
            files.push((format!("{file}main.tf.json"), render_json(&blocks)));
        } else {
            let comments = u.ratio(1, 4)?;
            files.push((
                format!("{file}main.tf"),
                render_native(u, &blocks, comments)?,
            ));
        }
    }
    Ok(files)
}

struct Module<'s> {
    index: usize,
    shape: Shape,
    shapes: &'s [Shape],
}

impl Module<'_> {
    fn blocks(&self, u: &mut Unstructured) -> Result<Vec<Block>> {
        let s = self.shape;
        let mut out = Vec::new();
        for i in 0..s.variables {
            let mut v = Block::new("variable", &[&format!("v{i}")]);
            if u.ratio(3, 4)? {
                let ty = u.choose(&[
                    "string",
                    "list(string)",
                    "set(string)",
                    "map(string)",
                    "any",
                    "number",
                    "bool",
                    "map(object({ principal_arn = string, type = optional(string, \"STANDARD\"), groups = optional(list(string), []) }))",
                    "list(object({ a = string }))",
                ])?;
                v.attrs.push(("type".into(), ty.to_string()));
            }
            if u.ratio(3, 4)? {
                v.attrs.push(("default".into(), self.expr(u, 2)?));
            }
            if u.ratio(1, 8)? {
                v.attrs.push(("nullable".into(), "false".into()));
            }
            out.push(v);
        }
        if s.locals > 0 {
            let mut locals = Block::new("locals", &[]);
            for i in 0..s.locals {
                locals.attrs.push((format!("l{i}"), self.expr(u, 0)?));
            }
            out.push(locals);
        }
        if u.ratio(1, 2)? {
            out.push(Block::new("data", &["aws_caller_identity", "current"]));
            let mut session = Block::new("data", &["aws_iam_session_context", "current"]);
            session
                .attrs
                .push(("arn".into(), "data.aws_caller_identity.current.arn".into()));
            out.push(session);
            out.push(Block::new("data", &["aws_partition", "current"]));
        }
        for i in 0..s.clusters {
            out.push(self.cluster(u, i)?);
        }
        for i in 0..s.entries {
            out.push(self.entry(u, i)?);
        }
        for i in 0..s.calls {
            out.push(self.call(u, i)?);
        }
        for i in 0..s.outputs {
            let mut o = Block::new("output", &[&format!("o{i}")]);
            o.attrs.push(("value".into(), self.expr(u, 0)?));
            out.push(o);
        }
        Ok(out)
    }

    /// `count` or `for_each`, sometimes.
    fn repetition(&self, u: &mut Unstructured, b: &mut Block) -> Result<()> {
        match u.int_in_range(0u8..=5)? {
            0 => b.attrs.push(("count".into(), self.expr(u, 3)?)),
            1 => b.attrs.push(("for_each".into(), self.expr(u, 1)?)),
            2 => b
                .attrs
                .push(("for_each".into(), "toset([\"a\", \"b\"])".into())),
            _ => {}
        }
        Ok(())
    }

    fn maybe(&self, u: &mut Unstructured, b: &mut Block, name: &str) -> Result<()> {
        if u.ratio(7, 8)? {
            b.attrs.push((name.into(), self.value(u)?));
        }
        Ok(())
    }

    fn cluster(&self, u: &mut Unstructured, i: usize) -> Result<Block> {
        let mut c = Block::new("resource", &["aws_eks_cluster", &format!("c{i}")]);
        self.repetition(u, &mut c)?;
        self.maybe(u, &mut c, "name")?;
        self.maybe(u, &mut c, "role_arn")?;
        match u.int_in_range(0u8..=3)? {
            0 => {}
            1 => {
                let mut d = Block::new("dynamic", &["access_config"]);
                d.attrs.push(("for_each".into(), self.expr(u, 2)?));
                let mut content = Block::new("content", &[]);
                content.attrs.push((
                    "authentication_mode".into(),
                    u.choose(&["access_config.value", "access_config.key", "each.value"])?
                        .to_string(),
                ));
                d.blocks.push(content);
                c.blocks.push(d);
            }
            _ => {
                let mut a = Block::new("access_config", &[]);
                self.maybe(u, &mut a, "authentication_mode")?;
                self.maybe(u, &mut a, "bootstrap_cluster_creator_admin_permissions")?;
                c.blocks.push(a);
            }
        }
        if u.ratio(1, 4)? {
            let mut compute = Block::new("compute_config", &[]);
            compute.attrs.push(("enabled".into(), self.value(u)?));
            c.blocks.push(compute);
        }
        Ok(c)
    }

    fn entry(&self, u: &mut Unstructured, i: usize) -> Result<Block> {
        let association = u.ratio(1, 3)?;
        let kind = if association {
            "aws_eks_access_policy_association"
        } else {
            "aws_eks_access_entry"
        };
        let mut e = Block::new("resource", &[kind, &format!("e{i}")]);
        self.repetition(u, &mut e)?;
        if u.ratio(7, 8)? {
            let cluster = if u.ratio(1, 2)? && self.shape.clusters > 0 {
                let c = u.int_in_range(0..=self.shape.clusters - 1)?;
                u.choose(&[
                    format!("aws_eks_cluster.c{c}.name"),
                    format!("aws_eks_cluster.c{c}.id"),
                    format!("aws_eks_cluster.c{c}[0].name"),
                    format!("aws_eks_cluster.c{c}[\"a\"].name"),
                ])?
                .clone()
            } else {
                self.value(u)?
            };
            e.attrs.push(("cluster_name".into(), cluster));
        }
        self.maybe(u, &mut e, "principal_arn")?;
        if association {
            self.maybe(u, &mut e, "policy_arn")?;
            if u.ratio(1, 4)? {
                let mut d = Block::new("dynamic", &["access_scope"]);
                d.attrs.push(("for_each".into(), self.expr(u, 2)?));
                let mut content = Block::new("content", &[]);
                content
                    .attrs
                    .push(("type".into(), "access_scope.value.type".into()));
                content
                    .attrs
                    .push(("namespaces".into(), "access_scope.value.namespaces".into()));
                d.blocks.push(content);
                e.blocks.push(d);
            } else if u.ratio(7, 8)? {
                let mut scope = Block::new("access_scope", &[]);
                self.maybe(u, &mut scope, "type")?;
                if u.ratio(1, 2)? {
                    scope.attrs.push(("namespaces".into(), self.list(u)?));
                }
                e.blocks.push(scope);
            }
        } else {
            self.maybe(u, &mut e, "type")?;
            self.maybe(u, &mut e, "user_name")?;
            if u.ratio(1, 2)? {
                e.attrs.push(("kubernetes_groups".into(), self.list(u)?));
            }
            if u.ratio(1, 8)? {
                e.attrs.push((
                    "tags".into(),
                    format!("{{ {} = {} }}", words::name(u)?, self.value(u)?),
                ));
            }
        }
        if u.ratio(1, 8)? {
            e.attrs.push((
                "depends_on".into(),
                format!("[aws_eks_cluster.c{}]", u.int_in_range(0..=2)?),
            ));
        }
        if u.ratio(1, 16)? {
            e.attrs.push((words::name(u)?.to_string(), self.value(u)?));
        }
        Ok(e)
    }

    fn call(&self, u: &mut Unstructured, i: usize) -> Result<Block> {
        let mut m = Block::new("module", &[&format!("m{i}")]);
        let target = u.int_in_range(0..=self.shapes.len())?;
        let here = MODULES[self.index];
        let registry = target == self.shapes.len();
        if registry {
            let (source, versions): (&str, &[&str]) = *u.choose(&[
                (
                    "terraform-aws-modules/eks/aws",
                    &["~> 20.0", "~> 21.0", ">= 19", "20.37.2", "1.0", ""][..],
                ),
                ("cloudposse/eks-cluster/aws", &["4.11.0", "~> 4.0", ""][..]),
                (
                    "terraform-aws-modules/eks/aws//modules/karpenter",
                    &["~> 21.0", "~> 20.0"][..],
                ),
                ("git::https://example.com/x.git", &[""][..]),
            ])?;
            m.attrs.push(("source".into(), quoted(source)));
            let version = u.choose(versions)?;
            if !version.is_empty() {
                m.attrs.push(("version".into(), quoted(version)));
            }
            for name in [
                "cluster_name",
                "authentication_mode",
                "enable_cluster_creator_admin_permissions",
                "name",
                "create",
            ] {
                if u.ratio(1, 3)? {
                    m.attrs.push((name.into(), self.value(u)?));
                }
            }
            if u.ratio(3, 4)? {
                m.attrs
                    .push(("access_entries".into(), self.registry_entries(u)?));
            }
        } else {
            let to = MODULES[target];
            let source = match (here.is_empty(), to.is_empty()) {
                (true, true) => "./".to_string(),
                (true, false) => format!("./{to}"),
                (false, true) => "../../".to_string(),
                (false, false) => format!("../{}", to.trim_start_matches("modules/")),
            };
            m.attrs.push(("source".into(), quoted(&source)));
            for v in 0..self.shapes[target].variables {
                if u.ratio(3, 4)? {
                    m.attrs.push((format!("v{v}"), self.expr(u, 1)?));
                }
            }
        }
        self.repetition(u, &mut m)?;
        Ok(m)
    }

    /// The `access_entries` input of the registry EKS module.
    fn registry_entries(&self, u: &mut Unstructured) -> Result<String> {
        if u.ratio(1, 4)? {
            return self.expr(u, 1);
        }
        let mut out = String::from("{\n");
        for _ in 0..u.int_in_range(0..=3)? {
            out.push_str(&format!("    {} = {{\n", words::name(u)?));
            for field in ["principal_arn", "type", "user_name", "kubernetes_groups"] {
                if u.ratio(2, 3)? {
                    out.push_str(&format!("      {field} = {}\n", self.value(u)?));
                }
            }
            if u.ratio(1, 2)? {
                out.push_str(&format!(
                    "      policy_associations = {{\n        p = {{\n          policy_arn = {}\n          access_scope = {{ type = {}, namespaces = {} }}\n        }}\n      }}\n",
                    self.value(u)?,
                    self.value(u)?,
                    self.list(u)?
                ));
            }
            out.push_str("    }\n");
        }
        out.push_str("  }");
        Ok(out)
    }

    /// An attribute value: mostly a literal, often an expression.
    fn value(&self, u: &mut Unstructured) -> Result<String> {
        if u.ratio(1, 2)? {
            self.literal(u)
        } else {
            self.expr(u, 1)
        }
    }

    fn list(&self, u: &mut Unstructured) -> Result<String> {
        if u.ratio(1, 4)? {
            return self.expr(u, 1);
        }
        let mut items = Vec::new();
        for _ in 0..u.int_in_range(0..=3)? {
            items.push(self.value(u)?);
        }
        Ok(format!("[{}]", items.join(", ")))
    }

    fn literal(&self, u: &mut Unstructured) -> Result<String> {
        Ok(match u.int_in_range(0u8..=63)? {
            0 => format!("\"{}\"", u.choose(&["${", "%{", "\\q", "\n"])?),
            1..=6 => u
                .choose(&[
                    "0",
                    "1",
                    "-1",
                    "1e16",
                    "1.5",
                    "1e308",
                    "null",
                    "true",
                    "false",
                    "9007199254740993",
                ])?
                .to_string(),
            7 => format!(
                "\"{}\"",
                u.choose(&["$${x}", "%%{y}", "\\u0000", "\\U0001F600"])?
            ),
            _ => quoted(&word(u)?),
        })
    }

    /// A reference to something this module defines (or does not).
    fn reference(&self, u: &mut Unstructured) -> Result<String> {
        let s = self.shape;
        let pick = |u: &mut Unstructured, n: usize| u.int_in_range(0..=n);
        Ok(match u.int_in_range(0u8..=12)? {
            0 | 1 => format!("var.v{}", pick(u, s.variables)?),
            2..=4 => format!("local.l{}", pick(u, s.locals)?),
            5 => format!(
                "aws_eks_cluster.c{}.{}",
                pick(u, s.clusters)?,
                u.choose(&["name", "arn", "id", "access_config"])?
            ),
            6 => format!(
                "aws_eks_access_entry.e{}.{}",
                pick(u, s.entries)?,
                u.choose(&["principal_arn", "cluster_name", "access_entry_arn"])?
            ),
            7 => u
                .choose(&[
                    "data.aws_caller_identity.current.arn",
                    "data.aws_caller_identity.current.account_id",
                    "data.aws_iam_session_context.current.issuer_arn",
                    "data.aws_partition.current.partition",
                ])?
                .to_string(),
            8 => format!("module.m{}.o{}", pick(u, s.calls)?, u.int_in_range(0..=2)?),
            9 => u
                .choose(&[
                    "each.key",
                    "each.value",
                    "count.index",
                    "each.value.principal_arn",
                ])?
                .to_string(),
            10 => u.choose(&["x", "k", "v", "x.principal_arn"])?.to_string(),
            11 => u
                .choose(&["path.module", "terraform.workspace", "self", "nothing.here"])?
                .to_string(),
            _ => format!("module.m{}", pick(u, s.calls)?),
        })
    }

    /// An expression, nested at most [`MAX_DEPTH`].
    fn expr(&self, u: &mut Unstructured, depth: u32) -> Result<String> {
        if depth >= MAX_DEPTH || u.ratio(1, 4)? {
            return if u.ratio(1, 2)? {
                self.literal(u)
            } else {
                self.reference(u)
            };
        }
        let d = depth + 1;
        Ok(match u.int_in_range(0u8..=14)? {
            0 | 1 => {
                let name = u.choose(FUNCTIONS)?;
                let mut args = Vec::new();
                for _ in 0..u.int_in_range(0..=3)? {
                    args.push(self.expr(u, d)?);
                }
                let spread = if !args.is_empty() && u.ratio(1, 8)? {
                    "..."
                } else {
                    ""
                };
                format!("{name}({}{spread})", args.join(", "))
            }
            2 => format!(
                "[for x in {} : {}{}]",
                self.expr(u, d)?,
                self.expr(u, d)?,
                self.filter(u, d)?
            ),
            3 => {
                let group = if u.ratio(1, 4)? { "..." } else { "" };
                format!(
                    "{{for k, v in {} : {} => {}{group}{}}}",
                    self.expr(u, d)?,
                    self.expr(u, d)?,
                    self.expr(u, d)?,
                    self.filter(u, d)?
                )
            }
            4 => format!(
                "{} ? {} : {}",
                self.expr(u, d)?,
                self.expr(u, d)?,
                self.expr(u, d)?
            ),
            5 => {
                let op = u.choose(&["+", "-", "*", "/", "%", "==", "!=", "<", ">=", "&&", "||"])?;
                format!("({} {op} {})", self.expr(u, d)?, self.expr(u, d)?)
            }
            6 => format!("{}{}", u.choose(&["!", "-"])?, self.expr(u, d)?),
            7 => format!("{}[{}]", self.reference(u)?, self.expr(u, d)?),
            8 => format!(
                "{}{}",
                self.reference(u)?,
                u.choose(&[
                    "[*].name",
                    ".*.arn",
                    "[0]",
                    "[\"a\"]",
                    ".principal_arn",
                    "[*]"
                ])?
            ),
            9 => {
                let mut items = Vec::new();
                for _ in 0..u.int_in_range(0..=3)? {
                    items.push(self.expr(u, d)?);
                }
                format!("[{}]", items.join(", "))
            }
            10 => {
                let mut items = Vec::new();
                for _ in 0..u.int_in_range(0..=3)? {
                    let key = match u.int_in_range(0u8..=2)? {
                        0 => quoted(&word(u)?),
                        1 => format!("({})", self.expr(u, d)?),
                        _ => words::name(u)?.to_string(),
                    };
                    items.push(format!("{key} = {}", self.expr(u, d)?));
                }
                format!("{{ {} }}", items.join(", "))
            }
            11 | 12 => self.template(u, d)?,
            13 => format!("<<-EOT\n{}\nEOT\n", self.template_body(u, d)?),
            _ => format!("({})", self.expr(u, d)?),
        })
    }

    fn filter(&self, u: &mut Unstructured, depth: u32) -> Result<String> {
        Ok(if u.ratio(1, 3)? {
            format!(" if {}", self.expr(u, depth)?)
        } else {
            String::new()
        })
    }

    fn template(&self, u: &mut Unstructured, depth: u32) -> Result<String> {
        Ok(format!("\"{}\"", self.template_body(u, depth)?))
    }

    /// The inside of a template: text, interpolations and `if`/`for` directives.
    fn template_body(&self, u: &mut Unstructured, depth: u32) -> Result<String> {
        let mut out = String::new();
        for _ in 0..u.int_in_range(0..=4)? {
            match u.int_in_range(0u8..=5)? {
                0 | 1 => out.push_str(&escape(&word(u)?)),
                2 | 3 => out.push_str(&format!("${{{}}}", self.expr(u, depth + 1)?)),
                4 => out.push_str(&format!(
                    "%{{ if {} }}{}%{{ else }}{}%{{ endif }}",
                    self.expr(u, depth + 1)?,
                    escape(&word(u)?),
                    escape(&word(u)?)
                )),
                _ => out.push_str(&format!(
                    "%{{ for x in {} }}${{x}},%{{ endfor }}",
                    self.expr(u, depth + 1)?
                )),
            }
        }
        Ok(out)
    }
}

/// A quoted HCL string of `s` (no interpolation).
fn quoted(s: &str) -> String {
    format!("\"{}\"", escape(s))
}

/// `s` escaped for the inside of a quoted HCL string.
fn escape(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// Blocks in native syntax, with `ekslint:ignore` comments here and there.
fn render_native(u: &mut Unstructured, blocks: &[Block], comments: bool) -> Result<String> {
    let mut out = String::new();
    for b in blocks {
        if comments && u.ratio(1, 3)? {
            out.push_str(&format!(
                "# ekslint:ignore {} -- why\n",
                u.choose(&["EKS105", "EKS101,EKS104", "EKS000", "nothing"])?
            ));
        }
        native_block(b, 0, &mut out);
    }
    Ok(out)
}

fn native_block(b: &Block, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    out.push_str(&pad);
    out.push_str(b.kind);
    for l in &b.labels {
        out.push_str(&format!(" \"{l}\""));
    }
    out.push_str(" {\n");
    for (name, value) in &b.attrs {
        out.push_str(&format!("{pad}  {name} = {value}\n"));
    }
    for child in &b.blocks {
        native_block(child, indent + 2, out);
    }
    out.push_str(&pad);
    out.push_str("}\n");
}

/// Blocks in JSON syntax: each attribute a template string holding its expression.
fn render_json(blocks: &[Block]) -> String {
    use serde_json::{Map, Value};
    fn body(b: &Block) -> Value {
        let mut map = Map::new();
        for (name, value) in &b.attrs {
            let v = if b.kind == "variable" && name == "type" {
                Value::String(value.clone())
            } else {
                Value::String(format!("${{{value}}}"))
            };
            map.insert(name.clone(), v);
        }
        for child in &b.blocks {
            let mut v = body(child);
            for l in child.labels.iter().rev() {
                v = Value::Object(Map::from_iter([(l.clone(), v)]));
            }
            map.insert(child.kind.to_string(), v);
        }
        Value::Object(map)
    }
    let mut top = Map::new();
    for b in blocks {
        let mut v = body(b);
        for l in b.labels.iter().rev() {
            v = Value::Object(Map::from_iter([(l.clone(), v)]));
        }
        // Blocks of one kind merge (two resources), as Terraform reads them.
        merge(
            top.entry(b.kind.to_string())
                .or_insert(Value::Object(Map::new())),
            v,
        );
    }
    Value::Object(top).to_string()
}

fn merge(into: &mut serde_json::Value, from: serde_json::Value) {
    match (into, from) {
        (serde_json::Value::Object(a), serde_json::Value::Object(b)) => {
            for (k, v) in b {
                match a.get_mut(&k) {
                    Some(existing) => merge(existing, v),
                    None => {
                        a.insert(k, v);
                    }
                }
            }
        }
        (into, from) => *into = from,
    }
}
