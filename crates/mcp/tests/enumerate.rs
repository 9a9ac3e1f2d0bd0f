//! Enumeration against real MCP servers (the reference servers from npm and
//! PyPI) and against hostile ones of our own (tests/servers/).

mod common;

use common::*;
use std::time::{Duration, Instant};
use warden_mcp::{enumerate, enumerate_all, EnumerateOptions, ErrorKind};
use warden_model::{ServerSnapshot, Transport};

fn opts(secs: u64) -> EnumerateOptions {
    EnumerateOptions {
        timeout: Duration::from_secs(secs),
        ..Default::default()
    }
}

fn names(s: &ServerSnapshot) -> Vec<&str> {
    s.tools.iter().map(|t| t.name.as_str()).collect()
}

#[test]
fn filesystem_lists_its_14_tools_with_annotations_and_hashes() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().to_string_lossy().into_owned();
    let def = stdio("fs", &peer("mcp-server-filesystem"), &[&dir]);
    let s = enumerate(&def, &opts(20)).expect("filesystem enumerates");
    assert_eq!(s.protocol_version.as_deref(), Some("2025-06-18"));
    assert_eq!(s.server_info["name"], "secure-filesystem-server");
    assert_eq!(s.tools.len(), 14, "{:?}", names(&s));
    let destructive: Vec<&str> = s
        .tools
        .iter()
        .filter(|t| t.hint("destructiveHint") == Some(true))
        .map(|t| t.name.as_str())
        .collect();
    assert_eq!(destructive, ["write_file", "edit_file", "move_file"]);
    let read_only = s
        .tools
        .iter()
        .filter(|t| t.hint("readOnlyHint") == Some(true))
        .count();
    assert_eq!(read_only, 10);
    for t in &s.tools {
        assert_eq!(t.hash, t.compute_hash());
        assert!(t.hash.starts_with("sha256:"));
        assert_eq!(t.input_schema["type"], "object", "{}", t.name);
    }
    assert_eq!(s.server_key, def.key());
}

#[test]
fn everything_over_stdio_lists_tools_prompts_resources_and_templates() {
    let def = stdio("everything", &peer("mcp-server-everything"), &[]);
    let s = enumerate(&def, &opts(20)).expect("everything enumerates");
    assert_eq!(s.server_info["name"], "mcp-servers/everything");
    assert_eq!(s.tools.len(), 13, "{:?}", names(&s));
    for n in [
        "echo",
        "get-sum",
        "get-env",
        "trigger-long-running-operation",
    ] {
        assert!(names(&s).contains(&n), "{n} in {:?}", names(&s));
    }
    assert!(s.tools.iter().all(|t| t.annotations.is_some()));
    assert!(!s.prompts.is_empty());
    assert!(s.resources.iter().any(|r| r.template));
    assert!(s.resources.iter().any(|r| !r.template));
    assert!(s.instructions.as_deref().is_some_and(|i| !i.is_empty()));
}

#[test]
fn python_peers_time_and_git_and_memory() {
    let defs = vec![
        stdio("time", &peer("mcp-server-time"), &[]),
        stdio("git", &peer("mcp-server-git"), &[]),
        stdio("memory", &peer("mcp-server-memory"), &[]),
    ];
    let out = enumerate_all(&defs, &opts(20), &|_| {});
    let get = |n: &str| {
        out.iter()
            .find(|e| e.server == n)
            .unwrap()
            .result
            .as_ref()
            .unwrap_or_else(|e| panic!("{e}"))
    };
    assert_eq!(names(get("time")), ["get_current_time", "convert_time"]);
    let git = get("git");
    assert_eq!(git.tools.len(), 12, "{:?}", names(git));
    assert!(names(git).contains(&"git_reset"));
    let memory = get("memory");
    assert_eq!(memory.tools.len(), 9, "{:?}", names(memory));
    assert!(names(memory).contains(&"delete_entities"));
}

#[test]
fn everything_over_streamable_http() {
    let p = HttpPeer::start("streamableHttp");
    let mut def = remote(
        "everything-http",
        Transport::Http,
        &format!("http://127.0.0.1:{}/mcp", p.port),
    );
    def.headers
        .insert("Authorization".into(), "Bearer test-token".into());
    let s = enumerate(&def, &opts(20)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.server_info["name"], "mcp-servers/everything");
    assert_eq!(s.tools.len(), 13, "{:?}", names(&s));
    assert!(!s.prompts.is_empty());
}

