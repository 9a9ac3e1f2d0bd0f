//! What a server can reach: `production-exposure`, `broad-filesystem`.

use super::{Ctx, Hit, HitBuilder, Rule};
use crate::launch::url_host;
use warden_model::{Category, ServerDef, Severity};

pub static PRODUCTION_EXPOSURE: Rule = Rule {
    id: "production-exposure",
    category: Category::ProductionExposure,
    severity: Severity::Medium,
    title: "Server can reach production systems or cloud accounts",
    what: "Reads a server's URL, args and env for what it can reach: hosts and connection \
           strings naming production (`prod`, `production`, `prd`, `live` as a word), cloud \
           credentials and profiles (AWS, GCP, Azure), kube contexts and kubeconfigs, \
           database servers without a read-only setting, and system data paths (`/srv`, \
           `/var/lib`, `/var/www`, `/etc`). High when production is named; one level more \
           when the server also exposes destructive tools.",
    why: "An agent acts on whatever text reaches it, including injected instructions. A \
          server wired to production turns one bad tool call (a `DROP TABLE`, a `kubectl \
          delete`) into an outage or a breach, with no human in between.",
    fix: "Point agents at development or staging copies; use read-only database roles \
          (`default_transaction_read_only`, a read-only user) and least-privilege cloud \
          profiles; keep production servers out of agent configs, or behind `warden hook` \
          with destructive calls set to `ask`.",
};

pub static BROAD_FILESYSTEM: Rule = Rule {
    id: "broad-filesystem",
    category: Category::BroadFilesystem,
    severity: Severity::High,
    title: "Server is given the whole filesystem or home directory",
    what: "Flags a server given `/`, `~`, `$HOME`, the home directory itself (`/home/<user>`, \
           `/Users/<user>`, `C:\\Users\\<user>`), `/root` or a drive root, as an argument or \
           as the source of a container volume mount. A project folder is not flagged.",
    why: "The home directory holds SSH keys, cloud credentials, browser profiles, other \
          projects' `.env` files and the agents' own configs. A filesystem server scoped to \
          it lets one injected instruction read or overwrite any of them.",
    fix: "Give the server only the project directories it needs (one argument per \
          directory), and mount only those into containers.",
};

fn words(v: &str) -> impl Iterator<Item = String> + '_ {
    v.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_ascii_lowercase())
}

const PROD_WORDS: &[&str] = &["prod", "production", "prd", "live"];

/// The part of a value safe and useful to show: a URL's host, else the value
/// itself when short and not a credential-bearing key.
fn host_or_value(v: &str) -> String {
    url_host(v).unwrap_or_else(|| super::truncate(v, 60))
}

const CLOUD_KEYS: &[&str] = &[
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_PROFILE",
    "GOOGLE_APPLICATION_CREDENTIALS",
    "CLOUDSDK_CORE_PROJECT",
    "GOOGLE_CLOUD_PROJECT",
    "AZURE_CLIENT_SECRET",
    "AZURE_SUBSCRIPTION_ID",
    "ARM_CLIENT_SECRET",
    "DIGITALOCEAN_TOKEN",
];

const DB_WORDS: &[&str] = &[
    "postgres",
    "postgresql",
    "mysql",
    "mariadb",
    "mongo",
    "mongodb",
    "redis",
    "mssql",
    "sqlserver",
    "snowflake",
    "bigquery",
    "dynamodb",
    "supabase",
    "clickhouse",
    "oracle",
];

const DB_SCHEMES: &[&str] = &[
    "postgres://",
    "postgresql://",
    "mysql://",
    "mariadb://",
    "mongodb://",
    "mongodb+srv://",
    "redis://",
    "rediss://",
    "sqlserver://",
    "mssql://",
    "clickhouse://",
    "snowflake://",
];

const SYSTEM_PATHS: &[&str] = &["/srv", "/var/lib", "/var/www", "/etc"];

