//! The `warden` binary: argument parsing and dispatch only. Each subcommand
//! lives in `commands/<name>.rs`; the work lives in the library crates.

mod commands;
mod cyclonedx;
mod output;
mod sarif;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    // `warden hook` runs once per tool call: skip building the whole clap
    // command tree (about a tenth of a hook's instructions) for the one exact
    // form the installed hook uses.
    let cli = if std::env::args_os().skip(1).eq(["hook"]) {
        commands::Cli::hook()
    } else {
        commands::Cli::parse()
    };
    match commands::run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("warden: error: {e:#}");
            ExitCode::from(2)
        }
    }
}
