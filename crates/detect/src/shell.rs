//! Destructive shell commands. [`parse`] splits a command line the way a
//! shell would (see [`parse`](self::parse) module docs); [`analyze`] judges
//! every simple command against the data rules in `rules/shell/*.toml`
//! (compiled into `shell/generated.rs`; see `rules/shell/README.md` for the
//! matcher fields). Regexes are compiled per rule on first use, so a hook
//! process pays only for the rules of the programs it sees.

#[rustfmt::skip]
mod generated;
pub mod parse;
#[cfg(test)]
mod rules_test;

pub use parse::{parse_bounded, Parsed, Redirect, SimpleCommand};

use crate::Match;
use regex_lite::{Regex, RegexBuilder};
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use warden_model::{Category, Evidence, Severity};

/// Parse `cmd` into the simple commands it runs (bounded; never panics).
pub fn parse(cmd: &str) -> Vec<SimpleCommand> {
    parse_bounded(cmd).commands
}

/// A destructive-command rule, as compiled from `rules/shell/*.toml`.
#[derive(Debug)]
pub(crate) struct RuleDef {
    pub id: &'static str,
    pub family: &'static str,
    pub title: &'static str,
    pub severity: Severity,
    pub description: &'static str,
    pub programs: &'static [&'static str],
    pub subcommand: &'static [&'static str],
    pub positional_any: &'static str,
    pub flags_all: &'static [&'static [&'static str]],
    pub flags_any: &'static [&'static str],
    pub flags_none: &'static [&'static str],
    pub args_any: &'static str,
    pub args_not_all: &'static str,
    pub argv_regex: &'static str,
    pub redirect_regex: &'static str,
    pub sql: &'static str,
    pub sql_none: &'static str,
    pub stdin_from: &'static [&'static str],
    pub reads_code_from_stdin: bool,
    pub raw_regex: &'static str,
    pub raw_requires: &'static [&'static str],
}

/// Public description of one rule (for `warden rules` and docs).
#[derive(Debug, Clone, PartialEq)]
pub struct ShellRuleInfo {
    pub id: &'static str,
    pub title: &'static str,
    pub severity: Severity,
    pub description: &'static str,
}

/// Every shell rule.
pub fn rules() -> Vec<ShellRuleInfo> {
    generated::RULES
        .iter()
        .map(|r| ShellRuleInfo {
            id: r.id,
            title: r.title,
            severity: r.severity,
            description: r.description,
        })
        .collect()
}

/// A rule's regexes, compiled on first use. `None` when a pattern does not
/// compile (the rule is then off; a test keeps that from shipping).
struct Rx {
    positional_any: Option<Regex>,
    args_any: Option<Regex>,
    args_not_all: Option<Regex>,
    argv: Option<Regex>,
    redirect: Option<Regex>,
    sql: Option<Regex>,
    sql_none: Option<Regex>,
    raw: Option<Regex>,
}

/// `\b`, `\w` and `\d` made ASCII-only: the Unicode versions cost about a
/// millisecond each to compile, which a hook process started per tool call
/// cannot afford; commands and the phrases we look for are ASCII.
pub(crate) fn ascii_classes(p: &str) -> String {
    p.replace(r"\b", r"(?-u:\b)")
        .replace(r"\w", "[0-9A-Za-z_]")
        .replace(r"\d", "[0-9]")
}

