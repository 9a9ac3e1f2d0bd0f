//! Supply chain: where a server's code comes from.
//! `known-malicious`, `typosquat`, `unpinned-package`, `unknown-source`.

use super::{shown_command, Ctx, Hit, HitBuilder, Rule};
use crate::intel::{Ecosystem, ReferencePackage};
use crate::launch::{is_loopback, launch, url_host, Launch, Package};
use warden_model::{Category, ServerDef, Severity};

pub static KNOWN_MALICIOUS: Rule = Rule {
    id: "known-malicious",
    category: Category::KnownMalicious,
    severity: Severity::Critical,
    title: "Server runs a package on the known-malicious list",
    what: "Matches each server's package (npm via npx/bunx/pnpm dlx, PyPI via uvx/pipx, \
           container images via docker/podman) against Warden's known-malicious list. An \
           unpinned launch matches any listed version, since it may resolve to one. The list \
           is a data file with a source for each entry (bundled: data/intel/known-malicious.toml). \
           `warden update-intel FILE` merges a file of the same TOML format into the local copy \
           (`--replace` swaps it whole), without network: `version = 1`, then one \
           `[[package]]` table per entry with `ecosystem` (npm|pypi|oci), `name`, \
           `versions` ([] = all), `severity`, `summary` and `sources` (at least one URL).",
    why: "A listed package has been reported to steal data or run an attacker's code: for \
          example `postmark-mcp` (npm, 2025) blind-copied every email it sent to the \
          attacker. Whatever the agent passes it is exposed.",
    fix: "Remove the server from every client config now, uninstall the package, and rotate \
          every credential the server could read (its env, the user's tokens). Review what it \
          sent, then replace it with the vendor's official server.",
};

pub static TYPOSQUAT: Rule = Rule {
    id: "typosquat",
    category: Category::Typosquat,
    severity: Severity::High,
    title: "Package name is a near miss of a well-known MCP server",
    what: "Compares each server's package name with a reference list (data/intel/reference.toml: \
           the official @modelcontextprotocol/* and mcp-server-* packages and well-known vendor \
           servers). A name that is not on the list but within a small edit distance of one \
           (1 for names up to 12 characters, 2 beyond) is flagged, naming the package it \
           resembles.",
    why: "Attackers publish look-alike names (`@modelcontextprotocol/server-filesytem`) so a \
          typo or a copied config installs their code instead of the real server, with all \
          the access the real one was meant to get.",
    fix: "Check the package name letter by letter against the vendor's documentation; if it is \
          a look-alike, remove it, uninstall it and rotate any credential it was given.",
};

pub static UNPINNED_PACKAGE: Rule = Rule {
    id: "unpinned-package",
    category: Category::UnpinnedPackage,
    severity: Severity::Medium,
    title: "Server package is not pinned to an exact version",
    what: "Flags npx/bunx/pnpm dlx/npm exec launches without an exact version or with a tag \
           or range (`@latest`, `^1`), uvx/pipx launches without `==VERSION`, and \
           docker/podman images without a `@sha256:` digest. `npx -y` (install without \
           asking) is named in the evidence; a pinned `npx -y` is not flagged, since it \
           can only install the reviewed version.",
    why: "An unpinned launcher fetches whatever the registry serves at each start: one \
          malicious release (a hijacked maintainer account, a backdoored update) runs on the \
          next launch with the server's access, without anyone reviewing it.",
    fix: "Pin an exact, reviewed version: `npx -y @scope/server@1.4.2`, `uvx pkg==1.4.2`, \
          `docker run image@sha256:<digest>`. Update deliberately, after reading the diff.",
};

