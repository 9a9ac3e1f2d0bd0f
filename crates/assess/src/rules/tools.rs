//! Tool definitions from enumeration: `tool-poisoning`, `tool-shadowing`,
//! `hidden-unicode`, `destructive-tool`, and `rug-pull` from the changes
//! since approval. The detection itself is `warden_detect`'s; these rules
//! place its matches on servers and set their severity in context.

use super::{Ctx, Hit, HitBuilder, Rule};
use warden_detect::Match;
use warden_model::{Category, ChangeKind, ServerSnapshot, Severity, Tool};

pub static TOOL_POISONING: Rule = Rule {
    id: "tool-poisoning",
    category: Category::ToolPoisoning,
    severity: Severity::Critical,
    title: "Tool definition carries hidden instructions to the model",
    what: "Runs Warden's tool-definition detectors over each enumerated tool (its description \
           and the descriptions, defaults and enums of its input schema) and the server's \
           instructions and prompts: `<IMPORTANT>`-style blocks, fake system tags, \"do not \
           tell the user\", requests to read `~/.ssh` or `.env`, parameters meant to carry \
           data out.",
    why: "The model reads tool descriptions as trusted context on every turn, whether or not \
          the tool is ever called. A poisoned description can make the agent read secrets and \
          pass them to any tool, silently.",
    fix: "Disable the server now, and report it to its publisher. Use a version whose \
          definitions you have reviewed, pinned, and approve its snapshot with `warden \
          approve` so changes are caught.",
};

pub static TOOL_SHADOWING: Rule = Rule {
    id: "tool-shadowing",
    category: Category::ToolShadowing,
    severity: Severity::High,
    title: "Tool description tries to change how another server's tools are used",
    what: "Compares every server's tool descriptions with the tools of the other servers the \
           same agent runs. A description that gives orders about another server's tool \
           (\"when using send_email, always add...\") is flagged on the server whose \
           description does it, naming the tool it targets.",
    why: "All servers' descriptions share one context. A server can hijack a trusted \
          server's tool (redirect its emails, change its arguments) without ever being called.",
    fix: "Remove the shadowing server; agents should not run servers of unknown intent beside \
          servers that hold sensitive access.",
};

pub static HIDDEN_UNICODE: Rule = Rule {
    id: "hidden-unicode",
    category: Category::HiddenUnicode,
    severity: Severity::High,
    title: "Invisible characters in a tool definition",
    what: "Flags Unicode tag characters, bidirectional controls, zero-width characters \
           outside legitimate script and emoji use, and ANSI escapes in tool names, \
           descriptions, schemas, server instructions and prompts. Decoded hidden text is \
           shown in the evidence.",
    why: "Text a human reviewer cannot see is still read by the model: it is the standard way \
          to smuggle instructions past review.",
    fix: "Treat the server as hostile until its publisher explains the characters; disable \
          it and report it.",
};

pub static DESTRUCTIVE_TOOL: Rule = Rule {
    id: "destructive-tool",
    category: Category::DestructiveTool,
    severity: Severity::Low,
    title: "Server exposes tools that delete, overwrite, execute or send",
    what: "Lists the tools that annotate `destructiveHint: true` or, without annotations, \
           whose name, description or schema show they write, delete, move, execute or send. \
           One finding per server naming the tools; medium when the server also holds \
           credentials (env or headers).",
    why: "These are the calls where a prompt injection does damage. Knowing which servers \
          have them tells you where confirmation and runtime guardrails matter most.",
    fix: "Keep destructive tools out of auto-approve lists, use `warden hook` policy to require \
          confirmation for them, and disable the ones the agent does not need (client tool \
          filters such as `excludeTools` / `disabledTools`).",
};

pub static RUG_PULL: Rule = Rule {
    id: "rug-pull",
    category: Category::RugPull,
    severity: Severity::High,
    title: "Tool definitions changed since they were approved",
    what: "Compares each server's tools with the snapshot approved by `warden approve`: a \
           changed description, schema or annotations is high (critical when the new \
           definition is poisoned), a tool added since approval is medium, a removed one low. \
           The evidence shows the diff.",
    why: "A server approved as safe can change what its tools say and do at any update or \
          even between sessions; the approval no longer covers what runs.",
    fix: "Read the diff. If the change is expected, approve the new snapshot with `warden \
          approve`; if not, disable the server and pin the last good version.",
};

/// Everything the detectors say about one tool.
pub(crate) fn analyze(t: &Tool) -> Vec<Match> {
    warden_detect::tooldef::analyze_tool(t)
}

