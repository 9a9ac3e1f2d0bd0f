//! Remote servers: `insecure-transport`, `no-auth`.

use super::{Ctx, Hit, HitBuilder, Rule};
use crate::launch::{is_loopback, url_host};
use warden_model::{redact_url, Category, ServerDef, Severity};

pub static INSECURE_TRANSPORT: Rule = Rule {
    id: "insecure-transport",
    category: Category::InsecureTransport,
    severity: Severity::Medium,
    title: "Remote server reached over plain HTTP",
    what: "Flags a remote (HTTP or SSE) server, or the remote URL given to a bridge such as \
           `mcp-remote` (or after `--url`, `--sse`, `--server`), that uses `http://` to a host \
           other than loopback. High when \
           credentials (headers, URL userinfo or key parameters) travel with it.",
    why: "Plain HTTP lets anyone on the network path read and change the traffic: tool \
          definitions can be swapped for poisoned ones, results altered, and tokens stolen.",
    fix: "Use the server's `https://` endpoint; for a server on your own network, put TLS in \
          front of it.",
};

pub static NO_AUTH: Rule = Rule {
    id: "no-auth",
    category: Category::NoAuth,
    severity: Severity::Medium,
    title: "Remote server configured without credentials",
    what: "Flags a remote server on a non-loopback host whose config carries no credential: \
           no Authorization or key-like header, no credential in the URL. Vendor hosts on \
           the reference list (data/intel/reference.toml) are skipped: their clients \
           negotiate OAuth.",
    why: "A server that accepts unauthenticated requests serves anyone who can reach it, and \
          nothing ties its answers to an accountable operator: a look-alike endpoint is \
          indistinguishable from the real one.",
    fix: "Configure the server's authentication (OAuth, or a token passed with \
          `${VAR}` expansion in a header); if it has none, do not expose it beyond loopback.",
};

fn credential_header(k: &str) -> bool {
    let k = k.to_ascii_lowercase();
    [
        "authorization",
        "key",
        "token",
        "auth",
        "secret",
        "cookie",
        "session",
    ]
    .iter()
    .any(|w| k.contains(w))
}

fn url_has_credential(u: &str) -> bool {
    // Redaction changes exactly the credential parts of a URL.
    redact_url(u) != u
}

/// Packages that bridge a stdio client to a remote server given as an argument.
const BRIDGES: &[&str] = &[
    "mcp-remote",
    "supergateway",
    "mcp-proxy",
    "@pyroprompts/mcp-stdio-to-streamable-http-adapter",
];

/// Flags whose value is the remote server's URL.
const URL_FLAGS: &[&str] = &[
    "--url",
    "--sse",
    "--server",
    "--server-url",
    "--endpoint",
    "--streamableHttp",
];

/// URLs a server talks to: its own, or a bridge's remote URL argument.
fn remote_urls(s: &ServerDef) -> Vec<&str> {
    if let Some(u) = &s.url {
        return vec![u.as_str()];
    }
    let bridge = matches!(crate::launch::launch(s), crate::launch::Launch::Package(p) if BRIDGES.contains(&p.name.as_str()));
    let mut v = Vec::new();
    let mut prev = "";
    for a in &s.args {
        let is_url = a.starts_with("http://") || a.starts_with("https://");
        if is_url && (bridge || URL_FLAGS.contains(&prev)) {
            v.push(a.as_str());
        } else if let Some((flag, val)) = a.split_once('=') {
            if URL_FLAGS.contains(&flag)
                && (val.starts_with("http://") || val.starts_with("https://"))
            {
                v.push(val);
            }
        }
        prev = a;
    }
    v
}

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Hit>) {
    for s in &ctx.inv.servers {
        let creds = s
            .header_keys
            .iter()
            .chain(s.headers.keys())
            .any(|k| credential_header(k))
            || s.env
                .keys()
                .any(|k| credential_header(k) && s.url.is_none());
        for u in remote_urls(s) {
            let Some(host) = url_host(u) else { continue };
            if is_loopback(&host) {
                continue;
            }
            let with_creds = creds || url_has_credential(u);
            if u.to_ascii_lowercase().starts_with("http://") {
                out.push(
                    HitBuilder::server(
                        &INSECURE_TRANSPORT,
                        s,
                        format!("`{}` talks plain HTTP to {host}", s.name),
                    )
                    .severity(if with_creds {
                        Severity::High
                    } else {
                        Severity::Medium
                    })
                    .preview(redact_url(u))
                    .disc(&host)
                    .build(),
                );
            }
            // Only a server's own URL: a bridge's credentials may come from its env.
            if s.url.is_some() && !with_creds && ctx.intel.reference.known_host(&host).is_none() {
                out.push(
                    HitBuilder::server(
                        &NO_AUTH,
                        s,
                        format!("`{}` sends no credentials to {host}", s.name),
                    )
                    .preview(redact_url(u))
                    .disc(&host)
                    .build(),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use warden_model::Severity;

    #[test]
    fn insecure_transport_positive_and_negative() {
        let f = fixture("network/remote");
        let t = servers_with_severity(&f, "insecure-transport");
        assert!(t.contains(&("plain-with-token", Severity::High)), "{t:?}");
        assert!(t.contains(&("bridge-plain", Severity::Medium)), "{t:?}");
        // A plain-HTTP proxy setting is not the server's transport.
        for ok in [
            "local-http",
            "tls-with-token",
            "vendor-oauth",
            "proxied-fetch",
        ] {
            assert!(!t.iter().any(|(n, _)| *n == ok), "{ok}: {t:?}");
        }
        assert_no_secret_leak(&f, &fixture_secrets("network/remote"));
    }

    #[test]
    fn no_auth_positive_and_negative() {
        let f = fixture("network/remote");
        let n = servers_with(&f, "no-auth");
        assert!(n.contains(&"tls-no-creds"), "{n:?}");
        for ok in [
            "tls-with-token",
            "vendor-oauth",
            "local-http",
            "plain-with-token",
        ] {
            assert!(!n.contains(&ok), "{ok}: {n:?}");
        }
    }
}
