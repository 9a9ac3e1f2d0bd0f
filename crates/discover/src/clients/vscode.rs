//! VS Code (and Insiders, VSCodium): `<ud>/User/mcp.json`, per-profile
//! `mcp.json`, the older `mcp.servers` in `settings.json`, workspace
//! `.vscode/mcp.json`, and Copilot's `~/.copilot/mcp-config.json`.

use super::{load_servers, Client};
use crate::dirs::Dirs;
use crate::entry::HTTP;
use crate::Scan;
use std::path::{Path, PathBuf};
use warden_model::Scope;

pub const ID: &str = "vscode";

pub const CLIENT: Client = Client {
    id: ID,
    name: "Visual Studio Code",
    user,
    project,
};

/// The VS Code builds this client covers (Cursor/Windsurf/Kiro have their own).
fn user_data_dirs(d: &Dirs) -> Vec<PathBuf> {
    d.vscode_family()
        .into_iter()
        .filter(|(id, _)| {
            matches!(
                *id,
                "Code" | "Code - Insiders" | "VSCodium" | "Code (portable)"
            )
        })
        .map(|(_, p)| p)
        .collect()
}

pub fn files(d: &Dirs) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = user_data_dirs(d)
        .into_iter()
        .map(|ud| ud.join("User").join("mcp.json"))
        .collect();
    v.push(
        d.var("COPILOT_HOME")
            .unwrap_or_else(|| d.home().join(".copilot"))
            .join("mcp-config.json"),
    );
    v
}

fn user(s: &mut Scan) {
    for ud in user_data_dirs(&s.dirs) {
        let u = ud.join("User");
        load_servers(
            s,
            ID,
            &u.join("mcp.json"),
            "servers",
            Scope::User,
            None,
            HTTP,
        );
        if let Some(doc) = s.load(ID, &u.join("settings.json")) {
            s.servers_at(
                ID,
                &u.join("settings.json"),
                &doc,
                "mcp.servers",
                Scope::User,
                None,
                HTTP,
            );
            s.settings(ID, Scope::User, &u.join("settings.json"), doc);
        }
        for p in s.list(&u.join("profiles")) {
            load_servers(
                s,
                ID,
                &p.join("mcp.json"),
                "servers",
                Scope::User,
                None,
                HTTP,
            );
        }
    }
    let copilot = files(&s.dirs).pop().unwrap_or_default();
    load_servers(s, ID, &copilot, "mcpServers", Scope::User, None, HTTP);
}

fn project(s: &mut Scan, dir: &Path) {
    let f = dir.join(".vscode").join("mcp.json");
    load_servers(s, ID, &f, "servers", Scope::Project, Some(dir), HTTP);
    let settings = dir.join(".vscode").join("settings.json");
    if let Some(doc) = s.load(ID, &settings) {
        s.servers_at(
            ID,
            &settings,
            &doc,
            "mcp.servers",
            Scope::Project,
            Some(dir),
            HTTP,
        );
        s.settings(ID, Scope::Project, &settings, doc);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clients::testutil::paths;
    use crate::Os;

    #[test]
    fn per_os_files() {
        let l = paths(files, Os::Linux);
        assert_eq!(l[0], "/h/.config/Code/User/mcp.json");
        assert!(l.contains(&"/h/.config/VSCodium/User/mcp.json".into()));
        assert!(l.contains(&"/h/.copilot/mcp-config.json".into()));
        assert_eq!(
            paths(files, Os::MacOs)[0],
            "/h/Library/Application Support/Code/User/mcp.json"
        );
        assert_eq!(
            paths(files, Os::Windows)[0],
            "/h/AppData/Roaming/Code/User/mcp.json"
        );
    }

    #[test]
    fn profiles_legacy_settings_and_copilot() {
        let inv = crate::clients::testutil::scan_home(&[
            (
                ".config/Code/User/profiles/abc/mcp.json",
                r#"{"servers": {"p": {"command": "x"}}}"#,
            ),
            (
                ".config/Code/User/settings.json",
                "{\"mcp\": {\"servers\": {\"old\": {\"command\": \"y\"}}}, // c\n}",
            ),
            (
                ".copilot/mcp-config.json",
                r#"{"mcpServers": {"cp": {"type": "http", "url": "https://z"}}}"#,
            ),
        ]);
        let mut names: Vec<&str> = inv.servers.iter().map(|s| s.name.as_str()).collect();
        names.sort();
        assert_eq!(names, ["cp", "old", "p"], "{:?}", inv.errors);
    }
}
