//! The files of one Terraform module directory, parsed, with their blocks indexed by name.

use super::SyntaxCache;
use super::json;
use super::lower::Referenced;
use super::refusals::Written;
use super::syntax::{self, Attr, Block};
use crate::parse::ParseError;
use crate::source::{FileId, Span};
use foldhash::fast::RandomState;
use hashbrown::HashTable;
use hashbrown::hash_table::Entry;
use hcl::edit::parser::parse_body_spanned;
use rayon::prelude::*;
use std::hash::{BuildHasher, Hash};
use std::ops::Deref;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

/// One file to parse: its id, text, and whether it is in JSON syntax.
#[derive(Clone, Copy, Debug)]
pub struct SourceText<'a> {
    pub id: FileId,
    pub text: &'a str,
    pub json: bool,
}

/// The parsed files of one module directory.
#[derive(Debug, Default)]
pub struct Module {
    /// The directory (normalised), for resolving local module sources.
    pub dir: PathBuf,
    /// The files that parsed.
    pub files: Vec<FileId>,
    /// Top-level blocks of every file, in file order (shared with the [`SyntaxCache`] that
    /// holds them).
    pub blocks: Vec<Arc<TopBlock>>,
    /// The positions in `blocks` of the `resource` blocks, by type and name: of two with one
    /// address, the first. The names are read from the blocks, not copied.
    resources: HashTable<usize>,
    /// The `data` blocks likewise (the first of two with one address).
    data: HashTable<usize>,
    /// Local names: the `locals` block and the attribute's index in it (the first of each name).
    locals: HashTable<(usize, usize)>,
    /// Hashes the names of `resources`, `data` and `locals`.
    hasher: RandomState,
    /// The `variable`, `output` and `module` blocks, sorted by name (the first of each name):
    /// read in name order.
    variables: Vec<usize>,
    outputs: Vec<usize>,
    calls: Vec<usize>,
    /// Resources and module calls whose address an earlier block has (Terraform refuses the
    /// module): each with the first block of that address.
    pub duplicates: Vec<(usize, usize)>,
}

impl Module {
    /// Parses every file (or takes its parse from `cache`); files that fail to parse are
    /// reported and left out.
    pub fn parse(
        dir: PathBuf,
        sources: &[SourceText],
        cache: Option<&SyntaxCache>,
    ) -> (Module, Vec<ParseError>) {
        let mut blocks = Vec::new();
        let mut errors = Vec::new();
        let mut files = Vec::new();
        // The files of a large module are parsed on every lint thread; their blocks are taken in
        // file order.
        let parsed: Vec<_> = sources
            .par_iter()
            .map(|&source| {
                let parsed = match cache {
                    Some(cache) => cache.blocks(source),
                    None => parse_blocks(source),
                };
                (source, parsed)
            })
            .collect();
        for (source, result) in parsed {
            match result {
                Ok(parsed) => {
                    blocks.extend(parsed);
                    files.push(source.id);
                }
                Err(e) => errors.push(e),
            }
        }
        let mut module = Module::new(dir, blocks);
        module.files = files;
        (module, errors)
    }

    /// Frees the module: the syntax trees of a large one on every lint thread, as they were
    /// parsed (freeing those of a 1,000-file module on one thread took a tenth of its lint).
    pub fn free(mut self) {
        /// Blocks freed in one task, and the fewest a module frees on several threads.
        const BLOCKS_PER_TASK: usize = 64;
        let blocks = std::mem::take(&mut self.blocks);
        if blocks.len() >= BLOCKS_PER_TASK {
            blocks
                .into_par_iter()
                .with_max_len(BLOCKS_PER_TASK)
                .for_each(drop);
        }
    }