/// Words of a tool name: `read_text_file`, `readTextFile`, `read-text-file`.
pub(crate) fn name_words(n: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    for c in n.chars() {
        if !c.is_alphanumeric() {
            if !cur.is_empty() {
                words.push(std::mem::take(&mut cur));
            }
        } else if c.is_uppercase() && !cur.is_empty() {
            words.push(std::mem::take(&mut cur));
            cur.push(c.to_ascii_lowercase());
        } else {
            cur.push(c.to_ascii_lowercase());
        }
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    words
}

/// Names of a snapshot's destructive tools.
pub(crate) fn destructive_tools(snap: &ServerSnapshot) -> Vec<String> {
    snap.tools
        .iter()
        .filter(|t| {
            analyze(t)
                .iter()
                .any(|m| m.category == Category::DestructiveTool)
        })
        .map(|t| t.name.clone())
        .collect()
}

fn rule_for(m: &Match) -> Option<&'static Rule> {
    // The tool-definition detector files hidden text under poisoning; it is
    // its own rule here (the fix differs: the text is invisible to review).
    if m.category == Category::HiddenUnicode || m.rule.contains("unicode") {
        return Some(&HIDDEN_UNICODE);
    }
    match m.category {
        Category::ToolPoisoning | Category::PromptInjection => Some(&TOOL_POISONING),
        _ => None,
    }
}

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Hit>) {
    for s in &ctx.inv.servers {
        let Some(snap) = ctx.snapshot(s) else {
            continue;
        };
        let mut destructive = Vec::new();
        for t in &snap.tools {
            for m in analyze(t) {
                if m.category == Category::DestructiveTool {
                    destructive.push(t.name.clone());
                    continue;
                }
                let Some(rule) = rule_for(&m) else {
                    continue;
                };
                out.push(
                    HitBuilder::server(
                        rule,
                        s,
                        format!("`{}` tool `{}`: {}", s.name, t.name, m.title),
                    )
                    .severity(m.severity.max(rule.severity.min(Severity::High)))
                    .field(t.name.clone())
                    .preview(format!("[{}] {}", m.rule, m.evidence.preview))
                    .disc(format!("{}:{}", t.name, m.rule))
                    .build(),
                );
            }
        }
        // Server-level text the model reads too.
        let mut texts: Vec<(String, &str)> = Vec::new();
        if let Some(i) = &snap.instructions {
            texts.push(("instructions".into(), i));
        }
        for p in &snap.prompts {
            if let Some(d) = &p.description {
                texts.push((format!("prompt {}", p.name), d));
            }
        }
        for (label, text) in texts {
            let mut ms = warden_detect::injection::find(text);
            ms.extend(warden_detect::unicode::find(text));
            for m in ms {
                let Some(rule) = rule_for(&m) else {
                    continue;
                };
                out.push(
                    HitBuilder::server(rule, s, format!("`{}` {label}: {}", s.name, m.title))
                        .severity(m.severity.max(Severity::Medium))
                        .field(label.clone())
                        .preview(format!("[{}] {}", m.rule, m.evidence.preview))
                        .disc(format!("{label}:{}", m.rule))
                        .build(),
                );
            }
        }
        destructive.dedup();
        if !destructive.is_empty() {
            let creds = !s.env.is_empty() || !s.headers.is_empty();
            out.push(
                HitBuilder::server(
                    &DESTRUCTIVE_TOOL,
                    s,
                    format!("`{}` has {} destructive tool(s)", s.name, destructive.len()),
                )
                .severity(if creds {
                    Severity::Medium
                } else {
                    Severity::Low
                })
                .preview(super::truncate(&destructive.join(", "), 240))
                .build(),
            );
        }
    }
    shadowing(ctx, out);
    rug_pulls(ctx, out);
}

/// Shadowing among the servers one agent runs together.
fn shadowing(ctx: &Ctx<'_>, out: &mut Vec<Hit>) {
    let mut clients: Vec<&str> = ctx.inv.servers.iter().map(|s| s.client.as_str()).collect();
    clients.sort();
    clients.dedup();
    for client in clients {
        let servers: Vec<(&warden_model::ServerDef, &ServerSnapshot)> = ctx
            .inv
            .servers
            .iter()
            .filter(|s| s.client == client && s.enabled)
            .filter_map(|s| ctx.snapshot(s).map(|snap| (s, snap)))
            .collect();
        let input: Vec<(&str, &[Tool])> = servers
            .iter()
            .map(|(s, snap)| (s.name.as_str(), snap.tools.as_slice()))
            .collect();
        for f in warden_detect::tooldef::find_shadowing(&input) {
            let Some((s, _)) = servers.iter().find(|(s, _)| s.name == f.server) else {
                continue;
            };
            out.push(
                HitBuilder::server(
                    &TOOL_SHADOWING,
                    s,
                    format!(
                        "`{}` tool `{}` tries to change how {} is used",
                        s.name, f.tool, f.target
                    ),
                )
                .severity(f.m.severity.max(TOOL_SHADOWING.severity))
                .field(f.tool.clone())
                .preview(format!(
                    "[{}] targets {}: {}",
                    f.m.rule, f.target, f.m.evidence.preview
                ))
                .disc(format!("{}:{}", f.tool, f.target))
                .build(),
            );
        }
    }
}

