//! Enumeration: connect, handshake, list everything, disconnect (and kill).

use crate::error::{EnumerateError, ErrorKind};
use crate::expand::expand_env;
use crate::http::{LegacySse, StreamableHttp};
use crate::rpc::{Session, Transport};
use crate::stdio::{inherited_env, StdioTransport};
use serde_json::{json, Value};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use warden_model::{Prompt, Resource, ServerDef, ServerSnapshot, Tool, Transport as Kind};

/// The protocol version Warden asks for; servers answer with theirs.
pub const PROTOCOL_VERSION: &str = "2025-06-18";
/// Pages of one list Warden follows before deciding the server loops.
const MAX_PAGES: usize = 100;
/// Items in one list: more is a hostile server trying to exhaust memory.
const MAX_ITEMS: usize = 5000;

#[derive(Debug, Clone)]
pub struct EnumerateOptions {
    /// For each server, from launch to the last list.
    pub timeout: Duration,
    /// Launch only stdio servers the client approved (`ServerDef::approved`).
    pub only_approved: bool,
    /// Servers enumerated at the same time.
    pub max_parallel: usize,
}

impl Default for EnumerateOptions {
    fn default() -> Self {
        EnumerateOptions {
            timeout: Duration::from_secs(15),
            only_approved: false,
            max_parallel: 16,
        }
    }
}

/// The outcome for one server.
#[derive(Debug)]
pub struct Enumerated {
    /// [`ServerDef::key`].
    pub server_key: String,
    /// Server name as configured.
    pub server: String,
    pub result: Result<ServerSnapshot, EnumerateError>,
    pub elapsed: Duration,
}

/// Why a server is not enumerated, or `None` if it is.
pub fn skip_reason(def: &ServerDef, opts: &EnumerateOptions) -> Option<&'static str> {
    if !def.enabled {
        Some("disabled in its config")
    } else if def.shadow {
        Some("not defined by any config (shadow install): not launched")
    } else if opts.only_approved && def.transport == Kind::Stdio && !def.approved {
        Some("not approved by its client (--only-approved)")
    } else {
        None
    }
}

/// Enumerate every server not skipped (see [`skip_reason`]) concurrently:
/// the whole run takes about as long as the slowest server. `progress` is
/// called as each one finishes. Results are in the order of `servers`.
pub fn enumerate_all(
    servers: &[ServerDef],
    opts: &EnumerateOptions,
    progress: &(dyn Fn(&Enumerated) + Sync),
) -> Vec<Enumerated> {
    let todo: Vec<&ServerDef> = servers
        .iter()
        .filter(|d| skip_reason(d, opts).is_none())
        .collect();
    let slots: Vec<Mutex<Option<Enumerated>>> = todo.iter().map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    let workers = opts.max_parallel.clamp(1, todo.len().max(1));
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(def) = todo.get(i) else { break };
                let start = Instant::now();
                // A bug here must not take the whole scan down with it.
                let result =
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| enumerate(def, opts)))
                        .unwrap_or_else(|_| {
                            Err(EnumerateError {
                                server: def.name.clone(),
                                kind: ErrorKind::Io(
                                    "internal error while enumerating (a bug in Warden)".into(),
                                ),
                                stderr: vec![],
                            })
                        });
                let e = Enumerated {
                    server_key: def.key(),
                    server: def.name.clone(),
                    result,
                    elapsed: start.elapsed(),
                };
                progress(&e);
                *slots[i].lock().unwrap_or_else(|p| p.into_inner()) = Some(e);
            });
        }
    });
    slots
        .into_iter()
        .filter_map(|m| m.into_inner().unwrap_or_else(|p| p.into_inner()))
        .collect()
}

