//! EKS501-EKS506: the aws-auth ConfigMap's mappings, alone and against the cluster's mode and
//! access entries.

use super::arn::{ArnParts, PrincipalKind, principal_arn_problem};
use super::auth::mode_related;
use super::{
    Context, EKS501, EKS502, EKS503, EKS504, EKS505, EKS506, effective_mode, on_value, placeholders,
};
use crate::diagnostic::{Diagnostic, quote, shown};
use crate::ir::{
    AccessEntry, AuthMode, ClusterKey, ConfigMapMapping, MappingDefect, MappingKind, Related, Text,
    Unit, Val,
};
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use std::borrow::Cow;

/// Username placeholders the authenticator substitutes.
const PLACEHOLDERS: [&str; 5] = [
    "{{AccountID}}",
    "{{SessionName}}",
    "{{SessionNameRaw}}",
    "{{AccessKeyID}}",
    "{{EC2PrivateDNSName}}",
];

/// The entry types of node roles (Auto Mode's `EC2` included).
const NODE_TYPES: [&str; 3] = ["EC2_LINUX", "EC2_WINDOWS", "EC2"];

pub(super) fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    // Built when a mapping needs it: a model without aws-auth mappings does not index its
    // entries again.
    let principals = std::cell::LazyCell::new(|| Principals::new(cx));
    for (i, m) in cx.mappings() {
        let dropped = invalid(m, out);
        if dropped {
            continue;
        }
        let path = with_path(m, out);
        system_masters(m, out);
        let Some(key) = cx.mapping_key(i) else {
            continue;
        };
        let Some(cluster) = cx.cluster(key) else {
            continue;
        };
        let Some((mode, _)) = effective_mode(cluster) else {
            continue;
        };
        match mode {
            AuthMode::Api => {
                let migration = if is_node_role(m) && !path {
                    migrated(&principals, key, m)
                } else {
                    None
                };
                if migration == Some(false) {
                    out.push(
                        at_mapping(
                            EKS504,
                            m,
                            "this node role is mapped in aws-auth, which EKS ignores in API mode, and has no EC2_LINUX or EC2_WINDOWS access entry: its nodes can no longer join the cluster".into(),
                        )
                        .with_related(mode_related(cluster))
                        .with_help("create an access entry of type EC2_LINUX (EC2_WINDOWS for Windows nodes) for the role, then remove the mapping"),
                    );
                } else {
                    out.push(
                        at_mapping(
                            EKS501,
                            m,
                            "the cluster's authentication mode is API, so EKS ignores the aws-auth ConfigMap and this mapping does nothing".into(),
                        )
                        .with_related(mode_related(cluster))
                        .with_help("grant the access with an access entry, and remove the mapping"),
                    );
                }
            }
            AuthMode::ApiAndConfigMap if !path => {
                let Some(arn) = canonical(&m.arn) else {
                    continue;
                };
                if let Some(entry) = principals.entries(key, &arn).map(|p| p.first) {
                    out.push(
                        at_mapping(
                            EKS502,
                            m,
                            "this principal also has an access entry in the cluster, which takes precedence: the mapping is dead configuration".into(),
                        )
                        .with_related([Related {
                            span: entry.principal.span().unwrap_or(entry.header),
                            message: "the access entry for this principal".into(),
                        }])
                        .with_help("remove the mapping once the access entry grants what it granted"),
                    );
                }
            }
            _ => {}
        }
    }
}

/// A finding on a mapping as a whole: at the item, with its origin.
fn at_mapping(rule: &'static super::RuleMeta, m: &ConfigMapMapping, message: String) -> Diagnostic {
    Diagnostic::new(rule, m.span, message).with_related(m.origin.iter().cloned())
}

/// The data key a mapping comes from, for messages.
fn list(kind: MappingKind) -> &'static str {
    match kind {
        MappingKind::User => "mapUsers",
        MappingKind::Account => "mapAccounts",
        MappingKind::Role | MappingKind::Service => "mapRoles",
    }
}

