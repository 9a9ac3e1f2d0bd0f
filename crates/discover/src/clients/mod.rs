//! One module per client. Each exposes `user` (files in the home and system
//! dirs) and `project` (files in one project directory), and a `files`
//! function listing its user/system paths for a [`Dirs`], unit-tested per OS.

use crate::entry::Dialect;
use crate::Scan;
use serde_json::Value;
use std::ops::Range;
use std::path::Path;
use warden_model::Scope;

pub mod amazon_q;
pub mod claude_code;
pub mod claude_desktop;
pub mod cline;
pub mod codex;
pub mod continue_dev;
pub mod cursor;
pub mod gemini_cli;
pub mod goose;
pub mod kiro;
pub mod lm_studio;
pub mod opencode;
pub mod vscode;
pub mod windsurf;
pub mod zed;

pub struct Client {
    pub id: &'static str,
    pub name: &'static str,
    pub user: fn(&mut Scan),
    pub project: fn(&mut Scan, &Path),
}

fn no_project(_: &mut Scan, _: &Path) {}

/// Every client, in output order.
pub const ALL: &[Client] = &[
    claude_code::CLIENT,
    claude_desktop::CLIENT,
    cursor::CLIENT,
    vscode::CLIENT,
    windsurf::CLIENT,
    gemini_cli::CLIENT,
    codex::CLIENT,
    zed::CLIENT,
    cline::CLIENT,
    cline::ROO,
    continue_dev::CLIENT,
    goose::CLIENT,
    kiro::CLIENT,
    amazon_q::CLIENT,
    opencode::CLIENT,
    lm_studio::CLIENT,
];

/// Display name of a client id (the id itself when unknown).
pub fn display_name(id: &str) -> &str {
    ALL.iter()
        .find(|c| c.id == id)
        .map(|c| c.name)
        .unwrap_or(id)
}

/// Loads a file and adds the servers under `key`; the common case for
/// clients whose file is one map of Claude-style entries.
pub(crate) fn load_servers(
    s: &mut Scan,
    client: &'static str,
    path: &Path,
    key: &str,
    scope: Scope,
    project: Option<&Path>,
    dialect: Dialect,
) -> Option<(Value, Range<usize>)> {
    let doc = s.load(client, path)?;
    let r = s.servers_at(client, path, &doc, key, scope, project, dialect);
    Some((doc, r))
}

/// Adds the servers of each user-level file, each one `mcpServers` map.
pub(crate) fn load_user_files(
    s: &mut Scan,
    client: &'static str,
    files: Vec<std::path::PathBuf>,
    dialect: Dialect,
) {
    for f in files {
        load_servers(s, client, &f, "mcpServers", Scope::User, None, dialect);
    }
}

/// Marks the project servers in `range` approved when the client trusts the
/// project (Codex trust list, Gemini trusted folders).
pub(crate) fn approve_if_trusted(
    s: &mut Scan,
    client: &'static str,
    dir: &Path,
    range: Range<usize>,
) {
    let trusted = s.trusted.get(client).is_some_and(|t| t.contains(dir));
    for d in &mut s.servers[range] {
        d.approved = d.enabled && trusted;
    }
}

/// An extension's name and version from its manifest: `name`, else the
/// extension directory's name.
pub(crate) fn manifest_name_version(doc: &Value, dir: &Path) -> (String, Option<String>) {
    let text = |k: &str| doc.get(k).and_then(Value::as_str).map(String::from);
    let name = text("name").unwrap_or_else(|| crate::read::file_name(dir));
    (name, text("version"))
}

/// Files of the given extension directly inside `dir`, sorted.
pub(crate) fn files_with_ext(s: &mut Scan, dir: &Path, exts: &[&str]) -> Vec<std::path::PathBuf> {
    s.list(dir)
        .into_iter()
        .filter(|p| {
            p.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| exts.contains(&e))
        })
        .collect()
}

#[cfg(test)]
pub(crate) mod testutil {
    use crate::dirs::{test_dirs, Dirs};
    use crate::Os;
    use std::path::PathBuf;

    /// Discovery over a temporary Linux home holding `files` (path, text).
    pub fn scan_home(files: &[(&str, &str)]) -> warden_model::Inventory {
        let t = tempfile::tempdir().unwrap();
        for (rel, text) in files {
            let f = crate::dirs::join(t.path(), rel);
            std::fs::create_dir_all(f.parent().unwrap()).unwrap();
            std::fs::write(f, text).unwrap();
        }
        let mut o = crate::DiscoverOptions::new(t.path());
        o.system_root = t.path().join("sys");
        o.os = crate::Os::Linux;
        crate::discover(&o)
    }

    /// Paths a `files` function yields for each OS, as strings.
    pub fn paths(f: fn(&Dirs) -> Vec<PathBuf>, os: Os) -> Vec<String> {
        f(&test_dirs(os))
            .into_iter()
            .map(|p| p.display().to_string())
            .collect()
    }
}
