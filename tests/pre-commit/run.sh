#!/usr/bin/env bash
# Proves .pre-commit-hooks.yaml with the real pre-commit framework: a throwaway git
# repository holding a tiny annals repository uses this checkout as a hook repository
# (`repo:` + `rev:`), pre-commit builds annals with its `language: rust` installer
# (`cargo install --path .`, release mode: minutes on a small machine), and the two
# hooks must pass on a good decision and fail with F003 on a bad one, both through
# `pre-commit run` and through a real `git commit` with the installed hook.
#
# Environment:
#   PRE_COMMIT_HOME  pre-commit's cache; set it to a lasting folder to reuse the built
#                    hook environment between runs (default: a temporary folder)
#   ANNALS_REPO      the hook repository (default: the checkout holding this script)
#   CARGO_TARGET_DIR passed through to pre-commit's `cargo install`; when unset and
#                    PRE_COMMIT_HOME is given, $PRE_COMMIT_HOME/cargo-target, so a new
#                    revision of annals rebuilds only annals itself
#
# Prints `pre-commit: N passed, M failed` last; exits 0 (with a message) when pre-commit
# cannot be had, non-zero when a check failed.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
annals_repo=$(cd "${ANNALS_REPO:-$here/../..}" && pwd)
start=$SECONDS

skip() {
  echo "pre-commit: skipped: $*"
  exit 0
}

# --- pre-commit itself -------------------------------------------------------------
# Run it as `PYTHON -m pre_commit` with PYTHON's real path (not a pyenv shim), so that
# pointing HOME elsewhere below cannot lose it.
py=""
if command -v python3 >/dev/null 2>&1; then
  py=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null) || py=""
fi
pc=()
if [ -n "$py" ]; then
  if ! "$py" -m pre_commit --version >/dev/null 2>&1; then
    echo "pre-commit: installing it with pip"
    "$py" -m pip install --quiet pre-commit >/dev/null 2>&1 \
      || "$py" -m pip install --quiet --user pre-commit >/dev/null 2>&1 \
      || true
  fi
  if "$py" -m pre_commit --version >/dev/null 2>&1; then
    pc=("$py" -m pre_commit)
  fi
