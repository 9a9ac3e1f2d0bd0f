//! Host probes on the developer fixture: agent binaries on PATH, global npm
//! and pip packages, editor extensions, and real running MCP server
//! processes (the reference servers installed by scripts/install-peers.sh),
//! each mapped to the config that starts it or marked shadow.

mod common;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn repo(rel: &str) -> PathBuf {
    std::fs::canonicalize(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../..")
            .join(rel),
    )
    .unwrap()
}

fn inventory(home: &Path, system: &Path, path_var: &Path) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_warden"))
        .args(["inventory", "--format", "json", "--home"])
        .arg(home)
        .arg("--system-root")
        .arg(system)
        .env("PATH", path_var)
        .output()
        .unwrap();
    assert!(out.status.success());
    serde_json::from_slice(&out.stdout).unwrap()
}

fn agent<'a>(v: &'a Value, id: &str) -> &'a Value {
    v["agents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == id)
        .unwrap_or_else(|| panic!("agent {id}"))
}

#[test]
fn binaries_packages_and_extensions() {
    let dev = repo("tests/fixtures/homes/dev");
    let v = inventory(&dev.join("home"), &dev.join("system"), &dev.join("bin"));
    let claude = agent(&v, "claude-code");
    assert_eq!(
        claude["binary"],
        dev.join("bin/claude").display().to_string().as_str()
    );
    assert_eq!(claude["version"], "2.0.14");
    assert_eq!(claude["shadow"], false);
    let exts: Vec<&str> = claude["extensions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "editor-extension")
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(exts, ["anthropic.claude-code"]);
    // Installed with no config anywhere: a shadow agent.
    let aider = agent(&v, "aider");
    assert_eq!(aider["shadow"], true);
    assert_eq!(aider["version"], "0.86.1");
    // Not executable: not an install.
    assert!(agent(&v, "codex")["binary"].is_null());
    assert!(agent(&v, "cline")["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e == "vscode extension saoudrizwan.claude-dev"));

    let shadows: Vec<(&str, &str)> = common::servers(&v)
        .iter()
        .filter(|s| s["shadow"] == true)
        .map(|s| (s["name"].as_str().unwrap(), s["source"].as_str().unwrap()))
        .collect();
    let by_name = |n: &str| {
        shadows
            .iter()
            .find(|(name, _)| *name == n)
            .map(|(_, src)| *src)
    };
    assert!(by_name("mcp-server-kubernetes")
        .unwrap()
        .ends_with("node_modules/mcp-server-kubernetes"));
    assert!(by_name("mcp-server-shadowy")
        .unwrap()
        .ends_with("mcp_server_shadowy-1.0.0.dist-info"));
    // Installed and started by a config (VS Code `memory`, Gemini `time`): not shadow.
    assert!(
        by_name("@modelcontextprotocol/server-memory").is_none(),
        "{shadows:?}"
    );
    assert!(by_name("mcp-server-time").is_none(), "{shadows:?}");
    let evidence = agent(&v, "gemini-cli")["evidence"].to_string();
    assert!(
        evidence.contains("server `time` installed as pip package mcp-server-time"),
        "{evidence}"
    );
    for s in common::servers(&v).iter().filter(|s| s["shadow"] == true) {
        assert_eq!(s["scope"], "runtime");
        assert_eq!(s["client"], "unknown");
        assert_eq!(s["approved"], false);
    }
}

#[test]
fn no_host_probes_means_none() {
    let dev = repo("tests/fixtures/homes/dev");
    let out = Command::new(env!("CARGO_BIN_EXE_warden"))
        .args(common::inventory_args(
            &dev.join("home"),
            &dev.join("system"),
        ))
        .env("PATH", dev.join("bin"))
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["agents"]
        .as_array()
        .unwrap()
        .iter()
        .all(|a| a["binary"].is_null() && a["id"] != "aider"));
    assert!(common::servers(&v).iter().all(|s| s["shadow"] == false));
}

/// Kills the child when the test ends, pass or fail.
struct Running(std::process::Child);
impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start(peer: &str) -> Running {
    let bin = repo("tests/peers/node_modules/.bin").join(peer);
    assert!(
        bin.exists(),
        "{} missing: run scripts/install-peers.sh",
        bin.display()
    );
    let child = Command::new(bin)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait until node has replaced the shell shim in the process table.
    let pid = child.id();
    for _ in 0..50 {
        let cmd = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
        if String::from_utf8_lossy(&cmd).contains(peer) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    Running(child)
}

#[cfg(target_os = "linux")]
#[test]
fn running_servers_are_mapped_to_configs_or_marked_shadow() {
    let dev = repo("tests/fixtures/homes/dev");
    let everything = start("mcp-server-everything");
    let memory = start("mcp-server-memory");
    let v = inventory(&dev.join("home"), &dev.join("system"), &dev.join("bin"));
    let servers = v["servers"].as_array().unwrap();
    // Not in any config of the fixture: a shadow server, seen in /proc.
    let shadow = servers
        .iter()
        .find(|s| s["shadow"] == true && s["name"] == "mcp-server-everything")
        .unwrap_or_else(|| {
            panic!(
                "no shadow mcp-server-everything (pid {})",
                everything.0.id()
            )
        });
    assert!(shadow["source"].as_str().unwrap().starts_with("/proc/"));
    assert_eq!(shadow["scope"], "runtime");
    // Started by VS Code's `memory` entry in the fixture: mapped, not shadow.
    let mem_src = format!("/proc/{}", memory.0.id());
    assert!(
        servers.iter().all(|s| s["source"] != mem_src.as_str()),
        "memory reported as shadow"
    );
    assert!(servers
        .iter()
        .all(|s| !(s["shadow"] == true && s["name"] == "mcp-server-memory")));
    let evidence = agent(&v, "vscode")["evidence"].to_string();
    assert!(
        evidence.contains(&format!("server `memory` running as {mem_src}")),
        "{evidence}"
    );
}
