"""Stance model throughput on this CPU for each backend: pairs/s for (evidence, claim) pairs.

Usage: python benchmarks/stance_throughput.py [--stance-model PATH] [--pairs 2000]
    [--backends torch,onnx,onnx-int8]

Prints one JSON object. Realistic text: Climate-FEVER claim/evidence pairs from ../shared/data.
For each backend (pipeline/backends/): pairs/s over all pairs in batches of 32 (sorted by length,
as StanceModel does), the latency of one check's worth of pairs (10 at a time), and how far its
probabilities and labels are from the first backend's (torch, the old path). The ONNX files are
built before timing (first use only; the build time is reported apart).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from _common import machine

from workbench.evaluation.stance import climate_fever_pairs
from workbench.pipeline.stance import StanceModel


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stance-model", default=None)
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--pairs", type=int, default=2000)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--backends", default="torch,onnx,onnx-int8")
    args = parser.parse_args()

    pairs = [(p, h) for p, h, _ in climate_fever_pairs(args.data)][: args.pairs]
    runs, reference = [], None
    for backend in [b.strip() for b in args.backends.split(",") if b.strip()]:
        started = time.perf_counter()
        model = StanceModel(args.stance_model, backend=backend)
        load_s = time.perf_counter() - started
        model.predict(pairs[:64], batch_size=args.batch_size)  # warm-up
        started = time.perf_counter()
        probs = model.predict(pairs, batch_size=args.batch_size)
        seconds = time.perf_counter() - started
        tens = []
        for i in range(0, min(len(pairs), 500), 10):
            t = time.perf_counter()
            model.predict(pairs[i : i + 10])
            tens.append(1000 * (time.perf_counter() - t))
        run = {
            "backend": model.backend,
            "load_seconds": round(load_s, 1),
            "seconds": round(seconds, 2),
            "pairs_per_second": round(len(pairs) / seconds, 1),
            "ten_pairs_p50_ms": round(statistics.median(tens), 1),
        }
        if reference is None:
            reference = (run["backend"], probs)
        else:
            name, ref = reference
            run[f"label_differs_from_{name}"] = round(
                float((probs.argmax(axis=1) != ref.argmax(axis=1)).mean()), 4
            )
            run[f"max_probability_difference_from_{name}"] = round(
                float(np.abs(probs - ref).max()), 6
            )
            run[f"speedup_over_{name}"] = round(
                run["pairs_per_second"] / runs[0]["pairs_per_second"], 2
            )
        runs.append(run)
        print(json.dumps(run), flush=True, file=sys.stderr)
    print(
        json.dumps(
            {
                "benchmark": "stance_throughput",
                "command": "python benchmarks/stance_throughput.py "
                f"--pairs {args.pairs} --backends {args.backends}",
                "model": model.name,
                "pairs": len(pairs),
                "batch_size": args.batch_size,
                "runs": runs,
                "machine": machine(),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
