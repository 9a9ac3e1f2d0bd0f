//! `warden scan`: a pipeline of steps over one [`Report`]. Each step is one
//! function below; a new step is one more call in `run`.

use super::common::{print_errors, DiscoverArgs};
use super::enumerate::Enumeration;
use crate::output::{self, Format, Report};
use std::process::ExitCode;
use warden_model::Severity;

/// Output formats of `scan`: the inventory formats plus SARIF and CycloneDX.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ScanFormat {
    Table,
    Json,
    /// SARIF 2.1.0, one result per finding
    Sarif,
    /// CycloneDX 1.6 AI bill of materials
    Cyclonedx,
}

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub discover: DiscoverArgs,
    /// Do not launch or contact any server (no tool enumeration)
    #[arg(long)]
    pub offline: bool,
    /// Output format
    #[arg(long, value_enum, default_value_t = ScanFormat::Table)]
    pub format: ScanFormat,
    /// Exit 1 when any finding reaches this severity (critical, high, medium, low, info)
    #[arg(long, value_name = "SEVERITY")]
    pub fail_on: Option<Severity>,
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
    assess(&mut report, &enumeration, &args);
    // 4. output.
    print(&report, args.format)?;
    if super::rules::fails(&report, args.fail_on) {
        return Ok(ExitCode::from(1));
    }
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

/// Fills `report.findings`, most severe first, from the inventory and
/// `enumeration.snapshots` / `enumeration.changes` (rug pulls). Reads only:
/// Warden changes no config in a scan.
fn assess(report: &mut Report, enumeration: &Enumeration, args: &Args) {
    let home = args.discover.options().home;
    super::rules::assess_report(report, &enumeration.snapshots, &enumeration.changes, &home);
    // Runtime (`warden hook`) acts on the last scan of this user's own
    // machine; another home's findings (`--home`) say nothing about it.
    if args.discover.home.is_none() {
        super::rules::save_findings(report);
    }
}

fn print(report: &Report, format: ScanFormat) -> anyhow::Result<()> {
    use std::io::Write;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match format {
        ScanFormat::Table => {
            super::rules::write_summary(report, &mut out)?;
            out.flush()?;
            drop(out);
            output::print(report, Format::Table)?;
            return Ok(());
        }
        ScanFormat::Json => {
            drop(out);
            output::print(report, Format::Json)?;
            return Ok(());
        }
        ScanFormat::Sarif => crate::sarif::write(
            &report.findings,
            &super::rules::sarif_rules(),
            &super::rules::sarif_notes(report),
            &mut out,
        )?,
        ScanFormat::Cyclonedx => crate::cyclonedx::write(report, &mut out)?,
    }
    out.flush()?;
    Ok(())
}
