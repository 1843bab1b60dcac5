//! EKS121-EKS126: the Kubernetes username and groups of an entry.

use super::arn::PrincipalKind;
use super::{
    Context, EKS121, EKS122, EKS123, EKS124, EKS125, EKS126, RESTRICTED_NODE_TYPES, on_value,
    placeholders, remove_item,
};
use crate::diagnostic::{Diagnostic, quote, shown};
use crate::ir::{Related, Val};
use crate::source::Span;
use foldhash::{HashMap, HashMapExt};

const RESERVED_PREFIXES: [&str; 5] = ["system:", "eks:", "aws:", "amazon:", "iam:"];
/// The session placeholders access entry usernames may hold: the session name, and the same
/// without `@` replaced by `-` (set-custom-username in the EKS User Guide).
const SESSION_NAMES: [&str; 2] = ["{{SessionName}}", "{{SessionNameRaw}}"];

/// The text before the first session placeholder, when there is one.
fn before_session_name(s: &str) -> Option<&str> {
    // Most names have no placeholder: one byte search, not a substring search per placeholder.
    memchr::memchr(b'{', s.as_bytes())?;
    SESSION_NAMES
        .iter()
        .filter_map(|p| s.find(p))
        .min()
        .map(|i| &s[..i])
}

pub(super) fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for (i, entry) in cx.entries() {
        // A node type with a username or groups is EKS108; don't pile more findings on them.
        if let Some((ty, _)) = entry.entry_type.str()
            && RESTRICTED_NODE_TYPES.contains(&ty)
        {
            continue;
        }
        if let Val::Known(u) = &entry.username {
            let prefix = u.value.known_prefix();
            if let Some(p) = RESERVED_PREFIXES.iter().find(|p| prefix.starts_with(*p)) {
                out.push(on_value(
                    EKS121,
                    u,
                    format!("the username cannot start with the reserved prefix `{p}`"),
                ));
            }
            if let Some(before) = before_session_name(prefix)
                && !before.contains(':')
            {
                out.push(
                    on_value(
                        EKS122,
                        u,
                        "a username with {{SessionName}} or {{SessionNameRaw}} needs a `:` before the placeholder".into(),
                    )
                    .with_help(format!(
                        "for example {}",
                        quote(&format!("user:{}", &prefix[before.len()..]))
                    )),
                );
            }
            let mut others: Vec<&str> = placeholders(&u.value)
                .filter(|p| !SESSION_NAMES.contains(p))
                .collect();
            others.dedup();
            if let Some(first) = others.first() {
                out.push(
                    on_value(
                        EKS123,
                        u,
                        format!(
                            "the username template {} is not supported by access entries",
                            shown(first)
                        ),
                    )
                    .with_help("only {{SessionName}} and {{SessionNameRaw}} are substituted in access entry usernames"),
                );
            }
            let role = cx
                .entry_arn(i)
                .is_some_and(|p| p.principal_kind() == Some(PrincipalKind::Role));
            if role && !u.value.has_holes() && before_session_name(prefix).is_none() {
                out.push(
                    on_value(
                        EKS124,
                        u,
                        "every session of this role gets the same Kubernetes username".into(),
                    )
                    .with_help(
                        "add {{SessionName}} or {{SessionNameRaw}} (after a `:`) so that audit logs tell sessions apart",
                    ),
                );
            }
        }
        if let Val::Known(groups) = &entry.groups {
            // Each group's first occurrence, by name.
            let mut seen: HashMap<&str, Span> = HashMap::new();
            for g in groups.value.iter().filter_map(Val::get) {
                let prefix = g.value.known_prefix();
                if prefix.starts_with("system:") {
                    let help = match g.value.as_str() {
                        Some("system:masters") => {
                            "associate the access policy AmazonEKSClusterAdminPolicy instead"
                        }
                        Some("system:nodes" | "system:bootstrappers") => {
                            "for nodes, use an entry of a node type (EC2_LINUX, EC2_WINDOWS, FARGATE_LINUX, HYBRID_LINUX) instead"
                        }
                        _ => "use a group name of your own, bound with RBAC",
                    };
                    out.push(
                        on_value(
                            EKS125,
                            g,
                            format!(
                                "the Kubernetes group {} starts with `system:`, which EKS rejects",
                                quote(prefix)
                            ),
                        )
                        .with_help(help),
                    );
                }
                let Some(name) = g.value.as_str() else {
                    continue;
                };
                if let Some(first) = seen.get(name) {
                    out.push(
                        on_value(
                            EKS126,
                            g,
                            format!("the group {} is listed twice", quote(name)),
                        )
                        .with_related([Related {
                            span: *first,
                            message: "first listed here".into(),
                        }])
                        .with_fix(remove_item(
                            EKS126,
                            g,
                            "Remove the repeated group",
                        )),
                    );
                } else {
                    seen.insert(name, g.span);
                }
            }
        }
    }
}
