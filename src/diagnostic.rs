//! Findings produced by rules, independent of how they are reported.

use crate::ir::Related;
use crate::source::Span;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// How serious a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Note,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "note" => Some(Severity::Note),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

/// An inline or configured suppression that matched a finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suppression {
    pub justification: Option<String>,
}

/// One finding.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    /// The rule id (`EKS101`).
    pub rule: &'static str,
    pub severity: Severity,
    pub message: String,
    pub span: Span,
    pub related: Vec<Related>,
    /// Where the offending value came from (a variable default, a `.tfvars` entry, a parameter
    /// default), also among `related`: when only some files are reported, a finding whose value
    /// comes from one of them is reported.
    pub origins: Vec<Span>,
    /// Most helps are fixed texts, not copied into every finding.
    pub help: Option<Cow<'static, str>>,
    pub suppressed: Option<Suppression>,
    /// The edits that correct the finding, when its rule has them.
    /// Boxed: most findings have none, and a run holds every finding.
    pub fix: Option<Box<crate::fix::Fix>>,
}

impl Diagnostic {
    /// A finding of `rule` at `span`, with the rule's default severity.
    pub fn new(rule: &'static crate::rules::RuleMeta, span: Span, message: String) -> Diagnostic {
        Diagnostic {
            rule: rule.id,
            severity: rule.severity,
            message,
            span,
            related: Vec::new(),
            origins: Vec::new(),
            help: None,
            suppressed: None,
            fix: None,
        }
    }

    /// Adds where the offending value came from, as secondary locations.
    pub fn with_origin(mut self, origin: &[Related]) -> Diagnostic {
        self.origins.extend(origin.iter().map(|r| r.span));
        self.related.extend(origin.iter().cloned());
        self
    }

    pub fn with_fix(mut self, fix: Option<crate::fix::Fix>) -> Diagnostic {
        self.fix = fix.map(Box::new);
        self
    }

    pub fn with_help(mut self, help: impl Into<Cow<'static, str>>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn with_related(mut self, related: impl IntoIterator<Item = Related>) -> Diagnostic {
        self.related.extend(related);
        self
    }
}

/// A value quoted for a message: in double quotes, with quotes, backslashes and control
/// characters escaped, and shortened with an ellipsis past [`MAX_QUOTED_CHARS`] chars. Every
/// rule that names a value in a message quotes it with this, so a message stays short whatever
/// the value; the finding's span still covers the whole value.
///
/// [`MAX_QUOTED_CHARS`]: crate::limits::MAX_QUOTED_CHARS
pub fn quote(value: &str) -> String {
    let short = shorten(value, crate::limits::MAX_QUOTED_CHARS);
    ["\"", &escaped(&short, true), "\""].concat()
}

/// A value shown bare in a message (a policy name, a resource address): escaped and
/// shortened as [`quote`] does, without the quotes around it and with its own quotes kept, so
/// that `aws_eks_access_entry.this["ci"]` reads as Terraform writes it.
pub fn shown(value: &str) -> String {
    escaped(&shorten(value, crate::limits::MAX_QUOTED_CHARS), false).into_owned()
}

/// `text` as `str::escape_debug` writes it, its quotes left as they are unless `quotes`;
/// borrowed when that leaves it as it is (printable ASCII but backslashes, and quotes when
/// escaped: the commonest values), which is known without the formatting machinery's
/// character-by-character writes.
fn escaped(text: &str, quotes: bool) -> Cow<'_, str> {
    let as_is =
        |b: &u8| matches!(b, b' '..=b'~') && *b != b'\\' && !(quotes && matches!(b, b'"' | b'\''));
    if text.as_bytes().iter().all(as_is) {
        Cow::Borrowed(text)
    } else if quotes {
        Cow::Owned(text.escape_debug().to_string())
    } else {
        // Its escapes of quotes undone: in `escape_debug`'s text a backslash starts an escape.
        let escaped = text.escape_debug().to_string();
        let mut out = String::with_capacity(escaped.len());
        let mut chars = escaped.chars();
        while let Some(c) = chars.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            match chars.next() {
                Some(q @ ('"' | '\'')) => out.push(q),
                next => out.extend(std::iter::once('\\').chain(next)),
            }
        }
        Cow::Owned(out)
    }
}

