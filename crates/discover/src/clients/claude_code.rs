//! Claude Code: `~/.claude.json` (user and local scope), `<proj>/.mcp.json`
//! (project), managed files, settings (kept raw for assessment), and
//! extensions: plugins, skills, commands, subagents, hooks, CLAUDE.md.

use super::{load_servers, Client};
use crate::dirs::{join, Dirs};
use crate::entry::HTTP;
use crate::read::file_name;
use crate::Scan;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use warden_model::{ExtensionKind, Scope};

pub const ID: &str = "claude-code";

pub const CLIENT: Client = Client {
    id: ID,
    name: "Claude Code",
    user,
    project,
};

/// Which project (`.mcp.json`) servers the user approved or blocked.
#[derive(Debug, Default, Clone)]
pub struct Approvals {
    pub enable_all: bool,
    pub enabled: BTreeSet<String>,
    pub disabled: BTreeSet<String>,
    /// `disabledMcpServers` in `~/.claude.json` projects: off in that project.
    pub off: BTreeSet<String>,
}

impl Approvals {
    fn absorb(&mut self, v: &Value) {
        if v.get("enableAllProjectMcpServers").and_then(Value::as_bool) == Some(true) {
            self.enable_all = true;
        }
        let names = |k: &str| -> Vec<String> {
            v.get(k)
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x.as_str().map(String::from))
                        .collect()
                })
                .unwrap_or_default()
        };
        self.enabled.extend(names("enabledMcpjsonServers"));
        self.disabled.extend(names("disabledMcpjsonServers"));
        self.off.extend(names("disabledMcpServers"));
    }
}

/// Approvals from user/managed settings, and per project from `~/.claude.json`.
#[derive(Debug, Default)]
pub struct State {
    pub global: Approvals,
    pub per_project: BTreeMap<PathBuf, Approvals>,
    /// `enabledPlugins` of user/managed settings: `name@marketplace -> on`.
    pub plugins_on: BTreeMap<String, bool>,
}

/// `~/.claude`, or `$CLAUDE_CONFIG_DIR`.
pub fn config_dir(d: &Dirs) -> PathBuf {
    d.var("CLAUDE_CONFIG_DIR")
        .unwrap_or_else(|| d.home().join(".claude"))
}

/// Managed (enterprise) directory per OS.
pub fn managed_dir(d: &Dirs) -> PathBuf {
    d.system(
        "etc/claude-code",
        "Library/Application Support/ClaudeCode",
        "Program Files/ClaudeCode",
    )
}

/// User and system paths, in the order they are read.
pub fn files(d: &Dirs) -> Vec<PathBuf> {
    let mut v = Vec::new();
    if let Some(c) = d.var("CLAUDE_CONFIG_DIR") {
        v.push(c.join(".claude.json"));
    }
    v.push(d.home().join(".claude.json"));
    let m = managed_dir(d);
    v.push(m.join("managed-mcp.json"));
    v.push(m.join("managed-settings.json"));
    v.push(config_dir(d).join("settings.json"));
    v
}

fn user(s: &mut Scan) {
    let d = s.dirs.clone();
    let m = managed_dir(&d);
    load_servers(
        s,
        ID,
        &m.join("managed-mcp.json"),
        "mcpServers",
        Scope::Managed,
        None,
        HTTP,
    );
    settings_file(s, &m.join("managed-settings.json"), Scope::Managed, None);
    for f in super::files_with_ext(s, &m.join("managed-settings.d"), &["json"]) {
        settings_file(s, &f, Scope::Managed, None);
    }

    // With CLAUDE_CONFIG_DIR set, Claude reads `.claude.json` there first.
    let user_json = files(&d)
        .into_iter()
        .take_while(|p| p.file_name().is_some_and(|n| n == ".claude.json"))
        .find(|p| p.exists())
        .unwrap_or_else(|| d.home().join(".claude.json"));
    if let Some(doc) = s.load(ID, &user_json) {
        s.servers_at(ID, &user_json, &doc, "mcpServers", Scope::User, None, HTTP);
        if let Some(projects) = doc.get("projects").and_then(Value::as_object) {
            for (key, pv) in projects {
                let mut a = Approvals::default();
                a.absorb(pv);
                let label = format!("projects.{key}.mcpServers");
                let r = match pv.get("mcpServers") {
                    Some(m) => s.servers_from(
                        ID,
                        &user_json,
                        m,
                        &label,
                        Scope::Local,
                        Some(Path::new(key)),
                        HTTP,
                    ),
                    None => 0..0,
                };
                for srv in &mut s.servers[r] {
                    if a.off.contains(&srv.name) {
                        srv.enabled = false;
                        srv.approved = false;
                    }
                }
                let dir = s.record_project(key).unwrap_or_else(|| PathBuf::from(key));
                s.claude.per_project.entry(dir).or_default().absorb(pv);
            }
        }
    }

    let cd = config_dir(&d);
    settings_file(s, &cd.join("settings.json"), Scope::User, None);
    settings_file(s, &cd.join("settings.local.json"), Scope::User, None);
    tree(s, ID, &cd, Scope::User);
    instructions(s, &cd.join("CLAUDE.md"), Scope::User);
    plugins(s, &cd.join("plugins"));
}

