//! Spanned values that are known, unknown or absent.

use crate::source::Span;
use std::borrow::Cow;
use std::sync::Arc;

/// A secondary location: where a value came from, or an earlier occurrence.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Related {
    pub span: Span,
    /// Shared by every copy: a value's origins are copied with it wherever it is read.
    pub message: Arc<str>,
}

/// A known value with the span of the text that gave it and the places it came through.
#[derive(Clone, Debug, PartialEq)]
pub struct Spanned<T> {
    pub value: T,
    /// Where the offending instance is written (the primary location of a finding).
    pub span: Span,
    /// Where the value came from when it was not written in place (variable default, parameter
    /// default, `for_each` item, module attribute): secondary locations of every finding on it.
    pub origin: Vec<Related>,
    /// Where the value is written, when a fix can edit it there.
    pub written: super::Written,
}

impl<T> Spanned<T> {
    pub fn new(value: T, span: Span) -> Spanned<T> {
        Spanned {
            value,
            span,
            origin: Vec::new(),
            written: super::Written::default(),
        }
    }

    /// The value, with where it came from.
    pub fn with_origin(mut self, origin: Vec<Related>) -> Spanned<T> {
        self.origin = origin;
        self
    }

    /// The value, with where it is written.
    pub fn with_written(mut self, written: super::Written) -> Spanned<T> {
        self.written = written;
        self
    }
}

/// Why a value is unknown, when that matters to a rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UnknownHint {
    /// The ARN of the identity that runs the deployment (Terraform `data.aws_caller_identity.<name>.arn`).
    CallerIdentityArn { source_name: String },
    /// The value of a named expression (`var.role_arn`, `aws_iam_role.node.arn`), the same
    /// wherever the same key appears: two principals with one key are one principal.
    Same { key: String },
    /// The ARN of the identity that deploys `unit`, which creates the unit's clusters: the IAM
    /// role or user behind its session (Terraform's `data.aws_iam_session_context.<name>.issuer_arn`),
    /// or, when `caller_identity` names the data source it is read from, the caller itself
    /// (`data.aws_caller_identity.<name>.arn`), an STS session ARN when it runs as a role.
    Deployer {
        unit: super::Unit,
        caller_identity: Option<String>,
    },
}

/// A field value: absent from the source, present but not statically known, or known.
#[derive(Clone, Debug, PartialEq, Default)]
pub enum Val<T> {
    #[default]
    Absent,
    Unknown {
        span: Span,
        hint: Option<UnknownHint>,
    },
    Known(Spanned<T>),
}

impl<T> Val<T> {
    pub fn known(value: T, span: Span) -> Val<T> {
        Val::Known(Spanned::new(value, span))
    }

    /// A known value with where it is written.
    pub fn written(value: T, span: Span, written: super::Written) -> Val<T> {
        Val::Known(Spanned::new(value, span).with_written(written))
    }

    pub fn unknown(span: Span) -> Val<T> {
        Val::Unknown { span, hint: None }
    }

    pub fn get(&self) -> Option<&Spanned<T>> {
        match self {
            Val::Known(s) => Some(s),
            _ => None,
        }
    }

    pub fn is_absent(&self) -> bool {
        matches!(self, Val::Absent)
    }

    /// The span of a present value, known or not.
    pub fn span(&self) -> Option<Span> {
        match self {
            Val::Absent => None,
            Val::Unknown { span, .. } => Some(*span),
            Val::Known(s) => Some(s.span),
        }
    }
}

/// One piece of a string: literal text or a part that is not statically known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part {
    Lit(String),
    Hole,
    /// A part that is not known but is the same wherever the same name appears in the same
    /// scope: a CloudFormation pseudo-parameter (`AWS::AccountId`, the same for every template
    /// of one cluster), a template's own parameter (`scope` = its template), a Terraform
    /// expression (`var.account_id`, `scope` = its module instance).
    Named {
        name: String,
        scope: Option<Arc<str>>,
    },
}

/// A string that may be only partly known (`"arn:${var.partition}:iam::..."`).
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Text {
    parts: Parts,
}

/// The parts of a text: one (the commonest, a known string) held without a list.
#[derive(Clone, Eq)]
enum Parts {
    One(Part),
    /// None, or two and more.
    Many(Vec<Part>),
}

impl Default for Parts {
    fn default() -> Parts {
        Parts::Many(Vec::new())
    }
}

impl Parts {
    fn as_slice(&self) -> &[Part] {
        match self {
            Parts::One(p) => std::slice::from_ref(p),
            Parts::Many(v) => v,
        }
    }

    fn last_mut(&mut self) -> Option<&mut Part> {
        match self {
            Parts::One(p) => Some(p),
            Parts::Many(v) => v.last_mut(),
        }
    }

