//! EKS006 dynamic-iterator-as-value: a `dynamic` block's content that reads its iterator object.

use super::{Context, EKS006};
use crate::diagnostic::{Diagnostic, shown};

pub(super) fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for read in &cx.model.iterator_reads {
        let it = shown(&read.iterator);
        out.push(
            Diagnostic::new(
                EKS006,
                read.span,
                format!(
                    "`{it}` is the iterator object (with `key` and `value`), not the current `{}` item: a lookup in it always gives its default",
                    shown(&read.block)
                ),
            )
            .with_help(format!("read the item through `{it}.value` (`{it}.value.type`)")),
        );
    }
}