#[test]
fn everything_over_legacy_sse() {
    let p = HttpPeer::start("sse");
    let def = remote(
        "everything-sse",
        Transport::Sse,
        &format!("http://127.0.0.1:{}/sse", p.port),
    );
    let s = enumerate(&def, &opts(20)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.server_info["name"], "mcp-servers/everything");
    assert_eq!(s.tools.len(), 13, "{:?}", names(&s));
    // A bare `url` is tried as Streamable HTTP first; the 4xx falls back to SSE.
    let as_http = remote("bare-url", Transport::Http, def.url.as_deref().unwrap());
    let s = enumerate(&as_http, &opts(20)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.tools.len(), 13, "{:?}", names(&s));
}

#[test]
fn http_errors_name_the_status_and_unreachable_servers_fail_fast() {
    let p = HttpPeer::start("streamableHttp");
    let def = remote(
        "wrong-path",
        Transport::Http,
        &format!("http://127.0.0.1:{}/nope", p.port),
    );
    let e = enumerate(&def, &opts(10)).unwrap_err();
    assert!(
        matches!(e.kind, ErrorKind::Http(ref m) if m.contains("404")),
        "{e}"
    );
    let closed = remote(
        "closed",
        Transport::Http,
        &format!("http://127.0.0.1:{}/mcp", free_port()),
    );
    let start = Instant::now();
    let e = enumerate(&closed, &opts(10)).unwrap_err();
    assert!(start.elapsed() < Duration::from_secs(5), "{e}");
    assert!(e.to_string().contains("server `closed`"), "{e}");
}

#[test]
fn pagination_server_requests_and_notifications_are_handled() {
    // poisoned.py pages one tool at a time and sends a ping, a sampling
    // request and a log notification before each tools/list answer.
    let s = enumerate(&python("poisoned", "poisoned.py", &[]), &opts(10))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(names(&s), ["add", "multiply"]);
    assert!(s.tools[0]
        .description
        .as_deref()
        .unwrap()
        .contains("<IMPORTANT>"));
    assert_eq!(s.prompts.len(), 1);
}

#[test]
fn crash_reports_exit_status_and_stderr() {
    let e = enumerate(&python("crashy", "crash.py", &[]), &opts(10)).unwrap_err();
    let msg = e.to_string();
    assert!(msg.starts_with("server `crashy`: exited"), "{msg}");
    assert!(msg.contains("exit status: 3"), "{msg}");
    assert!(msg.contains("QUOTES_API_KEY is not set"), "{msg}");
}

#[test]
fn garbage_is_not_mcp_and_fails_before_the_timeout() {
    let start = Instant::now();
    let e = enumerate(&python("garbage", "garbage.py", &[]), &opts(10)).unwrap_err();
    assert!(matches!(e.kind, ErrorKind::NotMcp(_)), "{e}");
    assert!(e.to_string().contains("not json 0"), "{e}");
    assert!(start.elapsed() < Duration::from_secs(5));
}

#[test]
fn missing_command_fails_to_start() {
    let e = enumerate(&stdio("ghost", "/nonexistent/mcp-server", &[]), &opts(5)).unwrap_err();
    assert!(matches!(e.kind, ErrorKind::Spawn { .. }), "{e}");
    assert!(e.to_string().contains("/nonexistent/mcp-server"), "{e}");
}

fn alive(pid: &str) -> bool {
    // A zombie waiting for its reaper is dead for our purpose.
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .map(|s| {
            !s.lines()
                .any(|l| l.starts_with("State:") && l.contains('Z'))
        })
        .unwrap_or(false)
}

#[cfg(target_os = "linux")]
#[test]
fn hang_times_out_and_its_whole_process_tree_is_killed() {
    let d = tempfile::tempdir().unwrap();
    let pidfile = d.path().join("child.pid");
    let def = python("hangs", "hang.py", &[pidfile.to_str().unwrap()]);
    let start = Instant::now();
    let e = enumerate(&def, &opts(2)).unwrap_err();
    let took = start.elapsed();
    assert!(
        took >= Duration::from_secs(2) && took < Duration::from_secs(4),
        "{took:?}"
    );
    assert!(matches!(e.kind, ErrorKind::Timeout { .. }), "{e}");
    assert!(e.to_string().contains("waiting forever"), "{e}");
    let pid = std::fs::read_to_string(&pidfile).unwrap();
    std::thread::sleep(Duration::from_millis(200));
    assert!(!alive(pid.trim()), "grandchild {pid} still running");
}

