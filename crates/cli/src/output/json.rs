//! JSON output: the [`Report`] as one pretty-printed object. Secrets are kept
//! out by the model's serializers (env/header values skipped, args and URLs
//! redacted).

use super::Report;
use std::io::Write;

pub fn write(report: &Report, out: &mut dyn Write) -> anyhow::Result<()> {
    serde_json::to_writer_pretty(&mut *out, report)?;
    writeln!(out)?;
    Ok(())
}
