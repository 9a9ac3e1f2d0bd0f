//! The detectors the engine uses, in one place: each is a thin call into
//! `warden_detect`, with the text bounded first so no input can make a
//! decision slow.

use warden_detect::Match;
use warden_model::Tool;

/// Longest text handed to one detector call. Secrets and injections sit in
/// the first megabyte of anything an agent sends or reads in practice; the
/// hook states when it cut (see `bounded`).
pub const MAX_SCAN: usize = 1 << 20;

/// `text` cut to [`MAX_SCAN`] bytes at a character boundary.
pub fn bounded(text: &str) -> &str {
    if text.len() <= MAX_SCAN {
        return text;
    }
    let mut end = MAX_SCAN;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

pub fn secrets(text: &str) -> Vec<Match> {
    warden_detect::secrets::find(bounded(text))
}

/// Personal data worth stopping: cards, SSNs, IBANs, phone numbers. Email
/// addresses alone (low severity) are in too much legitimate traffic (commit
/// authors, issue bodies) to block on.
pub fn pii(text: &str) -> Vec<Match> {
    let mut v = warden_detect::pii::find(bounded(text));
    v.retain(|m| m.severity >= warden_model::Severity::Medium);
    v
}

pub fn injection(text: &str) -> Vec<Match> {
    warden_detect::injection::find(bounded(text))
}

pub fn unicode(text: &str) -> Vec<Match> {
    warden_detect::unicode::find(bounded(text))
}

/// Destructive-command matches for one command line.
pub fn shell(cmd: &str) -> Vec<Match> {
    warden_detect::shell::analyze(bounded(cmd))
}

/// Findings about one MCP tool definition (destructive, poisoned).
pub fn tooldef(tool: &Tool) -> Vec<Match> {
    warden_detect::tooldef::analyze_tool(tool)
}