    fn push(&mut self, part: Part) {
        match self {
            Parts::Many(v) if v.is_empty() => *self = Parts::One(part),
            Parts::Many(v) => v.push(part),
            Parts::One(_) => {
                if let Parts::One(first) = std::mem::take(self) {
                    *self = Parts::Many(vec![first, part]);
                }
            }
        }
    }
}

impl PartialEq for Parts {
    fn eq(&self, other: &Parts) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl std::fmt::Debug for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Text")
            .field("parts", &self.parts())
            .finish()
    }
}

impl Text {
    /// A fully known string.
    pub fn lit(s: impl Into<String>) -> Text {
        Text {
            parts: Parts::One(Part::Lit(s.into())),
        }
    }

    /// Builds a text from parts, merging adjacent literals and adjacent holes.
    pub fn from_parts(parts: impl IntoIterator<Item = Part>) -> Text {
        let mut out = Parts::default();
        for p in parts {
            match (out.last_mut(), p) {
                (Some(Part::Lit(a)), Part::Lit(b)) => a.push_str(&b),
                (Some(Part::Hole), Part::Hole) => {}
                (_, Part::Lit(b)) if b.is_empty() => {}
                (_, p) => out.push(p),
            }
        }
        Text { parts: out }
    }

    /// A text of parts that are merged already, as [`Text::from_parts`] would merge them (a
    /// [`TextBuilder`](crate::parse::budget::TextBuilder)'s): the list is kept, not built again.
    pub(crate) fn from_merged(mut parts: Vec<Part>) -> Text {
        debug_assert!(
            parts
                .windows(2)
                .all(|w| !matches!(w, [Part::Lit(_), Part::Lit(_)] | [Part::Hole, Part::Hole]))
                && !parts
                    .iter()
                    .any(|p| matches!(p, Part::Lit(s) if s.is_empty())),
            "parts not merged: {parts:?}"
        );
        let parts = match parts.len() {
            1 => Parts::One(parts.remove(0)),
            _ => Parts::Many(parts),
        };
        Text { parts }
    }

    pub fn parts(&self) -> &[Part] {
        self.parts.as_slice()
    }

    /// The parts, given up.
    pub fn into_parts(self) -> impl Iterator<Item = Part> {
        let (one, many) = match self.parts {
            Parts::One(part) => (Some(part), Vec::new()),
            Parts::Many(parts) => (None, parts),
        };
        one.into_iter().chain(many)
    }

    /// The string when every part is known.
    pub fn as_str(&self) -> Option<&str> {
        match self.parts.as_slice() {
            [] => Some(""),
            [Part::Lit(s)] => Some(s),
            _ => None,
        }
    }

    /// True when at least one part is known and one is not.
    pub fn has_holes(&self) -> bool {
        self.parts().iter().any(|p| !matches!(p, Part::Lit(_)))
    }

    /// Splits on the ASCII character `sep` into segments; a segment that touches a hole is
    /// `None` (not known). A segment inside one literal part is borrowed from it.
    pub fn split_known(&self, sep: u8) -> Vec<Option<Cow<'_, str>>> {
        assert!(sep.is_ascii(), "a separator is an ASCII character");
        // An ARN's fields, most often.
        let mut out = Vec::with_capacity(8);
        let mut cur = Some(Cow::Borrowed(""));
        for part in self.parts() {
            match part {
                Part::Hole | Part::Named { .. } => cur = None,
                Part::Lit(s) => {
                    // At each ASCII `sep` (a char boundary): a byte loop, as the parts are short.
                    let mut from = 0;
                    let mut pieces = s
                        .bytes()
                        .enumerate()
                        .filter(|&(_, b)| b == sep)
                        .map(|(i, _)| i)
                        .chain([s.len()])
                        .map(|end| {
                            let piece = &s[from..end];
                            from = end + 1;
                            piece
                        });
                    if let Some(first) = pieces.next()
                        && let Some(c) = cur.as_mut()
                    {
                        if c.is_empty() {
                            *c = Cow::Borrowed(first);
                        } else {
                            c.to_mut().push_str(first);
                        }
                    }
                    for piece in pieces {
                        out.push(cur.take());
                        cur = Some(Cow::Borrowed(piece));
                    }
                }
            }
        }
        out.push(cur);
        out
    }

    /// A key that is equal for two texts exactly when they are known to be the same string:
    /// the string itself, or its literal and named parts; `None` when a part is not named.
    pub fn identity(&self) -> Option<Cow<'_, str>> {
        if let Some(s) = self.as_str() {
            return Some(Cow::Borrowed(s));
        }
        let mut out = String::with_capacity(64);
        for part in self.parts() {
            match part {
                Part::Lit(s) => out.push_str(s),
                Part::Named { name, scope } => {
                    out.push('\u{0}');
                    out.push_str(name);
                    out.push('\u{0}');
                    push_debug(&mut out, scope.as_deref());
                    out.push('\u{0}');
                }
                Part::Hole => return None,
            }
        }
        Some(Cow::Owned(out))
    }

    /// The text for a message: unknown parts as `${name}`, or `…` when not named.
    pub fn display(&self) -> String {
        self.parts()
            .iter()
            .map(|p| match p {
                Part::Lit(s) => s.clone(),
                Part::Named { name, .. } => format!("${{{name}}}"),
                Part::Hole => "…".to_string(),
            })
            .collect()
    }

    /// The known literal prefix (before the first hole).
    pub fn known_prefix(&self) -> &str {
        match self.parts().first() {
            Some(Part::Lit(s)) => s,
            _ => "",
        }
    }
}

