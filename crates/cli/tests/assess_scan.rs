//! End to end: `warden scan` on a realistic risky home spanning many clients
//! (Claude Code user/local/project, Cursor, Gemini CLI, Cline, VS Code,
//! Windsurf, Zed, Codex, a shell alias): the whole prioritized report as a
//! snapshot, every output format free of secrets, the CycloneDX output valid
//! against the official 1.6 schema, `--fail-on`, the approved list from the
//! policy file, `warden rules` / `explain` / `update-intel`.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Every secret value written in the fixture home: none may appear in output.
const SECRETS: &[&str] = &[
    "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",
    "Kq8vT3nR6wY1pL5z",
    "tok_5f8Kx2Qw9Lm3Rv7Tz1Yb",
    "sk-ant-api03-ODjfcRNL2EDLbdDZ1c5jAU2rjTbrNLwMtshF6PwKluYIFdlKdMwj6uUvtaiJVfU7wicpHdEoziIbob_y6ShRfh2zucR_LAA",
];

fn fixture() -> PathBuf {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../assess/tests/fixtures/homes/risky");
    std::fs::canonicalize(&p).unwrap_or(p)
}

/// A sandbox for Warden's own state: no real policy, data dir or cwd leaks in.
struct Sandbox {
    dir: tempfile::TempDir,
}

impl Sandbox {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        for d in ["config", "data", "cwd", "sys"] {
            std::fs::create_dir_all(dir.path().join(d)).unwrap();
        }
        Sandbox { dir }
    }

    fn path(&self, p: &str) -> PathBuf {
        self.dir.path().join(p)
    }

    fn warden(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_warden"))
            .args(args)
            .current_dir(self.path("cwd"))
            .env("HOME", self.path("cwd"))
            .env("XDG_CONFIG_HOME", self.path("config"))
            .env("WARDEN_DATA_DIR", self.path("data"))
            .env("WARDEN_SYSTEM_ROOT", self.path("sys"))
            .output()
            .expect("run warden")
    }

    /// `warden scan --offline` on `home` (with its `work` folder walked).
    fn scan(&self, home: &Path, extra: &[&str]) -> Output {
        let h = home.join("home");
        let mut args: Vec<String> =
            vec!["scan".into(), "--offline".into(), "--no-host-probes".into()];
        for (flag, p) in [
            ("--home", h.clone()),
            ("--system-root", home.join("system")),
            ("--root", h.join("work")),
        ] {
            args.push(flag.into());
            args.push(p.display().to_string());
        }
        args.extend(extra.iter().map(|s| s.to_string()));
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        self.warden(&refs)
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn normalize(s: &str) -> String {
    s.replace(&fixture().display().to_string(), "<FIXTURE>")
}

#[test]
fn whole_prioritized_report_snapshot() {
    let sb = Sandbox::new();
    let out = sb.scan(&fixture(), &["--format", "json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_str(&normalize(&stdout(&out))).unwrap();
    let findings = v["findings"].as_array().unwrap();
    // Most severe first.
    let rank = |s: &str| {
        ["info", "low", "medium", "high", "critical"]
            .iter()
            .position(|x| *x == s)
            .unwrap()
    };
    let ranks: Vec<usize> = findings
        .iter()
        .map(|f| rank(f["severity"].as_str().unwrap()))
        .collect();
    assert!(
        ranks.windows(2).all(|w| w[0] >= w[1]),
        "not sorted: {ranks:?}"
    );
    // The headline problems of this home, each from its own client config.
    for (rule, client) in [
        ("known-malicious", "claude-code"),
        ("secret.github-pat", "claude-code"),
        ("typosquat", "cursor"),
        ("insecure-transport", "cursor"),
        ("broad-filesystem", "claude-code"),
        ("project-hook", "claude-code"),
        ("production-exposure", "gemini-cli"),
        ("over-permissive-agent", "zed"),
        ("over-permissive-agent", "codex"),
        ("over-permissive-agent", "cline"),
        ("unpinned-package", "codex"),
        ("no-auth", "vscode"),
        ("unknown-source", "windsurf"),
    ] {
        assert!(
            findings
                .iter()
                .any(|f| f["rule"] == rule && f["client"] == client),
            "missing {rule} for {client}"
        );
    }
    // Ids hash the absolute path of the file: stable per machine, not
    // across checkouts. Check their form here, keep them out of the snapshot.
    let mut ids: Vec<&str> = findings.iter().map(|f| f["id"].as_str().unwrap()).collect();
    assert!(ids
        .iter()
        .all(|i| i.len() == 16 && i.chars().all(|c| c.is_ascii_hexdigit())));
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), findings.len(), "ids are unique");
    let mut shown = v["findings"].clone();
    for f in shown.as_array_mut().unwrap() {
        f["id"] = Value::from("<ID>");
    }
    insta::assert_json_snapshot!("risky_home_scan", shown);
}

#[test]
fn no_secret_in_any_output_format() {
    let sb = Sandbox::new();
    for format in ["table", "json", "sarif", "cyclonedx"] {
        let out = sb.scan(&fixture(), &["--format", format]);
        assert!(
            out.status.success(),
            "{format}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = format!("{}{}", stdout(&out), String::from_utf8_lossy(&out.stderr));
        for s in SECRETS {
            assert!(!text.contains(s), "{format} output shows a secret");
            // Not even a long middle piece of it.
            let piece = &s[s.len() / 2 - 5..s.len() / 2 + 5];
            assert!(
                !text.contains(piece),
                "{format} output shows part of a secret: {piece}"
            );
        }
    }
}

#[test]
fn table_leads_with_summary_and_top_risks() {
    let sb = Sandbox::new();
    let out = sb.scan(&fixture(), &[]);
    assert!(out.status.success());
    let t = stdout(&out);
    let first: Vec<&str> = t.lines().take(2).collect();
    assert!(
        first[0].starts_with("SUMMARY  8 agent(s), 13 MCP server(s)"),
        "{t}"
    );
    assert!(
        first[1].starts_with("FINDINGS ") && first[1].contains("critical"),
        "{t}"
    );
    let risks = t.find("TOP RISKS").expect("top risks");
    let fix = t.find("FIX FIRST").expect("fix first");
    assert!(risks < fix, "{t}");
    assert!(
        t.lines().all(|l| l.chars().count() <= 100),
        "wider than 100 columns:\n{t}"
    );
}

#[test]
fn sarif_has_one_result_per_finding() {
    let sb = Sandbox::new();
    let json: Value =
        serde_json::from_str(&stdout(&sb.scan(&fixture(), &["--format", "json"]))).unwrap();
    let sarif: Value =
        serde_json::from_str(&stdout(&sb.scan(&fixture(), &["--format", "sarif"]))).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), json["findings"].as_array().unwrap().len());
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert!(rules.iter().any(|r| r["id"] == "known-malicious"));
}

