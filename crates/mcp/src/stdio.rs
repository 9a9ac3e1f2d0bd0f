//! stdio transport: launch the configured command with a minimal environment
//! in its own process group, one JSON-RPC message per line.

use crate::error::{sanitize, ErrorKind};
use crate::rpc::{Incoming, Transport, TransportError};
use serde_json::Value;
use std::collections::{BTreeMap, VecDeque};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A message line longer than this is hostile or broken: stop reading.
const MAX_LINE: usize = 16 << 20;
/// How many stderr lines to keep for error messages, and how long each may be.
const STDERR_LINES: usize = 5;
const STDERR_LINE_CHARS: usize = 240;

/// Variables passed through from Warden's own environment: what a process
/// needs to start and find its interpreter, nothing else (no tokens, no
/// cloud credentials). The config's own `env` is added on top.
pub(crate) fn inherited_env() -> BTreeMap<String, String> {
    const KEEP: &[&str] = &["PATH", "HOME", "LANG", "LANGUAGE", "TMPDIR"];
    // Windows cannot start most programs without these.
    const KEEP_WINDOWS: &[&str] = &[
        "SystemRoot",
        "SystemDrive",
        "windir",
        "ComSpec",
        "PATHEXT",
        "TEMP",
        "TMP",
        "USERPROFILE",
        "APPDATA",
        "LOCALAPPDATA",
    ];
    std::env::vars()
        .filter(|(k, _)| {
            KEEP.contains(&k.as_str())
                || k.starts_with("LC_")
                || (cfg!(windows) && KEEP_WINDOWS.iter().any(|w| w.eq_ignore_ascii_case(k)))
        })
        .collect()
}

enum Line {
    Text(Vec<u8>),
    TooLong,
    Eof,
}

pub(crate) struct StdioTransport {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<Line>,
    stderr: Arc<Mutex<VecDeque<String>>>,
    stderr_done: Receiver<()>,
    eof: bool,
}

impl StdioTransport {
    pub(crate) fn spawn(
        command: &str,
        args: &[String],
        env: &BTreeMap<String, String>,
        cwd: Option<&Path>,
    ) -> Result<Self, ErrorKind> {
        let mut cmd = Command::new(command);
        cmd.args(args)
            .env_clear()
            .envs(env)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(dir) = cwd {
            cmd.current_dir(dir);
        }
        #[cfg(unix)]
        {
            // Its own process group, so the whole tree (npx -> node, uv ->
            // python) can be killed at once.
            use std::os::unix::process::CommandExt;
            cmd.process_group(0);
        }
        let mut child = cmd.spawn().map_err(|e| ErrorKind::Spawn {
            command: command.to_string(),
            reason: e.to_string(),
        })?;
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().expect("piped stdout");
        let stderr_pipe = child.stderr.take().expect("piped stderr");

        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || read_lines(stdout, tx));

        let stderr = Arc::new(Mutex::new(VecDeque::new()));
        let (done_tx, stderr_done) = mpsc::channel();
        let tail = Arc::clone(&stderr);
        std::thread::spawn(move || {
            let mut r = BufReader::new(stderr_pipe);
            let mut buf = Vec::new();
            loop {
                buf.clear();
                // Bounded read: a line is cut at 64 KiB, the rest comes as the next line.
                match r.by_ref().take(64 << 10).read_until(b'\n', &mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {
                        let line = sanitize(&String::from_utf8_lossy(&buf), STDERR_LINE_CHARS);
                        if line.is_empty() {
                            continue;
                        }
                        let mut t = tail.lock().unwrap_or_else(|p| p.into_inner());
                        if t.len() == STDERR_LINES {
                            t.pop_front();
                        }
                        t.push_back(line);
                    }
                }
            }
            let _ = done_tx.send(());
        });