/// Appends `scope` as `{scope:?}` writes it.
fn push_debug(out: &mut String, scope: Option<&str>) {
    match scope {
        None => out.push_str("None"),
        Some(s) => {
            out.push_str("Some(");
            push_quoted(out, s);
            out.push(')');
        }
    }
}

/// Appends `s` as `{s:?}` writes it (quoted, escaped), without the formatting machinery when it
/// needs no escape (printable ASCII without a double quote or a backslash).
pub fn push_quoted(out: &mut String, s: &str) {
    if s.bytes()
        .all(|b| (b' '..=b'~').contains(&b) && b != b'"' && b != b'\\')
    {
        out.reserve(s.len() + 2);
        out.push('"');
        out.push_str(s);
        out.push('"');
    } else {
        use std::fmt::Write;
        let _ = write!(out, "{s:?}");
    }
}

/// Convenience accessors for string fields.
impl Val<Text> {
    /// The identity of a known or partly known string (see [`Text::identity`]), or of an unknown
    /// value known to be the same as others ([`UnknownHint::Same`]).
    pub fn identity(&self) -> Option<Cow<'_, str>> {
        match self {
            Val::Known(s) => s.value.identity(),
            Val::Unknown {
                hint: Some(UnknownHint::Same { key }),
                ..
            } => Some(Cow::Owned(["\u{0}", key.as_str()].concat())),
            // The session's issuer and the caller are one principal only when it runs as a user.
            Val::Unknown {
                hint:
                    Some(UnknownHint::Deployer {
                        unit,
                        caller_identity,
                    }),
                ..
            } => Some(Cow::Owned(format!(
                "\u{0}deployer\u{0}{unit:?}\u{0}{}",
                caller_identity.is_some()
            ))),
            _ => None,
        }
    }

    /// The fully known string and its spanned value.
    pub fn str(&self) -> Option<(&str, &Spanned<Text>)> {
        let s = self.get()?;
        Some((s.value.as_str()?, s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A text of merged parts is the text `from_parts` makes of them: none, one, several.
    #[test]
    fn merged_parts_make_the_text_from_parts_makes() {
        let named = || Part::Named {
            name: "AWS::AccountId".into(),
            scope: None,
        };
        let lists = [
            vec![],
            vec![Part::Lit("a".into())],
            vec![Part::Hole],
            vec![Part::Lit("arn:".into()), named(), Part::Lit(":x".into())],
            vec![named(), Part::Hole, named()],
        ];
        for parts in lists {
            let merged = Text::from_merged(parts.clone());
            assert_eq!(merged, Text::from_parts(parts.clone()));
            assert_eq!(merged.parts(), parts.as_slice());
            assert_eq!(merged.as_str(), Text::from_parts(parts).as_str());
        }
    }

    proptest! {
        /// The scope is written as `{:?}` writes it, escapes and all.
        #[test]
        fn a_scope_is_written_as_debug_writes_it(scope in proptest::option::of(".{0,12}|[ -~]{0,12}")) {
            let scope: Option<Arc<str>> = scope.map(Arc::from);
            let mut out = String::new();
            push_debug(&mut out, scope.as_deref());
            prop_assert_eq!(out, format!("{scope:?}"));
        }

        #[test]
        fn a_string_is_quoted_as_debug_quotes_it(s in ".{0,12}|[ -~]{0,12}") {
            let mut out = String::from("x");
            push_quoted(&mut out, &s);
            prop_assert_eq!(out, format!("x{s:?}"));
        }
    }

    #[test]
    fn split_known_marks_segments_touching_holes() {
        let t = Text::from_parts([
            Part::Lit("arn:".into()),
            Part::Hole,
            Part::Lit(":iam::".into()),
            Part::Hole,
            Part::Lit(":role/aws-service-role/x".into()),
        ]);
        assert_eq!(
            t.split_known(b':'),
            vec![
                Some(Cow::Borrowed("arn")),
                None,
                Some(Cow::Borrowed("iam")),
                Some(Cow::Borrowed("")),
                None,
                Some(Cow::Borrowed("role/aws-service-role/x")),
            ]
        );
        assert_eq!(t.as_str(), None);
        assert_eq!(Text::lit("a").as_str(), Some("a"));
        assert_eq!(
            Text::from_parts([Part::Lit("a".into()), Part::Lit("b".into())]).as_str(),
            Some("ab")
        );
    }
}
