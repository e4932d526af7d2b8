"""Measure where an IVF index starts to beat exact (flat) search; prints JSON.

    python benchmarks/ann_crossover.py [--sizes 2000,5000,...] [--queries 200] [--hnsw]
    python benchmarks/ann_crossover.py --real ../shared/data/nli/fever_evidence_pairs --sizes ...

Data: unit vectors of dimension 384 (all-MiniLM-L6-v2) drawn around random topic centres, the
way sentence embeddings of a corpus cluster by topic, calibrated to MiniLM-like similarities:
two sentences of one topic have cosine ~0.4, a query has cosine ~0.7 with its best match
(like a claim and its evidence sentence). With --real FOLDER the corpus is instead real
Wikipedia evidence sentences and the queries real claims (FEVER CSVs with claim,evidence
columns), embedded with the bundled all-MiniLM-L6-v2 (cached in --cache).
For each size it reports per-query latency (one query at a time, as `workbench check` does),
build time and recall@10 against exact search. The crossover is the smallest size where IVF,
with the factory's own nlist/nprobe, is at least SPEEDUP times faster per query than flat while
keeping recall@10 >= MIN_RECALL, and exact search costs at least FLAT_BUDGET_MS per query
(below that an exact answer is cheap enough to keep).
workbench/storage/vectors/factory.py CROSSOVER holds the chosen value.
"""

from __future__ import annotations

import argparse
import ast
import csv
import glob
import json
import os
import platform
import sys
import time

import faiss
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from workbench.storage import vectors  # noqa: E402
from workbench.storage.vectors.ivf import ivf_params  # noqa: E402

DIM = 384
SPEEDUP = 2.0
MIN_RECALL = 0.95
FLAT_BUDGET_MS = 5.0
SPREAD = 1.2  # within-topic noise: cos(a, b) = 1 / (1 + SPREAD**2) ~ 0.41 for one topic
QUERY_NOISE = 1.0  # cos(query, its source sentence) = 1 / sqrt(1 + QUERY_NOISE**2) ~ 0.71


