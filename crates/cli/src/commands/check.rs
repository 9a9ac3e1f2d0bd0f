//! `warden check PATH...`: scan files and repositories for secrets, PII,
//! prompt injection and hidden Unicode.
//!
//! Walks with the `ignore` crate (honours .gitignore/.ignore unless
//! `--no-ignore`; hidden files such as `.env` are scanned, `.git/` is not) on
//! all cores. Binaries (a NUL byte in the first 8 KiB) are skipped and
//! counted; files over `--max-file-size` and unreadable files are listed as
//! problems; files that are not valid UTF-8 are scanned lossily (invalid bytes
//! replaced) and listed; lines over `--max-line-length` are skipped and listed.

use crate::output::printable;
use crate::sarif::{SarifNote, SarifRule};
use anyhow::Context;
use serde::Serialize;
use std::collections::HashSet;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use warden_detect::content;
use warden_model::{Finding, Severity};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Files or directories to scan
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = CheckFormat::Table)]
    pub format: CheckFormat,
    /// Scan files that .gitignore/.ignore exclude
    #[arg(long)]
    pub no_ignore: bool,
    /// Skip (and list) files larger than this many bytes
    #[arg(long, value_name = "BYTES", default_value_t = 10 * 1024 * 1024)]
    pub max_file_size: u64,
    /// Skip (and list) lines longer than this many bytes; the rest of the file is scanned
    #[arg(long, value_name = "BYTES", default_value_t = 1024 * 1024)]
    pub max_line_length: usize,
    /// Exit 1 when a finding at or above this severity remains
    /// (critical, high, medium, low, info)
    #[arg(long, value_name = "SEVERITY")]
    pub fail_on: Option<Severity>,
    /// Accept the findings listed in this file (a previous `--format json`
    /// output or `--write-baseline` file)
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Write every finding of this run to FILE, to use later as --baseline
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Run only these detectors (comma-separated: secrets, pii, injection, unicode)
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub only: Vec<Detector>,
    /// Worker threads (default: all cores)
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Detector {
    Secrets,
    Pii,
    Injection,
    Unicode,
}

