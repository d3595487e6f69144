#!/usr/bin/env bash
# Git-backed costs on a gen-corpus repository with history: the cold history scan side by
# side with `git log --name-only` (the floor a CI run on a fresh clone pays anyway), a warm
# (cached) full check, the cache extended by one new commit, and `check --staged` with one
# staged document. Medians of --runs; CPU is user + system; peak memory from /usr/bin/time.
#
#   benches/git.sh [--docs 10000] [--seed 1] [--runs 5] [--annals PATH] [--out DIR]
#                  [--extra-commits N]
#
# --extra-commits N interleaves N commits of non-document files (a source tree of about
# 3,000 files in nested folders, 1-4 files changed per commit) with the corpus's own
# commits: a long history in which most commits touch no document, like a code repository
# that keeps its decisions beside the code.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bench="$root/../shared/bench"
docs=10000 seed=1 runs=5 annals="$root/target/release/annals" out="" extra=0
while [ $# -gt 0 ]; do
  case "$1" in
    --docs) docs="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --annals) annals="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --extra-commits) extra="$2"; shift 2 ;;
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
if [ "$extra" -gt 0 ]; then
  long="$corpus-long-$extra"
  if [ ! -d "$long" ]; then
    git init -q -b main "$long"
    # The corpus's linear history, with `from` lines dropped so that the inserted commits
    # chain in, and after each corpus commit its share of source-tree commits.
    cat > "$out/interleave.py" <<'PY'
import random, re, sys
extra, commits = int(sys.argv[1]), int(sys.argv[2])
r = random.Random(7)
out = sys.stdout.buffer
inp = sys.stdin.buffer
files = ["src/m%02d/s%02d/f%03d.rs" % (i % 40, i % 7, i) for i in range(3000)]
words = b"fn let mut impl struct enum match return self use pub mod trait where async await".split()
def body():
    return b"\n".join(b" ".join(r.choice(words) for _ in range(12)) for _ in range(r.randint(20, 60))) + b"\n"
made, seen, last_time = 0, 0, 0
def emit_extra(n):
    global made
    for _ in range(n):
        made += 1
        who = r.choice([b"alice", b"bruno", b"chloe", b"devika"])
        out.write(b"commit refs/heads/main\n")
        for role in (b"author", b"committer"):
            out.write(b"%s %s <%s@acme.example> %d +0000\n" % (role, who, who, last_time))
        msg = b"code change %d" % made
        out.write(b"data %d\n%s\n" % (len(msg), msg))
        for f in files if made == 1 else r.sample(files, r.randint(1, 4)):
            b = body()
            out.write(b"M 100644 inline %s\ndata %d\n%s\n" % (f.encode(), len(b), b))
        out.write(b"\n")
while True:
    line = inp.readline()
    if not line:
        break
    if line.startswith(b"reset "):
        # Resets only name the branch's tip, which the stream builds anyway.
        nxt = inp.readline()
        if not nxt.startswith(b"from "):
            out.write(nxt)
        continue
    if line.startswith(b"from "):
        continue
    if line.startswith(b"committer "):
        last_time = int(line.split(b">")[1].split()[0])
    if line.startswith(b"data "):
        n = int(line[5:])
        out.write(line)
        out.write(inp.read(n))
        continue
    if line.startswith(b"commit ") and seen:
        # Before the next corpus commit: this one's share of the extra commits.
        want = extra * seen // commits
        emit_extra(want - made)
    if line.startswith(b"commit "):
        seen += 1
    out.write(line)
emit_extra(extra - made)
PY
    git -C "$corpus" fast-export --reencode=yes main \
      | python3 "$out/interleave.py" "$extra" "$(git -C "$corpus" rev-list --count HEAD)" \
      | git -C "$long" fast-import --quiet
    git -C "$long" reset -q --hard main
  fi
  corpus="$long"
fi
now=2026-06-30T12:00:00Z
commits=$(git -C "$corpus" rev-list --count HEAD)

