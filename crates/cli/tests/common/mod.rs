//! Shared by the CLI integration tests. The real peers, the hostile servers
//! and the HTTP peer come from the enumeration tests' helpers (one copy).
// Each test binary uses a different part of this module.
#![allow(dead_code, unused_imports)]

#[path = "../../../mcp/tests/common.rs"]
mod peers;

pub use peers::{free_port, hostile, peer, python3, repo, stdio, HttpPeer};
use serde_json::{json, Value};
use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// An `mcpServers` entry running a hostile server: `python3 <path> args…`.
pub fn python_server(path: &str, args: &[&str]) -> Value {
    let mut a = vec![path.to_string()];
    a.extend(args.iter().map(|s| s.to_string()));
    json!({"command": python3(), "args": a})
}

/// A temp dir laid out like the hook tests' machine: `home/project` (created),
/// the Warden data dir `data` and the system root `root`.
pub struct TempHome {
    pub dir: tempfile::TempDir,
}

impl TempHome {
    pub fn new() -> Self {
        let t = TempHome {
            dir: tempfile::tempdir().unwrap(),
        };
        std::fs::create_dir_all(t.project()).unwrap();
        t
    }
    pub fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }
    pub fn project(&self) -> PathBuf {
        self.home().join("project")
    }
    pub fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }
    pub fn system_root(&self) -> PathBuf {
        self.dir.path().join("root")
    }
}

/// `inventory --format json --no-host-probes --home HOME --system-root SYSTEM`.
pub fn inventory_args(home: &Path, system: &Path) -> Vec<OsString> {
    let mut a: Vec<OsString> = [
        "inventory",
        "--format",
        "json",
        "--no-host-probes",
        "--home",
    ]
    .map(OsString::from)
    .to_vec();
    a.extend([home.into(), "--system-root".into(), system.into()]);
    a
}

/// The `servers` array of an inventory or scan report.
pub fn servers(report: &Value) -> &[Value] {
    report["servers"].as_array().expect("a servers array")
}

/// The names of the report's servers, in order.
pub fn server_names(report: &Value) -> Vec<&str> {
    servers(report)
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect()
}
