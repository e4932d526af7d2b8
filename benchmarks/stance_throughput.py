"""Stance model batch throughput on this CPU: pairs/s for (evidence, claim) pairs.

Usage: python benchmarks/stance_throughput.py [--stance-model PATH] [--pairs 2000]
Prints one JSON object. Realistic text: Climate-FEVER claim/evidence pairs from ../shared/data.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

import torch

from workbench.eval_stance import climate_fever_pairs
from workbench.stance import StanceModel


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stance-model", default=None)
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--pairs", type=int, default=2000)
    parser.add_argument("--batch-size", type=int, default=64)
    args = parser.parse_args()

    pairs = [(p, h) for p, h, _ in climate_fever_pairs(args.data)][: args.pairs]
    model = StanceModel(args.stance_model)
    model.predict(pairs[:64], batch_size=args.batch_size)  # warm-up
    started = time.perf_counter()
    model.predict(pairs, batch_size=args.batch_size)
    seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "benchmark": "stance_throughput",
                "model": model.name,
                "pairs": len(pairs),
                "batch_size": args.batch_size,
                "seconds": round(seconds, 2),
                "pairs_per_second": round(len(pairs) / seconds, 1),
                "torch_threads": torch.get_num_threads(),
                "cpus": os.cpu_count(),
                "machine": platform.processor() or platform.machine(),
            }
        )
    )


if __name__ == "__main__":
    main()