/// Is this key's value a credential (never shown)?
fn secret_key(k: &str) -> bool {
    let k = k.to_ascii_uppercase();
    [
        "SECRET",
        "TOKEN",
        "PASSWORD",
        "KEY_ID",
        "ACCESS_KEY",
        "CREDENTIAL",
    ]
    .iter()
    .any(|w| k.contains(w))
}

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Hit>) {
    for s in &ctx.inv.servers {
        production(ctx, s, out);
        broad_fs(s, out);
    }
}

fn production(ctx: &Ctx<'_>, s: &ServerDef, out: &mut Vec<Hit>) {
    let mut signals: Vec<String> = Vec::new();
    let mut prod = false;
    // (label, value, may show value)
    let mut values: Vec<(String, &str, bool)> = Vec::new();
    if let Some(u) = &s.url {
        values.push(("url".into(), u, true));
    }
    for (i, a) in s.args.iter().enumerate() {
        values.push((format!("arg {}", i + 1), a, true));
    }
    for (k, v) in &s.env {
        values.push((format!("env {k}"), v, !secret_key(k)));
    }
    let mut db_conn = false;
    let mut read_only = false;
    for (label, v, showable) in &values {
        let lv = v.to_ascii_lowercase();
        if DB_SCHEMES.iter().any(|p| lv.contains(p)) {
            db_conn = true;
        }
        if lv.contains("read-only") || lv.contains("readonly") || lv.contains("read_only") {
            read_only = true;
        }
        if words(v).any(|w| PROD_WORDS.contains(&w.as_str())) {
            prod = true;
            // A URL's host is safe to show; a credential-keyed value is not.
            let shown = if *showable || url_host(v).is_some() {
                warden_model::redact_url(&host_or_value(v))
            } else {
                "(value hidden)".into()
            };
            signals.push(format!("production named in {label}: {shown}"));
        }
        if SYSTEM_PATHS
            .iter()
            .any(|p| *v == *p || v.starts_with(&format!("{p}/")))
        {
            signals.push(format!("system data path {v}"));
        }
    }
    for (k, v) in &s.env {
        let ku = k.to_ascii_uppercase();
        if CLOUD_KEYS.contains(&ku.as_str()) {
            if ku.ends_with("PROFILE") || ku.ends_with("PROJECT") {
                signals.push(format!("cloud {k}={}", super::truncate(v, 40)));
            } else {
                signals.push(format!("cloud credential {k}"));
            }
        }
        if ku == "KUBECONFIG" {
            signals.push(format!("kubeconfig {}", super::truncate(v, 80)));
        }
    }
    let mut prev = "";
    for a in &s.args {
        match prev {
            "--kubeconfig" | "--context" | "--kube-context" => {
                signals.push(format!("kube {prev} {a}"))
            }
            "--profile" | "--aws-profile" => signals.push(format!("cloud profile {a}")),
            _ => {}
        }
        if a.starts_with("--kubeconfig=") || a.starts_with("--context=") {
            signals.push(format!("kube {a}"));
        }
        prev = a;
    }
    let cmdline = format!(
        "{} {}",
        s.command.as_deref().unwrap_or(""),
        s.args.join(" ")
    )
    .to_ascii_lowercase();
    let names_db = words(&cmdline).any(|w| DB_WORDS.contains(&w.as_str()));
    // A database named in the command counts once it is given connection settings.
    if (db_conn || (names_db && !s.env.is_empty())) && !read_only {
        signals.push("database server without a read-only setting".into());
    }
    if words(&cmdline).any(|w| w == "kubectl" || w == "kubernetes" || w == "k8s") {
        signals.push("Kubernetes server".into());
    }
    if signals.is_empty() {
        return;
    }
    let destructive = ctx
        .snapshot(s)
        .map(super::tools::destructive_tools)
        .unwrap_or_default();
    let mut sev = if prod {
        Severity::High
    } else {
        Severity::Medium
    };
    if !destructive.is_empty() {
        signals.push(format!("destructive tools: {}", destructive.join(", ")));
        sev = super::bump(sev);
    }
    let title = if prod {
        format!("`{}` can reach production", s.name)
    } else {
        format!("`{}` can reach cloud, cluster or database systems", s.name)
    };
    out.push(
        HitBuilder::server(&PRODUCTION_EXPOSURE, s, title)
            .severity(sev)
            .preview(signals.join("; "))
            .build(),
    );
}