    /// Indexes the blocks of a module; the first of two blocks with one address wins, and the
    /// second is recorded in [`Module::duplicates`].
    pub fn new(dir: PathBuf, blocks: Vec<Arc<TopBlock>>) -> Module {
        let mut resources = Vec::new();
        let mut data = Vec::new();
        let mut variables = Vec::new();
        let mut outputs = Vec::new();
        let mut calls = Vec::new();
        let mut locals = Vec::new();
        for (i, b) in blocks.iter().enumerate() {
            match (b.ident.as_str(), b.labels.len()) {
                ("resource", 2) => resources.push(i),
                ("data", 2) => data.push(i),
                ("variable", 1) => variables.push(i),
                ("output", 1) => outputs.push(i),
                ("module", 1) => calls.push(i),
                ("locals", 0) => locals.extend((0..b.body.attrs.len()).map(|j| (i, j))),
                _ => {}
            }
        }
        let two = |i: usize| address(&blocks[i]);
        let one = |i: usize| blocks[i].labels[0].as_str();
        let hasher = RandomState::default();
        let (resources, mut duplicates) = by_name(&hasher, resources, two);
        let (calls, called_twice) = first_of_each(calls, one);
        duplicates.extend(called_twice);
        // In the order of the blocks that repeat an address.
        duplicates.sort_unstable_by_key(|&(_, second)| second);
        let local = |(b, a): (usize, usize)| blocks[b].body.attrs[a].name.as_str();
        Module {
            dir,
            files: Vec::new(),
            resources,
            data: by_name(&hasher, data, two).0,
            locals: by_name(&hasher, locals, local).0,
            variables: first_of_each(variables, one).0,
            outputs: first_of_each(outputs, one).0,
            calls,
            duplicates,
            hasher,
            blocks,
        }
    }

    /// Every `resource` block with its type and name, in file order; of two blocks with one
    /// address, the first.
    pub fn resources(&self) -> impl Iterator<Item = (&str, &str, &TopBlock)> {
        self.blocks
            .iter()
            .enumerate()
            .filter(|(i, _)| !self.duplicates.iter().any(|(_, d)| d == i))
            .filter_map(|(_, b)| match (b.ident.as_str(), b.labels.as_slice()) {
                ("resource", [kind, name]) => Some((kind.as_str(), name.as_str(), &**b)),
                _ => None,
            })
    }

    /// A resource by type and name.
    pub fn resource(&self, kind: &str, name: &str) -> Option<&Block> {
        self.resource_at(kind, name).map(|(_, b)| b)
    }

    /// A resource by type and name, with its index in [`Module::blocks`].
    pub fn resource_at(&self, kind: &str, name: &str) -> Option<(usize, &Block)> {
        let i = self.find(&self.resources, |i| address(&self.blocks[i]), (kind, name))?;
        Some((i, self.block(i)?))
    }

    /// A data source by type and name.
    pub fn data(&self, kind: &str, name: &str) -> Option<&Block> {
        self.block(self.find(&self.data, |i| address(&self.blocks[i]), (kind, name))?)
    }

    /// The position whose name is `wanted` in a table of [`Module::new`].
    fn find<P: Copy, K: Hash + Eq>(
        &self,
        table: &HashTable<P>,
        name: impl Fn(P) -> K,
        wanted: K,
    ) -> Option<P> {
        let hash = self.hasher.hash_one(&wanted);
        table.find(hash, |&p| name(p) == wanted).copied()
    }

    /// The name of a block with one label.
    fn label(&self, i: usize) -> &str {
        self.blocks[i].labels[0].as_str()
    }

    /// A block by its index in [`Module::blocks`].
    fn block(&self, i: usize) -> Option<&Block> {
        self.blocks.get(i).map(|b| &b.block)
    }

    /// Every `variable` block by name.
    pub fn variables(&self) -> impl Iterator<Item = (&str, &Block)> {
        self.variables
            .iter()
            .filter_map(|&i| Some((self.label(i), self.block(i)?)))
    }

    /// An `output` block by name.
    pub fn output(&self, name: &str) -> Option<&Block> {
        self.block(search(&self.outputs, |i| self.label(i), name)?)
    }

    /// Every `output` name.
    pub fn output_names(&self) -> impl Iterator<Item = &str> {
        self.outputs.iter().map(|&i| self.label(i))
    }

    /// A `module` call block by name.
    pub fn call(&self, name: &str) -> Option<&Block> {
        self.block(search(&self.calls, |i| self.label(i), name)?)
    }

    /// Every `module` call block with its name, by name.
    pub fn calls(&self) -> impl Iterator<Item = (&str, &Block)> {
        self.calls
            .iter()
            .filter_map(|&i| Some((self.label(i), self.block(i)?)))
    }

    /// The attribute that defines a local value.
    pub fn local(&self, name: &str) -> Option<&Attr> {
        let attr = |(b, a): (usize, usize)| &self.blocks[b].body.attrs[a];
        let (b, a) = self.find(&self.locals, |p| attr(p).name.as_str(), name)?;
        self.block(b)?.body.attrs.get(a)
    }

    /// The literal `source` of a module call.
    pub fn call_source(block: &Block) -> Option<String> {
        match &block.body.attr("source")?.value {
            syntax::Expr::Literal(sv) => sv.as_str().map(str::to_string),
            syntax::Expr::Native {
                expr: hcl::edit::expr::Expression::String(s),
                ..
            } => Some(s.value().to_string()),
            _ => None,
        }
    }
}

