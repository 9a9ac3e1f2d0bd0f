//! `warden inventory` / `warden scan --offline` on the realistic developer
//! fixture home: every server found with the right client, scope, transport
//! and source, and no secret value anywhere in any output.

mod common;

use serde_json::Value;
use std::path::PathBuf;
use std::process::Command;

fn fixture(rel: &str) -> PathBuf {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/homes")
        .join(rel);
    std::fs::canonicalize(&p).unwrap_or(p)
}

/// Runs warden on the dev fixture: (stdout, stderr, exit code).
fn run(args: &[&str], with_root: bool) -> (String, String, i32) {
    let home = fixture("dev/home");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_warden"));
    cmd.args(args)
        .arg("--home")
        .arg(&home)
        .arg("--system-root")
        .arg(fixture("dev/system"))
        .arg("--no-host-probes");
    if with_root {
        cmd.arg("--root").arg(home.join("projects"));
    }
    let out = cmd.output().expect("run warden");
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
        out.status.code().unwrap_or(-1),
    )
}

fn json(args: &[&str], with_root: bool) -> Value {
    let mut a = args.to_vec();
    a.extend(["--format", "json"]);
    let (out, err, code) = run(&a, with_root);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).expect("JSON output")
}

/// (name, client, scope, transport, source relative to the fixture dir).
const EXPECTED: &[(&str, &str, &str, &str, &str)] = &[
    ("github", "claude-code", "user", "stdio", "home/.claude.json"),
    ("sentry", "claude-code", "user", "http", "home/.claude.json"),
    ("postgres", "claude-code", "local", "stdio", "home/.claude.json"),
    ("legacy-cms", "claude-code", "local", "stdio", "home/.claude.json"),
    ("playwright", "claude-code", "project", "stdio", "home/projects/webapp/.mcp.json"),
    ("project-fs", "claude-code", "project", "stdio", "home/projects/webapp/.mcp.json"),
    ("company-docs", "claude-code", "managed", "http", "system/etc/claude-code/managed-mcp.json"),
    ("acme-db", "claude-code", "user", "stdio", "home/.claude/plugins/cache/acme-marketplace/acme-tools/1.2.0/.claude-plugin/plugin.json"),
    ("old-db", "claude-code", "user", "stdio", "home/.claude/plugins/cache/acme-marketplace/old-tools/0.9.0/.mcp.json"),
    ("notes", "codex", "user", "stdio", "home/.codex/plugins/notes/.mcp.json"),
    ("filesystem", "claude-desktop", "user", "stdio", "home/.config/Claude/claude_desktop_config.json"),
    ("brave-search", "claude-desktop", "user", "stdio", "home/.config/Claude/claude_desktop_config.json"),
    ("supabase", "cursor", "user", "stdio", "home/.cursor/mcp.json"),
    ("figma", "cursor", "user", "sse", "home/.cursor/mcp.json"),
    ("linear-sse", "cursor", "project", "sse", "home/projects/webapp/.cursor/mcp.json"),
    ("memory", "vscode", "user", "stdio", "home/.config/Code/User/mcp.json"),
    ("github-remote", "vscode", "user", "http", "home/.config/Code/User/mcp.json"),
    ("azure-devops", "vscode", "project", "stdio", "home/projects/api-service/.vscode/mcp.json"),
    ("stripe", "windsurf", "user", "stdio", "home/.codeium/windsurf/mcp_config.json"),
    ("notion", "windsurf", "user", "http", "home/.codeium/windsurf/mcp_config.json"),
    ("time", "gemini-cli", "user", "stdio", "home/.gemini/settings.json"),
    ("cloud-run", "gemini-cli", "user", "http", "home/.gemini/settings.json"),
    ("bigquery", "gemini-cli", "project", "stdio", "home/projects/api-service/.gemini/settings.json"),
    ("context7", "codex", "user", "stdio", "home/.codex/config.toml"),
    ("linear", "codex", "user", "http", "home/.codex/config.toml"),
    ("openapi", "codex", "project", "stdio", "home/projects/api-service/.codex/config.toml"),
    ("mcp-server-git", "zed", "user", "stdio", "home/.config/zed/settings.json"),
    ("postgres-zed", "zed", "user", "stdio", "home/.config/zed/settings.json"),
    ("aws-docs", "cline", "user", "stdio", "home/.config/Code/User/globalStorage/saoudrizwan.claude-dev/settings/cline_mcp_settings.json"),
    ("puppeteer", "cline", "user", "stdio", "home/.config/Code/User/globalStorage/saoudrizwan.claude-dev/settings/cline_mcp_settings.json"),
    ("sqlite", "continue", "user", "stdio", "home/.continue/config.yaml"),
    ("deepwiki", "continue", "user", "http", "home/.continue/config.yaml"),
    ("browsermcp", "continue", "project", "stdio", "home/projects/mobile/.continue/mcpServers/browser.yaml"),
    ("fetch", "goose", "user", "stdio", "home/.config/goose/config.yaml"),
    ("tavily", "goose", "user", "stdio", "home/.config/goose/config.yaml"),
    ("aws-knowledge", "kiro", "user", "http", "home/.kiro/settings/mcp.json"),
    ("firebase", "kiro", "project", "stdio", "home/projects/mobile/.kiro/settings/mcp.json"),
    ("terraform", "amazon-q", "user", "stdio", "home/.aws/amazonq/cli-agents/dev.json"),
    ("aws-api", "amazon-q", "project", "stdio", "home/projects/infra/.amazonq/mcp.json"),
    ("jira", "opencode", "user", "stdio", "home/.config/opencode/opencode.json"),
    ("grep", "opencode", "user", "http", "home/.config/opencode/opencode.json"),
    ("hf-mcp-server", "lm-studio", "user", "http", "home/.lmstudio/mcp.json"),
    ("expo", "roo-code", "project", "stdio", "home/projects/mobile/.roo/mcp.json"),
];

