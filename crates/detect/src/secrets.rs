//! Secret detection: provider tokens, private keys, JWTs and credentials in
//! connection strings.
//!
//! Rules are data: `rules/secrets/<family>.toml`, one file per provider
//! family. A test compiles them into `secrets/generated.rs` (static tables),
//! so a process pays nothing to parse them; `warden hook` starts a process
//! per tool call. At the first [`find`] one keyword prefilter is built over
//! every rule's keywords (`prefilter.rs`, microseconds); a rule's regex is
//! compiled only when one of its keywords occurs, and it is searched only in a
//! window around each keyword hit, so cost follows the hits, not the number of
//! rules.
//!
//! Evidence never holds a secret: a masked preview and a fingerprint.

mod checks;
mod generated;
mod prefilter;

use crate::Match;
pub(crate) use prefilter::KeywordFilter;
use regex_automata::{meta, Input};
use std::collections::HashMap;
use std::sync::OnceLock;
use warden_model::{fingerprint, redact_preview, Category, Evidence, Severity};

pub use checks::{crc32_base62_valid, shannon_entropy};

/// How a token's own checksum is verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checksum {
    /// GitHub and npm tokens: the last 6 characters are the CRC32 of the
    /// random body (after the `xxx_` prefix) in base62, zero-padded.
    Crc32Base62,
}

/// One secret type. Built from `rules/secrets/*.toml`.
#[derive(Debug, Clone, PartialEq)]
pub struct SecretRule {
    /// Namespaced id, `secret.github-pat`.
    pub id: &'static str,
    pub title: &'static str,
    /// The rule file it came from: `github`, `aws`, ...
    pub family: &'static str,
    pub severity: Severity,
    /// Literals (matched ASCII case-insensitively) that must occur for the
    /// rule to run.
    pub keywords: &'static [&'static str],
    /// Regex; capture group [`SecretRule::group`] is the secret.
    pub pattern: &'static str,
    pub group: usize,
    /// Minimum Shannon entropy (bits per character) of the secret.
    pub entropy: Option<f64>,
    pub checksum: Option<Checksum>,
    /// A pattern that every window holding a match also matches: a part of
    /// `pattern` that each match must contain, cheap to search for (a byte
    /// or literal first). Windows without it are not searched with
    /// `pattern` (`token` and `http` are everywhere in code; an assignment
    /// of a quoted token or a `user:pass@` is not).
    pub precheck: Option<&'static str>,
    /// Bytes searched before and after a keyword hit.
    pub lookbehind: usize,
    pub window: usize,
    /// A broad rule (e.g. `api_key = "..."`); a specific rule on the same
    /// text wins.
    pub generic: bool,
    /// Discard a match whose whole text contains one of these (ASCII
    /// case-insensitive): `@localhost` for URL credentials.
    pub deny: &'static [&'static str],
    /// Texts the rule must find (tests run every one).
    pub examples: &'static [&'static str],
    /// Texts the rule must not find.
    pub counter_examples: &'static [&'static str],
}

impl SecretRule {
    /// Compile this rule's pattern the way [`find`] does; `Err` says why not.
    pub fn compile_check(&self) -> Result<(), String> {
        for p in std::iter::once(self.pattern).chain(self.precheck) {
            compile(p).map_err(|e| e.to_string())?;
        }
        Ok(())
    }
}

/// Compile every rule now (a long-running process that wants steady
/// latency); otherwise each compiles on its first keyword hit.
pub fn warm_up() {
    let eng = engine();
    for i in 0..rules().len() {
        let _ = eng.regex(i);
    }
}

/// Every secret rule, in file order.
pub fn rules() -> &'static [SecretRule] {
    generated::RULES
}

