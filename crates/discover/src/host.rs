//! Host probes: agents and MCP servers installed or running, whether or not
//! a config mentions them. Agent binaries on `PATH`, global npm and pip
//! packages, editor extensions, and (Linux) `/proc` processes. An MCP server
//! package or process that no config starts becomes a `shadow` server.
//! Nothing found here is executed; files are only listed and read.

use crate::dirs::Dirs;
use crate::read::{file_name, list_dir, read_text, Read};
use crate::{parse, Os, Scan};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use warden_model::{ExtensionKind, Scope, ServerDef, Transport};

/// The known-agents and known-packages table (`data/known.toml`).
pub struct Known {
    pub agents: Vec<KnownAgent>,
    pub mcp_npm: Vec<String>,
    pub mcp_pip: Vec<String>,
    pub prefixes: Vec<String>,
    pub not_servers: Vec<String>,
    pub launchers: Vec<String>,
}

pub struct KnownAgent {
    pub id: String,
    pub name: String,
    pub binaries: Vec<String>,
    pub npm: Vec<String>,
    pub pip: Vec<String>,
    pub extensions: Vec<String>,
}

fn strings(v: &Value, key: &str) -> Vec<String> {
    v.get(key)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_lowercase))
                .collect()
        })
        .unwrap_or_default()
}

pub fn known() -> &'static Known {
    static K: OnceLock<Known> = OnceLock::new();
    K.get_or_init(|| {
        // Shipped with the binary and checked by a test: cannot fail at run time.
        let v = parse::parse_toml(include_str!("../data/known.toml")).unwrap_or_default();
        let agents = v
            .get("agent")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|a| KnownAgent {
                id: a
                    .get("id")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
                name: a
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
                binaries: strings(a, "binaries"),
                npm: strings(a, "npm"),
                pip: strings(a, "pip"),
                extensions: strings(a, "extensions"),
            })
            .collect();
        let m = v.get("mcp").cloned().unwrap_or_default();
        Known {
            agents,
            mcp_npm: strings(&m, "npm"),
            mcp_pip: strings(&m, "pip"),
            prefixes: strings(&m, "prefixes"),
            not_servers: strings(&m, "not_servers"),
            launchers: strings(&m, "launchers"),
        }
    })
}

pub fn probe(s: &mut Scan) {
    let tokens = config_tokens(&s.servers);
    let mut shadows = Shadows {
        configured: tokens,
        seen: BTreeSet::new(),
        found: Vec::new(),
        mapped: Vec::new(),
    };
    path_binaries(s);
    npm_packages(s, &mut shadows);
    pip_packages(s, &mut shadows);
    editor_extensions(s);
    if let Some(proc_root) = s.opts.proc_root.clone() {
        processes(&proc_root, &mut shadows);
    }
    s.servers.extend(shadows.found);
    for (client, evidence) in shadows.mapped {
        s.agent(&client).evidence.push(evidence);
    }
}

// ---------------------------------------------------------------------------
// Names: telling MCP servers apart and matching them to configs.

/// Whether a package or program name is an MCP server's.
pub fn is_mcp_name(raw: &str) -> bool {
    let k = known();
    let n = raw.to_lowercase();
    let pkg = strip_version(&n);
    if k.not_servers.iter().any(|x| *x == pkg) {
        return false;
    }
    k.mcp_npm.iter().chain(&k.mcp_pip).any(|x| *x == pkg)
        || k.prefixes.iter().any(|p| pkg.starts_with(p.as_str()))
        || basename(pkg).contains("mcp")
}

fn basename(s: &str) -> &str {
    s.trim_end_matches(['/', '\\'])
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(s)
}

/// `@scope/pkg@1.2` -> `@scope/pkg`, `pkg==1.0` -> `pkg`.
fn strip_version(s: &str) -> &str {
    let s = s.split("==").next().unwrap_or(s);
    match s.get(1..).and_then(|r| r.find('@')) {
        Some(i) => &s[..i + 1],
        None => s,
    }
}

