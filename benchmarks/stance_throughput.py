"""Stance model batch throughput on this CPU: pairs/s for (evidence, claim) pairs.

Usage: python benchmarks/stance_throughput.py [--stance-model PATH] [--pairs 2000] [--int8]
Prints one JSON object. Realistic text: Climate-FEVER claim/evidence pairs from ../shared/data.
Also the latency of one check's worth of pairs (10 at a time). --int8 then repeats both with the
model's linear layers quantised to int8 (torch dynamic quantisation, not what the engine ships)
and reports how often its predicted label differs from the float32 model's.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from pathlib import Path

import torch

from workbench.evaluation.stance import climate_fever_pairs
from workbench.pipeline.stance import StanceModel


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stance-model", default=None)
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--pairs", type=int, default=2000)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--int8", action="store_true", help="also measure int8 weights")
    args = parser.parse_args()

    pairs = [(p, h) for p, h, _ in climate_fever_pairs(args.data)][: args.pairs]
    model = StanceModel(args.stance_model)

    def measure(label: str) -> tuple[dict, object]:
        model.predict(pairs[:64], batch_size=args.batch_size)  # warm-up
        started = time.perf_counter()
        probs = model.predict(pairs, batch_size=args.batch_size)
        seconds = time.perf_counter() - started
        tens = []
        for i in range(0, min(len(pairs), 500), 10):
            t = time.perf_counter()
            model.predict(pairs[i : i + 10])
            tens.append(1000 * (time.perf_counter() - t))
        return {
            "weights": label,
            "seconds": round(seconds, 2),
            "pairs_per_second": round(len(pairs) / seconds, 1),
            "ten_pairs_p50_ms": round(statistics.median(tens), 1),
        }, probs

    runs, fp32 = [], None
    result, fp32 = measure("float32")
    runs.append(result)
    if args.int8:
        torch.ao.quantization.quantize_dynamic(
            model.model.model, {torch.nn.Linear}, dtype=torch.qint8, inplace=True
        )
        result, int8 = measure("int8 (dynamic)")
        result["label_differs_from_float32"] = round(
            float((int8.argmax(axis=1) != fp32.argmax(axis=1)).mean()), 4
        )
        runs.append(result)
    print(
        json.dumps(
            {
                "benchmark": "stance_throughput",
                "command": "python benchmarks/stance_throughput.py "
                f"--pairs {args.pairs}{' --int8' if args.int8 else ''}",
                "model": model.name,
                "pairs": len(pairs),
                "batch_size": args.batch_size,
                "runs": runs,
                "torch_threads": torch.get_num_threads(),
                "cpus": os.cpu_count(),
                "machine": platform.processor() or platform.machine(),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
