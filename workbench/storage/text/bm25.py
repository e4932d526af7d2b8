"""bm25s: BM25 scores precomputed per (word, sentence) in a sparse matrix, with top-k selection.

A query adds up the columns of its words and keeps the k best, so its cost follows the words'
posting lists, not a per-row scoring function as in FTS5: the engine for large corpora. Its files
are built from SQLite (the source of truth) and rebuilt from it when missing or corrupt; k1 and b
are FTS5's, and the tokens are FTS5's (base.tokens), so both engines rank alike.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import numpy as np

from .base import TextIndex, query_words, tokens

BUILD_CHUNK = 50_000  # sentences read from SQLite at a time while building
IDS_FILE = "sentence_ids.npy"
INFO_FILE = "workbench.json"


class BM25S(TextIndex):
    kind = "bm25s"

    def __init__(self, params: dict | None = None):
        super().__init__(params)
        self.params.setdefault("k1", 1.2)  # FTS5's bm25() constants
        self.params.setdefault("b", 0.75)
        self.retriever = None
        self.ids = np.zeros(0, dtype=np.int64)  # sentence id of each bm25s document
        self.info: dict = {}  # generation, max_id, count at build time (set by the cache)

    def count(self) -> int:
        return len(self.ids)

    def build(self, conn: sqlite3.Connection) -> BM25S:
        import bm25s

        vocab: dict[str, int] = {"": 0}  # bm25s scores a document without tokens by ""
        docs: list[list[int]] = []
        ids: list[int] = []
        last = -1
        while True:
            rows = conn.execute(
                "SELECT id, text FROM sentences WHERE id > ? ORDER BY id LIMIT ?",
                (last, BUILD_CHUNK),
            ).fetchall()
            if not rows:
                break
            for sid, text in rows:
                docs.append([vocab.setdefault(t, len(vocab)) for t in tokens(text)])
                ids.append(sid)
            last = rows[-1][0]
        retriever = bm25s.BM25(k1=self.params["k1"], b=self.params["b"], method="lucene")
        if docs:
            retriever.index((docs, vocab), create_empty_token=False, show_progress=False)
        self.retriever = retriever if docs else None
        self.ids = np.asarray(ids, dtype=np.int64)
        return self

    def search(self, conn: sqlite3.Connection, claim: str, k: int) -> list[tuple[int, float]]:
        if self.retriever is None or k <= 0:
            return []
        vocab = self.retriever.vocab_dict
        words = [vocab[t] for w in query_words(claim) for t in tokens(w) if t in vocab]
        if not words:
            return []
        scores = self.retriever.get_scores(list(dict.fromkeys(words)))
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(self.ids[i]), float(scores[i])) for i in top if scores[i] > 0]

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        if self.retriever is not None:
            self.retriever.save(str(folder), show_progress=False)
        np.save(folder / IDS_FILE, self.ids)
        (folder / INFO_FILE).write_text(json.dumps({**self.info, **self.describe()}))
        for path in folder.iterdir():  # the folder is renamed into place only once all is on disk
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())

    def load(self, folder: Path) -> BM25S:
        import bm25s

        self.info = json.loads((folder / INFO_FILE).read_text())
        self.ids = np.load(folder / IDS_FILE)
        self.retriever = None
        if len(self.ids):
            self.retriever = bm25s.BM25.load(str(folder), mmap=True, show_progress=False)
        if self.retriever is not None and self.retriever.scores["num_docs"] != len(self.ids):
            raise ValueError("the sentence ids do not match the BM25 index")
        return self
