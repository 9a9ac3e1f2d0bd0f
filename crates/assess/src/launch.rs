//! What a server's launch command runs: a registry package (npm, PyPI, OCI
//! image), a local script or binary, or a remote URL. Parsed from the
//! configured command and args only; nothing is executed.

use crate::intel::Ecosystem;
use warden_model::ServerDef;

/// A package a launcher fetches and runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    pub ecosystem: Ecosystem,
    /// Name without version (`@scope/name`, `mcp-server-git`, `ghcr.io/org/img`).
    pub name: String,
    /// The version or tag as written (`1.2.3`, `latest`, `^1`), if any.
    pub version: Option<String>,
    /// Image digest (`sha256:...`), OCI only.
    pub digest: Option<String>,
    /// The launcher (`npx`, `uvx`, `pipx`, `docker`, ...).
    pub launcher: String,
    /// `npx -y` / `--yes`: installs without asking.
    pub auto_install: bool,
    /// Spec points outside the registry: git URL, tarball, custom index.
    pub off_registry: Option<String>,
}

impl Package {
    /// Exact, immutable version: semver for npm, `==` for PyPI, digest for OCI.
    pub fn is_pinned(&self) -> bool {
        match self.ecosystem {
            Ecosystem::Oci => self.digest.is_some(),
            _ => self.version.as_deref().is_some_and(is_exact_version),
        }
    }

    /// Package URL (purl) for SBOMs.
    pub fn purl(&self) -> String {
        match self.ecosystem {
            Ecosystem::Npm => {
                let name = self.name.replace('@', "%40");
                match &self.version {
                    Some(v) => format!("pkg:npm/{name}@{v}"),
                    None => format!("pkg:npm/{name}"),
                }
            }
            Ecosystem::Pypi => {
                let name = self.name.to_ascii_lowercase().replace('_', "-");
                match &self.version {
                    Some(v) => format!("pkg:pypi/{name}@{v}"),
                    None => format!("pkg:pypi/{name}"),
                }
            }
            Ecosystem::Oci => {
                // pkg:oci/<last path segment>@<digest>?repository_url=<rest>
                let last = self.name.rsplit('/').next().unwrap_or(&self.name);
                let mut s = format!("pkg:oci/{last}");
                if let Some(d) = &self.digest {
                    s.push('@');
                    s.push_str(&d.replace(':', "%3A"));
                }
                let mut q = vec![format!("repository_url={}", self.name)];
                if let Some(t) = &self.version {
                    q.push(format!("tag={t}"));
                }
                s.push('?');
                s.push_str(&q.join("&"));
                s
            }
        }
    }

    /// `name@version` as shown to people.
    pub fn spec(&self) -> String {
        match (&self.version, &self.digest) {
            (_, Some(d)) => format!("{}@{d}", self.name),
            (Some(v), None) if self.ecosystem == Ecosystem::Oci => format!("{}:{v}", self.name),
            (Some(v), None) => format!("{}@{v}", self.name),
            (None, None) => self.name.clone(),
        }
    }
}

/// `1.2.3`, `1.2.3-beta.1`: an exact semver-like version.
pub fn is_exact_version(v: &str) -> bool {
    let core = v.split(['-', '+']).next().unwrap_or("");
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() >= 2
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
}

/// What a server runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Launch {
    Package(Package),
    /// An interpreter running a local file (`node /x/server.js`) or a binary
    /// by path (`/opt/tools/mcp`).
    Local {
        program: String,
        path: String,
    },
    /// A command found on PATH by name (`mcp-server-foo`): origin unknown.
    OnPath {
        command: String,
    },
    Remote {
        url: String,
    },
    Unknown,
}

fn base(cmd: &str) -> String {
    let b = cmd.rsplit(['/', '\\']).next().unwrap_or(cmd);
    b.trim_end_matches(".exe")
        .trim_end_matches(".cmd")
        .to_ascii_lowercase()
}

const INTERPRETERS: &[&str] = &[
    "node", "python", "python3", "deno", "bun", "sh", "bash", "zsh", "ruby", "perl", "php", "java",
    "dotnet", "go",
];

