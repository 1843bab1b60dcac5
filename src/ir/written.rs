//! Where a value is written, for fixes: what a parser records so that a rule can compute text
//! edits without knowing the file's format.
//!
//! A parser sets [`Written::literal`] on a string it read from a literal (the span of its text
//! without quotes, and how a string must be written there), and [`Written::item`] on a value it
//! read from a list (the span that removes the item with one separator). Both travel with the
//! value to where it is used (a variable default, a parameter default, a `for_each` item), so
//! that a fix edits the value where it is written; a computed value has neither.

use crate::source::Span;

/// How a string literal is written, so that another string can be written in its place.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Quoting {
    /// A Terraform quoted string (`"..."`): `\` escapes, and `${`/`%{` start templates.
    HclQuoted,
    /// A Terraform identifier (an attribute or block name, a bare object key).
    HclIdentifier,
    /// A JSON string in a Terraform `.tf.json` file: JSON escapes, and `${`/`%{` start templates.
    TerraformJson,
    /// A JSON string.
    Json,
    /// A plain (unquoted) YAML scalar: its span is the whole scalar, so a string that cannot be
    /// written plain is written double-quoted there.
    YamlPlain,
    /// A single-quoted YAML scalar (`''` is a quote).
    YamlSingle,
    /// A double-quoted YAML scalar (JSON-like escapes).
    YamlDouble,
}

/// A string literal: the span of its text (inside the quotes) and its quoting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Literal {
    pub span: Span,
    pub quoting: Quoting,
}

impl Literal {
    /// The text that writes `value` at [`Literal::span`]; `None` when this literal cannot hold
    /// it (an identifier that is not one, a newline in a single-quoted scalar).
    pub fn write(&self, value: &str) -> Option<String> {
        match self.quoting {
            Quoting::HclQuoted => Some(escape_templates(&escape(value, false))),
            Quoting::HclIdentifier => is_identifier(value).then(|| value.to_string()),
            Quoting::TerraformJson => Some(escape_templates(&escape(value, true))),
            Quoting::Json | Quoting::YamlDouble => Some(escape(value, true)),
            Quoting::YamlSingle => {
                (!value.chars().any(char::is_control)).then(|| value.replace('\'', "''"))
            }
            Quoting::YamlPlain if plain_yaml(value) => Some(value.to_string()),
            Quoting::YamlPlain => Some(format!("\"{}\"", escape(value, true))),
        }
    }
}

/// Where a value is written, when a fix can edit it there.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Hash)]
pub struct Written {
    /// The string literal that gave the value.
    pub literal: Option<Literal>,
    /// The span that removes the value from the list it is written in (the item, one separator,
    /// and its line when it is alone on it).
    pub item: Option<Span>,
}

/// Text to insert so that a resource waits for another (Terraform `depends_on`): the address
/// goes between `before` and `after`, at the empty span `at`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Insertion {
    pub at: Span,
    pub before: String,
    pub after: String,
}

/// `value` escaped for a double-quoted string (JSON escapes when `json`, else HCL's, which have
/// no `\/`, `\b` or `\f`).
fn escape(value: &str, json: bool) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || (!json && matches!(c, '\u{8}' | '\u{c}')) => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out
}

/// A Terraform string with `${` and `%{` escaped, so that it is not read as a template.
fn escape_templates(s: &str) -> String {
    s.replace("${", "$${").replace("%{", "%%{")
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// Whether a string can be written as a plain YAML scalar in block and flow context and be read
/// back as the same string (not a number, boolean or null).
fn plain_yaml(s: &str) -> bool {
    let safe = |c: char| c.is_ascii_alphanumeric() || "_-./:@=+*".contains(c);
    !s.is_empty()
        && s.chars().all(safe)
        && !s.starts_with(['-', ':', '*', '.'])
        && !s.ends_with(':')
        && !s.contains("::-")
        && !resolves_to_non_string(s)
}

/// Whether a plain scalar would be read as a null, boolean or number (YAML 1.1 or 1.2).
fn resolves_to_non_string(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    matches!(
        lower.as_str(),
        "null" | "~" | "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n"
    ) || s.starts_with(|c: char| c.is_ascii_digit() || c == '+')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    fn lit(quoting: Quoting) -> Literal {
        Literal {
            span: Span::new(FileId(0), 0, 0),
            quoting,
        }
    }

    #[test]
    fn strings_are_written_in_the_literal_quoting() {
        let v = "a\"b\\${c}%{d}\n";
        assert_eq!(
            lit(Quoting::HclQuoted).write(v).unwrap(),
            "a\\\"b\\\\$${c}%%{d}\\n"
        );
        assert_eq!(
            lit(Quoting::TerraformJson).write(v).unwrap(),
            "a\\\"b\\\\$${c}%%{d}\\n"
        );
        assert_eq!(
            lit(Quoting::Json).write(v).unwrap(),
            "a\\\"b\\\\${c}%{d}\\n"
        );
        assert_eq!(lit(Quoting::YamlSingle).write("it's").unwrap(), "it''s");
        assert_eq!(lit(Quoting::YamlSingle).write("a\nb"), None);
        assert_eq!(
            lit(Quoting::YamlPlain).write("EC2_LINUX").unwrap(),
            "EC2_LINUX"
        );
        assert_eq!(
            lit(Quoting::YamlPlain)
                .write("arn:aws:iam::111122223333:role/a")
                .unwrap(),
            "arn:aws:iam::111122223333:role/a"
        );
        assert_eq!(lit(Quoting::YamlPlain).write("true").unwrap(), "\"true\"");
        assert_eq!(lit(Quoting::YamlPlain).write("a: b").unwrap(), "\"a: b\"");
        assert_eq!(lit(Quoting::YamlPlain).write("123").unwrap(), "\"123\"");
        assert_eq!(
            lit(Quoting::HclIdentifier).write("user_name").unwrap(),
            "user_name"
        );
        assert_eq!(lit(Quoting::HclIdentifier).write("a b"), None);
    }
}
