//! What `warden inventory` and `warden scan` print: one [`Report`], as a
//! table for people or JSON for machines.

pub mod json;
pub mod table;

use serde::Serialize;
use serde_json::Value;
use warden_model::{Agent, ConfigError, Finding, Inventory, Prompt, Resource, ServerDef, Tool};

/// The whole result of a scan. JSON field names are a public contract.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub agents: Vec<Agent>,
    pub servers: Vec<ServerReport>,
    pub errors: Vec<ConfigError>,
    /// Filled by the assessment step of `scan`; empty for `inventory`.
    pub findings: Vec<Finding>,
    /// Risk score (0-100) of every server and agent, highest first; filled
    /// by the assessment step of `scan`, absent from `inventory`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub scores: Vec<warden_assess::RiskScore>,
}

/// One server: its definition, plus what enumeration learned (absent when
/// the server was not enumerated, e.g. `--offline`).
#[derive(Debug, Clone, Serialize)]
pub struct ServerReport {
    #[serde(flatten)]
    pub def: ServerDef,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tools: Option<Vec<Tool>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prompts: Option<Vec<Prompt>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resources: Option<Vec<Resource>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instructions: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server_info: Option<Value>,
}

impl From<ServerDef> for ServerReport {
    fn from(def: ServerDef) -> Self {
        ServerReport {
            def,
            tools: None,
            prompts: None,
            resources: None,
            instructions: None,
            server_info: None,
        }
    }
}

impl Report {
    pub fn from_inventory(inv: Inventory) -> Report {
        Report {
            agents: inv.agents,
            servers: inv.servers.into_iter().map(ServerReport::from).collect(),
            errors: inv.errors,
            findings: Vec::new(),
            scores: Vec::new(),
        }
    }
}

/// Output formats of the reporting commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
}

/// Writes the report to stdout in `format`.
pub fn print(report: &Report, format: Format) -> anyhow::Result<()> {
    use std::io::Write;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let written = match format {
        Format::Table => table::write(report, &mut out),
        Format::Json => json::write(report, &mut out),
    }
    .and_then(|()| out.flush().map_err(anyhow::Error::from));
    match written {
        // `warden inventory | head` closing the pipe early is not an error.
        Err(e)
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
                    || c.downcast_ref::<serde_json::Error>()
                        .and_then(|j| j.io_error_kind())
                        == Some(std::io::ErrorKind::BrokenPipe)
            }) =>
        {
            Ok(())
        }
        other => other,
    }
}

/// Replaces control characters (a hostile file name or config value could
/// carry terminal escapes) so printed text cannot drive the terminal.
pub fn printable(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}
