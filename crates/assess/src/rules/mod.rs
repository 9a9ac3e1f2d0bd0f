//! The rule table: one [`Rule`] per posture rule, grouped in one file per
//! family. Each family file holds its rules' docs (what, why, fix) next to
//! the check that fires them, and its tests (a positive and a near-miss
//! negative each, built from fixture files).

use crate::intel::Intel;
use std::collections::HashMap;
use warden_model::{
    Agent, Category, Evidence, Finding, Inventory, Location, ServerDef, ServerSnapshot, Severity,
    ToolChange,
};

mod agents;
mod exposure;
mod flow;
mod inventory;
mod network;
mod secrets;
mod supply;
mod tools;

/// One posture rule, as `warden rules` lists it and `warden explain` prints it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Rule {
    /// Stable id; findings carry it (secret findings carry `secret.<kind>`).
    pub id: &'static str,
    pub category: Category,
    /// Default severity; a finding may go up or down with context (the rule's
    /// `why` says when).
    pub severity: Severity,
    pub title: &'static str,
    pub what: &'static str,
    pub why: &'static str,
    pub fix: &'static str,
}

/// Every rule, in the order `warden rules` lists them.
pub static RULES: &[&Rule] = &[
    &secrets::SECRET,
    &supply::KNOWN_MALICIOUS,
    &supply::TYPOSQUAT,
    &supply::UNPINNED_PACKAGE,
    &supply::UNKNOWN_SOURCE,
    &exposure::PRODUCTION_EXPOSURE,
    &exposure::BROAD_FILESYSTEM,
    &network::INSECURE_TRANSPORT,
    &network::NO_AUTH,
    &agents::OVER_PERMISSIVE_AGENT,
    &agents::PROJECT_HOOK,
    &inventory::SHADOW_INSTALL,
    &inventory::UNAPPROVED_SERVER,
    &tools::TOOL_POISONING,
    &tools::TOOL_SHADOWING,
    &tools::HIDDEN_UNICODE,
    &tools::DESTRUCTIVE_TOOL,
    &tools::RUG_PULL,
    &flow::TOXIC_FLOW,
];

/// Find a rule by id, or by the family of a namespaced finding rule
/// (`secret.github-pat` -> `secret`).
pub fn rule(id: &str) -> Option<&'static Rule> {
    let id = id.trim().to_ascii_lowercase();
    RULES.iter().copied().find(|r| r.id == id).or_else(|| {
        let family = id.split('.').next()?;
        RULES.iter().copied().find(|r| r.id == family)
    })
}

/// Who a finding counts against in the scores.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Subject {
    /// [`ServerDef::key`].
    Server(String),
    /// [`Agent::id`].
    Agent(String),
}

pub(crate) struct Hit {
    pub finding: Finding,
    pub subject: Subject,
}

/// What every check reads.
pub(crate) struct Ctx<'a> {
    pub inv: &'a Inventory,
    pub snapshots: HashMap<&'a str, &'a ServerSnapshot>,
    pub changes: &'a [ToolChange],
    pub approved: &'a [String],
    pub intel: &'a Intel,
    pub scripts: &'a [(String, String)],
}

impl<'a> Ctx<'a> {
    pub fn snapshot(&self, s: &ServerDef) -> Option<&'a ServerSnapshot> {
        self.snapshots.get(s.key().as_str()).copied()
    }

    pub fn server_by_key(&self, key: &str) -> Option<&'a ServerDef> {
        self.inv.servers.iter().find(|s| s.key() == key)
    }
}

/// A finding under construction; `build` gives it its stable id.
pub(crate) struct HitBuilder {
    rule: &'static Rule,
    rule_id: String,
    severity: Severity,
    title: String,
    client: Option<String>,
    server: Option<String>,
    location: Location,
    evidence: Evidence,
    discriminator: String,
    subject: Subject,
}

impl HitBuilder {
    pub fn server(rule: &'static Rule, s: &ServerDef, title: impl Into<String>) -> Self {
        HitBuilder {
            rule,
            rule_id: rule.id.to_string(),
            severity: rule.severity,
            title: title.into(),
            client: Some(s.client.clone()),
            server: Some(s.name.clone()),
            // No field by default: `server` names the server, and runtime
            // reads a finding's field as the tool it is about.
            location: Location {
                path: s.source.clone(),
                ..Default::default()
            },
            evidence: Evidence::default(),
            discriminator: s.key(),
            subject: Subject::Server(s.key()),
        }
    }

    pub fn agent(rule: &'static Rule, a: &Agent, path: &str, title: impl Into<String>) -> Self {
        HitBuilder {
            rule,
            rule_id: rule.id.to_string(),
            severity: rule.severity,
            title: title.into(),
            client: Some(a.id.clone()),
            server: None,
            location: Location {
                path: path.to_string(),
                ..Default::default()
            },
            evidence: Evidence::default(),
            discriminator: a.id.clone(),
            subject: Subject::Agent(a.id.clone()),
        }
    }