/// EKS506, when the authenticator drops the mapping, it can never match, or its username keeps
/// a placeholder as written; true when the mapping grants nothing.
fn invalid(m: &ConfigMapMapping, out: &mut Vec<Diagnostic>) -> bool {
    let help =
        "the authenticator drops this mapping; fix it, or better, replace it with an access entry";
    match &m.defect {
        Some(MappingDefect::NotAList(why)) => {
            out.push(
                at_mapping(
                    EKS506,
                    m,
                    format!("`{}` is dropped as a whole: {why}", list(m.kind)),
                )
                .with_help("write a YAML list of mappings"),
            );
            return true;
        }
        Some(MappingDefect::NotAMapping) => {
            out.push(
                at_mapping(
                    EKS506,
                    m,
                    format!(
                        "this `{}` item is not a mapping of keys to values",
                        list(m.kind)
                    ),
                )
                .with_help(help),
            );
            return true;
        }
        None => {}
    }
    if !matches!(m.kind, MappingKind::Role | MappingKind::User) {
        return false;
    }
    let expected = if m.kind == MappingKind::User {
        "IAM user ARN (`userarn`)"
    } else {
        "IAM role ARN (`rolearn`)"
    };
    match (&m.arn, m.sso) {
        (Val::Absent, None) => {
            out.push(
                at_mapping(EKS506, m, format!("this mapping names no {expected}")).with_help(help),
            );
            return true;
        }
        (Val::Known(arn), Some(_)) => {
            out.push(
                on_value(
                    EKS506,
                    arn,
                    "this mapping has both a role ARN and an `sso` matcher; only one may be given"
                        .into(),
                )
                .with_help(help),
            );
            return true;
        }
        (Val::Known(arn), None) => {
            if let Some(problem) = arn_problem(&arn.value, m.kind) {
                out.push(on_value(EKS506, arn, problem).with_help(help));
                return true;
            }
        }
        _ => {}
    }
    if let Val::Known(u) = &m.username
        && let Some(p) = placeholders(&u.value).find(|p| !PLACEHOLDERS.contains(p))
    {
        out.push(
            on_value(
                EKS506,
                u,
                format!(
                    "the username placeholder {} is not one the authenticator substitutes, so the username keeps it as written",
                    shown(p)
                ),
            )
            .with_help(format!("the authenticator substitutes {}", PLACEHOLDERS.join(", "))),
        );
    }
    // Such a username is kept as written: the mapping still applies.
    false
}

/// Why a mapping's ARN can never match: not an IAM principal ARN, or one of the other kind.
fn arn_problem(arn: &Text, kind: MappingKind) -> Option<String> {
    let want = if kind == MappingKind::User {
        PrincipalKind::User
    } else {
        PrincipalKind::Role
    };
    let parts = ArnParts::new(arn);
    let found = parts.principal_kind().map(|k| match k {
        PrincipalKind::ServiceLinkedRole => PrincipalKind::Role,
        k => k,
    });
    if let Some(s) = arn.as_str()
        && let Some(problem) = principal_arn_problem(s)
    {
        return Some(format!(
            "{} is not an IAM role or user ARN: {problem}",
            quote(s)
        ));
    }
    match found {
        Some(k) if k != want => Some(format!(
            "{} is not an IAM {} ARN, so this `{}` item never matches",
            quote(&arn.display()),
            if want == PrincipalKind::User {
                "user"
            } else {
                "role"
            },
            list(kind)
        )),
        _ => None,
    }
}

/// EKS503 for a role ARN with a path; true when it has one.
fn with_path(m: &ConfigMapMapping, out: &mut Vec<Diagnostic>) -> bool {
    if m.kind != MappingKind::Role {
        return false;
    }
    let Val::Known(arn) = &m.arn else {
        return false;
    };
    let parts = ArnParts::new(&arn.value);
    let Some(name) = parts
        .resource()
        .and_then(|r| r.strip_prefix("role/"))
        .filter(|r| r.contains('/'))
    else {
        return false;
    };
    let short = name.rsplit('/').next().unwrap_or(name);
    let help = match (parts.field(1), parts.account()) {
        (Some(partition), Some(account)) => format!(
            "map {}, the ARN without the path",
            quote(&format!("arn:{partition}:iam::{account}:role/{short}"))
        ),
        _ => format!(
            "map the role ARN without its path (`role/{}`)",
            shown(short)
        ),
    };
    out.push(
        on_value(
            EKS503,
            arn,
            "the role ARN has a path, but the ConfigMap matches role ARNs without their path, so this mapping never applies".into(),
        )
        .with_help(help),
    );
    true
}