def corpus(n: int, rng: np.random.Generator, per_topic: int = 200, spread: float = SPREAD):
    topics = max(1, n // per_topic)
    centres = rng.standard_normal((topics, DIM)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    x = centres[rng.integers(0, topics, n)]
    x = x + spread * rng.standard_normal((n, DIM)).astype(np.float32) / np.sqrt(DIM)
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def fever_texts(folder: str, limit: int) -> tuple[list[str], list[str]]:
    """Unique evidence sentences (corpus) and claims (queries) from FEVER-style CSV files."""
    csv.field_size_limit(sys.maxsize)
    sentences: dict[str, None] = {}
    claims: dict[str, None] = {}
    for path in sorted(glob.glob(os.path.join(folder, "**", "*.csv"), recursive=True)):
        with open(path, encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                claims.setdefault(row.get("claim", ""), None)
                try:
                    evidence = ast.literal_eval(row.get("evidence") or "[]")
                except (ValueError, SyntaxError):
                    continue
                for sentence in evidence if isinstance(evidence, list) else []:
                    text = str(sentence).replace("-LRB-", "(").replace("-RRB-", ")").strip()
                    if len(text) > 20:
                        sentences.setdefault(text, None)
                if len(sentences) >= limit:
                    return list(sentences), [c for c in claims if c]
    return list(sentences), [c for c in claims if c]


def real_data(folder: str, limit: int, cache: str, n_queries: int):
    """Embedded FEVER evidence sentences and claims, cached as .npy files."""
    base = os.path.join(cache, f"fever_{limit}")
    if os.path.exists(base + "_x.npy"):
        return np.load(base + "_x.npy"), np.load(base + "_q.npy")
    from workbench.pipeline.embed import Embedder

    sentences, claims = fever_texts(folder, limit)
    rng = np.random.default_rng(1)
    claims = [claims[i] for i in rng.choice(len(claims), min(n_queries, len(claims)), False)]
    embedder = Embedder(None, batch_size=64)
    x = embedder.encode(sentences, progress=True)
    q = embedder.encode(claims)
    os.makedirs(cache, exist_ok=True)
    np.save(base + "_x.npy", x)
    np.save(base + "_q.npy", q)
    return x, q


def per_query_ms(ann, queries: np.ndarray, k: int = 10) -> tuple[float, np.ndarray]:
    ann.search(queries[:5], k)  # warm up
    found = []
    start = time.perf_counter()
    for q in queries:
        found.append(ann.search(q[None, :], k)[1][0])
    return 1000 * (time.perf_counter() - start) / len(queries), np.array(found)


def recall(found: np.ndarray, truth: np.ndarray) -> float:
    hits = sum(len(set(f) & set(t)) for f, t in zip(found, truth))
    return hits / truth.size


def measure(n: int, n_queries: int, hnsw: bool, rng: np.random.Generator, real=None) -> dict:
    if real is not None:
        x, queries = real[0][:n], real[1][:n_queries]
    else:
        x = corpus(n, rng)
        picks = rng.choice(n, n_queries, replace=False)
        noise = rng.standard_normal((n_queries, DIM)).astype(np.float32) / np.sqrt(DIM)
        queries = x[picks] + QUERY_NOISE * noise
        queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    ids = np.arange(n, dtype=np.int64)
    row = {"n": n, "data": "real" if real is not None else "synthetic"}
    backends = [("flat", {}), ("ivf", ivf_params(n))]
    if hnsw:
        backends.append(("hnsw", {}))
    truth = None
    for kind, params in backends:
        start = time.perf_counter()
        ann = vectors.create(kind, DIM, params).build(ids, x)
        build_s = time.perf_counter() - start
        ms, found = per_query_ms(ann, queries)
        if truth is None:
            truth = found
        row[kind] = {
            "params": ann.params,
            "build_s": round(build_s, 3),
            "query_ms": round(ms, 3),
            "recall_at_10": round(recall(found, truth), 4),
        }
    row["ivf_speedup"] = round(row["flat"]["query_ms"] / max(row["ivf"]["query_ms"], 1e-9), 2)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="2000,5000,10000,20000,50000,100000,200000")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--hnsw", action="store_true", help="also measure HNSW (slow to build)")
    parser.add_argument("--threads", type=int, default=1, help="FAISS threads (default 1)")
    parser.add_argument("--real", help="folder of FEVER CSVs (claim,evidence) for real data")
    parser.add_argument("--cache", default="/tmp/workbench-bench", help="embedding cache folder")
    args = parser.parse_args()
    faiss.omp_set_num_threads(args.threads)
    rng = np.random.default_rng(0)
    sizes = [int(s) for s in args.sizes.split(",")]
    real = real_data(args.real, max(sizes), args.cache, args.queries) if args.real else None
    rows = []
    for n in sizes:
        if real is not None and n > len(real[0]):
            print(f"only {len(real[0])} real sentences; skipped n={n}", file=sys.stderr)
            continue
        rows.append(measure(n, args.queries, args.hnsw, rng, real))
        print(json.dumps(rows[-1]), file=sys.stderr)
    crossover = next(
        (
            r["n"]
            for r in rows
            if r["ivf_speedup"] >= SPEEDUP
            and r["ivf"]["recall_at_10"] >= MIN_RECALL
            and r["flat"]["query_ms"] >= FLAT_BUDGET_MS
        ),
        None,
    )
    print(
        json.dumps(
            {
                "dimension": DIM,
                "threads": args.threads,
                "machine": platform.processor() or platform.machine(),
                "faiss": faiss.__version__,
                "rule": f"smallest n where IVF is >= {SPEEDUP}x faster with recall@10 >= "
                f"{MIN_RECALL} and flat takes >= {FLAT_BUDGET_MS} ms per query",
                "crossover": crossover,
                "factory_crossover": vectors.CROSSOVER,
                "results": rows,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
