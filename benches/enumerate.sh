#!/usr/bin/env bash
# Benchmark: enumerating 10 MCP servers at once costs about the slowest
# server's start, not the sum of all. Not run by the tests; run by hand:
#   benches/enumerate.sh            (builds warden in release mode first)
#   SNYK_AGENT_SCAN=/path/to/snyk-agent-scan benches/enumerate.sh
#     also times `snyk-agent-scan inspect` (enumeration only, no upload) on
#     the same 10-server config (pip install snyk-agent-scan in a temp venv).
#   RAMPARTS=/path/to/ramparts benches/enumerate.sh
#     also times `ramparts scan-config` on it (cargo install ramparts
#     --no-default-features --root /tmp/ramparts; it reads ~/.cursor/mcp.json).
# Prints each server's time alone, their sum, and `warden scan` over all 10.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"
cargo build --release -q -p warden
warden="$repo/target/release/warden"
bin="$repo/tests/peers/node_modules/.bin"
venv="$repo/tests/peers/.venv/bin"
for p in "$bin/mcp-server-everything" "$venv/mcp-server-time"; do
  [ -x "$p" ] || { echo "missing $p: run scripts/install-peers.sh" >&2; exit 1; }
done
py="$(python3 -c 'import sys; print(sys.executable)')"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/files"
git init -q "$work/repo"
srv="$repo/tests/servers"

# name|json of one server definition
servers=(
  "everything|{\"command\":\"$bin/mcp-server-everything\"}"
  "filesystem|{\"command\":\"$bin/mcp-server-filesystem\",\"args\":[\"$work/files\"]}"
  "memory|{\"command\":\"$bin/mcp-server-memory\"}"
  "time|{\"command\":\"$venv/mcp-server-time\"}"
  "git|{\"command\":\"$venv/mcp-server-git\",\"args\":[\"--repository\",\"$work/repo\"]}"
  "poisoned|{\"command\":\"$py\",\"args\":[\"$srv/poisoned.py\"]}"
  "shadowing|{\"command\":\"$py\",\"args\":[\"$srv/shadowing.py\"]}"
  "rugpull|{\"command\":\"$py\",\"args\":[\"$srv/rugpull.py\",\"$work/rug.state\"]}"
  "envdump|{\"command\":\"$py\",\"args\":[\"$srv/envdump.py\"]}"
  "everything2|{\"command\":\"$bin/mcp-server-everything\"}"
)

home_with() { # home_with DIR "name|json"...
  local dir="$1"; shift
  mkdir -p "$dir"
  local body="" sep=""
  for s in "$@"; do body+="$sep\"${s%%|*}\":${s#*|}"; sep=","; done
  printf '{"mcpServers":{%s}}\n' "$body" > "$dir/.claude.json"
}

now() { date +%s.%N; }
tool_count() { # tool_count REPORT [errors] -> tools listed (and the error count)
  python3 -c "import json,sys; d=json.load(open(sys.argv[1])); n=sum(len(s.get('tools') or []) for s in d['servers']); print(n, len(d['errors'])) if sys.argv[2:] else print(n)" "$@"
}

scan() { # scan HOME -> prints seconds
  local t0 t1
  t0=$(now)
  HOME="$1" WARDEN_DATA_DIR="$1/data" "$warden" scan --home "$1" --no-host-probes \
    --format json > "$1/out.json" 2> "$1/err.txt"
  t1=$(now)
  echo "$t1 - $t0" | bc -l
}

echo "warden scan, one server at a time (each its own run):"
sum=0
max=0
for s in "${servers[@]}"; do
  name="${s%%|*}"
  home_with "$work/one-$name" "$s"
  t=$(scan "$work/one-$name")
  tools=$(tool_count "$work/one-$name/out.json")
  printf "  %-12s %6.2fs  %3s tools\n" "$name" "$t" "$tools"
  sum=$(echo "$sum + $t" | bc -l)
  max=$(echo "if ($t > $max) $t else $max" | bc -l)
done
home_with "$work/all" "${servers[@]}"
all=$(scan "$work/all")
tools=$(tool_count "$work/all/out.json" errors)
printf "sum of the 10 runs:        %6.2fs\n" "$sum"
printf "slowest single run:        %6.2fs\n" "$max"
printf "warden scan, all 10 at once: %6.2fs  (tools, errors: %s)\n" "$all" "$tools"

# The same with servers whose start is waiting, not computing (a package
# fetched on first run, a backend to connect to): 2 cores do not limit them.
echo
echo "10 servers that take 0.5 to 1.4 s to start (tests/servers/slow.py):"
slow=()
sum=0
for i in 0 1 2 3 4 5 6 7 8 9; do
  delay="$(echo "0.5 + $i / 10" | bc -l)"
  slow+=("slow$i|{\"command\":\"$py\",\"args\":[\"$srv/slow.py\",\"$delay\"]}")
  sum=$(echo "$sum + $delay" | bc -l)
done
home_with "$work/slow" "${slow[@]}"
t=$(scan "$work/slow")
tools=$(tool_count "$work/slow/out.json")
printf "sum of start delays:         %6.2fs\n" "$sum"
printf "slowest start delay:         %6.2fs\n" 1.4
printf "warden scan, all 10 at once: %6.2fs  (%s tools)\n" "$t" "$tools"

if [ -n "${SNYK_AGENT_SCAN:-}" ]; then
  echo
  echo "snyk-agent-scan inspect on the same 10 real and hostile servers:"
  rm -f "$work/rug.state"
  t0=$(now)
  "$SNYK_AGENT_SCAN" inspect "$work/all/.claude.json" --json --dangerously-run-mcp-servers \
    --suppress-mcpserver-io=true > "$work/snyk.json" 2> "$work/snyk.err" || true
  t1=$(now)
  tools=$(python3 -c "
import json,sys
d=json.load(open(sys.argv[1]))
print(sum(len((s.get('signature') or {}).get('tools') or []) for c in d.values() for s in c['servers']))" "$work/snyk.json")
  printf "snyk-agent-scan inspect:     %6.2fs  (%s tools)\n" "$(echo "$t1 - $t0" | bc -l)" "$tools"
  rm -f "$work/rug.state"
  printf "warden scan, same config:    %6.2fs\n" "$(scan "$work/all")"
fi

if [ -n "${RAMPARTS:-}" ]; then
  echo
  echo "ramparts scan-config on the same 10 real and hostile servers:"
  mkdir -p "$work/all/.cursor"
  cp "$work/all/.claude.json" "$work/all/.cursor/mcp.json"
  rm -f "$work/rug.state"
  t0=$(now)
  (cd / && HOME="$work/all" "$RAMPARTS" scan-config --format json > "$work/ramparts.json" 2> "$work/ramparts.err") || true
  t1=$(now)
  tools=$(python3 -c "
import json,sys
t=open(sys.argv[1]).read()
d=json.loads(t[t.find(chr(10)+'{'):])
print(sum(len(r.get('tools') or []) for r in d['results']))" "$work/ramparts.json")
  rm -f "$work/all/.cursor/mcp.json"
  printf "ramparts scan-config:        %6.2fs  (%s tools)\n" "$(echo "$t1 - $t0" | bc -l)" "$tools"
  rm -f "$work/rug.state"
  printf "warden scan, same config:    %6.2fs\n" "$(scan "$work/all")"
fi
