"""Throughput on Ray next to the single-process run: claims/s and sentences/s, 1 and 2 workers.

    python benchmarks/ray_throughput.py [--claims 192] [--files 32] [--workers 1,2]

Index: the pooled Climate-FEVER evidence corpus (5,240 Wikipedia sentences in 1,344 article
documents; read from ../shared/data, written as --files JSONL record files to a temporary
folder, never into the project). Claims: the first --claims Climate-FEVER claims.
Every run is the real command in a child process, as people run it:

- `workbench index add DOCS --index DIR --json` plain and with `--ray --workers W`
  (a local Ray started by the command, sized to this machine);
- `workbench verify CLAIMS -o OUT --quiet` plain and with `--ray --workers W`, against the
  index the plain run built.

While a run goes on, its progress (sentences committed to SQLite, result lines written) is
polled every 0.25 s: the steady rate is the work done between the first progress seen and the
end, over that time, so it leaves out start-up (for Ray: starting Ray and loading the models in
every worker), which is reported apart. Peak resident memory of the driver and of each Ray
worker process of the run is sampled from /proc at the same time. Prints one JSON object; the
README's capacity plan is computed from its per-worker rates.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from _common import CLIMATE_FEVER, ROOT, climate_fever_rows, dir_bytes, machine


def _rss(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _parent(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            return int(handle.read().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return 0


def _ray_workers(root: int) -> set[int]:
    """Pids of the Ray Data actor processes (one per worker) started under process `root`
    (the local Ray a command starts is its child), not other jobs' on the same machine."""
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as handle:
                    if not handle.read().startswith(b"ray::MapWorker"):
                        continue
            except OSError:
                continue
            pid = int(entry)
            while pid > 1 and pid != root:
                pid = _parent(pid)
            if pid == root:
                found.add(int(entry))
    return found


class Sampler:
    """Progress of one child process over time, and peak RSS of it and of its Ray workers."""

    def __init__(self, pid: int, progress: Callable[[], int]):
        self.pid = pid
        self.progress = progress
        self.started = time.perf_counter()
        self.first: tuple[float, int] | None = None  # (seconds, work) when progress first seen
        self.driver = 0.0
        self.workers: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.driver = max(self.driver, _rss(self.pid))
            for pid in _ray_workers(self.pid):
                self.workers[pid] = max(self.workers.get(pid, 0.0), _rss(pid))
            if self.first is None:
                done = self.progress()
                if done > 0:
                    self.first = (time.perf_counter() - self.started, done)
            time.sleep(0.25)

    def stop(self) -> dict:
        self._stop.set()
        self._thread.join()
        return {
            "driver_peak_rss_mb": round(self.driver, 1),
            "worker_peak_rss_mb": [round(p, 1) for p in sorted(self.workers.values())],
        }


