//! EKS004 invalid-terraform: what Terraform refuses before it calls the API.

use super::{Context, EKS004};
use crate::diagnostic::{Diagnostic, quote, shown};
use crate::ir::{Refusal, RefusalKind, Related};

pub(super) fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    out.extend(cx.model.refusals.iter().map(refusal));
}

fn refusal(r: &Refusal) -> Diagnostic {
    let (message, help) = match &r.kind {
        RefusalKind::EachWithoutForEach => (
            "`each` is only defined in a block with `for_each`".to_string(),
            "add `for_each` to the block, or write the value itself".to_string(),
        ),
        RefusalKind::CountWithoutCount => (
            "`count` is only defined in a block with `count`".to_string(),
            "add `count` to the block, or write the value itself".to_string(),
        ),
        RefusalKind::BlockAsArgument { block } => (
            format!(
                "`{}` is a block, but it is written as an argument (`{} = ...`)",
                shown(block),
                shown(block)
            ),
            format!("remove the `=`: `{} {{ ... }}`", shown(block)),
        ),
        RefusalKind::TooManyBlocks {
            block,
            max,
            generated: None,
        } => (
            format!(
                "another `{}` block: at most {max} is allowed",
                shown(block)
            ),
            format!("merge the `{}` blocks into one", shown(block)),
        ),
        RefusalKind::TooManyBlocks {
            block,
            max,
            generated: Some(n),
        } => (
            format!(
                "this `dynamic` block generates {n} `{}` blocks, one per item of its `for_each`; at most {max} is allowed",
                shown(block)
            ),
            format!(
                "iterate over a list of one object (`for_each = [var.scope]`), not over the object itself; or write one `{}` block",
                shown(block)
            ),
        ),
        RefusalKind::DuplicateAddress { address } => (
            format!("`{}` is declared twice in this module", shown(address)),
            "rename one of the two; names must be unique per type in a module".to_string(),
        ),
        RefusalKind::MissingModule { source } => (
            format!("the module source {} names no directory", quote(source)),
            "fix the path: `terraform init` cannot read the module, and what it grants is not checked".to_string(),
        ),
    };
    let d = Diagnostic::new(EKS004, r.span, message).with_help(help);
    match r.related {
        Some(span) => d.with_related([Related {
            span,
            message: "first declared here".into(),
        }]),
        None => d,
    }
}
