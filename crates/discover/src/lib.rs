//! Discovery: finds every AI agent and MCP server configured on a machine.
//!
//! One module per client under [`clients`] knows where that client's files
//! live on each OS and which keys hold servers; shared readers and the one
//! entry parser live in `read`, `parse` and `entry`. [`discover`] never
//! panics and never stops on a bad file: every problem becomes a
//! [`ConfigError`] and the scan goes on.

pub mod clients;
pub mod dirs;
pub mod entry;
pub mod host;
pub mod parse;
pub mod projects;
pub mod read;

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::ffi::OsString;
use std::ops::Range;
use std::path::{Path, PathBuf};
use warden_model::{
    Agent, ConfigError, Extension, ExtensionKind, Inventory, Scope, ServerDef, SettingsFile,
};

pub use dirs::Dirs;
pub use parse::Format;

/// Which OS's file layout to look for. Defaults to the running OS; tests set
/// it to check every OS's paths on one machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Os {
    Linux,
    MacOs,
    Windows,
}

impl Os {
    pub fn current() -> Os {
        if cfg!(target_os = "macos") {
            Os::MacOs
        } else if cfg!(windows) {
            Os::Windows
        } else {
            Os::Linux
        }
    }
}

/// What to scan.
#[derive(Debug, Clone)]
pub struct DiscoverOptions {
    /// Home directory every client path is relative to.
    pub home: PathBuf,
    /// Root that system-wide paths (`/etc`, `/Library`, `ProgramData`) hang off.
    pub system_root: PathBuf,
    /// Folders walked for project-scope configs.
    pub roots: Vec<PathBuf>,
    pub os: Os,
    /// Environment variables clients honour (`CLAUDE_CONFIG_DIR`,
    /// `CODEX_HOME`, `XDG_CONFIG_HOME`, `APPDATA`, ...). Empty for tests.
    pub vars: BTreeMap<String, String>,
    /// Look at the host beyond config files: agent binaries on `path`,
    /// global npm/pip packages, editor extensions, running processes.
    pub host_probes: bool,
    /// The `PATH` searched for agent binaries (host probes only).
    pub path: Option<OsString>,
    /// Where `/proc` is (host probes on Linux only); `None` skips processes.
    pub proc_root: Option<PathBuf>,
}

impl DiscoverOptions {
    /// Options for this machine and user: real home, `/`, current OS, the
    /// relevant environment variables, host probes on.
    pub fn for_this_machine() -> DiscoverOptions {
        let home = std::env::var_os("HOME")
            .or_else(|| std::env::var_os("USERPROFILE"))
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("/"));
        let mut o = DiscoverOptions::new(home);
        o.vars = CLIENT_VARS
            .iter()
            .filter_map(|k| std::env::var(k).ok().map(|v| (k.to_string(), v)))
            .collect();
        o.host_probes = true;
        o.path = std::env::var_os("PATH");
        if o.os == Os::Linux {
            o.proc_root = Some(PathBuf::from("/proc"));
        }
        o
    }

    /// Options for `home` alone: system root `/`, current OS, no
    /// environment, no host probes (deterministic; set fields to widen).
    pub fn new(home: impl Into<PathBuf>) -> DiscoverOptions {
        DiscoverOptions {
            home: home.into(),
            system_root: PathBuf::from("/"),
            roots: Vec::new(),
            os: Os::current(),
            vars: BTreeMap::new(),
            host_probes: false,
            path: None,
            proc_root: None,
        }
    }
}

/// Environment variables that relocate client config.
pub const CLIENT_VARS: &[&str] = &[
    "CLAUDE_CONFIG_DIR",
    "CODEX_HOME",
    "XDG_CONFIG_HOME",
    "APPDATA",
    "LOCALAPPDATA",
    "VSCODE_PORTABLE",
    "NPM_CONFIG_PREFIX",
];