fn find<'a>(servers: &'a [Value], name: &str, client: &str) -> &'a Value {
    servers
        .iter()
        .find(|s| s["name"] == name && s["client"] == client)
        .unwrap_or_else(|| panic!("{client}/{name} not found"))
}

#[test]
fn finds_every_server_in_every_scope() {
    let v = json(&["inventory"], true);
    let servers = v["servers"].as_array().unwrap();
    let base = std::fs::canonicalize(fixture("dev")).unwrap();
    for (name, client, scope, transport, source) in EXPECTED {
        let s = find(servers, name, client);
        assert_eq!(s["scope"], *scope, "{client}/{name}");
        assert_eq!(s["transport"], *transport, "{client}/{name}");
        let src = PathBuf::from(s["source"].as_str().unwrap());
        assert_eq!(
            std::fs::canonicalize(&src).unwrap(),
            base.join(source),
            "{client}/{name}"
        );
        for key in ["command", "args", "url", "env_keys", "approved", "enabled"] {
            assert!(s.get(key).is_some(), "{client}/{name} lacks {key}");
        }
    }
    assert_eq!(servers.len(), EXPECTED.len(), "unexpected extra servers");
    let clients: std::collections::BTreeSet<&str> = servers
        .iter()
        .map(|s| s["client"].as_str().unwrap())
        .collect();
    assert!(clients.len() >= 15, "{clients:?}");
    assert!(
        v["errors"].as_array().unwrap().is_empty(),
        "{}",
        v["errors"]
    );
    assert_eq!(v["findings"], Value::Array(vec![]));
}

#[test]
fn env_and_header_values_never_appear_only_names() {
    let v = json(&["inventory"], true);
    let servers = v["servers"].as_array().unwrap();
    let gh = find(servers, "github", "claude-code");
    assert_eq!(
        gh["env_keys"],
        serde_json::json!(["GITHUB_PERSONAL_ACCESS_TOKEN"])
    );
    assert!(gh.get("env").is_none());
    let sentry = find(servers, "sentry", "claude-code");
    assert_eq!(sentry["header_keys"], serde_json::json!(["Authorization"]));
    assert!(sentry.get("headers").is_none());
    let linear = find(servers, "linear", "codex");
    assert_eq!(linear["header_keys"], serde_json::json!(["Authorization"]));
}

/// Every fake credential planted in the fixture (they all contain `FAKE`
/// or `Fixture`), read from the files themselves so new ones are covered.
fn planted_secrets() -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![fixture("dev")];
    while let Some(p) = stack.pop() {
        if p.is_dir() {
            stack.extend(std::fs::read_dir(&p).unwrap().map(|e| e.unwrap().path()));
            continue;
        }
        let text = std::fs::read_to_string(&p).unwrap_or_default();
        for tok in text.split(|c: char| !(c.is_ascii_alphanumeric() || "_-.".contains(c))) {
            if tok.contains("FAKE") || tok.contains("Fixture") {
                out.push(tok.to_string());
            }
        }
    }
    assert!(out.len() >= 12, "{out:?}");
    out
}

#[test]
fn no_secret_in_any_output() {
    let secrets = planted_secrets();
    for format in ["table", "json"] {
        for cmd in [vec!["inventory"], vec!["scan", "--offline"]] {
            let mut args = cmd.clone();
            args.extend(["--format", format]);
            let (out, err, code) = run(&args, true);
            assert_eq!(code, 0);
            for s in &secrets {
                // A redacted preview keeps at most 4 leading characters.
                assert!(!out.contains(s.as_str()), "{s} leaked in {args:?} stdout");
                assert!(!err.contains(s.as_str()), "{s} leaked in {args:?} stderr");
                let tail = &s[s.len() - 8..];
                assert!(!out.contains(tail), "tail of {s} leaked in {args:?}");
            }
        }
    }
}

