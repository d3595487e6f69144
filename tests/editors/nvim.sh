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
# README's Neovim set-up, as README shows it: the lua block under "### Neovim".
ftplugin="$work/config/nvim/after/ftplugin/markdown.lua"
mkdir -p "$(dirname "$ftplugin")" "$work/bin" "$work/home"
awk '/^### Neovim/{s=1} s&&/^```lua/{b=1;next} b&&/^```/{exit} b' "$repo/README.md" >"$ftplugin"
if ! grep -q "annals" "$ftplugin"; then
  echo "nvim: README has no Neovim set-up under ### Neovim"
  echo "nvim: 0 passed, 1 failed"
  exit 1
fi
# The set-up runs `annals` from PATH.
ln -s "$annals" "$work/bin/annals"
export PATH="$work/bin:$PATH" XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/data" \
  XDG_STATE_HOME="$work/state" HANDBOOK="$work/handbook" HOME="$work/home" \
  ANNALS_NOW=2026-11-25T09:00:00Z
if timeout 120 nvim --headless -i NONE -c "luafile $here/nvim.lua" 2>&1; then
  echo "nvim: 1 passed, 0 failed"
else
  echo "nvim: 0 passed, 1 failed"
  exit 1
fi
