//! goose: `extensions` in `config.yaml` (`cmd`/`envs`/`uri`, built-ins skipped).

use super::{load_servers, Client};
use crate::dirs::Dirs;
use crate::entry::HTTP;
use crate::{Os, Scan};
use serde_json::Value;
use std::path::PathBuf;
use warden_model::Scope;

pub const ID: &str = "goose";

pub const CLIENT: Client = Client {
    id: ID,
    name: "goose",
    user,
    project: super::no_project,
};

pub fn files(d: &Dirs) -> Vec<PathBuf> {
    let dir = match d.os {
        Os::Windows => d.app_data().join("Block").join("goose").join("config"),
        _ => d.xdg_config().join("goose"),
    };
    vec![dir.join("config.yaml")]
}

fn user(s: &mut Scan) {
    for f in files(&s.dirs) {
        if let Some((doc, _)) = load_servers(s, ID, &f, "extensions", Scope::User, None, HTTP) {
            // `GOOSE_MODE: auto` runs every tool without asking: keep for assessment.
            if doc.is_object() {
                let mut kept = doc.clone();
                if let Value::Object(m) = &mut kept {
                    m.remove("extensions");
                }
                s.settings(ID, Scope::User, &f, kept);
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
        assert_eq!(paths(files, Os::Linux), ["/h/.config/goose/config.yaml"]);
        assert_eq!(paths(files, Os::MacOs), ["/h/.config/goose/config.yaml"]);
        assert_eq!(
            paths(files, Os::Windows),
            ["/h/AppData/Roaming/Block/goose/config/config.yaml"]
        );
    }
}
