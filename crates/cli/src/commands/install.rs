//! `warden install claude-code [--scope user|project|managed] [--undo]`:
//! wires `warden hook` into Claude Code's settings file.
//!
//! The file is backed up (in Warden's data dir) before the first change; the
//! backup is kept until `--undo`, which restores it byte for byte (or removes
//! the file when there was none). A file that is not valid JSON is never
//! rewritten. Running install twice changes nothing the second time.

use anyhow::{bail, Context as _};
use serde_json::{json, Map, Value};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The events Warden answers, and whether each takes a tool matcher.
const EVENTS: &[(&str, bool)] = &[
    ("PreToolUse", true),
    ("PostToolUse", true),
    ("UserPromptSubmit", false),
    ("SessionStart", false),
];

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Client {
    ClaudeCode,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum InstallScope {
    /// `~/.claude/settings.json`
    User,
    /// `.claude/settings.json` in the current directory
    Project,
    /// `/etc/claude-code/managed-settings.json` (under WARDEN_SYSTEM_ROOT if set)
    Managed,
}

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The client to wire Warden into
    #[arg(value_enum)]
    pub client: Client,
    /// Which settings file to change
    #[arg(long, value_enum, default_value = "user")]
    pub scope: InstallScope,
    /// Restore the settings file as it was before Warden changed it
    #[arg(long)]
    pub undo: bool,
}

fn settings_path(scope: InstallScope) -> anyhow::Result<PathBuf> {
    let nonempty = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty());
    Ok(match scope {
        InstallScope::User => PathBuf::from(
            nonempty("HOME").context("HOME is not set: cannot find ~/.claude/settings.json")?,
        )
        .join(".claude/settings.json"),
        InstallScope::Project => std::env::current_dir()?.join(".claude/settings.json"),
        InstallScope::Managed => {
            PathBuf::from(nonempty("WARDEN_SYSTEM_ROOT").unwrap_or_else(|| "/".into()))
                .join("etc/claude-code/managed-settings.json")
        }
    })
}

/// The hook command: this binary's absolute path, quoted for the shell
/// Claude Code runs it with.
fn hook_command() -> anyhow::Result<String> {
    let exe = std::env::current_exe().context("cannot find the warden binary's path")?;
    let exe = exe.canonicalize().unwrap_or(exe);
    let s = exe.display().to_string();
    let plain = s
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '.' | '_' | '-' | '+'));
    Ok(if plain {
        format!("{s} hook")
    } else {
        format!("'{}' hook", s.replace('\'', r"'\''"))
    })
}

/// True for a hook command that runs some `warden hook`.
fn is_warden_hook(cmd: &str) -> bool {
    let cmd = cmd.trim();
    let Some(prog) = cmd.strip_suffix(" hook") else {
        return false;
    };
    let prog = prog.trim().trim_matches('\'').trim_matches('"');
    prog.rsplit('/').next() == Some("warden")
}

struct Backup {
    manifest: PathBuf,
    original: PathBuf,
}

fn backup_paths(settings: &Path) -> anyhow::Result<Backup> {
    let dir = warden_store::data_dir()?.join("backups");
    let id = warden_model::fingerprint(&settings.display().to_string());
    let id = &id["sha256:".len().."sha256:".len() + 16];
    Ok(Backup {
        manifest: dir.join(format!("{id}.json")),
        original: dir.join(format!("{id}.orig")),
    })
}

/// Add Warden's hook to every event in `settings`, replacing an older Warden
/// entry; leave everything else alone. Returns whether anything changed.
fn add_hooks(settings: &mut Map<String, Value>, command: &str) -> anyhow::Result<bool> {
    let hooks = settings
        .entry("hooks")
        .or_insert_with(|| Value::Object(Map::new()));
    let Value::Object(hooks) = hooks else {
        bail!("`hooks` is not an object; fix it by hand first");
    };
    let mut changed = false;
    for (event, matcher) in EVENTS {
        let entries = hooks
            .entry(event.to_string())
            .or_insert_with(|| Value::Array(vec![]));
        let Value::Array(entries) = entries else {
            bail!("`hooks.{event}` is not a list; fix it by hand first");
        };
        let mut found = false;
        for entry in entries.iter_mut() {
            let Some(list) = entry.get_mut("hooks").and_then(Value::as_array_mut) else {
                continue;
            };
            for h in list.iter_mut() {
                let cmd = h.get("command").and_then(Value::as_str).unwrap_or("");
                if is_warden_hook(cmd) {
                    if cmd != command {
                        h["command"] = Value::String(command.to_string());
                        changed = true;
                    }
                    found = true;
                }
            }
        }
        if !found {
            let hook = json!({"type": "command", "command": command});
            let entry = if *matcher {
                json!({"matcher": "*", "hooks": [hook]})
            } else {
                json!({"hooks": [hook]})
            };
            entries.push(entry);
            changed = true;
        }
    }
    Ok(changed)
}

fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = path
        .parent()
        .context("settings path has no parent directory")?;
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let tmp = dir.join(format!(
        ".{}.warden-tmp",
        path.file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("settings")
    ));
    std::fs::write(&tmp, bytes).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("cannot replace {}", path.display()))
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let Client::ClaudeCode = args.client;
    let path = settings_path(args.scope)?;
    let backup = backup_paths(&path)?;
    if args.undo {
        return undo(&path, &backup);
    }
    let original = match std::fs::read(&path) {
        Ok(b) => Some(b),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => bail!("cannot read {}: {e}", path.display()),
    };
    let mut settings = match &original {
        None => Map::new(),
        Some(bytes) if bytes.iter().all(u8::is_ascii_whitespace) => Map::new(),
        Some(bytes) => match serde_json::from_slice::<Value>(bytes) {
            Ok(Value::Object(m)) => m,
            Ok(_) => bail!("{}: not a JSON object; not changing it", path.display()),
            Err(e) => bail!("{}: cannot parse ({e}); not changing it", path.display()),
        },
    };
    let command = hook_command()?;
    if !add_hooks(&mut settings, &command).with_context(|| path.display().to_string())? {
        println!(
            "Warden's hook is already installed in {} (nothing changed)",
            path.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    // Back up once: the first backup is the file as it was before Warden.
    if !backup.manifest.exists() {
        let dir = backup.manifest.parent().expect("backup dir");
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create backup dir {}", dir.display()))?;
        if let Some(bytes) = &original {
            std::fs::write(&backup.original, bytes)
                .with_context(|| format!("cannot write backup {}", backup.original.display()))?;
        }
        let manifest = json!({
            "path": path.display().to_string(),
            "existed": original.is_some(),
            "time": warden_model::now_rfc3339_millis(),
        });
        std::fs::write(&backup.manifest, format!("{manifest:#}\n"))
            .with_context(|| format!("cannot write backup {}", backup.manifest.display()))?;
    }
    let mut text = serde_json::to_string_pretty(&Value::Object(settings))?;
    text.push('\n');
    write_atomically(&path, text.as_bytes())?;
    println!(
        "Installed Warden's hook ({command}) for {} in {}",
        EVENTS
            .iter()
            .map(|(e, _)| *e)
            .collect::<Vec<_>>()
            .join(", "),
        path.display()
    );
    println!(
        "Backup: {} (restore with `warden install claude-code --undo`)",
        backup.manifest.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn undo(path: &Path, backup: &Backup) -> anyhow::Result<ExitCode> {
    let manifest = match std::fs::read_to_string(&backup.manifest) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            bail!("no Warden backup of {}: nothing to undo", path.display())
        }
        Err(e) => bail!("cannot read backup {}: {e}", backup.manifest.display()),
    };
    let manifest: Value = serde_json::from_str(&manifest)
        .with_context(|| format!("backup manifest {} is corrupt", backup.manifest.display()))?;
    if manifest.get("existed").and_then(Value::as_bool) == Some(true) {
        let bytes = std::fs::read(&backup.original)
            .with_context(|| format!("cannot read backup {}", backup.original.display()))?;
        write_atomically(path, &bytes)?;
        println!("Restored {} from its backup", path.display());
    } else {
        match std::fs::remove_file(path) {
            Ok(()) => println!(
                "Removed {} (it did not exist before Warden)",
                path.display()
            ),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => bail!("cannot remove {}: {e}", path.display()),
        }
    }
    let _ = std::fs::remove_file(&backup.original);
    let _ = std::fs::remove_file(&backup.manifest);
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognizes_warden_hooks() {
        assert!(is_warden_hook("/usr/local/bin/warden hook"));
        assert!(is_warden_hook("'/opt/my tools/warden' hook"));
        assert!(!is_warden_hook("/usr/bin/other hook"));
        assert!(!is_warden_hook("/usr/local/bin/warden scan"));
    }

    #[test]
    fn adds_once_and_keeps_other_hooks() {
        let mut m: Map<String, Value> = serde_json::from_str(
            r#"{"model":"x","hooks":{"PreToolUse":[{"matcher":"Bash","hooks":[{"type":"command","command":"/bin/mine"}]}]}}"#,
        )
        .unwrap();
        assert!(add_hooks(&mut m, "/w/warden hook").unwrap());
        assert!(!add_hooks(&mut m, "/w/warden hook").unwrap());
        let pre = m["hooks"]["PreToolUse"].as_array().unwrap();
        assert_eq!(pre.len(), 2);
        assert_eq!(pre[0]["hooks"][0]["command"], "/bin/mine");
        assert_eq!(m["model"], "x");
        // A moved binary updates the command in place.
        assert!(add_hooks(&mut m, "/new/warden hook").unwrap());
        assert_eq!(m["hooks"]["PreToolUse"].as_array().unwrap().len(), 2);
        let mut bad: Map<String, Value> = serde_json::from_str(r#"{"hooks":[]}"#).unwrap();
        assert!(add_hooks(&mut bad, "/w/warden hook").is_err());
    }
}
