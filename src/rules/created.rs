//! EKS112: an access entry that EKS creates itself, for a capability's role or for the identity
//! that creates a cluster with bootstrap cluster creator admin permissions.

use super::{Context, EKS112, on_present};
use crate::diagnostic::Diagnostic;
use crate::ir::{Related, UnknownHint, Val};

pub(super) fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for (i, entry) in cx.entries() {
        let Some(key) = cx.entry_key(i) else {
            continue;
        };
        if let Some(principal) = cx.entry_identity(i)
            && let Some(capability) = cx.capability_for(key, principal)
        {
            let message = "EKS creates the access entry of this capability's IAM role itself, so creating it again fails with ResourceInUseException".to_string();
            out.extend(on_present(EKS112, &entry.principal, message).map(|d| {
                d.with_related([Related {
                    span: capability.role.span().unwrap_or(capability.header),
                    message: "the capability whose role this is".into(),
                }])
                .with_help(
                    "remove this entry; associate more access policies with the entry EKS creates",
                )
            }));
            continue;
        }
        let Val::Unknown {
            span,
            hint: Some(UnknownHint::Deployer { unit, .. }),
        } = &entry.principal
        else {
            continue;
        };
        let Some(cluster) = cx.entry_cluster(i).filter(|c| c.unit == *unit) else {
            continue;
        };
        let bootstrap = match &cluster.bootstrap_admin {
            Val::Absent => Related {
                span: cluster.access_config.unwrap_or(cluster.header),
                message: "bootstrap cluster creator admin permissions are not set, so they are on"
                    .into(),
            },
            Val::Known(b) if b.value => Related {
                span: b.span,
                message: "bootstrap cluster creator admin permissions are on".into(),
            },
            _ => continue,
        };
        out.push(
            Diagnostic::new(
                EKS112,
                *span,
                "this is the identity that creates the cluster, whose access entry EKS creates itself (bootstrap cluster creator admin permissions), so creating it again fails with ResourceInUseException".into(),
            )
            .with_related([bootstrap])
            .with_help("remove this entry, or set bootstrap cluster creator admin permissions to false and keep it"),
        );
    }
}