/// Scans configs (and, if enabled, the host) and returns everything found.
pub fn discover(opts: &DiscoverOptions) -> Inventory {
    let mut s = Scan::new(opts);
    for c in clients::ALL {
        (c.user)(&mut s);
    }
    projects::editor_workspaces(&mut s);
    for root in &opts.roots {
        let root = std::path::absolute(root).unwrap_or_else(|_| root.clone());
        let (found, errors) = projects::walk(&root);
        s.errors.extend(errors);
        s.projects.extend(found);
    }
    let home = s.dirs.home.clone();
    let projects: Vec<PathBuf> = std::mem::take(&mut s.projects)
        .into_iter()
        .filter(|p| *p != home)
        .collect();
    for p in &projects {
        for c in clients::ALL {
            (c.project)(&mut s, p);
        }
    }
    if opts.host_probes {
        host::probe(&mut s);
    }
    s.finish()
}

/// The state of one scan, shared by client modules.
pub struct Scan<'a> {
    pub opts: &'a DiscoverOptions,
    pub dirs: Dirs,
    pub servers: Vec<ServerDef>,
    pub errors: Vec<ConfigError>,
    pub agents: BTreeMap<String, Agent>,
    /// Project directories to scan (from roots and from clients' records).
    pub projects: BTreeSet<PathBuf>,
    /// Project dirs a client marks trusted (Codex `trust_level`, Gemini
    /// trusted folders): their project servers count as approved.
    pub trusted: BTreeMap<&'static str, BTreeSet<PathBuf>>,
    /// Claude Code's MCP approvals, gathered from user and managed settings.
    pub claude: clients::claude_code::State,
    read: HashSet<PathBuf>,
}

