//! `warden policy check [FILE]` and `warden policy test EVENT.json`.

use anyhow::Context as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use warden_policy::{Layer, LayerPolicy, PolicySources, DEFAULT_RULES};

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    pub command: Sub,
}

#[derive(clap::Subcommand, Debug)]
pub enum Sub {
    /// Validate a policy file (default: every layer that exists)
    Check {
        file: Option<PathBuf>,
        /// List the built-in rules (the names `[defaults] disable` takes)
        #[arg(long)]
        list_defaults: bool,
    },
    /// Show the decision for one recorded hook event and the rule that made it
    Test {
        /// A Claude Code hook event as JSON (`-` for stdin)
        event: PathBuf,
        /// Print the decision as JSON
        #[arg(long)]
        json: bool,
    },
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    match args.command {
        Sub::Check {
            file,
            list_defaults,
        } => check(file, list_defaults),
        Sub::Test { event, json } => test(&event, json),
    }
}

fn check(file: Option<PathBuf>, list_defaults: bool) -> anyhow::Result<ExitCode> {
    if list_defaults {
        for (id, what) in DEFAULT_RULES {
            println!("{id:<32} {what}");
        }
        return Ok(ExitCode::SUCCESS);
    }
    let files: Vec<(Layer, PathBuf)> = match file {
        Some(f) => {
            // A file named like a project policy is checked with the project's limits.
            let layer = if f.file_name().and_then(|n| n.to_str()) == Some(".warden.toml") {
                Layer::Project
            } else {
                Layer::User
            };
            if !f.exists() {
                anyhow::bail!("{}: no such file", f.display());
            }
            vec![(layer, f)]
        }
        None => {
            let cwd = std::env::current_dir().ok();
            PolicySources::from_env(cwd.as_deref())
                .all()
                .into_iter()
                .filter(|(_, p)| p.exists())
                .collect()
        }
    };
    if files.is_empty() {
        println!(
            "no policy files; the built-in defaults apply (`warden policy check --list-defaults`)"
        );
        return Ok(ExitCode::SUCCESS);
    }
    let mut ok = true;
    for (layer, path) in files {
        match LayerPolicy::load(layer, &path) {
            Ok(Some(l)) => println!(
                "ok: {} ({} layer, {} rule{})",
                path.display(),
                layer.as_str(),
                l.rules.len(),
                if l.rules.len() == 1 { "" } else { "s" }
            ),
            Ok(None) => {}
            Err(e) => {
                ok = false;
                eprintln!("error: {e}");
            }
        }
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn test(event: &Path, json: bool) -> anyhow::Result<ExitCode> {
    let text = if event == Path::new("-") {
        std::io::read_to_string(std::io::stdin())?
    } else {
        std::fs::read_to_string(event)
            .with_context(|| format!("cannot read {}", event.display()))?
    };
    let v: serde_json::Value = serde_json::from_str(&text)
        .with_context(|| format!("{}: not a JSON hook event", event.display()))?;
    let action = super::hook::action_from_event(&v);
    let store = warden_store::Store::open_default().ok();
    let ctx = super::hook::build_context(&action, store.as_ref())?;
    let d = warden_policy::decide(&action, &ctx);
    let answer = super::hook::render(action.event, &d);
    if json {
        let out = serde_json::json!({"decision": d, "hook_output": serde_json::from_str::<serde_json::Value>(&answer)?});
        println!("{out:#}");
    } else {
        println!("decision: {}", d.kind.as_str());
        println!(
            "rule:     {}",
            d.rule.as_deref().unwrap_or("(none: no rule matched)")
        );
        println!("reason:   {}", d.reason);
        for e in &d.evidence {
            println!("evidence: {}", e.preview);
        }
        println!("hook output: {answer}");
    }
    Ok(ExitCode::SUCCESS)
}
