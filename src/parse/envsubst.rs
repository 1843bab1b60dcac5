//! `${NAME}` and `$NAME` placeholders, which eksctl configs and Kubernetes manifests get filled
//! with before the tool reads them: by `envsubst` (`envsubst < cluster.yaml | eksctl create
//! cluster -f -`), or by Flux's post-build substitution of the manifests it applies. Neither
//! eksctl nor kubectl reads a `$` itself, and a file written with placeholders is never applied
//! as written: each placeholder is an unknown part of its string. CloudFormation and Terraform
//! have their own `${...}` (`Fn::Sub`, interpolation), read by their front ends.

use crate::ir::{Part, Text};
use std::ops::Range;

/// The byte ranges of the `${NAME}` and `$NAME` placeholders of a string, in order (a `$`
/// that starts neither is text).
pub fn spans(s: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut from = 0;
    std::iter::from_fn(move || {
        while let Some(at) = s[from..].find('$') {
            let start = from + at;
            let after = &s[start + 1..];
            let len = if let Some(braced) = after.strip_prefix('{') {
                braced.find('}').map(|end| end + 2)
            } else {
                let name = after
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(after.len());
                let starts_well = after.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_');
                (name > 0 && starts_well).then_some(name)
            };
            from = start + 1 + len.unwrap_or(0);
            if len.is_some() {
                return Some(start..from);
            }
        }
        None
    })
}

/// What a string is once its placeholders (see [`spans`]) are filled in.
#[derive(Debug, PartialEq)]
pub enum Filled {
    /// It has none: it is read as written.
    AsWritten,
    /// It is one placeholder: not known at all.
    Unknown,
    /// Its placeholders are unknown parts among known ones.
    Partly(Text),
}

/// Reads a string's placeholders (see [`Filled`]).
pub fn filled(s: &str) -> Filled {
    let mut parts = Vec::new();
    let mut from = 0;
    for span in spans(s) {
        parts.push(Part::Lit(s[from..span.start].to_string()));
        parts.push(Part::Hole);
        from = span.end;
    }
    if parts.is_empty() {
        return Filled::AsWritten;
    }
    parts.push(Part::Lit(s[from..].to_string()));
    let text = Text::from_parts(parts);
    if text.parts() == [Part::Hole] {
        Filled::Unknown
    } else {
        Filled::Partly(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_braced_or_bare_are_holes_and_a_lone_dollar_is_text() {
        let holes = |s: &str| match filled(s) {
            Filled::AsWritten => None,
            Filled::Unknown => Some(vec![Part::Hole]),
            Filled::Partly(t) => Some(t.parts().to_vec()),
        };
        let lit = |s: &str| Part::Lit(s.into());
        assert_eq!(filled("${ROLE}"), Filled::Unknown);
        assert_eq!(
            holes("arn:aws:iam::$ACCOUNT_ID:role/x"),
            Some(vec![lit("arn:aws:iam::"), Part::Hole, lit(":role/x")])
        );
        // Flux's defaults are inside the braces.
        assert_eq!(holes("${ROLE:=ops}"), Some(vec![Part::Hole]));
        assert_eq!(holes("cost$ 5"), None);
        assert_eq!(holes("no placeholder"), None);
        assert_eq!(holes("$1"), None);
    }

    #[test]
    fn spans_cover_each_placeholder_from_its_dollar_to_its_end() {
        let s = "azs: [${AZS}] $B_1-x cost$ 5 ${open";
        let spans: Vec<&str> = spans(s).map(|r| &s[r]).collect();
        assert_eq!(spans, ["${AZS}", "$B_1"]);
    }
}