/// Compile a rule pattern once per process, even when several rules share
/// it (the build-artifact list of the `rm` rules is long).
///
/// `regex-lite`: a hook process judges one short command line, so compile
/// time is what counts (regex-automata spent ~230k instructions per small
/// pattern building its engines; regex-lite a tenth of that). Its `\w`, `\d`,
/// `\s` and `\b` are ASCII, as commands and SQL keywords are.
fn compile(p: &'static str, ci: bool) -> Result<Option<Regex>, regex_lite::Error> {
    static CACHE: OnceLock<Mutex<HashMap<(&'static str, bool), Regex>>> = OnceLock::new();
    if p.is_empty() {
        return Ok(None);
    }
    let cache = CACHE.get_or_init(Default::default);
    if let Some(re) = cache.lock().ok().and_then(|c| c.get(&(p, ci)).cloned()) {
        return Ok(Some(re));
    }
    let re = RegexBuilder::new(p)
        .case_insensitive(ci)
        .size_limit(1 << 20)
        .build()?;
    if let Ok(mut c) = cache.lock() {
        c.insert((p, ci), re.clone());
    }
    Ok(Some(re))
}

impl Rx {
    fn new(r: &RuleDef) -> Result<Rx, regex_lite::Error> {
        Ok(Rx {
            positional_any: compile(r.positional_any, false)?,
            args_any: compile(r.args_any, false)?,
            args_not_all: compile(r.args_not_all, false)?,
            argv: compile(r.argv_regex, false)?,
            redirect: compile(r.redirect_regex, false)?,
            sql: compile(r.sql, true)?,
            sql_none: compile(r.sql_none, true)?,
            raw: compile(r.raw_regex, false)?,
        })
    }
}

struct Engine {
    by_program: HashMap<&'static str, Vec<usize>>,
    /// (prefix, rule) for `name*` program patterns.
    prefixed: Vec<(&'static str, usize)>,
    /// Rules with no program (judge every command).
    any_program: Vec<usize>,
    /// Rules on the whole command line.
    raw: Vec<usize>,
    rx: Vec<OnceLock<Option<Rx>>>,
}

fn engine() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| {
        let mut e = Engine {
            by_program: HashMap::with_capacity(generated::RULES.len() * 2),
            prefixed: Vec::new(),
            any_program: Vec::new(),
            raw: Vec::new(),
            rx: (0..generated::RULES.len())
                .map(|_| OnceLock::new())
                .collect(),
        };
        for (i, r) in generated::RULES.iter().enumerate() {
            if !r.raw_regex.is_empty() {
                e.raw.push(i);
            } else if r.programs.is_empty() {
                e.any_program.push(i);
            }
            for p in r.programs {
                match p.strip_suffix('*') {
                    Some(prefix) => e.prefixed.push((prefix, i)),
                    None => e.by_program.entry(p).or_default().push(i),
                }
            }
        }
        e
    })
}

impl Engine {
    fn rx(&self, i: usize) -> Option<&Rx> {
        self.rx[i]
            .get_or_init(|| Rx::new(&generated::RULES[i]).ok())
            .as_ref()
    }
}

/// What the matchers look at in one command, computed once.
struct View<'a> {
    cmd: &'a SimpleCommand,
    /// Arguments after the program that are not flags (and all after `--`).
    positionals: Vec<&'a str>,
    /// Flags before `--`.
    flags: Vec<&'a str>,
    joined: String,
}

impl<'a> View<'a> {
    fn new(cmd: &'a SimpleCommand) -> View<'a> {
        let mut positionals = Vec::new();
        let mut flags = Vec::new();
        let mut after_dd = false;
        for a in cmd.argv.iter().skip(1) {
            if after_dd || a == "-" || !a.starts_with('-') {
                positionals.push(a.as_str());
            } else if a == "--" {
                after_dd = true;
            } else {
                flags.push(a.as_str());
            }
        }
        View {
            cmd,
            positionals,
            flags,
            joined: cmd
                .argv
                .iter()
                .skip(1)
                .cloned()
                .collect::<Vec<_>>()
                .join(" "),
        }
    }

    fn has_flag(&self, spec: &str) -> bool {
        self.flags.iter().any(|a| flag_matches(a, spec))
    }

    /// Statements sent to a database CLI: arguments, `--x=value` values, stdin.
    fn statements(&self) -> Vec<String> {
        let mut texts: Vec<&str> = self.positionals.clone();
        for f in &self.flags {
            if let Some((_, v)) = f.split_once('=') {
                texts.push(v);
            }
        }
        if let Some(s) = &self.cmd.stdin {
            texts.push(s);
        }
        texts
            .iter()
            .flat_map(|t| t.split(';'))
            .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|s| !s.is_empty())
            .collect()
    }
}