/// Enumerate one server, whatever its transport. Never panics; a stdio
/// server's process group is killed before this returns.
pub fn enumerate(
    def: &ServerDef,
    opts: &EnumerateOptions,
) -> Result<ServerSnapshot, EnumerateError> {
    let fail = |kind: ErrorKind, stderr: Vec<String>| EnumerateError {
        server: def.name.clone(),
        kind,
        stderr,
    };
    let deadline = Instant::now() + opts.timeout;
    match def.transport {
        Kind::Stdio => {
            let command = expanded_nonblank(def.command.as_deref())
                .ok_or_else(|| fail(ErrorKind::NoCommand, vec![]))?;
            let args: Vec<String> = def.args.iter().map(|a| expand_env(a)).collect();
            let mut env = inherited_env();
            for (k, v) in &def.env {
                env.insert(k.clone(), expand_env(v));
            }
            let cwd = def
                .cwd
                .as_deref()
                .or(def.project.as_deref())
                .map(expand_env)
                .filter(|d| Path::new(d).is_dir());
            let t = StdioTransport::spawn(&command, &args, &env, cwd.as_deref().map(Path::new))
                .map_err(|k| fail(k, vec![]))?;
            let mut session = Session::with_deadline(t, deadline, opts.timeout);
            // The process group is killed when `session` drops, on every path.
            run(&mut session, def).map_err(|k| fail(k, session.transport.stderr_tail()))
        }
        Kind::Http | Kind::Sse => {
            let url = expanded_nonblank(def.url.as_deref())
                .ok_or_else(|| fail(ErrorKind::NoUrl, vec![]))?;
            let headers = def
                .headers
                .iter()
                .map(|(k, v)| (k.clone(), expand_env(v)))
                .collect();
            if def.transport == Kind::Sse {
                return via_sse(def, &url, &headers, deadline, opts.timeout)
                    .map_err(|k| fail(k, vec![]));
            }
            let mut session =
                Session::with_deadline(StreamableHttp::new(&url, &headers), deadline, opts.timeout);
            match run(&mut session, def) {
                // The spec's backwards compatibility: a 4xx to the first POST
                // may mean a legacy SSE server (configs with a bare `url` do
                // not say which). Its error wins if SSE does not work either.
                Err(ErrorKind::Http(m))
                    if m.starts_with("status 4") && !session.transport.initialized() =>
                {
                    drop(session);
                    via_sse(def, &url, &headers, deadline, opts.timeout)
                        .map_err(|_| fail(ErrorKind::Http(m), vec![]))
                }
                r => r.map_err(|k| fail(k, vec![])),
            }
        }
    }
}

/// A command or URL from the config with `${VAR}`s expanded; blank is missing.
fn expanded_nonblank(v: Option<&str>) -> Option<String> {
    v.map(expand_env).filter(|x| !x.trim().is_empty())
}

fn via_sse(
    def: &ServerDef,
    url: &str,
    headers: &std::collections::BTreeMap<String, String>,
    deadline: Instant,
    timeout: Duration,
) -> Result<ServerSnapshot, ErrorKind> {
    let t = LegacySse::connect(url, headers, deadline).map_err(|k| match k {
        ErrorKind::Timeout {
            waiting_for, note, ..
        } => ErrorKind::Timeout {
            waiting_for,
            after: timeout,
            note,
        },
        k => k,
    })?;
    run(&mut Session::with_deadline(t, deadline, timeout), def)
}

