"""Check latency as a reviewer sees it: engine, HTTP round trip, and click-to-verdict in Chromium.

    python benchmarks/ui_latency.py [--index DIR] [--claims claims/karabakh.csv] [--repeats 3]

Without --index it indexes a temporary copy of the default corpus (index/sources/). It starts
the real app as a reviewer would (``python app.py --index DIR --port P``, its own process) and
checks every claim of the claims file:

* engine: ``Workbench.check`` alone (what the Check button calls), in this process while the
  app waits;
* http: the UI's ``/check`` endpoint through the Gradio server (queue, rendering, JSON);
* browser: type the claim, click Check, wait until the verdict badge for it is shown
  (Debian's Chromium via Playwright; skipped when /usr/bin/chromium is missing).

Prints one JSON object: per layer p50 / p95 / max in milliseconds, plus the machine, its load
average (other processes compete for the CPU: compare runs at similar load) and the CPU time of
one engine check.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def summary(ms: list[float]) -> dict:
    ms = sorted(ms)
    p95 = ms[min(len(ms) - 1, max(0, round(0.95 * len(ms)) - 1))]
    return {
        "n": len(ms),
        "p50_ms": round(statistics.median(ms), 1),
        "p95_ms": round(p95, 1),
        "max_ms": round(ms[-1], 1),
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--index", help="index folder (default: temp copy of index/sources)")
    ap.add_argument("--claims", default=str(ROOT / "claims" / "karabakh.csv"))
    ap.add_argument("--repeats", type=int, default=3, help="passes over the claims")
    ap.add_argument("--stance-model", default=None)
    ap.add_argument("--no-browser", action="store_true")
    args = ap.parse_args()

    with open(args.claims, newline="", encoding="utf-8") as f:
        claims = [r["claim"] for r in csv.DictReader(f) if r.get("claim")]

    tmp = None
    if args.index:
        index_dir = Path(args.index)
    else:
        tmp = Path(tempfile.mkdtemp(prefix="ui-latency-"))
        index_dir = tmp / "index"
        shutil.copytree(ROOT / "index" / "sources", index_dir / "sources")

    from workbench import ui

    app = ui.ReviewerApp(ui.open_index(index_dir, stance_model=args.stance_model), index_dir)
    app.check("warm-up")
    port = free_port()
    command = [sys.executable, str(ROOT / "app.py"), "--index", str(index_dir)]
    command += ["--port", str(port)]
    if args.stance_model:
        command += ["--stance-model", args.stance_model]
    t0 = time.perf_counter()
    server = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    url = f"http://127.0.0.1:{port}/"
    while True:
        if server.poll() is not None:
            raise SystemExit(f"app.py exited: {server.stderr.read()[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            time.sleep(0.5)
    startup_s = time.perf_counter() - t0

    out: dict = {
        "benchmark": "ui_latency",
        "claims_file": os.path.relpath(args.claims, ROOT),
        "n_claims": len(claims),
        "repeats": args.repeats,
        "documents": len(app.documents()),
        "sentences": app.wb.stats().get("sentences"),
        "app_startup_s": round(startup_s, 1),
        "app": "python app.py (separate process)",
        "machine": {
            "cpu_count": os.cpu_count(),
            "processor": platform.processor() or platform.machine(),
            "python": platform.python_version(),
        },
    }

    engine, engine_cpu = [], []
    for _ in range(args.repeats):
        for c in claims:
            t, cpu = time.perf_counter(), time.process_time()
            app.wb.check(c, top_k=ui.TOP_K)
            engine.append((time.perf_counter() - t) * 1000)
            engine_cpu.append((time.process_time() - cpu) * 1000)
    out["engine"] = summary(engine)
    # CPU time of this process per check (all its threads): what a check costs when it has
    # the CPU to itself; wall times above also include waiting for other processes' work.
    out["engine_cpu_time"] = summary(engine_cpu)
    out["load_average_1min"] = os.getloadavg()[0]
    out["torch_threads"] = __import__("torch").get_num_threads()

    from gradio_client import Client

    client = Client(url, verbose=False)
    http = []
    for _ in range(args.repeats):
        for c in claims:
            t = time.perf_counter()
            client.predict(c, "", api_name="/check")
            http.append((time.perf_counter() - t) * 1000)
    out["http"] = summary(http)

    if not args.no_browser and Path(CHROMIUM).exists():
        from playwright.sync_api import sync_playwright

        browser_ms = []
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = b.new_page()
            page.goto(url)
            box = page.locator("#claim textarea")
            for r in range(args.repeats):
                for i, c in enumerate(claims):
                    marker = f"{c} [{r}.{i}]"  # unique text, so we wait for this very result
                    box.fill(marker)
                    t = time.perf_counter()
                    page.locator("#check-btn").click()
                    page.locator("#verdict [data-verdict]", has_text=marker).wait_for()
                    browser_ms.append((time.perf_counter() - t) * 1000)
            b.close()
        out["browser_click_to_verdict"] = summary(browser_ms)
    else:
        out["browser_click_to_verdict"] = None

    server.terminate()
    server.wait(timeout=30)
    if tmp:
        shutil.rmtree(tmp, ignore_errors=True)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
