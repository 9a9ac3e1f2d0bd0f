use super::common::{print_errors, DiscoverArgs};
use crate::output::{self, Format, Report};
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub discover: DiscoverArgs,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let inv = warden_discover::discover(&args.discover.options());
    print_errors(&inv.errors);
    output::print(&Report::from_inventory(inv), args.format)?;
    Ok(ExitCode::SUCCESS)
}
