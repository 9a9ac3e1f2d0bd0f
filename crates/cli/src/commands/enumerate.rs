//! The enumeration step of `warden scan`: speak MCP to every discovered
//! server, pin what it lists in the store, and keep the snapshots and the
//! changes since approval as data for the assessment (rug-pull and the tool
//! rules).

use crate::output::Report;
use std::time::Duration;
use warden_mcp::{enumerate_all, skip_reason, EnumerateOptions, Progress};
use warden_model::{ConfigError, ServerDef, ServerSnapshot, ToolChange, Transport};
use warden_store::Store;

/// What enumeration hands to the assessment.
#[derive(Debug, Default)]
pub struct Enumeration {
    /// One per server that answered.
    pub snapshots: Vec<ServerSnapshot>,
    /// Differences from each server's approved baseline.
    pub changes: Vec<ToolChange>,
}

/// Enumerate the report's servers, fill their `tools`, `prompts`,
/// `resources`, `instructions`, `server_info`, and put failures in `errors`.
pub fn run(report: &mut Report, timeout: Duration, only_approved: bool) -> Enumeration {
    let opts = EnumerateOptions {
        timeout,
        only_approved,
        ..Default::default()
    };
    let defs: Vec<ServerDef> = report.servers.iter().map(|s| s.def.clone()).collect();
    let todo = defs
        .iter()
        .filter(|d| skip_reason(d, &opts).is_none())
        .count();
    if todo == 0 {
        return Enumeration::default();
    }
    let launched = defs
        .iter()
        .filter(|d| d.transport == Transport::Stdio && skip_reason(d, &opts).is_none())
        .count();
    let skipped = defs.len() - todo;
    if launched > 0 {
        eprintln!(
            "warden: starting {launched} configured MCP server(s) with a minimal environment to list their tools (--offline skips this{})",
            if skipped > 0 {
                format!("; {skipped} skipped: disabled, shadow or, with --only-approved, unapproved")
            } else {
                String::new()
            }
        );
    }
    let progress = Progress::new(todo);
    let results = enumerate_all(&defs, &opts, &|e| {
        progress.done(&e.server, e.result.is_ok())
    });
    progress.finish();

    // Pinning needs the store; without one the scan still reports the tools.
    let store = match Store::open_default() {
        Ok(s) => Some(s),
        Err(e) => {
            report.errors.push(ConfigError {
                path: "store".into(),
                message: format!("tool snapshots not saved: {e}"),
            });
            None
        }
    };
    let mut out = Enumeration::default();
    for e in results {
        let Some(server) = report
            .servers
            .iter_mut()
            .find(|s| s.def.key() == e.server_key)
        else {
            continue;
        };
        let snap = match e.result {
            Ok(snap) => snap,
            Err(err) => {
                // One line on stderr, as for config errors; the same is in the output.
                let message = mask_secrets(&err.to_string());
                eprintln!("warden: {}", crate::output::printable(&message));
                report.errors.push(ConfigError {
                    path: server.def.source.clone(),
                    message,
                });
                continue;
            }
        };
        if let Some(store) = &store {
            match store.pin(&snap) {
                Ok(pin) if pin.first_use => eprintln!(
                    "warden: first scan of `{}`: its {} tool(s) are now its approved baseline (trust on first use; later changes raise rug-pull until `warden approve`)",
                    crate::output::printable(&server.def.name),
                    snap.tools.len()
                ),
                Ok(pin) => out.changes.extend(pin.changes),
                Err(err) => report.errors.push(ConfigError {
                    path: "store".into(),
                    message: format!("snapshot of `{}` not saved: {err}", server.def.name),
                }),
            }
        }
        server.tools = Some(snap.tools.clone());
        server.prompts = Some(snap.prompts.clone());
        server.resources = Some(snap.resources.clone());
        server.instructions = snap.instructions.clone();
        server.server_info = Some(snap.server_info.clone());
        out.snapshots.push(snap);
    }
    out
}

/// A failing server's stderr may print the token it was given: mask every
/// secret the detectors recognise before the message is shown or stored.
fn mask_secrets(text: &str) -> String {
    let mut out = text.to_string();
    let mut found = warden_detect::secrets::find(text);
    found.sort_by_key(|m| std::cmp::Reverse(m.span.start));
    let mut last_start = usize::MAX;
    for m in found {
        // Overlapping matches: keep the first (rightmost) replacement only.
        if m.span.end <= last_start
            && out.is_char_boundary(m.span.start)
            && out.is_char_boundary(m.span.end)
        {
            out.replace_range(m.span.clone(), &m.evidence.preview);
            last_start = m.span.start;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn secrets_in_server_errors_are_masked() {
        // A token the detector's own rule examples say it finds.
        let example = warden_detect::secrets::rules()
            .iter()
            .find(|r| r.id == "secret.github-pat")
            .unwrap()
            .examples[0];
        let span = warden_detect::secrets::find(example)[0].span.clone();
        let token = &example[span];
        let msg = format!("server `gh`: exited (stderr: auth failed for {token} | bye)");
        let masked = super::mask_secrets(&msg);
        assert!(!masked.contains(token), "{masked}");
        assert!(
            masked.starts_with("server `gh`: exited") && masked.ends_with("| bye)"),
            "{masked}"
        );
        assert_eq!(super::mask_secrets("plain"), "plain");
    }
}
