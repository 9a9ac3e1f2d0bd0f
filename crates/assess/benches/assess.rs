//! `cargo bench -p warden-assess`: time of one assessment of a large machine
//! (200 servers across 10 clients, 20 tools each, a rug pull per server),
//! built from the rule fixtures. Prints the median and the worst of 15 runs.

use std::time::{Duration, Instant};
use warden_assess::{assess, AssessInput};
use warden_model::{ChangeKind, Inventory, ServerDef, ServerSnapshot, Tool, ToolChange};

fn load(name: &str) -> serde_json::Value {
    let p = format!("{}/tests/fixtures/{name}.json", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

fn main() {
    // Real and hostile tool definitions from the fixtures.
    let mut tools: Vec<Tool> = Vec::new();
    for f in ["tools/poisoned", "flow/trifecta", "tools/rugpull"] {
        for s in load(f)["snapshots"].as_array().unwrap() {
            tools.extend(serde_json::from_value::<Vec<Tool>>(s["tools"].clone()).unwrap());
        }
    }
    let clients = [
        "claude-code",
        "cursor",
        "vscode",
        "cline",
        "gemini-cli",
        "windsurf",
        "zed",
        "codex",
        "kiro",
        "goose",
    ];
    let launches: [(&str, &[&str]); 4] = [
        (
            "npx",
            &["-y", "@modelcontextprotocol/server-filesystem", "/home/dev"],
        ),
        ("uvx", &["mcp-server-fetch"]),
        (
            "docker",
            &["run", "-i", "--rm", "ghcr.io/github/github-mcp-server"],
        ),
        (
            "node",
            &[
                "/home/dev/tools/server.js",
                "--api-key",
                "sk-live-1234567890abcdef",
            ],
        ),
    ];
    let mut inv = Inventory::default();
    let mut snaps = Vec::new();
    let mut changes = Vec::new();
    for i in 0..200 {
        let (cmd, args) = launches[i % launches.len()];
        let mut env = std::collections::BTreeMap::new();
        env.insert(
            "DATABASE_URL".to_string(),
            format!("postgresql://app:Zx9kQ2mPw7vR4tL{i}@db{i}.prod.example.com/app"),
        );
        let s = ServerDef {
            name: format!("server-{i}"),
            client: clients[i % clients.len()].into(),
            scope: warden_model::Scope::User,
            source: format!("/home/dev/config-{}.json", i % clients.len()),
            project: None,
            transport: warden_model::Transport::Stdio,
            command: Some(cmd.into()),
            args: args.iter().map(|a| a.to_string()).collect(),
            url: None,
            cwd: None,
            env_keys: env.keys().cloned().collect(),
            env,
            headers: Default::default(),
            header_keys: vec![],
            enabled: true,
            approved: true,
            auto_approve: vec![],
            shadow: false,
        };
        let ts: Vec<Tool> = (0..20)
            .map(|k| {
                let mut t = tools[(i + k) % tools.len()].clone();
                t.name = format!("{}_{k}", t.name);
                t
            })
            .collect();
        changes.push(ToolChange {
            server_key: s.key(),
            server: s.name.clone(),
            tool: ts[0].name.clone(),
            kind: ChangeKind::Changed,
            fields: vec!["description".into()],
            diff: "-old\n+new".into(),
            before_hash: None,
            after_hash: None,
        });
        snaps.push(ServerSnapshot {
            server_key: s.key(),
            protocol_version: None,
            server_info: Default::default(),
            instructions: None,
            tools: ts,
            prompts: vec![],
            resources: vec![],
            taken_at: String::new(),
        });
        inv.servers.push(s);
    }
    let input = AssessInput {
        inventory: &inv,
        snapshots: &snaps,
        changes: &changes,
        approved: &[],
        intel: None,
        scripts: &[],
    };
    let _ = assess(&input); // warm up: detectors compile their patterns once
    let mut times: Vec<Duration> = (0..15)
        .map(|_| {
            let t = Instant::now();
            let a = assess(&input);
            std::hint::black_box(a.findings.len());
            t.elapsed()
        })
        .collect();
    times.sort();
    let n = assess(&input).findings.len();
    println!(
        "assess: 200 servers, 4000 tools, {n} findings: median {:.1} ms, max {:.1} ms",
        times[7].as_secs_f64() * 1e3,
        times[14].as_secs_f64() * 1e3
    );
}
