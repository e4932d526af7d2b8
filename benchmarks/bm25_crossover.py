"""Where bm25s starts to pay off over SQLite FTS5: ms per BM25 query by corpus size.

    python benchmarks/bm25_crossover.py [--sizes 5000,10000,20000,50000,100000] [--queries 200]

Real text: the ~39,700 distinct Wikipedia sentences of ../shared/data (cycled past that), in
documents of 20 sentences, written to a fresh SQLite index per size (no embeddings are needed:
random unit vectors). Queries: Climate-FEVER claims, 50 candidates each, as retrieval asks.
For each size: FTS5 p50/p95, bm25s p50/p95 and its build seconds, and the overlap of the two
top-10 lists. Rule (storage/text/factory.py: CROSSOVER): the smallest size where FTS5 costs at
least 5 ms per query and bm25s is at least 2x faster, the same rule as the vector index.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from _common import climate_claims, machine, percentiles, wiki_sentences

DOC = 20


def build(folder: Path, n: int, pool: list[str]):
    from workbench.model.documents import SourceDocument
    from workbench.pipeline.segment import Sentence
    from workbench.storage.store import Store

    store = Store(folder)
    store.set_model("benchmark", 8)
    rng = np.random.default_rng(0)
    batch = []
    for d in range(0, n, DOC):
        texts = [pool[(d + j) % len(pool)] for j in range(min(DOC, n - d))]
        sentences, offset = [], 0
        for text in texts:
            sentences.append(Sentence(offset, offset + len(text), text))
            offset += len(text) + 2
        vecs = rng.standard_normal((len(texts), 8)).astype(np.float32)
        batch.append((SourceDocument(f"d{d}", "\n\n".join(texts), f"D{d}"), sentences, vecs))
        if len(batch) >= 500:
            store.put_documents(batch)
            batch = []
    if batch:
        store.put_documents(batch)
    return store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="5000,10000,20000,50000,100000")
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()

    from workbench.storage.text.bm25 import BM25S
    from workbench.storage.text.fts5 import search_fts5

    pool = wiki_sentences()
    claims = climate_claims(args.queries, offset=1)
    rows = []
    for n in [int(s) for s in args.sizes.split(",") if s.strip()]:
        with tempfile.TemporaryDirectory(prefix="wb-bm25-") as tmp:
            store = build(Path(tmp), n, pool)
            conn = store.db
            started = time.perf_counter()
            engine = BM25S().build(conn)
            build_s = time.perf_counter() - started
            for claim in claims[:5]:  # warm-up
                search_fts5(conn, claim, 50)
                engine.search(conn, claim, 50)
            fts5, ours, overlap = [], [], []
            for claim in claims:
                t = time.perf_counter()
                a = search_fts5(conn, claim, 50)
                fts5.append(1000 * (time.perf_counter() - t))
                t = time.perf_counter()
                b = engine.search(conn, claim, 50)
                ours.append(1000 * (time.perf_counter() - t))
                top_a, top_b = {i for i, _ in a[:10]}, {i for i, _ in b[:10]}
                if top_a:
                    overlap.append(len(top_a & top_b) / len(top_a))
            store.close()
        row = {
            "sentences": n,
            "fts5_ms": percentiles(fts5),
            "bm25s_ms": percentiles(ours),
            "bm25s_build_seconds": round(build_s, 2),
            "top10_overlap": round(float(np.mean(overlap)), 3),
        }
        rows.append(row)
        print(json.dumps(row), flush=True, file=sys.stderr)
    crossover = next(
        (
            r["sentences"]
            for r in rows
            if r["fts5_ms"]["p50_ms"] >= 5 and r["fts5_ms"]["p50_ms"] >= 2 * r["bm25s_ms"]["p50_ms"]
        ),
        None,
    )
    print(
        json.dumps(
            {
                "benchmark": "bm25_crossover",
                "command": f"python benchmarks/bm25_crossover.py --sizes {args.sizes} "
                f"--queries {args.queries}",
                "results": rows,
                "crossover": crossover,
                "machine": machine(),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
