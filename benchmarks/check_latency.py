"""Single-claim latency (p50/p95) and index memory at 10k, 100k and 1M sentences.

    python benchmarks/check_latency.py [--sizes 10000,100000,1000000] [--queries 100]
        [--real-up-to 10000] [--workdir DIR] [--stance-model PATH]

Corpora reuse the ~39,700 distinct Wikipedia sentences of ../shared/data (Climate-FEVER and
FEVER evidence), cycled to reach the size, in documents of 20 sentences. Sizes up to --index-up-
to (10k) are indexed for real with Workbench.add_records. Larger sizes keep the real text in
SQLite (so BM25, sentence lookups and stance see real sentences) and are written through
Store.put_documents and indexed by Store.rebuild_vectors, i.e. the automatic index choice of
workbench/storage/vectors/factory.py. Up to --real-up-to (100k) they repeat the sentences of the
--index-up-to corpus with their real all-MiniLM-L6-v2 embeddings, read back from its database
(embedding 100k distinct sentences takes most of an hour on 2 cores; every query then finds
several identical copies, which costs the same time as distinct sentences); above it the
embeddings are random unit vectors of the model's dimension (384). The output says which size
used what.

Each size is then measured in a fresh subprocess (so its memory reading is clean) with
Climate-FEVER claims as queries, one at a time, old and new side by side:
  embed_ms  - embedding the claim (new: ONNX Runtime; embed_torch_ms: PyTorch, the old path);
  ann_ms    - the FAISS search alone (50 candidates);
  bm25_fts5_ms - SQLite FTS5 alone (the old BM25);  bm25_ms - the engine the index chooses for
              its size (storage/text/: FTS5 below text.CROSSOVER, bm25s above), 50 candidates;
  search_old_ms - Workbench.search with FTS5 and the PyTorch embedder (the old search);
  search_ms - Workbench.search (embed + ANN + BM25 + fusion + sentence lookup), top 10;
  check_old_ms - the old check: old search + stance of all 10 pairs on PyTorch;
  check_ms  - Workbench.check with the defaults (ONNX Runtime, evidence that cannot move the
              verdict not scored), the full single check.
--build-only builds the indexes (so the timed run can come later, on a quiet machine).
Memory: bytes per sentence on disk (SQLite + FAISS file) and the process RSS added by opening
the index (vector index and SQLite cache), next to the FAISS file size.
Runs in about 15 minutes on a 2-core CPU with the default sizes (the 1M build dominates);
--workdir DIR keeps the built indexes so a rerun only measures.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import climate_claims, dir_bytes, machine, percentiles, rss_mb, wiki_sentences

DOC_SENTENCES = 20
WRITE_BATCH = 500  # documents per put_documents transaction


def _documents(n: int, pool: list[str]):
    """(doc_id, title, sentence texts) for n sentences cycled from pool."""
    for d in range(math.ceil(n / DOC_SENTENCES)):
        first = d * DOC_SENTENCES
        count = min(DOC_SENTENCES, n - first)
        texts = [pool[(first + j) % len(pool)] for j in range(count)]
        yield f"bench{d}", f"Benchmark document {d}", texts


def build_real(folder: Path, n: int, pool: list[str]) -> dict:
    from workbench.api import Workbench

    started = time.perf_counter()
    records = [
        {"id": doc_id, "title": title, "text": "\n\n".join(texts)}
        for doc_id, title, texts in _documents(n, pool)
    ]
    with Workbench.open(folder) as wb:
        wb.add_records(records, origin="benchmark")
        count = wb.store.count_sentences()
    return {
        "embeddings": "real all-MiniLM-L6-v2 (Workbench.add_records)",
        "build_seconds": round(time.perf_counter() - started, 1),
        "sentences": count,
    }


def real_pool(workdir: Path, n: int, pool: list[str]):
    """(texts, vectors): n distinct sentences with their real embeddings.

    Taken from the really indexed corpus of n sentences when it was built (its SQLite rows), so
    nothing is embedded twice; otherwise the first n pool sentences are embedded now.
    """
    import sqlite3

    import numpy as np

    db = workdir / f"indexed-{n}" / "workbench.db"
    if db.exists():
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        rows = conn.execute("SELECT text, embedding FROM sentences ORDER BY id").fetchall()
        conn.close()
        texts = [text for text, _ in rows]
        return texts, np.vstack([np.frombuffer(blob, dtype=np.float32) for _, blob in rows])
    from workbench.pipeline.embed import Embedder

    texts = pool[:n]
    return texts, Embedder(None).encode(texts, progress=True)


def build_synthetic(folder: Path, n: int, pool: list[str], pool_vecs=None, dim: int = 384) -> dict:
    """Real text in SQLite; embeddings are the pool's real ones (cycled) or random vectors."""
    import numpy as np

    from workbench.api import Workbench
    from workbench.model.documents import SourceDocument
    from workbench.pipeline.segment import Sentence

    started = time.perf_counter()
    rng = np.random.default_rng(0)
    with Workbench.open(folder) as wb:
        store = wb.store
        store.set_model(wb.model_name, dim)
        batch, position = [], 0
        for doc_id, title, texts in _documents(n, pool):
            sentences, offset = [], 0
            for text in texts:
                sentences.append(Sentence(offset, offset + len(text), text))
                offset += len(text) + 2
            doc = SourceDocument(doc_id, "\n\n".join(texts), title, source="benchmark")
            if pool_vecs is not None:
                rows = [(position + j) % len(pool) for j in range(len(texts))]
                vecs = np.ascontiguousarray(pool_vecs[rows], dtype=np.float32)
            else:
                vecs = rng.standard_normal((len(texts), dim)).astype(np.float32)
                vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
            position += len(texts)
            batch.append((doc, sentences, vecs))
            if len(batch) >= WRITE_BATCH:
                store.put_documents(batch)
                batch = []
        if batch:
            store.put_documents(batch)
        written = time.perf_counter() - started
        store.rebuild_vectors()
        text_started = time.perf_counter()
        with store.writing():
            store.text.finish()  # the BM25 engine for this size (bm25s files when large)
        text_s = time.perf_counter() - text_started
        count = store.count_sentences()
    kind = (
        f"real all-MiniLM-L6-v2 embeddings of {len(pool)} distinct sentences, repeated; "
        "real text in SQLite"
        if pool_vecs is not None
        else "random unit vectors (dimension 384) for the ANN part; real text in SQLite"
    )
    return {
        "embeddings": kind,
        "build_seconds": round(time.perf_counter() - started, 1),
        "sqlite_write_seconds": round(written, 1),
        "text_index_build_seconds": round(text_s, 1),
        "sentences": count,
    }


