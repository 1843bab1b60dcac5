//! `.ekslint.toml`: project configuration. Every error names the file, the line and the key.

use crate::diagnostic::Severity;
use crate::rules;
use crate::trust::Boundary;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// The name of a configuration file, found upward from the files it configures.
pub const FILE_NAME: &str = ".ekslint.toml";

/// The configuration file's contents. Unknown keys are an error.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// Rule ids or names (checked when loaded).
    #[serde(default)]
    pub select: Vec<Spanned<String>>,
    #[serde(default)]
    pub ignore: Vec<Spanned<String>>,
    /// `error`, `warning`, `note` or `never` (checked when loaded).
    pub fail_on: Option<Spanned<String>>,
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Severity overrides by rule id or name (checked when loaded).
    #[serde(default)]
    pub severity: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(default)]
    pub rules: RulesConfig,
    #[serde(default)]
    pub terraform: TerraformConfig,
    #[serde(default)]
    pub cloudformation: CloudFormationConfig,
    #[serde(default)]
    pub policy: PolicyConfig,
    /// The largest file read, in bytes.
    pub max_file_bytes: Option<u64>,
    /// The directory of the file: relative paths in it are resolved against this.
    #[serde(skip)]
    pub base: PathBuf,
    /// Rule keys that are not built-in rules but may be custom ones: checked once the
    /// policies are loaded.
    #[serde(skip)]
    pub custom_rule_keys: Vec<CustomRuleKey>,
}

/// A rule key of the configuration left for the policies to declare.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomRuleKey {
    pub key: String,
    /// `path:line:column: select` (where it is written, and the setting).
    pub at: String,
}

/// Per-rule options.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RulesConfig {
    #[serde(rename = "EKS405", default)]
    pub eks405: Eks405Config,
}

/// Options of EKS405 cross-account-principal.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Eks405Config {
    #[serde(default)]
    pub trusted_accounts: Vec<String>,
}

/// `[terraform]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct TerraformConfig {
    #[serde(default)]
    pub var_files: Vec<PathBuf>,
}

/// `[policy]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PolicyConfig {
    /// Rego files or directories of them, relative to the configuration file.
    #[serde(default)]
    pub paths: Vec<PathBuf>,
}

/// `[cloudformation]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct CloudFormationConfig {
    #[serde(default)]
    pub parameters: BTreeMap<String, String>,
}

impl Config {
    /// Reads and validates a configuration file, within the boundary.
    pub fn load(path: &Path, boundary: &Boundary) -> Result<Config, String> {
        let text = boundary
            .read_to_string(path)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        let mut config: Config = toml::from_str(&text).map_err(|e| describe(path, &text, &e))?;
        let custom = config.validate().map_err(|(span, message)| {
            format!("{}:{}: {message}", path.display(), at(&text, span))
        })?;
        config.custom_rule_keys = custom
            .into_iter()
            .map(|(key, span, setting)| CustomRuleKey {
                key,
                at: format!("{}:{}: {setting}", path.display(), at(&text, span)),
            })
            .collect();
        config.base = path.parent().map(Path::to_path_buf).unwrap_or_default();
        Ok(config)
    }

    /// Checks the values serde cannot: rule ids and names, severities, `fail-on`. A rule key
    /// that is not a built-in rule and does not start with `EKS` may be a custom policy's: it is
    /// returned (key, span, setting) to be checked against the policies.
    #[allow(clippy::type_complexity)]
    fn validate(
        &self,
    ) -> Result<Vec<(String, std::ops::Range<usize>, &'static str)>, (std::ops::Range<usize>, String)>
    {
        let mut custom = Vec::new();
        let mut check = |key: &Spanned<String>, setting: &'static str| {
            let name = key.get_ref().trim();
            match rules::resolve(name) {
                Ok(_) => Ok(()),
                Err(_) if !name.to_ascii_uppercase().starts_with("EKS") => {
                    custom.push((name.to_string(), key.span(), setting));
                    Ok(())
                }
                Err(e) => Err((key.span(), format!("{setting}: {e}"))),
            }
        };
        for (key, list) in [("select", &self.select), ("ignore", &self.ignore)] {
            for rule in list {
                check(rule, key)?;
            }
        }
        for (rule, level) in &self.severity {
            check(rule, "[severity]")?;
            if Severity::parse(level.get_ref()).is_none() {
                return Err((
                    level.span(),
                    format!(
                        "[severity] {}: {:?} is not a severity{}",
                        rule.get_ref(),
                        level.get_ref(),
                        did_you_mean(level.get_ref(), &["error", "warning", "note"])
                    ),
                ));
            }
        }
        if let Some(f) = &self.fail_on {
            const LEVELS: [&str; 4] = ["error", "warning", "note", "never"];
            if !LEVELS.contains(&f.get_ref().as_str()) {
                return Err((
                    f.span(),
                    format!(
                        "fail-on: {:?} is not one of error, warning, note, never{}",
                        f.get_ref(),
                        did_you_mean(f.get_ref(), &LEVELS)
                    ),
                ));
            }
        }
        Ok(custom)
    }