/// Handshake and lists, on any transport.
fn run<T: Transport>(s: &mut Session<T>, def: &ServerDef) -> Result<ServerSnapshot, ErrorKind> {
    let init = s.request(
        "initialize",
        json!({
            "protocolVersion": PROTOCOL_VERSION,
            "capabilities": {},
            "clientInfo": {"name": "warden", "version": env!("CARGO_PKG_VERSION")},
        }),
    )?;
    let protocol_version = init
        .get("protocolVersion")
        .and_then(Value::as_str)
        .ok_or_else(|| {
            ErrorKind::NotMcp("the `initialize` result has no `protocolVersion`".into())
        })?
        .to_string();
    s.notify("notifications/initialized")?;
    let caps = init.get("capabilities").cloned().unwrap_or(Value::Null);

    let mut tools = Vec::new();
    if caps.get("tools").is_some() {
        for t in list(s, "tools/list", "tools", true)? {
            if let Some(tool) = parse_tool(&t) {
                tools.push(tool);
            }
        }
    }
    let mut prompts = Vec::new();
    if caps.get("prompts").is_some() {
        for p in list(s, "prompts/list", "prompts", false)? {
            if let Some(name) = p.get("name").and_then(Value::as_str) {
                prompts.push(Prompt {
                    name: name.to_string(),
                    description: text(p.get("description")),
                    arguments: p.get("arguments").cloned().unwrap_or(Value::Null),
                });
            }
        }
    }
    let mut resources = Vec::new();
    if caps.get("resources").is_some() {
        for (method, key, uri_key, template) in [
            ("resources/list", "resources", "uri", false),
            (
                "resources/templates/list",
                "resourceTemplates",
                "uriTemplate",
                true,
            ),
        ] {
            for r in list(s, method, key, false)? {
                if let Some(uri) = r.get(uri_key).and_then(Value::as_str) {
                    resources.push(Resource {
                        uri: uri.to_string(),
                        name: text(r.get("name")),
                        description: text(r.get("description")),
                        mime_type: text(r.get("mimeType")),
                        template,
                    });
                }
            }
        }
    }
    Ok(ServerSnapshot {
        server_key: def.key(),
        protocol_version: Some(protocol_version),
        server_info: init.get("serverInfo").cloned().unwrap_or(Value::Null),
        instructions: text(init.get("instructions")),
        tools,
        prompts,
        resources,
        taken_at: warden_model::now_rfc3339(),
    })
}

/// All pages of one list. A server that declared the capability but does not
/// implement a secondary list (prompts, resources) gives an empty list.
fn list<T: Transport>(
    s: &mut Session<T>,
    method: &str,
    key: &str,
    required: bool,
) -> Result<Vec<Value>, ErrorKind> {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    let mut seen = std::collections::HashSet::new();
    for _ in 0..MAX_PAGES {
        let params = match &cursor {
            Some(c) => json!({ "cursor": c }),
            None => json!({}),
        };
        let page = match s.request(method, params) {
            Ok(p) => p,
            Err(ErrorKind::Rpc { code: -32601, .. }) => return Ok(items),
            Err(ErrorKind::Rpc { .. }) if !required => return Ok(items),
            Err(e) => return Err(e),
        };
        match page.get(key) {
            Some(Value::Array(a)) => {
                items.extend(a.iter().cloned());
                if items.len() > MAX_ITEMS {
                    return Err(ErrorKind::NotMcp(format!(
                        "`{method}` lists more than {MAX_ITEMS} items"
                    )));
                }
            }
            None | Some(Value::Null) => {}
            Some(_) => {
                return Err(ErrorKind::NotMcp(format!(
                    "the `{method}` result's `{key}` is not a list"
                )))
            }
        }
        match page.get("nextCursor").and_then(Value::as_str) {
            Some(c) if seen.insert(c.to_string()) => cursor = Some(c.to_string()),
            Some(_) => {
                return Err(ErrorKind::NotMcp(format!(
                    "`{method}` repeats a cursor (pagination loop)"
                )))
            }
            None => return Ok(items),
        }
    }
    Err(ErrorKind::NotMcp(format!(
        "`{method}` has more than {MAX_PAGES} pages"
    )))
}

/// A string field; a hostile server's non-string value is kept as its JSON
/// text rather than dropped, so it is still hashed and assessed.
fn text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

fn parse_tool(v: &Value) -> Option<Tool> {
    let name = v.get("name")?.as_str()?.to_string();
    let mut tool = Tool {
        name,
        title: text(v.get("title")),
        description: text(v.get("description")),
        input_schema: v.get("inputSchema").cloned().unwrap_or(Value::Null),
        output_schema: v.get("outputSchema").cloned(),
        annotations: v.get("annotations").cloned().filter(|a| !a.is_null()),
        hash: String::new(),
    };
    tool.hash = tool.compute_hash();
    Some(tool)
}