/// Parse a server definition's launch.
pub fn launch(s: &ServerDef) -> Launch {
    let Some(cmd) = s.command.as_deref().filter(|c| !c.trim().is_empty()) else {
        return match &s.url {
            Some(u) => Launch::Remote { url: u.clone() },
            None => Launch::Unknown,
        };
    };
    // A whole command line in `command` (some clients allow it): split on spaces.
    let mut words: Vec<String> = Vec::new();
    if s.args.is_empty() && cmd.contains(' ') {
        words.extend(cmd.split_whitespace().map(str::to_string));
    } else {
        words.push(cmd.to_string());
        words.extend(s.args.iter().cloned());
    }
    parse_words(&words)
}

fn parse_words(words: &[String]) -> Launch {
    let Some(first) = words.first() else {
        return Launch::Unknown;
    };
    let b = base(first);
    let rest = &words[1..];
    match b.as_str() {
        "npx" | "bunx" => npm(&b, rest),
        "pnpm" | "yarn" if rest.first().is_some_and(|a| a == "dlx") => npm(&b, &rest[1..]),
        "npm" if rest.first().is_some_and(|a| a == "exec" || a == "x") => npm(&b, &rest[1..]),
        "uvx" => pypi("uvx", rest),
        "uv" if rest.len() >= 2 && rest[0] == "tool" && rest[1] == "run" => pypi("uvx", &rest[2..]),
        "pipx" if rest.first().is_some_and(|a| a == "run") => pypi("pipx", &rest[1..]),
        "docker" | "podman" if rest.first().is_some_and(|a| a == "run") => oci(&b, &rest[1..]),
        "cmd" if rest.len() >= 2 && rest[0].eq_ignore_ascii_case("/c") => parse_words(&rest[1..]),
        _ if INTERPRETERS.contains(&b.as_str()) => {
            match rest.iter().find(|a| !a.starts_with('-')) {
                Some(p) => Launch::Local {
                    program: b,
                    path: p.clone(),
                },
                None => Launch::OnPath {
                    command: first.clone(),
                },
            }
        }
        _ if first.contains('/') || first.contains('\\') => Launch::Local {
            program: b,
            path: first.clone(),
        },
        _ => Launch::OnPath {
            command: first.clone(),
        },
    }
}

fn off_registry_spec(spec: &str) -> bool {
    spec.contains("://")
        || spec.starts_with("git+")
        || spec.starts_with("github:")
        || spec.starts_with("gitlab:")
        || spec.starts_with("file:")
        || spec.ends_with(".tgz")
        || spec.ends_with(".tar.gz")
        || spec.ends_with(".whl")
        || spec.starts_with('.')
        || spec.starts_with('/')
}

fn npm(launcher: &str, args: &[String]) -> Launch {
    let mut auto = false;
    let mut explicit: Option<String> = None;
    let mut registry: Option<String> = None;
    let mut spec: Option<String> = None;
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        match a.as_str() {
            "-y" | "--yes" => auto = true,
            "-p" | "--package" => {
                explicit = args.get(i + 1).cloned();
                i += 1;
            }
            "--registry" => {
                registry = args.get(i + 1).cloned();
                i += 1;
            }
            "--" => {}
            _ if a.starts_with("--package=") => explicit = Some(a["--package=".len()..].into()),
            _ if a.starts_with("--registry=") => registry = Some(a["--registry=".len()..].into()),
            _ if a.starts_with('-') => {}
            _ => {
                spec = Some(a.clone());
                break;
            }
        }
        i += 1;
    }
    let Some(spec) = explicit.or(spec) else {
        return Launch::Unknown;
    };
    let off = if off_registry_spec(&spec) {
        Some(spec.clone())
    } else {
        registry.filter(|r| !r.contains("registry.npmjs.org"))
    };
    // `@scope/name@1.2.3`: the version `@` is the last one after position 0.
    let (name, version) = match spec[1..].rfind('@') {
        Some(i) if !off_registry_spec(&spec) => {
            (spec[..i + 1].to_string(), Some(spec[i + 2..].to_string()))
        }
        _ => (spec.clone(), None),
    };
    Launch::Package(Package {
        ecosystem: Ecosystem::Npm,
        name,
        version: version.filter(|v| !v.is_empty()),
        digest: None,
        launcher: launcher.into(),
        auto_install: auto,
        off_registry: off,
    })
}

