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
    if args.json {
        let v = serde_json::json!({
            "rules": RULES,
            "detectors": {"secret": secret_rules},
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
            "The `secret` rule runs {secret_rules} secret detectors (`secret.<type>` in findings)."
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