/// The detectors `--only` selects (all when empty).
fn detectors(only: &[Detector]) -> content::Detectors {
    if only.is_empty() {
        return content::Detectors::default();
    }
    content::Detectors {
        secrets: only.contains(&Detector::Secrets),
        pii: only.contains(&Detector::Pii),
        injection: only.contains(&Detector::Injection),
        unicode: only.contains(&Detector::Unicode),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckFormat {
    Table,
    Json,
    Sarif,
}

/// A file that could not be scanned, or only partly.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct FileProblem {
    pub path: String,
    /// `unreadable`, `too-large`, `invalid-utf8` (scanned lossily), `long-lines`
    /// (those lines skipped), `internal-error` (a detector failed; not scanned).
    pub kind: &'static str,
    pub message: String,
}

#[derive(Debug, Default, Serialize)]
pub struct Stats {
    pub files_scanned: u64,
    pub bytes_scanned: u64,
    pub skipped_binary: u64,
    pub skipped_too_large: u64,
    /// Findings accepted by --baseline (not listed).
    pub baselined: u64,
}

#[derive(Debug, Serialize)]
pub struct CheckReport {
    pub findings: Vec<Finding>,
    pub errors: Vec<FileProblem>,
    pub stats: Stats,
}

#[derive(Default)]
struct Shared {
    findings: Vec<Finding>,
    errors: Vec<FileProblem>,
}

struct Counters {
    files: AtomicU64,
    bytes: AtomicU64,
    binary: AtomicU64,
    large: AtomicU64,
}

struct Limits {
    max_file_size: u64,
    max_line_length: usize,
    detectors: content::Detectors,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    for p in &args.paths {
        if std::fs::symlink_metadata(p).is_err() {
            anyhow::bail!("{}: no such file or directory", p.display());
        }
    }
    let baseline = match &args.baseline {
        Some(f) => Some(Baseline::load(f)?),
        None => None,
    };
    let started = Instant::now();
    let (mut report, counters) = scan_paths(&args)?;
    if let Some(path) = &args.write_baseline {
        write_baseline(path, &report.findings)?;
    }
    if let Some(b) = &baseline {
        let before = report.findings.len();
        report.findings.retain(|f| !b.accepts(f));
        report.stats.baselined = (before - report.findings.len()) as u64;
    }
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match args.format {
        CheckFormat::Table => write_table(&report, &mut out)?,
        CheckFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &report)?;
            writeln!(out)?;
        }
        CheckFormat::Sarif => {
            let notes: Vec<SarifNote> = report
                .errors
                .iter()
                .map(|e| SarifNote {
                    path: e.path.clone(),
                    message: e.message.clone(),
                })
                .collect();
            crate::sarif::write(
                &report.findings,
                &sarif_rules(&report.findings),
                &notes,
                &mut out,
            )?;
        }
    }
    out.flush()?;
    if std::io::stderr().is_terminal() && started.elapsed() > Duration::from_secs(1) {
        let secs = started.elapsed().as_secs_f64();
        let mb = counters.bytes.load(Ordering::Relaxed) as f64 / 1e6;
        eprintln!(
            "warden: scanned {} files, {mb:.1} MB in {secs:.2}s ({:.0} MB/s)",
            counters.files.load(Ordering::Relaxed),
            mb / secs
        );
    }
    let failed = args
        .fail_on
        .is_some_and(|t| report.findings.iter().any(|f| f.severity >= t));
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Rule metadata for SARIF: the secret rules' titles; others come from findings.
fn sarif_rules(findings: &[Finding]) -> Vec<SarifRule> {
    let used: HashSet<&str> = findings.iter().map(|f| f.rule.as_str()).collect();
    warden_detect::secrets::rules()
        .iter()
        .filter(|r| used.contains(r.id))
        .map(|r| SarifRule {
            id: r.id.to_string(),
            title: r.title.to_string(),
            help: content::remediation(warden_model::Category::Secret).to_string(),
            severity: r.severity,
        })
        .collect()
}

fn scan_paths(args: &Args) -> anyhow::Result<(CheckReport, Arc<Counters>)> {
    let mut builder = ignore::WalkBuilder::new(&args.paths[0]);
    for p in &args.paths[1..] {
        builder.add(p);
    }
    let honour = !args.no_ignore;
    builder
        .hidden(false)
        .git_ignore(honour)
        .git_global(honour)
        .git_exclude(honour)
        .ignore(honour)
        .parents(honour)
        .require_git(false)
        .follow_links(false)
        .filter_entry(|e| e.file_name() != ".git");
    if let Some(n) = args.threads {
        builder.threads(n.max(1));
    }
    let shared = Arc::new(Mutex::new(Shared::default()));
    let counters = Arc::new(Counters {
        files: AtomicU64::new(0),
        bytes: AtomicU64::new(0),
        binary: AtomicU64::new(0),
        large: AtomicU64::new(0),
    });
    let limits = Arc::new(Limits {
        max_file_size: args.max_file_size,
        max_line_length: args.max_line_length.max(1),
        detectors: detectors(&args.only),
    });
    let done = Arc::new(AtomicBool::new(false));
    let progress = std::io::stderr().is_terminal().then(|| {
        let c = counters.clone();
        let d = done.clone();
        std::thread::spawn(move || progress_loop(&c, &d))
    });
    builder.build_parallel().run(|| {
        let shared = shared.clone();
        let counters = counters.clone();
        let limits = limits.clone();
        // One read buffer per thread, grown to the largest file it read.
        let mut buf = Vec::new();
        Box::new(move |entry| {
            let mut local = Shared::default();
            match entry {
                Ok(e) => {
                    if e.file_type().is_some_and(|t| t.is_file()) {
                        // A detector bug on one hostile file must not end the
                        // whole run: report the file and go on.
                        let scanned =
                            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                                scan_file(e.path(), &limits, &counters, &mut local, &mut buf)
                            }));
                        if scanned.is_err() {
                            local.errors.push(FileProblem {
                                path: e.path().to_string_lossy().to_string(),
                                kind: "internal-error",
                                message:
                                    "a detector failed on this file: not scanned (please report)"
                                        .into(),
                            });
                        }
                    }
                }
                Err(err) => local.errors.push(FileProblem {
                    path: walk_error_path(&err),
                    kind: "unreadable",
                    message: one_line(&err.to_string()),
                }),
            }
            if !local.findings.is_empty() || !local.errors.is_empty() {
                let mut s = shared.lock().unwrap_or_else(|p| p.into_inner());
                s.findings.append(&mut local.findings);
                s.errors.append(&mut local.errors);
            }
            ignore::WalkState::Continue
        })
    });
    done.store(true, Ordering::Relaxed);
    if let Some(h) = progress {
        let _ = h.join();
    }
    let shared = std::mem::take(&mut *shared.lock().unwrap_or_else(|p| p.into_inner()));
    let mut findings = shared.findings;
    findings.sort_by(|a, b| {
        (
            &a.location.path,
            a.location.line,
            a.location.column,
            &a.rule,
        )
            .cmp(&(
                &b.location.path,
                b.location.line,
                b.location.column,
                &b.rule,
            ))
    });
    let mut errors = shared.errors;
    errors.sort();
    let stats = Stats {
        files_scanned: counters.files.load(Ordering::Relaxed),
        bytes_scanned: counters.bytes.load(Ordering::Relaxed),
        skipped_binary: counters.binary.load(Ordering::Relaxed),
        skipped_too_large: counters.large.load(Ordering::Relaxed),
        baselined: 0,
    };
    Ok((
        CheckReport {
            findings,
            errors,
            stats,
        },
        counters,
    ))
}