fn project(s: &mut Scan, dir: &Path) {
    let mut a = s.claude.global.clone();
    let cd = dir.join(".claude");
    for f in ["settings.json", "settings.local.json"] {
        if let Some(v) = settings_file(s, &cd.join(f), Scope::Project, Some(dir)) {
            a.absorb(&v);
        }
    }
    if let Some(p) = s.claude.per_project.get(dir) {
        a.enable_all |= p.enable_all;
        a.enabled.extend(p.enabled.iter().cloned());
        a.disabled.extend(p.disabled.iter().cloned());
        a.off.extend(p.off.iter().cloned());
    }
    let path = dir.join(".mcp.json");
    if let Some(doc) = s.load(ID, &path) {
        // Also accept a flat `{name: entry}` file, which some tools write.
        let r = if doc.get("mcpServers").is_some() {
            s.servers_at(
                ID,
                &path,
                &doc,
                "mcpServers",
                Scope::Project,
                Some(dir),
                HTTP,
            )
        } else {
            s.servers_from(
                ID,
                &path,
                &doc,
                "(top level)",
                Scope::Project,
                Some(dir),
                HTTP,
            )
        };
        for srv in &mut s.servers[r] {
            if a.disabled.contains(&srv.name) || a.off.contains(&srv.name) {
                srv.enabled = false;
            }
            srv.approved = srv.enabled && (a.enable_all || a.enabled.contains(&srv.name));
        }
    }
    tree(s, ID, &cd, Scope::Project);
    tree(s, ID, &dir.join(".agents"), Scope::Project);
    for f in ["CLAUDE.md", "CLAUDE.local.md", ".claude/CLAUDE.md"] {
        instructions(s, &join(dir, f), Scope::Project);
    }
}

/// Reads a settings file: keeps it raw for assessment, lists its hooks, and
/// (user/managed scope) folds its MCP approvals into the global state.
fn settings_file(s: &mut Scan, path: &Path, scope: Scope, project: Option<&Path>) -> Option<Value> {
    let v = s.load(ID, path)?;
    if project.is_none() {
        s.claude.global.absorb(&v);
        for (k, on) in v
            .get("enabledPlugins")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            if let Some(on) = on.as_bool() {
                s.claude.plugins_on.insert(k.clone(), on);
            }
        }
    }
    hooks(s, ID, v.get("hooks"), scope, path);
    s.settings(ID, scope, path, v.clone());
    Some(v)
}

/// Hooks as extensions: `EVENT[matcher]: command`, the command redacted.
pub(crate) fn hooks(
    s: &mut Scan,
    client: &'static str,
    hooks: Option<&Value>,
    scope: Scope,
    path: &Path,
) {
    let Some(events) = hooks.and_then(Value::as_object) else {
        return;
    };
    for (event, groups) in events {
        for g in groups.as_array().into_iter().flatten() {
            let matcher = g.get("matcher").and_then(Value::as_str).unwrap_or("");
            for h in g
                .get("hooks")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let cmd = h
                    .get("command")
                    .or_else(|| h.get("url"))
                    .or_else(|| h.get("prompt"))
                    .and_then(Value::as_str)
                    .unwrap_or("");
                let words: Vec<String> = cmd.split_whitespace().map(String::from).collect();
                let shown = warden_model::redact_args(&words).join(" ");
                let name = if matcher.is_empty() {
                    event.clone()
                } else {
                    format!("{event}[{matcher}]")
                };
                let detail = format!("{name}: {shown}");
                s.extension(client, ExtensionKind::Hook, name, scope, path, Some(detail));
            }
        }
    }
}