/// A canonical short name for matching a package, program or argument to
/// another spelling of the same server: `@modelcontextprotocol/server-memory`,
/// `mcp-server-memory` and `.../node_modules/.bin/mcp-server-memory` all
/// give `memory`.
pub fn server_token(raw: &str) -> Option<String> {
    let lower = raw.to_lowercase();
    let mut t = basename(strip_version(&lower)).replace('_', "-");
    for ext in [".js", ".mjs", ".cjs", ".py", ".exe", ".cmd"] {
        if let Some(x) = t.strip_suffix(ext) {
            t = x.to_string();
        }
    }
    for p in ["mcp-server-", "server-", "mcp-"] {
        if let Some(x) = t.strip_prefix(p) {
            t = x.to_string();
            break;
        }
    }
    for suf in ["-mcp-server", "-mcp", "-server"] {
        if let Some(x) = t.strip_suffix(suf) {
            t = x.to_string();
            break;
        }
    }
    (!t.is_empty()).then_some(t)
}

/// The names in a command line that can identify an MCP server: the program,
/// and when it is a launcher (`npx`, `uvx`, `node`...), its non-flag
/// arguments; packages under `node_modules/` by package name.
pub fn candidates(argv: &[String]) -> Vec<String> {
    let Some(first) = argv.first() else {
        return Vec::new();
    };
    let mut out = vec![first.clone()];
    let prog = basename(first).to_lowercase();
    let prog = prog.trim_end_matches(".exe");
    let launcher = known().launchers.iter().any(|l| *l == prog)
        || prog.starts_with("python3")
        || prog.starts_with("node");
    if launcher {
        for a in argv[1..].iter().filter(|a| !a.starts_with('-')).take(4) {
            if let Some(i) = a.rfind("node_modules/") {
                let rest = &a[i + "node_modules/".len()..];
                let mut parts = rest.split('/');
                let pkg = match (parts.next(), parts.next()) {
                    (Some(sc), Some(n)) if sc.starts_with('@') => format!("{sc}/{n}"),
                    (Some(".bin"), Some(n)) => n.to_string(),
                    (Some(n), _) => n.to_string(),
                    _ => continue,
                };
                out.push(pkg);
            } else {
                out.push(a.clone());
            }
        }
    }
    out
}

/// Token -> the configured servers (client, name) it identifies.
fn config_tokens(servers: &[ServerDef]) -> BTreeMap<String, Vec<(String, String)>> {
    let mut map: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for s in servers {
        let mut argv: Vec<String> = s.command.iter().cloned().collect();
        argv.extend(s.args.iter().cloned());
        for c in candidates(&argv) {
            if let Some(t) = server_token(&c) {
                let v = map.entry(t).or_default();
                let who = (s.client.clone(), s.name.clone());
                if !v.contains(&who) {
                    v.push(who);
                }
            }
        }
    }
    map
}

struct Shadows {
    configured: BTreeMap<String, Vec<(String, String)>>,
    /// Tokens already reported, so one server running as several processes
    /// (`npm exec` -> `node`) or installed twice is listed once.
    seen: BTreeSet<String>,
    found: Vec<ServerDef>,
    /// Evidence for agents whose configured server was seen on the host.
    mapped: Vec<(String, String)>,
}

impl Shadows {
    /// Records an MCP server seen on the host (`how`: "running as /proc/1")
    /// against the configs that start it, or as a shadow server if none does.
    fn offer(&mut self, name: &str, how: &str, source: String, argv: Vec<String>) {
        let Some(token) = server_token(name) else {
            return;
        };
        if let Some(who) = self.configured.get(&token) {
            for (client, server) in who {
                self.mapped
                    .push((client.clone(), format!("server `{server}` {how}")));
            }
            return;
        }
        if !self.seen.insert(token) {
            return;
        }
        let mut it = argv.into_iter();
        self.found.push(ServerDef {
            name: name.to_string(),
            client: "unknown".into(),
            scope: Scope::Runtime,
            source,
            project: None,
            transport: Transport::Stdio,
            command: it.next(),
            args: it.collect(),
            url: None,
            cwd: None,
            env: BTreeMap::new(),
            headers: BTreeMap::new(),
            env_keys: Vec::new(),
            header_keys: Vec::new(),
            enabled: true,
            approved: false,
            auto_approve: Vec::new(),
            shadow: true,
        });
    }
}