/// EKS505 for each `system:masters` group.
fn system_masters(m: &ConfigMapMapping, out: &mut Vec<Diagnostic>) {
    let Val::Known(groups) = &m.groups else {
        return;
    };
    for g in groups.value.iter().filter_map(Val::get) {
        if g.value.as_str() == Some("system:masters") {
            out.push(
                on_value(
                    EKS505,
                    g,
                    "`system:masters` grants cluster-admin that no access policy records and that cannot be revoked through the EKS API".into(),
                )
                .with_help("grant it with an access entry and the AmazonEKSClusterAdminPolicy access policy instead (or a narrower policy)"),
            );
        }
    }
}

/// A role mapped to `system:nodes`.
fn is_node_role(m: &ConfigMapMapping) -> bool {
    m.kind == MappingKind::Role
        && matches!(&m.groups, Val::Known(g)
            if g.value.iter().any(|g| g.str().is_some_and(|(s, _)| s == "system:nodes")))
}

/// The access entries and node roles of each cluster by principal, as the ConfigMap compares
/// principals, indexed once for every mapping.
struct Principals<'a> {
    entries: HashMap<(&'a ClusterKey, Cow<'a, str>), Principal<'a>>,
    /// The clusters with an entry whose principal is not known (it may be any).
    unknown: HashSet<&'a ClusterKey>,
    /// The node roles bound to each cluster.
    node_roles: HashMap<&'a ClusterKey, NodeRoles<'a>>,
    /// The node roles of each unit whose cluster is not one defined: one of them may be any
    /// cluster's of the unit.
    unit_node_roles: HashMap<&'a Unit, NodeRoles<'a>>,
}

/// The entries of one cluster for one principal.
struct Principal<'a> {
    first: &'a AccessEntry,
    /// What the first of them with a node type or an unknown type tells (see [`migrated`]).
    migrated: Option<Option<bool>>,
}

/// Node roles (managed node groups, Fargate profiles): the first, in model order, of each
/// role, and the first whose role is not known.
#[derive(Default)]
struct NodeRoles<'a> {
    first: HashMap<Cow<'a, str>, usize>,
    unknown: Option<usize>,
}

impl<'a> NodeRoles<'a> {
    fn add(&mut self, index: usize, role: Option<Cow<'a, str>>) {
        match role {
            Some(role) => {
                self.first.entry(role).or_insert(index);
            }
            None => {
                self.unknown.get_or_insert(index);
            }
        }
    }
}

impl<'a> Principals<'a> {
    fn new(cx: &'a Context) -> Principals<'a> {
        let mut entries: HashMap<_, Principal> = HashMap::new();
        let mut unknown = HashSet::new();
        for (i, e) in cx.all_entries() {
            let Some(key) = cx.entry_key(i) else {
                continue;
            };
            let Some(p) = canonical(&e.principal) else {
                unknown.insert(key);
                continue;
            };
            let principal = entries.entry((key, p)).or_insert(Principal {
                first: e,
                migrated: None,
            });
            if principal.migrated.is_none() {
                principal.migrated = match cx.entry_type(e) {
                    Some(t) if NODE_TYPES.contains(&t) => Some(Some(true)),
                    None if matches!(e.entry_type, Val::Unknown { .. }) => Some(None),
                    _ => None,
                };
            }
        }
        let mut node_roles: HashMap<_, NodeRoles> = HashMap::new();
        let mut unit_node_roles: HashMap<_, NodeRoles> = HashMap::new();
        for (i, n) in cx.model.node_roles.iter().enumerate() {
            let key = cx.node_role_key(i);
            let role = canonical(&n.role);
            if let Some(key) = key {
                node_roles.entry(key).or_default().add(i, role.clone());
            }
            if !matches!(key, Some(ClusterKey::Defined(_))) {
                unit_node_roles.entry(&n.unit).or_default().add(i, role);
            }
        }
        Principals {
            entries,
            unknown,
            node_roles,
            unit_node_roles,
        }
    }

    /// The entries of a cluster for a principal.
    fn entries(&self, key: &'a ClusterKey, principal: &'a str) -> Option<&Principal<'a>> {
        self.entries.get(&(key, Cow::Borrowed(principal)))
    }
}