fn progress_loop(c: &Counters, done: &AtomicBool) {
    let start = Instant::now();
    let mut shown = false;
    while !done.load(Ordering::Relaxed) {
        std::thread::sleep(Duration::from_millis(200));
        if start.elapsed() < Duration::from_secs(1) {
            continue;
        }
        shown = true;
        eprint!(
            "\rwarden: {} files, {:.1} MB scanned…",
            c.files.load(Ordering::Relaxed),
            c.bytes.load(Ordering::Relaxed) as f64 / 1e6
        );
    }
    if shown {
        eprint!("\r\x1b[2K");
    }
}

fn walk_error_path(err: &ignore::Error) -> String {
    match err {
        ignore::Error::WithPath { path, .. } => path.display().to_string(),
        ignore::Error::WithLineNumber { err, .. } | ignore::Error::WithDepth { err, .. } => {
            walk_error_path(err)
        }
        _ => String::new(),
    }
}

fn one_line(s: &str) -> String {
    s.lines().next().unwrap_or("").to_string()
}

/// A file that fits in a first read of this size needs no size check: most
/// do, and a larger one is measured then.
const FIRST_READ: usize = 256 * 1024;

/// A file with a NUL byte in its first this many bytes is binary.
const SNIFF: usize = 8192;

/// How reading a file ended.
enum Outcome {
    /// Its bytes are `buf[..n]`.
    Whole(usize),
    /// Binary: not read past the first read.
    Binary,
    /// Over the size limit: its size if measured over it, else none (it
    /// grew while read).
    TooLarge(Option<u64>),
}

