//! An HCL parser which keeps track of whitespace, comments and span information.

mod error;
mod expr;
mod nesting;
mod number;
mod pratt;
mod repr;
mod state;
mod string;
mod structure;
mod template;
mod trivia;

pub use self::error::{Error, Location};
use self::expr::root_expr;
use self::structure::body;
use self::template::template;
use crate::expr::Expression;
use crate::structure::Body;
use crate::template::Template;

mod input;

mod prelude {
    pub(super) use super::input::{new_input, Input};
    pub(super) use winnow::error::{ContextError, StrContext, StrContextValue};
    pub(super) use winnow::stream::Stream;
    pub(super) use winnow::{dispatch, ModalParser, ModalResult, Parser};
}

use self::prelude::*;

/// The same parser compiled again with winnow's `EmptyError`, which records nothing, in place of
/// `ContextError`: it accepts and builds exactly what the parser above does (an error's kind,
/// backtrack or cut, steers both alike; only what an error says differs), without making, moving
/// and dropping an error with its context at every alternative that does not match. A body it
/// refuses is parsed again by the parser above for the error's message.
#[path = "."]
mod quiet {
    mod prelude {
        pub(super) use super::input::{new_input, Input};
        pub(super) use winnow::error::{StrContext, StrContextValue};
        pub(super) use winnow::stream::Stream;
        pub(super) use winnow::{dispatch, ModalParser, Parser};

        /// The error of this copy of the parser, under the name its modules use.
        pub(super) type ContextError = winnow::error::EmptyError;
        pub(super) type ModalResult<O, E = ContextError> = winnow::ModalResult<O, E>;
    }

    // Shared with the parser above: they make no errors.
    use super::{pratt, state};

    #[path = "expr.rs"]
    mod expr;
    #[path = "input.rs"]
    mod input;
    #[path = "nesting.rs"]
    mod nesting;
    #[path = "number.rs"]
    mod number;
    #[path = "repr.rs"]
    mod repr;
    #[path = "string.rs"]
    mod string;
    #[path = "structure.rs"]
    mod structure;
    #[path = "template.rs"]
    mod template;
    #[path = "trivia.rs"]
    mod trivia;

    use self::prelude::*;

    /// The body of `input`, as `parse_body_spanned` parses it; `None` where it refuses it.
    pub(super) fn parse_body(input: &str) -> Option<crate::structure::Body> {
        structure::body.parse(new_input(input)).ok()
    }
}

/// Parse an input into a [`Body`].
///
/// # Errors
///
/// Returns an error if the input does not resemble a valid HCL body.
pub fn parse_body(input: &str) -> Result<Body, Error> {
    let mut body = parse_complete(input, body)?;
    body.despan(input);
    Ok(body)
}

/// Parse an input into a [`Body`] whose whitespace and comments (the decor and trailing text of
/// its parts) stay ranges of `input` instead of being copied out of it, for a reader that uses
/// their spans and never their text: read through the body, each is empty, and the body encodes
/// with the default decor. The quiet copy of the parser (see `quiet`) parses it first; the
/// parser that records errors runs only for the error of an input the quiet copy refuses.
///
/// # Errors
///
/// Returns an error if the input does not resemble a valid HCL body.
pub fn parse_body_spanned(input: &str) -> Result<Body, Error> {
    match quiet::parse_body(input) {
        Some(body) => Ok(body),
        None => parse_complete(input, body),
    }
}

/// The two parsers behind [`parse_body_spanned`], apart, for tests that they agree.
#[doc(hidden)]
pub mod differential {
    use super::*;

    /// The body as the parser that records errors with their context parses it.
    pub fn full(input: &str) -> Result<Body, Error> {
        parse_complete(input, body)
    }

    /// The body as the parser that records nothing of an error parses it; `None` where it
    /// refuses it.
    pub fn quiet(input: &str) -> Option<Body> {
        super::quiet::parse_body(input)
    }
}

/// Parse an input into an [`Expression`].
///
/// # Errors
///
/// Returns an error if the input does not resemble a valid HCL expression.
pub fn parse_expr(input: &str) -> Result<Expression, Error> {
    let mut expr = parse_complete(input, root_expr)?;
    expr.despan(input);
    Ok(expr)
}

/// Parse an input into a [`Template`].
///
/// # Errors
///
/// Returns an error if the input does not resemble a valid HCL template.
pub fn parse_template(input: &str) -> Result<Template, Error> {
    let mut template = parse_complete(input, template)?;
    template.despan(input);
    Ok(template)
}

fn parse_complete<'a, P, O>(input: &'a str, mut parser: P) -> Result<O, Error>
where
    P: ModalParser<Input<'a>, O, ContextError>,
{
    let input = new_input(input);

    parser
        .parse(input)
        .map_err(|err| Error::from_parse_error(&err))
}
