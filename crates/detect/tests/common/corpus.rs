//! Scores the detectors on the labelled corpus in `tests/corpus/tooldefs/`.
//! Shared by the corpus test (floors and ceilings) and the benchmark example
//! (figures).

use serde_json::Value;
use std::path::{Path, PathBuf};
use warden_detect::{injection, tooldef};
use warden_model::{Category, Tool};

/// Confusion counts for one category, and what went wrong.
#[derive(Debug, Default)]
pub struct Counts {
    pub tp: usize,
    pub fp: usize,
    pub fn_: usize,
    pub tn: usize,
    pub errors: Vec<String>,
}

impl Counts {
    pub fn recall(&self) -> f64 {
        self.tp as f64 / (self.tp + self.fn_).max(1) as f64
    }
    pub fn precision(&self) -> f64 {
        self.tp as f64 / (self.tp + self.fp).max(1) as f64
    }
    fn add(&mut self, expected: bool, got: bool, what: String) {
        match (expected, got) {
            (true, true) => self.tp += 1,
            (false, false) => self.tn += 1,
            (true, false) => {
                self.fn_ += 1;
                self.errors.push(format!("missed: {what}"));
            }
            (false, true) => {
                self.fp += 1;
                self.errors.push(format!("false positive: {what}"));
            }
        }
    }
}

#[derive(Debug, Default)]
pub struct Scores {
    pub tools: usize,
    pub poisoning: Counts,
    pub destructive: Counts,
    pub shadowing: Counts,
    pub injection: Counts,
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/corpus/tooldefs")
}

fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    v.sort();
    v
}

fn read(p: &Path) -> Value {
    let text = std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

pub fn tools_of(list: &Value) -> Vec<Tool> {
    list["tools"]
        .as_array()
        .expect("tools array")
        .iter()
        .map(|t| tooldef::tool_from_mcp(t).expect("tool has a name"))
        .collect()
}

/// (file name, servers with their tools, expected (server, target) findings).
type Scenario = (String, Vec<(String, Vec<Tool>)>, Vec<(String, String)>);

pub fn evaluate() -> Scores {
    let root = root();
    let mut s = Scores::default();
    let mut real: Vec<(String, Vec<Tool>)> = Vec::new();
    for sub in ["benign", "poisoned"] {
        for f in json_files(&root.join(sub)) {
            let v = read(&f);
            let name = f.file_name().unwrap().to_string_lossy().to_string();
            for t in tools_of(&v) {
                s.tools += 1;
                let m = tooldef::analyze_tool(&t);
                let poisoned = m.iter().any(|m| m.category == Category::ToolPoisoning);
                let destructive = m.iter().any(|m| m.category == Category::DestructiveTool);
                let why = |cat: Category| {
                    m.iter()
                        .filter(|x| x.category == cat)
                        .map(|x| format!("{} [{}]", x.rule, x.evidence.preview))
                        .collect::<Vec<_>>()
                        .join("; ")
                };
                s.poisoning.add(
                    v["label"]["poisoning"].as_bool().expect("label.poisoning"),
                    poisoned,
                    format!("{sub}/{name} {} {}", t.name, why(Category::ToolPoisoning)),
                );
                s.destructive.add(
                    v["label"]["destructive"]
                        .as_bool()
                        .expect("label.destructive"),
                    destructive,
                    format!("{sub}/{name} {} {}", t.name, why(Category::DestructiveTool)),
                );
                if let Some(server) = name.strip_prefix("real-").and_then(|n| n.split('-').next()) {
                    match real.iter_mut().find(|(s, _)| s == server) {
                        Some((_, v)) => v.push(t),
                        None => real.push((server.to_string(), vec![t])),
                    }
                }
            }
        }
    }
    // Shadowing: labelled scenarios, plus the real servers side by side (none expected).
    let mut scenarios: Vec<Scenario> = Vec::new();
    for f in json_files(&root.join("shadowing")) {
        let v = read(&f);
        let servers = v["servers"]
            .as_object()
            .expect("servers object")
            .iter()
            .map(|(k, list)| (k.clone(), tools_of(list)))
            .collect();
        let expect = v["label"]["shadowing"]
            .as_array()
            .expect("label.shadowing")
            .iter()
            .map(|e| {
                (
                    e["server"].as_str().expect("server").to_string(),
                    e["target"].as_str().expect("target").to_string(),
                )
            })
            .collect();
        scenarios.push((
            f.file_name().unwrap().to_string_lossy().to_string(),
            servers,
            expect,
        ));
    }
    scenarios.push(("real reference servers together".into(), real, Vec::new()));
    for (name, servers, expect) in scenarios {
        let refs: Vec<(&str, &[Tool])> = servers
            .iter()
            .map(|(n, t)| (n.as_str(), t.as_slice()))
            .collect();
        let found: Vec<(String, String)> = tooldef::find_shadowing(&refs)
            .into_iter()
            .map(|f| (f.server, f.target))
            .collect();
        for e in &expect {
            s.shadowing
                .add(true, found.contains(e), format!("{name}: {e:?}"));
        }
        for f in &found {
            if !expect.contains(f) {
                s.shadowing.add(false, true, format!("{name}: {f:?}"));
            }
        }
        if expect.is_empty() && found.is_empty() {
            s.shadowing.tn += 1;
        }
    }
    let prose = read(&root.join("prose/injection.json"));
    for (key, expected) in [("positive", true), ("negative", false)] {
        for t in prose[key].as_array().expect("prose list") {
            let t = t.as_str().expect("prose string");
            let r = injection::analyze(t);
            s.injection.add(
                expected,
                !injection::find(t).is_empty(),
                format!("{t:?} score {:.2}", r.score),
            );
        }
    }
    s
}
