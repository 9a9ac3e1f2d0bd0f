//! Pure content detectors. Every detector takes text (or JSON) handed in by
//! the caller and returns [`Match`]es; no I/O. The same detectors serve
//! `warden check` (files), the assessment (configs, tool descriptions) and the
//! runtime guardrails (tool calls, tool output).
//!
//! | module | finds | rules |
//! |---|---|---|
//! | `secrets` | credentials (provider tokens, keys, connection strings) | `rules/secrets/*.toml` |
//! | `pii` | emails, phones, cards (Luhn), SSN, IBAN | in code, with context |
//! | `injection` | prompt injection aimed at agents (scored) | |
//! | `unicode` | tag characters, bidi controls, zero-width, ANSI escapes | |
//! | `shell` | destructive shell commands (parsed like a shell) | `rules/shell/*.toml` |
//! | `tooldef` | poisoned, destructive and shadowing MCP tool definitions | |
//! | `content` | runs all text detectors over a file, with line/column | |

use std::ops::Range;
use warden_model::{Category, Evidence, Severity};

pub mod content;
pub mod injection;
pub mod pii;
pub mod secrets;
pub mod shell;
pub mod tooldef;
pub mod unicode;

/// One detection in a piece of text.
#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    /// Rule id, namespaced by detector: `secret.github-pat`, `shell.rm-rf`,
    /// `injection.ignore-previous`, `unicode.tag-chars`, `pii.credit-card`.
    pub rule: String,
    pub category: Category,
    pub severity: Severity,
    /// One line a human reads: "GitHub personal access token".
    pub title: String,
    /// Byte range in the text handed in.
    pub span: Range<usize>,
    /// Safe to print: secrets masked, a fingerprint for matching.
    pub evidence: Evidence,
}
