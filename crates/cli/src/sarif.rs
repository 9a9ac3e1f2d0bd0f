//! SARIF 2.1.0 output, as GitHub code scanning accepts it. Shared by
//! `warden check` and `warden scan`: give it findings and, optionally, rule
//! metadata; rules missing from the metadata are described from the findings.

use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::Write;
use warden_model::{Finding, Severity};

/// What SARIF says about one rule.
#[derive(Debug, Clone)]
pub struct SarifRule {
    pub id: String,
    /// One line: "GitHub personal access token".
    pub title: String,
    /// Longer text or markdown shown as help; may be empty.
    pub help: String,
    pub severity: Severity,
}

/// A problem that is not a finding (an unreadable file): SARIF tool
/// execution notifications.
#[derive(Debug, Clone)]
pub struct SarifNote {
    pub path: String,
    pub message: String,
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// GitHub ranks security alerts by this number (0.1 to 10).
fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "1.0",
    }
}

/// A relative URI with forward slashes; absolute paths become `file://` URIs.
fn uri(path: &str) -> String {
    let p = path.replace('\\', "/");
    let p = p.strip_prefix("./").unwrap_or(&p).to_string();
    let mut enc = String::with_capacity(p.len());
    for c in p.chars() {
        match c {
            '%' => enc.push_str("%25"),
            ' ' => enc.push_str("%20"),
            '#' => enc.push_str("%23"),
            '?' => enc.push_str("%3F"),
            c if c.is_control() => enc.push_str(&format!("%{:02X}", c as u32)),
            c => enc.push(c),
        }
    }
    if enc.starts_with('/') {
        format!("file://{enc}")
    } else {
        enc
    }
}

/// The SARIF log as JSON.
pub fn to_sarif(
    findings: &[Finding],
    rules: &[SarifRule],
    notes: &[SarifNote],
    tool_version: &str,
) -> Value {
    let mut known: BTreeMap<String, SarifRule> =
        rules.iter().map(|r| (r.id.clone(), r.clone())).collect();
    for f in findings {
        known.entry(f.rule.clone()).or_insert_with(|| SarifRule {
            id: f.rule.clone(),
            title: f.title.clone(),
            help: f.remediation.clone(),
            severity: f.severity,
        });
    }
    // Only rules that are used or were asked for, in a stable order.
    let index: BTreeMap<&str, usize> = known
        .keys()
        .enumerate()
        .map(|(i, k)| (k.as_str(), i))
        .collect();
    let rules_json: Vec<Value> = known
        .values()
        .map(|r| {
            let help = if r.help.is_empty() { &r.title } else { &r.help };
            json!({
                "id": r.id,
                "name": r.id,
                "shortDescription": { "text": r.title },
                "fullDescription": { "text": r.title },
                "help": { "text": help },
                "defaultConfiguration": { "level": level(r.severity) },
                "properties": {
                    "tags": ["security"],
                    "security-severity": security_severity(r.severity),
                },
            })
        })
        .collect();
    let results: Vec<Value> = findings
        .iter()
        .map(|f| {
            let mut region = json!({ "startLine": f.location.line.unwrap_or(1).max(1) });
            if let Some(c) = f.location.column {
                region["startColumn"] = json!(c.max(1));
            }
            let mut message = format!("{}: {}", f.title, f.evidence.preview);
            if let Some(field) = &f.location.field {
                message.push_str(&format!(" (at {field})"));
            }
            json!({
                "ruleId": f.rule,
                "ruleIndex": index[f.rule.as_str()],
                "level": level(f.severity),
                "message": { "text": message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri(&f.location.path) },
                        "region": region,
                    }
                }],
                "partialFingerprints": { "wardenFindingId/v1": f.id },
                "properties": {
                    "category": f.category.as_str(),
                    "severity": f.severity.as_str(),
                    "security-severity": security_severity(f.severity),
                },
            })
        })
        .collect();
    let notifications: Vec<Value> = notes
        .iter()
        .map(|n| {
            json!({
                "level": "warning",
                "message": { "text": format!("{}: {}", n.path, n.message) },
                "locations": [{
                    "physicalLocation": { "artifactLocation": { "uri": uri(&n.path) } }
                }],
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "warden",
                    "version": tool_version,
                    "rules": rules_json,
                }
            },
            "columnKind": "unicodeCodePoints",
            "invocations": [{
                "executionSuccessful": true,
                "toolExecutionNotifications": notifications,
            }],
            "results": results,
        }]
    })
}

/// Writes [`to_sarif`] pretty-printed.
pub fn write(
    findings: &[Finding],
    rules: &[SarifRule],
    notes: &[SarifNote],
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let v = to_sarif(findings, rules, notes, env!("CARGO_PKG_VERSION"));
    serde_json::to_writer_pretty(&mut *out, &v)?;
    writeln!(out)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use warden_model::{Category, Evidence, Location};

    fn finding(path: &str, line: Option<u32>) -> Finding {
        Finding {
            id: "abc".into(),
            rule: "secret.github-pat".into(),
            category: Category::Secret,
            severity: Severity::Critical,
            title: "GitHub personal access token".into(),
            client: None,
            server: None,
            location: Location {
                path: path.into(),
                line,
                column: Some(3),
                field: None,
            },
            evidence: Evidence {
                preview: "ghp_…[40 chars redacted]".into(),
                fingerprint: Some("sha256:00".into()),
            },
            remediation: "Rotate it.".into(),
        }
    }

    #[test]
    fn sarif_has_what_github_requires() {
        let v = to_sarif(
            &[
                finding("./src/my app.env", Some(2)),
                finding("/abs/x", None),
            ],
            &[],
            &[SarifNote {
                path: "big.bin".into(),
                message: "too large".into(),
            }],
            "0.1.0",
        );
        assert_eq!(v["version"], "2.1.0");
        let run = &v["runs"][0];
        assert_eq!(run["tool"]["driver"]["name"], "warden");
        assert_eq!(run["tool"]["driver"]["rules"][0]["id"], "secret.github-pat");
        let r = &run["results"][0];
        assert_eq!(r["ruleId"], "secret.github-pat");
        assert_eq!(r["level"], "error");
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], "src/my%20app.env");
        assert_eq!(loc["region"]["startLine"], 2);
        assert_eq!(
            run["results"][1]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "file:///abs/x"
        );
        assert_eq!(
            run["results"][1]["locations"][0]["physicalLocation"]["region"]["startLine"],
            1
        );
        assert_eq!(
            run["invocations"][0]["toolExecutionNotifications"]
                .as_array()
                .unwrap()
                .len(),
            1
        );
    }
}
