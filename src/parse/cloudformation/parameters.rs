//! Parameter values given from outside a template: `--parameter K=V` and `--parameter-file`.

use serde_json::Value;
use std::collections::BTreeMap;

/// Parses `K=V` (the value may hold `=`; the key may not be empty).
pub fn parse_assignment(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.to_string())),
        _ => Err(format!("expected KEY=VALUE, not {s:?}")),
    }
}

/// Parses a parameter file: the AWS CLI's `[{"ParameterKey": .., "ParameterValue": ..}]` or
/// `{"Parameters": {"K": "V"}}` (a CodePipeline template configuration).
///
/// Entries with `UsePreviousValue` and no value are left out: their value is not in the file.
pub fn parse_parameter_file(text: &str) -> Result<BTreeMap<String, String>, String> {
    let json: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let mut out = BTreeMap::new();
    match &json {
        Value::Array(items) => {
            for item in items {
                let key = item.get("ParameterKey").and_then(Value::as_str);
                let Some(key) = key else {
                    return Err("an item has no string ParameterKey".into());
                };
                if let Some(value) = item.get("ParameterValue") {
                    out.insert(key.to_string(), scalar(value)?);
                }
            }
        }
        Value::Object(map) => {
            let Some(Value::Object(params)) = map.get("Parameters") else {
                return Err("expected a list of ParameterKey/ParameterValue items or an object with Parameters".into());
            };
            for (key, value) in params {
                out.insert(key.clone(), scalar(value)?);
            }
        }
        _ => return Err("expected a list or an object".into()),
    }
    Ok(out)
}

/// A parameter value as CloudFormation receives it: a string (lists are comma-delimited).
fn scalar(value: &Value) -> Result<String, String> {
    match value {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Array(items) => items
            .iter()
            .map(scalar)
            .collect::<Result<Vec<_>, _>>()
            .map(|v| v.join(",")),
        _ => Err(format!("a parameter value must be a string, not {value}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_file_shapes() {
        let cli = r#"[{"ParameterKey": "Name", "ParameterValue": "a=b"},
                      {"ParameterKey": "Old", "UsePreviousValue": true},
                      {"ParameterKey": "N", "ParameterValue": 3}]"#;
        let m = parse_parameter_file(cli).unwrap();
        assert_eq!(m.len(), 2);
        assert_eq!(m["Name"], "a=b");
        assert_eq!(m["N"], "3");
        let pipeline = r#"{"Parameters": {"Groups": ["a", "b"]}, "Tags": {}}"#;
        assert_eq!(parse_parameter_file(pipeline).unwrap()["Groups"], "a,b");
        assert!(parse_parameter_file("{}").is_err());
        assert!(parse_parameter_file("[{}]").is_err());
        assert_eq!(
            parse_assignment("K=v=w").unwrap(),
            ("K".to_string(), "v=w".to_string())
        );
        assert!(parse_assignment("=v").is_err());
        assert!(parse_assignment("kv").is_err());
    }
}
