use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One tool as a server lists it (`tools/list`), plus Warden's pin hash.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tool {
    pub name: String,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub input_schema: Value,
    #[serde(default)]
    pub output_schema: Option<Value>,
    /// The server's hints (`readOnlyHint`, `destructiveHint`, ...): claims, not facts.
    #[serde(default)]
    pub annotations: Option<Value>,
    /// `sha256:<hex>` over name, description, input schema and annotations in
    /// canonical (key-sorted) JSON: see [`Tool::compute_hash`].
    #[serde(default)]
    pub hash: String,
}

impl Tool {
    /// The pin: stable across key order and whitespace, changes when anything
    /// the model reads about the tool changes.
    pub fn compute_hash(&self) -> String {
        let v = serde_json::json!({
            "name": self.name,
            "description": self.description,
            "input_schema": self.input_schema,
            "annotations": self.annotations,
        });
        crate::fingerprint(&canonical_json(&v))
    }

    /// Annotation hint by name (`destructiveHint`), if the server set it.
    pub fn hint(&self, name: &str) -> Option<bool> {
        self.annotations.as_ref()?.get(name)?.as_bool()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Prompt {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub arguments: Value,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Resource {
    /// `uri` for resources, `uriTemplate` for templates.
    pub uri: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub mime_type: Option<String>,
    #[serde(default)]
    pub template: bool,
}

/// What one server exposed at one time: the unit of pinning.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServerSnapshot {
    /// [`crate::ServerDef::key`] of the server.
    pub server_key: String,
    pub protocol_version: Option<String>,
    #[serde(default)]
    pub server_info: Value,
    #[serde(default)]
    pub instructions: Option<String>,
    pub tools: Vec<Tool>,
    #[serde(default)]
    pub prompts: Vec<Prompt>,
    #[serde(default)]
    pub resources: Vec<Resource>,
    /// RFC 3339 UTC time the snapshot was taken.
    pub taken_at: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    Added,
    Removed,
    Changed,
}

/// A difference between a server's approved (baseline) tools and what it
/// lists now: the raw material of `rug-pull` findings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolChange {
    /// [`crate::ServerDef::key`].
    pub server_key: String,
    /// Server name as configured.
    pub server: String,
    pub tool: String,
    pub kind: ChangeKind,
    /// Which parts changed: `description`, `input_schema`, `annotations`.
    #[serde(default)]
    pub fields: Vec<String>,
    /// A short human-readable diff (line-based, `-` old / `+` new).
    #[serde(default)]
    pub diff: String,
    #[serde(default)]
    pub before_hash: Option<String>,
    #[serde(default)]
    pub after_hash: Option<String>,
}

/// JSON with object keys sorted at every level and no whitespace: equal
/// values give equal strings whatever order a server sent keys in.
pub fn canonical_json(v: &Value) -> String {
    fn sort(v: &Value) -> Value {
        match v {
            Value::Object(m) => {
                let mut keys: Vec<&String> = m.keys().collect();
                keys.sort();
                let mut out = serde_json::Map::new();
                for k in keys {
                    out.insert(k.clone(), sort(&m[k]));
                }
                Value::Object(out)
            }
            Value::Array(a) => Value::Array(a.iter().map(sort).collect()),
            other => other.clone(),
        }
    }
    // serde_json's Map is a BTreeMap without the preserve_order feature, but
    // sorting explicitly keeps this correct if a dependency turns that on.
    serde_json::to_string(&sort(v)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn tool(schema: Value) -> Tool {
        Tool {
            name: "t".into(),
            title: None,
            description: Some("d".into()),
            input_schema: schema,
            output_schema: None,
            annotations: None,
            hash: String::new(),
        }
    }

    #[test]
    fn hash_ignores_key_order_but_not_content() {
        let a: Value = serde_json::from_str(
            r#"{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"number"}}}"#,
        )
        .unwrap();
        let b: Value = serde_json::from_str(
            r#"{"properties":{"b":{"type":"number"},"a":{"type":"string"}},"type":"object"}"#,
        )
        .unwrap();
        assert_eq!(tool(a.clone()).compute_hash(), tool(b).compute_hash());
        let c = json!({"type":"object","properties":{"a":{"type":"string"}}});
        assert_ne!(tool(a).compute_hash(), tool(c).compute_hash());
    }
}
