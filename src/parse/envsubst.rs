//! `${NAME}` and `$NAME` placeholders, which eksctl configs and Kubernetes manifests get filled
//! with before the tool reads them: by `envsubst` (`envsubst < cluster.yaml | eksctl create
//! cluster -f -`), or by Flux's post-build substitution of the manifests it applies. Neither
//! eksctl nor kubectl reads a `$` itself, and a file written with placeholders is never applied
//! as written: each placeholder is an unknown part of its string. CloudFormation and Terraform
//! have their own `${...}` (`Fn::Sub`, interpolation), read by their front ends.

use crate::ir::{Part, Text};

/// A string with `${NAME}` or `$NAME` placeholders as unknown parts; `None` when it has none.
pub fn placeholders(s: &str) -> Option<Text> {
    if !s.contains('$') {
        return None;
    }
    let mut parts = Vec::new();
    let mut lit = String::new();
    let mut found = false;
    let mut rest = s;
    while let Some(start) = rest.find('$') {
        let after = &rest[start + 1..];
        let len = if let Some(braced) = after.strip_prefix('{') {
            braced.find('}').map(|end| end + 2)
        } else {
            let name = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            let starts_well = after.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_');
            (name > 0 && starts_well).then_some(name)
        };
        lit.push_str(&rest[..start]);
        match len {
            Some(len) => {
                found = true;
                parts.push(Part::Lit(std::mem::take(&mut lit)));
                parts.push(Part::Hole);
                rest = &after[len..];
            }
            None => {
                lit.push('$');
                rest = after;
            }
        }
    }
    lit.push_str(rest);
    parts.push(Part::Lit(lit));
    found.then(|| Text::from_parts(parts))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_braced_or_bare_are_holes_and_a_lone_dollar_is_text() {
        let holes = |s: &str| placeholders(s).map(|t| t.parts().to_vec());
        let lit = |s: &str| Part::Lit(s.into());
        assert_eq!(holes("${ROLE}"), Some(vec![Part::Hole]));
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
}
