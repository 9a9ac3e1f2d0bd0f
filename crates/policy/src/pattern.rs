//! Claude Code's permission syntax: `Bash`, `Bash(git push:*)`, `Write(*.env)`,
//! `Edit(src/**)`, `Read(~/.ssh/**)`, `WebFetch(domain:example.com)`,
//! `mcp__github`, `mcp__github__*`.

use crate::glob::glob_match;
use crate::paths::{normalize, PathCtx};
use serde_json::Value;
use warden_model::Action;

/// A parsed permission pattern.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolPattern {
    tool: String,
    spec: Option<String>,
}

impl ToolPattern {
    /// Parse `Tool` or `Tool(spec)`. Errors are one line for `policy check`.
    pub fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim();
        if s.is_empty() {
            return Err("empty tool pattern".into());
        }
        let (tool, spec) = match s.find('(') {
            Some(open) => {
                if !s.ends_with(')') {
                    return Err(format!(
                        "tool pattern `{s}` opens `(` but does not end with `)`"
                    ));
                }
                (
                    &s[..open],
                    Some(s[open + 1..s.len() - 1].trim().to_string()),
                )
            }
            None => (s, None),
        };
        if tool.is_empty()
            || !tool
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '*' | '.'))
        {
            return Err(format!(
                "tool pattern `{s}`: `{tool}` is not a tool name (letters, digits, `_`, `-`, `*`)"
            ));
        }
        if matches!(&spec, Some(x) if x.is_empty()) {
            return Err(format!("tool pattern `{s}` has empty parentheses"));
        }
        Ok(ToolPattern {
            tool: tool.to_string(),
            spec,
        })
    }

    fn tool_matches(&self, name: &str) -> bool {
        if glob_match(&self.tool, name, false) {
            return true;
        }
        // `mcp__github` names every tool of the server.
        self.tool.starts_with("mcp__")
            && !self.tool["mcp__".len()..].contains("__")
            && name.starts_with(&format!("{}__", self.tool))
    }

    pub fn matches(&self, action: &Action, pc: &PathCtx) -> bool {
        let Some(name) = action.tool_name.as_deref() else {
            return false;
        };
        if !self.tool_matches(name) {
            return false;
        }
        let Some(spec) = &self.spec else {
            return true;
        };
        let input = &action.tool_input;
        match name {
            "Bash" => {
                let cmd = str_field(input, "command").unwrap_or("");
                bash_matches(spec, cmd)
            }
            "Read" | "Write" | "Edit" | "MultiEdit" | "NotebookEdit" | "Glob" | "Grep" | "LS" => {
                let path = ["file_path", "notebook_path", "path"]
                    .iter()
                    .find_map(|k| str_field(input, k));
                match path {
                    Some(p) => path_matches(spec, p, pc),
                    None => false,
                }
            }
            "WebFetch" => {
                let url = str_field(input, "url").unwrap_or("");
                match spec.strip_prefix("domain:") {
                    Some(d) => host_of(url).is_some_and(|h| {
                        let d = d.to_ascii_lowercase();
                        h == d || h.ends_with(&format!(".{d}")) || glob_match(&d, &h, false)
                    }),
                    None => glob_match(spec, url, false),
                }
            }
            "WebSearch" => glob_match(spec, str_field(input, "query").unwrap_or(""), false),
            _ => {
                // Other tools: the pattern applies to any string argument.
                let mut hit = false;
                crate::engine::walk_strings(input, &mut |_, s| {
                    hit = hit || glob_match(spec, s, false);
                });
                hit
            }
        }
    }
}

fn str_field<'a>(v: &'a Value, k: &str) -> Option<&'a str> {
    v.get(k)?.as_str()
}

/// `git push:*` is a prefix at a word boundary; anything else is a glob over
/// one simple command (a compound command matches when any part does).
fn bash_matches(spec: &str, cmd: &str) -> bool {
    let test = |text: &str| -> bool {
        if let Some(prefix) = spec.strip_suffix(":*") {
            let prefix = prefix.trim_end();
            text == prefix
                || text
                    .strip_prefix(prefix)
                    .is_some_and(|rest| rest.starts_with([' ', '\t']))
        } else {
            glob_match(spec, text, false)
        }
    };
    if test(cmd.trim()) {
        return true;
    }
    warden_detect::shell::parse(cmd).iter().any(|c| {
        // Match from the program on, so `sudo git push` is `git push`.
        test(cmd.get(c.span.clone()).unwrap_or("").trim()) || test(&c.argv.join(" "))
    })
}

