//! `warden scan` enumerating real MCP servers (npm and PyPI reference
//! servers) and hostile ones (tests/servers/), pinning their tools in the
//! store, raising rug-pull on the next scan, and `warden approve`.

mod common;

use common::{peer, HttpPeer};
use serde_json::{json, Value};
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn hostile(script: &str, args: &[&str]) -> Value {
    common::python_server(&common::hostile(script), args)
}

/// A temp HOME holding `~/.claude.json` with `servers`, and a data dir.
struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    fn new(servers: Value) -> Home {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(".claude.json"),
            serde_json::to_string_pretty(&json!({ "mcpServers": servers })).unwrap(),
        )
        .unwrap();
        Home { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn warden(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_warden"))
            .args(args)
            .env("HOME", self.path())
            .env("WARDEN_DATA_DIR", self.path().join("data"))
            .env_remove("XDG_DATA_HOME")
            .env_remove("CLAUDE_CONFIG_DIR")
            .output()
            .unwrap()
    }

    /// `warden scan --format json` of this home: (report, stderr).
    fn scan(&self, extra: &[&str]) -> (Value, String) {
        let home = self.path().to_string_lossy().into_owned();
        let mut args = vec![
            "scan",
            "--home",
            &home,
            "--no-host-probes",
            "--format",
            "json",
        ];
        args.extend_from_slice(extra);
        let out = self.warden(&args);
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        let v: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
            panic!("scan output is not JSON ({e}): {stdout}\nstderr: {stderr}")
        });
        (v, stderr)
    }
}

fn server<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["servers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no server {name} in {report:#}"))
}

fn tool_names(s: &Value) -> Vec<&str> {
    s["tools"]
        .as_array()
        .unwrap_or_else(|| panic!("no tools in {s:#}"))
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect()
}

fn errors_about<'a>(report: &'a Value, name: &str) -> Vec<&'a str> {
    let needle = format!("server `{name}`");
    report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["message"].as_str())
        .filter(|m| m.contains(&needle))
        .collect()
}

