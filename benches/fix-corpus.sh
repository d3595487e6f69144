#!/usr/bin/env bash
# `check --fix` on a copy of a gen-corpus git repository: every L005, L007 and N001 finding and
# every case-only F003 finding goes, every other finding stays (a renamed file's findings move
# with it; a decision the L005 fix marks `superseded` is no longer stale: A003 counts only live
# statuses), and a second `--fix` changes nothing.
#
#   benches/fix-corpus.sh [--annals PATH] [--work DIR] [--docs N] [--seed S]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bench="$root/../shared/bench"
annals="$root/target/release/annals"
work=""
docs=2000
seed=11
while [ $# -gt 0 ]; do
  case "$1" in
    --annals) annals="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    --docs) docs="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
if [ ! -f "$bench/gen-corpus" ]; then
  echo "skipped: $bench not found"
  exit 0
fi
[ -n "$work" ] || work=$(mktemp -d)
corpus="$work/fix-$docs-$seed"
rm -rf "$corpus" "$corpus.expected.json"
python3 "$bench/gen-corpus" --docs "$docs" --seed "$seed" --git --out "$corpus" >/dev/null
now=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["now"])' "$corpus.expected.json")
run() { "$annals" -C "$corpus" check --now "$now" --format json -q "$@" || [ $? -eq 1 ]; }
run > "$work/before.json"
"$annals" -C "$corpus" check --now "$now" --diff -q > "$work/fix.diff" || [ $? -eq 1 ]
run --fix > "$work/after.json"
snapshot() { (cd "$corpus" && find . -path ./.git -prune -o -type f -print0 | sort -z | xargs -0 sha1sum); }
snapshot > "$work/files1"
run --fix > "$work/again.json"
snapshot > "$work/files2"
python3 - "$work" "$corpus" <<'PY'
import json, os, re, sys
work, corpus = sys.argv[1], sys.argv[2]
load = lambda n: json.load(open(os.path.join(work, n)))["diagnostics"]
before, after, again = load("before.json"), load("after.json"), load("again.json")
renames = dict(re.findall(r"^rename from (.*)\nrename to (.*)$", open(os.path.join(work, "fix.diff")).read(), re.M))
def superseded(path):
    text = open(os.path.join(corpus, path), encoding="utf-8", errors="replace").read()
    return re.search(r"^status: superseded\s*$", text, re.M) is not None
fixed = {"L005", "L007", "N001"}
def case_only(d):
    m = re.match(r"tag `(.*)` is not in", d["message"])
    return d["code"] == "F003" and m and m.group(1) != m.group(1).lower() and m.group(1).lower() in vocab
vocab = set(re.findall(r"^([a-z0-9-]+)\s*=", open(os.path.join(corpus, "annals.toml")).read().split("[tags]")[1].split("\n[")[0], re.M))
key = lambda d: (d["code"], d["path"], d["line"], d["message"])
expected = set()
counts = {"fixed": 0, "kept": 0, "no longer stale": 0}
for d in before:
    if d["code"] in fixed or case_only(d):
        counts["fixed"] += 1
        continue
    d = dict(d, path=renames.get(d["path"], d["path"]))
    if d["code"] == "A003" and superseded(d["path"]):
        counts["no longer stale"] += 1
        continue
    counts["kept"] += 1
    expected.add(key(d))
actual = set(map(key, after))
problems = []
if actual != expected:
    problems.append(f"unexpected after --fix: {sorted(actual - expected)[:5]}; missing: {sorted(expected - actual)[:5]}")
if after != again:
    problems.append("the second --fix changed the report")
if open(os.path.join(work, "files1")).read() != open(os.path.join(work, "files2")).read():
    problems.append("the second --fix changed files")
print(f"fix corpus: {counts['fixed']} fixed ({len(renames)} renames), {counts['kept']} kept, "
      f"{counts['no longer stale']} A003 gone with the superseded status")
if problems:
    print("\n".join(problems))
    sys.exit(1)
print("second --fix: no change")
PY
