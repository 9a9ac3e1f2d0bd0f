//! Rule-file tests: the generated table matches `rules/secrets/*.toml`, and
//! every rule finds each of its examples and none of its counter-examples.

use super::*;
use std::collections::BTreeSet;
use std::path::PathBuf;

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    rule: Vec<RawRule>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: String,
    title: String,
    severity: Severity,
    keywords: Vec<String>,
    pattern: String,
    #[serde(default = "one")]
    group: usize,
    entropy: Option<f64>,
    checksum: Option<String>,
    precheck: Option<String>,
    #[serde(default = "default_lookbehind")]
    lookbehind: usize,
    #[serde(default = "default_window")]
    window: usize,
    #[serde(default)]
    generic: bool,
    #[serde(default)]
    deny: Vec<String>,
    examples: Vec<String>,
    counter_examples: Vec<String>,
}

fn one() -> usize {
    1
}
fn default_lookbehind() -> usize {
    64
}
fn default_window() -> usize {
    512
}

fn severity_path(s: Severity) -> &'static str {
    match s {
        Severity::Info => "Severity::Info",
        Severity::Low => "Severity::Low",
        Severity::Medium => "Severity::Medium",
        Severity::High => "Severity::High",
        Severity::Critical => "Severity::Critical",
    }
}

fn rules_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("rules/secrets")
}

