#!/usr/bin/env bash
# Git-backed costs on a gen-corpus repository with history: the cold history scan, a warm
# (cached) full check, and `check --staged` with one staged document. Medians of --runs.
#
#   benches/git.sh [--docs 10000] [--seed 1] [--runs 5] [--annals PATH] [--out DIR]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bench="$root/../shared/bench"
docs=10000 seed=1 runs=5 annals="$root/target/release/annals" out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --docs) docs="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
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
[ -n "$out" ] || out=$(mktemp -d)
corpus="$out/git-corpus-$docs-$seed"
if [ ! -d "$corpus" ]; then
  python3 "$bench/gen-corpus" --docs "$docs" --seed "$seed" --git --out "$corpus" >/dev/null
fi
now=2026-06-30T12:00:00Z
commits=$(git -C "$corpus" rev-list --count HEAD)

# median and peak memory of `cmd` over $runs runs; $1 is a setup command run before each.
measure() {
  local setup="$1"; shift
  python3 - "$runs" "$setup" "$@" <<'PY'
import statistics, subprocess, sys, time
runs, setup, cmd = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
walls, peaks = [], []
for _ in range(runs):
    if setup:
        subprocess.run(setup, shell=True, check=True)
    t = time.monotonic()
    p = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    walls.append(time.monotonic() - t)
    peaks.append(int(p.stderr.strip().splitlines()[-1]))
print("%.3f %.3f %.3f %.1f" % (statistics.median(walls), min(walls), max(walls), max(peaks) / 1024))
PY
}

check=("$annals" -C "$corpus" check --now "$now" --format json -q)
cold=$(measure "rm -rf '$corpus/.git/annals'" "${check[@]}")
"${check[@]}" >/dev/null || true
warm=$(measure "" "${check[@]}")
doc=$(cd "$corpus/decisions" && set -- *.md && echo "$1")
printf '\nA line staged by the benchmark.\n' >> "$corpus/decisions/$doc"
git -C "$corpus" add "decisions/$doc"
staged=$(measure "" "$annals" -C "$corpus" check --staged --now "$now" --format json -q)
git -C "$corpus" reset -q --hard

echo "corpus: $docs docs, $commits commits, seed $seed; $runs runs each; $(nproc) CPUs"
printf '%-32s %9s %7s %7s %8s\n' command "median s" "min s" "max s" "peak MB"
printf '%-32s %9s %7s %7s %8s\n' "check (cold: history scan)" $cold
printf '%-32s %9s %7s %7s %8s\n' "check (warm: cached history)" $warm
printf '%-32s %9s %7s %7s %8s\n' "check --staged (one document)" $staged
python3 -c "import sys; w=float(sys.argv[1]); s=float(sys.argv[2]); print('staged / warm full check: %.2f' % (s / w))" "${warm%% *}" "${staged%% *}"
