//! Throughput of each text detector, single-threaded, over a source tree:
//! `cargo bench -p warden-detect --bench content -- [DIR]` (default: the
//! crate sources under ~/.cargo/registry/src). Prints MB/s per detector and
//! for `content::scan`, plus the cold start cost of the secret engine.

use std::path::{Path, PathBuf};
use std::time::Instant;
use warden_detect::{content, injection, pii, secrets, unicode};

fn collect(dir: &Path, out: &mut Vec<String>, budget: &mut usize) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        if *budget == 0 {
            return;
        }
        let p = e.path();
        let Ok(ft) = e.file_type() else { continue };
        if ft.is_dir() {
            collect(&p, out, budget);
        } else if ft.is_file() {
            if let Ok(b) = std::fs::read(&p) {
                if b.len() < 4 << 20 && !b[..b.len().min(8192)].contains(&0) {
                    if let Ok(s) = String::from_utf8(b) {
                        *budget = budget.saturating_sub(s.len());
                        out.push(s);
                    }
                }
            }
        }
    }
}

fn time(name: &str, texts: &[String], total: usize, f: impl Fn(&str) -> usize) {
    // WARDEN_BENCH_ONLY=secrets runs one detector (for profiling).
    if std::env::var("WARDEN_BENCH_ONLY").is_ok_and(|o| o != name) {
        return;
    }
    let t = Instant::now();
    let mut n = 0;
    for s in texts {
        n += f(s);
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "{name:<16} {:>8.1} MB/s  ({n} matches, {secs:.2}s)",
        total as f64 / 1e6 / secs
    );
}

const CALL: &str = r#"{"tool_name":"Bash","tool_input":{"command":"curl -H 'Authorization: Bearer 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' https://api.github.com/user && echo done"}}"#;

fn main() {
    // WARDEN_BENCH_COLD=<detector>: the cold cost of one detector on one
    // tool call in a fresh process (what `warden hook` pays), then exit.
    if let Ok(which) = std::env::var("WARDEN_BENCH_COLD") {
        let t = Instant::now();
        let n = match which.as_str() {
            "secrets" => secrets::find(CALL).len(),
            "pii" => pii::find(CALL).len(),
            "injection" => injection::find(CALL).len(),
            "unicode" => unicode::find(CALL).len(),
            _ => content::scan(CALL).len(),
        };
        println!("cold {which}: {:?} ({n} matches)", t.elapsed());
        return;
    }
    let t = Instant::now();
    let _ = secrets::find("warm up: no keyword here");
    println!("secret engine cold start: {:?}", t.elapsed());
    let t = Instant::now();
    let _ = secrets::find("ghp_Zk3m9Qp2Lx7Vb4Nc8Rt1Yw6Hs0Jd5F0a1b2c");
    println!("first regex compile + search: {:?}", t.elapsed());

    // A hook process sees one tool call: the first full scan pays every
    // detector's start-up (the secret engine is already built here).
    let call = CALL;
    let t = Instant::now();
    let n = content::scan(call).len();
    println!(
        "first content::scan of a tool call: {:?} ({n} matches)",
        t.elapsed()
    );
    let t = Instant::now();
    let _ = content::scan(call);
    println!("second content::scan of the same call: {:?}", t.elapsed());

    // What a rule costs the first time its keyword appears in a process.
    let mut worst = (std::time::Duration::ZERO, "");
    let t = Instant::now();
    for r in secrets::rules() {
        let t = Instant::now();
        r.compile_check().expect("rule regex compiles");
        if t.elapsed() > worst.0 {
            worst = (t.elapsed(), r.id);
        }
    }
    println!(
        "compiling all {} secret regexes: {:?} (slowest {} {:?})",
        secrets::rules().len(),
        t.elapsed(),
        worst.1,
        worst.0
    );

    let dir = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let home = std::env::var("HOME").unwrap_or_default();
            PathBuf::from(home).join(".cargo/registry/src")
        });
    let mut texts = Vec::new();
    let mut budget = 200 << 20;
    collect(&dir, &mut texts, &mut budget);
    let total: usize = texts.iter().map(String::len).sum();
    println!(
        "corpus: {} files, {:.1} MB from {}",
        texts.len(),
        total as f64 / 1e6,
        dir.display()
    );
    time("secrets", &texts, total, |s| secrets::find(s).len());
    time("pii", &texts, total, |s| pii::find(s).len());
    time("injection", &texts, total, |s| injection::find(s).len());
    time("unicode", &texts, total, |s| unicode::find(s).len());
    time("content::scan", &texts, total, |s| content::scan(s).len());
}