#[test]
fn approval_and_auto_approve() {
    let v = json(&["inventory"], true);
    let servers = v["servers"].as_array().unwrap();
    let approved = |n: &str, c: &str| find(servers, n, c)["approved"].as_bool().unwrap();
    // .mcp.json: playwright approved in ~/.claude.json, project-fs never.
    assert!(approved("playwright", "claude-code"));
    assert!(!approved("project-fs", "claude-code"));
    // Trusted Codex project / Gemini trusted folder.
    assert!(approved("openapi", "codex"));
    assert!(approved("bigquery", "gemini-cli"));
    // Untrusted project files of other clients.
    assert!(!approved("azure-devops", "vscode"));
    // Disabled entries.
    assert!(!approved("puppeteer", "cline"));
    assert_eq!(find(servers, "puppeteer", "cline")["enabled"], false);
    assert_eq!(find(servers, "tavily", "goose")["enabled"], false);
    // Its plugin is switched off in enabledPlugins.
    assert_eq!(find(servers, "old-db", "claude-code")["enabled"], false);
    assert!(!approved("old-db", "claude-code"));
    let auto = |n: &str, c: &str| find(servers, n, c)["auto_approve"].clone();
    assert_eq!(auto("time", "gemini-cli"), serde_json::json!(["*"]));
    assert_eq!(
        auto("aws-docs", "cline"),
        serde_json::json!(["search_documentation", "read_documentation"])
    );
    assert_eq!(
        auto("expo", "roo-code"),
        serde_json::json!(["build_status"])
    );
    assert_eq!(auto("terraform", "amazon-q"), serde_json::json!(["*"]));
    assert_eq!(
        auto("firebase", "kiro"),
        serde_json::json!(["firebase_get_project"])
    );
}

#[test]
fn recorded_projects_without_root_and_vendored_dirs_skipped() {
    let v = json(&["inventory"], false);
    let names = common::server_names(&v);
    // Recorded by ~/.claude.json, Codex, Gemini and Cursor's workspace
    // storage: found with no --root.
    assert!(names.contains(&"playwright") && names.contains(&"openapi"));
    assert!(names.contains(&"aws-api"));
    // Only reachable through --root.
    assert!(!names.contains(&"firebase"));
    let with_root = json(&["inventory"], true);
    assert!(!with_root.to_string().contains("vendored-should-not-appear"));
}

#[test]
fn claude_settings_and_extensions_are_inventoried() {
    let v = json(&["inventory"], true);
    let claude = v["agents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == "claude-code")
        .unwrap();
    let settings: Vec<(&str, &str)> = claude["settings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["scope"].as_str().unwrap(), s["path"].as_str().unwrap()))
        .collect();
    assert!(settings
        .iter()
        .any(|(sc, p)| *sc == "managed" && p.ends_with("managed-settings.json")));
    assert!(settings
        .iter()
        .any(|(sc, p)| *sc == "user" && p.ends_with(".claude/settings.json")));
    assert!(settings
        .iter()
        .any(|(sc, p)| *sc == "project" && p.ends_with("webapp/.claude/settings.json")));
    // The raw settings are for assessment only, never printed.
    assert!(claude["settings"][0].get("raw").is_none());
    let ext: Vec<(&str, &str)> = claude["extensions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["kind"].as_str().unwrap(), e["name"].as_str().unwrap()))
        .collect();
    for want in [
        ("plugin", "acme-tools@acme-marketplace"),
        ("skill", "pdf-tools"),
        ("skill", "deploy"),
        ("command", "review"),
        ("command", "git:commit"),
        ("subagent", "security-reviewer"),
        ("hook", "PreToolUse[Bash]"),
        ("hook", "SessionStart"),
        ("hook", "PostToolUse[Write|Edit]"),
        ("instructions", "CLAUDE.md"),
    ] {
        assert!(ext.contains(&want), "{want:?} missing from {ext:?}");
    }
}

#[test]
fn scan_offline_has_the_inventory_and_findings() {
    let inv = json(&["inventory"], true);
    let scan = json(&["scan", "--offline"], true);
    assert_eq!(inv["servers"], scan["servers"]);
    assert!(scan["findings"].is_array());
}

#[test]
fn usage_errors_exit_2() {
    let out = Command::new(env!("CARGO_BIN_EXE_warden"))
        .args(["inventory", "--format", "xml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
