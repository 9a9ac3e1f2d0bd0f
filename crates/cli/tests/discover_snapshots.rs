//! Snapshots of the table and JSON output on the developer fixture home,
//! with the fixture's absolute location replaced by `<FIXTURE>`.

use std::path::PathBuf;
use std::process::Command;

fn output(args: &[&str]) -> String {
    let dev = std::fs::canonicalize(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/homes/dev"),
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_warden"))
        .args(args)
        .arg("--home")
        .arg(dev.join("home"))
        .arg("--system-root")
        .arg(dev.join("system"))
        .arg("--root")
        .arg(dev.join("home/projects"))
        .arg("--no-host-probes")
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .replace(&dev.display().to_string(), "<FIXTURE>")
}

#[test]
fn inventory_table() {
    let t = output(&["inventory"]);
    assert!(
        t.lines().all(|l| l.chars().count() <= 100),
        "wider than 100 columns"
    );
    insta::assert_snapshot!(t);
}

#[test]
fn inventory_json() {
    insta::assert_snapshot!(output(&["inventory", "--format", "json"]));
}

#[test]
fn scan_offline_json() {
    let v: serde_json::Value =
        serde_json::from_str(&output(&["scan", "--offline", "--format", "json"])).unwrap();
    // The shape: the inventory plus findings.
    let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    insta::assert_json_snapshot!(keys);
}
