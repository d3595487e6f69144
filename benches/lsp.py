#!/usr/bin/env python3
"""`annals lsp` on a generated corpus: the time from a one-character change to its published
diagnostics (the changed document's and those linking to it), the initial load beside
`annals check`, and the server's peak memory.

    python3 benches/lsp.py [--docs 10000] [--seed 1] [--changes 30] [--runs 7] [--annals PATH] [--out DIR]

Needs ../shared/bench/gen-corpus (says `skipped` and exits 0 without it). Prints medians.
"""

import json
import os
import statistics
import subprocess
import threading
import time
import queue

from common import NOW, arguments, corpus as generated


class Client:
    def __init__(self, annals, root):
        env = dict(os.environ, ANNALS_NOW=NOW)
        self.p = subprocess.Popen([annals, "lsp"], cwd=root, env=env, stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.q = queue.Queue()
        self.id = 0
        threading.Thread(target=self.read, daemon=True).start()

    def read(self):
        out = self.p.stdout
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    return
                line = line.strip()
                if not line:
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            body = out.read(length)
            self.q.put((time.monotonic(), json.loads(body)))

    def send(self, msg):
        body = json.dumps(msg).encode()
        self.p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.p.stdin.flush()

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method, params):
        self.id += 1
        self.send({"jsonrpc": "2.0", "id": self.id, "method": method, "params": params})
        return self.id

    def until(self, pred, timeout=120):
        end = time.monotonic() + timeout
        while True:
            t, m = self.q.get(timeout=max(0.01, end - time.monotonic()))
            if pred(m):
                return t, m


def peak_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def main():
    a = arguments(7, [("--changes", int, 30)])
    made = generated(a, "annals-lsp-")
    if made is None:
        return
    out, corpus = made
    env = dict(os.environ, ANNALS_NOW=NOW)
    # `annals check` on the same corpus, history cache warm (as the server's).
    subprocess.run([a.annals, "check", "--format", "json", "-q"], cwd=corpus, env=env,
                   stdout=subprocess.DEVNULL)
    checks = []

    def time_check():
        t = time.monotonic()
        subprocess.run([a.annals, "check", "--format", "json", "-q"], cwd=corpus, env=env,
                       stdout=subprocess.DEVNULL)
        checks.append(time.monotonic() - t)

    # The document most others link to: a change there re-judges the most documents.
    inbound = {}
    for d, _, files in os.walk(corpus):
        if ".git" in d:
            continue
        for f in files:
            if not f.endswith(".md"):
                continue
            text = open(os.path.join(d, f), encoding="utf-8", errors="replace").read()
            for part in text.split("](")[1:]:
                dest = part.split(")")[0].split("#")[0]
                target = os.path.normpath(os.path.join(d, dest))
                if dest.endswith(".md") and target.startswith(corpus) and os.path.isfile(target):
                    inbound[target] = inbound.get(target, 0) + 1
    target = max(inbound, key=inbound.get)
    rel = os.path.relpath(target, corpus)
    text = open(target, encoding="utf-8").read()

    loads = []
    server_loads = []
    latencies = []
    peak = 0
    # Interleaved with `annals check`, so that the machine's drift falls on both alike.
    for run in range(a.runs):
        time_check()
        c = Client(a.annals, corpus)
        uri = "file://" + os.path.abspath(corpus)
        t0 = time.monotonic()
        i = c.request("initialize", {"processId": None, "rootUri": uri, "capabilities": {}})
        c.until(lambda m: m.get("id") == i)
        c.notify("initialized", {})
        i = c.request("workspace/symbol", {"query": "no-such-document-anywhere"})
        _, log = c.until(lambda m: m.get("method") == "window/logMessage"
                         and "judged in" in m["params"]["message"])
        t1, _ = c.until(lambda m: m.get("id") == i)
        loads.append(t1 - t0)
        server_loads.append(int(log["params"]["message"].split("judged in ")[1].split()[0]) / 1000)
        doc_uri = "file://" + os.path.abspath(target)
        c.notify("textDocument/didOpen", {"textDocument": {
            "uri": doc_uri, "languageId": "markdown", "version": 1, "text": text}})
        c.until(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                and m["params"]["uri"] == doc_uri)
        if run == 0:
            for n in range(a.changes):
                new = text + "x" * (n % 2)
                sent = time.monotonic()
                c.notify("textDocument/didChange", {
                    "textDocument": {"uri": doc_uri, "version": n + 2},
                    "contentChanges": [{"text": new}]})
                t, _ = c.until(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                               and m["params"]["uri"] == doc_uri)
                # The batch's last publication comes before the answer to a request.
                i = c.request("workspace/symbol", {"query": "no-such-document-anywhere"})
                t_all, _ = c.until(lambda m: m.get("id") == i)
                latencies.append((t - sent, t_all - sent))
        peak = max(peak, peak_kib(c.p.pid))
        i = c.request("shutdown", None)
        c.until(lambda m: m.get("id") == i)
        c.notify("exit", None)
        c.p.wait(timeout=30)

    print(f"{a.docs} documents with history; {os.cpu_count()} CPUs; changed {rel} "
          f"({inbound[target]} links point at it)")
    check = statistics.median(checks)
    print(f"annals check (median of {len(checks)})            {check * 1000:8.1f} ms")
    print(f"lsp initial load and full judgement   {statistics.median(loads) * 1000:8.1f} ms (median of "
          f"{len(loads)}, from the client's initialize to the last publication read: "
          f"{statistics.median(loads) / check:.2f}x check)")
    print(f"  ... as the server measures it       {statistics.median(server_loads) * 1000:8.1f} ms "
          f"({statistics.median(server_loads) / check:.2f}x check)")
    print(f"one-character change -> its diagnostics {statistics.median(x[0] for x in latencies) * 1000:6.1f} ms "
          f"(median of {len(latencies)}; 20 ms of it the debounce)")
    print(f"  ... -> every linking document judged {statistics.median(x[1] for x in latencies) * 1000:6.1f} ms")
    print(f"lsp peak memory                        {peak / 1024:8.1f} MB")


if __name__ == "__main__":
    main()