// ---------------------------------------------------------------------------
// Probes.

fn is_executable(p: &Path) -> bool {
    let Ok(m) = std::fs::metadata(p) else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        m.is_file() && m.permissions().mode() & 0o111 != 0
    }
    #[cfg(not(unix))]
    {
        m.is_file()
    }
}

fn path_binaries(s: &mut Scan) {
    let Some(path) = s.opts.path.clone() else {
        return;
    };
    let dirs: Vec<PathBuf> = std::env::split_paths(&path).collect();
    let exts: &[&str] = if s.dirs.os == Os::Windows {
        &["", ".exe", ".cmd"]
    } else {
        &[""]
    };
    for a in &known().agents {
        'bin: for b in &a.binaries {
            for d in &dirs {
                for e in exts {
                    let p = d.join(format!("{b}{e}"));
                    if is_executable(&p) {
                        let shown = p.display().to_string();
                        let agent = s.agent_named(&a.id, &a.name);
                        agent.evidence.push(format!("binary on PATH: {shown}"));
                        agent.binary.get_or_insert(shown);
                        break 'bin;
                    }
                }
            }
        }
    }
}

/// Global `node_modules` directories for this OS, home and system root.
pub fn npm_dirs(d: &Dirs) -> Vec<PathBuf> {
    let mut v = Vec::new();
    if let Some(p) = d.var("NPM_CONFIG_PREFIX") {
        v.push(p.join("lib").join("node_modules"));
    }
    match d.os {
        Os::Windows => v.push(d.app_data().join("npm").join("node_modules")),
        _ => {
            for sys in [
                "usr/lib/node_modules",
                "usr/local/lib/node_modules",
                "opt/homebrew/lib/node_modules",
            ] {
                v.push(d.system(sys, sys, sys));
            }
            v.push(
                d.home()
                    .join(".npm-global")
                    .join("lib")
                    .join("node_modules"),
            );
            let nvm = d.home().join(".nvm").join("versions").join("node");
            for n in list_dir(&nvm).unwrap_or_default() {
                v.push(n.join("lib").join("node_modules"));
            }
        }
    }
    v
}

fn npm_packages(s: &mut Scan, shadows: &mut Shadows) {
    for dir in npm_dirs(&s.dirs) {
        let mut pkgs = Vec::new();
        for p in list_dir(&dir).unwrap_or_default() {
            let n = file_name(&p);
            if n.starts_with('@') {
                for q in list_dir(&p).unwrap_or_default() {
                    let m = file_name(&q);
                    pkgs.push((format!("{n}/{m}"), q));
                }
            } else if !n.starts_with('.') {
                pkgs.push((n, p));
            }
        }
        for (name, p) in pkgs {
            let manifest = match read_text(&p.join("package.json")) {
                Read::Text(t) => parse::parse_jsonc(&t).unwrap_or_default(),
                _ => Value::Null,
            };
            let version = manifest
                .get("version")
                .and_then(Value::as_str)
                .map(String::from);
            let lname = name.to_lowercase();
            let owners = known().agents.iter().filter(|a| a.npm.contains(&lname));
            package_evidence(s, owners, &format!("npm package {name}"), &dir, &version);
            if is_mcp_name(&name) {
                let bin = match manifest.get("bin") {
                    Some(Value::String(_)) => Some(basename(&name).to_string()),
                    Some(Value::Object(m)) => m.keys().next().cloned(),
                    _ => None,
                };
                let argv = vec![bin.unwrap_or_else(|| name.clone())];
                let how = format!("installed as npm package {name}");
                shadows.offer(&name, &how, p.display().to_string(), argv);
            }
        }
    }
}

/// Records a global package (`what`, e.g. `npm package x`, found in `dir`) as
/// evidence for the agents it belongs to; its version when none is known yet.
fn package_evidence<'k>(
    s: &mut Scan,
    owners: impl Iterator<Item = &'k KnownAgent>,
    what: &str,
    dir: &Path,
    version: &Option<String>,
) {
    for a in owners {
        let agent = s.agent_named(&a.id, &a.name);
        agent.evidence.push(format!("{what} in {}", dir.display()));
        if agent.version.is_none() {
            agent.version = version.clone();
        }
    }
}

