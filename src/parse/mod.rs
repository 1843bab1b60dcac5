//! Parsers: detect each file's format and read it into the IR.

pub mod tree;
