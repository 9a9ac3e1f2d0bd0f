//! `secret`: credentials written into configs.

use super::{Ctx, Hit, HitBuilder, Rule};
use warden_model::{fingerprint, redact_preview, Category, Scope, ServerDef, Severity};

pub static SECRET: Rule = Rule {
    id: "secret",
    category: Category::Secret,
    severity: Severity::High,
    title: "Credential written in an agent or MCP config",
    what: "Runs Warden's secret detectors over every env value, header value, argument and \
           URL of every MCP server, and over the `env` block of agents' settings files. Also \
           flags a literal value under a credential-named key (`*_TOKEN`, `*_API_KEY`, \
           `Authorization`, ...) that no detector recognized. Findings carry the detector's id \
           (`secret.github-pat`) and show only a masked preview and a SHA-256 fingerprint.",
    why: "Config files are read by every agent and extension on the machine, copied into \
          backups and dotfile repos, and printed in bug reports. A token there works for \
          whoever reads it. A secret in a checked-in project file is one level more severe: \
          it is in the repository's history.",
    fix: "Rotate the credential, then reference it instead of writing it: `${VAR}` expansion \
          (Claude Code, Cursor, VS Code inputs), an env file outside the repository, or the \
          OS keychain / a secrets manager. Remove it from git history if it was committed.",
};

/// Key names whose literal value is a credential.
const CREDENTIAL_WORDS: &[&str] = &[
    "TOKEN",
    "SECRET",
    "PASSWORD",
    "PASSWD",
    "API_KEY",
    "APIKEY",
    "API-KEY",
    "ACCESS_KEY",
    "PRIVATE_KEY",
    "CREDENTIAL",
    "AUTHORIZATION",
    "AUTH",
];

fn credential_name(key: &str) -> bool {
    let k = key.to_ascii_uppercase().replace('-', "_");
    CREDENTIAL_WORDS.iter().any(|w| k.contains(w)) && !k.ends_with("_FILE") && !k.ends_with("_PATH")
}

/// A reference to a secret kept elsewhere, or an obvious placeholder: not a secret.
fn is_reference_or_placeholder(v: &str) -> bool {
    let t = v.trim();
    let l = t.to_ascii_lowercase();
    t.len() < 8
        || t.starts_with('$')
        || t.contains("${")
        || t.contains("{{")
        || l.starts_with("env:")
        || l.starts_with("op://")
        || t.starts_with('<')
        // A path names where the secret is kept, not the secret.
        || t.starts_with('/')
        || t.starts_with("~/")
        || t.starts_with("./")
        || l.contains("your")
        || l.contains("xxxx")
        || l.contains("changeme")
        || l.contains("placeholder")
        || l.contains("replace")
        || l.contains("example")
}

/// Scan one value at one place.
struct Place<'a> {
    label: String,
    field: String,
    key: Option<&'a str>,
}

fn scan_value(v: &str, place: &Place<'_>, project: bool, mk: &dyn Fn() -> HitBuilder) -> Vec<Hit> {
    let bump = |s: Severity| if project { super::bump(s) } else { s };
    let matches = warden_detect::secrets::find(v);
    if !matches.is_empty() {
        return matches
            .into_iter()
            .map(|m| {
                let fp = m.evidence.fingerprint.clone();
                mk().rule_id(m.rule.clone())
                    .severity(bump(m.severity))
                    .title(format!("{} in {}", m.title, place.label))
                    .field(place.field.clone())
                    .preview(format!("{}: {}", place.label, m.evidence.preview))
                    .disc(fp.clone().unwrap_or_default())
                    .fingerprint(fp)
                    .build()
            })
            .collect();
    }
    match place.key {
        Some(k) if credential_name(k) && !is_reference_or_placeholder(v) => {
            let value = v.trim();
            // `Bearer abc...`: mask the token, keep the scheme word.
            let shown = match value.split_once(' ') {
                Some((scheme, tok)) if scheme.len() < 10 => {
                    format!("{scheme} {}", redact_preview(tok))
                }
                _ => redact_preview(value),
            };
            let fp = fingerprint(value);
            vec![mk()
                .rule_id("secret.hardcoded-credential")
                .severity(bump(Severity::Medium))
                .title(format!("Literal credential in {}", place.label))
                .field(place.field.clone())
                .preview(format!("{}: {shown}", place.label))
                .disc(&fp)
                .fingerprint(Some(fp))
                .build()]
        }
        _ => Vec::new(),
    }
}