/// `site-packages` directories: system, user, pipx and uv tool venvs.
pub fn pip_dirs(d: &Dirs) -> Vec<PathBuf> {
    fn pythons(lib: &Path, out: &mut Vec<PathBuf>) {
        for p in list_dir(lib).unwrap_or_default() {
            let n = file_name(&p);
            if n.starts_with("python3") {
                out.push(p.join("site-packages"));
                out.push(p.join("dist-packages"));
            }
        }
    }
    let mut v = Vec::new();
    match d.os {
        Os::Windows => {
            for p in list_dir(&d.app_data().join("Python")).unwrap_or_default() {
                v.push(p.join("site-packages"));
            }
        }
        _ => {
            for sys in ["usr/lib", "usr/local/lib", "opt/homebrew/lib"] {
                pythons(&d.system(sys, sys, sys), &mut v);
            }
            pythons(&d.home().join(".local").join("lib"), &mut v);
            for venvs in [".local/share/pipx/venvs", ".local/share/uv/tools"] {
                for venv in list_dir(&crate::dirs::join(d.home(), venvs)).unwrap_or_default() {
                    pythons(&venv.join("lib"), &mut v);
                }
            }
            if d.os == Os::MacOs {
                for p in list_dir(&d.home().join("Library").join("Python")).unwrap_or_default() {
                    v.push(p.join("lib").join("python").join("site-packages"));
                }
            }
        }
    }
    v
}

fn pip_packages(s: &mut Scan, shadows: &mut Shadows) {
    for dir in pip_dirs(&s.dirs) {
        for p in list_dir(&dir).unwrap_or_default() {
            let n = file_name(&p);
            let Some(stem) = n.strip_suffix(".dist-info") else {
                continue;
            };
            // `name-version`; names use `_` for `-` in dist-info dirs.
            let (name, version) = match stem.rsplit_once('-') {
                Some((a, b)) => (a.replace('_', "-").to_lowercase(), Some(b.to_string())),
                None => (stem.replace('_', "-").to_lowercase(), None),
            };
            let owners = known().agents.iter().filter(|a| a.pip.contains(&name));
            package_evidence(s, owners, &format!("pip package {name}"), &dir, &version);
            if is_mcp_name(&name) {
                let how = format!("installed as pip package {name}");
                shadows.offer(&name, &how, p.display().to_string(), vec![name.clone()]);
            }
        }
    }
}

/// Editor extension dirs: `(editor, dir)`.
pub fn extension_dirs(d: &Dirs) -> Vec<(&'static str, PathBuf)> {
    [
        ("vscode", ".vscode"),
        ("vscode-insiders", ".vscode-insiders"),
        ("vscodium", ".vscode-oss"),
        ("cursor", ".cursor"),
        ("windsurf", ".windsurf"),
        ("kiro", ".kiro"),
    ]
    .into_iter()
    .map(|(e, dir)| (e, d.home().join(dir).join("extensions")))
    .collect()
}

/// `publisher.name-1.2.3[-platform]` -> (`publisher.name`, `1.2.3`).
pub fn extension_id(dir_name: &str) -> (String, Option<String>) {
    let lower = dir_name.to_lowercase();
    let bytes = lower.as_bytes();
    for (i, c) in lower.char_indices() {
        if c == '-' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
            let version = lower[i + 1..].split('-').next().map(String::from);
            return (lower[..i].to_string(), version);
        }
    }
    (lower, None)
}

fn editor_extensions(s: &mut Scan) {
    for (editor, dir) in extension_dirs(&s.dirs) {
        for p in list_dir(&dir).unwrap_or_default() {
            let n = file_name(&p);
            let (id, version) = extension_id(&n);
            for a in known().agents.iter().filter(|a| a.extensions.contains(&id)) {
                let detail = format!("{editor} extension {}", version.as_deref().unwrap_or("?"));
                s.agent_named(&a.id, &a.name)
                    .evidence
                    .push(format!("{editor} extension {id}"));
                s.extension(
                    &a.id,
                    ExtensionKind::EditorExtension,
                    id.clone(),
                    Scope::User,
                    &p,
                    Some(detail),
                );
            }
        }
    }
}

