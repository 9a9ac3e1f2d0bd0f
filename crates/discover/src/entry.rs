//! The one parser for server entries. Nearly every client uses the shape
//! Claude Desktop introduced (`name -> {command, args, env} | {url, headers}`)
//! with its own spellings for a few keys; those spellings are all accepted
//! here so no client module repeats this code.

use serde_json::Value;
use std::collections::BTreeMap;
use warden_model::{Scope, ServerDef, Transport};

/// Where entries come from.
#[derive(Debug, Clone)]
pub struct Origin {
    pub client: &'static str,
    pub scope: Scope,
    pub source: String,
    pub project: Option<String>,
}

/// A client's defaults for keys it leaves implicit.
#[derive(Debug, Clone, Copy)]
pub struct Dialect {
    /// Transport of an entry with a `url` and no `type` (Cline and Gemini
    /// treat it as SSE, Cursor and Claude as streamable HTTP).
    pub url_default: Transport,
}

pub const HTTP: Dialect = Dialect {
    url_default: Transport::Http,
};
pub const SSE: Dialect = Dialect {
    url_default: Transport::Sse,
};

#[derive(Debug, PartialEq)]
pub enum Entry {
    Server(Box<ServerDef>),
    /// Not an external server (a client built-in or an extension-provided
    /// entry with nothing to launch): not an error, nothing to report.
    Skip,
    Invalid(String),
}

fn scalar_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn first<'a>(v: &'a Value, keys: &[&str]) -> Option<&'a Value> {
    keys.iter().find_map(|k| v.get(*k)).filter(|x| !x.is_null())
}

fn string_list(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Array(a)) => a.iter().filter_map(scalar_string).collect(),
        Some(v) => scalar_string(v).into_iter().collect(),
        None => Vec::new(),
    }
}

fn string_map(v: Option<&Value>, out: &mut BTreeMap<String, String>) {
    if let Some(Value::Object(m)) = v {
        for (k, v) in m {
            // A non-scalar value keeps its name (assessment still sees the key).
            out.insert(k.clone(), scalar_string(v).unwrap_or_default());
        }
    }
}

/// Parses one entry named `name`. Unknown keys are ignored: clients add keys
/// often, and a scanner that rejects them would miss servers.
pub fn parse_entry(name: &str, v: &Value, o: &Origin, d: Dialect) -> Entry {
    if !v.is_object() {
        return Entry::Invalid(format!("server `{name}`: entry is not an object"));
    }
    let kind = first(v, &["type", "transportType"])
        .and_then(Value::as_str)
        .map(|t| t.to_ascii_lowercase().replace(['-', '_'], ""));
    let declared = match kind.as_deref() {
        Some("stdio") | Some("local") => Some(Transport::Stdio),
        Some("http") | Some("streamablehttp") | Some("remote") | Some("ws") | Some("websocket") => {
            Some(Transport::Http)
        }
        Some("sse") => Some(Transport::Sse),
        // goose built-ins run inside the client; nothing external to inventory.
        Some("builtin") | Some("platform") | Some("frontend") | Some("inlinepython") => {
            return Entry::Skip
        }
        _ => None,
    };

    let mut env = BTreeMap::new();
    string_map(first(v, &["env", "environment", "envs"]), &mut env);

    // `command` is a string (most), an argv array (opencode) or an object
    // `{path, args, env}` (older Zed).
    let mut args = Vec::new();
    let command = match first(v, &["command", "cmd"]) {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Array(a)) => {
            let mut it = a.iter().filter_map(scalar_string);
            let c = it.next();
            args.extend(it);
            c
        }
        Some(obj @ Value::Object(_)) => {
            args.extend(string_list(obj.get("args")));
            string_map(obj.get("env"), &mut env);
            obj.get("path").and_then(scalar_string)
        }
        _ => None,
    };
    args.extend(string_list(v.get("args")));

    let http_url = v.get("httpUrl").and_then(scalar_string);
    let url = http_url
        .clone()
        .or_else(|| first(v, &["url", "serverUrl", "uri"]).and_then(scalar_string));

    let transport = if http_url.is_some() {
        Transport::Http
    } else if let Some(t) = declared {
        t
    } else if command.is_some() {
        Transport::Stdio
    } else if let Some(u) = &url {
        let path = u.split(['?', '#']).next().unwrap_or(u);
        if path.trim_end_matches('/').ends_with("/sse") {
            Transport::Sse
        } else {
            d.url_default
        }
    } else {
        Transport::Stdio
    };

    if command.is_none() && url.is_none() {
        // Zed lists extension-provided servers with only their settings.
        if v.get("source").and_then(Value::as_str) == Some("extension") {
            return Entry::Skip;
        }
        return Entry::Invalid(format!("server `{name}`: neither `command` nor `url`"));
    }

    let mut headers = BTreeMap::new();
    string_map(first(v, &["headers", "http_headers"]), &mut headers);

    let mut env_keys: Vec<String> = env.keys().cloned().collect();
    // Names only: goose `env_keys`, Codex `env_vars` (strings or `{name}`).
    for k in ["env_keys", "env_vars"] {
        if let Some(Value::Array(a)) = v.get(k) {
            for e in a {
                if let Some(n) = e.as_str().or_else(|| e.get("name").and_then(Value::as_str)) {
                    env_keys.push(n.to_string());
                }
            }
        }
    }
    env_keys.sort();
    env_keys.dedup();

    let mut header_keys: Vec<String> = headers.keys().cloned().collect();
    if let Some(Value::Object(m)) = v.get("env_http_headers") {
        header_keys.extend(m.keys().cloned());
    }
    if v.get("bearer_token_env_var").is_some() {
        header_keys.push("Authorization".into());
    }
    header_keys.sort();
    header_keys.dedup();

    let enabled = !(v.get("disabled").and_then(Value::as_bool) == Some(true)
        || v.get("enabled").and_then(Value::as_bool) == Some(false));

    let mut auto_approve = string_list(first(v, &["autoApprove", "alwaysAllow"]));
    // Gemini `trust: true` skips every confirmation; VS Code auto-approves
    // every tool call of a sandboxed server.
    if v.get("trust").and_then(Value::as_bool) == Some(true)
        || v.get("sandboxEnabled").and_then(Value::as_bool) == Some(true)
    {
        auto_approve = vec!["*".into()];
    }

    Entry::Server(Box::new(ServerDef {
        name: name.to_string(),
        client: o.client.to_string(),
        scope: o.scope,
        source: o.source.clone(),
        project: o.project.clone(),
        transport,
        command,
        args,
        url,
        cwd: v.get("cwd").and_then(scalar_string),
        env,
        headers,
        env_keys,
        header_keys,
        enabled,
        // Callers with an approval model (project files) revise this.
        approved: enabled && o.scope != Scope::Project,
        auto_approve,
        shadow: false,
    }))
}

