#!/usr/bin/env bash
# Peak memory (and wall time) of `annals check` at 10,000 and 100,000 documents: memory must
# stay under 150 MB at 10,000 and grow linearly.
#
#   benches/memory.sh [--runs 3] [--annals PATH] [--out DIR] [--sizes "10000 100000"]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bench="$root/../shared/bench"
runs=3 annals="$root/target/release/annals" out="" sizes="10000 100000"
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --annals) annals="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --sizes) sizes="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
if [ ! -f "$bench/gen-corpus" ]; then
  echo "skipped: ../shared not found"
  exit 0
fi
[ -x "$annals" ] || (cd "$root" && cargo build --release --quiet)
[ -n "$out" ] || out=$(mktemp -d)
printf '%-10s %9s %9s %10s %12s\n' docs "median s" "peak MB" "KB/doc" "corpus MB"
for n in $sizes; do
  corpus="$out/corpus-$n"
  [ -d "$corpus" ] || python3 "$bench/gen-corpus" --docs "$n" --seed 1 --out "$corpus" >/dev/null
  python3 - "$runs" "$n" "$corpus" "$annals" <<'PY'
import statistics, subprocess, sys, time, os
runs, n, corpus, annals = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
cmd = ["/usr/bin/time", "-f", "%M", annals, "-C", corpus, "check", "--now", "2026-06-30T12:00:00Z", "--format", "json", "-q"]
subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
walls, peaks = [], []
for _ in range(runs):
    t = time.monotonic()
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    walls.append(time.monotonic() - t)
    peaks.append(int(p.stderr.strip().splitlines()[-1]))
size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(corpus) for f in fs)
peak = max(peaks)
print("%-10d %9.3f %9.1f %10.1f %12.1f" % (n, statistics.median(walls), peak / 1024, peak / n, size / 2**20))
PY
done
