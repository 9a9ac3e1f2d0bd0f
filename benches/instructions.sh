#!/usr/bin/env bash
# Instruction detectors (prompt injection, hidden Unicode, destructive shell
# commands, tool definitions): quality on the labelled corpus in
# tests/corpus/tooldefs and speed (warm, cold-process, throughput).
set -euo pipefail
cd "$(dirname "$0")/.."
exec cargo run --release -q -p warden-detect --example bench_instructions
