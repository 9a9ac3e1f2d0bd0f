//! Redaction: the only sanctioned way to show a sensitive value.

use sha2::{Digest, Sha256};

/// `sha256:<hex>` of a sensitive value: lets findings and events match the same
/// secret without holding it.
pub fn fingerprint(secret: &str) -> String {
    let d = Sha256::digest(secret.as_bytes());
    let hex: String = d.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

/// A masked preview: at most the first 4 characters (fewer for short values),
/// then `…` and the length. Never enough to use or to brute-force the value.
pub fn redact_preview(secret: &str) -> String {
    let n = secret.chars().count();
    let keep = match n {
        0..=7 => 0,
        8..=15 => 2,
        _ => 4,
    };
    let head: String = secret.chars().take(keep).collect();
    format!("{head}…[{n} chars redacted]")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preview_hides_the_value() {
        let s = "ghp_abcdefghijklmnopqrstuvwxyz0123456789";
        let p = redact_preview(s);
        assert!(p.starts_with("ghp_"));
        assert!(!p.contains("abcdefgh"));
        assert!(p.contains("40 chars"));
        assert_eq!(redact_preview("short"), "…[5 chars redacted]");
    }

    #[test]
    fn fingerprint_is_stable_and_opaque() {
        assert_eq!(fingerprint("x"), fingerprint("x"));
        assert_ne!(fingerprint("x"), fingerprint("y"));
        assert!(fingerprint("hunter2").starts_with("sha256:"));
        assert!(!fingerprint("hunter2").contains("hunter2"));
    }
}

/// Flag and key names whose value is a credential.
const SECRET_NAMES: &[&str] = &[
    "token",
    "secret",
    "password",
    "passwd",
    "pwd",
    "apikey",
    "api-key",
    "api_key",
    "key",
    "auth",
    "authorization",
    "bearer",
    "credential",
    "credentials",
    "private",
];

fn names_secret(name: &str) -> bool {
    let n = name.trim_start_matches('-').to_ascii_lowercase();
    SECRET_NAMES.iter().any(|s| {
        n == *s
            || n.ends_with(&format!("-{s}"))
            || n.ends_with(&format!("_{s}"))
            || n.starts_with(&format!("{s}-"))
            || n.starts_with(&format!("{s}_"))
    })
}

/// Redact credentials in a URL: the password of `user:pass@`, and values of
/// query parameters with secret-looking names.
pub fn redact_url(url: &str) -> String {
    let mut out = url.to_string();
    if let Some(scheme_end) = out.find("://") {
        let rest_start = scheme_end + 3;
        let authority_end = out[rest_start..]
            .find(['/', '?', '#'])
            .map(|i| rest_start + i)
            .unwrap_or(out.len());
        if let Some(at) = out[rest_start..authority_end].rfind('@') {
            let userinfo = &out[rest_start..rest_start + at];
            if let Some(colon) = userinfo.find(':') {
                let pass = &userinfo[colon + 1..];
                let red = redact_preview(pass);
                out = format!(
                    "{}{}:{}{}",
                    &out[..rest_start],
                    &userinfo[..colon],
                    red,
                    &out[rest_start + at..]
                );
            }
        }
    }
    if let Some(q) = out.find('?') {
        let (base, query) = out.split_at(q + 1);
        let parts: Vec<String> = query
            .split('&')
            .map(|kv| match kv.split_once('=') {
                Some((k, v)) if names_secret(k) && !v.is_empty() => {
                    format!("{k}={}", redact_preview(v))
                }
                _ => kv.to_string(),
            })
            .collect();
        out = format!("{base}{}", parts.join("&"));
    }
    out
}

/// Redact secret-looking command-line arguments: `--token=X`, `--api-key X`,
/// `KEY=VALUE` pairs with secret names, and URLs with credentials.
pub fn redact_args(args: &[String]) -> Vec<String> {
    let mut out = Vec::with_capacity(args.len());
    let mut redact_next = false;
    for a in args {
        if redact_next {
            out.push(redact_preview(a));
            redact_next = false;
            continue;
        }
        if let Some((k, v)) = a.split_once('=') {
            if names_secret(k) && !v.is_empty() {
                out.push(format!("{k}={}", redact_preview(v)));
                continue;
            }
        }
        if a.starts_with('-') && !a.contains('=') && names_secret(a) {
            redact_next = true;
            out.push(a.clone());
            continue;
        }
        if a.contains("://") {
            out.push(redact_url(a));
            continue;
        }
        out.push(a.clone());
    }
    out
}

pub(crate) fn serialize_args<S: serde::Serializer>(
    args: &[String],
    s: S,
) -> Result<S::Ok, S::Error> {
    serde::Serialize::serialize(&redact_args(args), s)
}

pub(crate) fn serialize_url<S: serde::Serializer>(
    url: &Option<String>,
    s: S,
) -> Result<S::Ok, S::Error> {
    serde::Serialize::serialize(&url.as_deref().map(redact_url), s)
}

#[cfg(test)]
mod arg_tests {
    use super::*;

    #[test]
    fn redacts_flag_values_and_urls() {
        let args: Vec<String> = [
            "--api-key",
            "sk-live-1234567890abcdef",
            "--token=abcdef123456",
            "postgres://app:s3cretpassw0rd@db.prod:5432/app",
            "--port",
            "8080",
            "/home/dev/project",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let r = redact_args(&args).join(" ");
        assert!(!r.contains("1234567890abcdef"), "{r}");
        assert!(!r.contains("abcdef123456"), "{r}");
        assert!(!r.contains("s3cretpassw0rd"), "{r}");
        assert!(r.contains("8080") && r.contains("/home/dev/project"), "{r}");
        assert!(r.contains("db.prod:5432"), "{r}");
    }

    #[test]
    fn redacts_query_secrets() {
        let u = redact_url("https://mcp.example.com/sse?api_key=abcdef0123456789&x=1");
        assert!(!u.contains("abcdef0123456789"), "{u}");
        assert!(u.contains("x=1"));
    }
}
