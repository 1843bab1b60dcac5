//! What ekslint reads from a policy's text besides what the interpreter compiles: `# METADATA`
//! comment blocks and the lines where rules start.

use std::collections::BTreeSet;

/// A `# METADATA` comment block: its YAML with the comment markers blanked out, so that an
/// offset in `yaml` plus `start` is the offset in the file.
#[derive(Debug, PartialEq)]
pub struct MetadataBlock {
    pub start: usize,
    pub yaml: String,
    /// The first name of the first code line after the block (`deny` in `deny contains f if`).
    pub annotates: Option<(String, usize)>,
}

/// Every line with its offset, without its line break.
fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split_inclusive('\n').scan(0, |offset, line| {
        let start = *offset;
        *offset += line.len();
        Some((start, line.trim_end_matches(['\n', '\r'])))
    })
}

/// The rule name a line starts with, when it starts a rule at its first column (`deny` for
/// `deny contains f if {`, `test_x` for `test_x if {`).
pub fn head_name(line: &str) -> Option<&str> {
    let end = line
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(line.len());
    let name = &line[..end];
    let starts_ident = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_');
    let keyword = ["package", "import", "default"].contains(&name);
    (starts_ident && !keyword).then_some(name)
}

/// The rules of a file whose name satisfies `wanted`, with the offset of each head, in order.
pub fn heads(text: &str, wanted: impl Fn(&str) -> bool) -> Vec<(String, usize)> {
    lines(text)
        .filter_map(|(offset, line)| {
            let name = head_name(line)?;
            wanted(name).then(|| (name.to_string(), offset))
        })
        .collect()
}

/// The `# METADATA` blocks of a file.
pub fn metadata_blocks(text: &str) -> Vec<MetadataBlock> {
    let all: Vec<(usize, &str)> = lines(text).collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < all.len() {
        let (start, line) = all[i];
        i += 1;
        if line.trim() != "# METADATA" {
            continue;
        }
        // The block with `# METADATA` blanked and each line's `#` made a space: the same bytes
        // at the same offsets, line breaks included.
        let mut yaml = " ".repeat(line.len());
        let mut end = start + line.len();
        while let Some(&(offset, next)) = all.get(i) {
            let indent = next.len() - next.trim_start().len();
            if !next.trim_start().starts_with('#') {
                break;
            }
            yaml.push_str(&text[end..offset]);
            yaml.push_str(&" ".repeat(indent + 1));
            yaml.push_str(&next[indent + 1..]);
            end = offset + next.len();
            i += 1;
        }
        let annotates = all[i..]
            .iter()
            .find(|(_, l)| !l.trim().is_empty())
            .and_then(|&(offset, l)| Some((head_name(l)?.to_string(), offset)));
        out.push(MetadataBlock {
            start,
            yaml,
            annotates,
        });
    }
    out
}

/// The top-level fields of the input (`entries`, `locations`, ...) that policies may read.
#[derive(Clone, Debug, PartialEq)]
pub enum Reads {
    /// Any: a policy reads `input` other than through a named field (`walk(input, ...)`, `some
    /// key, value in input`, `input[key]`).
    All,
    Fields(BTreeSet<String>),
}

impl Default for Reads {
    /// Nothing.
    fn default() -> Reads {
        Reads::Fields(BTreeSet::new())
    }
}

impl Reads {
    /// Whether `field` may be read.
    pub fn reads(&self, field: &str) -> bool {
        match self {
            Reads::All => true,
            Reads::Fields(fields) => fields.contains(field),
        }
    }

    /// What this and `other` read together.
    pub fn and(self, other: Reads) -> Reads {
        match (self, other) {
            (Reads::Fields(mut a), Reads::Fields(b)) => {
                a.extend(b);
                Reads::Fields(a)
            }
            _ => Reads::All,
        }
    }
}

