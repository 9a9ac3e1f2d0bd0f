//! LM Studio: `~/.lmstudio/mcp.json` (Cursor notation); macOS builds were
//! also seen using `~/.cache/lm-studio/mcp.json`.

use super::{load_user_files, Client};
use crate::dirs::Dirs;
use crate::entry::HTTP;
use crate::{Os, Scan};
use std::path::PathBuf;

pub const ID: &str = "lm-studio";

pub const CLIENT: Client = Client {
    id: ID,
    name: "LM Studio",
    user,
    project: super::no_project,
};

pub fn files(d: &Dirs) -> Vec<PathBuf> {
    let mut v = vec![d.home().join(".lmstudio").join("mcp.json")];
    if d.os == Os::MacOs {
        v.push(d.home().join(".cache").join("lm-studio").join("mcp.json"));
    }
    v
}

fn user(s: &mut Scan) {
    let f = files(&s.dirs);
    load_user_files(s, ID, f, HTTP);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clients::testutil::paths;

    #[test]
    fn per_os_files() {
        assert_eq!(paths(files, Os::Linux), ["/h/.lmstudio/mcp.json"]);
        assert_eq!(
            paths(files, Os::MacOs),
            ["/h/.lmstudio/mcp.json", "/h/.cache/lm-studio/mcp.json"]
        );
        assert_eq!(paths(files, Os::Windows), ["/h/.lmstudio/mcp.json"]);
    }
}
