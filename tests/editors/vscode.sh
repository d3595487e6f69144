#!/usr/bin/env bash
# A real VS Code in CI: code-server (VS Code 1.100.3 served to a browser) with the extension in
# editors/vscode, packaged by vsce and installed with --install-extension, driven in headless
# Chromium by playwright-core (tests/editors/vscode.js says what it checks), on a copy of
# examples/handbook with a bad tag.
#   ANNALS       the binary (default: target/debug/annals under CARGO_TARGET_DIR)
#   CODE_SERVER  a code-server to use; without it code-server 4.100.3 is installed from npm
#                into the cache below (once: about a minute, native modules are built)
#   CACHE        where the npm tools live (default: ~/.cache/annals-ci/code-server)
#   KEEP         set: keep the temporary folder (logs, profile) and say where it is
#   SHOT         the screenshot, taken on success and on failure (default: /tmp/annals-vscode.png)
# Prints `vscode: 1 passed, 0 failed` (or `1 failed`) last; exits 0 with `skipped` when
# chromium, node or the build tools code-server needs are missing.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
annals=${ANNALS:-${CARGO_TARGET_DIR:-$repo/target}/debug/annals}
annals=$(realpath -m "$annals")
cache=${CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/annals-ci/code-server}
shot=${SHOT:-${TMPDIR:-/tmp}/annals-vscode.png}
browser=$(command -v chromium || command -v chromium-browser || true)
skip() {
  echo "vscode: skipped: $*"
  exit 0
}
[ -n "$browser" ] || skip "chromium is not installed (apt-get install chromium)"
command -v npm >/dev/null || skip "node and npm are not installed"

# The npm tools, installed once into the cache. code-server's install builds native modules
# (Debian: g++ make python3 libkrb5-dev) and downloads ripgrep from GitHub, which CI cannot
# reach: Debian's `rg` (package ripgrep) is put where that download is cached. As root, its
# postinstall wants npm's old unsafe-perm flag; node-pty's runs `npx node-gyp`, which must not ask.
tools="playwright-core@1.65.2 @vscode/vsce@3.7.1"
[ -n "${CODE_SERVER:-}" ] || tools="code-server@4.100.3 $tools"
stamp="$cache/installed-$(echo "$tools" | sed 's/[ /@]/_/g')"
if [ ! -f "$stamp" ]; then
  mkdir -p "$cache/tmp/rg" "$cache/tmp/vscode-ripgrep-cache-1.15.11"
  if [ -z "${CODE_SERVER:-}" ]; then
    command -v rg >/dev/null || skip "code-server's install needs ripgrep (apt-get install ripgrep)"
    cp -L "$(command -v rg)" "$cache/tmp/rg/rg"
    tar czf "$cache/tmp/vscode-ripgrep-cache-1.15.11/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" \
      -C "$cache/tmp/rg" rg
  fi
  [ -f "$cache/package.json" ] || echo '{"private": true}' >"$cache/package.json"
  echo "vscode: installing $tools into $cache"
  start=$SECONDS
  # shellcheck disable=SC2086
  if ! (cd "$cache" && TMPDIR="$cache/tmp" npm_config_unsafe_perm=true npm_config_yes=true \
    timeout 900 npm install --no-audit --no-fund --foreground-scripts $tools >"$cache/install.log" 2>&1); then
    grep -E 'error|ERR!' "$cache/install.log" | tail -15
    skip "npm install $tools failed (log: $cache/install.log)"
  fi
  echo "vscode: installed in $((SECONDS - start)) s"
  touch "$stamp"
fi
code_server=${CODE_SERVER:-$cache/node_modules/.bin/code-server}

work=$(mktemp -d)
[ -z "${KEEP:-}" ] || echo "vscode: keeping $work"
server=""
trap '[ -n "$server" ] && kill -- -"$server" 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
cp -r "$repo/examples/handbook" "$work/handbook"
sed -i 's/^tags: \[storage\]$/tags: [storgae]/' \
  "$work/handbook/decisions/0002-use-postgres-for-the-event-store.md"
mkdir -p "$work/bin" "$work/home" "$work/data/User" "$work/extensions"
ln -s "$annals" "$work/bin/annals"
export npm_config_cache=${npm_config_cache:-$HOME/.npm}
export PATH="$work/bin:$PATH" HOME="$work/home" ANNALS_NOW=2026-11-25T09:00:00Z
# code-server's extension host takes PATH from a login shell, which /etc/profile resets: the
# setting names the binary, as editors/vscode/README.md shows for an annals not on that PATH.
cat >"$work/data/User/settings.json" <<JSON
{
  "annals.path": "$annals",
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "security.workspace.trust.enabled": false,
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "telemetry.telemetryLevel": "off"
}
JSON
# The extension as its README installs it: npm install --omit=dev (here npm ci: the lock file
# exactly), vsce package, --install-extension.
cp -r "$repo/editors/vscode" "$work/ext"
rm -rf "$work/ext/node_modules"
if ! (cd "$work/ext" && npm ci --omit=dev --no-audit --no-fund >"$work/ext.log" 2>&1 &&
  "$cache/node_modules/.bin/vsce" package --allow-missing-repository --skip-license \
    --out "$work/annals.vsix" >>"$work/ext.log" 2>&1 </dev/null &&
  timeout 120 "$code_server" --config "$work/config.yaml" --user-data-dir "$work/data" \
    --extensions-dir "$work/extensions" --install-extension "$work/annals.vsix" >>"$work/ext.log" 2>&1); then
  tail -20 "$work/ext.log"
  echo "vscode: could not package and install editors/vscode"
  echo "vscode: 0 passed, 1 failed"
  exit 1
fi

setsid "$code_server" --config "$work/config.yaml" --user-data-dir "$work/data" \
  --extensions-dir "$work/extensions" --auth none --bind-addr 127.0.0.1:0 \
  --disable-telemetry --disable-update-check --disable-workspace-trust \
  >"$work/code-server.log" 2>&1 &
server=$!
url=""
for _ in $(seq 300); do
  url=$(sed -n 's/.*HTTP server listening on \(http[^ ]*\).*/\1/p' "$work/code-server.log")
  [ -n "$url" ] && break
  sleep 0.1
done
if [ -z "$url" ]; then
  tail -20 "$work/code-server.log"
  echo "vscode: code-server did not start"
  echo "vscode: 0 passed, 1 failed"
  exit 1
fi
if URL="$url" FOLDER="$work/handbook" SHOT="$shot" PROFILE="$work/profile" CHROMIUM="$browser" \
  NODE_PATH="$cache/node_modules" timeout 180 node "$here/vscode.js"; then
  echo "vscode: screenshot: $shot"
  echo "vscode: 1 passed, 0 failed"
else
  echo "vscode: screenshot: $shot"
  echo "--- code-server log"
  tail -20 "$work/code-server.log"
  echo "--- the extension host and the extension's output"
  grep -h -A3 annals "$work"/data/logs/*/exthost*/remoteexthost.log 2>/dev/null | tail -20
  cat "$work"/data/logs/*/exthost*/output_logging_*/*annals* 2>/dev/null | tail -20
  echo "vscode: 0 passed, 1 failed"
  exit 1
fi
