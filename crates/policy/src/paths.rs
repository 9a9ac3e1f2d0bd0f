//! Path knowledge: lexical normalisation, credential files, and the files an
//! agent must not rewrite without a human (agent config, hooks, Warden itself).

/// Where relative paths and `~` resolve. Filled by the caller; no I/O here.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PathCtx {
    pub cwd: Option<String>,
    pub home: Option<String>,
}

/// An absolute, lexically normalised path (`~` expanded, `.`/`..` folded).
/// The file system is never consulted: this runs on every tool call.
pub fn normalize(path: &str, pc: &PathCtx) -> String {
    let home = pc.home.as_deref().unwrap_or("~");
    let joined = if path == "~" {
        home.to_string()
    } else if let Some(rest) = path.strip_prefix("~/") {
        format!("{home}/{rest}")
    } else if let Some(rest) = path.strip_prefix("$HOME/") {
        format!("{home}/{rest}")
    } else if path.starts_with('/') {
        path.to_string()
    } else {
        format!("{}/{path}", pc.cwd.as_deref().unwrap_or(""))
    };
    let mut parts: Vec<&str> = Vec::new();
    for p in joined.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            _ => parts.push(p),
        }
    }
    format!("/{}", parts.join("/"))
}

/// What kind of credential a path (or a fragment of a command) names, if any.
pub fn credential_file(fragment: &str) -> Option<&'static str> {
    let f = fragment.trim_matches(|c| matches!(c, '"' | '\'' | '@' | '<' | '>' | '='));
    let lower = f.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    let benign_env = [".example", ".sample", ".template", ".dist", ".defaults"];
    if (name == ".env" || name.starts_with(".env.") || name.ends_with(".env"))
        && name.len() >= 4
        && !benign_env.iter().any(|s| name.ends_with(s))
    {
        return Some("dotenv file");
    }
    if lower.contains(".aws/credentials") || lower.ends_with(".aws/config") {
        return Some("AWS credentials");
    }
    if (name.starts_with("id_rsa")
        || name.starts_with("id_ed25519")
        || name.starts_with("id_ecdsa")
        || name.starts_with("id_dsa"))
        && !name.ends_with(".pub")
    {
        return Some("SSH private key");
    }
    if lower.contains(".ssh/")
        && !name.ends_with(".pub")
        && name != "known_hosts"
        && name != "config"
    {
        return Some("SSH key material");
    }
    let exact: &[(&str, &str)] = &[
        (".npmrc", "npm credentials"),
        (".pypirc", "PyPI credentials"),
        (".netrc", "netrc credentials"),
        (".git-credentials", "git credentials"),
        (".pgpass", "PostgreSQL password file"),
        (".vault-token", "Vault token"),
        ("kubeconfig", "kubeconfig"),
        ("credentials.json", "credentials file"),
        (
            "application_default_credentials.json",
            "Google Cloud credentials",
        ),
        ("service-account.json", "service account key"),
    ];
    if let Some((_, k)) = exact.iter().find(|(n, _)| *n == name) {
        return Some(k);
    }
    if lower.contains(".kube/config") {
        return Some("kubeconfig");
    }
    if lower.contains(".docker/config.json") {
        return Some("Docker registry credentials");
    }
    if lower.contains(".config/gcloud/") {
        return Some("Google Cloud credentials");
    }
    if name.ends_with(".pem") || name.ends_with(".p12") || name.ends_with(".pfx") {
        return Some("private key or certificate bundle");
    }
    None
}

/// Path-like fragments of a text: runs of characters that can make up a path.
/// `curl -F f=@~/.ssh/id_rsa` gives `curl`, `-F`, `f`, `~/.ssh/id_rsa`.
pub fn path_fragments(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '/' | '~' | '$')))
        .filter(|s| !s.is_empty())
}

/// Files whose change alters what an agent may do or how Warden guards it:
/// writing them needs a human. `extra` are Warden's own paths (data dir,
/// policy files), absolute and normalised.
pub fn guarded_file(abs: &str, extra: &[String]) -> Option<&'static str> {
    let lower = abs.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    let parent = lower.rsplit('/').nth(1).unwrap_or_default();
    if parent == ".claude" && name.starts_with("settings") && name.ends_with(".json") {
        return Some("Claude Code settings (permissions and hooks)");
    }
    if lower.contains("/.claude/hooks/")
        || lower.contains("/.git/hooks/")
        || lower.contains("/.husky/")
    {
        return Some("a hook script that runs automatically");
    }
    if name == ".mcp.json" || name == ".claude.json" {
        return Some("MCP server configuration");
    }
    if name == "managed-settings.json" || name == "managed-mcp.json" {
        return Some("managed agent configuration");
    }
    if (parent == ".cursor" || parent == ".vscode" || parent == ".roo") && name == "mcp.json" {
        return Some("MCP server configuration");
    }
    if parent == ".gemini" && name == "settings.json" || parent == ".codex" && name == "config.toml"
    {
        return Some("agent configuration");
    }
    if name == "claude_desktop_config.json" {
        return Some("MCP server configuration");
    }
    if name == ".warden.toml"
        || lower.contains("/.config/warden/")
        || lower.starts_with("/etc/warden/")
    {
        return Some("Warden's own policy");
    }
    if extra.iter().any(|p| {
        !p.is_empty() && (abs == p || abs.starts_with(&format!("{}/", p.trim_end_matches('/'))))
    }) {
        return Some("Warden's own files");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pc() -> PathCtx {
        PathCtx {
            cwd: Some("/home/dev/project".into()),
            home: Some("/home/dev".into()),
        }
    }

    #[test]
    fn normalizes() {
        assert_eq!(normalize("a/../b/./c", &pc()), "/home/dev/project/b/c");
        assert_eq!(normalize("~/.ssh/id_rsa", &pc()), "/home/dev/.ssh/id_rsa");
        assert_eq!(normalize("/x//y/", &pc()), "/x/y");
        assert_eq!(normalize("../../../../..", &pc()), "/");
    }

    #[test]
    fn credential_files() {
        for p in [
            ".env",
            "config/.env.production",
            "~/.aws/credentials",
            "/home/u/.ssh/id_ed25519",
            ".npmrc",
            "~/.kube/config",
            "kubeconfig",
            "@.env",
            "server.pem",
        ] {
            assert!(credential_file(p).is_some(), "{p}");
        }
        for p in [
            ".env.example",
            "README.md",
            "id_rsa.pub",
            "~/.ssh/known_hosts",
            "src/env.rs",
            "environment",
        ] {
            assert!(credential_file(p).is_none(), "{p}");
        }
    }

    #[test]
    fn guarded_files() {
        let extra = vec!["/home/dev/.local/share/warden".to_string()];
        for p in [
            "/home/dev/project/.claude/settings.json",
            "/home/dev/project/.claude/settings.local.json",
            "/home/dev/.claude/settings.json",
            "/home/dev/project/.mcp.json",
            "/home/dev/.claude.json",
            "/home/dev/project/.git/hooks/pre-commit",
            "/home/dev/project/.warden.toml",
            "/home/dev/.config/warden/policy.toml",
            "/home/dev/.local/share/warden/warden.db",
        ] {
            assert!(guarded_file(p, &extra).is_some(), "{p}");
        }
        for p in [
            "/home/dev/project/src/main.rs",
            "/home/dev/project/settings.json",
            "/home/dev/project/.claude/commands/x.md",
            "/home/dev/.local/share/wardenx/a",
        ] {
            assert!(guarded_file(p, &extra).is_none(), "{p}");
        }
    }
}
