use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Which hook event (or proxy message) an action came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum HookEventKind {
    PreToolUse,
    PostToolUse,
    UserPromptSubmit,
    SessionStart,
    SessionEnd,
    Stop,
    Other,
}

/// One thing an agent is about to do (or just did), wherever it was seen:
/// the Claude Code hook and the MCP proxy both build these for the policy engine.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Action {
    pub event: HookEventKind,
    /// `claude-code-hook`, `proxy`, ...
    pub origin: String,
    #[serde(default)]
    pub session_id: Option<String>,
    #[serde(default)]
    pub cwd: Option<String>,
    /// Claude Code tool name (`Bash`, `Write`, `mcp__github__create_issue`).
    #[serde(default)]
    pub tool_name: Option<String>,
    /// MCP server name, when the tool is an MCP tool.
    #[serde(default)]
    pub server: Option<String>,
    #[serde(default)]
    pub tool_input: Value,
    /// Tool output (PostToolUse) or prompt text (UserPromptSubmit).
    #[serde(default)]
    pub content: Option<Value>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DecisionKind {
    Allow,
    /// Let it pass with the sensitive part removed.
    Redact,
    /// A human must confirm.
    Ask,
    Deny,
}

impl DecisionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DecisionKind::Allow => "allow",
            DecisionKind::Redact => "redact",
            DecisionKind::Ask => "ask",
            DecisionKind::Deny => "deny",
        }
    }
}

/// The policy engine's answer for one action.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    pub kind: DecisionKind,
    /// Human- and model-readable reason.
    pub reason: String,
    /// The rule that decided (`default.destructive-shell`, `policy:user:3`).
    #[serde(default)]
    pub rule: Option<String>,
    /// What was seen, redacted.
    #[serde(default)]
    pub evidence: Vec<crate::Evidence>,
}

/// One audit-log record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// RFC 3339 UTC.
    pub time: String,
    pub origin: String,
    #[serde(default)]
    pub session_id: Option<String>,
    pub event: HookEventKind,
    #[serde(default)]
    pub tool_name: Option<String>,
    pub decision: DecisionKind,
    #[serde(default)]
    pub rule: Option<String>,
    pub reason: String,
    #[serde(default)]
    pub evidence: Vec<crate::Evidence>,
}
