use serde::{Deserialize, Serialize};
use std::fmt;

/// How bad a finding is. Ordered: `Info < Low < Medium < High < Critical`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Severity::ALL
            .into_iter()
            .find(|v| v.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                format!("unknown severity `{s}` (expected critical, high, medium, low or info)")
            })
    }
}

/// Finding categories: stable strings shared by JSON and SARIF output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    Secret,
    Pii,
    DestructiveTool,
    ToolPoisoning,
    HiddenUnicode,
    PromptInjection,
    RugPull,
    ToolShadowing,
    UnpinnedPackage,
    UnknownSource,
    Typosquat,
    KnownMalicious,
    ProductionExposure,
    InsecureTransport,
    NoAuth,
    BroadFilesystem,
    OverPermissiveAgent,
    ProjectHook,
    ShadowInstall,
    UnapprovedServer,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Secret => "secret",
            Category::Pii => "pii",
            Category::DestructiveTool => "destructive-tool",
            Category::ToolPoisoning => "tool-poisoning",
            Category::HiddenUnicode => "hidden-unicode",
            Category::PromptInjection => "prompt-injection",
            Category::RugPull => "rug-pull",
            Category::ToolShadowing => "tool-shadowing",
            Category::UnpinnedPackage => "unpinned-package",
            Category::UnknownSource => "unknown-source",
            Category::Typosquat => "typosquat",
            Category::KnownMalicious => "known-malicious",
            Category::ProductionExposure => "production-exposure",
            Category::InsecureTransport => "insecure-transport",
            Category::NoAuth => "no-auth",
            Category::BroadFilesystem => "broad-filesystem",
            Category::OverPermissiveAgent => "over-permissive-agent",
            Category::ProjectHook => "project-hook",
            Category::ShadowInstall => "shadow-install",
            Category::UnapprovedServer => "unapproved-server",
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a finding was seen. `path` is a file path, or for findings about a
/// server's tools, the config file that defines the server.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Location {
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
    /// A JSON pointer or dotted key inside the file (`mcpServers.db.env.TOKEN`),
    /// or a tool name, when a line number says less than the key does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// What was seen, safe to print: never a secret in clear.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Evidence {
    /// A short, human-readable snippet; secrets masked (see [`crate::redact_preview`]).
    pub preview: String,
    /// `sha256:<hex>` of the sensitive value, to match the same secret across
    /// files and machines without revealing it. Absent when nothing is secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
}

/// One thing a security team should look at.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable id: same problem in the same place gives the same id across runs
    /// (used by baselines). Build it with [`Finding::stable_id`].
    pub id: String,
    /// The rule that fired, e.g. `secret.github-pat` or `unpinned-package`.
    pub rule: String,
    pub category: Category,
    pub severity: Severity,
    pub title: String,
    /// Client id (`claude-code`, `cursor`, ...) when the finding is about a config.
    #[serde(default)]
    pub client: Option<String>,
    /// Server name when the finding is about one MCP server.
    #[serde(default)]
    pub server: Option<String>,
    pub location: Location,
    pub evidence: Evidence,
    #[serde(default)]
    pub remediation: String,
}

impl Finding {
    /// A stable id from the parts that identify a problem: rule, place, and a
    /// discriminator (a fingerprint, a tool name). 16 hex chars of SHA-256.
    pub fn stable_id(rule: &str, location: &Location, discriminator: &str) -> String {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        for part in [
            rule,
            &location.path,
            &location.line.map(|l| l.to_string()).unwrap_or_default(),
            location.field.as_deref().unwrap_or(""),
            discriminator,
        ] {
            h.update(part.as_bytes());
            h.update([0u8]);
        }
        let d = h.finalize();
        d[..8].iter().map(|b| format!("{b:02x}")).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_orders_and_parses() {
        assert!(Severity::Critical > Severity::High);
        assert!(Severity::Low > Severity::Info);
        assert_eq!("HIGH".parse::<Severity>().unwrap(), Severity::High);
        assert!("severe".parse::<Severity>().is_err());
    }

    #[test]
    fn category_json_matches_as_str() {
        let c = Category::OverPermissiveAgent;
        assert_eq!(
            serde_json::to_string(&c).unwrap(),
            format!("\"{}\"", c.as_str())
        );
    }

    #[test]
    fn stable_id_depends_on_place() {
        let a = Location {
            path: "a".into(),
            ..Default::default()
        };
        let b = Location {
            path: "b".into(),
            ..Default::default()
        };
        assert_eq!(
            Finding::stable_id("r", &a, "x"),
            Finding::stable_id("r", &a, "x")
        );
        assert_ne!(
            Finding::stable_id("r", &a, "x"),
            Finding::stable_id("r", &b, "x")
        );
        assert_eq!(Finding::stable_id("r", &a, "x").len(), 16);
    }
}
