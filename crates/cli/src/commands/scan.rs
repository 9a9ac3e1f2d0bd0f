//! `warden scan`: a pipeline of steps over one [`Report`]. Each step is one
//! function below; a new step is one more call in `run`.

use super::common::{print_errors, DiscoverArgs};
use super::enumerate::Enumeration;
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
    /// Seconds each server gets to start and list its tools
    #[arg(long, value_name = "SECS", default_value_t = 15,
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout: u64,
    /// Launch only the stdio servers their client approved
    #[arg(long)]
    pub only_approved: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    // 1. discover: every agent and server configured on the machine.
    let mut report = discover(&args);
    // 2. enumerate: tools, prompts, resources of each server (not offline).
    let enumeration = if args.offline {
        Enumeration::default()
    } else {
        enumerate(&mut report, &args)
    };
    // 3. assess: findings over the inventory and what enumeration saw.
    assess(&mut report, &enumeration, &args)?;
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
/// each [`crate::output::ServerReport`], failures into `errors`; pins the
/// snapshots in the store and returns them with the changes since approval.
fn enumerate(report: &mut Report, args: &Args) -> Enumeration {
    let timeout = std::time::Duration::from_secs(args.timeout);
    super::enumerate::run(report, timeout, args.only_approved)
}

/// Fills `report.findings`. Not yet implemented (assessment step).
/// `enumeration.snapshots` and `enumeration.changes` (rug pulls) are the
/// tool data for the assessment.
fn assess(_report: &mut Report, _enumeration: &Enumeration, _args: &Args) -> anyhow::Result<()> {
    Ok(())
}
