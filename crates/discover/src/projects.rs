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
