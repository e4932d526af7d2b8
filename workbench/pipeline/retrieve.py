"""Stage 5: hybrid retrieval - dense (FAISS) and BM25 (FTS5 or bm25s by size), fused by rank.

Each hit carries its neighbouring sentences as context and its document's title, date and
source, plus the exact cosine similarity between claim and sentence (used as relevance).
Building the index is storage's job; this module only searches it. Fusion is in fusion.py.
"""

from __future__ import annotations

import numpy as np

from ..defaults import TOP_K
from ..model.evidence import Hit
from ..storage.store import Store
from ..storage.text import STOPWORDS, fts_query
from .embed import Embedder
from .fusion import rrf

CANDIDATES = 50  # per retriever, before fusion
__all__ = ["CANDIDATES", "STOPWORDS", "Retriever", "fts_query"]


class Retriever:
    """Hybrid dense + BM25 retrieval over a Store."""

    def __init__(self, store: Store, embedder: Embedder, candidates: int = CANDIDATES):
        self.store = store
        self.embedder = embedder
        self.candidates = candidates

    def search(self, claim: str, top_k: int = TOP_K, date: str | None = None) -> list[Hit]:
        """Top-k fused hits for one claim; `date` keeps only documents dated on/before it."""
        return self.search_many([claim], top_k, [date])[0]

    def search_many(
        self,
        claims: list[str],
        top_k: int = TOP_K,
        dates: list[str | None] | None = None,
        keep: int | None = None,
        vectors: np.ndarray | None = None,
    ) -> list[list[Hit]]:
        """Like search(), for several claims with one embedding batch.

        keep (>= top_k) returns that many hits per claim, searched exactly as for top_k, so the
        first top_k are the ones search(top_k) gives (evaluation needs a deeper list for
        recall@k without retrieving twice). vectors: the claims' embeddings, when the caller
        has them already.
        """
        dates = dates or [None] * len(claims)
        if not claims or self.store.count_sentences() == 0 or top_k <= 0:
            return [[] for _ in claims]
        keep = max(top_k, keep or top_k)
        queries = self.embedder.encode(list(claims), progress=False) if vectors is None else vectors
        with self.store.snapshot():  # one committed state, even while documents are added
            return [self._search(c, q, top_k, d, keep) for c, q, d in zip(claims, queries, dates)]

    def _search(
        self, claim: str, query: np.ndarray, top_k: int, date: str | None, keep: int
    ) -> list[Hit]:
        depth = max(self.candidates, top_k * 4) * (4 if date else 1)
        dense = [i for i, _ in self.store.search_vectors(query, depth)]
        sparse = [i for i, _ in self.store.search_text(claim, depth)]
        fused = rrf([dense, sparse])
        order = sorted(fused, key=lambda i: -fused[i])
        if date:  # claim date: only evidence published on or before it (undated is kept)
            rows = self.store.sentences(order)
            order = [i for i in order if i in rows and (rows[i].date or "") <= date]
        else:
            rows = self.store.sentences(order[:keep])
        order = [i for i in order if i in rows][:keep]
        vectors = self.store.embeddings(order)
        dense_rank = {i: r for r, i in enumerate(dense, start=1)}
        sparse_rank = {i: r for r, i in enumerate(sparse, start=1)}
        hits = []
        for i in order:
            row = rows[i]
            hits.append(
                Hit(
                    **row.to_dict(),
                    sentence_id=i,
                    relevance=float(np.dot(vectors[i], query)),
                    rrf=fused[i],
                    dense_rank=dense_rank.get(i),
                    bm25_rank=sparse_rank.get(i),
                )
            )
        return hits
