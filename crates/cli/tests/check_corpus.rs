//! The labelled corpus in tests/corpus/content: recall and precision floors
//! per category, and no sensitive value from it in any output format.
//!
//! Layout: `<category>/positive/*` files each hold one item of the category,
//! `<category>/decoy/*` files hold none; `labels.json` has each positive's
//! sensitive value. A finding of category C in any file that is not a C
//! positive counts as a false positive.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/corpus/content")
}

fn check(format: &str, extra: &[&str]) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_warden"))
        .args(["check", ".", "--format", format])
        .args(extra)
        .current_dir(corpus())
        .output()
        .expect("warden runs");
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

fn files(dir: &Path, out: &mut Vec<String>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files(&p, out);
        } else if p.file_name().unwrap() != "labels.json" {
            out.push(
                p.strip_prefix(corpus())
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/"),
            );
        }
    }
}

#[test]
fn recall_and_precision_floors() {
    let v: serde_json::Value = serde_json::from_str(&check("json", &[])).unwrap();
    let mut found: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in v["findings"].as_array().unwrap() {
        found
            .entry(f["location"]["path"].as_str().unwrap().replace('\\', "/"))
            .or_default()
            .insert(f["category"].as_str().unwrap().to_string());
    }
    let mut all = Vec::new();
    files(&corpus(), &mut all);
    // (category, recall floor, precision floor)
    let floors = [
        ("secret", 0.95, 0.95),
        ("pii", 0.90, 0.90),
        ("prompt-injection", 0.66, 0.66),
        ("hidden-unicode", 0.5, 0.66),
    ];
    let mut report = Vec::new();
    let mut failed = false;
    for (cat, min_recall, min_precision) in floors {
        let prefix = format!("{cat}/positive/");
        let has = |f: &String| found.get(f).is_some_and(|c| c.contains(cat));
        let positives: Vec<&String> = all.iter().filter(|f| f.starts_with(&prefix)).collect();
        let tp = positives.iter().filter(|f| has(f)).count();
        let fp: Vec<&String> = all
            .iter()
            .filter(|f| !f.starts_with(&prefix) && has(f))
            .collect();
        let recall = tp as f64 / positives.len().max(1) as f64;
        let precision = tp as f64 / (tp + fp.len()).max(1) as f64;
        let missed: Vec<&&String> = positives.iter().filter(|f| !has(f)).collect();
        report.push(format!(
            "{cat:<17} recall {recall:.3} ({tp}/{}) precision {precision:.3} missed {missed:?} false positives {fp:?}",
            positives.len()
        ));
        failed |= recall < min_recall || precision < min_precision;
    }
    println!("{}", report.join("\n"));
    assert!(!failed, "floors not met:\n{}", report.join("\n"));
}

#[test]
fn no_sensitive_value_in_any_output() {
    let labels: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(corpus().join("labels.json")).unwrap())
            .unwrap();
    let values: Vec<String> = labels["values"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    assert!(values.len() > 100);
    let dir = tempfile::tempdir().unwrap();
    let baseline = dir.path().join("baseline.json");
    let mut outputs = vec![
        check("table", &[]),
        check("json", &[]),
        check("sarif", &[]),
        check("json", &["--write-baseline", baseline.to_str().unwrap()]),
    ];
    outputs.push(std::fs::read_to_string(&baseline).unwrap());
    for out in &outputs {
        for v in &values {
            // The whole value, and any 12-character piece past its prefix.
            assert!(!out.contains(v.as_str()), "a corpus value leaked");
            let chars: Vec<char> = v.chars().collect();
            if chars.len() >= 20 {
                for start in (6..chars.len() - 12).step_by(4) {
                    let piece: String = chars[start..start + 12].iter().collect();
                    assert!(
                        !out.contains(&piece),
                        "part of a corpus value leaked: {piece}"
                    );
                }
            }
        }
    }
}