/// Is `p` the whole filesystem or a home directory itself?
pub(crate) fn is_broad_path(p: &str) -> bool {
    let t = p.trim().trim_end_matches(['/', '\\']);
    if t.is_empty() && p.starts_with('/') {
        return true; // "/"
    }
    let l = t.to_ascii_lowercase();
    if matches!(
        l.as_str(),
        "~" | "$home" | "${home}" | "%userprofile%" | "/root" | "/home" | "/users"
    ) {
        return true;
    }
    // Drive root `C:`
    if l.len() == 2 && l.ends_with(':') {
        return true;
    }
    let parts: Vec<&str> = l.split(['/', '\\']).filter(|x| !x.is_empty()).collect();
    matches!(
        parts.as_slice(),
        ["home", _] | ["users", _] | ["c:", "users", _]
    )
}

fn broad_fs(s: &ServerDef, out: &mut Vec<Hit>) {
    let mut found: Vec<String> = Vec::new();
    let mut prev = "";
    for a in &s.args {
        let candidate = if matches!(prev, "-v" | "--volume") {
            a.split(':').next().unwrap_or(a)
        } else if let Some(src) = a.strip_prefix("--mount=").or(if prev == "--mount" {
            Some(a.as_str())
        } else {
            None
        }) {
            src.split(',')
                .find_map(|kv| kv.strip_prefix("source=").or(kv.strip_prefix("src=")))
                .unwrap_or("")
        } else if let Some((_, v)) = a.split_once('=').filter(|_| a.starts_with('-')) {
            v
        } else {
            a.as_str()
        };
        if is_broad_path(candidate) {
            found.push(candidate.to_string());
        }
        prev = a;
    }
    if found.is_empty() {
        return;
    }
    found.dedup();
    out.push(
        HitBuilder::server(
            &BROAD_FILESYSTEM,
            s,
            format!("`{}` is given {}", s.name, found.join(", ")),
        )
        .preview(super::shown_command(s))
        .build(),
    );
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;

    #[test]
    fn broad_paths() {
        for p in [
            "/",
            "~",
            "~/",
            "$HOME",
            "/home/dev",
            "/Users/ana/",
            "C:\\Users\\ana",
            "/root",
        ] {
            assert!(is_broad_path(p), "{p}");
        }
        for p in [
            "/home/dev/project",
            "./src",
            "/tmp/work",
            "~/code/app",
            "8080",
        ] {
            assert!(!is_broad_path(p), "{p}");
        }
    }

    #[test]
    fn broad_filesystem_positive_and_negative() {
        let f = fixture("exposure/filesystem");
        let b = servers_with(&f, "broad-filesystem");
        assert!(
            b.contains(&"fs-home") && b.contains(&"fs-root") && b.contains(&"docker-root"),
            "{b:?}"
        );
        assert!(!b.contains(&"fs-project"), "{b:?}");
    }

    #[test]
    fn production_positive_and_negative() {
        let f = fixture("exposure/production");
        let p = servers_with_severity(&f, "production-exposure");
        assert!(p.contains(&("prod-db", Severity::Critical)), "{p:?}"); // prod + destructive tool
        assert!(p.contains(&("aws", Severity::Medium)), "{p:?}");
        assert!(p.contains(&("kube", Severity::Medium)), "{p:?}");
        for ok in ["staging-db-readonly", "product-search"] {
            assert!(!p.iter().any(|(n, _)| *n == ok), "{ok}: {p:?}");
        }
        assert_no_secret_leak(&f, &fixture_secrets("exposure/production"));
    }
}
