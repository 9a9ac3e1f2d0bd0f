//! Amazon Q Developer: legacy `~/.aws/amazonq/mcp.json`, CLI agents
//! `~/.aws/amazonq/cli-agents/*.json`, the IDE agent `agents/default.json`;
//! workspace `.amazonq/`. An agent's `allowedTools` (`@server` or
//! `@server/tool`) run without asking: recorded as `auto_approve`.

use super::{files_with_ext, load_servers, Client};
use crate::dirs::Dirs;
use crate::entry::HTTP;
use crate::Scan;
use serde_json::Value;
use std::path::{Path, PathBuf};
use warden_model::Scope;

pub const ID: &str = "amazon-q";

pub const CLIENT: Client = Client {
    id: ID,
    name: "Amazon Q Developer",
    user,
    project,
};

pub fn files(d: &Dirs) -> Vec<PathBuf> {
    let q = d.home().join(".aws").join("amazonq");
    vec![q.join("mcp.json"), q.join("agents").join("default.json")]
}

fn agent_file(s: &mut Scan, f: &Path, scope: Scope, project: Option<&Path>) {
    let Some((doc, r)) = load_servers(s, ID, f, "mcpServers", scope, project, HTTP) else {
        return;
    };
    let allowed: Vec<&str> = doc
        .get("allowedTools")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    for srv in &mut s.servers[r] {
        let prefix = format!("@{}", srv.name);
        for t in &allowed {
            if *t == prefix {
                srv.auto_approve = vec!["*".into()];
            } else if let Some(tool) = t.strip_prefix(&format!("{prefix}/")) {
                if !srv.auto_approve.iter().any(|x| x == "*") {
                    srv.auto_approve.push(tool.to_string());
                }
            }
        }
    }
}

fn scan_dir(s: &mut Scan, q: &Path, scope: Scope, project: Option<&Path>) {
    load_servers(
        s,
        ID,
        &q.join("mcp.json"),
        "mcpServers",
        scope,
        project,
        HTTP,
    );
    agent_file(s, &q.join("agents").join("default.json"), scope, project);
    for f in files_with_ext(s, &q.join("cli-agents"), &["json"]) {
        agent_file(s, &f, scope, project);
    }
}

fn user(s: &mut Scan) {
    let q = s.dirs.home().join(".aws").join("amazonq");
    scan_dir(s, &q, Scope::User, None);
}

fn project(s: &mut Scan, dir: &Path) {
    scan_dir(s, &dir.join(".amazonq"), Scope::Project, Some(dir));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clients::testutil::paths;
    use crate::Os;

    #[test]
    fn per_os_files() {
        assert_eq!(paths(files, Os::Linux)[0], "/h/.aws/amazonq/mcp.json");
        assert_eq!(
            paths(files, Os::MacOs)[1],
            "/h/.aws/amazonq/agents/default.json"
        );
    }

    #[test]
    fn allowed_tools_become_auto_approve() {
        let t = tempfile::tempdir().unwrap();
        let d = t.path().join(".aws/amazonq/cli-agents");
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(
            d.join("dev.json"),
            r#"{"mcpServers": {"git": {"command": "g"}, "fs": {"command": "f"}}, "allowedTools": ["@git", "@fs/read_file", "fs_read"]}"#,
        )
        .unwrap();
        let mut o = crate::DiscoverOptions::new(t.path());
        o.system_root = t.path().join("sys");
        let inv = crate::discover(&o);
        let get = |n: &str| inv.servers.iter().find(|s| s.name == n).unwrap();
        assert_eq!(get("git").auto_approve, ["*"]);
        assert_eq!(get("fs").auto_approve, ["read_file"]);
    }
}
