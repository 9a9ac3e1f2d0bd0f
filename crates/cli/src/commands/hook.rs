//! `warden hook`: the Claude Code hook handler. One event JSON on stdin, one
//! answer JSON on stdout, exit 0.
//!
//! Never fails open by accident: malformed input, a broken policy, an
//! unreadable store, a panic or a decision that takes too long all answer
//! `ask` (a human confirms) with the reason. Every decision is appended to the
//! audit log. The SQLite store is opened only for the events that need it.

use serde_json::{json, Value};
use std::io::{Read, Write};
use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;
use std::time::Duration;
use warden_model::{Action, Decision, DecisionKind, Event, HookEventKind};
use warden_policy::{Context, McpFacts, PathCtx, Policy, PolicySources, ServerFinding};
use warden_store::Store;

/// Largest event read from stdin. Claude Code sends tool output in
/// PostToolUse; beyond this the event is not parsed and the answer is `ask`.
const MAX_EVENT_BYTES: u64 = 8 << 20;
/// Longest a decision may take before the hook answers `ask` on its own.
const WATCHDOG: Duration = Duration::from_secs(5);
/// Largest project config read at SessionStart.
const MAX_CONFIG_BYTES: u64 = 1 << 20;

#[derive(clap::Args, Debug)]
pub struct Args {}

/// Set by the first answer written; any later one is dropped.
static ANSWERED: AtomicBool = AtomicBool::new(false);
/// The event's name once parsed, so a watchdog answer has the right shape.
static EVENT_NAME: OnceLock<String> = OnceLock::new();

pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    // Panics are caught below and answered; keep their text off the terminal.
    std::panic::set_hook(Box::new(|info| {
        eprintln!("warden hook: internal error: {info}");
    }));
    // The work runs on this thread; the watchdog only sleeps, on a small
    // stack, and never allocates, so the common path pays for no second
    // heap arena.
    let watchdog = std::thread::Builder::new().stack_size(128 << 10).spawn(|| {
        std::thread::sleep(WATCHDOG);
        answer_fail_safe("the check took too long");
    });
    if watchdog.is_err() {
        answer_fail_safe("no watchdog thread");
    }
    match std::panic::catch_unwind(handle) {
        Ok(answer) => answer_once(&answer),
        Err(_) => answer_fail_safe("internal error"),
    }
    // The watchdog answered first and is exiting the process.
    loop {
        std::thread::park();
    }
}

/// Write `answer` and exit, unless an answer was already written. Exits at
/// once: a stuck worker must not keep the process alive.
fn answer_once(answer: &str) {
    if ANSWERED.swap(true, Ordering::SeqCst) {
        return;
    }
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{answer}");
    let _ = out.flush();
    std::process::exit(0)
}

fn answer_fail_safe(why: &str) {
    let event = EVENT_NAME.get().map(String::as_str).unwrap_or("");
    let d = fail_safe(format!("Warden could not check this action ({why})"));
    if !ANSWERED.load(Ordering::SeqCst) {
        record_best_effort(event, None, &d);
    }
    answer_once(&render(hook_kind(event), &d));
}

fn fail_safe(reason: String) -> Decision {
    Decision {
        kind: DecisionKind::Ask,
        reason,
        rule: Some("fail-safe".into()),
        evidence: vec![],
    }
}

