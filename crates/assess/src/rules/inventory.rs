//! What should not be there: `shadow-install`, `unapproved-server`.

use super::{Ctx, Hit, HitBuilder, Rule};
use crate::launch::{launch, Launch};
use warden_model::{redact_url, Category, ServerDef, Severity};

pub static SHADOW_INSTALL: Rule = Rule {
    id: "shadow-install",
    category: Category::ShadowInstall,
    severity: Severity::Medium,
    title: "Agent or MCP server outside any managed config",
    what: "Flags MCP servers discovery saw running or installed that no client config starts \
           (medium), and agents installed (binary, package, editor extension) with no \
           config Warden could read (low).",
    why: "What no config declares, no review or policy covers: a server started by hand or \
          by another tool still has the user's files and tokens, and nobody is watching it.",
    fix: "Find who runs it (the process owner and parent in the evidence); either add it to a \
          managed config and the approved list, or uninstall it.",
};

pub static UNAPPROVED_SERVER: Rule = Rule {
    id: "unapproved-server",
    category: Category::UnapprovedServer,
    severity: Severity::Medium,
    title: "MCP server not on the organization's approved list",
    what: "When the policy file has `[inventory] approved = [...]`, flags every enabled server \
           matching no entry. An entry matches a server's name, its package name (with or \
           without version), its command, or its URL; `*` matches any run of characters \
           (`@modelcontextprotocol/*`, `https://mcp.example.com/*`). With no list, the rule \
           is off.",
    why: "An approved list is how a security team says which servers were reviewed. Anything \
          else was added by someone on their own, with access nobody assessed.",
    fix: "Review the server (`warden scan` findings for it), then add it to \
          `[inventory] approved` in the policy file, or remove it from the client config.",
};

/// Names a server can be approved by.
pub(crate) fn identities(s: &ServerDef) -> Vec<String> {
    let mut v = vec![s.name.clone()];
    match launch(s) {
        Launch::Package(p) => {
            v.push(p.name.clone());
            v.push(p.spec());
        }
        Launch::Local { path, .. } => v.push(path),
        Launch::OnPath { command } => v.push(command),
        Launch::Remote { url } => v.push(url),
        Launch::Unknown => {}
    }
    if let Some(c) = &s.command {
        v.push(c.clone());
    }
    if let Some(u) = &s.url {
        v.push(u.clone());
    }
    v
}

/// `*` matches any run of characters; everything else literally.
fn glob(pattern: &str, s: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == s;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !s.starts_with(first) || s.len() < first.len() + last.len() || !s.ends_with(last) {
        return false;
    }
    let mut rest = &s[first.len()..s.len() - last.len()];
    for mid in &parts[1..parts.len() - 1] {
        match rest.find(mid) {
            Some(i) => rest = &rest[i + mid.len()..],
            None => return false,
        }
    }
    true
}

pub(crate) fn is_approved(s: &ServerDef, approved: &[String]) -> bool {
    let ids = identities(s);
    approved
        .iter()
        .any(|a| ids.iter().any(|i| glob(a.trim(), i)))
}

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Hit>) {
    for s in &ctx.inv.servers {
        if s.shadow {
            out.push(
                HitBuilder::server(
                    &SHADOW_INSTALL,
                    s,
                    format!("MCP server `{}` runs outside any client config", s.name),
                )
                .preview(super::shown_command(s))
                .build(),
            );
        }
        if !ctx.approved.is_empty() && s.enabled && !is_approved(s, ctx.approved) {
            let what = s
                .url
                .as_deref()
                .map(redact_url)
                .unwrap_or_else(|| super::shown_command(s));
            out.push(
                HitBuilder::server(
                    &UNAPPROVED_SERVER,
                    s,
                    format!("`{}` is not on the approved list", s.name),
                )
                .preview(what)
                .build(),
            );
        }
    }
    for a in &ctx.inv.agents {
        if a.shadow {
            let path = a
                .binary
                .clone()
                .or_else(|| a.evidence.first().cloned())
                .unwrap_or_default();
            out.push(
                HitBuilder::agent(
                    &SHADOW_INSTALL,
                    a,
                    &path,
                    format!("{} is installed but no config of it was found", a.name),
                )
                .severity(Severity::Low)
                .preview(super::truncate(&a.evidence.join("; "), 200))
                .build(),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;

    #[test]
    fn globs() {
        assert!(super::glob(
            "@modelcontextprotocol/*",
            "@modelcontextprotocol/server-memory"
        ));
        assert!(super::glob("*-mcp@1.*", "helper-mcp@1.2.0"));
        assert!(!super::glob("*-mcp@1.*", "helper-mcp@2.0.0"));
        assert!(!super::glob("memory", "memory2"));
    }

    #[test]
    fn shadow_positive_and_negative() {
        let f = fixture("inventory/approved");
        let s: Vec<String> = with_rule(&f, "shadow-install")
            .iter()
            .map(|x| x.title.clone())
            .collect();
        assert!(s.iter().any(|t| t.contains("`stray`")), "{s:?}");
        assert!(s.iter().any(|t| t.contains("Cursor is installed")), "{s:?}");
        assert!(!s.iter().any(|t| t.contains("`memory`")), "{s:?}");
    }

    #[test]
    fn unapproved_positive_and_negative() {
        let f = fixture("inventory/approved");
        let u = servers_with(&f, "unapproved-server");
        assert!(
            u.contains(&"stray") && u.contains(&"random-remote"),
            "{u:?}"
        );
        // By name, by package prefix, by URL prefix; disabled servers are skipped.
        for ok in ["memory", "filesystem", "linear", "disabled-thing"] {
            assert!(!u.contains(&ok), "{ok}: {u:?}");
        }
        // No list: the rule is off.
        let none = fixture("inventory/no-list");
        assert!(with_rule(&none, "unapproved-server").is_empty());
    }
}
