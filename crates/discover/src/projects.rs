//! Finds project directories under a root: any directory holding a file or
//! folder that some client reads at project scope. The walk is parallel
//! (the `ignore` crate), skips `node_modules`, `.git` and `target`, does not
//! follow symlinks, and ignores `.gitignore` (a gitignored
//! `.claude/settings.local.json` is still read by Claude Code).

use ignore::{WalkBuilder, WalkState};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use warden_model::ConfigError;

/// Names whose presence makes their parent a project candidate.
pub const MARKERS: &[&str] = &[
    ".mcp.json",
    ".claude",
    ".cursor",
    ".vscode",
    ".gemini",
    ".codex",
    ".zed",
    ".continue",
    ".kiro",
    ".amazonq",
    ".opencode",
    ".roo",
    ".agents",
    "opencode.json",
    "opencode.jsonc",
    "CLAUDE.md",
];

const SKIP: &[&str] = &["node_modules", ".git", "target"];

/// Project directories under `root`, and the problems met on the way.
pub fn walk(root: &Path) -> (BTreeSet<PathBuf>, Vec<ConfigError>) {
    let found = Mutex::new(BTreeSet::new());
    let errors = Mutex::new(Vec::new());
    if let Err(e) = std::fs::metadata(root) {
        let msg = format!("root: {}", crate::read::describe(&e));
        return (
            BTreeSet::new(),
            vec![ConfigError {
                path: root.display().to_string(),
                message: msg,
            }],
        );
    }
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get().min(8));
    WalkBuilder::new(root)
        .standard_filters(false)
        .follow_links(false)
        .threads(threads)
        .filter_entry(|e| {
            e.depth() == 0
                || !SKIP
                    .iter()
                    .any(|s| e.file_name() == std::ffi::OsStr::new(s))
        })
        .build_parallel()
        .run(|| {
            let found = &found;
            let errors = &errors;
            Box::new(move |r| {
                match r {
                    Ok(e) => {
                        if e.depth() > 0
                            && MARKERS
                                .iter()
                                .any(|m| e.file_name() == std::ffi::OsStr::new(m))
                        {
                            if let Some(parent) = e.path().parent() {
                                if let Ok(mut f) = found.lock() {
                                    f.insert(parent.to_path_buf());
                                }
                            }
                        }
                    }
                    Err(err) => {
                        if let Ok(mut v) = errors.lock() {
                            v.push(walk_error(root, err));
                        }
                    }
                }
                WalkState::Continue
            })
        });
    (
        found.into_inner().unwrap_or_default(),
        errors.into_inner().unwrap_or_default(),
    )
}

/// Folders the VS Code-family editors opened, from
/// `<ud>/User/workspaceStorage/*/workspace.json`: projects recorded by the
/// editors themselves. Unreadable entries are skipped (they are caches).
pub fn editor_workspaces(s: &mut crate::Scan) {
    for (_, ud) in s.dirs.vscode_family() {
        let storage = ud.join("User").join("workspaceStorage");
        for ws in crate::read::list_dir(&storage).unwrap_or_default() {
            let crate::read::Read::Text(t) = crate::read::read_text(&ws.join("workspace.json"))
            else {
                continue;
            };
            let folder = crate::parse::parse_jsonc(&t)
                .ok()
                .and_then(|v| v.get("folder")?.as_str().and_then(file_uri_path));
            if let Some(p) = folder {
                s.record_project(&p);
            }
        }
    }
}

/// The local path of a `file://` URI (`file:///c%3A/x` -> `c:/x`).
pub fn file_uri_path(uri: &str) -> Option<String> {
    let rest = uri.strip_prefix("file://")?;
    let bytes = rest.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            if let Some(b) = hex {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    let mut path = String::from_utf8(out).ok()?;
    // `/c:/Users/...` on Windows.
    if path.len() > 2 && path.as_bytes()[2] == b':' {
        path.remove(0);
    }
    Some(path)
}

fn walk_error(root: &Path, err: ignore::Error) -> ConfigError {
    let mut path = None;
    let mut e = &err;
    loop {
        match e {
            ignore::Error::WithPath { path: p, err } => {
                path = Some(p.clone());
                e = err;
            }
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                e = err
            }
            _ => break,
        }
    }
    let message = match e {
        ignore::Error::Io(io) => crate::read::describe(io),
        ignore::Error::Loop { .. } => "symlink loop".into(),
        other => other.to_string(),
    };
    ConfigError {
        path: path
            .unwrap_or_else(|| root.to_path_buf())
            .display()
            .to_string(),
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_uris() {
        assert_eq!(
            file_uri_path("file:///home/dev/my%20app").as_deref(),
            Some("/home/dev/my app")
        );
        assert_eq!(
            file_uri_path("file:///c%3A/Users/dev/x").as_deref(),
            Some("c:/Users/dev/x")
        );
        assert_eq!(
            file_uri_path("file:///bad%zz%4").as_deref(),
            Some("/bad%zz%4")
        );
        assert_eq!(file_uri_path("vscode-remote://ssh/x"), None);
        assert_eq!(
            file_uri_path("file:///a%\u{e9}b").as_deref(),
            Some("/a%\u{e9}b")
        );
    }

    #[test]
    fn finds_markers_and_skips_vendored_dirs() {
        let t = tempfile::tempdir().unwrap();
        let r = t.path();
        for d in [
            "a/.cursor",
            "b/c/.vscode",
            "node_modules/x/.cursor",
            "d/target/e/.kiro",
            "f/.git/.zed",
        ] {
            std::fs::create_dir_all(r.join(d)).unwrap();
        }
        std::fs::write(r.join("a/.mcp.json"), "{}").unwrap();
        std::fs::write(r.join("g.txt"), "").unwrap();
        let (found, errors) = walk(r);
        assert!(errors.is_empty());
        let want: BTreeSet<PathBuf> = [r.join("a"), r.join("b/c")].into_iter().collect();
        assert_eq!(found, want);
        let (none, errs) = walk(&r.join("missing"));
        assert!(none.is_empty() && errs.len() == 1);
    }
}