fi
if [ ${#pc[@]} -eq 0 ] && command -v pre-commit >/dev/null 2>&1 \
  && pre-commit --version >/dev/null 2>&1; then
  pc=("$(command -v pre-commit)")
fi
[ ${#pc[@]} -gt 0 ] || skip "pre-commit is not installed and could not be installed with pip"
command -v git >/dev/null 2>&1 || skip "git not found"
command -v cargo >/dev/null 2>&1 || skip "cargo not found (pre-commit would try to download rustup)"
echo "pre-commit: using $("${pc[@]}" --version) with $(cargo --version)"

# --- an isolated environment ---------------------------------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/annals-pre-commit.XXXXXX")
trap 'rm -rf "$work"' EXIT

# cargo and rustup keep finding the toolchain and the downloaded crates (a rustup
# `cargo` proxy reads RUSTUP_HOME, default ~/.rustup); pre-commit runs the system
# cargo as it is, without a CARGO_HOME of its own.
if [ -z "${CARGO_HOME:-}" ] && [ -d "$HOME/.cargo" ]; then export CARGO_HOME="$HOME/.cargo"; fi
if [ -z "${RUSTUP_HOME:-}" ] && [ -d "$HOME/.rustup" ]; then export RUSTUP_HOME="$HOME/.rustup"; fi
if [ -n "${PRE_COMMIT_HOME:-}" ]; then
  mkdir -p "$PRE_COMMIT_HOME"
  PRE_COMMIT_HOME=$(cd "$PRE_COMMIT_HOME" && pwd)
  export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PRE_COMMIT_HOME/cargo-target}"
fi
export PRE_COMMIT_HOME="${PRE_COMMIT_HOME:-$work/cache}"
mkdir -p "$PRE_COMMIT_HOME"
export HOME="$work/home"
mkdir -p "$HOME"
export GIT_CONFIG_NOSYSTEM=1 NO_COLOR=1
unset XDG_CONFIG_HOME XDG_CACHE_HOME GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE \
  GIT_OBJECT_DIRECTORY GIT_CONFIG_GLOBAL PRE_COMMIT_ALLOW_NO_CONFIG SKIP

git_id=(-c user.name="annals test" -c user.email="annals@example.invalid" -c commit.gpgsign=false)

# --- the hook repository and revision ------------------------------------------------
# pre-commit clones `repo` at `rev`, so the hooks must be committed. A clean checkout
# is used at HEAD; a checkout with uncommitted or untracked files is copied into a
# snapshot repository whose one commit has fixed dates, so the same content gives the
# same sha (and a reused PRE_COMMIT_HOME its cached build).
hook_repo=$annals_repo
if [ -n "$(git -C "$annals_repo" status --porcelain --untracked-files=normal)" ]; then
  hook_repo="$PRE_COMMIT_HOME/annals-snapshot"
  rm -rf "$hook_repo"
  mkdir -p "$hook_repo"
  git -C "$annals_repo" ls-files -z --cached --others --exclude-standard \
    | while IFS= read -r -d '' f; do [ -e "$annals_repo/$f" ] && printf '%s\0' "$f"; done \
    | tar -C "$annals_repo" --null -T - -cf - | tar -C "$hook_repo" -xf -
  git -C "$hook_repo" init --quiet
  git -C "$hook_repo" add -A
  GIT_AUTHOR_DATE="2000-01-01T00:00:00Z" GIT_COMMITTER_DATE="2000-01-01T00:00:00Z" \
    git -C "$hook_repo" "${git_id[@]}" commit --quiet -m "annals working tree snapshot"
  echo "pre-commit: $annals_repo has uncommitted changes: using a snapshot commit of its working tree"
fi
rev=$(git -C "$hook_repo" rev-parse HEAD)
[ -f "$hook_repo/.pre-commit-hooks.yaml" ] || { echo "pre-commit: no .pre-commit-hooks.yaml in $hook_repo"; exit 1; }
echo "pre-commit: hook repository $hook_repo at $rev"

# --- the annals repository under test ------------------------------------------------
repo="$work/repo"
mkdir -p "$repo/decisions"
cd "$repo" || exit 1
git init --quiet
git config user.name "annals test"
git config user.email "annals@example.invalid"
git config commit.gpgsign false

cat >annals.toml <<'EOF'
[kinds.decision]
dir = "decisions"
filename = "{number:04}-{slug}.md"
id = "ADR-{number:04}"
front_matter = "required"

[tags]
storage = "Databases"
EOF

cat >decisions/0001-use-postgres.md <<'EOF'
---
title: Use Postgres
status: accepted
date: 2024-01-01
tags: [storage]
---

# Use Postgres

We keep our data in Postgres.
EOF

cat >README.md <<'EOF'
# Team memory

A markdown file that is no annals document: pre-commit passes it to the hook too.
EOF

cat >.pre-commit-config.yaml <<EOF
repos:
  - repo: $hook_repo
    rev: $rev
    hooks:
      - id: annals-check
      - id: annals-check-repo
EOF

git add -A

passed=0
failed=0
out="$work/out.txt"

# check NAME EXPECT(pass|fail) COMMAND...: runs COMMAND; with `fail` it must exit
# non-zero and print F003.
check() {
  local name=$1 expect=$2
  shift 2
  local t0=$SECONDS rc ok=1
  "$@" >"$out" 2>&1
  rc=$?
  if [ "$expect" = pass ]; then
    [ $rc -eq 0 ] || ok=0
  else
    [ $rc -ne 0 ] || ok=0
    grep -q 'F003' "$out" || ok=0
  fi
  sed 's/^/    | /' "$out"
  if [ $ok -eq 1 ]; then
    passed=$((passed + 1))
    echo "ok   $name (exit $rc, $((SECONDS - t0))s)"
  else
    failed=$((failed + 1))
    echo "FAIL $name (exit $rc, expected $expect$([ "$expect" = fail ] && echo ' with F003'), $((SECONDS - t0))s)"
  fi
  return 0
}

finish() {
  echo "pre-commit: total $((SECONDS - start))s"
  echo "pre-commit: $passed passed, $failed failed"
  [ $failed -eq 0 ]
  exit
}

# 0. pre-commit builds the hook environment (`cargo install --path .` in release mode).
echo "pre-commit: installing the hook environment (cargo install; may take minutes)"
check "pre-commit install-hooks builds annals" pass "${pc[@]}" install-hooks --config .pre-commit-config.yaml
if [ $failed -gt 0 ]; then
  tail -n 60 "$PRE_COMMIT_HOME/pre-commit.log" 2>/dev/null | sed 's/^/    log| /'
  finish
fi

# 1-3. A good decision (and a markdown file that is no document) is staged.
check "annals-check passes on the staged good decision" pass \
  "${pc[@]}" run annals-check --color never
check "annals-check-repo passes on the good repository" pass \
  "${pc[@]}" run annals-check-repo --color never
"${pc[@]}" install --hook-type pre-commit >/dev/null 2>&1
check "git commit with the installed hook succeeds" pass \
  git commit --quiet -m "Use Postgres"

# 4-6. A bad decision (tag `Storage` is not in the vocabulary: F003) is staged.
cat >decisions/0002-use-redis.md <<'EOF'
---
title: Use Redis
status: accepted
date: 2024-01-02
tags: [Storage]
---

# Use Redis

We cache sessions in Redis.
EOF
git add decisions/0002-use-redis.md
check "annals-check fails on the staged bad decision" fail \
  "${pc[@]}" run annals-check --color never
check "annals-check-repo fails on the bad repository" fail \
  "${pc[@]}" run annals-check-repo --color never
head_before=$(git rev-parse HEAD)
check "git commit with the installed hook is refused" fail \
  git commit --quiet -m "Use Redis"
if [ "$(git rev-parse HEAD)" = "$head_before" ]; then
  passed=$((passed + 1))
  echo "ok   the refused commit left HEAD unchanged"
else
  failed=$((failed + 1))
  echo "FAIL the refused commit moved HEAD"
fi

# 7. The `language: system` hook runs the annals already on PATH (here: the one pre-commit
#    built above) without building anything.
built=$(find "$PRE_COMMIT_HOME" -path '*/bin/annals' -type f -perm -u+x 2>/dev/null | head -n 1)
if [ -n "$built" ]; then
  cat >"$work/system.yaml" <<EOF
repos:
  - repo: $hook_repo
    rev: $rev
    hooks:
      - id: annals-check-system
EOF
  check "annals-check-system (installed binary) fails on the staged bad decision" fail \
    env PATH="$(dirname "$built"):$PATH" "${pc[@]}" run annals-check-system --config "$work/system.yaml" --color never
  git rm --quiet --cached decisions/0002-use-redis.md
  check "annals-check-system passes once the bad decision is unstaged" pass \
    env PATH="$(dirname "$built"):$PATH" "${pc[@]}" run annals-check-system --config "$work/system.yaml" --color never
else
  failed=$((failed + 1))
  echo "FAIL no annals binary found under $PRE_COMMIT_HOME for the system hook"
fi

finish
