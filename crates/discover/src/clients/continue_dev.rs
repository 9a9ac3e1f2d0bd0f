//! Continue: `~/.continue/config.yaml` with `mcpServers` as a list, and
//! block files in `.continue/mcpServers/` (YAML blocks, or Claude/Cursor
//! style JSON dropped there), in the home and in each project.

use super::{files_with_ext, load_servers, Client};
use crate::dirs::Dirs;
use crate::entry::HTTP;
use crate::Scan;
use std::path::{Path, PathBuf};
use warden_model::Scope;

pub const ID: &str = "continue";

pub const CLIENT: Client = Client {
    id: ID,
    name: "Continue",
    user,
    project,
};

pub fn files(d: &Dirs) -> Vec<PathBuf> {
    let c = d.home().join(".continue");
    vec![c.join("config.yaml"), c.join("config.json")]
}

fn blocks(s: &mut Scan, dir: &Path, scope: Scope, project: Option<&Path>) {
    for f in files_with_ext(s, &dir.join("mcpServers"), &["yaml", "yml", "json"]) {
        load_servers(s, ID, &f, "mcpServers", scope, project, HTTP);
    }
}

fn user(s: &mut Scan) {
    let f = files(&s.dirs);
    load_servers(s, ID, &f[0], "mcpServers", Scope::User, None, HTTP);
    // Legacy JSON config.
    load_servers(
        s,
        ID,
        &f[1],
        "experimental.modelContextProtocolServers",
        Scope::User,
        None,
        HTTP,
    );
    let c = s.dirs.home().join(".continue");
    blocks(s, &c, Scope::User, None);
}

fn project(s: &mut Scan, dir: &Path) {
    blocks(s, &dir.join(".continue"), Scope::Project, Some(dir));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clients::testutil::paths;
    use crate::Os;

    #[test]
    fn per_os_files() {
        assert_eq!(paths(files, Os::Linux)[0], "/h/.continue/config.yaml");
        assert_eq!(paths(files, Os::Windows)[0], "/h/.continue/config.yaml");
    }
}