/// Path patterns as Claude Code writes them: `//abs`, `~/home-relative`,
/// `/project-relative`, `rel/path` (from the working directory), and a bare
/// `*.env` that matches the file name anywhere.
fn path_matches(spec: &str, path: &str, pc: &PathCtx) -> bool {
    let abs = normalize(path, pc);
    if !spec.contains('/') {
        let name = abs.rsplit('/').next().unwrap_or(&abs);
        return glob_match(spec, name, true);
    }
    let pat = if let Some(rest) = spec.strip_prefix("//") {
        format!("/{rest}")
    } else if let Some(rest) = spec.strip_prefix("~/") {
        format!(
            "{}/{rest}",
            pc.home.as_deref().unwrap_or("~").trim_end_matches('/')
        )
    } else {
        let rel = spec.trim_start_matches("./").trim_start_matches('/');
        format!(
            "{}/{rel}",
            pc.cwd.as_deref().unwrap_or("").trim_end_matches('/')
        )
    };
    glob_match(&pat, &abs, true) || glob_match(&format!("{pat}/**"), &abs, true)
}

/// Lower-cased host of an URL, without user info or port.
pub fn host_of(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit('@').next()?;
    let host = if host.starts_with('[') {
        host.split(']').next()?.trim_start_matches('[')
    } else {
        host.split(':').next()?
    };
    Some(host.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use warden_model::HookEventKind;

    fn act(tool: &str, input: Value) -> Action {
        Action {
            event: HookEventKind::PreToolUse,
            origin: "test".into(),
            session_id: None,
            cwd: Some("/home/dev/project".into()),
            tool_name: Some(tool.into()),
            server: None,
            tool_input: input,
            content: None,
        }
    }

    fn pc() -> PathCtx {
        PathCtx {
            cwd: Some("/home/dev/project".into()),
            home: Some("/home/dev".into()),
        }
    }

    fn m(p: &str, a: &Action) -> bool {
        ToolPattern::parse(p).unwrap().matches(a, &pc())
    }

    #[test]
    fn bash_prefix_and_compound() {
        let a = act("Bash", json!({"command": "cd x && git push origin main"}));
        assert!(m("Bash", &a));
        assert!(m("Bash(git push:*)", &a));
        assert!(!m("Bash(git pull:*)", &a));
        assert!(!m("Bash(git pus:*)", &a));
        assert!(m("Bash(git push origin *)", &a));
        assert!(!m("Write", &a));
    }

    #[test]
    fn file_patterns() {
        let a = act(
            "Write",
            json!({"file_path": "/home/dev/project/config/prod.env"}),
        );
        assert!(m("Write(*.env)", &a));
        assert!(m("Write(config/**)", &a));
        assert!(m("Write(//home/dev/project/**)", &a));
        assert!(m("Write(~/project/config/*)", &a));
        assert!(!m("Write(src/**)", &a));
        assert!(!m("Edit(*.env)", &a));
        let rel = act("Edit", json!({"file_path": "src/main.rs"}));
        assert!(m("Edit(src/**)", &rel));
    }

    #[test]
    fn mcp_and_web() {
        let a = act("mcp__github__create_issue", json!({"title": "x"}));
        assert!(m("mcp__github__*", &a));
        assert!(m("mcp__github", &a));
        assert!(m("mcp__github__create_issue", &a));
        assert!(!m("mcp__git", &a));
        assert!(!m("mcp__gitlab__*", &a));
        let w = act(
            "WebFetch",
            json!({"url": "https://api.Example.com:8443/x?q=1"}),
        );
        assert!(m("WebFetch(domain:example.com)", &w));
        assert!(!m("WebFetch(domain:example.org)", &w));
    }

    #[test]
    fn bad_patterns() {
        assert!(ToolPattern::parse("").is_err());
        assert!(ToolPattern::parse("Bash(git").is_err());
        assert!(ToolPattern::parse("Bash()").is_err());
        assert!(ToolPattern::parse("Ba sh").is_err());
    }
}
