#!/usr/bin/env python3
"""Benchmark for `warden check` (secrets helper). Not run by test.sh.

    python3 benches/check/bench.py [TREE] [--install] [--subset-mb N]

1. Throughput: `warden check` on TREE (default: the crate sources under
   ~/.cargo/registry/src) with 1 thread (MB/s per core) and all threads.
2. Recall and precision per category on tests/corpus/content.
3. If installed (or with --install, which installs them under
   $WARDEN_BENCH_TOOLS, default /tmp/warden-bench-tools, never in the repo):
   ripsecrets (crates.io), detect-secrets (PyPI) and secretlint (npm) on a
   subset of TREE (the same bytes for every tool) -> MB/s and ratios, and their
   secret recall/precision on the corpus.
"""
import json, os, resource, shutil, subprocess, sys, time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CORPUS = os.path.join(ROOT, "tests", "corpus", "content")
TOOLS = os.environ.get("WARDEN_BENCH_TOOLS", "/tmp/warden-bench-tools")
WARDEN = os.path.join(ROOT, "target", "release", "warden")


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, errors="replace", **kw)


def install():
    os.makedirs(TOOLS, exist_ok=True)
    if not shutil.which("ripsecrets", path=os.path.join(TOOLS, "cargo", "bin")):
        subprocess.run(["cargo", "install", "--locked", "ripsecrets", "--root", os.path.join(TOOLS, "cargo")], check=False)
    if not os.path.exists(os.path.join(TOOLS, "venv", "bin", "detect-secrets")):
        subprocess.run([sys.executable, "-m", "venv", os.path.join(TOOLS, "venv")], check=True)
        subprocess.run([os.path.join(TOOLS, "venv", "bin", "pip"), "install", "-q", "detect-secrets"], check=False)
    npm = os.path.join(TOOLS, "npm")
    if not os.path.exists(os.path.join(npm, "node_modules", ".bin", "secretlint")):
        os.makedirs(npm, exist_ok=True)
        subprocess.run(["npm", "init", "-y"], cwd=npm, capture_output=True)
        subprocess.run(["npm", "install", "--silent", "secretlint", "@secretlint/secretlint-rule-preset-recommend"], cwd=npm, check=False)


def corpus_files():
    out = []
    for dp, _, fs in os.walk(CORPUS):
        for f in fs:
            if f != "labels.json":
                out.append(os.path.relpath(os.path.join(dp, f), CORPUS))
    return sorted(out)


def score(flagged, category):
    """flagged: {relpath: set(categories)} -> (recall, precision, tp, npos, fp)."""
    files = corpus_files()
    pos = [f for f in files if f.startswith(category + "/positive/")]
    tp = sum(1 for f in pos if category in flagged.get(f, ()))
    fp = sum(1 for f in files if not f.startswith(category + "/positive/") and category in flagged.get(f, ()))
    return tp / max(len(pos), 1), tp / max(tp + fp, 1), tp, len(pos), fp


def warden_flags():
    r = run([WARDEN, "check", ".", "--format", "json"], cwd=CORPUS)
    flagged = {}
    for f in json.loads(r.stdout)["findings"]:
        flagged.setdefault(f["location"]["path"], set()).add(f["category"])
    return flagged


def tree_bytes(tree):
    n = 0
    for dp, _, fs in os.walk(tree):
        for f in fs:
            try:
                n += os.path.getsize(os.path.join(dp, f))
            except OSError:
                pass
    return n


def make_subset(tree, mb):
    """Whole top-level folders (crates) of TREE until `mb` megabytes: the
    same input for every tool. A lone top folder (the registry index) is
    entered first."""
    dst = os.path.join(TOOLS, f"subset-{mb}mb")
    if os.path.isdir(dst):
        return dst
    base = tree
    while True:
        dirs = [d for d in sorted(os.listdir(base)) if os.path.isdir(os.path.join(base, d))]
        if len(dirs) != 1:
            break
        base = os.path.join(base, dirs[0])
    os.makedirs(dst)
    total = 0
    for d in dirs:
        if total > mb * 1e6:
            break
        s = os.path.join(base, d)
        shutil.copytree(s, os.path.join(dst, d), symlinks=True, ignore_dangling_symlinks=True)
        total += tree_bytes(s)
    return dst


def children_cpu():
    u = resource.getrusage(resource.RUSAGE_CHILDREN)
    return u.ru_utime + u.ru_stime


def timed(cmd, cwd=None):
    """(wall seconds, CPU seconds (user + sys) of the command, result). CPU
    time holds up on a shared machine where wall time does not."""
    c = children_cpu()
    t = time.perf_counter()
    r = run(cmd, cwd=cwd)
    return time.perf_counter() - t, children_cpu() - c, r


def warm(tree):
    for dp, _, fs in os.walk(tree):
        for f in fs:
            try:
                with open(os.path.join(dp, f), "rb") as fh:
                    while fh.read(1 << 20):
                        pass
            except OSError:
                pass