/// Reads, decides, records; returns the answer. Reports the event name early
/// so a watchdog answer can use the right output shape.
fn handle() -> String {
    let mut buf = Vec::new();
    let read = std::io::stdin()
        .lock()
        .take(MAX_EVENT_BYTES + 1)
        .read_to_end(&mut buf);
    if let Err(e) = read {
        let d = fail_safe(format!("Warden could not read the hook event: {e}"));
        record_best_effort("", None, &d);
        return render(HookEventKind::PreToolUse, &d);
    }
    let event: Value = if buf.len() as u64 > MAX_EVENT_BYTES {
        // Too large to parse within budget: find the event name by hand.
        let head = String::from_utf8_lossy(&buf[..buf.len().min(4096)]).to_string();
        let name = [
            "PostToolUse",
            "UserPromptSubmit",
            "SessionStart",
            "PreToolUse",
        ]
        .into_iter()
        .find(|n| head.contains(&format!("\"{n}\"")))
        .unwrap_or("PreToolUse");
        let d =
            fail_safe("Warden could not check this action: the event is larger than 8 MiB".into());
        record_best_effort(name, None, &d);
        return render(hook_kind(name), &d);
    } else {
        match serde_json::from_slice(&buf) {
            Ok(v @ Value::Object(_)) => v,
            Ok(_) | Err(_) => {
                let d = fail_safe(
                    "Warden could not check this action: the hook event is not a JSON object"
                        .into(),
                );
                record_best_effort("", None, &d);
                return render(HookEventKind::PreToolUse, &d);
            }
        }
    };
    let name = event
        .get("hook_event_name")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let _ = EVENT_NAME.set(name.clone());
    #[cfg(debug_assertions)]
    test_faults();

    let action = action_from_event(&event);
    // Only MCP tools (their snapshots) and SessionStart (warned-once state)
    // need the SQLite store; opening it costs more than the rest of a decision.
    let needs_store = action.event == HookEventKind::SessionStart
        || action
            .tool_name
            .as_deref()
            .and_then(warden_policy::split_mcp_name)
            .is_some();
    let store = needs_store.then(open_store).transpose();
    let context = match &store {
        Ok(opened) => build_context(&action, opened.as_ref()),
        Err(e) => Err(anyhow::anyhow!("{e}")),
    };
    let decision = match context {
        Ok(ctx) => warden_policy::decide(&action, &ctx),
        Err(e) => fail_safe(format!("Warden could not check this action: {e}")),
    };
    let audit = warden_store::AuditLog::open_default()
        .and_then(|log| log.append(&event_record(&action, &decision)));
    let decision = match audit {
        Ok(_) => {
            if let Ok(Some(s)) = &store {
                if action.event == HookEventKind::SessionStart {
                    remember_warning(s, &action, &decision);
                }
            }
            decision
        }
        Err(e) if decision.kind < DecisionKind::Ask => {
            fail_safe(format!("Warden could not write its audit log: {e}"))
        }
        Err(_) => decision,
    };
    render(action.event, &decision)
}

/// Debug builds only: lets the fail-safe tests make the hook panic or hang.
#[cfg(debug_assertions)]
fn test_faults() {
    match std::env::var("WARDEN_HOOK_TEST_FAULT").as_deref() {
        Ok("panic") => panic!("test fault"),
        Ok("hang") => std::thread::sleep(Duration::from_secs(3600)),
        _ => {}
    }
}

fn open_store() -> anyhow::Result<Store> {
    let store = Store::open(&warden_store::data_dir()?)?;
    store.for_short_process()?;
    Ok(store)
}

pub(crate) fn hook_kind(name: &str) -> HookEventKind {
    match name {
        "PreToolUse" => HookEventKind::PreToolUse,
        "PostToolUse" => HookEventKind::PostToolUse,
        "UserPromptSubmit" => HookEventKind::UserPromptSubmit,
        "SessionStart" => HookEventKind::SessionStart,
        "SessionEnd" => HookEventKind::SessionEnd,
        "Stop" => HookEventKind::Stop,
        _ => HookEventKind::Other,
    }
}

/// A Claude Code hook event as an [`Action`]. Lenient: unknown fields are
/// ignored, missing ones left empty.
pub(crate) fn action_from_event(v: &Value) -> Action {
    let s = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
    let event = hook_kind(
        v.get("hook_event_name")
            .and_then(Value::as_str)
            .unwrap_or(""),
    );
    let tool_name = s("tool_name");
    let server = tool_name
        .as_deref()
        .and_then(warden_policy::split_mcp_name)
        .map(|(srv, _)| srv.to_string());
    let content = match event {
        HookEventKind::PostToolUse => v.get("tool_response").cloned(),
        HookEventKind::UserPromptSubmit => v.get("prompt").cloned(),
        _ => None,
    };
    Action {
        event,
        origin: "claude-code-hook".into(),
        session_id: s("session_id"),
        cwd: s("cwd"),
        tool_name,
        server,
        tool_input: v.get("tool_input").cloned().unwrap_or(Value::Null),
        content,
    }
}

