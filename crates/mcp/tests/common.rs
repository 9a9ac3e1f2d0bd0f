//! Shared by the enumeration tests (and, by path, the CLI's integration
//! tests): where the real peers and the hostile test servers live, and
//! ServerDefs pointing at them.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};
use warden_model::{Scope, ServerDef, Transport};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A real peer installed by scripts/install-peers.sh. Missing is a failure,
/// never a skip: CI must exercise the real servers.
pub fn peer(name: &str) -> String {
    let p = repo().join("tests/peers/node_modules/.bin").join(name);
    let p = if p.exists() {
        p
    } else {
        repo().join("tests/peers/.venv/bin").join(name)
    };
    assert!(
        p.exists(),
        "test peer `{name}` is missing: run scripts/install-peers.sh (it installs the real MCP servers into tests/peers/)"
    );
    p.canonicalize().unwrap().to_string_lossy().into_owned()
}

pub fn hostile(script: &str) -> String {
    repo()
        .join("tests/servers")
        .join(script)
        .canonicalize()
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

pub fn stdio(name: &str, command: &str, args: &[&str]) -> ServerDef {
    ServerDef {
        name: name.to_string(),
        client: "claude-code".into(),
        scope: Scope::User,
        source: "/tmp/test/.claude.json".into(),
        project: None,
        transport: Transport::Stdio,
        command: Some(command.to_string()),
        args: args.iter().map(|s| s.to_string()).collect(),
        url: None,
        cwd: None,
        env: BTreeMap::new(),
        headers: BTreeMap::new(),
        env_keys: vec![],
        header_keys: vec![],
        enabled: true,
        approved: true,
        auto_approve: vec![],
        shadow: false,
    }
}

pub fn python(name: &str, script: &str, args: &[&str]) -> ServerDef {
    let mut all = vec![hostile(script)];
    all.extend(args.iter().map(|s| s.to_string()));
    let refs: Vec<&str> = all.iter().map(String::as_str).collect();
    stdio(name, python3(), &refs)
}

/// The real interpreter behind `python3` (not a version-manager shim, which
/// would add its own variables to the server's environment and slow starts).
pub fn python3() -> &'static str {
    static PY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    PY.get_or_init(|| {
        let out = std::process::Command::new("python3")
            .args(["-c", "import sys; print(sys.executable)"])
            .output()
            .expect("python3 is needed for the hostile test servers");
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    })
}

pub fn remote(name: &str, transport: Transport, url: &str) -> ServerDef {
    let mut d = stdio(name, "", &[]);
    d.command = None;
    d.transport = transport;
    d.url = Some(url.to_string());
    d
}

/// A free TCP port on 127.0.0.1 (bound then released).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts `mcp-server-everything MODE` on a free port and kills it on drop.
pub struct HttpPeer {
    child: std::process::Child,
    pub port: u16,
}

impl HttpPeer {
    pub fn start(mode: &str) -> Self {
        let port = free_port();
        let child = std::process::Command::new(peer("mcp-server-everything"))
            .arg(mode)
            .env("PORT", port.to_string())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let until = Instant::now() + Duration::from_secs(15);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < until, "everything {mode} did not listen");
            std::thread::sleep(Duration::from_millis(50));
        }
        HttpPeer { child, port }
    }
}

impl Drop for HttpPeer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
