"""Recall@10 of the compressed vector indexes against exact search, on real embeddings; JSON.

    python benchmarks/ann_compressed.py [--sentences 20000] [--queries 400]
        [--scan 1000000] [--cache /tmp/workbench-bench]

Corpus: distinct Wikipedia sentences (Climate-FEVER evidence, then FEVER evidence; read from
../shared/data, never copied) embedded with the bundled all-MiniLM-L6-v2; queries: Climate-FEVER
claims. Embeddings are cached in --cache. For each layout the factory would choose
(workbench/storage/vectors/factory.py: IVF-SQ8, and IVF-PQ with its exact re-ranking, which the
store does with the float32 embeddings it keeps in SQLite, done here with the same vectors) it
reports recall@10 against exact inner-product search, bytes per vector and ms per query, and
for IVF-PQ how recall moves with nprobe and with the re-ranking depth.

--scan N also times IVF-PQ over N random unit vectors with every cell probed, giving the cost
of scanning one PQ code, from which the per-query time at 10M and 100M sentences is estimated
(codes scanned per query = n * nprobe / nlist under the factory's layout).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

import faiss
import numpy as np

sys.path.insert(0, os.path.dirname(__file__))

from _common import climate_claims, machine, wiki_sentences  # noqa: E402

from workbench.storage import vectors  # noqa: E402
from workbench.storage.vectors.ivf import ivf_params  # noqa: E402

K = 10


def embedded(n: int, n_queries: int, cache: str) -> tuple[np.ndarray, np.ndarray]:
    """(sentence vectors, claim vectors), embedded once and cached as .npy files."""
    base = os.path.join(cache, f"wiki_{n}")
    if os.path.exists(base + "_x.npy") and os.path.exists(base + "_q.npy"):
        x, q = np.load(base + "_x.npy"), np.load(base + "_q.npy")
        if len(q) >= n_queries:
            return x, q[:n_queries]
    from workbench.pipeline.embed import Embedder

    embedder = Embedder(None)
    q = embedder.encode(climate_claims(n_queries))
    x = embedder.encode(wiki_sentences(n), progress=True)
    os.makedirs(cache, exist_ok=True)
    np.save(base + "_x.npy", x)
    np.save(base + "_q.npy", q)
    return x, q


def recall(found: np.ndarray, truth: np.ndarray) -> float:
    return sum(len(set(f) & set(t)) for f, t in zip(found, truth)) / truth.size


def search(ann, x: np.ndarray, queries: np.ndarray, rerank: int) -> tuple[np.ndarray, float]:
    """Top-K ids per query, one query at a time (as `check` does); candidates re-scored."""
    out = []
    start = time.perf_counter()
    for q in queries:
        _, ids = ann.search(q[None, :], K * rerank)
        ids = ids[0][ids[0] >= 0]
        if rerank > 1:
            ids = ids[np.argsort(-(x[ids] @ q), kind="stable")]
        out.append(ids[:K])
    return np.array(out), 1000 * (time.perf_counter() - start) / len(queries)


def code_bytes(ann) -> float:
    """Bytes per vector of the codes plus ids (what the index holds per sentence)."""
    ivf = faiss.extract_index_ivf(ann.index)
    return ivf.code_size + 8


def measure(x: np.ndarray, queries: np.ndarray) -> dict:
    n = len(x)
    ids = np.arange(n, dtype=np.int64)
    exact = vectors.create("flat", x.shape[1]).build(ids, x)
    truth, flat_ms = search(exact, x, queries, 1)
    rows = {"n": n, "queries": len(queries), "flat_ms_per_query": round(flat_ms, 3)}
    for quantizer in ("sq8", "pq"):
        params = ivf_params(n, quantizer)
        start = time.perf_counter()
        ann = vectors.create("ivf", x.shape[1], params).build(ids, x)
        build_s = time.perf_counter() - start
        rerank = int(params.get("rerank", 1))
        found, ms = search(ann, x, queries, rerank)
        row = {
            "params": ann.params,
            "build_s": round(build_s, 2),
            "bytes_per_vector": code_bytes(ann),
            "ms_per_query": round(ms, 3),
            "recall_at_10": round(recall(found, truth), 4),
        }
        if quantizer == "pq":
            plain, _ = search(ann, x, queries, 1)
            row["recall_at_10_without_rerank"] = round(recall(plain, truth), 4)
            row["by_rerank"] = {
                str(r): round(recall(search(ann, x, queries, r)[0], truth), 4) for r in (2, 4, 10)
            }
            by_probe = {}
            ivf = faiss.extract_index_ivf(ann.index)
            for fraction in (256, 64, 32, 16, 4):
                ivf.nprobe = max(1, params["nlist"] // fraction)
                found, ms = search(ann, x, queries, rerank)
                by_probe[f"nlist/{fraction}"] = {
                    "nprobe": int(ivf.nprobe),
                    "recall_at_10": round(recall(found, truth), 4),
                    "ms_per_query": round(ms, 3),
                }
            ivf.nprobe = int(params["nprobe"])
            row["by_nprobe"] = by_probe
        rows[f"ivf_{quantizer}"] = row
    return rows


def scan_rate(n: int, dim: int) -> dict:
    """ns per PQ code scanned: IVF-PQ over n random unit vectors, all cells probed."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((n, dim)).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    params = ivf_params(n, "pq")
    start = time.perf_counter()
    ann = vectors.create("ivf", dim, params).build(np.arange(n, dtype=np.int64), x)
    build_s = time.perf_counter() - start
    queries = x[:20]
    ivf = faiss.extract_index_ivf(ann.index)
    timings = {}
    for fraction in (32, 1):
        ivf.nprobe = max(1, params["nlist"] // fraction)
        ann.search(queries[:2], K * params["rerank"])
        start = time.perf_counter()
        for q in queries:
            ann.search(q[None, :], K * params["rerank"])
        timings[fraction] = 1000 * (time.perf_counter() - start) / len(queries)
    ns_per_code = 1e6 * timings[1] / n
    estimate = {}
    for size in (10_000_000, 100_000_000):
        layout = ivf_params(size, "pq")
        scanned = size * layout["nprobe"] / layout["nlist"]
        estimate[str(size)] = {
            "layout": layout,
            "codes_scanned_per_query": int(scanned),
            "estimated_scan_ms_per_query": round(scanned * ns_per_code / 1e6, 1),
            "index_ram_gb": round(size * code_bytes(ann) / 1e9, 2),
        }
    return {
        "n": n,
        "build_s": round(build_s, 1),
        "ms_per_query_nprobe_nlist/32": round(timings[32], 2),
        "ms_per_query_all_cells": round(timings[1], 2),
        "ns_per_code": round(ns_per_code, 2),
        "estimates": estimate,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sentences", type=int, default=20_000)
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--scan", type=int, default=0, help="also time PQ scanning at this n")
    parser.add_argument("--threads", type=int, default=1, help="FAISS threads (default 1)")
    parser.add_argument("--cache", default="/tmp/workbench-bench")
    args = parser.parse_args()
    faiss.omp_set_num_threads(args.threads)
    x, queries = embedded(args.sentences, args.queries, args.cache)
    report = {
        "command": "python benchmarks/ann_compressed.py " + " ".join(sys.argv[1:]),
        "machine": machine(),
        "data": "real: Wikipedia sentences (Climate-FEVER + FEVER evidence), Climate-FEVER claims",
        "real": measure(x, queries),
    }
    if args.scan:
        report["pq_scan"] = scan_rate(args.scan, x.shape[1])
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