fn server_places(s: &ServerDef) -> Vec<(Place<'_>, &str)> {
    let n = &s.name;
    let mut v = Vec::new();
    for (what, field, map) in [("env", "env", &s.env), ("header", "headers", &s.headers)] {
        for (k, val) in map {
            v.push((
                Place {
                    label: format!("{what} {k}"),
                    field: format!("{n}.{field}.{k}"),
                    key: Some(k),
                },
                val.as_str(),
            ));
        }
    }
    let mut prev: Option<&str> = None;
    for (i, a) in s.args.iter().enumerate() {
        // `--api-key VALUE` and `--token=VALUE` name the value.
        let (key, val) = match a.split_once('=') {
            Some((k, val)) if k.starts_with('-') => (Some(k.trim_start_matches('-')), val),
            _ => (
                prev.filter(|p| p.starts_with('-'))
                    .map(|p| p.trim_start_matches('-')),
                a.as_str(),
            ),
        };
        v.push((
            Place {
                label: format!("argument {}", i + 1),
                field: format!("{n}.args[{i}]"),
                key,
            },
            val,
        ));
        prev = Some(a);
    }
    if let Some(u) = &s.url {
        v.push((
            Place {
                label: "URL".into(),
                field: format!("{n}.url"),
                key: None,
            },
            u.as_str(),
        ));
    }
    v
}

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Hit>) {
    for s in &ctx.inv.servers {
        let project = s.scope == Scope::Project;
        for (place, val) in server_places(s) {
            let mk = || HitBuilder::server(&SECRET, s, "");
            out.extend(scan_value(val, &place, project, &mk));
        }
    }
    for a in &ctx.inv.agents {
        for f in &a.settings {
            let Some(env) = f.raw.get("env").and_then(|e| e.as_object()) else {
                continue;
            };
            let project = f.scope == Scope::Project;
            for (k, val) in env {
                let Some(val) = val.as_str() else { continue };
                let place = Place {
                    label: format!("settings env {k}"),
                    field: format!("env.{k}"),
                    key: Some(k),
                };
                let mk = || HitBuilder::agent(&SECRET, a, &f.path, "");
                out.extend(scan_value(val, &place, project, &mk));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;

    #[test]
    fn provider_tokens_in_env_headers_args_url_and_settings() {
        let f = fixture("secret/positive");
        let secrets = with_category(&f, "secret");
        let fields: Vec<&str> = secrets
            .iter()
            .map(|f| f.location.field.as_deref().unwrap())
            .collect();
        assert!(
            fields.contains(&"github.env.GITHUB_PERSONAL_ACCESS_TOKEN"),
            "{fields:?}"
        );
        assert!(
            fields.contains(&"remote.headers.Authorization"),
            "{fields:?}"
        );
        assert!(fields.contains(&"db.args[2]"), "{fields:?}");
        assert!(fields.contains(&"env.OPENAI_API_KEY"), "{fields:?}");
        assert!(secrets.iter().all(|f| f.evidence.fingerprint.is_some()));
        assert_no_secret_leak(&f, &fixture_secrets("secret/positive"));
        // Checked-in file: one level more severe.
        let proj = secrets
            .iter()
            .find(|f| f.server.as_deref() == Some("checked-in"))
            .unwrap();
        assert_eq!(proj.severity, warden_model::Severity::Critical);
    }

    #[test]
    fn references_and_placeholders_are_not_secrets() {
        let f = fixture("secret/negative");
        assert!(with_category(&f, "secret").is_empty(), "{f:#?}");
    }
}
