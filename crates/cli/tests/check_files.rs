//! `warden check` on real files: output formats (snapshots), exit codes,
//! .gitignore, binaries, size and line caps, invalid UTF-8, baselines.

use std::path::Path;
use std::process::{Command, Output};

const GITHUB_PAT: &str = "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";
const PG_PASSWORD: &str = "Vq8dLm2Rt7xZp4Kw";
const CARD: &str = "4539 1488 0343 6467";

fn warden(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_warden"))
        .arg("check")
        .args(args)
        .current_dir(dir)
        .env_remove("RUST_LOG")
        .output()
        .expect("warden runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8 output")
}

/// One string field (a JSON pointer) of every finding `warden check` reports.
fn finding_field(dir: &Path, args: &[&str], pointer: &str) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_str(&stdout(&warden(dir, args))).unwrap();
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            f.pointer(pointer)
                .and_then(|x| x.as_str())
                .unwrap()
                .to_string()
        })
        .collect()
}

/// A small project: one secret file, one PII file, an ignored file, a
/// binary, a file that is not UTF-8.
fn project() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    std::fs::create_dir_all(p.join("config")).unwrap();
    std::fs::write(
        p.join("config/app.env"),
        format!(
            "# app\nGITHUB_TOKEN={GITHUB_PAT}\nDATABASE_URL=postgres://app:{PG_PASSWORD}@db.prod.internal:5432/app\n"
        ),
    )
    .unwrap();
    std::fs::write(
        p.join("customers.csv"),
        format!("name,card\nR. Diaz,{CARD}\n"),
    )
    .unwrap();
    std::fs::write(p.join(".gitignore"), "ignored/\n").unwrap();
    std::fs::create_dir_all(p.join("ignored")).unwrap();
    std::fs::write(p.join("ignored/old.env"), format!("TOKEN={GITHUB_PAT}\n")).unwrap();
    std::fs::write(p.join("logo.bin"), b"\x00\x01\x02ghp_notscanned").unwrap();
    std::fs::write(p.join("latin1.txt"), b"caf\xe9 = 1\n").unwrap();
    d
}