fn pypi(launcher: &str, args: &[String]) -> Launch {
    let mut from: Option<String> = None;
    let mut index: Option<String> = None;
    let mut spec: Option<String> = None;
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        match a.as_str() {
            "--from" | "--spec" => {
                from = args.get(i + 1).cloned();
                i += 1;
            }
            "--index-url" | "-i" | "--index" | "--extra-index-url" | "--default-index" => {
                index = args.get(i + 1).cloned();
                i += 1;
            }
            "--with" | "--python" | "-p" | "--with-requirements" => i += 1,
            _ if a.starts_with("--from=") => from = Some(a["--from=".len()..].into()),
            _ if a.starts_with("--index-url=") || a.starts_with("--extra-index-url=") => {
                index = a.split_once('=').map(|(_, v)| v.to_string())
            }
            _ if a.starts_with('-') => {}
            _ => {
                spec = Some(a.clone());
                break;
            }
        }
        i += 1;
    }
    let Some(spec) = from.or(spec) else {
        return Launch::Unknown;
    };
    let off = if off_registry_spec(&spec) {
        Some(spec.clone())
    } else {
        index.filter(|r| !r.contains("pypi.org"))
    };
    let (name, version) = if off_registry_spec(&spec) {
        (spec.clone(), None)
    } else if let Some((n, v)) = spec.split_once("==") {
        (n.to_string(), Some(v.to_string()))
    } else if let Some((n, v)) = spec.split_once('@') {
        // uvx's `name@version` form
        (n.trim().to_string(), Some(v.trim().to_string()))
    } else if let Some(i) = spec.find(['>', '<', '~', '=', '!']) {
        (spec[..i].to_string(), Some(spec[i..].to_string()))
    } else {
        (spec.clone(), None)
    };
    // `[extras]` are not part of the name.
    let name = name.split('[').next().unwrap_or(&name).to_string();
    Launch::Package(Package {
        ecosystem: Ecosystem::Pypi,
        name,
        version: version.filter(|v| !v.is_empty()),
        digest: None,
        launcher: launcher.into(),
        auto_install: true,
        off_registry: off,
    })
}

/// docker flags that take a value as the next word.
const DOCKER_VALUE_FLAGS: &[&str] = &[
    "-e",
    "--env",
    "-v",
    "--volume",
    "--name",
    "--network",
    "--net",
    "-p",
    "--publish",
    "--mount",
    "--env-file",
    "-w",
    "--workdir",
    "-u",
    "--user",
    "--entrypoint",
    "-l",
    "--label",
    "--platform",
    "--pull",
    "-h",
    "--hostname",
    "--cap-add",
    "--cap-drop",
    "--security-opt",
    "--memory",
    "-m",
    "--cpus",
    "--add-host",
    "--device",
    "--tmpfs",
];

fn oci(launcher: &str, args: &[String]) -> Launch {
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if DOCKER_VALUE_FLAGS.contains(&a.as_str()) {
            i += 2;
            continue;
        }
        if a.starts_with('-') {
            i += 1;
            continue;
        }
        let (rest, digest) = match a.split_once('@') {
            Some((r, d)) => (r.to_string(), Some(d.to_string())),
            None => (a.clone(), None),
        };
        // A `:` after the last `/` is a tag (a `:` before it is a registry port).
        let last_slash = rest.rfind('/').map(|x| x + 1).unwrap_or(0);
        let (name, tag) = match rest[last_slash..].rfind(':') {
            Some(c) => (
                rest[..last_slash + c].to_string(),
                Some(rest[last_slash + c + 1..].to_string()),
            ),
            None => (rest.clone(), None),
        };
        return Launch::Package(Package {
            ecosystem: Ecosystem::Oci,
            name,
            version: tag,
            digest,
            launcher: launcher.into(),
            auto_install: true,
            off_registry: None,
        });
    }
    Launch::Unknown
}

