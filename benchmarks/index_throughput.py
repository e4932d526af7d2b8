"""Indexing throughput: sentences/s of `index add` versus raw sentence-transformers encode.

    python benchmarks/index_throughput.py [--sentences 20000] [--doc-sentences 20]
        [--backends onnx,torch]

Corpus: the first N distinct Wikipedia sentences from ../shared/data (Climate-FEVER evidence,
then FEVER evidence, detokenised), written as a temporary .jsonl file of documents of
--doc-sentences sentences each. The script then, in one process with the model loaded once:
1. indexes that file into a fresh temporary index with Workbench.add (what `workbench index add
   FILE` runs: read, segment, embed, SQLite + FTS5 writes, FAISS) and times it;
2. encodes exactly the sentences the index ended up holding with the raw
   SentenceTransformer.encode (library defaults: batch size 32, no normalisation), and times
   that; then the same for the texts the index really embeds ("title: sentence" where the
   document has a title, see workbench.api.embedding_text), which are longer.
It prints one JSON object: the rates, the ratio of `index add` to raw encode of the bare
sentences (target >= 0.85) and to raw encode of the embedded texts (the pipeline's own
overhead), and where the add time went (segmentation, embedding, database, vector index).
With several --backends, step 1 runs once per backend (a fresh index each; torch is the old
path, onnx the default) and each is compared with the same raw encode (PyTorch, the library's
default). Takes about 3x the time to embed N sentences once per backend.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from _common import machine, maxrss_mb, wiki_sentences


class Timer:
    """Wraps a function and adds up the seconds spent in it."""

    def __init__(self, owner, name: str):
        self.owner, self.name, self.seconds, self.calls = owner, name, 0.0, 0
        self.original = getattr(owner, name)

        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return self.original(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - started
                self.calls += 1

        setattr(owner, name, timed)

    def restore(self) -> None:
        setattr(self.owner, self.name, self.original)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=20_000)
    parser.add_argument("--doc-sentences", type=int, default=20)
    parser.add_argument("--backends", default="onnx")
    args = parser.parse_args()
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]

    from workbench import api
    from workbench.api import Workbench
    from workbench.pipeline.embed import Embedder
    from workbench.storage import store

    sentences = wiki_sentences(args.sentences)
    with tempfile.TemporaryDirectory(prefix="wb-throughput-") as tmp:
        docs = Path(tmp) / "docs.jsonl"
        with open(docs, "w", encoding="utf-8") as handle:
            for i in range(0, len(sentences), args.doc_sentences):
                group = sentences[i : i + args.doc_sentences]
                record = {"id": f"doc{i // args.doc_sentences}", "title": group[0][:60]}
                record["text"] = " ".join(group)
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")

        adds = []
        for backend in backends:
            embedder = Embedder(None, backend=backend)
            embedder.encode(sentences[:256])  # warm-up (export on first use, threads, allocator)
            timers = [
                Timer(api, "segment"),
                Timer(Embedder, "encode"),
                Timer(store.Store, "put_documents"),
                Timer(store.Store, "apply_vectors"),
                Timer(store.Store, "finish_vectors"),
            ]
            started = time.perf_counter()
            with Workbench.open(Path(tmp) / f"index-{backend}", backend=backend) as wb:
                report = wb.add([docs])
                add_s = time.perf_counter() - started
                rows = wb.store.conn.execute("SELECT doc_id, text FROM sentences ORDER BY id")
                texts, embedded = [], []
                docs_by_id = {}
                for doc_id, text in rows.fetchall():
                    if doc_id not in docs_by_id:
                        docs_by_id[doc_id] = wb.document(doc_id)
                    texts.append(text)
                    embedded.append(api.embedding_text(docs_by_id[doc_id], text))
                stats = wb.stats()
            for t in timers:
                t.restore()
            breakdown = {t.name: round(t.seconds, 2) for t in timers}
            adds.append((backend, add_s, breakdown))
        n = len(texts)
        model = Embedder(None, backend="torch").model
        model.encode(sentences[:256], batch_size=32)  # warm-up

        started = time.perf_counter()
        model.encode(texts)  # library defaults
        raw_s = time.perf_counter() - started
        started = time.perf_counter()
        model.encode(embedded)  # the texts the index embeds ("title: sentence")
        raw_embedded_s = time.perf_counter() - started

    raw_rate = n / raw_s
    runs = [
        {
            "backend": backend,
            "index_add_seconds": round(add_s, 2),
            "index_add_sentences_per_s": round(n / add_s, 1),
            "ratio_add_to_raw": round((n / add_s) / raw_rate, 3),
            "ratio_add_to_raw_embedded_texts": round(raw_embedded_s / add_s, 3),
            "add_breakdown_seconds": breakdown,
        }
        for backend, add_s, breakdown in adds
    ]
    result = {
        "benchmark": "index_throughput",
        "command": "python benchmarks/index_throughput.py "
        f"--sentences {args.sentences} --doc-sentences {args.doc_sentences} "
        f"--backends {args.backends}",
        "corpus": "distinct Wikipedia sentences (Climate-FEVER + FEVER evidence)",
        "input_sentences": len(sentences),
        "documents": len(report.added),
        "indexed_sentences": n,
        "runs": runs,
        "raw_encode": "SentenceTransformer.encode on PyTorch, library defaults",
        "raw_encode_seconds": round(raw_s, 2),
        "raw_encode_sentences_per_s": round(raw_rate, 1),
        "raw_encode_batch_size": 32,
        "engine_batch_size": Embedder(None).batch_size,
        "texts_with_title_context": sum(a != b for a, b in zip(texts, embedded)),
        "raw_encode_embedded_texts_seconds": round(raw_embedded_s, 2),
        "raw_encode_embedded_texts_per_s": round(n / raw_embedded_s, 1),
        "target_ratio": 0.85,
        "vector_index": stats["vector_index"],
        "database_bytes": stats["database_bytes"],
        "peak_rss_mb": maxrss_mb(),
        "machine": machine(),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