fn home() -> Option<String> {
    std::env::var("HOME").ok().filter(|h| !h.is_empty())
}

/// Everything the engine needs besides the action: policy layers, paths,
/// what the store knows about an MCP tool, and project risks at SessionStart.
pub(crate) fn build_context(action: &Action, store: Option<&Store>) -> anyhow::Result<Context> {
    let cwd = action.cwd.clone().or_else(|| {
        std::env::current_dir()
            .ok()
            .map(|p| p.display().to_string())
    });
    let sources = PolicySources::from_env(cwd.as_deref().map(Path::new));
    let policy = Policy::load(&sources)?;
    let paths = PathCtx {
        cwd: cwd.clone(),
        home: home(),
    };
    let mut warden_paths: Vec<String> = sources
        .all()
        .iter()
        .filter_map(|(_, p)| p.parent().map(|d| d.display().to_string()))
        .filter(|d| cwd.as_deref() != Some(d.as_str()))
        .collect();
    if let Ok(d) = warden_store::data_dir() {
        warden_paths.push(warden_policy::normalize(&d.display().to_string(), &paths));
    }
    if let Ok(exe) = std::env::current_exe() {
        warden_paths.push(exe.display().to_string());
    }
    let mut ctx = Context {
        policy,
        paths,
        warden_paths,
        mcp: None,
        project_risks: vec![],
    };
    if let (Some(store), Some(name)) = (store, action.tool_name.as_deref()) {
        if let Some((server, tool)) = warden_policy::split_mcp_name(name) {
            ctx.mcp = Some(mcp_facts(store, server, tool)?);
        }
    }
    if action.event == HookEventKind::SessionStart {
        if let Some(c) = &cwd {
            let risks = project_risks(Path::new(c));
            let already = store
                .and_then(|s| s.hook_state(&warned_key(c)).ok().flatten())
                .is_some_and(|v| v == risks_digest(&risks));
            if !already {
                ctx.project_risks = risks;
            }
        }
    }
    Ok(ctx)
}

fn mcp_facts(store: &Store, server: &str, tool: &str) -> anyhow::Result<McpFacts> {
    let known = !store.keys_for_server(server)?.is_empty();
    let record = store.tool_lookup("claude-code", server, tool)?;
    let findings = store
        .findings_for_server(server)?
        .into_iter()
        .map(|f| ServerFinding {
            category: f.category,
            rule: f.rule,
            title: f.title,
            tool: f.location.field.clone(),
        })
        .collect();
    Ok(match record {
        Some(r) => McpFacts {
            known: true,
            tool: Some(r.tool),
            approved: r.approved,
            changed_since_approval: r.changed_since_approval,
            findings,
        },
        None => McpFacts {
            known,
            findings,
            ..Default::default()
        },
    })
}

fn warned_key(cwd: &str) -> String {
    format!("project-warned:{cwd}")
}

fn risks_digest(risks: &[String]) -> String {
    warden_model::fingerprint(&risks.join("\n"))
}

/// After a SessionStart warning, remember it so the next session of the same
/// project (with the same risks) is not warned again.
fn remember_warning(store: &Store, action: &Action, d: &Decision) {
    if d.rule.as_deref() != Some("default.project-risk") {
        return;
    }
    if let Some(c) = &action.cwd {
        let risks = project_risks(Path::new(c));
        let _ = store.set_hook_state(&warned_key(c), &risks_digest(&risks));
    }
}

