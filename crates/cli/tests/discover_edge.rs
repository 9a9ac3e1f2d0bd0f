//! Bad input: malformed, non-UTF-8, huge, looping, dangling, unreadable and
//! special files each give one error line naming the file and the reason;
//! the scan goes on, finds the good servers, and exits 0.

mod common;

use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            fs::copy(e.path(), dest).unwrap();
        }
    }
}

/// Makes `path` unreadable; false when that has no effect (running as root).
#[cfg(unix)]
fn make_unreadable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(0o000)).unwrap();
    let denied = if path.is_dir() {
        fs::read_dir(path).is_err()
    } else {
        fs::read(path).is_err()
    };
    if !denied {
        eprintln!("note: running privileged, permission-denied cases not checked");
    }
    denied
}

struct Planted {
    home: tempfile::TempDir,
    /// (file, word its error message must contain)
    expect: Vec<(PathBuf, &'static str)>,
}

fn plant() -> Planted {
    let src =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/homes/edge/home");
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    copy_dir(&src, h);
    let mut expect: Vec<(PathBuf, &'static str)> = vec![
        (h.join(".claude.json"), "invalid JSON at line 4"),
        (h.join(".codeium/windsurf/mcp_config.json"), "UTF-8"),
        (h.join(".codex/config.toml"), "invalid TOML"),
        (h.join(".continue/config.yaml"), "invalid YAML"),
        (h.join(".gemini/settings.json"), "not an object"),
        (h.join(".config/zed/settings.json"), "invalid JSON"),
        (h.join(".config/opencode/opencode.json"), "top level"),
        (h.join(".kiro/settings/mcp.json"), "not-an-object"),
        (
            h.join(".kiro/settings/mcp.json"),
            "neither `command` nor `url`",
        ),
    ];
    // Huge: sparse, so the test writes nothing real.
    fs::create_dir_all(h.join(".lmstudio")).unwrap();
    let big = h.join(".lmstudio/mcp.json");
    fs::File::create(&big)
        .unwrap()
        .set_len(11 * 1024 * 1024)
        .unwrap();
    expect.push((big, "too large"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::symlink;
        let d = h.join(".config/Claude");
        fs::create_dir_all(&d).unwrap();
        symlink(d.join("loop.json"), d.join("claude_desktop_config.json")).unwrap();
        symlink(d.join("claude_desktop_config.json"), d.join("loop.json")).unwrap();
        expect.push((d.join("claude_desktop_config.json"), "symlink loop"));
        symlink(h.join("gone.json"), h.join(".codeium/mcp_config.json")).unwrap();
        expect.push((h.join(".codeium/mcp_config.json"), "broken symlink"));
        let g = h.join(".config/goose");
        fs::create_dir_all(&g).unwrap();
        let locked = g.join("config.yaml");
        fs::write(&locked, "extensions: {}\n").unwrap();
        if make_unreadable(&locked) {
            expect.push((locked, "permission denied"));
        }
        // A FIFO would block a naive reader forever.
        let q = h.join(".aws/amazonq");
        fs::create_dir_all(&q).unwrap();
        let fifo = q.join("mcp.json");
        if Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .is_ok_and(|s| s.success())
        {
            expect.push((fifo, "not a regular file"));
        }
    }
    Planted { home, expect }
}

fn run(home: &Path, extra: &[&str]) -> (Value, String, i32) {
    let out = Command::new(env!("CARGO_BIN_EXE_warden"))
        .args(common::inventory_args(home, &home.join("no-system")))
        .args(extra)
        .output()
        .unwrap();
    let v = serde_json::from_slice(&out.stdout).expect("JSON even with errors");
    (
        v,
        String::from_utf8(out.stderr).unwrap(),
        out.status.code().unwrap_or(-1),
    )
}

#[test]
fn every_bad_file_is_one_error_and_the_scan_goes_on() {
    let p = plant();
    let (v, stderr, code) = run(p.home.path(), &[]);
    assert_eq!(code, 0);
    let errors = v["errors"].as_array().unwrap();
    for (path, word) in &p.expect {
        let path = path.display().to_string();
        assert!(
            errors.iter().any(
                |e| e["path"] == path.as_str() && e["message"].as_str().unwrap().contains(word)
            ),
            "no error `{word}` for {path}: {errors:#?}"
        );
    }
    assert_eq!(errors.len(), p.expect.len(), "{errors:#?}");
    // One stderr line per error, naming the file.
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), errors.len(), "{stderr}");
    for (l, e) in lines.iter().zip(errors) {
        assert!(
            l.starts_with("warden: ") && l.contains(e["path"].as_str().unwrap()),
            "{l}"
        );
    }
    // The good parts of bad files and the good files are still read.
    let names = common::server_names(&v);
    assert_eq!(names, ["jsonc-ok", "good"]);
    let jsonc = &v["servers"][0];
    assert_eq!(
        jsonc["args"],
        serde_json::json!(["-y", "jsonc-server", "--url=http://x//y"])
    );
}

