//! What ekslint reads from a policy's text besides what the interpreter compiles: `# METADATA`
//! comment blocks and the lines where rules start.

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

/// Whether a policy may read the input's `locations` table: it names `locations`, or reads
/// `input` other than through a field (`input.entries`, `input["entries"]`), which could reach
/// the table (`walk(input, ...)`, `some key, value in input`). Comments are not read.
pub fn reads_locations(text: &str) -> bool {
    lines(text).any(|(_, line)| {
        let code = without_comment(line);
        code.contains("locations")
            || code.match_indices("input").any(|(i, _)| {
                let before = code[..i].chars().next_back();
                let after = &code[i + "input".len()..];
                let word = !before
                    .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
                    && !after.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_');
                let field = after.starts_with('.') || after.starts_with("[\"");
                word && !field
            })
    })
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
    fn a_policy_reads_locations_only_when_it_may() {
        let reads = |t: &str| reads_locations(t);
        assert!(!reads(
            "deny contains f if {\n  some e in input.entries # the input\n}\n"
        ));
        assert!(!reads("x := input[\"entries\"]\ny := \"#\" # input\n"));
        assert!(reads("x := input[\"locations\"]\n"));
        assert!(reads("f := input.locations[e.at].file\n"));
        assert!(reads("some k, v in input\n"));
        assert!(reads("n := count(walk(input))\n"));
        assert!(!reads("my_input := 1\nx := data.input.y\n"));
    }
}
