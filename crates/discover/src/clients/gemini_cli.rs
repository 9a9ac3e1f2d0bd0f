//! Gemini CLI: `~/.gemini/settings.json`, `<proj>/.gemini/settings.json`,
//! system settings (managed), extensions with their own `mcpServers`, and
//! trusted folders (a trusted project's servers count as approved).

use super::{load_servers, Client};
use crate::dirs::Dirs;
use crate::entry::SSE;
use crate::Scan;
use serde_json::Value;
use std::path::{Path, PathBuf};
use warden_model::{ExtensionKind, Scope};

pub const ID: &str = "gemini-cli";

pub const CLIENT: Client = Client {
    id: ID,
    name: "Gemini CLI",
    user,
    project,
};

fn system_dir(d: &Dirs) -> PathBuf {
    d.system(
        "etc/gemini-cli",
        "Library/Application Support/GeminiCli",
        "ProgramData/gemini-cli",
    )
}

pub fn files(d: &Dirs) -> Vec<PathBuf> {
    let sys = system_dir(d);
    vec![
        d.home().join(".gemini").join("settings.json"),
        sys.join("settings.json"),
        sys.join("system-defaults.json"),
    ]
}

/// Applies `mcp.allowed` / `mcp.excluded` of a settings file to its servers.
fn apply_lists(s: &mut Scan, doc: &Value, r: std::ops::Range<usize>) {
    let list = |k: &str| -> Option<Vec<String>> {
        doc.get("mcp")?.get(k)?.as_array().map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(String::from))
                .collect()
        })
    };
    let allowed = list("allowed");
    let excluded = list("excluded").unwrap_or_default();
    for srv in &mut s.servers[r] {
        if excluded.contains(&srv.name) || allowed.as_ref().is_some_and(|a| !a.contains(&srv.name))
        {
            srv.enabled = false;
            srv.approved = false;
        }
    }
}

fn settings(s: &mut Scan, path: &Path, scope: Scope, project: Option<&Path>) {
    if let Some((doc, r)) = load_servers(s, ID, path, "mcpServers", scope, project, SSE) {
        apply_lists(s, &doc, r);
        s.settings(ID, scope, path, doc);
    }
}

fn extensions(s: &mut Scan, dir: &Path, scope: Scope, project: Option<&Path>) {
    for ext in s.list(dir) {
        let manifest = ext.join("gemini-extension.json");
        if let Some((doc, r)) = load_servers(s, ID, &manifest, "mcpServers", scope, project, SSE) {
            let (name, version) = super::manifest_name_version(&doc, &ext);
            s.extension(ID, ExtensionKind::Plugin, name, scope, &ext, version);
            if scope == Scope::Project {
                super::approve_if_trusted(s, ID, project.unwrap_or(dir), r);
            }
        }
    }
}

fn user(s: &mut Scan) {
    let f = files(&s.dirs);
    for (path, scope) in [
        (&f[1], Scope::Managed),
        (&f[2], Scope::Managed),
        (&f[0], Scope::User),
    ] {
        settings(s, path, scope, None);
    }
    let g = s.dirs.home().join(".gemini");
    extensions(s, &g.join("extensions"), Scope::User, None);
    let trust = g.join("trustedFolders.json");
    if let Some(doc) = s.load(ID, &trust) {
        for (k, v) in doc.as_object().into_iter().flatten() {
            if matches!(v.as_str(), Some("TRUST_FOLDER") | Some("TRUST_PARENT")) {
                if let Some(dir) = s.record_project(k) {
                    s.trusted.entry(ID).or_default().insert(dir);
                }
            }
        }
    }
}

fn project(s: &mut Scan, dir: &Path) {
    let g = dir.join(".gemini");
    let f = g.join("settings.json");
    if let Some((doc, r)) = load_servers(s, ID, &f, "mcpServers", Scope::Project, Some(dir), SSE) {
        super::approve_if_trusted(s, ID, dir, r.clone());
        apply_lists(s, &doc, r);
        s.settings(ID, Scope::Project, &f, doc);
    }
    extensions(s, &g.join("extensions"), Scope::Project, Some(dir));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clients::testutil::paths;
    use crate::Os;

    #[test]
    fn per_os_files() {
        assert_eq!(
            paths(files, Os::Linux),
            [
                "/h/.gemini/settings.json",
                "/s/etc/gemini-cli/settings.json",
                "/s/etc/gemini-cli/system-defaults.json"
            ]
        );
        assert_eq!(
            paths(files, Os::MacOs)[1],
            "/s/Library/Application Support/GeminiCli/settings.json"
        );
        assert_eq!(
            paths(files, Os::Windows)[1],
            "/s/ProgramData/gemini-cli/settings.json"
        );
    }

    #[test]
    fn extensions_and_allow_lists() {
        let inv = crate::clients::testutil::scan_home(&[
            (
                ".gemini/extensions/gh/gemini-extension.json",
                r#"{"name": "gh", "version": "1.0", "mcpServers": {"gh": {"httpUrl": "https://x/mcp"}}}"#,
            ),
            (
                ".gemini/settings.json",
                r#"{"mcpServers": {"a": {"command": "x"}, "b": {"url": "https://y/events"}}, "mcp": {"excluded": ["a"]}}"#,
            ),
        ]);
        let get = |n: &str| inv.servers.iter().find(|s| s.name == n).unwrap();
        assert_eq!(get("gh").transport, warden_model::Transport::Http);
        assert!(!get("a").enabled);
        assert_eq!(get("b").transport, warden_model::Transport::Sse);
        assert!(inv.agents[0].extensions.iter().any(|e| e.name == "gh"));
    }
}
