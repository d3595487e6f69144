#!/usr/bin/env python3
"""Times several annals binaries side by side on one generated corpus: the figures a change
must not make worse (a full check, history cold and warm, `check --staged`, a warm search).

    python3 benches/compare.py [--docs 10000] [--seed 1] [--runs 5] [--out DIR] NAME=BINARY...

Each binary gets its own copy of the corpus (their caches in `.git/annals` may differ in
format), and the runs interleave the binaries (A B C, B C A, ...) so that a noisy machine
treats them alike. Prints medians of wall time and the largest peak memory per command,
and each binary's median divided by the first one's. Needs ../shared/bench/gen-corpus and
GNU time at /usr/bin/time; says `skipped` and exits 0 without the generator.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

NOW = "2026-06-30T12:00:00Z"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GEN = os.path.join(ROOT, "..", "shared", "bench", "gen-corpus")


def run(argv, cwd, env=None):
    """Wall seconds and peak KiB of one run; the exit code must be 0 or 1 (findings)."""
    t = tempfile.NamedTemporaryFile(delete=False)
    t.close()
    start = time.monotonic()
    p = subprocess.run(
        ["/usr/bin/time", "-f", "%M", "-o", t.name] + argv,
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    wall = time.monotonic() - start
    with open(t.name) as f:
        peak = int(f.read().strip().splitlines()[-1])
    os.unlink(t.name)
    if p.returncode not in (0, 1):
        sys.exit(f"{argv} exited {p.returncode}: {p.stderr.decode(errors='replace')}")
    return wall, peak


def git(cwd, *args):
    subprocess.run(["git", *args], cwd=cwd, check=True, stdout=subprocess.DEVNULL)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--out")
    ap.add_argument("bins", nargs="+", help="NAME=BINARY")
    a = ap.parse_args()
    if not os.path.exists(GEN):
        print("skipped: ../shared/bench/gen-corpus not found")
        return
    bins = [b.split("=", 1) for b in a.bins]
    out = a.out or tempfile.mkdtemp(prefix="annals-compare-")
    os.makedirs(out, exist_ok=True)
    base = os.path.join(out, "corpus")
    if not os.path.exists(base):
        subprocess.run(
            [sys.executable, GEN, "--docs", str(a.docs), "--seed", str(a.seed), "--git",
             "--out", base],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    env = dict(os.environ, ANNALS_NOW=NOW, GIT_AUTHOR_DATE=NOW, GIT_COMMITTER_DATE=NOW)
    env.pop("GIT_DIR", None)
    env.pop("GIT_INDEX_FILE", None)
    copies = {}
    for name, binary in bins:
        c = os.path.join(out, f"corpus-{name}")
        if not os.path.exists(c):
            shutil.copytree(base, c, symlinks=True)
        copies[name] = c
        # Warm every cache once: history, the reference cache, the search index.
        run([binary, "check", "--format", "json", "-q"], c, env)
        run([binary, "search", "zephyrine"], c, env)
    staged_doc = None
    for root, _, files in os.walk(os.path.join(base, "briefs")):
        for f in sorted(files):
            if f.endswith(".md"):
                staged_doc = os.path.relpath(os.path.join(root, f), base)
                break
        if staged_doc:
            break

    def history_cold(name, binary, c):
        cache = os.path.join(c, ".git", "annals", "history.txt")
        if os.path.exists(cache):
            os.unlink(cache)
        return run([binary, "check", "--format", "json", "-q"], c, env)

    def staged(name, binary, c):
        path = os.path.join(c, staged_doc)
        with open(path) as f:
            text = f.read()
        with open(path, "w") as f:
            f.write(text + "\nOne more line.\n")
        git(c, "add", staged_doc)
        try:
            return run([binary, "check", "--staged", "--format", "json", "-q"], c, env)
        finally:
            with open(path, "w") as f:
                f.write(text)
            git(c, "add", staged_doc)

    commands = [
        ("check (history warm)", lambda n, b, c: run([b, "check", "--format", "json", "-q"], c, env)),
        ("check (history cold)", history_cold),
        ("check --staged, one document", staged),
        ("search, warm index", lambda n, b, c: run([b, "search", "zephyrine"], c, env)),
    ]
    print(f"{a.docs} documents with history, seed {a.seed}, {a.runs} runs, medians; "
          f"{os.cpu_count()} CPUs")
    header = "| command | " + " | ".join(f"{n} s | {n} MB" for n, _ in bins)
    if len(bins) > 1:
        header += " | " + " | ".join(f"{n}/{bins[0][0]}" for n, _ in bins[1:])
    print(header + " |")
    print("|" + " --- |" * (header.count("|")))
    for label, fn in commands:
        times = {n: [] for n, _ in bins}
        peaks = {n: 0 for n, _ in bins}
        for r in range(a.runs):
            order = bins[r % len(bins):] + bins[:r % len(bins)]
            for name, binary in order:
                wall, peak = fn(name, binary, copies[name])
                times[name].append(wall)
                peaks[name] = max(peaks[name], peak)
        med = {n: statistics.median(v) for n, v in times.items()}
        row = f"| {label} | " + " | ".join(
            f"{med[n]:.3f} | {peaks[n] / 1024:.0f}" for n, _ in bins)
        if len(bins) > 1:
            first = med[bins[0][0]]
            row += " | " + " | ".join(f"{med[n] / first:.3f}" for n, _ in bins[1:])
        print(row + " |", flush=True)


if __name__ == "__main__":
    main()