/// `--long` matches `--long` and `--long=v`; `-x` matches inside a short
/// cluster (`-rf`); `-word` matches exactly.
fn flag_matches(arg: &str, spec: &str) -> bool {
    if arg == spec {
        return true;
    }
    if spec.starts_with("--") || spec.len() > 2 {
        return arg.strip_prefix(spec).is_some_and(|r| r.starts_with('='));
    }
    let Some(letter) = spec.chars().nth(1) else {
        return false;
    };
    match arg.strip_prefix('-') {
        Some(cluster) if !cluster.starts_with('-') && !cluster.contains('=') => {
            cluster.chars().all(|c| c.is_ascii_alphanumeric()) && cluster.contains(letter)
        }
        _ => false,
    }
}

/// The conditions that need no regex: checked first, so a rule's patterns
/// are compiled only when the command gets that far.
fn cheap_matches(r: &RuleDef, v: &View, all: &[SimpleCommand]) -> bool {
    if !r.subcommand.is_empty() {
        let n = r.subcommand.len();
        let found = (0..3).any(|start| {
            v.positionals.len() >= start + n
                && v.positionals[start..start + n]
                    .iter()
                    .zip(r.subcommand)
                    .all(|(a, b)| a.eq_ignore_ascii_case(b))
        });
        if !found {
            return false;
        }
    }
    if !r
        .flags_all
        .iter()
        .all(|group| group.iter().any(|f| v.has_flag(f)))
    {
        return false;
    }
    if !r.flags_any.is_empty() && !r.flags_any.iter().any(|f| v.has_flag(f)) {
        return false;
    }
    if r.flags_none.iter().any(|f| v.has_flag(f)) {
        return false;
    }
    if !r.stdin_from.is_empty() && !fed_by(v.cmd, all, r.stdin_from) {
        return false;
    }
    if r.reads_code_from_stdin && !reads_code_from_stdin(v) {
        return false;
    }
    if !r.redirect_regex.is_empty() && !v.cmd.redirects.iter().any(|d| d.op.contains('>')) {
        return false;
    }
    true
}

fn regex_matches(rx: &Rx, v: &View) -> bool {
    if let Some(re) = &rx.positional_any {
        if !v.positionals.iter().take(6).any(|p| re.is_match(p)) {
            return false;
        }
    }
    if let Some(re) = &rx.args_any {
        if !v.positionals.iter().any(|p| re.is_match(p)) {
            return false;
        }
    }
    if let Some(re) = &rx.args_not_all {
        if !v.positionals.is_empty() && v.positionals.iter().all(|p| re.is_match(p)) {
            return false;
        }
    }
    if let Some(re) = &rx.argv {
        if !re.is_match(&v.joined) {
            return false;
        }
    }
    if let Some(re) = &rx.redirect {
        let out = v
            .cmd
            .redirects
            .iter()
            .filter(|d| d.op.contains('>'))
            .any(|d| re.is_match(&d.target));
        if !out {
            return false;
        }
    }
    if let Some(re) = &rx.sql {
        let hit = v
            .statements()
            .iter()
            .any(|s| re.is_match(s) && !rx.sql_none.as_ref().is_some_and(|n| n.is_match(s)));
        if !hit {
            return false;
        }
    }
    true
}

/// True when a program in `progs` is upstream of `cmd` in its pipeline.
fn fed_by(cmd: &SimpleCommand, all: &[SimpleCommand], progs: &[&str]) -> bool {
    let mut cur = cmd.pipe_source;
    for _ in 0..64 {
        let Some(i) = cur else { return false };
        let Some(src) = all.get(i) else { return false };
        if progs.contains(&src.program()) {
            return true;
        }
        cur = src.pipe_source;
    }
    false
}

/// An interpreter with no script argument (or `-`) runs what arrives on stdin.
fn reads_code_from_stdin(v: &View) -> bool {
    if v.flags
        .iter()
        .any(|f| flag_matches(f, "-c") || flag_matches(f, "-e"))
    {
        return false;
    }
    // Positionals after `--` are arguments to the stdin script (`bash -s -- x`).
    let before_dd: Vec<&str> = v
        .cmd
        .argv
        .iter()
        .skip(1)
        .take_while(|a| *a != "--")
        .filter(|a| *a == "-" || !a.starts_with('-'))
        .map(String::as_str)
        .collect();
    before_dd.first().is_none_or(|p| *p == "-")
}

