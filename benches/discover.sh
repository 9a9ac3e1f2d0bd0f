#!/usr/bin/env bash
# Benchmark of discovery (not run by the test suite):
#   `warden scan --offline` on a home with 50 config files, alone and with a
#   --root of 100,000 files, compared with `find` walking the same tree in
#   the same run. Prints median wall times over RUNS runs (warm cache).
# Usage: benches/discover.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-7}"
cargo build --release -q -p warden
BIN="$PWD/target/release/warden"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

python3 - "$BIN" "$WORK" "$RUNS" <<'PY'
import json, os, shutil, statistics, subprocess, sys, time

binary, work, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
fixture = os.path.join(os.getcwd(), "tests/fixtures/homes/dev")
home = os.path.join(work, "home")
system = os.path.join(fixture, "system")
shutil.copytree(os.path.join(fixture, "home"), home, symlinks=True)

def inventory(extra=()):
    out = subprocess.run([binary, "inventory", "--format", "json", "--no-host-probes",
                          "--home", home, "--system-root", system, *extra],
                         capture_output=True, check=True).stdout
    return json.loads(out)

def config_files(v):
    return sum(len(a["config_files"]) for a in v["agents"])

# Top the realistic home up to 50 config files with more agent files.
i = 0
while config_files(inventory()) < 50:
    d = os.path.join(home, ".kiro", "agents")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, f"agent-{i}.json"), "w") as f:
        json.dump({"mcpServers": {f"extra-{i}": {"command": "npx", "args": ["-y", f"mcp-extra-{i}"]}}}, f)
    i += 1
inv = inventory()
print(f"home: {config_files(inv)} config files, {len(inv['servers'])} servers")

# A root of 100,000 files: 1,000 folders of 100 files; 50 of the folders are
# projects with an .mcp.json, 100 are node_modules trees (skipped by warden).
root = os.path.join(work, "root")
n = 0
for p in range(1000):
    kind = "node_modules/pkg" if p % 10 == 5 else "src"
    d = os.path.join(root, f"proj{p:04}", kind)
    os.makedirs(d, exist_ok=True)
    for k in range(100):
        name = ".mcp.json" if (k == 0 and p % 20 == 0) else f"f{k}.txt"
        target = os.path.join(root, f"proj{p:04}", name) if name == ".mcp.json" else os.path.join(d, name)
        with open(target, "w") as f:
            f.write('{"mcpServers": {"s%d": {"command": "x"}}}' % p if name == ".mcp.json" else "x")
        n += 1
print(f"root: {n} files")
with_root = inventory(["--root", root])
print(f"with root: {len(with_root['servers'])} servers")

def median_ms(cmd):
    subprocess.run(cmd, capture_output=True)  # warm up
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=True)
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)

scan = [binary, "scan", "--offline", "--format", "json", "--home", home, "--system-root", system]
rows = [
    ("warden scan --offline, home (config files only)", scan + ["--no-host-probes"]),
    ("warden scan --offline, home + host probes", scan),
    ("warden scan --offline, home + 100k-file root", scan + ["--no-host-probes", "--root", root]),
    ("warden inventory (no assessment), home + 100k-file root",
     [binary, "inventory", "--format", "json", "--no-host-probes", "--home", home, "--system-root", system, "--root", root]),
    ("find root -type f", ["find", root, "-type", "f"]),
    ("find root, pruning node_modules/.git/target", ["find", root, "(", "-name", "node_modules", "-o", "-name", ".git", "-o", "-name", "target", ")", "-prune", "-o", "-print"]),
]
print(f"\nmedian of {runs} runs, warm cache, {os.cpu_count()} CPUs")
for label, cmd in rows:
    print(f"  {median_ms(cmd):8.1f} ms  {label}")
PY
