//! OpenAI Codex: TOML `[mcp_servers.<name>]` in `~/.codex/config.toml`
//! (`CODEX_HOME`), `<proj>/.codex/config.toml` (loaded for trusted projects
//! only) and the system file; `[projects."<path>"]` records projects.

use super::{load_servers, Client};
use crate::dirs::Dirs;
use crate::entry::HTTP;
use crate::Scan;
use serde_json::Value;
use std::path::{Path, PathBuf};
use warden_model::Scope;

pub const ID: &str = "codex";

pub const CLIENT: Client = Client {
    id: ID,
    name: "OpenAI Codex",
    user,
    project,
};

pub fn files(d: &Dirs) -> Vec<PathBuf> {
    let home = d
        .var("CODEX_HOME")
        .unwrap_or_else(|| d.home().join(".codex"));
    vec![
        home.join("config.toml"),
        d.system("etc/codex", "etc/codex", "ProgramData/OpenAI/Codex")
            .join("config.toml"),
    ]
}

fn user(s: &mut Scan) {
    let f = files(&s.dirs);
    if let Some(home) = f[0].parent() {
        plugins(s, home);
    }
    load_servers(s, ID, &f[1], "mcp_servers", Scope::Managed, None, HTTP);
    if let Some((doc, _)) = load_servers(s, ID, &f[0], "mcp_servers", Scope::User, None, HTTP) {
        s.settings(ID, Scope::User, &f[0], doc.clone());
        for (k, v) in doc
            .get("projects")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let trusted = v.get("trust_level").and_then(Value::as_str) == Some("trusted");
            if let Some(dir) = s.record_project(k) {
                if trusted {
                    s.trusted.entry(ID).or_default().insert(dir);
                }
            }
        }
    }
}

/// Codex plugins: `<codex_home>/plugins/<name>/` with a `.mcp.json`.
fn plugins(s: &mut Scan, codex_home: &Path) {
    for dir in s.list(&codex_home.join("plugins")) {
        let f = dir.join(".mcp.json");
        if let Some(doc) = s.load(ID, &f) {
            let name = crate::read::file_name(&dir);
            s.extension(
                ID,
                warden_model::ExtensionKind::Plugin,
                name,
                Scope::User,
                &dir,
                None,
            );
            let m = doc.get("mcpServers").unwrap_or(&doc);
            s.servers_from(ID, &f, m, "mcpServers", Scope::User, None, HTTP);
        }
    }
}

fn project(s: &mut Scan, dir: &Path) {
    let f = dir.join(".codex").join("config.toml");
    if let Some((_, r)) = load_servers(s, ID, &f, "mcp_servers", Scope::Project, Some(dir), HTTP) {
        super::approve_if_trusted(s, ID, dir, r);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clients::testutil::paths;
    use crate::Os;

    #[test]
    fn per_os_files() {
        assert_eq!(
            paths(files, Os::Linux),
            ["/h/.codex/config.toml", "/s/etc/codex/config.toml"]
        );
        assert_eq!(
            paths(files, Os::Windows)[1],
            "/s/ProgramData/OpenAI/Codex/config.toml"
        );
        let mut d = crate::dirs::test_dirs(Os::Linux);
        d.vars.insert("CODEX_HOME".into(), "/cx".into());
        assert_eq!(files(&d)[0], PathBuf::from("/cx/config.toml"));
    }

    #[test]
    fn trusted_project_servers_are_approved() {
        let t = tempfile::tempdir().unwrap();
        let p = t.path().join("proj");
        std::fs::create_dir_all(p.join(".codex")).unwrap();
        std::fs::create_dir_all(t.path().join(".codex")).unwrap();
        std::fs::write(
            t.path().join(".codex/config.toml"),
            format!("[projects.\"{}\"]\ntrust_level = \"trusted\"\n[mcp_servers.u]\nurl = \"https://x/mcp\"\nbearer_token_env_var = \"T\"\n", p.display()),
        )
        .unwrap();
        std::fs::write(
            p.join(".codex/config.toml"),
            "[mcp_servers.p]\ncommand = \"x\"\n",
        )
        .unwrap();
        let mut o = crate::DiscoverOptions::new(t.path());
        o.system_root = t.path().join("sys");
        let inv = crate::discover(&o);
        assert_eq!(inv.servers.len(), 2, "{:?}", inv.errors);
        let p = inv.servers.iter().find(|s| s.name == "p").unwrap();
        assert!(p.approved && p.scope == Scope::Project);
        let u = inv.servers.iter().find(|s| s.name == "u").unwrap();
        assert_eq!(u.header_keys, ["Authorization"]);
    }
}
