//! Cline and its fork Roo Code: settings files in the VS Code-family
//! `globalStorage` of every editor that hosts them; Roo also reads
//! `<proj>/.roo/mcp.json`. `autoApprove` / `alwaysAllow` list tools run
//! without asking.

use super::{load_servers, Client};
use crate::dirs::Dirs;
use crate::entry::SSE;
use crate::Scan;
use std::path::{Path, PathBuf};
use warden_model::Scope;

pub const ID: &str = "cline";
/// Roo Code is a separate agent with its own files; it gets its own id.
pub const ROO_ID: &str = "roo-code";

pub const CLIENT: Client = Client {
    id: ID,
    name: "Cline",
    user,
    project: super::no_project,
};

pub const ROO: Client = Client {
    id: ROO_ID,
    name: "Roo Code",
    user: roo_user,
    project: roo_project,
};

fn storage_files(d: &Dirs, ext: &str, file: &str) -> Vec<PathBuf> {
    d.vscode_family()
        .into_iter()
        .map(|(_, ud)| {
            ud.join("User")
                .join("globalStorage")
                .join(ext)
                .join("settings")
                .join(file)
        })
        .collect()
}

pub fn files(d: &Dirs) -> Vec<PathBuf> {
    let mut v = storage_files(d, "saoudrizwan.claude-dev", "cline_mcp_settings.json");
    // The standalone CLI.
    v.push(
        d.home()
            .join(".cline/data/settings/cline_mcp_settings.json"),
    );
    v
}

pub fn roo_files(d: &Dirs) -> Vec<PathBuf> {
    storage_files(d, "rooveterinaryinc.roo-cline", "mcp_settings.json")
}

fn user(s: &mut Scan) {
    let f = files(&s.dirs);
    super::load_user_files(s, ID, f, SSE);
}

fn roo_user(s: &mut Scan) {
    for f in roo_files(&s.dirs) {
        load_servers(s, ROO_ID, &f, "mcpServers", Scope::User, None, SSE);
    }
}

fn roo_project(s: &mut Scan, dir: &Path) {
    let f = dir.join(".roo").join("mcp.json");
    load_servers(s, ROO_ID, &f, "mcpServers", Scope::Project, Some(dir), SSE);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clients::testutil::paths;
    use crate::Os;

    #[test]
    fn per_os_files() {
        let l = paths(files, Os::Linux);
        assert_eq!(l[0], "/h/.config/Code/User/globalStorage/saoudrizwan.claude-dev/settings/cline_mcp_settings.json");
        assert!(l
            .iter()
            .any(|p| p.contains("/Cursor/User/globalStorage/saoudrizwan.claude-dev/")));
        assert!(paths(files, Os::MacOs)[0]
            .starts_with("/h/Library/Application Support/Code/User/globalStorage/"));
        assert!(
            paths(files, Os::Windows)[0].starts_with("/h/AppData/Roaming/Code/User/globalStorage/")
        );
        assert!(paths(roo_files, Os::Linux)[0]
            .ends_with("rooveterinaryinc.roo-cline/settings/mcp_settings.json"));
    }
}