/// A top-level block of a file, shared by the runs that parse the same text (through a
/// [`SyntaxCache`]), with what is found in it alone kept beside it.
#[derive(Debug)]
pub struct TopBlock {
    pub block: Block,
    /// What Terraform refuses in the block itself, found once, when first looked for.
    pub(super) written: OnceLock<Written>,
    /// The access entries and locals the block references, found once, when first looked for.
    pub(super) references: OnceLock<Referenced>,
}

impl Deref for TopBlock {
    type Target = Block;

    fn deref(&self) -> &Block {
        &self.block
    }
}

/// The type and name of a block with two labels (a resource or data source).
fn address(block: &Block) -> (&str, &str) {
    match block.labels.as_slice() {
        [kind, name, ..] => (kind.as_str(), name.as_str()),
        _ => ("", ""),
    }
}

/// Positions sorted by `key`, the first (in the order given) of each key kept; with the pairs
/// of the first and each other position of a repeated key.
fn first_of_each<P: Copy, K: Ord>(
    mut positions: Vec<P>,
    key: impl Fn(P) -> K,
) -> (Vec<P>, Vec<(P, P)>) {
    // Stable: positions of one key stay in the order given.
    positions.sort_by_key(|&p| key(p));
    let mut repeated = Vec::new();
    let mut kept: Vec<P> = Vec::with_capacity(positions.len());
    for p in positions {
        match kept.last() {
            Some(&first) if key(first) == key(p) => repeated.push((first, p)),
            _ => kept.push(p),
        }
    }
    (kept, repeated)
}

/// Positions by `name`, hashed by `hasher`, the first (in the order given) of each name kept;
/// with the pairs of the first and each other position of a repeated name.
fn by_name<P: Copy, K: Hash + Eq>(
    hasher: &RandomState,
    positions: Vec<P>,
    name: impl Fn(P) -> K,
) -> (HashTable<P>, Vec<(P, P)>) {
    let mut table = HashTable::with_capacity(positions.len());
    let mut repeated = Vec::new();
    for p in positions {
        let key = name(p);
        let hash = hasher.hash_one(&key);
        match table.entry(hash, |&q| name(q) == key, |&q| hasher.hash_one(name(q))) {
            Entry::Occupied(first) => repeated.push((*first.get(), p)),
            Entry::Vacant(slot) => {
                slot.insert(p);
            }
        }
    }
    (table, repeated)
}

/// The position whose key is `wanted` among positions sorted by `key`.
fn search<P: Copy, K: Ord>(sorted: &[P], key: impl Fn(P) -> K, wanted: K) -> Option<P> {
    sorted
        .binary_search_by(|&p| key(p).cmp(&wanted))
        .ok()
        .map(|i| sorted[i])
}

/// Parses one file into its top-level blocks, to be shared by the module (and a
/// [`SyntaxCache`]).
pub fn parse_blocks(source: SourceText) -> Result<Vec<Arc<TopBlock>>, ParseError> {
    parse_file(source).map(|body| {
        body.blocks
            .into_iter()
            .map(|block| {
                Arc::new(TopBlock {
                    block,
                    written: OnceLock::new(),
                    references: OnceLock::new(),
                })
            })
            .collect()
    })
}

/// Parses one file.
pub fn parse_file(source: SourceText) -> Result<syntax::Body, ParseError> {
    if source.json {
        return json::parse_config(source.id, source.text);
    }
    parse_native(source.id, source.text)
}

/// Parses a native-syntax file (`.tf`, `.tfvars`).
pub fn parse_native(id: FileId, text: &str) -> Result<syntax::Body, ParseError> {
    match parse_body_spanned(text) {
        Ok(body) => Ok(syntax::from_native(id, text, body)),
        Err(e) => {
            let loc = e.location();
            let start = line_col_offset(text, loc.line(), loc.column());
            Err(ParseError {
                span: Span::new(id, start, next_char(text, start)),
                message: format!("invalid HCL: {}", e.message()),
            })
        }
    }
}

/// The byte offset of a 1-based line and column (counted in chars).
fn line_col_offset(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let rest = &text[start.min(text.len())..];
    start
        + rest
            .char_indices()
            .take_while(|(_, c)| *c != '\n')
            .nth(column.saturating_sub(1))
            .map_or_else(|| rest.find('\n').unwrap_or(rest.len()), |(i, _)| i)
}

fn next_char(text: &str, at: usize) -> usize {
    text[at..].chars().next().map_or(at, |c| at + c.len_utf8())
}
