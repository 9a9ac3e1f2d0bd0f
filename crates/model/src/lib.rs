//! The shared vocabulary of Warden. Every other crate speaks in these types;
//! this crate does no I/O.
//!
//! JSON field names and enum strings here are a public contract (CLI JSON,
//! SARIF, the fleet API): change them only with care.

mod action;
mod finding;
mod inventory;
mod redact;
mod time;
mod tool;

pub use action::{Action, Decision, DecisionKind, Event, HookEventKind};
pub use finding::{Category, Evidence, Finding, Location, Severity};
pub use inventory::{
    Agent, ConfigError, Extension, ExtensionKind, Inventory, Scope, ServerDef, SettingsFile,
    Transport,
};
pub use redact::{fingerprint, redact_args, redact_preview, redact_url};
pub use time::{now_rfc3339, now_rfc3339_millis, rfc3339};
pub use tool::{canonical_json, ChangeKind, Prompt, Resource, ServerSnapshot, Tool, ToolChange};
