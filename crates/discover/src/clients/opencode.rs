//! opencode: `mcp.<name>` (v1) or `mcp.servers.<name>` (v2) in
//! `opencode.json(c)`: global, project (`opencode.json`, `.opencode/`) and
//! managed. Local servers give `command` as an argv array.

use super::Client;
use crate::dirs::Dirs;
use crate::entry::HTTP;
use crate::Scan;
use serde_json::Value;
use std::path::{Path, PathBuf};
use warden_model::Scope;

pub const ID: &str = "opencode";

pub const CLIENT: Client = Client {
    id: ID,
    name: "opencode",
    user,
    project,
};

fn both(dir: &Path) -> [PathBuf; 2] {
    [dir.join("opencode.json"), dir.join("opencode.jsonc")]
}

pub fn files(d: &Dirs) -> Vec<PathBuf> {
    let mut v = Vec::new();
    // opencode uses ~/.config on every OS.
    v.extend(both(&d.home().join(".config").join("opencode")));
    v.extend(both(&d.home().join(".opencode")));
    v.extend(both(&d.system(
        "etc/opencode",
        "Library/Application Support/opencode",
        "ProgramData/opencode",
    )));
    v
}

fn file(s: &mut Scan, f: &Path, scope: Scope, project: Option<&Path>) {
    let Some(doc) = s.load(ID, f) else {
        return;
    };
    let Some(mcp) = doc.get("mcp") else {
        return;
    };
    // v2 nests servers under `mcp.servers`; a v1 server named `servers`
    // would itself carry `type`/`command`/`url`.
    let v2 = mcp.get("servers").filter(|v| {
        v.is_object()
            && ["type", "command", "url"]
                .iter()
                .all(|k| v.get(k).is_none())
    });
    let (map, label) = match v2 {
        Some(m) => (m, "mcp.servers"),
        None => (mcp, "mcp"),
    };
    s.servers_from(ID, f, map, label, scope, project, HTTP);
    if doc.get("permission").is_some() {
        s.settings(ID, scope, f, strip_mcp(&doc));
    }
}

fn strip_mcp(doc: &Value) -> Value {
    let mut d = doc.clone();
    if let Value::Object(m) = &mut d {
        m.remove("mcp");
    }
    d
}

fn user(s: &mut Scan) {
    let f = files(&s.dirs);
    for (i, p) in f.iter().enumerate() {
        let scope = if i >= 4 { Scope::Managed } else { Scope::User };
        file(s, p, scope, None);
    }
}

fn project(s: &mut Scan, dir: &Path) {
    for p in both(dir).into_iter().chain(both(&dir.join(".opencode"))) {
        file(s, &p, Scope::Project, Some(dir));
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
        assert_eq!(l[0], "/h/.config/opencode/opencode.json");
        assert_eq!(l[4], "/s/etc/opencode/opencode.json");
        assert_eq!(
            paths(files, Os::MacOs)[4],
            "/s/Library/Application Support/opencode/opencode.json"
        );
        assert_eq!(
            paths(files, Os::Windows)[0],
            "/h/.config/opencode/opencode.json"
        );
    }

    #[test]
    fn v1_and_v2() {
        let t = tempfile::tempdir().unwrap();
        let d = t.path().join(".config/opencode");
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(
            d.join("opencode.json"),
            r#"{"mcp": {"a": {"type": "local", "command": ["x", "y"]}}}"#,
        )
        .unwrap();
        std::fs::write(d.join("opencode.jsonc"), "{\"mcp\": {\"servers\": {\"b\": {\"type\": \"remote\", \"url\": \"https://r\", \"disabled\": true}}}} // c").unwrap();
        let mut o = crate::DiscoverOptions::new(t.path());
        o.system_root = t.path().join("sys");
        let inv = crate::discover(&o);
        assert_eq!(inv.servers.len(), 2, "{:?}", inv.errors);
        assert_eq!(inv.servers[0].args, ["y"]);
        assert!(!inv.servers[1].enabled);
    }
}
