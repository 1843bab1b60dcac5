//! Terraform: parse a module's `.tf` files, evaluate what can be known, lower to the IR.

mod eval;
mod lower;
mod module;
mod value;

use crate::ir::Model;
use crate::parse::ParseError;
use crate::source::FileId;

/// Reads the `.tf` files of one module directory into the IR. `unit` names the module uniquely
/// in the run (references and ordering are scoped by it).
pub fn parse_module(unit: String, files: &[(FileId, &str)]) -> (Model, Vec<ParseError>) {
    let (module, errors) = module::Module::parse(unit, files);
    let mut model = lower::lower(&module);
    for &(id, text) in files {
        let scopes: Vec<_> = module.block_spans(id);
        model
            .suppressions
            .extend(crate::parse::comments::suppressions(id, text, &scopes));
    }
    (model, errors)
}