def run(command: list[str], progress: Callable[[], int]) -> dict:
    """One `workbench ...` child process (which must succeed): times, progress, memory."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "workbench.cli", *command],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    sampler = Sampler(proc.pid, progress)
    out, err = proc.communicate()
    seconds = time.perf_counter() - sampler.started
    memory = sampler.stop()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{err[-3000:]}")
    total = progress()
    first_s, first_done = sampler.first or (seconds, total)
    steady = (total - first_done) / (seconds - first_s) if seconds > first_s else None
    return {
        "seconds": round(seconds, 2),
        "work": total,
        "first_progress_after_s": round(first_s, 2),
        "work_at_first_progress": first_done,
        "steady_rate": round(steady, 2) if steady else None,
        **memory,
        "stdout": out,
    }


def sentences_in(index: Path) -> int:
    if not (index / "workbench.db").exists():
        return 0
    try:
        con = sqlite3.connect(f"file:{index / 'workbench.db'}?mode=ro", uri=True, timeout=5)
        try:
            return con.execute("SELECT count(*) FROM sentences").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:  # not created yet
        return 0


def lines_in(path: Path) -> int:
    try:
        return path.read_bytes().count(b"\n")
    except OSError:
        return 0


def ray_args(workers: int) -> list[str]:
    return ["--ray", "--workers", str(workers)] if workers else []


def index_run(docs: Path, tmp: Path, workers: int) -> tuple[str, dict]:
    name = f"ray_{workers}_workers" if workers else "single_process"
    index = tmp / f"ix-{name}"
    result = run(
        ["index", "add", str(docs), "--index", str(index), "--json", *ray_args(workers)],
        lambda: sentences_in(index),
    )
    added = len(json.loads(result.pop("stdout"))["added"])
    return name, {
        "workers": workers or None,
        "documents_added": added,
        "sentences": result.pop("work"),
        "sentences_per_second_end_to_end": None,
        "sentences_per_second_steady": result.pop("steady_rate"),
        **result,
    }


def verify_run(claims: Path, index: Path, tmp: Path, workers: int) -> tuple[str, dict]:
    name = f"ray_{workers}_workers" if workers else "single_process"
    out = tmp / f"v-{name}.jsonl"
    base = ["--index", str(index), "--quiet", *ray_args(workers)]
    result = run(["verify", str(claims), "-o", str(out), *base], lambda: lines_in(out))
    result.pop("stdout")
    return name, {
        "workers": workers or None,
        "results_written": result.pop("work"),
        "claims_per_second_end_to_end": None,
        "claims_per_second_steady": result.pop("steady_rate"),
        **result,
    }


def write_claims(path: Path, rows: list[dict]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "claim"])
        writer.writerows((row["claim_id"], row["claim"]) for row in rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=192)
    parser.add_argument("--files", type=int, default=32, help="JSONL files the corpus is cut in")
    parser.add_argument("--workers", default="1,2", help="Ray worker counts to measure")
    parser.add_argument("--documents", type=int, default=0, help="only the first N (a smoke run)")
    args = parser.parse_args()
    from workbench.evaluation.datasets import load_climate_fever

    _, corpus = load_climate_fever(CLIMATE_FEVER)
    if args.documents:
        corpus.records = corpus.records[: args.documents]
    counts = [0] + [int(w) for w in args.workers.split(",")]
    report = {
        "benchmark": "ray_throughput",
        "command": "python benchmarks/ray_throughput.py " + " ".join(sys.argv[1:]),
        "machine": machine(),
        "corpus": "pooled Climate-FEVER evidence (JSONL records, one article per record)",
    }
    with tempfile.TemporaryDirectory(prefix="wb-ray-") as tmp_name:
        tmp = Path(tmp_name)
        docs = tmp / "docs"
        docs.mkdir()
        per_file = -(-len(corpus.records) // args.files)
        for i in range(args.files):
            part = corpus.records[i * per_file : (i + 1) * per_file]
            lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in part)
            (docs / f"part{i:03d}.jsonl").write_text(lines, encoding="utf-8")
        report["index"] = {"files": args.files}
        for workers in counts:
            name, row = index_run(docs, tmp, workers)
            row["sentences_per_second_end_to_end"] = round(row["sentences"] / row["seconds"], 2)
            report["index"][name] = row
        plain_index = tmp / "ix-single_process"
        report["index"]["bytes_on_disk"] = dir_bytes(plain_index)
        report["index"]["bytes_per_sentence"] = round(
            dir_bytes(plain_index) / report["index"]["single_process"]["sentences"]
        )

        rows = climate_fever_rows()[: args.claims]
        claims = tmp / "claims.csv"
        write_claims(claims, rows)
        report["verify"] = {"claims": len(rows)}
        for workers in counts:
            name, row = verify_run(claims, plain_index, tmp, workers)
            row["claims_per_second_end_to_end"] = round(len(rows) / row["seconds"], 2)
            report["verify"][name] = row
            out = tmp / f"v-{name}.jsonl"
            row["result_bytes_per_claim"] = round(out.stat().st_size / max(1, len(rows)))
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
