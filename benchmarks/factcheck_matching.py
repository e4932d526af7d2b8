"""What looking up earlier fact-checks adds to a check, with 100k fact-checks in the index.

    python benchmarks/factcheck_matching.py [--factchecks 100000] [--queries 60] [--workdir DIR]

An index of the example corpus (index/sources/) gets --factchecks fact-checks: real Wikipedia
sentences of ../shared/data (cycled, each copy with its own number so none is a duplicate) as
claims, with random unit vectors as their embeddings (embedding 100k texts takes most of an hour
on 2 cores; the lookup costs the same for any vectors of the model's dimension). Climate-FEVER
claims are then checked one at a time, old and new side by side in one process:
  check_old_ms - Workbench.check without the lookup (the check before fact-check matching);
  check_ms     - Workbench.check with it (the default now);
  lookup_ms    - the lookup alone (PriorCheckFinder.find with the claim's vector given);
  added_ms     - check_ms - check_old_ms at each percentile (target: p50 <= 30 ms).
build_s is importing the fact-checks; first_lookup_s is the first check's matcher build (once
per process, and again after each import or new review). Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
from _common import ROOT, climate_claims, machine, percentiles, wiki_sentences


def build(workdir: Path, count: int) -> Path:
    from workbench import Workbench
    from workbench.model.factchecks import FactCheck

    index = workdir / "index"
    if index.exists():
        return index
    shutil.copytree(ROOT / "index" / "sources", index / "sources")
    with Workbench.open(index) as wb:
        pool = wiki_sentences()
        rng = np.random.default_rng(0)
        dim = wb.embedder.dimension

        def random_vectors(texts: list[str]) -> np.ndarray:
            v = rng.standard_normal((len(texts), dim)).astype(np.float32)
            return v / np.linalg.norm(v, axis=1, keepdims=True)

        factchecks = (
            FactCheck(f"{pool[i % len(pool)]} ({i // len(pool)})", ("False", "True")[i % 2],
                      f"https://factcheck.example.org/{i}", "Bench Desk", "2024-01-01")
            for i in range(count)
        )  # fmt: skip
        wb.factchecks.store.add(factchecks, "benchmark", random_vectors, wb.embedder.name)
    return index


def measure(index: Path, queries: list[str]) -> dict:
    from workbench import Workbench
    from workbench.checking import Checker

    with Workbench.open(index) as wb:
        t0 = time.perf_counter()
        finder = wb.factchecks.finder
        collection_size = len(finder)  # builds the matcher
        first_lookup_s = time.perf_counter() - t0
        old = Checker(wb.store, wb.embedder, wb.stance, wb.params)  # no lookup
        new = Checker(wb.store, wb.embedder, wb.stance, wb.params, finder)
        for claim in queries[:3]:  # warm both paths
            old.check(claim, None), new.check(claim, None)
        timings = {"check_old_ms": [], "check_ms": [], "lookup_ms": []}
        for claim in queries:
            vector = wb.embedder.encode([claim], progress=False)
            t = time.perf_counter()
            old.check(claim, None)
            timings["check_old_ms"].append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            new.check(claim, None)
            timings["check_ms"].append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            finder.find([claim], vector)
            timings["lookup_ms"].append((time.perf_counter() - t) * 1000)
    out = {k: percentiles(v) for k, v in timings.items()}
    out["added_ms"] = {p: round(out["check_ms"][p] - out["check_old_ms"][p], 1)
                       for p in ("p50_ms", "p95_ms", "mean_ms")}  # fmt: skip
    out["factchecks"] = collection_size
    out["first_lookup_s"] = round(first_lookup_s, 2)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--factchecks", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=60)
    parser.add_argument("--workdir", type=Path, default=None, help="keep the built index here")
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="wb-factchecks-"))
    t0 = time.perf_counter()
    index = build(workdir, args.factchecks)
    build_s = time.perf_counter() - t0
    queries = climate_claims(args.queries)
    report = {"machine": machine(), "build_s": round(build_s, 1), **measure(index, queries)}
    print(json.dumps(report, indent=2))
    if args.workdir is None:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