fn preview(cmd: &SimpleCommand) -> String {
    let mut parts: Vec<String> = cmd.wrappers.clone();
    parts.extend(warden_model::redact_args(&cmd.argv));
    let mut s = parts.join(" ");
    if let Some(via) = &cmd.via {
        s.push_str(&format!(" (via {via})"));
    }
    if s.chars().count() > 200 {
        s = s.chars().take(200).collect::<String>() + "…";
    }
    s
}

/// Every destructive simple command in `cmd`, most severe rule per family.
pub fn analyze(cmd: &str) -> Vec<Match> {
    let e = engine();
    let parsed = parse_bounded(cmd);
    let mut out: Vec<Match> = Vec::new();
    let mut end = cmd.len().min(parse::MAX_LEN);
    while !cmd.is_char_boundary(end) {
        end -= 1;
    }
    let bounded = &cmd[..end];
    for &i in &e.raw {
        let r = &generated::RULES[i];
        if !r.raw_requires.iter().all(|lit| bounded.contains(lit)) {
            continue;
        }
        if let Some(m) = e
            .rx(i)
            .and_then(|rx| rx.raw.as_ref())
            .and_then(|re| re.find(bounded).map(|m| m.range()))
        {
            out.push(to_match(r, m.clone(), snippet(&cmd[m])));
        }
    }
    for c in &parsed.commands {
        let prog = c.program();
        if prog.is_empty() && c.redirects.is_empty() {
            continue;
        }
        let v = View::new(c);
        let mut hits: Vec<&RuleDef> = Vec::new();
        let exact = e.by_program.get(prog).map(Vec::as_slice).unwrap_or(&[]);
        let prefixed = e
            .prefixed
            .iter()
            .filter(|(p, _)| prog.starts_with(p))
            .map(|(_, i)| *i);
        for i in exact
            .iter()
            .copied()
            .chain(prefixed)
            .chain(e.any_program.iter().copied())
        {
            let r = &generated::RULES[i];
            if !cheap_matches(r, &v, &parsed.commands) {
                continue;
            }
            let Some(rx) = e.rx(i) else { continue };
            if regex_matches(rx, &v) {
                match hits.iter_mut().find(|h| h.family == r.family) {
                    Some(h) if h.severity < r.severity => *h = r,
                    Some(_) => {}
                    None => hits.push(r),
                }
            }
        }
        for r in hits {
            out.push(to_match(r, c.span.clone(), preview(c)));
        }
    }
    if parsed.truncated {
        out.push(Match {
            rule: "shell.too-complex".into(),
            category: Category::DestructiveTool,
            severity: Severity::Medium,
            title: "Command too long or too deeply nested to analyse fully".into(),
            span: 0..cmd.len(),
            evidence: Evidence {
                preview: format!(
                    "{} bytes; analysed the first {} bytes and {} levels of nesting",
                    cmd.len(),
                    parse::MAX_LEN,
                    parse::MAX_DEPTH
                ),
                fingerprint: None,
            },
        });
    }
    out.dedup_by(|a, b| a.rule == b.rule && a.span == b.span);
    out
}

fn snippet(s: &str) -> String {
    s.chars().take(120).collect()
}

