//! Cursor: `~/.cursor/mcp.json` and `<proj>/.cursor/mcp.json`; skills.

use super::{load_servers, Client};
use crate::dirs::Dirs;
use crate::entry::HTTP;
use crate::Scan;
use std::path::{Path, PathBuf};
use warden_model::Scope;

pub const ID: &str = "cursor";

pub const CLIENT: Client = Client {
    id: ID,
    name: "Cursor",
    user,
    project,
};

pub fn files(d: &Dirs) -> Vec<PathBuf> {
    vec![d.home().join(".cursor").join("mcp.json")]
}

fn user(s: &mut Scan) {
    let f = files(&s.dirs);
    super::load_user_files(s, ID, f, HTTP);
    let skills = s.dirs.home().join(".cursor");
    super::claude_code::tree(s, ID, &skills, Scope::User);
}

fn project(s: &mut Scan, dir: &Path) {
    let f = dir.join(".cursor").join("mcp.json");
    load_servers(s, ID, &f, "mcpServers", Scope::Project, Some(dir), HTTP);
    super::claude_code::tree(s, ID, &dir.join(".cursor"), Scope::Project);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clients::testutil::paths;
    use crate::Os;

    #[test]
    fn per_os_files() {
        assert_eq!(paths(files, Os::Linux), ["/h/.cursor/mcp.json"]);
        assert_eq!(paths(files, Os::MacOs), ["/h/.cursor/mcp.json"]);
        assert_eq!(paths(files, Os::Windows), ["/h/.cursor/mcp.json"]);
    }
}