#[cfg(unix)]
#[test]
fn unreadable_and_missing_roots_are_errors_too() {
    let p = plant();
    let root = tempfile::tempdir().unwrap();
    let ok = root.path().join("ok");
    fs::create_dir_all(&ok).unwrap();
    fs::write(
        ok.join(".mcp.json"),
        r#"{"mcpServers": {"in-root": {"command": "x"}}}"#,
    )
    .unwrap();
    let locked = root.path().join("locked");
    fs::create_dir_all(locked.join("inner")).unwrap();
    let denied = make_unreadable(&locked);
    let missing = root.path().join("missing");
    let (v, _, code) = run(
        p.home.path(),
        &[
            "--root",
            root.path().to_str().unwrap(),
            "--root",
            missing.to_str().unwrap(),
        ],
    );
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(code, 0);
    let errors = v["errors"].as_array().unwrap();
    let has = |path: &Path, word: &str| {
        errors.iter().any(|e| {
            e["path"] == path.display().to_string().as_str()
                && e["message"].as_str().unwrap().contains(word)
        })
    };
    assert!(has(&missing, "not found"), "{errors:#?}");
    if denied {
        assert!(has(&locked, "permission denied"), "{errors:#?}");
    }
    assert!(common::servers(&v).iter().any(|s| s["name"] == "in-root"));
}

/// As root, chmod 000 denies nothing, so the permission case is checked by
/// running warden as `nobody` (via `setpriv`) on a world-readable copy.
#[cfg(unix)]
#[test]
fn permission_denied_as_an_unprivileged_user() {
    use std::os::unix::fs::PermissionsExt;
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    fs::set_permissions(h, fs::Permissions::from_mode(0o755)).unwrap();
    fs::create_dir_all(h.join(".cursor")).unwrap();
    let locked = h.join(".cursor/mcp.json");
    fs::write(&locked, r#"{"mcpServers": {"x": {"command": "y"}}}"#).unwrap();
    if make_unreadable(&locked) {
        return; // already unprivileged: the test above covers it
    }
    let bin = env!("CARGO_BIN_EXE_warden");
    let out = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", bin])
        .args(common::inventory_args(h, &h.join("none")))
        .output();
    let Ok(out) = out else {
        eprintln!("note: setpriv not available, permission case not checked");
        return;
    };
    if !out.status.success() && out.stdout.is_empty() {
        eprintln!(
            "note: cannot run as nobody here: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        return;
    }
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["errors"][0]["path"],
        locked.display().to_string().as_str()
    );
    assert_eq!(v["errors"][0]["message"], "permission denied");
    assert_eq!(String::from_utf8_lossy(&out.stderr).lines().count(), 1);
}

#[test]
fn a_missing_home_is_a_usage_error() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_warden"))
        .args([
            "inventory",
            "--no-host-probes",
            "--home",
            "/nonexistent/warden-home",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("/nonexistent/warden-home"), "{err}");
    assert!(out.stdout.is_empty(), "no report on a usage error");
}
