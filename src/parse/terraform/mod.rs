//! Terraform: parse the `.tf` and `.tf.json` files of each module directory, evaluate what can
//! be known the way Terraform would (variables, `.tfvars`, locals, `for_each`/`count`,
//! functions, local modules), and lower the EKS resources of each module instance to the IR.

mod config_map;
#[cfg(test)]
mod config_map_tests;
mod eval;
mod fields;
mod functions;
mod iam;
mod instances;
mod json;
mod lower;
mod module;
mod modules;
mod operators;
#[cfg(test)]
mod parser_tests;
#[cfg(test)]
mod parts_tests;
mod project;
mod refusals;
mod registry;
mod syntax;
mod syntax_cache;
#[cfg(test)]
mod tests;
mod value;
mod variables;

pub use project::{Prepared, Root, TerraformInputs, prepare};
pub use syntax_cache::SyntaxCache;

/// The syntax error of a Terraform file (`.tf`, `.tf.json`, `.tfvars`, `.tfvars.json`), if any.
pub fn syntax_error(name: &str, text: &str) -> Option<String> {
    let id = crate::source::FileId(0);
    let parsed = if name.ends_with(".tfvars.json") {
        json::parse_values(id, text)
    } else {
        module::parse_file(module::SourceText {
            id,
            text,
            json: name.ends_with(".json"),
        })
    };
    parsed.err().map(|e| e.message)
}
