"""The single driver's ceiling on Ray: how fast the one writer can take what workers send; JSON.

    python benchmarks/ray_driver_ceiling.py [--results 2000] [--copies 4]

With Ray the workers do the model work and the driver only writes, so however many workers a
cluster has, a run cannot go faster than its driver can write:

- verify: results per second through the real ResultWriter (one fsynced line per claim), with
  result objects of real size (a result of `verify` on a Climate-FEVER claim, 10 evidence);
- index add: sentences per second through the real writer path (Workbench.add_prepared: classify,
  SQLite + FTS5 commit every 512 sentences, FAISS mirror, text-index upkeep), with documents
  already segmented and embedded as workers send them (the pooled Climate-FEVER corpus, --copies
  times under fresh ids, random unit vectors standing in for the embeddings).

Timed on this machine's disk; nothing here loads a model except the embedding model's dimension.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from _common import CLIMATE_FEVER, machine


def results_ceiling(n: int, tmp: Path) -> dict:
    from workbench.batch.results import ResultWriter

    evidence = {
        "doc_id": "climate-fever:Global warming",
        "title": "Global warming",
        "date": None,
        "source": "https://en.wikipedia.org/wiki/Global_warming",
        "sentence": "x" * 180,
        "start": 1200,
        "end": 1380,
        "context": "y" * 540,
        "stance": "neutral",
        "p_supports": 0.1234,
        "p_refutes": 0.2345,
        "p_neutral": 0.6421,
        "score": 0.2345,
    }
    record = {"claim": "z" * 120, "date": None, "verdict": "NOT_ENOUGH_INFO", "confidence": 0.7}
    path = tmp / "results.jsonl"
    start = time.perf_counter()
    with ResultWriter(path, "jsonl") as writer:
        for i in range(n):
            writer.write({"id": str(i), **record, "evidence": [evidence] * 10})
    seconds = time.perf_counter() - start
    return {
        "results": n,
        "bytes_per_result": round(path.stat().st_size / n),
        "seconds": round(seconds, 2),
        "results_per_second": round(n / seconds, 1),
    }


def index_ceiling(copies: int, tmp: Path) -> dict:
    from workbench.api import Prepared, Workbench
    from workbench.evaluation.datasets import load_climate_fever
    from workbench.pipeline import ingest
    from workbench.pipeline.segment import segment

    _, corpus = load_climate_fever(CLIMATE_FEVER)
    rng = np.random.default_rng(0)
    items = []
    for copy in range(copies):
        records = [{**r, "id": f"{r['id']}#{copy}"} for r in corpus.records]
        for doc, error in ingest.load_records(records, "bench"):
            assert error is None, error
            sentences = segment(doc.text)
            vecs = rng.standard_normal((len(sentences), 384)).astype(np.float32)
            vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
            items.append((doc.doc_id, [(Prepared(doc, sentences, vecs), None)]))
    n_sentences = sum(len(p.sentences) for _, [(p, _)] in items)
    with Workbench.open(tmp / "index") as wb:
        _ = wb.embedder.dimension  # the writer loads it to check the dimension: not timed
        start = time.perf_counter()
        report = wb.add_prepared(iter(items), len(items))
        seconds = time.perf_counter() - start
        assert len(report.added) == len(items) and not report.errors
    return {
        "documents": len(items),
        "sentences": n_sentences,
        "seconds": round(seconds, 2),
        "sentences_per_second": round(n_sentences / seconds, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=int, default=2000)
    parser.add_argument("--copies", type=int, default=4, help="copies of the corpus to write")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="wb-driver-") as name:
        tmp = Path(name)
        report = {
            "benchmark": "ray_driver_ceiling",
            "command": "python benchmarks/ray_driver_ceiling.py " + " ".join(sys.argv[1:]),
            "machine": machine(),
            "verify_writer": results_ceiling(args.results, tmp),
            "index_writer": index_ceiling(args.copies, tmp),
        }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