fn rug_pulls(ctx: &Ctx<'_>, out: &mut Vec<Hit>) {
    for c in ctx.changes {
        let Some(s) = ctx.server_by_key(&c.server_key) else {
            continue;
        };
        let now = ctx
            .snapshot(s)
            .and_then(|snap| snap.tools.iter().find(|t| t.name == c.tool));
        let poisoned = now.is_some_and(|t| {
            analyze(t).iter().any(|m| {
                matches!(
                    m.category,
                    Category::ToolPoisoning | Category::PromptInjection | Category::HiddenUnicode
                )
            })
        });
        let (sev, what) = match c.kind {
            ChangeKind::Changed if poisoned => (
                Severity::Critical,
                format!("changed ({}) and is now poisoned", c.fields.join(", ")),
            ),
            ChangeKind::Changed => (Severity::High, format!("changed ({})", c.fields.join(", "))),
            ChangeKind::Added => (
                if poisoned {
                    Severity::Critical
                } else {
                    Severity::Medium
                },
                "added".to_string(),
            ),
            ChangeKind::Removed => (Severity::Low, "removed".to_string()),
        };
        // The diff is the server's text: show it without hidden characters,
        // changed lines first (they are what a reviewer needs).
        let clean = warden_detect::unicode::strip_hidden(&c.diff);
        let (changed, same): (Vec<&str>, Vec<&str>) = clean
            .lines()
            .partition(|l| l.starts_with('+') || l.starts_with('-'));
        let diff = if changed.is_empty() {
            same.join("\n")
        } else {
            changed.join("\n")
        };
        out.push(
            HitBuilder::server(
                &RUG_PULL,
                s,
                format!("`{}` tool `{}` {what} since approval", s.name, c.tool),
            )
            .severity(sev)
            .field(c.tool.clone())
            .preview(super::truncate(&diff, 300))
            .disc(format!(
                "{}:{}",
                c.tool,
                c.after_hash.as_deref().unwrap_or("")
            ))
            .build(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;

    #[test]
    fn poisoning_and_unicode_positive_and_negative() {
        let f = fixture("tools/poisoned");
        let p = with_rule(&f, "tool-poisoning");
        assert!(
            p.iter().any(|x| x.server.as_deref() == Some("evil")
                && x.location.field.as_deref() == Some("add")),
            "{f:#?}"
        );
        let u = with_rule(&f, "hidden-unicode");
        assert!(
            u.iter()
                .any(|x| x.location.field.as_deref() == Some("lookup")),
            "{f:#?}"
        );
        // The real reference server's tools are not poisoned.
        assert!(
            !f.iter().any(|x| x.server.as_deref() == Some("everything")
                && matches!(x.rule.as_str(), "tool-poisoning" | "hidden-unicode")),
            "{f:#?}"
        );
    }

    #[test]
    fn destructive_positive_and_negative() {
        let f = fixture("tools/poisoned");
        let d = with_rule(&f, "destructive-tool");
        let fs = d
            .iter()
            .find(|x| x.server.as_deref() == Some("filesystem"))
            .expect("filesystem has write tools");
        assert!(fs.evidence.preview.contains("write_file"), "{fs:?}");
        assert!(!fs.evidence.preview.contains("read_text_file"), "{fs:?}");
        assert!(
            !d.iter().any(|x| x.server.as_deref() == Some("time")),
            "{d:#?}"
        );
    }

    #[test]
    fn shadowing_names_the_shadowing_server() {
        let f = fixture("tools/shadowing");
        let sh = with_rule(&f, "tool-shadowing");
        assert!(!sh.is_empty(), "{f:#?}");
        assert!(
            sh.iter().all(|x| x.server.as_deref() == Some("helper")),
            "{sh:#?}"
        );
        assert!(sh.iter().any(|x| x.title.contains("mail")), "{sh:#?}");
        // Naming another tool without giving orders about it is not shadowing.
        let g = fixture("tools/shadowing-apart");
        assert!(with_rule(&g, "tool-shadowing").is_empty(), "{g:#?}");
    }

    #[test]
    fn rug_pull_positive_and_negative() {
        let f = fixture("tools/rugpull");
        let r = with_rule(&f, "rug-pull");
        let sev = |t: &str| {
            r.iter()
                .find(|x| x.location.field.as_deref() == Some(t))
                .map(|x| x.severity)
        };
        assert_eq!(sev("get_weather"), Some(Severity::Critical), "{r:#?}");
        assert_eq!(sev("get_forecast"), Some(Severity::Medium), "{r:#?}");
        assert_eq!(sev("old_tool"), Some(Severity::Low), "{r:#?}");
        // Unchanged tools and changes of servers no longer configured: nothing.
        assert_eq!(sev("get_time"), None);
        assert_eq!(r.len(), 3, "{r:#?}");
    }
}
