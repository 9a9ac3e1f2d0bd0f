use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct RulesArgs {}

#[derive(clap::Args, Debug)]
pub struct ExplainArgs {
    /// Rule id, e.g. `unpinned-package`
    pub rule: String,
}

pub fn run_rules(_args: RulesArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("not implemented yet")
}

pub fn run_explain(_args: ExplainArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("not implemented yet")
}