struct Engine {
    filter: KeywordFilter,
    keywords: Vec<String>,
    /// For each keyword, the rules that use it.
    keyword_rules: Vec<Vec<u16>>,
    regexes: Vec<OnceLock<Option<meta::Regex>>>,
    prechecks: Vec<OnceLock<Option<meta::Regex>>>,
}

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let mut keywords: Vec<String> = Vec::new();
        let mut keyword_rules: Vec<Vec<u16>> = Vec::new();
        let mut slots: HashMap<String, usize> = HashMap::new();
        for (i, rule) in rules().iter().enumerate() {
            for kw in rule.keywords {
                let kw = kw.to_ascii_lowercase();
                let slot = *slots.entry(kw.clone()).or_insert_with(|| {
                    keywords.push(kw);
                    keyword_rules.push(Vec::new());
                    keywords.len() - 1
                });
                keyword_rules[slot].push(i as u16);
            }
        }
        Engine {
            filter: KeywordFilter::new(&keywords),
            keywords,
            keyword_rules,
            regexes: rules().iter().map(|_| OnceLock::new()).collect(),
            prechecks: rules().iter().map(|_| OnceLock::new()).collect(),
        }
    })
}

impl Engine {
    fn regex(&self, i: usize) -> Option<&meta::Regex> {
        self.regexes[i]
            .get_or_init(|| compile(rules()[i].pattern).ok())
            .as_ref()
    }

    fn precheck(&self, i: usize) -> Option<&meta::Regex> {
        self.prechecks[i]
            .get_or_init(|| rules()[i].precheck.and_then(|p| compile(p).ok()))
            .as_ref()
    }
}

/// Compile a rule pattern. Secrets are ASCII, so `\w`, `\b`, `\s` and
/// `(?i)` are ASCII-only: a tenth of the compile time of Unicode classes, and
/// word boundaries the fast engines can run. Matches are then checked for
/// UTF-8 boundaries before use.
/// No one-pass DFA: captures are only read from a match already found, a
/// short span the backtracker handles, and building it was a sixth of a
/// rule's compile time (a hook process compiles the rules its call hits).
pub(crate) fn compile(pattern: &str) -> Result<meta::Regex, Box<meta::BuildError>> {
    meta::Regex::builder()
        .configure(meta::Config::new().onepass(false))
        .syntax(
            regex_automata::util::syntax::Config::new()
                .unicode(false)
                .utf8(false),
        )
        .build(pattern)
        .map_err(Box::new)
}

