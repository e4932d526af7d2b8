"""Batch throughput: claims/s of `workbench verify` on 500 claims, and its peak memory.

    python benchmarks/verify_throughput.py [--claims 500] [--top-k 10] [--index DIR]
        [--stance-model PATH]

Index: the pooled Climate-FEVER evidence corpus (5,240 Wikipedia sentences in 1,344 article
documents), built with the API into --index DIR (kept and reused) or a temporary folder.
Claims: the first --claims Climate-FEVER claims, written to a temporary CSV (id, claim).
The command `python -m workbench.cli verify CLAIMS.csv -o OUT.jsonl --index DIR --quiet` then
runs twice as a child process: once on 1 claim (start-up: Python, imports, both models) and
once on all claims. Reported: end-to-end claims/s of the full run (start-up included), the
steady-state rate (claims - 1) / (t_all - t_one), and the peak RSS of the full run
(resource.getrusage(RUSAGE_CHILDREN).ru_maxrss). About 2 minutes on a 2-core CPU plus the
index build (about 1 minute) when no --index is given.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import CLIMATE_FEVER, ROOT, climate_fever_rows, machine


def run_verify(
    claims: list[tuple[str, str]], index: Path, tmp: Path, stance: str | None, top_k: int
):
    """Wall seconds and peak RSS (MiB) of one `workbench verify` child process."""
    path = tmp / f"claims-{len(claims)}.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "claim"])
        writer.writerows(claims)
    out = tmp / f"out-{len(claims)}.jsonl"
    command = [sys.executable, "-m", "workbench.cli", "verify", str(path), "-o", str(out)]
    command += ["--index", str(index), "--quiet", "--top-k", str(top_k)]
    if stance:
        command += ["--stance-model", stance]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"verify failed:\n{done.stderr[-3000:]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    results = sum(1 for line in out.read_text(encoding="utf-8").splitlines() if line.strip())
    return seconds, round(peak, 1), results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=500)
    parser.add_argument("--index", type=Path, default=None)
    parser.add_argument("--stance-model", default=None)
    parser.add_argument("--top-k", type=int, default=10, help="evidence sentences per claim")
    args = parser.parse_args()

    from workbench.api import Workbench
    from workbench.evaluation.datasets import load_climate_fever

    rows = climate_fever_rows()[: args.claims]
    claims = [(row["claim_id"], row["claim"]) for row in rows]
    with tempfile.TemporaryDirectory(prefix="wb-verify-") as tmp_name:
        tmp = Path(tmp_name)
        index = args.index or tmp / "index"
        _, corpus = load_climate_fever(CLIMATE_FEVER)
        started = time.perf_counter()
        with Workbench.open(index) as wb:
            wb.add_records(corpus.records, origin="climate-fever")
            sentences = wb.store.count_sentences()
        build_s = time.perf_counter() - started
        one_s, _, _ = run_verify(claims[:1], index, tmp, args.stance_model, args.top_k)
        all_s, peak, written = run_verify(claims, index, tmp, args.stance_model, args.top_k)
    steady = (len(claims) - 1) / (all_s - one_s) if all_s > one_s else None
    report = {
        "benchmark": "verify_throughput",
        "command": "python benchmarks/verify_throughput.py "
        f"--claims {args.claims} --top-k {args.top_k}",
        "top_k": args.top_k,
        "index": "pooled Climate-FEVER evidence",
        "index_sentences": sentences,
        "index_build_seconds": round(build_s, 1),
        "claims": len(claims),
        "results_written": written,
        "seconds_one_claim": round(one_s, 2),
        "seconds_all_claims": round(all_s, 2),
        "claims_per_second_end_to_end": round(len(claims) / all_s, 2),
        "claims_per_second_steady_state": round(steady, 2) if steady else None,
        "target_claims_per_second": 10,
        "peak_rss_mb": peak,
        "machine": machine(),
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
