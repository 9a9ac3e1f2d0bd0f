//! Subcommands. One file each; `run` dispatches.

use clap::{Parser, Subcommand};
use std::process::ExitCode;

mod approve;
mod check;
mod common;
mod enumerate;
mod hook;
mod install;
mod inventory;
mod log;
mod policy;
mod rules;
mod scan;

/// Warden: find every AI agent and MCP server on a machine, rate how risky
/// each is, and guard what they do at run time.
#[derive(Parser, Debug)]
#[command(name = "warden", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Discover agents and MCP servers, enumerate their tools, assess risk
    Scan(scan::Args),
    /// List what is installed: agents, MCP servers, extensions (no enumeration)
    Inventory(inventory::Args),
    /// Scan files and repositories for secrets, prompt injection, hidden Unicode, PII
    Check(check::Args),
    /// Accept servers' current tool snapshots as the approved baseline
    Approve(approve::Args),
    /// Claude Code hook handler: reads one hook event on stdin, prints the decision
    Hook(hook::Args),
    /// Wire Warden's hook into a client's config (backed up; --undo restores)
    Install(install::Args),
    /// Validate and test policy files
    Policy(policy::Args),
    /// Show recent audit-log events
    Log(log::Args),
    /// List every assessment and detection rule
    Rules(rules::RulesArgs),
    /// Explain one rule: what it finds, why it matters, how to fix it
    Explain(rules::ExplainArgs),
    /// Merge (or --replace) the known-malicious package list from a file, offline
    UpdateIntel(rules::UpdateIntelArgs),
}

impl Cli {
    /// What clap parses from exactly `warden hook` (see `main`).
    pub fn hook() -> Cli {
        Cli {
            command: Command::Hook(hook::Args {}),
        }
    }
}

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Scan(a) => scan::run(a),
        Command::Inventory(a) => inventory::run(a),
        Command::Check(a) => check::run(a),
        Command::Approve(a) => approve::run(a),
        Command::Hook(a) => hook::run(a),
        Command::Install(a) => install::run(a),
        Command::Policy(a) => policy::run(a),
        Command::Log(a) => log::run(a),
        Command::Rules(a) => rules::run_rules(a),
        Command::Explain(a) => rules::run_explain(a),
        Command::UpdateIntel(a) => rules::run_update_intel(a),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hook_fast_path_is_what_clap_parses() {
        assert_eq!(
            format!("{:?}", Cli::parse_from(["warden", "hook"])),
            format!("{:?}", Cli::hook())
        );
    }
}
