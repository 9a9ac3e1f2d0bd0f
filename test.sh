#!/usr/bin/env bash
# The whole test suite: what CI runs (.ci/run) and what a developer runs.
set -euo pipefail
cd "$(dirname "$0")"

scripts/install-peers.sh
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo test --workspace --locked
