//! Options and output helpers shared by several subcommands.

use std::path::PathBuf;
use warden_discover::{DiscoverOptions, Os};
use warden_model::ConfigError;

/// Where to look: shared by `inventory` and `scan`.
#[derive(clap::Args, Debug, Clone)]
pub struct DiscoverArgs {
    /// Audit this home directory instead of the current user's (client
    /// environment variables such as CLAUDE_CONFIG_DIR are then ignored)
    #[arg(long, value_name = "DIR", value_parser = existing_dir)]
    pub home: Option<PathBuf>,
    /// Root under which system-wide paths (/etc, /Library, ProgramData) are read
    #[arg(long, value_name = "DIR")]
    pub system_root: Option<PathBuf>,
    /// Walk this folder for project configs (repeatable)
    #[arg(long = "root", value_name = "DIR")]
    pub roots: Vec<PathBuf>,
    /// Read config files only: no PATH binaries, global packages, editor
    /// extensions or running processes
    #[arg(long)]
    pub no_host_probes: bool,
}

/// `--home` must name a directory: a typo would otherwise audit nothing and
/// report a clean machine. (A missing `--system-root` is a machine without
/// managed settings, which is normal.)
fn existing_dir(s: &str) -> Result<PathBuf, String> {
    let p = PathBuf::from(s);
    match std::fs::metadata(&p) {
        Ok(m) if m.is_dir() => Ok(p),
        Ok(_) => Err(format!("{s} is not a directory")),
        Err(e) => Err(format!("{s}: {e}")),
    }
}

impl DiscoverArgs {
    pub fn options(&self) -> DiscoverOptions {
        let mut o = match &self.home {
            // Another home: its files only, none of this user's environment.
            Some(h) => {
                let mut o = DiscoverOptions::new(h);
                o.host_probes = true;
                o.path = std::env::var_os("PATH");
                if o.os == Os::Linux {
                    o.proc_root = Some(PathBuf::from("/proc"));
                }
                o
            }
            None => DiscoverOptions::for_this_machine(),
        };
        if let Some(r) = &self.system_root {
            o.system_root = r.clone();
        }
        o.roots = self.roots.clone();
        if self.no_host_probes {
            o.host_probes = false;
        }
        o
    }
}

/// Each problem on its own line on stderr (the same list is in the output).
pub fn print_errors(errors: &[ConfigError]) {
    for e in errors {
        eprintln!(
            "warden: {}: {}",
            crate::output::printable(&e.path),
            crate::output::printable(&e.message)
        );
    }
}
