#!/usr/bin/env bash
# A real editor in CI: headless Neovim with `annals lsp` as its language server, on a copy of
# examples/handbook with a bad tag (tests/editors/nvim.lua says what it checks).
#   ANNALS  the binary (default: target/debug/annals under CARGO_TARGET_DIR)
# Prints `nvim: 1 passed, 0 failed` (or `1 failed`) last; exits 0 with `skipped` when nvim is
# not installed.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
annals=${ANNALS:-${CARGO_TARGET_DIR:-$repo/target}/debug/annals}
if ! command -v nvim >/dev/null; then
  echo "nvim: skipped: nvim is not installed (apt-get install neovim)"
  exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$repo/examples/handbook" "$work/handbook"
sed -i 's/^tags: \[storage\]$/tags: [storgae]/' \
  "$work/handbook/decisions/0002-use-postgres-for-the-event-store.md"
export ANNALS="$annals" HANDBOOK="$work/handbook" HOME="$work/home" ANNALS_NOW=2026-11-25T09:00:00Z
mkdir -p "$HOME"
if timeout 120 nvim --headless --clean -c "luafile $here/nvim.lua" 2>&1; then
  echo "nvim: 1 passed, 0 failed"
else
  echo "nvim: 0 passed, 1 failed"
  exit 1
fi
