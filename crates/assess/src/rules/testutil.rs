//! Test helpers: load a fixture file, assess it, look at the findings.
//!
//! A fixture (`tests/fixtures/<family>/<case>.json`) holds an `inventory`
//! (the shape discovery produces; env and header values included, as
//! discovery keeps them), and optionally `snapshots`, `changes`, `approved`
//! and `secrets` (plaintext values that must never appear in any output).
//! Server entries may omit fields that do not matter to the case; defaults
//! are filled in here so each fixture shows only what the rule looks at.

use crate::{assess, AssessInput};
use serde_json::{json, Value};
use warden_model::{Finding, Inventory, ServerSnapshot, Severity, ToolChange};

pub fn load(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn fill_server(s: &mut Value) {
    let o = s.as_object_mut().expect("server is an object");
    let remote = o.contains_key("url") && !o.contains_key("command");
    let defaults = [
        ("client", json!("claude-code")),
        ("scope", json!("user")),
        ("source", json!("/home/dev/.claude.json")),
        ("transport", json!(if remote { "http" } else { "stdio" })),
        ("enabled", json!(true)),
        ("approved", json!(true)),
    ];
    for (k, v) in defaults {
        o.entry(k).or_insert(v);
    }
    let keys = |k: &str| -> Value {
        o.get(k)
            .and_then(|e| e.as_object())
            .map(|m| json!(m.keys().collect::<Vec<_>>()))
            .unwrap_or(json!([]))
    };
    let (ek, hk) = (keys("env"), keys("headers"));
    o.entry("env_keys").or_insert(ek);
    o.entry("header_keys").or_insert(hk);
}

fn fill_agent(a: &mut Value) {
    let o = a.as_object_mut().expect("agent is an object");
    let id = o.get("id").cloned().unwrap_or(json!("claude-code"));
    o.entry("id").or_insert(id.clone());
    o.entry("name").or_insert(id);
    o.entry("evidence").or_insert(json!([]));
    o.entry("config_files").or_insert(json!([]));
}

pub struct Loaded {
    pub inventory: Inventory,
    pub snapshots: Vec<ServerSnapshot>,
    pub changes: Vec<ToolChange>,
    pub approved: Vec<String>,
    pub scripts: Vec<(String, String)>,
}

pub fn parse(mut v: Value) -> Loaded {
    let inv = v.get_mut("inventory").expect("fixture has an inventory");
    for key in ["agents", "servers", "errors"] {
        inv.as_object_mut().unwrap().entry(key).or_insert(json!([]));
    }
    for s in inv["servers"].as_array_mut().unwrap() {
        fill_server(s);
    }
    for a in inv["agents"].as_array_mut().unwrap() {
        fill_agent(a);
    }
    let get = |k: &str| v.get(k).cloned().unwrap_or(json!([]));
    Loaded {
        inventory: serde_json::from_value(v["inventory"].clone()).expect("inventory shape"),
        snapshots: serde_json::from_value(get("snapshots")).expect("snapshots shape"),
        changes: serde_json::from_value(get("changes")).expect("changes shape"),
        approved: serde_json::from_value(get("approved")).expect("approved shape"),
        // `scripts`: {"path": "text"}
        scripts: v
            .get("scripts")
            .and_then(|s| s.as_object())
            .map(|m| {
                m.iter()
                    .map(|(k, t)| (k.clone(), t.as_str().unwrap_or("").to_string()))
                    .collect()
            })
            .unwrap_or_default(),
    }
}

pub fn fixture_full(name: &str) -> crate::Assessment {
    let l = parse(load(name));
    assess(&AssessInput {
        inventory: &l.inventory,
        snapshots: &l.snapshots,
        changes: &l.changes,
        approved: &l.approved,
        intel: None,
        scripts: &l.scripts,
    })
}

pub fn fixture(name: &str) -> Vec<Finding> {
    fixture_full(name).findings
}

pub fn fixture_secrets(name: &str) -> Vec<String> {
    serde_json::from_value(load(name).get("secrets").cloned().unwrap_or(json!([]))).unwrap()
}

pub fn with_category<'a>(f: &'a [Finding], cat: &str) -> Vec<&'a Finding> {
    f.iter().filter(|x| x.category.as_str() == cat).collect()
}

pub fn with_rule<'a>(f: &'a [Finding], rule: &str) -> Vec<&'a Finding> {
    f.iter().filter(|x| x.rule == rule).collect()
}

/// The servers `rule` flagged, in finding order.
pub fn servers_with<'a>(f: &'a [Finding], rule: &str) -> Vec<&'a str> {
    with_rule(f, rule)
        .iter()
        .map(|x| x.server.as_deref().unwrap())
        .collect()
}

/// The servers `rule` flagged, with the severity of each finding.
pub fn servers_with_severity<'a>(f: &'a [Finding], rule: &str) -> Vec<(&'a str, Severity)> {
    with_rule(f, rule)
        .iter()
        .map(|x| (x.server.as_deref().unwrap(), x.severity))
        .collect()
}

pub fn assert_no_secret_leak(f: &[Finding], secrets: &[String]) {
    assert!(!secrets.is_empty(), "fixture lists its secrets");
    let text = serde_json::to_string(f).unwrap();
    for s in secrets {
        assert!(!text.contains(s.as_str()), "secret leaked: {s}");
        // Not even a long piece of it.
        if s.len() > 16 {
            assert!(!text.contains(&s[4..16]), "secret piece leaked: {s}");
        }
    }
}

#[test]
#[ignore]
fn dump_fixture() {
    let name = std::env::var("FIX").unwrap();
    let a = fixture_full(&name);
    for f in &a.findings {
        println!(
            "{:8} {:24} {:16} {:?} | {} | {}",
            f.severity,
            f.rule,
            f.server.as_deref().unwrap_or("-"),
            f.location.field,
            f.title,
            f.evidence.preview
        );
    }
    for s in &a.scores {
        println!("{:?} {} {}", s.kind, s.subject, s.score);
    }
}