/// Skills, commands and subagents under a `.claude`-shaped directory (also
/// plugin roots and `.agents`).
pub(crate) fn tree(s: &mut Scan, client: &'static str, base: &Path, scope: Scope) {
    for dir in s.list(&base.join("skills")) {
        let skill = dir.join("SKILL.md");
        if skill.is_file() {
            let name = file_name(&dir);
            s.extension(client, ExtensionKind::Skill, name, scope, &skill, None);
        }
    }
    commands(s, client, &base.join("commands"), "", scope, 0);
    for f in super::files_with_ext(s, &base.join("agents"), &["md"]) {
        let name = stem(&f);
        s.extension(client, ExtensionKind::Subagent, name, scope, &f, None);
    }
}

fn commands(s: &mut Scan, client: &'static str, dir: &Path, prefix: &str, scope: Scope, depth: u8) {
    // Subfolders namespace commands (`frontend:test`); bounded against loops.
    if depth > 4 {
        return;
    }
    for p in s.list(dir) {
        if p.is_dir() {
            let ns = format!("{prefix}{}:", file_name(&p));
            commands(s, client, &p, &ns, scope, depth + 1);
        } else if p.extension().is_some_and(|e| e == "md") {
            let name = format!("{prefix}{}", stem(&p));
            s.extension(client, ExtensionKind::Command, name, scope, &p, None);
        }
    }
}

fn instructions(s: &mut Scan, path: &Path, scope: Scope) {
    if path.is_file() {
        let name = file_name(path);
        s.extension(ID, ExtensionKind::Instructions, name, scope, path, None);
    }
}

