#!/usr/bin/env bash
# Installs the real peers the integration tests run against, into tests/peers/:
#   - npm: the MCP reference servers and the Claude Code CLI (versions pinned in
#     tests/peers/package.json and package-lock.json)
#   - PyPI: mcp-server-time and mcp-server-git in a venv (tests/peers/requirements.txt)
# Idempotent and quick when already installed. Tests find the peers through
# tests/peers/node_modules/.bin and tests/peers/.venv/bin.
set -euo pipefail
cd "$(dirname "$0")/../tests/peers"

stamp_ok() { [ -f "$1" ] && [ "$1" -nt "$2" ]; }

if ! stamp_ok node_modules/.warden-stamp package-lock.json; then
  echo "install-peers: npm ci (MCP reference servers, Claude Code CLI)" >&2
  npm ci --no-audit --no-fund --loglevel=error
  touch node_modules/.warden-stamp
fi

if ! stamp_ok .venv/.warden-stamp requirements.txt; then
  echo "install-peers: pip (mcp-server-time, mcp-server-git)" >&2
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
  touch .venv/.warden-stamp
fi
