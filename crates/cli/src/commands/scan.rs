//! `warden scan`: a pipeline of steps over one [`Report`]. Each step is one
//! function below; a new step is one more call in `run`.

use super::common::{print_errors, DiscoverArgs};
use crate::output::{self, Format, Report};
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub discover: DiscoverArgs,
    /// Do not launch or contact any server (no tool enumeration)
    #[arg(long)]
    pub offline: bool,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    // 1. discover: every agent and server configured on the machine.
    let mut report = discover(&args);
    // 2. enumerate: tools, prompts, resources of each server (not offline).
    if !args.offline {
        enumerate(&mut report, &args)?;
    }
    // 3. assess: findings over the inventory and what enumeration saw.
    assess(&mut report, &args)?;
    // 4. output.
    output::print(&report, args.format)?;
    Ok(ExitCode::SUCCESS)
}

fn discover(args: &Args) -> Report {
    let inv = warden_discover::discover(&args.discover.options());
    print_errors(&inv.errors);
    Report::from_inventory(inv)
}

/// Fills `tools`, `prompts`, `resources`, `instructions`, `server_info` of
/// each [`crate::output::ServerReport`]. Not yet implemented (mcp step).
fn enumerate(_report: &mut Report, _args: &Args) -> anyhow::Result<()> {
    Ok(())
}

/// Fills `report.findings`. Not yet implemented (assessment step).
fn assess(_report: &mut Report, _args: &Args) -> anyhow::Result<()> {
    Ok(())
}
