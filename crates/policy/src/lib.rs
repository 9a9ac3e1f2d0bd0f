//! The policy file and the decision engine: `Action -> Decision`.
//!
//! [`decide`] is pure and knows nothing of where an action came from: the
//! Claude Code hook and the MCP proxy build an [`Action`](warden_model::Action),
//! fill a [`Context`] (policy layers, paths, what the store knows about an MCP
//! server) and get one [`Decision`](warden_model::Decision).
//!
//! Precedence: built-in rules ([`DEFAULT_RULES`]) decide first; then each
//! policy layer's first matching rule. The highest trusted layer (managed,
//! else user) may lift a built-in `ask` with `allow`; everything else can
//! only tighten (deny > ask > allow). Built-in denies are turned off only by
//! name, in `[defaults] disable` of the managed or user layer.

mod detectors;
mod engine;
mod file;
mod glob;
mod paths;
mod pattern;

pub use engine::{
    content_text, decide, destructive_sql, split_mcp_name, walk_strings, Context, McpFacts,
    ServerFinding, DEFAULT_RULES,
};
pub use file::{Layer, LayerPolicy, Policy, PolicyError, PolicySources, Rule};
pub use glob::glob_match;
pub use paths::{credential_file, guarded_file, normalize, PathCtx};
pub use pattern::ToolPattern;
