#!/usr/bin/env bash
# Generates a gen-corpus repository and scores `annals check --format json` against its ground
# truth, over the codes annals implements (`annals rule --format json`).
#
#   benches/score-corpus.sh [--annals PATH] [--work DIR] [--docs N] [--seed S] [--git]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bench="$root/../shared/bench"
annals="$root/target/release/annals"
work=""
docs=2000
seed=11
git=""
while [ $# -gt 0 ]; do
  case "$1" in
    --annals) annals="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    --docs) docs="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --git) git="--git"; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
if [ ! -f "$bench/gen-corpus" ]; then
  echo "skipped: $bench not found"
  exit 0
fi
[ -n "$work" ] || work=$(mktemp -d)
corpus="$work/corpus-$docs-$seed$git"
rm -rf "$corpus" "$corpus.expected.json"
python3 "$bench/gen-corpus" --docs "$docs" --seed "$seed" $git --out "$corpus"
now=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["now"])' "$corpus.expected.json")
"$annals" rule --format json > "$work/rules.json"
set +e
"$annals" -C "$corpus" check --now "$now" --format json -q > "$work/actual.json"
rc=$?
set -e
if [ "$rc" -gt 1 ]; then
  echo "annals check failed with exit code $rc" >&2
  exit 1
fi
python3 - "$work/rules.json" "$corpus.expected.json" "$work/actual.json" "$work" <<'PY'
import json, sys
rules, expected, actual, work = sys.argv[1:]
implemented = {r["code"] for r in json.load(open(rules))}
exp = json.load(open(expected))
act = json.load(open(actual))
skipped = sorted({d["code"] for d in exp["diagnostics"]} - implemented)
if skipped:
    print("not scored (not implemented yet): " + ", ".join(skipped))
exp["diagnostics"] = [d for d in exp["diagnostics"] if d["code"] in implemented]
act["diagnostics"] = [d for d in act["diagnostics"] if d["code"] in implemented]
json.dump(exp, open(work + "/expected-scored.json", "w"))
json.dump(act, open(work + "/actual-scored.json", "w"))
PY
python3 "$bench/score" check "$work/expected-scored.json" "$work/actual-scored.json"
if [ "${ANNALS_SCORE_SEARCH:-1}" = "1" ] && [ -z "$git" ]; then
  python3 "$bench/score" search "$corpus.expected.json" --repo "$corpus" --annals "$annals"
fi
