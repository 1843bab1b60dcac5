//! The rule catalog is a contract: users select, ignore and re-rate rules by id and name, so ids,
//! names and severities must not drift; every rule has its documentation file, and README's rules
//! table is generated from the catalog.

use ekslint::rules::RULES;

/// The published catalog: id, name, default severity.
const CONTRACT: &[(&str, &str, &str)] = &[
    ("EKS000", "parse-error", "error"),
    ("EKS001", "unknown-field", "error"),
    ("EKS002", "missing-required-field", "error"),
    ("EKS003", "unused-suppression", "note"),
    ("EKS004", "invalid-terraform", "error"),
    ("EKS005", "module-not-evaluated", "note"),
    ("EKS006", "dynamic-iterator-as-value", "warning"),
    ("EKS101", "invalid-principal-arn", "error"),
    ("EKS102", "session-principal", "error"),
    ("EKS103", "service-linked-role-principal", "error"),
    ("EKS104", "duplicate-principal", "error"),
    ("EKS105", "invalid-entry-type", "error"),
    ("EKS106", "node-type-requires-role", "error"),
    ("EKS107", "node-type-cross-account", "error"),
    ("EKS108", "node-type-with-groups-or-username", "error"),
    ("EKS109", "node-type-with-policy", "error"),
    ("EKS110", "auto-node-entry-policy", "warning"),
    ("EKS111", "caller-identity-principal", "warning"),
    ("EKS112", "entry-created-by-eks", "error"),
    ("EKS121", "reserved-username-prefix", "error"),
    ("EKS122", "session-name-needs-colon", "error"),
    ("EKS123", "unsupported-username-template", "warning"),
    ("EKS124", "role-username-without-session-name", "note"),
    ("EKS125", "system-group", "error"),
    ("EKS126", "duplicate-group", "warning"),
    ("EKS131", "invalid-cluster-name", "error"),
    ("EKS132", "invalid-tags", "error"),
    ("EKS201", "invalid-policy-arn", "error"),
    ("EKS202", "unknown-access-policy", "warning"),
    ("EKS203", "invalid-scope-type", "error"),
    ("EKS204", "namespace-scope-without-namespaces", "error"),
    ("EKS205", "cluster-scope-with-namespaces", "warning"),
    ("EKS206", "invalid-namespace", "warning"),
    ("EKS207", "duplicate-policy-association", "error"),
    ("EKS208", "association-without-entry", "warning"),
    ("EKS209", "association-not-ordered-after-entry", "warning"),
    ("EKS210", "too-many-policies", "error"),
    ("EKS211", "service-linked-only-policy", "warning"),
    ("EKS301", "invalid-authentication-mode", "error"),
    ("EKS302", "access-entries-need-api-mode", "error"),
    ("EKS303", "config-map-requires-bootstrap-admin", "error"),
    ("EKS304", "feature-needs-api-mode", "error"),
    ("EKS401", "cluster-admin-policy", "warning"),
    ("EKS402", "broad-admin-scope", "warning"),
    ("EKS403", "secrets-read-access", "note"),
    ("EKS404", "iam-user-principal", "warning"),
    ("EKS405", "cross-account-principal", "warning"),
    ("EKS406", "privileged-system-namespace", "warning"),
    ("EKS407", "cluster-creator-admin", "note"),
    ("EKS501", "config-map-ignored", "warning"),
    ("EKS502", "mapped-twice", "warning"),
    ("EKS503", "config-map-arn-with-path", "error"),
    ("EKS504", "node-role-not-migrated", "error"),
    ("EKS505", "config-map-system-masters", "warning"),
    ("EKS506", "invalid-config-map-mapping", "error"),
];

#[test]
fn catalog_matches_the_contract() {
    let got: Vec<(&str, &str, &str)> = RULES
        .iter()
        .map(|r| (r.id, r.name, r.severity.as_str()))
        .collect();
    assert_eq!(got, CONTRACT);
}

#[test]
fn every_rule_is_documented_in_the_same_sections() {
    for rule in RULES {
        let doc = rule.explanation();
        for section in [
            "## What it does",
            "## Why is this bad?",
            "## Example",
            "## Use instead",
            "## References",
        ] {
            assert!(doc.contains(section), "{} lacks {section:?}", rule.id);
        }
        assert!(
            !rule.summary.is_empty() && !rule.summary.contains('\n'),
            "{}",
            rule.id
        );
        assert_eq!(
            rule.security_severity.is_some(),
            rule.id.starts_with("EKS4"),
            "{}",
            rule.id
        );
    }
}

#[test]
fn readme_rules_table_is_generated_from_the_catalog() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let table = ekslint::rules::markdown_table();
    assert!(
        readme.contains(&table),
        "README.md's rules table is out of date; replace it with the output of `ekslint rules --markdown`:\n{table}"
    );
}