/// Command lines are capped: real ones are short, and `/proc` is untrusted.
const MAX_CMDLINE: usize = 64 * 1024;

fn processes(proc_root: &Path, shadows: &mut Shadows) {
    let me = std::process::id().to_string();
    let Ok(entries) = list_dir(proc_root) else {
        return;
    };
    for p in entries {
        let pid = file_name(&p);
        if pid == me || !pid.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        // Processes come and go, and others' may be unreadable: skip quietly.
        let Ok(raw) = std::fs::read(p.join("cmdline")) else {
            continue;
        };
        let raw = &raw[..raw.len().min(MAX_CMDLINE)];
        let argv: Vec<String> = raw
            .split(|b| *b == 0)
            .filter(|a| !a.is_empty())
            .map(|a| String::from_utf8_lossy(a).into_owned())
            .collect();
        let Some(name) = candidates(&argv).into_iter().find(|c| is_mcp_name(c)) else {
            continue;
        };
        let shown = basename(strip_version(&name)).to_string();
        let how = format!("running as {}", p.display());
        shadows.offer(&shown, &how, p.display().to_string(), argv);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_table_parses() {
        let k = known();
        assert!(k.agents.len() >= 15);
        assert!(k
            .agents
            .iter()
            .all(|a| !a.id.is_empty() && !a.name.is_empty()));
        assert!(k.launchers.contains(&"npx".to_string()));
    }

    #[test]
    fn tokens_match_spellings_of_one_server() {
        let t = |s: &str| server_token(s).unwrap();
        assert_eq!(t("@modelcontextprotocol/server-memory"), "memory");
        assert_eq!(t("@modelcontextprotocol/server-memory@2025.1.0"), "memory");
        assert_eq!(t("/x/node_modules/.bin/mcp-server-memory"), "memory");
        assert_eq!(t("mcp_server_time"), "time");
        assert_eq!(t("mcp-server-time==0.6"), "time");
        assert_eq!(t("tavily-mcp"), "tavily");
        assert_eq!(t("@upstash/context7-mcp@latest"), "context7");
    }

    #[test]
    fn mcp_names_and_candidates() {
        assert!(is_mcp_name("@modelcontextprotocol/server-github"));
        assert!(is_mcp_name("mcp-server-time"));
        assert!(is_mcp_name("@playwright/mcp@latest"));
        assert!(!is_mcp_name("@modelcontextprotocol/sdk"));
        assert!(!is_mcp_name("typescript"));
        let argv: Vec<String> = [
            "node",
            "--enable-source-maps",
            "/usr/lib/node_modules/@modelcontextprotocol/server-everything/dist/index.js",
            "stdio",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let c = candidates(&argv);
        assert!(
            c.contains(&"@modelcontextprotocol/server-everything".to_string()),
            "{c:?}"
        );
        // A non-launcher's arguments are not server names (`vim mcp-notes.md`).
        let argv: Vec<String> = ["vim", "mcp-notes.md"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(candidates(&argv), ["vim"]);
    }

    #[test]
    fn extension_ids() {
        assert_eq!(
            extension_id("saoudrizwan.claude-dev-3.17.0"),
            ("saoudrizwan.claude-dev".into(), Some("3.17.0".into()))
        );
        assert_eq!(
            extension_id("continue.continue-1.0.5-linux-x64").0,
            "continue.continue"
        );
        assert_eq!(extension_id("ms-python.python").1, None);
    }

    #[test]
    fn per_os_probe_dirs() {
        let l = crate::dirs::test_dirs(Os::Linux);
        assert!(npm_dirs(&l).contains(&PathBuf::from("/s/usr/lib/node_modules")));
        assert!(npm_dirs(&l).contains(&PathBuf::from("/h/.npm-global/lib/node_modules")));
        let w = crate::dirs::test_dirs(Os::Windows);
        assert_eq!(
            npm_dirs(&w),
            [PathBuf::from("/h/AppData/Roaming/npm/node_modules")]
        );
        assert_eq!(
            extension_dirs(&l)[0].1,
            PathBuf::from("/h/.vscode/extensions")
        );
    }
}
