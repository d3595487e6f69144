#!/usr/bin/env bash
# Benchmark `annals check` on a synthetic corpus against peer tools.
#
#   bash benches/check.sh [--docs N] [--seed S] [--runs R] [--git] [--annals PATH] [--out DIR]
#
# See benches/README.md for what is measured. Timing and the table are done by
# benches/check_bench.py; this script checks prerequisites, finds the binaries and
# generates the corpus.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$SCRIPT_DIR/.." && pwd)

usage() {
    cat <<'EOF'
usage: bash benches/check.sh [options]

  --docs N        documents in the generated corpus (default 10000)
  --seed S        corpus seed (default 1)
  --runs R        timed runs per command (default 5), after one untimed warm-up run
  --git           give the corpus a git history (passed to gen-corpus)
  --annals PATH   annals binary (default target/release/annals, built with
                  `cargo build --release` if missing)
  --out DIR       work dir: corpus, logs and results.json (default: a new mktemp dir)
  -h, --help      this help
EOF
}

die() { echo "check.sh: error: $*" >&2; exit 2; }

DOCS=10000
SEED=1
RUNS=5
GIT=0
ANNALS=""
OUT=""

need_arg() { [[ $# -ge 2 && -n "$2" ]] || die "$1 needs a value"; }
while [[ $# -gt 0 ]]; do
    case "$1" in
        --docs)   need_arg "$@"; DOCS=$2; shift 2 ;;
        --seed)   need_arg "$@"; SEED=$2; shift 2 ;;
        --runs)   need_arg "$@"; RUNS=$2; shift 2 ;;
        --git)    GIT=1; shift ;;
        --annals) need_arg "$@"; ANNALS=$2; shift 2 ;;
        --out)    need_arg "$@"; OUT=$2; shift 2 ;;
        --docs=*)   DOCS=${1#*=}; shift ;;
        --seed=*)   SEED=${1#*=}; shift ;;
        --runs=*)   RUNS=${1#*=}; shift ;;
        --annals=*) ANNALS=${1#*=}; shift ;;
        --out=*)    OUT=${1#*=}; shift ;;
        -h|--help) usage; exit 0 ;;
        *) usage >&2; die "unknown argument: $1" ;;
    esac
done
[[ $DOCS =~ ^[0-9]+$ && $DOCS -gt 0 ]] || die "--docs must be a positive integer"
[[ $SEED =~ ^-?[0-9]+$ ]] || die "--seed must be an integer"
[[ $RUNS =~ ^[0-9]+$ && $RUNS -gt 0 ]] || die "--runs must be a positive integer"

# --- prerequisites -----------------------------------------------------------------------
SHARED_BENCH="$ROOT/../shared/bench"
GEN="$SHARED_BENCH/gen-corpus"
if [[ ! -f $GEN ]]; then
    echo "skipped: ../shared not found (no $GEN)"
    exit 0
fi

if [[ ! -x /usr/bin/time ]] || ! /usr/bin/time -f '%e %M' -o /dev/null true 2>/dev/null; then
    die "GNU time is needed at /usr/bin/time (for wall time and peak RSS); install it with: apt-get install -y time"
fi
command -v python3 >/dev/null || die "python3 is needed"

# --- annals binary ------------------------------------------------------------------------
if [[ -z $ANNALS ]]; then
    ANNALS="$ROOT/target/release/annals"
    if [[ ! -x $ANNALS ]]; then
        echo "building annals: cargo build --release" >&2
        (cd "$ROOT" && cargo build --release) || die "cargo build --release failed"
    fi
fi
[[ -x $ANNALS ]] || die "annals binary not found or not executable: $ANNALS"
ANNALS=$(cd "$(dirname "$ANNALS")" && pwd)/$(basename "$ANNALS")

# --- peers: resolve to the real binary (a pyenv shim is a shell script and would add
# its own start-up time and memory to every run) --------------------------------------------
resolve() {
    local p
    p=$(command -v "$1" 2>/dev/null) || { echo ""; return; }
    if [[ $p == */.pyenv/shims/* ]] && command -v pyenv >/dev/null; then
        p=$(pyenv which "$1" 2>/dev/null) || { echo ""; return; }
    fi
    echo "$p"
}
RUMDL=$(resolve rumdl)
LYCHEE=$(resolve lychee)
RG=$(resolve rg)

# --- work dir and corpus -------------------------------------------------------------------
if [[ -z $OUT ]]; then
    OUT=$(mktemp -d -t annals-bench.XXXXXX)
else
    mkdir -p "$OUT"
fi
OUT=$(cd "$OUT" && pwd)
CORPUS="$OUT/corpus"

# Reuse an existing corpus only when it was made with the same arguments by the same
# generator; otherwise regenerate it (gen-corpus refuses an existing --out).
GEN_SUM=$(sha256sum "$GEN" | cut -c1-16)
STAMP="docs=$DOCS seed=$SEED git=$GIT gen=$GEN_SUM"
if [[ -d $CORPUS && -f $OUT/corpus.params && $(cat "$OUT/corpus.params") == "$STAMP" ]]; then
    echo "corpus: reusing $CORPUS ($STAMP)"
else
    rm -rf -- "$CORPUS" "$OUT/corpus.expected.json" "$OUT/corpus.params"
    gen_args=(--docs "$DOCS" --seed "$SEED" --out "$CORPUS")
    [[ $GIT == 1 ]] && gen_args+=(--git)
    echo "corpus: python3 $GEN ${gen_args[*]}"
    python3 "$GEN" "${gen_args[@]}"
    echo "$STAMP" > "$OUT/corpus.params"
fi

# Benchmark a private copy, so a concurrent `cargo build` cannot swap the binary mid-run.
mkdir -p "$OUT/bin"
cp -f "$ANNALS" "$OUT/bin/annals"
echo "annals: $ANNALS (copied to $OUT/bin/annals)"
ANNALS="$OUT/bin/annals"

SCORE=""
[[ -f $SHARED_BENCH/score ]] && SCORE="$SHARED_BENCH/score"

exec python3 "$SCRIPT_DIR/check_bench.py" \
    --workdir "$OUT" --runs "$RUNS" --docs "$DOCS" --seed "$SEED" --git "$GIT" \
    --annals "$ANNALS" --rumdl "$RUMDL" --lychee "$LYCHEE" --rg "$RG" --score "$SCORE"
