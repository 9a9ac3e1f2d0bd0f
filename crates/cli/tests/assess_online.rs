//! The tool rules end to end: `warden scan` enumerates real reference
//! servers (npm `@modelcontextprotocol/server-filesystem`, PyPI
//! `mcp-server-git`) and hostile ones (tests/servers/) and assesses what they
//! list: poisoning and shadowing on the hostile servers only, destructive
//! tools on the filesystem server, the toxic flow across them (a small mail
//! server of ours, `assess_servers/mail.py`, is the way out).

mod common;

use common::{peer, repo};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::Command;

/// A test server: `tests/servers/<script>` (hostile ones) or, with a `/`,
/// a path under `crates/cli/tests/`.
fn hostile(script: &str) -> Value {
    let path = if script.contains('/') {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests")
            .join(script)
            .canonicalize()
            .unwrap()
            .to_string_lossy()
            .into_owned()
    } else {
        common::hostile(script)
    };
    common::python_server(&path, &[])
}

#[test]
fn tool_rules_on_enumerated_servers() {
    let home = tempfile::tempdir().unwrap();
    let files = home.path().join("work");
    std::fs::create_dir_all(&files).unwrap();
    let repo_dir = repo().canonicalize().unwrap();
    let servers = json!({
        "filesystem": {"command": peer("mcp-server-filesystem"), "args": [files]},
        "git": {"command": peer("mcp-server-git"), "args": ["--repository", repo_dir]},
        "math": hostile("poisoned.py"),
        "weather": hostile("shadowing.py"),
        "mail": hostile("assess_servers/mail.py"),
    });
    std::fs::write(
        home.path().join(".claude.json"),
        serde_json::to_string(&json!({"mcpServers": servers})).unwrap(),
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_warden"))
        .args(["scan", "--no-host-probes", "--format", "json", "--home"])
        .arg(home.path())
        .current_dir(home.path())
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("WARDEN_DATA_DIR", home.path().join("data"))
        .env("WARDEN_SYSTEM_ROOT", home.path().join("sys"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = v["findings"].as_array().unwrap();
    let on = |rule: &str, server: &str| {
        findings
            .iter()
            .filter(|f| f["rule"] == rule && f["server"] == server)
            .count()
    };
    // Every server answered.
    for s in v["servers"].as_array().unwrap() {
        assert!(
            s["tools"].as_array().is_some_and(|t| !t.is_empty()),
            "{}: {stderr}",
            s["name"]
        );
    }
    assert!(on("tool-poisoning", "math") >= 1, "{:#}", v["findings"]);
    // The finding names the server whose description shadows, not its target.
    assert!(on("tool-shadowing", "weather") >= 1, "{:#}", v["findings"]);
    assert_eq!(
        on("destructive-tool", "filesystem"),
        1,
        "{:#}",
        v["findings"]
    );
    // The real reference servers are not poisoned, shadowing or hiding text.
    for real in ["filesystem", "git"] {
        for rule in ["tool-poisoning", "tool-shadowing", "hidden-unicode"] {
            assert_eq!(on(rule, real), 0, "{rule} on {real}: {:#}", v["findings"]);
        }
    }
    // One agent reads untrusted mail, private files, and can send mail.
    let flow: Vec<&Value> = findings
        .iter()
        .filter(|f| f["rule"] == "toxic-flow")
        .collect();
    assert_eq!(flow.len(), 1, "{:#}", v["findings"]);
    let p = flow[0]["evidence"]["preview"].as_str().unwrap();
    assert!(p.contains("untrusted: mail/list_inbox"), "{p}");
    assert!(p.contains("out: mail/send_email"), "{p}");
    assert!(
        p.contains("private: filesystem/") || p.contains("private: git/"),
        "{p}"
    );
    // Poisoning outranks the destructive-tool notice.
    let pos = |rule: &str| findings.iter().position(|f| f["rule"] == rule).unwrap();
    assert!(pos("tool-poisoning") < pos("destructive-tool"));
}
