"""Stage 5: hybrid retrieval - dense (FAISS) and BM25 (SQLite FTS5) fused by reciprocal rank.

Each hit carries its neighbouring sentences as context and its document's title, date and
source, plus the exact cosine similarity between claim and sentence (used as relevance).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

import numpy as np

from ..storage.store import Store
from .embed import Embedder

# Reciprocal-rank-fusion constant. Cormack et al. (2009) used 60 for many rankers; with two, a
# smaller k lets a sentence ranked near the top by either retriever win. Chosen on the
# Climate-FEVER dev half (even claim ids) among 5/10/15/20/30/60: recall@5 0.407 at 10 vs 0.398
# at 60; test half 0.393 vs 0.354 (README, Evaluation).
RRF_K = 10
CANDIDATES = 50  # per retriever, before fusion
_WORD = re.compile(r"\w+", re.UNICODE)
STOPWORDS = frozenset(
    "a an and are as at be been but by did do does for from had has have he her his i if in into"
    " is it its of on or she so than that the their them then there these they this to was were"
    " what when where which while who whom why will with would you".split()
)


@dataclass
class Hit:
    """One retrieved sentence (no stance yet)."""

    sentence_id: int
    doc_id: str
    title: str
    date: str | None
    source: str
    sentence: str
    start: int
    end: int
    context: str
    relevance: float  # cosine similarity claim-sentence, in [-1, 1]
    rrf: float  # fused rank score
    dense_rank: int | None = None
    bm25_rank: int | None = None

    def to_dict(self) -> dict:
        return asdict(self)


def fts_query(text: str) -> str:
    """A safe FTS5 MATCH expression: the text's words, each quoted, OR-ed together."""
    words, seen = [], set()
    for word in _WORD.findall(text.lower()):
        if word in STOPWORDS or word in seen or word == "_":
            continue
        seen.add(word)
        words.append('"' + word.replace('"', '""') + '"')
    return " OR ".join(words)


def rrf(rankings: list[list[int]], k: int = RRF_K) -> dict[int, float]:
    """Reciprocal rank fusion: sum over rankings of 1 / (k + rank), rank starting at 1."""
    scores: dict[int, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    return scores


class Retriever:
    """Hybrid dense + BM25 retrieval over a Store."""

    def __init__(self, store: Store, embedder: Embedder, candidates: int = CANDIDATES):
        self.store = store
        self.embedder = embedder
        self.candidates = candidates

    def search(self, claim: str, top_k: int = 10, date: str | None = None) -> list[Hit]:
        """Top-k fused hits for one claim; `date` keeps only documents dated on/before it."""
        return self.search_many([claim], top_k, [date])[0]

    def search_many(
        self, claims: list[str], top_k: int = 10, dates: list[str | None] | None = None
    ) -> list[list[Hit]]:
        """Like search(), for several claims with one embedding batch."""
        dates = dates or [None] * len(claims)
        if not claims or self.store.count_sentences() == 0 or top_k <= 0:
            return [[] for _ in claims]
        queries = self.embedder.encode(list(claims), progress=False)
        with self.store.snapshot():  # one committed state, even while documents are added
            return [self._search(c, q, top_k, d) for c, q, d in zip(claims, queries, dates)]

    def _search(self, claim: str, query: np.ndarray, top_k: int, date: str | None) -> list[Hit]:
        depth = max(self.candidates, top_k * 4) * (4 if date else 1)
        dense = [i for i, _ in self.store.search_vectors(query, depth)]
        sparse = [i for i, _ in self.store.search_bm25(fts_query(claim), depth)]
        fused = rrf([dense, sparse])
        order = sorted(fused, key=lambda i: -fused[i])
        if date:  # claim date: only evidence published on or before it (undated is kept)
            rows = self.store.sentences(order)
            order = [i for i in order if i in rows and (rows[i].date or "") <= date]
        else:
            rows = self.store.sentences(order[:top_k])
        order = [i for i in order if i in rows][:top_k]
        vectors = self.store.embeddings(order)
        dense_rank = {i: r for r, i in enumerate(dense, start=1)}
        sparse_rank = {i: r for r, i in enumerate(sparse, start=1)}
        hits = []
        for i in order:
            row = rows[i]
            hits.append(
                Hit(
                    sentence_id=i,
                    doc_id=row.doc_id,
                    title=row.title,
                    date=row.date,
                    source=row.url or row.source,
                    sentence=row.text,
                    start=row.start,
                    end=row.end,
                    context=row.context,
                    relevance=float(np.dot(vectors[i], query)),
                    rrf=fused[i],
                    dense_rank=dense_rank.get(i),
                    bm25_rank=sparse_rank.get(i),
                )
            )
        return hits
