#!/usr/bin/env python3
"""Resident memory of `eligo serve` under a connection flood and large pages.

Not part of the test suite (docs/server.md, "Security and reliability").
Starts its own server on 127.0.0.1 over a temporary registry that also
holds one study with a very long description, then prints the server's RSS
(from /proc/PID/status) at start, after a flood of connections, and after
large trial pages, each after the server has been idle for a few seconds.
Traffic goes to 127.0.0.1 only and is bounded in count and time.

    python3 crates/server/tools/memory.py [--eligo target/release/eligo]
        [--connections 10000] [--page-mib 20]
"""

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
STUDY = os.path.join(ROOT, "crates", "ctgov", "sample", "ctgov", "NCT02552212.json")
BIG_ID = "NCT09999998"


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def get(port, path, timeout=60):
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    s.sendall(f"GET {path} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n".encode())
    n = 0
    while True:
        b = s.recv(1 << 16)
        if not b:
            break
        n += len(b)
    s.close()
    return n


def flood(port, total, concurrent, deadline):
    """`total` connections, `concurrent` at a time, each a small request."""
    done = [0, 0]
    lock = threading.Lock()

    def worker(count):
        for _ in range(count):
            if time.time() > deadline:
                return
            try:
                get(port, "/api/v1/search?q=lupus&limit=5", timeout=30)
                ok = 1
            except OSError:
                ok = 0
            with lock:
                done[0] += ok
                done[1] += 1 - ok

    per = max(1, total // concurrent)
    threads = [threading.Thread(target=worker, args=(per,)) for _ in range(concurrent)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return done


def main():
    ap = argparse.ArgumentParser()
    default = os.path.join(ROOT, "target", "release", "eligo")
    if not os.path.exists(default):
        default = os.path.join(ROOT, "target", "debug", "eligo")
    ap.add_argument("--eligo", default=default)
    ap.add_argument("--connections", type=int, default=10000)
    ap.add_argument("--concurrent", type=int, default=500)
    ap.add_argument("--page-mib", type=int, default=20)
    ap.add_argument("--settle", type=float, default=5.0)
    args = ap.parse_args()

    tmp = tempfile.mkdtemp(prefix="eligo-mem-")
    env = dict(os.environ, ELIGO_DB=os.path.join(tmp, "eligo.db"), RUST_LOG="warn")
    env.pop("DATABASE_URL", None)
    try:
        study = json.load(open(STUDY))
        study["protocolSection"]["identificationModule"]["nctId"] = BIG_ID
        study["protocolSection"]["descriptionModule"]["detailedDescription"] = (
            "A long description. " * (args.page_mib * 1024 * 1024 // 20)
        )
        big = os.path.join(tmp, "big.json")
        json.dump(study, open(big, "w"))
        subprocess.run(
            [args.eligo, "import", "--max-record-size", f"{args.page_mib * 2}MiB", big],
            env=env, check=True, stdout=subprocess.DEVNULL,
        )
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        server = subprocess.Popen(
            [args.eligo, "serve", "--addr", f"127.0.0.1:{port}", "--insecure-cookies"],
            env=env, stderr=subprocess.DEVNULL,
        )
        try:
            for _ in range(600):
                try:
                    get(port, "/static/style.css", timeout=2)
                    break
                except OSError:
                    time.sleep(0.2)
            get(port, "/api/v1/search?q=lupus")
            time.sleep(args.settle)
            rows = [("start (catalog loaded, one search)", rss_mib(server.pid))]
            t0 = time.time()
            ok, failed = flood(port, args.connections, args.concurrent, time.time() + 300)
            peak_note = f"{ok} answered, {failed} failed, {time.time() - t0:.1f} s"
            time.sleep(args.settle)
            rows.append((f"after {args.connections} connections ({peak_note})", rss_mib(server.pid)))
            for i in range(3):
                n = get(port, f"/trials/{BIG_ID}")
                time.sleep(args.settle)
                rows.append((f"after trial page {i + 1} ({n / 1048576:.1f} MiB)", rss_mib(server.pid)))
            for what, mib in rows:
                print(f"{mib:8.1f} MiB  {what}")
        finally:
            server.terminate()
            server.wait(timeout=30)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