/// How alike two names are, for a "did you mean" (Jaro-Winkler, 0 to 1). When one is ten
/// times as long as the other, Jaro is at most 0.7, below every threshold a suggestion needs:
/// the score is 0 without comparing them, so a huge name costs only counting its characters.
pub fn likeness(a: &str, b: &str) -> f64 {
    let (a_len, b_len) = (a.chars().count(), b.chars().count());
    if a_len.max(b_len) >= 10 * a_len.min(b_len).max(1) {
        return 0.0;
    }
    strsim::jaro_winkler(a, b)
}

/// `text` cut to at most `max` chars, the last of them an ellipsis when it was longer.
pub fn shorten(text: &str, max: usize) -> std::borrow::Cow<'_, str> {
    // No more bytes than `max`: no more chars either (most messages), nothing to count.
    if text.len() <= max {
        return text.into();
    }
    match text.char_indices().nth(max) {
        None => text.into(),
        Some(_) => {
            let keep = text
                .char_indices()
                .nth(max.saturating_sub(1))
                .map_or(0, |(i, _)| i);
            format!("{}…", &text[..keep]).into()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A name ten times as long as the other scores 0 without comparing: Jaro-Winkler gives it
    /// at most 0.7, below every threshold; the others score as Jaro-Winkler does.
    #[test]
    fn names_ten_times_longer_are_not_alike() {
        let short = [
            "",
            "a",
            "type",
            "user_name",
            "principal_arn",
            "AmazonEKSViewPolicy",
        ];
        let mut names: Vec<String> = short.map(String::from).to_vec();
        for times in [3, 10, 11, 40] {
            names.extend(short.map(|n| format!("{n}x").repeat(times)));
        }
        let (mut far, mut near) = (0, 0);
        for a in &names {
            for b in &names {
                let (a_len, b_len) = (a.chars().count(), b.chars().count());
                if a_len.max(b_len) >= 10 * a_len.min(b_len).max(1) {
                    far += 1;
                    assert!(strsim::jaro_winkler(a, b) <= 0.7, "{a:?} {b:?}");
                    assert_eq!(likeness(a, b), 0.0, "{a:?} {b:?}");
                } else {
                    near += 1;
                    assert_eq!(likeness(a, b), strsim::jaro_winkler(a, b), "{a:?} {b:?}");
                }
            }
        }
        assert!(far > 100 && near > 100, "{far} far, {near} near");
    }

    proptest::proptest! {
        /// Quoting writes what `escape_debug` writes, whatever the text (printable ASCII, quotes,
        /// backslashes, controls, combining marks, bidirectional overrides); a bare value the
        /// same, but for its quotes.
        #[test]
        fn quoting_writes_what_escape_debug_writes(
            text in "[ -~]{0,20}|[a\"'\\\\\n\t\u{7f}\u{301}\u{202e}é]{0,20}|\\PC{0,20}"
        ) {
            let short = shorten(&text, crate::limits::MAX_QUOTED_CHARS);
            proptest::prop_assert_eq!(quote(&text), format!("\"{}\"", short.escape_debug()));
            // A bare value is the quoted one's inside, with its own quotes not escaped.
            let quoted = quote(&text);
            let requoted = shown(&text).replace('"', "\\\"").replace('\'', "\\'");
            proptest::prop_assert_eq!(requoted.as_str(), &quoted[1..quoted.len() - 1]);
        }
    }

    /// A bare value keeps its quotes: a Terraform address reads as Terraform writes it.
    #[test]
    fn shown_values_keep_their_quotes() {
        assert_eq!(
            shown("aws_eks_access_entry.this[\"ci\"]"),
            "aws_eks_access_entry.this[\"ci\"]"
        );
        assert_eq!(shown("it's a\\b\n"), "it's a\\\\b\\n");
    }

    #[test]
    fn quoting_escapes_and_shortens() {
        assert_eq!(quote("a\"b\n\u{1b}"), "\"a\\\"b\\n\\u{1b}\"");
        let long = "ü".repeat(10_000);
        let q = quote(&long);
        assert_eq!(q.chars().count(), crate::limits::MAX_QUOTED_CHARS + 2);
        assert!(q.ends_with("…\""), "{q}");
        assert_eq!(shorten("abc", 3), "abc");
        assert_eq!(shorten("abcd", 3), "ab…");
        // Bytes past `max` are not chars past it.
        assert_eq!(shorten("üüü", 3), "üüü");
        assert_eq!(shorten("üüüü", 3), "üü…");
        assert_eq!(shorten("", 0), "");
        assert_eq!(shorten("a", 0), "…");
    }
}