#[test]
fn cyclonedx_is_valid_against_the_1_6_schema() {
    let sb = Sandbox::new();
    let out = sb.scan(&fixture(), &["--format", "cyclonedx"]);
    assert!(out.status.success());
    let bom_path = sb.path("bom.json");
    std::fs::write(&bom_path, &out.stdout).unwrap();
    let bom: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(bom["specVersion"], "1.6");
    let comps = bom["components"].as_array().unwrap();
    let purls: Vec<&str> = comps.iter().filter_map(|c| c["purl"].as_str()).collect();
    assert!(purls.contains(&"pkg:npm/postmark-mcp@1.0.16"), "{purls:?}");
    assert!(
        purls.contains(&"pkg:pypi/mcp-server-time@2026.10.19"),
        "{purls:?}"
    );
    assert!(
        purls
            .iter()
            .any(|p| p.starts_with("pkg:oci/github-mcp-server")),
        "{purls:?}"
    );
    assert!(bom["vulnerabilities"]
        .as_array()
        .is_some_and(|v| !v.is_empty()));

    // The real validator from PyPI (installed by scripts/install-peers.sh):
    // a missing peer is a failure, not a skip.
    let py = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/peers/.venv/bin/python");
    assert!(
        py.exists(),
        "{} missing: run scripts/install-peers.sh",
        py.display()
    );
    let script = "import sys\n\
from cyclonedx.validation.json import JsonStrictValidator\n\
from cyclonedx.schema import SchemaVersion\n\
err = JsonStrictValidator(SchemaVersion.V1_6).validate_str(open(sys.argv[1]).read())\n\
print(err if err else 'valid')\n\
sys.exit(1 if err else 0)\n";
    let validate = || {
        Command::new(&py)
            .arg("-c")
            .arg(script)
            .arg(&bom_path)
            .output()
            .unwrap()
    };
    let v = validate();
    assert!(
        v.status.success(),
        "schema says: {}{}",
        stdout(&v),
        String::from_utf8_lossy(&v.stderr)
    );

    // The check can fail: a broken BOM is rejected.
    let mut broken = bom.clone();
    broken["components"][0]["type"] = Value::from("not-a-type");
    std::fs::write(&bom_path, broken.to_string()).unwrap();
    assert!(!validate().status.success());
}