# "median-wall median-cpu min-wall max-wall peak-MB" of `cmd` over $runs runs; $1 is a
# setup command run before each.
measure() {
  local setup="$1"; shift
  python3 - "$runs" "$setup" "$@" <<'PY'
import statistics, subprocess, sys, time
runs, setup, cmd = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
walls, cpus, peaks = [], [], []
for _ in range(runs):
    if setup:
        subprocess.run(setup, shell=True, check=True)
    t = time.monotonic()
    p = subprocess.run(["/usr/bin/time", "-f", "%U %S %M"] + cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    walls.append(time.monotonic() - t)
    u, s, m = p.stderr.strip().splitlines()[-1].split()
    cpus.append(float(u) + float(s))
    peaks.append(int(m))
print("%.3f %.3f %.3f %.3f %.1f" % (statistics.median(walls), statistics.median(cpus), min(walls), max(walls), max(peaks) / 1024))
PY
}

check=("$annals" -C "$corpus" check --now "$now" --format json -q)
gitlog=(git -C "$corpus" log --name-only "--format=%H%x09%ae%x09%at" HEAD)
# Side by side, alternating, so that both see the same machine.
"${gitlog[@]}" >/dev/null
log=$(measure "" "${gitlog[@]}")
cold=$(measure "rm -rf '$corpus/.git/annals'" "${check[@]}")
log2=$(measure "" "${gitlog[@]}")
"${check[@]}" >/dev/null || true
warm=$(measure "" "${check[@]}")

# The cache extended by one new commit: the time `check -v` reports for the history.
cache="$corpus/.git/annals/history.txt"
cp "$cache" "$out/history.saved"
doc=$(cd "$corpus/decisions" && set -- *.md && echo "$1")
extend_ms=()
for _ in $(seq "$runs"); do
  cp "$out/history.saved" "$cache"
  printf '\nA line committed by the benchmark.\n' >> "$corpus/decisions/$doc"
  git -C "$corpus" -c user.name=bench -c user.email=bench@acme.example commit -q -a -m bench
  line=$("$annals" -C "$corpus" check --now "$now" --format json -q -v 2>&1 >/dev/null | grep '^history:' || true)
  extend_ms+=("$(python3 -c "import re,sys; m=re.search(r'extended by 1 commit in ([0-9.]+)(µs|ms|s)', sys.argv[1]); print('%.1f' % (float(m.group(1)) * {'µs': 0.001, 'ms': 1, 's': 1000}[m.group(2)]) if m else 'nan')" "$line")")
  git -C "$corpus" reset -q --hard HEAD~1
done
cp "$out/history.saved" "$cache"
extend=$(python3 -c "import statistics,sys; print('%.1f' % statistics.median(float(x) for x in sys.argv[1:]))" "${extend_ms[@]}")

doc=$(cd "$corpus/decisions" && set -- *.md && echo "$1")
printf '\nA line staged by the benchmark.\n' >> "$corpus/decisions/$doc"
git -C "$corpus" add "decisions/$doc"
staged=$(measure "" "$annals" -C "$corpus" check --staged --now "$now" --format json -q)
git -C "$corpus" reset -q --hard

echo "corpus: $docs docs, $commits commits ($extra of them non-document), seed $seed; $runs runs each; $(nproc) CPUs"
printf '%-40s %9s %7s %7s %7s %8s\n' command "median s" "CPU s" "min s" "max s" "peak MB"
printf '%-40s %9s %7s %7s %7s %8s\n' "git log --name-only (before)" $log
printf '%-40s %9s %7s %7s %7s %8s\n' "check (cold: history scan)" $cold
printf '%-40s %9s %7s %7s %7s %8s\n' "git log --name-only (after)" $log2
printf '%-40s %9s %7s %7s %7s %8s\n' "check (warm: cached history)" $warm
printf '%-40s %9s %7s %7s %7s %8s\n' "check --staged (one document)" $staged
echo "history extended by one commit (check -v): median $extend ms"
python3 - "$log" "$log2" "$cold" "$warm" "$staged" <<'PY'
import sys
log = [float(x) for x in sys.argv[1].split()]
log2 = [float(x) for x in sys.argv[2].split()]
cold, warm, staged = ([float(x) for x in a.split()] for a in sys.argv[3:6])
wall = (log[0] + log2[0]) / 2
cpu = (log[1] + log2[1]) / 2
print("cold check / git log: %.2fx wall, %.2fx CPU (git log %.3f s wall, %.3f s CPU)" % (cold[0] / wall, cold[1] / cpu, wall, cpu))
print("staged / warm full check: %.2f" % (staged[0] / warm[0]))
PY