def competitors():
    """name -> (argv for a folder, run with the folder as cwd; parser of the
    output into {corpus path: {"secret"}})"""
    tools = {}
    rs = os.path.join(TOOLS, "cargo", "bin", "ripsecrets")
    if os.path.exists(rs):
        def rs_flags(out, base):
            flagged = {}
            for line in out.splitlines():
                p = line.split(":", 1)[0]
                rel = os.path.relpath(os.path.join(base, p), CORPUS) if not os.path.isabs(p) else os.path.relpath(p, CORPUS)
                flagged.setdefault(rel, set()).add("secret")
            return flagged
        tools["ripsecrets"] = (lambda path: [rs, "."], rs_flags)
    ds = os.path.join(TOOLS, "venv", "bin", "detect-secrets")
    if os.path.exists(ds):
        def ds_flags(out, base):
            flagged = {}
            try:
                res = json.loads(out)["results"]
            except (ValueError, KeyError):
                return flagged
            for p in res:
                rel = os.path.relpath(os.path.join(base, p), CORPUS)
                flagged.setdefault(rel, set()).add("secret")
            return flagged
        # Run inside the scanned folder: from inside another git repository
        # detect-secrets silently scans nothing.
        tools["detect-secrets"] = (lambda path: [ds, "scan", "--all-files", "."], ds_flags)
    sl = os.path.join(TOOLS, "npm", "node_modules", ".bin", "secretlint")
    if os.path.exists(sl):
        rc = os.path.join(TOOLS, "npm", ".secretlintrc.json")
        with open(rc, "w") as f:
            json.dump({"rules": [{"id": "@secretlint/secretlint-rule-preset-recommend"}]}, f)
        sl_out = os.path.join(TOOLS, "secretlint-out.json")

        def sl_flags(out, base):
            flagged = {}
            try:
                with open(sl_out) as f:
                    res = json.load(f)
            except ValueError:
                return flagged
            for r in res:
                if r.get("messages"):
                    flagged.setdefault(os.path.relpath(r["filePath"], CORPUS), set()).add("secret")
            return flagged
        # --output: node cuts piped stdout at 64 KiB when it exits.
        tools["secretlint"] = (lambda path: [sl, "--secretlintrc", rc, "--format", "json", "--maskSecrets", "--output", sl_out, "**/*"], sl_flags)
    return tools


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    tree = args[0] if args else os.path.expanduser("~/.cargo/registry/src")
    subset_mb = 20
    if "--subset-mb" in sys.argv:
        subset_mb = int(sys.argv[sys.argv.index("--subset-mb") + 1])
    if "--install" in sys.argv:
        install()
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "warden"], cwd=ROOT, check=True)
    cores = os.cpu_count() or 1

    print(f"== warden check throughput on {tree}")
    warm(tree)
    for only in ([], ["--only", "secrets,pii"], ["--only", "secrets"]):
        for threads in (1, cores):
            secs, cpu, r = timed([WARDEN, "check", tree, "--format", "json", "--threads", str(threads)] + only)
            stats = json.loads(r.stdout)["stats"]
            mb = stats["bytes_scanned"] / 1e6
            label = only[1] if only else "all detectors"
            # Per core: by wall time over the threads, and by CPU seconds
            # (user + sys), which other load on the machine does not inflate.
            print(f"{label:<14} threads={threads}: {stats['files_scanned']} files, {mb:.1f} MB in {secs:.2f}s wall, "
                  f"{cpu:.2f}s CPU = {mb / secs:.1f} MB/s; per core {mb / secs / threads:.1f} MB/s by wall, "
                  f"{mb / cpu:.1f} MB/s by CPU")

    print("\n== labelled corpus (tests/corpus/content): warden")
    wf = warden_flags()
    for cat in ("secret", "pii", "prompt-injection", "hidden-unicode"):
        rec, prec, tp, n, fp = score(wf, cat)
        print(f"{cat:<17} recall {rec:.3f} ({tp}/{n})  precision {prec:.3f} ({fp} false positive files)")

    tools = competitors()
    if not tools:
        print("\n(no competitors installed; run with --install)")
        return
    subset = make_subset(tree, subset_mb)
    warm(subset)
    sub_mb = tree_bytes(subset) / 1e6
    print(f"\n== same {sub_mb:.1f} MB subset ({subset}), single process each")
    secs_w, cpu_w, _ = timed([WARDEN, "check", subset, "--format", "json", "--threads", "1"])
    print(f"{'warden (1 thread)':<22} {secs_w:8.2f}s {cpu_w:7.2f}s CPU {sub_mb / secs_w:9.1f} MB/s")
    for name, (argv, _) in tools.items():
        secs, cpu, r = timed(argv(subset), cwd=subset)
        print(f"{name:<22} {secs:8.2f}s {cpu:7.2f}s CPU {sub_mb / secs:9.1f} MB/s   warden is "
              f"{secs / secs_w:.1f}x faster by wall, {cpu / cpu_w:.1f}x by CPU")
    print("\n== secret recall/precision on the corpus")
    rec, prec, tp, n, fp = score(wf, "secret")
    print(f"{'warden':<16} recall {rec:.3f} ({tp}/{n})  precision {prec:.3f}")
    for name, (argv, parse) in tools.items():
        r = run(argv(CORPUS), cwd=CORPUS)
        rec, prec, tp, n, fp = score(parse(r.stdout, CORPUS), "secret")
        print(f"{name:<16} recall {rec:.3f} ({tp}/{n})  precision {prec:.3f} ({fp} false positive files)")


if __name__ == "__main__":
    main()