    /// A namespaced rule id (`secret.github-pat`) in place of the family id.
    pub fn rule_id(mut self, id: impl Into<String>) -> Self {
        self.rule_id = id.into();
        self
    }
    pub fn title(mut self, t: impl Into<String>) -> Self {
        self.title = t.into();
        self
    }
    pub fn severity(mut self, s: Severity) -> Self {
        self.severity = s;
        self
    }
    /// Field inside the file (`<server>.env.TOKEN`, a settings key), or the
    /// tool name for findings about one tool (the hook matches it to calls).
    pub fn field(mut self, f: impl Into<String>) -> Self {
        self.location.field = Some(f.into());
        self
    }
    /// Safe-to-print evidence: callers pass only redacted text.
    pub fn preview(mut self, p: impl Into<String>) -> Self {
        self.evidence.preview = truncate(&p.into(), 600);
        self
    }
    pub fn fingerprint(mut self, f: Option<String>) -> Self {
        self.evidence.fingerprint = f;
        self
    }
    /// Extra identity for the stable id (a fingerprint, a tool name).
    pub fn disc(mut self, d: impl AsRef<str>) -> Self {
        self.discriminator.push('\0');
        self.discriminator.push_str(d.as_ref());
        self
    }

    pub fn build(self) -> Hit {
        let id = Finding::stable_id(&self.rule_id, &self.location, &self.discriminator);
        Hit {
            finding: Finding {
                id,
                rule: self.rule_id,
                category: self.rule.category,
                severity: self.severity,
                title: self.title,
                client: self.client,
                server: self.server,
                location: self.location,
                evidence: self.evidence,
                remediation: self.rule.fix.to_string(),
            },
            subject: self.subject,
        }
    }
}

/// One severity level up (checked-in files, combined risks).
pub(crate) fn bump(s: Severity) -> Severity {
    match s {
        Severity::Info => Severity::Low,
        Severity::Low => Severity::Medium,
        Severity::Medium => Severity::High,
        _ => Severity::Critical,
    }
}

/// Cut at a char boundary, marking the cut.
pub(crate) fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max).collect();
    out.push('…');
    out
}

/// Shown args: redacted, then joined.
pub(crate) fn shown_command(s: &ServerDef) -> String {
    let mut parts: Vec<String> = s.command.iter().cloned().collect();
    parts.extend(warden_model::redact_args(&s.args));
    if parts.is_empty() {
        if let Some(u) = &s.url {
            return warden_model::redact_url(u);
        }
    }
    parts.join(" ")
}

/// An agent discovery has no record of (servers of its client, shell files).
pub(crate) fn placeholder_agent(id: &str) -> Agent {
    let name = match id {
        "claude-code" => "Claude Code",
        other => other,
    };
    Agent {
        id: id.to_string(),
        name: name.to_string(),
        binary: None,
        version: None,
        evidence: vec![],
        config_files: vec![],
        settings: vec![],
        extensions: vec![],
        shadow: false,
    }
}

/// Run every check.
pub(crate) fn run_all(ctx: &Ctx<'_>) -> Vec<Hit> {
    let mut out = Vec::new();
    secrets::check(ctx, &mut out);
    supply::check(ctx, &mut out);
    exposure::check(ctx, &mut out);
    network::check(ctx, &mut out);
    agents::check(ctx, &mut out);
    inventory::check(ctx, &mut out);
    tools::check(ctx, &mut out);
    flow::check(ctx, &mut out);
    out
}

#[cfg(test)]
pub(crate) mod testutil;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_complete_and_unique() {
        let mut ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), RULES.len());
        for r in RULES {
            assert!(
                !r.what.is_empty() && !r.why.is_empty() && !r.fix.is_empty(),
                "{}",
                r.id
            );
        }
        // Every assessment category of the design has a rule.
        for c in [
            Category::Secret,
            Category::ProductionExposure,
            Category::UnknownSource,
            Category::UnpinnedPackage,
            Category::Typosquat,
            Category::KnownMalicious,
            Category::InsecureTransport,
            Category::NoAuth,
            Category::BroadFilesystem,
            Category::OverPermissiveAgent,
            Category::ProjectHook,
            Category::ShadowInstall,
            Category::UnapprovedServer,
            Category::DestructiveTool,
            Category::ToolPoisoning,
            Category::ToolShadowing,
            Category::RugPull,
            Category::HiddenUnicode,
            Category::PromptInjection,
        ] {
            assert!(RULES.iter().any(|r| r.category == c), "{c}");
        }
    }

    #[test]
    fn lookup_by_family() {
        assert_eq!(rule("secret.github-pat").unwrap().id, "secret");
        assert_eq!(rule("Unpinned-Package").unwrap().id, "unpinned-package");
        assert!(rule("nope").is_none());
    }
}