pub static UNKNOWN_SOURCE: Rule = Rule {
    id: "unknown-source",
    category: Category::UnknownSource,
    severity: Severity::Medium,
    title: "Server code of unknown origin",
    what: "Flags servers whose code does not come from a known registry: local scripts and \
           binaries run by path (`node /opt/x/server.js`, `./bin/mcp`), commands found only \
           on PATH, packages from git URLs, tarballs or custom registries/indexes (high), and \
           remote servers on hosts not on the reference list of vendor MCP hosts (low).",
    why: "Code without a registry, a version and a publisher cannot be checked against \
          advisories or the known-malicious list, and nobody else has looked at it.",
    fix: "Install servers from the npm/PyPI registries or a vendor's container image, pinned; \
          for in-house servers, publish them to your internal registry and add them to the \
          policy's approved list.",
};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Hit>) {
    for s in &ctx.inv.servers {
        match launch(s) {
            Launch::Package(p) => {
                malicious(ctx, s, &p, out);
                typosquat(ctx, s, &p, out);
                unpinned(s, &p, out);
                if let Some(off) = &p.off_registry {
                    out.push(
                        HitBuilder::server(
                            &UNKNOWN_SOURCE,
                            s,
                            format!(
                                "`{}` comes from outside the {} registry",
                                s.name,
                                registry(p.ecosystem)
                            ),
                        )
                        .severity(Severity::High)
                        .preview(format!("{}: {}", p.launcher, warden_model::redact_url(off)))
                        .build(),
                    );
                }
            }
            Launch::Local { program, path } => out.push(
                HitBuilder::server(
                    &UNKNOWN_SOURCE,
                    s,
                    format!(
                        "`{}` runs a local {}",
                        s.name,
                        if program == base_of(&path) {
                            "binary".to_string()
                        } else {
                            format!("{program} script")
                        }
                    ),
                )
                .preview(shown_command(s))
                .build(),
            ),
            Launch::OnPath { command } if !s.shadow => out.push(
                HitBuilder::server(
                    &UNKNOWN_SOURCE,
                    s,
                    format!("`{}` runs `{command}` from PATH, package unknown", s.name),
                )
                .severity(Severity::Low)
                .preview(shown_command(s))
                .build(),
            ),
            Launch::Remote { url } => {
                if let Some(host) = url_host(&url) {
                    if !is_loopback(&host) && ctx.intel.reference.known_host(&host).is_none() {
                        out.push(
                            HitBuilder::server(
                                &UNKNOWN_SOURCE,
                                s,
                                format!(
                                    "`{}` is a remote server on an unlisted host {host}",
                                    s.name
                                ),
                            )
                            .severity(Severity::Low)
                            .preview(warden_model::redact_url(&url))
                            .build(),
                        );
                    }
                }
            }
            _ => {}
        }
    }
}

fn base_of(p: &str) -> String {
    p.rsplit(['/', '\\'])
        .next()
        .unwrap_or(p)
        .to_ascii_lowercase()
}

fn registry(e: Ecosystem) -> &'static str {
    match e {
        Ecosystem::Npm => "npm",
        Ecosystem::Pypi => "PyPI",
        Ecosystem::Oci => "container",
    }
}

fn malicious(ctx: &Ctx<'_>, s: &ServerDef, p: &Package, out: &mut Vec<Hit>) {
    let Some(m) = ctx.intel.malicious.find(p.ecosystem, &p.name) else {
        return;
    };
    if !m.matches_version(p.version.as_deref().filter(|_| p.is_pinned())) {
        return;
    }
    out.push(
        HitBuilder::server(
            &KNOWN_MALICIOUS,
            s,
            format!("`{}` runs known-malicious package {}", s.name, p.name),
        )
        .severity(m.severity)
        .preview(format!(
            "{}: {} (source: {})",
            p.spec(),
            m.summary,
            m.sources.first().map(String::as_str).unwrap_or("")
        ))
        .disc(&p.name)
        .build(),
    );
}

/// Levenshtein distance, bounded: stops early past `max`.
fn distance(a: &str, b: &str, max: usize) -> Option<usize> {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let mut prev2: Vec<usize> = Vec::new();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
            // Adjacent transposition counts as one edit (optimal string alignment).
            if i > 0 && j > 0 && *ca == b[j - 1] && a[i - 1] == *cb {
                cur[j + 1] = cur[j + 1].min(prev2[j - 1] + 1);
            }
        }
        // Rows never go below the smaller minimum of the last two: stop early.
        let floor = cur.iter().chain(prev.iter()).min().copied().unwrap_or(0);
        if floor > max {
            return None;
        }
        prev2 = std::mem::replace(&mut prev, cur);
    }
    let d = prev[b.len()];
    (d <= max).then_some(d)
}

/// The reference package `name` imitates, if any.
pub(crate) fn lookalike<'r>(
    refs: &'r [ReferencePackage],
    eco: Ecosystem,
    name: &str,
) -> Option<&'r ReferencePackage> {
    let n = name.to_ascii_lowercase();
    let norm = |x: &str| x.to_ascii_lowercase().replace('_', "-");
    let same_eco = refs.iter().filter(|r| r.ecosystem == eco);
    if same_eco.clone().any(|r| norm(&r.name) == norm(&n)) {
        return None;
    }
    let max = if n.chars().count() <= 12 { 1 } else { 2 };
    same_eco
        .filter_map(|r| distance(&n, &r.name.to_ascii_lowercase(), max).map(|d| (d, r)))
        .min_by_key(|(d, _)| *d)
        .map(|(_, r)| r)
}

fn typosquat(ctx: &Ctx<'_>, s: &ServerDef, p: &Package, out: &mut Vec<Hit>) {
    if p.off_registry.is_some() {
        return;
    }
    if let Some(r) = lookalike(&ctx.intel.reference.packages, p.ecosystem, &p.name) {
        out.push(
            HitBuilder::server(
                &TYPOSQUAT,
                s,
                format!(
                    "`{}` runs {}, a look-alike of {} ({})",
                    s.name, p.name, r.name, r.vendor
                ),
            )
            .preview(format!("{} vs {}", p.spec(), r.name))
            .disc(&p.name)
            .build(),
        );
    }
}