/// Servers from an object `name -> entry`. Problems come back as messages
/// prefixed with `key` (the dotted path of the map in its file).
pub fn parse_map(
    map: &Value,
    key: &str,
    o: &Origin,
    d: Dialect,
    errors: &mut Vec<String>,
) -> Vec<ServerDef> {
    let Some(m) = map.as_object() else {
        if !map.is_null() {
            errors.push(format!("`{key}` is not an object"));
        }
        return Vec::new();
    };
    let mut out = Vec::new();
    for (name, v) in m {
        match parse_entry(name, v, o, d) {
            Entry::Server(s) => out.push(*s),
            Entry::Skip => {}
            Entry::Invalid(e) => errors.push(format!("{key}: {e}")),
        }
    }
    out
}

/// Servers from a list of entries carrying their own `name` (Continue).
pub fn parse_list(
    list: &Value,
    key: &str,
    o: &Origin,
    d: Dialect,
    errors: &mut Vec<String>,
) -> Vec<ServerDef> {
    let Some(a) = list.as_array() else {
        if list.is_object() {
            return parse_map(list, key, o, d, errors);
        }
        if !list.is_null() {
            errors.push(format!("`{key}` is not an object or a list"));
        }
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, v) in a.iter().enumerate() {
        let name = v
            .get("name")
            .and_then(Value::as_str)
            .map(str::to_string)
            .unwrap_or_else(|| format!("#{i}"));
        match parse_entry(&name, v, o, d) {
            Entry::Server(s) => out.push(*s),
            Entry::Skip => {}
            Entry::Invalid(e) => errors.push(format!("{key}[{i}]: {e}")),
        }
    }
    out
}