fn to_match(r: &RuleDef, span: std::ops::Range<usize>, preview: String) -> Match {
    Match {
        rule: r.id.to_string(),
        category: Category::DestructiveTool,
        severity: r.severity,
        title: r.title.to_string(),
        span,
        evidence: Evidence {
            preview,
            fingerprint: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(cmd: &str) -> Vec<String> {
        analyze(cmd).into_iter().map(|m| m.rule).collect()
    }

    #[test]
    fn ordinary_commands_are_not_flagged() {
        for c in [
            "echo hello > /home/me/project/out.txt",
            "rm build/tmp.o",
            "git push",
            "git push origin main",
            "psql -c \"SELECT * FROM t; DELETE FROM t WHERE id=1\"",
            "kubectl get pods -A",
            "terraform plan",
            "cargo test -p warden-detect",
            "ls -la | grep x > out.txt",
            "npm install && npm run build",
            "git commit -m 'rm -rf / is bad'",
            "grep -r 'DROP TABLE' migrations/",
            "git checkout -b feature/x",
            "git rebase -i HEAD~3",
            "git reset HEAD~1",
            "docker run --rm -it node:20 npm test",
            "docker rm old-container",
            "kubectl apply -f k8s/",
            "kubectl rollout restart deploy/web",
            "helm upgrade --install web ./chart",
            "gh pr merge 12 --squash --delete-branch",
            "aws s3 cp ./dist s3://bucket/ --recursive",
            "gcloud config set project demo",
            "rm -f *.log && rm -rf node_modules && npm ci",
            "cargo clean && cargo build --release",
            "sed -i 's/a/b/' src/main.rs",
            "chmod +x scripts/run.sh",
            "mv src/old.rs src/new.rs",
            "sqlite3 app.db .dump > backup.sql",
            "mysql -e 'DELETE FROM sessions WHERE expires < NOW()'",
            "python3 -c 'import os; print(os.getcwd())'",
            "bash -c 'echo hi'",
            "echo 'rm -rf /' >> notes.txt",
            "curl -fsSL https://example.com/data.json -o data.json",
            "make clean",
        ] {
            assert!(analyze(c).is_empty(), "{c} gave {:?}", analyze(c));
        }
    }

    #[test]
    fn severity_and_span() {
        let m = analyze("cd x && sudo rm -rf ~ ; ls");
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].severity, Severity::Critical);
        assert_eq!(m[0].rule, "shell.rm-critical");
        assert_eq!(
            &"cd x && sudo rm -rf ~ ; ls"[m[0].span.clone()],
            "sudo rm -rf ~"
        );
        assert_eq!(m[0].category, Category::DestructiveTool);
        assert_eq!(ids("rm -rf src"), vec!["shell.rm-recursive-force"]);
        assert_eq!(analyze("rm -rf src")[0].severity, Severity::High);
    }

    #[test]
    fn secrets_in_commands_are_redacted_in_evidence() {
        let m = analyze("psql --password=hunter2secretvalue -c 'DROP TABLE x'");
        assert_eq!(m.len(), 1);
        assert!(
            !m[0].evidence.preview.contains("hunter2secretvalue"),
            "{}",
            m[0].evidence.preview
        );
    }

    #[test]
    fn huge_or_deep_input_is_bounded() {
        let huge = format!("echo {}; rm -rf /", "a".repeat(200_000));
        let m = analyze(&huge);
        assert!(m.iter().any(|m| m.rule == "shell.too-complex"));
        let deep = format!("{}rm -rf /{}", "$(".repeat(100), ")".repeat(100));
        assert!(ids(&deep).contains(&"shell.too-complex".to_string()));
        let start = std::time::Instant::now();
        let _ = analyze(&"a | b && c; ".repeat(20_000));
        assert!(start.elapsed().as_secs() < 5);
    }

    #[test]
    fn ascii_classes_rewrites_only_classes() {
        assert_eq!(
            ascii_classes(r"\bdrop\s+\w+\d"),
            r"(?-u:\b)drop\s+[0-9A-Za-z_]+[0-9]"
        );
        let re = regex::Regex::new(&ascii_classes(r"\bwhere\b")).unwrap();
        assert!(re.is_match("delete from t where id=1"));
        assert!(!re.is_match("delete from somewhere"));
    }

    #[test]
    fn flag_matching() {
        assert!(flag_matches("-rf", "-f"));
        assert!(flag_matches("--force=x", "--force"));
        assert!(!flag_matches("--force-with-lease", "--force"));
        assert!(!flag_matches("-delete", "-del"));
        assert!(flag_matches("-delete", "-delete"));
        assert!(!flag_matches("-Dfoo=bar", "-f"));
    }
}
