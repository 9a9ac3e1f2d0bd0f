//! Table output, grouped by client, fitting 100 columns. Hand-sized columns:
//! the data is short and known, a table crate would add weight for nothing.

use super::{printable, Report, ServerReport};
use std::collections::BTreeMap;
use std::io::Write;
use warden_model::{redact_args, redact_url, ExtensionKind};

const WIDTH: usize = 100;
const NAME: usize = 18;
const SCOPE: usize = 16;
const TRANSPORT: usize = 5;
const STATUS: usize = 11;

/// Cuts to `n` characters, marking the cut with `…`.
fn fit(s: &str, n: usize) -> String {
    let s = printable(s);
    if s.chars().count() <= n {
        s
    } else {
        let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// Word-wraps into at most `max` lines of `width` characters; a longer
/// word is cut, and text past the last line is marked with `…`.
fn wrap(s: &str, width: usize, max: usize) -> Vec<String> {
    let s = printable(s);
    let mut lines: Vec<String> = Vec::new();
    let mut cur = String::new();
    for word in s.split(' ') {
        let need = cur.chars().count() + usize::from(!cur.is_empty()) + word.chars().count();
        if need > width && !cur.is_empty() {
            lines.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(word);
        while cur.chars().count() > width {
            let head: String = cur.chars().take(width).collect();
            cur = cur.chars().skip(width).collect();
            lines.push(head);
        }
    }
    if !cur.is_empty() || lines.is_empty() {
        lines.push(cur);
    }
    if lines.len() > max {
        lines.truncate(max);
        let last = fit(&format!("{}  ", lines[max - 1]), width);
        lines[max - 1] = if last.ends_with('…') {
            last
        } else {
            format!("{}…", lines[max - 1].trim_end())
        };
    }
    lines
}

fn last_component(p: &str) -> &str {
    p.trim_end_matches(['/', '\\'])
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(p)
}

fn scope(s: &ServerReport) -> String {
    match &s.def.project {
        Some(p) => format!("{}:{}", s.def.scope.as_str(), last_component(p)),
        None => s.def.scope.as_str().to_string(),
    }
}

fn status(s: &ServerReport) -> String {
    let d = &s.def;
    let base = if d.shadow {
        "shadow"
    } else if !d.enabled {
        "disabled"
    } else if d.approved {
        "approved"
    } else {
        "unapproved"
    };
    if d.enabled && !d.auto_approve.is_empty() {
        format!("{base}*")
    } else {
        base.to_string()
    }
}

/// Command line (args redacted) or URL (credentials redacted).
fn target(s: &ServerReport) -> String {
    let d = &s.def;
    match (&d.command, &d.url) {
        (Some(c), _) => {
            let mut parts = vec![c.clone()];
            parts.extend(redact_args(&d.args));
            parts.join(" ")
        }
        (None, Some(u)) => redact_url(u),
        (None, None) => String::new(),
    }
}

fn plural(n: usize, one: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {one}s")
    }
}

pub fn write(report: &Report, out: &mut dyn Write) -> anyhow::Result<()> {
    let rest = WIDTH - 2 - NAME - SCOPE - TRANSPORT - STATUS - 4;
    let mut by_client: BTreeMap<&str, Vec<&ServerReport>> = BTreeMap::new();
    for s in &report.servers {
        by_client.entry(s.def.client.as_str()).or_default().push(s);
    }
    for a in &report.agents {
        by_client.entry(a.id.as_str()).or_default();
    }
    writeln!(
        out,
        "{}, {}, {}",
        plural(report.agents.len(), "agent"),
        plural(report.servers.len(), "MCP server"),
        plural(report.errors.len(), "error")
    )?;
    for (client, servers) in &by_client {
        let agent = report.agents.iter().find(|a| a.id == *client);
        let name = match agent {
            Some(a) => a.name.as_str(),
            None if *client == "unknown" => "running or installed, started by no config",
            None => "",
        };
        let mut notes = Vec::new();
        if let Some(a) = agent {
            if a.shadow {
                notes.push("installed, no config".to_string());
            }
            if let Some(b) = &a.binary {
                notes.push(format!("binary {b}"));
            }
            if !a.config_files.is_empty() {
                notes.push(plural(a.config_files.len(), "config file"));
            }
            if !a.settings.is_empty() {
                notes.push(plural(a.settings.len(), "settings file"));
            }
        }
        writeln!(out)?;
        let head = if notes.is_empty() {
            format!("{client}  {name}")
        } else {
            format!("{client}  {name}  ({})", notes.join(", "))
        };
        writeln!(out, "{}", fit(&head, WIDTH))?;
        if !servers.is_empty() {
            writeln!(
                out,
                "  {:NAME$} {:SCOPE$} {:TRANSPORT$} {:STATUS$} COMMAND / URL",
                "NAME", "SCOPE", "VIA", "STATUS"
            )?;
        }
        for s in servers {
            let lines = wrap(&target(s), rest, 3);
            writeln!(
                out,
                "  {:NAME$} {:SCOPE$} {:TRANSPORT$} {:STATUS$} {}",
                fit(&s.def.name, NAME),
                fit(&scope(s), SCOPE),
                s.def.transport.as_str(),
                status(s),
                lines.first().map(String::as_str).unwrap_or("")
            )?;
            for l in lines.iter().skip(1) {
                writeln!(out, "{:indent$}{l}", "", indent = WIDTH - rest)?;
            }
            if let Some(tools) = &s.tools {
                writeln!(out, "  {:NAME$} {}", "", plural(tools.len(), "tool"))?;
            }
        }
        if let Some(a) = agent {
            let mut counts: BTreeMap<ExtensionKind, usize> = BTreeMap::new();
            for e in &a.extensions {
                *counts.entry(e.kind).or_default() += 1;
            }
            if !counts.is_empty() {
                let list: Vec<String> = counts
                    .iter()
                    .map(|(k, n)| plural(*n, &kind_name(*k)))
                    .collect();
                writeln!(
                    out,
                    "  {}",
                    fit(&format!("extensions: {}", list.join(", ")), WIDTH - 2)
                )?;
            }
            for e in a
                .extensions
                .iter()
                .filter(|e| e.kind == ExtensionKind::Hook)
            {
                let d = e.detail.as_deref().unwrap_or(&e.name);
                writeln!(
                    out,
                    "    {}",
                    fit(&format!("hook ({}) {d}", e.scope.as_str()), WIDTH - 4)
                )?;
            }
        }
    }
    if report
        .servers
        .iter()
        .any(|s| s.def.enabled && !s.def.auto_approve.is_empty())
    {
        writeln!(out)?;
        writeln!(
            out,
            "* runs some or all of its tools without asking (auto-approve)"
        )?;
    }
    if !report.findings.is_empty() {
        writeln!(out)?;
        writeln!(out, "FINDINGS ({})", report.findings.len())?;
        for f in &report.findings {
            let line = format!(
                "  {:8} {:28} {}",
                f.severity.as_str(),
                fit(&f.rule, 28),
                f.title
            );
            writeln!(out, "{}", fit(&line, WIDTH))?;
        }
    }
    if !report.errors.is_empty() {
        writeln!(out)?;
        writeln!(out, "ERRORS ({})", report.errors.len())?;
        for e in &report.errors {
            writeln!(out, "  {}", printable(&e.path))?;
            writeln!(out, "      {}", printable(&e.message))?;
        }
    }
    Ok(())
}

fn kind_name(k: ExtensionKind) -> String {
    match k {
        ExtensionKind::EditorExtension => "editor extension".into(),
        ExtensionKind::Instructions => "instruction file".into(),
        other => serde_json::to_value(other)
            .ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_cuts_and_neutralizes_escapes() {
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(fit("ab", 4), "ab");
        assert_eq!(fit("a\x1b[31mb", 20), "a?[31mb");
    }

    #[test]
    fn wrap_keeps_words_and_bounds_lines() {
        assert_eq!(wrap("npx -y pkg", 20, 3), ["npx -y pkg"]);
        assert_eq!(wrap("aaa bbb ccc", 7, 3), ["aaa bbb", "ccc"]);
        assert_eq!(wrap("abcdefghij", 4, 3), ["abcd", "efgh", "ij"]);
        let w = wrap("a b c d e f g h", 3, 2);
        assert_eq!(w.len(), 2);
        assert!(w[1].ends_with('…'));
        assert!(w.iter().all(|l| l.chars().count() <= 4));
        assert_eq!(wrap("", 5, 3), [""]);
    }
}
