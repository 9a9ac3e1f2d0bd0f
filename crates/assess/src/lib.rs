//! Risk assessment: posture rules over the inventory, the tool snapshots and
//! their changes, giving prioritized findings and a risk score per server and
//! per agent. Pure: no I/O, nothing executed, no config changed; every
//! remediation is a suggestion a human applies.
//!
//! ```text
//! Inventory + ServerSnapshots + ToolChanges + approved list ──> assess() ──> Assessment
//! ```
//!
//! Rules live in a table ([`RULES`]), one family per file under `rules/`.
//! Threat intel (known-malicious packages, reference package names and
//! vendor hosts) is data under `data/intel/` ([`intel`]).

pub mod intel;
pub mod launch;
mod rules;
mod score;

pub use intel::{Ecosystem, Intel, IntelError, MaliciousList, MaliciousPackage};
pub use launch::{launch, Launch, Package};
pub use rules::{rule, Rule, RULES};
pub use score::{score_of, SCORING};

use rules::{Ctx, Subject};
use serde::Serialize;
use std::collections::HashMap;
use warden_model::{Finding, Inventory, ServerSnapshot, ToolChange};

/// What the assessment reads.
#[derive(Debug, Clone, Copy)]
pub struct AssessInput<'a> {
    pub inventory: &'a Inventory,
    /// Enumerated tools, one per reachable server (empty with `--offline`).
    pub snapshots: &'a [ServerSnapshot],
    /// Differences from the approved baseline (rug pulls).
    pub changes: &'a [ToolChange],
    /// The policy's `[inventory] approved` list (names, packages, URLs);
    /// empty means no list: `unapproved-server` does not fire.
    pub approved: &'a [String],
    /// Threat intel; `None` uses the lists bundled with Warden.
    pub intel: Option<&'a Intel>,
    /// Shell startup files and scripts as (path, text), searched for agents
    /// launched with `--dangerously-skip-permissions`. The caller reads them.
    pub scripts: &'a [(String, String)],
}

/// What a score is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SubjectKind {
    Server,
    Agent,
}

/// Risk of one server or agent, 0 (nothing found) to 100.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RiskScore {
    /// [`warden_model::ServerDef::key`] for servers, the client id for agents.
    pub subject: String,
    pub kind: SubjectKind,
    /// Display name: the server's name, or the agent's.
    pub name: String,
    /// Client id the subject belongs to.
    pub client: String,
    pub score: u8,
    /// How many findings count toward it.
    pub findings: usize,
}

/// The prioritized result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assessment {
    /// Most severe first; within a severity, the riskiest subject first.
    pub findings: Vec<Finding>,
    /// Highest score first.
    pub scores: Vec<RiskScore>,
}

/// Run every rule and score every server and agent.
pub fn assess(input: &AssessInput<'_>) -> Assessment {
    let bundled;
    let intel = match input.intel {
        Some(i) => i,
        None => {
            bundled = Intel::bundled();
            &bundled
        }
    };
    let ctx = Ctx {
        inv: input.inventory,
        snapshots: input
            .snapshots
            .iter()
            .map(|s| (s.server_key.as_str(), s))
            .collect(),
        changes: input.changes,
        approved: input.approved,
        intel,
        scripts: input.scripts,
    };
    let mut hits = rules::run_all(&ctx);
    // One finding per id: two rules paths may reach the same problem.
    let mut seen = std::collections::HashSet::new();
    hits.retain(|h| seen.insert(h.finding.id.clone()));

    // Scores: a server from its own findings; an agent from its own and its servers'.
    let inv = input.inventory;
    let mut by_subject: HashMap<Subject, Vec<&Finding>> = HashMap::new();
    for h in &hits {
        by_subject
            .entry(h.subject.clone())
            .or_default()
            .push(&h.finding);
    }
    let mut scores = Vec::new();
    for s in &inv.servers {
        let fs = by_subject
            .get(&Subject::Server(s.key()))
            .cloned()
            .unwrap_or_default();
        scores.push(RiskScore {
            subject: s.key(),
            kind: SubjectKind::Server,
            name: s.name.clone(),
            client: s.client.clone(),
            score: score_of(fs.iter().map(|f| f.severity)),
            findings: fs.len(),
        });
    }
    let mut agent_ids: Vec<(String, String)> = inv
        .agents
        .iter()
        .map(|a| (a.id.clone(), a.name.clone()))
        .collect();
    // Servers of a client discovery found no agent record for still roll up.
    for s in &inv.servers {
        if !agent_ids.iter().any(|(id, _)| *id == s.client) {
            agent_ids.push((s.client.clone(), s.client.clone()));
        }
    }
    for (id, name) in agent_ids {
        let mut fs = by_subject
            .get(&Subject::Agent(id.clone()))
            .cloned()
            .unwrap_or_default();
        for s in inv.servers.iter().filter(|s| s.client == id) {
            if let Some(more) = by_subject.get(&Subject::Server(s.key())) {
                fs.extend(more.iter().copied());
            }
        }
        scores.push(RiskScore {
            subject: id.clone(),
            kind: SubjectKind::Agent,
            name,
            client: id,
            score: score_of(fs.iter().map(|f| f.severity)),
            findings: fs.len(),
        });
    }

    let subject_score = |s: &Subject| -> u8 {
        let (kind, key) = match s {
            Subject::Server(k) => (SubjectKind::Server, k),
            Subject::Agent(k) => (SubjectKind::Agent, k),
        };
        scores
            .iter()
            .find(|r| r.kind == kind && r.subject == *key)
            .map(|r| r.score)
            .unwrap_or(0)
    };
    hits.sort_by(|a, b| {
        b.finding
            .severity
            .cmp(&a.finding.severity)
            .then_with(|| subject_score(&b.subject).cmp(&subject_score(&a.subject)))
            .then_with(|| a.finding.rule.cmp(&b.finding.rule))
            .then_with(|| a.finding.location.path.cmp(&b.finding.location.path))
            .then_with(|| a.finding.location.field.cmp(&b.finding.location.field))
            .then_with(|| a.finding.id.cmp(&b.finding.id))
    });
    scores.sort_by(|a, b| {
        b.score
            .cmp(&a.score)
            .then_with(|| a.kind.cmp(&b.kind))
            .then_with(|| a.subject.cmp(&b.subject))
    });
    Assessment {
        findings: hits.into_iter().map(|h| h.finding).collect(),
        scores,
    }
}
