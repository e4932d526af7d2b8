"""Load test: several reviewers at once against the real app on 127.0.0.1, while documents are
being added.

    python benchmarks/load_test.py [--clients 10] [--checks 100] [--adds 20] [--add-interval 10]
                                   [--timeout 900] [--stance-model PATH] [--json OUT]

It starts `python app.py` on a temporary copy of the default corpus (index/sources/) on a free
port, then runs --clients threads, each with its own gradio_client session, doing --checks
checks through the app's /check_claim endpoint and saving a review of each through
/save_review. Meanwhile one more client adds --adds documents through /add_text, one every
--add-interval seconds (each one a full index write). First, --solo checks by one client alone
give the unloaded latency for reference. Everything is bounded: the run stops by itself after
--timeout seconds, and the app is shut down in every case.

It prints one JSON object (latency p50/p95/p99/max in ms, errors, reviews acknowledged and found
in the database, documents added) and exits 0 only when there were no errors, every check ran,
every acknowledged review is stored and the added documents are searchable.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HTTPX = {"timeout": 600}  # a busy 2-core machine can take a while to answer; errors, not waits


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(index_dir: Path, stance_model: str | None, timeout: float) -> tuple:
    port = _free_port()
    log = index_dir.parent / "app.log"
    cmd = [sys.executable, str(ROOT / "app.py"), "--index", str(index_dir), "--port", str(port)]
    if stance_model:
        cmd += ["--stance-model", stance_model]
    env = dict(os.environ, PYTHONUNBUFFERED="1", GRADIO_ANALYTICS_ENABLED="False")
    env.setdefault("HF_HUB_OFFLINE", "1")
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the app exited with {proc.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return proc, url, log
        except OSError:
            time.sleep(0.5)
    stop_app(proc)
    raise RuntimeError(f"the app did not start within {timeout:.0f}s:\n{log.read_text()}")


def stop_app(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def load_claims() -> list[str]:
    with open(ROOT / "claims" / "karabakh.csv", newline="", encoding="utf-8") as f:
        return [row["claim"] for row in csv.DictReader(f) if row.get("claim")]


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.during_add: list[float] = []
        self.errors: list[str] = []
        self.checks = 0
        self.acked: list[int] = []
        self.adding = threading.Event()

    def error(self, text: str) -> None:
        with self.lock:
            self.errors.append(text[:300])


def client_worker(n: int, url: str, checks: int, claims: list[str], stats: Stats, deadline: float):
    from gradio_client import Client

    rng = random.Random(n)
    try:
        client = Client(url, verbose=False, download_files=False, httpx_kwargs=HTTPX)
    except Exception as exc:  # noqa: BLE001
        stats.error(f"client {n}: cannot connect: {exc}")
        return
    for i in range(checks):
        if time.monotonic() > deadline:
            stats.error(f"client {n}: stopped by the time limit after {i} checks")
            return
        claim = rng.choice(claims)
        if rng.random() < 0.3:
            claim = f"{claim} (reviewer {n}, item {i})"
        adding = stats.adding.is_set()
        t0 = time.perf_counter()
        try:
            result = client.predict(claim, "", api_name="/check_claim")
        except Exception as exc:  # noqa: BLE001
            stats.error(f"client {n} check {i}: {type(exc).__name__}: {exc}")
            continue
        elapsed = (time.perf_counter() - t0) * 1000
        if not isinstance(result, dict) or result.get("verdict") is None:
            stats.error(f"client {n} check {i}: unexpected result {str(result)[:200]}")
            continue
        with stats.lock:
            stats.latencies.append(elapsed)
            stats.checks += 1
            if adding:
                stats.during_add.append(elapsed)
        evidence = [
            {k: e.get(k) for k in ("doc_id", "start", "end", "sentence", "title", "stance")}
            | {"judgment": rng.choice(["agree", "disagree", "irrelevant", None])}
            for e in result.get("evidence", [])[:3]
        ]
        try:
            review = client.predict(
                result["claim"],
                f"reviewer-{n}",
                rng.choice(["SUPPORTED", "REFUTED", "CONFLICTING", "NOT_ENOUGH_INFO"]),
                f"load test note {n}/{i}",
                result["verdict"],
                float(result["confidence"]),
                evidence,
                f"c{n}-{i}",
                "",
                api_name="/save_review",
            )
            with stats.lock:
                stats.acked.append(int(review["review_id"]))
        except Exception as exc:  # noqa: BLE001
            stats.error(f"client {n} review {i}: {type(exc).__name__}: {exc}")


def adder_worker(
    url: str, adds: int, interval: float, stats: Stats, deadline: float, added: list[str]
):
    from gradio_client import Client

    client = Client(url, verbose=False, download_files=False, httpx_kwargs=HTTPX)
    rng = random.Random(1234)
    words = "harbour bridge council river budget census vaccine election border tariff".split()
    stats.adding.set()
    try:
        for i in range(adds):
            if time.monotonic() > deadline:
                stats.error(f"adder: stopped by the time limit after {i} documents")
                return
            text = f"date 2024-02-{1 + i % 28:02d}\n" + " ".join(
                f"Loadtest report {i} line {j}: the {rng.choice(words)} of Quarnel number {i} "
                f"was measured at {rng.randrange(1000)} units."
                for j in range(25)
            )
            if i:
                time.sleep(interval)  # spread the additions over the run
            try:
                report = client.predict(f"loadtest-{i:03d}.txt", text, api_name="/add_text")
            except Exception as exc:  # noqa: BLE001
                stats.error(f"adder document {i}: {type(exc).__name__}: {exc}")
                continue
            if report.get("errors") or len(report.get("added", [])) != 1:
                stats.error(f"adder document {i}: unexpected report {report}")
            else:
                added.append(report["added"][0])
    finally:
        stats.adding.clear()


def solo_latencies(url: str, claims: list[str], n: int) -> list[float]:
    from gradio_client import Client

    client = Client(url, verbose=False, download_files=False, httpx_kwargs=HTTPX)
    out = []
    for i in range(n):
        t0 = time.perf_counter()
        client.predict(claims[i % len(claims)], "", api_name="/check_claim")
        out.append((time.perf_counter() - t0) * 1000)
    return out


def run(args: argparse.Namespace) -> dict:
    work = Path(tempfile.mkdtemp(prefix="workbench-load-"))
    index_dir = work / "index"
    shutil.copytree(ROOT / "index" / "sources", index_dir / "sources")
    started = time.monotonic()
    try:
        proc, url, log = start_app(index_dir, args.stance_model, args.start_timeout)
    except BaseException:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        raise
    startup_s = time.monotonic() - started
    stats = Stats()
    added: list[str] = []
    try:
        claims = load_claims()
        solo = solo_latencies(url, claims, args.solo)  # one reviewer alone, for reference
        deadline = time.monotonic() + args.timeout
        t0 = time.monotonic()
        threads = [
            threading.Thread(
                target=client_worker,
                args=(n, url, args.checks, claims, stats, deadline),
                daemon=True,
            )
            for n in range(args.clients)
        ]
        adder = threading.Thread(
            target=adder_worker,
            args=(url, args.adds, args.add_interval, stats, deadline, added),
            daemon=True,
        )
        adder.start()
        for t in threads:
            t.start()
        for t in [adder, *threads]:
            t.join(max(0.0, deadline - time.monotonic()) + 30)
        duration = time.monotonic() - t0
        alive = [t.name for t in [adder, *threads] if t.is_alive()]
        if alive:
            stats.error(f"{len(alive)} workers still running at the time limit")
        # the documents added under load are searchable now
        from gradio_client import Client

        probe = Client(url, verbose=False, download_files=False, httpx_kwargs=HTTPX)
        found = 0
        for doc_id in added[-3:]:
            n = int(doc_id.rsplit("loadtest-", 1)[1][:3])
            result = probe.predict(f"Loadtest report {n} line 0: Quarnel number {n}", "",
                                   api_name="/check_claim")  # fmt: skip
            found += any(e["doc_id"] == doc_id for e in result["evidence"])
        if found != len(added[-3:]):
            stats.error(f"only {found} of the last {len(added[-3:])} added documents were found")
    finally:
        stop_app(proc)
    db = index_dir / "workbench.db"
    con = sqlite3.connect(db)
    stored = {r[0] for r in con.execute("SELECT review_id FROM review")}
    n_docs = con.execute("SELECT count(*) FROM documents").fetchone()[0]
    integrity = con.execute("PRAGMA integrity_check").fetchone()[0]
    con.close()
    lost = sorted(set(stats.acked) - stored)
    expected = args.clients * args.checks
    lat = stats.latencies
    report = {
        "clients": args.clients,
        "checks_per_client": args.checks,
        "checks_done": stats.checks,
        "checks_expected": expected,
        "errors": len(stats.errors),
        "error_samples": stats.errors[:10],
        "latency_ms": {
            "p50": round(percentile(lat, 50), 1),
            "p95": round(percentile(lat, 95), 1),
            "p99": round(percentile(lat, 99), 1),
            "max": round(max(lat), 1) if lat else None,
            "mean": round(statistics.fmean(lat), 1) if lat else None,
        },
        "latency_one_client_ms": {
            "n": len(solo),
            "p50": round(percentile(solo, 50), 1),
            "p95": round(percentile(solo, 95), 1),
        },
        "latency_while_adding_ms": {
            "n": len(stats.during_add),
            "p50": round(percentile(stats.during_add, 50), 1),
            "p95": round(percentile(stats.during_add, 95), 1),
        },
        "throughput_checks_per_s": round(stats.checks / duration, 2) if duration else None,
        "duration_s": round(duration, 1),
        "app_startup_s": round(startup_s, 1),
        "reviews_acknowledged": len(stats.acked),
        "reviews_stored": len(stored),
        "reviews_lost": len(lost),
        "documents_added_under_load": len(added),
        "documents_in_index": n_docs,
        "integrity_check": integrity,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
    }
    report["ok"] = (
        report["errors"] == 0
        and stats.checks == expected
        and len(stats.acked) == expected
        and not lost
        and len(added) == args.adds
        and integrity == "ok"
    )
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    else:
        report["work_dir"] = str(work)
    return report


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--clients", type=int, default=10)
    p.add_argument("--checks", type=int, default=100, help="checks (and reviews) per client")
    p.add_argument("--adds", type=int, default=20, help="documents added while clients run")
    p.add_argument("--add-interval", type=float, default=10, help="seconds between two additions")
    p.add_argument("--solo", type=int, default=10, help="checks by one client alone first")
    p.add_argument("--timeout", type=float, default=900, help="seconds for the whole load")
    p.add_argument("--start-timeout", type=float, default=600, help="seconds for app start-up")
    p.add_argument("--stance-model", default=None, help="stance model (default: shipped one)")
    p.add_argument("--json", default=None, help="also write the report to this file")
    p.add_argument("--keep", action="store_true", help="keep the temporary index")
    args = p.parse_args(argv)
    report = run(args)
    text = json.dumps(report, indent=2)
    print(text)
    if args.json:
        Path(args.json).write_text(text + "\n")
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
