//! Terraform: parse the `.tf` and `.tf.json` files of each module directory, evaluate what can
//! be known the way Terraform would (variables, `.tfvars`, locals, `for_each`/`count`,
//! functions, local modules), and lower the EKS resources of each module instance to the IR.

mod config_map;
#[cfg(test)]
mod config_map_tests;
mod eval;
mod functions;
mod instances;
mod json;
mod lower;
mod module;
mod modules;
mod operators;
mod project;
mod registry;
mod syntax;
#[cfg(test)]
mod tests;
mod value;
mod variables;

pub use project::{Outcome, TerraformInputs, lint};