#[test]
fn scan_lists_real_servers_tools_and_reports_broken_ones() {
    let files = tempfile::tempdir().unwrap();
    let files_dir = files.path().to_string_lossy().into_owned();
    let secret = "ghp_abcdefghijklmnopqrstuvwxyz0123456789";
    // A token the secret detector finds (its own rule example), handed to
    // a server that prints it on stderr when it crashes.
    let example = warden_detect::secrets::rules()
        .iter()
        .find(|r| r.id == "secret.github-pat")
        .unwrap()
        .examples[0];
    let leaked = &example[warden_detect::secrets::find(example)[0].span.clone()];
    let mut crashy = hostile("crash.py", &[]);
    crashy["env"] = json!({ "QUOTES_API_KEY": leaked });
    let home = Home::new(json!({
        "filesystem": {"command": peer("mcp-server-filesystem"), "args": [files_dir]},
        "everything": {"command": peer("mcp-server-everything"), "env": {"GITHUB_TOKEN": secret}},
        "time": {"command": peer("mcp-server-time")},
        "crashy": crashy,
        "garbage": hostile("garbage.py", &[]),
        "missing": {"command": "/nonexistent/bin/mcp-server"},
    }));
    let start = Instant::now();
    let (r, stderr) = home.scan(&["--timeout", "20"]);
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "{:?}",
        start.elapsed()
    );

    let fs = server(&r, "filesystem");
    assert_eq!(tool_names(fs).len(), 14, "{fs:#}");
    let write = fs["tools"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "write_file")
        .unwrap();
    assert_eq!(write["annotations"]["destructiveHint"], true);
    assert!(write["hash"].as_str().unwrap().starts_with("sha256:"));
    assert_eq!(write["input_schema"]["type"], "object");
    assert!(write["description"].as_str().is_some());
    assert_eq!(fs["server_info"]["name"], "secure-filesystem-server");

    let every = server(&r, "everything");
    assert_eq!(tool_names(every).len(), 13);
    assert!(every["prompts"].as_array().is_some_and(|p| !p.is_empty()));
    assert!(every["resources"].as_array().is_some_and(|p| !p.is_empty()));
    assert!(every["instructions"].as_str().is_some());
    assert_eq!(
        tool_names(server(&r, "time")),
        ["get_current_time", "convert_time"]
    );

    let crash = errors_about(&r, "crashy");
    assert_eq!(crash.len(), 1, "{:#}", r["errors"]);
    assert!(
        crash[0].contains("exit status: 3") && crash[0].contains("rejected key"),
        "{crash:?}"
    );
    assert!(errors_about(&r, "garbage")[0].contains("does not speak MCP"));
    assert!(errors_about(&r, "missing")[0].contains("cannot start"));
    assert!(server(&r, "crashy").get("tools").is_none());

    assert!(stderr.contains("trust on first use"), "{stderr}");
    let all = format!("{r}{stderr}");
    assert!(!all.contains(secret), "the config's secret leaked");
    assert!(
        !all.contains(leaked),
        "the secret on the server's stderr leaked"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn a_hanging_server_times_out_and_leaves_nothing_running() {
    let pidfile = tempfile::NamedTempFile::new().unwrap();
    let pidpath = pidfile.path().to_string_lossy().into_owned();
    let home = Home::new(json!({
        "hangs": hostile("hang.py", &[&pidpath]),
        "weather": hostile("shadowing.py", &[]),
    }));
    let start = Instant::now();
    let (r, _) = home.scan(&["--timeout", "2"]);
    let took = start.elapsed();
    assert!(took < Duration::from_secs(6), "{took:?}");
    let e = errors_about(&r, "hangs");
    assert!(
        e[0].contains("no answer to `initialize` within 2s"),
        "{e:?}"
    );
    assert!(e[0].contains("waiting forever"), "stderr tail: {e:?}");
    assert_eq!(tool_names(server(&r, "weather")), ["get_weather"]);
    let pid = std::fs::read_to_string(&pidpath).unwrap();
    let status =
        std::fs::read_to_string(format!("/proc/{}/status", pid.trim())).unwrap_or_default();
    assert!(
        status.is_empty()
            || status
                .lines()
                .any(|l| l.starts_with("State:") && l.contains('Z')),
        "the hanging server's child {pid} is still running"
    );
}

#[test]
fn rug_pull_on_the_second_scan_until_approved() {
    let state = tempfile::tempdir().unwrap();
    let state_file = state.path().join("runs").to_string_lossy().into_owned();
    let home = Home::new(json!({ "quotes": hostile("rugpull.py", &[&state_file]) }));
    let rug = |r: &Value| -> Vec<Value> {
        r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["category"] == "rug-pull")
            .cloned()
            .collect()
    };

    let (first, stderr) = home.scan(&[]);
    assert!(rug(&first).is_empty(), "{:#}", first["findings"]);
    assert!(stderr.contains("first scan of `quotes`"), "{stderr}");
    assert_eq!(
        tool_names(server(&first, "quotes")),
        ["fetch_quote", "stable"]
    );

    let (second, _) = home.scan(&[]);
    assert_eq!(
        tool_names(server(&second, "quotes")),
        ["fetch_quote", "stable", "transfer_funds"]
    );
    let found = rug(&second);
    let changed = found
        .iter()
        .find(|f| f["location"]["field"] == "fetch_quote")
        .unwrap_or_else(|| panic!("no rug-pull for fetch_quote: {found:#?}"));
    assert!(
        matches!(changed["severity"].as_str(), Some("high" | "critical")),
        "{changed:#}"
    );
    assert_eq!(changed["server"], "quotes");
    let preview = changed["evidence"]["preview"].as_str().unwrap();
    assert!(
        preview.contains("+ ") && preview.contains(".aws/credentials"),
        "{preview}"
    );
    assert!(
        found
            .iter()
            .any(|f| f["location"]["field"] == "transfer_funds"),
        "the new tool is reported: {found:#?}"
    );
    assert!(!found.iter().any(|f| f["location"]["field"] == "stable"));

    // Not approved yet: the next scan still reports it.
    let (third, _) = home.scan(&[]);
    assert!(!rug(&third).is_empty());

    let out = home.warden(&["approve", "quotes"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("approved claude-code/user/-/quotes") && said.contains("changed fetch_quote"),
        "{said}"
    );

    let (fourth, _) = home.scan(&[]);
    assert!(rug(&fourth).is_empty(), "{:#}", fourth["findings"]);
}

#[test]
fn approve_explains_a_server_never_scanned() {
    let home = Home::new(json!({}));
    let out = home.warden(&["approve", "nothing-here"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("server `nothing-here` has never been scanned"),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    let out = home.warden(&["approve", "--all"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("no server has been scanned yet"));
}

#[test]
fn offline_launches_nothing() {
    let state = tempfile::tempdir().unwrap();
    let state_file = state.path().join("runs");
    let home = Home::new(json!({
        "quotes": hostile("rugpull.py", &[state_file.to_str().unwrap()])
    }));
    let (r, _) = home.scan(&["--offline"]);
    assert!(!state_file.exists(), "--offline started the server");
    assert!(server(&r, "quotes").get("tools").is_none());
}

#[test]
fn scan_enumerates_a_streamable_http_server_with_its_headers() {
    let p = HttpPeer::start("streamableHttp");
    let secret = "sk-live-0123456789abcdefghijklmnop";
    let home = Home::new(json!({
        "remote": {"type": "http", "url": format!("http://127.0.0.1:{}/mcp", p.port),
                   "headers": {"Authorization": format!("Bearer {secret}")}}
    }));
    let (r, stderr) = home.scan(&["--timeout", "20"]);
    let s = server(&r, "remote");
    assert_eq!(tool_names(s).len(), 13, "{s:#}");
    assert_eq!(s["server_info"]["name"], "mcp-servers/everything");
    assert!(!format!("{r}{stderr}").contains(secret));
}

#[test]
fn only_approved_leaves_unapproved_project_servers_alone() {
    let state = tempfile::tempdir().unwrap();
    let approved_state = state.path().join("approved");
    let unapproved_state = state.path().join("unapproved");
    let home = Home::new(json!({
        "mine": hostile("rugpull.py", &[approved_state.to_str().unwrap()])
    }));
    // A checked-in project config nobody approved: cloning a repo must not
    // be enough to make Warden run its code with --only-approved.
    let project = home.path().join("src/repo");
    std::fs::create_dir_all(&project).unwrap();
    std::fs::write(
        project.join(".mcp.json"),
        json!({"mcpServers": {"theirs": hostile("rugpull.py", &[unapproved_state.to_str().unwrap()])}})
            .to_string(),
    )
    .unwrap();
    let root = home.path().join("src").to_string_lossy().into_owned();
    let (r, _) = home.scan(&["--root", &root, "--only-approved"]);
    assert!(
        approved_state.exists(),
        "the approved server was not enumerated"
    );
    assert!(
        !unapproved_state.exists(),
        "--only-approved started an unapproved server"
    );
    assert!(server(&r, "theirs").get("tools").is_none());
    assert_eq!(tool_names(server(&r, "mine")).len(), 2);
}
