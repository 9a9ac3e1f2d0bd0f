//! Claude Desktop: `claude_desktop_config.json` in the app-data dir, plus
//! desktop extensions (`Claude Extensions/<id>/manifest.json`), which
//! launch MCP servers of their own.

use super::{load_servers, Client};
use crate::dirs::Dirs;
use crate::entry::HTTP;
use crate::{Os, Scan};
use std::path::PathBuf;
use warden_model::{ExtensionKind, Scope};

pub const ID: &str = "claude-desktop";

pub const CLIENT: Client = Client {
    id: ID,
    name: "Claude Desktop",
    user,
    project: super::no_project,
};

/// Data dirs per OS. Linux has no documented path: Electron's default
/// (`Claude`) and the lowercase one some tools use are both checked.
pub fn data_dirs(d: &Dirs) -> Vec<PathBuf> {
    let mut v = vec![d.app_data().join("Claude")];
    match d.os {
        Os::Linux => v.push(d.app_data().join("claude")),
        Os::Windows => {
            // MSIX/Store installs keep a virtualized copy under Packages.
            let pkgs = d.local_app_data().join("Packages");
            if let Ok(entries) = crate::read::list_dir(&pkgs) {
                for p in entries {
                    if p.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.starts_with("Claude_"))
                    {
                        v.push(p.join("LocalCache").join("Roaming").join("Claude"));
                    }
                }
            }
        }
        Os::MacOs => {}
    }
    v
}

pub fn files(d: &Dirs) -> Vec<PathBuf> {
    data_dirs(d)
        .into_iter()
        .map(|p| p.join("claude_desktop_config.json"))
        .collect()
}

fn user(s: &mut Scan) {
    let dirs = data_dirs(&s.dirs);
    for dir in dirs {
        load_servers(
            s,
            ID,
            &dir.join("claude_desktop_config.json"),
            "mcpServers",
            Scope::User,
            None,
            HTTP,
        );
        for ext in s.list(&dir.join("Claude Extensions")) {
            let manifest = ext.join("manifest.json");
            let Some(doc) = s.load(ID, &manifest) else {
                continue;
            };
            let (name, version) = super::manifest_name_version(&doc, &ext);
            s.extension(
                ID,
                ExtensionKind::Plugin,
                name.clone(),
                Scope::User,
                &ext,
                version,
            );
            if let Some(cfg) = doc.get("server").and_then(|v| v.get("mcp_config")) {
                let one = serde_json::json!({ name: cfg });
                s.servers_from(
                    ID,
                    &manifest,
                    &one,
                    "server.mcp_config",
                    Scope::User,
                    None,
                    HTTP,
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clients::testutil::paths;

    #[test]
    fn per_os_files() {
        assert_eq!(
            paths(files, Os::Linux),
            [
                "/h/.config/Claude/claude_desktop_config.json",
                "/h/.config/claude/claude_desktop_config.json"
            ]
        );
        assert_eq!(
            paths(files, Os::MacOs),
            ["/h/Library/Application Support/Claude/claude_desktop_config.json"]
        );
        assert_eq!(
            paths(files, Os::Windows),
            ["/h/AppData/Roaming/Claude/claude_desktop_config.json"]
        );
    }

    #[test]
    fn desktop_extensions_run_servers() {
        let inv = crate::clients::testutil::scan_home(&[(
            ".config/Claude/Claude Extensions/ant.dir.files/manifest.json",
            r#"{"name": "files", "version": "0.1.0", "server": {"type": "node", "mcp_config": {"command": "node", "args": ["${__dirname}/server/index.js"], "env": {"K": "v"}}}}"#,
        )]);
        assert_eq!(inv.servers.len(), 1, "{:?}", inv.errors);
        assert_eq!(inv.servers[0].name, "files");
        assert_eq!(inv.servers[0].env_keys, ["K"]);
        assert_eq!(inv.agents[0].extensions[0].name, "files");
    }
}