/// The top-level fields of the input a policy may read: each `input.name` and `input["name"]`,
/// and `locations` wherever the word is written (an id looked up in the table by a name held
/// elsewhere); any other use of `input` may read all of it. Comments are not read.
pub fn input_reads(text: &str) -> Reads {
    let mut fields = BTreeSet::new();
    for (_, line) in lines(text) {
        let code = without_comment(line);
        if code.contains("locations") {
            fields.insert("locations".to_string());
        }
        for (i, _) in code.match_indices("input") {
            let before = code[..i].chars().next_back();
            let after = &code[i + "input".len()..];
            let word = !before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
                && !after.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_');
            if !word {
                continue;
            }
            let name = if let Some(rest) = after.strip_prefix('.') {
                let end = rest
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(rest.len());
                &rest[..end]
            } else if let Some(rest) = after.strip_prefix("[\"") {
                match rest.split_once("\"]") {
                    Some((name, _)) if !name.contains(['\\', '"']) => name,
                    _ => "",
                }
            } else {
                ""
            };
            if name.is_empty() {
                return Reads::All;
            }
            fields.insert(name.to_string());
        }
    }
    Reads::Fields(fields)
}

/// A line without its `#` comment (a `#` inside a string or raw string is kept).
fn without_comment(line: &str) -> &str {
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        match (quote, c) {
            (Some('"'), '\\') if !escaped => {
                escaped = true;
                continue;
            }
            (Some(q), c) if c == q && !escaped => quote = None,
            (None, '"' | '`') => quote = Some(c),
            (None, '#') => return &line[..i],
            _ => {}
        }
        escaped = false;
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_keep_offsets_and_name_the_rule_below() {
        let text = "package x\r\n\r\n# METADATA\r\n# title: T\r\n# custom:\r\n#   id: ORG1\r\n\r\ndeny contains f if {\r\n  true\r\n}\r\n";
        let blocks = metadata_blocks(text);
        assert_eq!(blocks.len(), 1);
        let b = &blocks[0];
        assert_eq!(b.start, text.find("# METADATA").unwrap());
        let id_in_yaml = b.yaml.find("ORG1").unwrap();
        assert_eq!(&text[b.start + id_in_yaml..][..4], "ORG1");
        assert_eq!(
            b.annotates,
            Some(("deny".to_string(), text.find("deny").unwrap()))
        );
    }

    #[test]
    fn heads_are_rules_at_the_first_column() {
        let text = "package p\nimport rego.v1\ntest_a if { true }\n  test_b if { true }\ntest_c := true\ndeny[x] { x := 1 }\n";
        let names: Vec<String> = heads(text, |n| n.starts_with("test_"))
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        assert_eq!(names, ["test_a", "test_c"]);
        assert_eq!(heads(text, |n| n == "deny").len(), 1);
        assert_eq!(head_name("package p"), None);
        assert_eq!(head_name("# deny"), None);
    }

    #[test]
    fn a_policy_reads_the_fields_it_names() {
        let fields = |names: &[&str]| Reads::Fields(names.iter().map(|n| n.to_string()).collect());
        assert_eq!(
            input_reads("deny contains f if {\n  some e in input.entries # input\n}\n"),
            fields(&["entries"])
        );
        assert_eq!(
            input_reads("x := input[\"associations\"]\ny := \"#\" # input\n"),
            fields(&["associations"])
        );
        assert_eq!(
            input_reads("f := input.locations[e.at].file\n"),
            fields(&["locations"])
        );
        assert_eq!(
            input_reads("t := \"locations\"\nx := input.entries\n"),
            fields(&["entries", "locations"])
        );
        assert_eq!(input_reads("some k, v in input\n"), Reads::All);
        assert_eq!(input_reads("n := count(walk(input))\n"), Reads::All);
        assert_eq!(input_reads("x := input[k]\n"), Reads::All);
        assert_eq!(input_reads("x := input.\n"), Reads::All);
        assert_eq!(input_reads("x := input[\"a\\\"b\"]\n"), Reads::All);
        assert_eq!(
            input_reads("my_input := 1\nx := data.input.y\n"),
            fields(&[])
        );
        assert!(Reads::All.reads("clusters"));
        assert!(
            fields(&["entries"])
                .and(fields(&["clusters"]))
                .reads("clusters")
        );
        assert_eq!(fields(&["entries"]).and(Reads::All), Reads::All);
    }
}
