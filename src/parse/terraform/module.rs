//! The files of one Terraform module, parsed, with their resources indexed by address.

use crate::parse::ParseError;
use crate::source::{FileId, Span};
use hcl::edit::Span as _;
use hcl::edit::parser::parse_body;
use hcl::edit::structure::{Block, Body};

/// One parsed `.tf` file.
pub struct TfFile {
    pub id: FileId,
    pub body: Body,
}

/// A `resource` or `data` block with its labels.
pub struct Resource<'a> {
    pub file: FileId,
    pub kind: &'a str,
    pub name: &'a str,
    pub block: &'a Block,
}

/// The parsed files of one module directory.
pub struct Module {
    /// Names the module instance: unique across the run, used to scope references.
    pub unit: String,
    pub files: Vec<TfFile>,
}

impl Module {
    /// Parses every file; files that fail to parse are reported and left out.
    pub fn parse(unit: String, sources: &[(FileId, &str)]) -> (Module, Vec<ParseError>) {
        let mut files = Vec::new();
        let mut errors = Vec::new();
        for &(id, text) in sources {
            match parse_body(text) {
                Ok(body) => files.push(TfFile { id, body }),
                Err(e) => {
                    let loc = e.location();
                    let start = line_col_offset(text, loc.line(), loc.column());
                    errors.push(ParseError {
                        span: Span::new(id, start, next_char(text, start)),
                        message: format!("invalid HCL: {}", e.message()),
                    });
                }
            }
        }
        (Module { unit, files }, errors)
    }

    /// Every `resource` block, in file order.
    pub fn resources(&self) -> impl Iterator<Item = Resource<'_>> {
        self.blocks("resource")
    }

    /// Blocks of one kind (`resource`, `data`) with two labels.
    pub fn blocks<'a>(&'a self, ident: &'static str) -> impl Iterator<Item = Resource<'a>> {
        self.files.iter().flat_map(move |f| {
            f.body
                .get_blocks(ident)
                .filter_map(move |b| match b.labels.as_slice() {
                    [kind, name] => Some(Resource {
                        file: f.id,
                        kind: kind.as_str(),
                        name: name.as_str(),
                        block: b,
                    }),
                    _ => None,
                })
        })
    }

    /// The spans of the top-level blocks of a file (for suppression comments above them).
    pub fn block_spans(&self, file: FileId) -> Vec<Span> {
        self.files
            .iter()
            .filter(|f| f.id == file)
            .flat_map(|f| f.body.blocks().map(|b| span_of(f.id, b)))
            .collect()
    }

    /// A resource by type and name.
    pub fn resource(&self, kind: &str, name: &str) -> Option<Resource<'_>> {
        self.resources().find(|r| r.kind == kind && r.name == name)
    }
}

/// The span of a block's header: from its identifier to the end of its last label.
pub fn header_span(file: FileId, block: &Block) -> Span {
    let start = block.ident.span().map_or(0, |s| s.start);
    let end = block
        .labels
        .last()
        .and_then(|l| l.span())
        .or_else(|| block.ident.span())
        .map_or(start, |s| s.end);
    Span::new(file, start, end)
}

/// The span of any hcl-edit node, or an empty span at the start of the file.
pub fn span_of(file: FileId, node: &impl hcl::edit::Span) -> Span {
    node.span()
        .map_or(Span::new(file, 0, 0), |r| Span::new(file, r.start, r.end))
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