/// Whether the node role of a mapping still has access in API mode: an entry of a node type for
/// it, or a managed node group or Fargate profile using it (EKS creates their entries). `None`
/// when that cannot be known (an unknown principal, type or role). The entries are read first,
/// then the node roles, each in model order, up to the first that tells.
fn migrated(principals: &Principals, key: &ClusterKey, m: &ConfigMapMapping) -> Option<bool> {
    let arn = canonical(&m.arn)?;
    if principals.unknown.contains(key) {
        return None;
    }
    if let Some(told) = principals.entries(key, &arn).and_then(|p| p.migrated) {
        return told;
    }
    let roles = [
        principals.node_roles.get(key),
        principals.unit_node_roles.get(&m.unit),
    ];
    let matched = roles
        .iter()
        .flatten()
        .filter_map(|r| r.first.get(&arn).copied())
        .min();
    let unknown = roles.iter().flatten().filter_map(|r| r.unknown).min();
    match (matched, unknown) {
        (Some(at), Some(unknown)) if unknown < at => None,
        (Some(_), _) => Some(true),
        (None, Some(_)) => None,
        (None, None) => Some(false),
    }
}

/// The identity of a principal as the authenticator compares it: a known role ARN without its
/// path, ignoring case; otherwise its sameness key.
fn canonical(v: &Val<Text>) -> Option<Cow<'_, str>> {
    if let Some((s, _)) = v.str()
        && let Some((head, resource)) = s.rsplit_once(':')
        && let Some(role) = resource.strip_prefix("role/")
    {
        let name = role.rsplit('/').next().unwrap_or(role);
        return Some(Cow::Owned(
            format!("{head}:role/{name}").to_ascii_lowercase(),
        ));
    }
    match v.str() {
        Some((s, _)) => Some(Cow::Owned(s.to_ascii_lowercase())),
        None => v.identity(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn principals_compare_without_path_or_case() {
        let arn = |s: &str| {
            Val::known(
                Text::lit(s),
                crate::source::Span::new(crate::source::FileId(0), 0, 0),
            )
        };
        assert_eq!(
            canonical(&arn("arn:aws:iam::111122223333:role/team/Node")),
            canonical(&arn("arn:aws:iam::111122223333:role/node"))
        );
        assert_ne!(
            canonical(&arn("arn:aws:iam::111122223333:user/node")),
            canonical(&arn("arn:aws:iam::111122223333:role/node"))
        );
        assert_eq!(canonical(&Val::<Text>::Absent), None);
    }

    #[test]
    fn placeholders_are_found_in_known_parts() {
        let t = Text::lit("a-{{SessionName}}-{{Foo}}");
        assert_eq!(
            placeholders(&t).collect::<Vec<_>>(),
            ["{{SessionName}}", "{{Foo}}"]
        );
    }

    /// Each placeholder runs from a `{{` to the first `}}` after it, as a search from each
    /// `{{` finds it (which read a long run of `{` once for each of its `{{`).
    #[test]
    fn placeholders_are_those_a_search_from_each_opening_finds() {
        fn searched(s: &str) -> Vec<&str> {
            s.match_indices("{{")
                .filter_map(|(i, _)| s[i..].find("}}").map(|end| &s[i..i + end + 2]))
                .collect()
        }
        let mut cases: Vec<String> = [
            "{{a}}}}{{b",
            "{{{{x}}",
            "}}{{",
            "{{}}",
            "a{{b{{c}}d}}",
            "{{{}}}",
            "{{a}} {{b}}",
            "{{{{{",
            "}}}}",
            "{{x}}{{y",
            "",
        ]
        .map(String::from)
        .to_vec();
        // Pseudo-random strings of `{`, `}` and `a`.
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        for _ in 0..2_000 {
            let len = (state % 24) as usize;
            let s = (0..len)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    ['{', '}', 'a'][(state % 3) as usize]
                })
                .collect();
            cases.push(s);
        }
        for s in &cases {
            let text = Text::lit(s.clone());
            let found: Vec<&str> = placeholders(&text).collect();
            assert_eq!(found, searched(s), "{s:?}");
        }
    }
}
