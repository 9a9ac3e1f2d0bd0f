//! Why enumerating one server failed, said so a person can act on it.

use std::time::Duration;

/// One server could not be enumerated. Display gives one line: the server,
/// the reason, and the last lines the server wrote to stderr.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("server `{server}`: {kind}{}", stderr_suffix(.stderr))]
pub struct EnumerateError {
    /// Server name as configured.
    pub server: String,
    pub kind: ErrorKind,
    /// Last lines of the server's stderr (stdio only), control characters
    /// removed and each line shortened.
    pub stderr: Vec<String>,
}

fn stderr_suffix(lines: &[String]) -> String {
    if lines.is_empty() {
        String::new()
    } else {
        format!(" (stderr: {})", lines.join(" | "))
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ErrorKind {
    #[error("no command configured")]
    NoCommand,
    #[error("no URL configured")]
    NoUrl,
    #[error("cannot start `{command}`: {reason}")]
    Spawn { command: String, reason: String },
    #[error("{detail} while waiting for `{waiting_for}`")]
    Closed { detail: String, waiting_for: String },
    #[error("no answer to `{waiting_for}` within {}s{}", after.as_secs_f64(), note_suffix(.note))]
    Timeout {
        waiting_for: String,
        after: Duration,
        note: Option<String>,
    },
    #[error("does not speak MCP: {0}")]
    NotMcp(String),
    #[error("`{method}` failed: {message} (JSON-RPC error {code})")]
    Rpc {
        method: String,
        code: i64,
        message: String,
    },
    #[error("HTTP: {0}")]
    Http(String),
    #[error("I/O: {0}")]
    Io(String),
}

fn note_suffix(note: &Option<String>) -> String {
    note.as_ref().map(|n| format!("; {n}")).unwrap_or_default()
}

/// Printable and bounded: a hostile server controls this text (ANSI escapes,
/// megabyte lines), and it ends up on a terminal.
pub(crate) fn sanitize(s: &str, max_chars: usize) -> String {
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i == max_chars {
            out.push('…');
            break;
        }
        // Control and invisible formatting characters (bidi overrides, zero-width,
        // Unicode tags) could rewrite what the terminal shows.
        let hidden = c.is_control()
            || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}' | '\u{E0000}'..='\u{E007F}');
        out.push(if hidden { ' ' } else { c });
    }
    out.trim_end().to_string()
}
