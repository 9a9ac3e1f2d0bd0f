use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Where a server definition lives, from the client's point of view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// The user's own config (`~/.claude.json` top level, `~/.cursor/mcp.json`).
    User,
    /// Per-project entries kept in the user's config (`~/.claude.json` `projects.<path>`).
    Local,
    /// Checked-in project files (`.mcp.json`, `.cursor/mcp.json`).
    Project,
    /// Enterprise/system-wide files (`/etc/claude-code/managed-mcp.json`).
    Managed,
    /// Seen running or installed, not defined by any config (shadow installs).
    Runtime,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::User => "user",
            Scope::Local => "local",
            Scope::Project => "project",
            Scope::Managed => "managed",
            Scope::Runtime => "runtime",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Transport {
    Stdio,
    Http,
    Sse,
}

impl Transport {
    pub fn as_str(self) -> &'static str {
        match self {
            Transport::Stdio => "stdio",
            Transport::Http => "http",
            Transport::Sse => "sse",
        }
    }
}

/// One MCP server as a client's config defines it (or as seen running).
///
/// Holds env and header *values* because enumeration needs them to launch the
/// server and assessment needs them to find secrets, but never serializes
/// them: JSON shows `env_keys` / `header_keys` only, and `args`/`url` pass
/// through redaction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServerDef {
    pub name: String,
    /// Client id: `claude-code`, `cursor`, ... (`unknown` for shadow processes).
    pub client: String,
    pub scope: Scope,
    /// The file that defines it (or `/proc/<pid>` for a running shadow process).
    pub source: String,
    /// The project directory for `project` and `local` scope.
    #[serde(default)]
    pub project: Option<String>,
    pub transport: Transport,
    #[serde(default)]
    pub command: Option<String>,
    #[serde(default, serialize_with = "crate::redact::serialize_args")]
    pub args: Vec<String>,
    #[serde(default, serialize_with = "crate::redact::serialize_url")]
    pub url: Option<String>,
    #[serde(default)]
    pub cwd: Option<String>,
    #[serde(skip_serializing, default)]
    pub env: BTreeMap<String, String>,
    #[serde(skip_serializing, default)]
    pub headers: BTreeMap<String, String>,
    /// Names of env vars the config sets (values are never output).
    pub env_keys: Vec<String>,
    /// Names of HTTP headers the config sets (values are never output).
    #[serde(default)]
    pub header_keys: Vec<String>,
    /// False when the config disables it (`disabled: true`, `enabled: false`, ...).
    pub enabled: bool,
    /// True when the client will run it without asking the user again: a
    /// user/managed entry that is enabled, or a project entry the user approved
    /// (e.g. Claude Code `enabledMcpjsonServers` / `enableAllProjectMcpServers`).
    pub approved: bool,
    /// Tools the client runs without confirmation (`autoApprove`, `alwaysAllow`,
    /// Gemini `trust: true` gives `["*"]`).
    #[serde(default)]
    pub auto_approve: Vec<String>,
    /// True for a running process or installed package that no config starts.
    #[serde(default)]
    pub shadow: bool,
}

impl ServerDef {
    /// Identity of a server across runs (snapshots, approvals).
    pub fn key(&self) -> String {
        format!(
            "{}/{}/{}/{}",
            self.client,
            self.scope.as_str(),
            self.project.as_deref().unwrap_or("-"),
            self.name
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ExtensionKind {
    Plugin,
    Skill,
    Command,
    Subagent,
    Hook,
    /// An editor extension (VS Code, Cursor, ...).
    EditorExtension,
    /// Memory/instruction files (`CLAUDE.md`) an agent reads on start.
    Instructions,
}

/// Something that extends an agent: plugins, skills, commands, subagents, hooks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Extension {
    pub kind: ExtensionKind,
    pub name: String,
    pub scope: Scope,
    pub path: String,
    /// For hooks: `EVENT[matcher]: command`; for others a short description.
    #[serde(default)]
    pub detail: Option<String>,
}

/// A settings file an agent reads (permissions, hooks, env, approvals).
/// `raw` is the parsed file, kept for the assessment and never serialized.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SettingsFile {
    pub scope: Scope,
    pub path: String,
    #[serde(skip_serializing, default)]
    pub raw: serde_json::Value,
}

/// An AI agent/client found on the machine.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Agent {
    /// Client id (`claude-code`, ...).
    pub id: String,
    /// Display name (`Claude Code`).
    pub name: String,
    /// Binary on PATH, if any.
    #[serde(default)]
    pub binary: Option<String>,
    #[serde(default)]
    pub version: Option<String>,
    /// How it was found: config files, binaries, packages, editor extensions.
    pub evidence: Vec<String>,
    /// Config files read for this client.
    pub config_files: Vec<String>,
    #[serde(default)]
    pub settings: Vec<SettingsFile>,
    #[serde(default)]
    pub extensions: Vec<Extension>,
    /// True when installed (binary/package/extension) but no config of it was found.
    #[serde(default)]
    pub shadow: bool,
}

/// One problem reading the machine: which file, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigError {
    pub path: String,
    pub message: String,
}

/// Everything discovery found.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Inventory {
    pub agents: Vec<Agent>,
    pub servers: Vec<ServerDef>,
    pub errors: Vec<ConfigError>,
}
