//! EKS131 invalid-cluster-name and EKS132 invalid-tags.

use super::{Context, EKS131, EKS132, on_value};
use crate::diagnostic::{Diagnostic, quote};
use crate::ir::{Text, Val};

pub(super) fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let m = cx.model;
    let names = m
        .clusters
        .iter()
        .map(|c| &c.name)
        .chain(cx.entries().map(|(_, e)| &e.cluster.name))
        .chain(cx.associations().map(|(_, a)| &a.cluster.name));
    for name in names {
        cluster_name(name, out);
    }
    for (_, e) in cx.entries() {
        let Val::Known(tags) = &e.tags else { continue };
        if tags.value.len() > 50 {
            out.push(on_value(
                EKS132,
                tags,
                format!("{} tags are set; at most 50 are allowed", tags.value.len()),
            ));
        }
        for tag in &tags.value {
            if let Val::Known(k) = &tag.key {
                if let Some(key) = k.value.as_str() {
                    let len = key.chars().count();
                    if !(1..=128).contains(&len) {
                        out.push(on_value(
                            EKS132,
                            k,
                            format!("the tag key is {len} characters long; it must be 1 to 128"),
                        ));
                    }
                }
                if k.value
                    .known_prefix()
                    .to_ascii_lowercase()
                    .starts_with("aws:")
                {
                    out.push(on_value(
                        EKS132,
                        k,
                        "tag keys cannot start with `aws:`, which is reserved".into(),
                    ));
                }
            }
            if let Val::Known(v) = &tag.value {
                if let Some(value) = v.value.as_str() {
                    let len = value.chars().count();
                    if len > 256 {
                        out.push(on_value(
                            EKS132,
                            v,
                            format!(
                                "the tag value is {len} characters long; at most 256 are allowed"
                            ),
                        ));
                    }
                }
                if v.value
                    .known_prefix()
                    .to_ascii_lowercase()
                    .starts_with("aws:")
                {
                    out.push(on_value(
                        EKS132,
                        v,
                        "tag values cannot start with `aws:`, which is reserved".into(),
                    ));
                }
            }
        }
    }
}

fn cluster_name(name: &Val<Text>, out: &mut Vec<Diagnostic>) {
    let Some((s, v)) = name.str() else { return };
    let problem = if s.is_empty() {
        Some("it is empty".to_string())
    } else if s.chars().count() > 100 {
        Some(format!(
            "it is {} characters long; at most 100 are allowed",
            s.chars().count()
        ))
    } else if !s.starts_with(|c: char| c.is_ascii_alphanumeric())
        || !s
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        Some(
            "it must start with a letter or digit and hold only letters, digits, `-` and `_`"
                .to_string(),
        )
    } else {
        None
    };
    if let Some(problem) = problem {
        out.push(on_value(
            EKS131,
            v,
            format!("{} is not a valid cluster name: {problem}", quote(s)),
        ));
    }
}
