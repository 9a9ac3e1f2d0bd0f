//! `warden log`: recent audit-log events, `--follow` to stream them,
//! `--verify` to check the hash chain.

use anyhow::Context as _;
use std::io::Write;
use std::process::ExitCode;
use warden_store::audit::{AuditRecord, ChainStatus};
use warden_store::{AuditLog, Store};

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Table,
    /// One JSON object per line (for a SIEM)
    Json,
}

#[derive(clap::Args, Debug)]
pub struct Args {
    /// How many recent events to show
    #[arg(short = 'n', long, default_value_t = 20)]
    pub lines: usize,
    /// Keep running and print new events as they are recorded
    #[arg(long)]
    pub follow: bool,
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    /// Check the hash chain instead of printing events (exit 1 if broken)
    #[arg(long)]
    pub verify: bool,
    /// With --verify: a head hash printed by an earlier --verify, kept
    /// elsewhere; fail if that record is no longer in the log (cut off)
    #[arg(long, value_name = "HASH", requires = "verify")]
    pub anchor: Option<String>,
}

fn clip(s: &str, n: usize) -> String {
    let s = s.replace('\n', " ");
    if s.chars().count() <= n {
        return s;
    }
    let mut out: String = s.chars().take(n.saturating_sub(1)).collect();
    out.push('…');
    out
}

fn print(out: &mut impl Write, r: &AuditRecord, format: Format) -> std::io::Result<()> {
    let e = &r.event;
    match format {
        Format::Json => {
            let v = serde_json::json!({
                "seq": r.seq,
                "hash": r.hash,
                "prev_hash": r.prev_hash,
                "event": e,
            });
            writeln!(out, "{v}")
        }
        Format::Table => writeln!(
            out,
            "{:<24} {:<8} {:<16} {:<28} {:<6} {:<28} {}",
            e.time,
            clip(e.session_id.as_deref().unwrap_or("-"), 8),
            format!("{:?}", e.event),
            clip(e.tool_name.as_deref().unwrap_or("-"), 28),
            e.decision.as_str(),
            clip(e.rule.as_deref().unwrap_or("-"), 28),
            clip(&e.reason, 100)
        ),
    }
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    // Opening the store first moves an older store's audit table to the log file.
    Store::open_default().context("cannot open Warden's store")?;
    let log = AuditLog::open_default().context("cannot open Warden's audit log")?;
    if args.verify {
        return Ok(match log.verify()? {
            ChainStatus::Intact { records } => {
                // The newest hash: kept elsewhere (a SIEM, a ticket), it shows
                // later whether records were cut off the end, which the chain
                // alone cannot.
                if let Some(anchor) = &args.anchor {
                    let (all, _) = log.records_from(0)?;
                    if !all.iter().any(|r| &r.hash == anchor) {
                        println!(
                            "audit log TRUNCATED: the anchored record {anchor} is no longer in it"
                        );
                        return Ok(ExitCode::from(1));
                    }
                }
                let head = log.recent(1)?.0.pop().map(|r| r.hash);
                println!(
                    "audit log intact: {records} records, hash chain verified (head {})",
                    head.as_deref().unwrap_or(warden_store::audit::GENESIS)
                );
                ExitCode::SUCCESS
            }
            ChainStatus::Broken { seq, reason } => {
                println!("audit log TAMPERED at record {seq}: {reason}");
                ExitCode::from(1)
            }
        });
    }
    let mut out = std::io::stdout().lock();
    if args.format == Format::Table {
        writeln!(
            out,
            "{:<24} {:<8} {:<16} {:<28} {:<6} {:<28} REASON",
            "TIME", "SESSION", "EVENT", "TOOL", "ACTION", "RULE"
        )?;
    }
    let (recent, mut offset) = log.recent(args.lines)?;
    for r in &recent {
        print(&mut out, r, args.format)?;
    }
    out.flush()?;
    if args.follow {
        // Follow from the end of the file, whatever `-n` showed.
        loop {
            std::thread::sleep(std::time::Duration::from_millis(300));
            let (new, next) = log.records_from(offset)?;
            for r in &new {
                print(&mut out, r, args.format)?;
            }
            offset = next;
            out.flush()?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
