//! The policy file (TOML) and its layers.
//!
//! ```toml
//! [[rule]]
//! tool = "Bash(git push:*)"      # Claude Code permission syntax
//! action = "ask"                 # allow | ask | deny
//! message = "Pushing needs a human"
//! arg = "command"                # optional: which argument the conditions read (dotted path)
//! contains = ["--force"]         # optional: any of these, case-insensitive
//! matches = "*origin main*"      # optional: glob over the argument
//!
//! [inventory]
//! approved = ["github", "@modelcontextprotocol/server-filesystem", "https://mcp.example.com"]
//!
//! [mcp]
//! unknown_server = "ask"         # servers no scan has seen: allow | ask | deny
//!
//! [defaults]
//! disable = ["default.shell-destructive"]   # built-in rules to turn off (managed/user only)
//! ```
//!
//! Layers, from highest: managed (`<system_root>/etc/warden/policy.toml`), user
//! (`~/.config/warden/policy.toml`), project (`<cwd>/.warden.toml`). A lower
//! layer can only tighten what a higher one sets; the project layer comes
//! from the repository, which may be hostile, so it can never loosen anything.

use crate::paths::PathCtx;
use crate::pattern::ToolPattern;
use serde::Deserialize;
use serde_json::Value;
use std::path::{Path, PathBuf};
use toml::Spanned;
use warden_model::{Action, DecisionKind};

/// Largest policy file read: policies are small; a huge one is a mistake or an attack.
const MAX_POLICY_BYTES: u64 = 1 << 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Layer {
    Managed,
    User,
    Project,
}

impl Layer {
    pub fn as_str(self) -> &'static str {
        match self {
            Layer::Managed => "managed",
            Layer::User => "user",
            Layer::Project => "project",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    /// `file:line:column: what`.
    #[error("{path}:{line}:{column}: {message}")]
    Invalid {
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{path}: cannot read policy: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: policy file is larger than 1 MiB")]
    TooLarge { path: String },
}

/// One `[[rule]]`.
#[derive(Debug, Clone)]
pub struct Rule {
    /// `policy:<layer>:<id or line>`: what audit records and `policy test` show.
    pub id: String,
    pub layer: Layer,
    pub line: usize,
    pub pattern: ToolPattern,
    pub action: DecisionKind,
    pub message: Option<String>,
    arg: Option<String>,
    contains: Vec<String>,
    matches: Option<String>,
}

impl Rule {
    pub fn matches(&self, action: &Action, pc: &PathCtx) -> bool {
        if !self.pattern.matches(action, pc) {
            return false;
        }
        if self.contains.is_empty() && self.matches.is_none() {
            return true;
        }
        let mut values: Vec<&str> = Vec::new();
        match &self.arg {
            Some(path) => {
                let mut v = &action.tool_input;
                for part in path.split('.') {
                    v = match v {
                        Value::Object(m) => m.get(part).unwrap_or(&Value::Null),
                        Value::Array(a) => part
                            .parse::<usize>()
                            .ok()
                            .and_then(|i| a.get(i))
                            .unwrap_or(&Value::Null),
                        _ => &Value::Null,
                    };
                }
                crate::engine::walk_strings(v, &mut |_, s| values.push(s));
            }
            None => crate::engine::walk_strings(&action.tool_input, &mut |_, s| values.push(s)),
        }
        values.iter().any(|v| {
            let lower = v.to_lowercase();
            (self.contains.is_empty()
                || self
                    .contains
                    .iter()
                    .any(|c| lower.contains(&c.to_lowercase())))
                && self
                    .matches
                    .as_ref()
                    .is_none_or(|g| crate::glob::glob_match(g, v, false))
        })
    }
}

/// One parsed file.
#[derive(Debug, Clone)]
pub struct LayerPolicy {
    pub layer: Layer,
    pub path: String,
    pub rules: Vec<Rule>,
    pub approved: Option<Vec<String>>,
    pub unknown_server: Option<DecisionKind>,
    pub disable: Vec<String>,
}

/// All layers, highest first.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    pub layers: Vec<LayerPolicy>,
}

/// Where the layers live.
#[derive(Debug, Clone)]
pub struct PolicySources {
    pub managed: PathBuf,
    pub user: Option<PathBuf>,
    pub project: Option<PathBuf>,
}

impl PolicySources {
    /// From the environment: `WARDEN_SYSTEM_ROOT` (default `/`) for the managed
    /// file, `XDG_CONFIG_HOME` or `HOME` for the user's, `cwd` for the project's.
    pub fn from_env(cwd: Option<&Path>) -> Self {
        let nonempty = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty());
        let root = nonempty("WARDEN_SYSTEM_ROOT")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("/"));
        let user = nonempty("XDG_CONFIG_HOME")
            .map(|d| PathBuf::from(d).join("warden/policy.toml"))
            .or_else(|| {
                nonempty("HOME").map(|h| PathBuf::from(h).join(".config/warden/policy.toml"))
            });
        PolicySources {
            managed: root.join("etc/warden/policy.toml"),
            user,
            project: cwd.map(|c| c.join(".warden.toml")),
        }
    }

    /// Every layer's path, highest first (for guarding them and for `policy check`).
    pub fn all(&self) -> Vec<(Layer, PathBuf)> {
        let mut v = vec![(Layer::Managed, self.managed.clone())];
        if let Some(u) = &self.user {
            v.push((Layer::User, u.clone()));
        }
        if let Some(p) = &self.project {
            v.push((Layer::Project, p.clone()));
        }
        v
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    #[serde(default)]
    rule: Vec<Spanned<RawRule>>,
    #[serde(default)]
    inventory: Option<RawInventory>,
    #[serde(default)]
    mcp: Option<RawMcp>,
    #[serde(default)]
    defaults: Option<RawDefaults>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    #[serde(default)]
    id: Option<String>,
    tool: Spanned<String>,
    action: RawAction,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    arg: Option<String>,
    #[serde(default)]
    contains: Option<OneOrMany>,
    #[serde(default)]
    matches: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "lowercase")]
