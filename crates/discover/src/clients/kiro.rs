//! Kiro: `~/.kiro/settings/mcp.json`, `<proj>/.kiro/settings/mcp.json`,
//! and agents (`.kiro/agents/*.json`) with inline `mcpServers`.

use super::{files_with_ext, load_servers, Client};
use crate::dirs::Dirs;
use crate::entry::HTTP;
use crate::Scan;
use std::path::{Path, PathBuf};
use warden_model::Scope;

pub const ID: &str = "kiro";

pub const CLIENT: Client = Client {
    id: ID,
    name: "Kiro",
    user,
    project,
};

pub fn files(d: &Dirs) -> Vec<PathBuf> {
    vec![d.home().join(".kiro").join("settings").join("mcp.json")]
}

fn scan_dir(s: &mut Scan, kiro: &Path, scope: Scope, project: Option<&Path>) {
    let f = kiro.join("settings").join("mcp.json");
    load_servers(s, ID, &f, "mcpServers", scope, project, HTTP);
    for a in files_with_ext(s, &kiro.join("agents"), &["json"]) {
        load_servers(s, ID, &a, "mcpServers", scope, project, HTTP);
    }
}

fn user(s: &mut Scan) {
    let k = s.dirs.home().join(".kiro");
    scan_dir(s, &k, Scope::User, None);
}

fn project(s: &mut Scan, dir: &Path) {
    scan_dir(s, &dir.join(".kiro"), Scope::Project, Some(dir));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clients::testutil::paths;
    use crate::Os;

    #[test]
    fn per_os_files() {
        for os in [Os::Linux, Os::MacOs, Os::Windows] {
            assert_eq!(paths(files, os), ["/h/.kiro/settings/mcp.json"]);
        }
    }
}