/// Host of a URL, lowercased, without port or credentials.
pub fn url_host(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let auth = rest.split(['/', '?', '#']).next()?;
    let hostport = auth.rsplit('@').next()?;
    let host = if let Some(h) = hostport.strip_prefix('[') {
        h.split(']').next()?.to_string()
    } else {
        hostport.split(':').next()?.to_string()
    };
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

/// Loopback or unspecified: traffic that never leaves the machine.
pub fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host.ends_with(".localhost")
        || host.starts_with("127.")
        || host == "::1"
        || host == "0.0.0.0"
        || host == "host.docker.internal"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    fn pkg(s: &str) -> Package {
        match parse_words(&w(s)) {
            Launch::Package(p) => p,
            other => panic!("{s}: {other:?}"),
        }
    }

    #[test]
    fn npm_specs() {
        let p = pkg("npx -y @modelcontextprotocol/server-filesystem@2025.8.21 /tmp");
        assert_eq!(p.name, "@modelcontextprotocol/server-filesystem");
        assert_eq!(p.version.as_deref(), Some("2025.8.21"));
        assert!(p.auto_install && p.is_pinned());
        let p = pkg("npx @playwright/mcp@latest");
        assert_eq!(p.name, "@playwright/mcp");
        assert!(!p.is_pinned());
        let p = pkg("npx firecrawl-mcp");
        assert_eq!(
            (p.name.as_str(), p.version.clone()),
            ("firecrawl-mcp", None)
        );
        let p = pkg("npx github:evil/mcp-thing");
        assert!(p.off_registry.is_some());
        let p = pkg("npm exec --registry https://npm.corp.example --yes tool@^1.0.0");
        assert!(p.off_registry.is_some() && !p.is_pinned() && p.auto_install);
        assert_eq!(p.purl(), "pkg:npm/tool@^1.0.0");
    }

    #[test]
    fn pypi_specs() {
        let p = pkg("uvx mcp-server-git==2026.10.19 --repository .");
        assert_eq!(p.name, "mcp-server-git");
        assert!(p.is_pinned());
        let p = pkg("uvx --from git+https://github.com/x/y mcp-y");
        assert!(p.off_registry.is_some());
        let p = pkg("uvx mcp-server-fetch");
        assert!(!p.is_pinned());
        let p = pkg("pipx run awslabs.aws-api-mcp-server>=1.0");
        assert_eq!(p.name, "awslabs.aws-api-mcp-server");
        assert!(!p.is_pinned());
    }

    #[test]
    fn oci_specs() {
        let p = pkg("docker run -i --rm -e GITHUB_TOKEN ghcr.io/github/github-mcp-server");
        assert_eq!(p.name, "ghcr.io/github/github-mcp-server");
        assert!(!p.is_pinned());
        let p = pkg("docker run -i --rm -v /data:/data mcp/postgres@sha256:abcd");
        assert!(p.is_pinned());
        assert_eq!(
            p.purl(),
            "pkg:oci/postgres@sha256%3Aabcd?repository_url=mcp/postgres"
        );
        let p = pkg("docker run localhost:5000/mcp:1.2");
        assert_eq!(
            (p.name.as_str(), p.version.as_deref()),
            ("localhost:5000/mcp", Some("1.2"))
        );
    }

    #[test]
    fn local_and_path() {
        assert!(matches!(
            parse_words(&w("node /opt/x/server.js")),
            Launch::Local { .. }
        ));
        assert!(matches!(parse_words(&w("./bin/mcp")), Launch::Local { .. }));
        assert!(matches!(
            parse_words(&w("mcp-server-foo --x")),
            Launch::OnPath { .. }
        ));
    }

    #[test]
    fn hosts() {
        assert_eq!(
            url_host("https://u:p@Mcp.Example.com:8443/x").as_deref(),
            Some("mcp.example.com")
        );
        assert_eq!(url_host("http://[::1]:3000/mcp").as_deref(), Some("::1"));
        assert!(is_loopback("127.0.0.1") && !is_loopback("10.0.0.1"));
    }
}