def measure(folder: Path, queries: int, stance_model: str | None) -> dict:
    """Runs in a fresh process: latencies and memory of one index."""
    from workbench.api import Workbench
    from workbench.pipeline.retrieve import CANDIDATES, fts_query

    rss_start = rss_mb()
    wb = Workbench.open(folder, stance_model=stance_model, create=False)
    # the old engine, in the same process: PyTorch models, FTS5, every pair scored
    old = Workbench(wb.store, wb.model_name, stance_model, wb.params, backend="torch")
    for bench in (wb, old):  # load the models of both before reading memory
        _ = bench.embedder.model, bench.stance
        bench.embedder.encode(["warm up"])
    rss_models = rss_mb()
    started = time.perf_counter()
    _ = wb.store.ann  # loads the FAISS file (rebuilds it only if it is stale)
    engine = wb.store.text.current()  # loads the BM25 engine's files when it has any
    open_s = time.perf_counter() - started
    rss_open = rss_mb()

    def fts5_only(on: bool) -> None:
        """The old BM25 for the old engine's searches (the chosen engine stays loaded)."""
        wb.store.text._engine = None if on or engine.kind == "fts5" else engine

    claims = climate_claims(queries, offset=1)
    for claim in climate_claims(3, offset=queries + 10):  # warm-up of every stage
        wb.check(claim)
        old.check(claim, score_all=True)
    names = ("embed", "embed_torch", "ann", "bm25_fts5", "bm25", "search_old", "search")
    timings: dict[str, list[float]] = {k: [] for k in (*names, "check_old", "check")}
    scored = 0

    def clock(name, fn, *args, **kw):
        t = time.perf_counter()
        out = fn(*args, **kw)
        timings[name].append(1000 * (time.perf_counter() - t))
        return out

    for claim in claims:
        vec = clock("embed", wb.embedder.encode, [claim])[0]
        clock("embed_torch", old.embedder.encode, [claim])
        clock("ann", wb.store.search_vectors, vec, CANDIDATES)
        clock("bm25_fts5", wb.store.search_bm25, fts_query(claim), CANDIDATES)
        clock("bm25", wb.store.search_text, claim, CANDIDATES)
        fts5_only(True)
        clock("search_old", old.search, claim, 10)
        clock("check_old", old.check, claim, score_all=True)
        fts5_only(False)
        clock("search", wb.search, claim, 10)
        result = clock("check", wb.check, claim)
        scored += sum(e.p_supports is not None for e in result.evidence)
    stats = wb.stats()
    rss_end = rss_mb()
    wb.close()
    n = stats["sentences"]
    disk = dir_bytes(folder)
    return {
        "sentences": n,
        "vector_index": stats["vector_index"],
        **{f"{k}_ms": percentiles(v) for k, v in timings.items()},
        "text_index": stats["text_index"],
        "pairs_scored_per_check": round(scored / max(len(claims), 1), 2),
        "open_vectors_seconds": round(open_s, 2),
        "disk_bytes": disk,
        "disk_bytes_per_sentence": round(disk / n, 1),
        "database_bytes": stats["database_bytes"],
        "vectors_file_bytes": stats["vectors_bytes"],
        "vectors_file_bytes_per_sentence": round(stats["vectors_bytes"] / n, 1),
        "rss_mb": {
            "start": rss_start,
            "models_loaded": rss_models,
            "index_open": rss_open,
            "end": rss_end,
        },
        # RAM the opened vector index takes (FAISS loaded, before any check) ...
        "index_ram_mb": round(rss_open - rss_models, 1),
        "index_ram_bytes_per_sentence": round((rss_open - rss_models) * 2**20 / n, 1),
        # ... and what checking adds on top (SQLite page cache, tokenizer/torch buffers)
        "checking_ram_mb": round(rss_end - rss_open, 1),
        "stance_model": stats["stance_model"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--index-up-to", type=int, default=10_000)
    parser.add_argument("--real-up-to", type=int, default=100_000)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--stance-model", default=None)
    parser.add_argument("--build-only", action="store_true", help="build the indexes, no timing")
    parser.add_argument("--measure", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.measure is not None:  # child process
        print(json.dumps(measure(args.measure, args.queries, args.stance_model)))
        return

    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    tmp = None
    if args.workdir is None:
        tmp = tempfile.TemporaryDirectory(prefix="wb-latency-")
        workdir = Path(tmp.name)
    else:
        workdir = args.workdir
        workdir.mkdir(parents=True, exist_ok=True)
    pool = wiki_sentences()
    results = []
    try:
        for n in sizes:
            kind = (
                "indexed" if n <= args.index_up_to else "pool" if n <= args.real_up_to else "random"
            )
            folder = workdir / f"{kind}-{n}"
            marker = folder / "built.json"
            if marker.exists():
                build = json.loads(marker.read_text())
            elif kind == "indexed":
                build = build_real(folder, n, pool)
            elif kind == "pool":
                texts, vecs = real_pool(workdir, args.index_up_to, pool)
                build = build_synthetic(folder, n, texts, vecs)
                build["distinct_sentences"] = len(texts)
            else:
                build = build_synthetic(folder, n, pool)
            marker.write_text(json.dumps(build))
            if args.build_only:
                print(json.dumps({"size": n, "build": build}), file=sys.stderr)
                continue
            command = [
                sys.executable,
                __file__,
                "--measure",
                str(folder),
                "--queries",
                str(args.queries),
            ]
            if args.stance_model:
                command += ["--stance-model", args.stance_model]
            out = subprocess.run(command, capture_output=True, text=True, check=False)
            if out.returncode != 0:
                raise SystemExit(f"measuring {folder} failed:\n{out.stderr[-3000:]}")
            results.append({"size": n, "build": build, **json.loads(out.stdout)})
            print(json.dumps(results[-1]), file=sys.stderr)
    finally:
        if tmp is not None:
            tmp.cleanup()
    report = {
        "benchmark": "check_latency",
        "command": "python benchmarks/check_latency.py "
        f"--sizes {args.sizes} --queries {args.queries} --index-up-to {args.index_up_to} "
        f"--real-up-to {args.real_up_to}",
        "distinct_sentences_in_pool": len(pool),
        "queries": "Climate-FEVER claims, one at a time",
        "targets": {"check_p50_ms_at_100k": 150, "search_p50_ms_at_1M": 30},
        "results": results,
        "machine": machine(),
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
