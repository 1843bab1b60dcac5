//! EKS301-EKS304 and EKS407: the cluster's authentication mode.

use super::{Context, EKS301, EKS302, EKS303, EKS304, EKS407, effective_mode, on_value, rewrite};
use crate::diagnostic::{Diagnostic, quote};
use crate::ir::{AuthMode, Related, Val};

pub(super) fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for cluster in &cx.model.clusters {
        if let Some((mode, v)) = cluster.auth_mode.str()
            && AuthMode::parse(mode).is_none()
        {
            let d = on_value(
                EKS301,
                v,
                format!("{} is not an authentication mode", quote(mode)),
            );
            let upper = mode.trim().to_ascii_uppercase().replace([' ', '-'], "_");
            out.push(match AuthMode::parse(&upper) {
                Some(m) => d
                    .with_help(format!("did you mean \"{}\"?", m.as_str()))
                    .with_fix(rewrite(EKS301, v, m.as_str())),
                None => d.with_help("use \"API\", \"API_AND_CONFIG_MAP\" or \"CONFIG_MAP\""),
            });
        }
        let Some((mode, _)) = effective_mode(cluster) else {
            continue;
        };
        if mode == AuthMode::ConfigMap {
            if let Val::Known(b) = &cluster.bootstrap_admin
                && !b.value
            {
                out.push(
                        on_value(EKS303, b, "a CONFIG_MAP cluster requires bootstrap cluster creator admin permissions".into())
                            .with_help("set the mode to API_AND_CONFIG_MAP or API, or leave the bootstrap permissions on"),
                    );
            }
            let auto = cluster.auto_mode.get().filter(|a| a.value);
            if let Some(a) = auto {
                out.push(
                    on_value(
                        EKS304,
                        a,
                        "EKS Auto Mode needs the API or API_AND_CONFIG_MAP authentication mode"
                            .into(),
                    )
                    .with_related(mode_related(cluster)),
                );
            }
            if let Some(span) = cluster.remote_network {
                out.push(
                    Diagnostic::new(
                        EKS304,
                        span,
                        "hybrid nodes need the API or API_AND_CONFIG_MAP authentication mode"
                            .into(),
                    )
                    .with_related(mode_related(cluster)),
                );
            }
        } else {
            let bootstrap = match &cluster.bootstrap_admin {
                Val::Absent => Some((cluster.access_config.unwrap_or(cluster.header), Vec::new())),
                Val::Known(b) if b.value => Some((b.span, b.origin.clone())),
                _ => None,
            };
            if let Some((span, origin)) = bootstrap {
                out.push(
                    Diagnostic::new(EKS407, span, "the cluster creator keeps cluster-admin permissions (the default is true)".into())
                        .with_origin(&origin)
                        .with_help("set bootstrap cluster creator admin permissions to false and grant admins through access entries"),
                );
            }
        }
    }
    for (i, entry) in cx.entries() {
        let Some(cluster) = cx.entry_cluster(i) else {
            continue;
        };
        if effective_mode(cluster).is_some_and(|(m, _)| m == AuthMode::ConfigMap) {
            out.push(
                Diagnostic::new(EKS302, entry.header, "access entries need the cluster's authentication mode to be API or API_AND_CONFIG_MAP, but it is CONFIG_MAP".into())
                    .with_related(mode_related(cluster))
                    .with_help("set the cluster's authentication mode to API_AND_CONFIG_MAP (then API)"),
            );
        }
    }
}

/// The cluster's mode as a secondary location: the written value, or the cluster's header.
pub(super) fn mode_related(cluster: &crate::ir::Cluster) -> Vec<Related> {
    match &cluster.auth_mode {
        Val::Known(m) => {
            let mut r = vec![Related {
                span: m.span,
                message: "the authentication mode is set here".into(),
            }];
            r.extend(m.origin.iter().cloned());
            r
        }
        _ => vec![Related {
            span: cluster.header,
            message: format!(
                "the authentication mode is not set, so it is {}",
                cluster.default_auth_mode.as_str()
            )
            .into(),
        }],
    }
}
