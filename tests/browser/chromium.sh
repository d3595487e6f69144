#!/usr/bin/env bash
# A real browser in CI: headless Chromium (Debian's `chromium`) on the hub. The static site
# from file:// and the site `annals serve` serves each run a search for a word planted in one
# document and must list it (the DOM after the page's scripts ran); screenshots of the home
# page, a document and search results are written to SHOTS (default: a temporary folder).
#   ANNALS  the binary (default: target/debug/annals under CARGO_TARGET_DIR)
# Prints `chromium: N passed, M failed` last; exits 0 with `skipped` when chromium is missing.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
annals=${ANNALS:-${CARGO_TARGET_DIR:-$repo/target}/debug/annals}
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "chromium: skipped: chromium is not installed (apt-get install chromium)"
  exit 0
fi
work=$(mktemp -d)
server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT
shots=${SHOTS:-$work/shots}
mkdir -p "$shots"
# The handbook with its made-up history (created, updated, authors, what awaits whom), and
# an agenda for next week not committed yet.
if ! bash "$repo/examples/make-history.sh" "$work/handbook" >/dev/null 2>&1; then
  rm -rf "$work/handbook"
  cp -r "$repo/examples/handbook" "$work/handbook"
fi
cat >"$work/handbook/meetings/2026-11-30-platform-weekly.md" <<'DOC'
---
title: Platform weekly
date: 2026-11-30T10:00
owner: platform
tags: [process]
attendees: [alice, bruno]
---
# Platform weekly

## Agenda

1. The tracing rollout (ADR-0012)

## Pre-reads

## Outcome
DOC
cat >"$work/handbook/briefs/zephyrine-notes.md" <<'DOC'
---
title: Zephyrine notes
status: draft
date: 2026-11-20
owner: alice
tags: [storage]
---
# Zephyrine notes

The quokkalith plan, written down.

## Problem

x

## Proposal

y

## Feedback
DOC
export ANNALS_NOW=2026-11-25T09:00:00Z HOME="$work/home"
mkdir -p "$HOME"
chrome() {
  timeout 60 "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$work/profile" "$@" 2>/dev/null
}
# The static site: virtual time runs until the page's scripts are done. A served page keeps
# its live-reload stream open, which would hold virtual time forever: it gets real seconds.
static() { chrome --virtual-time-budget=5000 "$@"; }
served() { chrome --timeout=3000 "$@"; }
passed=0 failed=0
check() { # NAME PATTERN: the page's DOM holds PATTERN
  if grep -q "$2" "$work/dom"; then
    echo "ok   $1"
    passed=$((passed + 1))
  else
    echo "FAIL $1"
    failed=$((failed + 1))
  fi
}
(cd "$work/handbook" && "$annals" site --out "$work/site" -q)
static --dump-dom "file://$work/site/search.html?q=quokkalith" >"$work/dom"
check "file:// site: search finds the planted word" 'href="docs/briefs/zephyrine-notes.html">Zephyrine notes</a>'
(cd "$work/handbook" && exec "$annals" serve --port 0 2>"$work/serve.log") &
server=$!
for _ in $(seq 50); do grep -q serving "$work/serve.log" 2>/dev/null && break; sleep 0.1; done
url=$(sed -n 's/^serving //p' "$work/serve.log" | head -1)
served --dump-dom "${url}search.html?q=quokkalith" >"$work/dom"
check "served site: search finds the planted word" 'href="docs/briefs/zephyrine-notes.html">Zephyrine notes</a>'
served --dump-dom "${url}docs/decisions/0002-use-postgres-for-the-event-store.html" >"$work/dom"
check "served site: a document page" '<h2 id="context">Context</h2>'
static --window-size=1200,900 --screenshot="$shots/home.png" "file://$work/site/index.html" >/dev/null
static --window-size=1200,900 --screenshot="$shots/document.png" \
  "file://$work/site/docs/decisions/0002-use-postgres-for-the-event-store.html" >/dev/null
static --window-size=1200,900 --screenshot="$shots/search.png" "file://$work/site/search.html?q=postgres" >/dev/null
for s in home document search; do
  if [ -s "$shots/$s.png" ]; then passed=$((passed + 1)); else echo "FAIL screenshot $s"; failed=$((failed + 1)); fi
done
echo "chromium: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