#[test]
fn only_config_env_and_the_basics_reach_the_server() {
    std::env::set_var("WARDEN_TEST_LEAK", "do-not-pass");
    std::env::set_var("WARDEN_TEST_REF", "referenced");
    let mut def = python("env", "envdump.py", &[]);
    def.env.insert("CONFIG_VAR".into(), "x".into());
    def.env
        .insert("FROM_REF".into(), "${WARDEN_TEST_REF}".into());
    let s = enumerate(&def, &opts(10)).unwrap_or_else(|e| panic!("{e}"));
    let seen: Vec<&str> = s.tools[0]
        .description
        .as_deref()
        .unwrap()
        .split(' ')
        .collect();
    assert!(
        seen.contains(&"CONFIG_VAR") && seen.contains(&"FROM_REF"),
        "{seen:?}"
    );
    assert!(seen.contains(&"PATH"), "{seen:?}");
    assert!(!seen.contains(&"WARDEN_TEST_LEAK"), "{seen:?}");
    assert!(!seen.contains(&"WARDEN_TEST_REF"), "{seen:?}");
    let allowed = [
        "PATH",
        "HOME",
        "LANG",
        "LANGUAGE",
        "TMPDIR",
        "CONFIG_VAR",
        "FROM_REF",
    ];
    for k in &seen {
        // python itself may add LC_CTYPE under a C locale.
        assert!(
            allowed.contains(k) || k.starts_with("LC_"),
            "unexpected {k} in {seen:?}"
        );
    }
}

#[test]
fn ten_servers_take_about_the_slowest_not_the_sum() {
    // One hangs for the whole (short) timeout; the other nine must finish
    // in parallel with it rather than after it.
    let mut defs: Vec<_> = (0..9)
        .map(|i| python(&format!("s{i}"), "shadowing.py", &[]))
        .collect();
    defs.push(python("slow", "hang.py", &[]));
    let start = Instant::now();
    let done = std::sync::atomic::AtomicUsize::new(0);
    let out = enumerate_all(&defs, &opts(3), &|_| {
        done.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    });
    let took = start.elapsed();
    assert_eq!(done.into_inner(), 10);
    assert_eq!(out.len(), 10);
    assert_eq!(out.iter().filter(|e| e.result.is_ok()).count(), 9);
    assert_eq!(out[9].server, "slow");
    assert!(took < Duration::from_secs(6), "took {took:?}");
}

#[test]
fn disabled_shadow_and_unapproved_servers_are_skipped() {
    let mut disabled = python("off", "shadowing.py", &[]);
    disabled.enabled = false;
    let mut unapproved = python("unapproved", "shadowing.py", &[]);
    unapproved.approved = false;
    let mut shadow = python("shadow", "shadowing.py", &[]);
    shadow.shadow = true;
    let defs = vec![disabled, unapproved, shadow];
    let out = enumerate_all(&defs, &opts(10), &|_| {});
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].server, "unapproved");
    let only = EnumerateOptions {
        only_approved: true,
        ..opts(10)
    };
    assert!(enumerate_all(&defs, &only, &|_| {}).is_empty());
}

#[test]
fn a_flood_of_server_requests_is_refused_not_a_hang() {
    let start = Instant::now();
    let e = enumerate(&python("flood", "flood.py", &[]), &opts(10)).unwrap_err();
    assert!(
        matches!(e.kind, ErrorKind::NotMcp(ref m) if m.contains("requests from the server")),
        "{e}"
    );
    assert!(start.elapsed() < Duration::from_secs(5));
}

/// tests/servers/http_json.py on a free port, killed on drop.
struct StrictHttp(std::process::Child, u16);

impl Drop for StrictHttp {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn streamable_http_sends_headers_session_and_version_and_reads_json_answers() {
    let port = free_port();
    let child = std::process::Command::new(python3())
        .args([hostile("http_json.py"), port.to_string()])
        .spawn()
        .unwrap();
    let server = StrictHttp(child, port);
    let until = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", server.1)).is_err() {
        assert!(Instant::now() < until, "http_json.py did not listen");
        std::thread::sleep(Duration::from_millis(20));
    }
    let url = format!("http://127.0.0.1:{}/mcp", server.1);
    let mut def = remote("strict", Transport::Http, &url);
    def.headers
        .insert("Authorization".into(), "Bearer test-secret-token".into());
    let s = enumerate(&def, &opts(10)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(names(&s), ["lookup"]);
    assert_eq!(s.server_info["name"], "strict-http");

    def.headers
        .insert("Authorization".into(), "Bearer wrong".into());
    let e = enumerate(&def, &opts(10)).unwrap_err();
    assert!(
        matches!(e.kind, ErrorKind::Http(ref m) if m.starts_with("status 401")),
        "{e}"
    );
    assert!(!e.to_string().contains("wrong"), "{e}");
}