    /// The rule lists as written.
    pub fn rule_list(list: &[Spanned<String>]) -> Vec<String> {
        list.iter()
            .map(|s| s.get_ref().trim().to_string())
            .collect()
    }

    /// The nearest `.ekslint.toml` in `dir` or one of its parents.
    pub fn find(dir: &Path) -> Option<PathBuf> {
        dir.ancestors()
            .map(|d| d.join(FILE_NAME))
            .find(|p| p.is_file())
    }
}

/// A TOML error with the file, line and column.
fn describe(path: &Path, text: &str, e: &toml::de::Error) -> String {
    let message = e.message().trim_end();
    match e.span() {
        Some(span) => format!("{}:{}: {message}", path.display(), at(text, span)),
        None => format!("{}: {message}", path.display()),
    }
}

/// `line:column` of the start of a byte range.
fn at(text: &str, span: std::ops::Range<usize>) -> String {
    let before = &text[..span.start.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    format!("{line}:{column}")
}

/// `; did you mean "x"?` when one of `options` is close to `value`.
fn did_you_mean(value: &str, options: &[&str]) -> String {
    options
        .iter()
        .map(|o| {
            (
                crate::diagnostic::likeness(&value.to_ascii_lowercase(), o),
                o,
            )
        })
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map_or_else(String::new, |(_, o)| format!("; did you mean {o:?}?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_key_names_key_and_line() {
        let text = "select = [\"EKS101\"]\n\n[rules.EKS405]\ntrusted-acounts = [\"1\"]\n";
        let e = toml::from_str::<Config>(text).unwrap_err();
        let d = describe(Path::new("c.toml"), text, &e);
        assert!(d.starts_with("c.toml:4:1:"), "{d}");
        assert!(d.contains("trusted-acounts"), "{d}");
    }

    #[test]
    fn full_config_parses() {
        let text = r#"
select = ["EKS101"]
ignore = ["EKS404"]
fail-on = "error"
exclude = ["legacy/**"]
[severity]
EKS404 = "error"
[rules.EKS405]
trusted-accounts = ["444455556666"]
[terraform]
var-files = ["prod.tfvars"]
[cloudformation]
parameters = { ClusterName = "prod" }
[policy]
paths = ["policies"]
"#;
        let c: Config = toml::from_str(text).unwrap();
        assert_eq!(c.rules.eks405.trusted_accounts, ["444455556666"]);
        assert_eq!(c.cloudformation.parameters["ClusterName"], "prod");
        assert_eq!(c.policy.paths, [PathBuf::from("policies")]);
    }

    #[test]
    fn keys_that_may_be_custom_rules_wait_for_the_policies() {
        let text = "select = [\"EKS101\", \"ORG001\"]\n[severity]\nbreak-glass = \"note\"\n";
        let c: Config = toml::from_str(text).unwrap();
        let custom = c.validate().unwrap();
        let keys: Vec<&str> = custom.iter().map(|(k, ..)| k.as_str()).collect();
        assert_eq!(keys, ["ORG001", "break-glass"]);
        let bad: Config = toml::from_str("ignore = [\"EKS999\"]\n").unwrap();
        assert!(bad.validate().unwrap_err().1.contains("EKS999"));
    }
}