/// Parse and check every rule file, and render the generated Rust table.
fn render() -> String {
    let mut files: Vec<PathBuf> = std::fs::read_dir(rules_dir())
        .expect("rules/secrets exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    let mut ids = BTreeSet::new();
    let mut out = String::from(
        "//! @generated from `rules/secrets/*.toml` by the `generated_table_is_current`\n\
         //! test; regenerate with `WARDEN_REGEN=1 cargo test -p warden-detect secrets`.\n\
         //! Do not edit by hand.\n\n\
         use super::{Checksum, SecretRule};\n\
         use warden_model::Severity;\n\n\
         #[rustfmt::skip]\n\
         pub(super) static RULES: &[SecretRule] = &[\n",
    );
    for f in files {
        let family = f.file_stem().unwrap().to_str().unwrap().to_string();
        let text = std::fs::read_to_string(&f).unwrap();
        let parsed: RuleFile =
            toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        for r in parsed.rule {
            let id = format!("secret.{}", r.id);
            assert!(ids.insert(id.clone()), "duplicate rule id {id}");
            assert!(!r.keywords.is_empty(), "{id}: no keywords");
            for k in &r.keywords {
                assert!(k.len() >= 3, "{id}: keyword {k:?} is shorter than 3 bytes");
            }
            assert!(!r.examples.is_empty(), "{id}: no examples");
            assert!(!r.counter_examples.is_empty(), "{id}: no counter_examples");
            let re = compile(&r.pattern).unwrap_or_else(|e| panic!("{id}: {e}"));
            assert!(
                re.captures_len() > r.group,
                "{id}: pattern has no capture group {}",
                r.group
            );
            // The precheck is a part of every match: each example holds one.
            if let Some(p) = &r.precheck {
                let pre = compile(p).unwrap_or_else(|e| panic!("{id}: precheck: {e}"));
                for ex in &r.examples {
                    assert!(pre.is_match(ex), "{id}: precheck misses example {ex:?}");
                }
            }
            let checksum = match r.checksum.as_deref() {
                None => "None".to_string(),
                Some("crc32-base62") => "Some(Checksum::Crc32Base62)".to_string(),
                Some(other) => panic!("{id}: unknown checksum {other}"),
            };
            let list = |v: &[String]| {
                let items: Vec<String> = v.iter().map(|s| format!("{s:?}")).collect();
                format!("&[{}]", items.join(", "))
            };
            out.push_str(&format!(
                "    SecretRule {{\n        id: {id:?},\n        title: {:?},\n        family: {family:?},\n        severity: {},\n        keywords: {},\n        pattern: {:?},\n        group: {},\n        entropy: {:?},\n        checksum: {checksum},\n        precheck: {:?},\n        lookbehind: {},\n        window: {},\n        generic: {},\n        deny: {},\n        examples: {},\n        counter_examples: {},\n    }},\n",
                r.title,
                severity_path(r.severity),
                list(&r.keywords),
                r.pattern,
                r.group,
                r.entropy,
                r.precheck,
                r.lookbehind,
                r.window,
                r.generic,
                list(&r.deny.iter().map(|d| d.to_ascii_lowercase()).collect::<Vec<_>>()),
                list(&r.examples),
                list(&r.counter_examples),
            ));
        }
    }
    out.push_str("];\n");
    out
}

#[test]
fn generated_table_is_current() {
    let want = render();
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src/secrets/generated.rs");
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    if have != want {
        if std::env::var_os("WARDEN_REGEN").is_some() {
            std::fs::write(&path, want).unwrap();
        } else {
            panic!(
                "src/secrets/generated.rs is out of date with rules/secrets/*.toml: \
                 run `WARDEN_REGEN=1 cargo test -p warden-detect secrets`"
            );
        }
    }
}

#[test]
fn at_least_120_token_types() {
    assert!(rules().len() >= 120, "only {} secret rules", rules().len());
}

#[test]
fn every_rule_finds_its_examples_and_not_its_counter_examples() {
    let mut failures = Vec::new();
    for rule in rules() {
        for ex in rule.examples {
            let found = find(ex);
            match found.iter().find(|m| m.rule == rule.id) {
                None => failures.push(format!(
                    "{}: missed example {ex:?} (found {:?})",
                    rule.id,
                    found.iter().map(|m| &m.rule).collect::<Vec<_>>()
                )),
                Some(m) => {
                    let secret = &ex[m.span.clone()];
                    if m.evidence.preview.contains(secret)
                        || m.evidence
                            .fingerprint
                            .as_deref()
                            .unwrap_or("")
                            .contains(secret)
                    {
                        failures.push(format!("{}: evidence shows the secret", rule.id));
                    }
                }
            }
        }
        for ce in rule.counter_examples {
            if find(ce).iter().any(|m| m.rule == rule.id) {
                failures.push(format!("{}: fired on counter-example {ce:?}", rule.id));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The first documented example of a classic GitHub token.
fn github_pat_example() -> &'static str {
    rules()
        .iter()
        .find(|r| r.id == "secret.github-pat")
        .unwrap()
        .examples[0]
}

#[test]
fn checksum_failure_lowers_severity() {
    let ok = github_pat_example();
    let m = &find(ok)[0];
    assert_eq!(m.severity, Severity::Critical);
    let token = &ok[m.span.clone()];
    let mut tampered = token.to_string();
    tampered.replace_range(10..11, if &token[10..11] == "Q" { "R" } else { "Q" });
    let m = &find(&tampered)[0];
    assert_eq!(m.rule, "secret.github-pat");
    assert_eq!(m.severity, Severity::Low);
    assert!(m.title.contains("checksum"));
}

#[test]
fn generic_rule_yields_to_specific() {
    let ok = github_pat_example();
    let m = &find(ok)[0];
    let token = &ok[m.span.clone()];
    let text = format!("api_key = \"{token}\"");
    let found = find(&text);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].rule, "secret.github-pat");
}

#[test]
fn plain_source_has_no_secrets() {
    let src = "fn main() { let task_id = 42; let disk_usage = risk_score(); }\n\
               integrity: sha512-Q2FmZSBkZSBsYSBwYWl4IGV0IGR1IGJvbiBjYWZl==\n\
               id = \"123e4567-e89b-12d3-a456-426614174000\"\n";
    assert!(find(src).is_empty(), "{:?}", find(src));
}

#[test]
fn empty_and_odd_text_does_not_panic() {
    assert!(find("").is_empty());
    let odd = "ghp_é\u{0}sk-ant-\u{202e}AKIA🦀".repeat(100);
    let _ = find(&odd);
}

#[test]
fn multibyte_characters_around_and_inside_secrets_do_not_panic() {
    // ASCII-only regexes see bytes: a match must never split a character.
    for rule in rules() {
        for ex in rule.examples {
            let bounds: Vec<usize> = (0..=ex.len())
                .filter(|&i| ex.is_char_boundary(i))
                .step_by(3)
                .collect();
            for i in bounds {
                for ins in ["é", "🦀", "\u{202e}"] {
                    let mut t = ex.to_string();
                    t.insert_str(i, ins);
                    let _ = find(&t);
                }
            }
        }
    }
}
