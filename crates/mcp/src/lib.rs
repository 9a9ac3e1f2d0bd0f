//! MCP client for enumeration: launch or connect to each configured server,
//! speak the handshake, and list its tools, prompts and resources.
//!
//! The JSON-RPC layer is written here rather than taken from `rmcp`: it is
//! small, it must tolerate hostile and broken servers (garbage on stdout,
//! endless pagination, odd types) while keeping exactly what they sent for
//! hashing, and it must own process launch (minimal environment, process
//! group kill). Servers are enumerated on plain threads: each mostly waits,
//! and no async runtime is needed for that.

mod enumerate;
mod error;
mod expand;
mod http;
mod progress;
mod rpc;
mod stdio;

pub use enumerate::{
    enumerate, enumerate_all, skip_reason, EnumerateOptions, Enumerated, PROTOCOL_VERSION,
};
pub use error::{EnumerateError, ErrorKind};
pub use progress::Progress;
