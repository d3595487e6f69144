#!/usr/bin/env bash
# Search costs on a gen-corpus repository: full index build, a search after a one-document
# change, and a warm search (without and with `annals index --watch` running), beside
# `rg -l -i WORD` over the same files. Medians of --runs.
#
#   benches/search.sh [--docs 10000] [--seed 1] [--runs 7] [--git] [--annals PATH] [--out DIR]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bench="$root/../shared/bench"
docs=10000 seed=1 runs=7 git="" annals="$root/target/release/annals" out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --docs) docs="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --git) git="--git"; shift ;;
    --annals) annals="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
if [ ! -f "$bench/gen-corpus" ]; then
  echo "skipped: ../shared not found"
  exit 0
fi
[ -x "$annals" ] || (cd "$root" && cargo build --release --quiet)
command -v rg >/dev/null || { echo "rg (ripgrep) is needed: apt-get install -y ripgrep" >&2; exit 2; }
[ -n "$out" ] || out=$(mktemp -d)
corpus="$out/search-corpus-$docs-$seed${git:+-git}"
if [ ! -d "$corpus" ]; then
  python3 "$bench/gen-corpus" --docs "$docs" --seed "$seed" $git --out "$corpus" >/dev/null
fi
word=zephyrine
python3 - "$runs" "$annals" "$corpus" "$word" <<'PY'
import statistics, subprocess, sys, time, shutil, os, glob
runs, annals, corpus, word = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]

def timed(cmd, setup=None):
    walls, peaks = [], []
    for _ in range(runs):
        if setup:
            setup()
        t = time.monotonic()
        p = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        walls.append(time.monotonic() - t)
        peaks.append(int(p.stderr.strip().splitlines()[-1]))
    return statistics.median(walls), min(walls), max(walls), max(peaks) / 1024

search = [annals, "-C", corpus, "search", word, "--format", "json"]
doc = sorted(glob.glob(os.path.join(corpus, "decisions", "*.md")))[0]
n = [0]
def touch():
    n[0] += 1
    with open(doc, "a") as f:
        f.write("\nEdited by the benchmark %d.\n" % n[0])
def drop():
    subprocess.run([annals, "-C", corpus, "index", "--rebuild", "-q"], check=True, stdout=subprocess.DEVNULL)
rows = [
    ("index --rebuild (full build)", timed([annals, "-C", corpus, "index", "--rebuild", "-q"])),
    ("search after a one-document change", timed(search, touch)),
    ("search, warm", timed(search)),
]
# The same two searches with `annals index --watch` running: the watcher keeps the index
# fresh, so a search asks it to sync instead of looking at every file.
watcher = subprocess.Popen([annals, "-C", corpus, "index", "--watch", "-q"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
sockets = [os.path.join(corpus, ".git", "annals", "index.sock"), os.path.join(corpus, ".annals", "index.sock")]
import socket as sk
def listening():
    for path in sockets:
        try:
            s = sk.socket(sk.AF_UNIX); s.connect(path); s.close(); return True
        except OSError:
            pass
    return False
for _ in range(600):
    if listening():
        break
    time.sleep(0.1)
subprocess.run(search, stdout=subprocess.DEVNULL)
rows += [
    ("watched: search after a change", timed(search, touch)),
    ("watched: search, warm", timed(search)),
]
watcher.kill(); watcher.wait()
rows.append(("rg -l -i %s" % word, timed(["rg", "-l", "-i", word, corpus])))
print("%-36s %9s %7s %7s %8s" % ("command", "median s", "min s", "max s", "peak MB"))
for name, (med, lo, hi, mb) in rows:
    print("%-36s %9.3f %7.3f %7.3f %8.1f" % (name, med, lo, hi, mb))
rg = rows[-1][1][0]
print("warm search / rg: %.2f; with a watcher: %.3f" % (rows[2][1][0] / rg, rows[4][1][0] / rg))
PY