enum RawAction {
    Allow,
    Ask,
    Deny,
}

impl From<RawAction> for DecisionKind {
    fn from(a: RawAction) -> Self {
        match a {
            RawAction::Allow => DecisionKind::Allow,
            RawAction::Ask => DecisionKind::Ask,
            RawAction::Deny => DecisionKind::Deny,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInventory {
    #[serde(default)]
    approved: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMcp {
    #[serde(default)]
    unknown_server: Option<RawAction>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDefaults {
    #[serde(default)]
    disable: Vec<Spanned<String>>,
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before.rfind('\n').map(|i| offset - i).unwrap_or(offset + 1);
    (line, col)
}

impl LayerPolicy {
    /// Parse one file's text. `path` is only used in messages and rule ids.
    pub fn parse(layer: Layer, path: &str, text: &str) -> Result<Self, PolicyError> {
        let err_at = |offset: usize, message: String| {
            let (line, column) = line_col(text, offset);
            PolicyError::Invalid {
                path: path.to_string(),
                line,
                column,
                message,
            }
        };
        let raw: RawPolicy = toml::from_str(text).map_err(|e| {
            let offset = e.span().map(|s| s.start).unwrap_or(0);
            err_at(offset, e.message().trim().replace('\n', " "))
        })?;
        let mut rules = Vec::with_capacity(raw.rule.len());
        for r in raw.rule {
            let start = r.span().start;
            let r = r.into_inner();
            let line = line_col(text, start).0;
            let pattern =
                ToolPattern::parse(r.tool.get_ref()).map_err(|m| err_at(r.tool.span().start, m))?;
            if let Some(id) = &r.id {
                if id.is_empty() || id.contains(char::is_whitespace) {
                    return Err(err_at(start, format!("rule id `{id}` must be one word")));
                }
            }
            let contains = match r.contains {
                None => vec![],
                Some(OneOrMany::One(s)) => vec![s],
                Some(OneOrMany::Many(v)) => v,
            };
            if (!contains.is_empty() || r.matches.is_some()) && r.tool.get_ref().is_empty() {
                return Err(err_at(start, "conditions need a tool".into()));
            }
            rules.push(Rule {
                id: format!(
                    "policy:{}:{}",
                    layer.as_str(),
                    r.id.clone().unwrap_or_else(|| line.to_string())
                ),
                layer,
                line,
                pattern,
                action: r.action.into(),
                message: r.message,
                arg: r.arg,
                contains,
                matches: r.matches,
            });
        }
        let mut disable = Vec::new();
        if let Some(d) = raw.defaults {
            for name in d.disable {
                if layer == Layer::Project {
                    return Err(err_at(
                        name.span().start,
                        "a project policy cannot disable built-in rules (it may only tighten)"
                            .into(),
                    ));
                }
                if !crate::engine::DEFAULT_RULES
                    .iter()
                    .any(|(id, _)| id == name.get_ref())
                {
                    return Err(err_at(
                        name.span().start,
                        format!(
                            "unknown built-in rule `{}` (see `warden policy check --list-defaults`)",
                            name.get_ref()
                        ),
                    ));
                }
                disable.push(name.into_inner());
            }
        }
        Ok(LayerPolicy {
            layer,
            path: path.to_string(),
            rules,
            approved: raw.inventory.map(|i| i.approved),
            unknown_server: raw.mcp.and_then(|m| m.unknown_server).map(Into::into),
            disable,
        })
    }

    /// Read and parse one file. `Ok(None)` when it does not exist.
    pub fn load(layer: Layer, path: &Path) -> Result<Option<Self>, PolicyError> {
        let shown = path.display().to_string();
        let meta = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => {
                return Err(PolicyError::Read {
                    path: shown,
                    source,
                })
            }
        };
        if meta.len() > MAX_POLICY_BYTES {
            return Err(PolicyError::TooLarge { path: shown });
        }
        let text = std::fs::read_to_string(path).map_err(|source| PolicyError::Read {
            path: shown.clone(),
            source,
        })?;
        Self::parse(layer, &shown, &text).map(Some)
    }
}

impl Policy {
    /// Load every layer that exists. Any broken layer is an error: the caller
    /// must not guess what a broken policy meant.
    pub fn load(sources: &PolicySources) -> Result<Self, PolicyError> {
        let mut layers = Vec::new();
        for (layer, path) in sources.all() {
            if let Some(l) = LayerPolicy::load(layer, &path)? {
                layers.push(l);
            }
        }
        Ok(Policy { layers })
    }

    pub fn from_layers(mut layers: Vec<LayerPolicy>) -> Self {
        layers.sort_by_key(|l| l.layer);
        Policy { layers }
    }

    /// The approved inventory (server names, packages, URLs), when any layer
    /// sets one. The highest layer that sets it defines it; lower layers can
    /// only remove entries.
    pub fn approved_servers(&self) -> Option<Vec<String>> {
        let mut out: Option<Vec<String>> = None;
        for l in &self.layers {
            if let Some(list) = &l.approved {
                out = Some(match out {
                    None => list.clone(),
                    Some(prev) => prev.into_iter().filter(|x| list.contains(x)).collect(),
                });
            }
        }
        out
    }

    /// Whether `name` (a server name, package or URL) is in the approved
    /// inventory; `None` when no layer keeps one.
    pub fn is_approved(&self, name: &str) -> Option<bool> {
        self.approved_servers().map(|l| {
            l.iter()
                .any(|a| a == name || crate::glob::glob_match(a, name, false))
        })
    }

    /// What to do with MCP servers no scan has seen: the strictest layer's
    /// setting, `ask` by default.
    pub fn unknown_server(&self) -> DecisionKind {
        self.layers
            .iter()
            .filter_map(|l| l.unknown_server)
            .max()
            .unwrap_or(DecisionKind::Ask)
    }

    /// Built-in rules turned off (by the managed or user layer).
    pub fn disabled(&self, rule: &str) -> bool {
        self.layers
            .iter()
            .any(|l| l.layer != Layer::Project && l.disable.iter().any(|d| d == rule))
    }

    /// The first matching rule of each layer, highest layer first.
    pub fn matching_rules(&self, action: &Action, pc: &PathCtx) -> Vec<&Rule> {
        self.layers
            .iter()
            .filter_map(|l| l.rules.iter().find(|r| r.matches(action, pc)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_full_file() {
        let text = r#"
[[rule]]
tool = "Bash(git push:*)"
action = "ask"
message = "push needs a human"

[[rule]]
id = "no-drop"
tool = "mcp__db__*"
action = "deny"
arg = "sql"
contains = ["drop table"]

[inventory]
approved = ["github", "fs"]

[mcp]
unknown_server = "deny"

[defaults]
disable = ["default.shell-destructive"]
"#;
        let l = LayerPolicy::parse(Layer::User, "p.toml", text).unwrap();
        assert_eq!(l.rules.len(), 2);
        assert_eq!(l.rules[0].id, "policy:user:2");
        assert_eq!(l.rules[0].line, 2);
        assert_eq!(l.rules[1].id, "policy:user:no-drop");
        assert_eq!(l.approved.as_deref().unwrap(), ["github", "fs"]);
        assert_eq!(l.unknown_server, Some(DecisionKind::Deny));
        assert_eq!(l.disable, ["default.shell-destructive"]);
    }

    fn err(text: &str) -> String {
        LayerPolicy::parse(Layer::User, "p.toml", text)
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn errors_name_file_line_and_what() {
        let e = err("[[rule]]\ntool = \"Bash\"\naction = \"block\"\n");
        assert!(e.starts_with("p.toml:3:"), "{e}");
        assert!(e.contains("block"), "{e}");
        let e = err("[[rule]]\naction = \"ask\"\n\n\ntool = \"Bash(git\"\n");
        assert!(e.starts_with("p.toml:5:"), "{e}");
        assert!(e.contains("does not end with `)`"), "{e}");
        let e = err("[[rule]]\ntool = \"Bash\"\naction = \"ask\"\nmesage = \"x\"\n");
        assert!(e.starts_with("p.toml:4:"), "{e}");
        assert!(e.contains("mesage"), "{e}");
        let e = err("[[rule]\n");
        assert!(e.starts_with("p.toml:1:"), "{e}");
        let e = err("[defaults]\ndisable = [\"default.nope\"]\n");
        assert!(
            e.starts_with("p.toml:2:") && e.contains("default.nope"),
            "{e}"
        );
        let e = LayerPolicy::parse(
            Layer::Project,
            ".warden.toml",
            "[defaults]\ndisable = [\"default.shell-destructive\"]\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("only tighten"), "{e}");
    }

    #[test]
    fn approved_list_only_narrows() {
        let mk = |layer, list: &str| {
            LayerPolicy::parse(layer, "x", &format!("[inventory]\napproved = {list}\n")).unwrap()
        };
        let p = Policy::from_layers(vec![
            mk(Layer::Project, r#"["a", "evil"]"#),
            mk(Layer::Managed, r#"["a", "b"]"#),
        ]);
        assert_eq!(p.approved_servers().unwrap(), ["a"]);
        assert_eq!(p.is_approved("evil"), Some(false));
        assert_eq!(Policy::default().is_approved("x"), None);
    }

    #[test]
    fn missing_file_is_no_layer() {
        let d = tempfile::tempdir().unwrap();
        assert!(LayerPolicy::load(Layer::User, &d.path().join("nope.toml"))
            .unwrap()
            .is_none());
    }
}
