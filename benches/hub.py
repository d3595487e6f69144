#!/usr/bin/env python3
"""The hub on a generated corpus: `annals site` build time, `annals serve`'s document page and
search, and the static site's search in headless Chromium (time to first results, bytes
loaded for one query).

    python3 benches/hub.py [--docs 10000] [--seed 1] [--runs 9] [--annals PATH] [--out DIR]

Needs ../shared/bench/gen-corpus (says `skipped` and exits 0 without it); Chromium is
optional. Prints medians.
"""

import os
import re
import shutil
import statistics
import subprocess
import tempfile
import time
import urllib.request

from common import NOW, arguments, corpus as generated


def main():
    a = arguments(9)
    made = generated(a, "annals-hub-")
    if made is None:
        return
    out, corpus = made
    env = dict(os.environ, ANNALS_NOW=NOW)
    site = os.path.join(out, "site")
    builds = []
    for _ in range(3):
        t = time.monotonic()
        subprocess.run([a.annals, "site", "--out", site, "-q"], cwd=corpus, env=env, check=True)
        builds.append(time.monotonic() - t)
    files = sum(len(f) for _, _, f in os.walk(site))
    print(f"{a.docs} documents; {os.cpu_count()} CPUs")
    print(f"annals site                       {statistics.median(builds):7.2f} s "
          f"({files} files, median of 3)")

    p = subprocess.Popen([a.annals, "serve", "--port", "0"], cwd=corpus, env=env,
                         stderr=subprocess.PIPE, stdout=subprocess.DEVNULL)
    url = p.stderr.readline().decode().split()[-1]
    page = sorted(os.listdir(os.path.join(site, "docs", "decisions")))[0]
    word = "zephyrine"

    def get(path):
        t = time.monotonic()
        with urllib.request.urlopen(url + path) as r:
            r.read()
        return time.monotonic() - t

    get("index.html")  # the first request makes the site
    pages = [get(f"docs/decisions/{page}") for _ in range(a.runs)]
    searches = [get(f"search.html?q={word}") for _ in range(a.runs)]
    p.terminate()
    p.wait()
    print(f"annals serve: a document page     {statistics.median(pages) * 1000:7.1f} ms")
    print(f"annals serve: a search            {statistics.median(searches) * 1000:7.1f} ms")

    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser:
        shown = []
        for _ in range(5):
            profile = tempfile.mkdtemp()
            dom = subprocess.run(
                [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", f"--user-data-dir={profile}",
                 "--virtual-time-budget=10000", "--dump-dom",
                 f"file://{site}/search.html?q={word}"],
                capture_output=True, text=True, timeout=120).stdout
            shutil.rmtree(profile, ignore_errors=True)
            m = re.search(r'data-ms="(\d+)"', dom)
            if m:
                shown.append(int(m.group(1)))
        loaded = sum(os.path.getsize(os.path.join(site, "search", f))
                     for f in ["docs.js", "search.js", "w-ze.js"])
        print(f"static search, Chromium, file://  {statistics.median(shown):7.0f} ms to the results "
              f"(performance.now(), median of {len(shown)})")
        print(f"static search: bytes loaded       {loaded / 1e6:7.2f} MB for `{word}`")


if __name__ == "__main__":
    main()