fn floor_char(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_char(text: &str, mut i: usize) -> usize {
    while i < text.len() && !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// Find secrets in `text`. Spans are the secret's bytes; evidence is masked.
pub fn find(text: &str) -> Vec<Match> {
    let mut scan = SecretScan::default();
    engine()
        .filter
        .for_each_hit(text.as_bytes(), |k, start, end| {
            scan.hit(text, k, start, end)
        });
    scan.finish(text)
}

/// The keywords of the secret rules, lowercase, by keyword index: a caller
/// that scans for them along with other keywords feeds the hits to a
/// [`SecretScan`] (one pass over the text for several detectors).
pub(crate) fn keywords() -> &'static [String] {
    &engine().keywords
}

/// [`find`] fed keyword hits from outside.
#[derive(Default)]
pub(crate) struct SecretScan {
    /// (rule, window start, window end), merged per rule in `finish`.
    windows: Vec<(u16, usize, usize)>,
}

impl SecretScan {
    /// Keyword `k` of [`keywords`] occurs at `start..end` of `text`.
    pub(crate) fn hit(&mut self, text: &str, k: usize, start: usize, end: usize) {
        for &r in &engine().keyword_rules[k] {
            let rule = &rules()[r as usize];
            let s = floor_char(text, start.saturating_sub(rule.lookbehind));
            let e = ceil_char(text, (end + rule.window).min(text.len()));
            self.windows.push((r, s, e));
        }
    }

    /// The secrets in `text`, given every keyword hit in it.
    pub(crate) fn finish(self, text: &str) -> Vec<Match> {
        search_windows(text, self.windows)
    }
}

fn search_windows(text: &str, mut windows: Vec<(u16, usize, usize)>) -> Vec<Match> {
    let eng = engine();
    if windows.is_empty() {
        return Vec::new();
    }
    windows.sort_unstable();
    let mut merged: Vec<(u16, usize, usize)> = Vec::with_capacity(windows.len());
    for w in windows {
        match merged.last_mut() {
            Some(last) if last.0 == w.0 && w.1 <= last.2 => last.2 = last.2.max(w.2),
            _ => merged.push(w),
        }
    }
    let mut out = Vec::new();
    for (r, start, end) in merged {
        let Some(re) = eng.regex(r as usize) else {
            continue;
        };
        // Matches lie inside the window, and each holds a precheck match.
        if let Some(pre) = eng.precheck(r as usize) {
            if !pre.is_match(Input::new(text).span(start..end)) {
                continue;
            }
        }
        search_window(text, r as usize, re, start, end, &mut out);
    }
    dedupe(out)
}

fn search_window(
    text: &str,
    r: usize,
    re: &meta::Regex,
    start: usize,
    end: usize,
    out: &mut Vec<Match>,
) {
    let rule = &rules()[r];
    let mut caps = re.create_captures();
    let mut pos = start;
    while pos < end {
        re.search_captures(&Input::new(text).span(pos..end), &mut caps);
        let Some(m) = caps.get_match() else { break };
        pos = if m.end() > m.start() {
            m.end()
        } else {
            ceil_char(text, m.end() + 1)
        };
        let Some(g) = caps.get_group(rule.group) else {
            continue;
        };
        if !text.is_char_boundary(g.start)
            || !text.is_char_boundary(g.end)
            || !text.is_char_boundary(m.start())
            || !text.is_char_boundary(m.end())
        {
            continue;
        }
        let secret = &text[g.start..g.end];
        if denied(rule, &text[m.start()..m.end()]) {
            continue;
        }
        if let Some(found) = judge(rule, secret, g.start..g.end) {
            out.push(found);
        }
    }
}

fn denied(rule: &SecretRule, whole: &str) -> bool {
    !rule.deny.is_empty() && {
        let lower = whole.to_ascii_lowercase();
        rule.deny.iter().any(|d| lower.contains(d))
    }
}

/// Apply the checks every rule shares; `None` if the value is not a secret.
fn judge(rule: &SecretRule, secret: &str, span: std::ops::Range<usize>) -> Option<Match> {
    if checks::not_a_secret(secret, rule.generic) {
        return None;
    }
    if let Some(floor) = rule.entropy {
        if checks::shannon_entropy(secret) < floor {
            return None;
        }
    }
    let mut severity = rule.severity;
    let mut title = rule.title.to_string();
    if let Some(Checksum::Crc32Base62) = rule.checksum {
        if !checks::crc32_base62_valid(secret) {
            // Real tokens always pass; a failing one is mistyped or made up.
            severity = Severity::Low;
            title.push_str(" (checksum mismatch)");
        }
    }
    Some(Match {
        rule: rule.id.to_string(),
        category: Category::Secret,
        severity,
        title,
        span,
        evidence: Evidence {
            preview: redact_preview(secret),
            fingerprint: Some(fingerprint(secret)),
        },
    })
}

/// One finding per secret: the same span is reported once (most severe
/// rule first), and a generic rule yields to a specific one that overlaps it.
fn dedupe(mut v: Vec<Match>) -> Vec<Match> {
    let is_generic = |m: &Match| {
        rules()
            .iter()
            .find(|r| r.id == m.rule)
            .is_some_and(|r| r.generic)
    };
    v.sort_by(|a, b| {
        (a.span.start, a.span.end)
            .cmp(&(b.span.start, b.span.end))
            .then(is_generic(a).cmp(&is_generic(b)))
            .then(b.severity.cmp(&a.severity))
    });
    v.dedup_by(|later, kept| later.span == kept.span);
    let (generic, mut out): (Vec<Match>, Vec<Match>) = v.into_iter().partition(is_generic);
    let specific_spans: Vec<_> = out.iter().map(|m| m.span.clone()).collect();
    out.extend(generic.into_iter().filter(|g| {
        !specific_spans
            .iter()
            .any(|s| s.start < g.span.end && g.span.start < s.end)
    }));
    out.sort_by_key(|m| m.span.start);
    out
}

#[cfg(test)]
mod tests;
