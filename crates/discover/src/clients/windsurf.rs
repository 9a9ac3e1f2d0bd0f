//! Windsurf: `~/.codeium/windsurf/mcp_config.json` (the editor) and
//! `~/.codeium/mcp_config.json` (the JetBrains plugin). No project file.

use super::{load_user_files, Client};
use crate::dirs::Dirs;
use crate::entry::HTTP;
use crate::Scan;
use std::path::PathBuf;

pub const ID: &str = "windsurf";

pub const CLIENT: Client = Client {
    id: ID,
    name: "Windsurf",
    user,
    project: super::no_project,
};

pub fn files(d: &Dirs) -> Vec<PathBuf> {
    let c = d.home().join(".codeium");
    vec![
        c.join("windsurf").join("mcp_config.json"),
        c.join("mcp_config.json"),
    ]
}

fn user(s: &mut Scan) {
    let f = files(&s.dirs);
    load_user_files(s, ID, f, HTTP);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clients::testutil::paths;
    use crate::Os;

    #[test]
    fn per_os_files() {
        for os in [Os::Linux, Os::MacOs, Os::Windows] {
            assert_eq!(paths(files, os)[0], "/h/.codeium/windsurf/mcp_config.json");
        }
    }
}
