//! EKS005 module-not-evaluated: access inputs passed to a module that was not evaluated.

use super::{Context, EKS005};
use crate::diagnostic::{Diagnostic, shown};

pub(super) fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for m in &cx.model.unevaluated {
        let inputs: Vec<String> = m.inputs.iter().map(|i| format!("`{}`", shown(i))).collect();
        let mut help = String::new();
        if let Some(reason) = &m.reason {
            help.push_str(reason);
            help.push_str("; ");
        }
        help.push_str(
            "run `terraform init -backend=false` in the root module so that the module is \
             downloaded under `.terraform/modules`, then lint again",
        );
        out.push(
            Diagnostic::new(
                EKS005,
                m.source.span,
                format!(
                    "module `{}` is not evaluated: the access it grants through {} is not checked",
                    shown(&m.source.value),
                    inputs.join(", ")
                ),
            )
            .with_help(help),
        );
    }
}
