//! `warden approve SERVER|--all`: accept servers' latest tool snapshots as
//! their baselines, ending the `rug-pull` findings their changes raised.

use anyhow::Context;
use std::process::ExitCode;
use warden_model::ChangeKind;
use warden_store::Store;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Server name as configured (or its full key `client/scope/project/name`)
    #[arg(required_unless_present = "all", conflicts_with = "all")]
    pub server: Option<String>,
    /// Approve every server that has been scanned
    #[arg(long)]
    pub all: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let store = Store::open_default().context("cannot open Warden's store")?;
    let keys = match &args.server {
        Some(name) if !args.all => store.keys_for_server(name)?,
        _ => store.snapshot_keys()?,
    };
    if keys.is_empty() {
        match &args.server {
            Some(name) if !args.all => anyhow::bail!(
                "server `{name}` has never been scanned: run `warden scan` (without --offline) first, then approve it"
            ),
            _ => anyhow::bail!(
                "no server has been scanned yet: run `warden scan` (without --offline) first"
            ),
        }
    }
    for key in keys {
        let Some(snap) = store.latest_snapshot(&key)? else {
            continue;
        };
        let changes = store.compare(&snap)?;
        store.approve(&key)?;
        let accepted = if changes.is_empty() {
            String::new()
        } else {
            let kinds: Vec<String> = changes
                .iter()
                .map(|c| {
                    let kind = match c.kind {
                        ChangeKind::Added => "added",
                        ChangeKind::Removed => "removed",
                        ChangeKind::Changed => "changed",
                    };
                    format!("{kind} {}", c.tool)
                })
                .collect();
            format!(
                "; accepted {} change(s): {}",
                changes.len(),
                kinds.join(", ")
            )
        };
        println!(
            "approved {key}: {} tool(s) as of {}{accepted}",
            snap.tools.len(),
            snap.taken_at
        );
    }
    Ok(ExitCode::SUCCESS)
}