/// Read all of `file` into `buf` (reused across files: no allocation or
/// zeroing per file), or stop once it is over `max` bytes or binary. Files
/// that fit in the first read are not measured: that was a system call for
/// each of tens of thousands of files. Binaries are measured instead of read
/// (a fifth of the bytes in the cargo registry). `first_read` is
/// [`FIRST_READ`], or [`SNIFF`] for a file likely binary.
fn read_capped(
    file: &mut std::fs::File,
    buf: &mut Vec<u8>,
    max: u64,
    first_read: usize,
) -> std::io::Result<Outcome> {
    let cap = usize::try_from(max.saturating_add(1)).unwrap_or(usize::MAX);
    let mut measured = false;
    let mut sniffed = false;
    let mut n = 0;
    loop {
        let limit = if measured { cap } else { first_read.min(cap) };
        if n == limit {
            if measured {
                return Ok(Outcome::TooLarge(None));
            }
            if let Some(len) = over_cap(file, max)? {
                return Ok(Outcome::TooLarge(Some(len)));
            }
            measured = true;
            continue;
        }
        if n == buf.len() {
            buf.resize((n * 2).clamp(FIRST_READ.min(cap), cap), 0);
        }
        let end = limit.min(buf.len());
        match file.read(&mut buf[n..end]) {
            Ok(0) if !sniffed && memchr::memchr(0, &buf[..n]).is_some() => {
                return Ok(Outcome::Binary)
            }
            Ok(0) => return Ok(Outcome::Whole(n)),
            Ok(k) => {
                n += k;
                if !sniffed && n >= SNIFF {
                    sniffed = true;
                    if memchr::memchr(0, &buf[..SNIFF]).is_some() {
                        // Over the cap it is reported as too large, as if measured first.
                        if !measured {
                            if let Some(len) = over_cap(file, max)? {
                                return Ok(Outcome::TooLarge(Some(len)));
                            }
                        }
                        return Ok(Outcome::Binary);
                    }
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

/// The file's size when it is over `max`.
fn over_cap(file: &std::fs::File, max: u64) -> std::io::Result<Option<u64>> {
    let len = file.metadata()?.len();
    Ok((len > max).then_some(len))
}

/// Names of files that are nearly always binary (libraries, objects,
/// images): their first read is only what tells (8 KiB), not 256 KiB. Only
/// speed depends on this; the NUL test decides.
fn likely_binary(path: &Path) -> bool {
    const EXTS: &[&str] = &[
        "a", "lib", "o", "obj", "rlib", "so", "dll", "exe", "dylib", "wasm", "png", "jpg", "jpeg",
        "gif", "webp", "ico", "pdf", "gz", "zip", "xz", "zst", "ttf", "otf", "woff", "woff2",
        "dfa", "fst", "dat", "bin",
    ];
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTS.iter().any(|x| x.eq_ignore_ascii_case(e)))
}

fn scan_file(
    path: &Path,
    limits: &Limits,
    counters: &Counters,
    out: &mut Shared,
    buf: &mut Vec<u8>,
) {
    // `warden check .` lists `src/a.rs`, not `./src/a.rs`.
    let display = || {
        path.strip_prefix(".")
            .unwrap_or(path)
            .to_string_lossy()
            .to_string()
    };
    let problem = |kind, message: String| FileProblem {
        path: display(),
        kind,
        message,
    };
    let first_read = if likely_binary(path) {
        SNIFF
    } else {
        FIRST_READ
    };
    let read = std::fs::File::open(path)
        .and_then(|mut f| read_capped(&mut f, buf, limits.max_file_size, first_read));
    let len = match read {
        Ok(Outcome::Whole(n)) => n,
        Ok(Outcome::Binary) => {
            counters.binary.fetch_add(1, Ordering::Relaxed);
            return;
        }
        Ok(Outcome::TooLarge(len)) => {
            counters.large.fetch_add(1, Ordering::Relaxed);
            let message = match len {
                Some(len) => format!(
                    "{len} bytes, over --max-file-size {}: not scanned",
                    limits.max_file_size
                ),
                None => format!("over --max-file-size {}: not scanned", limits.max_file_size),
            };
            out.errors.push(problem("too-large", message));
            return;
        }
        Err(e) => {
            out.errors.push(problem("unreadable", e.to_string()));
            return;
        }
    };
    let bytes = &buf[..len];
    counters.files.fetch_add(1, Ordering::Relaxed);
    counters
        .bytes
        .fetch_add(bytes.len() as u64, Ordering::Relaxed);
    let lossy;
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            out.errors.push(problem(
                "invalid-utf8",
                format!(
                    "not valid UTF-8 (first bad byte at offset {}): scanned with invalid bytes replaced",
                    e.valid_up_to()
                ),
            ));
            lossy = String::from_utf8_lossy(bytes).into_owned();
            &lossy
        }
    };
    let matches = if text.len() <= limits.max_line_length {
        // No line can be too long: the whole text is one segment.
        content::scan_with(text, limits.detectors)
    } else {
        scan_segments(text, limits, out, &problem)
    };
    if !matches.is_empty() {
        out.findings
            .extend(content::to_findings(&display(), text, &matches));
    }
}

/// Scan `text` but its over-long lines, which are listed as a problem.
fn scan_segments(
    text: &str,
    limits: &Limits,
    out: &mut Shared,
    problem: &dyn Fn(&'static str, String) -> FileProblem,
) -> Vec<warden_detect::Match> {
    let (segments, long) = segments(text, limits.max_line_length);
    if let Some((first, count)) = long {
        out.errors.push(problem(
            "long-lines",
            format!(
                "{count} line(s) over --max-line-length {} (first: line {first}): those lines not scanned",
                limits.max_line_length
            ),
        ));
    }
    let mut matches = Vec::new();
    for seg in segments {
        let part = &text[seg.clone()];
        matches.extend(
            content::scan_with(part, limits.detectors)
                .into_iter()
                .map(|mut m| {
                    m.span = m.span.start + seg.start..m.span.end + seg.start;
                    m
                }),
        );
    }
    matches
}

/// The parts of `text` to scan: everything but lines longer than `max`.
/// Also the first over-long line's number and how many there were. Jumps
/// `max + 1` bytes at a time to the last newline before (a newline at each
/// line was a search call per line of a large file).
fn segments(text: &str, max: usize) -> (Vec<std::ops::Range<usize>>, Option<(usize, usize)>) {
    let b = text.as_bytes();
    let whole = 0..b.len();
    if b.len() <= max {
        return (vec![whole], None);
    }
    let mut segs = Vec::new();
    let mut seg_start = 0;
    let mut first = None;
    let mut count = 0;
    let mut line_start = 0usize;
    loop {
        let window_end = line_start
            .saturating_add(max)
            .saturating_add(1)
            .min(b.len());
        if let Some(k) = memchr::memrchr(b'\n', &b[line_start..window_end]) {
            // Every line ending in the window is at most `max` long.
            line_start += k + 1;
            continue;
        }
        if window_end - line_start <= max {
            // The last line, and it is short.
            break;
        }
        let nl = memchr::memchr(b'\n', &b[window_end..]).map_or(b.len(), |k| window_end + k);
        if line_start > seg_start {
            segs.push(seg_start..line_start);
        }
        first.get_or_insert_with(|| memchr::memchr_iter(b'\n', &b[..line_start]).count() + 1);
        count += 1;
        seg_start = (nl + 1).min(b.len());
        if nl == b.len() {
            break;
        }
        line_start = nl + 1;
    }
    if seg_start < b.len() {
        segs.push(seg_start..b.len());
    }
    (segs, first.map(|f| (f, count)))
}

// ------------------------------------------------------------------ baseline

/// Accepted findings: by id, or by rule + path + fingerprint (which survives
/// the secret moving to another line).
struct Baseline {
    ids: HashSet<String>,
    keys: HashSet<(String, String, String)>,
}

impl Baseline {
    fn load(path: &Path) -> anyhow::Result<Baseline> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("baseline {}: cannot read", path.display()))?;
        let v: serde_json::Value = serde_json::from_str(&text)
            .with_context(|| format!("baseline {}: not JSON", path.display()))?;
        let list = v["findings"]
            .as_array()
            .with_context(|| format!("baseline {}: no \"findings\" array", path.display()))?;
        let mut b = Baseline {
            ids: HashSet::new(),
            keys: HashSet::new(),
        };
        for f in list {
            if let Some(id) = f["id"].as_str() {
                b.ids.insert(id.to_string());
            }
            if let (Some(r), Some(p), Some(fp)) = (
                f["rule"].as_str(),
                f["location"]["path"].as_str(),
                f["evidence"]["fingerprint"].as_str(),
            ) {
                b.keys.insert((r.into(), p.into(), fp.into()));
            }
        }
        Ok(b)
    }

    fn accepts(&self, f: &Finding) -> bool {
        self.ids.contains(&f.id)
            || f.evidence.fingerprint.as_ref().is_some_and(|fp| {
                self.keys
                    .contains(&(f.rule.clone(), f.location.path.clone(), fp.clone()))
            })
    }
}

fn write_baseline(path: &Path, findings: &[Finding]) -> anyhow::Result<()> {
    let v = serde_json::json!({ "version": 1, "findings": findings });
    let text = serde_json::to_string_pretty(&v)?;
    std::fs::write(path, text + "\n")
        .with_context(|| format!("baseline {}: cannot write", path.display()))
}

// ------------------------------------------------------------------ table

fn write_table(r: &CheckReport, out: &mut dyn Write) -> anyhow::Result<()> {
    if !r.findings.is_empty() {
        writeln!(
            out,
            "{:<9} {:<34} {:<40} EVIDENCE",
            "SEVERITY", "RULE", "LOCATION"
        )?;
    }
    for f in &r.findings {
        let loc = match (f.location.line, f.location.column) {
            (Some(l), Some(c)) => format!("{}:{l}:{c}", f.location.path),
            (Some(l), None) => format!("{}:{l}", f.location.path),
            _ => f.location.path.clone(),
        };
        writeln!(
            out,
            "{:<9} {:<34} {:<40} {}",
            f.severity.as_str(),
            printable(&f.rule),
            printable(&loc),
            printable(&f.evidence.preview)
        )?;
        writeln!(out, "          {}", printable(&f.title))?;
    }
    if !r.errors.is_empty() {
        writeln!(out, "\nProblems:")?;
        for e in &r.errors {
            writeln!(
                out,
                "  {}: {} ({})",
                printable(&e.path),
                printable(&e.message),
                e.kind
            )?;
        }
    }
    let mut by_sev = Vec::new();
    for s in Severity::ALL {
        let n = r.findings.iter().filter(|f| f.severity == s).count();
        if n > 0 {
            by_sev.push(format!("{n} {s}"));
        }
    }
    let sev = if by_sev.is_empty() {
        String::new()
    } else {
        format!(" ({})", by_sev.join(", "))
    };
    let st = &r.stats;
    let mut tail = Vec::new();
    if st.skipped_binary > 0 {
        tail.push(format!("{} binary skipped", st.skipped_binary));
    }
    if st.skipped_too_large > 0 {
        tail.push(format!("{} too large", st.skipped_too_large));
    }
    if st.baselined > 0 {
        tail.push(format!("{} accepted by baseline", st.baselined));
    }
    let tail = if tail.is_empty() {
        String::new()
    } else {
        format!("; {}", tail.join(", "))
    };
    writeln!(
        out,
        "\n{} finding{}{sev} in {} file{} scanned{tail}",
        r.findings.len(),
        if r.findings.len() == 1 { "" } else { "s" },
        st.files_scanned,
        if st.files_scanned == 1 { "" } else { "s" },
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Files of every size around the first read and the buffer's growth,
    /// in one reused buffer (a small file after a large one holds none of
    /// its bytes), and files over the cap measured whatever the buffer's size.
    #[test]
    fn read_capped_reads_whole_files_and_stops_over_the_cap() {
        let d = tempfile::tempdir().unwrap();
        let mut buf = Vec::new();
        let f = FIRST_READ;
        // Likely binaries are read 8 KiB first: the same results.
        for first in [FIRST_READ, SNIFF] {
            let sizes = [0, 1, 5, f - 1, f, f + 1, 3 * f + 7, 10, 0, 2 * f];
            for (i, &size) in sizes.iter().enumerate() {
                let want: Vec<u8> = (0..size).map(|k| (k * 7 + i) as u8 | 1).collect();
                let path = d.path().join(format!("f{i}"));
                std::fs::write(&path, &want).unwrap();
                let mut file = std::fs::File::open(&path).unwrap();
                match read_capped(&mut file, &mut buf, 4 * f as u64, first).unwrap() {
                    Outcome::Whole(n) => assert_eq!(buf[..n], want[..], "{size}"),
                    _ => panic!("{size} is text under the cap"),
                }
            }
            // A NUL in the first 8 KiB makes a binary (over the cap: too large),
            // one after does not.
            for (size, nul, max, binary) in [
                (100, 99, 1000, true),
                (3 * f, SNIFF - 1, 4 * f as u64, true),
                (3 * f, SNIFF, 4 * f as u64, false),
                (3 * f, 0, 2 * f as u64, false),
                (2000, 5, 1000, false),
            ] {
                let mut bytes = vec![b'x'; size];
                bytes[nul] = 0;
                let path = d.path().join("bin");
                std::fs::write(&path, &bytes).unwrap();
                let mut file = std::fs::File::open(&path).unwrap();
                let got = read_capped(&mut file, &mut buf, max, first).unwrap();
                match (binary, size as u64 > max, got) {
                    (true, false, Outcome::Binary) => {}
                    (false, false, Outcome::Whole(n)) => assert_eq!(buf[..n], bytes[..]),
                    (_, true, Outcome::TooLarge(len)) => assert_eq!(len, Some(size as u64)),
                    _ => panic!("{size} {nul} {max}"),
                }
            }
            for (size, max) in [(1001, 1000), (f + 1, f as u64), (3 * f, 2 * f as u64)] {
                let path = d.path().join("big");
                std::fs::write(&path, vec![b'x'; size]).unwrap();
                for mut b in [Vec::new(), std::mem::take(&mut buf)] {
                    let mut file = std::fs::File::open(&path).unwrap();
                    match read_capped(&mut file, &mut b, max, first).unwrap() {
                        Outcome::TooLarge(len) => assert_eq!(len, Some(size as u64)),
                        _ => panic!("{size} is over {max}"),
                    }
                    buf = b;
                }
                let mut file = std::fs::File::open(&path).unwrap();
                assert!(matches!(
                    read_capped(&mut file, &mut buf, size as u64, first).unwrap(),
                    Outcome::Whole(n) if n == size
                ));
            }
        }
    }

    /// [`segments`] against reading line by line, on generated texts with
    /// lines around the limit, at the start, the end and back to back.
    #[test]
    fn segments_agree_with_reading_each_line() {
        let by_lines = |t: &str, max: usize| {
            let mut segs = Vec::new();
            let (mut seg_start, mut line_start, mut first, mut count) = (0, 0, None, 0);
            for (i, line) in t.split('\n').enumerate() {
                if line.len() > max {
                    if line_start > seg_start {
                        segs.push(seg_start..line_start);
                    }
                    first.get_or_insert(i + 1);
                    count += 1;
                    seg_start = (line_start + line.len() + 1).min(t.len());
                }
                line_start += line.len() + 1;
            }
            if seg_start < t.len() {
                segs.push(seg_start..t.len());
            }
            let whole = 0..t.len();
            if t.len() <= max {
                return (vec![whole], None);
            }
            (segs, first.map(|f| (f, count)))
        };
        let mut seed = 5u64;
        let mut long = 0;
        for _ in 0..3000 {
            let mut t = String::new();
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let max = 1 + (seed >> 60) as usize;
            for k in 0..(seed >> 56 & 15) {
                let len = (seed.rotate_left(5 * k as u32) >> 58) as usize % (2 * max + 3);
                t.push_str(&"x".repeat(len));
                if seed >> (k + 3) & 3 != 0 {
                    t.push('\n');
                }
            }
            let want = by_lines(&t, max);
            long += usize::from(want.1.is_some());
            assert_eq!(segments(&t, max), want, "{t:?} {max}");
        }
        assert!(long > 1000, "{long}");
    }

    #[test]
    fn segments_skip_only_long_lines() {
        let t = "short\nxxxxxxxxxxxx\nok\n";
        let (s, long) = segments(t, 8);
        assert_eq!(long, Some((2, 1)));
        let kept: String = s.iter().map(|r| &t[r.clone()]).collect();
        assert_eq!(kept, "short\nok\n");
        assert_eq!(segments("abc", 8).0, vec![0..3]);
        let (s, long) = segments("xxxxxxxxxxxxxxx", 4);
        assert!(s.is_empty());
        assert_eq!(long, Some((1, 1)));
    }
}