impl<'a> Scan<'a> {
    pub fn new(opts: &'a DiscoverOptions) -> Scan<'a> {
        let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
        Scan {
            opts,
            dirs: Dirs {
                os: opts.os,
                home: abs(&opts.home),
                system_root: abs(&opts.system_root),
                vars: opts.vars.clone(),
            },
            servers: Vec::new(),
            errors: Vec::new(),
            agents: BTreeMap::new(),
            projects: BTreeSet::new(),
            trusted: BTreeMap::new(),
            claude: Default::default(),
            read: HashSet::new(),
        }
    }

    pub fn error(&mut self, path: &Path, message: impl Into<String>) {
        // One line per error, whatever a parser's message looked like.
        let message = message
            .into()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        self.errors.push(ConfigError {
            path: path.display().to_string(),
            message,
        });
    }

    /// The agent record for a client id, created on first use.
    pub fn agent(&mut self, id: &str) -> &mut Agent {
        let name = clients::display_name(id).to_string();
        self.agent_named(id, &name)
    }

    /// The agent record for an id that may not be a config client (host probes).
    pub fn agent_named(&mut self, id: &str, name: &str) -> &mut Agent {
        self.agents.entry(id.to_string()).or_insert_with(|| Agent {
            id: id.to_string(),
            name: name.to_string(),
            binary: None,
            version: None,
            evidence: Vec::new(),
            config_files: Vec::new(),
            settings: Vec::new(),
            extensions: Vec::new(),
            shadow: false,
        })
    }

    /// Reads and parses a config file of `client` (format from its name).
    /// `None` when missing, already read, or broken (broken files are errors).
    pub fn load(&mut self, client: &'static str, path: &Path) -> Option<Value> {
        self.load_as(client, path, Format::from_path(path))
    }

    pub fn load_as(&mut self, client: &'static str, path: &Path, format: Format) -> Option<Value> {
        if !self.read.insert(path.to_path_buf()) {
            return None;
        }
        let text = match read::read_text(path) {
            read::Read::Missing => return None,
            read::Read::Failed(m) => {
                self.note_config(client, path);
                self.error(path, m);
                return None;
            }
            read::Read::Text(t) => t,
        };
        self.note_config(client, path);
        match parse::parse(&text, format) {
            Ok(v) if v.is_object() => Some(v),
            Ok(_) => {
                self.error(path, "top level is not an object (no settings read)");
                None
            }
            Err(m) => {
                self.error(path, m);
                None
            }
        }
    }

    fn note_config(&mut self, client: &'static str, path: &Path) {
        let p = path.display().to_string();
        let a = self.agent(client);
        if !a.config_files.contains(&p) {
            a.config_files.push(p);
        }
    }

    /// Adds the servers of the map found at `key` (a dotted path) in a parsed
    /// file. Returns the index range of what was added, for callers that
    /// revise approval.
    #[allow(clippy::too_many_arguments)]
    pub fn servers_at(
        &mut self,
        client: &'static str,
        source: &Path,
        doc: &Value,
        key: &str,
        scope: Scope,
        project: Option<&Path>,
        dialect: entry::Dialect,
    ) -> Range<usize> {
        let map = key.split('.').try_fold(doc, |v, k| v.get(k));
        match map {
            Some(m) => self.servers_from(client, source, m, key, scope, project, dialect),
            None => self.servers.len()..self.servers.len(),
        }
    }

    /// Adds the servers of a map (or list) value.
    #[allow(clippy::too_many_arguments)]
    pub fn servers_from(
        &mut self,
        client: &'static str,
        source: &Path,
        map: &Value,
        label: &str,
        scope: Scope,
        project: Option<&Path>,
        dialect: entry::Dialect,
    ) -> Range<usize> {
        let origin = entry::Origin {
            client,
            scope,
            source: source.display().to_string(),
            project: project.map(|p| p.display().to_string()),
        };
        let mut errs = Vec::new();
        let found = entry::parse_list(map, label, &origin, dialect, &mut errs);
        for e in errs {
            self.error(source, e);
        }
        let start = self.servers.len();
        self.servers.extend(found);
        start..self.servers.len()
    }

    /// Entries of a directory; a listing failure is recorded as an error.
    pub fn list(&mut self, dir: &Path) -> Vec<PathBuf> {
        match read::list_dir(dir) {
            Ok(v) => v,
            Err(m) => {
                self.error(dir, m);
                Vec::new()
            }
        }
    }

    pub fn extension(
        &mut self,
        client: &str,
        kind: ExtensionKind,
        name: impl Into<String>,
        scope: Scope,
        path: &Path,
        detail: Option<String>,
    ) {
        self.agent(client).extensions.push(Extension {
            kind,
            name: name.into(),
            scope,
            path: path.display().to_string(),
            detail,
        });
    }

    pub fn settings(&mut self, client: &'static str, scope: Scope, path: &Path, raw: Value) {
        self.agent(client).settings.push(SettingsFile {
            scope,
            path: path.display().to_string(),
            raw,
        });
    }

    /// A project path a client recorded (`~/.claude.json` `projects` keys,
    /// Codex `[projects."<path>"]`). Returns the directory to scan: the path
    /// itself, or, when auditing a copied home (`--home`), the same path
    /// re-rooted under that home (`/home/<user>/x` -> `<home>/x`).
    pub fn record_project(&mut self, recorded: &str) -> Option<PathBuf> {
        let dir = self.resolve_recorded(recorded)?;
        self.projects.insert(dir.clone());
        Some(dir)
    }

    pub fn resolve_recorded(&self, recorded: &str) -> Option<PathBuf> {
        let p = PathBuf::from(recorded);
        if p.is_absolute() && p.is_dir() {
            return Some(p);
        }
        let parts: Vec<&str> = recorded
            .split(['/', '\\'])
            .filter(|c| !c.is_empty())
            .collect();
        let at = parts
            .iter()
            .position(|c| c.eq_ignore_ascii_case("home") || *c == "Users")?;
        let rest = parts.get(at + 2..)?;
        if rest.is_empty() {
            return None;
        }
        let q = rest.iter().fold(self.dirs.home.clone(), |p, c| p.join(c));
        q.is_dir().then_some(q)
    }

    fn finish(mut self) -> Inventory {
        self.servers.sort_by(|a, b| {
            (&a.client, a.scope, &a.project, &a.name, &a.source)
                .cmp(&(&b.client, b.scope, &b.project, &b.name, &b.source))
        });
        self.errors
            .sort_by(|a, b| (&a.path, &a.message).cmp(&(&b.path, &b.message)));
        self.errors.dedup();
        let mut agents: Vec<Agent> = std::mem::take(&mut self.agents).into_values().collect();
        for a in &mut agents {
            a.shadow = a.config_files.is_empty();
            a.extensions
                .sort_by(|x, y| (x.kind, &x.name, &x.path).cmp(&(y.kind, &y.name, &y.path)));
            a.evidence.sort();
            a.evidence.dedup();
        }
        Inventory {
            agents,
            servers: self.servers,
            errors: self.errors,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recorded_projects_are_rerooted_under_an_audited_home() {
        let t = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(t.path().join("code/app")).unwrap();
        let o = DiscoverOptions::new(t.path());
        let s = Scan::new(&o);
        assert_eq!(
            s.resolve_recorded("/home/dev/code/app"),
            Some(t.path().join("code/app"))
        );
        assert_eq!(
            s.resolve_recorded("C:\\Users\\dev\\code\\app"),
            Some(t.path().join("code/app"))
        );
        assert_eq!(s.resolve_recorded("/home/dev/missing"), None);
        assert_eq!(s.resolve_recorded("/home/dev"), None);
    }

    /// The same clients found in each OS's own layout, end to end.
    #[test]
    fn each_os_layout_end_to_end() {
        let layouts = [
            (
                Os::MacOs,
                "Library/Application Support/Claude/claude_desktop_config.json",
                "Library/Application Support/Code/User/mcp.json",
                "Library/Application Support/ClaudeCode/managed-mcp.json",
            ),
            (
                Os::Windows,
                "AppData/Roaming/Claude/claude_desktop_config.json",
                "AppData/Roaming/Code/User/mcp.json",
                "Program Files/ClaudeCode/managed-mcp.json",
            ),
            (
                Os::Linux,
                ".config/Claude/claude_desktop_config.json",
                ".config/Code/User/mcp.json",
                "etc/claude-code/managed-mcp.json",
            ),
        ];
        for (os, desktop, vscode, managed) in layouts {
            let t = tempfile::tempdir().unwrap();
            let home = t.path().join("home");
            let sys = t.path().join("sys");
            for (base, rel, key) in [
                (&home, desktop, "mcpServers"),
                (&home, vscode, "servers"),
                (&sys, managed, "mcpServers"),
            ] {
                let f = dirs::join(base, rel);
                std::fs::create_dir_all(f.parent().unwrap()).unwrap();
                std::fs::write(&f, format!(r#"{{"{key}": {{"s": {{"command": "x"}}}}}}"#)).unwrap();
            }
            let mut o = DiscoverOptions::new(&home);
            o.system_root = sys;
            o.os = os;
            let inv = discover(&o);
            let got: Vec<(&str, Scope)> = inv
                .servers
                .iter()
                .map(|s| (s.client.as_str(), s.scope))
                .collect();
            assert_eq!(
                got,
                [
                    ("claude-code", Scope::Managed),
                    ("claude-desktop", Scope::User),
                    ("vscode", Scope::User)
                ],
                "{os:?}: {:?}",
                inv.errors
            );
        }
    }

    #[test]
    fn empty_home_finds_nothing_and_does_not_fail() {
        let t = tempfile::tempdir().unwrap();
        let mut o = DiscoverOptions::new(t.path());
        o.system_root = t.path().to_path_buf();
        let inv = discover(&o);
        assert!(inv.servers.is_empty() && inv.errors.is_empty() && inv.agents.is_empty());
    }
}