#[cfg(test)]
pub(crate) fn origin(client: &'static str, scope: Scope) -> Origin {
    Origin {
        client,
        scope,
        source: "/f.json".into(),
        project: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn one(v: Value, d: Dialect) -> ServerDef {
        match parse_entry("s", &v, &origin("cursor", Scope::User), d) {
            Entry::Server(s) => *s,
            e => panic!("{e:?}"),
        }
    }

    #[test]
    fn stdio_entry_keeps_env_values_but_lists_names() {
        let s = one(
            json!({"command": "npx", "args": ["-y", "pkg", 3], "env": {"B": "x", "A": 1}}),
            HTTP,
        );
        assert_eq!(s.transport, Transport::Stdio);
        assert_eq!(s.args, ["-y", "pkg", "3"]);
        assert_eq!(s.env_keys, ["A", "B"]);
        assert_eq!(s.env["B"], "x");
        assert!(s.enabled && s.approved);
    }

    #[test]
    fn transports_by_type_url_and_dialect() {
        assert_eq!(
            one(json!({"url": "https://x/mcp"}), HTTP).transport,
            Transport::Http
        );
        assert_eq!(
            one(json!({"url": "https://x/mcp"}), SSE).transport,
            Transport::Sse
        );
        assert_eq!(
            one(json!({"url": "https://x/sse"}), HTTP).transport,
            Transport::Sse
        );
        assert_eq!(
            one(json!({"httpUrl": "https://x/"}), SSE).transport,
            Transport::Http
        );
        assert_eq!(
            one(json!({"type": "streamable-http", "url": "u"}), SSE).transport,
            Transport::Http
        );
        assert_eq!(
            one(json!({"serverUrl": "u"}), HTTP).url.as_deref(),
            Some("u")
        );
        assert_eq!(
            one(json!({"transportType": "sse", "url": "u"}), HTTP).transport,
            Transport::Sse
        );
    }

    #[test]
    fn client_spellings() {
        let s = one(
            json!({"type": "local", "command": ["bun", "x.ts"], "environment": {"K": "v"}, "enabled": false}),
            HTTP,
        );
        assert_eq!(
            (s.command.as_deref(), s.args.clone()),
            (Some("bun"), vec!["x.ts".into()])
        );
        assert_eq!(s.env_keys, ["K"]);
        assert!(!s.enabled && !s.approved);
        let s = one(
            json!({"command": {"path": "z", "args": ["a"], "env": {"E": "1"}}}),
            HTTP,
        );
        assert_eq!(
            (s.command.as_deref(), s.args.len(), s.env_keys.len()),
            (Some("z"), 1, 1)
        );
        let s = one(
            json!({"cmd": "g", "envs": {"X": "1"}, "env_keys": ["Y"]}),
            HTTP,
        );
        assert_eq!(s.env_keys, ["X", "Y"]);
        let s = one(json!({"command": "c", "trust": true}), HTTP);
        assert_eq!(s.auto_approve, ["*"]);
        let s = one(json!({"command": "c", "sandboxEnabled": true}), HTTP);
        assert_eq!(s.auto_approve, ["*"]);
        let s = one(
            json!({"command": "c", "alwaysAllow": ["read"], "disabled": true}),
            HTTP,
        );
        assert_eq!(s.auto_approve, ["read"]);
        assert!(!s.enabled);
        let s = one(
            json!({"url": "u", "http_headers": {"X-A": "1"}, "env_http_headers": {"X-B": "V"}, "bearer_token_env_var": "T", "env_vars": ["P", {"name": "Q"}]}),
            HTTP,
        );
        assert_eq!(s.header_keys, ["Authorization", "X-A", "X-B"]);
        assert_eq!(s.env_keys, ["P", "Q"]);
    }

    #[test]
    fn skips_and_invalid() {
        let o = origin("goose", Scope::User);
        assert_eq!(
            parse_entry("d", &json!({"type": "builtin"}), &o, HTTP),
            Entry::Skip
        );
        assert_eq!(
            parse_entry("z", &json!({"source": "extension"}), &o, HTTP),
            Entry::Skip
        );
        assert!(matches!(
            parse_entry("x", &json!({}), &o, HTTP),
            Entry::Invalid(_)
        ));
        assert!(matches!(
            parse_entry("x", &json!([1]), &o, HTTP),
            Entry::Invalid(_)
        ));
        let mut errs = vec![];
        let v = parse_map(
            &json!({"a": {"command": "x"}, "b": 5}),
            "mcpServers",
            &o,
            HTTP,
            &mut errs,
        );
        assert_eq!(v.len(), 1);
        assert_eq!(errs, ["mcpServers: server `b`: entry is not an object"]);
        let v = parse_list(
            &json!([{"name": "n", "command": "c"}, {"command": "d"}]),
            "mcpServers",
            &o,
            HTTP,
            &mut errs,
        );
        assert_eq!(v[0].name, "n");
        assert_eq!(v[1].name, "#1");
    }

    #[test]
    fn project_entries_start_unapproved() {
        let o = origin("claude-code", Scope::Project);
        let Entry::Server(s) = parse_entry("p", &json!({"command": "x"}), &o, HTTP) else {
            panic!()
        };
        assert!(s.enabled && !s.approved);
    }
}
