//! A progress bar on stderr while servers start; nothing when stderr is not a
//! terminal (CI logs, pipes).

use std::io::IsTerminal;

pub struct Progress {
    bar: Option<indicatif::ProgressBar>,
}

impl Progress {
    /// A bar for `total` servers, drawn only if stderr is a terminal.
    pub fn new(total: usize) -> Self {
        let bar = (std::io::stderr().is_terminal() && total > 0).then(|| {
            let b = indicatif::ProgressBar::with_draw_target(
                Some(total as u64),
                indicatif::ProgressDrawTarget::stderr(),
            );
            if let Ok(style) = indicatif::ProgressStyle::with_template(
                "{spinner} enumerating MCP servers {pos}/{len} [{bar:30}] {msg}",
            ) {
                b.set_style(style.progress_chars("=> "));
            }
            b.enable_steady_tick(std::time::Duration::from_millis(120));
            b
        });
        Progress { bar }
    }

    /// One server is done.
    pub fn done(&self, server: &str, ok: bool) {
        if let Some(b) = &self.bar {
            b.set_message(format!("{server}{}", if ok { "" } else { " (failed)" }));
            b.inc(1);
        }
    }

    pub fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}
