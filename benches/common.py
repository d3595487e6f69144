"""What the Python benchmarks share: their common arguments, and the generated corpus they
run on (made once per output folder, with git history)."""

import argparse
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GEN = os.path.join(ROOT, "..", "shared", "bench", "gen-corpus")
NOW = "2026-06-30T12:00:00Z"


def arguments(runs, extra=()):
    """The benchmark's arguments: --docs, --seed, --runs, --annals, --out, and `extra`
    ((flag, type, default) triples)."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--runs", type=int, default=runs)
    for flag, kind, default in extra:
        ap.add_argument(flag, type=kind, default=default)
    ap.add_argument("--annals", default=os.path.join(ROOT, "target", "release", "annals"))
    ap.add_argument("--out")
    return ap.parse_args()


def corpus(a, prefix):
    """The output folder and the generated corpus in it; `None` (having said `skipped`)
    without ../shared."""
    if not os.path.exists(GEN):
        print("skipped: ../shared/bench/gen-corpus not found")
        return None
    out = a.out or tempfile.mkdtemp(prefix=prefix)
    path = os.path.join(out, "corpus")
    if not os.path.exists(path):
        subprocess.run([sys.executable, GEN, "--docs", str(a.docs), "--seed", str(a.seed),
                        "--git", "--out", path], check=True, stdout=subprocess.DEVNULL)
    return out, path