#[test]
fn table_output() {
    let d = project();
    let o = warden(d.path(), &["."]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    insta::assert_snapshot!("check_table", stdout(&o));
}

#[test]
fn json_output() {
    let d = project();
    let o = warden(d.path(), &[".", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    insta::assert_json_snapshot!("check_json", v);
    let f = &v["findings"][0];
    for key in ["id", "category", "severity", "title", "rule"] {
        assert!(f[key].is_string(), "{key} missing in {f}");
    }
    assert!(f["location"]["line"].is_u64() && f["location"]["column"].is_u64());
    assert!(f["evidence"]["fingerprint"]
        .as_str()
        .unwrap()
        .starts_with("sha256:"));
}

#[test]
fn sarif_output_is_2_1_0_with_results() {
    let d = project();
    let o = warden(d.path(), &[".", "--format", "sarif"]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    let rules: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    for r in results {
        let id = r["ruleId"].as_str().unwrap();
        assert_eq!(rules[r["ruleIndex"].as_u64().unwrap() as usize], id);
        let loc = &r["locations"][0]["physicalLocation"];
        let uri = loc["artifactLocation"]["uri"].as_str().unwrap();
        assert!(!uri.starts_with("./") && !uri.contains('\\'), "{uri}");
        assert!(loc["region"]["startLine"].as_u64().unwrap() >= 1);
    }
    let notes = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert!(notes.iter().any(|n| n["message"]["text"]
        .as_str()
        .unwrap()
        .contains("latin1.txt")));
}

#[test]
fn fail_on_sets_exit_code() {
    let d = project();
    assert_eq!(
        warden(d.path(), &[".", "--fail-on", "critical"])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        warden(d.path(), &["customers.csv", "--fail-on", "critical"])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        warden(d.path(), &["customers.csv", "--fail-on", "high"])
            .status
            .code(),
        Some(1)
    );
}

#[test]
fn only_runs_the_chosen_detectors() {
    let d = project();
    let cats = |args: &[&str]| finding_field(d.path(), args, "/category");
    let only_pii = cats(&[".", "--format", "json", "--only", "pii"]);
    assert_eq!(only_pii, vec!["pii"]);
    let both = cats(&[".", "--format", "json", "--only", "secrets,pii"]);
    assert_eq!(both.len(), 3);
    assert_eq!(
        warden(d.path(), &[".", "--only", "bogus"]).status.code(),
        Some(2)
    );
}

#[test]
fn usage_errors_exit_2_with_one_line() {
    let d = project();
    let o = warden(d.path(), &["missing-dir"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("missing-dir"));
    assert_eq!(
        warden(d.path(), &[".", "--fail-on", "severe"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        warden(d.path(), &[".", "--format", "xml"]).status.code(),
        Some(2)
    );
    assert_eq!(warden(d.path(), &[]).status.code(), Some(2));
    assert_eq!(
        warden(d.path(), &[".", "--baseline", "nope.json"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn gitignore_is_honoured_unless_no_ignore() {
    let d = project();
    let paths = |args: &[&str]| finding_field(d.path(), args, "/location/path");
    assert!(!paths(&[".", "--format", "json"])
        .iter()
        .any(|p| p.contains("ignored")));
    assert!(paths(&[".", "--format", "json", "--no-ignore"])
        .iter()
        .any(|p| p.contains("ignored")));
}

#[test]
fn size_and_line_caps_are_reported() {
    let d = project();
    let long = format!("{}\nAWS_KEY={GITHUB_PAT}\n", "x".repeat(5000));
    std::fs::write(d.path().join("long.txt"), long).unwrap();
    std::fs::write(d.path().join("big.txt"), "y".repeat(3000)).unwrap();
    let o = warden(
        d.path(),
        &[
            ".",
            "--format",
            "json",
            "--max-line-length",
            "4096",
            "--max-file-size",
            "4500",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let errors = v["errors"].as_array().unwrap();
    let kind = |path: &str| {
        errors
            .iter()
            .find(|e| e["path"].as_str().unwrap().ends_with(path))
            .map(|e| e["kind"].as_str().unwrap().to_string())
    };
    // long.txt is 5000+ bytes: over the file cap, so not scanned at all.
    assert_eq!(kind("long.txt").as_deref(), Some("too-large"));
    assert_eq!(kind("latin1.txt").as_deref(), Some("invalid-utf8"));
    assert_eq!(kind("big.txt"), None);
    assert_eq!(v["stats"]["skipped_binary"], 1);
    // With a larger file cap the long line is skipped and the rest scanned.
    let o = warden(
        d.path(),
        &["long.txt", "--format", "json", "--max-line-length", "4096"],
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["errors"][0]["kind"], "long-lines");
    assert_eq!(v["findings"][0]["location"]["line"], 2);
}

#[test]
fn baseline_accepts_known_findings_even_after_lines_move() {
    let d = project();
    let o = warden(d.path(), &[".", "--write-baseline", "baseline.json"]);
    assert_eq!(o.status.code(), Some(0));
    let o = warden(
        d.path(),
        &[
            ".",
            "--baseline",
            "baseline.json",
            "--fail-on",
            "low",
            "--format",
            "json",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["findings"].as_array().unwrap().len(), 0);
    assert_eq!(v["stats"]["baselined"], 3);
    // The secret moves down two lines: still accepted (same fingerprint).
    let env = d.path().join("config/app.env");
    let text = std::fs::read_to_string(&env).unwrap();
    std::fs::write(&env, format!("\n\n{text}")).unwrap();
    let o = warden(
        d.path(),
        &[".", "--baseline", "baseline.json", "--fail-on", "low"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    // A new secret is not.
    std::fs::write(
        d.path().join("new.env"),
        "STRIPE=sk_live_4eC39HqLyjWDarjtT1zdp7dcQ2r8L9mX\n",
    )
    .unwrap();
    let o = warden(
        d.path(),
        &[".", "--baseline", "baseline.json", "--fail-on", "low"],
    );
    assert_eq!(o.status.code(), Some(1));
    // The baseline file itself holds no secret.
    let b = std::fs::read_to_string(d.path().join("baseline.json")).unwrap();
    assert!(!b.contains(GITHUB_PAT) && !b.contains(PG_PASSWORD));
}

#[test]
fn hostile_names_and_empty_files_do_not_break_output() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("empty"), "").unwrap();
    std::fs::write(
        d.path().join("esc\x1b[31mred.env"),
        format!("T={GITHUB_PAT}\n"),
    )
    .unwrap();
    let o = warden(d.path(), &["."]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    assert!(!out.contains('\x1b'), "{out:?}");
    assert!(out.contains("1 finding"));
}
