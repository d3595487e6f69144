#!/usr/bin/env bash
# A second real editor: Emacs in batch with eglot (Debian's `emacs-nox` and `elpa-eglot`),
# set up as README's "### Emacs" block shows, on a copy of examples/handbook with a bad tag
# (tests/editors/emacs.el says what it checks).
#   ANNALS  the binary (default: target/debug/annals under CARGO_TARGET_DIR)
# Prints `emacs: 1 passed, 0 failed` (or `1 failed`) last; exits 0 with `skipped` when Emacs
# or eglot is not installed.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
annals=${ANNALS:-${CARGO_TARGET_DIR:-$repo/target}/debug/annals}
if ! command -v emacs >/dev/null || ! emacs --batch --eval "(require 'eglot)" >/dev/null 2>&1; then
  echo "emacs: skipped: emacs with eglot is not installed (apt-get install emacs-nox elpa-eglot)"
  exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$repo/examples/handbook" "$work/handbook"
sed -i 's/^tags: \[storage\]$/tags: [storgae]/' \
  "$work/handbook/decisions/0002-use-postgres-for-the-event-store.md"
# README's Emacs set-up, as README shows it: the elisp block under "### Emacs".
awk '/^### Emacs/{s=1} s&&/^```elisp/{b=1;next} b&&/^```/{exit} b' "$repo/README.md" >"$work/setup.el"
if ! grep -q "annals" "$work/setup.el"; then
  echo "emacs: README has no Emacs set-up under ### Emacs"
  echo "emacs: 0 passed, 1 failed"
  exit 1
fi
mkdir -p "$work/bin" "$work/home"
ln -s "$annals" "$work/bin/annals"
export PATH="$work/bin:$PATH" HANDBOOK="$work/handbook" HOME="$work/home" \
  ANNALS_NOW=2026-11-25T09:00:00Z
timeout 120 emacs --batch -l "$work/setup.el" -l "$here/emacs.el" >"$work/out" 2>&1
status=$?
grep -v '^Loading ' "$work/out"
if [ "$status" -eq 0 ]; then
  echo "emacs: 1 passed, 0 failed"
else
  echo "emacs: 0 passed, 1 failed"
  exit 1
fi