#[test]
fn fail_on_sets_the_exit_code() {
    let sb = Sandbox::new();
    assert_eq!(
        sb.scan(&fixture(), &["--fail-on", "critical"])
            .status
            .code(),
        Some(1)
    );
    // A home with nothing in it reaches no threshold.
    let empty = sb.path("empty");
    std::fs::create_dir_all(empty.join("home/work")).unwrap();
    std::fs::create_dir_all(empty.join("system")).unwrap();
    assert_eq!(
        sb.scan(&empty, &["--fail-on", "info"]).status.code(),
        Some(0)
    );
    let bad = sb.scan(&fixture(), &["--fail-on", "severe"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown severity"));
}

#[test]
fn approved_list_from_the_policy_file() {
    let sb = Sandbox::new();
    std::fs::create_dir_all(sb.path("config/warden")).unwrap();
    std::fs::write(
        sb.path("config/warden/policy.toml"),
        "[inventory]\napproved = [\"github\", \"@modelcontextprotocol/*\", \"mcp-server-time*\"]\n",
    )
    .unwrap();
    let v: Value =
        serde_json::from_str(&stdout(&sb.scan(&fixture(), &["--format", "json"]))).unwrap();
    let unapproved: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "unapproved-server")
        .map(|f| f["server"].as_str().unwrap())
        .collect();
    assert!(
        unapproved.contains(&"postmark") && unapproved.contains(&"notes"),
        "{unapproved:?}"
    );
    for ok in ["github", "files", "orders-db", "time"] {
        assert!(!unapproved.contains(&ok), "{ok}: {unapproved:?}");
    }
}

#[test]
fn rules_and_explain() {
    let sb = Sandbox::new();
    let out = stdout(&sb.warden(&["rules"]));
    for id in [
        "secret",
        "known-malicious",
        "typosquat",
        "toxic-flow",
        "rug-pull",
        "tool-shadowing",
    ] {
        assert!(
            out.lines().any(|l| l.starts_with(id)),
            "{id} missing:\n{out}"
        );
    }
    let e = stdout(&sb.warden(&["explain", "unpinned-package"]));
    for head in [
        "What it finds",
        "Why it matters",
        "How to fix it",
        "How scores are made",
    ] {
        assert!(e.contains(head), "{e}");
    }
    let bad = sb.warden(&["explain", "no-such-rule"]);
    assert_eq!(bad.status.code(), Some(2));
    assert_eq!(String::from_utf8_lossy(&bad.stderr).lines().count(), 1);
}

#[test]
fn update_intel_merges_without_network() {
    let sb = Sandbox::new();
    // A home running a package the bundled list does not know.
    let home = sb.path("h");
    std::fs::create_dir_all(home.join("home/work")).unwrap();
    std::fs::create_dir_all(home.join("system")).unwrap();
    std::fs::write(
        home.join("home/.claude.json"),
        r#"{"mcpServers": {"notes": {"command": "npx", "args": ["-y", "notes-sync-mcp@2.0.1"]}}}"#,
    )
    .unwrap();
    let malicious = |v: &Value| -> usize {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == "known-malicious")
            .count()
    };
    let before: Value =
        serde_json::from_str(&stdout(&sb.scan(&home, &["--format", "json"]))).unwrap();
    assert_eq!(malicious(&before), 0);

    let intel = sb.path("intel.toml");
    std::fs::write(
        &intel,
        "version = 1\n[[package]]\necosystem = \"npm\"\nname = \"notes-sync-mcp\"\nversions = [\"2.0.1\"]\n\
         severity = \"critical\"\nsummary = \"uploads ~/.ssh on start\"\nsources = [\"https://example.org/advisory/1\"]\n",
    )
    .unwrap();
    let out = sb.warden(&["update-intel", intel.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout(&out).contains("1 added"), "{}", stdout(&out));

    let after: Value =
        serde_json::from_str(&stdout(&sb.scan(&home, &["--format", "json"]))).unwrap();
    assert_eq!(malicious(&after), 1, "{:#}", after["findings"]);
    // Merged, not replaced: the bundled entries are still there.
    let risky: Value =
        serde_json::from_str(&stdout(&sb.scan(&fixture(), &["--format", "json"]))).unwrap();
    assert_eq!(malicious(&risky), 1);

    // A bad file: one clear line, exit 2, the list unchanged.
    std::fs::write(&intel, "version = 1\n[[package]]\nname = \"x\"\n").unwrap();
    let bad = sb.warden(&["update-intel", intel.to_str().unwrap()]);
    assert_eq!(bad.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&bad.stderr).lines().count(),
        1,
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
    let again: Value =
        serde_json::from_str(&stdout(&sb.scan(&home, &["--format", "json"]))).unwrap();
    assert_eq!(malicious(&again), 1);
}

#[test]
fn findings_of_this_machine_reach_the_hook() {
    let sb = Sandbox::new();
    // This user's own config (no --home): HOME is the sandbox.
    std::fs::write(
        sb.path("cwd/.claude.json"),
        r#"{"mcpServers": {"postmark": {"command": "npx", "args": ["-y", "postmark-mcp@1.0.16"]}}}"#,
    )
    .unwrap();
    let sys = sb.path("sys").display().to_string();
    let out = sb.warden(&[
        "scan",
        "--offline",
        "--no-host-probes",
        "--system-root",
        &sys,
        "--format",
        "json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        v["errors"].as_array().unwrap().is_empty(),
        "{:#}",
        v["errors"]
    );

    // Claude Code then calls one of its tools: the hook denies it.
    let hook = |sb: &Sandbox| -> Value {
        let event = serde_json::json!({
            "session_id": "s",
            "transcript_path": "/tmp/t.jsonl",
            "cwd": sb.path("cwd").display().to_string(),
            "permission_mode": "default",
            "hook_event_name": "PreToolUse",
            "tool_name": "mcp__postmark__send_email",
            "tool_input": {"to": "a@example.com", "subject": "hi", "body": "x"},
            "tool_use_id": "toolu_1",
        });
        let mut child = Command::new(env!("CARGO_BIN_EXE_warden"))
            .arg("hook")
            .current_dir(sb.path("cwd"))
            .env("HOME", sb.path("cwd"))
            .env("XDG_CONFIG_HOME", sb.path("config"))
            .env("WARDEN_DATA_DIR", sb.path("data"))
            .env("WARDEN_SYSTEM_ROOT", sb.path("sys"))
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        {
            use std::io::Write;
            let mut stdin = child.stdin.take().unwrap();
            stdin.write_all(event.to_string().as_bytes()).unwrap();
        }
        let out = child.wait_with_output().unwrap();
        serde_json::from_slice::<Value>(&out.stdout).unwrap()["hookSpecificOutput"].clone()
    };
    let out = hook(&sb);
    assert_eq!(out["permissionDecision"], "deny", "{out:#}");
    let why = out["permissionDecisionReason"].as_str().unwrap();
    assert!(why.contains("known-malicious"), "{out:#}");

    // Scanning another home (--home, here an empty one) does not replace
    // this machine's findings.
    let empty = sb.path("empty");
    std::fs::create_dir_all(empty.join("home/work")).unwrap();
    std::fs::create_dir_all(empty.join("system")).unwrap();
    assert!(sb.scan(&empty, &[]).status.success());
    assert_eq!(hook(&sb)["permissionDecision"], "deny");
}

#[test]
fn json_scores_every_server_and_agent_highest_first() {
    let sb = Sandbox::new();
    let out = sb.scan(&fixture(), &["--format", "json"]);
    assert!(out.status.success());
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let scores = v["scores"].as_array().expect("scores array");
    let values: Vec<u64> = scores
        .iter()
        .map(|s| s["score"].as_u64().unwrap())
        .collect();
    assert!(values.iter().all(|&s| s <= 100), "{values:?}");
    assert!(
        values.windows(2).all(|w| w[0] >= w[1]),
        "not sorted: {values:?}"
    );
    // Every server and every agent has one.
    let count = |kind: &str| scores.iter().filter(|s| s["kind"] == kind).count();
    assert_eq!(count("server"), v["servers"].as_array().unwrap().len());
    assert_eq!(count("agent"), v["agents"].as_array().unwrap().len());
    // A subject with a critical finding scores above one with none.
    assert!(values[0] >= 70, "{values:?}");
    assert_eq!(*values.last().unwrap(), 0, "{values:?}");
    // `inventory` carries no scores.
    let inv = sb.warden(&[
        "inventory",
        "--format",
        "json",
        "--no-host-probes",
        "--home",
        &fixture().join("home").display().to_string(),
    ]);
    let iv: Value = serde_json::from_str(&stdout(&inv)).unwrap();
    assert!(iv.get("scores").is_none());
}