fn unpinned(s: &ServerDef, p: &Package, out: &mut Vec<Hit>) {
    if p.off_registry.is_some() {
        return; // unknown-source says more
    }
    let auto = if p.auto_install && matches!(p.launcher.as_str(), "npx" | "bunx") {
        " with -y (installs without asking)"
    } else {
        ""
    };
    if p.is_pinned() {
        // A pinned `npx -y` installs silently, but only the reviewed version.
        return;
    }
    let why = match (p.ecosystem, p.version.as_deref()) {
        (Ecosystem::Oci, Some(t)) => format!("tag `{t}` without a digest"),
        (Ecosystem::Oci, None) => "no tag or digest (`latest`)".to_string(),
        (_, Some("latest")) => "`@latest`".to_string(),
        (_, Some(v)) => format!("range or tag `{v}`"),
        (_, None) => "no version".to_string(),
    };
    out.push(
        HitBuilder::server(
            &UNPINNED_PACKAGE,
            s,
            format!("`{}` runs {} unpinned: {why}", s.name, p.name),
        )
        .preview(format!("{}{auto}", shown_command(s)))
        .build(),
    );
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;

    #[test]
    fn distance_counts_edits() {
        assert_eq!(distance("filesystem", "filesytem", 2), Some(1));
        assert_eq!(distance("filesystem", "filesystme", 2), Some(1));
        assert_eq!(distance("abc", "xyz", 1), None);
    }

    #[test]
    fn known_malicious_positive_and_negative() {
        let f = fixture("supply/malicious");
        let m = with_rule(&f, "known-malicious");
        assert_eq!(m.len(), 1, "{f:#?}");
        assert_eq!(m[0].server.as_deref(), Some("postmark"));
        assert!(
            m[0].evidence.preview.contains("koi.security")
                || m[0].evidence.preview.contains("http")
        );
        // `postmark-mcp-official-sdk`-style near names are not listed packages.
        assert!(with_rule(&f, "known-malicious")
            .iter()
            .all(|x| x.server.as_deref() != Some("similar")));
    }

    #[test]
    fn known_malicious_matches_listed_versions_only() {
        let mut intel = crate::Intel::bundled();
        intel.malicious = crate::MaliciousList::parse(
            "version = 1\n[[package]]\necosystem = \"npm\"\nname = \"notes-sync-mcp\"\n\
             versions = [\"2.0.1\"]\nseverity = \"critical\"\nsummary = \"s\"\n\
             sources = [\"https://example.org/a\"]\n",
        )
        .unwrap();
        let l = parse(load("supply/versions"));
        let a = crate::assess(&crate::AssessInput {
            inventory: &l.inventory,
            snapshots: &[],
            changes: &[],
            approved: &[],
            intel: Some(&intel),
            scripts: &[],
        });
        let hit = servers_with(&a.findings, "known-malicious");
        // The bad version, and an unpinned launch that may resolve to it.
        assert!(
            hit.contains(&"bad-version") && hit.contains(&"unpinned"),
            "{hit:?}"
        );
        // A pinned version that is not listed: clean.
        assert!(!hit.contains(&"good-version"), "{hit:?}");
    }

    #[test]
    fn typosquat_positive_and_negative() {
        let f = fixture("supply/typosquat");
        let t = servers_with(&f, "typosquat");
        assert!(t.contains(&"fs-typo"), "{t:?}");
        assert!(t.contains(&"scope-typo"), "{t:?}");
        assert!(t.contains(&"git-typo"), "{t:?}");
        // The real packages and unrelated names are not look-alikes.
        for ok in ["fs-real", "git-real", "unrelated", "memory-real"] {
            assert!(!t.contains(&ok), "{ok} flagged: {t:?}");
        }
    }

    #[test]
    fn unpinned_positive_and_negative() {
        let f = fixture("supply/unpinned");
        let u = servers_with(&f, "unpinned-package");
        for bad in [
            "npx-latest",
            "npx-bare",
            "uvx-bare",
            "docker-tag",
            "npx-range",
        ] {
            assert!(u.contains(&bad), "{bad} not flagged: {u:?}");
        }
        for ok in ["npx-pinned", "uvx-pinned", "docker-digest"] {
            assert!(!u.contains(&ok), "{ok} flagged: {u:?}");
        }
        let y = with_rule(&f, "unpinned-package")
            .into_iter()
            .find(|x| x.server.as_deref() == Some("npx-bare"))
            .unwrap();
        assert!(y.evidence.preview.contains("-y"), "{y:?}");
    }

    #[test]
    fn unknown_source_positive_and_negative() {
        let f = fixture("supply/unknown");
        let u = servers_with_severity(&f, "unknown-source");
        assert!(u.contains(&("local-script", Severity::Medium)), "{u:?}");
        assert!(u.contains(&("git-pkg", Severity::High)), "{u:?}");
        assert!(u.contains(&("odd-host", Severity::Low)), "{u:?}");
        for ok in ["registry-pkg", "vendor-host", "loopback"] {
            assert!(!u.iter().any(|(n, _)| *n == ok), "{ok} flagged: {u:?}");
        }
    }
}
