//! The parser's input, with its nesting state (a module of each copy of the parser: see
//! `quiet` in `mod.rs`).

use super::nesting::NestingState;

pub(super) type Input<'a> =
    winnow::stream::Stateful<winnow::stream::LocatingSlice<&'a str>, NestingState>;

/// Creates a new parser input from `s`.
pub(super) fn new_input(s: &str) -> Input<'_> {
    Input {
        input: winnow::stream::LocatingSlice::new(s),
        state: NestingState::for_input(s),
    }
}
