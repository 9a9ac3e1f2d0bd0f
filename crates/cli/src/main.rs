//! The `warden` binary: argument parsing and dispatch only. Each subcommand
//! lives in `commands/<name>.rs`; the work lives in the library crates.

mod commands;
mod cyclonedx;
mod output;
mod sarif;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = commands::Cli::parse();
    match commands::run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("warden: error: {e:#}");
            ExitCode::from(2)
        }
    }
}