fn read_json_bounded(p: &Path) -> Option<Value> {
    let f = std::fs::File::open(p).ok()?;
    let mut s = String::new();
    f.take(MAX_CONFIG_BYTES).read_to_string(&mut s).ok()?;
    serde_json::from_str(&s).ok()
}

/// Hooks and MCP servers a repository defines for itself: they run on the
/// user's machine as soon as the project is trusted. Warden's own hook is
/// not a risk.
pub(crate) fn project_risks(cwd: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for rel in [".claude/settings.json", ".claude/settings.local.json"] {
        let Some(v) = read_json_bounded(&cwd.join(rel)) else {
            continue;
        };
        if let Some(hooks) = v.get("hooks").and_then(Value::as_object) {
            let mut events = Vec::new();
            for (event, entries) in hooks {
                let foreign = entries.as_array().into_iter().flatten().any(|e| {
                    e.get("hooks")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .any(|h| {
                            h.get("command")
                                .and_then(Value::as_str)
                                .is_some_and(|c| !c.trim_end().ends_with("warden hook"))
                        })
                });
                if foreign {
                    events.push(event.as_str());
                }
            }
            if !events.is_empty() {
                out.push(format!("{rel} runs hook commands on {}", events.join(", ")));
            }
        }
        if v.get("enableAllProjectMcpServers").and_then(Value::as_bool) == Some(true) {
            out.push(format!(
                "{rel} enables every project MCP server without asking"
            ));
        }
    }
    if let Some(v) = read_json_bounded(&cwd.join(".mcp.json")) {
        if let Some(servers) = v.get("mcpServers").and_then(Value::as_object) {
            if !servers.is_empty() {
                let names: Vec<&str> = servers.keys().map(String::as_str).take(10).collect();
                out.push(format!(
                    ".mcp.json defines MCP servers: {}",
                    names.join(", ")
                ));
            }
        }
    }
    out
}

pub(crate) fn event_record(action: &Action, d: &Decision) -> Event {
    Event {
        time: warden_model::now_rfc3339_millis(),
        origin: action.origin.clone(),
        session_id: action.session_id.clone(),
        event: action.event,
        tool_name: action.tool_name.clone(),
        decision: d.kind,
        rule: d.rule.clone(),
        reason: d.reason.clone(),
        evidence: d.evidence.clone(),
    }
}

/// Record a fail-safe decision if the audit log can be written at all.
fn record_best_effort(event_name: &str, tool: Option<String>, d: &Decision) {
    if let Ok(log) = warden_store::AuditLog::open_default() {
        let action = Action {
            event: hook_kind(event_name),
            origin: "claude-code-hook".into(),
            session_id: None,
            cwd: None,
            tool_name: tool,
            server: None,
            tool_input: Value::Null,
            content: None,
        };
        let _ = log.append(&event_record(&action, d));
    }
}

/// The answer in Claude Code's hook output format for this event.
pub(crate) fn render(event: HookEventKind, d: &Decision) -> String {
    let v = match event {
        HookEventKind::PreToolUse | HookEventKind::Other => match d.kind {
            DecisionKind::Allow => json!({}),
            kind => json!({"hookSpecificOutput": {
                "hookEventName": "PreToolUse",
                "permissionDecision": if kind == DecisionKind::Deny { "deny" } else { "ask" },
                "permissionDecisionReason": d.reason,
            }}),
        },
        HookEventKind::PostToolUse if d.kind >= DecisionKind::Ask => {
            json!({"hookSpecificOutput": {
                "hookEventName": "PostToolUse",
                "additionalContext": d.reason,
            }})
        }
        HookEventKind::UserPromptSubmit if d.kind >= DecisionKind::Ask => {
            json!({"decision": "block", "reason": d.reason})
        }
        HookEventKind::SessionStart if d.kind >= DecisionKind::Ask => {
            json!({
                "systemMessage": d.reason,
                "hookSpecificOutput": {"hookEventName": "SessionStart", "additionalContext": d.reason},
            })
        }
        _ => json!({}),
    };
    v.to_string()
}
