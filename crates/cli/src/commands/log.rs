//! `warden log`: recent audit-log events, `--follow` to stream them,
//! `--verify` to check the hash chain.

use anyhow::Context as _;
use std::io::Write;
use std::process::ExitCode;
use warden_store::audit::{AuditRecord, ChainStatus};
use warden_store::AuditLog;

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
    let log = AuditLog::open_default().context("cannot open Warden's audit log")?;
    if args.verify {
        return Ok(match log.verify(args.anchor.as_deref())? {
            // The newest hash: kept elsewhere (a SIEM, a ticket), it shows
            // later (`--anchor`) whether records were cut off the end, which
            // the chain alone cannot.
            ChainStatus::Intact { records, head } => {
                println!("audit log intact: {records} records, hash chain verified (head {head})");
                ExitCode::SUCCESS
            }
            ChainStatus::AnchorMissing { records } => {
                println!(
                    "audit log TRUNCATED: the chain of {records} records holds, but the anchored record {} is no longer in it",
                    args.anchor.as_deref().unwrap_or_default()
                );
                ExitCode::from(1)
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