fn stem(p: &Path) -> String {
    p.file_stem()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Installed plugins (`installed_plugins.json`, v1 map or v2 map of lists).
fn plugins(s: &mut Scan, dir: &Path) {
    let index = dir.join("installed_plugins.json");
    let Some(doc) = s.load(ID, &index) else {
        return;
    };
    let Some(map) = doc.get("plugins").and_then(Value::as_object) else {
        return;
    };
    for (name, installs) in map {
        let list: Vec<&Value> = match installs {
            Value::Array(a) => a.iter().collect(),
            v => vec![v],
        };
        for inst in list {
            let Some(ip) = inst.get("installPath").and_then(Value::as_str) else {
                continue;
            };
            let root = plugin_root(s, dir, ip);
            let version = inst
                .get("version")
                .and_then(Value::as_str)
                .map(String::from);
            s.extension(
                ID,
                ExtensionKind::Plugin,
                name.clone(),
                Scope::User,
                &root,
                version,
            );
            if root.is_dir() {
                let first = s.servers.len();
                plugin(s, &root);
                // A plugin switched off in settings brings no servers up.
                if s.claude.plugins_on.get(name) == Some(&false) {
                    for srv in &mut s.servers[first..] {
                        srv.enabled = false;
                        srv.approved = false;
                    }
                }
            } else {
                s.error(&root, format!("plugin `{name}`: install path not found"));
            }
        }
    }
}

/// The plugin directory; an absolute path from another machine's home is
/// re-rooted under this plugins dir (auditing a copied home).
fn plugin_root(s: &Scan, plugins_dir: &Path, install_path: &str) -> PathBuf {
    let p = PathBuf::from(install_path);
    if p.is_absolute() && p.exists() {
        return p;
    }
    let norm = install_path.replace('\\', "/");
    if let Some(i) = norm.find("/.claude/plugins/") {
        return join(plugins_dir, &norm[i + "/.claude/plugins/".len()..]);
    }
    if p.is_relative() {
        return join(plugins_dir, &norm);
    }
    let _ = s;
    p
}

fn plugin(s: &mut Scan, root: &Path) {
    let manifest = join(root, ".claude-plugin/plugin.json");
    if let Some(doc) = s.load(ID, &manifest) {
        match doc.get("mcpServers") {
            Some(Value::String(rel)) => {
                let f = join(root, rel.trim_start_matches("./"));
                plugin_mcp_file(s, &f);
            }
            Some(m) => {
                s.servers_from(ID, &manifest, m, "mcpServers", Scope::User, None, HTTP);
            }
            None => {}
        }
    }
    plugin_mcp_file(s, &root.join(".mcp.json"));
    tree(s, ID, root, Scope::User);
    let hooks_file = join(root, "hooks/hooks.json");
    if let Some(doc) = s.load(ID, &hooks_file) {
        let h = doc.get("hooks").unwrap_or(&doc);
        hooks(s, ID, Some(h), Scope::User, &hooks_file);
    }
}

fn plugin_mcp_file(s: &mut Scan, f: &Path) {
    if let Some(doc) = s.load(ID, f) {
        let m = doc.get("mcpServers").unwrap_or(&doc);
        s.servers_from(ID, f, m, "mcpServers", Scope::User, None, HTTP);
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
            [
                "/h/.claude.json",
                "/s/etc/claude-code/managed-mcp.json",
                "/s/etc/claude-code/managed-settings.json",
                "/h/.claude/settings.json"
            ]
        );
        assert!(paths(files, Os::MacOs)
            .contains(&"/s/Library/Application Support/ClaudeCode/managed-mcp.json".into()));
        assert!(paths(files, Os::Windows)
            .contains(&"/s/Program Files/ClaudeCode/managed-settings.json".into()));
        let mut d = crate::dirs::test_dirs(Os::Linux);
        d.vars.insert("CLAUDE_CONFIG_DIR".into(), "/c".into());
        assert_eq!(files(&d)[0], PathBuf::from("/c/.claude.json"));
        assert_eq!(config_dir(&d), PathBuf::from("/c"));
    }

    #[test]
    fn scopes_and_project_approval() {
        let t = tempfile::tempdir().unwrap();
        let home = t.path();
        let proj = home.join("p");
        std::fs::create_dir_all(proj.join(".claude")).unwrap();
        std::fs::write(
            home.join(".claude.json"),
            format!(
                r#"{{"mcpServers": {{"u": {{"command": "a"}}}},
                 "projects": {{"{}": {{"mcpServers": {{"l": {{"url": "https://x"}}}}, "disabledMcpServers": ["gone"]}}}}}}"#,
                proj.display()
            ),
        )
        .unwrap();
        std::fs::write(
            proj.join(".mcp.json"),
            r#"{"mcpServers": {"ok": {"command": "x"}, "no": {"command": "y"}, "blocked": {"command": "z"}, "gone": {"command": "g"}}}"#,
        )
        .unwrap();
        std::fs::write(
            proj.join(".claude/settings.local.json"),
            r#"{"enabledMcpjsonServers": ["ok", "blocked", "gone"], "disabledMcpjsonServers": ["blocked"],
               "hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "check --token abcdefghijklmnop"}]}]}}"#,
        )
        .unwrap();
        let mut o = crate::DiscoverOptions::new(home);
        o.system_root = home.join("sys");
        let inv = crate::discover(&o);
        let get = |n: &str| inv.servers.iter().find(|s| s.name == n).unwrap();
        assert_eq!(get("u").scope, Scope::User);
        assert_eq!(get("l").scope, Scope::Local);
        assert_eq!(get("l").transport, warden_model::Transport::Http);
        assert!(get("ok").approved && get("ok").enabled);
        assert!(!get("no").approved && get("no").enabled);
        assert!(!get("blocked").approved && !get("blocked").enabled);
        assert!(!get("gone").enabled);
        let agent = &inv.agents[0];
        let hook = agent
            .extensions
            .iter()
            .find(|e| e.kind == ExtensionKind::Hook)
            .unwrap();
        assert_eq!(hook.name, "PreToolUse[Bash]");
        assert!(!hook.detail.as_ref().unwrap().contains("abcdefghijklmnop"));
        assert_eq!(agent.settings.len(), 1);
    }
}
