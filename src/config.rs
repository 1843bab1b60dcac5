//! `.ekslint.toml`: project configuration.

use crate::trust::Boundary;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The configuration file's contents. Unknown keys are an error.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    #[serde(default)]
    pub select: Vec<String>,
    #[serde(default)]
    pub ignore: Vec<String>,
    pub fail_on: Option<String>,
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Severity overrides by rule id or name.
    #[serde(default)]
    pub severity: BTreeMap<String, String>,
    #[serde(default)]
    pub rules: RulesConfig,
    #[serde(default)]
    pub terraform: TerraformConfig,
    #[serde(default)]
    pub cloudformation: CloudFormationConfig,
    /// The largest file read, in bytes.
    pub max_file_bytes: Option<u64>,
    /// The directory of the file: relative paths in it are resolved against this.
    #[serde(skip)]
    pub base: PathBuf,
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
        let mut config: Config = toml::from_str(&text)
            .map_err(|e| format!("{}: {}", path.display(), describe(&text, &e)))?;
        config.base = path.parent().map(Path::to_path_buf).unwrap_or_default();
        Ok(config)
    }

    /// The nearest `.ekslint.toml` in `dir` or one of its parents.
    pub fn find(dir: &Path) -> Option<PathBuf> {
        dir.ancestors()
            .map(|d| d.join(".ekslint.toml"))
            .find(|p| p.is_file())
    }
}

/// A TOML error with its line and column.
fn describe(text: &str, e: &toml::de::Error) -> String {
    let message = e.message().trim_end();
    match e.span() {
        Some(span) => {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            format!("line {line}, column {column}: {message}")
        }
        None => message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_key_names_key_and_line() {
        let text = "select = [\"EKS101\"]\n\n[rules.EKS405]\ntrusted-acounts = [\"1\"]\n";
        let e = toml::from_str::<Config>(text).unwrap_err();
        let d = describe(text, &e);
        assert!(d.contains("line 4"), "{d}");
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
"#;
        let c: Config = toml::from_str(text).unwrap();
        assert_eq!(c.rules.eks405.trusted_accounts, ["444455556666"]);
        assert_eq!(c.cloudformation.parameters["ClusterName"], "prod");
    }
}
