//! Zed: `context_servers` in `settings.json` (JSON with comments), user dir
//! per OS and `<proj>/.zed/settings.json`.

use super::{load_servers, Client};
use crate::dirs::Dirs;
use crate::entry::HTTP;
use crate::Scan;
use std::path::{Path, PathBuf};
use warden_model::Scope;

pub const ID: &str = "zed";

pub const CLIENT: Client = Client {
    id: ID,
    name: "Zed",
    user,
    project,
};

pub fn files(d: &Dirs) -> Vec<PathBuf> {
    let dir = match d.os {
        crate::Os::Windows => d.app_data().join("Zed"),
        _ => d.xdg_config().join("zed"),
    };
    vec![dir.join("settings.json")]
}

fn user(s: &mut Scan) {
    for f in files(&s.dirs) {
        if let Some((doc, _)) = load_servers(s, ID, &f, "context_servers", Scope::User, None, HTTP)
        {
            s.settings(ID, Scope::User, &f, doc);
        }
    }
}

fn project(s: &mut Scan, dir: &Path) {
    let f = dir.join(".zed").join("settings.json");
    if let Some((doc, _)) = load_servers(
        s,
        ID,
        &f,
        "context_servers",
        Scope::Project,
        Some(dir),
        HTTP,
    ) {
        s.settings(ID, Scope::Project, &f, doc);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clients::testutil::paths;
    use crate::Os;

    #[test]
    fn per_os_files() {
        assert_eq!(paths(files, Os::Linux), ["/h/.config/zed/settings.json"]);
        assert_eq!(paths(files, Os::MacOs), ["/h/.config/zed/settings.json"]);
        assert_eq!(
            paths(files, Os::Windows),
            ["/h/AppData/Roaming/Zed/settings.json"]
        );
    }
}