        Ok(StdioTransport {
            child,
            stdin,
            lines,
            stderr,
            stderr_done,
            eof: false,
        })
    }

    pub(crate) fn stderr_tail(&self) -> Vec<String> {
        self.stderr
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .cloned()
            .collect()
    }

    /// How the process ended, waiting briefly for it (and for its last
    /// stderr lines) after stdout closed.
    fn exit_detail(&mut self) -> String {
        let until = Instant::now() + Duration::from_millis(500);
        let status = loop {
            match self.child.try_wait() {
                Ok(Some(s)) => break Some(s),
                Ok(None) if Instant::now() < until => std::thread::sleep(Duration::from_millis(10)),
                _ => break None,
            }
        };
        let _ = self
            .stderr_done
            .recv_timeout(until.saturating_duration_since(Instant::now()));
        match status {
            Some(s) => format!("exited ({s})"),
            None => "closed its stdout".to_string(),
        }
    }

    fn kill_tree(&mut self) {
        // Closing stdin is the polite MCP shutdown; the signals make sure.
        drop(self.stdin.take());
        #[cfg(unix)]
        {
            let pgid = self.child.id() as libc::pid_t;
            // SAFETY: kill(2) with a negative pid signals that process group;
            // the group is the child's own (process_group(0) above).
            unsafe { libc::kill(-pgid, libc::SIGTERM) };
            let until = Instant::now() + Duration::from_millis(200);
            while Instant::now() < until {
                if let Ok(Some(_)) = self.child.try_wait() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(10));
            }
            // Also after the leader exited: its children may still be in the group.
            unsafe { libc::kill(-pgid, libc::SIGKILL) };
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for StdioTransport {
    fn drop(&mut self) {
        self.kill_tree();
    }
}

fn read_lines(stdout: impl Read, tx: mpsc::Sender<Line>) {
    let mut r = BufReader::new(stdout);
    loop {
        let mut buf = Vec::new();
        match r
            .by_ref()
            .take(MAX_LINE as u64 + 1)
            .read_until(b'\n', &mut buf)
        {
            Ok(0) | Err(_) => {
                let _ = tx.send(Line::Eof);
                return;
            }
            Ok(_) if buf.len() > MAX_LINE => {
                let _ = tx.send(Line::TooLong);
                return;
            }
            Ok(_) => {
                if tx.send(Line::Text(buf)).is_err() {
                    return;
                }
            }
        }
    }
}

impl Transport for StdioTransport {
    fn send(&mut self, msg: &Value, _deadline: Instant) -> Result<(), TransportError> {
        let Some(stdin) = self.stdin.as_mut() else {
            return Err(TransportError::Closed("stdin is closed".into()));
        };
        let mut line = serde_json::to_vec(msg).unwrap_or_default();
        line.push(b'\n');
        // A pipe write blocks only when the server stops reading with a full
        // pipe (64 KiB); our messages are far smaller.
        match stdin.write_all(&line).and_then(|_| stdin.flush()) {
            Ok(()) => Ok(()),
            Err(_) => {
                let detail = self.exit_detail();
                Err(TransportError::Closed(detail))
            }
        }
    }

    fn recv(&mut self, deadline: Instant) -> Result<Incoming, TransportError> {
        loop {
            if self.eof {
                let detail = self.exit_detail();
                return Err(TransportError::Closed(detail));
            }
            let wait = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(wait) {
                Ok(Line::Text(buf)) => {
                    let text = String::from_utf8_lossy(&buf);
                    let t = text.trim();
                    if t.is_empty() {
                        continue;
                    }
                    return Ok(match serde_json::from_str::<Value>(t) {
                        Ok(v) => Incoming::Message(v),
                        Err(_) => Incoming::Garbage(sanitize(t, 120)),
                    });
                }
                Ok(Line::TooLong) => {
                    return Err(TransportError::Fatal(ErrorKind::NotMcp(format!(
                        "a stdout line is longer than {} MiB",
                        MAX_LINE >> 20
                    ))))
                }
                Ok(Line::Eof) | Err(RecvTimeoutError::Disconnected) => self.eof = true,
                Err(RecvTimeoutError::Timeout) => return Err(TransportError::Timeout),
            }
        }
    }
}
