"""Matching a claim against claims already fact-checked: BM25 and MiniLM cosine, fused.

A tweet and the fact-check that covers it share few exact words but the same meaning, so a
ranking from words (BM25, bm25s) and one from meaning (the bundled MiniLM, cosine) are fused by
a weighted sum of their per-query min-max normalised scores. A fact-check is represented by its
claim and its title (a verified claim's title is a question with the key words). The fusion
weight and the match threshold were measured on CLEF 2020 Task 2 *train* only (see
docs/factchecks.md); dev is reported, never tuned on.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..storage.text.base import STOPWORDS, tokens
from ..storage.vectors import factory

# Weight of the dense (cosine) score in the fusion; 1 - DENSE_WEIGHT goes to BM25.
# Measured on CLEF 2020 Task 2 train among 0.0 .. 1.0 in steps of 0.1: train MAP@5 0.826 at
# 0.7 (0.826 at 0.8, 0.809 at 0.5, 0.796 at 1.0, 0.773 at 0.0); measured again with copies
# ranked once: 0.869 at 0.7 and 0.8, 0.864 at 0.6, 0.859 at 0.9, 0.838 at 1.0.
DENSE_WEIGHT = 0.7
# Cosine between a claim and a fact-check from which a match is shown. Measured on train: the
# cosine of each tweet to its own fact-check against its cosine to the nearest other one (its
# own left out); 0.60 separates them best (balanced accuracy 0.70: 62% of the right matches
# pass, 78% of the nearest unrelated ones are kept out). finder.py shows the matches above it.
MATCH_THRESHOLD = 0.60
CANDIDATES = 50  # per retriever, fused afterwards

_URL = re.compile(r"(?:https?://|www\.)\S+|pic\.twitter\.com/\S*", re.IGNORECASE)
# "— Name (@handle) January 6, 2020" (an embedded tweet's signature), at the end of the text.
_TAIL = re.compile(
    r"\s*[\u2014\u2013-]{1,2}\s*[^\u2014\u2013]{0,80}\(@\w+\)\s*[A-Za-z]+\.? \d{1,2},? \d{4}\s*$"
)
_HANDLE = re.compile(r"@(\w+)")
# word boundaries inside a handle or hashtag: DeepStateFiles, BetoORourke, Election2020
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[A-Za-z])(?=\d)")
_HASHTAG = re.compile(r"#(\w+)")
_SPACE = re.compile(r"\s+")
# quotation marks of every kind, read as one: the same fact-check is often stored twice, once
# with straight and once with curly or single quotes (CLEF 2020's 10,375 verified claims hold 178
# such pairs)
_QUOTES = re.compile("[\"'\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f`\u00b4]")


def _tag_words(match: re.Match) -> str:
    """A handle's or hashtag's word, then its parts when it is several words run together."""
    word = match.group(1)
    parts = _CAMEL.sub(" ", word)
    return f"{word} {parts}" if parts != word else word


def clean_tweet(text: str) -> str:
    """A tweet as a claim: signature tail, links and pic.twitter links dropped; @ and # unmarked.

    Handles and hashtags keep their word (``@realDonaldTrump`` names who is meant), without
    the sign, followed by the words run together in it (``#DeepStateFiles`` -> "DeepStateFiles
    Deep State Files"), so that both retrievers read them as words. Splitting them raised CLEF
    2020 train MAP@5 from 0.869 to 0.886 (0.885 with the parts alone).
    """
    text = _TAIL.sub("", text or "")
    text = _URL.sub(" ", text)
    text = _HANDLE.sub(_tag_words, text)
    text = _HASHTAG.sub(lambda match: " " + _tag_words(match), text)
    return _SPACE.sub(" ", text).strip()


def fact_check_text(claim: str, title: str | None = None) -> str:
    """What a fact-check is matched by: its claim, then its title when that adds something."""
    claim = (claim or "").strip()
    title = (title or "").strip()
    if title and title.lower() not in claim.lower():
        return f"{claim} {title}" if claim else title
    return claim


def same_factcheck_key(text: str, *details: str | None) -> str:
    """What makes two fact-checks the same one: their text up to quotation marks, case and
    spacing, and the same rating, publisher and url (details). Copies are shown once."""
    plain = (
        _SPACE.sub(" ", _QUOTES.sub("'", part or "")).strip().casefold()
        for part in (text, *details)
    )
    return "\x1f".join(plain)


def _words(text: str) -> list[str]:
    return [w for w in tokens(text) if w not in STOPWORDS]


def _minmax(scores: np.ndarray) -> np.ndarray:
    low, high = float(scores.min()), float(scores.max())
    if high - low < 1e-9:
        return np.zeros_like(scores)
    return (scores - low) / (high - low)


@dataclass(frozen=True)
class Match:
    """One fact-checked claim found for a query: its position in the collection and scores."""

    index: int
    score: float  # fused score, 0..1 within the query's candidates
    cosine: float  # cosine between query and fact-check (what the threshold reads)


class ClaimMatcher:
    """BM25 + dense ranking over a fixed list of fact-check texts (built once, queried often)."""

    def __init__(
        self,
        texts: Sequence[str],
        vectors: np.ndarray,
        embedder,
        dense_weight: float = DENSE_WEIGHT,
        keys: Sequence[str] | None = None,
    ):
        """keys: what makes two fact-checks the same (same_factcheck_key; default: the text).
        Of copies with one key only the first in texts is reported (the first imported)."""
        import bm25s

        self.texts = list(texts)
        first: dict[str, int] = {}
        keys = keys if keys is not None else [same_factcheck_key(t) for t in self.texts]
        self.first_copy = np.array([first.setdefault(k, i) for i, k in enumerate(keys)], np.int64)
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self.embedder = embedder
        self.dense_weight = dense_weight
        self.bm25 = None
        # dense candidates: exact cosine over all vectors below the vector index's crossover,
        # above it the index the evidence store would choose for that many (IVF): a 100k x 384
        # product per query reads 150 MB and costs ~18 ms on 2 cores, the IVF a few
        self.ann = None
        kind, params = factory.choose(len(self.texts))
        if kind != "flat":
            ids = np.arange(len(self.texts), dtype=np.int64)
            self.ann = factory.create(kind, self.vectors.shape[1], params).build(ids, self.vectors)
        if self.texts:
            corpus = [_words(t) or ["_"] for t in self.texts]
            self.bm25 = bm25s.BM25(k1=1.2, b=0.75)
            self.bm25.index(corpus, show_progress=False)

    def __len__(self) -> int:
        return len(self.texts)

    def bm25_scores(self, query: str) -> np.ndarray:
        """BM25 score of every fact-check for the query (0 where no word is shared)."""
        words = [w for w in _words(query) if w in self.bm25.vocab_dict]
        if not words:
            return np.zeros(len(self.texts), dtype=np.float32)
        return self.bm25.get_scores(words).astype(np.float32)

    def rank(
        self, queries: Sequence[str], k: int = 5, query_vectors: np.ndarray | None = None
    ) -> list[list[Match]]:
        """The k best fact-checks per query, best first (queries are cleaned here)."""
        if not self.texts:
            return [[] for _ in queries]
        cleaned = [clean_tweet(q) for q in queries]
        if query_vectors is None:
            query_vectors = self.embedder.encode(cleaned)
        query_vectors = np.ascontiguousarray(query_vectors, dtype=np.float32)
        n = min(CANDIDATES, len(self.texts))
        if self.ann is not None:
            dense = self.ann.search(query_vectors, n)[1]
        else:
            dense = np.argpartition(-(query_vectors @ self.vectors.T), n - 1, axis=1)[:, :n]
        out = []
        for query, vector, near in zip(cleaned, query_vectors, dense):
            out.append(self._fuse(self.bm25_scores(query), vector, near[near >= 0], k))
        return out

    def _fuse(self, bm25: np.ndarray, query: np.ndarray, dense: np.ndarray, k: int) -> list[Match]:
        n = min(CANDIDATES, len(bm25))
        pool = np.union1d(dense, np.argpartition(-bm25, n - 1)[:n])
        cosine = self.vectors[pool] @ query
        fused = self.dense_weight * _minmax(cosine) + (1 - self.dense_weight) * _minmax(bm25[pool])
        found: dict[int, Match] = {}  # copies of one fact-check: reported once, as the first
        for i in np.argsort(-fused, kind="stable"):
            first = int(self.first_copy[pool[i]])
            if first not in found:
                found[first] = Match(first, float(fused[i]), float(cosine[i]))
            if len(found) == k:
                break
        return list(found.values())
