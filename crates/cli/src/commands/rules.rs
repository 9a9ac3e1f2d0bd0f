//! `warden rules`, `warden explain RULE`, `warden update-intel FILE`: the
//! assessment's rule table and its threat-intel data.

use anyhow::Context;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use warden_assess::{Intel, MaliciousList, RULES, SCORING};

#[derive(clap::Args, Debug)]
pub struct RulesArgs {
    /// Print the table as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(clap::Args, Debug)]
pub struct ExplainArgs {
    /// Rule id, e.g. `unpinned-package`, or a finding's rule (`secret.github-pat`)
    pub rule: String,
}

#[derive(clap::Args, Debug)]
pub struct UpdateIntelArgs {
    /// A known-malicious list in Warden's TOML format (see `warden explain known-malicious`)
    pub file: PathBuf,
    /// Replace the whole list instead of merging into it
    #[arg(long)]
    pub replace: bool,
}

pub fn run_rules(args: RulesArgs) -> anyhow::Result<ExitCode> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let secret_rules = warden_detect::secrets::rules().len();
    let shell_rules = warden_detect::shell::rules().len();
    if args.json {
        let v = serde_json::json!({
            "rules": RULES,
            "detectors": {"secret": secret_rules, "shell": shell_rules},
        });
        serde_json::to_writer_pretty(&mut out, &v)?;
        writeln!(out)?;
    } else {
        writeln!(
            out,
            "{:22} {:22} {:9} TITLE",
            "RULE", "CATEGORY", "SEVERITY"
        )?;
        for r in RULES {
            writeln!(
                out,
                "{:22} {:22} {:9} {}",
                r.id,
                r.category.as_str(),
                r.severity.as_str(),
                r.title
            )?;
        }
        writeln!(out)?;
        writeln!(
            out,
            "The `secret` rule runs {secret_rules} secret detectors (`secret.<type>` in findings);"
        )?;
        writeln!(
            out,
            "`project-hook` checks commands against {shell_rules} destructive-shell rules."
        )?;
        writeln!(
            out,
            "`warden explain RULE` prints what a rule finds, why it matters and how to fix it."
        )?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

pub fn run_explain(args: ExplainArgs) -> anyhow::Result<ExitCode> {
    let Some(r) = warden_assess::rule(&args.rule) else {
        anyhow::bail!(
            "unknown rule `{}` (`warden rules` lists them)",
            crate::output::printable(&args.rule)
        );
    };
    let mut out = String::new();
    out.push_str(&format!("{} — {}\n", r.id, r.title));
    out.push_str(&format!(
        "category: {}    default severity: {}\n",
        r.category.as_str(),
        r.severity.as_str()
    ));
    // A detector's rule id (`secret.github-pat`): say which detector.
    if let Some(d) = warden_detect::secrets::rules()
        .iter()
        .find(|d| d.id.eq_ignore_ascii_case(args.rule.trim()))
    {
        out.push_str(&format!(
            "detector: {} ({}, {})\n",
            d.id,
            d.title,
            d.severity.as_str()
        ));
    }
    for (head, body) in [
        ("What it finds", r.what),
        ("Why it matters", r.why),
        ("How to fix it", r.fix),
    ] {
        out.push_str(&format!("\n{head}\n{}\n", wrap(body, 88, "  ")));
    }
    out.push_str(&format!(
        "\nHow scores are made\n{}\n",
        indent(SCORING, "  ")
    ));
    out.push_str("\nWarden changes no configuration: every fix is a suggestion a human applies.\n");
    print!("{out}");
    Ok(ExitCode::SUCCESS)
}

/// Where `update-intel` keeps the local known-malicious list.
pub fn intel_path() -> anyhow::Result<PathBuf> {
    Ok(warden_store::data_dir()?.join("intel/known-malicious.toml"))
}

/// The intel the assessment uses: the local list when `update-intel` wrote
/// one, else the bundled list. A broken local file is one line on stderr and
/// the bundled list is used, so a scan still runs.
pub fn load_intel() -> Intel {
    let mut intel = Intel::bundled();
    let Ok(path) = intel_path() else {
        return intel;
    };
    match std::fs::read_to_string(&path) {
        Ok(text) => match MaliciousList::parse(&text) {
            Ok(list) => intel.malicious = list,
            Err(e) => eprintln!(
                "warden: {}: {e}; using the bundled known-malicious list",
                path.display()
            ),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => eprintln!(
            "warden: {}: {e}; using the bundled known-malicious list",
            path.display()
        ),
    }
    intel
}

pub fn run_update_intel(args: UpdateIntelArgs) -> anyhow::Result<ExitCode> {
    let text = read_bounded(&args.file)?;
    let incoming =
        MaliciousList::parse(&text).with_context(|| format!("{}", args.file.display()))?;
    let path = intel_path()?;
    let n_in = incoming.packages.len();
    let (list, added, replaced) = if args.replace {
        (incoming, n_in, 0)
    } else {
        let mut current = load_intel().malicious;
        let (a, r) = current.merge(incoming);
        (current, a, r)
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    // Write then rename: a crash never leaves a half-written list.
    let tmp = path.with_extension("toml.tmp");
    std::fs::write(&tmp, list.to_toml())
        .with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, &path).with_context(|| format!("cannot write {}", path.display()))?;
    println!(
        "known-malicious list: {} entries ({} added, {} replaced{}) in {}",
        list.packages.len(),
        added,
        replaced,
        if args.replace { ", list replaced" } else { "" },
        path.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn read_bounded(p: &Path) -> anyhow::Result<String> {
    const MAX: u64 = 8 << 20;
    let meta = std::fs::metadata(p).with_context(|| format!("{}", p.display()))?;
    anyhow::ensure!(meta.len() <= MAX, "{}: larger than 8 MiB", p.display());
    std::fs::read_to_string(p).with_context(|| format!("{}", p.display()))
}

fn indent(s: &str, pad: &str) -> String {
    s.lines()
        .map(|l| format!("{pad}{l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Word-wrap to `width` columns with `pad` before each line.
fn wrap(s: &str, width: usize, pad: &str) -> String {
    let mut lines = Vec::new();
    let mut cur = String::new();
    for w in s.split_whitespace() {
        if !cur.is_empty() && cur.len() + 1 + w.len() > width {
            lines.push(format!("{pad}{cur}"));
            cur.clear();
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(w);
    }
    if !cur.is_empty() {
        lines.push(format!("{pad}{cur}"));
    }
    lines.join("\n")
}

// ---- The assessment step of `warden scan` -------------------------------

use crate::output::Report;
use warden_assess::{AssessInput, SubjectKind};
use warden_model::{Inventory, ServerSnapshot, Severity, ToolChange};

/// Shell startup files searched for agents launched with
/// `--dangerously-skip-permissions` (relative to the home directory).
const SHELL_FILES: &[&str] = &[
    ".bashrc",
    ".bash_profile",
    ".bash_aliases",
    ".profile",
    ".zshrc",
    ".zprofile",
    ".zshenv",
    ".config/fish/config.fish",
];

/// Startup files that exist under `home`, as (path, text); each bounded.
pub fn read_shell_files(home: &Path) -> Vec<(String, String)> {
    const MAX: u64 = 1 << 20;
    SHELL_FILES
        .iter()
        .map(|f| home.join(f))
        .filter(|p| std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.len() <= MAX))
        .filter_map(|p| {
            let bytes = std::fs::read(&p).ok()?;
            Some((
                p.display().to_string(),
                String::from_utf8_lossy(&bytes).into_owned(),
            ))
        })
        .collect()
}

/// The policy's `[inventory] approved` list; a broken policy is one line on
/// stderr and no list (the scan still runs; `warden policy check` says more).
pub fn approved_list() -> Vec<String> {
    let cwd = std::env::current_dir().ok();
    let sources = warden_policy::PolicySources::from_env(cwd.as_deref());
    match warden_policy::Policy::load(&sources) {
        Ok(p) => p.approved_servers().unwrap_or_default(),
        Err(e) => {
            eprintln!("warden: policy: {e}; the approved-server list is not applied");
            Vec::new()
        }
    }
}

/// Assess what discovery put in `report` and what enumeration saw
/// (`snapshots`, and `changes` since approval); fills the report's findings
/// and scores.
pub fn assess_report(
    report: &mut Report,
    snapshots: &[ServerSnapshot],
    changes: &[ToolChange],
    home: &Path,
) {
    let inventory = Inventory {
        agents: report.agents.clone(),
        servers: report.servers.iter().map(|s| s.def.clone()).collect(),
        errors: report.errors.clone(),
    };
    let intel = load_intel();
    let approved = approved_list();
    let scripts = read_shell_files(home);
    let a = warden_assess::assess(&AssessInput {
        inventory: &inventory,
        snapshots,
        changes,
        approved: &approved,
        intel: Some(&intel),
        scripts: &scripts,
    });
    report.findings = a.findings;
    report.scores = a.scores;
}

/// The head of the scan table: counts, findings by severity, top risks.
pub fn write_summary(report: &Report, out: &mut dyn Write) -> anyhow::Result<()> {
    use crate::output::printable;
    let tools: usize = report
        .servers
        .iter()
        .filter_map(|s| s.tools.as_ref())
        .map(Vec::len)
        .sum();
    let enumerated = report.servers.iter().filter(|s| s.tools.is_some()).count();
    writeln!(
        out,
        "SUMMARY  {} agent(s), {} MCP server(s), {} tool(s){}",
        report.agents.len(),
        report.servers.len(),
        tools,
        if enumerated == 0 {
            " (not enumerated)"
        } else {
            ""
        }
    )?;
    let counts: Vec<String> = Severity::ALL
        .iter()
        .map(|s| {
            format!(
                "{} {}",
                report.findings.iter().filter(|f| f.severity == *s).count(),
                s
            )
        })
        .collect();
    writeln!(
        out,
        "FINDINGS {} total: {}",
        report.findings.len(),
        counts.join(", ")
    )?;
    let risky: Vec<_> = report
        .scores
        .iter()
        .filter(|s| s.score > 0)
        .take(8)
        .collect();
    if !risky.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "TOP RISKS (score 0-100; `warden explain RULE` says how scores are made)"
        )?;
        for s in risky {
            let kind = match s.kind {
                SubjectKind::Server => "server",
                SubjectKind::Agent => "agent",
            };
            let label = match s.kind {
                SubjectKind::Server => format!("{} ({})", s.name, s.client),
                SubjectKind::Agent => s.name.clone(),
            };
            writeln!(
                out,
                "  {:>3}  {:6}  {:34}  {} finding(s)",
                s.score,
                kind,
                fit(&printable(&label), 34),
                s.findings
            )?;
        }
    }
    let top: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.severity >= Severity::High)
        .take(10)
        .collect();
    if !top.is_empty() {
        writeln!(out)?;
        writeln!(out, "FIX FIRST")?;
        for f in top {
            let who = match (&f.server, &f.client) {
                (Some(s), Some(c)) => format!("{c}/{s}"),
                (None, Some(c)) => c.clone(),
                _ => String::new(),
            };
            writeln!(
                out,
                "  {:8} {:22} {}",
                f.severity.as_str(),
                fit(&printable(&who), 22),
                fit(&printable(&f.title), 66)
            )?;
            writeln!(
                out,
                "  {:8} {:22} fix: {}",
                "",
                "",
                fit(&printable(&f.remediation), 61)
            )?;
        }
    }
    writeln!(out)?;
    Ok(())
}

fn fit(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// True when a finding reaches `threshold` (`--fail-on`).
pub fn fails(report: &Report, threshold: Option<Severity>) -> bool {
    threshold.is_some_and(|t| report.findings.iter().any(|f| f.severity >= t))
}

/// The assessment rules as SARIF rule metadata (detector rules such as
/// `secret.github-pat` are described from their findings).
pub fn sarif_rules() -> Vec<crate::sarif::SarifRule> {
    RULES
        .iter()
        .map(|r| crate::sarif::SarifRule {
            id: r.id.to_string(),
            title: r.title.to_string(),
            help: format!("{}\n\nWhy: {}\n\nFix: {}", r.what, r.why, r.fix),
            severity: r.severity,
        })
        .collect()
}

/// Config files that could not be read, as SARIF notifications.
pub fn sarif_notes(report: &Report) -> Vec<crate::sarif::SarifNote> {
    report
        .errors
        .iter()
        .map(|e| crate::sarif::SarifNote {
            path: e.path.clone(),
            message: e.message.clone(),
        })
        .collect()
}

/// Keep the findings in the store for runtime checks (known-malicious and
/// rug-pulled servers are denied by the hook); a store problem goes into the
/// report's errors and the scan goes on.
pub fn save_findings(report: &mut Report) {
    let saved =
        warden_store::Store::open_default().and_then(|s| s.save_scan_findings(&report.findings));
    if let Err(e) = saved {
        report.errors.push(warden_model::ConfigError {
            path: "store".into(),
            message: format!("findings not saved for runtime checks: {e}"),
        });
    }
}
